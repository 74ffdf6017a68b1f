package geo

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// IntersectsBound reports whether the multipolygon and the box share at
// least one point, in plane lon/lat coordinates: a polygon that only
// touches the box's edge or corner intersects it, and so does a box inside
// a polygon; a box inside a polygon's hole does not. An empty multipolygon
// intersects nothing.
func IntersectsBound(mp orb.MultiPolygon, b orb.Bound) bool {
	if len(mp) == 0 || !mp.Bound().Intersects(b) {
		return false
	}
	for _, p := range mp {
		if !p.Bound().Intersects(b) {
			continue
		}
		// A vertex in the box, or an edge crossing one of its sides.
		for _, r := range p {
			for i, pt := range r {
				if b.Contains(pt) {
					return true
				}
				if i > 0 && segmentCrossesBound(r[i-1], pt, b) {
					return true
				}
			}
		}
		// Otherwise the box is wholly inside the polygon or wholly outside
		// it: one corner tells which.
		if planar.PolygonContains(p, b.Min) {
			return true
		}
	}
	return false
}

// segmentCrossesBound reports whether segment ab meets any side of b.
func segmentCrossesBound(a, c orb.Point, b orb.Bound) bool {
	corners := [5]orb.Point{b.Min, {b.Max[0], b.Min[1]}, b.Max, {b.Min[0], b.Max[1]}, b.Min}
	for i := 0; i < 4; i++ {
		if segmentsMeet(a, c, corners[i], corners[i+1]) {
			return true
		}
	}
	return false
}

// segmentsMeet reports whether segments pq and rs share a point, ends and
// collinear overlaps included, exactly (see orient).
func segmentsMeet(p, q, r, s orb.Point) bool {
	d1 := orient(r, s, p)
	d2 := orient(r, s, q)
	d3 := orient(p, q, r)
	d4 := orient(p, q, s)
	if d1*d2 < 0 && d3*d4 < 0 {
		return true
	}
	return (d1 == 0 && onSegment(r, s, p)) || (d2 == 0 && onSegment(r, s, q)) ||
		(d3 == 0 && onSegment(p, q, r)) || (d4 == 0 && onSegment(p, q, s))
}

// onSegment reports whether c, collinear with ab, lies between a and b.
func onSegment(a, b, c orb.Point) bool {
	return min(a[0], b[0]) <= c[0] && c[0] <= max(a[0], b[0]) &&
		min(a[1], b[1]) <= c[1] && c[1] <= max(a[1], b[1])
}
