package data

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/export"
	"github.com/phusong/phusong/geo/gpkg"
)

func exportTable(t *testing.T) *export.Table {
	t.Helper()
	communes := []geo.Commune{
		{Code: "04807", Name: "Phường Phương Lâm", Type: "phường", DistrictCode: "148", District: "Thành phố Hòa Bình",
			Population: 1000, Boundary: geo.BoundaryApproximate, Geometry: square(105.3, 20.8, 0.05)},
		{Code: "04810", Name: "Xã Hợp Thịnh", Type: "xã", DistrictCode: "151", District: "Kỳ Sơn",
			Population: 2000, Boundary: geo.BoundaryApproximate, Geometry: square(105.4, 20.8, 0.05)},
	}
	figs := []geo.CommuneFigure{
		{Code: "04807", Population: 1000, Covered: 1000, Share: 1, Status: geo.StatusCovered},
		{Code: "04810", Population: 2000, Covered: 700.4, Share: 0.3502, Status: geo.StatusNone},
	}
	tb, err := export.NewTable(geo.Broadband, communes, figs)
	if err != nil {
		t.Fatal(err)
	}
	tb.AsOf, tb.ComputedAt, tb.Source = "2026-01-01", "2026-01-01T00:00:00Z", "a test"
	tb.Method = geo.Method{Name: geo.MethodName, CellSizeM: 100}
	return tb
}

func TestWriteGeoPackage(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "broadband.gpkg")
	if err := WriteGeoPackage(ctx, path, exportTable(t)); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Fatalf("%s%s left beside the file: the export must be one file", path, suffix)
		}
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var appID, version int
	db.QueryRow("PRAGMA application_id").Scan(&appID)
	db.QueryRow("PRAGMA user_version").Scan(&version)
	if appID != applicationID || version != gpkgVersion {
		t.Fatalf("application_id %#x, user_version %d: not a GeoPackage 1.3", appID, version)
	}
	var n int
	var covered int
	var status string
	if err := db.QueryRow("SELECT COUNT(*) FROM broadband").Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d rows (%v), want 2", n, err)
	}
	if err := db.QueryRow("SELECT population_covered, status FROM broadband WHERE code = '04810'").Scan(&covered, &status); err != nil ||
		covered != 700 || status != "none" {
		t.Fatalf("04810: %d %s (%v)", covered, status, err)
	}
	var blob []byte
	if err := db.QueryRow("SELECT geom FROM broadband WHERE code = '04807'").Scan(&blob); err != nil {
		t.Fatal(err)
	}
	if mp, err := gpkg.Decode(blob); err != nil || mp.Bound() != square(105.3, 20.8, 0.05).Bound() {
		t.Fatalf("geometry %v (%v)", mp, err)
	}
	info := map[string]string{}
	rows, err := db.Query("SELECT key, value FROM export_info")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k, v string
		rows.Scan(&k, &v)
		info[k] = v
	}
	rows.Close()
	for _, k := range []string{"layer", "as_of", "computed_at", "method", "source", "boundary_note"} {
		if info[k] == "" {
			t.Fatalf("export_info lacks %s: %v", k, info)
		}
	}
	var desc string
	var minX float64
	if err := db.QueryRow("SELECT description, min_x FROM gpkg_contents WHERE table_name = 'broadband'").Scan(&desc, &minX); err != nil ||
		!strings.Contains(desc, "2026-01-01") || minX != 105.3 {
		t.Fatalf("gpkg_contents: %q %v (%v)", desc, minX, err)
	}

	t.Run("ogrinfo reads it", func(t *testing.T) {
		if _, err := exec.LookPath("ogrinfo"); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("CI needs ogrinfo (gdal-bin)")
			}
			t.Skip("skipped: ogrinfo (Debian package gdal-bin) is not installed")
		}
		out, err := exec.Command("ogrinfo", "-ro", "-so", path, "broadband").CombinedOutput()
		if err != nil {
			t.Fatalf("ogrinfo: %v\n%s", err, out)
		}
		for _, want := range []string{"Feature Count: 2", "Geometry: Multi Polygon", "share_covered: Real", "population: Integer"} {
			if !strings.Contains(string(out), want) {
				t.Fatalf("ogrinfo does not say %q:\n%s", want, out)
			}
		}
		if strings.Contains(string(out), "ERROR") || strings.Contains(string(out), "Warning") {
			t.Fatalf("ogrinfo complains:\n%s", out)
		}
	})
}

func TestWriteGeoPackage_Refuses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	existing := filepath.Join(dir, "store.gpkg")
	if err := os.WriteFile(existing, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := exportTable(t)
	bad.Layer = "rooftops; DROP TABLE x"
	cases := []struct {
		name string
		path string
		t    *export.Table
	}{
		{"an existing file", existing, exportTable(t)},
		{"a layer outside the four", filepath.Join(dir, "x.gpkg"), bad},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := WriteGeoPackage(ctx, c.path, c.t); !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
	if b, _ := os.ReadFile(existing); string(b) != "precious" {
		t.Fatal("the existing file was touched")
	}
}

func TestFilingsInForce(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	fp := func(tech string) geo.Footprint {
		return geo.Footprint{Technology: tech, Geometry: square(105, 20, 0.01)}
	}
	ids, err := s.AddFilings(ctx, []Filing{
		{Provider: "vnpt", Layer: geo.Mobile, AsOf: "2020-01-01", Footprints: []geo.Footprint{fp("4G"), fp("3G")}},
		{Provider: "vnpt", Layer: geo.Mobile, AsOf: "2022-06-30", Footprints: []geo.Footprint{fp("4G")}},
		{Provider: "viettel", Layer: geo.Broadband, AsOf: "2021-01-01", Source: "viettel.csv",
			Declarations: []geo.Declaration{{CommuneCode: "04807", Technology: "FTTH", Share: 0.5}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		asOf string
		want []int64
	}{
		{"2019-12-31", nil},
		{"2020-06-01", []int64{ids[0]}},
		{"2021-06-01", []int64{ids[2], ids[0]}},
		// The 2022 filing supersedes 4G only: the 2020 one still gives 3G.
		{"2022-07-01", []int64{ids[2], ids[0], ids[1]}},
	}
	for _, c := range cases {
		t.Run(c.asOf, func(t *testing.T) {
			fs, err := s.FilingsInForce(ctx, c.asOf)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, f := range fs {
				got = append(got, f.ID)
			}
			if len(got) != len(c.want) {
				t.Fatalf("filings %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("filings %v, want %v", got, c.want)
				}
			}
		})
	}
}

// TestWriteGeoPackage_SameBytes: one table written twice is the same file
// byte for byte (last_change is when the figures were computed, not when
// the file was written), so that the server can answer the range requests
// of a client such as GDAL's /vsicurl/ from files written apart.
func TestWriteGeoPackage_SameBytes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var files [2][]byte
	for i := range files {
		path := filepath.Join(dir, fmt.Sprintf("broadband-%d.gpkg", i))
		if err := WriteGeoPackage(ctx, path, exportTable(t)); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files[i] = b
		if i == 0 {
			time.Sleep(20 * time.Millisecond) // past the milliseconds of last_change
		}
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Fatal("the same table written twice gave two different files")
	}
}
