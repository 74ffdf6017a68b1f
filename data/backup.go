package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// ErrLocked is returned when another process holds the store's lock: a
// running service, while a restore needs the file to itself.
var ErrLocked = errors.New("locked by another process")

// Lock takes the store's process lock, a flock on PATH.lock, which the
// service holds while it runs so that a restore cannot replace the file
// under it. The lock goes with the process, also when it is killed.
func Lock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: %w (is the service running?)", path, ErrLocked)
		}
		return nil, err
	}
	return func() { f.Close() }, nil
}

// Backup writes a consistent copy of the store to dest with VACUUM INTO:
// it reads one snapshot, so writes that go on meanwhile are either wholly
// in the copy or wholly not. dest must not exist.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("%w: %s exists; a backup never overwrites", ErrInvalid, dest)
	}
	abs, err := filepath.Abs(dest)
	if err != nil {
		return err
	}
	// On the writer, since the read connections are query-only; VACUUM INTO
	// only reads this database, and writers wait for it briefly.
	_, err = s.w.ExecContext(ctx, "VACUUM INTO ?", abs)
	return err
}

// BackupInfo is what Check found in a copy.
type BackupInfo struct {
	SchemaVersion int
	Communes      int
	Filings       int
}

// CheckCopy opens a copy read-only and checks that it can replace a store:
// SQLite's integrity check passes, it is a Phủ Sóng GeoPackage, and its
// schema is not newer than this program's.
func CheckCopy(ctx context.Context, path string) (BackupInfo, error) {
	var info BackupInfo
	if _, err := os.Stat(path); err != nil {
		return info, err
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_query_only=true")
	if err != nil {
		return info, err
	}
	defer db.Close()
	var ok string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil {
		return info, fmt.Errorf("%w: %s is not a readable SQLite database: %v", ErrInvalid, path, err)
	}
	if ok != "ok" {
		return info, fmt.Errorf("%w: %s fails SQLite's integrity check: %s", ErrInvalid, path, ok)
	}
	var appID int
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil || appID != applicationID {
		return info, fmt.Errorf("%w: %s is not a GeoPackage (application_id %#x)", ErrInvalid, path, appID)
	}
	if err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&info.SchemaVersion); err != nil {
		return info, fmt.Errorf("%w: %s is not a Phủ Sóng store: %v", ErrInvalid, path, err)
	}
	ms, err := migrations()
	if err != nil {
		return info, err
	}
	if latest := ms[len(ms)-1].version; info.SchemaVersion > latest {
		return info, fmt.Errorf("%w: %s has schema version %d, newer than this program's %d", ErrInvalid, path, info.SchemaVersion, latest)
	}
	if err := db.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM communes), (SELECT COUNT(*) FROM filings)").Scan(&info.Communes, &info.Filings); err != nil {
		return info, fmt.Errorf("%w: %s: %v", ErrInvalid, path, err)
	}
	return info, nil
}

// Restore replaces the store at dest by the copy at src, after CheckCopy
// passes and only while no service holds dest's lock. The copy is written
// beside dest and renamed over it, so dest is never half-written.
func Restore(ctx context.Context, src, dest string) (BackupInfo, error) {
	info, err := CheckCopy(ctx, src)
	if err != nil {
		return info, err
	}
	unlock, err := Lock(dest)
	if err != nil {
		return info, err
	}
	defer unlock()
	tmp := dest + ".restoring"
	if err := copyFile(src, tmp); err != nil {
		os.Remove(tmp)
		return info, err
	}
	for _, side := range []string{"-wal", "-shm"} {
		if err := os.Remove(dest + side); err != nil && !errors.Is(err, os.ErrNotExist) {
			os.Remove(tmp)
			return info, err
		}
	}
	if err := os.Rename(tmp, dest); err != nil {
		os.Remove(tmp)
		return info, err
	}
	return info, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// IntegrityCheck runs SQLite's integrity check on the store and returns
// its verdict ("ok" when sound).
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&v)
	return v, err
}
