package rest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
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
