#!/usr/bin/env bash
# with-postgres.sh COMMAND...: runs COMMAND with PHUSONG_TEST_PG set to a
# throw-away PostgreSQL 15 + PostGIS 3 cluster on 127.0.0.1, started in a
# temporary directory and removed when COMMAND ends, whatever happens. Every
# PostgreSQL test makes its own database in it (data/pgtest.go).
#
# Where PostgreSQL or PostGIS is not installed, COMMAND runs without it and
# the PostgreSQL tests skip with a message (they fail when CI is set: CI
# installs both, see .ci/run). PHUSONG_TEST_PG already set is kept as it is.
set -euo pipefail
PG_MAJOR=15
PGBIN=/usr/lib/postgresql/$PG_MAJOR/bin
if [ -n "${PHUSONG_TEST_PG:-}" ]; then
	exec "$@"
fi
if [ ! -x "$PGBIN/initdb" ] || [ ! -f "/usr/share/postgresql/$PG_MAJOR/extension/postgis.control" ]; then
	echo "with-postgres: PostgreSQL $PG_MAJOR with PostGIS 3 is not installed: the PostgreSQL tests skip" \
		"(apt-get install postgresql-$PG_MAJOR postgresql-$PG_MAJOR-postgis-3)" >&2
	exec "$@"
fi

# From /, which the postgres user may enter, unlike the caller's folder.
as_postgres() {
	if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

WORK=$(mktemp -d -t phusong-pgtest.XXXXXX)
chmod 711 "$WORK"
mkdir -p "$WORK/pg/sock"
head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$WORK/pg/pw"
[ "$(id -u)" -ne 0 ] || chown -R postgres: "$WORK/pg"
chmod 600 "$WORK/pg/pw"
PW=$(cat "$WORK/pg/pw")
up=0
cleanup() {
	local status=$?
	if [ "$up" = 1 ]; then
		as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	if [ "$status" -ne 0 ] && [ -f "$WORK/pg/log" ]; then
		echo "with-postgres: last lines of the server log:" >&2
		tail -n 20 "$WORK/pg/log" >&2 || true
	fi
	rm -rf -- "$WORK"
	exit "$status"
}
trap cleanup EXIT INT TERM

port=""
for p in $(seq 56432 56631); do
	if [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; then port=$p; break; fi
done
[ -n "$port" ] || { echo "with-postgres: no free TCP port in 56432–56631" >&2; exit 1; }

as_postgres "$PGBIN/initdb" -D "$WORK/pg/data" -U postgres --auth=scram-sha-256 \
	--pwfile="$WORK/pg/pw" -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 ||
	{ cat "$WORK/initdb.log" >&2; exit 1; }
# A test cluster: no durability needed, many short-lived databases and
# connections (three instances per end-to-end test, each with its pool).
as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w -t 60 \
	-o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$WORK/pg/sock" \
	-o "-c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
	start >/dev/null
up=1
# A template with PostGIS, so that each test's database is a quick copy.
PGPASSWORD=$PW psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
	-c "CREATE DATABASE phusong_template" >/dev/null
PGPASSWORD=$PW psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d phusong_template \
	-c "CREATE EXTENSION postgis" >/dev/null
export PHUSONG_TEST_PG="postgres://postgres:$PW@127.0.0.1:$port/postgres?sslmode=disable"
echo "with-postgres: PostgreSQL $PG_MAJOR + PostGIS on 127.0.0.1:$port for the tests" >&2
"$@"
