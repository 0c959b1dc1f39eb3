// cli/check_output.h: `pipecheck check`'s report as text and as JSON
// (interfaces.md section 6). `seconds` is the wall time the search took.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "properties/check.h"

namespace pipecheck::cli {

void PrintText(const properties::CheckReport& report, double seconds, std::ostream& out);
nlohmann::ordered_json ToJson(const properties::CheckReport& report, double seconds);

}  // namespace pipecheck::cli
