// cli/graph_command.h: `pipecheck graph`, the diagrams (interfaces.md
// section 1).
//
//   pipecheck graph --model M [--profile P] [--explored [--pipes N]]
//                   [--diff 2024..current] [--highlight FILE] [--format dot|svg|json]
//
// The lifecycle diagram by default; the explored state graph with
// --explored (in full up to 10,000 states, 1,000 for SVG, otherwise
// quotiented); the profile diff with --diff; a scenario's run (or a
// counterexample that `check` wrote) drawn on it with --highlight. DOT and
// JSON are byte-stable; SVG needs Graphviz `dot` and says so in one line
// (exit 2) when it is missing. Bad input is an InputError before any work.
// An explored space past 10 million states is not drawn (exit 3, incomplete).
#pragma once

#include <ostream>
#include <string>

namespace pipecheck::cli {

struct GraphRequest {
  std::string model;
  std::string profile;
  bool explored = false;
  int pipes = 0;            // 0: the binding's default; with --explored only.
  std::string diff;         // "OLD..NEW": two profiles of a lifecycle that has them.
  std::string highlight;    // A pipecheck-scenario/1 file.
  std::string format = "dot";
};

// Writes the diagram to `out`; notes (a quotient chosen for SVG) go to `err`.
int RunGraph(const GraphRequest& request, std::ostream& out, std::ostream& err);

}  // namespace pipecheck::cli
