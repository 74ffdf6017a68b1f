package geo

import (
	"math/big"
	"slices"

	"github.com/paulmach/orb"
)

// The reference for checkRings: slow and simple, in rational arithmetic,
// sharing nothing with the sweep but segmentsMeet (itself held to
// rationals by TestOrient_MatchesRationals). For every two rings it finds
// whether they run along each other, and on which side of the other each
// piece of one lies, by cutting every edge at every point where it meets
// the other ring and testing a point inside each piece.

// ratPoint is a point with rational coordinates.
type ratPoint [2]*big.Rat

func ratOf(p orb.Point) ratPoint {
	return ratPoint{new(big.Rat).SetFloat64(p[0]), new(big.Rat).SetFloat64(p[1])}
}

// ratOrient is the sign of (b−a)×(c−a).
func ratOrient(a, b, c ratPoint) int {
	var bax, bay, cax, cay, l, r big.Rat
	bax.Sub(b[0], a[0])
	bay.Sub(b[1], a[1])
	cax.Sub(c[0], a[0])
	cay.Sub(c[1], a[1])
	l.Mul(&bax, &cay)
	r.Mul(&bay, &cax)
	return l.Cmp(&r)
}

// ratSide says where p lies for ring r: +1 inside, −1 outside, 0 on it,
// by counting the edges that cross the horizontal ray to the right of p.
func ratSide(p ratPoint, r []ratPoint) int {
	inside := false
	for k := 0; k+1 < len(r); k++ {
		a, b := r[k], r[k+1]
		if ratOrient(a, b, p) == 0 && between(a, b, p) {
			return 0
		}
		// The edge crosses the ray when its ends are on either side of
		// p's latitude (half-open) and p is on the edge's left, walking up.
		ay, by := a[1].Cmp(p[1]) > 0, b[1].Cmp(p[1]) > 0
		if ay == by {
			continue
		}
		o := ratOrient(a, b, p)
		if (b[1].Cmp(a[1]) > 0 && o > 0) || (b[1].Cmp(a[1]) < 0 && o < 0) {
			inside = !inside
		}
	}
	if inside {
		return 1
	}
	return -1
}

// between reports whether p, on the line ab, lies within segment ab.
func between(a, b, p ratPoint) bool {
	for i := range 2 {
		lo, hi := a[i], b[i]
		if lo.Cmp(hi) > 0 {
			lo, hi = hi, lo
		}
		if p[i].Cmp(lo) < 0 || p[i].Cmp(hi) > 0 {
			return false
		}
	}
	return true
}

// runAlong reports whether an edge of ring a and one of ring b share a
// stretch of positive length: they are collinear and their intervals
// along the line, in lexicographic order, overlap in more than a point.
func runAlong(a, b orb.Ring, ra, rb []ratPoint) bool {
	for i := 0; i+1 < len(a); i++ {
		p, q := ra[i], ra[i+1]
		for j := 0; j+1 < len(b); j++ {
			if ratOrient(p, q, rb[j]) != 0 || ratOrient(p, q, rb[j+1]) != 0 {
				continue
			}
			lo1, hi1 := a[i], a[i+1]
			if lexLess(hi1, lo1) {
				lo1, hi1 = hi1, lo1
			}
			lo2, hi2 := b[j], b[j+1]
			if lexLess(hi2, lo2) {
				lo2, hi2 = hi2, lo2
			}
			lo, hi := lo1, hi1
			if lexLess(lo, lo2) {
				lo = lo2
			}
			if lexLess(hi2, hi) {
				hi = hi2
			}
			if lexLess(lo, hi) {
				return true
			}
		}
	}
	return false
}

// sides says whether ring b has points strictly inside and strictly
// outside ring a, which it may touch at points but not run along.
func sides(b, a []ratPoint) (in, out bool) {
	for k := 0; k+1 < len(b); k++ {
		p, q := b[k], b[k+1]
		ts := []*big.Rat{new(big.Rat), big.NewRat(1, 1)}
		for j := 0; j+1 < len(a); j++ {
			r, s := a[j], a[j+1]
			// p + t(q−p) on the line rs: t = (r−p)×(s−r) / (q−p)×(s−r).
			var qpx, qpy, rpx, rpy, srx, sry, num, den, x big.Rat
			qpx.Sub(q[0], p[0])
			qpy.Sub(q[1], p[1])
			rpx.Sub(r[0], p[0])
			rpy.Sub(r[1], p[1])
			srx.Sub(s[0], r[0])
			sry.Sub(s[1], r[1])
			num.Mul(&rpx, &sry)
			num.Sub(&num, x.Mul(&rpy, &srx))
			den.Mul(&qpx, &sry)
			den.Sub(&den, x.Mul(&qpy, &srx))
			if den.Sign() == 0 {
				continue // parallel: collinear ones run along (excluded) or touch at ends
			}
			t := new(big.Rat).Quo(&num, &den)
			if t.Sign() > 0 && t.Cmp(big.NewRat(1, 1)) < 0 {
				ts = append(ts, t)
			}
		}
		slices.SortFunc(ts, func(x, y *big.Rat) int { return x.Cmp(y) })
		for i := 1; i < len(ts); i++ {
			if ts[i].Cmp(ts[i-1]) == 0 {
				continue
			}
			var mid big.Rat
			mid.Add(ts[i], ts[i-1])
			mid.Quo(&mid, big.NewRat(2, 1))
			var m ratPoint
			for c := range 2 {
				var d big.Rat
				d.Sub(q[c], p[c])
				d.Mul(&d, &mid)
				m[c] = d.Add(&d, p[c])
			}
			switch ratSide(m, a) {
			case 1:
				in = true
			case -1:
				out = true
			}
		}
	}
	return in, out
}

// referenceRingCodes returns every problem code the rules of checkRings
// find in mp; for a single polygon, also the codes of each ring (part,
// ring), on which checkRings must report them: a hole crossing or
// outside its shell on the hole, two holes crossing or nested on both;
// and which rings cross themselves (then the rest is not computed: inside
// and outside mean little for such a ring).
func referenceRingCodes(mp orb.MultiPolygon) (codes map[string]bool, byRing map[[2]int]map[string]bool, selfCrossing map[[2]int]bool) {
	type ref struct{ part, ring int }
	var rings []orb.Ring
	var refs []ref
	selfCrossing = map[[2]int]bool{}
	for pi, p := range mp {
		for ri, r := range p {
			n := len(r) - 1
			if n < 3 || (n == 3 && orient(r[0], r[1], r[2]) == 0) {
				continue
			}
			if bruteSelfIntersection(r) {
				selfCrossing[[2]int{pi, ri}] = true
			}
			rings = append(rings, r)
			refs = append(refs, ref{pi, ri})
		}
	}
	codes, byRing = map[string]bool{}, map[[2]int]map[string]bool{}
	if len(selfCrossing) > 0 {
		return codes, byRing, selfCrossing
	}
	add := func(code string, rs ...ref) {
		codes[code] = true
		for _, r := range rs {
			k := [2]int{r.part, r.ring}
			if byRing[k] == nil {
				byRing[k] = map[string]bool{}
			}
			byRing[k][code] = true
		}
	}
	code := func(x, y ref) string {
		switch {
		case x.part != y.part:
			return ProblemPartsOverlap
		case x.ring == 0 || y.ring == 0:
			return ProblemHoleOutsideShell
		}
		return ProblemHolesOverlap
	}
	rats := make([][]ratPoint, len(rings))
	for i, r := range rings {
		for _, p := range r {
			rats[i] = append(rats[i], ratOf(p))
		}
	}
	// inside[i][j]: ring i lies inside ring j (touching at points allowed).
	inside := make([][]bool, len(rings))
	for i := range rings {
		inside[i] = make([]bool, len(rings))
	}
	for i := range rings {
		for j := range rings {
			if i == j {
				continue
			}
			// The shell is never to blame for a hole.
			var blamed []ref
			for _, r := range []ref{refs[i], refs[j]} {
				if r.ring > 0 || refs[i].part != refs[j].part {
					blamed = append(blamed, r)
				}
			}
			if runAlong(rings[i], rings[j], rats[i], rats[j]) {
				add(code(refs[i], refs[j]), blamed...)
				continue
			}
			in, out := sides(rats[i], rats[j])
			if in && out {
				add(code(refs[i], refs[j]), blamed...)
			}
			inside[i][j] = in && !out
		}
	}
	shell := func(part int) int {
		for i, r := range refs {
			if r.part == part && r.ring == 0 {
				return i
			}
		}
		return -1
	}
	for i, r := range refs {
		if r.ring > 0 {
			if s := shell(r.part); s < 0 || !inside[i][s] {
				add(ProblemHoleOutsideShell, r)
			}
			for j, q := range refs {
				if j != i && q.part == r.part && q.ring > 0 && inside[i][j] {
					add(ProblemHolesOverlap, r, q)
				}
			}
			continue
		}
		// Shell i overlaps polygon q when it lies inside q's shell and in
		// none of q's holes.
		for j, q := range refs {
			if q.ring != 0 || q.part == r.part || !inside[i][j] {
				continue
			}
			inHole := false
			for k, h := range refs {
				inHole = inHole || (h.part == q.part && h.ring > 0 && inside[i][k])
			}
			if !inHole {
				add(ProblemPartsOverlap, r, q)
			}
		}
	}
	return codes, byRing, selfCrossing
}
