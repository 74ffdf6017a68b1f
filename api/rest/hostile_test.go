package rest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/phusong/phusong/geo"
)

// TestHostileRequests sends requests a malicious or broken client might,
// over a real socket, and checks that each gets a 4xx problem document,
// that the server stays up and that nothing is stored.
func TestHostileRequests(t *testing.T) {
	s, store, _ := writableServer(t)
	ctx := context.Background()
	provider, _ := store.AddProvider(ctx, "tester", []geo.Layer{geo.Mobile, geo.Phone}, "test")
	admin, _ := store.NewAdminToken(ctx, "test")
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	before := storeState(t, store)

	const sqli = `' OR 1=1; DROP TABLE filings; --`
	q := url.QueryEscape
	nested := strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000)
	filing := func(features string) string {
		return `{"type":"FeatureCollection","layer":"mobile","as_of":"2025-01-01","features":[` + features + `]}`
	}
	type req struct {
		name, method, path, token, contentType, body string
		headers                                      map[string]string
	}
	cases := []req{
		{name: "oversized filing", method: "POST", path: "/api/v1/filings", token: provider, contentType: "application/geo+json", body: strings.Repeat(" ", 65<<20)},
		{name: "huge header", method: "GET", path: "/api/v1/layers", headers: map[string]string{"X-Junk": strings.Repeat("a", 100<<10)}},
		{name: "wrong content type", method: "POST", path: "/api/v1/filings", token: provider, contentType: "application/xml", body: "<a/>"},
		{name: "no content type", method: "POST", path: "/api/v1/filings", token: provider, body: filing("")},
		{name: "invalid UTF-8 filing", method: "POST", path: "/api/v1/filings", token: provider, contentType: "application/geo+json", body: "{\"type\":\"FeatureCollection\",\"layer\":\"mobile\xff\xfe\"}"},
		{name: "invalid UTF-8 CSV", method: "POST", path: "/api/v1/filings?layer=phone&as_of=2025-01-01", token: provider, contentType: "text/csv", body: "commune_code,technology,share\n0480\xff,fixed_line,1\n"},
		{name: "invalid UTF-8 in path", method: "GET", path: "/api/v1/layers/%ff%fe/communes"},
		{name: "deeply nested JSON", method: "POST", path: "/api/v1/filings", token: provider, contentType: "application/geo+json", body: nested},
		{name: "deeply nested features", method: "POST", path: "/api/v1/filings", token: provider, contentType: "application/geo+json", body: filing(strings.Repeat("[", 50000))},
		{name: "number 1e999 as share", method: "POST", path: "/api/v1/filings", token: provider, contentType: "application/geo+json", body: filing(`{"type":"Feature","geometry":null,"properties":{"commune_code":"04807","technology":"4G","share":1e999}}`)},
		{name: "number 1e999 as coordinate", method: "POST", path: "/api/v1/filings", token: provider, contentType: "application/geo+json", body: filing(`{"type":"Feature","properties":{"technology":"4G"},"geometry":{"type":"Polygon","coordinates":[[[1e999,20],[105,20],[105,21],[1e999,20]]]}}`)},
		{name: "NaN in JSON", method: "POST", path: "/api/v1/filings", token: provider, contentType: "application/geo+json", body: filing(`{"type":"Feature","geometry":null,"properties":{"commune_code":"04807","technology":"4G","share":NaN}}`)},
		{name: "empty body", method: "POST", path: "/api/v1/filings", token: provider, contentType: "application/geo+json"},
		{name: "JSON null", method: "POST", path: "/api/v1/filings", token: provider, contentType: "application/geo+json", body: "null"},
		{name: "a million features of nothing", method: "POST", path: "/api/v1/filings", token: provider, contentType: "application/geo+json", body: filing(strings.TrimSuffix(strings.Repeat("1,", 300000), ","))},
		{name: "SQL in layer", method: "GET", path: "/api/v1/layers/" + url.PathEscape(sqli) + "/communes"},
		{name: "SQL in summary layer", method: "GET", path: "/api/v1/summary?layer=" + q(sqli)},
		{name: "SQL in summary breakdown", method: "GET", path: "/api/v1/summary?layer=mobile&breakdown=" + q(sqli)},
		{name: "SQL in filing id", method: "GET", path: "/api/v1/filings/" + url.PathEscape(sqli), token: provider},
		{name: "SQL in withdraw id", method: "DELETE", path: "/api/v1/filings/1%20OR%201=1", token: provider},
		{name: "SQL in dry_run", method: "POST", path: "/api/v1/filings?dry_run=" + q(sqli), token: provider, contentType: "application/geo+json", body: filing("")},
		{name: "SQL in CSV layer", method: "POST", path: "/api/v1/filings?layer=" + q(sqli) + "&as_of=2025-01-01", token: provider, contentType: "text/csv", body: "commune_code,technology,share\n04807,fixed_line,1\n"},
		{name: "SQL in CSV as_of", method: "POST", path: "/api/v1/filings?layer=phone&as_of=" + q(sqli), token: provider, contentType: "text/csv", body: "commune_code,technology,share\n04807,fixed_line,1\n"},
		{name: "SQL in CSV commune code", method: "POST", path: "/api/v1/filings?layer=phone&as_of=2025-01-01", token: provider, contentType: "text/csv", body: "commune_code,technology,share\n\"" + strings.ReplaceAll(sqli, `"`, `""`) + "\",fixed_line,1\n"},
		{name: "SQL in filing layer", method: "POST", path: "/api/v1/filings", token: provider, contentType: "application/geo+json", body: strings.Replace(filing(""), `"mobile"`, `"`+sqli+`"`, 1)},
		{name: "SQL in provider name", method: "POST", path: "/api/v1/providers", token: admin, contentType: "application/json", body: `{"name":"x'; DROP TABLE tokens; --","layers":["mobile"]}`},
		{name: "SQL in provider path", method: "POST", path: "/api/v1/providers/" + url.PathEscape(sqli) + "/tokens", token: admin},
		{name: "SQL in audit limit", method: "GET", path: "/api/v1/audit?limit=" + q(sqli), token: admin},
		{name: "SQL in idempotency key", method: "POST", path: "/api/v1/filings", token: provider, contentType: "application/geo+json", body: filing(""), headers: map[string]string{"Idempotency-Key": sqli}},
		{name: "SQL as token", method: "GET", path: "/api/v1/filings", token: "ps_1 OR 1=1_" + sqli},
		{name: "path traversal", method: "GET", path: "/../../../../etc/passwd"},
		{name: "encoded path traversal", method: "GET", path: "/%2e%2e/%2e%2e/etc/passwd"},
		{name: "double-encoded traversal", method: "GET", path: "/%252e%252e/etc/passwd"},
		{name: "traversal to the source", method: "GET", path: "/..%2fembed.go"},
		{name: "dot files", method: "GET", path: "/.git/config"},
		{name: "absurd audit limit", method: "GET", path: "/api/v1/audit?limit=99999999999999999999", token: admin},
		{name: "negative audit limit", method: "GET", path: "/api/v1/audit?limit=-1", token: admin},
		{name: "absurd filing id", method: "GET", path: "/api/v1/filings/99999999999999999999999", token: provider},
		{name: "zero filing id", method: "GET", path: "/api/v1/filings/0", token: provider},
		{name: "unknown method", method: "PATCH", path: "/api/v1/layers"},
		{name: "TRACE", method: "TRACE", path: "/api/v1/layers"},
		{name: "token in query", method: "GET", path: "/api/v1/filings?access_token=" + provider},
		{name: "long idempotency key", method: "POST", path: "/api/v1/filings", token: provider, contentType: "application/geo+json", body: filing(""), headers: map[string]string{"Idempotency-Key": strings.Repeat("k", 1000)}},
		{name: "future as_of", method: "POST", path: "/api/v1/filings", token: provider, contentType: "application/geo+json", body: strings.Replace(filing(""), "2025-01-01", "9999-12-31", 1)},
	}
	if len(cases) < 40 {
		t.Fatalf("%d hostile requests, want at least 40", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
			if err != nil {
				// Paths the client library will not even send are fine.
				t.Skipf("not sendable: %v", err)
			}
			if c.token != "" {
				r.Header.Set("Authorization", "Bearer "+c.token)
			}
			if c.contentType != "" {
				r.Header.Set("Content-Type", c.contentType)
			}
			for k, v := range c.headers {
				r.Header.Set(k, v)
			}
			res, err := http.DefaultClient.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode < 400 || res.StatusCode >= 500 {
				t.Fatalf("%d, want a 4xx: %.300s", res.StatusCode, body)
			}
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
				t.Fatalf("%d %s, want a problem document: %.300s", res.StatusCode, res.Header.Get("Content-Type"), body)
			}
			if health, err := http.Get(srv.URL + "/healthz"); err != nil || health.StatusCode != 200 {
				t.Fatalf("the server is down after it: %v", err)
			}
		})
	}
	if after := storeState(t, store); after != before {
		t.Fatalf("the store changed: %s → %s", before, after)
	}
}
