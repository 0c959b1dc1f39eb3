#!/usr/bin/env bash
# tests/determinism_scan_test.sh: model/, sim/, properties/ and bindings/ (what a
# seed draws, the mutants of a table) use no wall
# clock, no nondeterministic randomness, no unordered containers, no threads
# and no environment. One seed must replay bit for bit. The one exception:
# the explorer's workers (std::thread in properties/explorer.h only), whose
# results tests/workers_test.cc proves identical to one thread's.
set -u
root=$1
pattern='random_device|system_clock|steady_clock|high_resolution_clock|[^_a-zA-Z]s?rand\(|time\(NULL\)|time\(nullptr\)|std::unordered_(map|set|multimap|multiset)|std::thread|std::async|pthread_|getenv|#include <(thread|random|unordered_map|unordered_set|chrono|ctime)>'
hits=$(grep -rnE "$pattern" "$root/model" "$root/sim" "$root/properties" "$root/bindings" 2>/dev/null |
       grep -vE "^$root/properties/explorer\.h:[0-9]+:.*(std::thread|#include <thread>)" || true)
if [ -n "$hits" ]; then
  echo "nondeterminism in model/, sim/, properties/ or bindings/:"
  echo "$hits"
  exit 1
fi
echo "no clocks, unordered containers, threads (but the explorer's workers) or environment in model/, sim/, properties/, bindings/"
