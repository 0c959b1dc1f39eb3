// properties/runner.h: runs a scenario and judges it.
//
// The one loop every run goes through (replay, sim campaigns, tests): the
// world processes its internal events up to each scenario step, the step is
// applied, and the property monitors look after every event. Then the
// scenario's expectations are checked. The loop knows no lifecycle: it is a
// template over the lifecycle's monitor catalogue (monitors.h).
#pragma once

#include <cstdint>
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

struct RunResult {
  sim::Trace trace;
  std::vector<PropertyResult> properties;
  std::vector<ExpectationResult> expectations;
  std::uint64_t events = 0;           // Internal events the world processed.
  std::map<std::string, int> faults;  // Injected fault steps by name.
  std::string final_state;            // The lifecycle state of the world (of its pipe 0).
  std::string process;                // The world's process status, if it has one.

  bool passed() const;                // Every expectation met.
  std::uint64_t trace_hash() const { return trace.Hash(); }
  // The always-properties that were violated, in catalogue order.
  std::vector<const PropertyResult*> violations() const;
};

// Throws InputError when the scenario's expect names a property that
// `catalogue` does not have.
void RequireKnownProperty(const sim::Scenario& scenario, std::span<const Property> catalogue);

// Runs `scenario` on `world`, watched by `monitor`, and judges it; the
// expected visits are those of pipe `expect_pipe` (-1: the world's only
// lifecycle). REQUIRES: `world` is fresh and `monitor` watches it.
RunResult Run(const sim::Scenario& scenario, sim::World& world, Monitor& monitor, int expect_pipe);

// Throws InputError when the scenario names a property the catalogue does
// not have (checked before anything runs).
template <MonitorCatalogue Monitors>
RunResult RunScenario(const sim::Scenario& scenario, const sim::WorldTables& tables = {}) {
  RequireKnownProperty(scenario, Monitors::Catalogue());
  const auto world = Monitors::MakeWorld(scenario, tables);
  const auto monitor = Monitors::MakeMonitor(scenario, *world);
  return Run(scenario, *world, *monitor, Monitors::kExpectPipe);
}

// The names of a catalogue's properties, in catalogue order.
std::vector<std::string> PropertyNames(std::span<const Property> catalogue);

template <MonitorCatalogue Monitors>
std::vector<std::string> PropertyNames() {
  return PropertyNames(Monitors::Catalogue());
}

}  // namespace pipecheck::properties
