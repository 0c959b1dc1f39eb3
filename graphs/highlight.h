// graphs/highlight.h: a run to draw on a diagram.
//
// A highlight is the lifecycle steps one run took: a scenario replayed by the
// simulator (`pipecheck graph --highlight FILE`), or a counterexample of the
// checker, which `check` writes as a scenario file. Each step names the table
// row it took, so a diagram finds its edge by row index and never by
// matching names.
//
// Contract: Highlight values are plain data built from a finished trace;
// building one runs nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/trace.h"

namespace pipecheck::graphs {

struct HighlightStep {
  int pipe = -1;           // The subject's index; -1 when the lifecycle has one subject.
  std::size_t row = 0;     // The table row taken.
  std::int64_t t_ms = 0;   // Virtual time of the step.
  std::string what;        // Trigger name.
  std::string from;        // Lifecycle state before.
  std::string to;          // Lifecycle state after.
};

struct Highlight {
  std::string title;                // "scenario cp-cdc-happy-path", shown on the diagram.
  std::vector<HighlightStep> steps;  // Every accepted step that took a row, in order.

  // The steps of the lifecycle a diagram draws: subject 0's, or the only
  // subject's (pipe -1).
  std::vector<HighlightStep> Primary() const;
};

// The accepted, row-taking events of a trace.
Highlight HighlightFromTrace(const std::string& title, const sim::Trace& trace);

}  // namespace pipecheck::graphs
