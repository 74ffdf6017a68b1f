package geo

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// DefaultCellSizeM is the side of a population cell in metres when
// SurfaceOptions.CellSizeM is 0.
const DefaultCellSizeM = 100.0

// SurfaceOptions are the settings of a population surface.
type SurfaceOptions struct {
	// CellSizeM is the side of a grid cell in metres (1 to 100,000); 0
	// means DefaultCellSizeM.
	CellSizeM float64
	// Weights, when not empty, says where people live within communes:
	// village points or the centres of population-grid cells. A commune's
	// census population is shared among its cells in proportion to the
	// weights falling in them; communes that no weight falls in are spread
	// evenly. Weights are relative: only their ratios within a commune
	// matter.
	Weights []WeightPoint
	// Grid, when not nil, is a population grid that says where people
	// live: each cell's share of its commune's census population is
	// proportional to the grid's people in the pixel holding the cell's
	// centre (a dasymetric surface). Communes whose cells all fall on
	// pixels without people or data are spread evenly and listed in
	// SurfaceStats.EvenFallback. Grid and Weights exclude each other.
	Grid *PopulationGrid
	// align, when not nil, puts the surface's cells on that grid's (same
	// size, reference latitude and edges), so that a unit set counted on
	// another set's surface sees the same cell centres (People.Rebase).
	align *Grid
}

// WeightPoint is a place with a relative population weight (≥ 0), e.g. a
// village with its households or a population-grid cell with its count.
// Lon and Lat are in EPSG:4326.
type WeightPoint struct {
	Lon, Lat float64
	Weight   float64
}

// Cell is one populated cell of a commune.
type Cell struct {
	Row, Col int
	People   int // census people the commune places in this cell
}

// SurfaceStats describes how a surface was built.
type SurfaceStats struct {
	Cells        int `json:"cells"`         // cells owned by a commune
	SharedCells  int `json:"shared_cells"`  // communes with no cell of their own, placed in one cell they share
	WeightsUsed  int `json:"weights_used"`  // weight points that shaped a commune's population
	WeightsOther int `json:"weights_other"` // weight points outside every commune, or in a commune of population 0
	// EvenFallback lists, by code, the communes with people and cells of
	// their own that weights or a grid did not shape: they are spread
	// evenly.
	EvenFallback []string `json:"even_fallback,omitempty"`
}

// Surface is the census population spread over a regular grid. It is
// immutable once built and safe for concurrent use.
//
// Every cell whose centre lies inside (or on the boundary of) a commune
// polygon belongs to exactly one commune. Where polygons overlap, the cell
// goes to the commune with the smallest Code (byte order); cells in no
// commune hold nobody. A commune left with no cell (smaller than a cell, or
// all its cells taken by neighbours) is placed whole in the one cell holding
// its Point (or, if Point is the zero point or off the grid, its polygons'
// area centroid), even when a neighbour owns that cell too; that cell then
// holds people of both. So nobody is counted twice or lost: Total is exactly
// the sum of commune populations.
//
// A commune of population p with n cells gives cell k (in row order)
// floor((k+1)·p/n) − floor(k·p/n) people: whole people, summing exactly to p.
// With weights, cell k gets floor(p·W(k+1)/W) − floor(p·W(k)/W) where W(k)
// is the weight in the commune's first k cells and W its total.
type Surface struct {
	grid       Grid
	communes   []Commune
	index      map[string]int
	cells      []communeCells
	runs       []run
	total      int
	weighted   bool
	population string // the population rule's name: "even", "weighted" or a grid's
	// With a population grid: pixelCol is the grid's pixel column of each
	// cell column (−1 west of the grid, its width east of it), and
	// runSeg[i] the index, among its commune's weight segments, of the
	// first segment of run i; a run has one segment per pixel column.
	pixelCol   []int32
	runSeg     []int32
	stats      SurfaceStats
	districts  []district
	districtOf []int
	lay        layout

	// bitsets over lay, reused by Compute
	pool sync.Pool
}

// layout numbers the cells that can hold people for the bitsets of
// Compute: in each row, the columns from the first to the last cell of any
// commune. Across Vietnam that is a third of the grid's bounding box.
type layout struct {
	lo, hi []int32 // row r spans columns [lo[r], hi[r])
	base   []int   // cell (r, c) is bit base[r] + c
	start  []int   // row r starts at bit start[r]; start[Rows] is the number of bits
}

func (s *Surface) layOut() {
	rows := s.grid.Rows
	l := layout{lo: make([]int32, rows), hi: make([]int32, rows), base: make([]int, rows), start: make([]int, rows+1)}
	for r := range l.lo {
		l.lo[r] = math.MaxInt32
	}
	for _, r := range s.runs {
		l.lo[r.row], l.hi[r.row] = min(l.lo[r.row], r.c0), max(l.hi[r.row], r.c1)
	}
	n := 0
	for r := range rows {
		if l.hi[r] <= l.lo[r] {
			l.lo[r], l.hi[r] = 0, 0
		}
		l.start[r], l.base[r] = n, n-int(l.lo[r])
		n += int(l.hi[r] - l.lo[r])
	}
	l.start[rows] = n
	s.lay = l
}

// run is a range of a commune's cells within one row.
type run struct {
	row    int32
	c0, c1 int32 // columns [c0, c1)
	k0     int32 // index of cell c0 among the commune's cells
}

// communeCells is where a commune's people are.
type communeCells struct {
	r0, r1 int   // its runs are Surface.runs[r0:r1]
	n      int64 // number of cells
	people int64 // census population
	// basis is the unit of shares: people, or for a commune of population 0
	// the number of its cells, so that such a commune still has a share
	// (the share of its cells covered) and a status.
	basis  int64
	shared bool // its one cell was assigned by the no-cell rule
	// weighted tells that w, not an even spread, places the people.
	weighted bool
	w        weighted
}

// cum returns the basis units (people) held by the commune's first k cells.
func (c *communeCells) cum(k int64) int64 {
	if !c.weighted {
		return c.basis * k / c.n
	}
	return c.w.cum(c.people, k)
}

type district struct {
	code, name string
}

// NewSurface spreads the communes' census population over a grid of
// opt.CellSizeM cells covering their extent (see Surface and Grid for the
// rules). Communes keep their order; their codes must be unique and not
// empty. Errors wrap ErrInvalidGeometry (bad coordinates, a commune with
// neither polygon nor point) or ErrInvalidInput.
func NewSurface(communes []Commune, opt SurfaceOptions) (*Surface, error) {
	cellM := opt.CellSizeM
	if cellM == 0 {
		cellM = DefaultCellSizeM
	}
	if !(cellM >= 1 && cellM <= 100000) {
		return nil, fmt.Errorf("%w: cell size %v m is not between 1 and 100,000", ErrInvalidInput, opt.CellSizeM)
	}
	s := &Surface{
		communes:   slices.Clone(communes),
		index:      make(map[string]int, len(communes)),
		cells:      make([]communeCells, len(communes)),
		population: "even",
	}
	ext, err := s.check()
	if err != nil {
		return nil, err
	}
	if len(communes) == 0 {
		s.grid = Grid{CellSizeM: cellM}
		s.lay = layout{start: []int{0}}
		return s, nil
	}
	if opt.align != nil {
		s.grid, err = alignedGrid(ext, *opt.align)
	} else {
		s.grid, err = newGrid(ext, cellM)
	}
	if err != nil {
		return nil, err
	}
	s.rasterise()
	if err := s.placeCellless(); err != nil {
		return nil, err
	}
	s.layOut()
	switch {
	case opt.Grid != nil && len(opt.Weights) > 0:
		return nil, fmt.Errorf("%w: a surface takes weight points or a population grid, not both", ErrInvalidInput)
	case opt.Grid != nil:
		err = s.spreadByGrid(opt.Grid)
	case len(opt.Weights) > 0:
		err = s.spreadByWeights(opt.Weights)
	}
	if err != nil {
		return nil, err
	}
	s.groupDistricts()
	return s, nil
}

// check validates the communes and returns their extent.
func (s *Surface) check() (orb.Bound, error) {
	ext := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for i, c := range s.communes {
		if c.Code == "" {
			return ext, fmt.Errorf("%w: commune %d (%q) has no code", ErrInvalidInput, i, c.Name)
		}
		if _, dup := s.index[c.Code]; dup {
			return ext, fmt.Errorf("%w: commune code %q appears twice", ErrInvalidInput, c.Code)
		}
		s.index[c.Code] = i
		if c.Population < 0 {
			return ext, fmt.Errorf("%w: commune %s has population %d", ErrInvalidInput, c.Code, c.Population)
		}
		s.total += c.Population
		if err := checkGeometry(c.Geometry); err != nil {
			return ext, fmt.Errorf("commune %s: %w", c.Code, err)
		}
		points := 0
		for _, p := range c.Geometry {
			for _, ring := range p {
				for _, pt := range ring {
					ext = ext.Extend(pt)
				}
				points += len(ring)
			}
		}
		if points == 0 && c.Point != (orb.Point{}) {
			if err := checkPoint(c.Point); err != nil {
				return ext, fmt.Errorf("commune %s: %w", c.Code, err)
			}
			ext = ext.Extend(c.Point)
		}
	}
	if len(s.communes) > 0 && ext.Min[0] > ext.Max[0] {
		return ext, fmt.Errorf("%w: no commune has a polygon or a point", ErrInvalidGeometry)
	}
	return ext, nil
}

// rasterise assigns cells to communes, smallest code first.
func (s *Surface) rasterise() {
	g := s.grid
	order := make([]int, len(s.communes))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(s.communes[a].Code, s.communes[b].Code) })

	taken := newBitset(g.Rows * g.Cols)
	z := &scanner{g: g}
	var k int64
	emit := func(row, c0, c1 int) {
		base := row * g.Cols
		for i, end := base+c0, base+c1; i < end; {
			if i = taken.nextClear(i, end); i >= end {
				break
			}
			j := taken.nextSet(i, end)
			s.runs = append(s.runs, run{row: int32(row), c0: int32(i - base), c1: int32(j - base), k0: int32(k)})
			k += int64(j - i)
			taken.setRange(i, j)
			i = j
		}
	}
	for _, ci := range order {
		start := len(s.runs)
		k = 0
		for _, p := range s.communes[ci].Geometry {
			z.polygon(p, 0, g.Rows, emit)
		}
		s.cells[ci] = communeCells{r0: start, r1: len(s.runs), n: k}
		s.stats.Cells += int(k)
	}
}

// placeCellless gives each commune left without a cell the one cell of its
// point, and sets every commune's population basis.
func (s *Surface) placeCellless() error {
	for i := range s.cells {
		c, cc := &s.communes[i], &s.cells[i]
		cc.people = int64(c.Population)
		if cc.n == 0 {
			row, col, ok := s.grid.Cell(c.Point)
			if c.Point == (orb.Point{}) || !ok {
				centroid, _ := planar.CentroidArea(c.Geometry)
				if row, col, ok = s.grid.Cell(centroid); !ok || len(c.Geometry) == 0 {
					return fmt.Errorf("%w: commune %s has no cell, and neither a point nor a polygon to place it", ErrInvalidGeometry, c.Code)
				}
			}
			cc.r0, cc.r1, cc.n, cc.shared = len(s.runs), len(s.runs)+1, 1, true
			s.runs = append(s.runs, run{row: int32(row), c0: int32(col), c1: int32(col + 1)})
			s.stats.SharedCells++
		}
		cc.basis = cc.people
		if cc.people == 0 {
			cc.basis = cc.n
		}
	}
	return nil
}

// spreadByWeights shares each commune's people among its cells in
// proportion to the weight points falling in them.
func (s *Surface) spreadByWeights(weights []WeightPoint) error {
	type cellWeight struct {
		idx int
		w   float64
	}
	pts := make([]cellWeight, 0, len(weights))
	for _, w := range weights {
		if err := checkPoint(orb.Point{w.Lon, w.Lat}); err != nil {
			return fmt.Errorf("weight point: %w", err)
		}
		if !(w.Weight >= 0) || math.IsInf(w.Weight, 1) {
			return fmt.Errorf("%w: weight %v at (%v, %v) is not a finite number ≥ 0", ErrInvalidInput, w.Weight, w.Lon, w.Lat)
		}
		if row, col, ok := s.grid.Cell(orb.Point{w.Lon, w.Lat}); ok {
			pts = append(pts, cellWeight{row*s.grid.Cols + col, w.Weight})
		}
	}
	slices.SortFunc(pts, func(a, b cellWeight) int { return cmp.Compare(a.idx, b.idx) })
	found := make([]int, len(s.cells))
	s.spreadEach(func(ci int, segs []segment) []segment {
		cc := &s.cells[ci]
		segs = append(segs, segment{k: 0})
		for _, r := range s.runs[cc.r0:cc.r1] {
			lo := int(r.row)*s.grid.Cols + int(r.c0)
			hi := lo + int(r.c1-r.c0)
			j, _ := slices.BinarySearchFunc(pts, lo, func(p cellWeight, t int) int { return cmp.Compare(p.idx, t) })
			for ; j < len(pts) && pts[j].idx < hi; j++ {
				found[ci]++
				k, n := r.k0+int32(pts[j].idx-lo), len(segs)
				switch {
				case n >= 2 && segs[n-2].k == k: // another point in the same cell
					segs[n-2].w += pts[j].w
				case segs[n-1].k == k:
					segs[n-1].w = pts[j].w
					segs = append(segs, segment{k: k + 1})
				default:
					segs = append(segs, segment{k: k, w: pts[j].w}, segment{k: k + 1})
				}
			}
		}
		for len(segs) > 1 && int64(segs[len(segs)-1].k) >= cc.n {
			segs = segs[:len(segs)-1]
		}
		return segs
	})
	used := 0
	for ci, n := range found {
		if s.cells[ci].weighted {
			used += n
		}
	}
	s.stats.WeightsUsed, s.stats.WeightsOther = used, len(weights)-used
	if s.weighted {
		s.population = "weighted"
	}
	return nil
}

// groupDistricts lists the districts in order of code, then name. A
// district is known by its code, or by its name when the code is empty.
func (s *Surface) groupDistricts() {
	key := func(c Commune) string {
		if c.DistrictCode != "" {
			return c.DistrictCode
		}
		return "\x00" + c.District
	}
	byKey := map[string]int{}
	for _, c := range s.communes {
		i, ok := byKey[key(c)]
		if !ok {
			i = len(s.districts)
			byKey[key(c)] = i
			s.districts = append(s.districts, district{code: c.DistrictCode, name: c.District})
		}
		if s.districts[i].name == "" {
			s.districts[i].name = c.District
		}
	}
	slices.SortFunc(s.districts, func(a, b district) int {
		return cmp.Or(cmp.Compare(a.code, b.code), cmp.Compare(a.name, b.name))
	})
	for i, d := range s.districts {
		if d.code != "" {
			byKey[d.code] = i
		} else {
			byKey["\x00"+d.name] = i
		}
	}
	s.districtOf = make([]int, len(s.communes))
	for i, c := range s.communes {
		s.districtOf[i] = byKey[key(c)]
	}
}

// Grid returns the surface's grid.
func (s *Surface) Grid() Grid { return s.grid }

// Communes returns the communes in the surface's order, which is the order
// NewSurface was given and the order of every result's commune figures.
func (s *Surface) Communes() []Commune { return slices.Clone(s.communes) }

// Index returns the position of the commune with the given code.
func (s *Surface) Index(code string) (int, bool) {
	i, ok := s.index[code]
	return i, ok
}

// Total returns the number of people on the surface: exactly the sum of the
// communes' census populations.
func (s *Surface) Total() int { return s.total }

// Weighted reports whether a weight layer shaped any commune's population.
func (s *Surface) Weighted() bool { return s.weighted }

// Stats describes how the surface was built.
func (s *Surface) Stats() SurfaceStats { return s.stats }

// Cells yields the cells of commune i in row order with the people the
// commune places in each, including cells holding nobody. A commune with no
// cell of its own yields its one shared cell.
func (s *Surface) Cells(i int) iter.Seq[Cell] {
	return func(yield func(Cell) bool) {
		if i < 0 || i >= len(s.cells) {
			return
		}
		cc := &s.cells[i]
		for _, r := range s.runs[cc.r0:cc.r1] {
			for c := r.c0; c < r.c1; c++ {
				people := 0
				if cc.people > 0 {
					k := int64(r.k0 + c - r.c0)
					people = int(cc.cum(k+1) - cc.cum(k))
				}
				if !yield(Cell{Row: int(r.row), Col: int(c), People: people}) {
					return
				}
			}
		}
	}
}

// coveredBasis returns commune ci's basis units (people, or cells for a
// commune of population 0) in cells set in b.
func (s *Surface) coveredBasis(ci int, b *bitset) int64 {
	if b == nil || b.empty() {
		return 0
	}
	cc := &s.cells[ci]
	loBit, hiBit := b.lo<<6, b.hi<<6
	var sum int64
	for ri := cc.r0; ri < cc.r1; ri++ {
		r := &s.runs[ri]
		base := s.lay.base[r.row]
		i := base + int(r.c0)
		end := i + int(r.c1-r.c0)
		if end <= loBit || i >= hiBit {
			continue
		}
		for {
			if i = b.nextSet(i, end); i >= end {
				break
			}
			j := b.nextClear(i, end)
			sum += s.cumIn(cc, ri, int32(j-base)) - s.cumIn(cc, ri, int32(i-base))
			i = j
		}
	}
	return sum
}

// cumIn is cc.cum of the cells of run ri before column c (c0 ≤ c ≤ c1):
// on a grid surface the cell's segment is found from its pixel column, in
// constant time, not by a search.
func (s *Surface) cumIn(cc *communeCells, ri int, c int32) int64 {
	r := &s.runs[ri]
	k := int64(r.k0) + int64(c-r.c0)
	if !cc.weighted || s.runSeg == nil {
		return cc.cum(k)
	}
	i := s.runSeg[ri] + s.pixelCol[min(c, r.c1-1)] - s.pixelCol[r.c0]
	return cc.w.cumAt(cc.people, int(i), k)
}

// coveredAll returns coveredBasis of every commune; on large surfaces
// workers share the communes.
func (s *Surface) coveredAll(b *bitset) []int64 {
	out := make([]int64, len(s.cells))
	if b == nil || b.empty() {
		return out
	}
	nw := workers()
	if nw == 1 || len(s.runs) < 50000 {
		for c := range s.cells {
			out[c] = s.coveredBasis(c, b)
		}
		return out
	}
	const chunk = 128
	var next atomic.Int64
	var wg sync.WaitGroup
	for range nw {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(chunk)) - chunk
				if i >= len(out) {
					return
				}
				for c := i; c < min(i+chunk, len(out)); c++ {
					out[c] = s.coveredBasis(c, b)
				}
			}
		}()
	}
	wg.Wait()
	return out
}

// getBits returns a zeroed bitset over the grid, from the pool if it can.
func (s *Surface) getBits() *bitset {
	if b, ok := s.pool.Get().(*bitset); ok {
		return b
	}
	return newBitset(s.lay.start[s.grid.Rows])
}

// putBits returns b to the pool, zeroed.
func (s *Surface) putBits(b *bitset) {
	if b != nil {
		b.reset()
		s.pool.Put(b)
	}
}
