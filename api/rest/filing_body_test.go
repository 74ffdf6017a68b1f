package rest

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/data/pgtest"
	"github.com/phusong/phusong/geo"
)

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// postEncoded posts body with a Content-Encoding ("" for none).
func postEncoded(t *testing.T, s *Server, target, token, contentType, encoding, key string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("POST", target, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", contentType)
	if encoding != "" {
		req.Header.Set("Content-Encoding", encoding)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

func problemOf(t *testing.T, rec *httptest.ResponseRecorder) Problem {
	t.Helper()
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("not a problem document (%v): %d %s %s", err, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	return p
}

// A filing may be sent gzip-compressed: it is decoded, and the size limit
// holds for the compressed body and for the decoded one (a small gzip
// bomb is a 413). Any other encoding is a 415, and so is any encoding on
// the routes that take no filing: nothing compressed is read as if plain.
func TestFilings_ContentEncoding(t *testing.T) {
	s, store, _ := writableServer(t)
	ctx := context.Background()
	token, _ := store.AddProvider(ctx, "viettel", []geo.Layer{geo.Mobile}, "test")
	admin, _ := store.NewAdminToken(ctx, "test")
	s.cfg.MaxFilingBytes = 64 << 10
	before := storeState(t, store)

	plain := postEncoded(t, s, "/api/v1/filings?dry_run=true", token, "application/geo+json", "", "", []byte(goodFiling))
	if plain.Code != 200 {
		t.Fatalf("plain dry run: %d %s", plain.Code, plain.Body)
	}
	bomb := gzipped(t, append(bytes.Repeat([]byte(" "), 1<<20), goodFiling...)) // 1 MiB decoded, about 1 KiB sent
	random := make([]byte, 80<<10)
	rand.Read(random)
	cases := []struct {
		name, encoding string
		body           []byte
		status         int
		detail         string
	}{
		{"gzip", "gzip", gzipped(t, []byte(goodFiling)), 200, ""},
		{"x-gzip", "x-gzip", gzipped(t, []byte(goodFiling)), 200, ""},
		{"upper case", "GZip", gzipped(t, []byte(goodFiling)), 200, ""},
		{"identity", "identity", []byte(goodFiling), 200, ""},
		{"decoded over the limit", "gzip", bomb, 413, "decoded"},
		{"compressed over the limit", "gzip", gzipped(t, random), 413, strconv.Itoa(64 << 10)},
		{"not gzip", "gzip", []byte(goodFiling), 400, "gzip"},
		{"truncated gzip", "gzip", gzipped(t, []byte(goodFiling))[:40], 400, "gzip"},
		{"deflate", "deflate", []byte(goodFiling), 415, "deflate"},
		{"brotli", "br", []byte(goodFiling), 415, "br"},
		{"gzip twice", "gzip, gzip", gzipped(t, gzipped(t, []byte(goodFiling))), 415, "gzip, gzip"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := postEncoded(t, s, "/api/v1/filings?dry_run=true", token, "application/geo+json", c.encoding, "", c.body)
			if rec.Code != c.status {
				t.Fatalf("%d %s, want %d", rec.Code, rec.Body, c.status)
			}
			if c.status == 200 {
				if rec.Body.String() != plain.Body.String() {
					t.Fatalf("answer\n%s\ndiffers from the plain one\n%s", rec.Body, plain.Body)
				}
				return
			}
			if p := problemOf(t, rec); !strings.Contains(p.Detail, c.detail) {
				t.Fatalf("detail %q does not say %q", p.Detail, c.detail)
			}
		})
	}
	t.Run("compressed over the limit, length unknown", func(t *testing.T) {
		req := httptest.NewRequest("POST", "/api/v1/filings?dry_run=true", io.MultiReader(bytes.NewReader(gzipped(t, random))))
		req.ContentLength = -1 // as a chunked upload: only reading finds the size
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/geo+json")
		req.Header.Set("Content-Encoding", "gzip")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if p := problemOf(t, rec); rec.Code != 413 || strings.Contains(p.Detail, "decoded") {
			t.Fatalf("%d %q, want 413 for the body as sent", rec.Code, p.Detail)
		}
	})
	if after := storeState(t, store); after != before {
		t.Fatalf("a dry run or a refused filing changed the store: %s → %s", before, after)
	}

	t.Run("a compressed retry is the same filing", func(t *testing.T) {
		first := postEncoded(t, s, "/api/v1/filings", token, "application/geo+json", "", "key-gz", []byte(goodFiling))
		again := postEncoded(t, s, "/api/v1/filings", token, "application/geo+json", "gzip", "key-gz", gzipped(t, []byte(goodFiling)))
		if first.Code != 201 || again.Code != 201 || again.Header().Get("Idempotent-Replayed") != "true" {
			t.Fatalf("first %d, retry %d %q: %s", first.Code, again.Code, again.Header().Get("Idempotent-Replayed"), again.Body)
		}
	})

	for _, c := range []struct{ name, target, token, body string }{
		{"what-if", "/api/v1/whatif", "", `{"sites":[{"lon":105.3,"lat":20.8,"radius_m":5000,"technology":"4G"}]}`},
		{"providers", "/api/v1/providers", admin, `{"name":"vnpt","layers":["phone"]}`},
	} {
		t.Run(c.name+" takes no encoding", func(t *testing.T) {
			rec := postEncoded(t, s, c.target, c.token, "application/json", "gzip", "", gzipped(t, []byte(c.body)))
			if rec.Code != http.StatusUnsupportedMediaType {
				t.Fatalf("%d %s, want 415", rec.Code, rec.Body)
			}
			if p := problemOf(t, rec); !strings.Contains(p.Detail, "Content-Encoding") {
				t.Fatalf("detail %q", p.Detail)
			}
		})
	}
}

// heavyServer is a writable server whose filings over 2 KiB are heavy, one
// at a time, waiting at most wait.
func heavyServer(t *testing.T, wait time.Duration) (*Server, string) {
	t.Helper()
	ctx := context.Background()
	store, err := data.Open(ctx, pgtest.Path(t, t.TempDir(), "heavy.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.SeedDefault2019(ctx, false); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.WritesPerPrincipal, cfg.ComputePerAddress, cfg.AuthFailuresPerAddress = RateLimit{}, RateLimit{}, RateLimit{}
	cfg.HeavyFilingBytes, cfg.HeavyFilings, cfg.HeavyFilingWait = 2<<10, 1, wait
	s := newTestServer(cfg, store, quietLog())
	if err := s.core.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	token, err := store.AddProvider(ctx, "viettel", []geo.Layer{geo.Mobile}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return s, token
}

// Heavy filings take turns: while one is handled, another waits, and past
// HeavyFilingWait is answered 503 with Retry-After as a problem document.
// Small filings do not wait, and the next heavy one goes through once the
// first is done.
func TestFilings_HeavyFilingsTakeTurns(t *testing.T) {
	s, token := heavyServer(t, 200*time.Millisecond)
	heavy := strings.Repeat(" ", 8<<10) + goodFiling // leading white space: valid JSON, over 2 KiB

	// The first heavy filing is sent slowly: its first 4 KiB (past the
	// threshold), then nothing until the test lets it finish.
	pr, pw := io.Pipe()
	req := httptest.NewRequest("POST", "/api/v1/filings?dry_run=true", pr)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/geo+json")
	first := httptest.NewRecorder()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); s.Handler().ServeHTTP(first, req) }()
	if _, err := io.WriteString(pw, heavy[:4<<10]); err != nil {
		t.Fatal(err)
	}
	waitHeavyBusy(t, s)

	start := time.Now()
	second := post(t, s, "/api/v1/filings?dry_run=true", token, "application/geo+json", "", heavy)
	if second.Code != http.StatusServiceUnavailable || second.Header().Get("Retry-After") == "" {
		t.Fatalf("a second heavy filing: %d Retry-After %q %s, want 503 with Retry-After", second.Code, second.Header().Get("Retry-After"), second.Body)
	}
	if waited := time.Since(start); waited < 200*time.Millisecond {
		t.Fatalf("refused after %s, before its wait of 200ms", waited)
	}
	if p := problemOf(t, second); !strings.Contains(p.Detail, "heavy") && !strings.Contains(p.Detail, "large") {
		t.Fatalf("detail %q does not say why", p.Detail)
	}
	if small := post(t, s, "/api/v1/filings?dry_run=true", token, "application/geo+json", "", goodFiling); small.Code != 200 {
		t.Fatalf("a small filing while a heavy one runs: %d %s", small.Code, small.Body)
	}

	io.WriteString(pw, heavy[4<<10:])
	pw.Close()
	wg.Wait()
	if first.Code != 200 {
		t.Fatalf("the first heavy filing: %d %s", first.Code, first.Body)
	}
	if third := post(t, s, "/api/v1/filings?dry_run=true", token, "application/geo+json", "", heavy); third.Code != 200 {
		t.Fatalf("a heavy filing after the first: %d %s", third.Code, third.Body)
	}
}

// A heavy filing that waits for its turn is queued, not refused, when the
// turn comes within the wait; a client that leaves while waiting frees its
// place.
func TestFilings_HeavyFilingWaitsForItsTurn(t *testing.T) {
	s, token := heavyServer(t, 10*time.Second)
	heavy := strings.Repeat(" ", 8<<10) + goodFiling
	pr, pw := io.Pipe()
	req := httptest.NewRequest("POST", "/api/v1/filings?dry_run=true", pr)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/geo+json")
	first := httptest.NewRecorder()
	done := make(chan struct{})
	go func() { defer close(done); s.Handler().ServeHTTP(first, req) }()
	io.WriteString(pw, heavy[:4<<10])
	waitHeavyBusy(t, s)

	// A client that gives up while waiting is not answered and holds nothing.
	ctx, cancel := context.WithCancel(context.Background())
	gone := httptest.NewRequest("POST", "/api/v1/filings?dry_run=true", strings.NewReader(heavy)).WithContext(ctx)
	gone.Header.Set("Authorization", "Bearer "+token)
	gone.Header.Set("Content-Type", "application/geo+json")
	goneDone := make(chan struct{})
	go func() { defer close(goneDone); s.Handler().ServeHTTP(httptest.NewRecorder(), gone) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case <-goneDone:
	case <-time.After(5 * time.Second):
		t.Fatal("a waiting request outlived its client")
	}

	second := make(chan *httptest.ResponseRecorder)
	go func() { second <- post(t, s, "/api/v1/filings?dry_run=true", token, "application/geo+json", "", heavy) }()
	time.Sleep(100 * time.Millisecond)
	io.WriteString(pw, heavy[4<<10:])
	pw.Close()
	<-done
	if rec := <-second; first.Code != 200 || rec.Code != 200 {
		t.Fatalf("first %d, second (queued) %d %s", first.Code, rec.Code, rec.Body)
	}
}

// waitHeavyBusy waits until a heavy filing holds a turn.
func waitHeavyBusy(t *testing.T, s *Server) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(s.heavy) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the first heavy filing never took its turn")
		}
		time.Sleep(time.Millisecond)
	}
}
