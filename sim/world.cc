#include "sim/world.h"

#include "sim/clickpipe_world.h"
#include "sim/mongosync_world.h"

namespace pipecheck::sim {

std::unique_ptr<World> MakeWorld(const Scenario& scenario, const WorldTables& tables) {
  if (scenario.model == ModelKind::kClickPipe) return MakeClickPipeWorld(scenario, tables.clickpipe);
  return MakeMongosyncWorld(scenario, tables.mongosync);
}

}  // namespace pipecheck::sim
