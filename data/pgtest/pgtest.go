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
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
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
	admin := os.Getenv(Env)
	if admin == "" {
		if os.Getenv("CI") != "" {
			tb.Fatalf("%s is not set in CI: .ci/run installs PostgreSQL and make test starts a cluster (.ci/with-postgres.sh)", Env)
		}
		tb.Skipf("PostgreSQL test: %s is not set (make test sets it where PostgreSQL 15 and PostGIS 3 are installed)", Env)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		tb.Fatalf("test cluster %s: %v", Env, err)
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
		tb.Fatalf("%s: %v", create, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			tb.Errorf("dropping %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("dropping %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
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
