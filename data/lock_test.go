package data

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLock_SameFileByAnyName: the lock is the database file's, not its
// name's. While one holder has it, no other name of the same file gets it:
// a symbolic link, a link to the directory, another spelling, a hard link.
func TestLock_SameFileByAnyName(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	real := filepath.Join(dir, "db", "live.gpkg")
	if err := os.Mkdir(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, real)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	symlink := filepath.Join(dir, "link.gpkg")
	if err := os.Symlink(real, symlink); err != nil {
		t.Fatal(err)
	}
	dirlink := filepath.Join(dir, "dirlink")
	if err := os.Symlink(filepath.Dir(real), dirlink); err != nil {
		t.Fatal(err)
	}
	unlock, err := Lock(real)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	for name, path := range map[string]string{
		"the same name":      real,
		"a symbolic link":    symlink,
		"a linked directory": filepath.Join(dirlink, "live.gpkg"),
		"another spelling":   filepath.Join(dir, "db", ".", "..", "db", "live.gpkg"),
	} {
		t.Run(name, func(t *testing.T) {
			if u, err := Lock(path); !errors.Is(err, ErrLocked) {
				if err == nil {
					u()
				}
				t.Fatalf("Lock(%s) while %s is locked: %v, want ErrLocked", path, real, err)
			}
		})
	}
	t.Run("restore through a symbolic link", func(t *testing.T) {
		good := filepath.Join(dir, "good.gpkg")
		if _, err := Restore(ctx, real, filepath.Join(dir, "fresh.gpkg"), "test"); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(dir, "fresh.gpkg"), good); err != nil {
			t.Fatal(err)
		}
		if _, err := Restore(ctx, good, symlink, "test"); !errors.Is(err, ErrLocked) {
			t.Fatalf("Restore(%s) while %s is locked: %v, want ErrLocked", symlink, real, err)
		}
		if fi, err := os.Lstat(symlink); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("the symbolic link was replaced: %v %v", fi, err)
		}
	})
	t.Run("a hard link", func(t *testing.T) {
		hard := filepath.Join(dir, "hard.gpkg")
		if err := os.Link(real, hard); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(hard)
		if u, err := Lock(hard); err == nil {
			u()
			t.Fatalf("Lock(%s), a hard link of the locked %s, succeeded", hard, real)
		}
	})
}

// TestOpen_HardLinkRefused: SQLite names a database's -wal and -shm after
// the path it is given, so two processes using two hard links of one file
// would each keep a -wal of their own and lose each other's writes. A file
// with more than one link is refused by every way of opening it.
func TestOpen_HardLinkRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	real := filepath.Join(dir, "live.gpkg")
	s, err := Open(ctx, real)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	hard := filepath.Join(dir, "hard.gpkg")
	if err := os.Link(real, hard); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{real, hard} {
		for name, open := range map[string]func() (*Store, error){
			"Open":          func() (*Store, error) { return Open(ctx, path) },
			"OpenExclusive": func() (*Store, error) { return OpenExclusive(ctx, path, false) },
		} {
			s, err := open()
			if err == nil {
				s.Close()
				t.Fatalf("%s(%s) of a file with two links succeeded", name, path)
			}
			if !strings.Contains(err.Error(), "hard link") {
				t.Fatalf("%s(%s): %v, want an error that says why (hard links)", name, path, err)
			}
		}
	}
}

// TestOpenExclusive: one exclusive holder at a time, through any name; the
// store's Close releases it; a missing file is created only when asked.
func TestOpenExclusive(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "x.gpkg")
	if _, err := OpenExclusive(ctx, path, false); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a missing database without create: %v, want ErrNotFound", err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("the missing database was created")
	}
	s, err := OpenExclusive(ctx, path, true)
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.gpkg")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	if s2, err := OpenExclusive(ctx, link, false); !errors.Is(err, ErrLocked) {
		if err == nil {
			s2.Close()
		}
		t.Fatalf("a second exclusive holder: %v, want ErrLocked", err)
	}
	// A reader alongside is fine.
	r, err := Open(ctx, link)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = OpenExclusive(ctx, link, false)
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	if got := s.Path(); got != path {
		t.Errorf("Path() = %s, want the file the link leads to, %s", got, path)
	}
	s.Close()
}
