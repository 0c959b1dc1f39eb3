// report/findings.h: the places where the documents disagree or are silent,
// with what the model does, as data (docs/findings.json, read at run time),
// and the findings the checker computes.
//
// docs/findings.json (format "pipecheck-findings/1"):
//   {"format": "pipecheck-findings/1", "about": "...",
//    "findings": [{"title", "text", "sources": ["C15", "Q6"],
//                  "decision"?: "D5", "lifecycles"?: "1.1", "check"?: "coverage"}]}
// `sources` are keys of ../shared/spec/sources.md (at least one), `decision`
// one of spec/lifecycles.md section 4 or docs/decisions.md, `lifecycles` a
// section of spec/lifecycles.md, `check` the checker's result that shows it.
// Any other key, a missing one or a wrong type is an InputError naming the
// file and the JSON path.
#pragma once

#include <string>
#include <vector>

namespace pipecheck::report {

// A finding as the reports print it: "**title.** text (where)".
struct Finding {
  std::string title;
  std::string text;
  std::string where;
};

// A documented finding with its citations.
struct DocumentFinding {
  std::string title;
  std::string text;
  std::string decision;            // "D5", or empty.
  std::string lifecycles;          // "1.1", or empty.
  std::vector<std::string> sources;  // sources.md keys, never empty.
  std::string check;               // "coverage", or empty.
};

// "D5; sources.md C15, Q6": decision, lifecycles.md section, sources.md keys,
// the checker's result, in that order.
std::string Where(const DocumentFinding& finding);
Finding AsFinding(const DocumentFinding& finding);

// The file the reports read: docs/findings.json in the source tree.
std::string DefaultFindingsFile();

// Parses the text of a findings file; `path` names it in errors.
std::vector<DocumentFinding> ParseFindings(const std::string& text, const std::string& path);
// Reads and parses the file. Throws InputError when it is missing or malformed.
std::vector<DocumentFinding> ReadFindings(const std::string& path);

}  // namespace pipecheck::report
