#!/usr/bin/env bash
# tests/determinism_builds_test.sh: the same seeds give the same traces in a
# Debug and in an optimised build. Runs one campaign per model in both builds
# and compares the trace digests (FNV-1a over every seed's trace hash).
#   determinism_builds_test.sh SOURCE_DIR PIPECHECK SCRATCH [SEEDS]
# The other build is $PIPECHECK_DETERMINISM_OTHER, a pipecheck binary of
# another build (scripts/test gives the sanitizer Debug build the main
# build's, tests/CMakeLists.txt); without it, pipecheck is built in Debug in
# SCRATCH beside this build, as `ctest` alone does.
set -euo pipefail
source_dir=$1
this_binary=$2
scratch=$3
seeds=${4:-1..40}
other_binary=${PIPECHECK_DETERMINISM_OTHER:-}
if [ -z "$other_binary" ]; then
  cmake -S "$source_dir" -B "$scratch" -DCMAKE_BUILD_TYPE=Debug -DPIPECHECK_BUILD_BENCH=OFF >/dev/null
  cmake --build "$scratch" --target pipecheck --parallel "$(nproc)" >/dev/null
  other_binary=$scratch/pipecheck
fi
if [ ! -x "$other_binary" ]; then
  echo "no pipecheck at $other_binary to compare with"
  exit 1
fi
status=0
for model in clickpipe mongosync; do
  this=$("$this_binary" sim --model "$model" --seeds "$seeds" --duration 12h --faults swarm | grep '^trace digest:' || true)
  other=$("$other_binary" sim --model "$model" --seeds "$seeds" --duration 12h --faults swarm | grep '^trace digest:' || true)
  if [ -z "$this" ] || [ "$this" != "$other" ]; then
    echo "$model: $this_binary '$this' but $other_binary '$other'"
    status=1
  else
    echo "$model seeds $seeds: $this in $this_binary and $other_binary"
  fi
done
exit $status
