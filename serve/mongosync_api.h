// serve/mongosync_api.h: mongosync's REST API (sources.md 2.3) on a Session.
//
//   POST /api/v1/start|pause|resume|commit|reverse   {"success":true} or
//        {"success":false,"error":NAME,"errorDescription":TEXT} (HTTP 400)
//   GET  /api/v1/progress                             {"success":true,"progress":{...}}
//
// /progress has the fields of the emulated release (the scenario config's
// mongosync_version, model/mongosync_version.h). For 2 minutes after a
// resume or restart it answers 503 ProgressUnavailable in the error shape
// (MS-DLY): the world refuses the `progress` step, so replay refuses it too.
//
// Every call is a step of the model applied to the session's world (the
// /start body parsed as the real one, strictly: sim/start_body.h), recorded
// with its outcome. The error names are the model's (docs/decisions.md D7);
// the HTTP status of a refusal is undocumented (sources.md Q15) and is 400.
// While the process is down or has exited the server closes this port
// (serve/server.h); a request already on an open connection then is
// answered 503 ConnectionRefused. A /progress poll that sees what the one
// before it saw is folded into it rather than recorded again (Session::Poll).
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "serve/http.h"
#include "serve/session.h"

namespace pipecheck::serve {

// The API's routes over `session`, errors in its shape. `session` outlives it.
// `api_key` ("ID:SECRET"): every request must carry it as HTTP Basic auth
// (the real API has none; the operator asked for it). Empty: none.
std::unique_ptr<Router> MakeMongosyncApi(Session& session, const std::string& api_key = "");

// The /progress body of the world as it is now (without "success").
nlohmann::ordered_json MongosyncProgress(const Session& session);

}  // namespace pipecheck::serve
