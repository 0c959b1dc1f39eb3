#include "fuzz/serve_harness.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/input_error.h"
#include "properties/clickpipe_monitors.h"
#include "properties/mongosync_monitors.h"
#include "properties/runner.h"
#include "serve/clickpipes_api.h"
#include "serve/control_api.h"
#include "serve/mongosync_api.h"
#include "serve/http_server.h"
#include "serve/session.h"
#include "sim/time.h"

namespace pipecheck::fuzz {
namespace {

using nlohmann::json;

constexpr sim::Millis kMaxVirtualTime = sim::kDay;
constexpr std::array<std::string_view, 5> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};

struct Request {
  std::string method;
  std::string path;
  std::vector<std::string> headers;  // "Name: value".
  std::string body;
};

bool HeaderLine(std::string_view line) {
  const std::size_t colon = line.find(": ");
  if (colon == 0 || colon == std::string_view::npos) return false;
  for (const char c : line.substr(0, colon)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  for (const char c : line) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') return false;
  }
  return true;
}

bool Framing(std::string_view header) {
  const std::string_view name = header.substr(0, header.find(':'));
  for (const std::string_view framing : {"content-length", "transfer-encoding", "host"}) {
    if (name.size() == framing.size() &&
        std::equal(name.begin(), name.end(), framing.begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; })) {
      return true;
    }
  }
  return false;
}

// The requests of the input; the api key of a first `key` line.
std::vector<Request> Requests(std::string_view text, std::string& api_key) {
  std::vector<std::vector<std::string_view>> records(1);
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line == "===") {
      records.emplace_back();
    } else {
      records.back().push_back(line);
    }
  }
  if (!records.front().empty() && records.front().front().starts_with("key ")) {
    api_key = std::string(records.front().front().substr(4));
    records.front().erase(records.front().begin());
  }
  std::vector<Request> requests;
  for (const std::vector<std::string_view>& lines : records) {
    if (lines.empty()) continue;
    const std::string_view first = lines.front();
    const std::size_t space = first.find(' ');
    if (space == std::string_view::npos) continue;
    Request request;
    request.method = std::string(first.substr(0, space));
    request.path = std::string(first.substr(space + 1));
    if (std::find(kMethods.begin(), kMethods.end(), request.method) == kMethods.end()) continue;
    if (request.path.empty() || std::any_of(request.path.begin(), request.path.end(), [](char c) {
          return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
        })) {
      continue;
    }
    std::size_t i = 1;
    for (; i < lines.size() && HeaderLine(lines[i]); ++i) {
      if (!Framing(lines[i])) request.headers.emplace_back(lines[i]);
    }
    if (i < lines.size() && lines[i].empty()) ++i;
    for (std::size_t b = i; b < lines.size(); ++b) {
      if (b > i) request.body += '\n';
      request.body += lines[b];
    }
    requests.push_back(std::move(request));
  }
  return requests;
}

struct Response {
  int status = 0;
  std::string head;
  std::string body;
};

Response Parse(const std::string& written, const Request& request) {
  const std::size_t blank = written.find("\r\n\r\n");
  if (!written.starts_with("HTTP/1.1 ") || written.size() < 12 || blank == std::string::npos) {
    Finding(fmt::format("{} {}: no HTTP response, but '{}'", request.method, request.path, written));
  }
  Response response;
  response.status = std::stoi(written.substr(9, 3));
  response.head = written.substr(0, blank);
  response.body = written.substr(blank + 4);
  return response;
}

json Object(const Response& response, const Request& request) {
  json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    Finding(fmt::format("{} {}: HTTP {} with a body that is not a JSON object: {}\n{}", request.method,
                        request.path, response.status, response.head, response.body));
  }
  return body;
}

bool NonEmptyString(const json& body, const char* key) {
  return body.contains(key) && body[key].is_string() && !body[key].get<std::string>().empty();
}

void CheckApi(sim::ModelKind model, const Request& request, const Response& response) {
  const json body = Object(response, request);
  const auto bad = [&](std::string_view why) {
    Finding(fmt::format("{} {}: HTTP {}: {}\n{}\n{}", request.method, request.path, response.status, why,
                        response.head, response.body));
  };
  if (model == sim::ModelKind::kMongosync) {
    if (response.status == 503 && body.value("error", "") == "ConnectionRefused") return;
    // /progress may fail for 2 minutes after a resume or a restart (MS-DLY):
    // 503 ProgressUnavailable, in the API's shape (docs/decisions.md).
    if (response.status == 503 && request.path == "/api/v1/progress" &&
        body.value("error", "") == "ProgressUnavailable" && body.value("success", true) == false &&
        NonEmptyString(body, "errorDescription")) {
      return;
    }
    if (response.status >= 500) bad("a server error");
    if (response.status == 200) {
      if (body.value("success", false) != true) bad("200 without success");
    } else if (body.value("success", true) != false || !NonEmptyString(body, "error") ||
               !NonEmptyString(body, "errorDescription")) {
      bad("an error not in the {success: false, error, errorDescription} shape");
    }
    return;
  }
  if (response.status >= 500) bad("a server error");
  if (!body.contains("status") || body["status"] != response.status || !NonEmptyString(body, "requestId")) {
    bad("a body without the HTTP status and a requestId");
  }
  if (response.status == 200 ? !body.contains("result") : !NonEmptyString(body, "error")) {
    bad("a body without its result or error");
  }
}

void CheckControl(const Request& request, const Response& response) {
  if (response.status >= 500) {
    Finding(fmt::format("{} {}: HTTP {}\n{}\n{}", request.method, request.path, response.status, response.head,
                        response.body));
  }
  if (request.path.starts_with("/pipecheck/v1/trace") && response.status == 200) {
    std::string_view lines = response.body;
    while (!lines.empty()) {
      const std::size_t end = lines.find('\n');
      if (json::parse(lines.substr(0, end), nullptr, false).is_discarded()) {
        Finding(fmt::format("GET /pipecheck/v1/trace: a line that is not JSON: {}", lines.substr(0, end)));
      }
      lines = end == std::string_view::npos ? std::string_view() : lines.substr(end + 1);
    }
    return;
  }
  const json body = Object(response, request);
  if (response.status != 200 && !NonEmptyString(body, "error")) {
    Finding(fmt::format("{} {}: HTTP {} without an error: {}", request.method, request.path, response.status,
                        response.body));
  }
}

std::string Raw(const Request& request) {
  std::string raw = fmt::format("{} {} HTTP/1.1\r\nHost: localhost\r\n", request.method, request.path);
  bool typed = false;
  for (const std::string& header : request.headers) {
    raw += header + "\r\n";
    typed = typed || (header.size() > 13 && std::equal(header.begin(), header.begin() + 13, "content-type:",
                                                        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }));
  }
  if (!typed) raw += "Content-Type: application/json\r\n";
  raw += fmt::format("Content-Length: {}\r\n\r\n", request.body.size());
  raw += request.body;
  return raw;
}

// A control request that could reach /pipecheck/v1/save (which writes a
// file): its path names it, or percent-encodes something.
bool MaySave(const Request& request) {
  return request.path.find("save") != std::string::npos || request.path.find('%') != std::string::npos;
}

// An advance that would take the session past kMaxVirtualTime.
bool TooLong(const serve::Session& session, const Request& request) {
  if (!request.path.starts_with("/pipecheck/v1/advance")) return false;
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("by") || !body["by"].is_string()) return false;
  const std::optional<sim::Millis> by = sim::ParseDuration(body["by"].get<std::string>());
  return by && *by > kMaxVirtualTime - session.now();
}

template <class Monitors>
void Run(Input input, sim::ModelKind model) {
  std::string api_key;
  const std::vector<Request> requests = Requests(Text(input), api_key);
  json config = {{"documents", 100}, {"writes_per_second", 0.2}, {"oplog_retention", "6h"}};
  if (model == sim::ModelKind::kClickPipe) config["pipes"] = 4;  // As serve's default.
  const json document = {{"format", "pipecheck-scenario/1"}, {"name", "fuzz serve session"},
                         {"model", sim::ToString(model)},    {"seed", 1},
                         {"config", config},                 {"steps", json::array()},
                         {"run_until", "0s"}};
  const auto session = serve::Session::Make<Monitors>(sim::ParseScenario(document, "session"));
  if (model == sim::ModelKind::kMongosync) session->Advance(0);  // As serve starts it (D17).

  serve::EventLoop loop;
  if (api_key.find(':') == std::string::npos) api_key.clear();  // serve refuses such a key.
  const std::unique_ptr<serve::Router> api = model == sim::ModelKind::kMongosync
                                                 ? serve::MakeMongosyncApi(*session, api_key)
                                                 : serve::MakeClickPipesApi(*session, serve::ClickPipesApiOptions{api_key});
  serve::ControlOptions options;
  options.record_dir = ".";  // Never written: save requests are skipped.
  options.control_key = api_key;
  options.after_change = [] {};
  options.run_in_background = [](const std::function<void()>& work) { work(); };
  const std::unique_ptr<serve::Router> control = serve::MakeControlApi(*session, loop, std::move(options));

  for (const Request& request : requests) {
    if (request.path.starts_with("/pipecheck/")) {
      if (MaySave(request) || TooLong(*session, request)) continue;
      CheckControl(request, Parse(serve::AnswerBytes(loop, *control, Raw(request)), request));
    } else {
      CheckApi(model, request, Parse(serve::AnswerBytes(loop, *api, Raw(request)), request));
    }
  }

  for (const properties::PropertyResult& violated : session->Violations()) {
    Finding(fmt::format("property {} violated at {} ms: {}", violated.name, violated.at, violated.message));
  }
  const sim::Scenario saved =
      sim::ParseScenario(json::parse(sim::ToJson(session->Recording()).dump(2)), "recording.json");
  const properties::RunResult replayed = properties::RunScenario<Monitors>(saved);
  if (!replayed.passed() || replayed.trace_hash() != session->TraceHash()) {
    std::string why;
    for (const properties::ExpectationResult& expectation : replayed.expectations) {
      if (!expectation.met) why += fmt::format("\n  {}: {}", expectation.what, expectation.why);
    }
    Finding(fmt::format("the record replays to trace {:016x}, the live session's is {:016x}{}",
                        replayed.trace_hash(), session->TraceHash(), why));
  }
}

}  // namespace

void ServeRequests(Input input, sim::ModelKind model) {
  try {
    if (model == sim::ModelKind::kMongosync) {
      Run<properties::MongosyncMonitors>(input, model);
    } else {
      Run<properties::ClickPipeMonitors>(input, model);
    }
  } catch (const std::exception& error) {
    Finding(fmt::format("unexpected {}: {}", typeid(error).name(), error.what()));
  }
}

}  // namespace pipecheck::fuzz
