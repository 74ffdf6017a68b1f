package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo/geotiff"
)

// gridInUse returns the method and id of the population grid db uses
// (method "even", id 0, when none).
func gridInUse(t *testing.T, db string) (string, int64) {
	t.Helper()
	store, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	_, info, err := store.PopulationGrid(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info == nil {
		return "even", 0
	}
	return info.Method, info.ID
}

// writeRaster writes a float32 GeoTIFF of rows × cols pixels of value v
// (NaN: no data) with its top-left corner at west, north.
func writeRaster(t *testing.T, path string, west, north float64, rows, cols int, v float32) {
	t.Helper()
	r := &geotiff.Raster{Cols: cols, Rows: rows, West: west, North: north, DX: 1.0 / 120, DY: 1.0 / 120, EPSG: 4326,
		NoData: -99999, HasNoData: true, Values: make([]float32, rows*cols)}
	for i := range r.Values {
		r.Values[i] = v
	}
	var buf bytes.Buffer
	if err := geotiff.Encode(&buf, r); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestE2E_ImportPopulation: a grid is imported, moves the figures and is
// named in the method; --none returns to the even spread; and every
// broken or foreign raster is refused with its reason, changing nothing.
func TestE2E_ImportPopulation(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pop.gpkg")
	newDatabase(t, db)
	seedMethod, seedID := gridInUse(t, db)
	if seedMethod != "grid-worldpop-v1" || seedID == 0 {
		t.Fatalf("a new database uses %s (grid %d), want grid-worldpop-v1", seedMethod, seedID)
	}

	pngFile := filepath.Join(dir, "photo.tif")
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4)))
	os.WriteFile(pngFile, buf.Bytes(), 0o644)
	spain := filepath.Join(dir, "esp_ppp_2020.tif")
	writeRaster(t, spain, -9, 43, 60, 120, 50)
	empty := filepath.Join(dir, "empty.tif")
	writeRaster(t, empty, 104.5, 21.5, 200, 200, float32(math.NaN()))
	truncated := filepath.Join(dir, "truncated.tif")
	seedTIF, err := os.ReadFile("../../data/seed/worldpop_hoabinh_2020.tif")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(truncated, seedTIF[:len(seedTIF)/2], 0o644)

	cases := []struct{ name, file, want string }{
		{"PNG renamed .tif", pngFile, "PNG"},
		{"a grid of another country", spain, "does not cover the communes"},
		{"no people over the communes", empty, "no people over any commune"},
		{"truncated", truncated, "past the end"},
		{"missing", filepath.Join(dir, "nowhere.tif"), "no such file"},
	}
	if gt, err := exec.LookPath("gdal_translate"); err == nil {
		projected := filepath.Join(dir, "utm48.tif")
		if out, err := exec.Command(gt, "-q", "-a_srs", "EPSG:32648", "-a_ullr", "480000", "2340000", "600000", "2240000",
			"../../data/seed/worldpop_hoabinh_2020.tif", projected).CombinedOutput(); err != nil {
			t.Fatalf("gdal_translate: %v\n%s", err, out)
		}
		cases = append(cases, struct{ name, file, want string }{"projected", projected, "EPSG:32648"})
	} else if os.Getenv("CI") != "" {
		t.Fatal("CI needs gdal_translate (Debian package gdal-bin)")
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runCLI(t, "import", "population", tc.file, "--db", db)
			if exitCode(t, err) == 0 || !strings.Contains(out, tc.want) || !strings.Contains(out, "nothing was changed") {
				t.Errorf("exit %v, want a refusal naming %q and saying nothing was changed:\n%s", err, tc.want, out)
			}
			if m, id := gridInUse(t, db); m != seedMethod || id != seedID {
				t.Errorf("after the refusal the database uses %s (grid %d), want %s (grid %d)", m, id, seedMethod, seedID)
			}
		})
	}

	out, err := runCLI(t, "import", "population", "--none", "--db", db)
	if err != nil || !strings.Contains(out, "evenly again") || !strings.Contains(out, "grid-worldpop-v1 → even") {
		t.Fatalf("--none: %v\n%s", err, out)
	}
	if m, _ := gridInUse(t, db); m != "even" {
		t.Fatalf("after --none: %s", m)
	}
	out, err = runCLI(t, "import", "population", "../../data/seed/worldpop_hoabinh_2020.tif", "--name", "hb-crop", "--source", "test crop", "--db", db)
	if err != nil || !strings.Contains(out, "grid-hb-crop-v1") || !strings.Contains(out, "210 of 210 communes") || !strings.Contains(out, "moved by") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if m, id := gridInUse(t, db); m != "grid-hb-crop-v1" || id <= seedID {
		t.Fatalf("after the import: %s (grid %d)", m, id)
	}
	for _, args := range [][]string{
		{"import", "population", "--db", db},
		{"import", "population", "--none", "../../data/seed/worldpop_hoabinh_2020.tif", "--db", db},
		{"import", "population", "../../data/seed/worldpop_hoabinh_2020.tif", "--name", "World Pop", "--db", db},
	} {
		if out, err := runCLI(t, args...); exitCode(t, err) == 0 {
			t.Errorf("phusong %s succeeded:\n%s", strings.Join(args, " "), out)
		}
	}
}
