#!/usr/bin/env bash
# The Go benchmarks of issue 8: the calculator on the Hòa Bình and Vietnam
# scenarios, each in a process of its own so that its peak memory
# (MB-peak-RSS) is its own, and the what-if endpoint through the router.
# Prints the results and writes them into BENCHMARKS.md between the go
# markers. Usage (from the repository root): bash bench/go.sh
set -euo pipefail
cd "$(dirname "$0")/.."
benches=(NewSurface/HoaBinh NewSurface/HoaBinhWorldPop Compute_HoaBinh Compute_WhatIf_HoaBinh
  NewSurface/Vietnam NewSurface/VietnamWorldPop Compute_Vietnam Compute_VietnamWorldPop Compute_WhatIf_Vietnam Rebase)
mkdir -p bin
go test -c -o bin/geo.test ./geo/
out=()
for b in "${benches[@]}"; do
  line=$(cd geo && ../bin/geo.test -test.run '^$' -test.bench "^Benchmark$b\$" -test.benchmem -test.benchtime 5x | grep -E '^Benchmark')
  echo "$line"; out+=("$line")
done
# Base.WhatIf takes milliseconds: 200 iterations give its p50 and p95.
for b in WhatIf_HoaBinh WhatIf_Vietnam; do
  line=$(cd geo && ../bin/geo.test -test.run '^$' -test.bench "^Benchmark$b\$" -test.benchmem -test.benchtime 200x | grep -E '^Benchmark')
  echo "$line"; out+=("$line")
done
# POST /api/v1/whatif through the router, on Hòa Bình (the default data)
# and on the national set with the national scenario filed.
while read -r line; do
  echo "$line"; out+=("$line")
done < <(go test -run '^$' -bench '^BenchmarkWhatIf(_Vietnam)?$' -benchtime 200x ./api/rest/ | grep -E '^Benchmark')

cpu=$(awk -F: '/model name/ {gsub(/^ /, "", $2); print $2; exit}' /proc/cpuinfo)
section=$(cat <<TXT
<!-- go:begin -->
## The calculator and the what-if (\`bash bench/go.sh\`, part of \`make bench\`)

$(date -u +%Y-%m-%d), $(nproc) cores ($cpu), Go $(go env GOVERSION). Each geo benchmark runs 5 times
in a process of its own (\`bin/geo.test -test.bench '^BenchmarkNAME\$' -test.benchtime 5x\`), so its
MB-peak-RSS (the process's VmHWM, inputs loaded included) is its own; Base.WhatIf (WhatIf_*) runs
200 times in the same way, with its p50 and p95; the what-if endpoint (\`POST /api/v1/whatif\`,
one 3 km 4G site) runs 200 times through the router on Hòa Bình and on the national set
(\`go test ./api/rest/ -bench '^BenchmarkWhatIf(_Vietnam)?\$' -benchtime 200x\`).

\`\`\`
$(printf '%s\n' "${out[@]}")
\`\`\`
<!-- go:end -->
TXT
)
touch BENCHMARKS.md
python3 - "$section" <<'PY'
import re, sys
section = sys.argv[1]
s = open("BENCHMARKS.md").read()
if not s.strip():
    s = "# Benchmarks\n\nWritten by `make bench` (and `make bench-postgis` for the PostGIS baseline); each section says when and how.\n"
if "<!-- go:begin -->" in s:
    s = re.sub(r"<!-- go:begin -->.*?<!-- go:end -->", lambda m: section, s, flags=re.S)
else:
    s = s.rstrip() + "\n\n" + section + "\n"
open("BENCHMARKS.md", "w").write(s)
PY
