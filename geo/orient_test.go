package geo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// A vertex one unit in the last place beside an edge, in the province's
// coordinates: the rounded cross product is exactly 0, so the old test
// called the vertex on the edge and a ring passing there crossing itself.
//
//	     c ·──────→ d   (c is off the line, on d's side)
//	b ·──────────────────· a
func TestSegmentsMeet_NearlyCollinear(t *testing.T) {
	a := orb.Point{105.9942645652803, 20.75858833711911}
	b := orb.Point{105.39068675226251, 20.500682138814796}
	c := orb.Point{105.47496159577553, 20.536692416254354}
	if got := orientRational(a, b, c); got != 1 {
		t.Fatalf("the case is built wrong: c is on side %d of ab", got)
	}
	// d: from c away from the line, on c's side.
	d := orb.Point{c[0] - (b[1]-a[1])*1e-3, c[1] + (b[0]-a[0])*1e-3}
	if segmentsMeet(a, b, c, d) || segmentsMeet(c, d, a, b) {
		t.Fatal("segments that do not meet are said to meet")
	}
	if orient(a, b, c) != 1 || orient(b, a, c) != -1 || orient(c, a, b) != 1 {
		t.Fatalf("orient(a, b, c) = %d, orient(b, a, c) = %d, orient(c, a, b) = %d", orient(a, b, c), orient(b, a, c), orient(c, a, b))
	}
}

// orient agrees with rational arithmetic on points nearly on a line, a
// few units in the last place off it, in degrees and near zero.
func TestOrient_MatchesRationals(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	// Points in a province, across the globe (differences with tails), near
	// zero (tiny but within the expansion's range), and so tiny or large
	// that the rational path is taken, which is slow: fewer of those.
	bases := []struct {
		x, y, span float64
		n          int
	}{{105, 20, 1, 5000}, {-180, -90, 360, 5000}, {0, 0, 1e-100, 5000}, {1, -1, 1e-12, 5000},
		{0, 0, 1e-200, 30}, {0, 0, 1e300, 30}}
	for _, base := range bases {
		for range base.n {
			p := func() orb.Point {
				return orb.Point{base.x + base.span*rng.Float64(), base.y + base.span*rng.Float64()}
			}
			a, b := p(), p()
			s := rng.Float64()
			c := orb.Point{a[0] + s*(b[0]-a[0]), a[1] + s*(b[1]-a[1])}
			for range rng.IntN(3) {
				i := rng.IntN(2)
				c[i] = math.Nextafter(c[i], math.Inf(2*rng.IntN(2)-1))
			}
			for _, tri := range [][3]orb.Point{{a, b, c}, {b, c, a}, {c, a, b}, {b, a, c}} {
				if got, want := orient(tri[0], tri[1], tri[2]), orientRational(tri[0], tri[1], tri[2]); got != want {
					t.Fatalf("orient(%v, %v, %v) = %d, exactly %d", tri[0], tri[1], tri[2], got, want)
				}
			}
		}
	}
	if orient(orb.Point{math.NaN(), 0}, orb.Point{1, 1}, orb.Point{2, 2}) != 0 {
		t.Fatal("NaN: want 0")
	}
}
