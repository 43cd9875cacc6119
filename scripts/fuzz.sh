#!/usr/bin/env bash
# Runs every native fuzz target (func FuzzXxx in a _test.go file) below the
# given directories for FUZZTIME each; Go fuzzes one target per invocation.
# Exits non-zero if any target fails.
set -uo pipefail
: "${FUZZTIME:=10s}"
status=0
files=$(grep -rl --include='*_test.go' '^func Fuzz' "$@" 2>/dev/null | sort)
for file in $files; do
  pkg=./${file#./}
  pkg=${pkg%/*}
  for target in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file"); do
    echo "== $pkg $target ($FUZZTIME)"
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "$pkg" || status=1
  done
done
exit $status
