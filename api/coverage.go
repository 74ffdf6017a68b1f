package api

import (
	"context"
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
	bodies          bodyCache // responses rendered from this snapshot
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
// every layer's figures, stores them, and publishes them to the handlers.
// The population surface is rebuilt only when the communes changed.
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
	next := &snapshot{inputsVersion: inputs, communesVersion: version}
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
	fps, decls, err := s.store.InForce(ctx, "")
	if err != nil {
		return err
	}
	if next.result, err = next.surface.Compute(fps, decls, s.cfg.Calc); err != nil {
		return err
	}
	next.computedAt = time.Now().UTC().Format(time.RFC3339)
	if err := s.store.SaveCoverage(ctx, next.result, next.computedAt); err != nil {
		return fmt.Errorf("storing coverage: %w", err)
	}
	s.cov.mu.Lock()
	s.cov.snap = next
	s.cov.mu.Unlock()
	return nil
}

// Watch recomputes whenever the store's inputs change, checking every
// interval until ctx ends, so that an import or a filing made by another
// process (the command line) reaches the figures without a restart.
func (s *Server) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		v, err := s.store.InputsVersion(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("checking for changed inputs", slog.Any("err", err))
			}
			continue
		}
		if snap, err := s.cov.current(); err == nil && snap.inputsVersion == v {
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
// technology.
func (s *Server) handleSummary(c *gin.Context) {
	kinds, ok := summaryBreakdowns[c.Query("breakdown")]
	if !ok {
		writeProblem(c, http.StatusBadRequest, "breakdown "+quote(c.Query("breakdown"))+": want provider or technology")
		return
	}
	snap, err := s.cov.current()
	if err != nil {
		s.fail(c, err)
		return
	}
	name := c.Query("layer")
	if name == "" {
		out := gin.H{"computed_at": snap.computedAt, "method": snap.result.Method}
		layers := map[geo.Layer]geo.Rollup{}
		for _, l := range geo.Layers {
			layers[l] = snap.result.Layer(l).Breakdown(geo.KindAll).Province
		}
		out["layers"] = layers
		c.JSON(http.StatusOK, out)
		return
	}
	layer := geo.Layer(name)
	if !layer.Valid() {
		writeProblem(c, http.StatusBadRequest, "layer "+quote(name)+": want broadcast, phone, broadband or mobile")
		return
	}
	lr := snap.result.Layer(layer)
	all := lr.Breakdown(geo.KindAll)
	out := gin.H{
		"layer":       layer,
		"computed_at": snap.computedAt,
		"method":      snap.result.Method,
		"province":    all.Province,
		"districts":   all.Districts,
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
					items = append(items, item{b.Key, b.Kind, b.Value, b.Province, b.Districts})
				}
			}
		}
		out["breakdowns"] = items
	}
	c.JSON(http.StatusOK, out)
}
