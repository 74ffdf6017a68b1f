//go:build cgo

package data

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/mattn/go-sqlite3"

	"github.com/phusong/phusong/geo"
)

// A write that finds no room fails with ErrDiskFull, so that the API can
// say so. SQLite's max_page_count makes the database full at its present
// size, as a full disk would.
func TestStore_FullDatabaseIsErrDiskFull(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if s.Postgres() {
		t.Skip("SQLite's full-disk error: a PostgreSQL server that runs out of room fails the write with its own error, and the API answers 503")
	}
	var pages int
	if err := s.w.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	var err error
	for i := 0; i < 10000 && err == nil; i++ {
		_, err = s.AddProvider(ctx, fmt.Sprintf("p%d", i), []geo.Layer{geo.Phone}, "test")
	}
	if !errors.Is(err, ErrDiskFull) {
		t.Fatalf("a write to a full database: %v, want ErrDiskFull", err)
	}
	if _, err := s.Providers(ctx); err != nil {
		t.Fatalf("reading a full database: %v", err)
	}
}

func TestDiskFull_WrapsOnlyFullErrors(t *testing.T) {
	cases := []struct {
		name string
		err  error
		full bool
	}{
		{"SQLITE_FULL", fmt.Errorf("insert: %w", sqlite3.Error{Code: sqlite3.ErrFull}), true},
		{"I/O error from ENOSPC", sqlite3.Error{Code: sqlite3.ErrIoErr, SystemErrno: syscall.ENOSPC}, true},
		{"other I/O error", sqlite3.Error{Code: sqlite3.ErrIoErr, SystemErrno: syscall.EIO}, false},
		{"constraint", sqlite3.Error{Code: sqlite3.ErrConstraint}, false},
		{"not SQLite", ErrNotFound, false},
		{"nil", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := diskFull(c.err)
			if errors.Is(got, ErrDiskFull) != c.full || !errors.Is(got, c.err) {
				t.Fatalf("diskFull(%v) = %v: ErrDiskFull %v, want %v", c.err, got, errors.Is(got, ErrDiskFull), c.full)
			}
		})
	}
}
