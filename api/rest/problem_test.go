package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
)

// syncBuffer is a log destination that the server writes from its
// goroutines while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// failWith runs fail on err for a GET of path whose context is ctx, and
// returns the status and the log at DEBUG and above.
func failWith(t *testing.T, ctx context.Context, err error) (*httptest.ResponseRecorder, string) {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	var logs bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	c.Request = httptest.NewRequest("GET", "/api/v1/filings", nil).WithContext(ctx)
	s.fail(c, err)
	c.Writer.WriteHeaderNow()
	return rec, logs.String()
}

// A client that goes away is not an internal error: the error it causes
// (context.Canceled once the request's context ends, a broken pipe or a
// reset connection on writing) is logged at DEBUG, and the status is 499,
// as nginx logs it. context.Canceled while the client is still there is
// an internal error.
func TestFail_ClientGoneIsNotAnInternalError(t *testing.T) {
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name   string
		ctx    context.Context
		err    error
		status int
	}{
		{"request's context canceled", gone, fmt.Errorf("listing filings: %w", context.Canceled), statusClientClosed},
		{"broken pipe", context.Background(), fmt.Errorf("write tcp: %w", &net.OpError{Op: "write", Err: syscall.EPIPE}), statusClientClosed},
		{"connection reset", context.Background(), fmt.Errorf("write tcp: %w", &net.OpError{Op: "write", Err: syscall.ECONNRESET}), statusClientClosed},
		{"canceled while the client waits", context.Background(), fmt.Errorf("recompute: %w", context.Canceled), http.StatusInternalServerError},
		// The database's connection reset, not the client's: the store is
		// unreachable, and the client, still there, is told so.
		{"database connection reset", context.Background(), fmt.Errorf("storing the filing: %w: %w", data.ErrUnavailable, &net.OpError{Op: "read", Err: syscall.ECONNRESET}), http.StatusServiceUnavailable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec, logs := failWith(t, c.ctx, c.err)
			if rec.Code != c.status {
				t.Fatalf("%d, want %d", rec.Code, c.status)
			}
			if wantError := c.status >= 500; strings.Contains(logs, "level=ERROR") != wantError {
				t.Fatalf("logged at ERROR: %v, want %v:\n%s", !wantError, wantError, logs)
			}
		})
	}
}

// blockingCore is a Core whose what-if waits for the request to end, as a
// long computation does when its client goes away.
type blockingCore struct {
	notReady
	started chan struct{}
}

func (b blockingCore) WhatIf(ctx context.Context, _ *api.WhatIfRequest) (*api.WhatIfAnswer, error) {
	close(b.started)
	<-ctx.Done()
	return nil, fmt.Errorf("what-if: %w", ctx.Err())
}

// Over a real connection: a client that closes its connection during a
// what-if is logged as a disconnect, with 499 in the access log, and
// nothing at ERROR.
func TestServer_ClientDisconnectIsLoggedAs499(t *testing.T) {
	var logs syncBuffer
	core := blockingCore{started: make(chan struct{})}
	cfg := DefaultConfig()
	s := New(cfg, core, nil, slog.New(slog.NewTextHandler(&logs, nil)))
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	body := `{"sites":[{"lon":105.3,"lat":20.8,"radius_m":2000,"technology":"4G"}]}`
	fmt.Fprintf(conn, "POST /api/v1/whatif HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	select {
	case <-core.started:
	case <-time.After(5 * time.Second):
		t.Fatal("the what-if did not start")
	}
	conn.Close()

	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "msg=request") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	out := logs.String()
	if !strings.Contains(out, "method=POST path=/api/v1/whatif status=499") {
		t.Fatalf("the access log does not show 499:\n%s", out)
	}
	if strings.Contains(out, "level=ERROR") {
		t.Fatalf("a disconnect logged at ERROR:\n%s", out)
	}
}

// A write that finds the disk full is a 507 that says so, logged once at
// ERROR; whatever wrapped the cause.
func TestFail_DiskFullIs507(t *testing.T) {
	cases := []struct {
		name string
		err  error
	}{
		{"the store's write", fmt.Errorf("storing the filing: %w", fmt.Errorf("%w: database or disk is full", data.ErrDiskFull))},
		{"a file of the server's own", fmt.Errorf("export: %w", &os.PathError{Op: "write", Path: "/tmp/x.gpkg", Err: syscall.ENOSPC})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec, logs := failWith(t, context.Background(), c.err)
			var p Problem
			if rec.Code != http.StatusInsufficientStorage || json.Unmarshal(rec.Body.Bytes(), &p) != nil ||
				p.Status != http.StatusInsufficientStorage || !strings.Contains(p.Detail, "disk is full") {
				t.Fatalf("%d %s, want a 507 problem saying the disk is full", rec.Code, rec.Body)
			}
			if n := strings.Count(logs, "level=ERROR"); n != 1 || !strings.Contains(logs, "disk full") {
				t.Fatalf("logged %d times at ERROR, want once, as disk full:\n%s", n, logs)
			}
		})
	}
}
