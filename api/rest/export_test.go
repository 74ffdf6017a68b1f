package rest

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
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
