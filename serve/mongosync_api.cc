#include "serve/mongosync_api.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/input_error.h"
#include "model/mongosync.h"
#include "model/mongosync_version.h"
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

namespace {

// Every field this release's /progress has, in the documented order (MS-PT).
std::vector<std::string_view> ProgressKeys(ms::Version version) {
  std::vector<std::string_view> keys = {"state", "canCommit", "canWrite", "info", "lagTimeSeconds"};
  if (ms::Has(version, ms::Feature::kLagObject)) keys.push_back("lag");
  for (const char* key : {"totalEventsApplied", "collectionCopy", "directionMapping", "mongosyncID",
                          "coordinatorID"}) {
    keys.push_back(key);
  }
  if (ms::Has(version, ms::Feature::kVerification)) keys.push_back("verification");
  if (ms::Has(version, ms::Feature::kCeaCatchupEstimate)) keys.push_back("estimatedSecondsToCEACatchup");
  if (ms::Has(version, ms::Feature::kPingLatency)) {
    keys.push_back("source");
    keys.push_back("destination");
  }
  if (ms::Has(version, ms::Feature::kOplogTimeRemaining)) keys.push_back("estimatedOplogTimeRemaining");
  if (ms::Has(version, ms::Feature::kWarnings)) keys.push_back("warnings");
  return keys;
}

// lagTimeSeconds: null in PAUSED (MS-PROG) and once the applied point is
// lost; 0 from COMMITTED on (MS-PT).
std::optional<std::int64_t> LagSeconds(const sim::MongosyncWorld& world) {
  const ms::State state = world.sync().state;
  if (state == ms::State::kPaused) return std::nullopt;
  if (state == ms::State::kCommitted) return 0;
  const std::optional<sim::Millis> lag = world.LagMillis();
  if (!lag) return std::nullopt;
  return *lag / sim::kSecond;
}

ordered_json OrNull(const std::optional<std::int64_t>& value) {
  return value ? ordered_json(*value) : ordered_json(nullptr);
}

// The embedded verifier's view of one side (MS-PT): it hashes what the copy
// wrote, then follows the change stream.
ordered_json VerifierSide(const sim::MongosyncWorld& world, std::uint64_t documents,
                          std::uint64_t hashed, const std::optional<std::int64_t>& lag) {
  const ms::Sync& sync = world.sync();
  const bool copying = sync.state == ms::State::kRunning && sync.phase == ms::Phase::kCollectionCopy;
  const int total = world.cluster(world.source_index()).collection_count();
  return {{"estimatedDocumentCount", documents},
          {"hashedDocumentCount", hashed},
          {"lagTimeSeconds", OrNull(lag)},
          {"phase", copying ? "initial hashing" : "stream hashing"},
          {"scannedCollectionCount", copying ? std::min(world.collections_copied(), total) : total},
          {"totalCollectionCount", total}};
}

// The fields of the releases after 1.8, outside IDLE.
void NewerFields(const sim::MongosyncWorld& world, std::uint64_t source_documents,
                 std::uint64_t copied_documents, ordered_json& progress) {
  const ms::Sync& sync = world.sync();
  const std::optional<std::int64_t> lag = LagSeconds(world);
  const bool has_lag = lag && sync.state != ms::State::kPaused;
  progress["lag"] = has_lag ? ordered_json{{"overallLagSeconds", *lag}, {"crudLagSeconds", *lag},
                                           {"ddlLagSeconds", 0}}
                            : ordered_json(nullptr);
  progress["verification"] = nullptr;
  if (sync.options.verification) {
    progress["verification"] = {
        {"source", VerifierSide(world, source_documents, copied_documents, lag)},
        {"destination", VerifierSide(world, copied_documents, copied_documents, lag)}};
  }
  // Catching up needs the pending events at the apply rate; none while stalled.
  const bool cea = sync.state == ms::State::kRunning && sync.phase == ms::Phase::kChangeEventApplication;
  const std::int64_t rate = world.ApplyRate();
  progress["estimatedSecondsToCEACatchup"] = nullptr;
  if (cea && lag && rate > 0) {
    const sim::SourceCluster& source = world.cluster(world.source_index());
    const std::int64_t pending = std::max<std::int64_t>(0, source.next_ts() - world.applied_ts());
    progress["estimatedSecondsToCEACatchup"] = (pending + rate - 1) / rate;
  }
  progress["source"] = {{"pingLatencyMs", 1}};
  progress["destination"] = {{"pingLatencyMs", world.destination_available() ? ordered_json(1) : nullptr}};
  // Only in RUNNING before canWrite (MS-PT): the time left before the first
  // unapplied entry leaves the source oplog.
  progress["estimatedOplogTimeRemaining"] = nullptr;
  const std::optional<sim::Millis> lag_ms = world.LagMillis();
  if (sync.state == ms::State::kRunning && !sync.can_write && lag_ms) {
    progress["estimatedOplogTimeRemaining"] =
        std::max<sim::Millis>(0, world.oplog_retention() - *lag_ms) / sim::kSecond;
  }
  progress["warnings"] = ordered_json::array();
}

// The /progress answer: the progress, or during the window after a resume
// or restart (MS-DLY) the documented error shape, answered 503.
ordered_json ProgressAnswer(const Session& session);

}  // namespace

ordered_json MongosyncProgress(const Session& session) {
  const auto& world = dynamic_cast<const sim::MongosyncWorld&>(session.world());
  const ms::Sync& sync = world.sync();
  ordered_json all;
  all["state"] = ms::ToString(sync.state);
  all["canCommit"] = ms::CanCommit(sync);
  ordered_json progress;
  const std::vector<std::string_view> keys = ProgressKeys(world.version());
  if (sync.state == ms::State::kIdle || sync.state == ms::State::kNone) {
    // In IDLE every field except state and canCommit is null (MS-PROG).
    for (const std::string_view key : keys) {
      const std::string name(key);
      progress[name] = all.contains(name) ? all[name] : ordered_json(nullptr);
    }
    return progress;
  }
  all["canWrite"] = sync.can_write;
  switch (sync.state) {
    case ms::State::kRunning: all["info"] = ms::ToString(sync.phase); break;
    case ms::State::kCommitting: all["info"] = "waiting for commit to complete"; break;
    case ms::State::kCommitted: all["info"] = "commit completed"; break;
    default: all["info"] = nullptr; break;
  }
  all["lagTimeSeconds"] = OrNull(LagSeconds(world));
  all["totalEventsApplied"] = world.entries_applied();
  std::uint64_t source_documents = 0;
  std::uint64_t copied_documents = 0;
  const sim::SourceCluster& source = world.cluster(world.source_index());
  const sim::SourceCluster& destination = world.cluster(world.destination_index());
  for (int c = 0; c < source.collection_count(); ++c) {
    source_documents += source.collection(c).live_count();
    if (c < destination.collection_count()) copied_documents += destination.collection(c).live_count();
  }
  copied_documents = std::min(copied_documents, source_documents);
  all["collectionCopy"] = {{"estimatedTotalBytes", source_documents * kDocumentBytes},
                           {"estimatedCopiedBytes", copied_documents * kDocumentBytes}};
  const int source_cluster = world.source_index();
  all["directionMapping"] = {
      {"Source", fmt::format("cluster{}: localhost:{}", source_cluster, 27017 + source_cluster)},
      {"Destination", fmt::format("cluster{}: localhost:{}", 1 - source_cluster, 27018 - source_cluster)}};
  all["mongosyncID"] = "coordinator";
  all["coordinatorID"] = "coordinator";
  NewerFields(world, source_documents, copied_documents, all);
  // Only the fields this release has, in its order.
  for (const std::string_view key : keys) progress[std::string(key)] = all[std::string(key)];
  return progress;
}

namespace {

ordered_json ProgressAnswer(const Session& session) {
  const auto& world = dynamic_cast<const sim::MongosyncWorld&>(session.world());
  if (!world.ProgressAnswers()) {
    return {{"success", false},
            {"error", "ProgressUnavailable"},
            {"errorDescription",
             fmt::format("mongosync is resuming; /progress answers again at {} (retrying is safe)",
                         sim::FormatDuration(world.progress_unavailable_until()))}};
  }
  ordered_json body;
  body["success"] = true;
  body["progress"] = MongosyncProgress(session);
  return body;
}

}  // namespace

std::unique_ptr<Router> MakeMongosyncApi(Session& session, const std::string& api_key) {
  auto router = std::make_unique<Router>(&Shape);
  router->RequireBasicAuth(api_key, "mongosync API");
  for (const char* name : {"start", "pause", "resume", "commit", "reverse"}) Operation(*router, session, name);
  router->Add("GET", "/api/v1/progress", [&session](const Request&, Response& response) {
    if (session.world().ProcessStatus() != "up") return Unreachable(response);
    sim::Step step;
    step.action = "progress";
    // A poll that sees what the last one saw is folded into it (serve/session.h).
    // The answer says whether /progress answers at all, so a poll that
    // would now answer is never folded into a refused one.
    const Session::PollResult poll = session.Poll(std::move(step), [](const Session& polled) {
      return Dump(ProgressAnswer(polled));
    });
    const auto& world = dynamic_cast<const sim::MongosyncWorld&>(session.world());
    if (!poll.outcome.accepted && world.ProgressAnswers()) return RefuseOutcome(response, poll.outcome.message);
    response.status = poll.outcome.accepted ? 200 : 503;
    response.content_type = "application/json";
    response.body = poll.answer;
  });
  return router;
}

}  // namespace pipecheck::serve
