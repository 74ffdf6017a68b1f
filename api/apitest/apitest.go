// Package apitest holds what the tests of the core (api) and of its HTTP
// adapter (api/rest) share: a small store whose figures are known, and
// golden files compared by meaning. Only tests import it.
package apitest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/data/pgtest"
	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/stream"
)

// GoldenDay is the date the golden outputs are asked for: after every
// filing of SmallStore, before today.
const GoldenDay = "2025-06-30"

// GoldenKnownAt is the day the golden outputs are known on: SmallStore's
// filings were received on 1 June 2025, so that outputs as known on it do
// not depend on the day the test runs.
const GoldenKnownAt = "2025-07-01"

// square is a closed ring of the square [x0, x0+d] × [y0, y0+d] (degrees).
func square(x0, y0, d float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x0 + d, y0}, {x0 + d, y0 + d}, {x0, y0 + d}, {x0, y0}}
}

// SmallStore returns a new store in t's temporary folder with three
// communes in two districts (one with a hole, one of two parts, one with an
// approximate shape; Vietnamese names), the default targets, one remote
// commune, and filings of mobile (a footprint and a declaration) and
// broadcast (central and local) dated before GoldenDay. Every figure of it
// follows from these shapes, so the outputs built on it are golden.
func SmallStore(t testing.TB) *data.Store {
	t.Helper()
	ctx := context.Background()
	store, err := data.Open(ctx, pgtest.Path(t, t.TempDir(), "small.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.SeedDefault(ctx, false); err != nil {
		t.Fatal(err)
	}
	outer := square(105.30, 20.80, 0.04)
	hole := square(105.31, 20.81, 0.01)
	hole.Reverse() // clockwise, as a hole goes
	communes := []geo.Commune{
		{Code: "90001", Name: "Xã Đồng Tâm", Type: "xã", DistrictCode: "901", District: "Huyện Lạc Sơn", Population: 4200,
			Point: orb.Point{105.33, 20.83}, AreaKm2: 18.5, Boundary: "official-test.geojson",
			Geometry: orb.MultiPolygon{{outer, hole}}},
		{Code: "90002", Name: "Phường Hữu Nghị", Type: "phường", DistrictCode: "902", District: "Thành phố Hòa Bình", Population: 9100,
			Point: orb.Point{105.36, 20.82}, AreaKm2: 9.1, Boundary: "official-test.geojson",
			Geometry: orb.MultiPolygon{{square(105.34, 20.80, 0.03)}, {square(105.38, 20.80, 0.01)}}},
		{Code: "90003", Name: "Thị trấn Mường Khến", Type: "thị trấn", DistrictCode: "901", District: "Huyện Lạc Sơn", Population: 2600,
			Point: orb.Point{105.32, 20.86}, AreaKm2: 12.0, Boundary: geo.BoundaryApproximate,
			Geometry: orb.MultiPolygon{{square(105.30, 20.84, 0.04)}}},
	}
	if err := store.ReplaceCommunes(ctx, communes, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ReplaceRemote(ctx, []string{"90003"}, "test", "test"); err != nil {
		t.Fatal(err)
	}
	mp := func(r orb.Ring) orb.MultiPolygon { return orb.MultiPolygon{{r}} }
	filings := []data.Filing{
		{Provider: "viettel", Layer: geo.Mobile, AsOf: "2024-03-01", Source: "test filing",
			Footprints: []geo.Footprint{{Provider: "viettel", Layer: geo.Mobile, Technology: "4G", Geometry: mp(square(105.30, 20.80, 0.02))}}},
		{Provider: "vnpt", Layer: geo.Mobile, AsOf: "2025-01-15", Source: "test filing",
			Declarations: []geo.Declaration{{Provider: "vnpt", Layer: geo.Mobile, Technology: "4G", CommuneCode: "90002", Share: 0.6}}},
		{Provider: "vtv", Layer: geo.Broadcast, AsOf: "2024-06-01", Source: "test filing",
			Footprints: []geo.Footprint{
				{Provider: "vtv", Layer: geo.Broadcast, Technology: "DVB-T2", Programme: "central", Service: "tv", Geometry: mp(square(105.30, 20.80, 0.05))},
				{Provider: "vtv", Layer: geo.Broadcast, Technology: "FM", Programme: "local", Service: "radio", Geometry: mp(square(105.33, 20.80, 0.03))},
			}},
	}
	if _, err := store.AddFilings(ctx, filings); err != nil {
		t.Fatal(err)
	}
	db, err := pgtest.OpenDB(store.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "UPDATE filings SET submitted_at = '2025-06-01T08:00:00Z'"); err != nil {
		t.Fatal(err)
	}
	return store
}

// timestamps are RFC 3339 times of a computation, which differ run to run.
var timestamps = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z`)

// printedTimes are the times a report was made, as printed in Vietnamese
// ("15:04 02/01/2006 (UTC)"), and printedTimesEN in English ("15:04,
// 2 Jan 2006 (UTC)").
var (
	printedTimes   = regexp.MustCompile(`\d\d:\d\d \d\d/\d\d/\d{4} \(UTC\)`)
	printedTimesEN = regexp.MustCompile(`\d\d:\d\d, \d{1,2} [A-Z][a-z]{2,3} \d{4} \(UTC\)`)
)

// Normalise replaces the times of computation or printing in an output by
// fixed stand-ins, so that outputs of two runs compare equal.
func Normalise(b []byte) []byte {
	b = timestamps.ReplaceAll(b, []byte("2000-01-01T00:00:00Z"))
	b = printedTimesEN.ReplaceAll(b, []byte("00:00, 1 Jan 2000 (UTC)"))
	return printedTimes.ReplaceAll(b, []byte("00:00 01/01/2000 (UTC)"))
}

// Golden compares got, normalised, with the file at path, or with update
// writes it there. JSON files (.json, .geojson) compare as JSON values with
// numbers equal to 1e-9 relative; other files compare as text, line by
// line, after normalising line ends.
func Golden(t *testing.T, path string, got []byte, update bool) {
	t.Helper()
	got = Normalise(got)
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	switch filepath.Ext(path) {
	case ".json", ".geojson":
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("%s: the output is not JSON: %v", path, err)
		}
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatalf("%s: the golden file is not JSON: %v", path, err)
		}
		if diff := jsonDiff("$", g, w); diff != "" {
			t.Fatalf("%s: the output differs from the golden file at %s (if the change is meant, run with -update)", path, diff)
		}
	default:
		g := bytes.Split(bytes.ReplaceAll(got, []byte("\r\n"), []byte("\n")), []byte("\n"))
		w := bytes.Split(bytes.ReplaceAll(want, []byte("\r\n"), []byte("\n")), []byte("\n"))
		for i := range max(len(g), len(w)) {
			var gl, wl []byte
			if i < len(g) {
				gl = g[i]
			}
			if i < len(w) {
				wl = w[i]
			}
			if !bytes.Equal(gl, wl) {
				t.Fatalf("%s: line %d differs (if the change is meant, run with -update)\n got: %.300s\nwant: %.300s", path, i+1, gl, wl)
			}
		}
	}
}

// jsonDiff returns where got and want first differ, or "".
func jsonDiff(at string, got, want any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: got %.200v, want %.200v", at, got, want)
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return fmt.Sprintf("%s: no member %q", at, k)
			}
			if d := jsonDiff(at+"."+k, gv, wv); d != "" {
				return d
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: got %.200v, want %.200v", at, got, want)
		}
		for i := range w {
			if d := jsonDiff(fmt.Sprintf("%s[%d]", at, i), g[i], w[i]); d != "" {
				return d
			}
		}
	case float64:
		g, ok := got.(float64)
		if !ok || math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
			return fmt.Sprintf("%s: got %v, want %v", at, got, want)
		}
	default:
		if got != want {
			return fmt.Sprintf("%s: got %v, want %v", at, got, want)
		}
	}
	return ""
}

// VietnamCommuneProperties are the property names of the national commune
// file of the reference data (vietnam/communes_2013_pop2019.geojson).
var VietnamCommuneProperties = geo.CommuneProperties{Code: "commune_id", Name: "commune_vn",
	DistrictCode: "district_id", District: "district_vn", Population: "pop_2019"}

// NationalStore returns a new store in tb's temporary folder holding every
// commune of Vietnam and the synthetic national mobile scenario (121,087
// footprints of three operators, one filing each, dated 2024-01-01), read
// from the reference data folder dataDir (../shared/data). It takes tens of
// seconds: it is for benchmarks and the national tests.
func NationalStore(tb testing.TB, dataDir string) *data.Store {
	tb.Helper()
	ctx := context.Background()
	store, err := data.Open(ctx, filepath.Join(tb.TempDir(), "vietnam.gpkg"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	if _, err := store.SeedDefault(ctx, false); err != nil {
		tb.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dataDir, "vietnam", "communes_2013_pop2019.geojson"))
	if err != nil {
		tb.Fatal(err)
	}
	communes, _, err := geo.ReadCommunes(f, VietnamCommuneProperties, true, "communes_2013_pop2019.geojson")
	f.Close()
	if err != nil {
		tb.Fatal(err)
	}
	if err := store.ReplaceCommunes(ctx, communes, nil); err != nil {
		tb.Fatal(err)
	}
	byOperator := map[string][]geo.Footprint{}
	err = eachFeature(filepath.Join(dataDir, "scenarios", "vietnam_mobile_seed1.geojson.gz"), func(ft *geojson.Feature) error {
		p, ok := ft.Geometry.(orb.Polygon)
		if !ok {
			return fmt.Errorf("geometry %T, want a Polygon", ft.Geometry)
		}
		op := ft.Properties.MustString("operator", "")
		byOperator[op] = append(byOperator[op], geo.Footprint{Provider: op, Layer: geo.Mobile,
			Technology: ft.Properties.MustString("technology", ""), Geometry: orb.MultiPolygon{p}})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	var filings []data.Filing
	for op, fps := range byOperator {
		filings = append(filings, data.Filing{Provider: op, Layer: geo.Mobile, AsOf: "2024-01-01",
			Source: "scenarios/vietnam_mobile_seed1 (synthetic)", Footprints: fps})
	}
	slices.SortFunc(filings, func(a, b data.Filing) int { return strings.Compare(a.Provider, b.Provider) })
	if _, err := store.AddFilings(ctx, filings); err != nil {
		tb.Fatal(err)
	}
	return store
}

// eachFeature calls fn with each feature of a GeoJSON FeatureCollection
// file (gzip-compressed when its name ends in .gz), one at a time.
func eachFeature(path string, fn func(*geojson.Feature) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := stream.Uncompressed(bufio.NewReaderSize(f, 1<<20), path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := stream.Features(r, func(_ int, ft *geojson.Feature) error { return fn(ft) }); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
