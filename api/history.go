package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/seed"
)

// planning is what a snapshot knows beyond today's figures: the figures on
// every date a filing took effect, the remote communes and the targets with
// their values on those dates. Like the snapshot, it is never modified once
// published, except for its cache of full results, which locks.
type planning struct {
	version   string         // the store's PlanningVersion it was built from
	history   []dayFigures   // every date a filing took effect, up to the snapshot's day, in order
	remote    []bool         // by commune, in the snapshot's order
	remoteSet data.RemoteSet // the codes and the source of the set
	targets   []targetTrack  // every target, retired ones included, by id
	results   *resultCache   // full results of earlier dates, computed on demand
}

// dayFigures is every layer's per-commune figures (all providers together)
// as they stood on a date, in the snapshot's commune order.
type dayFigures struct {
	asOf   string
	key    string // what they were computed from; equal keys, equal figures
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

// stale reports whether the store has changed since the current snapshot,
// or the day has, so that filings dated today come into force.
func (s *Server) stale(ctx context.Context) (bool, error) {
	snap, err := s.cov.current()
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
	return snap.inputsVersion != inputs || snap.plan.version != plan || snap.day != today(), nil
}

// buildPlanning reads the targets and remote communes, brings the dated
// history up to date with next's figures, evaluates every target on every
// date and stores the target values. prev, the snapshot next replaces, may
// be nil.
func (s *Server) buildPlanning(ctx context.Context, next, prev *snapshot) (*planning, error) {
	p := &planning{}
	var err error
	// The version first: a change made while reading is then seen again.
	if p.version, err = s.store.PlanningVersion(ctx); err != nil {
		return nil, err
	}
	if p.remoteSet, err = s.store.Remote(ctx); err != nil {
		return nil, err
	}
	p.remote = make([]bool, len(next.communes))
	for i, c := range next.communes {
		p.remote[i] = sortedContains(p.remoteSet.Codes, c.Code)
	}
	targets, err := s.store.Targets(ctx)
	if err != nil {
		return nil, err
	}
	if prev != nil && prev.plan != nil && prev.result == next.result {
		p.history, p.results = prev.plan.history, prev.plan.results
	} else {
		if p.history, err = s.history(ctx, next, prev); err != nil {
			return nil, err
		}
		p.results = &resultCache{entries: map[string]*cachedResult{}}
	}
	var rows []data.TargetSnapshot
	for _, t := range targets {
		tr := targetTrack{target: t, values: make([]geo.TargetValue, len(p.history))}
		for i, d := range p.history {
			tr.values[i] = t.Evaluate(d.layers[t.Layer], p.remote)
			rows = append(rows, data.TargetSnapshot{TargetID: t.ID, AsOf: d.asOf, Value: tr.values[i]})
		}
		p.targets = append(p.targets, tr)
	}
	if err := s.store.SaveTargetSnapshots(ctx, rows); err != nil {
		return nil, err
	}
	return p, nil
}

func sortedContains(sorted []string, v string) bool {
	i := sort.SearchStrings(sorted, v)
	return i < len(sorted) && sorted[i] == v
}

// history returns the figures on every date up to next.day on which a
// filing took effect. A date whose inputs key is unchanged keeps its
// figures (from prev, or on a first recompute from the store); the latest
// date takes next's, since what is in force from it is in force today; the
// others are computed. Fresh figures are stored, and dates no longer in
// the history are deleted.
func (s *Server) history(ctx context.Context, next, prev *snapshot) ([]dayFigures, error) {
	dates, err := s.store.InForceDates(ctx, next.day)
	if err != nil {
		return nil, err
	}
	method, err := json.Marshal(next.result.Method)
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
			if layers, ok := alignFigures(d.Layers, next.communes); ok {
				have[d.AsOf] = dayFigures{asOf: d.AsOf, key: d.InputsKey, layers: layers}
			}
		}
	}
	out := make([]dayFigures, len(dates))
	keep := make([]string, len(dates))
	var compute []int
	var fresh []data.DatedFigures
	for i, d := range dates {
		h := sha256.Sum256([]byte(next.communesVersion + "\x00" + string(method) + "\x00" + d.Key))
		key := hex.EncodeToString(h[:])
		keep[i] = d.AsOf
		if old, ok := have[d.AsOf]; ok && old.key == key {
			out[i] = old
			continue
		}
		out[i] = dayFigures{asOf: d.AsOf, key: key}
		if i == len(dates)-1 {
			out[i].layers = allFigures(next.result)
			fresh = append(fresh, data.DatedFigures{AsOf: d.AsOf, InputsKey: key, Layers: out[i].layers})
			continue
		}
		compute = append(compute, i)
	}
	if len(compute) > 0 {
		sub := make([]data.InForceDate, len(compute))
		for j, i := range compute {
			sub[j] = dates[i]
		}
		inputs, err := s.store.LoadInForce(ctx, sub)
		if err != nil {
			return nil, err
		}
		for j, i := range compute {
			res, err := next.surface.Compute(inputs[j].Footprints, inputs[j].Declarations, s.cfg.Calc)
			if err != nil {
				return nil, err
			}
			out[i].layers = allFigures(res)
			fresh = append(fresh, data.DatedFigures{AsOf: out[i].asOf, InputsKey: out[i].key, Layers: out[i].layers})
		}
	}
	if err := s.store.SaveSnapshots(ctx, keep, fresh); err != nil {
		return nil, err
	}
	return out, nil
}

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

// figuresAt returns every layer's per-commune figures as they stood on
// asOf ("" for now) and the date of the data they describe ("" before any
// filing, when nobody was covered).
func (snap *snapshot) figuresAt(asOf string) (map[geo.Layer][]geo.CommuneFigure, string) {
	if i := snap.plan.at(asOf); i >= 0 {
		return snap.plan.history[i].layers, snap.plan.history[i].asOf
	}
	zero := allFigures(snap.result)
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
	done chan struct{}
	res  *geo.Result
	err  error
}

func (rc *resultCache) get(day string, compute func() (*geo.Result, error)) (*geo.Result, error) {
	rc.mu.Lock()
	if e, ok := rc.entries[day]; ok {
		rc.mu.Unlock()
		<-e.done
		return e.res, e.err
	}
	e := &cachedResult{done: make(chan struct{})}
	rc.entries[day] = e
	rc.order = append(rc.order, day)
	if len(rc.order) > maxCachedResults {
		delete(rc.entries, rc.order[0])
		rc.order = rc.order[1:]
	}
	rc.mu.Unlock()
	e.res, e.err = compute()
	close(e.done)
	if e.err != nil { // a failure (a cancelled request) is not remembered
		rc.mu.Lock()
		if rc.entries[day] == e {
			delete(rc.entries, day)
		}
		rc.mu.Unlock()
	}
	return e.res, e.err
}

// resultAt returns the full result (every breakdown) as things stood on
// asOf ("" for now) and the date of the data it describes. Earlier dates
// are computed from the filings then in force on today's surface, once per
// date, and cached.
func (s *Server) resultAt(ctx context.Context, snap *snapshot, asOf string) (*geo.Result, string, error) {
	i := snap.plan.at(asOf)
	if i == len(snap.plan.history)-1 {
		_, day := snap.figuresAt("")
		return snap.result, day, nil
	}
	day := ""
	if i >= 0 {
		day = snap.plan.history[i].asOf
	}
	res, err := snap.plan.results.get(day, func() (*geo.Result, error) {
		if day == "" {
			return snap.surface.Compute(nil, nil, s.cfg.Calc)
		}
		fps, decls, err := s.store.InForce(ctx, day)
		if err != nil {
			return nil, err
		}
		return snap.surface.Compute(fps, decls, s.cfg.Calc)
	})
	return res, day, err
}

// currentAsOf returns the current snapshot and the date of ?as_of ("" for
// now). When ok is false it has answered the problem itself.
func (s *Server) currentAsOf(c *gin.Context) (snap *snapshot, asOf string, ok bool) {
	snap, err := s.cov.current()
	if err != nil {
		s.fail(c, err)
		return nil, "", false
	}
	asOf, ok = asOfParam(c, snap)
	return snap, asOf, ok
}

// asOfParam reads ?as_of=YYYY-MM-DD; "" means now. A date after the
// snapshot's day is refused: what is filed for the future is not in force.
// It answers 400 itself when the date is bad.
func asOfParam(c *gin.Context, snap *snapshot) (string, bool) {
	v := c.Query("as_of")
	if v == "" {
		return "", true
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		writeProblem(c, http.StatusBadRequest, "as_of "+quote(v)+": want a date YYYY-MM-DD")
		return "", false
	}
	if v > snap.day {
		writeProblem(c, http.StatusBadRequest, "as_of "+v+" is after today ("+snap.day+"): figures are known up to today")
		return "", false
	}
	return v, true
}

// remoteParam reads ?remote=true|false as a filter on communes; absent,
// every commune. It answers 400 itself when the value is bad.
func remoteParam(c *gin.Context) (geo.Filter, bool) {
	switch v := c.Query("remote"); v {
	case "":
		return geo.FilterAll, true
	case "true":
		return geo.FilterRemote, true
	case "false":
		return geo.FilterNotRemote, true
	default:
		writeProblem(c, http.StatusBadRequest, "remote "+quote(v)+": want true or false")
		return "", false
	}
}

// keeps returns a commune filter by index for f, or nil for every commune.
func (p *planning) keeps(f geo.Filter) func(i int) bool {
	if f == geo.FilterAll {
		return nil
	}
	return func(i int) bool { return f.Keeps(p.remote[i]) }
}

// remoteInfo describes the remote set, with the note that it is an
// approximation when it is the default one.
func (p *planning) remoteInfo() gin.H {
	out := gin.H{"communes": len(p.remoteSet.Codes), "source": p.remoteSet.Source}
	if p.remoteSet.Source == seed.RemoteApproximate {
		out["note"] = seed.RemoteNote
	}
	return out
}

// withDate adds to an answer the date it was asked for, the date of the
// data it describes and the remote filter, when they are not the defaults.
func withDate(out gin.H, asOf, dataAsOf string, filter geo.Filter, snap *snapshot) gin.H {
	out["data_as_of"] = dataAsOf
	if asOf != "" {
		out["as_of"] = asOf
	}
	if filter != geo.FilterAll {
		out["remote"] = filter == geo.FilterRemote
		out["remote_set"] = snap.plan.remoteInfo()
	}
	return out
}
