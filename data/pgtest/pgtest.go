// Package pgtest gives each test a new PostgreSQL database of its own, in
// the cluster that PHUSONG_TEST_PG names (an administrator's URL; make test
// starts a throw-away cluster and sets it, see .ci/with-postgres.sh), and
// says which store the store-backed tests run on.
//
// The store's tests, and the API tests that touch the store, run on both
// stores: make test runs them once on SQLite and once more with
// PHUSONG_TEST_STORE=postgres, when every store they open is a PostgreSQL
// database from URL. Only tests import this package.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // the driver "pgx", for OpenDB
	_ "github.com/mattn/go-sqlite3"    // the driver "sqlite3", for OpenDB
)

// Env is the variable that holds the administrator's URL of the test
// cluster, and StoreEnv the one that selects the store under test.
const (
	Env      = "PHUSONG_TEST_PG"
	StoreEnv = "PHUSONG_TEST_STORE"
)

// template is the database with PostGIS that .ci/with-postgres.sh makes,
// so that a new database is a quick copy; without it each test's database
// creates PostGIS in its first migration.
const template = "phusong_template"

// Postgres says whether the store-backed tests run on PostgreSQL.
func Postgres() bool { return os.Getenv(StoreEnv) == "postgres" }

// URL returns the URL of a new, empty database, dropped when tb ends. It
// skips tb with a message when no cluster is given, and fails it when
// the CI variable is set, as CI installs PostgreSQL.
func URL(tb testing.TB) string {
	tb.Helper()
	if os.Getenv(Env) == "" {
		if os.Getenv("CI") != "" {
			tb.Fatalf("%s is not set in CI: .ci/run installs PostgreSQL and make test starts a cluster (.ci/with-postgres.sh)", Env)
		}
		tb.Skipf("PostgreSQL test: %s is not set (make test sets it where PostgreSQL 15 and PostGIS 3 are installed)", Env)
	}
	u, drop, err := NewURL()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := drop(); err != nil {
			tb.Errorf("%v", err)
		}
	})
	return u
}

var (
	madeMu sync.Mutex
	made   = map[string]string{} // redacted URL → URL
)

// NewURL makes a new database in the test cluster and returns its URL and
// a function that drops it, for a store shared by a package's tests.
func NewURL() (string, func() error, error) {
	admin := os.Getenv(Env)
	if admin == "" {
		return "", nil, fmt.Errorf("%s is not set", Env)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", nil, fmt.Errorf("test cluster %s: %w", Env, err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	name := "phusong_t_" + hex.EncodeToString(b)
	create := "CREATE DATABASE " + name
	var n int
	if conn.QueryRow(ctx, "SELECT COUNT(*) FROM pg_database WHERE datname = $1", template).Scan(&n); n == 1 {
		create += " TEMPLATE " + template
	}
	if _, err := conn.Exec(ctx, create); err != nil {
		return "", nil, fmt.Errorf("%s: %w", create, err)
	}
	u, err := url.Parse(admin)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	madeMu.Lock()
	made[u.Redacted()] = u.String()
	madeMu.Unlock()
	drop := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			return fmt.Errorf("dropping %s: %w", name, err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("dropping %s: %w", name, err)
		}
		return nil
	}
	return u.String(), drop, nil
}

// OpenDB opens the database of a store by the path the store gives
// (Store.Path: a file, or a URL without its password), for a test that
// changes a row by hand, with SQL both stores understand.
func OpenDB(path string) (*sql.DB, error) {
	if !strings.HasPrefix(path, "postgres") {
		return sql.Open("sqlite3", path)
	}
	madeMu.Lock()
	full, ok := made[path]
	madeMu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%s was not made by pgtest", path)
	}
	return sql.Open("pgx", full)
}

// Path returns where a store-backed test keeps its store: file in dir on
// SQLite, a new database on PostgreSQL.
func Path(tb testing.TB, dir, file string) string {
	tb.Helper()
	if Postgres() {
		return URL(tb)
	}
	return strings.TrimSuffix(dir, "/") + "/" + file
}
