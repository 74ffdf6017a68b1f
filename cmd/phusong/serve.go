package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/api/rest"
	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo/basemap"
)

// serveConfig is the configuration of "phusong serve", filled from flags and
// the environment.
type serveConfig struct {
	Addr string
	DB   string
	Demo bool
	// Instance names this process among the service's instances
	// (rest.Config.Instance); every log line carries it.
	Instance string
	API      rest.Config
	// ReadHeaderTimeout bounds how long a client may take to send its
	// headers (slow-header attacks); the other timeouts follow from it.
	ReadHeaderTimeout time.Duration
}

func (c serveConfig) Validate() error {
	if c.ReadHeaderTimeout < 100*time.Millisecond || c.ReadHeaderTimeout > time.Minute {
		return fmt.Errorf("--read-header-timeout %s: want 100ms to 1m", c.ReadHeaderTimeout)
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr %q: want HOST:PORT, e.g. 127.0.0.1:8080", c.Addr)
	}
	if c.DB == "" {
		return errors.New("--db: empty path")
	}
	return c.API.Validate()
}

func cmdServe(ctx context.Context, args []string, log *slog.Logger) error {
	cfg := serveConfig{API: rest.DefaultConfig()}
	fs := newFlags("serve")
	fs.StringVar(&cfg.Addr, "addr", envOr("PHUSONG_ADDR", "127.0.0.1:8080"), "address to listen on (env PHUSONG_ADDR)")
	fs.StringVar(&cfg.DB, "db", envOr("PHUSONG_DB", "phusong.gpkg"),
		"database: a file (SQLite/GeoPackage), or postgres://USER@HOST:5432/NAME for a PostgreSQL 15+ database with PostGIS 3 that several instances share; created or migrated, and seeded when new (env PHUSONG_DB)")
	noDemo := fs.Bool("no-demo", false, "leave the demonstration filings out of a new database")
	fs.Float64Var(&cfg.API.Core.CellSizeM, "cell-size", cfg.API.Core.CellSizeM, "population grid cell size in metres")
	fs.StringVar(&cfg.API.CORSOrigin, "cors-origin", "", "the one browser origin allowed to call the API (CORS is off without it)")
	fs.Float64Var(&cfg.API.WritesPerPrincipal.PerSecond, "write-rate", cfg.API.WritesPerPrincipal.PerSecond,
		"writes per second allowed per provider and for the admin (0: no limit); what-ifs per address 2.5 times that, refused tokens per address half")
	fs.DurationVar(&cfg.ReadHeaderTimeout, "read-header-timeout", 10*time.Second, "how long a client may take to send its request headers")
	fs.DurationVar(&cfg.API.BodyReadTimeout, "body-read-timeout", cfg.API.BodyReadTimeout,
		"how long a client may take to send a request body other than a filing's (filings have 5 minutes)")
	fs.StringVar(&cfg.API.BasemapURL, "basemap-url", envOr("PHUSONG_BASEMAP_URL", ""),
		"MapLibre style URL drawn under the communes on the web page; none by default, so no request leaves the machine (env PHUSONG_BASEMAP_URL)")
	fs.StringVar(&cfg.Instance, "instance", envOr("PHUSONG_INSTANCE", ""),
		"this instance's name, in every log line, the X-Phusong-Instance header of every answer and /metrics (env PHUSONG_INSTANCE; default: the host name and the port of --addr)")
	basemapFile := fs.String("basemap", envOr("PHUSONG_BASEMAP", ""),
		"a PMTiles archive of vector tiles (e.g. a Protomaps basemap extract of the province) that the service serves itself and the web page draws under the communes, with no request leaving the machine (env PHUSONG_BASEMAP)")
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		return err
	}
	cfg.Demo = !*noDemo
	if cfg.Instance == "" {
		cfg.Instance = defaultInstance(cfg.Addr)
	}
	cfg.API.Instance = cfg.Instance
	cfg.API.Version, cfg.API.Commit = buildVersion(linkedCommit)
	log = log.With(slog.String("instance", cfg.Instance))
	if *basemapFile != "" {
		if cfg.API.BasemapURL != "" {
			return fmt.Errorf("--basemap %s and --basemap-url %s (or PHUSONG_BASEMAP_URL): the map has one basemap; give one or the other", *basemapFile, cfg.API.BasemapURL)
		}
		bm, err := basemap.Open(*basemapFile)
		if err != nil {
			return fmt.Errorf("--basemap %s: %w", *basemapFile, err)
		}
		defer bm.Close()
		cfg.API.Basemap = bm
		log.Info("basemap", slog.String("file", *basemapFile), slog.Int("minzoom", bm.MinZoom()), slog.Int("maxzoom", bm.MaxZoom()))
	}
	cfg.API.ComputePerAddress.PerSecond = 2.5 * cfg.API.WritesPerPrincipal.PerSecond
	cfg.API.AuthFailuresPerAddress.PerSecond = 0.5 * cfg.API.WritesPerPrincipal.PerSecond
	if err := cfg.Validate(); err != nil {
		return err
	}

	store, err := openStore(ctx, cfg.DB, cfg.Demo, log)
	if err != nil {
		return err
	}
	defer store.Close()

	core := api.New(cfg.API.Core, store, log)
	srv := rest.New(cfg.API, core, store, log)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       5 * time.Minute, // filings of a national operator are tens of MB; other bodies have --body-read-timeout
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    1 << 20, // larger headers get a plain 431 from net/http; over 32 KiB the API answers a problem
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("listening", slog.String("url", "http://"+ln.Addr().String()+"/"), slog.String("db", data.Redact(cfg.DB)))

	// The first computation runs while the service listens (minutes on a
	// national unit set): meanwhile /readyz and every figure answer 503,
	// and /healthz, /metrics and the web page answer. It is cancelled
	// with the service, and waited for, so that it never outlives the
	// store.
	computeCtx, cancelCompute := context.WithCancel(ctx)
	computed := make(chan error, 1)
	go func() {
		start := time.Now()
		err := core.Recompute(computeCtx)
		if err == nil {
			log.Info("coverage computed", slog.Duration("took", time.Since(start)))
		}
		computed <- err
	}()
	defer func() {
		cancelCompute()
		if computed != nil {
			<-computed
		}
	}()

	for running := true; running; {
		select {
		case err := <-errc:
			return err
		case err := <-computed:
			computed = nil
			switch {
			case err == nil:
				go core.Watch(ctx, 2*time.Second)
				// Another instance's write, at once (PostgreSQL); Watch's
				// tick is the fallback, and the only way on SQLite.
				go store.Listen(ctx, core.Changed, func(err error) {
					log.Warn("listening for other instances' writes; retrying (changes still arrive every 2 s)", slog.Any("err", err))
				})
			case ctx.Err() == nil:
				shutdown(hs)
				return fmt.Errorf("computing coverage: %w", err)
			}
			// Cancelled by the signal: ctx.Done is next.
		case <-ctx.Done():
			running = false
		}
	}
	log.Info("shutting down")
	return shutdown(hs)
}

// shutdown stops the server, letting the requests under way end within
// 15 seconds.
func shutdown(hs *http.Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// openStore opens (creating and migrating) the database as its one writer,
// holding its lock until the store is closed, and seeds the default data
// when the file is new.
func openStore(ctx context.Context, path string, demo bool, log *slog.Logger) (*data.Store, error) {
	store, err := data.OpenExclusive(ctx, path, true)
	if err != nil {
		return nil, explainLocked(err, path, "")
	}
	seeded, err := store.SeedDefault(ctx, demo)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("seeding %s: %w", path, err)
	}
	if seeded {
		log.Info("new database seeded with Hòa Bình (unit sets 2019, 2020 and 2025 with real boundaries, people placed by the WorldPop 2020 grid)",
			slog.String("db", data.Redact(path)), slog.Bool("demonstration_filings", demo))
	}
	return store, nil
}

// openComputed opens (and seeds) the database at path and computes its
// figures, for a command that reads the snapshot before it writes.
func openComputed(ctx context.Context, path string, log *slog.Logger) (*data.Store, *api.Service, *api.Snapshot, error) {
	store, err := openStore(ctx, path, true, log)
	if err != nil {
		return nil, nil, nil, err
	}
	srv := api.New(api.DefaultConfig(), store, log)
	if err := srv.Recompute(ctx); err != nil {
		store.Close()
		return nil, nil, nil, err
	}
	snap, err := srv.Current()
	if err != nil {
		store.Close()
		return nil, nil, nil, err
	}
	return store, srv, snap, nil
}
