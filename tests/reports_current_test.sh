#!/usr/bin/env bash
# tests/reports_current_test.sh: the committed reports/ is exactly what the
# code generates. Regenerates into a temporary directory and diffs.
set -euo pipefail
pipecheck=$1
committed=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$pipecheck" report --out "$scratch/reports" >/dev/null
if ! diff -r "$committed" "$scratch/reports"; then
  echo "reports/ is stale: run ./scripts/run and commit reports/"
  exit 1
fi
# Two runs give the same bytes.
"$pipecheck" report --out "$scratch/again" >/dev/null
diff -r "$scratch/reports" "$scratch/again"
echo "reports/ is current and byte-stable"
