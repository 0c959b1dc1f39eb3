// report/files.h: the report's artefacts as files, and writing them. Per
// model and profile: the transition table (Markdown, JSON) and its two
// diagrams; the profile diff and the demonstration diagrams; README.md and
// index.html. Each diagram is DOT, plus SVG when the report has it.
#pragma once

#include <string>
#include <vector>

#include "report/report.h"

namespace pipecheck::report {

struct File {
  std::string name;  // Relative to the output directory.
  std::string text;
};

// Every file of the report, rendered. Rendering only: nothing is written.
std::vector<File> ReportFiles(const Report& report);

// Creates `directory` (and its parents). Throws InputError when it cannot.
void MakeDirectory(const std::string& directory);

// Writes each file into `directory`, byte for byte. Throws InputError
// naming the first file that cannot be written.
void WriteFiles(const std::string& directory, const std::vector<File>& files);

}  // namespace pipecheck::report
