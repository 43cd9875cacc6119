#!/usr/bin/env bash
# Runs every native fuzz target (func FuzzXxx in a _test.go file) below the
# given directories for FUZZTIME each. Go fuzzes one target per invocation.
set -euo pipefail
: "${FUZZTIME:=10s}"
status=0
for dir in "$@"; do
  grep -rl --include='*_test.go' '^func Fuzz' "$dir" 2>/dev/null | while read -r file; do
    pkg=./$(dirname "$file")
    for target in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file"); do
      echo "== $pkg $target ($FUZZTIME)"
      go test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "$pkg"
    done
  done || status=1
done
exit $status
