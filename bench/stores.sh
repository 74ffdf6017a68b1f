#!/usr/bin/env bash
# The two stores side by side (issue 20): the same binary, the same data and
# the same machine, in one run, on SQLite (a GeoPackage file) and on
# PostgreSQL + PostGIS (a new database in the cluster of PHUSONG_TEST_PG):
#   1. the national recompute: the 11,163 communes of 2013 (2019 census) as a
#      new set, Phú Thọ's 148 units of 2025 added from 2025-07-01, then
#      `phusong recompute` (median of 3, wall time and peak RSS); the two
#      imports are timed too;
#   2. the ingest of one operator's national filing (viettel's, as
#      bench/http.sh) through `phusong serve`, to the 201 (median of 3);
#   3. the layer GeoJSON with hey, 10 s at 32 connections, gzip: one instance
#      on each store, and on PostgreSQL three instances on one database behind
#      nginx (cmd/phusong/deploy/nginx.conf).
# Prints a table and writes it into BENCHMARKS.md between the stores markers.
# Usage (from the repository root): make bench-stores, which runs
#   bash .ci/with-postgres.sh bash bench/stores.sh
# (PHUSONG_TEST_PG must name a PostgreSQL 15 + PostGIS 3 cluster with the
# template database phusong_template, as .ci/with-postgres.sh makes it).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared/data
vn=$shared/vietnam/communes_2013_pop2019.geojson
pt=$shared/phutho/wards_2025.geojson
scenario=$shared/scenarios/vietnam_mobile_seed1.geojson.gz
for f in "$vn" "$pt" "$scenario"; do
  [ -f "$f" ] || { echo "bench/stores.sh: $f is absent: the benchmarks need ../shared/data" >&2; exit 1; }
done
[ -n "${PHUSONG_TEST_PG:-}" ] || {
  echo "bench/stores.sh: PHUSONG_TEST_PG is not set: run it as \`make bench-stores\` (.ci/with-postgres.sh)" >&2; exit 1; }
need=()
command -v hey >/dev/null 2>&1 || need+=(hey)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
timebin=""
[ -x /usr/bin/time ] && timebin=/usr/bin/time

# 0755: nginx's workers run as www-data ("user" in the shipped file) and
# must reach their temporary files in it.
work=$(mktemp -d /tmp/phusong-stores.XXXXXX)
chmod 755 "$work"
pids=()
pgdbs=()
cleanup() {
  local status=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for d in "${pgdbs[@]}"; do
    psql -X -q "$PHUSONG_TEST_PG" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

go build -o "$work/phusong" ./cmd/phusong
go build -o "$work/filing" ./bench/filing
bin="$work/phusong"
now() { date +%s.%N; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.2f", a - b }'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
range() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s–%s", lo, hi }'; }

# The CPU seconds that the PostgreSQL cluster has spent (the postmaster, its
# live processes and the backends it has reaped), so that a step's share on
# the server side shows beside the client's.
pg_port=$(sed -E 's|.*@[^:/]+:([0-9]+)/.*|\1|' <<<"$PHUSONG_TEST_PG")
pg_master=$(ss -Hltnp "sport = :$pg_port" | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)
pg_cpu() {
  [ -n "$pg_master" ] || { echo 0; return; }
  local tck; tck=$(getconf CLK_TCK)
  { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pg_master/stat"
    for c in $(ps -o pid= --ppid "$pg_master"); do
      awk '{ print $14 + $15 }' "/proc/$c/stat" 2>/dev/null || true
    done; } | awk -v t="$tck" '{ s += $1 } END { printf "%.2f", s / t }'
}
# proc_cpu PID — the CPU seconds (user + sys) a live process has spent.
proc_cpu() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }
# The machine may be shared with other work: its load is recorded beside the
# figures (the CPU seconds are less sensitive to it than the wall times).
loads=()
note_load() { loads+=("$(cut -d' ' -f1 /proc/loadavg)"); }

# timed OUT CMD… — runs CMD; "wall user+sys peakKB" go to OUT.
timed() {
  local out=$1; shift
  if [ -n "$timebin" ]; then
    "$timebin" -f '%e %U %S %M' -o "$out.time" "$@" >"$out.log" 2>&1 || { cat "$out.log"; exit 1; }
    awk '{ printf "%.2f %.2f %d\n", $1, $2 + $3, $4 }' "$out.time" >"$out"
  else
    local t0; t0=$(now)
    "$@" >"$out.log" 2>&1 || { cat "$out.log"; exit 1; }
    echo "$(since "$t0") - -" >"$out"
  fi
}

# start DB NAME — starts `phusong serve` on DB, waits for /readyz 200; sets
# url, pid and startup (launch to the first 200).
start() {
  local db=$1 name=$2
  local port; port=$(free_port)
  url="http://127.0.0.1:$port"
  local t0; t0=$(now)
  "$bin" serve --addr "127.0.0.1:$port" --db "$db" --write-rate 0 --instance "$name" >"$work/$name.log" 2>&1 &
  pid=$!; pids+=("$pid")
  for _ in $(seq 1 2400); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz")" = 200 ]; then
      startup=$(since "$t0"); return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "server $name did not become ready:"; tail -n 30 "$work/$name.log"; exit 1
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
rss_mb() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# load NAME STORE URL — hey for 10 s at 32 connections with gzip.
loadrows=()
load() {
  local name=$1 store=$2 target=$3
  local out; out=$(hey -z 10s -c 32 -H "Accept-Encoding: gzip" "$target")
  echo "$out" >"$work/hey-$(date +%s%N).txt"
  local rps p50 p99 total non2xx errs
  rps=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")
  p50=$(awk '/ 50% in/ { printf "%.1f", $3 * 1000 }' <<<"$out")
  p99=$(awk '/ 99% in/ && $3 != "" { printf "%.1f", $3 * 1000 }' <<<"$out")
  [ -n "$p99" ] || p99="–"
  # Status lines are "  [200]	1234 responses"; errors (no answer at all)
  # are listed under "Error distribution" as "  [N]	message".
  total=$(awk '/^Status code distribution/ { on = 1; next } on && /^ *\[[0-9]+\]/ { gsub(/[][]/, "", $1); s += $2 } /^$/ { on = 0 } END { print s + 0 }' <<<"$out")
  non2xx=$(awk '/^Status code distribution/ { on = 1; next } on && /^ *\[[0-9]+\]/ { gsub(/[][]/, "", $1); if ($1 < 200 || $1 > 299) s += $2 } /^$/ { on = 0 } END { print s + 0 }' <<<"$out")
  errs=$(awk '/^Error distribution/ { on = 1; next } on && /^ *\[[0-9]+\]/ { gsub(/[][]/, "", $1); s += $1 } END { print s + 0 }' <<<"$out")
  loadrows+=("| $store | $name | $rps req/s | $p50 ms | $p99 ms | $non2xx of $total$( [ "$errs" = 0 ] || echo ", $errs without answer") |")
  echo "  $store, $name: $rps req/s, p50 $p50 ms, p99 $p99 ms, non-2xx $non2xx of $total, errors $errs"
}

"$work/filing" -operator viettel -as-of 2026-01-01 "$scenario" >"$work/viettel.geojson"
filing_mb=$(du -m "$work/viettel.geojson" | cut -f1)
footprints=$(grep -o '"type": *"Feature"' "$work/viettel.geojson" | wc -l)

pg_version=$(psql -X -tA "$PHUSONG_TEST_PG" -c 'SHOW server_version' | awk '{ print $1 }')
run_id=$$
declare -A R
for store in sqlite postgres; do
  echo "== $store"
  if [ "$store" = sqlite ]; then
    db="$work/nat.gpkg"
  else
    name="phusong_stores_${run_id}"
    psql -X -q "$PHUSONG_TEST_PG" -c "CREATE DATABASE $name TEMPLATE phusong_template" >/dev/null
    pgdbs+=("$name")
    db=$(sed -E "s|(@[^/]+)/[^?]*|\1/$name|" <<<"$PHUSONG_TEST_PG")
    postgis_version=$(psql -X -tA "$db" -c 'SELECT postgis_lib_version()')
  fi

  # 1. The national set, Phú Thọ's 2025 units, the recompute.
  timed "$work/imp1" "$bin" import communes "$vn" --db "$db" --new-set --no-demo \
    --code commune_id --name commune_vn --district district_vn --district-code district_id --type "" \
    --province province_vn
  timed "$work/imp2" "$bin" import communes "$pt" --db "$db" --new-set --valid-from 2025-07-01
  R[$store,imp1]=$(cut -d' ' -f1 "$work/imp1")
  R[$store,imp2]=$(cut -d' ' -f1 "$work/imp2")
  echo "  import 2013 national: ${R[$store,imp1]} s; Phú Thọ 2025: ${R[$store,imp2]} s"
  token=$("$bin" provider add --layers mobile viettel --db "$db" | tail -n 1)
  walls=(); cpus=(); rsss=(); pgs=()
  note_load
  for i in 1 2 3; do
    c0=$(pg_cpu)
    timed "$work/rec$i" "$bin" recompute --db "$db"
    c1=$(pg_cpu)
    read -r w c m <"$work/rec$i"
    walls+=("$w"); cpus+=("$c"); rsss+=("$m")
    pgs+=("$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')")
    echo "  recompute $i: $w s wall, $c s CPU, peak RSS $m KB, PostgreSQL CPU ${pgs[-1]} s"
  done
  R[$store,rec]=$(median "${walls[@]}")
  R[$store,recrange]=$(range "${walls[@]}")
  R[$store,reccpu]=$(median "${cpus[@]}")
  R[$store,recrss]=$( [ "${rsss[0]}" = - ] && echo - || awk -v k="$(median "${rsss[@]}")" 'BEGIN { printf "%.2f GB", k / 1048576 }')
  R[$store,recpg]=$( [ "$store" = postgres ] && median "${pgs[@]}" || echo -)
  tail -n 5 "$work/rec3.log" | sed 's/^/    /'

  # 2. The ingest of viettel's national filing, three times.
  start "$db" "$store-1"
  R[$store,startup]=$startup
  ings=(); ingpg=(); ingcpu=()
  note_load
  for i in 1 2 3; do
    c0=$(pg_cpu); s0=$(proc_cpu "$pid")
    # ?units=communes: the filing is checked against the national set. Without
    # it, against today's, Phú Thọ's 148 units, whose extent refuses the
    # national footprints (422, far_from_province).
    res=$(curl -s -o "$work/ingest$i.json" -w '%{http_code} %{time_total}' -X POST "$url/api/v1/filings?units=communes" \
      -H "Authorization: Bearer $token" -H 'Content-Type: application/geo+json' --data-binary @"$work/viettel.geojson")
    c1=$(pg_cpu); s1=$(proc_cpu "$pid")
    [ "${res% *}" = 201 ] || { echo "ingest $i: HTTP ${res% *}:"; head -c 600 "$work/ingest$i.json"; exit 1; }
    ings+=("$(awk -v t="${res#* }" 'BEGIN { printf "%.2f", t }')")
    ingpg+=("$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')")
    ingcpu+=("$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.2f", b - a }')")
    echo "  ingest $i: HTTP ${res% *} in ${ings[-1]} s, server CPU ${ingcpu[-1]} s, PostgreSQL CPU ${ingpg[-1]} s"
  done
  R[$store,ing]=$(median "${ings[@]}")
  R[$store,ingrange]=$(range "${ings[@]}")
  R[$store,ingpg]=$( [ "$store" = postgres ] && median "${ingpg[@]}" || echo -)
  R[$store,ingcpu]=$(median "${ingcpu[@]}")
  R[$store,ingrss]=$(rss_mb "$pid")
  grep -E 'recomputed|computed' "$work/$store-1.log" | tail -n 3 | sed 's/^/    log: /' || true

  # 3. The layer's GeoJSON, one instance.
  units=$(curl -s "$url/api/v1/layers/mobile/communes" | python3 -c 'import json,sys; d=json.load(sys.stdin); u=d.get("units"); print(len(d["features"]), u.get("name", "?") if isinstance(u, dict) else u)')
  R[units]=$units
  # Each instance renders a set other than today's on its first request
  # (then keeps it): that first request is timed apart, and every load
  # below starts warm.
  R[$store,cold]=$(curl -s -o /dev/null -w '%{time_total}' -H 'Accept-Encoding: gzip' "$url/api/v1/layers/mobile/communes?units=communes" | awk '{ printf "%.2f", $1 }')
  R[natgz]=$(curl -s -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: gzip' "$url/api/v1/layers/mobile/communes?units=communes" | awk '{ printf "%.1f", $1 / 1048576 }')
  R[ptgz]=$(curl -s -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: gzip' "$url/api/v1/layers/mobile/communes" | awk '{ printf "%.0f", $1 / 1024 }')
  echo "  first request of ?units=communes: ${R[$store,cold]} s"
  note_load
  load "/api/v1/layers/mobile/communes, one instance" "$store" "$url/api/v1/layers/mobile/communes"
  load "/api/v1/layers/mobile/communes?units=communes (11,163 units), one instance" "$store" "$url/api/v1/layers/mobile/communes?units=communes"
  stop "$pid"

  if [ "$store" = postgres ]; then
    # Three instances on the same database behind nginx, with the shipped
    # configuration: its upstream ports, listen port and system paths moved.
    ports=(); ipids=()
    for i in 1 2 3; do
      start "$db" "postgres-$i"
      ports+=("${url##*:}"); ipids+=("$pid")
      curl -s -o /dev/null -H 'Accept-Encoding: gzip' "$url/api/v1/layers/mobile/communes?units=communes"
    done
    ngport=$(free_port)
    mkdir -p "$work/nginx"
    chmod 755 "$work/nginx"
    sed -e "s|127.0.0.1:8081|127.0.0.1:${ports[0]}|; s|127.0.0.1:8082|127.0.0.1:${ports[1]}|; s|127.0.0.1:8083|127.0.0.1:${ports[2]}|" \
        -e "s|^\( *\)listen 80;|\1listen 127.0.0.1:$ngport;|" \
        -e "s|/run/nginx.pid|$work/nginx/nginx.pid|; s|/var/log/nginx/|$work/nginx/|g; s|/var/lib/nginx/|$work/nginx/|g" \
        cmd/phusong/deploy/nginx.conf >"$work/nginx/nginx.conf"
    if grep -vE '^\s*#' "$work/nginx/nginx.conf" | grep -qE ' /(var|run)/'; then
      echo "nginx.conf names a system path this script does not move:"; grep -nE ' /(var|run)/' "$work/nginx/nginx.conf"; exit 1
    fi
    "$nginx_bin" -e stderr -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' >"$work/nginx/stderr.log" 2>&1 &
    ngpid=$!; pids+=("$ngpid")
    for _ in $(seq 1 200); do
      [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ngport/readyz")" = 200 ] && break
      kill -0 "$ngpid" 2>/dev/null || { cat "$work/nginx/stderr.log"; exit 1; }
      sleep 0.05
    done
    load "/api/v1/layers/mobile/communes, three instances behind nginx" "$store" "http://127.0.0.1:$ngport/api/v1/layers/mobile/communes"
    load "/api/v1/layers/mobile/communes?units=communes (11,163 units), three instances behind nginx" "$store" "http://127.0.0.1:$ngport/api/v1/layers/mobile/communes?units=communes"
    # Which instance answered, from nginx's log: least_conn spreads the load.
    R[spread]=$(grep -o 'upstream=127.0.0.1:[0-9]*' "$work/nginx/access.log" | sort | uniq -c |
      awk -v a="${ports[0]}" -v b="${ports[1]}" -v c="${ports[2]}" '{ p = $2; sub(/.*:/, "", p); n[p] = $1 } END { printf "%d / %d / %d", n[a], n[b], n[c] }')
    echo "  requests per instance (nginx access log): ${R[spread]}"
    kill -QUIT "$ngpid" 2>/dev/null || true; wait "$ngpid" 2>/dev/null || true
    for p in "${ipids[@]}"; do stop "$p"; done
  fi
done

cpu=$(awk -F: '/model name/ { gsub(/^ /, "", $2); print $2; exit }' /proc/cpuinfo)
ram=$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)
row() { echo "| $1 | $2 | $3 |"; }
table=$(cat <<TXT
<!-- stores:begin -->
Measured $(date -u +%Y-%m-%d) by \`make bench-stores\` (\`bash .ci/with-postgres.sh bash bench/stores.sh\`), in one run:
the same binary, data and machine for both stores — $(nproc) cores ($cpu), $ram, Go $(go env GOVERSION),
SQLite (the GeoPackage file, \`--db nat.gpkg\`) and PostgreSQL $pg_version with PostGIS $postgis_version
(\`--db postgres://…\`, a new database from \`phusong_template\` in the throw-away cluster of
\`.ci/with-postgres.sh\`: on the same machine, reached over TCP on 127.0.0.1, with \`fsync=off\`,
\`synchronous_commit=off\` and \`full_page_writes=off\`, so the writes here are cheaper than on a
durable production server).

The data: the 11,163 communes of 2013 (2019 census) imported as a new set, then Phú Thọ's 148
units of 2025 (\`phutho/wards_2025.geojson\`) added in force from 2025-07-01, with the README's
commands. There is no official national file of the 2025 units: this "national 2025" store is
the 2013 national set until 2025-06-30 and Phú Thọ's 148 units from 2025-07-01, so today's layer
(\`/api/v1/layers/mobile/communes\`, ${R[units]% *} units, set "${R[units]#* }") holds Phú Thọ only, and
\`?units=communes\` asks for the 11,163 national communes. The filing is viettel's national one
from \`scenarios/vietnam_mobile_seed1.geojson.gz\` ($footprints footprints, $filing_mb MB), as in
\`bench/http.sh\`, posted to \`/api/v1/filings?units=communes\` so that it is checked against the
national set: without \`?units=\` it is checked against today's set, Phú Thọ's 148 units, and
refused (422, \`far_from_province\`, footprints outside the province's extent).

| operation | SQLite | PostgreSQL |
|---|---|---|
$(row "import of the 11,163 communes of 2013 (\`import communes … --new-set\`)" "${R[sqlite,imp1]} s" "${R[postgres,imp1]} s")
$(row "import of Phú Thọ's 148 units of 2025 (\`--new-set --valid-from 2025-07-01\`)" "${R[sqlite,imp2]} s" "${R[postgres,imp2]} s")
$(row "\`phusong recompute\`, national (median of 3, wall; range)" "${R[sqlite,rec]} s (${R[sqlite,recrange]})" "${R[postgres,rec]} s (${R[postgres,recrange]})")
$(row "… its CPU (user + sys of \`phusong\`) and peak RSS" "${R[sqlite,reccpu]} s, ${R[sqlite,recrss]}" "${R[postgres,reccpu]} s, ${R[postgres,recrss]}")
$(row "… the PostgreSQL server's CPU during it" "–" "${R[postgres,recpg]} s")
$(row "\`phusong serve\` start-up, launch to \`/readyz\` 200" "${R[sqlite,startup]} s" "${R[postgres,startup]} s")
$(row "ingest of viettel's national filing, POST to the 201 (validate, store, recompute; median of 3; range)" "${R[sqlite,ing]} s (${R[sqlite,ingrange]})" "${R[postgres,ing]} s (${R[postgres,ingrange]})")
$(row "… the CPU of \`phusong serve\` during one ingest (median)" "${R[sqlite,ingcpu]} s" "${R[postgres,ingcpu]} s")
$(row "… the PostgreSQL server's CPU during one ingest (median)" "–" "${R[postgres,ingpg]} s")
$(row "… the server's peak RSS after the three ingests" "${R[sqlite,ingrss]} MB" "${R[postgres,ingrss]} MB")
$(row "first request of \`/api/v1/layers/mobile/communes?units=communes\` on an instance (renders the 11,163 units)" "${R[sqlite,cold]} s" "${R[postgres,cold]} s")

\`hey -z 10s -c 32 -H 'Accept-Encoding: gzip'\`, after the three filings, each instance warmed by one request
of each URL (gzipped answers: ${R[ptgz]} KB today, ${R[natgz]} MB for the 11,163 units):

| store | request, instances | throughput | p50 | p99 | non-2xx of all |
|---|---|---|---|---|---|
$(printf '%s\n' "${loadrows[@]}")

Behind nginx (\`cmd/phusong/deploy/nginx.conf\` as shipped — least_conn, keepalive 16, two
workers, access log on — with its upstream ports, listen port and paths moved into a temporary
directory), the instances answered ${R[spread]} of the requests. On this machine's $(nproc) cores the
three instances, nginx's workers, PostgreSQL and hey all compete for the same cores: three
instances here add a hop and take no more CPU than one, so this measures nginx's cost, not the
scaling that three instances on three machines would give.

The machine was not idle: its 1-minute load average was $(printf '%s, ' "${loads[@]}" | sed 's/, $//') at the
start of the steps above (other work running on the same $(nproc) cores), so the wall times carry
that noise; the CPU seconds beside them carry less.
<!-- stores:end -->
TXT
)
echo "$table"
python3 - "$table" <<'PY'
import re, sys
table = sys.argv[1]
s = open("BENCHMARKS.md").read()
if "<!-- stores:begin -->" in s:
    s = re.sub(r"<!-- stores:begin -->.*?<!-- stores:end -->", lambda m: table, s, flags=re.S)
else:
    head = "## Two stores: SQLite and PostgreSQL (issue 20; `make bench-stores`, also run by `make bench`)\n\n"
    anchor = "<!-- http:begin -->"
    if anchor in s:
        s = s.replace(anchor, head + table + "\n\n" + anchor, 1)
    else:
        s = s.rstrip() + "\n\n" + head + table + "\n"
open("BENCHMARKS.md", "w").write(s)
PY
