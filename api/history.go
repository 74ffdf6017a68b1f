package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/seed"
)

// planning is what a snapshot knows beyond today's figures: the figures on
// every date a filing took effect, the remote communes and the targets with
// their values on those dates. Like the snapshot, it is never modified once
// published, except for its cache of full results, which locks.
type planning struct {
	version   string                                   // the store's PlanningVersion it was built from
	units     []string                                 // by history date, the unit set its commune counts are on
	history   []dayFigures                             // every date a filing took effect, up to the snapshot's day, in order
	scope     geo.Scope                                // by commune, in the snapshot's order: remote, and its province
	remoteSet data.RemoteSet                           // the codes and the source of the set
	targets   []targetTrack                            // every target, retired ones included, by id
	published map[int64]map[string]data.PublishedValue // target values as first published, by id and date
	results   *resultCache                             // full results of earlier dates, computed on demand

	todayOnce   sync.Once
	todayValues []geo.TargetValue // by target, on the snapshot's figures; see today
}

// today returns target i's value on the snapshot's own figures, evaluated
// once per planning: every what-if compares with it, and evaluating a
// target ranks every commune.
func (p *planning) today(snap *Snapshot, i int) geo.TargetValue {
	p.todayOnce.Do(func() {
		p.todayValues = make([]geo.TargetValue, len(p.targets))
		for k, tr := range p.targets {
			p.todayValues[k] = tr.target.Evaluate(snap.Result.Layer(tr.target.Layer).Breakdown(geo.KindAll).Communes, p.scope)
		}
	})
	return p.todayValues[i]
}

// dayFigures is every layer's per-commune figures (all providers together)
// as they stood on a date, in the snapshot's commune order.
type dayFigures struct {
	asOf   string
	key    string           // what they were computed from; equal keys, equal figures
	in     data.InForceDate // the filings in force from asOf, to read them again (figuresOnSet)
	layers map[geo.Layer][]geo.CommuneFigure
}

// targetTrack is a target with its value on every history date.
type targetTrack struct {
	target geo.Target
	values []geo.TargetValue // one per planning.history
}

func today() string { return time.Now().UTC().Format(time.DateOnly) }

// allFigures returns the per-commune figures of every layer, all providers
// together.
func allFigures(res *geo.Result) map[geo.Layer][]geo.CommuneFigure {
	out := make(map[geo.Layer][]geo.CommuneFigure, len(res.Layers))
	for _, lr := range res.Layers {
		out[lr.Layer] = lr.Breakdown(geo.KindAll).Communes
	}
	return out
}

// Stale reports whether the store has changed since the current snapshot,
// or the day has, so that filings dated today come into force.
//
// Stale is exported for the watcher of another host.
func (s *Service) Stale(ctx context.Context) (bool, error) {
	snap, err := s.Current()
	if err != nil {
		return true, nil
	}
	inputs, err := s.store.InputsVersion(ctx)
	if err != nil {
		return false, err
	}
	plan, err := s.store.PlanningVersion(ctx)
	if err != nil {
		return false, err
	}
	return snap.inputsVersion != inputs || snap.plan.version != plan || snap.Day != today(), nil
}

// buildPlanning reads the remote communes, brings the dated history up to
// date with next's figures, evaluates every target on every date and
// stores the target values. prev, the snapshot next replaces, may be nil.
// version is the store's PlanningVersion read before targets, so that a
// change made while reading is seen again.
func (s *Service) buildPlanning(ctx context.Context, next, prev *Snapshot, version string, targets []geo.Target) (*planning, error) {
	p := &planning{version: version}
	var err error
	if p.remoteSet, err = s.store.Remote(ctx); err != nil {
		return nil, err
	}
	p.scope = scopeOf(next.Communes, p.remoteSet.Codes)
	if prev != nil && prev.plan != nil && prev.Result == next.Result {
		p.history, p.results = prev.plan.history, prev.plan.results
	} else {
		if p.history, err = s.history(ctx, next, prev); err != nil {
			return nil, err
		}
		p.results = &resultCache{entries: map[string]*cachedResult{}}
	}
	inForce, err := s.inForceFigures(ctx, next, p)
	if err != nil {
		return nil, err
	}
	var rows []data.TargetSnapshot
	for _, t := range targets {
		tr := targetTrack{target: t, values: make([]geo.TargetValue, len(p.history))}
		for i, d := range p.history {
			if f := inForce[i]; f != nil && t.Measure == geo.MeasureCommunes {
				// Communes are counted on the units of the day.
				tr.values[i] = t.Evaluate(f.layers[t.Layer], f.scope)
			} else {
				tr.values[i] = t.Evaluate(d.layers[t.Layer], p.scope)
			}
			rows = append(rows, data.TargetSnapshot{TargetID: t.ID, AsOf: d.asOf, Value: tr.values[i]})
		}
		p.targets = append(p.targets, tr)
	}
	if err := s.store.SaveTargetSnapshots(ctx, rows); err != nil {
		return nil, err
	}
	if p.published, err = s.store.PublishedTargetValues(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

func sortedContains(sorted []string, v string) bool {
	i := sort.SearchStrings(sorted, v)
	return i < len(sorted) && sorted[i] == v
}

// history returns the figures on every date up to next.Day on which a
// filing took effect. A date whose inputs key is unchanged keeps its
// figures (from prev, or on a first recompute from the store); the latest
// date takes next's, since what is in force from it is in force today; the
// others are computed. Fresh figures are stored, and dates no longer in
// the history are deleted.
func (s *Service) history(ctx context.Context, next, prev *Snapshot) ([]dayFigures, error) {
	dates, err := s.store.InForceDates(ctx, next.Day)
	if err != nil {
		return nil, err
	}
	method, err := json.Marshal(next.Result.Method)
	if err != nil {
		return nil, err
	}
	have := map[string]dayFigures{}
	if prev != nil && prev.plan != nil {
		for _, d := range prev.plan.history {
			have[d.asOf] = d
		}
	} else {
		stored, err := s.store.Snapshots(ctx)
		if err != nil {
			return nil, err
		}
		for _, d := range stored {
			if layers, ok := alignFigures(d.Layers, next.Communes); ok {
				have[d.AsOf] = dayFigures{asOf: d.AsOf, key: d.InputsKey, layers: layers}
			}
		}
	}
	out := make([]dayFigures, len(dates))
	keep := make([]string, len(dates))
	var compute []int
	var fresh []data.DatedFigures
	for i, d := range dates {
		h := sha256.Sum256([]byte(historyKeyVersion + "\x00" + next.communesVersion + "\x00" + string(method) + "\x00" + d.Key))
		key := hex.EncodeToString(h[:])
		keep[i] = d.AsOf
		old, stored := have[d.AsOf]
		if i == len(dates)-1 {
			// What is in force from the latest date is in force today: its
			// figures are the snapshot's own, read in the same consistent
			// window (Recompute checks it), stored again when they differ.
			out[i] = dayFigures{asOf: d.AsOf, key: key, in: d, layers: allFigures(next.Result)}
			if !stored || old.key != key || !reflect.DeepEqual(old.layers, out[i].layers) {
				fresh = append(fresh, data.DatedFigures{AsOf: d.AsOf, InputsKey: key, Layers: out[i].layers})
			}
			continue
		}
		if stored && old.key == key {
			old.in = d
			out[i] = old
			continue
		}
		out[i] = dayFigures{asOf: d.AsOf, key: key, in: d}
		compute = append(compute, i)
	}
	if len(compute) > 0 {
		sub := make([]data.InForceDate, len(compute))
		for j, i := range compute {
			sub[j] = out[i].in
		}
		inputs, err := s.store.LoadInForce(ctx, sub)
		if err != nil {
			return nil, err
		}
		for j, i := range compute {
			res, err := s.compute(ctx, next, inputs[j].Footprints, inputs[j].Declarations)
			if err != nil {
				return nil, err
			}
			out[i].layers = allFigures(res)
			fresh = append(fresh, data.DatedFigures{AsOf: out[i].asOf, InputsKey: out[i].key, Layers: out[i].layers})
		}
	}
	// Every read of this recompute is done: if a write was committed since
	// the first, the dates, their keys and the figures may not belong
	// together, and none of them is stored.
	if v, err := s.store.InputsVersion(ctx); err != nil {
		return nil, err
	} else if v != next.inputsVersion {
		return nil, errInputsMoved
	}
	if err := s.store.SaveSnapshots(ctx, keep, fresh); err != nil {
		return nil, err
	}
	return out, nil
}

// historyKeyVersion is part of every history key. It changes when the
// figures stored under a key could be wrong: version 2 came with the
// consistent recompute, so figures that earlier versions stored under a
// key that did not describe them are recomputed once.
const historyKeyVersion = "2"

// errInputsMoved says a write was committed while a recompute read the
// store, so what it read may be inconsistent; Recompute starts again.
var errInputsMoved = errors.New("the filings changed while the figures were read")

// alignFigures puts stored figures (in code order) in the order of the
// communes; ok is false when they are not for exactly these communes.
func alignFigures(stored map[geo.Layer][]geo.CommuneFigure, communes []geo.Commune) (map[geo.Layer][]geo.CommuneFigure, bool) {
	out := make(map[geo.Layer][]geo.CommuneFigure, len(geo.Layers))
	for _, l := range geo.Layers {
		figs := stored[l]
		if len(figs) != len(communes) {
			return nil, false
		}
		byCode := make(map[string]geo.CommuneFigure, len(figs))
		for _, f := range figs {
			byCode[f.Code] = f
		}
		aligned := make([]geo.CommuneFigure, len(communes))
		for i, c := range communes {
			f, ok := byCode[c.Code]
			if !ok {
				return nil, false
			}
			aligned[i] = f
		}
		out[l] = aligned
	}
	return out, true
}

// at returns the index of the last history date on or before asOf (every
// date when asOf is ""), or -1 when no filing had taken effect by then.
func (p *planning) at(asOf string) int {
	if asOf == "" {
		return len(p.history) - 1
	}
	return sort.Search(len(p.history), func(i int) bool { return p.history[i].asOf > asOf }) - 1
}

// FiguresAt returns every layer's per-commune figures as they stood on
// asOf ("" for now) and the date of the data they describe ("" before any
// filing, when nobody was covered).
func (snap *Snapshot) FiguresAt(asOf string) (map[geo.Layer][]geo.CommuneFigure, string) {
	if i := snap.plan.at(asOf); i >= 0 {
		return snap.plan.history[i].layers, snap.plan.history[i].asOf
	}
	zero := allFigures(snap.Result)
	for l, figs := range zero {
		z := make([]geo.CommuneFigure, len(figs))
		for i, f := range figs {
			z[i] = geo.CommuneFigure{Code: f.Code, Population: f.Population, Status: geo.StatusNone}
		}
		zero[l] = z
	}
	return zero, ""
}

// maxCachedResults bounds the full results of earlier dates kept per
// snapshot: each holds every breakdown of every commune.
const maxCachedResults = 8

// resultCache holds full results of earlier dates, each computed once by
// the first request that needs it.
type resultCache struct {
	mu      sync.Mutex
	entries map[string]*cachedResult
	order   []string // oldest first
}

type cachedResult struct {
	done     chan struct{}
	res      *geo.Result
	dataAsOf string // the date of the data res describes
	err      error
}

// get returns the result under day (a date, or "asOf@knownAt") and the
// date of its data, computing them once.
func (rc *resultCache) get(day string, compute func() (*geo.Result, string, error)) (*geo.Result, string, error) {
	rc.mu.Lock()
	if e, ok := rc.entries[day]; ok {
		rc.mu.Unlock()
		<-e.done
		return e.res, e.dataAsOf, e.err
	}
	e := &cachedResult{done: make(chan struct{})}
	rc.entries[day] = e
	rc.order = append(rc.order, day)
	if len(rc.order) > maxCachedResults {
		delete(rc.entries, rc.order[0])
		rc.order = rc.order[1:]
	}
	rc.mu.Unlock()
	e.res, e.dataAsOf, e.err = compute()
	close(e.done)
	if e.err != nil { // a failure (a cancelled request) is not remembered
		rc.mu.Lock()
		if rc.entries[day] == e {
			delete(rc.entries, day)
		}
		rc.mu.Unlock()
	}
	return e.res, e.dataAsOf, e.err
}

// ResultAt returns the full result (every breakdown) as things stood on
// asOf ("" for now) and the date of the data it describes. Earlier dates
// are computed from the filings then in force on today's surface, once per
// date, and cached.
func (s *Service) ResultAt(ctx context.Context, snap *Snapshot, asOf string) (*geo.Result, string, error) {
	i := snap.plan.at(asOf)
	if i == len(snap.plan.history)-1 {
		_, day := snap.FiguresAt("")
		return snap.Result, day, nil
	}
	day := ""
	if i >= 0 {
		day = snap.plan.history[i].asOf
	}
	return snap.plan.results.get(day, func() (*geo.Result, string, error) {
		if day == "" {
			res, err := snap.Surface.Compute(nil, nil, snap.calc)
			return res, day, err
		}
		fps, decls, err := s.store.InForce(ctx, day)
		if err != nil {
			return nil, "", err
		}
		res, err := s.compute(ctx, snap, fps, decls)
		return res, day, err
	})
}

// Keeps returns a commune filter by index for f within province (a GSO
// code; "" every province), or nil for every commune.
func (snap *Snapshot) Keeps(f geo.Filter, province string) func(i int) bool {
	if f == geo.FilterAll && province == "" {
		return nil
	}
	sc := snap.plan.scope
	return func(i int) bool { return f.Keeps(sc.Remote[i]) && (province == "" || sc.Province[i] == province) }
}

// Provinces returns the provinces of the snapshot's units, by GSO code,
// in order of code: one for a provincial store, every one for a national.
// They are made once per snapshot (every ?province= request asks for them,
// and their extents read every commune's boundary); callers do not modify
// the slice.
func (snap *Snapshot) Provinces() []Province {
	if snap.provinces == nil {
		return provincesOf(snap.Communes)
	}
	snap.provinces.once.Do(func() { snap.provinces.list = provincesOf(snap.Communes) })
	return snap.provinces.list
}

// provinceList holds a snapshot's provinces, made on first use.
type provinceList struct {
	once sync.Once
	list []Province
}

func provincesOf(communes []geo.Commune) []Province {
	byCode := map[string]*Province{}
	for _, c := range communes {
		if c.ProvinceCode == "" {
			continue
		}
		b := c.Geometry.Bound()
		p := byCode[c.ProvinceCode]
		if p == nil {
			p = &Province{Code: c.ProvinceCode, Name: c.Province, BBox: [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}}
			byCode[c.ProvinceCode] = p
		}
		p.Communes++
		p.People += c.Population
		p.BBox = [4]float64{min(p.BBox[0], b.Min[0]), min(p.BBox[1], b.Min[1]), max(p.BBox[2], b.Max[0]), max(p.BBox[3], b.Max[1])}
	}
	out := make([]Province, 0, len(byCode))
	for _, p := range byCode {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Province is a territory of the store: a province with its units.
type Province struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Communes int    `json:"communes"`
	People   int    `json:"people"`
	// BBox is the units' extent: west, south, east, north (degrees).
	BBox [4]float64 `json:"bbox"`
}

// RemoteSet describes the set of remote communes: how many, where the set
// comes from and, for the default approximation, a note saying so.
type RemoteSet struct {
	Communes int    `json:"communes"`
	Source   string `json:"source"`
	Note     string `json:"note,omitempty"`
}

// RemoteSet describes the snapshot's remote communes.
func (snap *Snapshot) RemoteSet() RemoteSet {
	rs := snap.plan.remoteSet
	out := RemoteSet{Communes: len(rs.Codes), Source: rs.Source}
	if rs.Source == seed.RemoteApproximate {
		out.Note = seed.RemoteNote
	}
	return out
}

// Remote returns whether each commune is remote, in the snapshot's order.
// The slice is shared: it must not be changed.
func (snap *Snapshot) Remote() []bool { return snap.plan.scope.Remote }

// Scope returns what targets read of each commune of the snapshot:
// whether it is remote, and its province.
func (snap *Snapshot) Scope() geo.Scope { return snap.plan.scope }

// CheckAsOf checks a date YYYY-MM-DD for figures "as of": a date after the
// snapshot's day is refused, since what is filed for the future is not in
// force. "" (now) is accepted. Errors wrap data.ErrInvalid.
func (snap *Snapshot) CheckAsOf(v string) error {
	if v == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return Invalidf("as_of %s: want a date YYYY-MM-DD", quote(v))
	}
	return snap.CheckDay("as_of", v)
}

// CheckDay refuses a day (YYYY-MM-DD) after the snapshot's day, naming
// param, the parameter that gave it ("as_of", OGC's "datetime"): what is
// filed for the future is not in force, so no figures of a later day
// exist. Every way of asking for figures (the REST API, OGC API – Features,
// the exports, the command line) answers with these words. The error wraps
// data.ErrInvalid.
func (snap *Snapshot) CheckDay(param, day string) error {
	if day > snap.Day {
		return Invalidf("%s %s is after today (%s): figures are known up to today", param, day, snap.Day)
	}
	return nil
}

// setFigures is every layer's figures on the units of one set, with the
// set's remote communes.
type setFigures struct {
	layers map[geo.Layer][]geo.CommuneFigure
	scope  geo.Scope
}

// scopeOf is what targets read of communes: whether each is remote (its
// code among remote, sorted) and its province.
func scopeOf(communes []geo.Commune, remote []string) geo.Scope {
	sc := geo.Scope{Remote: make([]bool, len(communes)), Province: make([]string, len(communes))}
	for i, c := range communes {
		sc.Remote[i] = sortedContains(remote, c.Code)
		sc.Province[i] = c.ProvinceCode
	}
	return sc
}

// inForceFigures computes, for each history date on which another unit
// set than next's was in force, the figures on that set's units, so that a
// commune-count target counts the communes of the day; nil for the other
// dates. It fills p.units, the name of the set each date counts on.
func (s *Service) inForceFigures(ctx context.Context, next *Snapshot, p *planning) ([]*setFigures, error) {
	out := make([]*setFigures, len(p.history))
	p.units = make([]string, len(p.history))
	us := next.sets
	// The dates counted on another set than next's, by set.
	bySet := map[int][]int{}
	var order []int
	for i, d := range p.history {
		k := next.setIndex
		if next.SetChosen() == "date" {
			k = data.SetOn(us.sets, d.asOf)
		}
		p.units[i] = us.sets[k].Name
		if k == next.setIndex {
			continue
		}
		if bySet[k] == nil {
			order = append(order, k)
		}
		bySet[k] = append(bySet[k], i)
	}
	for _, k := range order {
		units, err := s.unitsOf(ctx, us, k)
		if err != nil {
			return nil, err
		}
		on := &Snapshot{calc: next.calc}
		on.setUnits(us, k, units)
		dates := make([]dayFigures, len(bySet[k]))
		for j, i := range bySet[k] {
			dates[j] = p.history[i]
		}
		figs, err := s.figuresOnSet(ctx, on, dates)
		if err != nil {
			return nil, err
		}
		sc := scopeOf(units.Communes, p.remoteSet.Codes)
		for j, i := range bySet[k] {
			out[i] = &setFigures{layers: figs[j], scope: sc}
		}
	}
	return out, nil
}

// figuresOnSet returns each layer's figures of the history dates on the
// units of on's set: those the unit sets keep (a date's key names its
// inputs, the communes' version and the method; they live as long as the
// communes do), or computed now and kept.
func (s *Service) figuresOnSet(ctx context.Context, on *Snapshot, dates []dayFigures) ([]map[geo.Layer][]geo.CommuneFigure, error) {
	out := make([]map[geo.Layer][]geo.CommuneFigure, len(dates))
	keys := make([]string, len(dates))
	var missing []int
	var read []data.InForceDate
	for j, d := range dates {
		keys[j] = strconv.Itoa(on.setIndex) + "\x00" + d.key
		if layers, ok := on.sets.cachedFigures(keys[j]); ok {
			out[j] = layers
		} else {
			missing = append(missing, j)
			read = append(read, d.in)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	inputs, err := s.store.LoadInForce(ctx, read)
	if err != nil {
		return nil, err
	}
	for m, j := range missing {
		res, err := s.compute(ctx, on, inputs[m].Footprints, inputs[m].Declarations)
		if err != nil {
			return nil, err
		}
		out[j] = allFigures(res)
		on.sets.keepFigures(keys[j], out[j])
	}
	return out, nil
}
