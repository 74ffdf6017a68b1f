package rest

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// A day after today is refused everywhere figures are asked for, as_of or
// OGC's datetime, with the core's words (api.Snapshot.CheckDay): a 400
// problem, never a file or a page labelled with that day.
func TestParams_FutureDayRefusedEverywhere(t *testing.T) {
	s := testServer(t)
	snap := s.mustSnapshot(t)
	asOf := snap.CheckDay("as_of", "9999-12-31").Error()
	datetime := snap.CheckDay("datetime", "9999-12-31").Error()
	cases := []struct {
		target, detail string
	}{
		{"/api/v1/export/mobile.csv?as_of=9999-12-31", asOf},
		{"/api/v1/export/mobile.geojson?as_of=9999-12-31T10:00:00Z", asOf},
		{"/api/v1/summary?as_of=9999-12-31", asOf},
		{"/api/v1/layers/mobile/communes?as_of=9999-12-31", asOf},
		{"/api/v1/report?format=csv&as_of=9999-12-31", asOf},
		{"/ogc/collections/mobile/items?datetime=9999-12-31", datetime},
		{"/ogc/collections/mobile/items?datetime=9999-12-31T10:00:00Z", datetime},
		{"/ogc/collections/mobile/items?datetime=2020-01-01/9999-12-31", datetime},
		{"/ogc/collections/mobile/items?datetime=../9999-12-31T10:00:00Z", datetime},
		{"/ogc/collections/mobile/items?datetime=9999-12-31/..", datetime},
		{"/ogc/collections/communes/items?datetime=9999-12-31", datetime},
		{"/ogc/collections/mobile/items/04807?datetime=9999-12-31", datetime},
	}
	for _, c := range cases {
		t.Run(c.target, func(t *testing.T) {
			rec := get(t, s, "GET", c.target)
			var p Problem
			json.Unmarshal(rec.Body.Bytes(), &p)
			if rec.Code != 400 || rec.Header().Get("Content-Type") != "application/problem+json" || p.Detail != c.detail {
				t.Fatalf("%d %s %.300s, want 400 with %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body, c.detail)
			}
			if strings.Contains(rec.Header().Get("Content-Disposition"), "9999") {
				t.Fatalf("Content-Disposition %q", rec.Header().Get("Content-Disposition"))
			}
		})
	}
}

// No route takes a query parameter twice: which of two values a handler
// would read is not what every client or proxy assumes
// (?dry_run=false&dry_run=true stored a filing). Every route refuses a
// repeated parameter with a 400 naming it, before anything is done.
func TestParams_RepeatedRefused(t *testing.T) {
	s, store, _ := writableServer(t)
	admin, provider := adminAndProvider(t, store)
	before := storeState(t, store)
	cases := []struct {
		method, target, token, body, param string
	}{
		{"POST", "/api/v1/filings?dry_run=false&dry_run=true", provider, goodFiling, "dry_run"},
		{"POST", "/api/v1/filings?dry_run=true&dry_run=true", provider, goodFiling, "dry_run"},
		{"POST", "/api/v1/filings?layer=mobile&as_of=2025-01-01&as_of=2025-02-01", provider, goodFiling, "as_of"},
		{"GET", "/api/v1/summary?layer=mobile&layer=phone", "", "", "layer"},
		{"GET", "/api/v1/layers/mobile/communes?as_of=2020-01-01&as_of=2021-01-01", "", "", "as_of"},
		{"GET", "/api/v1/export/mobile.csv?as_of=2020-01-01&as_of=", "", "", "as_of"},
		{"GET", "/api/v1/gaps?layer=mobile&remote=true&remote=false", "", "", "remote"},
		{"GET", "/api/v1/report?format=csv&format=html", "", "", "format"},
		{"GET", "/api/v1/audit?limit=1&limit=2", admin, "", "limit"},
		{"GET", "/ogc/collections/mobile/items?bbox=105,20,106,21&bbox=0,0,1,1", "", "", "bbox"},
		{"GET", "/ogc/collections/mobile/items?properties=code&properties=name", "", "", "properties"},
		{"GET", "/ogc/collections/mobile/items/04807?f=json&f=html", "", "", "f"},
		{"GET", "/tiles/mobile/8/203/113.mvt?v=1&v=2", "", "", "v"},
		{"GET", "/healthz?a&a", "", "", "a"},
		{"GET", "/?lang=vi&lang=en", "", "", "lang"},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.target, func(t *testing.T) {
			req := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
			if c.token != "" {
				req.Header.Set("Authorization", "Bearer "+c.token)
			}
			if c.body != "" {
				req.Header.Set("Content-Type", "application/geo+json")
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			var p Problem
			json.Unmarshal(rec.Body.Bytes(), &p)
			if rec.Code != 400 || rec.Header().Get("Content-Type") != "application/problem+json" || !strings.Contains(p.Detail, quote(c.param)) {
				t.Fatalf("%d %.300s, want 400 naming %q", rec.Code, rec.Body, c.param)
			}
		})
	}
	if after := storeState(t, store); after != before {
		t.Fatalf("a refused request changed the store: %s → %s", before, after)
	}
	// Distinct parameters, and one given once, are as before.
	for _, target := range []string{"/api/v1/summary?layer=mobile&breakdown=provider", "/ogc/collections/mobile/items?limit=2&offset=1&properties=code"} {
		if rec := get(t, s, "GET", target); rec.Code != 200 {
			t.Errorf("%s: %d %.300s", target, rec.Code, rec.Body)
		}
	}
}
