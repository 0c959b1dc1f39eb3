#include "serve/triggers.h"

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "model/clickpipe.h"
#include "model/lifecycle.h"
#include "model/mongosync.h"

namespace pipecheck::serve {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view kPipes = "/v1/organizations/{org}/services/{svc}/clickpipes";

std::string_view KindName(model::TriggerKind kind) {
  switch (kind) {
    case model::TriggerKind::kOperation: return "operation";
    case model::TriggerKind::kEvent: return "event";
    case model::TriggerKind::kFault: return "fault";
  }
  return "operation";
}

ordered_json Route(std::string_view trigger, model::TriggerKind kind, std::string call, std::string note = {}) {
  ordered_json route = {{"trigger", trigger}, {"kind", KindName(kind)}, {"call", std::move(call)}};
  if (!note.empty()) route["note"] = std::move(note);
  return route;
}

// What reaches a trigger that is not an operation: the clock or a fault.
ordered_json NotAnOperation(std::string_view name, model::TriggerKind kind) {
  if (kind == model::TriggerKind::kEvent) {
    return Route(name, kind, "POST /pipecheck/v1/advance {\"by\": DURATION}",
                 "an internal event: it happens by itself when it is due as the clock moves");
  }
  return Route(name, kind, fmt::format("POST /pipecheck/v1/fault {{\"fault\": \"{}\"}}", name));
}

ordered_json MongosyncRoutes() {
  namespace ms = model::mongosync;
  ordered_json routes = ordered_json::array();
  for (std::size_t i = 0; i < ms::kTriggerCount; ++i) {
    const auto trigger = static_cast<ms::Trigger>(i);
    const std::string_view name = ms::kTriggerNames[i];
    const model::TriggerKind kind = ms::KindOf(trigger);
    const std::string_view api = ms::ApiCall(trigger);
    if (!api.empty()) {
      // "POST /start" -> "POST /api/v1/start".
      const std::size_t space = api.find(' ');
      routes.push_back(Route(name, kind, fmt::format("{} /api/v1{}", api.substr(0, space), api.substr(space + 1))));
    } else if (trigger == ms::Trigger::kRestart) {
      routes.push_back(Route(name, kind, "POST /pipecheck/v1/restart", "the operator restarts a crashed process"));
    } else if (trigger == ms::Trigger::kWipeDestinationAndRestart) {
      routes.push_back(Route(name, kind, "POST /pipecheck/v1/restart {\"wipe\": true}",
                             "the documented recovery after a fatal exit (an oplog rollover, a verifier "
                             "mismatch): a fresh start on an emptied destination"));
    } else {
      routes.push_back(NotAnOperation(name, kind));
    }
  }
  return routes;
}

std::string ClickPipeOperation(model::clickpipe::Trigger trigger) {
  namespace cp = model::clickpipe;
  switch (trigger) {
    case cp::Trigger::kCreate: return fmt::format("POST {}", kPipes);
    case cp::Trigger::kPause: return fmt::format("PATCH {}/{{id}}/state {{\"command\": \"stop\"}}", kPipes);
    case cp::Trigger::kResume: return fmt::format("PATCH {}/{{id}}/state {{\"command\": \"start\"}}", kPipes);
    case cp::Trigger::kResync: return fmt::format("PATCH {}/{{id}}/state {{\"command\": \"resync\"}}", kPipes);
    case cp::Trigger::kAddTables: return fmt::format("PATCH {}/{{id}} {{\"tableMappingsToAdd\": [...]}}", kPipes);
    case cp::Trigger::kRemoveTables:
      return fmt::format("PATCH {}/{{id}} {{\"tableMappingsToRemove\": [...]}}", kPipes);
    case cp::Trigger::kEditSettings:
      return fmt::format("PATCH {}/{{id}} {{\"source\": {{\"mongodb\": {{\"settings\": {{...}}}}}}}} or PUT "
                         "{}/{{id}}/settings",
                         kPipes, kPipes);
    default: return {};
  }
}

ordered_json ClickPipeRoutes() {
  namespace cp = model::clickpipe;
  ordered_json routes = ordered_json::array();
  for (std::size_t i = 0; i < cp::kTriggerCount; ++i) {
    const auto trigger = static_cast<cp::Trigger>(i);
    const model::TriggerKind kind = cp::KindOf(trigger);
    const std::string call = kind == model::TriggerKind::kOperation ? ClickPipeOperation(trigger) : std::string();
    routes.push_back(call.empty() ? NotAnOperation(cp::kTriggerNames[i], kind)
                                  : Route(cp::kTriggerNames[i], kind, call));
  }
  // Steps of the service that are not rows of a pipe's lifecycle.
  ordered_json deleted = Route("delete", model::TriggerKind::kOperation, fmt::format("DELETE {}/{{id}}", kPipes),
                               "the pipe leaves the service and frees its slot (not a row of the lifecycle)");
  deleted["scope"] = "service";
  routes.push_back(std::move(deleted));
  ordered_json idle = Route("idle", model::TriggerKind::kFault, R"(POST /pipecheck/v1/fault {"fault": "idle", "for": "1h"})",
                            "the service idles: ClickPipes requests answer 424 until it wakes");
  idle["scope"] = "service";
  routes.push_back(std::move(idle));
  return routes;
}

}  // namespace

ordered_json TriggerRoutes(sim::ModelKind model) {
  return model == sim::ModelKind::kMongosync ? MongosyncRoutes() : ClickPipeRoutes();
}

ordered_json ControlCalls(sim::ModelKind model) {
  ordered_json calls = ordered_json::array();
  const auto add = [&](std::string_view method, std::string_view path, std::string_view body, std::string_view does) {
    ordered_json call = {{"method", method}, {"path", path}};
    if (!body.empty()) call["body"] = body;
    call["does"] = does;
    calls.push_back(std::move(call));
  };
  add("GET", "/pipecheck/v1/", "", "this list: the control calls, and the call that reaches each trigger");
  add("POST", "/pipecheck/v1/advance", R"({"by": "1h"})",
      "moves the manual clock; every internal event due by then happens");
  add("POST", "/pipecheck/v1/fault",
      model == sim::ModelKind::kMongosync ? R"({"fault": NAME, "for": "2h"})" : R"({"fault": NAME, "pipe": 0, "for": "2h"})",
      "injects a fault of the model (the triggers of kind fault below)");
  if (model == sim::ModelKind::kMongosync) {
    add("POST", "/pipecheck/v1/restart", R"({} or {"wipe": true})",
        "restarts the process; {\"wipe\": true} after a fatal exit starts anew on an emptied destination");
  }
  add("POST", "/pipecheck/v1/save", R"({"path": NAME})", "writes the session as a scenario file in --record-dir");
  add("POST", "/pipecheck/v1/reset", "{}",
      "a fresh session with the same seed and configuration; the journal so far stays, a new one starts");
  add("GET", "/pipecheck/v1/health", "", "ok, the model, the process and the time: a readiness check");
  add("GET", "/pipecheck/v1/state", "", "time, states, steps, trace hash, live property violations");
  add("GET", "/pipecheck/v1/trace", "", "the trace as JSON lines");
  return calls;
}

}  // namespace pipecheck::serve
