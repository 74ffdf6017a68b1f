// Package api is Phủ Sóng's application programming interface, with no HTTP
// in it: the Service owns the current figures (a Snapshot, published whole
// by Recompute and kept fresh by Watch), the figures on any past date and
// their history, the targets' values, the gaps, the what-if and the
// exports, all built on the store (package data) and the calculator
// (package geo).
//
// The HTTP interface is a thin adapter beneath it, package api/rest; the
// command line calls the Service directly, so that `phusong recompute` and
// `phusong export` need no web server. The core is named api, and the
// adapter sits beneath it, because the Service is the application's
// interface that every host (HTTP, the command line, tests) programs
// against; HTTP is one technology over it, as storage (data) is one under
// it.
package api

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// ErrNotReady is returned before the first Recompute has published figures.
var ErrNotReady = errors.New("coverage not computed yet")

// Config is what the core needs to know beyond the store.
type Config struct {
	// Calc holds the calculator's thresholds and filters.
	Calc geo.Options
	// CellSizeM is the side of a population grid cell in metres.
	CellSizeM float64
}

// DefaultConfig returns the settings used when none are given.
func DefaultConfig() Config {
	return Config{Calc: geo.DefaultOptions(), CellSizeM: geo.DefaultCellSizeM}
}

// Validate checks the settings.
func (c Config) Validate() error {
	if !(c.CellSizeM >= 1 && c.CellSizeM <= 100000) {
		return fmt.Errorf("cell size %v m: want 1 to 100,000 metres", c.CellSizeM)
	}
	return c.Calc.Validate()
}

// Service is the application core. Its methods are safe for concurrent
// use; recomputes are serialised and readers take whichever snapshot is
// current when they start.
type Service struct {
	cfg   Config
	store *data.Store
	log   *slog.Logger
	cov   coverage
	// changed wakes Watch: another process wrote to the store (Changed).
	changed chan struct{}
	health  health

	observersMu sync.Mutex
	observers   []func(snap *Snapshot, took time.Duration)
}

// health is what Watch last learnt of the store: when the snapshot was
// last found current, and the error of the checks since, if they failed.
type health struct {
	mu        sync.Mutex
	checkedAt time.Time
	err       error
	since     time.Time // first failure of the current outage
}

func (s *Service) checked(err error) {
	s.health.mu.Lock()
	defer s.health.mu.Unlock()
	switch {
	case err == nil:
		s.health.checkedAt, s.health.err, s.health.since = time.Now(), nil, time.Time{}
	case s.health.err == nil:
		s.health.err, s.health.since = err, time.Now()
	default:
		s.health.err = err
	}
}

// Freshness says when the published figures were last found current
// against the store, and, while the store cannot be read, since when and
// why: the figures are then served as they were (an instance that lost
// its PostgreSQL database keeps serving), and the answers say how old.
func (s *Service) Freshness() (checkedAt, failingSince time.Time, err error) {
	s.health.mu.Lock()
	defer s.health.mu.Unlock()
	return s.health.checkedAt, s.health.since, s.health.err
}

// New returns a Service over store. Call Recompute before asking for
// figures; until it has run, Current returns ErrNotReady.
func New(cfg Config, store *data.Store, log *slog.Logger) *Service {
	return &Service{cfg: cfg, store: store, log: log, changed: make(chan struct{}, 1)}
}

// Changed tells Watch that the store may have changed, so that it checks
// now rather than at its next tick: the store's Listen calls it when
// another instance commits a write. It never blocks.
func (s *Service) Changed() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// OnPublish registers f to be called after every Recompute that publishes
// figures, with the snapshot it published and how long the Recompute took,
// restarts under writes included (not the wait for another Recompute to
// end). f runs on the recomputing goroutine before Recompute returns, so it
// must be quick; Recomputes never overlap, so neither do the calls of f. A
// hosting adapter uses it for its metrics.
func (s *Service) OnPublish(f func(snap *Snapshot, took time.Duration)) {
	s.observersMu.Lock()
	defer s.observersMu.Unlock()
	s.observers = append(s.observers, f)
}

// published tells the OnPublish observers of the snapshot now current.
func (s *Service) published(took time.Duration) {
	snap, err := s.Current()
	if err != nil {
		return
	}
	s.observersMu.Lock()
	observers := s.observers
	s.observersMu.Unlock()
	for _, f := range observers {
		f(snap, took)
	}
}

// Config returns the settings the Service was made with.
func (s *Service) Config() Config { return s.cfg }

// Store returns the store the Service reads and writes, for the adapters'
// own reads and writes of filings, providers, tokens and targets.
func (s *Service) Store() *data.Store { return s.store }
