package data

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/phusong/phusong/geo"
)

// TestBackup_DuringWrites backs up while a writer keeps filing: every
// filing acknowledged before the backup began is in the copy, whole.
func TestBackup_DuringWrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTemp(t)
	if s.Postgres() {
		// PostgreSQL's own tools back it up; the store says so and
		// writes nothing.
		err := s.Backup(ctx, filepath.Join(dir, "copy.gpkg"))
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "pg_dump") {
			t.Fatalf("Backup on PostgreSQL = %v, want ErrInvalid naming pg_dump", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "copy.gpkg")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("a file was written: %v", err)
		}
		return
	}
	if _, err := s.SeedDefault2019(ctx, false); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var acked []int64
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			f := Filing{Provider: "p", Layer: geo.Mobile, AsOf: "2025-01-01", Footprints: []geo.Footprint{
				{Technology: "4G", Geometry: square(105+float64(i%50)*0.01, 20.5, 0.01)},
				{Technology: "4G", Geometry: square(105.5, 20.5+float64(i%50)*0.01, 0.01)}}}
			ids, err := s.AddFilings(ctx, []Filing{f})
			if err != nil {
				done <- err
				return
			}
			mu.Lock()
			acked = append(acked, ids[0])
			mu.Unlock()
		}
	}()
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 20 {
			break
		}
	}
	mu.Lock()
	before := append([]int64(nil), acked...)
	mu.Unlock()
	copyPath := filepath.Join(dir, "copy.gpkg")
	if err := s.Backup(ctx, copyPath); err != nil {
		t.Fatal(err)
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, copyPath); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a backup over an existing file: %v", err)
	}

	info, err := CheckCopy(ctx, copyPath)
	if err != nil {
		t.Fatal(err)
	}
	restored := filepath.Join(dir, "restored.gpkg")
	if _, err := Restore(ctx, copyPath, restored, "test"); err != nil {
		t.Fatal(err)
	}
	r, err := Open(ctx, restored)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, id := range before {
		fps, _, err := r.FilingItems(ctx, id)
		if err != nil || len(fps) != 2 {
			t.Fatalf("filing %d, acknowledged before the backup: %d footprints (%v)", id, len(fps), err)
		}
	}
	t.Logf("%d filings acknowledged before the backup, %d in the copy", len(before), info.Filings)
}

func TestRestore_Refuses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dest := filepath.Join(dir, "live.gpkg")
	s, err := Open(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeedDefault2019(ctx, false); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.gpkg")
	if err := s.Backup(ctx, good); err != nil {
		t.Fatal(err)
	}
	s.Close()
	sum := func() [32]byte {
		b, _ := os.ReadFile(dest)
		return sha256.Sum256(b)
	}
	before := sum()

	garbage := filepath.Join(dir, "garbage.gpkg")
	os.WriteFile(garbage, []byte("this is not a database at all, just text that is long enough"), 0o644)
	plain := filepath.Join(dir, "plain.sqlite")
	db, _ := sql.Open("sqlite3", plain)
	db.Exec("CREATE TABLE t (x)")
	db.Close()
	truncated := filepath.Join(dir, "truncated.gpkg")
	b, _ := os.ReadFile(good)
	os.WriteFile(truncated, b[:len(b)/2], 0o644)

	for name, src := range map[string]string{"garbage": garbage, "plain SQLite": plain, "truncated copy": truncated, "missing": filepath.Join(dir, "nope")} {
		t.Run(name, func(t *testing.T) {
			if _, err := Restore(ctx, src, dest, "test"); err == nil {
				t.Fatal("restored")
			}
			if sum() != before {
				t.Fatal("the live store changed")
			}
		})
	}
	t.Run("a bad copy into a new file", func(t *testing.T) {
		fresh := filepath.Join(dir, "fresh.gpkg")
		if _, err := Restore(ctx, garbage, fresh, "test"); err == nil {
			t.Fatal("restored")
		}
		if _, err := os.Stat(fresh); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("a failed restore left %s: %v", fresh, err)
		}
	})
	t.Run("while the service holds the lock", func(t *testing.T) {
		unlock, err := Lock(dest)
		if err != nil {
			t.Fatal(err)
		}
		defer unlock()
		if _, err := Restore(ctx, good, dest, "test"); !errors.Is(err, ErrLocked) {
			t.Fatalf("err %v, want ErrLocked", err)
		}
	})
	t.Run("a good copy", func(t *testing.T) {
		info, err := Restore(ctx, good, dest, "test")
		if err != nil || info.Communes != 210 {
			t.Fatalf("%+v %v", info, err)
		}
	})
}

// TestRestore_SourceWAL restores from a copy of a store taken while its
// writer was still open, as a kill -9 leaves it: the last filings are only
// in the copy's -wal. The restored file holds them, and the counts Restore
// reports are those of the file it put in place.
func TestRestore_SourceWAL(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "live.gpkg")
	s, err := Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeedDefault2019(ctx, false); err != nil {
		t.Fatal(err)
	}
	// Close and reopen so that the seed is checkpointed into the main file
	// and only what follows lives in the WAL.
	s.Close()
	if s, err = Open(ctx, live); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const filed = 5
	for i := range filed {
		f := Filing{Provider: "p", Layer: geo.Mobile, AsOf: "2025-01-01",
			Footprints: []geo.Footprint{{Technology: "4G", Geometry: square(105+float64(i)*0.01, 20.5, 0.01)}}}
		if _, err := s.AddFilings(ctx, []Filing{f}); err != nil {
			t.Fatal(err)
		}
	}
	// The crashed store: its main file and its -wal, copied while the
	// writer is open (nothing checkpointed them).
	crashed := filepath.Join(dir, "crashed.gpkg")
	for _, side := range []string{"", "-wal"} {
		b, err := os.ReadFile(live + side)
		if err != nil {
			t.Fatal(err)
		}
		if side == "-wal" && len(b) == 0 {
			t.Fatal("the live store's WAL is empty: the test proves nothing")
		}
		if err := os.WriteFile(crashed+side, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	restored := filepath.Join(dir, "restored.gpkg")
	info, err := Restore(ctx, crashed, restored, "test")
	if err != nil {
		t.Fatal(err)
	}
	if info.Filings != filed {
		t.Errorf("Restore reported %d filings, want %d", info.Filings, filed)
	}
	for _, side := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(restored + side); err == nil {
			t.Errorf("%s%s left beside the restored file", restored, side)
		}
	}
	got, err := CheckCopy(ctx, restored)
	if err != nil {
		t.Fatal(err)
	}
	if got.Filings != filed || got.Filings != info.Filings {
		t.Fatalf("the restored file holds %d filings; Restore reported %d; %d were filed", got.Filings, info.Filings, filed)
	}
	r, err := Open(ctx, restored)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	entries, err := r.Audit(ctx, 1)
	if err != nil || len(entries) != 1 || entries[0].Action != "store.restore" || entries[0].Actor != "test" ||
		entries[0].Target != crashed || !strings.Contains(entries[0].Detail, "5 filings") {
		t.Fatalf("the restored store's last audit entry: %+v (%v), want the restore", entries, err)
	}
}
