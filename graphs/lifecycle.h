// graphs/lifecycle.h: a lifecycle table as a diagram, and the diagram of how
// one table differs from another.
//
// Built from model::TableView only, so the same code draws every lifecycle
// (any profile of it, or a test's altered copy).
//
// Contract (LifecycleGraph):
//  - One vertex per declared state, in table order, styled by kind
//    (transient, steady, needs action, terminal, declared only), plus a start
//    vertex "(none)" when a row leaves the pseudo-state before the lifecycle.
//  - Rows with the same (from, to, trigger kind, stated/inferred) fold into
//    one edge: a multi-line label, one line per row (trigger, the guard when
//    it decides between rows or the edge leaves its state, the modes when not
//    all). Edge colour is the trigger kind (operation, event, fault);
//    inferred edges are dashed. Self-loops fold by (state, trigger kind), so
//    a state carries at most three, and list their triggers compactly; a loop
//    of stated and inferred rows is solid and names each row's decision.
//  - Faults do not rank the states (constraint=false), so the flow reads from
//    create to Failed. Left to right, or top to bottom when a state has three
//    loops (dot keeps room for loop labels beside a state, not above it).
//  - Every row is on exactly one edge, and the edge's `rows` name it: nothing
//    of the table is dropped to make the picture readable.
//  - A process dimension, when rows have one, is written on the label
//    ("crash: up→down").
//  - With a highlight, the edges and states of its primary steps (those of
//    the view's primary subject, or of the one subject) are drawn thick and
//    orange, each edge labelled with the step numbers that took it.
//  - A Part draws some of the rows. Part::kAll (the default, the `graph`
//    command's diagram) draws them all, as above. A page is narrower than a
//    lifecycle with its faults, which strike almost every state and lead
//    across the whole flow to Failed, so the report draws two parts, each
//    fitting the page's width:
//      kFlow: every declared state (and the start); the operation and event
//        rows, and the fault rows a highlight took; top to bottom, each
//        label's trigger, guard and modes on lines of their own, labels at
//        11 pt and the states of a rank closer together (nodesep 0.3).
//      kFaults: the fault rows and the states they leave or enter; left to
//        right, the faults ranking the states (so Failed is on the right),
//        the states in table order down the page (those that only loop on
//        themselves held there by invisible edges of kind "order", which
//        stand for no row).
//    Without a highlight, every row is on exactly one edge of kFlow and
//    kFaults together. The legend says which part it is and where the rest is.
//
// Contract (DiffGraph): states and transitions (from, trigger, to) of `after`
// against `before`, each added (green), removed (red, dashed) or kept (grey).
// A Part draws the transitions of its trigger kinds (kFlow: operations and
// events, top to bottom; kFaults: faults, left to right, with the states they
// touch); every transition is on one edge of kFlow and kFaults together.
#pragma once

#include <string>
#include <vector>

#include "graphs/graph.h"
#include "graphs/highlight.h"
#include "model/describe.h"

namespace pipecheck::graphs {

// "<title> lifecycle, profile <profile>", or "<title> lifecycle" without a profile.
std::string Title(const model::TableView& view);

// Which rows a diagram draws (see the contract above).
enum class Part { kAll, kFlow, kFaults };

// `title` replaces Title(view) on the diagram (for an altered copy of a table).
Graph LifecycleGraph(const model::TableView& view, const Highlight* highlight = nullptr,
                     const std::string& title = "", Part part = Part::kAll);

// What changed between two tables of one model, as counts and names.
struct DiffSummary {
  std::vector<std::string> states_added, states_removed, states_kept;
  std::vector<std::string> transitions_added, transitions_removed, transitions_kept;  // "A --t--> B"
};
DiffSummary Diff(const model::TableView& before, const model::TableView& after);
Graph DiffGraph(const model::TableView& before, const model::TableView& after, Part part = Part::kAll);

}  // namespace pipecheck::graphs
