// properties/generate.h: random scenarios from a seed.
//
// A campaign run is a generated scenario: the seed decides the configuration,
// the operator's operations and the injected faults, and the same seed gives
// the same scenario byte for byte. Because the scenario is an ordinary
// `pipecheck-scenario/1` value, a failing seed is saved and replayed exactly.
//
// Swarm testing: with FaultChoice::kSwarm each fault kind is switched on or
// off per seed, from the seed itself, so some runs see one fault often and
// others never see it.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/scenario.h"

namespace pipecheck::properties {

struct GenerateOptions {
  sim::ModelKind model = sim::ModelKind::kClickPipe;
  model::clickpipe::Profile profile = model::clickpipe::Profile::kCurrent;
  std::optional<model::clickpipe::Mode> mode;  // Drawn from the seed when absent.
  sim::Millis duration = 24 * sim::kHour;
  bool swarm = false;               // Each fault kind on or off per seed.
  std::set<std::string> faults;     // The fault kinds allowed (all when swarm).
};

// The fault kinds a model's scenarios can inject.
std::vector<std::string> FaultKinds(sim::ModelKind model);

sim::Scenario GenerateScenario(const GenerateOptions& options, std::uint64_t seed);

}  // namespace pipecheck::properties
