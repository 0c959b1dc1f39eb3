// properties/runner.h: runs a scenario and judges it.
//
// The one loop every run goes through (replay, sim campaigns, tests): the
// world processes its internal events up to each scenario step, the step is
// applied, and the property monitors look after every event. Then the
// scenario's expectations are checked.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

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
  std::string final_state;            // Pipe 0's state, or mongosync's.
  std::string process;                // mongosync's process status.

  bool passed() const;                // Every expectation met.
  std::uint64_t trace_hash() const { return trace.Hash(); }
  // The always-properties that were violated, in catalogue order.
  std::vector<const PropertyResult*> violations() const;
};

// Throws InputError when the scenario names a property the catalogue does
// not have (checked before anything runs).
RunResult RunScenario(const sim::Scenario& scenario, const sim::WorldTables& tables = {});

// The names of the model's properties, in catalogue order.
std::vector<std::string> PropertyNames(sim::ModelKind model);

}  // namespace pipecheck::properties
