// fuzz/scenario.cc: scenario files (`pipecheck-scenario/1`) as `replay`
// reads them: sim::LoadScenario over the bytes, from a file in memory.
//
// Expected: an InputError (bad JSON, a bad key, value, state, operation,
// fault or duration). Findings: any other exception or crash; a scenario
// that does not survive ToJson and back unchanged (sim/scenario.h promises
// ParseScenario(ToJson(s)) == s); and, for a scenario small enough to run in
// a few milliseconds, a run that crashes, throws, gives another trace when
// run again, or violates a property (profile current and mongosync: their
// properties hold under every fault; profile 2024 has documented findings).
#include <exception>
#include <string>
#include <typeinfo>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fuzz/fuzz.h"
#include "model/input_error.h"
#include "properties/clickpipe_monitors.h"
#include "properties/mongosync_monitors.h"
#include "properties/runner.h"
#include "sim/scenario.h"

namespace {

namespace sim = pipecheck::sim;
namespace properties = pipecheck::properties;
using pipecheck::fuzz::Finding;

// A run of at most a few hours and 40 steps of a small workload.
bool Small(const sim::Scenario& scenario) {
  const sim::Config& c = scenario.config;
  std::int64_t occurrences = 0;  // A repeated step is applied `repeat` times.
  for (const sim::Step& step : scenario.steps) occurrences += step.repeat;
  return scenario.run_until <= 6 * sim::kHour && occurrences <= 40 &&
         std::int64_t{c.collections} * c.documents <= 4000 && c.writes_per_hour <= 10 * 3600 && c.pipes <= 4;
}

template <class Monitors>
void Run(const sim::Scenario& scenario) {
  properties::RunResult first;
  try {
    first = properties::RunScenario<Monitors>(scenario);
  } catch (const pipecheck::InputError&) {
    return;  // expect.properties names no property of the model.
  }
  const properties::RunResult second = properties::RunScenario<Monitors>(scenario);
  if (first.trace_hash() != second.trace_hash()) {
    Finding(fmt::format("the same scenario ran to trace {:016x}, then {:016x}", first.trace_hash(),
                        second.trace_hash()));
  }
  const bool documented_findings = scenario.model == sim::ModelKind::kClickPipe &&
                                   scenario.profile == pipecheck::model::clickpipe::Profile::k2024;
  for (const properties::PropertyResult* violated : first.violations()) {
    if (documented_findings || scenario.expect.properties == violated->name) continue;
    Finding(fmt::format("property {} violated at {} ms: {}", violated->name, violated->at, violated->message));
  }
}

}  // namespace

PIPECHECK_FUZZ_TARGET(scenario) {
  static pipecheck::fuzz::MemoryFile file;
  file.Write(input);
  try {
    sim::Scenario scenario;
    try {
      scenario = sim::LoadScenario(file.path());
    } catch (const pipecheck::InputError&) {
      return;
    }
    const nlohmann::ordered_json written = sim::ToJson(scenario);
    const sim::Scenario again = sim::ParseScenario(nlohmann::json::parse(written.dump()), "round trip");
    if (sim::ToJson(again) != written) {
      Finding(fmt::format("ToJson and back changed the scenario:\n{}\n{}", written.dump(),
                          sim::ToJson(again).dump()));
    }
    if (!Small(scenario)) return;
    if (scenario.model == sim::ModelKind::kClickPipe) {
      Run<properties::ClickPipeMonitors>(scenario);
    } else {
      Run<properties::MongosyncMonitors>(scenario);
    }
  } catch (const std::exception& error) {
    Finding(fmt::format("unexpected {}: {}", typeid(error).name(), error.what()));
  }
}
