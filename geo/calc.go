package geo

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/paulmach/orb"
)

// Options are the calculator's settings. Start from DefaultOptions.
type Options struct {
	// CoveredThreshold is the share (0–1] at or above which a commune is
	// covered, and reached by a target.
	CoveredThreshold float64 `json:"covered_threshold"`
	// PartialThreshold is the share (0–CoveredThreshold] at or above which
	// a commune not covered is partial.
	PartialThreshold float64 `json:"partial_threshold"`
	// MobileMinDownMbps, when > 0, keeps in the mobile layer only
	// footprints stating at least this download speed in Mbit/s.
	MobileMinDownMbps float64 `json:"mobile_min_down_mbps"`
}

// DefaultOptions returns covered ≥ 95%, partial ≥ 50%, no speed filter.
func DefaultOptions() Options {
	return Options{CoveredThreshold: 0.95, PartialThreshold: 0.50}
}

// Validate reports options out of range, wrapping ErrInvalidInput.
func (o Options) Validate() error {
	switch {
	case !(o.CoveredThreshold > 0 && o.CoveredThreshold <= 1):
		return fmt.Errorf("%w: covered threshold %v is not in (0, 1]", ErrInvalidInput, o.CoveredThreshold)
	case !(o.PartialThreshold > 0 && o.PartialThreshold <= o.CoveredThreshold):
		return fmt.Errorf("%w: partial threshold %v is not in (0, covered threshold]", ErrInvalidInput, o.PartialThreshold)
	case !(o.MobileMinDownMbps >= 0) || math.IsInf(o.MobileMinDownMbps, 1):
		return fmt.Errorf("%w: minimum mobile speed %v Mbit/s", ErrInvalidInput, o.MobileMinDownMbps)
	}
	return nil
}

func (o Options) status(share float64) Status {
	switch {
	case share >= o.CoveredThreshold:
		return StatusCovered
	case share >= o.PartialThreshold:
		return StatusPartial
	}
	return StatusNone
}

// maxWorkers caps the goroutines one Compute uses; the service runs on two
// cores, and what-if requests run side by side.
const maxWorkers = 4

// Compute returns the coverage of every layer by the footprints and
// declarations, with every breakdown (see LayerResult). It is safe to call
// concurrently on one Surface.
//
// A cell is covered by a footprint when its centre lies inside the
// footprint or exactly on its boundary (edges of holes included); a
// declaration that provider P serves share s of commune C covers
// s × population(C). For any set of items (one provider, one technology,
// all of them), a commune's covered people is
//
//	max(people in cells covered by the union of the set's footprints,
//	    max over the set's declarations for the commune of share × population)
//
// because where footprints and declarations meet their overlap is unknown:
// they are taken as nested, never added.
//
// Layers: mobile is 3G/4G/5G items of the mobile layer (with
// MobileMinDownMbps > 0, only footprints stating at least that speed;
// declarations state no speed and always count); phone is fixed_line and
// 2G–5G items of the phone layer plus every 2G–5G mobile item, at any speed;
// broadband is FTTH, xDSL, cable and fixed_wireless; broadcast needs both a
// central and a local programme, each by TV or radio: a cell is covered when
// it receives (central TV or central radio) and (local TV or local radio).
// Per commune, central and local figures follow the rule above; when a
// declaration decides either of them, covered = max(people in cells with
// both by footprints, min(central, local)), taking the two as nested; when
// footprints decide both, their overlap is known and covered = people in
// cells with both. Technology names match case-insensitively.
//
// Breakdowns: "largest" is the provider with the most covered people over
// the whole surface (ties: first by name), alone. "multi" is the people who
// would stay covered if any one provider stopped: people in cells covered by
// two or more providers (broadcast: central by two or more, and local by two
// or more). Where a declaration decides a provider's figure in a commune,
// each pair of providers including it counts as nested, covering the smaller
// of their two figures, and the commune takes the largest of those and the
// cell count; with declarations only, that is the second-largest provider.
//
// Declarations for communes not on the surface are ignored and counted in
// Result.Ignored. Errors wrap ErrInvalidGeometry (a footprint coordinate out
// of range) or ErrInvalidInput (options, a share outside [0, 1]).
func (s *Surface) Compute(fps []Footprint, decls []Declaration, opt Options) (*Result, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	in, err := s.collect(fps, decls, opt)
	if err != nil {
		return nil, err
	}
	s.rasteriseGroups(in.groups)
	defer func() {
		for _, g := range in.groups {
			s.putBits(g.bits)
		}
	}()

	res := &Result{
		Method:  s.method(opt),
		Layers:  make([]LayerResult, len(Layers)),
		Ignored: in.ignored,
		Unused:  in.unused,
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers())
	for i, l := range Layers {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			res.Layers[i] = s.newLayerEval(l, in).run(opt)
		}()
	}
	wg.Wait()
	return res, nil
}

func workers() int { return max(1, min(runtime.GOMAXPROCS(0), maxWorkers)) }

// layerSet is a set of the four layers.
type layerSet uint8

func layerBit(l Layer) layerSet {
	switch l {
	case Broadcast:
		return 1
	case Phone:
		return 2
	case Broadband:
		return 4
	case Mobile:
		return 8
	}
	return 0
}

// Programme classes of broadcast items. Other layers have one class, 0.
const (
	classCentral = 0
	classLocal   = 1
)

// classify returns the layers an item counts in, its technology as the
// calculator names it, and its class. Footprints and declarations follow
// the same rules, except the mobile speed filter, applied by the caller.
func classify(l Layer, tech, programme string) (layerSet, string, int) {
	lower := strings.ToLower(strings.TrimSpace(tech))
	mobile := ""
	switch lower {
	case "2g", "3g", "4g", "5g":
		mobile = strings.ToUpper(lower)
	}
	switch l {
	case Mobile:
		switch mobile {
		case "":
			return 0, "", 0
		case "2G":
			return layerBit(Phone), mobile, 0
		}
		return layerBit(Phone) | layerBit(Mobile), mobile, 0
	case Phone:
		if lower == "fixed_line" {
			return layerBit(Phone), lower, 0
		}
		if mobile != "" {
			return layerBit(Phone), mobile, 0
		}
	case Broadband:
		for _, t := range layerTechnologies(Broadband) {
			if strings.EqualFold(t, lower) {
				return layerBit(Broadband), t, 0
			}
		}
	case Broadcast:
		if tech = strings.TrimSpace(tech); tech == "" {
			return 0, "", 0
		}
		switch strings.ToLower(strings.TrimSpace(programme)) {
		case "central":
			return layerBit(Broadcast), tech, classCentral
		case "local":
			return layerBit(Broadcast), tech, classLocal
		}
	}
	return 0, "", 0
}

// layerTechnologies lists the technologies a layer always reports, in
// order; broadcast reports the technologies its items name.
func layerTechnologies(l Layer) []string {
	switch l {
	case Mobile:
		return []string{"3G", "4G", "5G"}
	case Phone:
		return []string{"fixed_line", "2G", "3G", "4G", "5G"}
	case Broadband:
		return []string{"FTTH", "xDSL", "cable", "fixed_wireless"}
	}
	return nil
}

// group is the footprints of one provider and technology (and programme)
// that count in the same layers; they share one bitset.
type group struct {
	groupKey
	polys []orb.Polygon
	bits  *bitset
}

type groupKey struct {
	provider, tech string
	class          int
	layers         layerSet
}

// declItem is a declaration of a known commune, classified.
type declItem struct {
	commune        int
	share          float64
	provider, tech string
	class          int
	layers         layerSet
}

type inputs struct {
	groups          []*group
	decls           []declItem
	ignored, unused int
}

// collect validates and classifies the items.
func (s *Surface) collect(fps []Footprint, decls []Declaration, opt Options) (*inputs, error) {
	in := &inputs{}
	byKey := map[groupKey]*group{}
	for i := range fps {
		f := &fps[i]
		if err := checkGeometry(f.Geometry); err != nil {
			return nil, fmt.Errorf("footprint %d (%s %s): %w", i, f.Provider, f.Technology, err)
		}
		set, tech, class := classify(f.Layer, f.Technology, f.Programme)
		if set&layerBit(Mobile) != 0 && opt.MobileMinDownMbps > 0 && f.MinDownMbps < opt.MobileMinDownMbps {
			set &^= layerBit(Mobile)
		}
		if set == 0 {
			in.unused++
			continue
		}
		k := groupKey{provider: f.Provider, tech: tech, class: class, layers: set}
		g := byKey[k]
		if g == nil {
			g = &group{groupKey: k}
			byKey[k] = g
			in.groups = append(in.groups, g)
		}
		g.polys = append(g.polys, f.Geometry...)
	}
	for i := range decls {
		d := &decls[i]
		if !(d.Share >= 0 && d.Share <= 1) {
			return nil, fmt.Errorf("%w: declaration %d (%s, commune %s) has share %v, not in [0, 1]", ErrInvalidInput, i, d.Provider, d.CommuneCode, d.Share)
		}
		ci, ok := s.index[d.CommuneCode]
		if !ok {
			in.ignored++
			continue
		}
		set, tech, class := classify(d.Layer, d.Technology, d.Programme)
		if set == 0 {
			in.unused++
			continue
		}
		in.decls = append(in.decls, declItem{commune: ci, share: d.Share, provider: d.Provider, tech: tech, class: class, layers: set})
	}
	return in, nil
}

// rasteriseGroups draws every group's footprints into a bitset of its own.
// Workers split the grid into bands of whole words balanced by the
// footprints' rows, so that each writes only its own words.
func (s *Surface) rasteriseGroups(groups []*group) {
	g := s.grid
	type job struct {
		poly   orb.Polygon
		group  int
		r0, r1 int
	}
	var jobs []job
	load := make([]int, g.Rows+1) // footprints starting minus ending at each row
	for gi, gr := range groups {
		gr.bits = s.getBits()
		for _, p := range gr.polys {
			b := p.Bound()
			if len(p) == 0 || b.Max[0] < g.Lon0 || b.Min[0] > g.Lon0+float64(g.Cols)*g.DLon {
				continue
			}
			r0 := centreAtOrAbove(b.Min[1], g.Lat0, g.DLat, g.Rows)
			r1 := centreAbove(b.Max[1], g.Lat0, g.DLat, g.Rows)
			if r0 < r1 {
				jobs = append(jobs, job{p, gi, r0, r1})
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
			if e := ((r + 1) * g.Cols) &^ 63; e > edges[len(edges)-1] {
				edges = append(edges, e)
			}
		}
	}
	edges = append(edges, g.Rows*g.Cols)

	type wordRange struct{ lo, hi int }
	ranges := make([][]wordRange, len(edges)-1)
	var wg sync.WaitGroup
	for w := range len(edges) - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bLo, bHi := edges[w], edges[w+1]
			rowLo, rowHi := bLo/g.Cols, min(g.Rows, (bHi+g.Cols-1)/g.Cols)
			rs := make([]wordRange, len(groups))
			z := &scanner{g: g}
			var cur *group
			var rg *wordRange
			emit := func(row, c0, c1 int) {
				i, j := max(row*g.Cols+c0, bLo), min(row*g.Cols+c1, bHi)
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

// layerEval computes the breakdowns of one layer.
type layerEval struct {
	s         *Surface
	layer     Layer
	classes   int
	providers []string
	techs     []string
	groups    []*group
	decls     []declItem
	dmax      []float64 // scratch: largest declared share per commune, -1 for none
}

func (s *Surface) newLayerEval(l Layer, in *inputs) *layerEval {
	e := &layerEval{s: s, layer: l, classes: 1, techs: layerTechnologies(l), dmax: make([]float64, len(s.cells))}
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

// union returns the union of the footprints of class k whose group sel
// accepts (nil: all), and whether the caller must return it to the pool.
func (e *layerEval) union(k int, sel func(*group) bool) (*bitset, bool) {
	var one *bitset
	var acc *bitset
	for _, g := range e.groups {
		if g.class != k || sel != nil && !sel(g) || g.bits.empty() {
			continue
		}
		switch {
		case one == nil:
			one = g.bits
		case acc == nil:
			acc = e.s.getBits()
			acc.or(one)
			acc.or(g.bits)
		default:
			acc.or(g.bits)
		}
	}
	if acc != nil {
		return acc, true
	}
	return one, false
}

// estimate combines, per commune, the people in cells of b with the
// declarations of class k that sel accepts (nil: all).
func (e *layerEval) estimate(b *bitset, k int, sel func(*declItem) bool) []est {
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
	out := make([]est, len(s.cells))
	for c := range s.cells {
		basis := s.cells[c].basis
		out[c] = cellEst(s.coveredBasis(c, b), basis)
		if e.dmax[c] >= 0 {
			if d := declEst(e.dmax[c], basis); d.w > out[c].w {
				out[c] = d
			}
		}
	}
	return out
}

// both applies broadcast's rule, central and local, to per-class
// estimates and footprints; with one class it returns the estimate as is.
func (e *layerEval) both(ests [][]est, bits []*bitset) []est {
	if e.classes == 1 {
		return ests[0]
	}
	s := e.s
	var tmp *bitset
	if bits[classCentral] != nil && bits[classLocal] != nil {
		tmp = s.getBits()
		defer s.putBits(tmp)
		tmp.and(bits[classCentral], bits[classLocal])
	}
	out := make([]est, len(s.cells))
	for c := range s.cells {
		out[c] = cellEst(s.coveredBasis(c, tmp), s.cells[c].basis)
		a, b := ests[classCentral][c], ests[classLocal][c]
		if a.decl || b.decl {
			if m := minEst(a, b); m.w > out[c].w {
				out[c] = m
				out[c].decl = true
			}
		}
	}
	return out
}

// multi returns, for class k, people in cells of twos (covered by two or
// more providers), raised where a declaration decides a provider's figure
// to the nested figure of its best pair.
func (e *layerEval) multi(twos *bitset, provEst [][][]est, k int) []est {
	s := e.s
	out := make([]est, len(s.cells))
	for c := range s.cells {
		out[c] = cellEst(s.coveredBasis(c, twos), s.cells[c].basis)
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

// run computes every breakdown of the layer.
func (e *layerEval) run(opt Options) LayerResult {
	s := e.s
	nc := e.classes
	res := LayerResult{Layer: e.layer}
	ones, twos := make([]*bitset, nc), make([]*bitset, nc)
	for k := range nc {
		ones[k], twos[k] = s.getBits(), s.getBits()
	}
	defer func() {
		for k := range nc {
			s.putBits(ones[k])
			s.putBits(twos[k])
		}
	}()

	// Each provider alone, folding its footprints into ones and twos.
	provEst := make([][][]est, len(e.providers))
	provBoth := make([][]est, len(e.providers))
	for p, name := range e.providers {
		provEst[p] = make([][]est, nc)
		bits, owned := make([]*bitset, nc), make([]bool, nc)
		for k := range nc {
			bits[k], owned[k] = e.union(k, func(g *group) bool { return g.provider == name })
			provEst[p][k] = e.estimate(bits[k], k, func(d *declItem) bool { return d.provider == name })
			if bits[k] != nil {
				accumulate(ones[k], twos[k], bits[k])
			}
		}
		provBoth[p] = e.both(provEst[p], bits)
		for k := range nc {
			if owned[k] {
				s.putBits(bits[k])
			}
		}
	}

	all, multi := make([][]est, nc), make([][]est, nc)
	for k := range nc {
		all[k] = e.estimate(ones[k], k, nil)
		multi[k] = e.multi(twos[k], provEst, k)
	}
	res.Breakdowns = append(res.Breakdowns, s.breakdown(KindAll, KindAll, "", e.both(all, ones), opt))

	largest, best := -1, -1.0
	for p := range e.providers {
		if people := s.people(provBoth[p]); people > best {
			largest, best = p, people
		}
	}
	if largest >= 0 {
		res.Breakdowns = append(res.Breakdowns, s.breakdown(KindLargest, KindLargest, e.providers[largest], provBoth[largest], opt))
	} else {
		res.Breakdowns = append(res.Breakdowns, s.breakdown(KindLargest, KindLargest, "", make([]est, len(s.cells)), opt))
	}
	res.Breakdowns = append(res.Breakdowns, s.breakdown(KindMulti, KindMulti, "", e.both(multi, twos), opt))

	for p, name := range e.providers {
		res.Breakdowns = append(res.Breakdowns, s.breakdown(ProviderKey(name), KindProvider, name, provBoth[p], opt))
	}
	for _, tech := range e.techs {
		ests, bits, owned := make([][]est, nc), make([]*bitset, nc), make([]bool, nc)
		for k := range nc {
			bits[k], owned[k] = e.union(k, func(g *group) bool { return g.tech == tech })
			ests[k] = e.estimate(bits[k], k, func(d *declItem) bool { return d.tech == tech })
		}
		res.Breakdowns = append(res.Breakdowns, s.breakdown(TechnologyKey(tech), KindTechnology, tech, e.both(ests, bits), opt))
		for k := range nc {
			if owned[k] {
				s.putBits(bits[k])
			}
		}
	}
	if e.layer == Broadcast {
		res.Breakdowns = append(res.Breakdowns,
			s.breakdown(ProgrammeKey("central"), KindProgramme, "central", all[classCentral], opt),
			s.breakdown(ProgrammeKey("local"), KindProgramme, "local", all[classLocal], opt))
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
