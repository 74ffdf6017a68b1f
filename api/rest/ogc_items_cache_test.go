package rest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

// The pages of the current figures in the forms GIS clients ask for (no
// datetime, no filter) are rendered once per snapshot and served with an
// ETag and a gzip form, as the layer endpoint is.
func TestOGC_ItemsCached(t *testing.T) {
	s := testServer(t)
	for _, target := range []string{
		"/ogc/collections/mobile/items?limit=1000",
		"/ogc/collections/communes/items",
		"/ogc/collections/phone/items?f=html&offset=5&limit=3",
	} {
		t.Run(target, func(t *testing.T) { checkETagPerEncoding(t, s, target) })
	}
}

// The cache key names everything that changes the body: two requests that
// differ in any of these get bodies of their own, whose links and features
// are those of their own request.
func TestOGC_ItemsCacheKey(t *testing.T) {
	s := testServer(t)
	fetch := func(target, host, proto, accept string) (string, string) {
		req := httptest.NewRequest("GET", target, nil)
		req.Host = host
		if proto != "" {
			req.Header.Set("X-Forwarded-Proto", proto)
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
		}
		body := rec.Body.Bytes()
		if rec.Header().Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		return string(body), rec.Header().Get("Link")
	}
	const items = "/ogc/collections/mobile/items"
	cases := []struct {
		name, target, host, proto, accept string
		want                              []string
	}{
		{"host a", items + "?limit=5", "a.example", "", "", []string{`"href":"http://a.example/ogc/collections/mobile/items?f=json\u0026limit=5\u0026offset=0"`}},
		{"host b", items + "?limit=5", "b.example", "", "", []string{`"href":"http://b.example/ogc/collections/mobile/items?f=json\u0026limit=5\u0026offset=0"`}},
		{"https", items + "?limit=5", "a.example", "https", "", []string{`"href":"https://a.example/`}},
		{"limit", items + "?limit=6", "a.example", "", "", []string{`"numberReturned":6`}},
		{"offset", items + "?limit=5&offset=200", "a.example", "", "", []string{`"numberReturned":5`, `"rel":"prev"`}},
		{"collection", "/ogc/collections/phone/items?limit=5", "a.example", "", "", []string{`"layer":"phone"`}},
		{"properties", items + "?limit=5&properties=code", "a.example", "", "", []string{`"properties":{"code":`, `properties=code`}},
		{"f=html", items + "?limit=5&f=html", "a.example", "", "", []string{"<!doctype html>"}},
		{"Accept: text/html", items + "?limit=5", "a.example", "", "text/html", []string{"<!doctype html>", "http://a.example/ogc/collections/mobile/items?f=html"}},
		{"f=json", items + "?limit=5&f=json", "a.example", "", "text/html", []string{`"type":"FeatureCollection"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for round := range 2 { // the first renders, the second is served from the cache
				body, link := fetch(c.target, c.host, c.proto, c.accept)
				for _, w := range c.want {
					if !strings.Contains(body, w) {
						t.Fatalf("round %d: body lacks %s:\n%.600s", round, w, body)
					}
				}
				if host := "://" + c.host + "/"; !strings.Contains(link, host) {
					t.Fatalf("round %d: Link %q does not name %s", round, link, host)
				}
			}
		})
	}
}

// Pages with datetime or a filter are rendered for each request: their
// combinations are unbounded.
func TestOGC_ItemsNotCached(t *testing.T) {
	s := testServer(t)
	for _, q := range []string{"datetime=2010-01-01", "datetime=2010-01-01/..", "bbox=105,20,106,21", "status=covered", "code=04807"} {
		t.Run(q, func(t *testing.T) {
			rec := get(t, s, "GET", "/ogc/collections/mobile/items?"+q)
			if rec.Code != 200 || rec.Header().Get("ETag") != "" {
				t.Fatalf("%d, ETag %q; want 200 without ETag", rec.Code, rec.Header().Get("ETag"))
			}
		})
	}
}

// A snapshot's cached bodies stay within a byte budget: past it a body is
// rendered for its request and not kept, so that clients varying Host or
// offset cannot fill the memory with full pages.
func TestBodyCache_ByteBudget(t *testing.T) {
	bc := &bodyCache{maxBytes: 100}
	renders := 0
	render := func(n int) func() ([]byte, error) {
		return func() ([]byte, error) { renders++; return bytes.Repeat([]byte("x"), n), nil }
	}
	for i := range 3 {
		bc.get("small", render(10))
		bc.get(fmt.Sprint("big", i%2), render(1000))
	}
	if renders != 1+3 {
		t.Fatalf("%d renders, want 4: the small body once, each big one every time", renders)
	}
}

// BenchmarkOGCItems_FullCollection is the page GIS clients ask for most,
// the whole mobile layer of the default data (210 communes) at limit=1000,
// gzipped, through the router: served from the snapshot's rendering.
func BenchmarkOGCItems_FullCollection(b *testing.B) {
	s := testServer(b)
	h := s.Handler()
	for b.Loop() {
		req := httptest.NewRequest("GET", "/ogc/collections/mobile/items?limit=1000", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}
