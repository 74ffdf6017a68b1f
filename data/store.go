// Package data is Phủ Sóng's store: one SQLite file that is also a valid OGC
// GeoPackage, so that GDAL and QGIS open the service's own database. It owns
// every use of database/sql and the SQLite driver; the rest of the program
// sees geo types.
package data

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver, registered as "sqlite3"
)

// Sentinel errors, wrapped by the store's errors and mapped to HTTP statuses
// in one place by the api package.
var (
	ErrNotFound = errors.New("not found")
	ErrInvalid  = errors.New("invalid input")
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// applicationID is "GPKG" as a big-endian 32-bit integer, the value the
// GeoPackage standard requires in the SQLite header.
const applicationID = 0x47504B47

// gpkgVersion is GeoPackage 1.3.0 in the encoding of PRAGMA user_version.
const gpkgVersion = 10300

// Store is the SQLite/GeoPackage file. Writes go through one connection so
// that they never contend; reads have their own pool and, with WAL, are not
// blocked by a long write.
type Store struct {
	path string // the file, or the PostgreSQL URL without its password
	dsn  string // the PostgreSQL URL as given; "" for a file
	pg   bool   // PostgreSQL rather than SQLite (postgres.go)
	w    *sql.DB
	r    *sql.DB
	lock *fileLock // held by OpenExclusive's store until Close
}

// Open opens the store at path, creating the file if it does not exist and
// applying every migration it has not seen, each in its own transaction.
// It takes no lock: it is for readers alongside a service and for tests;
// a process that changes a database uses OpenExclusive.
//
// A file that exists with 0 bytes is refused (ErrInvalid): SQLite would
// take it for a new database and the service would seed it, silently
// putting demonstration data where a store was lost or truncated. So is a
// file with more than one hard link, and symbolic links are resolved (see
// the database lock in lock.go): every process opens a database by one name.
func Open(ctx context.Context, path string) (*Store, error) {
	if IsPostgres(path) {
		return openPostgres(ctx, path)
	}
	real, err := resolve(path)
	if err != nil {
		return nil, err
	}
	if err := refuseEmpty(real); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(real); err == nil {
		if err := refuseHardLinks(real, fi); err != nil {
			return nil, err
		}
	}
	return open(ctx, real)
}

// refuseEmpty fails when path is an existing file of 0 bytes.
func refuseEmpty(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
		return fmt.Errorf("%w: %s is an empty file (0 bytes), not a database; it is not made a new one. "+
			"Restore a backup to it (phusong restore), or delete it to start a new database", ErrInvalid, path)
	}
	return nil
}

// open opens and migrates the store at path, with no check of the file.
func open(ctx context.Context, path string) (*Store, error) {
	w, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	s := &Store{path: path, w: w}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	r, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	s.r = r
	return s, nil
}

// dsn builds the go-sqlite3 connection string: WAL, foreign keys, a busy
// timeout, and immediate transactions for the writer so that a write never
// fails half-way on a lock upgrade.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "10000")
	q.Set("_synchronous", "NORMAL")
	if readOnly {
		q.Set("_query_only", "true")
	} else {
		q.Set("_txlock", "immediate")
	}
	return fileURI(path) + "?" + q.Encode()
}

// Path returns the file the store was opened on, its symbolic links
// resolved, or the PostgreSQL URL without its password.
func (s *Store) Path() string { return s.path }

// Postgres says whether the store is a PostgreSQL database.
func (s *Store) Postgres() bool { return s.pg }

// Close checkpoints the WAL into the main file and closes every connection.
func (s *Store) Close() error {
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	errs = append(errs, s.w.Close())
	// The lock goes last: its descriptor is one of the database file's,
	// and closing it while SQLite's are open would drop SQLite's locks.
	errs = append(errs, s.lock.release())
	return errors.Join(errs...)
}

// Ping reports whether the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return unavailable(s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one))
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) { return readMigrations(migrationFS, "migrations") }

// parseMigration reads the migration file name of dir, numbered by the
// start of its name.
func parseMigration(fsys fs.FS, dir, name string) (migration, error) {
	base := strings.TrimPrefix(name, dir+"/")
	num, _, ok := strings.Cut(base, "_")
	v, err := strconv.Atoi(num)
	if !ok || err != nil {
		return migration{}, fmt.Errorf("migration %s: name must start with a number and '_'", base)
	}
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return migration{}, err
	}
	return migration{version: v, name: base, sql: string(b)}, nil
}

func sortMigrations(ms []migration) {
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
}

// SchemaVersion returns the number of the last migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.w.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	return v, err
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	current, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	ms, err := migrations()
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.version <= current {
			continue
		}
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			if m.version == 1 {
				if err := writeGeoPackageHeader(ctx, tx); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.version, m.name, now())
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// writeGeoPackageHeader sets the SQLite header fields that make the file a
// GeoPackage; the store's first migration and every exported GeoPackage
// start with it.
func writeGeoPackageHeader(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", gpkgVersion))
	return err
}

// inTx runs fn in a write transaction, committed when fn returns nil and
// rolled back otherwise, so that every write is whole or absent. A write
// that found no room fails with ErrDiskFull.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return diskFull(err)
	}
	if s.pg {
		// Every instance's writes, one at a time (postgres.go).
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?, ?)", advisoryApp, advisoryWrite); err != nil {
			tx.Rollback()
			return diskFull(err)
		}
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return diskFull(err)
	}
	if s.pg {
		// Delivered to every listening instance when, and only if, the
		// transaction commits (Listen).
		if _, err := tx.ExecContext(ctx, "SELECT pg_notify(?, '')", notifyChannel); err != nil {
			tx.Rollback()
			return diskFull(err)
		}
	}
	return diskFull(tx.Commit())
}

// Meta returns the value stored under key, or "" when there is none.
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

func setMeta(ctx context.Context, tx *sql.Tx, key, value string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
	return err
}

func now() string { return time.Now().UTC().Format(time.RFC3339) }
