package data

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	orbgeo "github.com/paulmach/orb/geo"

	"github.com/phusong/phusong/data/pgtest"
	"github.com/phusong/phusong/geo"
)

func TestRebind(t *testing.T) {
	for in, want := range map[string]string{
		"SELECT 1":                            "SELECT 1",
		"a = ? AND b = ?":                     "a = $1 AND b = $2",
		"?2 <= x AND y > ?1":                  "$2 <= x AND y > $1",
		"x = '?' AND y = ?":                   "x = '?' AND y = $1",
		`"odd?name" = ? -- why? ?` + "\n, ?":  `"odd?name" = $1 -- why? ?` + "\n, $2",
		"v = 'it''s ?' OR w = ?":              "v = 'it''s ?' OR w = $1",
		"LIMIT ? OFFSET ?":                    "LIMIT $1 OFFSET $2",
		"substr(at, 1, 10) >= ? ORDER BY ?10": "substr(at, 1, 10) >= $1 ORDER BY $10",
	} {
		if got := rebind(in); got != want {
			t.Errorf("rebind(%q) = %q, want %q", in, got, want)
		}
	}
}

// openPG opens a store on a new PostgreSQL database whatever the store
// under test, for what only PostgreSQL does.
func openPG(t *testing.T, url string) *Store {
	t.Helper()
	s, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Instances started together on a new database migrate it once: the
// others wait on the advisory lock and find it done.
func TestPostgres_InstancesMigrateOnce(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	const n = 4
	stores := make([]*Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = OpenExclusive(ctx, url, true)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	var rows, version int
	if err := stores[0].r.QueryRowContext(ctx, "SELECT COUNT(*), MAX(version) FROM schema_migrations").Scan(&rows, &version); err != nil {
		t.Fatal(err)
	}
	ms, _ := migrations()
	pg, _ := readMigrations(migrationPGFS, "migrations_pg")
	if want := ms[len(ms)-1].version; rows != len(pg) || version != want {
		t.Fatalf("schema_migrations: %d rows, version %d; want %d rows (each migration once), version %d (as SQLite's latest)", rows, version, len(pg), want)
	}
	var targets int
	if err := stores[1].r.QueryRowContext(ctx, "SELECT COUNT(*) FROM targets").Scan(&targets); err != nil || targets != 4 {
		t.Fatalf("seeded targets: %d, %v; want the 4 of the resolution once", targets, err)
	}
}

// Writes from several instances are serialised: every filing is stored,
// and the version counter the instances watch counts each one.
func TestPostgres_WritesOfInstancesSerialise(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	a, b := openPG(t, url), openPG(t, url)
	if err := a.ReplaceCommunes(ctx, unitSetCommunes("00001", "00002"), nil); err != nil {
		t.Fatal(err)
	}
	before, err := a.InputsVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const each = 10
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for _, s := range []*Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				_, err := s.AddFilings(ctx, []Filing{{Provider: "vnpt", Layer: geo.Broadband, AsOf: fmt.Sprintf("2025-01-%02d", i+1),
					Declarations: []geo.Declaration{{CommuneCode: "00001", Technology: "FTTH", Share: 0.5}}}})
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := b.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM filings").Scan(&n); err != nil || n != 2*each {
		t.Fatalf("filings stored: %d, %v; want %d", n, err, 2*each)
	}
	after, err := b.InputsVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if before == after || !strings.Contains(after, "filings_version=") {
		t.Fatalf("inputs version %q → %q: want the filings counted", before, after)
	}
	var v int
	if err := b.r.QueryRowContext(ctx, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'filings_version'").Scan(&v); err != nil || v < 2*each {
		t.Fatalf("filings_version = %d, %v; want at least %d (one bump per filing, none lost)", v, err, 2*each)
	}
}

// The coverage views hold today's units with a PostGIS geometry and the
// figures last saved: what a planner opens in QGIS.
func TestPostgres_CoverageViewsForQGIS(t *testing.T) {
	ctx := context.Background()
	s := openPG(t, pgtest.URL(t))
	if _, err := s.SeedDefault(ctx, false); err != nil {
		t.Fatal(err)
	}
	sets, err := s.UnitSets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	today := sets[len(sets)-1]
	communes, err := s.CommunesOf(ctx, today)
	if err != nil {
		t.Fatal(err)
	}
	var inForce int
	if err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM communes_in_force").Scan(&inForce); err != nil {
		t.Fatal(err)
	}
	if inForce != len(communes) {
		t.Fatalf("communes_in_force: %d units, want today's set's %d", inForce, len(communes))
	}
	// Figures for today's set: a made-up share per commune, saved as the
	// service saves each recompute.
	res := &geo.Result{Layers: []geo.LayerResult{{Layer: geo.Mobile, Breakdowns: []geo.Breakdown{{Key: "all"}}}}}
	for i, c := range communes {
		share := float64(i%5) / 4
		res.Layers[0].Breakdowns[0].Communes = append(res.Layers[0].Breakdowns[0].Communes, geo.CommuneFigure{
			Code: c.Code, Population: c.Population, Covered: share * float64(c.Population), Share: share, Status: geo.StatusPartial})
	}
	if err := s.SaveCoverage(ctx, res, "2026-01-01T00:00:00Z", today.ID); err != nil {
		t.Fatal(err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT code, share_covered, ST_SRID(geom), ST_GeometryType(geom), ST_IsValid(geom),
		ST_Area(geom::geography) / 1e6 FROM coverage_mobile`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := map[string]geo.Commune{}
	for _, c := range communes {
		want[c.Code] = c
	}
	n := 0
	for rows.Next() {
		var code, kind string
		var share, km2 float64
		var srid int
		var valid bool
		if err := rows.Scan(&code, &share, &srid, &kind, &valid, &km2); err != nil {
			t.Fatal(err)
		}
		c, ok := want[code]
		if !ok {
			t.Fatalf("coverage_mobile has %s, not a unit of today's set", code)
		}
		if srid != 4326 || kind != "ST_MultiPolygon" {
			t.Errorf("%s: SRID %d, %s; want 4326, ST_MultiPolygon", code, srid, kind)
		}
		if !valid {
			t.Errorf("%s: PostGIS finds the geometry invalid", code)
		}
		// The same shape: PostGIS's area on the spheroid and orb's on the
		// sphere of the store's geometry agree within one percent (spheroid against sphere).
		if ours := orbgeo.Area(c.Geometry) / 1e6; math.Abs(km2-ours)/ours > 0.01 {
			t.Errorf("%s: PostGIS area %.3f km², the store's geometry %.3f km²", code, km2, ours)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(communes) {
		t.Fatalf("coverage_mobile: %d rows, want %d", n, len(communes))
	}
	// GDAL, as QGIS uses it, opens the view as a layer of polygons with
	// the figures as fields.
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI needs ogrinfo (gdal-bin)")
		}
		t.Log("skipped the GDAL check: ogrinfo (Debian package gdal-bin) is not installed")
	} else {
		u, err := url.Parse(s.dsn)
		if err != nil {
			t.Fatal(err)
		}
		pw, _ := u.User.Password()
		conn := fmt.Sprintf("PG:host=%s port=%s user=%s password=%s dbname=%s", u.Hostname(), u.Port(), u.User.Username(), pw, strings.TrimPrefix(u.Path, "/"))
		out, err := exec.Command("ogrinfo", "-ro", "-so", conn, "coverage_mobile").CombinedOutput()
		for _, want := range []string{"Geometry: Multi Polygon", fmt.Sprintf("Feature Count: %d", len(communes)),
			"share_covered: Real", "status: String", `"WGS 84"`} {
			if err != nil || !strings.Contains(string(out), want) {
				t.Fatalf("ogrinfo on coverage_mobile: no %q (%v):\n%s", want, err, out)
			}
		}
	}
	// A GeoPackage blob the function does not know is no geometry, not
	// an error that would hide the whole view.
	var isNull bool
	if err := s.r.QueryRowContext(ctx, "SELECT phusong_gpkg_geometry('\\x0102'::bytea) IS NULL").Scan(&isNull); err != nil || !isNull {
		t.Fatalf("phusong_gpkg_geometry(garbage) IS NULL = %t, %v", isNull, err)
	}
}

// Both stores reach the same schema version: from 14, where the
// PostgreSQL store starts, every migration comes in both folders.
func TestMigrations_SameVersionsOnBothStores(t *testing.T) {
	lite, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	pg, err := readMigrations(migrationPGFS, "migrations_pg")
	if err != nil {
		t.Fatal(err)
	}
	var a, b []int
	for _, m := range lite {
		if m.version >= pg[0].version {
			a = append(a, m.version)
		}
	}
	for _, m := range pg {
		b = append(b, m.version)
	}
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("migrations from %d: SQLite %v, PostgreSQL %v; add the missing one to data/migrations or data/migrations_pg", pg[0].version, a, b)
	}
}
