package api

import (
	"context"
	"fmt"
	"sync"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// unitSets is what every snapshot of one commune version shares: the unit
// sets, the one population surface they are counted on (that of the first
// set, whose figures are the census) and each set's units, built on first
// use.
type unitSets struct {
	sets   []data.UnitSet
	people *geo.People
	opt    geo.SurfaceOptions
	grid   *data.PopulationGridInfo

	mu       sync.Mutex
	built    map[int]*builtUnits // by index in sets
	overlaps map[[2]int][][]geo.Part
	// figures holds the history figures computed on a set other than the
	// snapshot's, by set index and date key (inForceFigures).
	figures map[string]map[geo.Layer][]geo.CommuneFigure
}

// maxKeptFigures bounds unitSets.figures: past it, the map starts again
// (a store whose filings keep changing every date's key).
const maxKeptFigures = 4096

func (us *unitSets) cachedFigures(key string) (map[geo.Layer][]geo.CommuneFigure, bool) {
	us.mu.Lock()
	defer us.mu.Unlock()
	f, ok := us.figures[key]
	return f, ok
}

func (us *unitSets) keepFigures(key string, f map[geo.Layer][]geo.CommuneFigure) {
	us.mu.Lock()
	defer us.mu.Unlock()
	if us.figures == nil || len(us.figures) >= maxKeptFigures {
		us.figures = map[string]map[geo.Layer][]geo.CommuneFigure{}
	}
	us.figures[key] = f
}

type builtUnits struct {
	once  sync.Once
	units *geo.Units
	err   error
}

// PopulationRule says, in the words of the API, which people every figure
// counts.
const PopulationRule = "Every unit set is counted on one population surface: the census population of the first set, " +
	"spread over its cells (by the population grid in use, or evenly), so that a share does not jump when units merge. " +
	"A later set's unit counts the people of the cells whose centre it holds (cells in no unit go to the nearest unit within 4 km; " +
	"farther ones lie outside the set's territory and it does not count them); " +
	"its own population figure (e.g. the 2025 merger dossiers') is kept beside it as population_own."

// CarryRule says how a declaration made on one set counts on another.
const CarryRule = "A declaration made on another unit set is carried by its people: its share of a commune is spread over " +
	"the commune's population cells, and each unit receives that share of the people of the commune living in it; " +
	"the province's declared people are the same on both sets. Footprints are geometry and count as they are."

// loadUnitSets reads the sets and builds the population surface on the
// first set.
func (s *Service) loadUnitSets(ctx context.Context) (*unitSets, error) {
	sets, err := s.store.UnitSets(ctx)
	if err != nil {
		return nil, err
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("the store has no commune")
	}
	us := &unitSets{sets: sets, built: map[int]*builtUnits{}, opt: geo.SurfaceOptions{CellSizeM: s.cfg.CellSizeM}}
	base, err := s.store.CommunesOf(ctx, sets[0])
	if err != nil {
		return nil, err
	}
	grid, info, err := s.store.PopulationGrid(ctx)
	if err != nil {
		return nil, fmt.Errorf("population grid: %w", err)
	}
	us.grid = info
	surface, err := geo.NewSurface(base, geo.SurfaceOptions{CellSizeM: s.cfg.CellSizeM, Grid: grid})
	if err != nil {
		return nil, fmt.Errorf("population surface: %w", err)
	}
	us.people = geo.NewPeople(surface)
	b := &builtUnits{units: us.people.Base()}
	b.once.Do(func() {})
	us.built[0] = b
	return us, nil
}

// units returns set i's units, counted on the population surface once.
func (s *Service) unitsOf(ctx context.Context, us *unitSets, i int) (*geo.Units, error) {
	us.mu.Lock()
	b := us.built[i]
	if b == nil {
		b = &builtUnits{}
		us.built[i] = b
	}
	us.mu.Unlock()
	b.once.Do(func() {
		communes, err := s.store.CommunesOf(ctx, us.sets[i])
		if err != nil {
			b.err = err
			return
		}
		b.units, b.err = us.people.Rebase(communes, us.opt)
		if b.err != nil {
			b.err = fmt.Errorf("unit set %s: %w", us.sets[i].Name, b.err)
		}
	})
	if b.err != nil {
		us.mu.Lock()
		if us.built[i] == b {
			delete(us.built, i)
		}
		us.mu.Unlock()
	}
	return b.units, b.err
}

// carry returns decls carried to the snapshot's units (geo.People.
// CarryDeclarations), building the units of every set they were made on.
func (s *Service) carry(ctx context.Context, snap *Snapshot, decls []geo.Declaration) ([]geo.Declaration, []bool, error) {
	from := map[int64]*geo.Units{}
	index := map[int64]int{}
	for _, d := range decls {
		if d.Set == 0 || d.Set == snap.Set.ID {
			continue
		}
		if _, ok := from[d.Set]; ok {
			continue
		}
		from[d.Set] = nil
		for i, u := range snap.sets.sets {
			if u.ID == d.Set {
				units, err := s.unitsOf(ctx, snap.sets, i)
				if err != nil {
					return nil, nil, err
				}
				from[d.Set], index[d.Set] = units, i
			}
		}
	}
	out, carried := snap.sets.people.CarryDeclarations(decls, from, snap.units, snap.Set.ID, func(set int64) [][]geo.Part {
		return snap.sets.overlap(from[set], snap.units, index[set], snap.setIndex)
	})
	return out, carried, nil
}

// compute is the calculator on the snapshot's units, declarations carried.
func (s *Service) compute(ctx context.Context, snap *Snapshot, fps []geo.Footprint, decls []geo.Declaration) (*geo.Result, error) {
	decls, _, err := s.carry(ctx, snap, decls)
	if err != nil {
		return nil, err
	}
	return snap.Surface.Compute(fps, decls, snap.calc)
}

// setUnits fills the snapshot's units of set i: communes, surface, codes
// and extent.
func (snap *Snapshot) setUnits(us *unitSets, i int, units *geo.Units) {
	snap.sets, snap.setIndex, snap.Set, snap.units = us, i, us.sets[i], units
	snap.Communes, snap.Surface, snap.Grid = units.Communes, units.Surface, us.grid
	for k := range snap.Communes {
		snap.Communes[k].ParentLevel = snap.Set.ParentLevel
	}
	snap.Codes = make(map[string]bool, len(snap.Communes))
	for k, c := range snap.Communes {
		snap.Codes[c.Code] = true
		if k == 0 {
			snap.Extent = c.Geometry.Bound()
		} else {
			snap.Extent = snap.Extent.Union(c.Geometry.Bound())
		}
	}
}

// UnitSets returns the stored unit sets, earliest first, and the index of
// the set the snapshot's figures are on.
func (snap *Snapshot) UnitSets() ([]data.UnitSet, int) { return snap.sets.sets, snap.setIndex }

// Carried tells, by commune of the snapshot, whether a declaration made on
// another set shaped today's figures.
func (snap *Snapshot) Carried(i int) bool { return i < len(snap.carried) && snap.carried[i] }

// SetChosen says how the snapshot's set was chosen: "date" (in force on
// the day asked for) or "request" (?units=).
func (snap *Snapshot) SetChosen() string {
	if snap.chosen == "" {
		return "date"
	}
	return snap.chosen
}

// View returns the figures on another unit set: the set named ref (by
// name or id), or for ref "" the set in force on day (YYYY-MM-DD; "" for
// the snapshot's day). The snapshot itself is returned when that is its
// set. Another set's view is computed once per snapshot: today's figures,
// the figures of every history date and the targets' values, all on its
// units, declarations carried. An unknown set is data.ErrInvalid.
func (s *Service) View(ctx context.Context, snap *Snapshot, ref, day string) (*Snapshot, error) {
	i := snap.setIndex
	chosen := "date"
	if ref != "" {
		var err error
		if i, err = data.FindSet(snap.sets.sets, ref); err != nil {
			return nil, err
		}
		chosen = "request"
	} else if day != "" {
		i = data.SetOn(snap.sets.sets, day)
	}
	if i == snap.setIndex && chosen == snap.SetChosen() {
		return snap, nil
	}
	key := 2 * i
	if chosen == "request" {
		key++
	}
	vc := snap.views
	vc.mu.Lock()
	e := vc.m[key]
	if e == nil {
		e = &viewEntry{}
		vc.m[key] = e
	}
	vc.mu.Unlock()
	e.once.Do(func() {
		if i == snap.setIndex {
			v := *snap
			e.view = &v
		} else {
			e.view, e.err = s.buildView(ctx, snap, i)
		}
		if e.err == nil {
			e.view.chosen = chosen
		}
	})
	if e.err != nil {
		vc.mu.Lock()
		if vc.m[key] == e {
			delete(vc.m, key)
		}
		vc.mu.Unlock()
		return nil, e.err
	}
	return e.view, nil
}

// viewCache holds a snapshot's figures on other sets, by index and how
// the set was chosen (2·index, +1 for a request).
type viewCache struct {
	mu sync.Mutex
	m  map[int]*viewEntry
}

func newViewCache() *viewCache { return &viewCache{m: map[int]*viewEntry{}} }

type viewEntry struct {
	once sync.Once
	view *Snapshot
	err  error
}

// buildView computes the snapshot's figures on set i.
func (s *Service) buildView(ctx context.Context, snap *Snapshot, i int) (*Snapshot, error) {
	units, err := s.unitsOf(ctx, snap.sets, i)
	if err != nil {
		return nil, err
	}
	v := &Snapshot{inputsVersion: snap.inputsVersion, ComputedAt: snap.ComputedAt, Day: snap.Day, calc: snap.calc,
		auditUpto: snap.auditUpto, people: &peopleMaps{}, provinces: &provinceList{}, views: snap.views}
	v.setUnits(snap.sets, i, units)
	v.communesVersion = fmt.Sprintf("%s;units=%d", snap.communesVersion, v.Set.ID)
	fps, decls, err := s.store.InForce(ctx, snap.Day)
	if err != nil {
		return nil, err
	}
	if decls, v.carried, err = s.carry(ctx, v, decls); err != nil {
		return nil, err
	}
	if v.Result, v.base, err = v.Surface.ComputeBase(fps, decls, v.calc); err != nil {
		return nil, err
	}
	p := &planning{version: snap.plan.version, remoteSet: snap.plan.remoteSet, published: snap.plan.published,
		results: &resultCache{entries: map[string]*cachedResult{}}}
	p.scope = scopeOf(v.Communes, p.remoteSet.Codes)
	// Every history date's figures on the view's units; the last date's
	// are today's.
	n := len(snap.plan.history)
	p.history = make([]dayFigures, n)
	p.units = make([]string, n)
	for k, d := range snap.plan.history {
		p.units[k] = v.Set.Name
		p.history[k] = dayFigures{asOf: d.asOf, key: d.key, in: d.in}
	}
	if n > 0 {
		figs, err := s.figuresOnSet(ctx, v, p.history[:n-1])
		if err != nil {
			return nil, err
		}
		for k, f := range figs {
			p.history[k].layers = f
		}
		p.history[n-1].layers = allFigures(v.Result)
	}
	for _, tr := range snap.plan.targets {
		t := targetTrack{target: tr.target, values: make([]geo.TargetValue, len(p.history))}
		for k, d := range p.history {
			t.values[k] = tr.target.Evaluate(d.layers[tr.target.Layer], p.scope)
		}
		p.targets = append(p.targets, t)
	}
	v.plan = p
	return v, nil
}

// Lineage is where a unit's people were counted in the set before its
// own, and where they are counted in the set after.
type Lineage struct {
	Formed *LineageStep `json:"formed,omitempty"`
	Became *LineageStep `json:"became,omitempty"`
}

// LineageStep is one change of sets seen from a unit: on the day the later
// set took effect, the units of the other set sharing its people.
type LineageStep struct {
	On    string        `json:"on"`  // the day the later set took effect
	Set   string        `json:"set"` // the other set's name
	Units []LineageUnit `json:"units"`
	// Others counts the people shared with units left out of Units: less
	// than lineageMinShare of either unit (boundaries drawn from different
	// sources overlap a little).
	Others int64 `json:"others"`
}

// LineageUnit is a unit of the other set and the people it shares.
type LineageUnit struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	People int64  `json:"people"`
	// ShareOfOld is the part of the earlier unit's people; ShareOfNew the
	// part of the later unit's.
	ShareOfOld float64 `json:"share_of_old"`
	ShareOfNew float64 `json:"share_of_new"`
}

// lineageMinShare is the smallest part of either unit a lineage names.
const lineageMinShare = 0.05

// Lineage returns what unit i of the snapshot's set was formed from in the
// set before and what it became in the set after, by the people of the one
// population surface they share.
func (s *Service) Lineage(ctx context.Context, snap *Snapshot, i int) (Lineage, error) {
	var out Lineage
	us, at := snap.sets, snap.setIndex
	me := snap.units
	step := func(other int, later bool) (*LineageStep, error) {
		ou, err := s.unitsOf(ctx, us, other)
		if err != nil {
			return nil, err
		}
		parts := us.overlap(me, ou, at, other)[i]
		st := &LineageStep{Set: us.sets[other].Name, Units: []LineageUnit{}}
		if later {
			st.On = us.sets[other].ValidFrom
		} else {
			st.On = us.sets[at].ValidFrom
		}
		mine := float64(me.Communes[i].Population)
		for _, p := range parts {
			theirs := float64(ou.Communes[p.Unit].Population)
			ofMe, ofThem := float64(p.People)/max(mine, 1), float64(p.People)/max(theirs, 1)
			if ofMe < lineageMinShare && ofThem < lineageMinShare {
				st.Others += p.People
				continue
			}
			lu := LineageUnit{Code: ou.Communes[p.Unit].Code, Name: ou.Communes[p.Unit].Name, People: p.People,
				ShareOfOld: round3(ofThem), ShareOfNew: round3(ofMe)}
			if later {
				lu.ShareOfOld, lu.ShareOfNew = round3(ofMe), round3(ofThem)
			}
			st.Units = append(st.Units, lu)
		}
		return st, nil
	}
	var err error
	if at > 0 {
		if out.Formed, err = step(at-1, false); err != nil {
			return out, err
		}
	}
	if at+1 < len(us.sets) {
		if out.Became, err = step(at+1, true); err != nil {
			return out, err
		}
	}
	return out, nil
}

func round3(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }

// overlap is People.Overlap of sets a and b (indices ia, ib), computed once.
func (us *unitSets) overlap(a, b *geo.Units, ia, ib int) [][]geo.Part {
	us.mu.Lock()
	defer us.mu.Unlock()
	if us.overlaps == nil {
		us.overlaps = map[[2]int][][]geo.Part{}
	}
	k := [2]int{ia, ib}
	if o, ok := us.overlaps[k]; ok {
		return o
	}
	o := us.people.Overlap(a, b)
	us.overlaps[k] = o
	return o
}

// PeopleOn is the people set i (an index of UnitSets) counts: the surface's
// people within its territory, plus the own figures of its units that lie
// outside the surface's.
func (s *Service) PeopleOn(ctx context.Context, snap *Snapshot, i int) (int, error) {
	units, err := s.unitsOf(ctx, snap.sets, i)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range units.Communes {
		n += c.Population
	}
	return n, nil
}
