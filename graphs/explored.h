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
//  - Quotient: otherwise (or when asked), states are merged by a key and
//    edges by (key, key), each labelled with how many transitions it stands
//    for and which actions, most frequent first:
//      ClickPipe: the lifecycle state of pipe 0 (the pipe every property and
//        scenario is about first); the other pipes' steps and the service's
//        faults show as pipe 0 self-loops.
//      mongosync: (state, process): "RUNNING", "RUNNING (process down)" ...
//  - A highlight draws a run on the graph. Quotient: the primary steps'
//    (key, key) edges, by the rows they took. Full: the path through the
//    explored graph that takes the run's rows in order (any pipe; a
//    service-wide fault as one step), found by breadth-first search; when the
//    run leaves the explored space (a fault budget or the pipe bound is
//    exceeded), the longest matching prefix is drawn and the label says so.
//  - A space larger than max_states (ClickPipe with 4 pipes or more) is not
//    drawn: the result says incomplete, as `check` does.
//  - Deterministic: the same tables and bounds give the same bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "graphs/graph.h"
#include "graphs/highlight.h"
#include "model/clickpipe.h"
#include "model/mongosync.h"
#include "properties/clickpipe_space.h"
#include "properties/mongosync_space.h"

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

ExploredGraph ExploredClickPipe(const model::clickpipe::Table& table,
                                const properties::ClickPipeBounds& bounds,
                                const ExploredOptions& options, const Highlight* highlight = nullptr);
ExploredGraph ExploredMongosync(const model::mongosync::Table& table,
                                const properties::MongosyncBounds& bounds,
                                const ExploredOptions& options, const Highlight* highlight = nullptr);

}  // namespace pipecheck::graphs
