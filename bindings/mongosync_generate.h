// bindings/mongosync_generate.h: what a seed draws for a mongosync campaign
// (`pipecheck sim --model mongosync`), and the monitors that judge it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "properties/generate.h"
#include "properties/mongosync_monitors.h"
#include "sim/prng.h"
#include "sim/scenario.h"

namespace pipecheck::bindings {

struct MongosyncGenerator {
  using Monitors = properties::MongosyncMonitors;

  // From --profile and --mode (empty: not given); mongosync has neither, so
  // any word is an InputError on its flag.
  static MongosyncGenerator FromFlags(const std::string& profile, const std::string& mode);
  // The flags a replay line repeats besides --mode: none.
  std::string Flags() const { return ""; }
  static std::span<const std::string_view> FaultKinds();
  sim::Scenario Generate(const properties::GenerateOptions& options, std::uint64_t seed,
                         sim::Prng& prng) const;
};

static_assert(properties::ScenarioGenerator<MongosyncGenerator>);

}  // namespace pipecheck::bindings
