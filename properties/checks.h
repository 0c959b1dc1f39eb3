// properties/checks.h: the property monitors of one run.
//
// A Checks object watches one world from outside, like an outside state
// checker: the runner calls AfterEvent() after every internal event and every
// applied scenario step, and AtEnd() once when the run stops. Monitors read
// the world and its trace; they never change them, and draw no randomness.
#pragma once

#include <memory>
#include <vector>

#include "properties/property.h"
#include "sim/scenario.h"
#include "sim/world.h"

namespace pipecheck::properties {

class Checks {
 public:
  virtual ~Checks() = default;
  virtual void AfterEvent() = 0;
  virtual void AtEnd() = 0;
  // Every property of the catalogue, always-properties paired with the
  // sometimes-properties that witness their premises, in catalogue order.
  virtual std::vector<PropertyResult> Results() const = 0;
};

// The checks for the scenario's model. REQUIRES: `world` was made by
// sim::MakeWorld(scenario) and outlives the checks.
std::unique_ptr<Checks> MakeChecks(const sim::Scenario& scenario, const sim::World& world);

}  // namespace pipecheck::properties
