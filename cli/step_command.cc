#include "cli/step_command.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bindings/registry.h"
#include "model/input_error.h"

namespace pipecheck::cli {

using nlohmann::ordered_json;

namespace {

ordered_json ToJson(const bindings::StepAnswer& answer) {
  ordered_json json{{"accepted", answer.accepted}, {"from", answer.from}, {"to", answer.to}};
  for (const auto& [key, value] : answer.after_to.items()) json[key] = value;
  if (!answer.accepted) {
    json["error"] = answer.error;
    return json;
  }
  json["source"] = answer.source;
  json["status"] = answer.status;
  if (!answer.decision.empty()) json["decision"] = answer.decision;
  json["row"] = answer.row;
  for (const auto& [key, value] : answer.extra.items()) json[key] = value;
  return json;
}

std::string ToText(const bindings::StepAnswer& answer, const std::string& trigger) {
  if (!answer.accepted) {
    return fmt::format("refused: {} (state stays {})\n", answer.refusal, answer.from);
  }
  return fmt::format("accepted: {} --{}--> {}{}  (row {}, {}, {}{})\n", answer.from, trigger,
                     answer.to, answer.to_note, answer.row, answer.source, answer.status,
                     answer.decision.empty() ? "" : " " + answer.decision);
}

}  // namespace

int RunStep(const StepRequest& request, std::ostream& out) {
  if (request.format != "json" && request.format != "text") {
    throw InputError(fmt::format("unknown format '{}'; expected text or json", request.format),
                     "--format");
  }
  const bindings::StepAnswer answer = bindings::WithBinding(
      request.model, [&]<class B>(B) { return B::Step(request.flags); });
  if (request.format == "json") {
    out << ToJson(answer).dump() << "\n";
  } else {
    out << ToText(answer, request.flags.trigger);
  }
  return 0;
}

}  // namespace pipecheck::cli
