// report/console.h: what `pipecheck report` prints: the models, the check
// verdicts with default bounds, the number of findings and of files written.
#pragma once

#include <cstddef>
#include <string>

#include "report/report.h"

namespace pipecheck::report {

std::string RenderSummary(const Report& report, std::size_t files, const std::string& directory);

}  // namespace pipecheck::report
