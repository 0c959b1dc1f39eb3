// serve/triggers.h: which call of `serve` reaches each trigger of a model's
// table, for GET /pipecheck/v1/ and the README's table.
//
// Every trigger is reachable from outside: an operation through the
// product's API (or, for an operator's action such as mongosync's restart,
// the control API), an internal event by moving the clock (it happens by
// itself when it is due), a fault through POST /pipecheck/v1/fault. The
// listing is made from the model's own trigger table (names and kinds), so a
// trigger added to a table appears here, and tests/serve check that every one
// has a route that the server answers.
#pragma once

#include <nlohmann/json.hpp>

#include "sim/scenario.h"

namespace pipecheck::serve {

// [{"trigger", "kind": operation|event|fault, "call", "note"?}, ...] in the
// table's order.
nlohmann::ordered_json TriggerRoutes(sim::ModelKind model);

// The control API's calls: [{"method", "path", "body"?, "does"}, ...].
nlohmann::ordered_json ControlCalls(sim::ModelKind model);

}  // namespace pipecheck::serve
