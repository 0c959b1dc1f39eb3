// sim/mongosync_world.h: the mongosync world (being written).
#pragma once

#include <memory>

#include "model/mongosync.h"
#include "sim/world.h"

namespace pipecheck::sim {

class MongosyncWorld;

// `table` defaults to the built-in table.
std::unique_ptr<World> MakeMongosyncWorld(const Scenario& scenario,
                                          const model::mongosync::Table* table = nullptr);

}  // namespace pipecheck::sim
