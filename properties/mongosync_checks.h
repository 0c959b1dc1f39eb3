// properties/mongosync_checks.h: the mongosync property catalogue (being written).
#pragma once

#include <memory>

#include "properties/checks.h"

namespace pipecheck::properties {

// REQUIRES: `world` was made by sim::MakeMongosyncWorld.
std::unique_ptr<Checks> MakeMongosyncChecks(const sim::Scenario& scenario, const sim::World& world);

}  // namespace pipecheck::properties
