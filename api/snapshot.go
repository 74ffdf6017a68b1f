package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// Snapshot is one consistent set of figures: the communes, the surface they
// were spread on, the calculator's result and the planning state built on
// them. It is never modified once published, so readers use it without
// locks; its fields must not be changed.
type Snapshot struct {
	inputsVersion   string
	communesVersion string
	// Communes are the communes of the figures, in the order of every
	// per-commune slice of Result.
	Communes []geo.Commune
	// Codes are the communes' codes, for validating declarations.
	Codes map[string]bool
	// Extent is the communes' bounding box (EPSG:4326), for validating
	// footprints.
	Extent orb.Bound
	// Surface is the population surface the figures were computed on.
	Surface *geo.Surface
	// Grid describes the population grid that shaped Surface; nil when
	// communes are spread evenly.
	Grid *data.PopulationGridInfo
	// Result is every layer's figures with the filings in force on Day.
	Result *geo.Result
	// ComputedAt is when Result was computed, RFC 3339 UTC.
	ComputedAt string
	// Day is the UTC date that was today (YYYY-MM-DD): filings dated later
	// are not in force.
	Day       string
	base      *geo.Base   // the coverage in force, kept for what-ifs
	calc      geo.Options // the calculator's options, reached thresholds included
	auditUpto int64       // the newest audit entry the snapshot accounts for (the change log)
	plan      *planning   // targets, remote communes and the dated history; see history.go
	people    *peopleMaps // where people and uncovered people live, made on first use
	provinces *provinceList

	// Set is the unit set of Communes: the set in force on Day, or for a
	// view (Service.View) the set asked for.
	Set      data.UnitSet
	sets     *unitSets
	setIndex int
	units    *geo.Units
	carried  []bool     // by commune: a declaration of another set shaped Result
	chosen   string     // how Set was chosen; see SetChosen
	views    *viewCache // the figures on other sets
}

// Generation names what the snapshot was computed from: the store's
// versions of communes, filings, remote communes and targets, and the day.
// Two snapshots of one generation have the same figures, in this process,
// after a restart or in another instance on the same store.
func (snap *Snapshot) Generation() string {
	g := snap.inputsVersion
	if snap.Set.ID != 0 {
		g += fmt.Sprintf(";units=%d", snap.Set.ID)
	}
	if snap.plan != nil {
		g += ";" + snap.plan.version
	}
	return g + ";day=" + snap.Day
}

// Options returns the calculator's options the snapshot was computed with:
// the service's, with each layer's reached threshold (reachedThresholds).
func (snap *Snapshot) Options() geo.Options { return snap.calc }

// reachedThresholds are the layers' reached thresholds: for each layer, the
// threshold of its communes target in force (the first by id), so that the
// count of communes reached shown with every figure is the target's; a
// layer without one counts at the covered threshold.
func reachedThresholds(targets []geo.Target) map[geo.Layer]float64 {
	out := map[geo.Layer]float64{}
	for _, t := range targets {
		if _, ok := out[t.Layer]; !ok && !t.Retired() && t.Measure == geo.MeasureCommunes && t.Threshold > 0 && t.Threshold <= 1 {
			out[t.Layer] = t.Threshold
		}
	}
	return out
}

// CommunesVersion names the commune set the snapshot was computed on: equal
// versions, equal communes and shapes.
func (snap *Snapshot) CommunesVersion() string { return snap.communesVersion }

// coverage holds the current snapshot.
type coverage struct {
	recomputing sync.Mutex
	mu          sync.RWMutex
	snap        *Snapshot
}

// Current returns the snapshot now published, or ErrNotReady before the
// first Recompute.
func (s *Service) Current() (*Snapshot, error) {
	s.cov.mu.RLock()
	defer s.cov.mu.RUnlock()
	if s.cov.snap == nil {
		return nil, ErrNotReady
	}
	return s.cov.snap, nil
}

// Recompute reads the communes and the filings in force today, computes
// every layer's figures, stores them, brings the dated history and the
// targets' values up to date (history.go), and publishes it all. The
// population surface is rebuilt only when the communes changed, the
// figures only when the communes, the filings or the day did, and a past
// date only when what was in force on it changed.
//
// Every figure it publishes comes from one consistent read of the store:
// the filings in force today, the dates of the history with their keys and
// the filings of earlier dates are read between two reads of the store's
// inputs version, and when a write came between them the recompute starts
// again (a few times, then it fails and the watcher tries later), so that
// no endpoint, and no figure stored for a date, can disagree with another.
// Once it has published, it tells the OnPublish observers.
func (s *Service) Recompute(ctx context.Context) error {
	s.cov.recomputing.Lock()
	defer s.cov.recomputing.Unlock()
	start := time.Now()
	for attempt := 1; ; attempt++ {
		err := s.recompute(ctx)
		if err == nil {
			s.published(time.Since(start))
			return nil
		}
		if !errors.Is(err, errInputsMoved) || attempt == maxRecomputeAttempts {
			if err == nil {
				s.checked(nil)
			}
			return err
		}
	}
}

// maxRecomputeAttempts bounds the restarts of a recompute under writes.
const maxRecomputeAttempts = 5

func (s *Service) recompute(ctx context.Context) error {
	audited, err := s.store.LastAuditID(ctx)
	if err != nil {
		return err
	}
	inputs, err := s.store.InputsVersion(ctx)
	if err != nil {
		return err
	}
	version, err := s.store.CommunesVersion(ctx)
	if err != nil {
		return err
	}
	// The planning version before the targets: a change made while
	// reading is then seen again by Stale.
	planVersion, err := s.store.PlanningVersion(ctx)
	if err != nil {
		return err
	}
	targets, err := s.store.Targets(ctx)
	if err != nil {
		return err
	}
	calc := s.cfg.Calc
	calc.Reached = reachedThresholds(targets)
	prev, _ := s.Current()
	day := today()
	if prev != nil && prev.inputsVersion == inputs && prev.communesVersion == version && prev.Day == day &&
		maps.Equal(prev.calc.Reached, calc.Reached) {
		// Only targets or remote communes can have changed.
		next := *prev
		next.auditUpto, next.views = audited, newViewCache()
		if next.plan, err = s.buildPlanning(ctx, &next, prev, planVersion, targets); err != nil {
			return fmt.Errorf("targets and history: %w", err)
		}
		s.publish(ctx, prev, &next)
		return nil
	}
	next := &Snapshot{inputsVersion: inputs, communesVersion: version, Day: day, calc: calc, auditUpto: audited,
		people: &peopleMaps{}, provinces: &provinceList{}, views: newViewCache()}
	us := (*unitSets)(nil)
	if prev != nil && prev.communesVersion == version {
		us = prev.sets
	} else if us, err = s.loadUnitSets(ctx); err != nil {
		return err
	}
	at := data.SetOn(us.sets, day)
	if prev != nil && prev.communesVersion == version && prev.setIndex == at {
		next.setUnits(us, at, prev.units)
		next.Communes, next.Codes, next.Extent = prev.Communes, prev.Codes, prev.Extent
	} else {
		units, err := s.unitsOf(ctx, us, at)
		if err != nil {
			return fmt.Errorf("population surface: %w", err)
		}
		next.setUnits(us, at, units)
	}
	fps, decls, err := s.store.InForce(ctx, day)
	if err != nil {
		return err
	}
	if decls, next.carried, err = s.carry(ctx, next, decls); err != nil {
		return err
	}
	if next.Result, next.base, err = next.Surface.ComputeBase(fps, decls, calc); err != nil {
		return err
	}
	next.ComputedAt = time.Now().UTC().Format(time.RFC3339)
	if err := s.store.SaveCoverage(ctx, next.Result, next.ComputedAt, next.Set.ID); err != nil {
		return fmt.Errorf("storing coverage: %w", err)
	}
	if next.plan, err = s.buildPlanning(ctx, next, prev, planVersion, targets); err != nil {
		return fmt.Errorf("targets and history: %w", err)
	}
	s.publish(ctx, prev, next)
	return nil
}

// publish makes next the current snapshot and records in the change log
// what changed since prev (nil on the first recompute of this process).
func (s *Service) publish(ctx context.Context, prev, next *Snapshot) {
	s.cov.mu.Lock()
	s.cov.snap = next
	s.cov.mu.Unlock()
	if err := s.recordChange(ctx, prev, next); err != nil {
		// The figures are published; only their entry in the log is lost.
		s.log.ErrorContext(ctx, "recording the change of the figures", slog.Any("err", err))
	}
}

// recordChange logs, when the published figures changed, the writes that
// changed them and the province figures of every layer before and after.
// On the first recompute of a process the figures before are those of the
// last change recorded, so that writes made while the service was stopped
// (an import from the command line) are logged too.
func (s *Service) recordChange(ctx context.Context, prev, next *Snapshot) error {
	after := provinces(next.Result)
	var before map[geo.Layer]geo.Rollup
	var auditAfter int64
	switch {
	case prev != nil:
		if prev.Generation() == next.Generation() {
			return nil
		}
		before, auditAfter = provinces(prev.Result), prev.auditUpto
	default:
		last, ok, err := s.store.LastChange(ctx)
		if err != nil {
			return err
		}
		if !ok {
			// A store's first figures: nothing to compare with; the log
			// starts here.
			auditAfter = next.auditUpto
		} else {
			before, auditAfter = last.After, last.AuditUpto
		}
	}
	_, err := s.store.RecordChange(ctx, data.FigureChange{At: time.Now().UTC().Format(time.RFC3339), Generation: next.Generation(), Before: before, After: after},
		auditAfter, next.auditUpto)
	return err
}

// provinces returns the province figures of every layer, all providers
// together.
func provinces(res *geo.Result) map[geo.Layer]geo.Rollup {
	out := make(map[geo.Layer]geo.Rollup, len(res.Layers))
	for _, lr := range res.Layers {
		out[lr.Layer] = lr.Breakdown(geo.KindAll).Province
	}
	return out
}

// Changes returns the change log: each change of the published figures
// on or after since (YYYY-MM-DD; "" for all), newest first, at most limit.
func (s *Service) Changes(ctx context.Context, since string, limit int) ([]data.FigureChange, error) {
	return s.store.Changes(ctx, since, limit)
}

// Watch recomputes whenever the store's inputs, targets or remote communes
// change, or the day does, checking every interval and whenever Changed is
// called, until ctx ends, so that an import or a filing made by another
// process (the command line, another instance) reaches the figures without
// a restart.
func (s *Service) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.changed:
		}
		stale, err := s.Stale(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("checking for changed inputs", slog.Any("err", err))
				s.checked(err)
			}
			continue
		}
		if !stale {
			s.checked(nil)
			continue
		}
		start := time.Now()
		if err := s.Recompute(ctx); err != nil {
			if ctx.Err() == nil {
				s.log.Error("recompute after a change", slog.Any("err", err))
				s.checked(err)
			}
			continue
		}
		s.checked(nil)
		s.log.Info("inputs changed: coverage recomputed", slog.Duration("took", time.Since(start)))
	}
}

// Province returns the province figures of a layer, all providers
// together.
func (snap *Snapshot) Province(l geo.Layer) geo.Rollup {
	return snap.Result.Layer(l).Breakdown(geo.KindAll).Province
}

// RemoteAt says whether commune i of the snapshot is remote.
func (snap *Snapshot) RemoteAt(i int) bool {
	return snap.plan != nil && i < len(snap.plan.scope.Remote) && snap.plan.scope.Remote[i]
}
