package geo

import (
	"math"
	"math/big"

	"github.com/paulmach/orb"
)

// orient reports on which side of the line through a and b the point c
// lies: +1 to the left (a, b, c turn counter-clockwise), −1 to the right,
// 0 on the line. The answer is exact for every finite coordinate, not just
// the sign of a rounded product: ring validation decides touching and
// crossing by it, and a rounded sign can say that a vertex one unit in the
// last place off an edge lies on it, or the other way round, and disagree
// with itself between two tests of the same points. Non-finite
// coordinates give 0.
//
// It follows Shewchuk's adaptive orient2d ("Adaptive Precision
// Floating-Point Arithmetic and Fast Robust Geometric Predicates", 1997):
// the determinant in floating point, trusted when it is farther from zero
// than its rounding error can reach; otherwise the exact products of the
// coordinate differences (which are themselves exact for points less than
// a factor of two apart, as a province's are), and only then every term
// of the exact expansion. Each stage is a few dozen floating-point
// operations without allocation, so that a ring built of nearly collinear
// edges costs little more than any other. Coordinates of magnitude below
// 2⁻⁴⁰⁰ or above 2⁴⁰⁰, whose products could underflow or overflow, take
// rational arithmetic instead.
func orient(a, b, c orb.Point) int {
	acx, bcx := a[0]-c[0], b[0]-c[0]
	acy, bcy := a[1]-c[1], b[1]-c[1]
	detLeft := acx * bcy
	detRight := acy * bcx
	det := detLeft - detRight
	l, r := math.Abs(detLeft), math.Abs(detRight)
	// Within this range neither product lost precision to underflow nor
	// overflowed, so the filter's bound holds; when the products differ
	// in sign, or one is zero, it always passes.
	if m := max(l, r); m >= 0x1p-900 && m <= 0x1p900 && math.Abs(det) > orientErrBound*(l+r) {
		return sign(det)
	}
	if detLeft == 0 && detRight == 0 && (acx == 0 || bcy == 0) && (acy == 0 || bcx == 0) {
		return 0 // points on a horizontal or vertical line, or equal
	}
	for _, f := range [6]float64{a[0], a[1], b[0], b[1], c[0], c[1]} {
		if m := math.Abs(f); m != 0 && !(m >= 0x1p-400 && m <= 0x1p400) {
			return orientRational(a, b, c)
		}
	}
	return orientExpansion(a, b, c, acx, bcx, acy, bcy)
}

// orientErrBound is Shewchuk's ccwerrboundA, (3 + 16ε)ε with ε = 2⁻⁵³: the
// largest relative error of the filter's determinant.
const orientErrBound = (3 + 16*0x1p-53) * 0x1p-53

func sign(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// orientExpansion is the exact sign of (a−c)×(b−c), given the rounded
// differences, for coordinates whose products neither underflow nor
// overflow. Each difference is its rounded value plus an exact tail, each
// product of two floats is exact as a pair (math.FMA gives the rounding
// error), and the terms are summed into a nonoverlapping expansion, whose
// sign is that of its largest component.
func orientExpansion(a, b, c orb.Point, acx, bcx, acy, bcy float64) int {
	acxT := diffTail(a[0], c[0], acx)
	bcxT := diffTail(b[0], c[0], bcx)
	acyT := diffTail(a[1], c[1], acy)
	bcyT := diffTail(b[1], c[1], bcy)
	var buf [34]float64
	e := buf[:0]
	add := func(x, y float64) { // e += x·y, exactly
		p := x * y
		e = grow(grow(e, math.FMA(x, y, -p)), p)
	}
	add(acx, bcy)
	add(-acy, bcx)
	if acxT != 0 || bcxT != 0 || acyT != 0 || bcyT != 0 {
		add(acx, bcyT)
		add(acxT, bcy)
		add(acxT, bcyT)
		add(-acy, bcxT)
		add(-acyT, bcx)
		add(-acyT, bcxT)
	}
	for i := len(e) - 1; i >= 0; i-- {
		if e[i] != 0 {
			return sign(e[i])
		}
	}
	return 0
}

// diffTail is the rounding error of d = x − y: x − y = d + diffTail exactly.
func diffTail(x, y, d float64) float64 {
	v := x - d
	return (x - (d + v)) + (v - y)
}

// grow adds b to the nonoverlapping expansion e (components in increasing
// magnitude), dropping zero components: Shewchuk's Grow-Expansion.
func grow(e []float64, b float64) []float64 {
	q := b
	n := 0
	for _, x := range e {
		s := q + x
		bv := s - q
		h := (q - (s - bv)) + (x - bv)
		q = s
		if h != 0 {
			e[n] = h
			n++
		}
	}
	return append(e[:n], q)
}

// orientRational is orient in rational arithmetic, which represents every
// float64 exactly: for coordinates so small or large that the expansion's
// products could underflow or overflow.
func orientRational(a, b, c orb.Point) int {
	var v [6]big.Rat
	for i, f := range [6]float64{a[0], a[1], b[0], b[1], c[0], c[1]} {
		if v[i].SetFloat64(f) == nil {
			return 0
		}
	}
	var acx, acy, bcx, bcy, l, r big.Rat
	acx.Sub(&v[0], &v[4])
	acy.Sub(&v[1], &v[5])
	bcx.Sub(&v[2], &v[4])
	bcy.Sub(&v[3], &v[5])
	l.Mul(&acx, &bcy)
	r.Mul(&acy, &bcx)
	return l.Cmp(&r)
}

// lexLess orders points by longitude, then latitude: the order in which
// the ring sweep meets them.
func lexLess(a, b orb.Point) bool {
	return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1])
}
