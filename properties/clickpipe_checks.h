// properties/clickpipe_checks.h: the ClickPipe property catalogue (being written).
#pragma once

#include <memory>

#include "properties/checks.h"

namespace pipecheck::properties {

// REQUIRES: `world` was made by sim::MakeClickPipeWorld.
std::unique_ptr<Checks> MakeClickPipeChecks(const sim::Scenario& scenario, const sim::World& world);

}  // namespace pipecheck::properties
