// serve/control_api.h: time, faults and records of a Session, from outside
// (interfaces.md section 9), on the control port:
//
//   POST /pipecheck/v1/advance {"by": "1h"}            the manual clock
//   POST /pipecheck/v1/fault {"fault": NAME, "pipe": 0, "for": "2h"}
//   POST /pipecheck/v1/restart [{"wipe": true}]        mongosync: restart the process
//                                                      (or start anew on an emptied destination)
//   POST /pipecheck/v1/save {"path": FILE}             the record as a scenario file
//   GET  /pipecheck/v1/state                           time, states, steps, trace hash, violations
//   GET  /pipecheck/v1/trace                           the trace as JSONL (interfaces.md 5)
//
// A fault is checked as a scenario step is (sim/scenario.h): an unknown
// name, pipe or duration is a 400 naming what is wrong. Errors are
// {"error": TEXT} with status 400 (404 unknown path, 405 wrong method).
#pragma once

#include <functional>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "serve/session.h"

namespace pipecheck::serve {

// Called, without the session's lock, after every change of the world the
// control API makes, with whether the process is up: the server opens or
// closes the API port before the control request is answered.
using AfterChange = std::function<void(bool up)>;

void RegisterControlApi(httplib::Server& server, Session& session, AfterChange after_change);

// The state of the session as GET /pipecheck/v1/state answers it.
nlohmann::ordered_json SessionState(const Session& session);

// Writes the record to `path` as a pipecheck-scenario/1 file; throws
// InputError when it cannot be written.
void SaveRecording(const Session& session, const std::string& path);

}  // namespace pipecheck::serve
