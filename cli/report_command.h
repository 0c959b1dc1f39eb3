// cli/report_command.h: `pipecheck report`, the main job on built-in
// defaults. Prints a summary of both models and writes the generated
// artefacts into a directory:
//  - per model and profile: the transition table (Markdown, JSON), the
//    lifecycle diagram and the explored state graph (DOT, SVG);
//  - the ClickPipe profile diff 2024 -> current (DOT, SVG);
//  - a demonstration counterexample on a deliberately broken copy of the
//    ClickPipe table (DOT, SVG), since the built-in tables have none;
//  - README.md (summary, check results with default bounds, findings) and
//    index.html (one self-contained page: inline SVG and CSS, no scripts,
//    nothing fetched from the network).
// The output is byte-stable: no times, rates or addresses; a test
// regenerates it and diffs the committed reports/. Without Graphviz `dot` the
// SVGs are skipped (and said so); everything else is written.
#pragma once

#include <ostream>
#include <string>

namespace pipecheck::cli {

int RunReport(const std::string& out_dir, std::ostream& out);

}  // namespace pipecheck::cli
