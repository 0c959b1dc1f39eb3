#include "report/files.h"

#include <filesystem>
#include <fstream>

#include "model/input_error.h"
#include "report/html.h"
#include "report/markdown.h"
#include "report/table_format.h"

namespace pipecheck::report {

namespace {

namespace fs = std::filesystem;

void AddDiagram(const Diagram& diagram, std::vector<File>& files) {
  files.push_back({diagram.stem + ".dot", diagram.dot});
  if (!diagram.svg.empty()) files.push_back({diagram.stem + ".svg", diagram.svg});
}

}  // namespace

std::vector<File> ReportFiles(const Report& report) {
  std::vector<File> files;
  for (const ModelSection& s : report.models) {
    AddDiagram(s.lifecycle, files);
    AddDiagram(s.faults, files);
    AddDiagram(s.explored, files);
  }
  for (const ModelSection& s : report.models) {
    files.push_back({s.stem + ".md", TableMarkdown(s.view)});
    files.push_back({s.stem + ".json", TableJson(s.view).dump(2) + "\n"});
  }
  AddDiagram(report.diff_diagram, files);
  AddDiagram(report.diff_faults, files);
  AddDiagram(report.demo.diagram, files);
  files.push_back({"README.md", RenderMarkdown(report)});
  files.push_back({"index.html", RenderHtml(report)});
  return files;
}

void MakeDirectory(const std::string& directory) {
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) throw InputError("cannot create the directory: " + error.message(), directory);
}

void WriteFiles(const std::string& directory, const std::vector<File>& files) {
  for (const File& file : files) {
    const fs::path path = fs::path(directory) / file.name;
    std::ofstream out(path, std::ios::binary);
    out << file.text;
    if (!out) throw InputError("cannot write the file", path.string());
  }
}

}  // namespace pipecheck::report
