package rest

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/phusong/phusong/geo"
)

func TestExport_Formats(t *testing.T) {
	s := testServer(t)
	cases := []struct {
		format, contentType string
		check               func(t *testing.T, body []byte)
	}{
		{"geojson", "application/geo+json", func(t *testing.T, body []byte) {
			var fc struct {
				AsOf, Source string
				Method       map[string]any
				Features     []struct{ ID string }
			}
			if err := json.Unmarshal(body, &fc); err != nil || len(fc.Features) != 210 || fc.Source == "" || fc.Method["name"] == nil {
				t.Fatalf("GeoJSON: %d features, source %q (%v)", len(fc.Features), fc.Source, err)
			}
		}},
		{"csv", "text/csv; charset=utf-8", func(t *testing.T, body []byte) {
			if !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
				t.Fatal("no byte order mark")
			}
			recs, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
			if err != nil || len(recs) != 211 || recs[0][0] != "code" || !strings.Contains(recs[1][len(recs[1])-1], "demonstration") {
				t.Fatalf("CSV: %d records (%v), header %v", len(recs), err, recs[0])
			}
		}},
		{"kml", "application/vnd.google-earth.kml+xml", func(t *testing.T, body []byte) {
			var k struct {
				Placemarks []struct{ Name string } `xml:"Document>Placemark"`
			}
			if err := xml.Unmarshal(body, &k); err != nil || len(k.Placemarks) != 210 {
				t.Fatalf("KML: %d placemarks (%v)", len(k.Placemarks), err)
			}
		}},
		{"gpkg", "application/geopackage+sqlite3", func(t *testing.T, body []byte) {
			// An SQLite file whose application_id (offset 68) spells GPKG.
			if !bytes.HasPrefix(body, []byte("SQLite format 3\x00")) || len(body) < 72 || string(body[68:72]) != "GPKG" {
				t.Fatalf("not a GeoPackage: %q", body[:min(len(body), 80)])
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.format, func(t *testing.T) {
			rec := get(t, s, "GET", "/api/v1/export/phone."+c.format)
			if rec.Code != 200 || rec.Header().Get("Content-Type") != c.contentType {
				t.Fatalf("%d %q\n%.500s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			if cd := rec.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="phusong-phone-`) ||
				!strings.HasSuffix(cd, "."+c.format+`"`) {
				t.Fatalf("Content-Disposition %q", cd)
			}
			c.check(t, rec.Body.Bytes())
		})
	}
}

// The exported figures are the API's, today and as of another day.
func TestExport_FiguresEqualAPI(t *testing.T) {
	s := testServer(t)
	type fc struct {
		AsOf     string `json:"as_of"`
		Features []struct {
			ID         string         `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	var layer, export fc
	json.Unmarshal(get(t, s, "GET", "/api/v1/layers/broadband/communes").Body.Bytes(), &layer)
	json.Unmarshal(get(t, s, "GET", "/api/v1/export/broadband.geojson").Body.Bytes(), &export)
	if len(layer.Features) != 210 || len(export.Features) != 210 || layer.AsOf != export.AsOf {
		t.Fatalf("%d and %d features, as of %s and %s", len(layer.Features), len(export.Features), layer.AsOf, export.AsOf)
	}
	for i, f := range layer.Features {
		for k, v := range f.Properties {
			if export.Features[i].Properties[k] != v {
				t.Fatalf("%s %s: export %v, API %v", f.ID, k, export.Features[i].Properties[k], v)
			}
		}
	}

	var old fc
	json.Unmarshal(get(t, s, "GET", "/api/v1/export/broadband.geojson?as_of=2010-01-01").Body.Bytes(), &old)
	var items struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	json.Unmarshal(get(t, s, "GET", "/ogc/collections/broadband/items?limit=300&datetime=2010-01-01").Body.Bytes(), &items)
	if old.AsOf != "2010-01-01" || len(old.Features) != 210 || len(items.Features) != 210 {
		t.Fatalf("as of 2010: %q, %d features; OGC %d", old.AsOf, len(old.Features), len(items.Features))
	}
	for i, f := range old.Features {
		if f.Properties["population_covered"] != items.Features[i].Properties["population_covered"] {
			t.Fatalf("%s as of 2010: export %v, OGC %v", f.ID, f.Properties["population_covered"], items.Features[i].Properties["population_covered"])
		}
	}
}

// ?breakdown= exports one breakdown's figures, those the layer's GeoJSON
// gives for it, and every format names the breakdown.
func TestExport_Breakdown(t *testing.T) {
	s := testServer(t)
	var sum struct {
		Breakdowns []struct{ Key, Kind string } `json:"breakdowns"`
	}
	json.Unmarshal(get(t, s, "GET", "/api/v1/summary?layer=mobile&breakdown=provider").Body.Bytes(), &sum)
	key := ""
	for _, b := range sum.Breakdowns {
		if b.Kind == geo.KindProvider {
			key = b.Key
			break
		}
	}
	if key == "" {
		t.Fatal("the seed's mobile layer has no provider breakdown")
	}
	type fc struct {
		Breakdown string `json:"breakdown"`
		Features  []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	q := "?as_of=2020-12-31&breakdown=" + key
	var layer, export, all fc
	json.Unmarshal(get(t, s, "GET", "/api/v1/layers/mobile/communes"+q).Body.Bytes(), &layer)
	rec := get(t, s, "GET", "/api/v1/export/mobile.geojson"+q)
	json.Unmarshal(rec.Body.Bytes(), &export)
	json.Unmarshal(get(t, s, "GET", "/api/v1/export/mobile.geojson?as_of=2020-12-31").Body.Bytes(), &all)
	slug := "-" + strings.ReplaceAll(key, ":", "-")
	if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="phusong-mobile`+slug+`-2020-12-31.geojson"` {
		t.Fatalf("Content-Disposition %q", cd)
	}
	if export.Breakdown != key || all.Breakdown != "" || len(export.Features) != 210 || len(layer.Features) != 210 {
		t.Fatalf("breakdown %q (all: %q), %d and %d features", export.Breakdown, all.Breakdown, len(export.Features), len(layer.Features))
	}
	differs := false
	for i, f := range layer.Features {
		for _, k := range []string{"code", "population_covered", "share_covered", "status"} {
			if export.Features[i].Properties[k] != f.Properties[k] {
				t.Fatalf("%v %s: export %v, API %v", f.Properties["code"], k, export.Features[i].Properties[k], f.Properties[k])
			}
		}
		differs = differs || all.Features[i].Properties["population_covered"] != f.Properties["population_covered"]
	}
	if !differs {
		t.Fatalf("the export of %s has every provider's figures", key)
	}
	body := get(t, s, "GET", "/api/v1/export/mobile.csv"+q).Body.Bytes()
	recs, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil || recs[0][len(recs[0])-1] != "breakdown" || recs[1][len(recs[1])-1] != key {
		t.Fatalf("CSV header %v, first row %v (%v)", recs[0], recs[1], err)
	}
	if kml := get(t, s, "GET", "/api/v1/export/mobile.kml"+q).Body.String(); !strings.Contains(kml, `<Data name="breakdown"><value>`+key+`</value></Data>`) {
		t.Fatalf("KML does not name the breakdown:\n%.800s", kml)
	}
	if rec := get(t, s, "GET", "/api/v1/export/mobile.csv?breakdown=provider:nobody"); rec.Code != 400 || !strings.Contains(rec.Body.String(), key) {
		t.Fatalf("an unknown breakdown: %d %s", rec.Code, rec.Body)
	}
}

func TestExport_Errors(t *testing.T) {
	s := testServer(t)
	cases := []struct {
		target string
		status int
	}{
		{"/api/v1/export/tv.csv", 404},
		{"/api/v1/export/mobile.shp", 404},
		{"/api/v1/export/mobile", 404},
		{"/api/v1/export/mobile.csv?as_of=2020-02-30", 400},
		{"/api/v1/export/mobile.csv?as_of=soon", 400},
	}
	for _, c := range cases {
		t.Run(c.target, func(t *testing.T) {
			rec := get(t, s, "GET", c.target)
			if rec.Code != c.status || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%d %s %s, want %d", rec.Code, rec.Header().Get("Content-Type"), rec.Body, c.status)
			}
		})
	}
}

// fetchExport requests target with the given headers (name, value pairs).
func fetchExport(t *testing.T, s *Server, method, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// TestExport_Ranges: every export answers range requests as GDAL's
// /vsicurl/ makes them (HEAD, then ranges), with the bytes of the whole
// file, the same file from one request to the next, validators that hold
// (ETag, Last-Modified, If-Range, If-None-Match), and a 416 for a range
// past its end.
func TestExport_Ranges(t *testing.T) {
	s := testServer(t)
	for _, target := range []string{"/api/v1/export/mobile.gpkg", "/api/v1/export/mobile.geojson",
		"/api/v1/export/mobile.kml", "/api/v1/export/mobile.csv", "/api/v1/export/broadcast.gpkg?as_of=2020-01-01"} {
		t.Run(target, func(t *testing.T) {
			full := fetchExport(t, s, "GET", target)
			body := full.Body.Bytes()
			etag, modified := full.Header().Get("ETag"), full.Header().Get("Last-Modified")
			if full.Code != 200 || full.Header().Get("Accept-Ranges") != "bytes" || etag == "" || modified == "" || len(body) < 1000 {
				t.Fatalf("%d, Accept-Ranges %q, ETag %q, Last-Modified %q, %d bytes",
					full.Code, full.Header().Get("Accept-Ranges"), etag, modified, len(body))
			}
			head := fetchExport(t, s, "HEAD", target)
			if head.Code != 200 || head.Header().Get("Content-Length") != strconv.Itoa(len(body)) || head.Header().Get("ETag") != etag {
				t.Fatalf("HEAD: %d, Content-Length %q, ETag %q; want 200, %d, %s",
					head.Code, head.Header().Get("Content-Length"), head.Header().Get("ETag"), len(body), etag)
			}
			cases := []struct {
				name, rng string
				from, to  int // the bytes wanted, body[from:to]
			}{
				{"the first 100 bytes", "bytes=0-99", 0, 100},
				{"a middle", "bytes=500-999", 500, 1000},
				{"the last 16", "bytes=-16", len(body) - 16, len(body)},
				{"open-ended", fmt.Sprintf("bytes=%d-", len(body)-10), len(body) - 10, len(body)},
			}
			for _, c := range cases {
				rec := fetchExport(t, s, "GET", target, "Range", c.rng)
				want := fmt.Sprintf("bytes %d-%d/%d", c.from, c.to-1, len(body))
				if rec.Code != 206 || rec.Header().Get("Content-Range") != want || !bytes.Equal(rec.Body.Bytes(), body[c.from:c.to]) ||
					rec.Header().Get("ETag") != etag {
					t.Fatalf("%s (%s): %d, Content-Range %q, %d bytes; want 206, %q, the file's bytes",
						c.name, c.rng, rec.Code, rec.Header().Get("Content-Range"), rec.Body.Len(), want)
				}
			}
			if rec := fetchExport(t, s, "GET", target, "Range", fmt.Sprintf("bytes=%d-", len(body)+10)); rec.Code != 416 {
				t.Fatalf("a range past the end: %d, want 416", rec.Code)
			}
			if rec := fetchExport(t, s, "GET", target, "Range", "bytes=0-9", "If-Range", etag); rec.Code != 206 {
				t.Fatalf("If-Range with the current ETag: %d, want 206", rec.Code)
			}
			if rec := fetchExport(t, s, "GET", target, "Range", "bytes=0-9", "If-Range", `"stale"`); rec.Code != 200 || rec.Body.Len() != len(body) {
				t.Fatalf("If-Range with another ETag: %d, %d bytes; want the whole file", rec.Code, rec.Body.Len())
			}
			if rec := fetchExport(t, s, "GET", target, "If-None-Match", etag); rec.Code != 304 {
				t.Fatalf("If-None-Match with the current ETag: %d, want 304", rec.Code)
			}
		})
	}
}

// TestExport_ETagFollowsFigures: a filing that changes the figures changes
// the export's bytes and its ETag, so that a client reading by ranges
// never mixes two files.
func TestExport_ETagFollowsFigures(t *testing.T) {
	s, store, _ := writableServer(t)
	token, err := store.AddProvider(context.Background(), "viettel", []geo.Layer{geo.Mobile}, "test")
	if err != nil {
		t.Fatal(err)
	}
	before := fetchExport(t, s, "GET", "/api/v1/export/mobile.gpkg")
	if again := fetchExport(t, s, "GET", "/api/v1/export/mobile.gpkg"); again.Header().Get("ETag") != before.Header().Get("ETag") {
		t.Fatalf("two requests of the same figures: ETag %q then %q", before.Header().Get("ETag"), again.Header().Get("ETag"))
	}
	if rec := post(t, s, "/api/v1/filings", token, "application/geo+json", "", goodFiling); rec.Code != http.StatusCreated {
		t.Fatalf("filing: %d %s", rec.Code, rec.Body)
	}
	after := fetchExport(t, s, "GET", "/api/v1/export/mobile.gpkg")
	if after.Code != 200 || after.Header().Get("ETag") == before.Header().Get("ETag") || bytes.Equal(after.Body.Bytes(), before.Body.Bytes()) {
		t.Fatalf("after a filing: %d, ETag %q (before %q)", after.Code, after.Header().Get("ETag"), before.Header().Get("ETag"))
	}
	if rec := fetchExport(t, s, "GET", "/api/v1/export/mobile.gpkg", "Range", "bytes=0-9", "If-Range", before.Header().Get("ETag")); rec.Code != 200 {
		t.Fatalf("If-Range with the ETag of the old figures: %d, want 200 and the new file", rec.Code)
	}
}
