package geo

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// starRing is a random simple ring around (cx, cy): n ≥ 8 vertices at
// jittered angles, no two more than a quarter turn apart, and random radii
// in [rmin, rmax]. Its edges stay farther than rmin·cos(π/4) from the
// centre, so a star ring within that distance is a valid hole.
func starRing(rng *rand.Rand, cx, cy, rmin, rmax float64, n int) orb.Ring {
	r := make(orb.Ring, 0, n+1)
	for i := range n {
		a := (float64(i) + 0.9*rng.Float64()) * 2 * math.Pi / float64(n)
		d := rmin + rng.Float64()*(rmax-rmin)
		r = append(r, orb.Point{cx + d*math.Cos(a), cy + d*math.Sin(a)})
	}
	return append(r, r[0])
}

// TestScanner_MatchesPointInPolygon compares the scanline rasteriser with
// orb's point-in-polygon test at every cell centre, on random star-shaped
// polygons with holes, some reaching beyond the grid. Random vertices put
// no centre on a boundary, where the two rules differ for holes.
func TestScanner_MatchesPointInPolygon(t *testing.T) {
	g := Grid{Lon0: 105, Lat0: 20, DLon: 0.01, DLat: 0.008, Rows: 60, Cols: 70}
	rng := rand.New(rand.NewPCG(1, 2))
	z := &scanner{g: g}
	for i := range 300 {
		cx := g.Lon0 + rng.Float64()*float64(g.Cols)*g.DLon
		cy := g.Lat0 + rng.Float64()*float64(g.Rows)*g.DLat
		rmax := (0.02 + rng.Float64()*0.4)
		poly := orb.Polygon{starRing(rng, cx, cy, rmax*0.5, rmax, 8+rng.IntN(40))}
		if i%2 == 0 {
			poly = append(poly, starRing(rng, cx, cy, rmax*0.05, rmax*0.3, 8+rng.IntN(10)))
		}
		got := make([]bool, g.Rows*g.Cols)
		z.polygon(poly, 0, g.Rows, func(row, c0, c1 int) {
			for c := c0; c < c1; c++ {
				got[row*g.Cols+c] = true
			}
		})
		for r := range g.Rows {
			for c := range g.Cols {
				if want := planar.PolygonContains(poly, g.Centre(r, c)); got[r*g.Cols+c] != want {
					t.Fatalf("polygon %d, cell %d,%d: scanner %v, point-in-polygon %v", i, r, c, got[r*g.Cols+c], want)
				}
			}
		}
	}
}

// TestScanner_RowBand checks that clipping to a band of rows keeps exactly
// the band's rows, as the parallel rasteriser relies on.
func TestScanner_RowBand(t *testing.T) {
	g := Grid{Lon0: 0, Lat0: 0, DLon: 1, DLat: 1, Rows: 20, Cols: 20}
	z := &scanner{g: g}
	poly := orb.Polygon{{{2, 2}, {18, 3}, {15, 17}, {3, 15}, {2, 2}}}
	count := func(lo, hi int) (n int) {
		z.polygon(poly, lo, hi, func(row, c0, c1 int) {
			if row < lo || row >= hi {
				t.Errorf("row %d outside band %d..%d", row, lo, hi)
			}
			n += c1 - c0
		})
		return n
	}
	if all, a, b := count(0, 20), count(0, 9), count(9, 20); a+b != all || a == 0 || b == 0 {
		t.Errorf("bands %d + %d, whole %d", a, b, all)
	}
}

func TestBitset_MatchesBools(t *testing.T) {
	const n = 1000
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		b := newBitset(n)
		ref := make([]bool, n)
		for range rng.IntN(8) {
			i := rng.IntN(n)
			j := i + rng.IntN(min(200, n-i)+1)
			b.setRange(i, j)
			for k := i; k < j; k++ {
				ref[k] = true
			}
		}
		for range 50 {
			i := rng.IntN(n)
			end := i + rng.IntN(n-i+1)
			wantSet, wantClear := end, end
			for k := i; k < end; k++ {
				if ref[k] && wantSet == end {
					wantSet = k
				}
				if !ref[k] && wantClear == end {
					wantClear = k
				}
			}
			if got := b.nextSet(i, end); got != wantSet {
				t.Fatalf("nextSet(%d, %d) = %d, want %d", i, end, got, wantSet)
			}
			if got := b.nextClear(i, end); got != wantClear {
				t.Fatalf("nextClear(%d, %d) = %d, want %d", i, end, got, wantClear)
			}
		}
		b.reset()
		if !b.empty() || slices.ContainsFunc(b.w, func(w uint64) bool { return w != 0 }) {
			t.Fatal("reset left bits")
		}
	}
}

func TestBitset_Accumulate(t *testing.T) {
	x, y, z := newBitset(300), newBitset(300), newBitset(300)
	x.setRange(0, 100)
	y.setRange(50, 200)
	z.setRange(150, 250)
	ones, twos := newBitset(300), newBitset(300)
	for _, b := range []*bitset{x, y, z} {
		accumulate(ones, twos, b)
	}
	// once: 0..250; twice: 50..100 and 150..200
	for i := range 300 {
		once := i < 250
		twice := i >= 50 && i < 100 || i >= 150 && i < 200
		if (ones.nextSet(i, i+1) == i) != once || (twos.nextSet(i, i+1) == i) != twice {
			t.Fatalf("bit %d: ones %v twos %v", i, ones.nextSet(i, i+1) == i, twos.nextSet(i, i+1) == i)
		}
	}
}
