package rest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/data/pgtest"
	"github.com/phusong/phusong/geo"
)

// sharedData returns the path of a file in ../shared/data, skipping when it
// is absent (a user's machine) and failing in CI, where it must be present.
func sharedData(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs %s: %v", p, err)
		}
		t.Skipf("skipped: reference data %s is absent (it is present in CI)", p)
	}
	return p
}

// The summary serves exactly what the calculator computes: the official Hòa
// Bình boundaries with the seed1 operator footprints filed, through the
// store and the router, against the calculator called directly.
func TestSummary_Seed1EqualsCalculator(t *testing.T) {
	communesFile := sharedData(t, "hoabinh/communes_2019.geojson")
	scenario := sharedData(t, "scenarios/hoabinh_mobile_seed1.geojson")
	ctx := context.Background()

	f, err := os.Open(communesFile)
	if err != nil {
		t.Fatal(err)
	}
	communes, _, err := geo.ReadCommunes(f, geo.DefaultCommuneProperties(), true, "communes_2019.geojson")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(scenario)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatal(err)
	}
	byOperator := map[string][]geo.Footprint{}
	var all []geo.Footprint
	for _, ft := range fc.Features {
		op, tech := ft.Properties.MustString("operator"), ft.Properties.MustString("technology")
		fp := geo.Footprint{Provider: op, Layer: geo.Mobile, Technology: tech,
			Geometry: orb.MultiPolygon{ft.Geometry.(orb.Polygon)}}
		byOperator[op] = append(byOperator[op], fp)
		all = append(all, fp)
	}

	store, err := data.Open(ctx, pgtest.Path(t, t.TempDir(), "seed1.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.ReplaceCommunes(ctx, communes, nil); err != nil {
		t.Fatal(err)
	}
	var filings []data.Filing
	for op, fps := range byOperator {
		filings = append(filings, data.Filing{Provider: op, Layer: geo.Mobile, AsOf: "2026-01-01", Footprints: fps})
	}
	if _, err := store.AddFilings(ctx, filings); err != nil {
		t.Fatal(err)
	}
	srv := newTestServer(DefaultConfig(), store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := srv.core.Recompute(ctx); err != nil {
		t.Fatal(err)
	}

	surface, err := geo.NewSurface(communes, geo.SurfaceOptions{CellSizeM: geo.DefaultCellSizeM})
	if err != nil {
		t.Fatal(err)
	}
	res, err := surface.Compute(all, nil, geo.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	want := res.Layer(geo.Mobile).Breakdown(geo.KindAll).Province

	var got struct {
		Province geo.Rollup `json:"province"`
	}
	rec := get(t, srv, "GET", "/api/v1/summary?layer=mobile")
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Province.Population != 854131 || math.Abs(got.Province.Covered-want.Covered) > 1e-6 ||
		got.Province.CommunesReached != want.CommunesReached {
		t.Fatalf("summary province %+v, calculator %+v", got.Province, want)
	}
	t.Logf("seed1 mobile: %.0f of %d people (%.2f%%), %d of %d communes reached",
		got.Province.Covered, got.Province.Population, 100*got.Province.Share, got.Province.CommunesReached, got.Province.Communes)
}
