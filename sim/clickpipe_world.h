// sim/clickpipe_world.h: the ClickPipe world (being written).
#pragma once

#include <memory>

#include "model/clickpipe.h"
#include "sim/world.h"

namespace pipecheck::sim {

class ClickPipeWorld;

// `table` defaults to the scenario profile's built-in table.
std::unique_ptr<World> MakeClickPipeWorld(const Scenario& scenario,
                                          const model::clickpipe::Table* table = nullptr);

}  // namespace pipecheck::sim
