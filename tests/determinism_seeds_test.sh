#!/usr/bin/env bash
# tests/determinism_seeds_test.sh PIPECHECK MODEL: 200 swarm seeds, each run
# twice, replay to the same trace and violate nothing. pipecheck must exit 0
# and its summary must say 200 runs, 200 of 200 seeds deterministic and zero
# violations; any other outcome fails the test and shows pipecheck's output.
# $PIPECHECK_DETERMINISM_SEEDS runs fewer: the sanitizer build sets it
# (tests/CMakeLists.txt), where a seed costs several times as much.
set -u -o pipefail
pipecheck=$1
model=$2
seeds=${PIPECHECK_DETERMINISM_SEEDS:-200}
out=$("$pipecheck" sim --model "$model" --seeds "1..$seeds" --duration 12h --faults swarm \
        --check-determinism 2>&1)
code=$?
printf '%s\n' "$out"
why=""
if [ "$code" -ne 0 ]; then why="pipecheck sim exited $code"
elif ! grep -q "^runs: $seeds " <<<"$out"; then why="not $seeds runs"
elif ! grep -qx "determinism: $seeds of $seeds seeds replayed to the same trace hash" <<<"$out"; then
  why="not every seed replayed to the same trace"
elif ! grep -qx "violations: 0" <<<"$out"; then why="violations reported"
fi
if [ -n "$why" ]; then
  echo "FAILED: $model, seeds 1..$seeds twice: $why"
  exit 1
fi
echo "$model: $seeds seeds, each twice, same traces, no violations"
