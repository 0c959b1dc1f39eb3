#include "cli/step_command.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/options.h"
#include "model/clickpipe.h"
#include "model/input_error.h"
#include "model/mongosync.h"
#include "sim/start_body.h"

namespace pipecheck::cli {

namespace cp = model::clickpipe;
namespace ms = model::mongosync;
using nlohmann::ordered_json;

namespace {

bool ParseBool(const Setting& setting) {
  if (setting.value == "true") return true;
  if (setting.value == "false") return false;
  throw InputError(fmt::format("{} must be true or false, not '{}'", setting.key, setting.value),
                   "--set " + setting.key);
}

template <typename T>
T Require(std::optional<T> parsed, const Setting& setting, std::string_view expected) {
  if (parsed) return *parsed;
  throw InputError(fmt::format("unknown value '{}' for {}; expected {}", setting.value,
                               setting.key, expected),
                   "--set " + setting.key);
}

[[noreturn]] void UnknownKey(const Setting& setting, std::string_view keys) {
  throw InputError(fmt::format("unknown key '{}'; expected one of {}", setting.key, keys), "--set");
}

int StepClickPipe(const StepRequest& request, std::ostream& out) {
  const cp::Profile profile = ParseProfileFlag(ModelName::kClickPipe, request.profile);
  cp::Pipe pipe;
  pipe.mode = ParseModeFlag(ModelName::kClickPipe, profile, request.mode);
  const auto state = cp::ParseState(request.state);
  if (!state || (*state != cp::State::kNone && !cp::Declares(profile, *state))) {
    throw InputError(fmt::format("unknown state '{}' in profile {}", request.state,
                                 cp::ToString(profile)),
                     "--state");
  }
  pipe.state = *state;
  const auto trigger = cp::ParseTrigger(request.trigger);
  if (!trigger) {
    throw InputError(fmt::format("unknown operation, event or fault '{}' for clickpipe",
                                 request.trigger),
                     "--do");
  }
  if (!request.body.empty()) throw InputError("only mongosync's start takes a body", "--body");
  for (const Setting& setting : ParseSettings(request.settings)) {
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

  const cp::Table& table = cp::TableOf(profile);
  const cp::StepResult result = cp::Step(table, pipe, *trigger);
  const std::string from(cp::ToString(pipe.state));
  const std::string to(cp::ToString(result.next.state));
  if (request.format == "json") {
    ordered_json answer{{"accepted", result.accepted}, {"from", from}, {"to", to}};
    if (result.accepted) {
      const cp::Row& row = table.rows()[result.row];
      answer["source"] = std::string(row.evidence.source);
      answer["status"] = std::string(ToString(row.evidence.status()));
      if (!row.evidence.decision.empty()) {
        answer["decision"] = std::string(row.evidence.decision);
      }
      answer["row"] = result.row;
      if (result.next.state == cp::State::kFailed) {
        answer["failure_cause"] = std::string(cp::ToString(result.next.cause));
      }
    } else {
      const cp::RefusalText text = cp::Explain(pipe, *trigger, result.refusal);
      ordered_json error;
      if (text.http_status != 0) error["http_status"] = text.http_status;
      error["message"] = text.message;
      answer["error"] = std::move(error);
    }
    out << answer.dump() << "\n";
    return 0;
  }
  if (result.accepted) {
    const cp::Row& row = table.rows()[result.row];
    out << fmt::format("accepted: {} --{}--> {}  (row {}, {}, {}{})\n", from, request.trigger, to,
                       result.row, row.evidence.source, ToString(row.evidence.status()),
                       row.evidence.decision.empty() ? "" : " " + std::string(row.evidence.decision));
  } else {
    const cp::RefusalText text = cp::Explain(pipe, *trigger, result.refusal);
    out << fmt::format("refused: {}{} (state stays {})\n",
                       text.http_status != 0 ? fmt::format("HTTP {} ", text.http_status) : "",
                       text.message, from);
  }
  return 0;
}

int StepMongosync(const StepRequest& request, std::ostream& out) {
  ParseProfileFlag(ModelName::kMongosync, request.profile);
  ParseModeFlag(ModelName::kMongosync, cp::Profile::kCurrent, request.mode);
  ms::Sync sync;
  const auto state = ms::ParseState(request.state);
  if (!state) {
    throw InputError(fmt::format("unknown state '{}' for mongosync", request.state), "--state");
  }
  sync.state = *state;
  const auto trigger = ms::ParseTrigger(request.trigger);
  if (!trigger) {
    throw InputError(fmt::format("unknown operation, event or fault '{}' for mongosync",
                                 request.trigger),
                     "--do");
  }
  std::optional<bool> can_commit;
  for (const Setting& setting : ParseSettings(request.settings)) {
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
      sync.phase = ms::Phase::kChangeEventApplication;
      sync.lag_high = false;
    } else if (sync.phase == ms::Phase::kChangeEventApplication) {
      sync.lag_high = true;
    }
  }
  ms::StartOptions body;
  if (!request.body.empty()) {
    if (*trigger != ms::Trigger::kStart) throw InputError("only start takes a body", "--body");
    const auto parsed = nlohmann::json::parse(request.body, nullptr, false);
    if (parsed.is_discarded()) throw InputError("the body is not valid JSON", "--body");
    body = sim::ParseStartBody(parsed, "--body");
  }

  const ms::Table& table = ms::DefaultTable();
  const ms::StepResult result = ms::Step(table, sync, *trigger, body);
  const std::string from(ms::ToString(sync.state));
  const std::string to(ms::ToString(result.next.state));
  if (request.format == "json") {
    ordered_json answer{{"accepted", result.accepted}, {"from", from}, {"to", to}};
    if (result.next.process != ms::Process::kUp) {
      answer["process"] = std::string(ms::ToString(result.next.process));
    }
    if (result.accepted) {
      const ms::Row& row = table.rows()[result.row];
      answer["source"] = std::string(row.evidence.source);
      answer["status"] = std::string(ToString(row.evidence.status()));
      if (!row.evidence.decision.empty()) {
        answer["decision"] = std::string(row.evidence.decision);
      }
      answer["row"] = result.row;
      answer["can_commit"] = ms::CanCommit(result.next);
      answer["can_write"] = result.next.can_write;
    } else {
      const ms::RefusalText text = ms::Explain(sync, *trigger, result.refusal);
      if (text.error.empty()) {
        answer["error"] = {{"message", text.description}};
      } else {
        answer["error"] = ordered_json{
            {"success", false}, {"error", text.error}, {"errorDescription", text.description}};
      }
    }
    out << answer.dump() << "\n";
    return 0;
  }
  if (result.accepted) {
    const ms::Row& row = table.rows()[result.row];
    out << fmt::format("accepted: {} --{}--> {} (process {})  (row {}, {}, {}{})\n", from,
                       request.trigger, to, ms::ToString(result.next.process), result.row,
                       row.evidence.source, ToString(row.evidence.status()),
                       row.evidence.decision.empty() ? "" : " " + std::string(row.evidence.decision));
  } else {
    const ms::RefusalText text = ms::Explain(sync, *trigger, result.refusal);
    out << fmt::format("refused: {}{} (state stays {})\n",
                       text.error.empty() ? "" : text.error + ": ", text.description, from);
  }
  return 0;
}

}  // namespace

int RunStep(const StepRequest& request, std::ostream& out) {
  if (request.format != "json" && request.format != "text") {
    throw InputError(fmt::format("unknown format '{}'; expected text or json", request.format),
                     "--format");
  }
  if (ParseModelFlag(request.model) == ModelName::kClickPipe) return StepClickPipe(request, out);
  return StepMongosync(request, out);
}

}  // namespace pipecheck::cli
