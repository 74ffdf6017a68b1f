package data

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// The PostgreSQL store.
//
// A database named by a postgres:// (or postgresql://) URL is a PostgreSQL
// 15+ database with PostGIS 3, shared by any number of instances. The store
// runs the same SQL on it as on SQLite: the queries are written with ?
// and ?N parameters and portable SQL, and the connections rewrite the
// parameters to PostgreSQL's $N (pgConn). What differs lives here and in
// migrations_pg: the schema (identity keys, double precision, bytea, a
// PostGIS geometry column beside each GeoPackage geometry, the QGIS views),
// the migrations taken under an advisory lock, and the write lock.
//
// Writes are serialised across every instance by a transaction-level
// advisory lock taken first in every write transaction (inTx), as SQLite's
// one writer serialises them in one process: the store's read-then-write
// steps (version counters, token rotation, a unit set's checks) then see
// no interleaved write, whatever the instance.

//go:embed migrations_pg/*.sql
var migrationPGFS embed.FS

// Advisory lock keys, in the two-int form, so that they cannot collide
// with another application's single bigint keys: the first is "phus".
const (
	advisoryApp     = 0x70687573
	advisoryMigrate = 1
	advisoryWrite   = 2
)

// IsPostgres says whether db names a PostgreSQL database rather than a
// file.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// Redact returns db with any password replaced by "xxxxx", for logs and
// messages.
func Redact(db string) string {
	if !IsPostgres(db) {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "postgres://(an address that does not parse)"
	}
	return u.Redacted()
}

// openPostgres opens the PostgreSQL database at dsn, creating PostGIS and
// applying every migration it has not seen.
func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: database %s: %v", ErrInvalid, Redact(dsn), err)
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["application_name"] = "phusong"
	cfg.RuntimeParams["timezone"] = "UTC"
	pool := func(n int) *sql.DB {
		db := sql.OpenDB(pgConnector{stdlib.GetConnector(*cfg)})
		db.SetMaxOpenConns(n)
		return db
	}
	s := &Store{path: Redact(dsn), dsn: dsn, pg: true, w: pool(4)}
	if err := s.w.PingContext(ctx); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("database %s: %w", Redact(dsn), err)
	}
	if err := s.migratePG(ctx); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("migrate %s: %w", Redact(dsn), err)
	}
	s.r = pool(8)
	return s, nil
}

// migratePG applies the PostgreSQL migrations under a session advisory
// lock, on one connection, so that instances starting together migrate
// once: the second waits, then finds nothing to do.
func (s *Store) migratePG(ctx context.Context) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?, ?)", advisoryApp, advisoryMigrate); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(?, ?)", advisoryApp, advisoryMigrate)
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	var current int
	if err := conn.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return err
	}
	ms, err := readMigrations(migrationPGFS, "migrations_pg")
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.version <= current {
			continue
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.name, explainPG(err))
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
			m.version, m.name, now()); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// explainPG adds what to do to the PostgreSQL errors a new deployment
// meets.
func explainPG(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch {
	case pe.Code == "0A000" || (pe.Code == "58P01" && strings.Contains(pe.Message, "postgis")):
		return fmt.Errorf("%w (is PostGIS 3 installed on the database server? Debian: apt-get install postgresql-15-postgis-3)", err)
	case pe.Code == "42501":
		return fmt.Errorf("%w (the role may not create the PostGIS extension: a superuser runs CREATE EXTENSION postgis in this database once)", err)
	}
	return err
}

// readMigrations reads the numbered migrations of dir in fsys, in order.
func readMigrations(fsys fs.FS, dir string) ([]migration, error) {
	names, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, n := range names {
		m, err := parseMigration(fsys, dir, n)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	sortMigrations(out)
	return out, nil
}

// pgConnector makes pgx's database/sql connections speak the store's SQL:
// ? and ?N parameters become $N, and booleans, which the store keeps as
// 0 and 1 as SQLite does, are sent as integers. Errors that say the server
// could not be reached wrap ErrUnavailable (unavailable), whatever the
// statement, so that every caller can tell an outage from a refusal.
type pgConnector struct{ driver.Connector }

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	return &pgConn{conn.(*stdlib.Conn)}, nil
}

type pgConn struct{ *stdlib.Conn }

func (c *pgConn) Prepare(query string) (driver.Stmt, error) {
	st, err := c.Conn.Prepare(rebind(query))
	return st, unavailable(err)
}

func (c *pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.Conn.PrepareContext(ctx, rebind(query))
	return st, unavailable(err)
}

func (c *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.Conn.BeginTx(ctx, opts)
	return tx, unavailable(err)
}

func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	r, err := c.Conn.ExecContext(ctx, rebind(query), args)
	return r, unavailable(err)
}

func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	r, err := c.Conn.QueryContext(ctx, rebind(query), args)
	return r, unavailable(err)
}

func (c *pgConn) CheckNamedValue(nv *driver.NamedValue) error {
	if b, ok := nv.Value.(bool); ok {
		nv.Value = int64(0)
		if b {
			nv.Value = int64(1)
		}
		return nil
	}
	return c.Conn.CheckNamedValue(nv)
}

// rebind rewrites SQLite's parameters, ? (numbered in order) and ?N, to
// PostgreSQL's $N, leaving string literals, quoted names and comments as
// they are.
func rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		ch := q[i]
		switch {
		case ch == '\'' || ch == '"':
			j := i + 1
			for j < len(q) && q[j] != ch {
				j++
			}
			b.WriteString(q[i:min(j+1, len(q))])
			i = j
		case ch == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			b.WriteString(q[i : i+j])
			i += j - 1
		case ch == '?':
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			b.WriteByte('$')
			if j > i+1 {
				b.WriteString(q[i+1 : j])
			} else {
				n++
				fmt.Fprint(&b, n)
			}
			i = j - 1
		default:
			b.WriteByte(ch)
		}
	}
	return b.String()
}

// notifyChannel is the PostgreSQL channel every write transaction notifies
// on commit, so that every instance sees another's write at once
// (Store.Listen).
const notifyChannel = "phusong_changes"

// Listen calls changed each time another process commits a write to the
// store, until ctx ends. On PostgreSQL it listens for the notification
// each write transaction sends on commit, on a connection of its own,
// connecting again after a loss (changed is called then too, since writes
// may have been missed); a SQLite store has no notifications and Listen
// returns at once: its readers poll (api.Service.Watch), which is the
// fallback on PostgreSQL as well.
func (s *Store) Listen(ctx context.Context, changed func(), onErr func(error)) {
	if !s.pg {
		return
	}
	wait := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, changed, func() { wait = 100 * time.Millisecond })
		if ctx.Err() != nil {
			return
		}
		onErr(err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

func (s *Store) listenOnce(ctx context.Context, changed, connected func()) error {
	conn, err := pgx.Connect(ctx, s.dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	connected()
	changed() // whatever was written while no one listened
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		changed()
	}
}

// ErrUnavailable is wrapped by the error of a request the database could
// not be reached for: the server is down, restarting or unreachable, or
// refuses connections. Nothing of a write is kept; it may succeed later.
var ErrUnavailable = errors.New("database unavailable")

// unavailable wraps err with ErrUnavailable when it says the PostgreSQL
// server could not be reached or dropped the connection, rather than
// refusing the statement. Other errors, and nil, are returned as they are.
func unavailable(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) || errors.Is(err, context.Canceled) {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exceptions; 57P01–57P03: the server is
		// shutting down or starting; 53300: too many connections.
		if strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || pe.Code == "53300" {
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return err
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err) || pgconn.Timeout(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}
