#include "serve/control_api.h"

#include <fstream>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "model/input_error.h"
#include "sim/scenario.h"
#include "sim/time.h"
#include "sim/trace.h"

namespace pipecheck::serve {
namespace {

using nlohmann::ordered_json;

void Reply(httplib::Response& response, int status, const ordered_json& body) {
  response.status = status;
  response.set_content(body.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "\n",
                       "application/json");
}

void Error(httplib::Response& response, int status, const std::string& text) {
  Reply(response, status, {{"error", text}});
}

// The request body as a JSON object, or nullopt after answering 400.
std::optional<nlohmann::json> Body(const httplib::Request& request, httplib::Response& response) {
  if (request.body.empty()) return nlohmann::json::object();
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    Error(response, 400, "the request body must be a JSON object");
    return std::nullopt;
  }
  return body;
}

// A fault request checked as a scenario step: the scenario parser knows every
// fault of the model, its pipes and its durations.
sim::Step ParseFault(const Session& session, const nlohmann::json& body) {
  nlohmann::json step = nlohmann::json::object();
  for (const auto& [key, value] : body.items()) {
    if (key == "fault" || key == "pipe" || key == "for") {
      step[key] = value;
    } else {
      throw InputError(fmt::format("unknown key \"{}\"; expected fault, pipe and for", key), "request body");
    }
  }
  if (!step.contains("fault")) throw InputError("missing \"fault\"", "request body");
  step["at"] = "0s";
  nlohmann::json scenario = sim::ToJson(session.base());
  scenario["steps"] = nlohmann::json::array({step});
  scenario["run_until"] = "0s";
  return sim::ParseScenario(scenario, "request").steps.front();
}

}  // namespace

ordered_json SessionState(const Session& session) {
  const sim::World& world = session.world();
  ordered_json state;
  state["model"] = sim::ToString(session.base().model);
  state["now"] = sim::FormatDuration(session.now());
  state["now_ms"] = session.now();
  ordered_json pipes = ordered_json::array();
  for (int pipe = 0; pipe < world.pipe_count(); ++pipe) pipes.push_back(world.LifecycleState(pipe));
  state["states"] = pipes;
  state["process"] = world.ProcessStatus();
  state["steps"] = session.steps();
  state["trace_events"] = world.trace().size();
  state["trace_hash"] = fmt::format("{:016x}", session.TraceHash());
  ordered_json violations = ordered_json::array();
  for (const properties::PropertyResult& violated : session.Violations()) {
    violations.push_back({{"property", violated.name},
                          {"at", sim::FormatDuration(violated.at)},
                          {"source", violated.source},
                          {"message", violated.message}});
  }
  state["violations"] = violations;
  return state;
}

void SaveRecording(const Session& session, const std::string& path) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw InputError("cannot write the record", path);
  file << sim::ToJson(session.Recording()).dump(2) << "\n";
  if (!file) throw InputError("cannot write the record", path);
}

void RegisterControlApi(httplib::Server& server, Session& session, AfterChange after_change) {
  server.Post("/pipecheck/v1/advance", [&session, after_change](const httplib::Request& request,
                                                                httplib::Response& response) {
    const auto body = Body(request, response);
    if (!body) return;
    if (!body->contains("by") || !(*body)["by"].is_string()) {
      return Error(response, 400, "expected {\"by\": DURATION}, e.g. {\"by\": \"1h\"}");
    }
    const std::optional<sim::Millis> by = sim::ParseDuration((*body)["by"].get<std::string>());
    if (!by) return Error(response, 400, "\"by\" is not a duration such as 30s, 5m, 1h or 2d");
    ordered_json reply;
    bool up = true;
    {
      const std::lock_guard lock(session.mutex());
      session.Advance(*by);
      reply = SessionState(session);
      up = reply["process"] == "up";
    }
    after_change(up);  // Outside the lock: closing the API port waits for its requests.
    Reply(response, 200, reply);
  });
  server.Post("/pipecheck/v1/fault", [&session, after_change](const httplib::Request& request,
                                                              httplib::Response& response) {
    const auto body = Body(request, response);
    if (!body) return;
    ordered_json reply;
    {
      const std::lock_guard lock(session.mutex());
      sim::Step step;
      try {
        step = ParseFault(session, *body);
      } catch (const InputError& error) {
        return Error(response, 400, fmt::format("{} ({})", error.what(), error.where()));
      }
      const sim::StepOutcome outcome = session.Do(std::move(step));
      reply = SessionState(session);
      reply["accepted"] = outcome.accepted;
      if (!outcome.accepted) reply["refusal"] = outcome.message;
    }
    after_change(reply["process"] == "up");
    Reply(response, 200, reply);
  });
  server.Post("/pipecheck/v1/restart", [&session, after_change](const httplib::Request& request,
                                                                httplib::Response& response) {
    const auto body = Body(request, response);
    if (!body) return;
    const bool wipe = body->contains("wipe") && (*body)["wipe"] == true;
    ordered_json reply;
    {
      const std::lock_guard lock(session.mutex());
      if (session.base().model != sim::ModelKind::kMongosync) {
        return Error(response, 400,
                     "restart is a mongosync operator action; a ClickPipe has no process to restart");
      }
      sim::Step step;
      // After a fatal exit the documented recovery is a fresh start on an
      // emptied destination: {"wipe": true}.
      step.action = wipe ? "wipe_destination_and_restart" : "restart";
      const sim::StepOutcome outcome = session.Do(std::move(step));
      reply = SessionState(session);
      reply["accepted"] = outcome.accepted;
      if (!outcome.accepted) reply["refusal"] = outcome.message;
    }
    after_change(reply["process"] == "up");
    Reply(response, 200, reply);
  });
  server.Post("/pipecheck/v1/save", [&session](const httplib::Request& request, httplib::Response& response) {
    const auto body = Body(request, response);
    if (!body) return;
    if (!body->contains("path") || !(*body)["path"].is_string()) {
      return Error(response, 400, "expected {\"path\": FILE}");
    }
    const std::string path = (*body)["path"].get<std::string>();
    const std::lock_guard lock(session.mutex());
    try {
      SaveRecording(session, path);
    } catch (const InputError& error) {
      return Error(response, 400, fmt::format("{} ({})", error.what(), error.where()));
    }
    ordered_json reply = SessionState(session);
    reply["path"] = path;
    Reply(response, 200, reply);
  });
  server.Get("/pipecheck/v1/state", [&session](const httplib::Request&, httplib::Response& response) {
    const std::lock_guard lock(session.mutex());
    Reply(response, 200, SessionState(session));
  });
  server.Get("/pipecheck/v1/trace", [&session](const httplib::Request&, httplib::Response& response) {
    const std::lock_guard lock(session.mutex());
    response.set_content(session.world().trace().ToJsonl(), "application/x-ndjson");
  });
}

}  // namespace pipecheck::serve
