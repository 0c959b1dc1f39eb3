// serve/server.h: `pipecheck serve`, the HTTP front of a Session.
//
// Two ports on one event loop (serve/http_server.h): the product's API on
// --port and the control API on --control-port. Requests are applied to the
// session one at a time, in the order they are read, on the loop's thread;
// nothing else touches the session, so it needs no lock. The API port is open
// only while the modelled process is up: when a fault or the clock takes a
// mongosync process down (or it exits), the port is closed, so a client's
// connection is refused as the real one's would be; a restart reopens it with
// the state kept. The real clock (--clock real) is a timer on the same loop
// that advances the world by the elapsed real time times --speed, at most
// kClockEventsPerTick internal events a tick, so the ports keep answering
// whatever the speed (the world falls behind instead, and /state says how
// far).
//
// Durability: every step is appended to the session's journal as it is
// applied, before its answer is written (serve/session.h), so a crash loses
// nothing a client saw. SIGINT, SIGTERM and SIGHUP stop the ports and write
// --record.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "serve/http.h"
#include "serve/http_server.h"
#include "serve/session.h"

namespace pipecheck::serve {

inline constexpr std::size_t kClockEventsPerTick = 20'000;
inline constexpr int kClockTickMs = 50;

struct ServerOptions {
  std::string bind = "127.0.0.1";
  int port = 0;          // 0: any free port.
  int control_port = 0;  // 0: any free port.
  bool real_clock = false;
  double speed = 1.0;       // Simulated seconds per real second (real clock).
  std::string record;       // Written at exit when not empty (the operator's path).
  std::string record_dir;   // Where save and the journal write (an existing directory).
  std::string journal;      // The journal's file name in record_dir; empty: no journal.
  std::string api_key;      // "ID:SECRET" every API route requires; empty: none.
  std::string control_key;  // "ID:SECRET" every control route requires; empty: api_key.
  HttpLimits limits;
  std::string api_name;  // "mongosync API", for the ready line.
  std::string api_root;  // "/api/v1/", for the ready line.
  // The product's API over the session: its routes and error shape.
  std::function<std::unique_ptr<Router>(Session&)> make_api;
};

// Serves until SIGINT, SIGTERM or SIGHUP; returns the exit code. Prints one
// ready line on `err` once both ports listen (the tests read the ports from it).
int Serve(Session& session, const ServerOptions& options, std::ostream& err);

// Whether `bind` is a loopback address (the default): the control API then
// refuses Host names other than localhost.
bool LoopbackBind(const std::string& bind);

}  // namespace pipecheck::serve
