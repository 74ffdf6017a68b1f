package data

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phusong/phusong/geo"
)

// The store and every export are GeoPackages that GDAL's own validator,
// validate_gpkg.py, accepts: the standard's requirements checked by a tool
// this project did not write.

// contentsDefault is gpkg_contents.last_change's default as GeoPackage 1.3
// Req 13 spells it, which validate_gpkg.py compares literally.
const contentsDefault = "strftime('%Y-%m-%dT%H:%M:%fZ','now')"

// validateGPKG runs GDAL's validate_gpkg.py on path and fails the test with
// its report. It skips where the validator is not installed, and fails in
// CI (CI set), where .ci/run installs it.
func validateGPKG(t *testing.T, path string) {
	t.Helper()
	script := ""
	for _, p := range []string{
		"/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py",
		"/usr/share/doc/python3-gdal/examples/validate_gpkg.py",
	} {
		if _, err := os.Stat(p); err == nil {
			script = p
			break
		}
	}
	// Debian's python3-gdal installs osgeo for the system Python, which a
	// python3 earlier in PATH (pyenv, a venv) may not see.
	python := "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		python, _ = exec.LookPath("python3")
	}
	if script == "" || python == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI needs GDAL's validate_gpkg.py (Debian package python3-gdal)")
		}
		t.Skip("skipped: GDAL's validate_gpkg.py (Debian package python3-gdal) is not installed")
	}
	out, err := exec.Command(python, script, path).CombinedOutput()
	if err != nil || strings.Contains(string(out), "Exception") {
		t.Fatalf("validate_gpkg.py %s: %v\n%s", filepath.Base(path), err, out)
	}
}

func TestValidateGPKG_Store(t *testing.T) {
	ctx := context.Background()
	for _, demo := range []bool{true, false} {
		t.Run(map[bool]string{true: "seeded with demo", false: "seeded without demo"}[demo], func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "store.gpkg")
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.SeedDefault(ctx, demo); err != nil {
				t.Fatal(err)
			}
			// Figures for every commune of every layer, so that the
			// coverage_ views are checked with features in them.
			cs, err := s.Communes(ctx)
			if err != nil {
				t.Fatal(err)
			}
			res := &geo.Result{Method: geo.Method{Name: geo.MethodName}}
			for _, l := range geo.Layers {
				b := geo.Breakdown{Key: "all"}
				for _, c := range cs {
					b.Communes = append(b.Communes, geo.CommuneFigure{Code: c.Code, Population: c.Population,
						Covered: float64(c.Population) / 2, Share: 0.5, Status: geo.StatusPartial})
				}
				res.Layers = append(res.Layers, geo.LayerResult{Layer: l, Breakdowns: []geo.Breakdown{b}})
			}
			if err := s.SaveCoverage(ctx, res, "2026-01-02T03:04:05Z", 1); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := s.r.QueryRow("SELECT COUNT(*) FROM coverage_mobile").Scan(&n); err != nil || n != len(cs) || n == 0 {
				t.Fatalf("coverage_mobile has %d features (%v), want one per commune (%d)", n, err, len(cs))
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			validateGPKG(t, path)
		})
	}
}

func TestValidateGPKG_Export(t *testing.T) {
	ctx := context.Background()
	for _, layer := range geo.Layers {
		t.Run(string(layer), func(t *testing.T) {
			tb := exportTable(t)
			tb.Layer = layer
			path := filepath.Join(t.TempDir(), string(layer)+".gpkg")
			if err := WriteGeoPackage(ctx, path, tb); err != nil {
				t.Fatal(err)
			}
			validateGPKG(t, path)
		})
	}
}

// TestMigration_ContentsDefaultUpgrade: a store made before migration 0010
// gets the standard's default and its rows in the standard's form, with
// gpkg_geometry_columns and its foreign keys intact.
func TestMigration_ContentsDefaultUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.gpkg")
	old, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	old.SetMaxOpenConns(1)
	if _, err := old.Exec(`CREATE TABLE schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.version >= 10 {
			break
		}
		if m.version == 1 {
			if _, err := old.Exec(fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", applicationID, gpkgVersion)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := old.Exec(m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if _, err := old.Exec("INSERT INTO schema_migrations VALUES (?, ?, ?)", m.version, m.name, now()); err != nil {
			t.Fatal(err)
		}
	}
	// A row as an older writer might have left it: SQLite's datetime().
	if _, err := old.Exec("UPDATE gpkg_contents SET last_change = '2024-05-06 07:08:09' WHERE table_name = 'communes'"); err != nil {
		t.Fatal(err)
	}
	old.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var dflt string
	if err := s.w.QueryRow("SELECT dflt_value FROM pragma_table_info('gpkg_contents') WHERE name = 'last_change'").Scan(&dflt); err != nil {
		t.Fatal(err)
	}
	if dflt != contentsDefault {
		t.Fatalf("last_change default %s, want %s", dflt, contentsDefault)
	}
	var last string
	if err := s.w.QueryRow("SELECT last_change || '' FROM gpkg_contents WHERE table_name = 'communes'").Scan(&last); err != nil {
		t.Fatal(err)
	}
	if last != "2024-05-06T07:08:09.000Z" {
		t.Fatalf("communes last_change %q, want 2024-05-06T07:08:09.000Z", last)
	}
	var geomCols, fkProblems int
	s.w.QueryRow("SELECT COUNT(*) FROM gpkg_geometry_columns WHERE table_name IN ('communes', 'footprints')").Scan(&geomCols)
	s.w.QueryRow("SELECT COUNT(*) FROM pragma_foreign_key_check").Scan(&fkProblems)
	if geomCols != 2 || fkProblems != 0 {
		t.Fatalf("%d geometry columns, %d foreign key problems; want 2 and 0", geomCols, fkProblems)
	}
	var leftovers int
	s.w.QueryRow("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE '%_0001'").Scan(&leftovers)
	if leftovers != 0 {
		t.Fatalf("%d tables of the rebuild left behind", leftovers)
	}
	if _, err := s.w.Exec("INSERT INTO gpkg_geometry_columns VALUES ('nowhere', 'geom', 'POINT', 4326, 0, 0)"); err == nil {
		t.Fatal("gpkg_geometry_columns accepts a table that gpkg_contents lacks: its foreign key is lost")
	}
	s.Close()
	validateGPKG(t, path)
}
