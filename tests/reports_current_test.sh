#!/usr/bin/env bash
# tests/reports_current_test.sh: the committed reports/ is exactly what the
# code generates. Regenerates into a temporary directory and diffs, then
# regenerates again and diffs the two runs (byte stability).
#
# The SVGs (and index.html, which inlines them) are Graphviz's layout: they
# are compared only when `dot` is installed (scripts/bootstrap installs it).
# Without it the rest is compared and the test exits 77, which ctest reports
# as skipped rather than passed.
set -euo pipefail
pipecheck=$1
committed=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$pipecheck" report --out "$scratch/reports" >/dev/null
"$pipecheck" report --out "$scratch/again" >/dev/null
if ! command -v dot >/dev/null 2>&1; then
  if ! diff -r -x '*.svg' -x index.html "$committed" "$scratch/reports"; then
    echo "reports/ is stale: run ./scripts/run and commit reports/"
    exit 1
  fi
  diff -r "$scratch/reports" "$scratch/again"
  echo "Graphviz 'dot' is not installed: SVGs and index.html not compared (install graphviz)"
  exit 77
fi
if ! diff -r "$committed" "$scratch/reports"; then
  echo "reports/ is stale: run ./scripts/run and commit reports/ ($(dot -V 2>&1))"
  exit 1
fi
# Two runs give the same bytes.
diff -r "$scratch/reports" "$scratch/again"
echo "reports/ is current and byte-stable"
