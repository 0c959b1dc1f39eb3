// bindings/clickpipe_generate.h: what a seed draws for a ClickPipe campaign
// (`pipecheck sim --model clickpipe`), and the monitors that judge it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "model/clickpipe.h"
#include "properties/clickpipe_monitors.h"
#include "properties/generate.h"
#include "sim/prng.h"
#include "sim/scenario.h"

namespace pipecheck::bindings {

struct ClickPipeGenerator {
  using Monitors = properties::ClickPipeMonitors;

  model::clickpipe::Profile profile = model::clickpipe::Profile::kCurrent;
  std::optional<model::clickpipe::Mode> mode;  // Drawn from the seed when absent.

  // From --profile and --mode (empty: not given); an unknown or
  // inapplicable word is an InputError on its flag.
  static ClickPipeGenerator FromFlags(const std::string& profile, const std::string& mode);
  // The flags a replay line repeats besides --mode: " --profile current".
  std::string Flags() const;
  static std::span<const std::string_view> FaultKinds();
  sim::Scenario Generate(const properties::GenerateOptions& options, std::uint64_t seed,
                         sim::Prng& prng) const;
};

static_assert(properties::ScenarioGenerator<ClickPipeGenerator>);

}  // namespace pipecheck::bindings
