#!/usr/bin/env bash
# The service's end-to-end figures against the real binary (issue 8):
# HTTP throughput and latency with hey, ingest of one operator's national
# filing, and start-up time on the Vietnam commune set. Prints a table and
# writes it into BENCHMARKS.md between the http markers.
# Usage (from the repository root): bash bench/http.sh
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared/data
for f in "$shared/vietnam/communes_2013_pop2019.geojson" "$shared/scenarios/vietnam_mobile_seed1.geojson.gz"; do
  [ -f "$f" ] || { echo "bench/http.sh: $f is absent: the benchmarks need ../shared/data" >&2; exit 1; }
done
if ! command -v hey >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq hey >/dev/null
fi

work=$(mktemp -d /tmp/phusong-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/phusong" ./cmd/phusong
bin="$work/phusong"
since() { awk -v a="$(date +%s.%N)" -v b="$1" 'BEGIN { printf "%.2f", a - b }'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# start DB ARGS… — starts a server, waits until healthy, sets url, pid and
# startup (seconds from launch to the first healthy answer).
start() {
  local db=$1; shift
  local port; port=$(free_port)
  url="http://127.0.0.1:$port"
  local t0; t0=$(date +%s.%N)
  "$bin" serve --addr "127.0.0.1:$port" --db "$db" --write-rate 0 "$@" >"$db.log" 2>&1 &
  pid=$!; pids+=("$pid")
  for _ in $(seq 1 600); do
    if curl -sf "$url/readyz" >/dev/null 2>&1; then
      startup=$(since "$t0"); return 0
    fi
    sleep 0.05
  done
  echo "server did not start:"; cat "$db.log"; exit 1
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; }

# load NAME URL SECONDS [hey options…] — runs hey at 32 connections and
# records req/s, p50 and p99 in ms.
rows=()
load() {
  local name=$1 target=$2 secs=$3; shift 3
  local out; out=$(hey -z "${secs}s" -c 32 "$@" "$target")
  local rps p50 p99 codes
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  p50=$(awk '/ 50% in/ {printf "%.1f", $3*1000}' <<<"$out")
  p99=$(awk '/ 99% in/ {printf "%.1f", $3*1000}' <<<"$out")
  codes=$(awk '/^Status code distribution/ {on=1; next} on && /\[/ {printf "%s%s", sep, $1 $2; sep=" "} /^$/ {on=0}' <<<"$out")
  rows+=("| $name | ${secs} s at 32 connections | $rps req/s | $p50 ms | $p99 ms | $codes |")
  echo "$name: $rps req/s, p50 $p50 ms, p99 $p99 ms ($codes)"
}

echo "== Hòa Bình, default data"
start "$work/hb.gpkg"
gz=(-H "Accept-Encoding: gzip")
load "GET /api/v1/layers/mobile/communes (gzip), 210 communes" "$url/api/v1/layers/mobile/communes" 10 "${gz[@]}"
load "GET /api/v1/summary" "$url/api/v1/summary" 10 "${gz[@]}"
load "GET /api/v1/summary?layer=mobile&breakdown=provider" "$url/api/v1/summary?layer=mobile&breakdown=provider" 5 "${gz[@]}"
stop

echo "== Vietnam, 11,163 communes"
t0=$(date +%s.%N)
"$bin" import communes "$shared/vietnam/communes_2013_pop2019.geojson" --db "$work/vn.gpkg" --new-set --no-demo \
  --code commune_id --name commune_vn --district district_vn --district-code district_id --type "" >/dev/null
import_s=$(since "$t0")
token=$("$bin" provider add --layers mobile viettel --db "$work/vn.gpkg" | tail -n 1)
go run ./bench/filing -operator viettel -as-of 2026-01-01 "$shared/scenarios/vietnam_mobile_seed1.geojson.gz" >"$work/viettel.geojson"
filing_mb=$(du -m "$work/viettel.geojson" | cut -f1)
start "$work/vn.gpkg"
startup_empty=$startup
ingest=$(curl -s -o "$work/ingest.json" -w '%{http_code} %{time_total}' -X POST "$url/api/v1/filings" \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/geo+json' --data-binary @"$work/viettel.geojson")
ingest_rss=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$pid/status")
echo "ingest of viettel's filing ($filing_mb MB): HTTP ${ingest% *} in ${ingest#* } s; server peak RSS $ingest_rss MB"
grep -q '"id"' "$work/ingest.json" || { echo "ingest failed:"; head -c 600 "$work/ingest.json"; exit 1; }
load "GET /tiles/mobile/6/50/28.mvt (gzip), Vietnam" "$url/tiles/mobile/6/50/28.mvt" 10 "${gz[@]}"
load "GET /tiles/mobile/12/3252/1803.mvt (gzip), Vietnam" "$url/tiles/mobile/12/3252/1803.mvt" 10 "${gz[@]}"
load "GET /api/v1/summary, Vietnam" "$url/api/v1/summary" 5 "${gz[@]}"
stop
start "$work/vn.gpkg"
startup_filed=$startup
start_rss=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$pid/status")
stop

cpu=$(awk -F: '/model name/ {gsub(/^ /, "", $2); print $2; exit}' /proc/cpuinfo)
table=$(cat <<TXT
<!-- http:begin -->
## The service, end to end (\`bash bench/http.sh\`, part of \`make bench\`)

$(date -u +%Y-%m-%d), $(nproc) cores ($cpu), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), Go $(go env GOVERSION), load tool hey.

| request | load | throughput | p50 | p99 | statuses |
|---|---|---|---|---|---|
$(printf '%s\n' "${rows[@]}")

| operation | figure |
|---|---|
| import of the 11,163 Vietnam communes (\`phusong import communes --new-set\`) | ${import_s} s |
| start-up on the Vietnam set, no filings (launch to first healthy answer) | ${startup_empty} s |
| start-up on the Vietnam set with viettel's 46,329 footprints filed | ${startup_filed} s (peak RSS ${start_rss} MB) |
| ingest of viettel's Vietnam filing ($filing_mb MB: validate, store, recompute, answer) | ${ingest#* } s, HTTP ${ingest% *} (server peak RSS ${ingest_rss} MB) |
<!-- http:end -->
TXT
)
echo "$table"
touch BENCHMARKS.md
python3 - "$table" <<'PY'
import re, sys
table = sys.argv[1]
s = open("BENCHMARKS.md").read()
if "<!-- http:begin -->" in s:
    s = re.sub(r"<!-- http:begin -->.*?<!-- http:end -->", lambda m: table, s, flags=re.S)
else:
    s = s.rstrip() + ("\n\n" if s.strip() else "") + table + "\n"
open("BENCHMARKS.md", "w").write(s)
PY
