#include "bindings/clickpipe.h"

#include <fmt/format.h>

#include "bindings/flags.h"
#include "model/input_error.h"

namespace pipecheck::bindings {

namespace cp = model::clickpipe;

namespace {

// The flag that sets a context field: --state, --mode or --set KEY.
std::string ContextFlag(const std::string& key) {
  if (key == "state" || key == "mode") return "--" + key;
  return "--set " + key;
}

}  // namespace

cp::Profile ClickPipe::ParseProfile(std::string_view flag) {
  if (flag.empty()) return cp::Profile::kCurrent;
  if (const auto profile = cp::ParseProfile(flag)) return *profile;
  throw InputError(fmt::format("unknown profile '{}'; expected current or 2024", flag), "--profile");
}

cp::Mode ClickPipe::ParseMode(Profile profile, std::string_view flag) {
  if (flag.empty()) return cp::Mode::kCdc;
  const auto mode = cp::ParseMode(flag);
  if (!mode) {
    throw InputError(fmt::format("unknown mode '{}'; expected cdc, cdc_only or snapshot", flag),
                     "--mode");
  }
  if (!cp::HasModes(profile) && *mode != cp::Mode::kCdc) {
    throw InputError(
        fmt::format("profile {} has no modes (its pipes behave as cdc); mode '{}' does not exist",
                    cp::ToString(profile), flag),
        "--mode");
  }
  return *mode;
}

model::TableView ClickPipe::Describe(const Profile& profile) {
  return model::Describe(cp::TableOf(profile));
}

void ClickPipe::MatchScenario(const sim::Scenario& scenario, std::optional<Profile>& profile,
                              const std::string& where) {
  if (profile && *profile != scenario.profile) {
    throw InputError(fmt::format("the scenario is for profile {}, not {}",
                                 cp::ToString(scenario.profile), cp::ToString(*profile)),
                     where);
  }
  profile = scenario.profile;
}

ClickPipe::Space ClickPipe::MakeSpace(const ExploreFlags& flags) {
  return MakeSpace(ParseProfile(flags.profile), flags);
}

ClickPipe::Space ClickPipe::MakeSpace(Profile profile, const ExploreFlags& flags) {
  properties::ClickPipeBounds bounds;
  const int pipes = flags.pipes == 0 ? bounds.pipes : flags.pipes;
  if (pipes < 1 || pipes > kMaxPipes) {
    throw InputError(fmt::format("{} pipes: expected 1 to {}", pipes, kMaxPipes), "--pipes");
  }
  bounds.pipes = pipes;
  if (!flags.mode.empty()) bounds.modes = {ParseMode(profile, flags.mode)};
  ParseBudget(flags.budget, properties::kClickPipeFaultNames, bounds.budget);
  bounds.symmetry = flags.symmetry;
  return Space(cp::TableOf(profile), bounds);
}

StepAnswer ClickPipe::Step(const StepFlags& flags) {
  const cp::Profile profile = ParseProfile(flags.profile);
  cp::Pipe pipe;
  pipe.mode = ParseMode(profile, flags.mode);
  const auto state = cp::ParseState(flags.state);
  if (!state || (*state != cp::State::kNone && !cp::Declares(profile, *state))) {
    throw InputError(fmt::format("unknown state '{}' in profile {}", flags.state,
                                 cp::ToString(profile)),
                     "--state");
  }
  pipe.state = *state;
  const auto trigger = cp::ParseTrigger(flags.trigger);
  if (!trigger) {
    throw InputError(fmt::format("unknown operation, event or fault '{}' for clickpipe",
                                 flags.trigger),
                     "--do");
  }
  if (!flags.body.empty()) throw InputError("only mongosync's start takes a body", "--body");
  for (const Setting& setting : ParseSettings(flags.settings)) {
    if (setting.key == "resume_point_in_oplog") {
      pipe.resume_point_in_oplog = ParseBool(setting);
    } else if (setting.key == "failure_cause") {
      pipe.cause = Require(cp::ParseCause(setting.value), setting,
                           "none, irrecoverable_error or resume_point_lost");
    } else if (setting.key == "in_resync") {
      pipe.in_resync = ParseBool(setting);
    } else if (setting.key == "adding_tables") {
      pipe.adding_tables = ParseBool(setting);
    } else {
      UnknownKey(setting, "resume_point_in_oplog, failure_cause, in_resync, adding_tables");
    }
  }

  // A context no run produces is refused, never answered for (the defaults
  // included: a Failed pipe needs its cause).
  if (const auto conflict = cp::FindImpossibleContext(profile, pipe)) {
    throw InputError(conflict->message, ContextFlag(conflict->key));
  }

  const cp::Table& table = cp::TableOf(profile);
  const cp::StepResult result = cp::Step(table, pipe, *trigger);
  StepAnswer answer;
  answer.accepted = result.accepted;
  answer.from = std::string(cp::ToString(pipe.state));
  answer.to = std::string(cp::ToString(result.next.state));
  if (result.accepted) {
    SetRow(answer, result.row, table.rows()[result.row]);
    if (result.next.state == cp::State::kFailed) {
      answer.extra["failure_cause"] = std::string(cp::ToString(result.next.cause));
    }
  } else {
    const model::RefusalText text = cp::Explain(pipe, *trigger, result.refusal);
    if (text.http_status != 0) answer.error["http_status"] = text.http_status;
    answer.error["message"] = text.message;
    answer.refusal = text.Line();
  }
  return answer;
}

}  // namespace pipecheck::bindings
