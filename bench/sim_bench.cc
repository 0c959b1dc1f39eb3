// bench/sim_bench.cc: simulator throughput.
//
// Simulated events per second (internal events the world processes: source
// writes, CDC pulls and batch commits, snapshot loads, apply ticks ...) for
// each model, with and without the property monitors, and whole seeds per
// second as `pipecheck sim` runs them (generation, world, checks). The
// ClickPipe world is the reference: 2 collections x 1,000 documents.
#include <benchmark/benchmark.h>

#include "bindings/clickpipe_generate.h"
#include "bindings/mongosync_generate.h"
#include "properties/monitors.h"
#include "properties/clickpipe_monitors.h"
#include "properties/generate.h"
#include "properties/mongosync_monitors.h"
#include "properties/runner.h"
#include "sim/scenario.h"
#include "sim/world.h"

namespace pipecheck {
namespace {

sim::Scenario Reference(sim::ModelKind model) {
  sim::Scenario scenario;
  scenario.model = model;
  scenario.seed = 1;
  scenario.config.collections = 2;
  scenario.config.documents = 1000;
  scenario.config.writes_per_hour = 100 * 3600;  // 100 writes a second.
  scenario.config.sync_interval = 10 * sim::kSecond;
  scenario.run_until = 2 * sim::kHour;
  sim::Step first;
  first.action = model == sim::ModelKind::kClickPipe ? "create" : "start";
  if (model == sim::ModelKind::kMongosync) first.at = 2 * sim::kSecond;
  scenario.steps.push_back(first);
  return scenario;
}

template <class Monitors>
void RunWorld(benchmark::State& state, sim::ModelKind model, bool with_checks) {
  const sim::Scenario scenario = Reference(model);
  std::uint64_t events = 0;
  for (auto _ : state) {
    const auto world = Monitors::MakeWorld(scenario, {});
    const auto checks = with_checks ? Monitors::MakeMonitor(scenario, *world) : nullptr;
    for (const sim::Step& step : scenario.steps) {
      while (world->ProcessNext(step.at)) {
        if (checks) checks->AfterEvent();
      }
      world->AdvanceTo(step.at);
      world->Apply(step);
    }
    while (world->ProcessNext(scenario.run_until)) {
      if (checks) checks->AfterEvent();
    }
    events += world->events_processed();
    benchmark::DoNotOptimize(world->trace().size());
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events),
                                                  benchmark::Counter::kIsRate);
}

void BM_ClickPipeWorld(benchmark::State& state) {
  RunWorld<properties::ClickPipeMonitors>(state, sim::ModelKind::kClickPipe, false);
}
void BM_ClickPipeWorldWithChecks(benchmark::State& state) {
  RunWorld<properties::ClickPipeMonitors>(state, sim::ModelKind::kClickPipe, true);
}
void BM_MongosyncWorld(benchmark::State& state) {
  RunWorld<properties::MongosyncMonitors>(state, sim::ModelKind::kMongosync, false);
}
void BM_MongosyncWorldWithChecks(benchmark::State& state) {
  RunWorld<properties::MongosyncMonitors>(state, sim::ModelKind::kMongosync, true);
}

template <class Generator>
void RunSeeds(benchmark::State& state) {
  properties::GenerateOptions options;
  options.swarm = true;
  const Generator generator;
  std::uint64_t seed = 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    const auto result = properties::RunScenario<typename Generator::Monitors>(
        properties::GenerateScenario(generator, options, seed++));
    events += result.events;
    benchmark::DoNotOptimize(result.trace_hash());
  }
  state.counters["seeds/s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events),
                                                  benchmark::Counter::kIsRate);
}

void BM_ClickPipeSeeds(benchmark::State& state) { RunSeeds<bindings::ClickPipeGenerator>(state); }
void BM_MongosyncSeeds(benchmark::State& state) { RunSeeds<bindings::MongosyncGenerator>(state); }

BENCHMARK(BM_ClickPipeWorld)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ClickPipeWorldWithChecks)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MongosyncWorld)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MongosyncWorldWithChecks)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ClickPipeSeeds)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MongosyncSeeds)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pipecheck

BENCHMARK_MAIN();
