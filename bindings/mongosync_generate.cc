#include "bindings/mongosync_generate.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "bindings/mongosync.h"
#include "model/mongosync.h"

namespace pipecheck::bindings {

namespace ms = model::mongosync;
using properties::Fault;
using properties::Operation;
using properties::SomeTime;
using sim::kHour;
using sim::kMinute;
using sim::kSecond;
using sim::Millis;
using sim::Prng;

namespace {

constexpr std::string_view kFaultKinds[] = {"crash", "oplog_rollover", "verifier_mismatch", "lag",
                                            "destination_unavailable"};

ms::StartOptions RandomBody(Prng& prng) {
  ms::StartOptions body;
  body.reversible = prng.Chance(500000);
  body.write_blocking = static_cast<ms::WriteBlocking>(prng.Below(3));
  body.verification = prng.Chance(700000);
  body.build_indexes = prng.Chance(100000) ? ms::BuildIndexes::kNever
                                           : ms::BuildIndexes::kAfterDataCopy;
  return body;
}

}  // namespace

MongosyncGenerator MongosyncGenerator::FromFlags(const std::string& profile,
                                                 const std::string& mode) {
  const Mongosync::Profile chosen = Mongosync::ParseProfile(profile);
  if (!mode.empty()) Mongosync::ParseMode(chosen, mode);
  return {};
}

std::span<const std::string_view> MongosyncGenerator::FaultKinds() { return kFaultKinds; }

sim::Scenario MongosyncGenerator::Generate(const properties::GenerateOptions& options,
                                           std::uint64_t seed, Prng& prng) const {
  sim::Scenario scenario;
  scenario.model = sim::ModelKind::kMongosync;
  scenario.seed = seed;
  scenario.run_until = options.duration;
  sim::Config& config = scenario.config;
  config.collections = static_cast<int>(prng.Between(1, 3));
  config.documents = static_cast<int>(prng.Between(20, 400));
  config.writes_per_hour = prng.Between(360, 7200);
  const std::vector<std::string> faults = properties::ChosenFaults(kFaultKinds, options, prng);
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
  properties::SortByTime(steps);
  scenario.steps = std::move(steps);
  scenario.name = fmt::format("mongosync-seed-{}", seed);
  return scenario;
}

}  // namespace pipecheck::bindings
