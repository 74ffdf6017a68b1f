package geo

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/paulmach/orb"
)

// ringProblem is the first thing found wrong with how a footprint's rings
// lie: Code is a Problem code, reported on ring Ring of polygon Part, and
// Message says what is wrong for people.
type ringProblem struct {
	Code       string
	Part, Ring int
	Message    string
	// inconsistent is the sweep's contradiction (ringContact), which the
	// fuzz target holds never happens.
	inconsistent bool
}

// checkRings checks how the rings of a footprint lie, in one sweep over
// all of them (sweepRings), by the GeoJSON (RFC 7946 §3.1.6) and OGC Simple
// Features rules for polygons and multipolygons:
//
//   - no ring crosses or touches itself: two edges that are not neighbours
//     along a ring share no point (ProblemSelfIntersection);
//   - a polygon's holes lie inside its shell: a hole may touch the shell at
//     single points, but not cross it, run along it or lie outside it
//     (ProblemHoleOutsideShell);
//   - holes do not overlap: two holes of a polygon may touch at single
//     points, but not cross, run along each other or lie one inside the
//     other (ProblemHolesOverlap);
//   - the polygons of a multipolygon do not overlap in the same way; one
//     may lie in a hole of another, as an island (ProblemPartsOverlap).
//
// Rasterisation combines a polygon's rings even-odd, so a "hole" that is
// not inside its shell adds area instead of removing it: a 1 km shell and
// a hole around the province covered the province. Two rules of the OGC
// are not checked, since neither changes what a footprint covers: that
// the interior is connected (holes touching the shell at two points cut a
// polygon in two), and the winding order (RFC 7946 asks parsers not to
// refuse the other one). A ring of three edges on one line (no interior,
// and every two of its edges neighbours) is left out of the checks, as it
// always was of the self-intersection check.
//
// The rings must be closed and have at least four positions; stop is as
// for sweepRings, whose errSweepStopped is returned.
func checkRings(mp orb.MultiPolygon, stop func() bool) (*ringProblem, error) {
	var rc ringChecker
	return rc.check(mp, stop)
}

// ringChecker is checkRings with memory kept from one footprint to the
// next.
type ringChecker struct {
	sweep ringSweep
	rings []orb.Ring
	refs  []ringRef
}

// ringRef is a ring by its polygon and its index there.
type ringRef struct{ part, ring int }

// check is checkRings.
func (rc *ringChecker) check(mp orb.MultiPolygon, stop func() bool) (*ringProblem, error) {
	if len(mp) == 1 && len(mp[0]) == 1 && len(mp[0][0])-1 <= smallRing {
		// One small ring, such as a site's 32-gon: nothing to nest.
		if a, b, ok := smallRingCrossing(mp[0][0]); ok {
			return selfProblem(0, 0, a, b), nil
		}
		return nil, nil
	}
	rings, refs := rc.rings[:0], rc.refs[:0]
	defer func() { rc.rings, rc.refs = rings[:0], refs[:0] }()
	for pi, p := range mp {
		for ri, r := range p {
			switch n := len(r) - 1; {
			case n < 3 || (n == 3 && orient(r[0], r[1], r[2]) == 0):
				continue
			case n >= 4:
				if a, b, ok := foldBack(r); ok {
					return selfProblem(pi, ri, a, b), nil
				}
			}
			rings = append(rings, r)
			refs = append(refs, ringRef{pi, ri})
		}
	}
	c, parent, err := rc.sweep.run(rings, stop)
	if err != nil {
		return nil, err
	}
	if c != nil {
		x, y := refs[c.ringA], refs[c.ringB]
		ex, ey := c.edgeA, c.edgeB
		// Report on the later ring (a hole rather than its shell).
		if y.part < x.part || (y.part == x.part && y.ring < x.ring) {
			x, y, ex, ey = y, x, ey, ex
		}
		how := "crosses"
		if c.shared {
			how = "runs along"
		}
		switch {
		case c.ringA == c.ringB || c.inconsistent:
			p := selfProblem(x.part, x.ring, ex, ey)
			p.inconsistent = c.inconsistent
			return p, nil
		case x.part != y.part:
			return &ringProblem{Code: ProblemPartsOverlap, Part: y.part, Ring: y.ring, Message: fmt.Sprintf(
				"polygon %d %s polygon %d (its ring %d, edge %d, and ring %d, edge %d, of polygon %d meet): the polygons of a MultiPolygon may touch at single points only; merge overlapping ones into one",
				y.part, how, x.part, y.ring, ey, x.ring, ex, x.part)}, nil
		case x.ring == 0:
			return &ringProblem{Code: ProblemHoleOutsideShell, Part: y.part, Ring: y.ring, Message: fmt.Sprintf(
				"this hole %s its shell (its edge %d and the shell's edge %d meet): a hole must lie inside its shell, touching it at single points at most",
				how, ey, ex)}, nil
		default:
			return &ringProblem{Code: ProblemHolesOverlap, Part: y.part, Ring: y.ring, Message: fmt.Sprintf(
				"this hole %s hole %d (its edge %d and that hole's edge %d meet): holes may touch at single points only",
				how, x.ring, ey, ex)}, nil
		}
	}
	// No rings meet but at single points: parent says which ring
	// immediately encloses each. Shells first, so that a polygon inside
	// another is reported as that rather than as its holes' problem.
	for x, r := range refs {
		if r.ring != 0 || parent[x] < 0 {
			continue
		}
		switch p := refs[parent[x]]; {
		case p.part == r.part:
			return &ringProblem{Code: ProblemHoleOutsideShell, Part: p.part, Ring: p.ring, Message: "this hole lies around its shell: a hole must lie inside its shell"}, nil
		case p.ring == 0:
			return &ringProblem{Code: ProblemPartsOverlap, Part: r.part, Ring: 0, Message: fmt.Sprintf(
				"polygon %d lies inside polygon %d: the polygons of a MultiPolygon may not overlap (one may lie in a hole of another)", r.part, p.part)}, nil
		}
	}
	for x, r := range refs {
		if r.ring == 0 {
			continue
		}
		switch {
		case parent[x] < 0:
			return &ringProblem{Code: ProblemHoleOutsideShell, Part: r.part, Ring: r.ring, Message: "this hole lies outside its shell: a hole must lie inside its shell"}, nil
		case refs[parent[x]].part != r.part:
			return &ringProblem{Code: ProblemHoleOutsideShell, Part: r.part, Ring: r.ring, Message: fmt.Sprintf(
				"this hole lies outside its shell, inside polygon %d: a hole must lie inside its own shell", refs[parent[x]].part)}, nil
		case refs[parent[x]].ring != 0:
			return &ringProblem{Code: ProblemHolesOverlap, Part: r.part, Ring: r.ring, Message: fmt.Sprintf(
				"this hole lies inside hole %d: holes may not overlap", refs[parent[x]].ring)}, nil
		}
	}
	return nil, nil
}

// smallRing is the most edges of a ring that smallRingCrossing checks:
// at most 496 pairs, about as many tests a vertex as the sweep makes, and
// without its setup, which costs more than the check itself on a 32-gon.
const smallRing = 32

// smallRingCrossing is selfIntersection for a closed ring of at most
// smallRing edges, by the definition: every two edges that are not
// neighbours and overlap in longitude are tested.
func smallRingCrossing(r orb.Ring) (int, int, bool) {
	n := len(r) - 1
	if n < 4 || n > smallRing {
		return 0, 0, false
	}
	var order [smallRing]int
	for k := range n {
		order[k] = k
	}
	minX := func(k int) float64 { return min(r[k][0], r[k+1][0]) }
	maxX := func(k int) float64 { return max(r[k][0], r[k+1][0]) }
	slices.SortFunc(order[:n], func(a, b int) int { return cmp.Compare(minX(a), minX(b)) })
	for x, a := range order[:n] {
		for _, b := range order[x+1 : n] {
			if minX(b) > maxX(a) {
				break
			}
			lo, hi := min(a, b), max(a, b)
			if hi-lo == 1 || (lo == 0 && hi == n-1) {
				continue // neighbours share a vertex
			}
			if segmentsMeet(r[a], r[a+1], r[b], r[b+1]) {
				return lo, hi, true
			}
		}
	}
	return 0, 0, false
}

func selfProblem(part, ring, a, b int) *ringProblem {
	return &ringProblem{Code: ProblemSelfIntersection, Part: part, Ring: ring, Message: fmt.Sprintf(
		"ring crosses itself: edge %d and edge %d intersect", min(a, b), max(a, b))}
}

// foldBack finds, in a closed ring of at least four edges, an edge of zero
// length or two neighbouring edges running back along each other, and
// returns two edges that are not neighbours and meet because of it.
func foldBack(r orb.Ring) (int, int, bool) {
	n := len(r) - 1
	for k := range n {
		if r[k] == r[k+1] {
			// Edges k−1 and k+1 both hold the point.
			return (k - 1 + n) % n, (k + 1) % n, true
		}
	}
	for k := range n {
		// Edges k (a to b) and k+1 (b to c) overlap when c lies on the
		// line ab on a's side of b.
		a, b, c := r[k], r[k+1], r[(k+2)%n]
		if orient(a, b, c) != 0 || lexLess(a, b) != lexLess(c, b) {
			continue
		}
		if onSegment(a, b, c) {
			return k, (k + 2) % n, true // edge k+2 starts at c, on edge k
		}
		return (k - 1 + n) % n, (k + 1) % n, true // edge k−1 ends at a, on edge k+1
	}
	return 0, 0, false
}

// selfIntersection reports two edges of the closed ring r that are not
// neighbours along it and share a point (touching or crossing), or false:
// the ring is simple. A triangle's edges are all neighbours, so a
// triangle never intersects itself.
func selfIntersection(r orb.Ring) (int, int, bool) {
	a, b, _, err := checkRing(r, nil)
	return a, b, err == nil && a >= 0
}

// checkRing is selfIntersection by the sweep, with a stop function (see
// sweepRings): the two edges, or -1 and -1 for a simple ring, and whether
// the sweep found itself inconsistent (ringContact).
func checkRing(r orb.Ring, stop func() bool) (int, int, bool, error) {
	if len(r)-1 < 4 || r[0] != r[len(r)-1] {
		return -1, -1, false, nil
	}
	if a, b, ok := foldBack(r); ok {
		return min(a, b), max(a, b), false, nil
	}
	c, _, err := sweepRings([]orb.Ring{r}, stop)
	if err != nil || c == nil {
		return -1, -1, false, err
	}
	return min(c.edgeA, c.edgeB), max(c.edgeA, c.edgeB), c.inconsistent, nil
}
