// graphs/explored_impl.h: the template helpers of graphs::Explored.
// Included by graphs/explored.h only, after ExploredOptions and ExploredGraph.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "graphs/graph.h"
#include "graphs/highlight.h"
#include "model/assert.h"
#include "properties/explorer.h"

namespace pipecheck::graphs {

namespace explored_detail {

using properties::Action;
using properties::Explorer;
using properties::RowMask;

// Non-template helpers (explored.cc).
Attributes StateAttributes(const std::string& kind, bool dimmed);
std::vector<std::size_t> RowList(const RowMask& rows);
std::string Penwidth(std::uint64_t count);

struct Transition {
  std::uint32_t from;
  std::uint32_t to;
  Action action;
  RowMask rows;
};

// One step of a highlighted run as the explorer takes it: a service-wide
// fault that stepped several subjects at one instant is one step.
struct RunStep {
  int pipe = -1;
  std::string what;
  std::vector<std::size_t> rows;
  bool service = false;
};

// A run's steps, a service-wide fault's rows at one instant grouped into one.
template <typename Space>
std::vector<RunStep> RunSteps(const Highlight& highlight) {
  std::vector<RunStep> run;
  std::int64_t last_t = -1;
  for (const HighlightStep& step : highlight.steps) {
    const bool service = Space::ServiceWide(step.what);
    if (service && !run.empty() && run.back().service && run.back().what == step.what &&
        last_t == step.t_ms) {
      run.back().rows.push_back(step.row);
      continue;
    }
    run.push_back({step.pipe, step.what, {step.row}, service});
    last_t = step.t_ms;
  }
  return run;
}

// Whether a transition is the run's step: the same trigger and subject, and
// every row the step took.
template <typename Space>
bool Matches(const RunStep& step, Action action, const RowMask& rows) {
  if (!Space::Takes(action, step.what, step.pipe, step.service)) return false;
  return std::all_of(step.rows.begin(), step.rows.end(), [&](std::size_t row) { return rows.Has(row); });
}

// The transitions of a finished exploration, in state order then action order.
template <typename Space>
std::vector<Transition> Transitions(const Space& space, const Explorer<Space>& explorer) {
  std::vector<Transition> out;
  for (std::uint32_t s = 0; s < explorer.states(); ++s) {
    space.Successors(explorer.Unpack(s), [&](Action action, const typename Space::State& next,
                                              const RowMask& rows) {
      const std::uint32_t target = explorer.Find(next);
      PIPECHECK_ASSERT(target != Explorer<Space>::kNoParent);
      out.push_back({s, target, action, rows});
    });
  }
  PIPECHECK_ASSERT(out.size() == explorer.transitions());
  return out;
}

// The path through the explored graph that takes `run` in order, or its
// longest matching prefix: breadth-first over (state, steps taken).
template <typename Space>
std::vector<std::size_t> Walk(const Explorer<Space>& explorer, const std::vector<Transition>& transitions,
                              const std::vector<RunStep>& run, std::size_t* matched) {
  const std::size_t states = explorer.states();
  std::vector<std::vector<std::size_t>> out(states);
  for (std::size_t t = 0; t < transitions.size(); ++t) out[transitions[t].from].push_back(t);
  struct Node {
    std::uint32_t state;
    std::size_t taken;
    std::size_t parent;      // Node index; npos for a start.
    std::size_t transition;  // The transition into this node.
  };
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<Node> nodes;
  std::vector<bool> seen(states * (run.size() + 1), false);
  for (std::uint32_t s = 0; s < states && explorer.is_initial(s); ++s) {
    nodes.push_back({s, 0, kNone, kNone});
    seen[s * (run.size() + 1)] = true;
  }
  std::size_t best = 0;
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    const Node node = nodes[n];
    if (node.taken > nodes[best].taken) best = n;
    if (node.taken == run.size()) break;
    for (const std::size_t t : out[node.state]) {
      const Transition& transition = transitions[t];
      if (!Matches<Space>(run[node.taken], transition.action, transition.rows)) continue;
      const std::size_t key = transition.to * (run.size() + 1) + node.taken + 1;
      if (seen[key]) continue;
      seen[key] = true;
      nodes.push_back({transition.to, node.taken + 1, n, t});
    }
  }
  *matched = nodes.empty() ? 0 : nodes[best].taken;
  std::vector<std::size_t> path;
  for (std::size_t n = best; !nodes.empty() && nodes[n].parent != kNone; n = nodes[n].parent) {
    path.push_back(nodes[n].transition);
  }
  std::reverse(path.begin(), path.end());
  return path;
}

template <typename Space>
void BuildFull(const Space& space, const Explorer<Space>& explorer,
               const std::vector<Transition>& transitions, const Highlight* highlight, ExploredGraph& result) {
  Graph& graph = result.graph;
  for (std::uint32_t s = 0; s < explorer.states(); ++s) {
    const auto state = explorer.Unpack(s);
    Attributes attributes = StateAttributes(space.StateKind(state), space.Dimmed(state));
    // One line per part of the description ("a; b" -> "a\nb"), built by
    // appending: std::string::replace here draws a false -Wrestrict from GCC 12 at -O3.
    const std::string description = space.Describe(state);
    std::string label;
    for (std::size_t from = 0;;) {
      const std::size_t at = description.find("; ", from);
      label.append(description, from, at == std::string::npos ? std::string::npos : at - from);
      if (at == std::string::npos) break;
      label += '\n';
      from = at + 2;
    }
    attributes["label"] = label;
    if (explorer.is_initial(s)) attributes["peripheries"] = "2";
    boost::add_vertex(VertexProps{fmt::format("s{}", s), std::move(attributes)}, graph);
  }
  std::vector<Edge> edges;
  for (const Transition& transition : transitions) {
    const std::string kind = space.ActionKind(transition.action);
    const char* color = TriggerColor(kind);
    edges.push_back(boost::add_edge(transition.from, transition.to,
                                    EdgeProps{RowList(transition.rows),
                                              {{"color", color},
                                               {"fontcolor", color},
                                               {"kind", kind},
                                               {"label", space.Describe(transition.action)}}},
                                    graph)
                        .first);
  }
  if (highlight == nullptr) return;
  const std::vector<RunStep> run = RunSteps<Space>(*highlight);
  std::size_t matched = 0;
  const std::vector<std::size_t> path = Walk(explorer, transitions, run, &matched);
  std::size_t step = 0;
  for (const std::size_t t : path) {
    EdgeProps& edge = graph[edges[t]];
    edge.attributes["color"] = kHighlightColor;
    edge.attributes["fontcolor"] = kHighlightColor;
    edge.attributes["penwidth"] = "3";
    edge.attributes["label"] += fmt::format("\nrun step {}", ++step);
    for (const std::uint32_t s : {transitions[t].from, transitions[t].to}) {
      graph[s].attributes["color"] = kHighlightColor;
      graph[s].attributes["penwidth"] = "3";
    }
  }
  result.highlight_note = fmt::format("highlighted: {}: {} of {} steps on this graph", highlight->title,
                                      matched, run.size());
  if (matched < run.size()) {
    const RunStep& next = run[matched];
    result.highlight_note += fmt::format(
        "; step {} ({}{}) leaves the explored space (a fault budget or the pipe bound)", matched + 1,
        next.pipe >= 0 && !next.service ? fmt::format("pipe {} ", next.pipe) : "", next.what);
  }
}

// Quotiented: the transitions are counted as each state is re-expanded, never
// stored, so that millions of them (3 pipes: 17 million) fit in memory.
template <typename Space>
void BuildQuotient(const Space& space, const Explorer<Space>& explorer, const Highlight* highlight, ExploredGraph& result) {
  Graph& graph = result.graph;
  std::map<std::string, std::size_t> vertex_of;
  std::vector<std::uint64_t> state_count;
  std::vector<std::size_t> key_of_state(explorer.states());
  for (std::uint32_t s = 0; s < explorer.states(); ++s) {
    const auto state = explorer.Unpack(s);
    const std::string key = space.QuotientKey(state);
    const auto [it, inserted] = vertex_of.emplace(key, state_count.size());
    if (inserted) {
      Attributes attributes = StateAttributes(space.StateKind(state), space.Dimmed(state));
      boost::add_vertex(VertexProps{key, std::move(attributes)}, graph);
      state_count.push_back(0);
    }
    ++state_count[it->second];
    key_of_state[s] = it->second;
  }
  for (std::size_t v = 0; v < state_count.size(); ++v) {
    graph[v].attributes["label"] = fmt::format("{}\n{} state{}", graph[v].id, Thousands(state_count[v]),
                                               state_count[v] == 1 ? "" : "s");
    graph[v].attributes["states"] = std::to_string(state_count[v]);
  }

  struct QuotientEdge {
    std::size_t from, to;
    std::uint64_t count = 0;
    std::vector<std::pair<std::string, std::uint64_t>> lines;  // In order of first appearance.
    std::set<std::string> kinds;
    RowMask rows;
  };
  std::vector<QuotientEdge> quotient;
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> edge_of;
  // Action names and kinds, looked up once per action rather than per transition.
  std::map<Action, std::pair<std::string, std::string>> action_text;
  std::uint64_t transitions = 0;
  for (std::uint32_t s = 0; s < explorer.states(); ++s) {
    space.Successors(explorer.Unpack(s), [&](Action action, const typename Space::State& next,
                                              const RowMask& rows) {
      const std::uint32_t target = explorer.Find(next);
      PIPECHECK_ASSERT(target != Explorer<Space>::kNoParent);
      ++transitions;
      const std::size_t from = key_of_state[s];
      const std::size_t to = key_of_state[target];
      const auto [it, inserted] = edge_of.emplace(std::make_pair(from, to), quotient.size());
      if (inserted) quotient.push_back({from, to, 0, {}, {}, {}});
      QuotientEdge& edge = quotient[it->second];
      ++edge.count;
      auto text = action_text.find(action);
      if (text == action_text.end()) {
        text = action_text.emplace(action, std::make_pair(space.ActionLine(action), space.ActionKind(action))).first;
      }
      const std::string& line = text->second.first;
      auto found = std::find_if(edge.lines.begin(), edge.lines.end(),
                                [&](const auto& entry) { return entry.first == line; });
      if (found == edge.lines.end()) {
        edge.lines.emplace_back(line, 1);
      } else {
        ++found->second;
      }
      edge.kinds.insert(text->second.second);
      for (std::size_t w = 0; w < 2; ++w) edge.rows.bits[w] |= rows.bits[w];
    });
  }
  PIPECHECK_ASSERT(transitions == explorer.transitions());

  // Highlight: the (key, key) edges of the run's primary steps.
  std::map<std::pair<std::size_t, std::size_t>, std::vector<std::size_t>> steps_of_edge;
  std::set<std::size_t> visited;
  std::size_t primary = 0;
  if (highlight != nullptr) {
    for (const HighlightStep& step : highlight->Primary()) {
      ++primary;
      const auto [from, to] = space.RowKeys(step.row);
      const auto f = vertex_of.find(from);
      const auto t = vertex_of.find(to);
      if (f == vertex_of.end() || t == vertex_of.end()) continue;
      steps_of_edge[{f->second, t->second}].push_back(primary);
      visited.insert(f->second);
      visited.insert(t->second);
    }
    result.highlight_note = fmt::format("highlighted: {}: {} lifecycle steps", highlight->title, primary);
  }

  // Labels stay short so that the drawing, scaled to a page, keeps its text
  // readable: an edge shows its two most frequent actions (a self-loop only
  // its count); the tooltip lists every action with its count.
  constexpr std::size_t kLines = 6;
  constexpr std::size_t kLabelLines = 2;
  for (const QuotientEdge& edge : quotient) {
    std::vector<std::pair<std::string, std::uint64_t>> lines = edge.lines;
    std::stable_sort(lines.begin(), lines.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    const std::string total =
        fmt::format("{} transition{}", Thousands(edge.count), edge.count == 1 ? "" : "s");
    std::string tooltip = total;
    for (const auto& [action, count] : lines) {
      tooltip += fmt::format("\n{} \u00d7{}", action, Thousands(count));
    }
    std::string label;
    if (edge.from == edge.to) {
      label = fmt::format("stays \u00d7{}", Thousands(edge.count));
    } else {
      for (std::size_t i = 0; i < lines.size() && i < kLabelLines; ++i) {
        label += fmt::format("{}{} \u00d7{}", i == 0 ? "" : "\n", lines[i].first,
                             Thousands(lines[i].second));
      }
      if (lines.size() > kLabelLines) label += fmt::format("\n+{} more", lines.size() - kLabelLines);
    }
    const std::string kind = edge.kinds.size() == 1 ? *edge.kinds.begin() : "mixed";
    const char* color = kind == "mixed" ? "#374151" : TriggerColor(kind);
    Attributes attributes{{"color", color},
                          {"count", std::to_string(edge.count)},
                          {"fontcolor", color},
                          {"kind", kind},
                          {"penwidth", Penwidth(edge.count)}};
    const auto it = steps_of_edge.find({edge.from, edge.to});
    if (it != steps_of_edge.end()) {
      attributes["color"] = kHighlightColor;
      attributes["fontcolor"] = kHighlightColor;
      attributes["penwidth"] = "3.5";
      std::string steps;
      for (std::size_t i = 0; i < it->second.size() && i < kLines; ++i) {
        steps += (i == 0 ? "" : ", ") + std::to_string(it->second[i]);
      }
      if (it->second.size() > kLines) steps += ", \u2026";
      label += fmt::format("\nrun step{} {}", it->second.size() > 1 ? "s" : "", steps);
    }
    attributes["label"] = label;
    attributes["tooltip"] = tooltip;
    boost::add_edge(edge.from, edge.to, EdgeProps{RowList(edge.rows), std::move(attributes)}, graph);
  }
  for (const std::size_t v : visited) {
    graph[v].attributes["color"] = kHighlightColor;
    graph[v].attributes["penwidth"] = "3";
  }
}

}  // namespace explored_detail
}  // namespace pipecheck::graphs
