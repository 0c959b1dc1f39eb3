#include "bindings/clickpipe_generate.h"

#include <utility>
#include <vector>

#include <fmt/format.h>

#include "bindings/clickpipe.h"

namespace pipecheck::bindings {

namespace cp = model::clickpipe;
using properties::Fault;
using properties::Operation;
using properties::SomeTime;
using sim::kHour;
using sim::kMinute;
using sim::kSecond;
using sim::Millis;
using sim::Prng;

namespace {

constexpr std::string_view kFaultKinds[] = {"irrecoverable_error", "resume_point_lost",
                                            "compute_crash", "destination_unavailable", "lag"};

void AddFaults(const std::vector<std::string>& kinds, int pipes, Millis duration, Prng& prng,
               std::vector<sim::Step>& steps) {
  for (const std::string& kind : kinds) {
    const int count = static_cast<int>(prng.Between(1, 3));
    for (int i = 0; i < count; ++i) {
      const Millis at = SomeTime(prng, 10 * kMinute, duration);
      const int pipe = static_cast<int>(prng.Below(static_cast<std::uint64_t>(pipes)));
      std::optional<Millis> length;
      if (kind == "compute_crash") length = prng.Between(30, 600) * kSecond;
      if (kind == "destination_unavailable") length = prng.Between(1, 180) * kMinute;
      if (kind == "lag") length = prng.Between(10, 240) * kMinute;
      steps.push_back(Fault(at, kind, length, pipe));
    }
  }
}

}  // namespace

ClickPipeGenerator ClickPipeGenerator::FromFlags(const std::string& profile,
                                                 const std::string& mode) {
  ClickPipeGenerator generator;
  generator.profile = ClickPipe::ParseProfile(profile);
  if (!mode.empty()) generator.mode = ClickPipe::ParseMode(generator.profile, mode);
  return generator;
}

std::string ClickPipeGenerator::Flags() const {
  return fmt::format(" --profile {}", cp::ToString(profile));
}

std::span<const std::string_view> ClickPipeGenerator::FaultKinds() { return kFaultKinds; }

sim::Scenario ClickPipeGenerator::Generate(const properties::GenerateOptions& options,
                                           std::uint64_t seed, Prng& prng) const {
  sim::Scenario scenario;
  scenario.model = sim::ModelKind::kClickPipe;
  scenario.profile = profile;
  scenario.seed = seed;
  scenario.run_until = options.duration;
  sim::Config& config = scenario.config;
  if (mode) {
    config.mode = *mode;
  } else if (cp::HasModes(profile)) {
    config.mode = static_cast<cp::Mode>(prng.Below(cp::kModeCount));
  }
  config.pipes = static_cast<int>(prng.Between(1, 3));
  config.collections = static_cast<int>(prng.Between(1, 3));
  config.documents = static_cast<int>(prng.Between(20, 400));
  config.writes_per_hour = prng.Between(360, 7200);
  const std::vector<std::string> faults = properties::ChosenFaults(kFaultKinds, options, prng);
  // Short retentions make oplog expiry reachable in a day-long run: a long
  // pause, a slow snapshot or a long outage can outlive them.
  config.oplog_retention = prng.Chance(400000) ? prng.Between(1, 6) * kHour : 24 * kHour;
  config.sync_interval = prng.Between(10, 120) * kSecond;
  config.pull_batch_size = static_cast<int>(prng.Chance(200000) ? prng.Between(5, 50) : 100000);
  config.snapshot_rows_per_second = static_cast<int>(prng.Chance(200000) ? prng.Between(1, 5)
                                                                          : prng.Between(50, 2000));

  std::vector<sim::Step> steps;
  for (int pipe = 0; pipe < config.pipes; ++pipe) {
    steps.push_back(Operation(prng.Between(0, 10) * kMinute, "create", pipe));
  }
  // The operator: every hour or so one operation on some pipe. A pause is
  // often followed by a resume after a while, which may outlive retention.
  static constexpr const char* kOperations[] = {"pause",      "resume",        "resync",
                                                "add_tables", "remove_tables", "edit_settings"};
  const int operations = static_cast<int>(prng.Between(0, options.duration / kHour + 1));
  for (int i = 0; i < operations; ++i) {
    const Millis at = SomeTime(prng, 15 * kMinute, options.duration);
    const int pipe = static_cast<int>(prng.Below(static_cast<std::uint64_t>(config.pipes)));
    const std::string action = kOperations[prng.Below(std::size(kOperations))];
    steps.push_back(Operation(at, action, pipe));
    if (action == "pause" && prng.Chance(700000)) {
      const Millis later = at + prng.Between(1, 8 * 60) * kMinute;
      if (later < options.duration) steps.push_back(Operation(later, "resume", pipe));
    }
  }
  AddFaults(faults, config.pipes, options.duration, prng, steps);
  properties::SortByTime(steps);
  scenario.steps = std::move(steps);
  scenario.name = fmt::format("clickpipe-seed-{}", seed);
  return scenario;
}

}  // namespace pipecheck::bindings
