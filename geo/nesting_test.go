package geo

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// gridPolygon writes a GeoJSON Polygon's coordinates from rings given as
// x, y pairs on a grid of 0.01° from (105, 20), the province of
// testRules: equal grid points are equal coordinates, and a grid point on
// a horizontal or vertical edge lies exactly on it. The first position is
// repeated at the end.
func gridPolygon(rings ...[]int) string {
	var b strings.Builder
	b.WriteString("[")
	for i, r := range rings {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("[")
		for k := 0; k <= len(r); k += 2 {
			if k > 0 {
				b.WriteString(",")
			}
			x, y := r[k%len(r)], r[(k+1)%len(r)]
			fmt.Fprintf(&b, "[%d.%02d,%d.%02d]", 105+x/100, x%100, 20+y/100, y%100)
		}
		b.WriteString("]")
	}
	b.WriteString("]")
	return b.String()
}

func gridSquare(x0, y0, x1, y1 int) []int { return []int{x0, y0, x1, y0, x1, y1, x0, y1} }

// footprintFiling is a mobile filing of one footprint of the given
// GeoJSON geometry.
func footprintFiling(geometry string) []byte {
	return []byte(`{"type":"FeatureCollection","layer":"mobile","as_of":"2025-01-01","features":[` +
		`{"type":"Feature","properties":{"technology":"4G"},"geometry":` + geometry + `}]}`)
}

func polygonJSON(rings ...[]int) string {
	return `{"type":"Polygon","coordinates":` + gridPolygon(rings...) + `}`
}

func multiPolygonJSON(polys ...string) string {
	return `{"type":"MultiPolygon","coordinates":[` + strings.Join(polys, ",") + `]}`
}

// Rings of one polygon nest as the GeoJSON and OGC Simple Features rules
// say: every hole inside its shell, holes apart from each other, rings
// meeting at single points at most, and never crossing. The filing of the
// outside review, a 1 km shell beside the province and a "hole" covering
// it, was accepted, and the even-odd rasteriser covered the province.
// Sketches on the 0.01° grid; S is the shell, H a hole:
//
//	hole inside        hole outside       hole crossing      hole around the shell
//	+--------+         +---+  +---+       +------+           +----------+
//	| +--+   |         | S |  | H |       | S +--+--+        | H +---+  |
//	| |H |   |         +---+  +---+       |   |  |  |        |   | S |  |
//	| +--+ S |                            +---+--+  |        |   +---+  |
//	+--------+                                +-----+        +----------+
func TestParseFilingGeoJSON_RingNesting(t *testing.T) {
	cases := []struct {
		name, geometry, want string
	}{
		{"hole inside", polygonJSON(gridSquare(0, 0, 10, 10), gridSquare(3, 3, 7, 7)), ""},
		{"hole inside, wound the same way as the shell", polygonJSON(gridSquare(0, 0, 10, 10), []int{3, 3, 7, 3, 7, 7, 3, 7}), ""},
		{"two holes inside", polygonJSON(gridSquare(0, 0, 20, 20), gridSquare(2, 2, 8, 8), gridSquare(12, 12, 18, 18)), ""},
		// The edge under the upper hole's first vertex is the lower hole's
		// top: the upper one is beside it, so inside what holds it.
		{"a hole above a wider hole", polygonJSON(gridSquare(0, 0, 20, 20), gridSquare(2, 2, 18, 5), gridSquare(5, 10, 8, 15)), ""},
		{"the review's filing: a small shell, a hole around the province", polygonJSON(gridSquare(90, 90, 91, 91), gridSquare(0, 0, 80, 80)), ProblemHoleOutsideShell},
		{"hole outside, beside the shell", polygonJSON(gridSquare(0, 0, 10, 10), gridSquare(12, 0, 15, 3)), ProblemHoleOutsideShell},
		{"hole around the shell", polygonJSON(gridSquare(3, 3, 7, 7), gridSquare(0, 0, 10, 10)), ProblemHoleOutsideShell},
		{"hole crossing the shell", polygonJSON(gridSquare(0, 0, 10, 10), gridSquare(5, 5, 15, 15)), ProblemHoleOutsideShell},
		// In at (7, 2) and out at (7, 12), vertices on the shell's edges:
		// no two edges cross between their ends.
		{"hole crossing the shell at two of its vertices", polygonJSON(gridSquare(2, 2, 12, 12), []int{7, 2, 14, 0, 14, 14, 7, 12, 5, 7}), ProblemHoleOutsideShell},
		{"hole touching the shell's corner from inside", polygonJSON(gridSquare(0, 0, 10, 10), []int{0, 0, 5, 2, 2, 5}), ""},
		{"hole touching the shell's edge with a vertex", polygonJSON(gridSquare(0, 0, 10, 10), []int{5, 0, 7, 3, 3, 3}), ""},
		{"hole touching the shell's corner from outside", polygonJSON(gridSquare(0, 0, 10, 10), []int{10, 10, 12, 10, 12, 12}), ProblemHoleOutsideShell},
		{"hole running along the shell's edge", polygonJSON(gridSquare(0, 0, 10, 10), gridSquare(0, 0, 5, 5)), ProblemHoleOutsideShell},
		{"hole equal to the shell", polygonJSON(gridSquare(0, 0, 10, 10), gridSquare(0, 0, 10, 10)), ProblemHoleOutsideShell},
		{"holes crossing", polygonJSON(gridSquare(0, 0, 20, 20), gridSquare(2, 2, 8, 8), gridSquare(5, 5, 11, 11)), ProblemHolesOverlap},
		{"hole inside a hole", polygonJSON(gridSquare(0, 0, 20, 20), gridSquare(2, 2, 18, 18), gridSquare(5, 5, 10, 10)), ProblemHolesOverlap},
		{"hole around a hole", polygonJSON(gridSquare(0, 0, 20, 20), gridSquare(5, 5, 10, 10), gridSquare(2, 2, 18, 18)), ProblemHolesOverlap},
		{"holes touching at a corner", polygonJSON(gridSquare(0, 0, 20, 20), gridSquare(2, 2, 5, 5), gridSquare(5, 5, 8, 8)), ""},
		{"holes sharing an edge", polygonJSON(gridSquare(0, 0, 20, 20), gridSquare(2, 2, 5, 5), gridSquare(5, 2, 8, 5)), ProblemHolesOverlap},
		// A hole crossing itself is that ring's problem, found first.
		{"a hole crossing itself", polygonJSON(gridSquare(0, 0, 10, 10), []int{2, 2, 8, 8, 8, 2, 2, 8}), ProblemSelfIntersection},
		{"parts apart", multiPolygonJSON(gridPolygon(gridSquare(0, 0, 10, 10)), gridPolygon(gridSquare(20, 0, 30, 10))), ""},
		{"parts touching at a corner", multiPolygonJSON(gridPolygon(gridSquare(0, 0, 10, 10)), gridPolygon(gridSquare(10, 10, 20, 20))), ""},
		{"a part on an island in another's hole", multiPolygonJSON(gridPolygon(gridSquare(0, 0, 20, 20), gridSquare(5, 5, 15, 15)), gridPolygon(gridSquare(8, 8, 12, 12))), ""},
		{"a part inside another", multiPolygonJSON(gridPolygon(gridSquare(0, 0, 20, 20)), gridPolygon(gridSquare(8, 8, 12, 12))), ProblemPartsOverlap},
		{"a part around another", multiPolygonJSON(gridPolygon(gridSquare(8, 8, 12, 12)), gridPolygon(gridSquare(0, 0, 20, 20))), ProblemPartsOverlap},
		{"parts crossing", multiPolygonJSON(gridPolygon(gridSquare(0, 0, 10, 10)), gridPolygon(gridSquare(5, 5, 15, 15))), ProblemPartsOverlap},
		{"parts sharing an edge", multiPolygonJSON(gridPolygon(gridSquare(0, 0, 10, 10)), gridPolygon(gridSquare(10, 0, 20, 10))), ProblemPartsOverlap},
		{"a part's hole outside its shell, inside another part", multiPolygonJSON(gridPolygon(gridSquare(0, 0, 10, 10), gridSquare(22, 2, 28, 8)), gridPolygon(gridSquare(20, 0, 30, 10))), ProblemHoleOutsideShell},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseFilingGeoJSON(footprintFiling(c.geometry), testRules())
			got := ""
			var ie *InputError
			switch {
			case errors.As(err, &ie):
				got = ie.Problems[0].Code
			case err != nil:
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("code %q, want %q (%v)", got, c.want, err)
			}
			// The fuzz target's rational reference agrees.
			g, err := geojson.UnmarshalGeometry([]byte(c.geometry))
			if err != nil {
				t.Fatal(err)
			}
			mp, ok := g.Geometry().(orb.MultiPolygon)
			if !ok {
				mp = orb.MultiPolygon{g.Geometry().(orb.Polygon)}
			}
			codes, _, selfCrossing := referenceRingCodes(mp)
			if c.want == ProblemSelfIntersection {
				codes[c.want] = len(selfCrossing) > 0
			}
			if (c.want == "" && len(codes) > 0) || (c.want != "" && !codes[c.want]) {
				t.Fatalf("the reference finds %v", codes)
			}
		})
	}
}

// Random polygons of rectangles and triangles on a small grid, where
// rings nest, touch, cross and run along each other in every way: the
// sweep's problems are the rational reference's (as FuzzRingValidation
// checks, with the fuzzer's inputs).
func TestCheckRings_RandomAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	// Shells mostly large, holes mostly small, so that holes inside
	// shells, beside and above each other, are common; some triangles.
	shape := func(large bool) orb.Ring {
		if rng.IntN(4) == 0 {
			x, y := float64(rng.IntN(6)), float64(rng.IntN(6))
			pt := func() orb.Point { return orb.Point{x + float64(rng.IntN(4)), y + float64(rng.IntN(4))} }
			a, b, c := pt(), pt(), pt()
			return orb.Ring{a, b, c, a}
		}
		var x0, y0, x1, y1 int
		if large {
			x0, y0, x1, y1 = rng.IntN(3), rng.IntN(3), 5+rng.IntN(4), 5+rng.IntN(4)
		} else {
			w, h := 1+rng.IntN(3), 1+rng.IntN(3)
			x0, y0 = rng.IntN(9-w), rng.IntN(9-h)
			x1, y1 = x0+w, y0+h
		}
		return orb.Ring{{float64(x0), float64(y0)}, {float64(x1), float64(y0)}, {float64(x1), float64(y1)}, {float64(x0), float64(y1)}, {float64(x0), float64(y0)}}
	}
	// A shell of 9 × 9 with holes in cells of 3 × 3, each somewhere in
	// its cell: mostly valid, with holes beside, above and touching each
	// other; one of them then, sometimes, moved anywhere.
	cells := func() orb.MultiPolygon {
		p := orb.Polygon{{{0, 0}, {9, 0}, {9, 9}, {0, 9}, {0, 0}}}
		for c := range 9 {
			if rng.IntN(3) == 0 {
				continue
			}
			x, y := 3*(c%3), 3*(c/3)
			x0, y0 := x+rng.IntN(2), y+rng.IntN(2)
			x1, y1 := x0+1+rng.IntN(x+3-x0), y0+1+rng.IntN(y+3-y0)
			p = append(p, orb.Ring{{float64(x0), float64(y0)}, {float64(x1), float64(y0)}, {float64(x1), float64(y1)}, {float64(x0), float64(y1)}, {float64(x0), float64(y0)}})
		}
		if len(p) > 1 && rng.IntN(2) == 0 {
			dx, dy := float64(rng.IntN(7)-3), float64(rng.IntN(7)-3)
			h := p[1+rng.IntN(len(p)-1)]
			for k := range h {
				h[k] = orb.Point{h[k][0] + dx, h[k][1] + dy}
			}
		}
		return orb.MultiPolygon{p}
	}
	found := map[string]int{}
	for i := range 1200 {
		var mp orb.MultiPolygon
		if i%3 == 0 {
			mp = cells()
		} else {
			for j := range 1 + rng.IntN(2) {
				p := orb.Polygon{shape(j == 0 || rng.IntN(2) == 0)}
				for range rng.IntN(4) {
					p = append(p, shape(false))
				}
				mp = append(mp, p)
			}
		}
		rp, err := checkRings(mp, nil)
		if err != nil || (rp != nil && rp.inconsistent) {
			t.Fatalf("%v: err %v, %+v", mp, err, rp)
		}
		checkAgainstReference(t, mp, rp)
		if rp == nil {
			found[""]++
		} else {
			found[rp.Code]++
		}
	}
	// Every outcome is well represented, the valid one included.
	for _, code := range []string{"", ProblemHoleOutsideShell, ProblemHolesOverlap, ProblemPartsOverlap} {
		if found[code] < 20 {
			t.Errorf("only %d cases of %q: %v", found[code], code, found)
		}
	}
}

// checkAgainstReference fails unless rp, what checkRings found in mp, is
// what referenceRingCodes finds: nothing when it finds nothing, else one
// of its codes, for a single polygon on the ring it has that code on.
func checkAgainstReference(t *testing.T, mp orb.MultiPolygon, rp *ringProblem) {
	t.Helper()
	codes, byRing, selfCrossing := referenceRingCodes(mp)
	switch {
	case len(selfCrossing) > 0:
		// Inside and outside mean little beside a ring crossing itself: a
		// problem must be found, and a self-intersection only where there
		// is one.
		if rp == nil || (rp.Code == ProblemSelfIntersection && !selfCrossing[[2]int{rp.Part, rp.Ring}]) {
			t.Fatalf("%v: rings crossing themselves %v; checkRings says %+v", mp, selfCrossing, rp)
		}
	case rp == nil && len(codes) > 0, rp != nil && !codes[rp.Code]:
		t.Fatalf("%v: the reference finds %v; checkRings says %+v", mp, codes, rp)
	case rp != nil && len(mp) == 1 && !byRing[[2]int{rp.Part, rp.Ring}][rp.Code]:
		t.Fatalf("%v: the reference finds %v on the rings; checkRings says %+v", mp, byRing, rp)
	}
}

// fan is a shell around k thin triangular holes that all touch at the
// origin, like the spokes of a wheel: allowed (holes may touch at single
// points), and the case where the most rings meet at one vertex.
func fan(k int) orb.Polygon {
	p := orb.Polygon{{{-2, -2}, {2, -2}, {2, 2}, {-2, 2}, {-2, -2}}}
	for j := range k {
		a := 2 * math.Pi * float64(j) / float64(k)
		b := a + math.Pi/float64(k)
		p = append(p, orb.Ring{{0, 0}, {math.Cos(a), math.Sin(a)}, {math.Cos(b), math.Sin(b)}, {0, 0}})
	}
	return p
}

// Many rings meeting at one vertex cost no more than as many rings apart:
// the work at a vertex is proportional to what meets there, times its
// logarithm.
func TestCheckRings_ManyRingsAtOneVertex(t *testing.T) {
	small := fan(12)
	if rp, err := checkRings(orb.MultiPolygon{small}, nil); rp != nil || err != nil {
		t.Fatalf("a fan of 12 holes: %+v %v", rp, err)
	}
	// One spoke turned onto its neighbour: two holes overlap.
	small[3] = orb.Ring{{0, 0}, small[4][1], small[2][2], {0, 0}}
	if rp, _ := checkRings(orb.MultiPolygon{small}, nil); rp == nil || rp.Code != ProblemHolesOverlap {
		t.Fatalf("a fan with crossing spokes: %+v", rp)
	}
	big := fan(300_000)
	within(t, 10*time.Second, func() {
		if rp, err := checkRings(orb.MultiPolygon{big}, nil); rp != nil || err != nil {
			t.Errorf("a fan of 300,000 holes: %+v %v", rp, err)
		}
	})
}
