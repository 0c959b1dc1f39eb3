// properties/realize.h: a counterexample of the explorer as a scenario file.
//
// The explorer's trace is a list of abstract actions with no time. To turn it
// into a `pipecheck-scenario/1` that `replay` runs, a simulated world is
// driven along it: operations and faults become scenario steps at the
// world's current time, and for each internal event the world runs until it
// takes that same event itself. The scenario then expects the lifecycle
// states the trace visits and (when the data-level
// catalogue has a property of that name) the same violation. Finally the
// scenario is replayed to confirm it reproduces; if it does not, the reason
// is returned instead of a file that would mislead.
//
// The part that knows the model is the Space's Realize member: it writes the
// scenario's skeleton (model, config, seed), translates each abstract action
// into a WorldAction and lists the states visited, then calls RealizeAlong,
// which drives the world, fills the steps and the expectations, and replays.
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "model/lifecycle.h"
#include "properties/monitors.h"
#include "properties/runner.h"
#include "sim/scenario.h"
#include "sim/world.h"

namespace pipecheck::properties {

struct Realized {
  bool ok = false;
  sim::Scenario scenario;
  std::string why;  // When not ok.
};

// One abstract action as the world should see it.
struct WorldAction {
  std::string name;                // The trigger's name.
  model::TriggerKind kind;         // Operations and faults become steps; events are awaited.
  int pipe;                        // The world's subject index, or -1 when it has one.
  bool service_wide;               // A fault that steps every subject at once.
  decltype(sim::Step::body) body;  // The operation's request body, if any.
};

// Drives `world` (fresh, made from `scenario`) along `actions`: appends the
// operations and faults to `scenario` as steps, and sets its run_until and
// expected `visits`. False, with `why`, when the world does not follow.
bool DriveAlong(sim::World& world, const std::vector<WorldAction>& actions,
                const std::vector<std::string>& visits, sim::Scenario& scenario, std::string& why);

// `scenario` if its replay met every expectation, else why not.
Realized Confirmed(sim::Scenario scenario, const RunResult& replay);

// Drives the world that `skeleton` describes along `actions` (DriveAlong),
// expects `property` violated when the simulator's catalogue has a property
// of that name (else "hold"), and replays the result to confirm it.
template <MonitorCatalogue Monitors>
Realized RealizeAlong(sim::Scenario skeleton, const sim::WorldTables& tables,
                      const std::vector<WorldAction>& actions, const std::vector<std::string>& visits,
                      const std::string& property) {
  Realized out;
  if (!DriveAlong(*Monitors::MakeWorld(skeleton, tables), actions, visits, skeleton, out.why)) return out;
  const std::vector<std::string> names = PropertyNames<Monitors>();
  skeleton.expect.properties =
      std::find(names.begin(), names.end(), property) != names.end() ? property : "hold";
  const RunResult replay = RunScenario<Monitors>(skeleton, tables);
  return Confirmed(std::move(skeleton), replay);
}

}  // namespace pipecheck::properties
