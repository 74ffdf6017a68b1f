package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo"
)

var errNotReady = errors.New("coverage not computed yet")

// snapshot is one consistent set of figures: the communes, the surface they
// were spread on and the calculator's result. It is never modified once
// published, so handlers read it without locks.
type snapshot struct {
	inputsVersion   string
	communes        []geo.Commune
	codes           map[string]bool // the communes' codes, for validating declarations
	extent          orb.Bound       // the communes' bounding box, for validating footprints
	communesVersion string
	surface         *geo.Surface
	result          *geo.Result
	computedAt      string
	bodies          *bodyCache // responses rendered from this snapshot
	// day is the UTC date that was today: filings dated later are not in
	// force, and footprints and declarations are those in force on it (the
	// base of a what-if).
	day          string
	footprints   []geo.Footprint
	declarations []geo.Declaration
	plan         *planning // targets, remote communes and the dated history; see history.go
}

// coverage holds the current snapshot. Recomputes are serialised; readers
// take whichever snapshot is current when they start.
type coverage struct {
	recomputing sync.Mutex
	mu          sync.RWMutex
	snap        *snapshot
}

func (cv *coverage) current() (*snapshot, error) {
	cv.mu.RLock()
	defer cv.mu.RUnlock()
	if cv.snap == nil {
		return nil, errNotReady
	}
	return cv.snap, nil
}

// Recompute reads the communes and the filings in force today, computes
// every layer's figures, stores them, brings the dated history and the
// targets' values up to date (history.go), and publishes it all to the
// handlers. The population surface is rebuilt only when the communes
// changed, the figures only when the communes, the filings or the day did,
// and a past date only when what was in force on it changed.
func (s *Server) Recompute(ctx context.Context) error {
	s.cov.recomputing.Lock()
	defer s.cov.recomputing.Unlock()
	inputs, err := s.store.InputsVersion(ctx)
	if err != nil {
		return err
	}
	version, err := s.store.CommunesVersion(ctx)
	if err != nil {
		return err
	}
	prev, _ := s.cov.current()
	day := today()
	if prev != nil && prev.inputsVersion == inputs && prev.communesVersion == version && prev.day == day {
		// Only targets or remote communes can have changed.
		next := *prev
		next.bodies = &bodyCache{} // the layers carry the remote flags
		if next.plan, err = s.buildPlanning(ctx, &next, prev); err != nil {
			return fmt.Errorf("targets and history: %w", err)
		}
		s.publish(&next)
		return nil
	}
	next := &snapshot{inputsVersion: inputs, communesVersion: version, day: day, bodies: &bodyCache{}}
	if prev != nil && prev.communesVersion == version {
		next.communes, next.surface, next.codes, next.extent = prev.communes, prev.surface, prev.codes, prev.extent
	} else {
		if next.communes, err = s.store.Communes(ctx); err != nil {
			return err
		}
		next.codes = make(map[string]bool, len(next.communes))
		for i, c := range next.communes {
			next.codes[c.Code] = true
			if i == 0 {
				next.extent = c.Geometry.Bound()
			} else {
				next.extent = next.extent.Union(c.Geometry.Bound())
			}
		}
		if next.surface, err = geo.NewSurface(next.communes, geo.SurfaceOptions{CellSizeM: s.cfg.CellSizeM}); err != nil {
			return fmt.Errorf("population surface: %w", err)
		}
	}
	fps, decls, err := s.store.InForce(ctx, day)
	if err != nil {
		return err
	}
	next.footprints, next.declarations = fps, decls
	if next.result, err = next.surface.Compute(fps, decls, s.cfg.Calc); err != nil {
		return err
	}
	next.computedAt = time.Now().UTC().Format(time.RFC3339)
	if err := s.store.SaveCoverage(ctx, next.result, next.computedAt); err != nil {
		return fmt.Errorf("storing coverage: %w", err)
	}
	if next.plan, err = s.buildPlanning(ctx, next, prev); err != nil {
		return fmt.Errorf("targets and history: %w", err)
	}
	s.publish(next)
	return nil
}

func (s *Server) publish(next *snapshot) {
	s.cov.mu.Lock()
	s.cov.snap = next
	s.cov.mu.Unlock()
}

// Watch recomputes whenever the store's inputs, targets or remote communes
// change, or the day does, checking every interval until ctx ends, so that
// an import or a filing made by another process (the command line) reaches
// the figures without a restart.
func (s *Server) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		stale, err := s.stale(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("checking for changed inputs", slog.Any("err", err))
			}
			continue
		}
		if !stale {
			continue
		}
		start := time.Now()
		if err := s.Recompute(ctx); err != nil {
			if ctx.Err() == nil {
				s.log.Error("recompute after a change", slog.Any("err", err))
			}
			continue
		}
		s.log.Info("inputs changed: coverage recomputed", slog.Duration("took", time.Since(start)))
	}
}

// Snapshot returns the current result and its communes, for the command
// line's report.
func (s *Server) Snapshot() (*geo.Result, []geo.Commune, error) {
	snap, err := s.cov.current()
	if err != nil {
		return nil, nil, err
	}
	return snap.result, snap.communes, nil
}

// summaryBreakdowns are the values of ?breakdown= and the kinds of
// breakdown each one lists besides the union of all providers.
var summaryBreakdowns = map[string][]string{
	"":           nil,
	"provider":   {geo.KindProvider, geo.KindLargest, geo.KindMulti},
	"technology": {geo.KindTechnology},
}

// handleSummary answers the province and district figures of one layer
// (or the province figures of every layer when no layer is named), with the
// method, and with ?breakdown=provider|technology the same per provider or
// technology; ?as_of=YYYY-MM-DD as things stood then, ?remote=true|false
// summed over the remote communes or the others only.
func (s *Server) handleSummary(c *gin.Context) {
	kinds, ok := summaryBreakdowns[c.Query("breakdown")]
	if !ok {
		writeProblem(c, http.StatusBadRequest, "breakdown "+quote(c.Query("breakdown"))+": want provider or technology")
		return
	}
	snap, asOf, ok := s.currentAsOf(c)
	if !ok {
		return
	}
	filter, ok := remoteParam(c)
	if !ok {
		return
	}
	res, dataAsOf, err := s.resultAt(c.Request.Context(), snap, asOf)
	if err != nil {
		s.fail(c, err)
		return
	}
	rollups := func(b *geo.Breakdown) ([]geo.Rollup, geo.Rollup) {
		if filter == geo.FilterAll {
			return b.Districts, b.Province
		}
		return snap.surface.Rollups(b.Communes, snap.plan.keeps(filter), s.cfg.Calc)
	}
	name := c.Query("layer")
	if name == "" {
		out := gin.H{"computed_at": snap.computedAt, "method": res.Method}
		layers := map[geo.Layer]geo.Rollup{}
		for _, l := range geo.Layers {
			_, layers[l] = rollups(res.Layer(l).Breakdown(geo.KindAll))
		}
		out["layers"] = layers
		s.answerSummary(c, snap, asOf, "summary::"+string(filter), withDate(out, asOf, dataAsOf, filter, snap))
		return
	}
	layer := geo.Layer(name)
	if !layer.Valid() {
		writeProblem(c, http.StatusBadRequest, "layer "+quote(name)+": want broadcast, phone, broadband or mobile")
		return
	}
	lr := res.Layer(layer)
	districts, province := rollups(lr.Breakdown(geo.KindAll))
	out := gin.H{
		"layer":       layer,
		"computed_at": snap.computedAt,
		"method":      res.Method,
		"province":    province,
		"districts":   districts,
	}
	if len(kinds) > 0 {
		type item struct {
			Key       string       `json:"key"`
			Kind      string       `json:"kind"`
			Value     string       `json:"value,omitempty"`
			Province  geo.Rollup   `json:"province"`
			Districts []geo.Rollup `json:"districts"`
		}
		var items []item
		for _, b := range lr.Breakdowns {
			for _, k := range kinds {
				if b.Kind == k {
					districts, province := rollups(&b)
					items = append(items, item{b.Key, b.Kind, b.Value, province, districts})
				}
			}
		}
		out["breakdowns"] = items
	}
	s.answerSummary(c, snap, asOf, "summary:"+name+":"+c.Query("breakdown")+":"+string(filter), withDate(out, asOf, dataAsOf, filter, snap))
}

// answerSummary answers a summary; today's are rendered once per recompute
// (key names the validated parameters) and served with an ETag and gzip.
func (s *Server) answerSummary(c *gin.Context, snap *snapshot, asOf, key string, out gin.H) {
	render := func() ([]byte, error) { return json.Marshal(out) }
	if asOf == "" {
		s.serveCached(c, snap, key, "application/json; charset=utf-8", render)
		return
	}
	body, err := render()
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}

// remoteAt says whether commune i of the snapshot is remote.
func (snap *snapshot) remoteAt(i int) bool {
	return snap.plan != nil && i < len(snap.plan.remote) && snap.plan.remote[i]
}
