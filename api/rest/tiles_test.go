package rest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/export"
)

// hoaBinhTile is the tile over Hòa Bình city, in the seed's communes.
func hoaBinhTile(z maptile.Zoom) maptile.Tile { return maptile.At(orb.Point{105.34, 20.82}, z) }

func tileURL(layer string, t maptile.Tile) string {
	return "/tiles/" + layer + "/" + itoa(uint32(t.Z)) + "/" + itoa(t.X) + "/" + itoa(t.Y) + ".mvt"
}

func itoa(v uint32) string { return strconv.FormatUint(uint64(v), 10) }

func TestTiles_TileCarriesTheFigures(t *testing.T) {
	s := testServer(t)
	var layer struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	json.Unmarshal(get(t, s, "GET", "/api/v1/layers/mobile/communes").Body.Bytes(), &layer)
	byCode := map[string]map[string]any{}
	for _, f := range layer.Features {
		byCode[f.Properties["code"].(string)] = f.Properties
	}
	for _, c := range []struct {
		z    maptile.Zoom
		cols int
	}{{6, len(tileFiguresColumns)}, {10, len(export.Columns)}, {16, len(export.Columns)}} {
		rec := get(t, s, "GET", tileURL("mobile", hoaBinhTile(c.z)))
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/vnd.mapbox-vector-tile" || rec.Header().Get("ETag") == "" {
			t.Fatalf("z%d: %d %v", c.z, rec.Code, rec.Header())
		}
		layers, err := mvt.Unmarshal(rec.Body.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if len(layers) != 1 || layers[0].Name != "mobile" || len(layers[0].Features) == 0 {
			t.Fatalf("z%d: layers %+v", c.z, layers)
		}
		for _, f := range layers[0].Features {
			want := byCode[f.Properties["code"].(string)]
			if len(f.Properties) != c.cols || f.Properties["status"] != want["status"] ||
				f.Properties["share_covered"] != want["share_covered"] || f.Properties["population_covered"] != want["population_covered"] {
				t.Fatalf("z%d: tile %v, layer %v", c.z, f.Properties, want)
			}
		}
	}
}

func TestTiles_GzipAndETag(t *testing.T) {
	s := testServer(t)
	target := tileURL("broadcast", hoaBinhTile(9))
	req := httptest.NewRequest("GET", target, nil)
	req.Header.Set("Accept-Encoding", "br, gzip;q=0.8")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("%d %v", rec.Code, rec.Header())
	}
	if layers, err := mvt.UnmarshalGzipped(rec.Body.Bytes()); err != nil || len(layers) != 1 {
		t.Fatalf("gzipped tile: %v", err)
	}
	// The client revalidates the gzip form it holds (cache_test.go checks
	// that the identity form has an ETag of its own).
	req = httptest.NewRequest("GET", target, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("If-None-Match", rec.Header().Get("ETag"))
	again := httptest.NewRecorder()
	s.Handler().ServeHTTP(again, req)
	if again.Code != 304 || again.Body.Len() != 0 {
		t.Fatalf("revalidation: %d, %d bytes", again.Code, again.Body.Len())
	}
	for _, enc := range []string{"", "identity", "gzip;q=0"} {
		req = httptest.NewRequest("GET", target, nil)
		req.Header.Set("Accept-Encoding", enc)
		plain := httptest.NewRecorder()
		s.Handler().ServeHTTP(plain, req)
		if plain.Header().Get("Content-Encoding") != "" {
			t.Fatalf("Accept-Encoding %q: answered %q", enc, plain.Header().Get("Content-Encoding"))
		}
	}
}

// tileCodes fetches a tile of the mobile layer through the router and
// returns the codes of its features and its size in bytes.
func tileCodes(t *testing.T, s *Server, tile maptile.Tile) (map[string]bool, int) {
	t.Helper()
	rec := get(t, s, "GET", tileURL("mobile", tile))
	if rec.Code != 200 {
		t.Fatalf("%s: %d %s", tileURL("mobile", tile), rec.Code, rec.Body)
	}
	codes := map[string]bool{}
	if rec.Body.Len() == 0 {
		return codes, 0
	}
	layers, err := mvt.Unmarshal(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("%s: %v", tileURL("mobile", tile), err)
	}
	for _, l := range layers {
		for _, f := range l.Features {
			code, _ := f.Properties["code"].(string)
			codes[code] = true
		}
	}
	return codes, rec.Body.Len()
}

// overlaps reports whether g (EPSG:4326) covers part of tile with a
// positive area: touching its edge is not enough.
func overlaps(g orb.MultiPolygon, tile maptile.Tile) bool {
	return planar.Area(clip.MultiPolygon(tile.Bound(), g.Clone())) > 0
}

// tileRange returns the tiles of zoom z that b spans.
func tileRange(b orb.Bound, z maptile.Zoom) []maptile.Tile {
	nw, se := maptile.At(orb.Point{b.Min[0], b.Max[1]}, z), maptile.At(orb.Point{b.Max[0], b.Min[1]}, z)
	var out []maptile.Tile
	for x := nw.X; x <= se.X; x++ {
		for y := nw.Y; y <= se.Y; y++ {
			out = append(out, maptile.New(x, y, z))
		}
	}
	return out
}

// sampleTiles returns, for a commune at a zoom too deep to try every tile
// of its bound, the tiles where it is most likely lost: those holding its
// westmost, eastmost, northmost and southmost vertices (where only a
// sliver of it may reach in) and those of 16 vertices spread along each
// outer ring.
func sampleTiles(g orb.MultiPolygon, z maptile.Zoom) []maptile.Tile {
	seen := map[maptile.Tile]bool{}
	var out []maptile.Tile
	add := func(p orb.Point) {
		// A vertex on a tile's edge may belong to the tiles on both sides.
		for _, d := range []orb.Point{{-1e-9, -1e-9}, {1e-9, 1e-9}} {
			tile := maptile.At(orb.Point{p[0] + d[0], p[1] + d[1]}, z)
			if !seen[tile] {
				seen[tile] = true
				out = append(out, tile)
			}
		}
	}
	for _, p := range g {
		r := p[0]
		w, e, n, s := r[0], r[0], r[0], r[0]
		for _, v := range r {
			if v[0] < w[0] {
				w = v
			}
			if v[0] > e[0] {
				e = v
			}
			if v[1] > n[1] {
				n = v
			}
			if v[1] < s[1] {
				s = v
			}
		}
		for _, v := range []orb.Point{w, e, n, s} {
			add(v)
		}
		for k := 0; k < 16; k++ {
			add(r[k*len(r)/16])
		}
	}
	return out
}

// Every commune is a feature of every tile it covers part of, at every
// zoom the TileJSON advertises (0–16), however small it is at that zoom:
// the seeded Hòa Bình communes, every tile over the province to zoom 10,
// and deeper the tiles where a commune only just reaches in.
func TestTiles_EveryCommuneInEveryTileItCovers(t *testing.T) {
	s := testServer(t)
	snap, err := s.core.Current()
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Communes) == 0 {
		t.Fatal("no seeded commune")
	}
	province := snap.Communes[0].Geometry.Bound()
	for _, c := range snap.Communes {
		province = province.Union(c.Geometry.Bound())
	}
	for z := maptile.Zoom(0); z <= 16; z++ {
		t.Run(fmt.Sprintf("z%d", z), func(t *testing.T) {
			got := map[maptile.Tile]map[string]bool{}
			codesOf := func(tile maptile.Tile) map[string]bool {
				if got[tile] == nil {
					got[tile], _ = tileCodes(t, s, tile)
				}
				return got[tile]
			}
			missing, checked := 0, 0
			for _, c := range snap.Communes {
				candidates := tileRange(c.Geometry.Bound(), z)
				if z > 10 {
					candidates = sampleTiles(c.Geometry, z)
				}
				for _, tile := range candidates {
					if !overlaps(c.Geometry, tile) {
						continue
					}
					checked++
					if !codesOf(tile)[c.Code] {
						if missing++; missing <= 5 {
							t.Errorf("commune %s is not in tile %d/%d/%d, which it covers part of", c.Code, tile.Z, tile.X, tile.Y)
						}
					}
				}
			}
			if missing > 0 {
				t.Errorf("%d of %d commune-tile pairs missing at zoom %d", missing, checked, z)
			}
			if z <= 6 {
				largest := 0
				for _, tile := range tileRange(province, z) {
					_, n := tileCodes(t, s, tile)
					largest = max(largest, n)
				}
				t.Logf("zoom %d: largest tile %d bytes", z, largest)
			}
		})
	}
}

func TestTiles_EmptyTile(t *testing.T) {
	rec := get(t, testServer(t), "GET", "/tiles/mobile/3/0/0.mvt")
	if rec.Code != 200 || rec.Body.Len() != 0 {
		t.Fatalf("a tile far from the communes: %d, %d bytes", rec.Code, rec.Body.Len())
	}
}

func TestTiles_TileJSON(t *testing.T) {
	rec := get(t, testServer(t), "GET", "/tiles/phone.json")
	var doc tileJSON
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 200 || doc.TileJSON != "3.0.0" || len(doc.Tiles) != 1 ||
		doc.Tiles[0] != "http://example.com/tiles/phone/{z}/{x}/{y}.mvt" || doc.MaxZoom != 16 ||
		len(doc.VectorLayers) != 1 || doc.VectorLayers[0].ID != "phone" || doc.VectorLayers[0].Fields["share_covered"] != "Number" ||
		doc.Bounds[0] < 104 || doc.Bounds[2] > 106 {
		t.Fatalf("%d %+v", rec.Code, doc)
	}
}

func TestTiles_Errors(t *testing.T) {
	s := testServer(t)
	cases := []struct {
		target string
		status int
	}{
		{"/tiles/radio/6/50/28.mvt", 404},
		{"/tiles/mobile/17/0/0.mvt", 404},
		{"/tiles/mobile/2/4/0.mvt", 404},
		{"/tiles/mobile/2/0/4.mvt", 404},
		{"/tiles/mobile/6/50/28.png", 404},
		{"/tiles/mobile/z/50/28.mvt", 400},
		{"/tiles/mobile/6/-1/28.mvt", 400},
		{"/tiles/mobile/6/50/1e2.mvt", 400},
		{"/tiles/mobile.xml", 404},
		{"/tiles/radio.json", 404},
	}
	for _, c := range cases {
		t.Run(c.target, func(t *testing.T) {
			rec := get(t, s, "GET", c.target)
			if rec.Code != c.status || rec.Header().Get("Content-Type") != "application/problem+json" ||
				!strings.Contains(rec.Body.String(), `"detail"`) {
				t.Fatalf("%d %s %s, want %d", rec.Code, rec.Header().Get("Content-Type"), rec.Body, c.status)
			}
		})
	}
}

// The tile budget with all 11,163 communes of Vietnam (README, Vector
// tiles): a tile of zoom 0–3 holds every commune, at least a marker with
// the five figures each (about 69 bytes), so 770 KB; the budget leaves
// room above that, and on the wire stays under the 500 KB gzipped that
// tippecanoe takes as a tile's limit.
const (
	tileBudget     = 800_000 // bytes, uncompressed
	tileBudgetGzip = 400_000 // bytes, gzipped as served to a client that accepts it
)

// With every commune of Vietnam and a declared share for each (all figures
// different, the worst case for a tile's size), every commune is a feature
// of every tile it covers part of at zooms 0–6, and every tile over the
// country at zooms 0–6 and the busiest at zoom 12 (the centres of Hà Nội
// and Hồ Chí Minh City and their neighbours) stay within tileBudget.
func TestTiles_Vietnam(t *testing.T) {
	file := sharedData(t, "vietnam/communes_2013_pop2019.geojson")
	ctx := context.Background()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	communes, _, err := geo.ReadCommunes(f, geo.CommuneProperties{Code: "commune_id", Name: "commune_vn",
		DistrictCode: "district_id", District: "district_vn", Population: "pop_2019"}, true, "communes_2013_pop2019.geojson")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	store, err := data.Open(ctx, filepath.Join(t.TempDir(), "vietnam.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.ReplaceCommunes(ctx, communes, nil); err != nil {
		t.Fatal(err)
	}
	decls := make([]geo.Declaration, len(communes))
	for i, c := range communes {
		decls[i] = geo.Declaration{CommuneCode: c.Code, Technology: "4G", Share: float64((i*7919)%10000) / 10000}
	}
	if _, err := store.AddFilings(ctx, []data.Filing{{Provider: "test", Layer: geo.Mobile, AsOf: "2020-01-01", Declarations: decls}}); err != nil {
		t.Fatal(err)
	}
	srv := newTestServer(DefaultConfig(), store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := srv.core.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	country := communes[0].Geometry.Bound()
	for _, c := range communes {
		country = country.Union(c.Geometry.Bound())
	}
	var tiles []maptile.Tile
	for z := maptile.Zoom(0); z <= 6; z++ {
		got := map[maptile.Tile]map[string]bool{}
		slowest := time.Duration(0)
		for _, tile := range tileRange(country, z) {
			start := time.Now()
			got[tile], _ = tileCodes(t, srv, tile)
			slowest = max(slowest, time.Since(start))
			tiles = append(tiles, tile)
		}
		t.Logf("zoom %d: the slowest tile cut in %v", z, slowest.Round(time.Millisecond))
		missing, checked := 0, 0
		for _, c := range communes {
			covered := tileRange(c.Geometry.Bound(), z)
			for _, tile := range covered {
				if len(covered) > 1 && !overlaps(c.Geometry, tile) {
					continue
				}
				checked++
				if !got[tile][c.Code] {
					if missing++; missing <= 5 {
						t.Errorf("commune %s is not in tile %d/%d/%d, which it covers part of", c.Code, tile.Z, tile.X, tile.Y)
					}
				}
			}
		}
		if missing > 0 {
			t.Errorf("%d of %d commune-tile pairs missing at zoom %d", missing, checked, z)
		}
	}
	for _, centre := range []orb.Point{{105.85, 21.02}, {106.70, 10.78}} {
		c := maptile.At(centre, 12)
		for dx := -1; dx <= 1; dx++ {
			for dy := -1; dy <= 1; dy++ {
				tiles = append(tiles, maptile.New(uint32(int(c.X)+dx), uint32(int(c.Y)+dy), 12))
			}
		}
	}
	largest := map[maptile.Zoom]int{}
	for _, tile := range tiles {
		start := time.Now()
		rec := get(t, srv, "GET", tileURL("mobile", tile))
		took := time.Since(start)
		if rec.Code != 200 {
			t.Fatalf("%v: %d %s", tile, rec.Code, rec.Body)
		}
		n := rec.Body.Len()
		req := httptest.NewRequest("GET", tileURL("mobile", tile), nil)
		req.Header.Set("Accept-Encoding", "gzip")
		gz := httptest.NewRecorder()
		start = time.Now()
		srv.Handler().ServeHTTP(gz, req)
		if n > tileBudget || gz.Body.Len() > tileBudgetGzip {
			t.Errorf("tile %d/%d/%d is %d bytes (%d gzipped), over the budget of %d (%d gzipped)",
				tile.Z, tile.X, tile.Y, n, gz.Body.Len(), tileBudget, tileBudgetGzip)
		}
		if n > largest[tile.Z] {
			largest[tile.Z] = n
			layers, err := mvt.Unmarshal(rec.Body.Bytes())
			features := 0
			if err == nil && len(layers) == 1 {
				features = len(layers[0].Features)
			}
			t.Logf("tile %d/%d/%d: %d features, %d bytes (%d gzipped); %v, then %v with gzip",
				tile.Z, tile.X, tile.Y, features, n, gz.Body.Len(), took.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
		}
	}
}
