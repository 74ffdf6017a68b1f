package geo

import (
	"fmt"
	"math"
	"runtime"
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
	// Reached is, per layer, the share (0–1] at or above which a commune
	// counts as reached in Rollup.CommunesReached; a layer absent from it
	// takes CoveredThreshold. The service sets it from the layer's
	// communes target, so that every count of communes reached is the
	// target's.
	Reached map[Layer]float64 `json:"reached,omitempty"`
}

// ReachedThreshold returns the share at or above which a commune of layer
// l counts as reached.
func (o Options) ReachedThreshold(l Layer) float64 {
	if v, ok := o.Reached[l]; ok {
		return v
	}
	return o.CoveredThreshold
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
	for l, v := range o.Reached {
		if !l.Valid() || !(v > 0 && v <= 1) {
			return fmt.Errorf("%w: reached threshold %v of layer %q is not in (0, 1]", ErrInvalidInput, v, l)
		}
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
// cells with both. Service (tv or radio) does not change the rule.
// Technology names match case-insensitively; broadcast technologies (DVB-T2,
// FM, satellite, cable…) are reported as filed.
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
//
// For what-ifs (footprints added to these), ComputeBase returns the same
// Result with a Base whose WhatIf recounts only what the added footprints
// reach.
func (s *Surface) Compute(fps []Footprint, decls []Declaration, opt Options) (*Result, error) {
	res, _, err := s.compute(fps, decls, opt, false)
	return res, err
}

// compute is Compute, also returning the Base of the result when keep is
// set (nil otherwise).
func (s *Surface) compute(fps []Footprint, decls []Declaration, opt Options, keep bool) (*Result, *Base, error) {
	if err := opt.Validate(); err != nil {
		return nil, nil, err
	}
	in, err := s.collect(fps, decls, opt)
	if err != nil {
		return nil, nil, err
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
	var kept []layerBase
	if keep {
		kept = make([]layerBase, len(Layers))
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers())
	for i, l := range Layers {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			var lb *layerBase
			if keep {
				lb = &kept[i]
			}
			res.Layers[i] = s.newLayerEval(l, in).run(opt, lb)
		}()
	}
	wg.Wait()
	if !keep {
		return res, nil, nil
	}
	return res, s.newBase(kept, in, opt), nil
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
	id     int // index in inputs.groups
	shapes []shape
	bits   *bitset
}

type groupKey struct {
	provider, tech string
	class          int
	layers         layerSet
}

type shape struct {
	poly  orb.Polygon
	bound orb.Bound
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
	counts          counts
}

// collect validates and classifies the items.
func (s *Surface) collect(fps []Footprint, decls []Declaration, opt Options) (*inputs, error) {
	in := &inputs{counts: counts{m: map[string]*countEntry{}}}
	byKey := map[groupKey]*group{}
	for i := range fps {
		f := &fps[i]
		set, tech, class := classify(f.Layer, f.Technology, f.Programme)
		if set&layerBit(Mobile) != 0 && opt.MobileMinDownMbps > 0 && f.MinDownMbps < opt.MobileMinDownMbps {
			set &^= layerBit(Mobile)
		}
		if set == 0 {
			if err := checkGeometry(f.Geometry); err != nil {
				return nil, fmt.Errorf("footprint %d (%s %s): %w", i, f.Provider, f.Technology, err)
			}
			in.unused++
			continue
		}
		k := groupKey{provider: f.Provider, tech: tech, class: class, layers: set}
		g := byKey[k]
		if g == nil {
			g = &group{groupKey: k, id: len(in.groups)}
			byKey[k] = g
			in.groups = append(in.groups, g)
		}
		for _, p := range f.Geometry {
			b, err := polygonBound(p)
			if err != nil {
				return nil, fmt.Errorf("footprint %d (%s %s): %w", i, f.Provider, f.Technology, err)
			}
			if len(p) > 0 && len(p[0]) > 0 {
				g.shapes = append(g.shapes, shape{p, b})
			}
		}
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
