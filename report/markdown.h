// report/markdown.h: the report as Markdown (reports/README.md). The same
// text with or without Graphviz, so that only the SVG files (and index.html,
// which inlines them) depend on it.
#pragma once

#include <string>

#include "report/report.h"

namespace pipecheck::report {

std::string RenderMarkdown(const Report& report);

}  // namespace pipecheck::report
