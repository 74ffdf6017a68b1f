package geo

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// People is the one population surface every unit set is counted on: the
// populated cells of a base surface (the set whose population figures are
// the census), each with its people and its base commune. Across a reform
// the people stay where they live; only the units that group them change,
// so a province's population does not jump when its communes merge.
//
// It is immutable once built and safe for concurrent use.
type People struct {
	base   *Surface
	pts    []orb.Point // centre of each populated cell
	people []int32
	unit   []int32 // the base commune holding each cell
}

// NewPeople lists the populated cells of base.
func NewPeople(base *Surface) *People {
	p := &People{base: base}
	g := base.Grid()
	for i := range base.communes {
		for c := range base.Cells(i) {
			if c.People <= 0 {
				continue
			}
			p.pts = append(p.pts, g.Centre(c.Row, c.Col))
			p.people = append(p.people, int32(c.People))
			p.unit = append(p.unit, int32(i))
		}
	}
	return p
}

// Total is the number of people on the surface.
func (p *People) Total() int { return p.base.Total() }

// Units is a unit set counted on People: its communes, with Population the
// people of the surface within each unit, and the surface of the figures.
type Units struct {
	// Surface spreads each unit's people as People places them.
	Surface *Surface
	// Communes are the units, in the order of Surface; Population is
	// counted on People and OwnPopulation keeps the set's own figure.
	Communes []Commune
	of       []int32 // the unit of each populated cell of People; -1 outside the set
	// Outside is the people of the surface that no unit of the set counts:
	// those outside its territory (Rebase; e.g. the rest of the country
	// when the set is one province's units on a national surface).
	Outside int64
	// OwnCounted lists, by index, the units no populated cell falls in
	// (outside the base set's territory): they count their own population,
	// spread evenly.
	OwnCounted []int
}

// Base returns the base set itself as Units.
func (p *People) Base() *Units {
	return &Units{Surface: p.base, Communes: p.base.Communes(), of: p.unit}
}

// nearestRing bounds the search, in cells, for the unit nearest a
// populated cell that falls in no unit (a gap between two sources'
// boundaries); beyond it the cell lies outside the set's territory.
const nearestRing = 40

// Rebase counts units on the surface: each populated cell goes to the unit
// whose cell (on a grid of opt.CellSizeM over the units) holds its centre,
// by the rule of NewSurface (smallest code where units overlap), or, when
// its centre falls in no unit, to the nearest unit within nearestRing
// cells (a gap between two sources' boundaries), so that everyone of the
// set's territory is counted once. Such a cell belongs to the territory
// when most of the people of its base commune live in the set's units;
// otherwise, or when no unit is that near, it is outside the set
// (Units.Outside): one province's units on a national surface count the
// province's people, not a band of its neighbours'. A unit's Population
// becomes the people of its cells and OwnPopulation keeps the figure it
// came with; units with no populated cell
// keep their own figure (OwnCounted). Within a unit people are placed
// where the surface places them (weights at the cells' centres).
func (p *People) Rebase(units []Commune, opt SurfaceOptions) (*Units, error) {
	if opt.Grid != nil || len(opt.Weights) > 0 {
		return nil, fmt.Errorf("%w: a unit set counted on a population surface takes its weights from the surface", ErrInvalidInput)
	}
	// The units' cells are the base surface's, so that every populated
	// cell's centre is a cell centre of theirs and a footprint covers the
	// same people on every set.
	base := p.base.Grid()
	opt.align = &base
	zero := slices.Clone(units)
	for i := range zero {
		zero[i].Population, zero[i].PopulationUrban, zero[i].PopulationRural = 0, 0, 0
	}
	shape, err := NewSurface(zero, opt)
	if err != nil {
		return nil, err
	}
	own := newOwners(shape)
	u := &Units{of: make([]int32, len(p.pts))}
	// The people of each base commune whose cells a unit holds: a cell in
	// no unit belongs to the set's territory when most of its base
	// commune's people do.
	in, all := make([]int64, len(p.base.communes)), make([]int64, len(p.base.communes))
	for k, pt := range p.pts {
		ci := own.at(pt)
		u.of[k] = int32(ci)
		all[p.unit[k]] += int64(p.people[k])
		if ci >= 0 {
			in[p.unit[k]] += int64(p.people[k])
		}
	}
	people := make([]int64, len(units))
	weights := make([]WeightPoint, len(p.pts))
	for k, pt := range p.pts {
		ci := int(u.of[k])
		if ci < 0 && 2*in[p.unit[k]] >= all[p.unit[k]] {
			ci = own.nearest(pt)
			u.of[k] = int32(ci)
		}
		if ci < 0 {
			u.Outside += int64(p.people[k])
			continue
		}
		people[ci] += int64(p.people[k])
		weights[k] = WeightPoint{Lon: pt[0], Lat: pt[1], Weight: float64(p.people[k])}
	}
	u.Communes = slices.Clone(units)
	for i := range u.Communes {
		c := &u.Communes[i]
		if people[i] == 0 && c.Population > 0 {
			u.OwnCounted = append(u.OwnCounted, i)
			continue
		}
		c.OwnPopulation = c.Population
		c.Population = int(people[i])
		c.PopulationUrban, c.PopulationRural = 0, 0
	}
	opt.Weights = weights
	if u.Surface, err = NewSurface(u.Communes, opt); err != nil {
		return nil, err
	}
	return u, nil
}

// owners finds the unit owning a grid cell.
type owners struct {
	s    *Surface
	rows [][]run // per row, the runs owned by a unit, by c0; k0 holds the unit
}

func newOwners(s *Surface) *owners {
	o := &owners{s: s, rows: make([][]run, s.grid.Rows)}
	for ci := range s.cells {
		cc := &s.cells[ci]
		if cc.shared {
			continue
		}
		for _, r := range s.runs[cc.r0:cc.r1] {
			o.rows[r.row] = append(o.rows[r.row], run{row: r.row, c0: r.c0, c1: r.c1, k0: int32(ci)})
		}
	}
	for _, rs := range o.rows {
		slices.SortFunc(rs, func(a, b run) int { return cmp.Compare(a.c0, b.c0) })
	}
	return o
}

// cell returns the unit owning cell (row, col), or -1.
func (o *owners) cell(row, col int) int {
	rs := o.rows[row]
	i, _ := slices.BinarySearchFunc(rs, int32(col)+1, func(r run, c int32) int { return cmp.Compare(r.c0, c) })
	if i > 0 && int32(col) < rs[i-1].c1 {
		return int(rs[i-1].k0)
	}
	return -1
}

// at returns the unit owning the cell holding pt, or -1.
func (o *owners) at(pt orb.Point) int {
	row, col, ok := o.s.grid.Cell(pt)
	if !ok {
		return -1
	}
	return o.cell(row, col)
}

// nearest returns the unit of the nearest owned cell within nearestRing
// cells of pt, or -1.
func (o *owners) nearest(pt orb.Point) int {
	g := o.s.grid
	fr := int(math.Floor((pt[1] - g.Lat0) / g.DLat))
	fc := int(math.Floor((pt[0] - g.Lon0) / g.DLon))
	if fr < -nearestRing || fr >= g.Rows+nearestRing || fc < -nearestRing || fc >= g.Cols+nearestRing {
		return -1
	}
	for d := 1; d <= nearestRing; d++ {
		best, bestD := -1, math.Inf(1)
		for r := fr - d; r <= fr+d; r++ {
			if r < 0 || r >= g.Rows {
				continue
			}
			step := 2 * d
			if r == fr-d || r == fr+d {
				step = 1
			}
			for c := fc - d; c <= fc+d; c += step {
				if c < 0 || c >= g.Cols {
					continue
				}
				if ci := o.cell(r, c); ci >= 0 {
					dd := math.Hypot(float64(r-fr), float64(c-fc))
					if dd < bestD || (dd == bestD && ci < best) {
						best, bestD = ci, dd
					}
				}
			}
		}
		if best >= 0 {
			return best
		}
	}
	return -1
}

// Part is the people of one unit that live in another unit of a second
// set.
type Part struct {
	Unit   int // index of the unit in the other set
	People int64
}

// Overlap returns, for each unit of a, where its people live in b: the
// units of b with the people they share, most people first. Both must be
// counted on p.
func (p *People) Overlap(a, b *Units) [][]Part {
	type pair struct{ a, b int32 }
	sum := map[pair]int64{}
	for k, n := range p.people {
		if a.of[k] >= 0 && b.of[k] >= 0 {
			sum[pair{a.of[k], b.of[k]}] += int64(n)
		}
	}
	out := make([][]Part, len(a.Communes))
	for k, n := range sum {
		out[k.a] = append(out[k.a], Part{Unit: int(k.b), People: n})
	}
	for _, parts := range out {
		slices.SortFunc(parts, func(x, y Part) int { return cmp.Or(cmp.Compare(y.People, x.People), cmp.Compare(x.Unit, y.Unit)) })
	}
	return out
}

// CarryDeclarations returns decls as declarations on the units of to (set
// id toSet): a declaration made on another set (Declaration.Set, a key of
// from) is carried by its people. Its share s of commune C covers s × the
// people of C; those people are spread over C's populated cells, and each
// unit of to receives s × the people of C living in it. A unit's carried
// share is the sum of what it receives from each commune of the other set
// (per provider, layer, technology, programme and service; where one
// commune has several such declarations the largest counts), divided by
// the unit's people, at most 1. So the people declared covered are the
// same on both sets, to the rounding of floating point.
//
// Declarations of toSet, or of set 0, are kept as they are. Declarations
// of a set missing from from, or of a code the set does not have, are
// dropped. carried tells, by unit of to, which received a carried share.
//
// overlap, when not nil, gives Overlap(from[set], to) (e.g. from a cache
// of the caller's); nil computes it.
func (p *People) CarryDeclarations(decls []Declaration, from map[int64]*Units, to *Units, toSet int64,
	overlap func(set int64) [][]Part) (out []Declaration, carried []bool) {
	if overlap == nil {
		overlap = func(set int64) [][]Part { return p.Overlap(from[set], to) }
	}
	carried = make([]bool, len(to.Communes))
	type key struct {
		set                                int64
		provider, tech, programme, service string
		layer                              Layer
		commune                            int
	}
	maxShare := map[key]float64{}
	var order []key
	for _, d := range decls {
		if d.Set == toSet || d.Set == 0 {
			out = append(out, d)
			continue
		}
		u := from[d.Set]
		if u == nil {
			continue
		}
		ci, ok := u.Surface.Index(d.CommuneCode)
		if !ok {
			continue
		}
		k := key{d.Set, d.Provider, d.Technology, d.Programme, d.Service, d.Layer, ci}
		if old, seen := maxShare[k]; !seen {
			order = append(order, k)
			maxShare[k] = d.Share
		} else if d.Share > old {
			maxShare[k] = d.Share
		}
	}
	overlaps := map[int64][][]Part{}
	type target struct {
		provider, tech, programme, service string
		layer                              Layer
		unit                               int
	}
	acc := map[target]float64{}
	var targets []target
	for _, k := range order {
		ov, ok := overlaps[k.set]
		if !ok {
			ov = overlap(k.set)
			overlaps[k.set] = ov
		}
		for _, part := range ov[k.commune] {
			t := target{k.provider, k.tech, k.programme, k.service, k.layer, part.Unit}
			if _, seen := acc[t]; !seen {
				targets = append(targets, t)
			}
			acc[t] += maxShare[k] * float64(part.People)
		}
	}
	for _, t := range targets {
		pop := to.Communes[t.unit].Population
		if pop <= 0 {
			continue
		}
		carried[t.unit] = true
		out = append(out, Declaration{Provider: t.provider, Layer: t.layer, Technology: t.tech, Programme: t.programme,
			Service: t.service, CommuneCode: to.Communes[t.unit].Code, Share: min(acc[t]/float64(pop), 1), Set: toSet})
	}
	return out, carried
}
