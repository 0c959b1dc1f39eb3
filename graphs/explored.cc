#include "graphs/explored.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "model/assert.h"
#include "model/describe.h"
#include "properties/explorer.h"

namespace pipecheck::graphs {

namespace {

namespace cp = model::clickpipe;
namespace ms = model::mongosync;
using properties::Action;
using properties::Explorer;
using properties::RowMask;

struct Transition {
  std::uint32_t from;
  std::uint32_t to;
  Action action;
  RowMask rows;
};

// One step of a highlighted run as the explorer takes it: a service-wide
// fault that stepped several pipes at one instant is one step.
struct RunStep {
  int pipe = -1;
  std::string what;
  std::vector<std::size_t> rows;
  bool service = false;
};

// What the generic builder needs to know of one model.
template <typename Space>
struct Adapter {
  using State = typename Space::State;
  std::string title;        // "ClickPipe profile current: 2 pipes, budgets ..."
  std::string quotient_by;  // "the lifecycle state of pipe 0"
  std::function<std::string(const State&)> key;         // Quotient vertex id.
  std::function<std::string(const State&)> kind;        // Style kind; "start" before the lifecycle.
  std::function<bool(const State&)> dimmed;             // mongosync process down or exited.
  std::function<std::string(Action)> action_line;       // Quotient label line ("pause").
  std::function<std::string(Action)> action_kind;       // operation, event, fault.
  std::function<std::pair<std::string, std::string>(const HighlightStep&)> step_keys;
  std::function<std::vector<RunStep>(const Highlight&)> run_steps;
  std::function<bool(const RunStep&, Action, const RowMask&)> matches;
};

Attributes StateAttributes(const std::string& kind, bool dimmed) {
  if (kind == "start") {
    return {{"color", "#6b7280"}, {"fillcolor", "#ffffff"}, {"kind", "start"}, {"shape", "box"},
            {"style", "rounded,dashed"}};
  }
  const KindStyle style = StateStyle(kind);
  Attributes attributes{{"color", style.color}, {"fillcolor", style.fillcolor}, {"kind", kind},
                        {"shape", style.shape}, {"style", style.style}};
  if (dimmed) {
    attributes["fillcolor"] = "#f3f4f6";
    attributes["style"] = "rounded,filled,dashed";
  }
  return attributes;
}

std::vector<std::size_t> RowList(const RowMask& rows) {
  std::vector<std::size_t> out;
  for (std::size_t row = 0; row < 128; ++row) {
    if (rows.Has(row)) out.push_back(row);
  }
  return out;
}

std::string Penwidth(std::uint64_t count) {
  return fmt::format("{:.1f}", 1.0 + 0.6 * std::log10(static_cast<double>(count)));
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
                              const std::vector<RunStep>& run, const Adapter<Space>& adapter,
                              std::size_t* matched) {
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
      if (!adapter.matches(run[node.taken], transition.action, transition.rows)) continue;
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
               const std::vector<Transition>& transitions, const Adapter<Space>& adapter,
               const Highlight* highlight, ExploredGraph& result) {
  Graph& graph = result.graph;
  for (std::uint32_t s = 0; s < explorer.states(); ++s) {
    const auto state = explorer.Unpack(s);
    Attributes attributes = StateAttributes(adapter.kind(state), adapter.dimmed(state));
    std::string label = space.Describe(state);
    for (std::size_t at = label.find("; "); at != std::string::npos; at = label.find("; ", at)) {
      label.replace(at, 2, "\n");
    }
    attributes["label"] = label;
    if (explorer.is_initial(s)) attributes["peripheries"] = "2";
    boost::add_vertex(VertexProps{fmt::format("s{}", s), std::move(attributes)}, graph);
  }
  std::vector<Edge> edges;
  for (const Transition& transition : transitions) {
    const std::string kind = adapter.action_kind(transition.action);
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
  const std::vector<RunStep> run = adapter.run_steps(*highlight);
  std::size_t matched = 0;
  const std::vector<std::size_t> path = Walk(explorer, transitions, run, adapter, &matched);
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
void BuildQuotient(const Space& space, const Explorer<Space>& explorer, const Adapter<Space>& adapter,
                   const Highlight* highlight, ExploredGraph& result) {
  Graph& graph = result.graph;
  std::map<std::string, std::size_t> vertex_of;
  std::vector<std::uint64_t> state_count;
  std::vector<std::size_t> key_of_state(explorer.states());
  for (std::uint32_t s = 0; s < explorer.states(); ++s) {
    const auto state = explorer.Unpack(s);
    const std::string key = adapter.key(state);
    const auto [it, inserted] = vertex_of.emplace(key, state_count.size());
    if (inserted) {
      Attributes attributes = StateAttributes(adapter.kind(state), adapter.dimmed(state));
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
        text = action_text.emplace(action, std::make_pair(adapter.action_line(action), adapter.action_kind(action))).first;
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
      const auto [from, to] = adapter.step_keys(step);
      const auto f = vertex_of.find(from);
      const auto t = vertex_of.find(to);
      if (f == vertex_of.end() || t == vertex_of.end()) continue;
      steps_of_edge[{f->second, t->second}].push_back(primary);
      visited.insert(f->second);
      visited.insert(t->second);
    }
    result.highlight_note = fmt::format("highlighted: {}: {} lifecycle steps", highlight->title, primary);
  }

  constexpr std::size_t kLines = 6;
  for (const QuotientEdge& edge : quotient) {
    std::vector<std::pair<std::string, std::uint64_t>> lines = edge.lines;
    std::stable_sort(lines.begin(), lines.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string label = fmt::format("{} transition{}", Thousands(edge.count), edge.count == 1 ? "" : "s");
    for (std::size_t i = 0; i < lines.size() && i < kLines; ++i) {
      label += fmt::format("\n{} \u00d7{}", lines[i].first, Thousands(lines[i].second));
    }
    if (lines.size() > kLines) label += fmt::format("\n\u2026 {} more actions", lines.size() - kLines);
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
    boost::add_edge(edge.from, edge.to, EdgeProps{RowList(edge.rows), std::move(attributes)}, graph);
  }
  for (const std::size_t v : visited) {
    graph[v].attributes["color"] = kHighlightColor;
    graph[v].attributes["penwidth"] = "3";
  }
}

template <typename Space>
ExploredGraph Build(const Space& space, const Adapter<Space>& adapter, const ExploredOptions& options,
                    const Highlight* highlight) {
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
    result.quotient_by = adapter.quotient_by;
    BuildQuotient(space, explorer, adapter, highlight, result);
  } else {
    BuildFull(space, explorer, Transitions(space, explorer), adapter, highlight, result);
  }
  std::vector<LegendLine> lines = {{fmt::format(
      "{} states, {} transitions; {}", Thousands(result.states), Thousands(result.transitions),
      result.quotient ? fmt::format("quotiented by {}, edges counted", adapter.quotient_by)
                      : "every state (double border: initial) and every transition"), ""}};
  if (!result.highlight_note.empty()) lines.push_back({result.highlight_note, kHighlightColor});
  SetLegend(result.graph[boost::graph_bundle], "Explored state graph: " + adapter.title,
            KindSwatches(/*inferred=*/false), lines);
  return result;
}

std::string BudgetText(const auto& names, const auto& budget) {
  std::string text;
  for (std::size_t f = 0; f < names.size(); ++f) {
    text += fmt::format("{}{}={}", text.empty() ? "" : " ", names[f], budget[f]);
  }
  return text;
}

}  // namespace

ExploredGraph ExploredClickPipe(const cp::Table& table, const properties::ClickPipeBounds& bounds,
                                const ExploredOptions& options, const Highlight* highlight) {
  using properties::ClickPipeSpace;
  const ClickPipeSpace space(table, bounds);
  Adapter<ClickPipeSpace> adapter;
  std::string modes;
  for (const cp::Mode mode : space.bounds().modes) {
    modes += (modes.empty() ? "" : ", ") + std::string(cp::ToString(mode));
  }
  adapter.title = fmt::format("ClickPipe profile {}, {} pipe{} (modes {}), fault budgets {}",
                              cp::ToString(table.profile()), bounds.pipes, bounds.pipes == 1 ? "" : "s",
                              modes, BudgetText(properties::kClickPipeFaultNames, bounds.budget));
  adapter.quotient_by = "the lifecycle state of pipe 0";
  adapter.key = [](const ClickPipeSpace::State& state) {
    return std::string(cp::ToString(state.pipes[0].state));
  };
  adapter.kind = [](const ClickPipeSpace::State& state) {
    const cp::State s = state.pipes[0].state;
    return s == cp::State::kNone ? std::string("start") : std::string(model::ToString(cp::KindOf(s)));
  };
  adapter.dimmed = [](const ClickPipeSpace::State&) { return false; };
  adapter.action_line = [](Action action) {
    const int pipe = ClickPipeSpace::PipeOf(action);
    const std::string trigger(cp::ToString(ClickPipeSpace::TriggerOf(action)));
    if (pipe == ClickPipeSpace::kMaxPipes) return "service: " + trigger;
    if (pipe != 0) return std::string("other pipes' steps");
    return trigger;
  };
  adapter.action_kind = [](Action action) {
    return std::string(model::ToString(cp::KindOf(ClickPipeSpace::TriggerOf(action))));
  };
  adapter.step_keys = [&table](const HighlightStep& step) {
    const cp::Row& row = table.rows()[step.row];
    return std::make_pair(std::string(cp::ToString(row.from)), std::string(cp::ToString(row.to)));
  };
  adapter.run_steps = [](const Highlight& run_highlight) {
    std::vector<RunStep> run;
    std::int64_t last_t = -1;
    for (const HighlightStep& step : run_highlight.steps) {
      const auto trigger = cp::ParseTrigger(step.what);
      PIPECHECK_ASSERT(trigger.has_value());
      const bool service = ClickPipeSpace::IsServiceWide(*trigger);
      if (service && !run.empty() && run.back().service && run.back().what == step.what &&
          last_t == step.t_ms) {
        run.back().rows.push_back(step.row);
        continue;
      }
      run.push_back({step.pipe, step.what, {step.row}, service});
      last_t = step.t_ms;
    }
    return run;
  };
  adapter.matches = [](const RunStep& step, Action action, const RowMask& rows) {
    if (cp::ToString(ClickPipeSpace::TriggerOf(action)) != step.what) return false;
    const int pipe = ClickPipeSpace::PipeOf(action);
    if (step.service != (pipe == ClickPipeSpace::kMaxPipes)) return false;
    if (!step.service && pipe != step.pipe) return false;
    return std::all_of(step.rows.begin(), step.rows.end(), [&](std::size_t row) { return rows.Has(row); });
  };
  return Build(space, adapter, options, highlight);
}

ExploredGraph ExploredMongosync(const ms::Table& table, const properties::MongosyncBounds& bounds,
                                const ExploredOptions& options, const Highlight* highlight) {
  using properties::MongosyncSpace;
  const MongosyncSpace space(table, bounds);
  Adapter<MongosyncSpace> adapter;
  adapter.title = fmt::format("mongosync, {} /start bodies, fault budgets {}", MongosyncSpace::kBodies,
                              BudgetText(properties::kMongosyncFaultNames, bounds.budget));
  adapter.quotient_by = "(state, process)";
  auto key = [](ms::State state, ms::Process process) {
    const std::string name(ms::ToString(state));
    return process == ms::Process::kUp ? name : fmt::format("{} (process {})", name, ms::ToString(process));
  };
  adapter.key = [key](const MongosyncSpace::State& state) { return key(state.sync.state, state.sync.process); };
  adapter.kind = [](const MongosyncSpace::State& state) {
    const ms::State s = state.sync.state;
    return s == ms::State::kNone ? std::string("start") : std::string(model::ToString(ms::KindOf(s)));
  };
  adapter.dimmed = [](const MongosyncSpace::State& state) { return state.sync.process != ms::Process::kUp; };
  adapter.action_line = [](Action action) {
    return std::string(ms::ToString(MongosyncSpace::TriggerOf(action)));
  };
  adapter.action_kind = [](Action action) {
    return std::string(model::ToString(ms::KindOf(MongosyncSpace::TriggerOf(action))));
  };
  adapter.step_keys = [&table, key](const HighlightStep& step) {
    const ms::Row& row = table.rows()[step.row];
    return std::make_pair(key(row.from, row.process_from), key(row.to, row.process_to));
  };
  adapter.run_steps = [](const Highlight& run_highlight) {
    std::vector<RunStep> run;
    for (const HighlightStep& step : run_highlight.steps) {
      run.push_back({step.pipe, step.what, {step.row}, false});
    }
    return run;
  };
  adapter.matches = [](const RunStep& step, Action action, const RowMask& rows) {
    return ms::ToString(MongosyncSpace::TriggerOf(action)) == step.what && rows.Has(step.rows[0]);
  };
  return Build(space, adapter, options, highlight);
}

}  // namespace pipecheck::graphs
