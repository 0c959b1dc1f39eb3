// serve/server.h: `pipecheck serve`, the HTTP front of a Session.
//
// Two servers (cpp-httplib): the product's API on --port and the control API
// on --control-port. Requests arrive on several threads and are applied one
// at a time under the session's mutex, in arrival order. The API port is
// open only while the modelled process is up: when a fault or the clock
// takes a mongosync process down (or it exits), the port is closed, so a
// client's connection is refused as the real one's would be; a restart
// reopens it with the state kept. The real clock (--clock real) is a thread
// outside the world that advances it by the elapsed real time times --speed.
// SIGINT or SIGTERM stops the servers and writes --record.
#pragma once

#include <functional>
#include <ostream>
#include <string>

#include <httplib.h>

#include "serve/session.h"

namespace pipecheck::serve {

struct ServerOptions {
  std::string bind = "127.0.0.1";
  int port = 0;          // 0: any free port.
  int control_port = 0;  // 0: any free port.
  bool real_clock = false;
  double speed = 1.0;    // Simulated seconds per real second (real clock).
  std::string record;    // Written at exit when not empty.
  std::string api_name;  // "mongosync API http://.../api/v1/", for the ready line.
  // Registers the product's handlers on a fresh server.
  std::function<void(httplib::Server&)> register_api;
};

// Serves until SIGINT or SIGTERM; returns the exit code. Prints one ready
// line on `err` once both ports listen (the tests read the ports from it).
int Serve(Session& session, const ServerOptions& options, std::ostream& err);

// The API's own error for an unknown path (404), a known path with another
// method (405), or a body over the limit (413), as `shape(status, text)` writes it.
// `text` is valid UTF-8 (a path's other bytes become U+FFFD), so a shape can write it as JSON.
void SetApiErrors(httplib::Server& server, const std::string& known_paths_regex,
                  std::function<void(httplib::Response&, int, const std::string&)> shape);

inline constexpr std::size_t kMaxBodyBytes = 1 << 20;

// `text` with each byte that is not part of valid UTF-8 replaced by U+FFFD.
std::string ValidUtf8(const std::string& text);

}  // namespace pipecheck::serve
