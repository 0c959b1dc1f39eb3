// report/report.h: the generated reports as one data structure, built once
// by BuildReport and then rendered (markdown.h, html.h, console.h) and
// written (files.h). It holds, for each model and profile on built-in
// defaults: the table, the check with default bounds,
// the lifecycle diagram and the explored state graph; the ClickPipe profile
// diff 2024 -> current; a demonstration counterexample on a deliberately
// broken copy of the ClickPipe table (the built-in tables have none); the
// findings the checker computes and the documented ones (findings.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graphs/lifecycle.h"
#include "model/describe.h"
#include "properties/check.h"
#include "report/findings.h"

namespace pipecheck::report {

// A diagram as DOT and (with Graphviz) SVG.
struct Diagram {
  std::string stem;     // The file name without extension.
  std::string caption;
  std::string dot;
  std::string svg;      // Empty when SVG was skipped.
};

struct PropertyLine {
  std::string name;
  properties::Expectation expectation = properties::Expectation::kAlways;
  properties::Verdict verdict = properties::Verdict::kHolds;
  std::string source;
  std::string premise_of;
};

// `pipecheck check` with default bounds, as the reports show it.
struct CheckSummary {
  std::string bounds;  // "crash=1 expiry=1 ..."
  properties::CheckVerdict verdict = properties::CheckVerdict::kPass;
  std::uint64_t states = 0;
  std::uint64_t transitions = 0;
  std::uint32_t depth = 0;
  std::vector<std::string> reachable;
  std::vector<std::string> unreachable_declared;
  std::vector<std::string> deadlocks;
  std::size_t rows = 0;                  // Rows of the table.
  std::vector<std::string> never_taken;  // "row 12 Failed --resume--> Running"
  std::vector<PropertyLine> properties;

  std::size_t rows_taken() const { return rows - never_taken.size(); }
};

// One model (and profile).
struct ModelSection {
  std::string stem;   // "clickpipe-current"
  std::string name;   // "clickpipe (current)"
  std::string title;  // "ClickPipe, profile current"
  model::TableView view;
  std::size_t inferred = 0;  // Rows resting on a decision.
  CheckSummary check;
  // The lifecycle in two parts that each fit a page's width
  // (graphs::Part::kFlow and kFaults); every row is on one of them.
  Diagram lifecycle;
  Diagram faults;
  Diagram explored;

  std::size_t stated() const { return view.rows.size() - inferred; }
};

// The seeded bug of tests/check_test.cc, so that the reports show what a
// counterexample looks like.
struct Demo {
  std::string change;  // "row 21 Running --pause--> Pausing retargeted to Completed"
  PropertyLine property;
  std::string initial;
  std::vector<properties::TraceStep> trace;
  std::string scenario_json;  // Empty when no scenario was realized.
  bool replays = false;       // The simulator reaches the same violation.
  Diagram diagram;
};

struct Report {
  bool svg = false;  // Graphviz was found and every diagram has its SVG.
  std::vector<ModelSection> models;
  graphs::DiffSummary diff;  // ClickPipe 2024 -> current.
  Diagram diff_diagram;      // Operations and events (graphs::Part::kFlow).
  Diagram diff_faults;       // Faults (graphs::Part::kFaults).
  Demo demo;
  std::vector<Finding> computed;    // By the checker.
  std::vector<Finding> documented;  // Where the documents disagree (findings.h).

  // Every model passes its check.
  bool passed() const;
};

// Builds the whole report: checks and draws every model on built-in
// defaults, with the documented findings read by ReadFindings. With `svg`,
// renders each diagram through Graphviz `dot` (InputError naming the diagram
// when that fails).
Report BuildReport(const std::vector<DocumentFinding>& documented, bool svg);

}  // namespace pipecheck::report
