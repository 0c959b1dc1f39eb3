#!/usr/bin/env bash
# tests/determinism_builds_test.sh: the same seeds give the same traces in a
# Debug and in an optimised build. Builds pipecheck in Debug beside the main
# build, runs one campaign per model in both, and compares the trace digests
# (FNV-1a over every seed's trace hash).
set -euo pipefail
source_dir=$1
main_binary=$2
scratch=$3
seeds=${4:-1..40}
cmake -S "$source_dir" -B "$scratch" -DCMAKE_BUILD_TYPE=Debug -DPIPECHECK_BUILD_BENCH=OFF >/dev/null
cmake --build "$scratch" --target pipecheck --parallel "$(nproc)" >/dev/null
status=0
for model in clickpipe mongosync; do
  main=$("$main_binary" sim --model "$model" --seeds "$seeds" --duration 12h --faults swarm | grep '^trace digest:' || true)
  debug=$("$scratch/pipecheck" sim --model "$model" --seeds "$seeds" --duration 12h --faults swarm | grep '^trace digest:' || true)
  if [ -z "$main" ] || [ "$main" != "$debug" ]; then
    echo "$model: main build '$main' but Debug build '$debug'"
    status=1
  else
    echo "$model seeds $seeds: $main in both builds"
  fi
done
exit $status
