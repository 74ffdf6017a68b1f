#!/usr/bin/env bash
# The web application's measured goals (BENCHMARKS.md, "The web
# application"): builds the binary, serves a new database (Hòa Bình, seeded
# as on first start) on a free port, and runs frontend/bench/first-frame.mjs:
# RUNS (default 5) page loads, each in a fresh Chromium context at
# 1366×850, printing each first frame with commune polygons, their median,
# and the JavaScript and CSS transferred.
# Usage (from the repository root): make bench-frontend
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/phusong-bench-frontend.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
url="http://127.0.0.1:$port"
./bin/phusong serve --addr "127.0.0.1:$port" --db "$work/phusong.gpkg" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  curl -sf "$url/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "$url/readyz" >/dev/null || { echo "the service did not start:"; cat "$work/serve.log"; exit 1; }
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
cd frontend && PHUSONG_URL="$url" node bench/first-frame.mjs
