#include "graphs/highlight.h"

namespace pipecheck::graphs {

std::vector<HighlightStep> Highlight::Primary() const {
  std::vector<HighlightStep> out;
  for (const HighlightStep& step : steps) {
    if (step.pipe <= 0) out.push_back(step);
  }
  return out;
}

Highlight HighlightFromTrace(const std::string& title, const sim::Trace& trace) {
  Highlight highlight;
  highlight.title = title;
  for (const sim::TraceEvent& event : trace.events()) {
    if (!event.accepted || event.row < 0) continue;
    highlight.steps.push_back({event.pipe, static_cast<std::size_t>(event.row), event.t_ms,
                               std::string(event.what), std::string(event.from),
                               std::string(event.to)});
  }
  return highlight;
}

}  // namespace pipecheck::graphs
