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

# The conformance packages, one per driver: every conformance/<dir> whose
# tests run the suite (TestConformance). Each must benchmark it too, or the
# driver would be left out of the figures without a word.
conformance_pkgs=()
for dir in conformance/*/; do
  dir=${dir%/}
  grep -qs '^func TestConformance(' "$dir"/*_test.go || continue
  if ! grep -qs '^func BenchmarkConformance(' "$dir"/*_test.go; then
    echo "bench.sh: $dir runs the conformance suite but has no BenchmarkConformance" >&2
    exit 1
  fi
  conformance_pkgs+=("./$dir")
done
if [ ${#conformance_pkgs[@]} -eq 0 ]; then
  echo "bench.sh: no conformance package found under conformance/" >&2
  exit 1
fi
status=0

echo "== hot path: ParseServerMethod per driver and URL form, baseline = dtm's default split"
go test -run '^$' -bench 'SplitBranchURL|ParseServerMethod|Baseline' -benchmem \
  -benchtime "$BENCHTIME" -timeout 5m ./kit/ ./driver-*/ | tee -a "$raw"

echo "== upstream drivers' ParseServerMethod, in a module of their own (scripts/upstreambench)"
(cd scripts/upstreambench && GOWORK=off go test -run '^$' -bench . -benchmem \
  -benchtime "$BENCHTIME" -timeout 10m .) | tee -a "$raw" || status=1

echo "== transactions through each driver against a real dtm (one process per driver): ${conformance_pkgs[*]}"
for pkg in "${conformance_pkgs[@]}"; do
  go test -run '^$' -bench 'Conformance' -benchtime 1x -timeout 15m "$pkg" | tee -a "$raw" || status=1
done

# The summary: per package, each benchmark's metrics, and its ns/op as a
# ratio to the package's baseline (a benchmark named *baseline*), measured in
# the same run. go test prints a package's baseline before the benchmarks
# that follow it in the source, so it is known when they are printed.
awk '
  /^pkg: / { if ($2 != pkg) { pkg = $2; base = 0; print pkg }; next }
  /^Benchmark/ {
    name = $1; sub(/-[0-9]+$/, "", name)
    out = sprintf("  %-52s", name)
    for (i = 4; i <= NF; i += 2) {
      out = out sprintf(" %s %s", $(i-1), $i)
      if ($i == "ns/op" && tolower(name) ~ /baseline/) base = $(i-1)
      else if ($i == "ns/op" && base > 0 && name !~ /Conformance/) out = out sprintf(" (%.1fx baseline)", $(i-1) / base)
    }
    print out
  }' "$raw" >bench/summary.txt
echo "== summary (bench/summary.txt)"
cat bench/summary.txt
exit $status
