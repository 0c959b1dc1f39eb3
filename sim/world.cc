#include "sim/world.h"

#include "sim/clickpipe_world.h"
#include "sim/mongosync_world.h"

namespace pipecheck::sim {

std::unique_ptr<World> MakeWorld(const Scenario& scenario) {
  if (scenario.model == ModelKind::kClickPipe) return MakeClickPipeWorld(scenario);
  return MakeMongosyncWorld(scenario);
}

}  // namespace pipecheck::sim
