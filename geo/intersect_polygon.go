package geo

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// IntersectsPolygon reports whether the multipolygon and the polygon share
// at least one point, in plane lon/lat coordinates, as IntersectsBound does
// for a box: touching boundaries intersect, and so does either shape inside
// the other; a shape inside the other's hole does not. An empty shape
// intersects nothing.
func IntersectsPolygon(mp orb.MultiPolygon, q orb.Polygon) bool {
	if len(mp) == 0 || len(q) == 0 || len(q[0]) == 0 {
		return false
	}
	qb := q.Bound()
	if !mp.Bound().Intersects(qb) {
		return false
	}
	for _, p := range mp {
		if len(p) == 0 || !p.Bound().Intersects(qb) {
			continue
		}
		// An edge of one meeting an edge of the other.
		for _, r := range p {
			for i := 1; i < len(r); i++ {
				for _, s := range q {
					for j := 1; j < len(s); j++ {
						if segmentsMeet(r[i-1], r[i], s[j-1], s[j]) {
							return true
						}
					}
				}
			}
		}
		// No boundaries meet: either one lies inside the other, which one
		// vertex of each tells, or they are apart.
		if len(p[0]) > 0 && planar.PolygonContains(q, p[0][0]) {
			return true
		}
		if planar.PolygonContains(p, q[0][0]) {
			return true
		}
	}
	return false
}
