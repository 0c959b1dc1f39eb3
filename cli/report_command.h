// cli/report_command.h: `pipecheck report`, the main job on built-in
// defaults. Prints a summary of both models and writes the generated
// artefacts (spec tables as Markdown and JSON, a README) into a directory.
// The output is byte-stable: a test regenerates it and diffs the committed
// reports/.
#pragma once

#include <ostream>
#include <string>

namespace pipecheck::cli {

int RunReport(const std::string& out_dir, std::ostream& out);

}  // namespace pipecheck::cli
