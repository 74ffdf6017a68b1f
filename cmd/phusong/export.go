package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/crs"
)

// exportConfig is the configuration of "phusong export".
type exportConfig struct {
	DB      string
	Layer   geo.Layer
	Format  string
	AsOf    string
	KnownAt string // the figures as known on this day; "" for today
	Out     string // "" or "-" for standard output
	CRS     string // the system of the geometry, e.g. EPSG:3405; "" for EPSG:4326
	API     api.Config
}

func (c exportConfig) Validate() error {
	if !c.Layer.Valid() {
		return fmt.Errorf("--layer %q: want broadcast, phone, broadband or mobile", c.Layer)
	}
	if _, ok := api.ExportTypes[c.Format]; !ok {
		return fmt.Errorf("--format %q: want %s", c.Format, strings.Join(exportFormats(), ", "))
	}
	if _, err := crs.Lookup(c.CRS); err != nil {
		return fmt.Errorf("--crs: %w", err)
	}
	if c.DB == "" {
		return errors.New("--db: empty path")
	}
	return c.API.Validate()
}

func exportFormats() []string {
	var fs []string
	for f := range api.ExportTypes {
		fs = append(fs, f)
	}
	sort.Strings(fs)
	return fs
}

// cmdExport writes a layer's figures per commune to a file, from the same
// calculator and the same code as the API's export, so that the file and the
// service agree.
func cmdExport(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := exportConfig{API: api.DefaultConfig()}
	fs := newFlags("export")
	fs.StringVar(&cfg.DB, "db", envOr("PHUSONG_DB", "phusong.gpkg"), "database file, read beside a running service (env PHUSONG_DB)")
	layer := fs.String("layer", "", "layer: broadcast, phone, broadband or mobile")
	fs.StringVar(&cfg.Format, "format", "", "file format: "+strings.Join(exportFormats(), ", "))
	fs.StringVar(&cfg.AsOf, "as-of", "", "the day (YYYY-MM-DD) whose filings in force give the figures; default: today")
	fs.StringVar(&cfg.KnownAt, "known-at", "", "the figures as known on this day (YYYY-MM-DD): only filings submitted and withdrawals made by then; default: today")
	fs.StringVar(&cfg.CRS, "crs", "", "coordinate reference system of the geometry: "+strings.Join(crs.Names(), ", ")+" (not for kml); default EPSG:4326")
	fs.StringVar(&cfg.Out, "o", "", "output file; default: standard output")
	fs.Float64Var(&cfg.API.CellSizeM, "cell-size", cfg.API.CellSizeM, "population grid cell size in metres")
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		return err
	}
	cfg.Layer = geo.Layer(*layer)
	if err := cfg.Validate(); err != nil {
		return err
	}
	if _, err := os.Stat(cfg.DB); err != nil {
		return fmt.Errorf("--db %s: %w", cfg.DB, err)
	}
	store, err := data.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer store.Close()
	srv := api.New(cfg.API, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := srv.Recompute(ctx); err != nil {
		return fmt.Errorf("computing coverage: %w", err)
	}
	if cfg.Out == "" || cfg.Out == "-" {
		_, err := srv.ExportCRS(ctx, stdout, cfg.Layer, cfg.Format, cfg.AsOf, cfg.KnownAt, cfg.CRS)
		return err
	}
	// Write beside the target and rename, so that a failed export never
	// leaves half a file where the last good one was.
	tmp, err := os.CreateTemp(filepath.Dir(cfg.Out), "."+filepath.Base(cfg.Out)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	day, err := srv.ExportCRS(ctx, tmp, cfg.Layer, cfg.Format, cfg.AsOf, cfg.KnownAt, cfg.CRS)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), cfg.Out); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s as of %s (%s) to %s\n", cfg.Layer, day, cfg.Format, cfg.Out)
	return nil
}
