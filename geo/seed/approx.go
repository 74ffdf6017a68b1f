package seed

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo"
)

const (
	// discVertices is how many vertices the polygonised circle has: enough
	// that the arc looks round at commune scale, few enough to keep the
	// shapes light in GeoJSON.
	discVertices = 64
	// voronoiNeighbours is how many nearest points are gathered first for
	// each cell; the cell is then checked and, rarely, more are fetched.
	voronoiNeighbours = 30
	// maxRadiusFactor caps the circle at this multiple of the radius of a
	// circle with the official area, so that a commune on the edge of the
	// point set, whose Voronoi cell is a narrow unbounded wedge, does not
	// grow a long spike; such a commune ends up smaller than official.
	maxRadiusFactor = 3.0
	// dedupMetres is the distance below which consecutive vertices are
	// merged, so that clipping through a vertex leaves no zero-length edge.
	dedupMetres = 1e-3
)

// ApproximateShapes computes an approximate boundary for each commune from
// its interior Point (lon, lat, EPSG:4326) and AreaKm2 (km²). It returns one
// shape per commune in input order (so duplicate codes are harmless), each a
// MultiPolygon of exactly one convex polygon with one closed,
// counter-clockwise ring of up to about 70 vertices (64 on a full circle),
// that strictly contains the commune's Point.
//
// The shape is the commune's Voronoi cell among all the interior points,
// intersected with a circle about its point whose radius is chosen so that
// the shape has the official area. Shapes therefore never overlap. When the
// Voronoi cell is smaller than the official area, the whole cell is the
// shape and it is smaller than official. The circle's radius is capped at
// three times the radius of a circle of the official area, so a commune on
// the outer edge whose cell is a narrow wedge is also smaller than official.
// Areas are measured in the local equirectangular approximation (within
// about 0.5% of the ellipsoidal area at commune scale).
//
// The result depends only on the input: the same communes give the same
// shapes. An empty input gives an empty result. A commune without a Point
// (the zero point, or coordinates out of range or not finite), with an area
// that is not positive and finite, or sharing its exact Point with another
// commune gives an error wrapping [geo.ErrInvalidGeometry] that names the commune
// code.
func ApproximateShapes(communes []geo.Commune) ([]orb.MultiPolygon, error) {
	if len(communes) == 0 {
		return []orb.MultiPolygon{}, nil
	}
	minLat, maxLat := math.Inf(1), math.Inf(-1)
	for _, c := range communes {
		if err := checkApproxInput(c); err != nil {
			return nil, err
		}
		minLat = min(minLat, c.Point.Lat())
		maxLat = max(maxLat, c.Point.Lat())
	}
	s := newShaper(communes, (minLat+maxLat)/2)
	shapes := make([]orb.MultiPolygon, len(communes))
	for i := range communes {
		cell, err := s.voronoiCell(i)
		if err != nil {
			return nil, err
		}
		shape := s.fitArea(i, cell)
		if len(shape) < 3 {
			// Only a cell squeezed to under a millimetre comes here.
			return nil, fmt.Errorf("%w: commune %q: no room for a shape around its point", geo.ErrInvalidGeometry, s.communes[i].Code)
		}
		shapes[i] = s.toLonLat(shape)
	}
	return shapes, nil
}

func checkApproxInput(c geo.Commune) error {
	lon, lat := c.Point.Lon(), c.Point.Lat()
	switch {
	case c.Point == (orb.Point{}):
		return fmt.Errorf("%w: commune %q has no interior point", geo.ErrInvalidGeometry, c.Code)
	case !(lon >= -180 && lon <= 180 && lat > -90 && lat < 90):
		// The poles are excluded: a degree of longitude has no width there.
		return fmt.Errorf("%w: commune %q: interior point (%g, %g) out of range", geo.ErrInvalidGeometry, c.Code, lon, lat)
	case !(c.AreaKm2 > 0) || math.IsInf(c.AreaKm2, 0):
		return fmt.Errorf("%w: commune %q: area %g km² is not positive", geo.ErrInvalidGeometry, c.Code, c.AreaKm2)
	}
	return nil
}

// mvec is a point or a vector in metres.
type mvec struct{ x, y float64 }

func (a mvec) sub(b mvec) mvec               { return mvec{a.x - b.x, a.y - b.y} }
func (a mvec) add(b mvec) mvec               { return mvec{a.x + b.x, a.y + b.y} }
func (a mvec) scale(k float64) mvec          { return mvec{a.x * k, a.y * k} }
func (a mvec) dot(b mvec) float64            { return a.x*b.x + a.y*b.y }
func (a mvec) cross(b mvec) float64          { return a.x*b.y - a.y*b.x }
func (a mvec) dist2(b mvec) float64          { d := a.sub(b); return d.dot(d) }
func (a mvec) near(b mvec, tol float64) bool { return a.dist2(b) < tol*tol }

// shaper holds the projected interior points and their index. All
// communes share one projection (x = lon·111320·cos lat0, y = lat·110574,
// the population raster's metres per degree) so that their Voronoi cells
// fit together; areas and circles are measured in each commune's own local
// metric, which for a country-wide set differs from the shared one by
// several per cent.
type shaper struct {
	communes []geo.Commune
	kx       float64 // metres per degree of longitude at lat0
	pts      []mvec
	grid     pointGrid
	seen     []int32 // seen[j] == i+1 once j's bisector has cut cell i
	nbs      []neighbour
}

func newShaper(communes []geo.Commune, lat0 float64) *shaper {
	s := &shaper{
		communes: communes,
		kx:       geo.MetresPerDegLon * math.Cos(lat0*math.Pi/180),
		pts:      make([]mvec, len(communes)),
		seen:     make([]int32, len(communes)),
	}
	for i, c := range communes {
		s.pts[i] = mvec{c.Point.Lon() * s.kx, c.Point.Lat() * geo.MetresPerDegLat}
	}
	s.grid = newPointGrid(s.pts)
	return s
}

// localScale is how many local metres one shared-projection metre in x is
// at commune i's latitude.
func (s *shaper) localScale(i int) float64 {
	return geo.MetresPerDegLon * math.Cos(s.communes[i].Point.Lat()*math.Pi/180) / s.kx
}

// maxRadius is the largest circle radius (local metres) commune i may get.
func (s *shaper) maxRadius(i int) float64 {
	return maxRadiusFactor * math.Sqrt(s.communes[i].AreaKm2*1e6/math.Pi)
}

// voronoiCell returns commune i's Voronoi cell in the shared projection,
// restricted to a box that holds the largest circle the commune may get:
// only that part of the cell can end up in the shape.
func (s *shaper) voronoiCell(i int) ([]mvec, error) {
	p := s.pts[i]
	r := s.maxRadius(i)
	hw, hh := r/s.localScale(i), r
	cell := []mvec{{p.x - hw, p.y - hh}, {p.x + hw, p.y - hh}, {p.x + hw, p.y + hh}, {p.x - hw, p.y + hh}}

	// A neighbour at distance d moves the cell's boundary no nearer than
	// d/2, so once every unused neighbour is at least twice the cell's
	// farthest vertex away, the cell is final. The k nearest usually
	// settle it; when they do not, all points within that reach are used.
	var complete float64
	s.nbs, complete = s.grid.nearest(p, voronoiNeighbours, s.nbs[:0])
	cell, err := s.clipByNeighbours(i, cell, s.nbs, true)
	if err != nil {
		return nil, err
	}
	if reach := 2 * math.Sqrt(farthest2(cell, p)); reach > complete {
		s.nbs = s.grid.within(p, reach, s.nbs[:0])
		cell, err = s.clipByNeighbours(i, cell, s.nbs, true)
		if err != nil {
			return nil, err
		}
	}
	return cell, nil
}

// clipByNeighbours cuts cell by the perpendicular bisector between point i
// and each neighbour in nbs (sorted by distance), skipping neighbours that
// have cut it before. With early it stops at the first neighbour too far
// away to cut the cell; without, it uses them all (for verification).
func (s *shaper) clipByNeighbours(i int, cell []mvec, nbs []neighbour, early bool) ([]mvec, error) {
	p := s.pts[i]
	reach2 := 4 * farthest2(cell, p)
	var spare []mvec
	for _, nb := range nbs {
		j := int(nb.idx)
		if j == i || s.seen[j] == int32(i+1) {
			continue
		}
		if early && nb.d2 >= reach2 {
			break
		}
		if nb.d2 == 0 {
			return nil, fmt.Errorf("%w: communes %q and %q have the same interior point",
				geo.ErrInvalidGeometry, s.communes[i].Code, s.communes[j].Code)
		}
		s.seen[j] = int32(i + 1)
		q := s.pts[j]
		// Both cells of a pair evaluate (x−m)·n with n negated, which
		// negates the value exactly: the two sides agree on every vertex.
		spare = clipHalfPlane(spare, cell, halfPlane{o: mvec{(p.x + q.x) / 2, (p.y + q.y) / 2}, n: q.sub(p)})
		cell, spare = spare, cell
		reach2 = 4 * farthest2(cell, p)
	}
	return cell, nil
}

func farthest2(poly []mvec, p mvec) float64 {
	var m float64
	for _, v := range poly {
		m = max(m, v.dist2(p))
	}
	return m
}

// halfPlane is the set of points x with (x−o)·n ≤ 0.
type halfPlane struct{ o, n mvec }

func (h halfPlane) eval(x mvec) float64 { return (x.x-h.o.x)*h.n.x + (x.y-h.o.y)*h.n.y }

// clipHalfPlane appends to dst[:0] the part of the convex polygon poly inside
// h (one step of Sutherland–Hodgman) and returns it. A vertex on the line
// counts as inside, and no extra vertex is made for it, so a line through
// a vertex leaves the polygon as it was.
func clipHalfPlane(dst, poly []mvec, h halfPlane) []mvec {
	out := dst[:0]
	n := len(poly)
	for k := range n {
		a, b := poly[k], poly[(k+1)%n]
		fa, fb := h.eval(a), h.eval(b)
		if fa <= 0 {
			out = append(out, a)
		}
		if (fa < 0 && fb > 0) || (fa > 0 && fb < 0) {
			out = append(out, a.add(b.sub(a).scale(fa/(fa-fb))))
		}
	}
	return out
}

// fitArea cuts commune i's cell (shared projection) down to the circle
// about its point that leaves the official area, and returns the shape in
// the shared projection.
func (s *shaper) fitArea(i int, cell []mvec) []mvec {
	p, sc := s.pts[i], s.localScale(i)
	local := make([]mvec, len(cell))
	for k, v := range cell {
		local[k] = mvec{(v.x - p.x) * sc, v.y - p.y}
	}
	target := s.communes[i].AreaKm2 * 1e6
	rmax := s.maxRadius(i)
	far := math.Sqrt(farthest2(local, mvec{}))
	if far <= rmax && polygonAreaM2(local) <= target {
		return dropCloseVertices(cell)
	}

	// The area of cell ∩ circle grows monotonically with the radius, so
	// bisection on the exact circle finds it; only the final circle is
	// polygonised.
	r := rmax
	if discOverlapArea(local, rmax) > target {
		lo, hi := 0.0, rmax
		for hi-lo > 1e-9*rmax {
			mid := (lo + hi) / 2
			if discOverlapArea(local, mid) < target {
				lo = mid
			} else {
				hi = mid
			}
		}
		r = (lo + hi) / 2
	}
	// A regular polygon inscribed in a circle is smaller than the circle;
	// this radius gives it the circle's area.
	r *= math.Sqrt(2 * math.Pi / (discVertices * math.Sin(2*math.Pi/discVertices)))
	if r >= far {
		return dropCloseVertices(cell)
	}

	disc := make([]mvec, discVertices)
	for k := range disc {
		t := 2 * math.Pi * float64(k) / discVertices
		disc[k] = mvec{p.x + r*math.Cos(t)/sc, p.y + r*math.Sin(t)}
	}
	shape, spare := cell, []mvec(nil)
	for k, a := range disc {
		b := disc[(k+1)%len(disc)]
		e := b.sub(a)
		spare = clipHalfPlane(spare, shape, halfPlane{o: a, n: mvec{e.y, -e.x}})
		shape, spare = spare, shape
	}
	return dropCloseVertices(shape)
}

// discOverlapArea returns the area of the convex polygon poly (which holds
// the origin) within distance r of the origin, as the sum over its edges of
// the triangle (origin, edge) cut by the circle: straight where the edge is
// inside, a circular sector where it is outside.
func discOverlapArea(poly []mvec, r float64) float64 {
	var sum float64
	r2 := r * r
	n := len(poly)
	for k := range n {
		a, b := poly[k], poly[(k+1)%n]
		d := b.sub(a)
		// |a + t·d| = r at the roots of qa·t² + 2·qb·t + qc.
		ts := [4]float64{0}
		m := 1
		qa, qb, qc := d.dot(d), a.dot(d), a.dot(a)-r2
		if disc := qb*qb - qa*qc; qa > 0 && disc > 0 {
			sq := math.Sqrt(disc)
			for _, t := range [2]float64{(-qb - sq) / qa, (-qb + sq) / qa} {
				if t > 0 && t < 1 {
					ts[m] = t
					m++
				}
			}
		}
		ts[m] = 1
		m++
		for j := 0; j+1 < m; j++ {
			u, v := a.add(d.scale(ts[j])), a.add(d.scale(ts[j+1]))
			mid := a.add(d.scale((ts[j] + ts[j+1]) / 2))
			if mid.dot(mid) <= r2 {
				sum += u.cross(v) / 2
			} else {
				sum += r2 * math.Atan2(u.cross(v), u.dot(v)) / 2
			}
		}
	}
	return sum
}

// polygonAreaM2 is the signed area of an open ring, positive when
// counter-clockwise.
func polygonAreaM2(poly []mvec) float64 {
	var sum float64
	for k := range poly {
		sum += poly[k].cross(poly[(k+1)%len(poly)])
	}
	return sum / 2
}

// dropCloseVertices drops each vertex within dedupMetres of the previous.
func dropCloseVertices(poly []mvec) []mvec {
	out := make([]mvec, 0, len(poly))
	for _, v := range poly {
		if len(out) == 0 || !v.near(out[len(out)-1], dedupMetres) {
			out = append(out, v)
		}
	}
	for len(out) > 1 && out[len(out)-1].near(out[0], dedupMetres) {
		out = out[:len(out)-1]
	}
	return out
}

// toLonLat turns an open ring in the shared projection into a one-polygon
// MultiPolygon in EPSG:4326 with the ring closed.
func (s *shaper) toLonLat(poly []mvec) orb.MultiPolygon {
	ring := make(orb.Ring, 0, len(poly)+1)
	for _, v := range poly {
		ring = append(ring, orb.Point{v.x / s.kx, v.y / geo.MetresPerDegLat})
	}
	ring = append(ring, ring[0])
	return orb.MultiPolygon{{ring}}
}

// neighbour is a point of the grid and its squared distance from a query.
type neighbour struct {
	idx int32
	d2  float64
}

// pointGrid is a uniform bucket grid over points, sized for a few points a
// bucket, in compressed rows: the points of bucket b are
// items[start[b]:start[b+1]].
type pointGrid struct {
	pts        []mvec
	minX, minY float64
	size       float64
	nx, ny     int
	start      []int32
	items      []int32
}

func newPointGrid(pts []mvec) pointGrid {
	g := pointGrid{pts: pts, minX: math.Inf(1), minY: math.Inf(1)}
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		g.minX, g.minY = min(g.minX, p.x), min(g.minY, p.y)
		maxX, maxY = max(maxX, p.x), max(maxY, p.y)
	}
	w, h := maxX-g.minX, maxY-g.minY
	g.size = 2 * math.Sqrt(max(w*h, 1)/float64(len(pts)))
	// Points on a line give a tiny box area: keep the bucket count linear.
	for {
		g.nx, g.ny = int(w/g.size)+1, int(h/g.size)+1
		if g.nx*g.ny <= 4*len(pts)+16 {
			break
		}
		g.size *= 2
	}
	g.start = make([]int32, g.nx*g.ny+1)
	for _, p := range pts {
		g.start[g.bucket(g.cellOf(p))+1]++
	}
	for b := 1; b < len(g.start); b++ {
		g.start[b] += g.start[b-1]
	}
	g.items = make([]int32, len(pts))
	fill := slices.Clone(g.start[:len(g.start)-1])
	for i, p := range pts {
		b := g.bucket(g.cellOf(p))
		g.items[fill[b]] = int32(i)
		fill[b]++
	}
	return g
}

func (g *pointGrid) cellOf(p mvec) (int, int) {
	cx := int(math.Floor((p.x - g.minX) / g.size))
	cy := int(math.Floor((p.y - g.minY) / g.size))
	return min(max(cx, 0), g.nx-1), min(max(cy, 0), g.ny-1)
}

func (g *pointGrid) bucket(cx, cy int) int { return cy*g.nx + cx }

func (g *pointGrid) appendBucket(buf []neighbour, p mvec, cx, cy int, r2 float64) []neighbour {
	b := g.bucket(cx, cy)
	for _, j := range g.items[g.start[b]:g.start[b+1]] {
		if d2 := p.dist2(g.pts[j]); d2 <= r2 {
			buf = append(buf, neighbour{j, d2})
		}
	}
	return buf
}

// nearest appends to buf the points (the query's own included) of the
// smallest square of buckets about p that holds k points other than p
// within the square's inscribed reach, sorted by distance. It returns
// them and complete: every point nearer than complete is in the result.
func (g *pointGrid) nearest(p mvec, k int, buf []neighbour) ([]neighbour, float64) {
	cx, cy := g.cellOf(p)
	inf := math.Inf(1)
	complete := inf
	for m := 0; ; m++ {
		for iy := cy - m; iy <= cy+m; iy++ {
			if iy < 0 || iy >= g.ny {
				continue
			}
			step := 1
			if iy != cy-m && iy != cy+m {
				step = 2 * m // interior rows: only the ring's two ends
			}
			for ix := cx - m; ix <= cx+m; ix += step {
				if ix >= 0 && ix < g.nx {
					buf = g.appendBucket(buf, p, ix, iy, inf)
				}
			}
		}
		// Distance from p to the nearest side of the square that still
		// has buckets beyond it.
		complete = inf
		if cx-m > 0 {
			complete = min(complete, p.x-(g.minX+float64(cx-m)*g.size))
		}
		if cx+m < g.nx-1 {
			complete = min(complete, g.minX+float64(cx+m+1)*g.size-p.x)
		}
		if cy-m > 0 {
			complete = min(complete, p.y-(g.minY+float64(cy-m)*g.size))
		}
		if cy+m < g.ny-1 {
			complete = min(complete, g.minY+float64(cy+m+1)*g.size-p.y)
		}
		if math.IsInf(complete, 1) {
			break
		}
		inside := 0
		for _, nb := range buf {
			if nb.d2 <= complete*complete {
				inside++
			}
		}
		if inside > k {
			break
		}
	}
	sortNeighbours(buf)
	return buf, complete
}

// within appends to buf every point within distance r of p, sorted by
// distance.
func (g *pointGrid) within(p mvec, r float64, buf []neighbour) []neighbour {
	x0, y0 := g.cellOf(mvec{p.x - r, p.y - r})
	x1, y1 := g.cellOf(mvec{p.x + r, p.y + r})
	for iy := y0; iy <= y1; iy++ {
		for ix := x0; ix <= x1; ix++ {
			buf = g.appendBucket(buf, p, ix, iy, r*r)
		}
	}
	sortNeighbours(buf)
	return buf
}

// sortNeighbours orders by distance, then index, so that ties are broken
// the same way every time.
func sortNeighbours(nbs []neighbour) {
	slices.SortFunc(nbs, func(a, b neighbour) int {
		return cmp.Or(cmp.Compare(a.d2, b.d2), cmp.Compare(a.idx, b.idx))
	})
}
