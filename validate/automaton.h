// validate/automaton.h: one lifecycle as a poller sees one subject of it.
//
// An Automaton is every abstract state one subject (a ClickPipe pipe, a
// mongosync process) can reach from before its lifecycle begins, with an
// edge per step the table accepts: the same table, guards and trigger
// vocabulary as `check`, but one subject alone and no fault budget (a long
// history may see any number of faults). A node carries what an observer can
// see of it: its lifecycle state, the mode it was created with, and the facts
// an API body reports beside the state (mongosync's canCommit, canWrite ...).
//
// Each binding builds its Automaton with Build() below from its model's Step;
// the engine (engine.h) never names a lifecycle.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "model/describe.h"
#include "model/lifecycle.h"

namespace pipecheck::validate {

inline constexpr std::uint8_t kUnobservable = 0xFF;  // Before the lifecycle: no API state.

// A fact an API body reports beside the state, and the documented rule that
// ties it to the model (for the explanation when an observation breaks it).
struct FactView {
  // As the API shows it: "canCommit=true", "canCommit=false"; empty for a
  // fact every observation carries (a process that answers is up).
  std::string_view when_true;
  std::string_view when_false;
  std::string_view rule;        // When it is true: "canCommit is true only in RUNNING, ...".
  std::string_view source;
};

struct Automaton {
  struct Edge {
    std::uint32_t to = 0;
    std::uint16_t trigger = 0;  // Index into table.triggers.
    std::uint16_t row = 0;      // Index into table.rows.
  };
  model::TableView table;       // Names, kinds, rows and their evidence.
  std::vector<std::string_view> modes;  // One "" when the lifecycle has none.
  std::vector<FactView> facts;          // Bit i of a node's facts is facts[i].
  std::vector<std::string_view> coming_soon;  // States the service may not report yet (D19).
  // Per node, in discovery order (node 0 is the first initial state).
  std::vector<std::uint8_t> state;   // Index into table.states, or kUnobservable.
  std::vector<std::uint8_t> mode;    // Index into modes.
  std::vector<std::uint32_t> fact_bits;
  std::vector<std::vector<Edge>> out;

  std::size_t size() const { return state.size(); }
  // The index of a lifecycle state in table.states, if the table declares it.
  int StateIndex(std::string_view name) const {
    for (std::size_t i = 0; i < table.states.size(); ++i) {
      if (table.states[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }
};

// What a binding says about one of its abstract subject states.
struct NodeView {
  std::string_view state;  // The lifecycle state's name; empty before the lifecycle.
  std::uint8_t mode = 0;
  std::uint32_t facts = 0;
};

// Breadth-first over `initial` and every step `successors` accepts:
//   successors(subject, emit) calls emit(trigger_index, row_index, next);
//   view(subject) -> NodeView.
// Subject must be ordered (operator<=>); nodes are numbered in BFS order, so
// the automaton is the same on every run.
template <class Subject, class Successors, class View>
void Build(Automaton& automaton, const std::vector<Subject>& initial, Successors&& successors,
           View&& view) {
  std::map<Subject, std::uint32_t> index;
  std::vector<Subject> nodes;
  auto intern = [&](const Subject& subject) {
    const auto [it, inserted] = index.emplace(subject, static_cast<std::uint32_t>(nodes.size()));
    if (inserted) {
      nodes.push_back(subject);
      const NodeView node = view(subject);
      const int state = node.state.empty() ? -1 : automaton.StateIndex(node.state);
      automaton.state.push_back(state < 0 ? kUnobservable : static_cast<std::uint8_t>(state));
      automaton.mode.push_back(node.mode);
      automaton.fact_bits.push_back(node.facts);
      automaton.out.emplace_back();
    }
    return it->second;
  };
  for (const Subject& subject : initial) intern(subject);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Subject subject = nodes[i];
    successors(subject, [&](std::size_t trigger, std::size_t row, const Subject& next) {
      const std::uint32_t to = intern(next);
      std::vector<Automaton::Edge>& out = automaton.out[i];
      for (const Automaton::Edge& edge : out) {
        if (edge.to == to && edge.trigger == trigger) return;  // Another body, the same step.
      }
      out.push_back({to, static_cast<std::uint16_t>(trigger), static_cast<std::uint16_t>(row)});
    });
  }
}

}  // namespace pipecheck::validate
