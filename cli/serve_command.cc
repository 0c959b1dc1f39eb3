#include "cli/serve_command.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bindings/registry.h"
#include "cli/flag_checks.h"
#include "model/input_error.h"
#include "model/mongosync_version.h"
#include "serve/clickpipes_api.h"
#include "serve/mongosync_api.h"
#include "serve/record_file.h"
#include "serve/server.h"
#include "serve/session.h"
#include "sim/scenario.h"
#include "validate/history.h"

namespace pipecheck::cli {
namespace {

nlohmann::json ReadConfig(const std::string& path) {
  if (path.empty()) return nlohmann::json::object();
  nlohmann::json config = sim::ReadJsonFile(path);
  if (!config.is_object()) throw InputError("expected a JSON object of config keys", path);
  return config;
}

void CheckKey(const std::string& key, const char* flag) {
  if (!key.empty() && key.find(':') == std::string::npos) throw InputError("expected ID:SECRET", flag);
}

// Each open connection is a descriptor: the soft limit (often 1024) is raised
// to the hard one, so --max-connections rather than the descriptors decides.
void RaiseDescriptorLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// --mongosync-version into the config's mongosync_version, which the
// session's record keeps so that replay emulates the same release.
void ApplyVersion(const ServeRequest& request, sim::ModelKind kind, nlohmann::json& config) {
  if (request.mongosync_version.empty()) return;
  const model::mongosync::Version version = MongosyncVersionFlag(request.mongosync_version, kind);
  const std::string text = model::mongosync::ToString(version);
  if (config.contains("mongosync_version") && config["mongosync_version"] != text) {
    throw InputError(fmt::format("the config says mongosync_version {}; --mongosync-version says {}",
                                 config["mongosync_version"].dump(), text),
                     "--mongosync-version");
  }
  config["mongosync_version"] = text;
}

// The journal's name in the record directory ("" for none).
std::string JournalName(const ServeRequest& request) {
  if (request.journal == "none") return "";
  if (request.journal.empty()) return fmt::format("pipecheck-serve-{}.journal", ::getpid());
  serve::CheckPlainName(request.journal, "--journal");
  return request.journal;
}

}  // namespace

int RunServe(const ServeRequest& request, std::ostream& err) {
  if (request.clock != "manual" && request.clock != "real") {
    throw InputError(fmt::format("unknown clock '{}'; expected manual or real", request.clock), "--clock");
  }
  if (!(request.speed > 0) || request.speed > 1e6) {
    throw InputError("the speed must be above 0 and at most 1000000", "--speed");
  }
  for (const auto& [port, flag] : {std::pair{request.port, "--port"}, std::pair{request.control_port, "--control-port"}}) {
    if (port < -1 || port > 65535) throw InputError(fmt::format("port {} is not 0 to 65535", port), flag);
  }
  CheckKey(request.api_key, "--api-key");
  CheckKey(request.control_key, "--control-key");
  const std::string record_dir = serve::CheckDirectory(request.record_dir, "--record-dir");
  const std::string journal = JournalName(request);
  const auto read_timeout = sim::ParseDuration(request.read_timeout);
  if (!read_timeout || *read_timeout <= 0 || *read_timeout > 3600 * 1000) {
    throw InputError(fmt::format("'{}' is not a duration above 0 and at most 1h", request.read_timeout),
                     "--read-timeout");
  }
  return bindings::WithBinding(request.model, [&]<class B>(B) {
    const auto profile = B::ParseProfile(request.profile);
    nlohmann::json config = ReadConfig(request.config);
    // A service has room for several pipes unless the config says otherwise.
    if (B::kKind == sim::ModelKind::kClickPipe && !config.contains("pipes")) config["pipes"] = 4;
    ApplyVersion(request, B::kKind, config);
    nlohmann::json document = {{"format", "pipecheck-scenario/1"},
                               {"name", fmt::format("{} serve session", B::kName)},
                               {"model", sim::ToString(B::kKind)},
                               {"seed", request.seed},
                               {"config", config},
                               {"steps", nlohmann::json::array()},
                               {"run_until", "0s"}};
    if (!B::kProfiles.empty()) document["profile"] = B::Describe(profile).profile;
    const sim::Scenario base =
        sim::ParseScenario(document, request.config.empty() ? "--config" : request.config);
    const auto session = serve::Session::Make<typename B::Monitors>(base);
    if (!journal.empty()) session->OpenJournal((std::filesystem::path(record_dir) / journal).string());
    // The trace on disk, so that memory does not grow with the session's length.
    session->KeepTraceIn(record_dir);
    if (B::kKind == sim::ModelKind::kMongosync) {
      // The process connects to both clusters when it starts, before it
      // serves any request (lifecycles.md D17).
      session->Advance(0);
    }

    const bool mongosync = B::kKind == sim::ModelKind::kMongosync;
    serve::ServerOptions options;
    options.bind = request.bind;
    options.port = request.port >= 0 ? request.port : mongosync ? 27182 : 18123;
    options.control_port = request.control_port >= 0 ? request.control_port
                           : options.port == 0        ? 0
                                                      : options.port + 1000;
    if (options.control_port > 65535) throw InputError("the control port would be over 65535", "--control-port");
    options.real_clock = request.clock == "real";
    options.speed = request.speed;
    options.record = request.record;
    options.record_dir = record_dir;
    options.api_key = request.api_key;
    options.control_key = request.control_key;
    options.limits.read_timeout_ms = static_cast<int>(*read_timeout);
    options.limits.max_connections = static_cast<std::size_t>(request.max_connections);
    options.api_name = mongosync ? "mongosync API" : "ClickPipes API";
    options.api_root = mongosync ? "/api/v1/" : "/v1/";
    const std::string api_key = request.api_key;
    options.make_api = [mongosync, api_key](serve::Session& live) {
      return mongosync ? serve::MakeMongosyncApi(live, api_key)
                       : serve::MakeClickPipesApi(live, serve::ClickPipesApiOptions{api_key});
    };
    RaiseDescriptorLimit();
    try {
      return serve::Serve(*session, options, err);
    } catch (const InputError&) {
      // A port that could not be had: nothing was served, so nothing is left.
      if (!session->journal_path().empty() && session->steps() == 0) std::filesystem::remove(session->journal_path());
      throw;
    }
  });
}

}  // namespace pipecheck::cli
