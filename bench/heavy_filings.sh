#!/usr/bin/env bash
# The worst case of large filings (issue 14, item 13): N concurrent dry
# runs of one 51 MB filing against the real binary on the 11,163 Vietnam
# communes, with each answer's status and time and the server's peak RSS
# (VmHWM). Takes a few minutes on 2 cores; not part of make test or make
# bench. The figures are in BENCHMARKS.md ("Large filings at once").
# Usage (from the repository root): bash bench/heavy_filings.sh [N]
# PHUSONG_BIN=path runs another build (e.g. one without the bound).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-6}
shared=../shared/data
for f in "$shared/vietnam/communes_2013_pop2019.geojson" "$shared/scenarios/vietnam_mobile_seed1.geojson.gz"; do
  [ -f "$f" ] || { echo "bench/heavy_filings.sh: $f is absent: the benchmark needs ../shared/data" >&2; exit 1; }
done
work=$(mktemp -d /tmp/phusong-heavy.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

bin=${PHUSONG_BIN:-}
if [ -z "$bin" ]; then
  go build -o "$work/phusong" ./cmd/phusong
  bin="$work/phusong"
fi
"$bin" import communes "$shared/vietnam/communes_2013_pop2019.geojson" --db "$work/vn.gpkg" --new-set --no-demo \
  --code commune_id --name commune_vn --district district_vn --district-code district_id --type "" >/dev/null
token=$("$bin" provider add --layers mobile viettel --db "$work/vn.gpkg" | tail -n 1)
go run ./bench/filing -operator all -max-bytes 51000000 "$shared/scenarios/vietnam_mobile_seed1.geojson.gz" >"$work/filing.geojson"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
url="http://127.0.0.1:$port"
"$bin" serve --addr "127.0.0.1:$port" --db "$work/vn.gpkg" --write-rate 0 >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do curl -sf "$url/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
idle=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid/status")

echo "$n concurrent dry runs of a $(awk -v b="$(wc -c <"$work/filing.geojson")" 'BEGIN { printf "%.0f", b / 1e6 }') MB filing ($bin)"
clients=()
for i in $(seq 1 "$n"); do
  curl -s -o "$work/answer$i.json" -w "%{http_code} %{time_total}\n" -X POST "$url/api/v1/filings?dry_run=true" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/geo+json' -D "$work/headers$i" \
    --data-binary @"$work/filing.geojson" >"$work/status$i" &
  clients+=("$!")
done
wait "${clients[@]}"
for i in $(seq 1 "$n"); do
  retry=$(awk 'tolower($1) == "retry-after:" {printf " Retry-After %s", $2}' "$work/headers$i" | tr -d '\r')
  echo "request $i: HTTP $(cut -d' ' -f1 "$work/status$i") in $(cut -d' ' -f2 "$work/status$i") s$retry"
done
echo "server RSS idle ${idle} MB, peak $(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$pid/status") MB"
