// sim/start_body.h: the mongosync POST /start request body.
//
// Parses the body a user or a scenario file gives into the options the model
// reads. Strict: an unknown key or a value of the wrong type is an InputError
// naming the JSON path, because a typo must never silently start a sync with
// default options.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "model/mongosync.h"

namespace pipecheck::sim {

// REQUIRES: nothing; throws InputError with `where` + the JSON path.
model::mongosync::StartOptions ParseStartBody(const nlohmann::json& body,
                                              const std::string& where);

nlohmann::json StartBodyJson(const model::mongosync::StartOptions& options);

}  // namespace pipecheck::sim
