// report/html.h: the report as one self-contained HTML page
// (reports/index.html): inline SVG and CSS, no scripts, nothing fetched from
// the network. Without Graphviz each diagram says its SVG was skipped.
#pragma once

#include <string>

#include "report/report.h"

namespace pipecheck::report {

std::string RenderHtml(const Report& report);

}  // namespace pipecheck::report
