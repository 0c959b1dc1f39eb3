// fuzz/serve_http.cc: raw bytes on one connection to `pipecheck serve`'s
// ports, through the transport's own request parser (serve::AnswerBytes: the
// same parser, head and body limits, error answers and keep-alive rules as a
// socket's connection).
//
// Input: the first byte chooses the port (even: the ClickPipes API with
// --api-key k:s, odd: the control API of a mongosync session, whose advance
// is capped by a day); the rest is sent as it is: request heads, bodies,
// chunked or not, pipelined, malformed.
//
// Expected: every answer is an HTTP/1.1 response whose body is the port's
// own JSON error or result shape; the answers end after the first one that
// closes the connection. Findings: a crash or sanitizer report, an answer
// that is not HTTP, a 5xx (but mongosync's 503 while its process is down),
// a body that is not the port's JSON, and a ClickPipes request without the
// credentials that was applied to the world.
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fuzz/fuzz.h"
#include "properties/clickpipe_monitors.h"
#include "properties/mongosync_monitors.h"
#include "serve/clickpipes_api.h"
#include "serve/control_api.h"
#include "serve/http_server.h"
#include "serve/session.h"
#include "sim/scenario.h"

namespace {

using nlohmann::json;
using namespace pipecheck;

template <class Monitors>
std::unique_ptr<serve::Session> MakeSession(sim::ModelKind model) {
  json config = {{"documents", 50}, {"writes_per_second", 0.2}, {"oplog_retention", "6h"}};
  if (model == sim::ModelKind::kClickPipe) config["pipes"] = 2;
  const json document = {{"format", "pipecheck-scenario/1"}, {"name", "fuzz serve_http"},
                         {"model", sim::ToString(model)},    {"seed", 1},
                         {"config", config},                 {"steps", json::array()},
                         {"run_until", "0s"}};
  return serve::Session::Make<Monitors>(sim::ParseScenario(document, "session"));
}

// Each response of `written`, checked; stops at the end of the bytes.
void CheckAnswers(std::string_view written, bool control) {
  while (!written.empty()) {
    const std::size_t blank = written.find("\r\n\r\n");
    if (!written.starts_with("HTTP/1.") || written.size() < 12 || blank == std::string_view::npos) {
      fuzz::Finding(fmt::format("an answer that is not HTTP: '{}'", written.substr(0, 200)));
    }
    const int status = std::stoi(std::string(written.substr(9, 3)));
    const std::string_view head = written.substr(0, blank);
    std::size_t length = 0;
    const std::size_t field = head.find("Content-Length: ");
    if (field == std::string_view::npos) fuzz::Finding(fmt::format("an answer without Content-Length: {}", head));
    length = std::stoul(std::string(head.substr(field + 16, head.find("\r\n", field) - field - 16)));
    const std::string_view body = written.substr(blank + 4, length);
    written.remove_prefix(std::min(written.size(), blank + 4 + length));
    if (control && head.find("application/x-ndjson") != std::string_view::npos) continue;
    const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      fuzz::Finding(fmt::format("HTTP {} with a body that is not a JSON object: {}", status, body));
    }
    if (status >= 500 && !(status == 503 && parsed.value("error", "") == "ConnectionRefused")) {
      fuzz::Finding(fmt::format("HTTP {}: {}", status, body));
    }
    const bool shaped = control ? (status == 200 || parsed.contains("error"))
                                : (parsed.value("status", 0) == status && parsed.contains("requestId"));
    if (!shaped) fuzz::Finding(fmt::format("HTTP {} not in the port's shape: {}", status, body));
  }
}

}  // namespace

PIPECHECK_FUZZ_TARGET(serve_http) {
  if (input.empty()) return;
  const bool control = (input[0] & 1U) != 0;
  const std::string_view bytes = fuzz::Text(input).substr(1);
  serve::EventLoop loop;
  if (!control) {
    const auto session = MakeSession<properties::ClickPipeMonitors>(sim::ModelKind::kClickPipe);
    const auto api = serve::MakeClickPipesApi(*session, serve::ClickPipesApiOptions{"k:s"});
    CheckAnswers(serve::AnswerBytes(loop, *api, bytes), false);
    // Without the credentials nothing reaches the world.
    if (bytes.find("Basic azpz") == std::string_view::npos && session->steps() != 0) {
      fuzz::Finding("a request without the credentials was applied");
    }
    return;
  }
  const auto session = MakeSession<properties::MongosyncMonitors>(sim::ModelKind::kMongosync);
  session->Advance(0);
  serve::ControlOptions options;
  options.record_dir = "/nonexistent-pipecheck-fuzz";  // Any save fails: nothing is written.
  options.after_change = [] {};
  options.run_in_background = [](const std::function<void()>& work) { work(); };
  const auto control_api = serve::MakeControlApi(*session, loop, std::move(options));
  if (bytes.find("advance") != std::string_view::npos && bytes.find('d') != std::string_view::npos) return;
  CheckAnswers(serve::AnswerBytes(loop, *control_api, bytes), true);
}
