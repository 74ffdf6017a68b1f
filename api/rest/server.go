// Package rest is Phủ Sóng's HTTP interface: a Gin router over the
// application core (package api). Handlers parse and check the request,
// ask the core, and write the answer or one problem document; the figures
// come from the core's published snapshot.
package rest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/frontend"
	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/basemap"
)

// Config is what the HTTP adapter needs to know beyond the core.
type Config struct {
	// Core is the core's settings (the calculator and the grid); the
	// adapter reads them only to say what it serves.
	Core api.Config
	// MaxFilingBytes caps a filing's body (413 above it); MaxFilingFeatures
	// its features.
	MaxFilingBytes    int64
	MaxFilingFeatures int
	// WritesPerPrincipal limits the writes (every request but GET and
	// HEAD to a route that needs a token) of one authenticated principal:
	// a provider, or the admin. It is spent once the token is verified, so
	// nobody else can spend it.
	WritesPerPrincipal RateLimit
	// ComputePerAddress limits the public requests that compute (the
	// what-if) per client address, apart from the writers' budgets.
	ComputePerAddress RateLimit
	// AuthFailuresPerAddress limits, per client address, the writes
	// refused for a missing or bad token: past it they are 429, not 401.
	// Only refusals spend it, so it never stands in a valid writer's way.
	AuthFailuresPerAddress RateLimit
	// BodyReadTimeout bounds how long a client may take to send the body
	// of any request but a filing upload, which has the server's read
	// timeout (minutes, for tens of MB); it starts once the headers are
	// read and ends with the body.
	BodyReadTimeout time.Duration
	// HeavyFilingBytes is the size (decoded) above which a filing is
	// heavy: parsing, validating and computing one of tens of MB takes
	// hundreds of MB of memory and seconds of CPU. At most HeavyFilings
	// heavy filings are handled at once; another waits up to
	// HeavyFilingWait for its turn, then is answered 503 with Retry-After.
	// Smaller filings never wait. HeavyFilings 0 turns the bound off.
	HeavyFilingBytes int64
	HeavyFilings     int
	HeavyFilingWait  time.Duration
	// CORSOrigin, when set, is the one origin allowed to call the API from
	// a browser; CORS is off otherwise.
	CORSOrigin string
	// BasemapURL is an optional MapLibre style URL that the web page draws
	// under the communes; empty means no basemap, so that no request leaves
	// the machine.
	BasemapURL string
	// Basemap is a local basemap archive the service serves itself, with
	// a style over it (basemap.go); nil for none. At most one of Basemap
	// and BasemapURL is set.
	Basemap *basemap.Archive
	// Instance names this process among the instances of the service (a
	// host and port, say): every answer carries it in X-Phusong-Instance,
	// so that one seen through a load balancer can be traced to its
	// process, and phusong_build_info labels it. Empty sends no header.
	Instance string
	// Version and Commit say what the binary was built from, for
	// phusong_build_info; empty when unknown.
	Version, Commit string
}

// DefaultConfig returns the settings used when none are given.
func DefaultConfig() Config {
	return Config{Core: api.DefaultConfig(),
		MaxFilingBytes: 64 << 20, MaxFilingFeatures: geo.DefaultMaxFeatures,
		WritesPerPrincipal:     RateLimit{PerSecond: 2, Burst: 30},
		ComputePerAddress:      RateLimit{PerSecond: 5, Burst: 60},
		AuthFailuresPerAddress: RateLimit{PerSecond: 1, Burst: 20},
		BodyReadTimeout:        20 * time.Second,
		HeavyFilingBytes:       1 << 20, HeavyFilings: 2, HeavyFilingWait: 10 * time.Second}
}

// Validate checks the settings.
func (c Config) Validate() error {
	if c.MaxFilingBytes < 1<<10 || c.MaxFilingFeatures < 1 {
		return fmt.Errorf("filing limits %d bytes, %d features: want at least 1 KiB and 1 feature", c.MaxFilingBytes, c.MaxFilingFeatures)
	}
	if c.BodyReadTimeout < 100*time.Millisecond || c.BodyReadTimeout > 10*time.Minute {
		return fmt.Errorf("body read timeout %s: want 100ms to 10m", c.BodyReadTimeout)
	}
	if c.HeavyFilingBytes < 0 || c.HeavyFilings < 0 || c.HeavyFilingWait < 0 {
		return fmt.Errorf("heavy filings over %d bytes, %d at once, waiting %s: want none negative", c.HeavyFilingBytes, c.HeavyFilings, c.HeavyFilingWait)
	}
	if err := validateBasemapURL(c.BasemapURL); err != nil {
		return err
	}
	if err := validateInstance(c.Instance); err != nil {
		return err
	}
	if c.Basemap != nil && c.BasemapURL != "" {
		return fmt.Errorf("a basemap file (%s) and a basemap URL (%s): give one or the other", c.Basemap.Path(), c.BasemapURL)
	}
	return c.Core.Validate()
}

// Core is what the handlers need of the application core (*api.Service):
// the published figures, the figures of other days, the what-if, the
// exports and the recompute after a write. Tests may give a small fake.
type Core interface {
	Current() (*api.Snapshot, error)
	View(ctx context.Context, snap *api.Snapshot, units, day string) (*api.Snapshot, error)
	Lineage(ctx context.Context, snap *api.Snapshot, i int) (api.Lineage, error)
	PeopleOn(ctx context.Context, snap *api.Snapshot, i int) (int, error)
	Recompute(ctx context.Context) error
	FiguresOn(ctx context.Context, day string) (*api.Figures, error)
	FiguresUnits(ctx context.Context, day, knownAt, units string) (*api.Figures, error)
	ResultAt(ctx context.Context, snap *api.Snapshot, asOf string) (*geo.Result, string, error)
	ResultKnown(ctx context.Context, snap *api.Snapshot, asOf, knownAt string) (*geo.Result, string, error)
	WhatIf(ctx context.Context, req *api.WhatIfRequest) (*api.WhatIfAnswer, error)
	DryRun(ctx context.Context, snap *api.Snapshot, f data.Filing) (api.DryRunResult, error)
	ExportBreakdown(ctx context.Context, w io.Writer, layer geo.Layer, format, day, knownAt, crsName, breakdown, units string) (string, error)
	Changes(ctx context.Context, since string, limit int) ([]data.FigureChange, error)
}

// Server serves the API and the embedded frontend over a Core.
type Server struct {
	cfg    Config
	csp    string
	core   Core
	store  *data.Store
	log    *slog.Logger
	bodies perSnapshot[bodyCache]
	// exports are the rendered export files of the current snapshot.
	exports perSnapshot[exportCache]
	keys    inflight // Idempotency-Keys being processed
	static  *staticFiles
	router  *gin.Engine
	heavy   chan struct{} // the turns of large filings (filing_body.go)
	// The rate limits: writes per principal, what-ifs per address, refused
	// tokens per address (Config).
	perPrincipal, computePerAddress, authFailures *rateLimiter
	metrics                                       *metrics // served at /metrics (metrics.go)
}

// New builds the router over core, whose figures it serves, and store, where
// it reads and writes filings, providers, tokens, targets and the audit
// log. Until the core has published figures, coverage endpoints answer 503.
func New(cfg Config, core Core, store *data.Store, log *slog.Logger) *Server {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{cfg: cfg, core: core, store: store, log: log, csp: contentSecurityPolicy,
		perPrincipal:      newRateLimiter(limitWrites, cfg.WritesPerPrincipal),
		computePerAddress: newRateLimiter(limitCompute, cfg.ComputePerAddress),
		authFailures:      newRateLimiter(limitAuthFailures, cfg.AuthFailuresPerAddress),
		metrics:           newMetrics(cfg, core),
		heavy:             make(chan struct{}, cfg.HeavyFilings),
		static:            newStaticFiles(frontend.FS(), frontend.Unbuilt)}
	if cfg.BasemapURL != "" {
		s.csp = withBasemap(contentSecurityPolicy, cfg.BasemapURL)
	}
	if frontend.Built() {
		s.static.index = frontend.Index
	}
	// Read and gzip the application now, in the background, so that the
	// first page load does not wait for it.
	go s.static.load()
	r := gin.New()
	// The rate limits are not here but where the request is known: writes
	// once the token is verified (authenticate), what-ifs on their route.
	r.Use(s.accessLog, s.countRequest, s.recoverPanic, s.instanceHeader, s.securityHeaders, s.limits)
	r.HandleMethodNotAllowed = true

	s.routes(r)

	r.NoRoute(func(c *gin.Context) {
		p := c.Request.URL.Path
		if strings.HasPrefix(p, "/api/") || p == "/api" || (c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead) {
			writeProblem(c, http.StatusNotFound, "no such resource: "+p)
			return
		}
		s.serveStatic(c)
	})
	r.NoMethod(func(c *gin.Context) {
		writeProblem(c, http.StatusMethodNotAllowed, c.Request.Method+" is not allowed on "+c.Request.URL.Path)
	})
	s.router = r
	return s
}

// Handler returns the HTTP handler of the whole service.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// accessLog writes one line per request: method, path, status, duration.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	method := c.Request.Method
	if isHead(c.Request) {
		method = http.MethodHead
	}
	s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "request",
		slog.String("method", method),
		slog.String("path", c.Request.URL.Path),
		slog.Int("status", c.Writer.Status()),
		slog.Duration("duration", time.Since(start)))
}

// instanceHeader names the instance that answers, when it has a name.
func (s *Server) instanceHeader(c *gin.Context) {
	if s.cfg.Instance != "" {
		c.Header("X-Phusong-Instance", s.cfg.Instance)
	}
	c.Next()
}

// validateInstance checks an instance name: it goes out in a header, so
// visible ASCII and spaces only, and at most 200 bytes.
func validateInstance(id string) error {
	if len(id) > 200 {
		return fmt.Errorf("instance %.40q…: over 200 bytes", id)
	}
	for i := 0; i < len(id); i++ {
		if id[i] < ' ' || id[i] > '~' {
			return fmt.Errorf("instance %q: want visible ASCII characters and spaces only (it is sent in a header)", id)
		}
	}
	return nil
}

// recoverPanic turns a panic in a handler into a logged 500 problem, so a
// bug in one request never takes the service down.
func (s *Server) recoverPanic(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			s.log.ErrorContext(c.Request.Context(), "panic", slog.Any("panic", v), slog.String("path", c.Request.URL.Path))
			writeProblem(c, http.StatusInternalServerError, "internal error")
		}
	}()
	c.Next()
}

func (s *Server) handleHealth(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.ErrorContext(ctx, "health check", slog.Any("err", err))
		writeProblem(c, http.StatusServiceUnavailable, "the database does not answer")
		return
	}
	c.JSON(http.StatusOK, struct {
		Status string `json:"status"`
	}{"ok"})
}

// readiness is the answer of /readyz.
type readiness struct {
	Status string `json:"status"`
	// Generation is the published snapshot's (api.Snapshot.Generation).
	Generation string `json:"generation"`
	// SnapshotAgeSeconds is the time since it was published, to the
	// millisecond.
	SnapshotAgeSeconds float64 `json:"snapshot_age_seconds"`
	// DatabaseUnreachableSince is set while the store cannot be read:
	// the instance is still ready, and serves the snapshot it has.
	DatabaseUnreachableSince string `json:"database_unreachable_since,omitempty"`
}

// handleReady says whether the service has figures to serve: 200 once the
// first are published, 503 while they are computed (serve listens before
// its first recompute ends). /healthz, by contrast, asks the database.
func (s *Server) handleReady(c *gin.Context) {
	snap, err := s.core.Current()
	if errors.Is(err, api.ErrNotReady) {
		writeProblem(c, http.StatusServiceUnavailable, "no coverage snapshot is published yet: the first computation is running")
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	age := time.Since(s.metrics.publishedAt(snap)).Seconds()
	r := readiness{Status: "ready", Generation: snap.Generation(), SnapshotAgeSeconds: math.Round(age*1000) / 1000}
	if f, ok := s.core.(freshness); ok {
		if _, since, err := f.Freshness(); err != nil && !since.IsZero() {
			r.DatabaseUnreachableSince = since.UTC().Format(time.RFC3339)
		}
	}
	c.JSON(http.StatusOK, r)
}
