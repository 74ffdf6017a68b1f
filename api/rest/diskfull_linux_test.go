//go:build linux

package rest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// fullDiskSize is the tmpfs that holds a seeded store with room to spare
// until it is filled.
const fullDiskSize = "size=8m"

// smallDisk mounts a small tmpfs on a temporary directory, unmounted when
// the test ends, and returns it with a function that fills it to the last
// byte. Mounting is refused where the test is not root (or, in a
// container, lacks CAP_SYS_ADMIN): the error says so, and the caller skips.
func smallDisk(t *testing.T) (dir string, fill func(), err error) {
	t.Helper()
	dir = t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, fullDiskSize); err != nil {
		return "", nil, fmt.Errorf("no small file system to fill: mounting a tmpfs was refused (%w)", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmounting %s: %v", dir, err)
		}
	})
	fill = func() {
		t.Helper()
		f, err := os.Create(filepath.Join(dir, "filler"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		block := make([]byte, 64<<10)
		for err == nil {
			_, err = f.Write(block)
		}
		if !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("filling %s: %v, want ENOSPC", dir, err)
		}
		for len(block) > 1 { // the last bytes of the last page
			block = block[:len(block)/2]
			f.Write(block)
		}
	}
	return dir, fill, nil
}

// fullDisk is a server whose store lies on a small file system that is
// full: it holds the seeded communes, targets and figures, an admin, the
// provider viettel (mobile and phone) and its filing 1, and has room for
// no more.
type fullDisk struct {
	srv    *Server
	tokens map[string]string // by role: admin, provider
	logs   *syncBuffer
	// makeRoom empties the file system of what filled it.
	makeRoom func()
}

// newFullDisk builds a fullDisk, or says why it cannot (see smallDisk).
func newFullDisk(t *testing.T) (*fullDisk, error) {
	t.Helper()
	dir, fill, err := smallDisk(t)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	path := filepath.Join(dir, "full.gpkg")
	store, err := data.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{}
	if _, err = store.SeedDefault2019(ctx, false); err == nil {
		if tokens["admin"], err = store.NewAdminToken(ctx, "test"); err == nil {
			tokens["provider"], err = store.AddProvider(ctx, "viettel", []geo.Layer{geo.Mobile, geo.Phone}, "test")
		}
	}
	if err != nil {
		store.Close()
		t.Fatal(err)
	}
	// Closing checkpoints the WAL into the file and removes it: reopened,
	// the store has an empty WAL that the next write must grow.
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	if store, err = data.Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	cfg := DefaultConfig()
	cfg.WritesPerPrincipal, cfg.ComputePerAddress, cfg.AuthFailuresPerAddress = RateLimit{}, RateLimit{}, RateLimit{}
	s := New(cfg, api.New(cfg.Core, store, log), store, log)
	if err := s.core.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	if rec := post(t, s, "/api/v1/filings", tokens["provider"], "application/geo+json", "", openAPIFiling); rec.Code != 201 {
		t.Fatalf("the filing before the disk is full: %d %s", rec.Code, rec.Body)
	}
	fill()
	return &fullDisk{srv: s, tokens: tokens, logs: logs, makeRoom: func() { os.Remove(filepath.Join(dir, "filler")) }}, nil
}

// Over the real stack, on a file system that is full: every write is a 507
// that says the disk is full, logged once each at ERROR; nothing of it is
// kept, and once there is room the same write succeeds.
func TestDiskFull_WritesAnswer507(t *testing.T) {
	full, err := newFullDisk(t)
	if err != nil {
		t.Skip(err)
	}
	s, tokens, logs := full.srv, full.tokens, full.logs
	writes := []struct{ method, target, role, contentType, body string }{
		{"POST", "/api/v1/filings", "provider", "application/geo+json", openAPIFiling},
		{"POST", "/api/v1/providers", "admin", "application/json", `{"name":"vnpt","layers":["phone"]}`},
		{"PUT", "/api/v1/remote-communes/04882", "admin", "application/json", `{"remote":true}`},
	}
	for _, w := range writes {
		req := httptest.NewRequest(w.method, w.target, strings.NewReader(w.body))
		req.Header.Set("Authorization", "Bearer "+tokens[w.role])
		req.Header.Set("Content-Type", w.contentType)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusInsufficientStorage || !strings.Contains(rec.Body.String(), "disk is full") {
			t.Errorf("%s %s on a full disk: %d %s", w.method, w.target, rec.Code, rec.Body)
		}
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != len(writes) || strings.Count(logs.String(), `msg="disk full"`) != n {
		t.Errorf("%d ERROR lines for %d writes, want one \"disk full\" each:\n%s", n, len(writes), logs)
	}
	full.makeRoom()
	list := do(t, s, "GET", "/api/v1/filings", tokens["provider"], "")
	if got := decode[struct{ Filings []any }](t, list); len(got.Filings) != 1 {
		t.Fatalf("%d filings after a refused write, want the 1 filed before: %s", len(got.Filings), list.Body)
	}
	if rec := post(t, s, "/api/v1/filings", tokens["provider"], "application/geo+json", "", openAPIFiling); rec.Code != http.StatusCreated {
		t.Fatalf("the filing once there is room: %d %s", rec.Code, rec.Body)
	}
}
