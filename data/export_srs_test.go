package data

import (
	"context"
	"database/sql"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phusong/phusong/geo/crs"
)

func TestWriteGeoPackage_InCRS(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"EPSG:3857", "EPSG:4756", "EPSG:3405", "EPSG:3406"} {
		t.Run(name, func(t *testing.T) {
			c, err := crs.Lookup(name)
			if err != nil {
				t.Fatal(err)
			}
			tb := exportTable(t).InCRS(c)
			path := filepath.Join(t.TempDir(), "broadband.gpkg")
			if err := WriteGeoPackage(ctx, path, tb); err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var def string
			if err := db.QueryRow("SELECT definition FROM gpkg_spatial_ref_sys WHERE srs_id = ? AND organization = 'EPSG'", c.Code).Scan(&def); err != nil || def != c.WKT {
				t.Fatalf("gpkg_spatial_ref_sys %d: %q (%v)", c.Code, def, err)
			}
			var contents, column int
			var minX float64
			db.QueryRow("SELECT srs_id, min_x FROM gpkg_contents WHERE table_name = 'broadband'").Scan(&contents, &minX)
			db.QueryRow("SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = 'broadband'").Scan(&column)
			if contents != c.Code || column != c.Code || minX != tb.Bound().Min[0] {
				t.Fatalf("gpkg_contents srs %d min_x %v, gpkg_geometry_columns srs %d; want %d, %v", contents, minX, column, c.Code, tb.Bound().Min[0])
			}
			var blob []byte
			if err := db.QueryRow("SELECT geom FROM broadband WHERE code = '04807'").Scan(&blob); err != nil || len(blob) < 8 {
				t.Fatalf("geometry %x (%v)", blob, err)
			}
			if srs := int(binary.LittleEndian.Uint32(blob[4:8])); srs != c.Code {
				t.Fatalf("the geometry header says SRS %d, want %d", srs, c.Code)
			}
			db.Close()
			validateGPKG(t, path)
			if _, err := exec.LookPath("ogrinfo"); err != nil {
				if os.Getenv("CI") != "" {
					t.Fatal("CI needs ogrinfo (gdal-bin)")
				}
				t.Skip("skipped: ogrinfo (Debian package gdal-bin) is not installed")
			}
			out, err := exec.Command("ogrinfo", "-ro", "-so", path, "broadband").CombinedOutput()
			if err != nil || !strings.Contains(string(out), `ID["EPSG",`+c.String()[5:]+`]`) {
				t.Fatalf("ogrinfo does not name %s (%v):\n%s", c, err, out)
			}
		})
	}
}
