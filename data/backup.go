package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Backup writes a consistent copy of the store to dest with VACUUM INTO:
// it reads one snapshot, so writes that go on meanwhile are either wholly
// in the copy or wholly not. dest must not exist.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if s.pg {
		return errPGBackup
	}
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
// schema is not newer than this program's. A copy with a -wal beside it is
// checked with the -wal applied, as SQLite reads it.
func CheckCopy(ctx context.Context, path string) (BackupInfo, error) {
	return checkCopy(ctx, path, path)
}

// checkCopy is CheckCopy, naming the file name in its errors: Restore checks
// a snapshot but speaks of the file the user gave.
func checkCopy(ctx context.Context, path, name string) (BackupInfo, error) {
	var info BackupInfo
	if _, err := os.Stat(path); err != nil {
		return info, err
	}
	db, err := sql.Open("sqlite3", fileURI(path)+"?mode=ro&_query_only=true")
	if err != nil {
		return info, err
	}
	defer db.Close()
	var ok string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil {
		return info, fmt.Errorf("%w: %s is not a readable SQLite database: %v", ErrInvalid, name, err)
	}
	if ok != "ok" {
		return info, fmt.Errorf("%w: %s fails SQLite's integrity check: %s", ErrInvalid, name, ok)
	}
	var appID int
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil || appID != applicationID {
		return info, fmt.Errorf("%w: %s is not a GeoPackage (application_id %#x)", ErrInvalid, name, appID)
	}
	if err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&info.SchemaVersion); err != nil {
		return info, fmt.Errorf("%w: %s is not a Phủ Sóng store: %v", ErrInvalid, name, err)
	}
	ms, err := migrations()
	if err != nil {
		return info, err
	}
	if latest := ms[len(ms)-1].version; info.SchemaVersion > latest {
		return info, fmt.Errorf("%w: %s has schema version %d, newer than this program's %d", ErrInvalid, name, info.SchemaVersion, latest)
	}
	if err := db.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM communes), (SELECT COUNT(*) FROM filings)").Scan(&info.Communes, &info.Filings); err != nil {
		return info, fmt.Errorf("%w: %s: %v", ErrInvalid, name, err)
	}
	return info, nil
}

// Restore replaces the store at dest by the copy at src, only while no
// other process holds dest's lock (a service, or another command that
// writes it), by whatever name. It never copies src's files as they lie: a
// copy left by a crash keeps its last transactions in its -wal, which a
// file copy of the main file alone would drop. Instead it reads src
// through SQLite, read-only (src is not changed), and writes one
// consistent snapshot of it with VACUUM INTO beside dest; it checks that
// snapshot (CheckCopy), and renames it over dest, so dest is never
// half-written. The restored database's audit log records that actor
// restored it from src, with its counts, and the counts returned are those
// of the file put in place. A copy of an older schema is migrated on the
// way, as a service would on its next start. When dest is a symbolic link,
// the file it leads to is replaced.
func Restore(ctx context.Context, src, dest, actor string) (BackupInfo, error) {
	var info BackupInfo
	if IsPostgres(dest) {
		return info, errPGBackup
	}
	if _, err := os.Stat(src); err != nil {
		return info, err
	}
	real, err := resolve(dest)
	if err != nil {
		return info, err
	}
	// A dest that does not exist is created empty and locked, so that a
	// service starting meanwhile finds it held (or empty, which it refuses)
	// rather than making a database of its own there.
	l, created, err := lockFile(real, true)
	if err != nil {
		return info, err
	}
	defer l.release()
	tmp := real + ".restoring"
	cleanTmp := func() {
		for _, side := range []string{"", "-wal", "-shm", "-journal"} {
			os.Remove(tmp + side)
		}
	}
	fail := func(err error) (BackupInfo, error) {
		cleanTmp()
		if created {
			os.Remove(real)
		}
		return info, err
	}
	cleanTmp() // what an interrupted restore left
	if err := snapshot(ctx, src, tmp); err != nil {
		return fail(err)
	}
	if _, err = checkCopy(ctx, tmp, src); err != nil {
		return fail(err)
	}
	if info, err = recordRestore(ctx, tmp, src, actor); err != nil {
		return fail(err)
	}
	if err := syncFile(tmp); err != nil {
		return fail(err)
	}
	for _, side := range []string{"-wal", "-shm"} {
		if err := os.Remove(real + side); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fail(err)
		}
	}
	if err := os.Rename(tmp, real); err != nil {
		return fail(err)
	}
	return info, syncDir(filepath.Dir(real))
}

// recordRestore opens the checked snapshot at tmp, records in its audit log
// that actor restored it from src, and returns its counts.
func recordRestore(ctx context.Context, tmp, src, actor string) (BackupInfo, error) {
	var info BackupInfo
	s, err := open(ctx, tmp)
	if err != nil {
		return info, err
	}
	if abs, err := filepath.Abs(src); err == nil {
		src = abs
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM communes), (SELECT COUNT(*) FROM filings), (SELECT MAX(version) FROM schema_migrations)").
			Scan(&info.Communes, &info.Filings, &info.SchemaVersion); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "store.restore", src,
			fmt.Sprintf("database replaced by this copy: %d communes, %d filings, schema %d", info.Communes, info.Filings, info.SchemaVersion))
	})
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return info, err
	}
	// The last connection's close checkpoints the WAL into the file and
	// removes it; a -wal left here would not follow the file's rename.
	if _, err := os.Stat(tmp + "-wal"); err == nil {
		return info, fmt.Errorf("restore: %s-wal was not checkpointed", tmp)
	}
	return info, nil
}

// snapshot writes what SQLite reads in the database at src, its -wal
// applied, to the new file dst in one read transaction (VACUUM INTO). The
// connection is read-only, so src and its -wal are left as they are.
func snapshot(ctx context.Context, src, dst string) error {
	abs, err := filepath.Abs(dst)
	if err != nil {
		return err
	}
	// Not query_only: that pragma refuses VACUUM INTO, which writes only dst.
	db, err := sql.Open("sqlite3", fileURI(src)+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", abs); err != nil {
		return fmt.Errorf("%w: %s is not a readable SQLite database: %v", ErrInvalid, src, err)
	}
	return nil
}

// fileURI makes path the path of an SQLite "file:" URI, escaping the
// characters that would end it or be decoded.
func fileURI(path string) string {
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// syncFile flushes a file written by SQLite without a sync of its own
// (VACUUM INTO's output) to the disk before it replaces a store.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// errPGBackup is the answer of backup and restore on PostgreSQL, whose own
// tools do both, consistently, while instances run.
var errPGBackup = fmt.Errorf("%w: a PostgreSQL database is backed up with pg_dump -Fc and restored with pg_restore "+
	"(with the instances stopped), or kept by a streaming replica; see the README's deployment section", ErrInvalid)

// IntegrityCheck runs SQLite's integrity check on the store and returns
// its verdict ("ok" when sound). PostgreSQL keeps its own, by checksums
// and amcheck: there it says "ok" when the database answers.
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	if s.pg {
		return "ok", s.Ping(ctx)
	}
	var v string
	err := s.r.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&v)
	return v, err
}
