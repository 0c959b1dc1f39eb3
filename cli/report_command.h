// cli/report_command.h: `pipecheck report`, the main job on built-in
// defaults: reads the documented findings (report/findings.h), builds the
// report (report/report.h), writes its files into a directory
// (report/files.h) and prints a summary (report/console.h). The
// output is byte-stable: no times, rates or addresses; a test regenerates it
// and diffs the committed reports/. Without Graphviz `dot` the SVGs are
// skipped (and said so); everything else is written.
#pragma once

#include <ostream>
#include <string>

namespace pipecheck::cli {

// Exit 0 when every model passes its check, 1 otherwise; bad input (a
// directory that cannot be made, a missing or malformed findings file)
// throws InputError.
int RunReport(const std::string& out_dir, std::ostream& out);

}  // namespace pipecheck::cli
