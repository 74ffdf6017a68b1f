package rest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/phusong/phusong/geo/basemap"
	"github.com/phusong/phusong/geo/basemap/basemaptest"
)

// basemapServer is a service (with no figures: the basemap needs none)
// serving a generated archive of Hòa Bình.
func basemapServer(t *testing.T, opt basemaptest.Options) *Server {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hoabinh.pmtiles")
	if err := basemaptest.Write(path, opt); err != nil {
		t.Fatal(err)
	}
	a, err := basemap.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	cfg := DefaultConfig()
	cfg.Basemap = a
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return newTestServer(cfg, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func request(s *Server, method, target string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// hoaBinhBasemapTile is the path of the basemap's tile at zoom z over the town of Hòa Bình.
func hoaBinhBasemapTile(z maptile.Zoom) string {
	t := maptile.At(basemaptest.Places["Hòa Bình"], z)
	return fmt.Sprintf("/basemap/tiles/%d/%d/%d.mvt", z, t.X, t.Y)
}

// With --basemap, the page's config points to the service's own style,
// whose one source is the service's tiles: no glyphs, no sprite, no other
// host, and layers of the Protomaps basemap's schema.
func TestBasemap_ConfigAndStyle(t *testing.T) {
	s := basemapServer(t, basemaptest.Options{})
	rec := request(s, "GET", "/api/v1/config", nil)
	var cfg pageConfig
	if err := json.Unmarshal(rec.Body.Bytes(), &cfg); err != nil || cfg.BasemapURL != "/basemap/style.json" {
		t.Fatalf("config %s (%v)", rec.Body, err)
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self';") {
		t.Errorf("the policy opens another host: %s", csp)
	}
	rec = request(s, "GET", "/basemap/style.json", nil)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("style: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	var style struct {
		Version int                        `json:"version"`
		Glyphs  *string                    `json:"glyphs"`
		Sprite  any                        `json:"sprite"`
		Sources map[string]json.RawMessage `json:"sources"`
		Layers  []struct {
			ID          string         `json:"id"`
			Type        string         `json:"type"`
			Source      string         `json:"source"`
			SourceLayer string         `json:"source-layer"`
			Layout      map[string]any `json:"layout"`
			Metadata    map[string]any `json:"metadata"`
		} `json:"layers"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &style); err != nil {
		t.Fatal(err)
	}
	if style.Version != 8 || style.Glyphs != nil || style.Sprite != nil || len(style.Sources) != 1 {
		t.Fatalf("style version %d, glyphs %v, sprite %v, %d sources: want 8, none, none, 1", style.Version, style.Glyphs, style.Sprite, len(style.Sources))
	}
	var src struct {
		Type    string     `json:"type"`
		Tiles   []string   `json:"tiles"`
		MinZoom int        `json:"minzoom"`
		MaxZoom int        `json:"maxzoom"`
		Bounds  [4]float64 `json:"bounds"`
		Attrib  string     `json:"attribution"`
	}
	json.Unmarshal(style.Sources["basemap"], &src)
	if src.Type != "vector" || len(src.Tiles) != 1 || src.Tiles[0] != "http://example.com/basemap/tiles/{z}/{x}/{y}.mvt" ||
		src.MinZoom != 5 || src.MaxZoom != 10 || src.Bounds[0] != 104.8 || !strings.Contains(src.Attrib, "OpenStreetMap") {
		t.Fatalf("source %+v", src)
	}
	sourceLayers := map[string]bool{}
	for _, l := range style.Layers {
		if l.Type != "background" && l.Source != "basemap" {
			t.Errorf("layer %s: source %q", l.ID, l.Source)
		}
		sourceLayers[l.SourceLayer] = true
		if l.Type == "symbol" && (l.Metadata[basemap.OverCommunes] != true || l.Layout["text-field"] == nil) {
			t.Errorf("the names' layer %s is not drawn over the communes, or has no text", l.ID)
		}
	}
	for _, sl := range []string{"earth", "water", "roads", "boundaries", "places", "landuse"} {
		if !sourceLayers[sl] {
			t.Errorf("no layer draws the basemap's %s", sl)
		}
	}
	rec = request(s, "GET", "/basemap/tiles.json", nil)
	var tj map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &tj); err != nil || rec.Code != 200 || tj["tilejson"] != "3.0.0" || len(tj["vector_layers"].([]any)) != 6 {
		t.Fatalf("tilejson %d %s", rec.Code, rec.Body)
	}
	// Behind a proxy that terminates TLS, the tiles are https.
	rec = request(s, "GET", "/basemap/style.json", map[string]string{"X-Forwarded-Proto": "https"})
	if !strings.Contains(rec.Body.String(), `"https://example.com/basemap/tiles/{z}/{x}/{y}.mvt"`) {
		t.Errorf("behind TLS: %s", rec.Body)
	}
}

// A tile is sent as stored, gzip-compressed with Content-Encoding: gzip, to
// a client that takes gzip, and decompressed to one that does not; an
// archive of uncompressed tiles sends them as they are.
func TestBasemap_TileEncoding(t *testing.T) {
	gz := basemapServer(t, basemaptest.Options{LeafSize: 4})
	plain := basemapServer(t, basemaptest.Options{Uncompressed: true})
	tile := hoaBinhBasemapTile(9)
	decode := func(t *testing.T, body []byte) mvt.Layers {
		t.Helper()
		layers, err := mvt.Unmarshal(body)
		if err != nil {
			t.Fatalf("not a vector tile: %v", err)
		}
		names := map[string]bool{}
		for _, l := range layers {
			names[l.Name] = len(l.Features) > 0
		}
		if !names["roads"] || !names["water"] || !names["places"] {
			t.Fatalf("tile layers %v", names)
		}
		return layers
	}
	for _, c := range []struct {
		name     string
		s        *Server
		accept   string
		encoding string
		vary     bool
	}{
		{"gzip archive, gzip client", gz, "gzip, deflate, br", "gzip", true},
		{"gzip archive, identity client", gz, "", "", true},
		{"plain archive, gzip client", plain, "gzip", "", false},
		{"plain archive, identity client", plain, "", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := map[string]string{}
			if c.accept != "" {
				h["Accept-Encoding"] = c.accept
			}
			rec := request(c.s, "GET", tile, h)
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
				t.Fatalf("%d %q %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			if got := rec.Header().Get("Content-Encoding"); got != c.encoding {
				t.Fatalf("Content-Encoding %q, want %q", got, c.encoding)
			}
			if got := strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding"); got != c.vary {
				t.Errorf("Vary %q", rec.Header().Get("Vary"))
			}
			body := rec.Body.Bytes()
			if c.encoding == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				body, _ = io.ReadAll(zr)
			}
			decode(t, body)
			etag := rec.Header().Get("ETag")
			if etag == "" || rec.Header().Get("Cache-Control") == "" {
				t.Fatalf("ETag %q, Cache-Control %q", etag, rec.Header().Get("Cache-Control"))
			}
			h["If-None-Match"] = etag
			if rec := request(c.s, "GET", tile, h); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
				t.Errorf("If-None-Match: %d", rec.Code)
			}
			delete(h, "If-None-Match")
			head := request(c.s, "HEAD", tile, h)
			if head.Code != 200 || head.Body.Len() != 0 || head.Header().Get("Content-Encoding") != c.encoding || head.Header().Get("ETag") != etag {
				t.Errorf("HEAD: %d, %d bytes, %v", head.Code, head.Body.Len(), head.Header())
			}
		})
	}
}

// Where the archive has no tile the answer is 204, which MapLibre draws as
// empty with no error; a path that names no tile is a problem.
func TestBasemap_TileStatuses(t *testing.T) {
	s := basemapServer(t, basemaptest.Options{})
	for _, c := range []struct {
		target string
		status int
		detail string
	}{
		{"/basemap/tiles/9/0/0.mvt", 204, ""},  // far from Hòa Bình
		{"/basemap/tiles/4/12/7.mvt", 204, ""}, // under the archive's zooms
		{hoaBinhBasemapTile(12), 204, ""},      // over them: MapLibre overzooms
		{"/basemap/tiles/9/x/1.mvt", 400, "whole numbers"},
		{"/basemap/tiles/9/404/1.png", 404, "{z}/{x}/{y}.mvt"},
		{"/basemap/tiles/31/0/0.mvt", 404, "zoom 0 to 30"},
		{"/basemap/tiles/3/8/0.mvt", 404, "below 2^zoom"},
	} {
		rec := request(s, "GET", c.target, nil)
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.detail) {
			t.Errorf("%s: %d %s, want %d saying %q", c.target, rec.Code, rec.Body, c.status, c.detail)
		}
		if c.status == 204 && rec.Body.Len() != 0 {
			t.Errorf("%s: 204 with a body", c.target)
		}
	}
}

// A file and a URL are not both a basemap; without either the page gets
// none and the service has no basemap routes.
func TestBasemap_ConfigChecks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.pmtiles")
	if err := basemaptest.Write(path, basemaptest.Options{}); err != nil {
		t.Fatal(err)
	}
	a, err := basemap.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	cfg := DefaultConfig()
	cfg.Basemap, cfg.BasemapURL = a, "https://tiles.example.org/style.json"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "give one or the other") || !strings.Contains(err.Error(), path) {
		t.Fatalf("both: %v", err)
	}
	s := newTestServer(DefaultConfig(), nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, r := range s.router.Routes() {
		if strings.HasPrefix(r.Path, "/basemap") {
			t.Errorf("route %s without a basemap", r.Path)
		}
	}
	if rec := request(s, "GET", "/api/v1/config", nil); !strings.Contains(rec.Body.String(), `"basemap_url":""`) {
		t.Errorf("config without a basemap: %s", rec.Body)
	}
}

// A tile the archive cannot give (a damaged leaf directory) is a 500 that
// names the file, and the other tiles are still served.
func TestBasemap_DamagedTile(t *testing.T) {
	b, err := basemaptest.Build(basemaptest.Options{LeafSize: 2, Uncompressed: true})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := basemaptest.Header(b)
	b[h.LeafDirectoryOffset] = 0x7f // the first leaf's count of entries, far over its length
	path := filepath.Join(t.TempDir(), "damaged.pmtiles")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := basemap.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	cfg := DefaultConfig()
	cfg.Basemap = a
	s := newTestServer(cfg, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	statuses := map[int]int{}
	for x := 0; x < 32; x++ {
		for y := 0; y < 32; y++ {
			rec := request(s, "GET", fmt.Sprintf("/basemap/tiles/5/%d/%d.mvt", x, y), nil)
			statuses[rec.Code]++
			if rec.Code == 500 && (!strings.Contains(rec.Body.String(), path) || !strings.Contains(rec.Body.String(), "damaged")) {
				t.Fatalf("500 without the file or the problem: %s", rec.Body)
			}
		}
	}
	if statuses[500] == 0 || statuses[204] == 0 {
		t.Fatalf("statuses %v: want the damaged leaf's tiles 500 and the rest 204 or 200", statuses)
	}
	// Zoom 10's tiles are last in the archive's order, in another leaf.
	if rec := request(s, "GET", hoaBinhBasemapTile(10), nil); rec.Code != 200 {
		t.Fatalf("a tile of another leaf: %d %s", rec.Code, rec.Body)
	}
}
