package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/data/pgtest"
	"github.com/phusong/phusong/geo"
)

// writableServer is a server on a store of its own, seeded without the
// demonstration filings, with its log captured.
func writableServer(t *testing.T) (*Server, *data.Store, *bytes.Buffer) {
	t.Helper()
	ctx := context.Background()
	store, err := data.Open(ctx, pgtest.Path(t, t.TempDir(), "w.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.SeedDefault2019(ctx, false); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	cfg := DefaultConfig()
	// Tests send many writes at once; the rate-limit test sets its own.
	cfg.WritesPerPrincipal, cfg.ComputePerAddress, cfg.AuthFailuresPerAddress = RateLimit{}, RateLimit{}, RateLimit{}
	s := newTestServer(cfg, store, slog.New(slog.NewTextHandler(&logs, nil)))
	if err := s.core.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	return s, store, &logs
}

func do(t *testing.T, s *Server, method, target, token, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// adminAndProvider issues an admin token and adds the provider viettel
// (mobile), returning both tokens.
func adminAndProvider(t *testing.T, store *data.Store) (admin, provider string) {
	t.Helper()
	ctx := context.Background()
	admin, err := store.NewAdminToken(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	provider, err = store.AddProvider(ctx, "viettel", []geo.Layer{geo.Mobile}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return admin, provider
}

func TestAuth_Rules(t *testing.T) {
	s, store, logs := writableServer(t)
	ctx := context.Background()
	admin, provider := adminAndProvider(t, store)

	t.Run("missing token is 401 with WWW-Authenticate", func(t *testing.T) {
		rec := do(t, s, "GET", "/api/v1/providers", "", "")
		if rec.Code != 401 || !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
			t.Fatalf("%d %q", rec.Code, rec.Header().Get("WWW-Authenticate"))
		}
	})
	t.Run("other schemes are 401", func(t *testing.T) {
		req := httptest.NewRequest("GET", "/api/v1/providers", nil)
		req.Header.Set("Authorization", "Basic "+admin)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != 401 {
			t.Fatalf("%d", rec.Code)
		}
	})
	t.Run("token in the URL is not accepted", func(t *testing.T) {
		for _, q := range []string{"access_token", "token"} {
			if rec := do(t, s, "GET", "/api/v1/providers?"+q+"="+admin, "", ""); rec.Code != 401 {
				t.Fatalf("?%s=: %d", q, rec.Code)
			}
		}
	})
	t.Run("bad tokens are 401 invalid_token", func(t *testing.T) {
		tampered := admin[:len(admin)-1] + map[bool]string{true: "A", false: "B"}[admin[len(admin)-1] != 'A']
		for _, tok := range []string{"nonsense", "ps_1_short", "ps_999_" + strings.Repeat("a", 43), tampered} {
			rec := do(t, s, "GET", "/api/v1/providers", tok, "")
			if rec.Code != 401 || !strings.Contains(rec.Header().Get("WWW-Authenticate"), "invalid_token") {
				t.Fatalf("%q: %d %q", tok, rec.Code, rec.Header().Get("WWW-Authenticate"))
			}
		}
	})
	t.Run("admin routes refuse provider tokens", func(t *testing.T) {
		if rec := do(t, s, "GET", "/api/v1/providers", provider, ""); rec.Code != 403 {
			t.Fatalf("%d", rec.Code)
		}
		if rec := do(t, s, "POST", "/api/v1/providers", provider, `{"name":"evil","layers":["mobile"]}`); rec.Code != 403 {
			t.Fatalf("%d", rec.Code)
		}
	})
	t.Run("admin manages providers", func(t *testing.T) {
		rec := do(t, s, "POST", "/api/v1/providers", admin, `{"name":"vnpt","layers":["phone","broadband"]}`)
		if rec.Code != 201 {
			t.Fatalf("add: %d %s", rec.Code, rec.Body)
		}
		var added struct{ Token string }
		json.Unmarshal(rec.Body.Bytes(), &added)
		if p, err := store.Authenticate(ctx, added.Token); err != nil || p.Provider.Name != "vnpt" {
			t.Fatalf("new provider's token: %+v %v", p, err)
		}
		for body, want := range map[string]int{
			`{"name":"vnpt","layers":["phone"]}`:       409,
			`{"name":"Bad Name","layers":["phone"]}`:   400,
			`{"name":"x","layers":["tv"]}`:             400,
			`{"name":"x","layers":[]}`:                 400,
			`{"name":"x","layers":["phone"],"role":1}`: 400,
			`not json`: 400,
		} {
			if rec := do(t, s, "POST", "/api/v1/providers", admin, body); rec.Code != want {
				t.Fatalf("%s: %d, want %d: %s", body, rec.Code, want, rec.Body)
			}
		}
		rec = do(t, s, "GET", "/api/v1/providers", admin, "")
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"vnpt"`) || !strings.Contains(rec.Body.String(), `"viettel"`) {
			t.Fatalf("list: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("a new token revokes the old one at once", func(t *testing.T) {
		rec := do(t, s, "POST", "/api/v1/providers/viettel/tokens", admin, "")
		var fresh struct{ Token string }
		json.Unmarshal(rec.Body.Bytes(), &fresh)
		if rec.Code != 201 || fresh.Token == "" {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		if _, err := store.Authenticate(ctx, provider); err == nil {
			t.Fatal("the old token still works")
		}
		rec = do(t, s, "DELETE", "/api/v1/providers/viettel/tokens", admin, "")
		if rec.Code != 200 {
			t.Fatalf("revoke: %d", rec.Code)
		}
		if _, err := store.Authenticate(ctx, fresh.Token); err == nil {
			t.Fatal("a revoked token still works")
		}
		if rec := do(t, s, "DELETE", "/api/v1/providers/nobody/tokens", admin, ""); rec.Code != 404 {
			t.Fatalf("unknown provider: %d", rec.Code)
		}
	})
	t.Run("every write is in the audit log", func(t *testing.T) {
		rec := do(t, s, "GET", "/api/v1/audit", admin, "")
		for _, action := range []string{"provider.add", "provider.token", "provider.revoke", "admin.token"} {
			if !strings.Contains(rec.Body.String(), action) {
				t.Fatalf("audit log lacks %s: %s", action, rec.Body)
			}
		}
		if do(t, s, "GET", "/api/v1/audit", provider, "").Code == 200 {
			t.Fatal("a provider read the audit log")
		}
	})
	t.Run("tokens never reach the log", func(t *testing.T) {
		if strings.Contains(logs.String(), admin) || strings.Contains(logs.String(), provider) ||
			strings.Contains(logs.String(), strings.SplitN(admin, "_", 3)[2]) {
			t.Fatal("a token was logged")
		}
		if !strings.Contains(logs.String(), "/api/v1/providers") {
			t.Fatal("the access log is empty: the check above proves nothing")
		}
	})
}
