// bench/check_bench.cc: exhaustive exploration throughput.
//
// Distinct states stored per second and bytes per stored state (the packed
// state, the parent link and action, and the open-addressing slots) for the
// ClickPipe service model with enough pipes that the space holds at least
// 10^6 states, and for mongosync. The search includes every property check;
// the whole check (search, liveness pass, coverage, report) is measured
// separately, and next to the search alone.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <ctime>

#include "properties/check.h"
#include "properties/clickpipe_space.h"
#include "properties/explorer.h"
#include "properties/mongosync_space.h"

namespace pipecheck::properties {
namespace {

template <typename Space>
void Explore(benchmark::State& state, const Space& space) {
  std::uint64_t states = 0;
  double bytes_per_state = 0;
  for (auto _ : state) {
    Explorer<Space> explorer(space);
    explorer.Run({});
    states += explorer.states();
    bytes_per_state = static_cast<double>(explorer.MemoryBytes()) /
                      static_cast<double>(explorer.states());
  }
  state.counters["states"] = static_cast<double>(states) / static_cast<double>(state.iterations());
  state.counters["states/s"] = benchmark::Counter(static_cast<double>(states),
                                                  benchmark::Counter::kIsRate);
  state.counters["bytes/state"] = bytes_per_state;
}

void BM_ExploreClickPipe(benchmark::State& state) {
  ClickPipeBounds bounds;
  bounds.pipes = static_cast<int>(state.range(0));
  const ClickPipeSpace space(model::clickpipe::TableOf(model::clickpipe::Profile::kCurrent), bounds);
  Explore(state, space);
}

void BM_ExploreMongosync(benchmark::State& state) {
  const MongosyncSpace space(model::mongosync::DefaultTable(), {});
  Explore(state, space);
}

// The whole `check`: search, liveness, coverage and the report.
void BM_CheckClickPipe(benchmark::State& state) {
  ClickPipeBounds bounds;
  bounds.pipes = static_cast<int>(state.range(0));
  std::uint64_t states = 0;
  for (auto _ : state) {
    const CheckReport report =
        Check(ClickPipeSpace(model::clickpipe::TableOf(model::clickpipe::Profile::kCurrent), bounds), {});
    states += report.states;
  }
  state.counters["states/s"] = benchmark::Counter(static_cast<double>(states),
                                                  benchmark::Counter::kIsRate);
}

// The whole `check` next to the pure search (Explorer::Run alone), on the
// same space in the same iteration, with symmetry off (0) or on (1): the
// processor seconds of each, the states per second of each, and the whole
// check's rate as a share of the search's (the goal: at least 0.5).
void BM_CheckVersusSearchClickPipe(benchmark::State& state) {
  ClickPipeBounds bounds;
  bounds.pipes = static_cast<int>(state.range(0));
  bounds.symmetry = state.range(1) != 0;
  const ClickPipeSpace space(model::clickpipe::TableOf(model::clickpipe::Profile::kCurrent), bounds);
  auto seconds = [] { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; };
  double search = 0;
  double check = 0;
  std::uint64_t states = 0;
  for (auto _ : state) {
    const double start = seconds();
    {
      Explorer<ClickPipeSpace> explorer(space);
      explorer.Run({});
      states = explorer.states();
    }
    const double searched = seconds();
    const CheckReport report = Check(space, {});
    benchmark::DoNotOptimize(report.verdict);
    search += searched - start;
    check += seconds() - searched;
  }
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["states"] = static_cast<double>(states);
  state.counters["search_s"] = search / iterations;
  state.counters["check_s"] = check / iterations;
  state.counters["search_states/s"] = static_cast<double>(states) * iterations / search;
  state.counters["check_states/s"] = static_cast<double>(states) * iterations / check;
  state.counters["check/search_rate"] = search / check;
}

// The search alone (kWholeCheck false) or the whole `check` with 1 or more
// workers (wall time: the workers are threads), symmetry off (0) or on (1):
// arguments pipes, symmetry, workers. The rates of the same space with 1
// and 2 workers give the speed-up.
template <bool kWholeCheck>
void BM_Workers(benchmark::State& state) {
  ClickPipeBounds bounds;
  bounds.pipes = static_cast<int>(state.range(0));
  bounds.symmetry = state.range(1) != 0;
  const ClickPipeSpace space(model::clickpipe::TableOf(model::clickpipe::Profile::kCurrent), bounds);
  ExploreLimits limits;
  limits.workers = static_cast<int>(state.range(2));
  std::uint64_t states = 0;
  for (auto _ : state) {
    if constexpr (kWholeCheck) {
      states += Check(space, limits).states;
    } else {
      Explorer<ClickPipeSpace> explorer(space);
      explorer.Run(limits);
      states += explorer.states();
    }
  }
  state.counters["states/s"] = benchmark::Counter(static_cast<double>(states), benchmark::Counter::kIsRate);
}
void BM_WorkersSearchClickPipe(benchmark::State& state) { BM_Workers<false>(state); }
void BM_WorkersCheckClickPipe(benchmark::State& state) { BM_Workers<true>(state); }

BENCHMARK(BM_ExploreClickPipe)->Arg(2)->Arg(3)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_ExploreMongosync)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CheckClickPipe)->Arg(2)->Arg(3)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_CheckVersusSearchClickPipe)
    ->Args({2, 0})
    ->Args({2, 1})
    ->Args({3, 0})
    ->Args({3, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK(BM_WorkersSearchClickPipe)
    ->ArgsProduct({{3}, {0, 1}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK(BM_WorkersCheckClickPipe)
    ->ArgsProduct({{3}, {0, 1}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace
}  // namespace pipecheck::properties

BENCHMARK_MAIN();
