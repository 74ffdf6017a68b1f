package rest

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// ogcPage is the part of an /items answer the tests read.
type ogcPage struct {
	Type           string `json:"type"`
	NumberMatched  int    `json:"numberMatched"`
	NumberReturned int    `json:"numberReturned"`
	TimeStamp      string `json:"timeStamp"`
	AsOf           string `json:"as_of"`
	Links          []struct {
		Href, Rel, Type string
	} `json:"links"`
	Features []struct {
		ID         string         `json:"id"`
		Properties map[string]any `json:"properties"`
		Geometry   struct {
			Type string `json:"type"`
		} `json:"geometry"`
	} `json:"features"`
}

func (p ogcPage) link(rel string) string {
	for _, l := range p.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

func getPage(t *testing.T, s *Server, target string) ogcPage {
	t.Helper()
	rec := get(t, s, "GET", target)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/geo+json" {
		t.Fatalf("%s: %d %s\n%s", target, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	var p ogcPage
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOGC_LandingConformanceCollections(t *testing.T) {
	s := testServer(t)
	cases := []struct {
		target, contentType string
		want                []string
	}{
		{"/ogc", "application/json", []string{`"rel":"service-desc"`, `{"href":"http://example.com/ogc/api?f=html","rel":"service-doc","type":"text/html"`, `"rel":"conformance"`, `"rel":"data"`, `http://example.com/ogc/collections`}},
		{"/ogc/conformance", "application/json", []string{"conf/core", "conf/geojson", "conf/html", "conf/oas30"}},
		{"/ogc/collections", "application/json", []string{`"id":"communes"`, `"id":"broadcast"`, `"id":"phone"`, `"id":"broadband"`, `"id":"mobile"`, `"rel":"items"`, "CRS84"}},
		{"/ogc/collections/mobile", "application/json", []string{`"id":"mobile"`, `"bbox":[[104.`, `"share_covered"`}},
		{"/ogc/api", "application/vnd.oai.openapi+json;version=3.0", []string{`"openapi":"3.0`, `"/collections/{collectionId}/items":`, `"url":"http://example.com/ogc"`}},
		{"/ogc?f=html", "text/html; charset=utf-8", []string{"<h1>Phủ Sóng", "http://example.com/ogc</code>"}},
		{"/ogc/api?f=html", "text/html; charset=utf-8", []string{"<h1>Phủ Sóng", "/ogc/collections/{collectionId}/items", "The communes of a collection, a page at a time", `href="http://example.com/ogc/api?f=json"`}},
		{"/ogc/collections?f=html", "text/html; charset=utf-8", []string{"/ogc/collections/mobile/items?f=html"}},
	}
	for _, c := range cases {
		t.Run(c.target, func(t *testing.T) {
			rec := get(t, s, "GET", c.target)
			body := strings.ReplaceAll(rec.Body.String(), "\n", "")
			if c.target == "/ogc/api" {
				var doc any
				json.Unmarshal(rec.Body.Bytes(), &doc)
				b, _ := json.Marshal(doc)
				body = string(b)
			}
			if rec.Code != 200 || rec.Header().Get("Content-Type") != c.contentType {
				t.Fatalf("%d %q, want 200 %q", rec.Code, rec.Header().Get("Content-Type"), c.contentType)
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Fatalf("answer lacks %q:\n%.2000s", w, body)
				}
			}
			if c.target != "/ogc/api" && !strings.Contains(rec.Header().Get("Link"), `rel="self"`) {
				t.Fatalf("Link header %q has no self link", rec.Header().Get("Link"))
			}
			if strings.Contains(body, "<script") {
				t.Fatal("an HTML page carries a script")
			}
		})
	}
}

func TestOGC_BrowserGetsHTML(t *testing.T) {
	s := testServer(t)
	req := httptest.NewRequest("GET", "/ogc/collections/phone/items?limit=5", nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") ||
		!strings.Contains(rec.Body.String(), "5 of 210 communes") || !strings.Contains(rec.Body.String(), "next →") {
		t.Fatalf("%d %s\n%.1500s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Fatalf("Content-Security-Policy %q", csp)
	}
}

// Paging with next links visits every commune once, in code order, with the
// figures of the layer's GeoJSON.
func TestOGC_ItemsPagingEqualsLayer(t *testing.T) {
	s := testServer(t)
	var layer struct {
		Features []struct {
			ID         string         `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(get(t, s, "GET", "/api/v1/layers/mobile/communes").Body.Bytes(), &layer); err != nil {
		t.Fatal(err)
	}
	target := "/ogc/collections/mobile/items?limit=50"
	var seen []string
	pages := 0
	for target != "" {
		p := getPage(t, s, target)
		pages++
		if p.NumberMatched != 210 || p.NumberReturned != len(p.Features) || p.TimeStamp == "" || p.AsOf == "" {
			t.Fatalf("page %d: matched %d returned %d of %d, timeStamp %q", pages, p.NumberMatched, p.NumberReturned, len(p.Features), p.TimeStamp)
		}
		if pages > 1 && p.link("prev") == "" {
			t.Fatalf("page %d has no prev link", pages)
		}
		for _, f := range p.Features {
			want := layer.Features[len(seen)]
			if f.ID != want.ID || f.Geometry.Type != "MultiPolygon" {
				t.Fatalf("feature %d is %s, want %s", len(seen), f.ID, want.ID)
			}
			for k, v := range want.Properties {
				if f.Properties[k] != v {
					t.Fatalf("%s %s = %v, the layer says %v", f.ID, k, f.Properties[k], v)
				}
			}
			seen = append(seen, f.ID)
		}
		target = ""
		if next := p.link("next"); next != "" {
			u, err := url.Parse(next)
			if err != nil || u.Host != "example.com" {
				t.Fatalf("next link %q is not absolute", next)
			}
			target = u.RequestURI()
		}
	}
	if len(seen) != 210 || pages != 5 {
		t.Fatalf("%d features in %d pages, want 210 in 5", len(seen), pages)
	}
}

func TestOGC_ItemsFilters(t *testing.T) {
	s := testServer(t)
	all := getPage(t, s, "/ogc/collections/mobile/items?limit=10000")
	statuses := map[string]int{}
	for _, f := range all.Features {
		statuses[f.Properties["status"].(string)]++
	}
	cases := []struct {
		name, query string
		matched     int // -1: some, fewer than all
		check       func(p ogcPage) bool
	}{
		{"status", "status=covered", statuses["covered"], func(p ogcPage) bool { return p.Features[0].Properties["status"] == "covered" }},
		{"district by code", "district=148", -1, func(p ogcPage) bool { return p.Features[0].Properties["district_code"] == "148" }},
		{"district by name", "district=" + url.QueryEscape("thành phố hòa bình"), -1, func(p ogcPage) bool { return p.Features[0].Properties["district_code"] == "148" }},
		{"codes", "code=04807,04810", 2, func(p ogcPage) bool { return p.Features[0].ID == "04807" }},
		{"bbox", "bbox=105.30,20.78,105.36,20.84", -1, nil},
		{"bbox beyond", "bbox=0,0,1,1", 0, nil},
		{"properties", "properties=code,status&code=04807", 1, func(p ogcPage) bool {
			return len(p.Features[0].Properties) == 2 && p.Features[0].Properties["status"] != nil
		}},
		{"no properties", "properties=&code=04807", 1, func(p ogcPage) bool { return len(p.Features[0].Properties) == 0 }},
		{"limit above the maximum", "limit=20000", 210, func(p ogcPage) bool { return p.NumberReturned == 210 }},
		{"offset past the end", "offset=500", 210, func(p ogcPage) bool { return p.NumberReturned == 0 && p.link("prev") != "" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := getPage(t, s, "/ogc/collections/mobile/items?"+c.query)
			if c.matched >= 0 && p.NumberMatched != c.matched || c.matched < 0 && (p.NumberMatched == 0 || p.NumberMatched >= 210) {
				t.Fatalf("matched %d, want %d", p.NumberMatched, c.matched)
			}
			if c.check != nil && !c.check(p) {
				t.Fatalf("unexpected page: %+v", p.Features)
			}
		})
	}
}

// datetime recomputes from the filings in force that day: before the first
// demonstration filing nobody is covered.
func TestOGC_Datetime(t *testing.T) {
	s := testServer(t)
	covered := func(p ogcPage) float64 {
		sum := 0.0
		for _, f := range p.Features {
			sum += f.Properties["population_covered"].(float64)
		}
		return sum
	}
	old := getPage(t, s, "/ogc/collections/mobile/items?limit=10000&datetime=2010-01-01")
	now := getPage(t, s, "/ogc/collections/mobile/items?limit=10000")
	again := getPage(t, s, "/ogc/collections/mobile/items?limit=10000&datetime=2010-01-01T12:00:00Z")
	if old.AsOf != "2010-01-01" || covered(old) != 0 || covered(now) == 0 || covered(again) != 0 {
		t.Fatalf("as of %s: %.0f covered; now %.0f; again %.0f", old.AsOf, covered(old), covered(now), covered(again))
	}
	item := get(t, s, "GET", "/ogc/collections/mobile/items/04807?datetime=2010-01-01")
	if item.Code != 200 || !strings.Contains(item.Body.String(), `"population_covered":0`) {
		t.Fatalf("item as of 2010: %d %s", item.Code, item.Body)
	}
}

func TestOGC_Item(t *testing.T) {
	s := testServer(t)
	rec := get(t, s, "GET", "/ogc/collections/communes/items/04807?properties=name,population")
	var f struct {
		ID         string          `json:"id"`
		Properties json.RawMessage `json:"properties"`
		Links      []struct{ Rel string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/geo+json" || f.ID != "04807" ||
		string(f.Properties) != `{"name":"Phường Phương Lâm","population":10837}` || len(f.Links) != 3 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}

func TestOGC_Errors(t *testing.T) {
	s := testServer(t)
	cases := []struct {
		target string
		status int
		detail string
	}{
		{"/ogc/collections/tv", 404, "no collection"},
		{"/ogc/collections/tv/items", 404, "no collection"},
		{"/ogc/collections/mobile/items/99999", 404, "no commune"},
		{"/ogc?f=xml", 400, "want json or html"},
		{"/ogc/conformance?colour=red", 400, "unknown query parameter"},
		{"/ogc/api?foo=1", 400, "unknown query parameter"},
		{"/ogc/api?f=yaml", 400, "want json or html"},
		{"/ogc/collections/mobile/items?bbox=1,2,3", 400, "want 4 or 6 numbers"},
		{"/ogc/collections/mobile/items?bbox=1,2,3,4,5", 400, "want 4 or 6 numbers"},
		{"/ogc/collections/mobile/items?bbox=1,2,3,4,5,6,7", 400, "want 4 or 6 numbers"},
		{"/ogc/collections/mobile/items?bbox=105,20,low,106,21,100", 400, "not a number"},
		{"/ogc/collections/mobile/items?bbox=105,20,0,200,21,100", 400, "out of -180 to 180"},
		{"/ogc/collections/mobile/items?bbox=a,2,3,4", 400, "not a number"},
		{"/ogc/collections/mobile/items?bbox=100,20,200,21", 400, "out of -180 to 180"},
		{"/ogc/collections/mobile/items?bbox=100,21,101,20", 400, "above maxLat"},
		{"/ogc/collections/mobile/items?limit=0", 400, "limit"},
		{"/ogc/collections/mobile/items?limit=-3", 400, "limit"},
		{"/ogc/collections/mobile/items?limit=ten", 400, "limit"},
		{"/ogc/collections/mobile/items?offset=-1", 400, "offset"},
		{"/ogc/collections/mobile/items?datetime=yesterday", 400, "datetime"},
		{"/ogc/collections/mobile/items?datetime=2021-01-01/2020-01-01", 400, "is after its end"},
		{"/ogc/collections/mobile/items?datetime=2020-01-01T12:00:00Z/2020-01-01T06:00:00Z", 400, "is after its end"},
		{"/ogc/collections/mobile/items?datetime=../..", 400, "both ends open"},
		{"/ogc/collections/mobile/items?datetime=soon/2020-01-01", 400, "datetime"},
		{"/ogc/collections/mobile/items?datetime=2020-01-01/later", 400, "datetime"},
		{"/ogc/collections/mobile/items?datetime=2020-01-01/2020-02-01/2020-03-01", 400, "datetime"},
		{"/ogc/collections/mobile/items?datetime=..", 400, "datetime"},
		{"/ogc/collections/mobile/items?properties=colour", 400, "not a property"},
		{"/ogc/collections/mobile/items?status=excellent", 400, "covered, partial or none"},
		{"/ogc/collections/communes/items?status=covered", 400, "no status"},
		{"/ogc/collections/mobile/items?sortby=x", 400, "unknown query parameter"},
		{"/ogc/collections/mobile/items?filter=x", 400, "no queryable"},
		{"/ogc/collections/mobile/items?filter=remote%3Dtrue&filter-lang=cql2-json", 400, "filter-lang"},
		{"/ogc/collections/mobile/items?filter=remote%3Dtrue&filter-crs=EPSG%3A4756", 400, "filter-crs"},
		{"/ogc/collections/mobile/items/04807?limit=3", 400, "unknown query parameter"},
	}
	for _, c := range cases {
		t.Run(c.target, func(t *testing.T) {
			rec := get(t, s, "GET", c.target)
			var p Problem
			json.Unmarshal(rec.Body.Bytes(), &p)
			if rec.Code != c.status || rec.Header().Get("Content-Type") != "application/problem+json" || !strings.Contains(p.Detail, c.detail) {
				t.Fatalf("%d %s %s, want %d with %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body, c.status, c.detail)
			}
		})
	}
}

// Paging parameters at the edges of int64 (and beyond it) give a page or a
// 400, never a 500: offset+limit must not overflow.
func TestOGC_ItemsPagingExtremes(t *testing.T) {
	s := testServer(t)
	cases := []struct {
		name, query string
		returned    int
		next, prev  bool
	}{
		{"largest offset", "offset=9223372036854775807", 0, false, true},
		{"largest offset and limit", "offset=9223372036854775807&limit=9223372036854775807", 0, false, true},
		{"offset beyond int64", "offset=99999999999999999999999", 0, false, true},
		{"largest limit", "limit=9223372036854775807", 210, false, false},
		{"limit beyond int64", "limit=99999999999999999999999", 210, false, false},
		{"largest limit from the middle", "offset=200&limit=9223372036854775807", 10, false, true},
		{"last page", "offset=209&limit=1", 1, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := getPage(t, s, "/ogc/collections/mobile/items?"+c.query)
			if p.NumberMatched != 210 || p.NumberReturned != c.returned || len(p.Features) != c.returned ||
				(p.link("next") != "") != c.next || (p.link("prev") != "") != c.prev {
				t.Fatalf("matched %d, returned %d (%d features), next %q, prev %q; want 210, %d, next %v, prev %v",
					p.NumberMatched, p.NumberReturned, len(p.Features), p.link("next"), p.link("prev"), c.returned, c.next, c.prev)
			}
		})
	}
	for _, q := range []string{"offset=-9223372036854775808", "offset=-99999999999999999999999", "limit=-9223372036854775808", "limit=-99999999999999999999999"} {
		t.Run(q, func(t *testing.T) {
			rec := get(t, s, "GET", "/ogc/collections/mobile/items?"+q)
			if rec.Code != 400 || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%d %s, want a 400 problem", rec.Code, rec.Body)
			}
		})
	}
}

// Without limit a page holds 10 features, the default the standard's limit
// fragment names (and the OpenAPI document, which must equal it).
func TestOGC_DefaultLimit(t *testing.T) {
	s := testServer(t)
	p := getPage(t, s, "/ogc/collections/mobile/items")
	if p.NumberReturned != 10 || len(p.Features) != 10 || !strings.Contains(p.link("next"), "limit=10&") {
		t.Fatalf("returned %d (%d features), next %q; want 10 and limit=10 in next", p.NumberReturned, len(p.Features), p.link("next"))
	}
}

// bbox takes 4 numbers or 6 (/req/core/fc-bbox-definition): with 6 the
// third and sixth are heights, ignored because the communes are 2D. A
// minLon greater than maxLon is a box across the antimeridian.
func TestOGC_BBox(t *testing.T) {
	s := testServer(t)
	box4 := getPage(t, s, "/ogc/collections/mobile/items?limit=10000&bbox=105.30,20.78,105.36,20.84")
	if box4.NumberMatched == 0 || box4.NumberMatched >= 210 {
		t.Fatalf("the 4-number box matched %d communes, want some", box4.NumberMatched)
	}
	cases := []struct {
		name, bbox string
		matched    int
	}{
		{"6 numbers, heights ignored", "105.30,20.78,0,105.36,20.84,100", box4.NumberMatched},
		{"6 numbers, negative heights", "105.30,20.78,-50,105.36,20.84,-10", box4.NumberMatched},
		{"across the antimeridian, over Vietnam", "100,0,-170,30", 210},
		{"across the antimeridian, 6 numbers", "100,0,0,-170,30,10", 210},
		{"across the antimeridian, the Pacific only", "179,-10,-179,10", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := getPage(t, s, "/ogc/collections/mobile/items?limit=10000&bbox="+c.bbox)
			if p.NumberMatched != c.matched {
				t.Fatalf("matched %d, want %d", p.NumberMatched, c.matched)
			}
		})
	}
}

// A datetime interval means the figures as of its end's day: the filings in
// force that day (an open end, "..", is today and the current figures).
func TestOGC_DatetimeInterval(t *testing.T) {
	s := testServer(t)
	covered := func(p ogcPage) float64 {
		sum := 0.0
		for _, f := range p.Features {
			sum += f.Properties["population_covered"].(float64)
		}
		return sum
	}
	now := getPage(t, s, "/ogc/collections/mobile/items?limit=10000")
	if covered(now) == 0 {
		t.Fatal("nobody covered now")
	}
	cases := []struct {
		datetime, asOf string
		covered        float64
	}{
		{"2009-01-01T00:00:00Z/2010-01-01T00:00:00Z", "2010-01-01", 0},
		{"2009-01-01/2010-01-01", "2010-01-01", 0},
		{"2010-01-01/2010-01-01", "2010-01-01", 0},
		{"../2010-01-01T00:00:00Z", "2010-01-01", 0},
		{"2010-01-01T00:00:00Z/..", now.AsOf, covered(now)},
		{"../" + now.AsOf, now.AsOf, covered(now)},
	}
	for _, c := range cases {
		t.Run(c.datetime, func(t *testing.T) {
			p := getPage(t, s, "/ogc/collections/mobile/items?limit=10000&datetime="+url.QueryEscape(c.datetime))
			if p.AsOf != c.asOf || covered(p) != c.covered || p.NumberMatched != 210 {
				t.Fatalf("as of %s, %.0f covered, %d matched; want %s, %.0f, 210", p.AsOf, covered(p), p.NumberMatched, c.asOf, c.covered)
			}
		})
	}
	item := get(t, s, "GET", "/ogc/collections/mobile/items/04807?datetime=../2010-01-01")
	if item.Code != 200 || !strings.Contains(item.Body.String(), `"population_covered":0`) {
		t.Fatalf("item as of ../2010: %d %s", item.Code, item.Body)
	}
}
