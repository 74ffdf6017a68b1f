package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runCLITimeout runs the binary and kills it after d: a command that should
// refuse at once must not be left serving when it does not.
func runCLITimeout(t *testing.T, d time.Duration, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	out, err := exec.CommandContext(ctx, binPath, args...).CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("phusong %s still running after %s:\n%s", strings.Join(args, " "), d, out)
	}
	return string(out), err
}

// TestE2E_EmptyDatabaseRefused: serve and the commands that create a
// database refuse a 0-byte file by name and leave it as it is, instead of
// seeding it as a new demonstration database.
func TestE2E_EmptyDatabaseRefused(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "phusong.gpkg")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"serve", "--addr", freeAddr(t), "--db", empty},
		{"recompute", "--db", empty},
	} {
		out, err := runCLITimeout(t, 30*time.Second, args...)
		if err == nil || !strings.Contains(out, empty) || !strings.Contains(out, "0 bytes") {
			t.Fatalf("phusong %s on a 0-byte file: %v\n%s", args[0], err, out)
		}
		if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 {
			t.Fatalf("phusong %s changed the empty file: %v", args[0], err)
		}
	}
}
