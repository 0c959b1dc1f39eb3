#include "cli/report_command.h"

#include <vector>

#include "graphs/render.h"
#include "report/console.h"
#include "report/files.h"
#include "report/report.h"

namespace pipecheck::cli {

int RunReport(const std::string& out_dir, std::ostream& out) {
  const std::vector<report::DocumentFinding> findings = report::ReadFindings(report::DefaultFindingsFile());
  report::MakeDirectory(out_dir);
  const report::Report built = report::BuildReport(findings, !graphs::FindDot().empty());
  const std::vector<report::File> files = report::ReportFiles(built);
  report::WriteFiles(out_dir, files);
  out << report::RenderSummary(built, files.size(), out_dir);
  return built.passed() ? 0 : 1;
}

}  // namespace pipecheck::cli
