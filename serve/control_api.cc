#include "serve/control_api.h"

#include <optional>
#include <string>
#include <utility>

#include <boost/asio/ip/address.hpp>
#include <fmt/format.h>

#include "model/input_error.h"
#include "serve/clickpipes_api.h"
#include "serve/record_file.h"
#include "serve/triggers.h"
#include "sim/journal.h"
#include "sim/scenario.h"
#include "sim/time.h"
#include "sim/trace.h"

namespace pipecheck::serve {
namespace {

using nlohmann::ordered_json;

Response Json(int status, const ordered_json& body) {
  Response response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "\n";
  return response;
}

Response Fail(int status, const std::string& text) {
  Response response;
  ControlError(response, status, text);
  return response;
}

// The request body as a JSON object ({} when there is none), or the answer
// that refuses it.
std::optional<nlohmann::json> Body(const Request& request, Response& refusal) {
  if (request.body.empty()) return nlohmann::json::object();
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    refusal = Fail(400, "the request body must be a JSON object");
    return std::nullopt;
  }
  return body;
}

std::string_view MediaType(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  return content_type;
}

bool SameText(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// The host of a Host header or an origin's authority, without the port.
std::string_view HostName(std::string_view authority) {
  if (authority.starts_with("[")) return authority.substr(1, authority.find(']') - 1);
  return authority.substr(0, authority.find(':'));
}

bool LoopbackName(std::string_view host) {
  if (SameText(host, "localhost")) return true;
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(std::string(host), error);
  return !error && address.is_loopback();
}

// A web page the operator visits must not drive the control API: browsers
// mark its requests with Origin (and Sec-Fetch-Site), can send a simple POST
// only as a form or text/plain, and reach 127.0.0.1 through a name of their
// own only by rebinding it (the Host header keeps the name).
bool RefuseWebPages(const ControlOptions& options, const Request& request, Response& response) {
  const std::string_view site = request.Header("Sec-Fetch-Site");
  if (request.HasHeader("Origin") || (!site.empty() && site != "none" && site != "same-origin")) {
    const std::string_view origin = request.Header("Origin");
    const std::string_view authority = origin.substr(origin.find("://") == std::string_view::npos
                                                         ? origin.size()
                                                         : origin.find("://") + 3);
    if (origin.empty() || !LoopbackName(HostName(authority)) || (!site.empty() && site == "cross-site")) {
      ControlError(response, 403, "requests from web pages are refused: the control API is for the operator's tools");
      return false;
    }
  }
  if (options.loopback_hosts_only && request.HasHeader("Host") && !LoopbackName(HostName(request.Header("Host")))) {
    ControlError(response, 403,
                 fmt::format("Host '{}' is not a loopback address; use 127.0.0.1 or localhost",
                             ValidUtf8(request.Header("Host"))));
    return false;
  }
  const bool has_type = request.HasHeader("Content-Type");
  if ((!request.body.empty() || has_type) && !SameText(MediaType(request.Header("Content-Type")), "application/json")) {
    ControlError(response, 415, "the control API takes application/json bodies only (Content-Type: application/json)");
    return false;
  }
  return true;
}

// Where a scenario error about the one step made of a fault request points,
// in the request body's own words: "$.steps[0].pipe" is the body's "pipe".
std::string BodyPlace(const std::string& where) {
  constexpr std::string_view kStep = "request: $.steps[0]";
  if (!where.starts_with(kStep)) return "request body";
  const std::string key = where.substr(kStep.size() + (where.size() > kStep.size() ? 1 : 0));
  return key.empty() ? "request body" : fmt::format("\"{}\" in the request body", key);
}

// A ClickPipe named by the id or name its API returned, as its slot; a
// number is the slot itself.
nlohmann::json FaultPipe(const Session& session, const nlohmann::json& pipe) {
  if (!pipe.is_string() || session.base().model != sim::ModelKind::kClickPipe) return pipe;
  std::string why;
  const std::optional<int> slot = FindClickPipe(session, pipe.get<std::string>(), &why);
  if (!slot) throw InputError(why, "\"pipe\" in the request body");
  return *slot;
}

// A fault request checked as a scenario step: the scenario parser knows every
// fault of the model, its pipes and its durations.
sim::Step ParseFault(const Session& session, const nlohmann::json& body) {
  nlohmann::json step = nlohmann::json::object();
  for (const auto& [key, value] : body.items()) {
    if (key == "fault" || key == "for") {
      step[key] = value;
    } else if (key == "pipe") {
      step[key] = FaultPipe(session, value);
    } else {
      throw InputError(fmt::format("unknown key \"{}\"; expected fault, pipe and for", key), "request body");
    }
  }
  if (!step.contains("fault")) throw InputError("missing \"fault\"", "request body");
  step["at"] = "0s";
  nlohmann::json scenario = sim::ToJson(session.base());
  scenario["steps"] = nlohmann::json::array({step});
  scenario["run_until"] = "0s";
  try {
    return sim::ParseScenario(scenario, "request").steps.front();
  } catch (const InputError& error) {
    throw InputError(error.what(), BodyPlace(error.where()));
  }
}

// An advance applied in parts: other requests are answered between two.
class Advance : public std::enable_shared_from_this<Advance> {
 public:
  Advance(Session& session, EventLoop& loop, const ControlOptions& options, sim::Millis until, Reply reply)
      : session_(session),
        loop_(loop),
        options_(options),
        until_(until),
        reply_(std::move(reply)),
        generation_(session.generation()) {}
  void Part() {
    if (session_.generation() != generation_) {
      // POST /pipecheck/v1/reset came between two parts: the world this
      // advance was moving is gone, and the new one is not moved for it.
      return reply_(Fail(409, "the session was reset during the advance; the new session was not advanced"));
    }
    const bool done = session_.AdvanceSome(until_, kAdvanceEventsPerPart);
    options_.after_change();
    if (!done) {
      loop_.Post([self = shared_from_this()] { self->Part(); });
      return;
    }
    reply_(Json(200, SessionState(session_)));
  }

 private:
  Session& session_;
  EventLoop& loop_;
  const ControlOptions& options_;
  sim::Millis until_;
  Reply reply_;
  std::uint64_t generation_;
};

void AddAdvance(Router& router, Session& session, EventLoop& loop, const ControlOptions& options) {
  router.AddAsync("POST", "/pipecheck/v1/advance", [&session, &loop, &options](const Request& request, Reply reply) {
    Response refusal;
    const auto body = Body(request, refusal);
    if (!body) return reply(std::move(refusal));
    if (!body->contains("by") || !(*body)["by"].is_string()) {
      return reply(Fail(400, "expected {\"by\": DURATION}, e.g. {\"by\": \"1h\"}"));
    }
    const std::optional<sim::Millis> by = sim::ParseDuration((*body)["by"].get<std::string>());
    if (!by) return reply(Fail(400, "\"by\" is not a duration such as 30s, 5m, 1h or 2d"));
    if (*by > Session::kForever - session.now()) {
      return reply(Fail(400, fmt::format("the session would pass {} of virtual time, the longest a record holds",
                                         sim::FormatDuration(Session::kForever))));
    }
    std::make_shared<Advance>(session, loop, options, session.now() + *by, std::move(reply))->Part();
  });
}

// A step of the world from the control API, answered with the state; a
// refusal ends with `hint` (the call that is accepted instead), if any.
Response Apply(Session& session, const ControlOptions& options, sim::Step step, const std::string& hint = "") {
  const sim::StepOutcome outcome = session.Do(std::move(step));
  options.after_change();
  ordered_json reply = SessionState(session);
  reply["accepted"] = outcome.accepted;
  if (!outcome.accepted) reply["refusal"] = outcome.message + hint;
  return Json(200, reply);
}

void AddSteps(Router& router, Session& session, const ControlOptions& options) {
  // A fresh session, as if the server had just started with the same seed
  // and configuration; the journal so far is kept as the record of the
  // session before (Session::Reset).
  router.Add("POST", "/pipecheck/v1/reset", [&session, &options](const Request& request, Response& response) {
    const auto body = Body(request, response);
    if (!body) return;
    if (!body->empty()) return ControlError(response, 400, "reset takes no parameters: send {} or no body");
    try {
      session.Reset();
    } catch (const InputError& error) {
      options.after_change();
      return ControlError(response, 500, fmt::format("the session was reset, but without a journal: {} ({})",
                                                     error.what(), error.where()));
    }
    options.after_change();
    ordered_json reply = SessionState(session);
    reply["journal"] = session.journal_path();
    response = Json(200, reply);
  });
  router.Add("POST", "/pipecheck/v1/fault", [&session, &options](const Request& request, Response& response) {
    const auto body = Body(request, response);
    if (!body) return;
    sim::Step step;
    try {
      step = ParseFault(session, *body);
    } catch (const InputError& error) {
      return ControlError(response, 400, fmt::format("{} ({})", error.what(), error.where()));
    }
    response = Apply(session, options, std::move(step));
  });
  router.Add("POST", "/pipecheck/v1/restart", [&session, &options](const Request& request, Response& response) {
    const auto body = Body(request, response);
    if (!body) return;
    if (session.base().model != sim::ModelKind::kMongosync) {
      return ControlError(response, 400,
                          "restart is a mongosync operator action; a ClickPipe has no process to restart");
    }
    sim::Step step;
    // After a fatal exit the documented recovery is a fresh start on an
    // emptied destination: {"wipe": true}.
    const bool wipe = body->contains("wipe") && (*body)["wipe"] == true;
    step.action = wipe ? "wipe_destination_and_restart" : "restart";
    const bool exited = session.world().ProcessStatus() == "exited";
    response = Apply(session, options, std::move(step),
                     !wipe && exited ? "; after a fatal exit the recovery is POST /pipecheck/v1/restart {\"wipe\": true}"
                                     : "");
  });
}

void AddSave(Router& router, Session& session, EventLoop& loop, const ControlOptions& options) {
  router.AddAsync("POST", "/pipecheck/v1/save", [&session, &loop, &options](const Request& request, Reply reply) {
    Response refusal;
    const auto body = Body(request, refusal);
    if (!body) return reply(std::move(refusal));
    if (!body->contains("path") || !(*body)["path"].is_string()) {
      return reply(Fail(400, "expected {\"path\": NAME}, a file name in --record-dir"));
    }
    const std::string name = (*body)["path"].get<std::string>();
    try {
      CheckPlainName(name, "path");
    } catch (const InputError& error) {
      return reply(Fail(400, fmt::format("{} ({})", error.what(), error.where())));
    }
    ordered_json state = SessionState(session);
    state["path"] = name;
    if (session.journal_path().empty()) {
      // No journal: the record is written from memory, on this thread.
      try {
        WriteFileIn(options.record_dir, name, [&session](std::ostream& out) { session.WriteRecording(out); });
      } catch (const InputError& error) {
        return reply(Fail(400, fmt::format("{} ({})", error.what(), error.where())));
      }
      return reply(Json(200, state));
    }
    // From the journal, as it is now, on another thread: the API keeps answering.
    const std::string journal = session.journal_path();
    const std::uint64_t length = session.journal_bytes();
    options.run_in_background([&loop, &options, journal, length, name, state = std::move(state),
                               reply = std::move(reply)]() mutable {
      std::optional<std::string> failure;
      try {
        WriteFileIn(options.record_dir, name, [&](std::ostream& out) { sim::JournalToScenario(journal, out, length); });
      } catch (const InputError& error) {
        failure = fmt::format("{} ({})", error.what(), error.where());
      }
      loop.Post([failure = std::move(failure), state = std::move(state), reply = std::move(reply)] {
        reply(failure ? Fail(400, *failure) : Json(200, state));
      });
    });
  });
}

void AddReads(Router& router, Session& session) {
  router.Add("GET", "/pipecheck/v1/?", [&session](const Request&, Response& response) {
    const sim::ModelKind model = session.base().model;
    response = Json(200, {{"model", sim::ToString(model)},
                          {"control", ControlCalls(model)},
                          {"triggers", TriggerRoutes(model)}});
  });
  router.Add("GET", "/pipecheck/v1/state", [&session](const Request&, Response& response) {
    response = Json(200, SessionState(session));
  });
  // For a client's or an orchestrator's readiness check: the server answers
  // and what it emulates; nothing is applied or recorded.
  router.Add("GET", "/pipecheck/v1/health", [&session](const Request&, Response& response) {
    response = Json(200, {{"status", "ok"},
                          {"model", sim::ToString(session.base().model)},
                          {"process", session.world().ProcessStatus()},
                          {"now", sim::FormatClock(session.now())},
                          {"now_ms", session.now()},
                          {"steps", session.steps()}});
  });
  router.Add("GET", "/pipecheck/v1/trace", [&session](const Request&, Response& response) {
    // The events there are when the request is answered, in parts.
    const std::size_t end = session.world().trace().size();
    response.content_type = "application/x-ndjson";
    // Events given away to the trace's file are read back from it
    // (Session::TraceJsonl), so a trace of any length streams in parts.
    response.stream = [&session, end, next = std::size_t{0}, offset = std::uint64_t{0}](std::string& part) mutable {
      part.clear();
      return session.TraceJsonl(next, offset, end, part);
    };
  });
}

}  // namespace

void ControlError(Response& response, int status, const std::string& text) {
  response.status = status;
  response.content_type = "application/json";
  response.body = ordered_json({{"error", text}}).dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

ordered_json SessionState(const Session& session) {
  const sim::World& world = session.world();
  ordered_json state;
  state["model"] = sim::ToString(session.base().model);
  // Times as traces spell them (h:mm:ss.mmm), and in milliseconds.
  state["now"] = sim::FormatClock(session.now());
  state["now_ms"] = session.now();
  ordered_json pipes = ordered_json::array();
  for (int pipe = 0; pipe < world.pipe_count(); ++pipe) pipes.push_back(world.LifecycleState(pipe));
  state["states"] = pipes;
  state["process"] = world.ProcessStatus();
  state["steps"] = session.steps();
  state["reads_folded"] = session.reads_folded();
  state["trace_events"] = world.trace().size();
  state["trace_hash"] = fmt::format("{:016x}", session.TraceHash());
  ordered_json violations = ordered_json::array();
  for (const properties::PropertyResult& violated : session.Violations()) {
    violations.push_back({{"property", violated.name},
                          {"at", sim::FormatClock(violated.at)},
                          {"at_ms", violated.at},
                          {"source", violated.source},
                          {"message", violated.message}});
  }
  state["violations"] = violations;
  // A disk that filled up: the journal or the trace's file stopped growing.
  if (!session.journal_error().empty()) state["journal_error"] = session.journal_error();
  if (!session.trace_file_error().empty()) state["trace_error"] = session.trace_file_error();
  return state;
}

std::unique_ptr<Router> MakeControlApi(Session& session, EventLoop& loop, ControlOptions options) {
  auto router = std::make_unique<Router>(&ControlError);
  // The options live as long as the router: the handlers refer to them.
  auto held = std::make_shared<ControlOptions>(std::move(options));
  router->RequireBasicAuth(held->control_key, "pipecheck control");
  router->SetGuard([held](const Request& request, Response& response) { return RefuseWebPages(*held, request, response); });
  AddAdvance(*router, session, loop, *held);
  AddSteps(*router, session, *held);
  AddSave(*router, session, loop, *held);
  AddReads(*router, session);
  return router;
}

}  // namespace pipecheck::serve
