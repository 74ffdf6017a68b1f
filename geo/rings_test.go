package geo

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// bruteSelfIntersection is the definition the sweep must agree with: two
// edges that are not neighbours along the ring share a point. It is
// quadratic, for small rings and as the fuzz target's reference.
func bruteSelfIntersection(r orb.Ring) bool {
	n := len(r) - 1
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			if b-a == 1 || (a == 0 && b == n-1) {
				continue
			}
			if segmentsMeet(r[a], r[a+1], r[b], r[b+1]) {
				return true
			}
		}
	}
	return false
}

// checkWitness fails unless edges a and b of r are two edges that are not
// neighbours and share a point.
func checkWitness(t *testing.T, r orb.Ring, a, b int) {
	t.Helper()
	n := len(r) - 1
	if a < 0 || b < 0 || a >= n || b >= n || a == b {
		t.Fatalf("witness edges %d and %d of a ring of %d edges", a, b, n)
	}
	lo, hi := min(a, b), max(a, b)
	if hi-lo == 1 || (lo == 0 && hi == n-1) {
		t.Fatalf("witness edges %d and %d are neighbours", a, b)
	}
	if !segmentsMeet(r[a], r[a+1], r[b], r[b+1]) {
		t.Fatalf("witness edges %d and %d do not meet", a, b)
	}
}

// zigzag is a ring of teeth k = 0…m, every tooth as wide as the ring:
//
//	(0, m) ·────────────────────·
//	         ╲_                 │
//	           ╲_ (1000, 2k+1)  │
//	            _·              │
//	          _╱                │
//	(0, 2k) ·╱                  │
//	          ╲_                │
//	            ·               │
//	(0, 0)  ·╱──────────────────· (2000, 0)
//
// Every edge overlaps every other in x, so a check that pairs edges by
// their x-extents is quadratic on it. Coordinates are integers, so that the
// variants below are exact.
func zigzag(m int) orb.Ring {
	r := make(orb.Ring, 0, m+4)
	for k := range m + 1 {
		r = append(r, orb.Point{float64(1000 * (k % 2)), float64(k)})
	}
	return append(r, orb.Point{2000, float64(m)}, orb.Point{2000, 0}, orb.Point{0, 0})
}

// slantedComb is a ring of m long thin teeth, every edge within a
// hundredth of a degree of the others and rising by D over its length, so
// that every edge's bounding box overlaps every other's:
//
//	(0, k+1) ·╲_
//	           ╲__ down edges y = k+1 + (D−1)x/L
//	  up edges   ·(L, k+D)
//	y = k + Dx/L _╱
//	(0, k)  ·__╱
func slantedComb(m int) orb.Ring {
	const L, D = 1_000_000, 10_000
	r := make(orb.Ring, 0, 2*m+5)
	for k := range m + 1 {
		r = append(r, orb.Point{0, float64(k)}, orb.Point{L, float64(k + D)})
	}
	return append(r, orb.Point{L + 1, float64(m + D)}, orb.Point{L + 1, -1}, orb.Point{0, -1}, orb.Point{0, 0})
}

// spiral is a ring that winds turns times outwards along r = θ and back
// inwards half a turn's spacing further out, perTurn vertices a turn: many
// long runs of nearly parallel, nearly touching edges.
func spiral(turns, perTurn int) orb.Ring {
	n := turns * perTurn
	out := make(orb.Ring, 0, 2*n+3)
	at := func(theta, rad float64) orb.Point {
		return orb.Point{rad * math.Cos(theta), rad * math.Sin(theta)}
	}
	for i := 0; i <= n; i++ {
		th := 2 * math.Pi * float64(i) / float64(perTurn)
		out = append(out, at(th, 1+th))
	}
	for i := n; i >= 0; i-- {
		th := 2 * math.Pi * float64(i) / float64(perTurn)
		out = append(out, at(th, 1+th+math.Pi))
	}
	return append(out, out[0])
}

// gridStar is starRing rounded to integers: simple but for what the
// rounding does, which is the point, as it makes vertices touch edges.
func gridStar(rng *rand.Rand, n int) orb.Ring {
	r := starRing(rng, 0, 0, 10, 100, n)
	for i := range r {
		r[i] = orb.Point{math.Round(r[i][0]), math.Round(r[i][1])}
	}
	return r
}

func TestSelfIntersection_Adversarial(t *testing.T) {
	bumped := func(r orb.Ring, k int, p orb.Point) orb.Ring {
		r = append(orb.Ring(nil), r...)
		r[k] = p
		if k == 0 {
			r[len(r)-1] = p
		}
		return r
	}
	const m = 1500
	zz := zigzag(m)
	comb := slantedComb(m / 2)
	sp := spiral(10, 150)
	npc := nearlyParallelComb(m / 2)
	cases := []struct {
		name string
		ring orb.Ring
		want bool
	}{
		{"zigzag", zz, false},
		// Tip 1001 pushed up past tip 1003: edge 1000 crosses edge 1002.
		{"zigzag, a tooth crossing the next", bumped(zz, 1001, orb.Point{1000, 1003.5}), true},
		// Tip 1001 pulled out to the right-hand side, which it touches.
		{"zigzag, a tip touching the far side", bumped(zz, 1001, orb.Point{2000, 1001}), true},
		// Tip 1001 moved onto tip 1003: one vertex twice, and the ring runs
		// back along edge 1002.
		{"zigzag, a tip on another tip", bumped(zz, 1001, orb.Point{1000, 1003}), true},
		{"zigzag, a zero-length edge", bumped(zz, 1001, orb.Point{0, 1002}), true},
		{"slanted comb", comb, false},
		// Tooth 600's tip 3 higher: its down edge crosses up edge 602 at
		// x = L/2 and ends on tooth 603's tip.
		{"slanted comb, one tooth crossing", bumped(comb, 2*600+1, orb.Point{1_000_000, 600 + 10_000 + 3}), true},
		// A left vertex moved onto up edge 600 (x = L/2): down edge 600
		// runs back along it.
		{"slanted comb, a vertex on an edge", bumped(comb, 2*601, orb.Point{500_000, 600 + 5_000}), true},
		{"nearly parallel comb", npc, false},
		// Tooth 200's tip 3 units in the last place higher: it crosses
		// tooth 202's up edge halfway.
		{"nearly parallel comb, one tooth crossing", bumped(npc, 2*200+1, orb.Point{106, 20.5 + 203*0x1p-48}), true},
		{"spiral", sp, false},
		// An inner vertex moved onto the outer arm's vertex at the same
		// angle: the ring touches itself there.
		{"spiral, touching itself", bumped(sp, len(sp)-1-1000, sp[1000]), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := bruteSelfIntersection(c.ring); got != c.want {
				t.Fatalf("the reference says %v: the case is built wrong", got)
			}
			a, b, got := selfIntersection(c.ring)
			if got != c.want {
				t.Fatalf("selfIntersection = %v, want %v", got, c.want)
			}
			if got {
				checkWitness(t, c.ring, a, b)
			}
		})
	}
}

// Random star-shaped rings, then each with one vertex moved at random, on
// a small integer grid so that touching and collinear cases are common:
// the sweep, and the pairwise check of small rings, answer what the
// quadratic definition answers.
func TestSelfIntersection_RandomAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		r := gridStar(rng, 3+rng.IntN(40))
		if i%2 == 1 {
			k := rng.IntN(len(r) - 1)
			r[k] = orb.Point{float64(rng.IntN(200) - 100), float64(rng.IntN(200) - 100)}
			if k == 0 {
				r[len(r)-1] = r[0]
			}
		}
		want := bruteSelfIntersection(r)
		a, b, got := selfIntersection(r)
		if got != want {
			t.Fatalf("ring %v: selfIntersection = %v, the reference %v", r, got, want)
		}
		if got {
			checkWitness(t, r, a, b)
		}
		if len(r)-1 <= smallRing {
			if a, b, got := smallRingCrossing(r); got != want {
				t.Fatalf("ring %v: smallRingCrossing = %v, the reference %v", r, got, want)
			} else if got {
				checkWitness(t, r, a, b)
			}
		}
	}
}

// within runs f and fails the test if it has not returned within d; a
// quadratic check on a million edges would take hours.
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("not done within %s", d)
	}
}

// A million-edge zigzag is decided in seconds (BenchmarkSelfIntersection_Million
// measures it), and a single crossing hidden in its middle is found.
func TestSelfIntersection_MillionSegments(t *testing.T) {
	zz := zigzag(1_000_000)
	within(t, 30*time.Second, func() {
		if a, b, bad := selfIntersection(zz); bad {
			t.Errorf("a simple zigzag: edges %d and %d reported", a, b)
		}
	})
	k := 500_001
	zz[k] = orb.Point{1000, float64(k) + 2.5}
	within(t, 30*time.Second, func() {
		a, b, bad := selfIntersection(zz)
		if !bad {
			t.Fatal("the crossing at tooth 500,001 was not found")
		}
		checkWitness(t, zz, a, b)
	})
}

// BenchmarkSelfIntersection_Million checks a ring of a million edges, the
// zigzag on which the check of edges paired by x-extent was quadratic
// (goal: ≤ 2 s).
func BenchmarkSelfIntersection_Million(b *testing.B) {
	zz := zigzag(1_000_000)
	for b.Loop() {
		if _, _, bad := selfIntersection(zz); bad {
			b.Fatal("reported a crossing")
		}
	}
}

// nearlyParallelComb is slantedComb in a province's coordinates with its
// teeth one unit in the last place of the latitude (2⁻⁴⁸) apart: every
// edge spans the ring's width and lies within a few units in the last
// place of every other's line, so that the floating-point filter of orient
// fails on nearly every test and the exact stages decide.
func nearlyParallelComb(m int) orb.Ring {
	const u = 0x1p-48
	r := make(orb.Ring, 0, 2*m+5)
	for k := range m + 1 {
		r = append(r, orb.Point{105, 20 + float64(k)*u}, orb.Point{106, 20.5 + float64(k)*u})
	}
	return append(r, orb.Point{106.5, 20.5 + float64(m)*u}, orb.Point{106.5, 19}, orb.Point{105, 19}, orb.Point{105, 20})
}

// BenchmarkSelfIntersection_MillionNearlyParallel is the sweep's worst
// case for arithmetic: a million nearly collinear edges, all in the
// status at once.
func BenchmarkSelfIntersection_MillionNearlyParallel(b *testing.B) {
	r := nearlyParallelComb(500_000)
	for b.Loop() {
		if _, _, bad := selfIntersection(r); bad {
			b.Fatal("reported a crossing")
		}
	}
}

// zigzagFiling is a mobile filing of one footprint: a zigzag ring of m
// teeth across the province of testRules, about 17 bytes a vertex.
func zigzagFiling(m int) []byte {
	b := []byte(`{"type":"FeatureCollection","layer":"mobile","as_of":"2025-01-01","features":[{"type":"Feature","properties":{"technology":"4G"},"geometry":{"type":"Polygon","coordinates":[[`)
	pt := func(x, y float64) {
		b = append(b, '[')
		b = strconv.AppendFloat(b, x, 'f', -1, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, y, 'f', -1, 64)
		b = append(b, "],"...)
	}
	y := func(k int) float64 { return 20.1 + 0.8*float64(k)/float64(m) }
	for k := range m + 1 {
		pt(105.1+0.4*float64(k%2), y(k))
	}
	pt(105.9, y(m))
	pt(105.9, y(0))
	b = append(b, "[105.1,20.1]]]}}]}"...)
	return b
}

// endsAfter is a context that ends (context.Canceled) at the n-th time
// it is asked, and counts the asking.
type endsAfter struct {
	context.Context
	n, asked int
}

func (c *endsAfter) Err() error {
	c.asked++
	if c.asked >= c.n {
		return context.Canceled
	}
	return nil
}

// A client that goes away stops the validation: the parser asks its
// context before it starts, before each feature and every few thousand
// vertices of a ring, and returns the context's error as soon as it has
// ended, here inside the check of a ring of 300,000 vertices.
func TestParseFilingGeoJSONContext_StopsWhenCancelled(t *testing.T) {
	raw := zigzagFiling(300_000)
	if sub, err := ParseFilingGeoJSON(zigzagFiling(1000), testRules()); err != nil || len(sub.Footprints) != 1 {
		t.Fatalf("the small zigzag filing: %v", err)
	}
	for _, n := range []int{1, 3} {
		ctx := &endsAfter{Context: context.Background(), n: n}
		if _, err := ParseFilingGeoJSONContext(ctx, raw, testRules()); !errors.Is(err, context.Canceled) {
			t.Fatalf("a context that ends when asked %d times: err = %v, want context.Canceled", n, err)
		}
		if ctx.asked != n {
			t.Fatalf("a context that ends when asked %d times was asked %d times", n, ctx.asked)
		}
	}
}

// BenchmarkParseFilingGeoJSON_MillionVertexRing validates a 17 MB filing
// of one zigzag footprint of a million vertices, reading included (goal:
// ≤ 2 s).
func BenchmarkParseFilingGeoJSON_MillionVertexRing(b *testing.B) {
	raw := zigzagFiling(1_000_000)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := ParseFilingGeoJSON(raw, testRules()); err != nil {
			b.Fatal(err)
		}
	}
}
