#!/usr/bin/env bash
# Runs every benchmark, bounded in time, and writes bench/raw.txt (go test
# output) and bench/summary.txt (the hot-path figures as ratios to the
# baseline measured in the same package run, then each driver's
# RunBenchmarks metrics). docs/BENCHMARKS.md explains the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BENCHTIME:=1s}"
mkdir -p bench
raw=bench/raw.txt
: >"$raw"

echo "== hot path: ParseServerMethod per driver and URL form, baseline = dtm's default split"
go test -run '^$' -bench 'SplitBranchURL|ParseServerMethod|Baseline' -benchmem \
  -benchtime "$BENCHTIME" -timeout 5m ./kit/ ./driver-*/ | tee -a "$raw"

echo "== transactions through each driver against a real dtm (one process per driver)"
status=0
for pkg in ./conformance/protocol1 ./conformance/gozero ./conformance/kratos ./conformance/polaris; do
  [ -d "$pkg" ] || continue
  go test -run '^$' -bench 'Conformance' -benchtime 1x -timeout 15m "$pkg" | tee -a "$raw" || status=1
done

# Ratios: within each package's output, every benchmark's ns/op over that
# package's Baseline ns/op.
awk '
  /^pkg: / { pkg = $2; next }
  /^Benchmark/ {
    name = $1; sub(/-[0-9]+$/, "", name)
    line[pkg, ++n[pkg]] = $0
    if (name ~ /Baseline/) for (i = 3; i <= NF; i++) if ($(i) == "ns/op") base[pkg] = $(i-1)
  }
  END {
    for (p in n) {
      print p
      for (j = 1; j <= n[p]; j++) {
        split(line[p, j], f)
        name = f[1]; sub(/-[0-9]+$/, "", name); out = sprintf("  %-60s", name)
        for (i = 3; i <= NF + 40; i++) if (f[i] != "") {
          if (f[i] == "ns/op" && base[p] > 0 && name !~ /Baseline|Conformance/)
            out = out sprintf(" %s ns/op (%.1fx baseline)", f[i-1], f[i-1] / base[p])
          else if (f[i] ~ /\/|allocs|B\/op|%/ && f[i-1] ~ /^[0-9.e+-]+$/ && f[i] != "ns/op")
            out = out sprintf(" %s %s", f[i-1], f[i])
        }
        print out
      }
    }
  }' "$raw" >bench/summary.txt
echo "== summary (bench/summary.txt)"
cat bench/summary.txt
exit $status
