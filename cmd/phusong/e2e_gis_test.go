package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// The GIS tools people already use, driven against the real binary: GDAL's
// OAPIF driver reads the OGC API, ogrinfo reads every exported GeoPackage
// and a vector tile, and a KML export parses.

// needGDAL returns the path of a GDAL program, skipping where GDAL is not
// installed and failing in CI, where .ci/run installs it.
func needGDAL(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs %s (Debian package gdal-bin)", name)
		}
		t.Skipf("skipped: %s (Debian package gdal-bin) is not installed", name)
	}
	return p
}

func gdal(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(needGDAL(t, name), args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	if strings.Contains(string(out), "ERROR") {
		t.Fatalf("%s %s complains:\n%s", name, strings.Join(args, " "), out)
	}
	return string(out)
}

// layerFigures returns each commune's figures from the API's layer GeoJSON.
func (s *server) layerFigures(t *testing.T, layer string) map[string]map[string]any {
	t.Helper()
	res, err := http.Get(s.url + "/api/v1/layers/" + layer + "/communes")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	return featureProperties(t, res.Body)
}

// featureProperties reads a GeoJSON FeatureCollection's properties by code.
func featureProperties(t *testing.T, r io.Reader) map[string]map[string]any {
	t.Helper()
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.NewDecoder(r).Decode(&fc); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, f := range fc.Features {
		out[fmt.Sprint(f.Properties["code"])] = f.Properties
	}
	return out
}

func sameFigures(t *testing.T, what string, got, want map[string]map[string]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d communes, the API has %d", what, len(got), len(want))
	}
	for code, w := range want {
		g := got[code]
		for _, k := range []string{"population", "population_covered", "share_covered", "status", "name", "district"} {
			gv, wv := g[k], w[k]
			if gf, ok := gv.(float64); ok {
				if wf, ok := wv.(float64); ok && math.Abs(gf-wf) < 1e-9 {
					continue
				}
			}
			if gv != wv {
				t.Fatalf("%s: commune %s %s = %v, the API says %v", what, code, k, gv, wv)
			}
		}
	}
}

func TestE2E_GISTools(t *testing.T) {
	needGDAL(t, "ogrinfo")
	dir := t.TempDir()
	db := filepath.Join(dir, "phusong.gpkg")
	newDatabase(t, db)
	s := startServer(t, db)
	ogc := "OAPIF:" + s.url + "/ogc"

	t.Run("ogrinfo lists the collections", func(t *testing.T) {
		out := gdal(t, nil, "ogrinfo", "-ro", ogc)
		for _, want := range []string{"communes", "broadcast", "phone", "broadband", "mobile"} {
			if !strings.Contains(out, ": "+want+" (") {
				t.Fatalf("ogrinfo does not list %s:\n%s", want, out)
			}
		}
	})

	// A planner opening the store in QGIS sees the layers meant for them,
	// never tokens, audit_log or filings, and each layer's figures ready
	// to style.
	t.Run("ogrinfo lists the store's user-facing layers only", func(t *testing.T) {
		out := gdal(t, nil, "ogrinfo", "-ro", "-so", db)
		var layers []string
		for _, line := range strings.Split(out, "\n") {
			if n, rest, ok := strings.Cut(line, ": "); ok && strings.Trim(n, "0123456789") == "" && n != "" {
				layers = append(layers, rest)
			}
		}
		want := []string{"communes (Multi Polygon)", "footprints (Multi Polygon)",
			"coverage_broadcast (Multi Polygon)", "coverage_phone (Multi Polygon)",
			"coverage_broadband (Multi Polygon)", "coverage_mobile (Multi Polygon)", "figures_info (None)"}
		if strings.Join(layers, "|") != strings.Join(want, "|") {
			t.Fatalf("ogrinfo lists %q, want %q:\n%s", layers, want, out)
		}
		geojson := filepath.Join(dir, "store-coverage-mobile.geojson")
		gdal(t, nil, "ogr2ogr", "-f", "GeoJSON", geojson, db, "coverage_mobile")
		f, err := os.Open(geojson)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		got, api := featureProperties(t, f), s.layerFigures(t, "mobile")
		if len(got) != len(api) || len(got) != 210 {
			t.Fatalf("coverage_mobile has %d communes, the API %d", len(got), len(api))
		}
		// The view holds the stored figures, which the API rounds to whole
		// people and 4 decimals of the share.
		for code, w := range api {
			g := got[code]
			gc, _ := g["population_covered"].(float64)
			wc, _ := w["population_covered"].(float64)
			gs, _ := g["share_covered"].(float64)
			ws, _ := w["share_covered"].(float64)
			if g["status"] != w["status"] || g["name"] != w["name"] || math.Abs(gc-wc) > 0.5 || math.Abs(gs-ws) > 5e-5 {
				t.Fatalf("coverage_mobile %s: %v, the API says %v", code, g, w)
			}
		}
	})

	t.Run("ogr2ogr pages through mobile", func(t *testing.T) {
		out := filepath.Join(dir, "oapif.gpkg")
		log := gdal(t, []string{"CPL_DEBUG=ON"}, "ogr2ogr", "-f", "GPKG", out, ogc, "mobile", "-oo", "PAGE_SIZE=50")
		if pages := strings.Count(log, "/ogc/collections/mobile/items?"); pages < 5 {
			t.Fatalf("ogr2ogr fetched %d pages of 50, want 5 or more:\n%s", pages, log)
		}
		if info := gdal(t, nil, "ogrinfo", "-ro", "-so", out, "mobile"); !strings.Contains(info, "Feature Count: 210") {
			t.Fatalf("ogr2ogr's GeoPackage:\n%s", info)
		}
		geojson := filepath.Join(dir, "oapif.geojson")
		gdal(t, nil, "ogr2ogr", "-f", "GeoJSON", geojson, out, "mobile")
		f, err := os.Open(geojson)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sameFigures(t, "OAPIF through ogr2ogr", featureProperties(t, f), s.layerFigures(t, "mobile"))
	})

	t.Run("ogrinfo reads every exported GeoPackage", func(t *testing.T) {
		for _, layer := range []string{"broadcast", "phone", "broadband", "mobile"} {
			out := filepath.Join(dir, layer+".gpkg")
			if msg, err := runCLI(t, "export", "--db", db, "--layer", layer, "--format", "gpkg", "-o", out); err != nil {
				t.Fatalf("export %s: %v\n%s", layer, err, msg)
			}
			info := gdal(t, nil, "ogrinfo", "-ro", "-so", out, layer)
			for _, want := range []string{"Feature Count: 210", "Geometry: Multi Polygon", "share_covered: Real", `ID["EPSG",4326]`} {
				if !strings.Contains(info, want) {
					t.Fatalf("ogrinfo of the %s export does not say %q:\n%s", layer, want, info)
				}
			}
			meta := gdal(t, nil, "ogrinfo", "-ro", out, "export_info")
			for _, want := range []string{"as_of", "grid-centroid-v1", "demonstration"} {
				if !strings.Contains(meta, want) {
					t.Fatalf("the %s export's export_info lacks %q:\n%s", layer, want, meta)
				}
			}
		}
		res, err := http.Get(s.url + "/api/v1/export/mobile.gpkg?as_of=2020-01-01")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		api := filepath.Join(dir, "api-mobile.gpkg")
		if err := os.WriteFile(api, body, 0o644); err != nil {
			t.Fatal(err)
		}
		if info := gdal(t, nil, "ogrinfo", "-ro", "-so", api, "mobile"); !strings.Contains(info, "Feature Count: 210") {
			t.Fatalf("ogrinfo of the API's export:\n%s", info)
		}
		// The GeoPackage holds the API's figures.
		geojson := filepath.Join(dir, "mobile-export.geojson")
		gdal(t, nil, "ogr2ogr", "-f", "GeoJSON", geojson, filepath.Join(dir, "mobile.gpkg"), "mobile")
		f, err := os.Open(geojson)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sameFigures(t, "GeoPackage export", featureProperties(t, f), s.layerFigures(t, "mobile"))
	})

	// QGIS opens a URL source through GDAL's /vsicurl/, which reads the
	// file by range requests and gives up on a server that ignores them.
	t.Run("ogrinfo opens every export from its URL", func(t *testing.T) {
		for _, c := range []struct{ file, layer, want string }{
			{"mobile.gpkg", "mobile", "share_covered: Real"},
			{"mobile.geojson", "", "share_covered: Real"},
			{"mobile.kml", "", "share_covered: Real"},
		} {
			src := "/vsicurl/" + s.url + "/api/v1/export/" + c.file
			args := []string{"-ro", "-so", "-al", src}
			if c.layer != "" {
				args = []string{"-ro", "-so", src, c.layer}
			}
			info := gdal(t, nil, "ogrinfo", args...)
			for _, want := range []string{"Feature Count: 210", c.want} {
				if !strings.Contains(info, want) {
					t.Fatalf("ogrinfo of /vsicurl/ %s does not say %q:\n%s", c.file, want, info)
				}
			}
		}
	})

	t.Run("--crs writes a GeoPackage in VN-2000 / UTM zone 48N, and no KML", func(t *testing.T) {
		out := filepath.Join(dir, "mobile-3405.gpkg")
		if msg, err := runCLI(t, "export", "--db", db, "--layer", "mobile", "--format", "gpkg", "--crs", "EPSG:3405", "-o", out); err != nil {
			t.Fatalf("export: %v\n%s", err, msg)
		}
		info := gdal(t, nil, "ogrinfo", "-ro", "-so", out, "mobile")
		for _, want := range []string{"Feature Count: 210", `PROJCRS["VN-2000 / UTM zone 48N"`, `ID["EPSG",3405]`} {
			if !strings.Contains(info, want) {
				t.Fatalf("ogrinfo of the EPSG:3405 export does not say %q:\n%s", want, info)
			}
		}
		if msg, err := runCLI(t, "export", "--db", db, "--layer", "mobile", "--format", "kml", "--crs", "EPSG:3405"); err == nil || !strings.Contains(msg+err.Error(), "KML") {
			t.Fatalf("a KML export in EPSG:3405 was not refused: %v\n%.300s", err, msg)
		}
		if msg, err := runCLI(t, "export", "--db", db, "--layer", "mobile", "--format", "gpkg", "--crs", "EPSG:32648"); err == nil || !strings.Contains(msg+err.Error(), "--crs") {
			t.Fatalf("an unsupported --crs was not refused: %v\n%.300s", err, msg)
		}
	})

	t.Run("a KML export parses with 210 placemarks", func(t *testing.T) {
		out, err := runCLI(t, "export", "--db", db, "--layer", "broadband", "--format", "kml")
		if err != nil {
			t.Fatalf("export: %v\n%.500s", err, out)
		}
		var doc struct {
			Document struct {
				Data []struct {
					Name  string `xml:"name,attr"`
					Value string `xml:"value"`
				} `xml:"ExtendedData>Data"`
				Placemarks []struct {
					Name    string `xml:"name"`
					Polygon []struct {
						Coordinates string `xml:"outerBoundaryIs>LinearRing>coordinates"`
					} `xml:"MultiGeometry>Polygon"`
				} `xml:"Placemark"`
			} `xml:"Document"`
		}
		if err := xml.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("KML does not parse: %v", err)
		}
		if len(doc.Document.Placemarks) != 210 || len(doc.Document.Placemarks[0].Polygon) == 0 || len(doc.Document.Data) < 5 {
			t.Fatalf("%d placemarks, %d metadata", len(doc.Document.Placemarks), len(doc.Document.Data))
		}
		// The KML's Schema keeps the figures numbers for GDAL (and Google
		// Earth): without it every field reads as a String.
		path := filepath.Join(dir, "broadband.kml")
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		info := gdal(t, nil, "ogrinfo", "-ro", "-so", "-al", path)
		for _, want := range []string{"Feature Count: 210", "population: Integer", "population_covered: Integer", "share_covered: Real", "remote: Integer"} {
			if !strings.Contains(info, want) {
				t.Fatalf("ogrinfo of the KML export does not say %q:\n%s", want, info)
			}
		}
	})

	t.Run("ogrinfo reads a vector tile", func(t *testing.T) {
		tile := maptile.At(orb.Point{105.34, 20.82}, 10)
		path := filepath.Join(dir, "tiles", "10", fmt.Sprint(tile.X), fmt.Sprint(tile.Y)+".mvt")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		res, err := http.Get(fmt.Sprintf("%s/tiles/mobile/10/%d/%d.mvt", s.url, tile.X, tile.Y))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || len(body) == 0 {
			t.Fatalf("tile: %d, %d bytes", res.StatusCode, len(body))
		}
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
		info := gdal(t, nil, "ogrinfo", "-ro", "-so", path, "mobile")
		for _, want := range []string{"Layer name: mobile", "code: String", "population_covered: Integer", "share_covered: Real", "status: String", "name: String"} {
			if !strings.Contains(info, want) {
				t.Fatalf("ogrinfo of the tile does not say %q:\n%s", want, info)
			}
		}
	})
}

// checkVietnamTiles fetches the busiest tiles of Vietnam at zoom 6 and 12
// (over Hà Nội and Hồ Chí Minh City) from a server holding every commune,
// and fails when one reaches 500 KB.
func checkVietnamTiles(t *testing.T, s *server) {
	t.Helper()
	for _, c := range []struct {
		z  maptile.Zoom
		at orb.Point
	}{{6, orb.Point{105.85, 21.02}}, {6, orb.Point{106.70, 10.78}}, {12, orb.Point{105.85, 21.02}}, {12, orb.Point{106.70, 10.78}}} {
		tile := maptile.At(c.at, c.z)
		req, err := http.NewRequest("GET", fmt.Sprintf("%s/tiles/mobile/%d/%d/%d.mvt", s.url, tile.Z, tile.X, tile.Y), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept-Encoding", "identity")
		start := time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || len(body) == 0 || len(body) >= 500_000 {
			t.Fatalf("tile %d/%d/%d: %d, %d bytes; want 200 with under 500 KB", tile.Z, tile.X, tile.Y, res.StatusCode, len(body))
		}
		t.Logf("tile %d/%d/%d: %d bytes in %v", tile.Z, tile.X, tile.Y, len(body), time.Since(start).Round(time.Millisecond))
	}
}
