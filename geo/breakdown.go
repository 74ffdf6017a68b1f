package geo

import (
	"slices"
	"strconv"
	"sync"
)

// counts memoises, within one Compute, the people per commune in a
// bitset derived from a set of groups, named by a key. Layers share them:
// every 3G–5G mobile item counts in both mobile and phone.
type counts struct {
	mu sync.Mutex
	m  map[string]*countEntry
}

type countEntry struct {
	done chan struct{}
	v    []int64
}

// get returns the counts under key, computing them once.
func (c *counts) get(key string, compute func() []int64) []int64 {
	c.mu.Lock()
	if e, ok := c.m[key]; ok {
		c.mu.Unlock()
		<-e.done
		return e.v
	}
	e := &countEntry{done: make(chan struct{})}
	c.m[key] = e
	c.mu.Unlock()
	e.v = compute()
	close(e.done)
	return e.v
}

// groupsKey names a set of groups.
func groupsKey(op string, k int, gs []*group) string {
	b := []byte(op)
	b = strconv.AppendInt(b, int64(k), 10)
	for _, g := range gs {
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(g.id), 10)
	}
	return string(b)
}

// est is a commune's coverage by one set of items.
type est struct {
	w     float64 // covered basis units: people, or cells for a commune of population 0
	share float64 // w / basis, exact when it is a declared share
	decl  bool    // a declaration, not footprints, decides it
}

func cellEst(w, basis int64) est { return est{w: float64(w), share: float64(w) / float64(basis)} }

func declEst(share float64, basis int64) est {
	return est{w: share * float64(basis), share: share, decl: true}
}

func minEst(a, b est) est {
	if b.w < a.w {
		return b
	}
	return a
}

// combineEst is the combine rule for one commune: its basis units in cells
// covered by footprints, raised to its largest declared share dmax (-1 for
// none) when that is more. Compute and Base.WhatIf both use it, so that
// their figures are equal to the last bit.
func combineEst(cells int64, dmax float64, basis int64) est {
	x := cellEst(cells, basis)
	if dmax >= 0 {
		if d := declEst(dmax, basis); d.w > x.w {
			x = d
		}
	}
	return x
}

// bothEst is broadcast's rule for one commune: cells counts its basis units
// in cells with both programmes by footprints; central and local are its
// per-class estimates.
func bothEst(cells, basis int64, central, local est) est {
	x := cellEst(cells, basis)
	if central.decl || local.decl {
		if m := minEst(central, local); m.w > x.w {
			x = m
			x.decl = true
		}
	}
	return x
}

// layerEval computes the breakdowns of one layer.
type layerEval struct {
	s         *Surface
	layer     Layer
	classes   int
	providers []string
	techs     []string
	groups    []*group
	decls     []declItem
	counts    *counts
	dmax      []float64 // scratch: largest declared share per commune, -1 for none
}

func (s *Surface) newLayerEval(l Layer, in *inputs) *layerEval {
	e := &layerEval{s: s, layer: l, classes: 1, techs: layerTechnologies(l), counts: &in.counts, dmax: make([]float64, len(s.cells))}
	if l == Broadcast {
		e.classes = 2
	}
	bit := layerBit(l)
	var providers, techs []string
	for _, g := range in.groups {
		if g.layers&bit != 0 {
			e.groups = append(e.groups, g)
			providers, techs = append(providers, g.provider), append(techs, g.tech)
		}
	}
	for _, d := range in.decls {
		if d.layers&bit != 0 {
			e.decls = append(e.decls, d)
			providers, techs = append(providers, d.provider), append(techs, d.tech)
		}
	}
	slices.Sort(providers)
	e.providers = slices.Compact(providers)
	if l == Broadcast {
		slices.Sort(techs)
		e.techs = slices.Compact(techs)
	}
	return e
}

// fp is the footprints of a set of groups: their union, its key, and
// whether it is a scratch bitset to return to the pool.
type fp struct {
	bits  *bitset
	key   string
	owned bool
}

// union returns the union of the footprints of class k whose group sel
// accepts (nil: all).
func (e *layerEval) union(k int, sel func(*group) bool) fp {
	var gs []*group
	for _, g := range e.groups {
		if g.class == k && (sel == nil || sel(g)) && !g.bits.empty() {
			gs = append(gs, g)
		}
	}
	switch len(gs) {
	case 0:
		return fp{}
	case 1:
		return fp{bits: gs[0].bits, key: groupsKey("u", k, gs)}
	}
	acc := e.s.getBits()
	for _, g := range gs {
		acc.or(g.bits)
	}
	return fp{bits: acc, key: groupsKey("u", k, gs), owned: true}
}

func (e *layerEval) release(f fp) {
	if f.owned {
		e.s.putBits(f.bits)
	}
}

// count returns the covered basis units per commune in f.
func (e *layerEval) count(f fp) []int64 {
	if f.bits == nil || f.bits.empty() {
		return make([]int64, len(e.s.cells))
	}
	return e.counts.get(f.key, func() []int64 { return e.s.coveredAll(f.bits) })
}

// estimate combines, per commune, the people in f with the declarations
// of class k that sel accepts (nil: all).
func (e *layerEval) estimate(f fp, k int, sel func(*declItem) bool) []est {
	s := e.s
	for i := range e.dmax {
		e.dmax[i] = -1
	}
	for i := range e.decls {
		d := &e.decls[i]
		if d.class == k && (sel == nil || sel(d)) {
			e.dmax[d.commune] = max(e.dmax[d.commune], d.share)
		}
	}
	cells := e.count(f)
	out := make([]est, len(s.cells))
	for c := range s.cells {
		out[c] = combineEst(cells[c], e.dmax[c], s.cells[c].basis)
	}
	return out
}

// both applies broadcast's rule, central and local, to per-class
// estimates and footprints; with one class it returns the estimate as is.
func (e *layerEval) both(ests [][]est, fps []fp) []est {
	out, _ := e.bothCells(ests, fps)
	return out
}

// bothCells is both, also returning the basis units per commune in cells
// with both classes by footprints (nil with one class).
func (e *layerEval) bothCells(ests [][]est, fps []fp) ([]est, []int64) {
	if e.classes == 1 {
		return ests[0], nil
	}
	s := e.s
	and := fp{}
	if c, l := fps[classCentral], fps[classLocal]; c.bits != nil && l.bits != nil {
		and = fp{bits: s.getBits(), key: "and(" + c.key + ")(" + l.key + ")", owned: true}
		defer e.release(and)
		and.bits.and(c.bits, l.bits)
	}
	cells := e.count(and)
	out := make([]est, len(s.cells))
	for c := range s.cells {
		out[c] = bothEst(cells[c], s.cells[c].basis, ests[classCentral][c], ests[classLocal][c])
	}
	return out, cells
}

// multi returns, for class k, people in cells of twos (covered by two or
// more providers), raised where a declaration decides a provider's figure
// to the nested figure of its best pair.
func (e *layerEval) multi(twos fp, provEst [][][]est, k int) []est {
	s := e.s
	cells := e.count(twos)
	out := make([]est, len(s.cells))
	for c := range s.cells {
		out[c] = cellEst(cells[c], s.cells[c].basis)
		var top1, top2 est
		first := -1
		for p := range provEst {
			x := provEst[p][k][c]
			if first < 0 || x.w > top1.w {
				top1, top2, first = x, top1, p
			} else if x.w > top2.w {
				top2 = x
			}
		}
		for p := range provEst {
			x := provEst[p][k][c]
			if !x.decl {
				continue
			}
			other := top1
			if p == first {
				other = top2
			}
			if m := minEst(x, other); m.w > out[c].w {
				out[c] = m
				out[c].decl = true
			}
		}
	}
	return out
}

// run computes every breakdown of the layer. With keep not nil it also
// fills keep with what Base.WhatIf needs, and hands it the union bitsets
// instead of returning them to the pool.
func (e *layerEval) run(opt Options, keep *layerBase) LayerResult {
	s := e.s
	nc := e.classes
	res := LayerResult{Layer: e.layer}
	ones, twos := make([]fp, nc), make([]fp, nc)
	for k := range nc {
		var gs []*group
		for _, g := range e.groups {
			if g.class == k {
				gs = append(gs, g)
			}
		}
		ones[k] = fp{bits: s.getBits(), key: groupsKey("u", k, gs), owned: true}
		twos[k] = fp{bits: s.getBits(), key: groupsKey("t", k, gs), owned: true}
	}
	defer func() {
		for k := range nc {
			if keep == nil {
				e.release(ones[k])
			}
			e.release(twos[k])
		}
	}()

	// Each provider alone, folding its footprints into ones and twos.
	provEst := make([][][]est, len(e.providers))
	provBoth := make([][]est, len(e.providers))
	for p, name := range e.providers {
		provEst[p] = make([][]est, nc)
		fps := make([]fp, nc)
		for k := range nc {
			fps[k] = e.union(k, func(g *group) bool { return g.provider == name })
			provEst[p][k] = e.estimate(fps[k], k, func(d *declItem) bool { return d.provider == name })
			if fps[k].bits != nil {
				accumulate(ones[k].bits, twos[k].bits, fps[k].bits)
			}
		}
		provBoth[p] = e.both(provEst[p], fps)
		for k := range nc {
			e.release(fps[k])
		}
	}

	all, multi := make([][]est, nc), make([][]est, nc)
	for k := range nc {
		all[k] = e.estimate(ones[k], k, nil)
		if keep != nil {
			keep.union[k], keep.key[k] = ones[k].bits, ones[k].key
			keep.cells[k], keep.dmax[k] = e.count(ones[k]), slices.Clone(e.dmax)
		}
		multi[k] = e.multi(twos[k], provEst, k)
	}
	allBoth, bothCells := e.bothCells(all, ones)
	if keep != nil {
		keep.layer, keep.classes, keep.all, keep.both = e.layer, nc, allBoth, bothCells
	}
	res.Breakdowns = append(res.Breakdowns, s.breakdown(e.layer, KindAll, KindAll, "", allBoth, opt))

	largest, best := -1, -1.0
	for p := range e.providers {
		if people := s.people(provBoth[p]); people > best {
			largest, best = p, people
		}
	}
	if largest >= 0 {
		res.Breakdowns = append(res.Breakdowns, s.breakdown(e.layer, KindLargest, KindLargest, e.providers[largest], provBoth[largest], opt))
	} else {
		res.Breakdowns = append(res.Breakdowns, s.breakdown(e.layer, KindLargest, KindLargest, "", make([]est, len(s.cells)), opt))
	}
	res.Breakdowns = append(res.Breakdowns, s.breakdown(e.layer, KindMulti, KindMulti, "", e.both(multi, twos), opt))

	for p, name := range e.providers {
		res.Breakdowns = append(res.Breakdowns, s.breakdown(e.layer, ProviderKey(name), KindProvider, name, provBoth[p], opt))
	}
	for _, tech := range e.techs {
		ests, fps := make([][]est, nc), make([]fp, nc)
		for k := range nc {
			fps[k] = e.union(k, func(g *group) bool { return g.tech == tech })
			ests[k] = e.estimate(fps[k], k, func(d *declItem) bool { return d.tech == tech })
		}
		res.Breakdowns = append(res.Breakdowns, s.breakdown(e.layer, TechnologyKey(tech), KindTechnology, tech, e.both(ests, fps), opt))
		for k := range nc {
			e.release(fps[k])
		}
	}
	if e.layer == Broadcast {
		res.Breakdowns = append(res.Breakdowns,
			s.breakdown(e.layer, ProgrammeKey("central"), KindProgramme, "central", all[classCentral], opt),
			s.breakdown(e.layer, ProgrammeKey("local"), KindProgramme, "local", all[classLocal], opt))
	}
	return res
}

// people sums covered people over the communes.
func (s *Surface) people(ests []est) float64 {
	var sum float64
	for c, x := range ests {
		if s.cells[c].people > 0 {
			sum += min(x.w, float64(s.cells[c].people))
		}
	}
	return sum
}
