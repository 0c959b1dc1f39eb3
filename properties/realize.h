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
#pragma once

#include <string>
#include <vector>

#include "properties/clickpipe_space.h"
#include "properties/mongosync_space.h"
#include "sim/scenario.h"

namespace pipecheck::properties {

struct Realized {
  bool ok = false;
  sim::Scenario scenario;
  std::string why;  // When not ok.
};

Realized RealizeClickPipe(const ClickPipeSpace& space, const ClickPipeSpace::State& initial,
                          const std::vector<Action>& path, const std::string& property);
Realized RealizeMongosync(const MongosyncSpace& space, const MongosyncSpace::State& initial,
                          const std::vector<Action>& path, const std::string& property);

}  // namespace pipecheck::properties
