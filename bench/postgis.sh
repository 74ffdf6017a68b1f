#!/usr/bin/env bash
# The side-by-side baseline of issue 8, point 2 ("make bench-postgis").
#
# Installs PostgreSQL 15 and PostGIS 3 from Debian's packages when absent,
# starts a throw-away cluster on 127.0.0.1 in a temporary directory, loads the
# communes and mobile footprints of the Hòa Bình and Vietnam scenarios with
# ogr2ogr, and times the SQL an analyst would write for the figures our
# calculator produces (bench/postgis/*.sql). It then runs our calculator on
# the same files in the same run (bench/calctime), checks that both give the
# same figures, prints a table of times and ratios, and writes it into
# BENCHMARKS.md between the markers <!-- postgis:begin --> and
# <!-- postgis:end --> (the rest of the file is left as it is). The cluster
# is stopped and removed on exit, whatever happens.
#
# Environment:
#   PHUSONG_DATA          reference data (default: ../shared/data beside the repository)
#   POSTGIS_CASES         which cases to run: "hb vn" (default), or "hb" alone for a quick try
#   POSTGIS_REPEAT        runs of each Vietnam query, median reported (default 1; Hòa Bình: 3)
#   POSTGIS_ALTERNATIVES  0 skips the alternative formulations (clusters, tiles, grid)
#   CALC_RUNS             timed runs of our calculator before the first query (default 5); 3 more
#                         follow each PostGIS query, and the median of all is reported
#   BENCHMARKS_MD         file to write (default BENCHMARKS.md at the repository's root)
#   GO                    the go command (default go)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SQL_DIR=$ROOT/bench/postgis
DATA=${PHUSONG_DATA:-$ROOT/../shared/data}
PG_MAJOR=15
PGBIN=/usr/lib/postgresql/$PG_MAJOR/bin
GO=${GO:-go}
OUT_MD=${BENCHMARKS_MD:-$ROOT/BENCHMARKS.md}
REPEAT_VN=${POSTGIS_REPEAT:-1}
REPEAT_HB=3
CASES=${POSTGIS_CASES:-hb vn}
ALTERNATIVES=${POSTGIS_ALTERNATIVES:-1}
CALC_RUNS=${CALC_RUNS:-5}
CALC_EVERY=3 # more timed Computes after each PostGIS query
PARTS=$(nproc) # sessions of best_parallel.sql
STATEMENT_TIMEOUT=30min
CLK_TCK=$(getconf CLK_TCK)
# Half a point of the province's people: more than the two methods' designed
# difference (area-weighted shares against 100 m cells), less than any bug.
AGREE_PTS=0.5

HB_COMMUNES=$DATA/hoabinh/communes_2019.geojson
HB_FOOTPRINTS=$DATA/scenarios/hoabinh_mobile_seed1.geojson
VN_COMMUNES=$DATA/vietnam/communes_2013_pop2019.geojson
VN_FOOTPRINTS=$DATA/scenarios/vietnam_mobile_seed1.geojson.gz

WORK=""
PORT=""
CLUSTER_UP=0
PM_PID=""    # the postmaster, whose reaped children's CPU time gives the queries'
BASE_CHILDREN=0
CALC_PID=""  # bench/calctime, while it is up
CALC_IN=""   # file descriptors of its standard input and output
CALC_OUT=""
OURS_OUT=""
OURS_FIGURES=""
declare -a COMMANDS=()      # the commands that produced the figures, for BENCHMARKS.md
declare -A PG_MS=()         # "schema:query" → median milliseconds
declare -A PG_CPU=()        # "schema:query" → median CPU milliseconds of the cluster's backends
declare -A OUR_CPU=()       # schema → median CPU milliseconds of one full Compute
declare -A OUR_MS=()        # schema → median milliseconds of one full Compute
declare -A OUR_MS_RANGE=()  # schema → "min–max"
declare -A OUR_RUNS=()      # schema → timed Computes
declare -A OUR_LARGEST=()   # schema → provider
declare -a AGREEMENT=()     # lines of compare.sql, prefixed by the schema

log() { printf '[bench-postgis %s] %s\n' "$(date +%T)" "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# as_postgres runs a PostgreSQL server binary as the postgres user when we
# are root (initdb and postgres refuse to run as root).
as_postgres() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

cleanup() {
	local status=$?
	if [ -n "$CALC_PID" ]; then
		kill "$CALC_PID" 2>/dev/null || true
		wait "$CALC_PID" 2>/dev/null || true
	fi
	if [ "$CLUSTER_UP" = 1 ]; then
		log "stopping the temporary cluster"
		as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m fast -w stop >/dev/null 2>&1 ||
			as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
		CLUSTER_UP=0
	fi
	if [ -n "$WORK" ] && [ -d "$WORK" ]; then
		if [ "$status" -ne 0 ] && [ -f "$WORK/pg/log" ]; then
			log "last lines of the server log:"
			tail -n 20 "$WORK/pg/log" >&2 || true
		fi
		rm -rf -- "$WORK"
	fi
	exit "$status"
}

install_packages() {
	if [ -x "$PGBIN/initdb" ] && [ -f "/usr/share/postgresql/$PG_MAJOR/extension/postgis.control" ] &&
		command -v ogr2ogr >/dev/null 2>&1; then
		return
	fi
	[ "$(id -u)" -eq 0 ] || die "PostgreSQL $PG_MAJOR, PostGIS 3 or gdal-bin is missing, and installing needs root"
	log "installing postgresql-$PG_MAJOR, postgresql-$PG_MAJOR-postgis-3 and gdal-bin from Debian's packages"
	export DEBIAN_FRONTEND=noninteractive
	# Other builds on the machine may hold dpkg's lock for a while.
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
		"postgresql-$PG_MAJOR" "postgresql-$PG_MAJOR-postgis-3" gdal-bin >/dev/null
}

free_port() {
	local p
	for p in $(seq 55432 55631); do
		if [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; then
			echo "$p"
			return
		fi
	done
	die "no free TCP port in 55432–55631"
}

start_cluster() {
	WORK=$(mktemp -d -t phusong-postgis.XXXXXX)
	chmod 711 "$WORK" # the postgres user must reach $WORK/pg
	mkdir -p "$WORK/pg/sock"
	# A random password, although the cluster listens on 127.0.0.1 only.
	head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$WORK/pg/pw"
	if [ "$(id -u)" -eq 0 ]; then
		chown -R postgres: "$WORK/pg"
	fi
	chmod 600 "$WORK/pg/pw"
	PGPASSWORD=$(cat "$WORK/pg/pw")
	export PGPASSWORD
	PORT=$(free_port)
	log "initdb in $WORK/pg/data, port $PORT"
	as_postgres "$PGBIN/initdb" -D "$WORK/pg/data" -U postgres --auth=scram-sha-256 \
		--pwfile="$WORK/pg/pw" -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 ||
		{
			cat "$WORK/initdb.log" >&2
			die "initdb failed"
		}
	# Settings an analyst would give a throw-away analytic cluster: memory
	# for sorts and index builds, no durability; parallelism as by default.
	as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$WORK/pg/sock" \
		-o "-c shared_buffers=1GB -c work_mem=256MB -c maintenance_work_mem=1GB -c max_wal_size=4GB" \
		-o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c autovacuum=off" \
		start >/dev/null
	CLUSTER_UP=1
	PM_PID=$(head -n 1 "$WORK/pg/data/postmaster.pid")
	export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres PGDATABASE=bench
	export PGOPTIONS="-c statement_timeout=$STATEMENT_TIMEOUT"
	psql -X -q -d postgres -c "CREATE DATABASE bench"
	psql -X -q -c "CREATE EXTENSION postgis"
	# The server's own processes, with no client connected.
	sleep 1
	BASE_CHILDREN=$(pgrep -c -P "$PM_PID" || true)
}

sql() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# shown ARGS…: a command as BENCHMARKS.md shows it: paths relative to the
# repository, the temporary directory as $TMP, arguments with spaces quoted.
shown() {
	local a out=""
	for a in "$@"; do
		a=${a//"$WORK"/\$TMP}
		a=${a//"$ROOT"\//}
		[[ $a != *" "* ]] || a="'$a'"
		out+="${out:+ }$a"
	done
	printf '%s' "$out"
}

# load SCHEMA COMMUNES CODE_COLUMN FOOTPRINTS
load() {
	local schema=$1 communes=$2 code_col=$3 footprints=$4 src=$4
	case $footprints in *.gz) src=/vsigzip/$footprints ;; esac
	local pg="PG:host=127.0.0.1 port=$PORT user=postgres dbname=bench"
	log "$schema: loading $(basename "$communes") and $(basename "$footprints") with ogr2ogr"
	sql -c "CREATE SCHEMA $schema"
	local c1=(ogr2ogr -f PostgreSQL "$pg" "$communes" -nln "$schema.communes_raw" -nlt PROMOTE_TO_MULTI
		-lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=NONE -select "$code_col,pop_2019" -gt 65536)
	local c2=(ogr2ogr -f PostgreSQL "$pg" "$src" -nln "$schema.footprints_raw"
		-lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=NONE -select "operator,technology" -gt 65536)
	"${c1[@]}"
	"${c2[@]}"
	COMMANDS+=("$(shown "${c1[@]}")" "$(shown "${c2[@]}")")
	sql -v schema="$schema" -v code_col="$code_col" -v pop_col=pop_2019 -f "$SQL_DIR/load.sql" |
		sed "s/^/    /" >&2
}

# CPU time, wall time: the machine is shared with other builds, and a query
# that waits for a core takes longer by the clock but not in CPU time. The
# postmaster's cutime and cstime hold the CPU time of its children once they
# have ended and been reaped: the backends (and parallel workers) that ran
# the queries. Autovacuum is off, so no other child comes and goes.
pg_cpu_ticks() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$PM_PID/stat"; }

# backends_gone N: wait until the postmaster has at most N children again.
backends_gone() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(pgrep -c -P "$PM_PID" || true)" -gt "$1" ] || return 0
		sleep 0.05
	done
	log "warning: a backend is still up; its CPU time is not counted"
}

ticks_to_ms() { awk -v t="$1" -v hz="$CLK_TCK" 'BEGIN { printf "%d\n", 1000 * t / hz }'; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# median of numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%d\n", (a[NR/2]+a[NR/2+1])/2}'; }

# timed SCHEMA NAME FILE REPEAT: the median wall time of REPEAT runs of one
# SQL file, each in a session of its own (temporary tables start afresh).
timed() {
	local schema=$1 name=$2 file=$3 repeat=$4 i t t0 c0 c times="" cpus=""
	for ((i = 1; i <= repeat; i++)); do
		log "$schema: $name ($(basename "$file"), run $i of $repeat)…"
		backends_gone "$BASE_CHILDREN"
		c0=$(pg_cpu_ticks)
		t0=$(now_ms)
		sql -v schema="$schema" -f "$file" >/dev/null
		t=$(($(now_ms) - t0))
		backends_gone "$BASE_CHILDREN"
		c=$(ticks_to_ms $(($(pg_cpu_ticks) - c0)))
		times+="$t"$'\n'
		cpus+="$c"$'\n'
		log "$schema: $name took $(fmt_ms "$t") ($(fmt_ms "$c") CPU)"
		ask_ours "$CALC_EVERY"
	done
	PG_MS["$schema:$name"]=$(printf '%s' "$times" | median)
	PG_CPU["$schema:$name"]=$(printf '%s' "$cpus" | median)
}

# timed_parallel SCHEMA NAME FILE REPEAT: as timed, with the file run by
# PARTS sessions at once (psql variables part=0…PARTS-1 and parts), one per
# core; the time is that of the slowest.
timed_parallel() {
	local schema=$1 name=$2 file=$3 repeat=$4 i k t t0 c0 c times="" cpus="" pids=()
	for ((i = 1; i <= repeat; i++)); do
		log "$schema: $name ($(basename "$file") in $PARTS sessions, run $i of $repeat)…"
		sql -v schema="$schema" -c "DELETE FROM $schema.results WHERE formulation = '$name'"
		backends_gone "$BASE_CHILDREN"
		c0=$(pg_cpu_ticks)
		t0=$(now_ms)
		pids=()
		for ((k = 0; k < PARTS; k++)); do
			sql -v schema="$schema" -v part="$k" -v parts="$PARTS" -f "$file" >/dev/null &
			pids+=($!)
		done
		for k in "${pids[@]}"; do
			wait "$k" || die "$name: a session failed"
		done
		t=$(($(now_ms) - t0))
		backends_gone "$BASE_CHILDREN"
		c=$(ticks_to_ms $(($(pg_cpu_ticks) - c0)))
		times+="$t"$'\n'
		cpus+="$c"$'\n'
		log "$schema: $name took $(fmt_ms "$t") ($(fmt_ms "$c") CPU)"
		ask_ours "$CALC_EVERY"
	done
	PG_MS["$schema:$name"]=$(printf '%s' "$times" | median)
	PG_CPU["$schema:$name"]=$(printf '%s' "$cpus" | median)
}

fmt_ms() { awk -v ms="$1" 'BEGIN { if (ms >= 10000) printf "%.1f s", ms/1000; else if (ms >= 1000) printf "%.2f s", ms/1000; else printf "%.0f ms", ms }'; }

# postgis_queries SCHEMA REPEAT
postgis_queries() {
	local schema=$1 repeat=$2
	timed "$schema" canonical_all "$SQL_DIR/canonical_all.sql" "$repeat"
	timed "$schema" canonical_operators "$SQL_DIR/canonical_operators.sql" "$repeat"
	timed "$schema" canonical_multi "$SQL_DIR/canonical_multi.sql" "$repeat"
	timed "$schema" best_all "$SQL_DIR/best_all.sql" "$repeat"
	timed "$schema" best_breakdowns "$SQL_DIR/best_breakdowns.sql" "$repeat"
	timed_parallel "$schema" best_parallel "$SQL_DIR/best_parallel.sql" "$repeat"
	if [ "$ALTERNATIVES" != 0 ]; then
		timed "$schema" alt_clusters "$SQL_DIR/alt_clusters.sql" "$repeat"
		timed "$schema" alt_tiles "$SQL_DIR/alt_tiles.sql" "$repeat"
		timed "$schema" alt_grid "$SQL_DIR/alt_grid.sql" "$repeat"
	fi
}

# start_ours SCHEMA COMMUNES FOOTPRINTS [calctime flags…]: start our
# calculator on the same files and wait until it has loaded them and timed
# its first CALC_RUNS Computes; it then stays up, and ask_ours has it time
# more between the PostGIS queries, so that both sides meet the same load.
start_ours() {
	local schema=$1 communes=$2 footprints=$3 line
	shift 3
	OURS_OUT=$WORK/ours-$schema.txt
	OURS_FIGURES=$WORK/ours-$schema.csv
	local cmd=("$WORK/calctime" -communes "$communes" -footprints "$footprints" "$@"
		-runs "$CALC_RUNS" -stdin -figures "$OURS_FIGURES")
	COMMANDS+=("$(shown go run ./bench/calctime "${cmd[@]:1}")")
	rm -f "$WORK/calc.in" "$WORK/calc.out"
	mkfifo "$WORK/calc.in" "$WORK/calc.out"
	log "$schema: our calculator: loading, then $CALC_RUNS runs after a warm-up"
	"${cmd[@]}" <"$WORK/calc.in" >"$WORK/calc.out" &
	CALC_PID=$!
	exec {CALC_IN}>"$WORK/calc.in"
	exec {CALC_OUT}<"$WORK/calc.out"
	: >"$OURS_OUT"
	while IFS= read -r line <&"$CALC_OUT"; do
		echo "$line" >>"$OURS_OUT"
		[ "$line" != ready ] || return 0
	done
	die "bench/calctime stopped before it was ready"
}

# ask_ours N: N more timed Computes, when our calculator is up.
ask_ours() {
	local line
	[ -n "$CALC_PID" ] || return 0
	echo "$1" >&"$CALC_IN"
	IFS= read -r line <&"$CALC_OUT" || die "bench/calctime stopped"
	echo "$line" >>"$OURS_OUT"
}

# finish_ours SCHEMA: stop asking, read the summary, copy the figures into
# SCHEMA.ours.
finish_ours() {
	local schema=$1 line
	exec {CALC_IN}>&-
	while IFS= read -r line <&"$CALC_OUT"; do
		echo "$line" >>"$OURS_OUT"
	done
	exec {CALC_OUT}<&-
	wait "$CALC_PID" || die "bench/calctime failed"
	CALC_PID=""
	OUR_MS[$schema]=$(awk '$1 == "compute_ms" {print $2}' "$OURS_OUT")
	OUR_RUNS[$schema]=$(awk '$1 == "runs" {print $2}' "$OURS_OUT")
	OUR_CPU[$schema]=$(awk '$1 == "compute_cpu_ms" {print $2}' "$OURS_OUT")
	OUR_MS_RANGE[$schema]=$(awk '$1 == "compute_ms_min" {lo=$2} $1 == "compute_ms_max" {hi=$2} END {printf "%.0f–%.0f ms", lo, hi}' "$OURS_OUT")
	OUR_LARGEST[$schema]=$(awk '$1 == "largest" {print $2}' "$OURS_OUT")
	log "$schema: our Compute: $(fmt_ms "${OUR_MS[$schema]}") ($(fmt_ms "${OUR_CPU[$schema]}") CPU), median of ${OUR_RUNS[$schema]} runs (${OUR_MS_RANGE[$schema]})"
	sql -c "COPY $schema.ours FROM STDIN WITH (FORMAT csv, HEADER true)" <"$OURS_FIGURES"
}

compare() {
	local schema=$1 line
	while IFS= read -r line; do
		AGREEMENT+=("$schema $line")
	done < <(sql -v schema="$schema" -A -t -F ' ' -f "$SQL_DIR/compare.sql")
}

# pg_largest SCHEMA FORMULATION: the operator covering the most people.
pg_largest() {
	sql -A -t -v schema="$1" -v f="$2" <<'EOF'
SET search_path = :"schema", public;
SELECT substr(r.breakdown, 10)
FROM results r JOIN communes c USING (code)
WHERE r.formulation = :'f' AND r.breakdown LIKE 'provider:%'
GROUP BY r.breakdown ORDER BY sum(c.pop * r.share) DESC LIMIT 1;
EOF
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { r = a / b; if (r >= 100) printf "%.0f×", r; else printf "%.1f×", r }'; }

# row SCHEMA LABEL MS…: a table row; several MS are added (the canonical
# figures of all breakdowns are three queries).
row() {
	local schema=$1 label=$2 total=0 cpu=0 k
	shift 2
	for k in "$@"; do
		[ -n "${PG_MS[$schema:$k]:-}" ] || return 0
		total=$((total + ${PG_MS[$schema:$k]}))
		cpu=$((cpu + ${PG_CPU[$schema:$k]}))
	done
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$label" \
		"$(fmt_ms "$total")" "$(fmt_ms "${OUR_MS[$schema]}")" "$(ratio "$total" "${OUR_MS[$schema]}")" \
		"$(fmt_ms "$cpu")" "$(fmt_ms "${OUR_CPU[$schema]}")" "$(ratio "$cpu" "${OUR_CPU[$schema]}")"
}

times_table() {
	local schema=$1
	echo "| query | PostGIS | ours (full Compute) | PostGIS ÷ ours | PostGIS CPU | ours CPU | CPU ratio |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	row "$schema" "canonical: all operators" canonical_all
	row "$schema" "canonical: each operator (3)" canonical_operators
	row "$schema" "canonical: two or more operators (multi)" canonical_multi
	row "$schema" "**canonical: all of these breakdowns**" canonical_all canonical_operators canonical_multi
	row "$schema" "best: all operators (dissolve, subdivide, clip)" best_all
	row "$schema" "**best: all of these breakdowns, one pass**" best_breakdowns
	row "$schema" "**best: the same in $PARTS sessions at once, one band of latitude each**" best_parallel
	row "$schema" "alternative: ST_ClusterIntersecting, dissolve per cluster (all operators)" alt_clusters
	row "$schema" "alternative: dissolve per 0.25° tile (all operators)" alt_tiles
	row "$schema" "alternative: 0.005° grid sample, ST_SquareGrid (all operators)" alt_grid
}

agreement_table() {
	local schema=$1 s f b pg our n w mean max mis
	echo "| formulation | breakdown | PostGIS | ours | difference | communes within 1 pt | mean \\|Δ\\| per commune | max \\|Δ\\| |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|"
	for line in "${AGREEMENT[@]}"; do
		read -r s f b pg our n w mean max mis <<<"$line"
		[ "$s" = "$schema" ] || continue
		awk -v f="$f" -v b="$b" -v pg="$pg" -v our="$our" -v n="$n" -v w="$w" -v mean="$mean" -v max="$max" \
			'BEGIN { printf "| %s | %s | %.3f %% | %.3f %% | %+.3f pts | %d of %d | %.3f pts | %.1f pts |\n", f, b, 100*pg, 100*our, 100*(pg-our), w, n, mean, max }'
		[ "$mis" = 0 ] || log "warning: $schema $f $b: $mis communes have another population in PostGIS"
	done
}

# check_agreement: the union of all operators must agree within AGREE_PTS
# for every exact formulation (not the coarse grid sample).
check_agreement() {
	local bad=0 s f b pg our rest
	for line in "${AGREEMENT[@]}"; do
		read -r s f b pg our rest <<<"$line"
		if [ "$b" != all ] || [ "$f" = grid ]; then
			continue
		fi
		if ! awk -v d="$(awk -v a="$pg" -v b="$our" 'BEGIN {print 100*(a-b)}')" -v t="$AGREE_PTS" \
			'BEGIN { exit !(d <= t && d >= -t) }'; then
			log "DISAGREEMENT: $s $f all: PostGIS $pg, ours $our (more than $AGREE_PTS points apart)"
			bad=1
		fi
	done
	return "$bad"
}

report() {
	local md=$1 pgv postgis geos gdal gov cpu mem
	pgv=$(sql -A -t -c "SHOW server_version")
	postgis=$(sql -A -t -c "SELECT postgis_lib_version()")
	geos=$(sql -A -t -c "SELECT postgis_geos_version()")
	gdal=$(ogr2ogr --version)
	gov=$("$GO" version)
	cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
	mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
	{
		echo "## PostGIS baseline"
		echo
		echo "Issue 8, point 2: the SQL an analyst would write for our figures, timed on a throw-away"
		echo "PostgreSQL cluster beside our calculator on the same machine in the same run."
		echo "Written by \`make bench-postgis\` (bench/postgis.sh); do not edit between the markers."
		echo
		echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "- machine: $(nproc) cores ($cpu), $mem; load average at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg)"
		echo "- PostgreSQL $pgv, PostGIS $postgis, GEOS $geos; $gdal; $gov"
		echo "- server settings: shared_buffers 1GB, work_mem 256MB, maintenance_work_mem 1GB, fsync off;"
		echo "  parallel query as by default. A query runs in one backend, on one core, unless the planner"
		echo "  splits it; best_parallel.sql splits by hand over $PARTS sessions. Our Compute uses every core."
		echo "- PostGIS times: wall time of each SQL file in bench/postgis/ through psql, median of"
		echo "  $REPEAT_VN run(s) for Vietnam and $REPEAT_HB for Hòa Bình; loading and indexing not counted. CPU: the"
		echo "  user + system time of the backends that ran it (and of ours, every thread), which other"
		echo "  builds on the machine disturb less than the clock: the goals are by the clock"
		echo "- ours: \`geo.Surface.Compute\` in bench/calctime, loaded once; median of $CALC_RUNS runs after a warm-up"
		echo "  and $CALC_EVERY more after each PostGIS query, so that both sides meet the same load; one Compute gives all"
		echo "  four layers and every breakdown (all, largest, multi, each provider, each technology), so each"
		echo "  row's ratio sets one PostGIS query against all of our work"
		echo
		local schema title
		for schema in vn hb; do
			has_case "$schema" || continue
			if [ "$schema" = vn ]; then
				title="Vietnam: 11,163 communes, 121,087 footprints"
			else
				title="Hòa Bình: 210 communes, 1,078 footprints"
			fi
			echo "### $title"
			echo
			echo "Our Compute: $(fmt_ms "${OUR_MS[$schema]}") by the clock, median of ${OUR_RUNS[$schema]} runs"
			echo "(${OUR_MS_RANGE[$schema]}); $(fmt_ms "${OUR_CPU[$schema]}") of CPU time."
			echo
			times_table "$schema"
			echo
			echo "Figures: population-weighted share of the province covered; per commune, PostGIS's"
			echo "area-weighted share against our share of people in covered 100 m cells."
			echo "'largest' is the operator covering most people: ours ${OUR_LARGEST[$schema]},"
			echo "PostGIS (best) $(pg_largest "$schema" best), (canonical) $(pg_largest "$schema" canonical)."
			echo
			agreement_table "$schema"
			echo
		done
		if has_case vn; then
			echo "Goals (issue 8, Vietnam, all breakdowns): ≥ 100× faster than the canonical query, ≥ 10× faster"
			echo "than the best formulation: $(goals)."
		fi
		echo "Not in the PostGIS figures: the per-technology breakdowns and the"
		echo "other layers, which our Compute also produces; 'largest' is a pick from the per-operator"
		echo "figures, not a query."
		echo
		echo "Commands:"
		echo
		echo '```sh'
		local c settings=""
		[ "$REPEAT_VN" = 1 ] || settings+="POSTGIS_REPEAT=$REPEAT_VN "
		[ "$CASES" = "hb vn" ] || settings+="POSTGIS_CASES='$CASES' "
		[ "$ALTERNATIVES" != 0 ] || settings+="POSTGIS_ALTERNATIVES=0 "
		[ "$CALC_RUNS" = 5 ] || settings+="CALC_RUNS=$CALC_RUNS "
		echo "${settings}make bench-postgis   # bash bench/postgis.sh, which runs:"
		for c in "${COMMANDS[@]}"; do
			echo "$c"
		done
		echo "psql -f bench/postgis/load.sql, then each of bench/postgis/{canonical_*,best_*,alt_*}.sql"
		echo '```'
	} >"$md"
}

# goals: the issue's two goals on the Vietnam figures, met or not.
goals() {
	local ours=${OUR_MS[vn]} canonical best
	canonical=$((${PG_MS[vn:canonical_all]} + ${PG_MS[vn:canonical_operators]} + ${PG_MS[vn:canonical_multi]}))
	best=${PG_MS[vn:best_breakdowns]}
	if [ -n "${PG_MS[vn:best_parallel]:-}" ] && [ "${PG_MS[vn:best_parallel]}" -lt "$best" ]; then
		best=${PG_MS[vn:best_parallel]}
	fi
	awk -v c="$canonical" -v b="$best" -v o="$ours" 'BEGIN {
		printf "canonical %.0f× (%s), best %.1f× (%s)", c/o, (c/o >= 100 ? "met" : "NOT met"), b/o, (b/o >= 10 ? "met" : "NOT met") }'
}

# write_section FILE BODY: replace what lies between our markers in FILE
# with BODY, or append the section when the markers are absent.
write_section() {
	local file=$1 body=$2 begin='<!-- postgis:begin -->' end='<!-- postgis:end -->' tmp
	[ -f "$file" ] || printf '# Benchmarks\n\n' >"$file"
	tmp=$(mktemp "$file.XXXXXX")
	if grep -qF -- "$begin" "$file"; then
		awk -v b="$begin" -v e="$end" -v body="$body" '
			$0 == b { print; while ((getline l < body) > 0) print l; skip = 1; next }
			$0 == e { skip = 0 }
			!skip { print }' "$file" >"$tmp"
	else
		{
			cat "$file"
			[ -z "$(tail -c 1 "$file")" ] || echo
			echo "$begin"
			cat "$body"
			echo "$end"
		} >"$tmp"
	fi
	chmod --reference="$file" "$tmp"
	mv -- "$tmp" "$file"
}

has_case() { [[ " $CASES " == *" $1 "* ]]; }

main() {
	local f
	for f in "$HB_COMMUNES" "$HB_FOOTPRINTS" "$VN_COMMUNES" "$VN_FOOTPRINTS"; do
		[ -f "$f" ] || die "reference data absent: $f (expected in ../shared/data beside the repository)"
	done
	LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
	install_packages
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	start_cluster
	log "building bench/calctime"
	(cd "$ROOT" && "$GO" build -o "$WORK/calctime" ./bench/calctime)

	if has_case hb; then
		load hb "$HB_COMMUNES" gso_code "$HB_FOOTPRINTS"
		start_ours hb "$HB_COMMUNES" "$HB_FOOTPRINTS"
		postgis_queries hb "$REPEAT_HB"
		finish_ours hb
		compare hb
	fi
	if has_case vn; then
		load vn "$VN_COMMUNES" commune_id "$VN_FOOTPRINTS"
		start_ours vn "$VN_COMMUNES" "$VN_FOOTPRINTS" -code commune_id -name commune_vn \
			-district-code district_id -district district_vn
		postgis_queries vn "$REPEAT_VN"
		finish_ours vn
		compare vn
	fi

	report "$WORK/section.md"
	cat "$WORK/section.md"
	write_section "$OUT_MD" "$WORK/section.md"
	log "wrote the PostGIS baseline into $OUT_MD"
	check_agreement
}

main "$@"
