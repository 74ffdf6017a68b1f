package tiles

import (
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/simplify"

	"github.com/phusong/phusong/geo"
)

// Vector tile parameters: the zooms served, the tile's integer extent and
// the margin kept around it so that polygon edges do not show at tile seams.
const (
	// MaxZoom is the deepest zoom served; zoom 0 is the whole world.
	MaxZoom = 16
	// Extent is a tile's side in integer tile units, MVT's 4096.
	Extent = mvt.DefaultExtent
	// tileBuffer is the margin in tile units beyond each side of the tile.
	tileBuffer = 64
	// simplifyUnits is the Douglas–Peucker tolerance in tile units: half
	// a unit is below what a rounded vertex can show.
	simplifyUnits = 4.0
	// minAreaUnits drops, at a zoom, the polygons smaller than this many
	// square tile units (a quarter of a screen pixel at 512 px tiles): a
	// polygon that small cannot be seen, and its vertices would swell the
	// low-zoom tiles of a whole country; a commune left with nothing is a
	// marker instead (markerUnits).
	minAreaUnits = 16.0
	// markerUnits is the side, in tile units, of the square that stands
	// for a commune in a tile where its simplified shape has vanished
	// (smaller than minAreaUnits, collapsed by simplification, or clipped
	// and rounded to nothing): half a pixel of a 512-pixel tile, enough
	// for a map to find the commune's feature and draw a dot.
	markerUnits = 4
)

// Set cuts Mapbox Vector Tiles (MVT 2.1) from a fixed set of shapes:
// the communes. It projects them to Web Mercator once, simplifies them for
// a zoom the first time that zoom is asked for, and then cuts each tile
// from those, so that a tile is cheap. Shapes are in EPSG:4326; latitudes
// beyond ±85.0511° are clamped to the Web Mercator square. A Set is
// safe for concurrent use.
type Set struct {
	world    []orb.MultiPolygon // x, y in [0, 1]: the world square at zoom 0, y pointing south
	bounds   []orb.Bound
	interior []orb.Point // a point inside each shape, in world units
	zooms    [MaxZoom + 1]zoomShapes
}

// zoomShapes holds the shapes simplified for one zoom, computed once.
type zoomShapes struct {
	once   sync.Once
	shapes []orb.MultiPolygon
	bounds []orb.Bound
}

// NewSet projects shapes to Web Mercator. Shape i is feature i of every
// tile it shows in.
func NewSet(shapes []orb.MultiPolygon) *Set {
	ts := &Set{world: make([]orb.MultiPolygon, len(shapes)), bounds: make([]orb.Bound, len(shapes)),
		interior: make([]orb.Point, len(shapes))}
	for i, mp := range shapes {
		w := make(orb.MultiPolygon, 0, len(mp))
		for _, p := range mp {
			wp := make(orb.Polygon, 0, len(p))
			for _, r := range p {
				wr := make(orb.Ring, len(r))
				for k, pt := range r {
					wr[k] = worldPoint(pt)
				}
				wp = append(wp, wr)
			}
			w = append(w, wp)
		}
		ts.world[i] = w
		ts.bounds[i] = w.Bound()
		ts.interior[i], _ = interiorPoint(w)
	}
	return ts
}

// Len returns the number of shapes.
func (ts *Set) Len() int { return len(ts.world) }

// worldPoint projects lon/lat to the Web Mercator world square [0, 1]².
func worldPoint(p orb.Point) orb.Point {
	const maxLat = 85.0511287798066
	lat := math.Max(-maxLat, math.Min(maxLat, p[1])) * math.Pi / 180
	x := (p[0] + 180) / 360
	y := (1 - math.Log(math.Tan(lat)+1/math.Cos(lat))/math.Pi) / 2
	return orb.Point{x, y}
}

// InRange reports whether z/x/y names a tile this set serves: zoom 0 to
// MaxZoom, x and y within the zoom's 2^z columns and rows.
func InRange(z, x, y uint32) bool {
	return z <= MaxZoom && x < 1<<z && y < 1<<z
}

// shapesAt returns the shapes simplified for zoom z.
func (ts *Set) shapesAt(z uint32) *zoomShapes {
	zs := &ts.zooms[z]
	zs.once.Do(func() {
		scale := float64(uint64(1)<<z) * Extent // world units to tile units
		dp := simplify.DouglasPeucker(simplifyUnits / scale)
		minArea := minAreaUnits / (scale * scale)
		zs.shapes = make([]orb.MultiPolygon, len(ts.world))
		zs.bounds = make([]orb.Bound, len(ts.world))
		for i, mp := range ts.world {
			out := make(orb.MultiPolygon, 0, len(mp))
			for _, p := range mp {
				sp := simplifyPolygon(p, dp, minArea)
				if sp != nil {
					out = append(out, sp)
				}
			}
			zs.shapes[i] = out
			if len(out) > 0 {
				zs.bounds[i] = out.Bound()
			}
		}
	})
	return zs
}

// simplifyPolygon simplifies every ring, dropping the holes that vanish;
// it returns nil when the outer ring vanishes or is smaller than minArea.
func simplifyPolygon(p orb.Polygon, dp *simplify.DouglasPeuckerSimplifier, minArea float64) orb.Polygon {
	out := make(orb.Polygon, 0, len(p))
	for j, r := range p {
		sr := dp.Ring(r.Clone())
		if len(sr) < 4 || math.Abs(ringArea(sr)) < minArea {
			if j == 0 {
				return nil
			}
			continue
		}
		out = append(out, sr)
	}
	return out
}

// Tile returns tile z/x/y as an uncompressed MVT with one layer named name
// holding every shape that shows in the tile, clipped to the tile and a
// small margin, with integer coordinates of a 4096-unit extent and exterior
// rings wound as the specification requires. props(i) gives shape i's
// attributes (strings, ints, float64s), and id(i) its feature id, if it has
// one. A tile with no shape is a valid MVT of no layer (zero bytes).
//
// Every shape whose full-resolution geometry overlaps the tile (with a
// positive area: touching its edge is not enough) is a feature of the
// tile, at every zoom: where simplification, the minimum area or rounding
// leave nothing of it, it is a square of markerUnits around a point inside
// the shape and inside the tile. It fails, wrapping geo.ErrInvalidInput,
// when z/x/y is not InRange.
func (ts *Set) Tile(z, x, y uint32, name string, id func(i int) (uint64, bool), props func(i int) map[string]any) ([]byte, error) {
	if !InRange(z, x, y) {
		return nil, fmt.Errorf("%w: tile %d/%d/%d is out of range (zoom 0 to %d)", geo.ErrInvalidInput, z, x, y, MaxZoom)
	}
	zs := ts.shapesAt(z)
	scale := float64(uint64(1) << z)
	// The tile, with its margin, in world units.
	margin := tileBuffer / float64(Extent)
	world := orb.Bound{
		Min: orb.Point{(float64(x) - margin) / scale, (float64(y) - margin) / scale},
		Max: orb.Point{(float64(x) + 1 + margin) / scale, (float64(y) + 1 + margin) / scale},
	}
	box := orb.Bound{Min: orb.Point{-tileBuffer, -tileBuffer}, Max: orb.Point{Extent + tileBuffer, Extent + tileBuffer}}
	layer := &mvt.Layer{Name: name, Version: 2, Extent: Extent}
	inside := orb.Bound{
		Min: orb.Point{float64(x) / scale, float64(y) / scale},
		Max: orb.Point{float64(x+1) / scale, float64(y+1) / scale},
	}
	for i, mp := range zs.shapes {
		// The shape's own bound, not its simplified one: simplification
		// may move an edge out of a tile the shape reaches into.
		if !ts.bounds[i].Intersects(world) {
			continue
		}
		var g orb.MultiPolygon
		if len(mp) > 0 && zs.bounds[i].Intersects(world) {
			g = cut(mp, world, box, x, y, scale)
		}
		if len(g) == 0 {
			pt, ok := ts.pointIn(i, inside)
			if !ok {
				continue
			}
			g = marker(orb.Point{(pt[0]*scale - float64(x)) * Extent, (pt[1]*scale - float64(y)) * Extent})
		}
		f := geojson.NewFeature(g)
		if v, ok := id(i); ok {
			f.ID = v
		}
		f.Properties = props(i)
		layer.Features = append(layer.Features, f)
	}
	if len(layer.Features) == 0 {
		return []byte{}, nil
	}
	return mvt.Marshal(mvt.Layers{layer})
}

// cut moves the parts of simplified shape mp near the tile (world, in
// world units) to tile units, clips them to box and rounds them.
func cut(mp orb.MultiPolygon, world, box orb.Bound, x, y uint32, scale float64) orb.MultiPolygon {
	tmp := make(orb.MultiPolygon, 0, len(mp))
	for _, p := range mp {
		if !p.Bound().Intersects(world) {
			continue
		}
		tp := make(orb.Polygon, len(p))
		for j, r := range p {
			tr := make(orb.Ring, len(r))
			for k, pt := range r {
				tr[k] = orb.Point{(pt[0]*scale - float64(x)) * Extent, (pt[1]*scale - float64(y)) * Extent}
			}
			tp[j] = tr
		}
		tmp = append(tmp, tp)
	}
	return tileGeometry(clip.MultiPolygon(box, tmp))
}

// pointIn returns a point of shape i inside the tile inside (world units),
// and false when the shape's full-resolution geometry does not overlap
// the tile with a positive area. A shape wholly inside the tile costs
// nothing; one across the tile's edge is clipped to it.
func (ts *Set) pointIn(i int, inside orb.Bound) (orb.Point, bool) {
	b := ts.bounds[i]
	if inside.Contains(b.Min) && inside.Contains(b.Max) {
		return ts.interior[i], len(ts.world[i]) > 0
	}
	part := clip.MultiPolygon(inside, ts.world[i].Clone())
	if planar.Area(part) <= 0 {
		return orb.Point{}, false
	}
	return interiorPoint(part)
}

// marker is a square of markerUnits around c (tile units), rounded to
// the grid and wound as an MVT exterior ring (a positive shoelace area,
// y pointing down).
func marker(c orb.Point) orb.MultiPolygon {
	const h = markerUnits / 2
	cx, cy := math.Round(c[0]), math.Round(c[1])
	return orb.MultiPolygon{{{
		{cx - h, cy - h}, {cx + h, cy - h}, {cx + h, cy + h}, {cx - h, cy + h}, {cx - h, cy - h},
	}}}
}

// interiorPoint returns a point inside mp: on the horizontal line through
// the middle of its largest polygon's bound, the middle of the widest span
// of that line inside the polygon (holes excluded). It returns false for
// an empty mp, and a vertex when the polygon is too degenerate to have a
// span.
func interiorPoint(mp orb.MultiPolygon) (orb.Point, bool) {
	best, bestArea := -1, -1.0
	for j, p := range mp {
		if len(p) == 0 || len(p[0]) == 0 {
			continue
		}
		if a := math.Abs(ringArea(p[0])); a > bestArea {
			best, bestArea = j, a
		}
	}
	if best < 0 {
		return orb.Point{}, false
	}
	p := mp[best]
	b := p[0].Bound()
	y := (b.Min[1] + b.Max[1]) / 2
	var xs []float64
	for _, r := range p {
		for k := 1; k < len(r); k++ {
			a, c := r[k-1], r[k]
			// Half-open, so that a vertex on the line counts once.
			if (a[1] <= y) != (c[1] <= y) {
				xs = append(xs, a[0]+(y-a[1])*(c[0]-a[0])/(c[1]-a[1]))
			}
		}
	}
	sort.Float64s(xs)
	pt, width := p[0][0], -1.0
	for k := 0; k+1 < len(xs); k += 2 {
		if w := xs[k+1] - xs[k]; w > width {
			pt, width = orb.Point{(xs[k] + xs[k+1]) / 2, y}, w
		}
	}
	return pt, true
}

// tileGeometry rounds a clipped multipolygon to integer tile units, drops
// repeated vertices and rings that collapse, and winds rings as MVT wants
// them: exterior rings with a positive area by the shoelace formula in tile
// coordinates (clockwise on screen, y pointing down), holes negative.
func tileGeometry(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, 0, len(mp))
	for _, p := range mp {
		var tp orb.Polygon
		for j, r := range p {
			rr := make(orb.Ring, 0, len(r))
			for _, pt := range r {
				q := orb.Point{math.Round(pt[0]), math.Round(pt[1])}
				if n := len(rr); n > 0 && rr[n-1] == q {
					continue
				}
				rr = append(rr, q)
			}
			if len(rr) > 1 && rr[0] != rr[len(rr)-1] {
				rr = append(rr, rr[0])
			}
			a := ringArea(rr)
			if len(rr) < 4 || a == 0 {
				if j == 0 {
					break
				}
				continue
			}
			if (j == 0) != (a > 0) {
				rr.Reverse()
			}
			tp = append(tp, rr)
		}
		if len(tp) > 0 {
			out = append(out, tp)
		}
	}
	return out
}

// ringArea is the signed shoelace area of a closed ring: positive when
// the ring turns counter-clockwise with y pointing up.
func ringArea(r orb.Ring) float64 {
	a := 0.0
	for i := 1; i < len(r); i++ {
		a += r[i-1][0]*r[i][1] - r[i][0]*r[i-1][1]
	}
	return a / 2
}
