// report/table_format.h: the transition table as JSON (interfaces.md section 2)
// and as a readable Markdown table with sources and inferred rows marked.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "model/describe.h"

namespace pipecheck::report {

nlohmann::ordered_json TableJson(const model::TableView& view);
std::string TableMarkdown(const model::TableView& view);

}  // namespace pipecheck::report
