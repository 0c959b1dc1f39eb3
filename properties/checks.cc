#include "properties/checks.h"

#include "properties/clickpipe_checks.h"
#include "properties/mongosync_checks.h"

namespace pipecheck::properties {

std::unique_ptr<Checks> MakeChecks(const sim::Scenario& scenario, const sim::World& world) {
  if (scenario.model == sim::ModelKind::kClickPipe) return MakeClickPipeChecks(scenario, world);
  return MakeMongosyncChecks(scenario, world);
}

}  // namespace pipecheck::properties
