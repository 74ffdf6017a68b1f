package geo

import "slices"

// Base is the coverage of one Compute kept for what-ifs: per layer and per
// class (broadcast: central and local programmes), the union of every
// footprint as a bitset over the surface's cells, the people per commune
// in it (cells, for a commune of population 0), and the largest declared
// share per commune; plus, for broadcast, the people per commune in cells
// with both programmes, and each layer's "all" estimate per commune. Make
// one with Surface.ComputeBase.
//
// A Base is immutable and safe for concurrent use: any number of WhatIf
// calls may run on it at once. It holds on to its Surface.
//
// Memory: one bitset over the surface's layout (a bit for each cell of each
// row from its first to its last commune cell: 35.2 million bits, 4.4 MB,
// for the 11,163 communes of Vietnam at 100 m) per distinct non-empty
// union, and about 200 bytes per commune of per-commune figures. There are
// at most five unions (mobile, phone, broadband, broadcast central and
// local); layers whose unions are made of the same footprints share one,
// as mobile and phone do when no 2G or fixed-line footprint is filed.
// Measured nationally (heap growth after a GC) on the seed-1 mobile
// scenario, one shared union: 6.5 MB; with footprints in all five unions:
// 24.3 MB.
type Base struct {
	s       *Surface
	opt     Options
	layers  []layerBase // in the order of Layers
	ignored int
	unused  int
	spans   []bitSpan // per commune, where its cells lie in the layout
	bytes   int       // memory held, approximately, for the doc and the benchmarks
}

// layerBase is what Base keeps of one layer; filled by layerEval.run.
type layerBase struct {
	layer   Layer
	classes int
	union   [2]*bitset // per class, the union of the footprints; nil when empty
	key     [2]string  // names union, as groupsKey does
	cells   [2][]int64 // per class and commune, basis units in union
	dmax    [2][]float64
	both    []int64 // broadcast: per commune, basis units in union[central] & union[local]
	all     []est   // per commune, the estimate of the "all" breakdown
}

// bitSpan is a range of bits [lo, hi) of the surface's layout.
type bitSpan struct{ lo, hi int }

// ComputeBase is Compute, returning the same Result, and also the Base of
// that result for Base.WhatIf. It rasterises the footprints once, as
// Compute does, and keeps the unions Compute would otherwise drop; it costs
// about what Compute costs. Errors are Compute's.
func (s *Surface) ComputeBase(fps []Footprint, decls []Declaration, opt Options) (*Result, *Base, error) {
	return s.compute(fps, decls, opt, true)
}

// newBase makes the Base of a compute from the layers' kept figures. Empty
// unions go back to the pool, and unions of the same groups are kept once.
func (s *Surface) newBase(kept []layerBase, in *inputs, opt Options) *Base {
	b := &Base{s: s, opt: opt, layers: kept, ignored: in.ignored, unused: in.unused, spans: make([]bitSpan, len(s.cells))}
	bitsets := map[string]*bitset{}
	counted := map[*int64]bool{}
	for i := range b.layers {
		lb := &b.layers[i]
		for k := range lb.classes {
			u := lb.union[k]
			switch prev, seen := bitsets[lb.key[k]]; {
			case u.empty():
				s.putBits(u)
				lb.union[k] = nil
			case seen:
				s.putBits(u)
				lb.union[k] = prev
			default:
				bitsets[lb.key[k]] = u
				b.bytes += 8 * len(u.w)
			}
			// Layers with the same union share its counts (see counts).
			if n := len(lb.cells[k]); n > 0 && !counted[&lb.cells[k][0]] {
				counted[&lb.cells[k][0]] = true
				b.bytes += 8 * n
			}
			b.bytes += 8 * len(lb.dmax[k])
		}
		b.bytes += 8*len(lb.both) + 24*len(lb.all)
	}
	for c := range s.cells {
		cc := &s.cells[c]
		sp := bitSpan{lo: -1}
		for _, r := range s.runs[cc.r0:cc.r1] {
			i := s.lay.base[r.row] + int(r.c0)
			j := i + int(r.c1-r.c0)
			if sp.lo < 0 {
				sp = bitSpan{i, j}
			} else {
				sp = bitSpan{min(sp.lo, i), max(sp.hi, j)}
			}
		}
		b.spans[c] = sp
	}
	b.bytes += 16 * len(b.spans)
	return b
}

// WhatIf returns the coverage with extra footprints added to those of the
// Base, under the Base's declarations and options: the figures that
// Compute(base footprints + extra, base declarations, options) gives, to
// the last bit, for the parts it returns.
//
// The Result holds, for each layer in the order of Layers, ONLY the
// KindAll breakdown ("all": communes, districts, province); no "largest",
// "multi", provider, technology or programme breakdown. Method is the
// Base's; Ignored is the Base's; Unused adds the extra footprints that no
// layer takes to the Base's.
//
// Extra footprints are classified and checked as Compute does (layers,
// MobileMinDownMbps, broadcast programmes, case-insensitive technologies).
// Only they are rasterised, and only the communes whose cells they reach
// are counted again; the others keep the Base's figures. The Base is not
// changed. Errors wrap ErrInvalidGeometry (a coordinate out of range); the
// footprint number in the message is the index in extra. With no extra
// footprint the figures are the Base's.
//
// Its cost is rasterising extra, counting the communes it reaches, and
// building four breakdowns over every commune: about 1.5 ms for a 3 km
// site on the national surface, where Compute takes 400 ms.
func (b *Base) WhatIf(extra []Footprint) (*Result, error) {
	s, opt := b.s, b.opt
	in, err := s.collect(extra, nil, opt)
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
		Layers:  make([]LayerResult, len(b.layers)),
		Ignored: b.ignored,
		Unused:  b.unused + in.unused,
	}
	for i := range b.layers {
		lb := &b.layers[i]
		all := s.breakdown(lb.layer, KindAll, KindAll, "", b.estimates(lb, in.groups), opt)
		res.Layers[i] = LayerResult{Layer: lb.layer, Breakdowns: []Breakdown{all}}
	}
	return res, nil
}

// estimates returns layer lb's "all" estimate per commune with the
// rasterised groups added. Where the groups add no cell it is the Base's
// own slice, which must not be changed.
//
// A commune's basis units in base ∪ added are its units in base plus its
// units in added &^ base: whole numbers, so the sum is exact. The same
// holds for broadcast's cells with both programmes, with the gain computed
// by bothGain.
func (b *Base) estimates(lb *layerBase, groups []*group) []est {
	s := b.s
	bit := layerBit(lb.layer)
	var scratch []*bitset
	defer func() {
		for _, x := range scratch {
			s.putBits(x)
		}
	}()
	get := func() *bitset {
		x := s.getBits()
		scratch = append(scratch, x)
		return x
	}

	var added [2]*bitset
	var gain [3]*bitset // per class, then broadcast's both
	changed := false
	for k := range lb.classes {
		var gs []*bitset
		for _, g := range groups {
			if g.layers&bit != 0 && g.class == k && !g.bits.empty() {
				gs = append(gs, g.bits)
			}
		}
		switch len(gs) {
		case 0:
		case 1:
			added[k] = gs[0]
		default:
			added[k] = get()
			for _, x := range gs {
				added[k].or(x)
			}
		}
		if added[k] != nil {
			gain[k] = get()
			gain[k].andNot(added[k], lb.union[k])
			changed = changed || !gain[k].empty()
		}
	}
	if lb.classes == 2 && (added[classCentral] != nil || added[classLocal] != nil) {
		gain[2] = get()
		gain[2].bothGain(lb.union[classCentral], added[classCentral], lb.union[classLocal], added[classLocal])
		changed = changed || !gain[2].empty()
	}
	if !changed {
		return lb.all
	}

	ests := slices.Clone(lb.all)
	for c, sp := range b.spans {
		if !reaches(sp, gain[:]) {
			continue
		}
		basis := s.cells[c].basis
		var x [2]est
		for k := range lb.classes {
			x[k] = combineEst(lb.cells[k][c]+s.coveredBasis(c, gain[k]), lb.dmax[k][c], basis)
		}
		if lb.classes == 1 {
			ests[c] = x[0]
		} else {
			ests[c] = bothEst(lb.both[c]+s.coveredBasis(c, gain[2]), basis, x[classCentral], x[classLocal])
		}
	}
	return ests
}

// reaches reports whether any of the bitsets (nil: none) may have a bit in
// span sp.
func reaches(sp bitSpan, bs []*bitset) bool {
	for _, x := range bs {
		if x != nil && !x.empty() && sp.hi > x.lo<<6 && sp.lo < x.hi<<6 {
			return true
		}
	}
	return false
}
