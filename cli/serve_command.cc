#include "cli/serve_command.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bindings/registry.h"
#include "model/input_error.h"
#include "serve/clickpipes_api.h"
#include "serve/mongosync_api.h"
#include "serve/server.h"
#include "serve/session.h"
#include "sim/scenario.h"

namespace pipecheck::cli {
namespace {

nlohmann::json ReadConfig(const std::string& path) {
  if (path.empty()) return nlohmann::json::object();
  nlohmann::json config = sim::ReadJsonFile(path);
  if (!config.is_object()) throw InputError("expected a JSON object of config keys", path);
  return config;
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
  if (!request.api_key.empty() && request.api_key.find(':') == std::string::npos) {
    throw InputError("expected ID:SECRET", "--api-key");
  }
  return bindings::WithBinding(request.model, [&]<class B>(B) {
    const auto profile = B::ParseProfile(request.profile);
    nlohmann::json config = ReadConfig(request.config);
    // A service has room for several pipes unless the config says otherwise.
    if (B::kKind == sim::ModelKind::kClickPipe && !config.contains("pipes")) config["pipes"] = 4;
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
    options.api_name = mongosync ? "mongosync API" : "ClickPipes API";
    serve::ClickPipesApiOptions clickpipes;
    clickpipes.api_key = request.api_key;
    serve::Session& live = *session;
    options.register_api = [&live, mongosync, clickpipes](httplib::Server& server) {
      if (mongosync) {
        serve::RegisterMongosyncApi(server, live);
      } else {
        serve::RegisterClickPipesApi(server, live, clickpipes);
        serve::SetClickPipesApiErrors(server);
      }
    };
    return serve::Serve(live, options, err);
  });
}

}  // namespace pipecheck::cli
