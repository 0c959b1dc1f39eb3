#!/usr/bin/env bash
# tests/cli_meta_test.sh: the harness of cli_test.sh can fail. For each kind
# of check (a json assertion, a grep of the output) it runs cli_test.sh with
# that one expectation made false and asserts that the script exits 1, names
# the flipped claim, and stops there: the claims before it held and none after
# it ran.
set -u
here=$(dirname "$0")
pipecheck=$1
failures=0

# expect_flip KIND CLAIM BEFORE AFTER: the flipped claim is CLAIM; BEFORE is a
# claim that runs earlier (it must say ok; empty when CLAIM is the first),
# AFTER one that runs later (it must not run).
expect_flip() {
  local kind=$1 claim=$2 before=$3 after=$4 out code
  out=$(PIPECHECK_CLI_TEST_FLIP=$kind bash "$here/cli_test.sh" "$pipecheck" 2>&1); code=$?
  local why=""
  if [ "$code" -ne 1 ]; then why="exit $code, expected 1"
  elif ! grep -qxF "claim does not hold: $claim" <<<"$out"; then why="the flipped claim is not named"
  elif [ -n "$before" ] && ! grep -qxF "$before ... ok" <<<"$out"; then why="an earlier claim did not hold"
  elif grep -qF "$after" <<<"$out"; then why="claims after the flipped one still ran"
  elif grep -q 'claims hold' <<<"$out"; then why="the script still reports that all claims hold"
  fi
  if [ -n "$why" ]; then
    echo "FAILED: a flipped $kind expectation: $why"
    printf '%s\n' "$out" | sed 's/^/  | /'
    failures=$((failures + 1))
  else
    echo "a flipped $kind expectation fails cli.contract at: $claim"
  fi
}

expect_flip json \
  "spec lists the 10 current ClickPipe states, 3 modes, and cited rows" \
  "" \
  "spec --profile 2024 lists 7 states"
expect_flip grep \
  "spec --format md marks inferred rows" \
  "spec lists the 6 mongosync states and its API operations" \
  "resume in Running is refused"

if [ "$failures" -ne 0 ]; then exit 1; fi
echo "the harness fails on every flipped expectation"
