#include "serve/mongosync_api.h"

#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/input_error.h"
#include "model/mongosync.h"
#include "sim/mongosync_world.h"
#include "sim/start_body.h"

namespace pipecheck::serve {
namespace {

namespace ms = model::mongosync;
using nlohmann::ordered_json;

constexpr std::size_t kDocumentBytes = 100;  // The size a simulated document stands for.

std::string Dump(const ordered_json& body) {
  return body.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

void Reply(Response& response, int status, const ordered_json& body) {
  response.status = status;
  response.content_type = "application/json";
  response.body = Dump(body);
}

// The transport's and the router's errors, in the API's shape.
void Shape(Response& response, int status, const std::string& text) {
  std::string_view error = "InvalidRequest";
  switch (status) {
    case 401: error = "Unauthorized"; break;
    case 404: error = "NotFound"; break;
    case 405: error = "MethodNotAllowed"; break;
    case 413: error = "PayloadTooLarge"; break;
    case 431: error = "RequestHeaderFieldsTooLarge"; break;
    case 503: error = "ServiceUnavailable"; break;
    default: break;
  }
  Reply(response, status, {{"success", false}, {"error", error}, {"errorDescription", text}});
}

void Refuse(Response& response, std::string_view error, std::string_view description) {
  Reply(response, 400, {{"success", false}, {"error", error}, {"errorDescription", description}});
}

// A refusal as the world words it, "<error>: <description>" (model::RefusalText::Line).
void RefuseOutcome(Response& response, const std::string& message) {
  const std::size_t colon = message.find(": ");
  if (colon == std::string::npos) {
    Refuse(response, "InvalidState", message);
  } else {
    Refuse(response, message.substr(0, colon), message.substr(colon + 2));
  }
}

// The port closes when the process goes down; a request that arrived just
// before it closed is answered 503 rather than applied to a process that is
// not there.
void Unreachable(Response& response) {
  Reply(response, 503,
        {{"success", false}, {"error", "ConnectionRefused"}, {"errorDescription", "the mongosync process is not running"}});
}

void Operation(Router& router, Session& session, const std::string& name) {
  router.Add("POST", "/api/v1/" + name, [&session, name](const Request& request, Response& response) {
    nlohmann::json body = nlohmann::json::object();
    if (!request.body.empty()) {
      body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
      if (body.is_discarded()) return Refuse(response, "InvalidRequest", "the request body is not valid JSON");
    }
    if (!body.is_object()) return Refuse(response, "InvalidRequest", "the request body must be a JSON object");
    sim::Step step;
    step.action = name;
    if (name == "start") {
      // The real /start requires both cluster names (MS-START); a scenario's
      // body may leave them out, so the check is here.
      for (const char* key : {"source", "destination"}) {
        if (!body.contains(key) || !body[key].is_string() || body[key].get<std::string>().empty()) {
          return Refuse(response, "InvalidStartOptions",
                        fmt::format("\"{}\" is required: the name of a cluster, e.g. \"cluster0\"", key));
        }
      }
      try {
        step.body = sim::ParseStartBody(body, "request body");
      } catch (const InputError& error) {
        return Refuse(response, "InvalidStartOptions", fmt::format("{} ({})", error.what(), error.where()));
      }
    } else if (!body.empty()) {
      return Refuse(response, "InvalidRequest", fmt::format("/{} takes no parameters; send {{}}", name));
    }
    if (session.world().ProcessStatus() != "up") return Unreachable(response);
    const sim::StepOutcome outcome = session.Do(std::move(step));
    if (!outcome.accepted) return RefuseOutcome(response, outcome.message);
    Reply(response, 200, {{"success", true}});
  });
}

}  // namespace

ordered_json MongosyncProgress(const Session& session) {
  const auto& world = dynamic_cast<const sim::MongosyncWorld&>(session.world());
  const ms::Sync& sync = world.sync();
  ordered_json progress;
  progress["state"] = ms::ToString(sync.state);
  progress["canCommit"] = ms::CanCommit(sync);
  const bool idle = sync.state == ms::State::kIdle || sync.state == ms::State::kNone;
  if (idle) {
    // In IDLE every field except state and canCommit is null (MS-PROG).
    for (const char* key : {"canWrite", "info", "lagTimeSeconds", "totalEventsApplied", "collectionCopy",
                            "directionMapping", "mongosyncID", "coordinatorID"}) {
      progress[key] = nullptr;
    }
    return progress;
  }
  progress["canWrite"] = sync.can_write;
  switch (sync.state) {
    case ms::State::kRunning: progress["info"] = ms::ToString(sync.phase); break;
    case ms::State::kCommitting: progress["info"] = "waiting for commit to complete"; break;
    case ms::State::kCommitted: progress["info"] = "commit completed"; break;
    default: progress["info"] = nullptr; break;
  }
  const std::optional<sim::Millis> lag = world.LagMillis();
  if (sync.state == ms::State::kPaused || !lag) {
    progress["lagTimeSeconds"] = nullptr;  // Null in PAUSED (MS-PROG).
  } else if (sync.state == ms::State::kCommitted) {
    progress["lagTimeSeconds"] = 0;  // It becomes 0 at commit (MS-PT).
  } else {
    progress["lagTimeSeconds"] = *lag / 1000;
  }
  progress["totalEventsApplied"] = world.entries_applied();
  std::uint64_t source_documents = 0;
  std::uint64_t copied_documents = 0;
  const sim::SourceCluster& source = world.cluster(world.source_index());
  const sim::SourceCluster& destination = world.cluster(world.destination_index());
  for (int c = 0; c < source.collection_count(); ++c) {
    source_documents += source.collection(c).live_count();
    if (c < destination.collection_count()) copied_documents += destination.collection(c).live_count();
  }
  progress["collectionCopy"] = {
      {"estimatedTotalBytes", source_documents * kDocumentBytes},
      {"estimatedCopiedBytes", std::min(copied_documents, source_documents) * kDocumentBytes}};
  const int source_cluster = world.source_index();
  progress["directionMapping"] = {
      {"Source", fmt::format("cluster{}: localhost:{}", source_cluster, 27017 + source_cluster)},
      {"Destination", fmt::format("cluster{}: localhost:{}", 1 - source_cluster, 27018 - source_cluster)}};
  progress["mongosyncID"] = "coordinator";
  progress["coordinatorID"] = "coordinator";
  return progress;
}

std::unique_ptr<Router> MakeMongosyncApi(Session& session, const std::string& api_key) {
  auto router = std::make_unique<Router>(&Shape);
  router->RequireBasicAuth(api_key, "mongosync API");
  for (const char* name : {"start", "pause", "resume", "commit", "reverse"}) Operation(*router, session, name);
  router->Add("GET", "/api/v1/progress", [&session](const Request&, Response& response) {
    if (session.world().ProcessStatus() != "up") return Unreachable(response);
    sim::Step step;
    step.action = "progress";
    // A poll that sees what the last one saw is folded into it (serve/session.h).
    const Session::PollResult poll = session.Poll(std::move(step), [](const Session& polled) {
      ordered_json body;
      body["success"] = true;
      body["progress"] = MongosyncProgress(polled);
      return Dump(body);
    });
    if (!poll.outcome.accepted) return RefuseOutcome(response, poll.outcome.message);
    response.status = 200;
    response.body = poll.answer;
  });
  return router;
}

}  // namespace pipecheck::serve
