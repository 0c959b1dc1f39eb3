// graphs/explored.h: the state graph the checker explores, as a diagram.
//
// The explorer (properties/explorer.h) enumerates every reachable state of a
// Space; this file re-expands each state with the Space's Successors and
// draws the result.
//
// Contract:
//  - Full: with at most `full_limit` states (default 10,000), one vertex per
//    explored state (id "s<index>", BFS order, initial states first) and one
//    edge per transition, labelled with the action and carrying the rows it
//    took. Edge count == the checker's transition count.
//  - Quotient: otherwise (or when asked), states are merged by the space's
//    QuotientKey and edges by (key, key), each labelled with its two most
//    frequent actions (the space's ActionLine) and their counts, a self-loop
//    with its count only; the edge's tooltip lists how many transitions it
//    stands for and every action, most frequent first. A space of several
//    subjects keys by its first subject (the one every property and scenario
//    is about first), so the other subjects' steps and service-wide faults
//    show as self-loops.
//  - A highlight draws a run on the graph. Quotient: the primary steps'
//    (key, key) edges, by the rows they took (the space's RowKeys). Full:
//    the path through the explored graph that takes the run's rows in order
//    (any subject; a service-wide fault as one step), found by breadth-first
//    search; when the run leaves the explored space (a fault budget or the
//    subject bound is exceeded), the longest matching prefix is drawn and
//    the label says so.
//  - A space larger than max_states is not drawn: the result says
//    incomplete, as `check` does.
//  - Deterministic: the same tables and bounds give the same bytes.
//
// The Space provides the explore members and the draw members listed in
// properties/explorer.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "graphs/graph.h"
#include "graphs/highlight.h"
#include "properties/explorer.h"

namespace pipecheck::graphs {

struct ExploredOptions {
  std::size_t full_limit = 10'000;       // Draw every state when there are at most this many.
  bool quotient = false;                 // Quotient even when small.
  std::uint64_t max_states = 10'000'000;  // Stop exploring (incomplete) past this many.
};

struct ExploredGraph {
  Graph graph;                // Empty when incomplete.
  bool complete = false;      // False: max_states was reached; nothing is drawn.
  bool quotient = false;
  std::uint64_t states = 0;
  std::uint64_t transitions = 0;
  std::string quotient_by;  // What the vertices stand for when quotiented.
  std::string highlight_note;  // How much of a highlighted run the graph shows; empty without one.
};

}  // namespace pipecheck::graphs

#include "graphs/explored_impl.h"  // IWYU pragma: export

namespace pipecheck::graphs {

// Explores `space` and draws it (see the contract above).
template <class Space>
ExploredGraph Explored(const Space& space, const ExploredOptions& options,
                       const Highlight* highlight = nullptr) {
  using namespace explored_detail;  // NOLINT(google-build-using-namespace)
  Explorer<Space> explorer(space);
  properties::ExploreLimits limits;
  limits.max_states = options.max_states;
  ExploredGraph result;
  result.complete = explorer.Run(limits);
  result.states = explorer.states();
  result.transitions = explorer.transitions();
  if (!result.complete) return result;
  result.quotient = options.quotient || result.states > options.full_limit;
  result.graph[boost::graph_bundle] = DefaultGraphProps();
  if (result.quotient) {
    // States of a rank closer together: with the short edge labels this keeps
    // the largest quotient (ClickPipe current, 2 pipes) within about 1,200 pt,
    // so its 10 pt labels stay at least 9 px tall in a 1280 px window.
    result.graph[boost::graph_bundle].graph["nodesep"] = "0.2";
    result.quotient_by = space.QuotientBy();
    BuildQuotient(space, explorer, highlight, result);
  } else {
    BuildFull(space, explorer, Transitions(space, explorer), highlight, result);
  }
  std::vector<LegendLine> lines = {{fmt::format(
      "{} states, {} transitions; {}", Thousands(result.states), Thousands(result.transitions),
      result.quotient ? fmt::format("quotiented by {}, edges counted", result.quotient_by)
                      : "every state (double border: initial) and every transition"), ""}};
  if (!result.highlight_note.empty()) lines.push_back({result.highlight_note, kHighlightColor});
  SetLegend(result.graph[boost::graph_bundle], "Explored state graph: " + space.Title(),
            KindSwatches(/*inferred=*/false), lines);
  return result;
}

}  // namespace pipecheck::graphs
