#include "bindings/mongosync.h"

#include <fmt/format.h>

#include "bindings/flags.h"
#include "model/input_error.h"
#include "sim/start_body.h"

namespace pipecheck::bindings {

namespace ms = model::mongosync;

namespace {

// The flag that sets a context field: --state, --mode or --set KEY.
std::string ContextFlag(const std::string& key) {
  if (key == "state" || key == "mode") return "--" + key;
  return "--set " + key;
}

}  // namespace

Mongosync::Profile Mongosync::ParseProfile(std::string_view flag) {
  if (!flag.empty()) throw InputError("only the clickpipe model has profiles", "--profile");
  return {};
}

void Mongosync::ParseMode(Profile, std::string_view flag) {
  if (!flag.empty()) throw InputError("only the clickpipe model has modes", "--mode");
}

model::TableView Mongosync::Describe(const Profile&) { return model::Describe(ms::DefaultTable()); }

void Mongosync::MatchScenario(const sim::Scenario&, std::optional<Profile>& profile,
                              const std::string&) {
  profile = Profile{};
}

Mongosync::Space Mongosync::MakeSpace(const ExploreFlags& flags) {
  return MakeSpace(ParseProfile(flags.profile), flags);
}

Mongosync::Space Mongosync::MakeSpace(Profile profile, const ExploreFlags& flags) {
  ParseMode(profile, flags.mode);
  if (flags.pipes != 0) throw InputError("only the clickpipe model has pipes", "--pipes");
  properties::MongosyncBounds bounds;
  ParseBudget(flags.budget, properties::kMongosyncFaultNames, bounds.budget);
  return Space(ms::DefaultTable(), bounds);
}

StepAnswer Mongosync::Step(const StepFlags& flags) {
  ParseMode(ParseProfile(flags.profile), flags.mode);
  ms::Sync sync;
  const auto state = ms::ParseState(flags.state);
  if (!state) {
    throw InputError(fmt::format("unknown state '{}' for mongosync", flags.state), "--state");
  }
  sync.state = *state;
  const auto trigger = ms::ParseTrigger(flags.trigger);
  if (!trigger) {
    throw InputError(fmt::format("unknown operation, event or fault '{}' for mongosync",
                                 flags.trigger),
                     "--do");
  }
  std::optional<bool> can_commit;
  for (const Setting& setting : ParseSettings(flags.settings)) {
    if (setting.key == "can_commit") {
      can_commit = ParseBool(setting);
    } else if (setting.key == "reversible") {
      sync.options.reversible = ParseBool(setting);
    } else if (setting.key == "write_blocking") {
      sync.options.write_blocking = Require(ms::ParseWriteBlocking(setting.value), setting,
                                            "sourceAndDestination, destinationOnly or none");
    } else if (setting.key == "process") {
      sync.process = Require(ms::ParseProcess(setting.value), setting, "up, down or exited");
    } else if (setting.key == "phase") {
      sync.phase = Require(ms::ParsePhase(setting.value), setting,
                           "collection_copy or change_event_application");
    } else if (setting.key == "lag_high") {
      sync.lag_high = ParseBool(setting);
    } else if (setting.key == "can_write") {
      sync.can_write = ParseBool(setting);
    } else if (setting.key == "verification") {
      sync.options.verification = ParseBool(setting);
    } else if (setting.key == "build_indexes") {
      sync.options.build_indexes = Require(ms::ParseBuildIndexes(setting.value), setting,
                                           "afterDataCopy, beforeDataCopy, never, ...");
    } else if (setting.key == "reversed") {
      sync.reversed = ParseBool(setting);
    } else {
      UnknownKey(setting,
                 "can_commit, reversible, write_blocking, process, phase, lag_high, can_write, "
                 "verification, build_indexes, reversed");
    }
  }
  if (can_commit) {
    // canCommit is derived (MS-PT21): set what it is derived from.
    if (*can_commit) {
      if (sync.state != ms::State::kRunning) {
        throw InputError("can_commit=true is possible only in state RUNNING", "--set can_commit");
      }
      if (sync.process != ms::Process::kUp) {
        throw InputError("can_commit=true is possible only with the process up",
                         "--set can_commit");
      }
      sync.phase = ms::Phase::kChangeEventApplication;
      sync.lag_high = false;
    } else if (sync.phase == ms::Phase::kChangeEventApplication &&
               (sync.state == ms::State::kRunning || sync.state == ms::State::kPaused)) {
      sync.lag_high = true;
    }
  }
  // A context no run produces is refused, never answered for.
  if (const auto conflict = ms::FindImpossibleContext(sync)) {
    throw InputError(conflict->message, ContextFlag(conflict->key));
  }
  ms::StartOptions body;
  if (!flags.body.empty()) {
    if (*trigger != ms::Trigger::kStart) throw InputError("only start takes a body", "--body");
    const auto parsed = nlohmann::json::parse(flags.body, nullptr, false);
    if (parsed.is_discarded()) throw InputError("the body is not valid JSON", "--body");
    body = sim::ParseStartBody(parsed, "--body");
  }

  const ms::Table& table = ms::DefaultTable();
  const ms::StepResult result = ms::Step(table, sync, *trigger, body);
  StepAnswer answer;
  answer.accepted = result.accepted;
  answer.from = std::string(ms::ToString(sync.state));
  answer.to = std::string(ms::ToString(result.next.state));
  if (result.next.process != ms::Process::kUp) {
    answer.after_to["process"] = std::string(ms::ToString(result.next.process));
  }
  if (result.accepted) {
    answer.to_note = fmt::format(" (process {})", ms::ToString(result.next.process));
    SetRow(answer, result.row, table.rows()[result.row]);
    answer.extra["can_commit"] = ms::CanCommit(result.next);
    answer.extra["can_write"] = result.next.can_write;
  } else {
    const model::RefusalText text = ms::Explain(sync, *trigger, result.refusal);
    if (text.error.empty()) {
      answer.error = {{"message", text.message}};
    } else {
      answer.error = nlohmann::ordered_json{
          {"success", false}, {"error", text.error}, {"errorDescription", text.message}};
    }
    answer.refusal = text.Line();
  }
  return answer;
}

}  // namespace pipecheck::bindings
