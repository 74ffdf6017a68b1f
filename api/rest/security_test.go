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

// setLimits replaces s's rate limits: the writes of one authenticated
// principal, the public computing requests of one address, and the
// refused authentications of one address.
func setLimits(s *Server, principal, compute, failures RateLimit) {
	s.perPrincipal = newRateLimiter(limitWrites, principal)
	s.computePerAddress = newRateLimiter(limitCompute, compute)
	s.authFailures = newRateLimiter(limitAuthFailures, failures)
}

// writeFrom sends a dry-run filing with the Authorization header auth
// ("" for none) from the client address addr.
func writeFrom(t *testing.T, s *Server, auth, addr string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("POST", "/api/v1/filings?dry_run=true", strings.NewReader(openAPIFiling))
	req.Header.Set("Content-Type", "application/geo+json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.RemoteAddr = addr + ":40000"
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// A provider's write budget is spent by its own verified requests only,
// and each provider has its own: a third request over a burst of 3 is a
// 429 with Retry-After, while another provider, the admin and reads from
// the same address go on.
func TestRateLimit_PerVerifiedPrincipal(t *testing.T) {
	s, store, _ := writableServer(t)
	setLimits(s, RateLimit{PerSecond: 0.01, Burst: 3}, RateLimit{PerSecond: 0.01, Burst: 100}, RateLimit{PerSecond: 0.01, Burst: 100})
	a, _ := store.AddProvider(context.Background(), "a", []geo.Layer{geo.Mobile}, "test")
	b, _ := store.AddProvider(context.Background(), "b", []geo.Layer{geo.Mobile}, "test")
	for i := range 3 {
		if rec := writeFrom(t, s, "Bearer "+a, "192.0.2.1"); rec.Code != http.StatusOK {
			t.Fatalf("write %d of provider a: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	rec := writeFrom(t, s, "Bearer "+a, "198.51.100.7")
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("the 4th write of provider a, from another address: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	for i := range 3 {
		if rec := writeFrom(t, s, "Bearer "+b, "192.0.2.1"); rec.Code != http.StatusOK {
			t.Fatalf("write %d of provider b, from a's address: %d", i+1, rec.Code)
		}
	}
	if rec := do(t, s, "GET", "/api/v1/layers", "", ""); rec.Code != http.StatusOK {
		t.Fatalf("a read after the limit: %d", rec.Code)
	}
}

// A token id is public and small ("ps_1"): requests that carry it with a
// wrong secret, or no token at all, are refused authentication and spend
// a budget of their own, per address, never a provider's or the writers'
// behind the same address (issue 14: 35 forged requests blocked ps_1
// everywhere, and 70 without a token blocked every writer behind a NAT).
func TestRateLimit_RefusedAuthenticationSpendsNoWritersBudget(t *testing.T) {
	s, store, _ := writableServer(t)
	setLimits(s, RateLimit{PerSecond: 0.01, Burst: 30}, RateLimit{PerSecond: 0.01, Burst: 60}, RateLimit{PerSecond: 0.01, Burst: 5})
	token, _ := store.AddProvider(context.Background(), "viettel", []geo.Layer{geo.Mobile}, "test")
	id := strings.Join(strings.SplitN(token, "_", 3)[:2], "_") // "ps_<id>"
	const attacker, nat = "203.0.113.9", "192.0.2.1"
	statuses := map[int]int{}
	for range 35 {
		statuses[writeFrom(t, s, "Bearer "+id+"_x", attacker).Code]++
	}
	for range 70 {
		statuses[writeFrom(t, s, "", nat).Code]++
	}
	for _, addr := range []string{"198.51.100.7", nat, attacker} {
		if rec := writeFrom(t, s, "Bearer "+token, addr); rec.Code != http.StatusOK {
			t.Errorf("the real token from %s after the forgeries: %d %s", addr, rec.Code, rec.Body)
		}
	}
	if statuses[http.StatusUnauthorized] != 10 || statuses[http.StatusTooManyRequests] != 95 {
		t.Fatalf("refused authentications answered %v, want 5 of each address 401 and the rest 429", statuses)
	}
}

// The what-if is public and computes: it has a per-address limit, apart
// from the writers' budgets. Spending one does not spend the other.
func TestRateLimit_WhatIfPerAddressApartFromWriters(t *testing.T) {
	s, store, _ := writableServer(t)
	setLimits(s, RateLimit{PerSecond: 0.01, Burst: 2}, RateLimit{PerSecond: 0.01, Burst: 2}, RateLimit{PerSecond: 0.01, Burst: 100})
	token, _ := store.AddProvider(context.Background(), "viettel", []geo.Layer{geo.Mobile}, "test")
	whatIf := func(addr string) int {
		req := httptest.NewRequest("POST", "/api/v1/whatif", strings.NewReader(openAPIWhatIf))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = addr + ":40000"
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec.Code
	}
	const addr = "192.0.2.1"
	if a, b, c := whatIf(addr), whatIf(addr), whatIf(addr); a != 200 || b != 200 || c != http.StatusTooManyRequests {
		t.Fatalf("three what-ifs over a burst of 2: %d %d %d", a, b, c)
	}
	for i := range 2 {
		if rec := writeFrom(t, s, "Bearer "+token, addr); rec.Code != http.StatusOK {
			t.Fatalf("write %d after the address's what-ifs: %d", i+1, rec.Code)
		}
	}
	if rec := writeFrom(t, s, "Bearer "+token, addr); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("the writer's 3rd write: %d, want 429", rec.Code)
	}
	if code := whatIf("198.51.100.7"); code != http.StatusOK {
		t.Fatalf("a what-if from another address after the writer's budget is spent: %d", code)
	}
}

// Every route that writes or computes is limited: with every budget at
// nothing, each answers 429 whoever asks (no token, the admin's, a
// provider's), so no new write route escapes the limits.
func TestRateLimit_EveryWriteRouteIsLimited(t *testing.T) {
	s, store, _ := writableServer(t)
	none := RateLimit{PerSecond: 0.001, Burst: 0}
	setLimits(s, none, none, none)
	admin, provider := adminAndProvider(t, store)
	for _, r := range s.router.Routes() {
		if r.Method == http.MethodGet {
			continue
		}
		target := strings.NewReplacer(":id", "1", ":name", "viettel", ":code", "04882").Replace(r.Path)
		for _, token := range []string{"", admin, provider} {
			if rec := do(t, s, r.Method, target, token, "{}"); rec.Code != http.StatusTooManyRequests {
				t.Errorf("%s %s with token %.8q: %d, want 429", r.Method, target, token, rec.Code)
			}
		}
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
