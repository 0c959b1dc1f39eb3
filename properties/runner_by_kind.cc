// properties/runner_by_kind.cc: the transitional RunScenario and
// PropertyNames of runner.h that choose the lifecycle by the scenario's
// sim::ModelKind, for callers not yet moved to the lifecycle bindings.
#include "properties/clickpipe_checks.h"
#include "properties/mongosync_checks.h"
#include "properties/runner.h"

namespace pipecheck::properties {

RunResult RunScenario(const sim::Scenario& scenario, const sim::WorldTables& tables) {
  if (scenario.model == sim::ModelKind::kClickPipe) {
    return RunScenario<ClickPipeMonitors>(scenario, tables);
  }
  return RunScenario<MongosyncMonitors>(scenario, tables);
}

std::vector<std::string> PropertyNames(sim::ModelKind model) {
  if (model == sim::ModelKind::kClickPipe) return PropertyNames<ClickPipeMonitors>();
  return PropertyNames<MongosyncMonitors>();
}

}  // namespace pipecheck::properties
