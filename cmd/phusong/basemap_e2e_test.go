package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"
	"github.com/protomaps/go-pmtiles/pmtiles"

	"github.com/phusong/phusong/geo/basemap/basemaptest"
)

// writeBasemap writes the generated Hòa Bình archive into dir.
func writeBasemap(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "hoabinh.pmtiles")
	if err := basemaptest.Write(path, basemaptest.Options{LeafSize: 8}); err != nil {
		t.Fatal(err)
	}
	return path
}

// serve --basemap serves the archive: the page's config points to the
// service's style, and the tiles come gzip-compressed as stored.
func TestServe_Basemap(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, filepath.Join(dir, "db.gpkg"), "--basemap", writeBasemap(t, dir))
	res, err := http.Get(s.url + "/api/v1/config")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		BasemapURL string `json:"basemap_url"`
	}
	json.NewDecoder(res.Body).Decode(&cfg)
	res.Body.Close()
	if cfg.BasemapURL != "/basemap/style.json" {
		t.Fatalf("basemap_url %q", cfg.BasemapURL)
	}
	res, err = http.Get(s.url + cfg.BasemapURL)
	if err != nil {
		t.Fatal(err)
	}
	style, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(style), `"`+s.url+`/basemap/tiles/{z}/{x}/{y}.mvt"`) || strings.Contains(string(style), "glyphs") {
		t.Fatalf("style %d: %.400s", res.StatusCode, style)
	}
	tile := maptile.At(basemaptest.Places["Hòa Bình"], 9)
	req, _ := http.NewRequest("GET", s.url+fmt.Sprintf("/basemap/tiles/9/%d/%d.mvt", tile.X, tile.Y), nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err = http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" || len(body) < 2 || body[0] != 0x1f || body[1] != 0x8b {
		t.Fatalf("tile: %d %q, %d bytes", res.StatusCode, res.Header.Get("Content-Encoding"), len(body))
	}
}

// A basemap file the service cannot serve stops the start with the file's
// name and what is wrong with it, before the database is touched.
func TestServe_BasemapRefused(t *testing.T) {
	dir := t.TempDir()
	good := writeBasemap(t, dir)
	raw, _ := os.ReadFile(good)
	h, err := basemaptest.Header(raw)
	if err != nil {
		t.Fatal(err)
	}
	h.TileType = pmtiles.Png
	raster := filepath.Join(dir, "raster.pmtiles")
	os.WriteFile(raster, append(pmtiles.SerializeHeader(h), raw[pmtiles.HeaderV3LenBytes:]...), 0o644)
	geojson := filepath.Join(dir, "roads.geojson")
	os.WriteFile(geojson, []byte(`{"type":"FeatureCollection","features":[]}`), 0o644)
	v2 := filepath.Join(dir, "old.pmtiles")
	os.WriteFile(v2, append([]byte("PM\x02\x00"), make([]byte, 300)...), 0o644)
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"not PMTiles", []string{"--basemap", geojson}, []string{"--basemap " + geojson, "not a PMTiles archive"}},
		{"raster", []string{"--basemap", raster}, []string{"--basemap " + raster, "raster tiles (PNG)", "vector tiles"}},
		{"version 2", []string{"--basemap", v2}, []string{"--basemap " + v2, "version 2", "version 3"}},
		{"missing", []string{"--basemap", filepath.Join(dir, "none.pmtiles")}, []string{"none.pmtiles", "no such file"}},
		{"file and URL", []string{"--basemap", good, "--basemap-url", "https://tiles.example.org/style.json"}, []string{"--basemap-url", "give one or the other"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "db.gpkg")
			args := append([]string{"serve", "--addr", freeAddr(t), "--db", db}, c.args...)
			out, err := runCLITimeout(t, time.Minute, args...)
			if err == nil {
				t.Fatalf("started:\n%s", out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("the error does not say %q:\n%s", w, out)
				}
			}
			if _, err := os.Stat(db); err == nil {
				t.Errorf("the database was created before the basemap was checked")
			}
		})
	}
}
