package rest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/phusong/phusong/geo"
)

func TestSecurityHeaders(t *testing.T) {
	s := testServer(t)
	for _, path := range []string{"/", "/api/v1/layers", "/api/v1/nothing", "/app.js"} {
		rec := get(t, s, "GET", path)
		h := rec.Header()
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") ||
			!strings.Contains(csp, "frame-ancestors 'none'") {
			t.Fatalf("%s: CSP %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("%s: headers %v", path, h)
		}
		if h.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("%s: CORS on by default", path)
		}
	}
}

func TestCORS_OnlyForTheConfiguredOrigin(t *testing.T) {
	cfg := DefaultConfig()
	cfg.CORSOrigin = "https://planning.hoabinh.gov.vn"
	s := newTestServer(cfg, testServer(t).store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for origin, want := range map[string]string{cfg.CORSOrigin: cfg.CORSOrigin, "https://evil.example": ""} {
		req := httptest.NewRequest("OPTIONS", "/api/v1/filings", nil)
		req.Header.Set("Origin", origin)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != want {
			t.Fatalf("origin %s: allowed %q, want %q", origin, got, want)
		}
	}
}

// With CORS on, every answer varies by Origin (whether the origin is allowed
// decides Access-Control-Allow-Origin), and the bodies served in a gzip and
// an identity form vary by Accept-Encoding too: Vary lists both.
func TestCORS_VaryListsOriginAndAcceptEncoding(t *testing.T) {
	cfg := DefaultConfig()
	cfg.CORSOrigin = "https://planning.hoabinh.gov.vn"
	shared := testServer(t)
	s := New(cfg, shared.core, shared.store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	cases := []struct {
		target, origin string
		vary           []string
	}{
		{"/api/v1/summary", cfg.CORSOrigin, []string{"Origin", "Accept-Encoding"}},
		{"/api/v1/summary", "https://evil.example", []string{"Origin", "Accept-Encoding"}},
		{"/api/v1/layers/mobile/communes", cfg.CORSOrigin, []string{"Origin", "Accept-Encoding"}},
		{"/tiles/mobile/0/0/0.mvt", cfg.CORSOrigin, []string{"Origin", "Accept-Encoding"}},
		{"/", cfg.CORSOrigin, []string{"Origin", "Accept-Encoding"}},
		{"/api/v1/layers", cfg.CORSOrigin, []string{"Origin"}},
		{"/api/v1/nothing", cfg.CORSOrigin, []string{"Origin"}},
	}
	for _, c := range cases {
		t.Run(c.target+" from "+c.origin, func(t *testing.T) {
			req := httptest.NewRequest("GET", c.target, nil)
			req.Header.Set("Origin", c.origin)
			req.Header.Set("Accept-Encoding", "gzip")
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			var got []string
			for _, v := range rec.Header().Values("Vary") {
				for _, f := range strings.Split(v, ",") {
					got = append(got, strings.TrimSpace(f))
				}
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(c.vary))
			if !slices.Equal(got, want) {
				t.Fatalf("%d: Vary %q, want %q", rec.Code, got, want)
			}
		})
	}
}

// A browser may send every method the API answers: the preflight allows
// PATCH (targets) and PUT (remote communes) as well as GET, HEAD, POST and
// DELETE.
func TestCORS_PreflightAllowsEveryMethod(t *testing.T) {
	cfg := DefaultConfig()
	cfg.CORSOrigin = "https://planning.hoabinh.gov.vn"
	s := newTestServer(cfg, testServer(t).store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, method := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"} {
		req := httptest.NewRequest("OPTIONS", "/api/v1/targets/1", nil)
		req.Header.Set("Origin", cfg.CORSOrigin)
		req.Header.Set("Access-Control-Request-Method", method)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		allowed := strings.Split(rec.Header().Get("Access-Control-Allow-Methods"), ",")
		for i := range allowed {
			allowed[i] = strings.TrimSpace(allowed[i])
		}
		if rec.Code != http.StatusNoContent || !slices.Contains(allowed, method) {
			t.Errorf("preflight of %s: %d, Access-Control-Allow-Methods %q", method, rec.Code, rec.Header().Get("Access-Control-Allow-Methods"))
		}
	}
}

func TestRateLimit_WritesPerTokenAndAddress(t *testing.T) {
	s, store, _ := writableServer(t)
	s.perToken = newRateLimiter(RateLimit{PerSecond: 0.5, Burst: 3})
	s.perAddress = newRateLimiter(RateLimit{PerSecond: 0.5, Burst: 5})
	a, _ := store.AddProvider(context.Background(), "a", []geo.Layer{geo.Phone}, "test")
	b, _ := store.AddProvider(context.Background(), "b", []geo.Layer{geo.Phone}, "test")
	send := func(token string) *httptest.ResponseRecorder {
		return post(t, s, "/api/v1/filings?dry_run=true", token, "application/geo+json", "", "{}")
	}
	for i := range 3 {
		if rec := send(a); rec.Code == http.StatusTooManyRequests {
			t.Fatalf("request %d of token a limited", i)
		}
	}
	rec := send(a)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("4th request of token a: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	// Another token from the same address has its own bucket, until the
	// address's runs out.
	if rec := send(b); rec.Code == http.StatusTooManyRequests {
		t.Fatal("token b limited by token a's requests")
	}
	send(b)
	if rec := send(b); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("the address's 6th write: %d, want 429", rec.Code)
	}
	// Reads are never limited.
	if rec := do(t, s, "GET", "/api/v1/layers", "", ""); rec.Code != 200 {
		t.Fatalf("a read after the limit: %d", rec.Code)
	}
}

func TestBodyLimit_EveryRoute(t *testing.T) {
	s, store, _ := writableServer(t)
	admin, _ := store.NewAdminToken(context.Background(), "test")
	big := `{"name":"x","layers":["phone"],"pad":"` + strings.Repeat("x", 2<<20) + `"}`
	rec := do(t, s, "POST", "/api/v1/providers", admin, big)
	if rec.Code != http.StatusRequestEntityTooLarge && rec.Code != http.StatusBadRequest {
		t.Fatalf("a 2 MB body to an admin route: %d", rec.Code)
	}
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") {
		t.Fatalf("not a problem document: %s", rec.Header().Get("Content-Type"))
	}
}
