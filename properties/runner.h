// properties/runner.h: runs a scenario and judges it.
//
// The one loop every run goes through (replay, sim campaigns, tests): the
// world processes its internal events up to each scenario step, the step is
// applied, and the property monitors look after every event. Then the
// scenario's expectations are checked. The loop knows no lifecycle: it is a
// template over the lifecycle's monitor catalogue (monitors.h).
//
// A run can be stopped from outside (a time or memory limit, a signal): the
// loop asks RunStop between events and, when told to, ends where it is. The
// question is asked every `every` events whatever its answer, and the answer
// is read from the front end, so a run that is not stopped takes the same
// events in the same order and has the same trace as with no RunStop.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "properties/monitors.h"
#include "properties/property.h"
#include "sim/scenario.h"
#include "sim/trace.h"
#include "sim/world.h"

namespace pipecheck::properties {

struct ExpectationResult {
  std::string what;  // "final_state Running", "step 3 (pause at 3h) accepted" ...
  bool met = false;
  std::string why;   // What was seen instead, when not met.
};

// Asked between events whether to stop the run; empty: never stop.
struct RunStop {
  std::function<StopReason()> requested;
  std::uint64_t every = 1024;  // Events between questions.
};

struct RunResult {
  sim::Trace trace;
  std::vector<PropertyResult> properties;
  std::vector<ExpectationResult> expectations;
  std::uint64_t events = 0;           // Internal events the world processed.
  std::map<std::string, int> faults;  // Injected fault steps by name.
  std::string final_state;            // The lifecycle state of the world (of its pipe 0).
  std::string process;                // The world's process status, if it has one.
  // Not kNone: the run was stopped at `stopped_at` (virtual time) before its
  // end. Its violations and witnesses stand; every other property is
  // kUnknown, and the expectations about the end of the run were not judged.
  StopReason stopped_by = StopReason::kNone;
  sim::Millis stopped_at = 0;

  bool passed() const;                // Run to its end, every expectation met.
  std::uint64_t trace_hash() const { return trace.Hash(); }
  // The always-properties that were violated, in catalogue order.
  std::vector<const PropertyResult*> violations() const;
};

// Throws InputError when the scenario's expect names a property that
// `catalogue` does not have.
void RequireKnownProperty(const sim::Scenario& scenario, std::span<const Property> catalogue);

// Runs `scenario` on `world`, watched by `monitor`, and judges it; the
// expected visits are those of pipe `expect_pipe` (-1: the world's only
// lifecycle). `stop` may end the run early (RunResult::stopped_by).
// REQUIRES: `world` is fresh and `monitor` watches it.
RunResult Run(const sim::Scenario& scenario, sim::World& world, Monitor& monitor, int expect_pipe,
              const RunStop& stop = {});

// Throws InputError when the scenario names a property the catalogue does
// not have (checked before anything runs).
template <MonitorCatalogue Monitors>
RunResult RunScenario(const sim::Scenario& scenario, const sim::WorldTables& tables = {},
                      const RunStop& stop = {}) {
  RequireKnownProperty(scenario, Monitors::Catalogue());
  const auto world = Monitors::MakeWorld(scenario, tables);
  const auto monitor = Monitors::MakeMonitor(scenario, *world);
  return Run(scenario, *world, *monitor, Monitors::kExpectPipe, stop);
}

// The names of a catalogue's properties, in catalogue order.
std::vector<std::string> PropertyNames(std::span<const Property> catalogue);

template <MonitorCatalogue Monitors>
std::vector<std::string> PropertyNames() {
  return PropertyNames(Monitors::Catalogue());
}

}  // namespace pipecheck::properties
