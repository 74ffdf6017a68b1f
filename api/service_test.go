package api

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/data/pgtest"
)

// sharedData returns the path of a reference file under ../shared/data,
// skipping the test where it is absent (a user's machine) and failing in CI.
func sharedData(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs %s: %v", p, err)
		}
		t.Skipf("skipped: reference data %s is absent (it is present in CI)", p)
	}
	return p
}

// demoService is a Service on a new store seeded with Hòa Bình and the
// demonstration filings, recomputed once.
func demoService(t testing.TB) (*Service, *data.Store) {
	t.Helper()
	return seededService(t, true)
}

func seededService(t testing.TB, demo bool) (*Service, *data.Store) {
	t.Helper()
	return seedWith(t, func(ctx context.Context, store *data.Store) (bool, error) { return store.SeedDefault2019(ctx, demo) })
}

// defaultService is a Service on the default database as a new user gets
// it: three unit sets, today's the 46 units of 2025, and the
// demonstration filings made on the 2019 communes.
func defaultService(t testing.TB) (*Service, *data.Store) {
	t.Helper()
	return seedWith(t, func(ctx context.Context, store *data.Store) (bool, error) { return store.SeedDefault(ctx, true) })
}

func seedWith(t testing.TB, seed func(context.Context, *data.Store) (bool, error)) (*Service, *data.Store) {
	t.Helper()
	ctx := context.Background()
	store, err := data.Open(ctx, pgtest.Path(t, t.TempDir(), "core.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := seed(ctx, store); err != nil {
		t.Fatal(err)
	}
	s := New(DefaultConfig(), store, quietLog())
	if err := s.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	return s, store
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
