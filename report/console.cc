#include "report/console.h"

#include <fmt/format.h>

#include "graphs/render.h"

namespace pipecheck::report {

std::string RenderSummary(const Report& report, std::size_t files, const std::string& directory) {
  std::string out =
      "pipecheck: lifecycle models\n\n| model | states | transitions | stated | inferred |\n|---|---|---|---|---|\n";
  for (const ModelSection& s : report.models) {
    out += fmt::format("| {} | {} | {} | {} | {} |\n", s.name, s.view.states.size(), s.view.rows.size(),
                       s.stated(), s.inferred);
  }
  out += "\ncheck, default bounds:\n";
  for (const ModelSection& s : report.models) {
    out += fmt::format("  {:<20} {:<10} {:>7} states {:>8} transitions  {} of {} rows taken\n", s.name,
                       ToString(s.check.verdict), s.check.states, s.check.transitions, s.check.rows_taken(),
                       s.check.rows);
  }
  out += fmt::format("\nfindings: {} computed by the checker, {} where the documents disagree\n",
                     report.computed.size(), report.documented.size());
  if (!report.svg) out += fmt::format("skipped SVG: {}\n", graphs::kDotMissing);
  out += fmt::format("wrote {} files into {}\n", files, directory);
  return out;
}

}  // namespace pipecheck::report
