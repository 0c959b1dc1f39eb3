#include "properties/generate.h"

#include <algorithm>

#include <fmt/format.h>

#include "model/assert.h"
#include "sim/prng.h"

namespace pipecheck::properties {

namespace cp = model::clickpipe;
namespace ms = model::mongosync;
using sim::kHour;
using sim::kMinute;
using sim::kSecond;
using sim::Millis;
using sim::Prng;

namespace {

sim::Step Operation(Millis at, std::string action, int pipe = 0) {
  sim::Step step;
  step.at = at;
  step.action = std::move(action);
  step.pipe = pipe;
  return step;
}

sim::Step Fault(Millis at, std::string action, std::optional<Millis> duration, int pipe = 0) {
  sim::Step step = Operation(at, std::move(action), pipe);
  step.is_fault = true;
  step.duration = duration;
  return step;
}

// The fault kinds of this seed: every allowed kind, or under swarm a subset
// drawn from the seed (each kind with probability one half).
std::vector<std::string> ChosenFaults(const GenerateOptions& options, Prng& prng) {
  std::vector<std::string> chosen;
  for (const std::string& kind : FaultKinds(options.model)) {
    const bool allowed = options.swarm || options.faults.count(kind) > 0;
    const bool on = options.swarm ? prng.Chance(500000) : true;
    if (allowed && on) chosen.push_back(kind);
  }
  return chosen;
}

// A time uniformly inside the run, leaving its last hour quiet.
Millis SomeTime(Prng& prng, Millis start, Millis duration) {
  const Millis end = std::max(start + kMinute, duration - kHour);
  return prng.Between(start, end);
}

void AddClickPipeFaults(const std::vector<std::string>& kinds, int pipes, Millis duration,
                        Prng& prng, std::vector<sim::Step>& steps) {
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

sim::Scenario GenerateClickPipe(const GenerateOptions& options, std::uint64_t seed, Prng& prng) {
  sim::Scenario scenario;
  scenario.model = sim::ModelKind::kClickPipe;
  scenario.profile = options.profile;
  scenario.seed = seed;
  scenario.run_until = options.duration;
  sim::Config& config = scenario.config;
  if (options.mode) {
    config.mode = *options.mode;
  } else if (cp::HasModes(options.profile)) {
    config.mode = static_cast<cp::Mode>(prng.Below(cp::kModeCount));
  }
  config.pipes = static_cast<int>(prng.Between(1, 3));
  config.collections = static_cast<int>(prng.Between(1, 3));
  config.documents = static_cast<int>(prng.Between(20, 400));
  config.writes_per_hour = prng.Between(360, 7200);
  const std::vector<std::string> faults = ChosenFaults(options, prng);
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
  AddClickPipeFaults(faults, config.pipes, options.duration, prng, steps);
  std::stable_sort(steps.begin(), steps.end(),
                   [](const sim::Step& a, const sim::Step& b) { return a.at < b.at; });
  scenario.steps = std::move(steps);
  scenario.name = fmt::format("clickpipe-seed-{}", seed);
  return scenario;
}

ms::StartOptions RandomBody(Prng& prng) {
  ms::StartOptions body;
  body.reversible = prng.Chance(500000);
  body.write_blocking = static_cast<ms::WriteBlocking>(prng.Below(3));
  body.verification = prng.Chance(700000);
  body.build_indexes = prng.Chance(100000) ? ms::BuildIndexes::kNever
                                           : ms::BuildIndexes::kAfterDataCopy;
  return body;
}

sim::Scenario GenerateMongosync(const GenerateOptions& options, std::uint64_t seed, Prng& prng) {
  sim::Scenario scenario;
  scenario.model = sim::ModelKind::kMongosync;
  scenario.seed = seed;
  scenario.run_until = options.duration;
  sim::Config& config = scenario.config;
  config.collections = static_cast<int>(prng.Between(1, 3));
  config.documents = static_cast<int>(prng.Between(20, 400));
  config.writes_per_hour = prng.Between(360, 7200);
  const std::vector<std::string> faults = ChosenFaults(options, prng);
  config.oplog_retention = prng.Chance(400000) ? prng.Between(1, 6) * kHour : 24 * kHour;
  config.copy_documents_per_second = static_cast<int>(prng.Between(1, 2000));
  config.apply_events_per_second = static_cast<int>(prng.Between(1, 500));

  // A verifier mismatch is injected only into runs with verification on (the
  // default): with it off the corruption is committed by design, which the
  // scenario corpus shows once rather than every campaign many times.
  const bool mismatch = std::find(faults.begin(), faults.end(), "verifier_mismatch") != faults.end();
  auto body = [&] {
    ms::StartOptions drawn = RandomBody(prng);
    if (mismatch) drawn.verification = true;
    return drawn;
  };
  std::vector<sim::Step> steps;
  sim::Step start = Operation(prng.Between(5, 300) * kSecond, "start");
  start.body = body();
  steps.push_back(start);
  static constexpr const char* kOperations[] = {"pause",   "resume", "commit",
                                                "reverse", "commit", "progress"};
  const int operations = static_cast<int>(prng.Between(1, options.duration / kHour + 2));
  for (int i = 0; i < operations; ++i) {
    const Millis at = SomeTime(prng, 10 * kMinute, options.duration);
    const std::string action = kOperations[prng.Below(std::size(kOperations))];
    steps.push_back(Operation(at, action));
    if (action == "pause" && prng.Chance(700000)) {
      const Millis later = at + prng.Between(1, 8 * 60) * kMinute;
      if (later < options.duration) steps.push_back(Operation(later, "resume"));
    }
  }
  for (const std::string& kind : faults) {
    const int count = static_cast<int>(prng.Between(1, 2));
    for (int i = 0; i < count; ++i) {
      const Millis at = SomeTime(prng, 5 * kMinute, options.duration);
      std::optional<Millis> length;
      if (kind == "crash") length = prng.Between(1, 60) * kMinute;  // Then the operator restarts.
      if (kind == "destination_unavailable") length = prng.Between(1, 180) * kMinute;
      if (kind == "lag") length = prng.Between(10, 240) * kMinute;
      steps.push_back(Fault(at, kind, length));
      if (kind == "oplog_rollover" || kind == "verifier_mismatch") {
        // After a fatal exit the operator starts a new migration.
        const Millis later = at + prng.Between(10, 120) * kMinute;
        if (later + kHour < options.duration) {
          steps.push_back(Operation(later, "wipe_destination_and_restart"));
          sim::Step again = Operation(later + kMinute, "start");
          again.body = body();
          steps.push_back(again);
        }
      }
    }
  }
  std::stable_sort(steps.begin(), steps.end(),
                   [](const sim::Step& a, const sim::Step& b) { return a.at < b.at; });
  scenario.steps = std::move(steps);
  scenario.name = fmt::format("mongosync-seed-{}", seed);
  return scenario;
}

}  // namespace

std::vector<std::string> FaultKinds(sim::ModelKind model) {
  if (model == sim::ModelKind::kClickPipe) {
    return {"irrecoverable_error", "resume_point_lost", "compute_crash", "destination_unavailable",
            "lag"};
  }
  return {"crash", "oplog_rollover", "verifier_mismatch", "lag", "destination_unavailable"};
}

sim::Scenario GenerateScenario(const GenerateOptions& options, std::uint64_t seed) {
  PIPECHECK_ASSERT(options.duration >= sim::kHour);
  // Mix the seed so that neighbouring seeds start far apart.
  Prng prng(seed ^ 0x5eed5eed5eed5eedULL);
  if (options.model == sim::ModelKind::kClickPipe) return GenerateClickPipe(options, seed, prng);
  return GenerateMongosync(options, seed, prng);
}

}  // namespace pipecheck::properties
