package data

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/data/pgtest"
	"github.com/phusong/phusong/geo"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), pgtest.Path(t, t.TempDir(), "test.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func square(x, y, d float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}}
}

func TestOpen_GeoPackageHeaderAndMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new.gpkg")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var appID, userVersion int
	if err := s.w.QueryRow("PRAGMA application_id").Scan(&appID); err != nil {
		t.Fatal(err)
	}
	if err := s.w.QueryRow("PRAGMA user_version").Scan(&userVersion); err != nil {
		t.Fatal(err)
	}
	if appID != applicationID || userVersion != gpkgVersion {
		t.Fatalf("application_id %#x user_version %d, want GPKG and %d", appID, userVersion, gpkgVersion)
	}
	var mode string
	if err := s.w.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode %q (%v), want wal", mode, err)
	}
	var fk int
	if err := s.w.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys %d (%v), want 1", fk, err)
	}
	ms, _ := migrations()
	v, err := s.SchemaVersion(ctx)
	if err != nil || v != ms[len(ms)-1].version {
		t.Fatalf("schema version %d (%v), want %d", v, err, ms[len(ms)-1].version)
	}
	var geomCols int
	// communes, footprints and the four coverage_ views (0011).
	if err := s.w.QueryRow("SELECT COUNT(*) FROM gpkg_geometry_columns WHERE srs_id = 4326").Scan(&geomCols); err != nil || geomCols != 6 {
		t.Fatalf("gpkg_geometry_columns in 4326: %d (%v), want 6", geomCols, err)
	}
	s.Close()
	// Opening again applies nothing twice.
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s2.Close()
	var n int
	if err := s2.w.QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil || n != len(ms) {
		t.Fatalf("schema_migrations rows %d (%v), want %d", n, err, len(ms))
	}
}

// TestOpen_EmptyFile: a database file of 0 bytes that exists (truncated by
// a full disk, a failed copy, a "> phusong.gpkg") is refused by name and
// left as it is, never taken for a new store and seeded; a path that does
// not exist is a new store.
func TestOpen_EmptyFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.gpkg")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, empty)
	if err == nil {
		s.Close()
		t.Fatal("a 0-byte file was opened as a store")
	}
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), empty) || !strings.Contains(err.Error(), "0 bytes") {
		t.Fatalf("error %q: want ErrInvalid naming %s and saying it has 0 bytes", err, empty)
	}
	if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 {
		t.Fatalf("the empty file changed: %v %v", fi, err)
	}
	fresh := filepath.Join(dir, "fresh.gpkg")
	s, err = Open(ctx, fresh)
	if err != nil {
		t.Fatalf("a new file: %v", err)
	}
	s.Close()
}

func TestSeedDefault(t *testing.T) {
	ctx := context.Background()
	for _, demo := range []bool{true, false} {
		t.Run(map[bool]string{true: "with demo", false: "without demo"}[demo], func(t *testing.T) {
			s := openTemp(t)
			seeded, err := s.SeedDefault(ctx, demo)
			if err != nil || !seeded {
				t.Fatalf("SeedDefault = %v, %v", seeded, err)
			}
			sets, err := s.UnitSets(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := []struct {
				name, from, level string
				units, people     int
			}{{"2019", "2019-04-01", geo.ParentDistrict, 210, 854131}, {"2020", "2020-01-01", geo.ParentDistrict, 151, 854131},
				{"2025", "2025-07-01", geo.ParentProvince, 46, 0}}
			if len(sets) != len(want) {
				t.Fatalf("%d unit sets, want %d", len(sets), len(want))
			}
			for i, w := range want {
				u := sets[i]
				if u.Name != w.name || u.ValidFrom != w.from || u.ParentLevel != w.level || u.Units != w.units || w.people > 0 && u.OwnPeople != w.people {
					t.Errorf("set %d: %+v, want %+v", i, u, w)
				}
			}
			cs, err := s.Communes(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if c.Boundary != source2025 || len(c.Geometry) == 0 || c.DistrictCode != "25" {
					t.Fatalf("today's commune %s: boundary %q, %d polygons, parent %s", c.Code, c.Boundary, len(c.Geometry), c.DistrictCode)
				}
			}
			if len(cs) != 46 {
				t.Fatalf("%d communes today, want the 46 of 2025", len(cs))
			}
			remote, err := s.Remote(ctx)
			if err != nil || len(remote.Codes) != 12 {
				t.Fatalf("today's remote communes: %v (%v), want a quarter of 46, rounded", remote.Codes, err)
			}
			fs, err := s.Filings(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			if demo && len(fs) == 0 || !demo && len(fs) != 0 {
				t.Fatalf("demo=%v: %d filings", demo, len(fs))
			}
			for _, f := range fs {
				if !f.Demo {
					t.Fatalf("seeded filing %d is not marked demonstration", f.ID)
				}
			}
			again, err := s.SeedDefault(ctx, demo)
			if err != nil || again {
				t.Fatalf("second SeedDefault = %v, %v; want false, nil", again, err)
			}
		})
	}
}

func TestRemoveDemo_KeepsOtherFilings(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.SeedDefault(ctx, true); err != nil {
		t.Fatal(err)
	}
	real := Filing{Provider: "viettel", Layer: geo.Mobile, AsOf: "2025-01-01",
		Footprints: []geo.Footprint{{Technology: "4G", Geometry: square(105.3, 20.8, 0.05)}}}
	ids, err := s.AddFilings(ctx, []Filing{real})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s.Filings(ctx, "")
	n, err := s.RemoveDemo(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	after, _ := s.Filings(ctx, "")
	if n != len(before)-1 || len(after) != 1 || after[0].ID != ids[0] {
		t.Fatalf("removed %d of %d; left %+v; want only filing %d left", n, len(before), after, ids[0])
	}
	var fps int
	s.w.QueryRow("SELECT COUNT(*) FROM footprints").Scan(&fps)
	if fps != 1 {
		t.Fatalf("%d footprints left, want the 1 of the real filing", fps)
	}
	if n, _ := s.CommuneCount(ctx); n != 46 {
		t.Fatalf("communes touched: %d left in today's set", n)
	}
}

func TestInForce_LaterFilingSupersedesPerTechnology(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	fp := func(tech string, x float64) geo.Footprint {
		return geo.Footprint{Technology: tech, Geometry: square(x, 20, 0.01)}
	}
	_, err := s.AddFilings(ctx, []Filing{
		{Provider: "vnpt", Layer: geo.Mobile, AsOf: "2020-01-01", Footprints: []geo.Footprint{fp("4G", 105), fp("3G", 106)}},
		{Provider: "vnpt", Layer: geo.Mobile, AsOf: "2022-06-30", Footprints: []geo.Footprint{fp("4G", 107)}},
		{Provider: "viettel", Layer: geo.Mobile, AsOf: "2021-01-01", Footprints: []geo.Footprint{fp("4G", 108)}},
		{Provider: "vnpt", Layer: geo.Phone, AsOf: "2019-01-01",
			Declarations: []geo.Declaration{{CommuneCode: "04807", Technology: "fixed_line", Share: 0.5}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		asOf  string
		xs    []float64 // min x of the footprints in force, in fid order
		decls int
	}{
		{"2018-12-31", nil, 0},
		{"2019-01-01", nil, 1},
		{"2020-06-01", []float64{105, 106}, 1},
		{"2021-06-01", []float64{105, 106, 108}, 1},
		{"2022-06-30", []float64{106, 107, 108}, 1},
	}
	for _, c := range cases {
		t.Run(c.asOf, func(t *testing.T) {
			fps, decls, err := s.InForce(ctx, c.asOf)
			if err != nil {
				t.Fatal(err)
			}
			var xs []float64
			for _, f := range fps {
				xs = append(xs, f.Geometry.Bound().Min[0])
			}
			if len(xs) != len(c.xs) || len(decls) != c.decls {
				t.Fatalf("in force: footprints at %v, %d declarations; want %v, %d", xs, len(decls), c.xs, c.decls)
			}
			for i := range xs {
				if xs[i] != c.xs[i] {
					t.Fatalf("footprints at %v, want %v", xs, c.xs)
				}
			}
		})
	}
}

func TestReplaceCommunes_AllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	good := []geo.Commune{{Code: "1", Name: "A", Population: 10, Geometry: square(0, 0, 1), Boundary: "x"}}
	if err := s.ReplaceCommunes(ctx, good, nil); err != nil {
		t.Fatal(err)
	}
	dup := []geo.Commune{
		{Code: "2", Name: "B", Population: 5, Geometry: square(0, 0, 1), Boundary: "x"},
		{Code: "2", Name: "C", Population: 5, Geometry: square(1, 0, 1), Boundary: "x"},
	}
	if err := s.ReplaceCommunes(ctx, dup, nil); err == nil {
		t.Fatal("duplicate codes were stored")
	}
	cs, _ := s.Communes(ctx)
	if len(cs) != 1 || cs[0].Code != "1" {
		t.Fatalf("after a failed replace the store holds %+v, want the original commune", cs)
	}
}

func TestUpdateBoundaries_Report(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	cs := []geo.Commune{
		{Code: "1", Name: "A", Population: 10, Geometry: square(0, 0, 1), Boundary: geo.BoundaryApproximate},
		{Code: "2", Name: "B", Population: 10, Geometry: square(1, 0, 1), Boundary: geo.BoundaryApproximate},
	}
	if err := s.ReplaceCommunes(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	v0, _ := s.CommunesVersion(ctx)
	rep, err := s.UpdateBoundaries(ctx, map[string]orb.MultiPolygon{"1": square(0, 0, 2), "9": square(5, 5, 1)}, "official.geojson", nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Matched != 1 || len(rep.Unmatched) != 1 || rep.Unmatched[0] != "2" || len(rep.Extra) != 1 || rep.Extra[0] != "9" {
		t.Fatalf("report %+v", rep)
	}
	got, _ := s.Communes(ctx)
	if got[0].Boundary != "official.geojson" || got[0].Geometry.Bound().Max[0] != 2 || got[1].Boundary != geo.BoundaryApproximate {
		t.Fatalf("after update: %+v", got)
	}
	if v1, _ := s.CommunesVersion(ctx); v1 == v0 {
		t.Fatal("communes version did not change")
	}
	_, err = s.UpdateBoundaries(ctx, map[string]orb.MultiPolygon{"9": square(5, 5, 1)}, "other.geojson", nil)
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("no match: err %v, want ErrInvalid", err)
	}
}
