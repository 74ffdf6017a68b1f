package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestIntersectsPolygon(t *testing.T) {
	square := func(x0, y0, x1, y1 float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	// A 0–10 square with a 4–6 hole:
	//
	//	+--------+
	//	|  +--+  |
	//	|  |  |  |
	//	|  +--+  |
	//	+--------+
	holed := orb.MultiPolygon{{square(0, 0, 10, 10), square(4, 4, 6, 6)}}
	cases := []struct {
		name string
		q    orb.Polygon
		want bool
	}{
		{"overlapping corner", orb.Polygon{square(8, 8, 12, 12)}, true},
		{"touching edge", orb.Polygon{square(10, 0, 12, 10)}, true},
		{"inside", orb.Polygon{square(1, 1, 2, 2)}, true},
		{"around", orb.Polygon{square(-1, -1, 11, 11)}, true},
		{"in the hole", orb.Polygon{square(4.5, 4.5, 5.5, 5.5)}, false},
		{"apart", orb.Polygon{square(20, 20, 21, 21)}, false},
		{"an L around a corner, boxes overlapping", orb.Polygon{orb.Ring{{11, -1}, {11, 11}, {-1, 11}, {-1, 10.5}, {10.5, 10.5}, {10.5, -1}, {11, -1}}}, false},
		{"empty", orb.Polygon{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := IntersectsPolygon(holed, c.q); got != c.want {
				t.Errorf("IntersectsPolygon = %v, want %v", got, c.want)
			}
		})
	}
}
