// cli/serve_command.h: `pipecheck serve` (interfaces.md section 9): the
// simulator behind the product's HTTP API, with a control API for time and
// faults, every session recorded as a replayable scenario (serve/server.h).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace pipecheck::cli {

struct ServeRequest {
  std::string model;
  std::string profile;
  std::string bind = "127.0.0.1";
  int port = -1;          // -1: the product's default (mongosync 27182, clickpipe 18123).
  int control_port = -1;  // -1: port + 1000 (0 when port is 0).
  std::uint64_t seed = 1;
  std::string config;     // A JSON object of scenario config keys (interfaces.md 4).
  std::string clock = "manual";
  double speed = 1.0;
  std::string record;
  std::string api_key;      // "ID:SECRET" required as HTTP Basic auth on every route.
  std::string control_key;  // "ID:SECRET" for the control API instead of api_key.
  std::string record_dir;   // Empty: the working directory.
  std::string journal;      // Empty: pipecheck-serve-PID.journal; "none": no journal.
  std::string read_timeout = "10s";
  int max_connections = 1024;
  std::string mongosync_version;  // Empty: the config's, else the newest (1.21).
};

int RunServe(const ServeRequest& request, std::ostream& err);

}  // namespace pipecheck::cli
