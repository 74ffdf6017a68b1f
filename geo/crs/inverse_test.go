package crs

import (
	"testing"

	"github.com/paulmach/orb"
)

// TestInverse_RoundTrip: Inverse undoes Forward to 10⁻⁸ degrees (1 mm)
// over the whole grid, in every system.
func TestInverse_RoundTrip(t *testing.T) {
	for _, code := range Codes() {
		c := systems[code]
		t.Run(c.String(), func(t *testing.T) {
			for _, p := range grid() {
				q, ok := c.Inverse(c.Forward(p))
				if !ok || distance(WGS84, q, p) > 0.001 {
					t.Errorf("%v: back to %v (ok %v)", p, q, ok)
				}
			}
		})
	}
}

func TestInverse_FarOff(t *testing.T) {
	utm := systems[3405]
	if q, ok := utm.Inverse(orb.Point{5e7, 5e7}); ok {
		t.Errorf("a point 50 000 km off zone 48N came back as %v", q)
	}
	if _, ok := WGS84.Inverse(orb.Point{200, 10}); ok {
		t.Error("longitude 200 was taken")
	}
}

func TestInverseBound_HoldsTheBox(t *testing.T) {
	utm := systems[3405]
	box := orb.Bound{Min: orb.Point{500000, 2300000}, Max: orb.Point{600000, 2400000}}
	b, ok := utm.InverseBound(box)
	if !ok {
		t.Fatal("no bound")
	}
	for _, p := range []orb.Point{box.Min, box.Max, {box.Min[0], box.Max[1]}, {box.Max[0], box.Min[1]}} {
		q, _ := utm.Inverse(p)
		if !b.Contains(q) {
			t.Errorf("corner %v (%v) is outside %v", p, q, b)
		}
	}
}
