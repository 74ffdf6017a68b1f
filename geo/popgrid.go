package geo

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
)

// PopulationGrid is a population-count raster (people per pixel, e.g.
// WorldPop's 30 arc-second grid) used as a density inside communes. Pixel
// (row, col) spans longitudes [West+col·DX, West+(col+1)·DX) and latitudes
// (North−(row+1)·DY, North−row·DY]; row 0 is the northernmost, as in a
// GeoTIFF.
type PopulationGrid struct {
	// Name is a short identifier of the grid's source ("worldpop"); the
	// surface's method names it as grid-<Name>-v1.
	Name        string
	West, North float64 // outer edges of the top-left pixel, in degrees
	DX, DY      float64 // pixel width and height in degrees, both > 0
	Cols, Rows  int
	Values      []float32 // Rows·Cols, row-major from the top row; NaN or < 0: no data
}

// GridMethodVersion is the version of the rule by which a population grid
// shapes a surface; it ends the method's population name.
const GridMethodVersion = "v1"

// PopulationMethod returns the name of the population rule the grid gives
// a surface, e.g. "grid-worldpop-v1".
func (g *PopulationGrid) PopulationMethod() string {
	return "grid-" + g.Name + "-" + GridMethodVersion
}

// Validate reports a grid whose shape, georeferencing or name is unusable,
// wrapping ErrInvalidInput.
func (g *PopulationGrid) Validate() error {
	switch {
	case g.Name == "" || strings.IndexFunc(g.Name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-')
	}) >= 0:
		return fmt.Errorf("%w: population grid name %q is not lower-case letters, digits and hyphens", ErrInvalidInput, g.Name)
	case g.Cols <= 0 || g.Rows <= 0 || len(g.Values) != g.Cols*g.Rows:
		return fmt.Errorf("%w: population grid of %d × %d pixels has %d values", ErrInvalidInput, g.Cols, g.Rows, len(g.Values))
	case !(g.DX > 0 && g.DY > 0) || math.IsInf(g.DX, 0) || math.IsInf(g.DY, 0):
		return fmt.Errorf("%w: population grid pixel size %v × %v degrees is not positive", ErrInvalidInput, g.DX, g.DY)
	case !(g.West >= -180 && g.West+float64(g.Cols)*g.DX <= 180.000001 && g.North <= 90 && g.North-float64(g.Rows)*g.DY >= -90.000001):
		return fmt.Errorf("%w: population grid extent lon %v–%v, lat %v–%v is not within longitude/latitude", ErrInvalidInput,
			g.West, g.West+float64(g.Cols)*g.DX, g.North-float64(g.Rows)*g.DY, g.North)
	}
	return nil
}

// Bound returns the grid's extent.
func (g *PopulationGrid) Bound() orb.Bound {
	return orb.Bound{
		Min: orb.Point{g.West, g.North - float64(g.Rows)*g.DY},
		Max: orb.Point{g.West + float64(g.Cols)*g.DX, g.North},
	}
}

// At returns the people of the pixel containing lon, lat: 0 outside the
// grid or where it has no data.
func (g *PopulationGrid) At(lon, lat float64) float64 {
	c := math.Floor((lon - g.West) / g.DX)
	r := math.Floor((g.North - lat) / g.DY)
	if !(c >= 0 && r >= 0 && c < float64(g.Cols) && r < float64(g.Rows)) {
		return 0
	}
	return pixelWeight(g.Values[int(r)*g.Cols+int(c)])
}

// People returns the grid's own count of people: the sum of its pixels
// with data.
func (g *PopulationGrid) People() float64 {
	var sum float64
	for _, v := range g.Values {
		sum += pixelWeight(v)
	}
	return sum
}

func pixelWeight(v float32) float64 {
	if !(v > 0) || math.IsInf(float64(v), 1) {
		return 0
	}
	return float64(v)
}

// segment is a stretch of a commune's cells of equal weight, before the
// weights are made integers.
type segment struct {
	k int32   // index of its first cell among the commune's cells
	w float64 // weight of each of its cells
}

// weighted holds a commune's cells as segments of equal integer weight:
// segment i starts at cell segK[i], each of its cells weighs segQ[i], and
// the cells before it weigh segW[i]. The last entry is a sentinel: segK =
// the number of cells, segW the commune's total weight.
type weighted struct {
	segK []int32
	segQ []uint32
	segW []uint64
}

// weightBits bounds the integer weight of a commune's heaviest cell: below
// 2³², so that with at most maxCells cells a commune's total stays below
// 2⁶².
const weightBits = 32

// newWeighted makes segments integer: weights are scaled by the power of
// two that brings the heaviest cell just under 2^weightBits, so that
// ratios of small integers (1 : 3) stay exact. Segments are kept as given,
// even neighbours of equal weight (a grid surface finds them by position).
// It returns false when every weight is 0.
func newWeighted(segs []segment, n int64) (weighted, bool) {
	var top float64
	for _, s := range segs {
		top = max(top, s.w)
	}
	if !(top > 0) {
		return weighted{}, false
	}
	_, exp := math.Frexp(top)
	out := weighted{segK: make([]int32, len(segs)+1), segQ: make([]uint32, len(segs)+1), segW: make([]uint64, len(segs)+1)}
	var acc uint64
	for i, s := range segs {
		end := n
		if i+1 < len(segs) {
			end = int64(segs[i+1].k)
		}
		q := uint32(math.Round(math.Ldexp(s.w, weightBits-exp)))
		out.segK[i], out.segQ[i], out.segW[i] = s.k, q, acc
		acc += uint64(q) * uint64(end-int64(s.k))
	}
	out.segK[len(segs)], out.segW[len(segs)] = int32(n), acc
	return out, acc > 0
}

// weight returns the weight of the first k cells.
func (w *weighted) weight(k int64) uint64 {
	i, found := slices.BinarySearch(w.segK, int32(k))
	if !found {
		i-- // segment i holds cell k
	}
	return w.at(i, k)
}

// at is the weight of the first k cells, cell k lying in segment i or at
// its end.
func (w *weighted) at(i int, k int64) uint64 {
	return w.segW[i] + uint64(k-int64(w.segK[i]))*uint64(w.segQ[i])
}

// cum returns floor(people · W(k) / W), exactly.
func (w *weighted) cum(people, k int64) int64 { return w.share(people, w.weight(k)) }

// cumAt is cum for a cell k known to lie in segment i (or at its end).
func (w *weighted) cumAt(people int64, i int, k int64) int64 { return w.share(people, w.at(i, k)) }

func (w *weighted) share(people int64, wk uint64) int64 {
	hi, lo := bits.Mul64(uint64(people), wk)
	q, _ := bits.Div64(hi, lo, w.segW[len(w.segW)-1])
	return int64(q)
}

// spreadByGrid shares each commune's people among its cells in proportion
// to the grid's people in the pixel holding each cell's centre.
func (s *Surface) spreadByGrid(g *PopulationGrid) error {
	if err := g.Validate(); err != nil {
		return err
	}
	// The pixel of every grid row and column, once: rows outside the grid
	// are −1; columns are −1 west of it and g.Cols east of it, so that
	// they never decrease along a row.
	prow := make([]int32, s.grid.Rows)
	for r := range prow {
		v := math.Floor((g.North - s.grid.rowY(r)) / g.DY)
		prow[r] = -1
		if v >= 0 && v < float64(g.Rows) {
			prow[r] = int32(v)
		}
	}
	pcol := make([]int32, s.grid.Cols)
	for c := range pcol {
		v := math.Floor((s.grid.colX(c) - g.West) / g.DX)
		pcol[c] = int32(max(-1, min(v, float64(g.Cols))))
	}
	at := func(r, c int32) float64 {
		if prow[r] < 0 || pcol[c] < 0 || pcol[c] >= int32(g.Cols) {
			return 0
		}
		return pixelWeight(g.Values[int(prow[r])*g.Cols+int(pcol[c])])
	}
	s.pixelCol, s.runSeg = pcol, make([]int32, len(s.runs))
	s.spreadEach(func(ci int, segs []segment) []segment {
		cc := &s.cells[ci]
		for ri := cc.r0; ri < cc.r1; ri++ {
			r := &s.runs[ri]
			s.runSeg[ri] = int32(len(segs))
			for c := r.c0; c < r.c1; {
				end := c + 1
				for end < r.c1 && pcol[end] == pcol[c] {
					end++
				}
				segs = append(segs, segment{k: r.k0 + c - r.c0, w: at(r.row, c)})
				c = end
			}
		}
		return segs
	})
	s.population = g.PopulationMethod()
	return nil
}

// spreadEach builds the weighted cells of every commune with people and a
// cell of its own from the segments fill appends, on several workers;
// communes whose weights are all 0 stay evenly spread and are listed in
// the stats.
func (s *Surface) spreadEach(fill func(ci int, segs []segment) []segment) {
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range workers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var segs []segment
			for {
				ci := int(next.Add(1)) - 1
				if ci >= len(s.cells) {
					return
				}
				cc := &s.cells[ci]
				if cc.shared || cc.people == 0 {
					continue
				}
				var ok bool
				segs = fill(ci, segs[:0])
				if cc.w, ok = newWeighted(segs, cc.n); !ok {
					mu.Lock()
					s.stats.EvenFallback = append(s.stats.EvenFallback, s.communes[ci].Code)
					mu.Unlock()
				} else {
					cc.weighted = true
				}
			}
		}()
	}
	wg.Wait()
	slices.SortFunc(s.stats.EvenFallback, cmp.Compare)
	for i := range s.cells {
		if s.cells[i].weighted {
			s.weighted = true
			break
		}
	}
}
