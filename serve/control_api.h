// serve/control_api.h: time, faults and records of a Session, from outside
// (interfaces.md section 9), on the control port:
//
//   POST /pipecheck/v1/advance {"by": "1h"}            the manual clock
//   POST /pipecheck/v1/fault {"fault": NAME, "pipe": 0, "for": "2h"}
//   POST /pipecheck/v1/restart [{"wipe": true}]        mongosync: restart the process
//                                                      (or start anew on an emptied destination)
//   POST /pipecheck/v1/save {"path": NAME}             the record as a scenario file in --record-dir
//   GET  /pipecheck/v1/state                           time, states, steps, trace hash, violations
//   GET  /pipecheck/v1/trace                           the trace as JSONL (interfaces.md 5)
//
// A fault is checked as a scenario step is (sim/scenario.h): an unknown
// name, pipe or duration is a 400 naming what is wrong. Errors are
// {"error": TEXT} with status 400 (401 without the credentials, 403 a
// request from a web page of another site, 404 unknown path, 405 wrong
// method, 413 a body over the limit, 415 a body that is not JSON).
//
// What a client can make the server do is bounded: an advance runs in parts
// of at most kAdvanceEventsPerPart internal events, and other requests are
// answered between two parts; save writes one plain file name inside
// --record-dir (serve/record_file.h) on another thread, from the journal, so
// the API keeps answering while it writes; the trace is streamed in parts.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "serve/http.h"
#include "serve/http_server.h"
#include "serve/session.h"

namespace pipecheck::serve {

inline constexpr std::size_t kAdvanceEventsPerPart = 5'000;

struct ControlOptions {
  std::string record_dir;   // Absolute; save writes here only.
  std::string control_key;  // "ID:SECRET" every route requires; empty: none.
  // Refuse requests whose Host is a name other than localhost (a web page
  // that rebinds its own name to 127.0.0.1): set when serving on loopback.
  bool loopback_hosts_only = true;
  // Called after every change of the world the control API makes: the
  // server opens or closes the API port.
  std::function<void()> after_change;
  // Joins the threads that save runs on; the server calls it at exit.
  std::function<void(std::function<void()>)> run_in_background;
};

std::unique_ptr<Router> MakeControlApi(Session& session, EventLoop& loop, ControlOptions options);

// The state of the session as GET /pipecheck/v1/state answers it.
nlohmann::ordered_json SessionState(const Session& session);

// The control API's error shape: {"error": TEXT}.
void ControlError(Response& response, int status, const std::string& text);

}  // namespace pipecheck::serve
