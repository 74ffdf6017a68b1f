package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/geo"
)

// cmdRecompute recomputes and stores the figures, then prints the
// province's, so a deployer can check a database without starting a server.
func cmdRecompute(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	cfg := api.DefaultConfig()
	fs := newFlags("recompute")
	db := dbFlag(fs, "database file; created and seeded when new")
	noDemo := fs.Bool("no-demo", false, "leave the demonstration filings out if the database is new")
	fs.Float64Var(&cfg.CellSizeM, "cell-size", cfg.CellSizeM, "population grid cell size in metres")
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	store, err := openStore(ctx, *db, !*noDemo, log)
	if err != nil {
		return err
	}
	defer store.Close()
	srv := api.New(cfg, store, log)
	start := time.Now()
	if err := srv.Recompute(ctx); err != nil {
		return err
	}
	snap, err := srv.Current()
	if err != nil {
		return err
	}
	res, communes := snap.Result, snap.Communes
	fmt.Fprintf(stdout, "%d communes, computed in %s; people placed by %s\n", len(communes), time.Since(start).Round(time.Millisecond), res.Method.Population)
	fmt.Fprintf(stdout, "%-10s %28s %16s\n", "layer", "people covered", "communes reached")
	for _, l := range geo.Layers {
		p := res.Layer(l).Breakdown(geo.KindAll).Province
		fmt.Fprintf(stdout, "%-10s %6.2f%% %9.0f / %9d %6.2f%% %4d / %4d\n", l,
			100*p.Share, p.Covered, p.Population, 100*p.ShareReached, p.CommunesReached, p.Communes)
	}
	return nil
}
