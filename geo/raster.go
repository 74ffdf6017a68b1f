package geo

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/paulmach/orb"
)

// Metres per degree, the local scale of grid cells, circles (Circle) and
// distances (Distance): the usual spherical approximations, good to well
// under 1% over Vietnam.
const (
	// MetresPerDegLat is the length of a degree of latitude, in metres.
	MetresPerDegLat = 110574.0
	// MetresPerDegLon is the length of a degree of longitude on the
	// equator, in metres; at latitude φ it is MetresPerDegLon · cos φ.
	MetresPerDegLon = 111320.0
)

// Grid is the raster of a population surface, in EPSG:4326. Cell (row, col)
// spans longitudes [Lon0+col·DLon, Lon0+(col+1)·DLon) and latitudes
// [Lat0+row·DLat, Lat0+(row+1)·DLat); row 0 is the southernmost. Cells are
// CellSizeM metres on a side at latitude LatRef, the middle latitude of the
// communes' extent: DLat = CellSizeM/110574 and
// DLon = CellSizeM/(111320·cos LatRef) degrees. Away from LatRef cells are
// narrower or wider in metres (from −5% to +3% across Vietnam's 15° of
// latitude); shares do not depend on cell area, only on which cell centres
// footprints contain.
type Grid struct {
	CellSizeM float64 `json:"cell_size_m"`
	LatRef    float64 `json:"lat_ref"`
	Lon0      float64 `json:"lon0"`
	Lat0      float64 `json:"lat0"`
	DLon      float64 `json:"dlon"`
	DLat      float64 `json:"dlat"`
	Rows      int     `json:"rows"`
	Cols      int     `json:"cols"`
}

// maxCells bounds the grid so that a bitset over it stays at most 128 MiB
// and cell counts fit in int32.
const maxCells = 1 << 30

// newGrid returns the grid of cellM-metre cells covering b.
func newGrid(b orb.Bound, cellM float64) (Grid, error) {
	latRef := (b.Min[1] + b.Max[1]) / 2
	cos := math.Cos(latRef * math.Pi / 180)
	if cos < 0.01 {
		return Grid{}, fmt.Errorf("%w: extent centred at latitude %.2f is too close to a pole", ErrInvalidGeometry, latRef)
	}
	g := Grid{
		CellSizeM: cellM,
		LatRef:    latRef,
		Lon0:      b.Min[0],
		Lat0:      b.Min[1],
		DLat:      cellM / MetresPerDegLat,
		DLon:      cellM / (MetresPerDegLon * cos),
	}
	return g.covering(b)
}

// alignedGrid returns the grid covering b whose cells are those of a (the
// same size and reference latitude, edges on a's).
func alignedGrid(b orb.Bound, a Grid) (Grid, error) {
	g := a
	g.Lon0 = a.Lon0 + math.Floor((b.Min[0]-a.Lon0)/a.DLon)*a.DLon
	g.Lat0 = a.Lat0 + math.Floor((b.Min[1]-a.Lat0)/a.DLat)*a.DLat
	return g.covering(b)
}

// covering returns g with the rows and columns that reach from its origin
// to b's north-east corner.
func (g Grid) covering(b orb.Bound) (Grid, error) {
	rows := math.Max(1, math.Ceil((b.Max[1]-g.Lat0)/g.DLat))
	cols := math.Max(1, math.Ceil((b.Max[0]-g.Lon0)/g.DLon))
	if rows*cols > maxCells {
		return Grid{}, fmt.Errorf("%w: a grid of %.0f × %.0f cells of %g m is too large; use larger cells", ErrInvalidInput, rows, cols, g.CellSizeM)
	}
	g.Rows, g.Cols = int(rows), int(cols)
	return g, nil
}

// Centre returns the centre of cell (row, col).
func (g Grid) Centre(row, col int) orb.Point {
	return orb.Point{g.colX(col), g.rowY(row)}
}

// Cell returns the cell containing p. Points on the grid's north or east
// edge belong to the last row or column; ok is false for points outside the
// grid.
func (g Grid) Cell(p orb.Point) (row, col int, ok bool) {
	fr := (p[1] - g.Lat0) / g.DLat
	fc := (p[0] - g.Lon0) / g.DLon
	if g.Rows == 0 || g.Cols == 0 || !(fr >= 0 && fc >= 0 && fr <= float64(g.Rows) && fc <= float64(g.Cols)) {
		return 0, 0, false
	}
	return min(int(fr), g.Rows-1), min(int(fc), g.Cols-1), true
}

func (g Grid) rowY(r int) float64 { return g.Lat0 + (float64(r)+0.5)*g.DLat }
func (g Grid) colX(c int) float64 { return g.Lon0 + (float64(c)+0.5)*g.DLon }

// centreAtOrAbove returns the smallest i in [0, n] whose centre
// o + (i+0.5)·d is ≥ v, or n. Comparisons use the very expression that
// defines centres, so that a vertex placed exactly on a centre is found.
func centreAtOrAbove(v, o, d float64, n int) int {
	i := roughIndex(v, o, d, n)
	for i > 0 && o+(float64(i-1)+0.5)*d >= v {
		i--
	}
	for i < n && o+(float64(i)+0.5)*d < v {
		i++
	}
	return i
}

// centreAbove returns the smallest i in [0, n] whose centre is > v, or n.
func centreAbove(v, o, d float64, n int) int {
	i := roughIndex(v, o, d, n)
	for i > 0 && o+(float64(i-1)+0.5)*d > v {
		i--
	}
	for i < n && o+(float64(i)+0.5)*d <= v {
		i++
	}
	return i
}

func roughIndex(v, o, d float64, n int) int {
	f := math.Ceil((v-o)/d - 0.5)
	switch {
	case !(f > 0):
		return 0
	case f >= float64(n):
		return n
	}
	return int(f)
}

// scanner rasterises polygons by scanlines through cell centres. It keeps
// its buffers between calls and so belongs to one goroutine.
type scanner struct {
	g      Grid
	cross  []crossing
	xs     []float64
	start  []int32
	border []border
}

// crossing is where an edge meets the scanline of a row.
type crossing struct {
	row int32
	x   float64
}

// border is a closed interval of a scanline lying on a polygon's boundary:
// a horizontal edge, or a vertex, exactly on the row's centre line.
type border struct {
	row    int32
	x0, x1 float64
}

// polygon calls emit(row, c0, c1) for ranges of cells [c0, c1) of rows in
// [rowLo, rowHi) whose centres lie inside p or on its boundary. Rings are
// combined even-odd, so holes are respected, and a ring need not repeat its
// first point. Ranges may overlap or touch each other; each cell inside p is
// in at least one.
//
// A centre is inside when the crossings of its row's scanline left of it are
// odd in number; crossings are counted half-open in latitude (an edge
// crosses row y when min(y1,y2) ≤ y < max(y1,y2)) so a vertex on a scanline
// is counted once. Centres on the boundary are added explicitly: the ends of
// every interior interval are included, and horizontal edges and vertices
// lying on a scanline are emitted as borders. Crossings are computed from
// the lower end of each edge, so two polygons sharing an edge agree exactly
// on which centres it passes through.
func (z *scanner) polygon(p orb.Polygon, rowLo, rowHi int, emit func(row, c0, c1 int)) {
	g := z.g
	minY, maxY := math.Inf(1), math.Inf(-1)
	for _, ring := range p {
		for _, pt := range ring {
			minY, maxY = min(minY, pt[1]), max(maxY, pt[1])
		}
	}
	r0 := max(rowLo, centreAtOrAbove(minY, g.Lat0, g.DLat, g.Rows))
	r1 := min(rowHi, centreAbove(maxY, g.Lat0, g.DLat, g.Rows))
	if r0 >= r1 {
		return
	}
	z.cross, z.border = z.cross[:0], z.border[:0]
	for _, ring := range p {
		n := len(ring)
		for i := range n {
			a, b := ring[i], ring[(i+1)%n]
			if a[1] > b[1] {
				a, b = b, a
			}
			ra := centreAtOrAbove(a[1], g.Lat0, g.DLat, g.Rows)
			if a[1] == b[1] {
				if ra >= r0 && ra < r1 && g.rowY(ra) == a[1] {
					z.border = append(z.border, border{int32(ra), min(a[0], b[0]), max(a[0], b[0])})
				}
				continue
			}
			rb := centreAtOrAbove(b[1], g.Lat0, g.DLat, g.Rows)
			// The upper vertex is not counted as a crossing (half-open
			// rule), so when it lies on a scanline it is a border point.
			if rb >= r0 && rb < r1 && g.rowY(rb) == b[1] {
				z.border = append(z.border, border{int32(rb), b[0], b[0]})
			}
			k := (b[0] - a[0]) / (b[1] - a[1])
			for r := max(ra, r0); r < min(rb, r1); r++ {
				z.cross = append(z.cross, crossing{int32(r), a[0] + (g.rowY(r)-a[1])*k})
			}
		}
	}
	z.sortByRow(r0, r1)
	for r := r0; r < r1; r++ {
		xs := z.xs[z.start[r-r0]:z.start[r-r0+1]]
		sortSmall(xs)
		for i := 0; i+1 < len(xs); i += 2 {
			c0 := centreAtOrAbove(xs[i], g.Lon0, g.DLon, g.Cols)
			c1 := centreAbove(xs[i+1], g.Lon0, g.DLon, g.Cols)
			if c0 < c1 {
				emit(r, c0, c1)
			}
		}
	}
	for _, e := range z.border {
		c0 := centreAtOrAbove(e.x0, g.Lon0, g.DLon, g.Cols)
		c1 := centreAbove(e.x1, g.Lon0, g.DLon, g.Cols)
		if c0 < c1 {
			emit(int(e.row), c0, c1)
		}
	}
}

// sortByRow groups z.cross by row (a counting sort) into z.xs, so that the
// crossings of row r are z.xs[z.start[r-r0]:z.start[r-r0+1]].
func (z *scanner) sortByRow(r0, r1 int) {
	nr := r1 - r0
	z.start = slices.Grow(z.start[:0], nr+2)[:nr+2]
	clear(z.start)
	for _, c := range z.cross {
		z.start[int(c.row)-r0+2]++
	}
	for i := 2; i < len(z.start); i++ {
		z.start[i] += z.start[i-1]
	}
	z.xs = slices.Grow(z.xs[:0], len(z.cross))[:len(z.cross)]
	for _, c := range z.cross {
		i := int(c.row) - r0 + 1
		z.xs[z.start[i]] = c.x
		z.start[i]++
	}
}

// sortSmall sorts the few crossings of one scanline: usually two, rarely
// more than a dozen.
func sortSmall(xs []float64) {
	switch {
	case len(xs) == 2:
		if xs[1] < xs[0] {
			xs[0], xs[1] = xs[1], xs[0]
		}
		return
	case len(xs) > 16:
		slices.Sort(xs)
		return
	}
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// checkGeometry reports, wrapping ErrInvalidGeometry, a coordinate that is
// not a finite longitude in [-180, 180] and latitude in [-90, 90].
func checkGeometry(mp orb.MultiPolygon) error {
	for _, p := range mp {
		for _, ring := range p {
			for _, pt := range ring {
				if err := checkPoint(pt); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// polygonBound checks p's coordinates like checkGeometry and returns its
// bounds.
func polygonBound(p orb.Polygon) (orb.Bound, error) {
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, ring := range p {
		for _, pt := range ring {
			if !(pt[0] >= -180 && pt[0] <= 180 && pt[1] >= -90 && pt[1] <= 90) {
				return b, checkPoint(pt)
			}
			b.Min[0], b.Max[0] = min(b.Min[0], pt[0]), max(b.Max[0], pt[0])
			b.Min[1], b.Max[1] = min(b.Min[1], pt[1]), max(b.Max[1], pt[1])
		}
	}
	return b, nil
}

func checkPoint(pt orb.Point) error {
	if !(pt[0] >= -180 && pt[0] <= 180 && pt[1] >= -90 && pt[1] <= 90) {
		return fmt.Errorf("%w: coordinate (%v, %v) is not a longitude, latitude in degrees", ErrInvalidGeometry, pt[0], pt[1])
	}
	return nil
}

// rasteriseGroups draws every group's footprints into a bitset of its own.
// Workers split the bitsets into bands of whole words balanced by the
// footprints' rows, so that each writes only its own words.
func (s *Surface) rasteriseGroups(groups []*group) {
	g, lay := s.grid, s.lay
	type job struct {
		poly   orb.Polygon
		group  int
		r0, r1 int
	}
	var jobs []job
	load := make([]int, g.Rows+1) // footprints starting minus ending at each row
	east := g.Lon0 + float64(g.Cols)*g.DLon
	for gi, gr := range groups {
		gr.bits = s.getBits()
		for _, sh := range gr.shapes {
			if sh.bound.Max[0] < g.Lon0 || sh.bound.Min[0] > east {
				continue
			}
			r0 := centreAtOrAbove(sh.bound.Min[1], g.Lat0, g.DLat, g.Rows)
			r1 := centreAbove(sh.bound.Max[1], g.Lat0, g.DLat, g.Rows)
			if r0 < r1 {
				jobs = append(jobs, job{sh.poly, gi, r0, r1})
				load[r0]++
				load[r1]--
			}
		}
	}
	if len(jobs) == 0 {
		return
	}
	// Band edges, in bits, at rows splitting the rows' total load evenly.
	nw := min(workers(), max(1, len(jobs)/64))
	edges := []int{0}
	total := 0
	for _, j := range jobs {
		total += j.r1 - j.r0
	}
	acc, running := 0, 0
	for r := 0; r < g.Rows && len(edges) < nw; r++ {
		running += load[r]
		acc += running
		if acc*nw >= total*len(edges) {
			if e := lay.start[r+1] &^ 63; e > edges[len(edges)-1] {
				edges = append(edges, e)
			}
		}
	}
	edges = append(edges, lay.start[g.Rows])

	type wordRange struct{ lo, hi int }
	ranges := make([][]wordRange, len(edges)-1)
	var wg sync.WaitGroup
	for w := range len(edges) - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bLo, bHi := edges[w], edges[w+1]
			// rows with a bit in [bLo, bHi)
			rowLo := sort.Search(g.Rows, func(r int) bool { return lay.start[r+1] > bLo })
			rowHi := sort.Search(g.Rows, func(r int) bool { return lay.start[r] >= bHi })
			rs := make([]wordRange, len(groups))
			z := &scanner{g: g}
			var cur *group
			var rg *wordRange
			emit := func(row, c0, c1 int) {
				c0, c1 = max(c0, int(lay.lo[row])), min(c1, int(lay.hi[row]))
				i, j := max(lay.base[row]+c0, bLo), min(lay.base[row]+c1, bHi)
				if i >= j {
					return
				}
				setBits(cur.bits.w, i, j)
				if rg.lo >= rg.hi {
					rg.lo, rg.hi = i>>6, (j-1)>>6+1
				} else {
					rg.lo, rg.hi = min(rg.lo, i>>6), max(rg.hi, (j-1)>>6+1)
				}
			}
			for _, jb := range jobs {
				if jb.r1 <= rowLo || jb.r0 >= rowHi {
					continue
				}
				cur, rg = groups[jb.group], &rs[jb.group]
				z.polygon(jb.poly, rowLo, rowHi, emit)
			}
			ranges[w] = rs
		}()
	}
	wg.Wait()
	for _, rs := range ranges {
		for gi, r := range rs {
			groups[gi].bits.extend(r.lo, r.hi)
		}
	}
}
