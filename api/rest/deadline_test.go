package rest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/phusong/phusong/api"
)

// slowServer serves s over a real connection with the read timeout of
// "phusong serve" (long, for large filings), and s a short read timeout
// for the other bodies.
func slowServer(t *testing.T, s *Server) *httptest.Server {
	t.Helper()
	s.cfg.BodyReadTimeout = 300 * time.Millisecond
	srv := httptest.NewUnstartedServer(s.Handler())
	srv.Config.ReadTimeout = 5 * time.Minute
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// sendSlowly sends a request's headers, then its body in chunks of n bytes
// every interval, and returns the status of the answer and how long it
// took to come; 0 when none came within 5 s.
func sendSlowly(t *testing.T, srv *httptest.Server, path, token, contentType, body string, n int, interval time.Duration) (int, time.Duration) {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
		path, token, contentType, len(body))
	done := make(chan struct{})
	defer close(done)
	go func() {
		for i := 0; i < len(body); i += n {
			if _, err := io.WriteString(conn, body[i:min(i+n, len(body))]); err != nil {
				return
			}
			select {
			case <-done:
				return
			case <-time.After(interval):
			}
		}
	}()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, time.Since(start)
	}
	resp.Body.Close()
	return resp.StatusCode, time.Since(start)
}

// A body sent a byte at a time is cut off after the short read timeout
// (408) on every route but the filing upload, which keeps the server's
// long one: a what-if trickled at 1 byte per 100 ms (20 s in all) is
// refused within a second, and a filing sent over 0.75 s is read whole.
func TestBodyReadTimeout_SlowBodyCutOffExceptFilings(t *testing.T) {
	s, store, _ := writableServer(t)
	admin, provider := adminAndProvider(t, store)
	srv := slowServer(t, s)

	status, took := sendSlowly(t, srv, "/api/v1/whatif", "", "application/json", openAPIWhatIf[:200], 1, 100*time.Millisecond)
	if status != http.StatusRequestTimeout || took > 2*time.Second {
		t.Errorf("a what-if at 1 byte per 100 ms: %d after %v, want 408 within 2 s", status, took)
	}
	status, took = sendSlowly(t, srv, "/api/v1/targets", admin, "application/json", openAPITarget, 1, 100*time.Millisecond)
	if status != http.StatusRequestTimeout || took > 2*time.Second {
		t.Errorf("a target at 1 byte per 100 ms: %d after %v, want 408 within 2 s", status, took)
	}
	n := len(openAPIFiling)/5 + 1
	status, took = sendSlowly(t, srv, "/api/v1/filings?dry_run=true", provider, "application/geo+json", openAPIFiling, n, 150*time.Millisecond)
	if status != http.StatusOK || took < 600*time.Millisecond {
		t.Errorf("a filing sent over 0.75 s: %d after %v, want 200", status, took)
	}
}

// slowCore is a Core whose what-if takes a while, and fails if its request
// ends before.
type slowCore struct {
	notReady
	take time.Duration
}

func (c slowCore) WhatIf(ctx context.Context, _ *api.WhatIfRequest) (*api.WhatIfAnswer, error) {
	select {
	case <-time.After(c.take):
		return &api.WhatIfAnswer{}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// The short read timeout covers the body only: once it has been read, the
// handler may take longer without its request being ended. net/http ends
// the request's context when a read of the connection fails, and reads on
// once the body is done, to see the client leave; it lifts the deadline
// for that read, which this test holds it to.
func TestBodyReadTimeout_EndsWithTheBody(t *testing.T) {
	s := New(DefaultConfig(), slowCore{take: time.Second}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := slowServer(t, s)
	if status, took := sendSlowly(t, srv, "/api/v1/whatif", "", "application/json", openAPIWhatIf, len(openAPIWhatIf), 0); status != http.StatusOK {
		t.Fatalf("a what-if of 1 s after a body sent at once: %d after %v, want 200", status, took)
	}
}
