#include "graphs/lifecycle.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "model/assert.h"

namespace pipecheck::graphs {

namespace {

constexpr const char* kStart = "(none)";
constexpr std::size_t kSelfLoopWidth = 34;  // Characters per line of a self-loop label.

std::string FromName(const model::RowView& row) {
  return row.from.empty() ? std::string(kStart) : std::string(row.from);
}

std::string Join(const std::vector<std::string>& words, const std::string& separator) {
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : separator) + word;
  return out;
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// A guard as a diagram label: the long wording stays in the tooltip and the
// tables; the label keeps what tells two rows apart.
std::string ShortGuard(std::string_view guard) {
  std::string text(guard);
  ReplaceAll(text, "resume point in the oplog and the cause was not irrecoverable_error",
             "point kept, cause not irrecoverable");
  ReplaceAll(text, "resume point still in the source oplog", "point kept");
  ReplaceAll(text, "resume point still in the oplog", "point kept");
  ReplaceAll(text, "resume point no longer in the oplog", "point lost");
  ReplaceAll(text, "started with reversible true and enableUserWriteBlocking sourceAndDestination",
             "reversible start");
  ReplaceAll(text, "; ", ", ");
  // Parenthesised explanations: "on create (no resync, no add_tables)".
  for (std::size_t open = text.find(" ("); open != std::string::npos; open = text.find(" (")) {
    const std::size_t close = text.find(')', open);
    if (close == std::string::npos) break;
    text.erase(open, close - open + 1);
  }
  return text;
}

std::string ProcessPart(const model::RowView& row) {
  if (row.process_from.empty() || row.process_to.empty()) return "";
  if (row.process_from != row.process_to) {
    return fmt::format(": {}\u2192{}", row.process_from, row.process_to);
  }
  if (row.process_from != "up") return fmt::format(" (process {})", row.process_from);
  return "";
}

std::string ModesPart(const model::TableView& view, const model::RowView& row) {
  if (row.modes.empty() || row.modes.size() == view.modes.size()) return "";
  std::vector<std::string> modes(row.modes.begin(), row.modes.end());
  return fmt::format(" mode{} {}", modes.size() > 1 ? "s" : "", Join(modes, ", "));
}

// Whether (from, trigger) has more than one row: then the guard is what
// decides, and the label must show it.
bool Ambiguous(const model::TableView& view, const model::RowView& row) {
  return std::count_if(view.rows.begin(), view.rows.end(), [&](const model::RowView& other) {
           return other.from == row.from && other.trigger == row.trigger;
         }) > 1;
}

// One row on an edge label. An edge between two states: the trigger (and
// its decision when inferred), then on a second line the guard and modes
// that tell it apart (with `stacked`, the guard and the modes on a line
// each, for a narrow label). A self-loop: only the trigger (and the guard
// when it decides between rows); the rest is in the tooltip.
std::string RowLine(const model::TableView& view, const model::RowView& row, bool self_loop, bool stacked) {
  std::string line = std::string(row.trigger) + ProcessPart(row);
  const bool guard = !row.guard.empty() && (!self_loop || Ambiguous(view, row));
  if (self_loop) return guard ? line + " [" + ShortGuard(row.guard) + "]" : line;
  if (row.evidence.status() == model::Status::kInferred) line += fmt::format(" ({})", row.evidence.decision);
  std::string detail = guard ? "[" + ShortGuard(row.guard) + "]" : "";
  std::string modes = ModesPart(view, row);
  if (!modes.empty()) modes.erase(0, 1);
  if (stacked && !detail.empty() && !modes.empty()) {
    detail += "\n" + modes;
  } else if (!modes.empty()) {
    detail += (detail.empty() ? "" : " ") + modes;
  }
  return detail.empty() ? line : line + "\n" + detail;
}

std::string RowTooltip(const model::RowView& row) {
  std::string text = fmt::format("row {}: {} --{}--> {}", row.index, FromName(row), row.trigger, row.to);
  if (!row.process_from.empty()) {
    text += fmt::format(" (process {} to {})", row.process_from, row.process_to);
  }
  if (!row.guard.empty()) text += fmt::format("; guard: {}", row.guard);
  if (!row.modes.empty()) {
    text += "; modes: " + Join(std::vector<std::string>(row.modes.begin(), row.modes.end()), ", ");
  }
  text += fmt::format("; {} {}", row.evidence.source, model::ToString(row.evidence.status()));
  if (!row.evidence.decision.empty()) text += fmt::format(" ({})", row.evidence.decision);
  if (!row.note.empty()) text += fmt::format("; {}", row.note);
  return text;
}

// Words joined with ", " and broken into lines of about `width` characters.
std::string Wrap(const std::vector<std::string>& words, std::size_t width) {
  std::string out;
  std::size_t line = 0;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string piece = words[i] + (i + 1 < words.size() ? "," : "");
    if (line != 0 && line + 1 + piece.size() > width) {
      out += "\n";
      line = 0;
    } else if (line != 0) {
      out += " ";
      ++line;
    }
    out += piece;
    line += piece.size();
  }
  return out;
}

std::string StepList(const std::vector<std::size_t>& steps) {
  constexpr std::size_t kShown = 6;
  std::vector<std::string> words;
  for (std::size_t i = 0; i < steps.size() && i < kShown; ++i) words.push_back(std::to_string(steps[i]));
  if (steps.size() > kShown) words.push_back(fmt::format("\u2026 ({} times)", steps.size()));
  return fmt::format("run step{} {}", steps.size() > 1 ? "s" : "", Join(words, ", "));
}

// The dot before the first state; `tooltip` empty for none.
void AddStartVertex(Graph& graph, std::string_view tooltip) {
  Attributes attributes = {{"fillcolor", "#111827"}, {"height", "0.22"}, {"kind", "start"},
                           {"label", ""},            {"shape", "circle"}, {"style", "filled"},
                           {"width", "0.22"}};
  if (!tooltip.empty()) attributes["tooltip"] = std::string(tooltip);
  boost::add_vertex(VertexProps{kStart, std::move(attributes)}, graph);
}

// The start (with `start`) and the declared states, those of `only` when it
// is not empty.
void AddStateVertices(Graph& graph, const model::TableView& view, bool start, const std::set<std::string>& only) {
  if (start) AddStartVertex(graph, "(none): before the lifecycle starts");
  for (const model::StateView& state : view.states) {
    if (!only.empty() && only.count(std::string(state.name)) == 0) continue;
    const std::string kind(model::ToString(state.kind));
    const KindStyle style = StateStyle(kind);
    Attributes attributes{{"color", style.color},
                          {"fillcolor", style.fillcolor},
                          {"kind", kind},
                          {"label", std::string(state.name)},
                          {"shape", style.shape},
                          {"style", style.style},
                          {"tooltip", fmt::format("{} ({})", state.name, kind)}};
    if (state.kind == model::StateKind::kTerminal) attributes["peripheries"] = "2";
    if (state.kind == model::StateKind::kDeclaredOnly) {
      attributes["fontcolor"] = "#6b7280";
      attributes["label"] = fmt::format("{}\ndeclared, never reached", state.name);
    }
    boost::add_vertex(VertexProps{std::string(state.name), std::move(attributes)}, graph);
  }
}

struct Group {
  std::string from, to;
  model::TriggerKind kind;
  std::string status;  // stated, inferred, or mixed (a self-loop of both).
  std::vector<std::size_t> rows;
};

// Rows folded by (from, to, trigger kind, status), in order of first row.
// Self-loops fold by (state, trigger kind) only, so that a state carries at
// most three loops; their inferred rows name their decision on the label.
// Only the rows `drawn` says.
std::vector<Group> GroupRows(const model::TableView& view, const std::vector<bool>& drawn) {
  std::vector<Group> groups;
  std::map<std::tuple<std::string, std::string, int, std::string>, std::size_t> index;
  for (const model::RowView& row : view.rows) {
    if (!drawn[row.index]) continue;
    const std::string status(model::ToString(row.evidence.status()));
    const bool self_loop = FromName(row) == row.to;
    const auto key = std::make_tuple(FromName(row), std::string(row.to), static_cast<int>(row.trigger_kind),
                                     self_loop ? std::string() : status);
    const auto [it, inserted] = index.emplace(key, groups.size());
    if (inserted) groups.push_back({FromName(row), std::string(row.to), row.trigger_kind, status, {}});
    Group& group = groups[it->second];
    if (group.status != status) group.status = "mixed";
    group.rows.push_back(row.index);
  }
  return groups;
}

std::string EdgeLabel(const model::TableView& view, const Group& group, bool stacked) {
  const bool self_loop = group.from == group.to;
  std::vector<std::string> lines;
  for (const std::size_t row : group.rows) {
    std::string line = RowLine(view, view.rows[row], self_loop, stacked);
    if (self_loop && group.status == "mixed" && !view.rows[row].evidence.decision.empty()) {
      line += fmt::format(" ({})", view.rows[row].evidence.decision);
    }
    if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(line);
  }
  if (!self_loop) return Join(lines, "\n");
  std::string label = Wrap(lines, kSelfLoopWidth);
  if (group.status == "inferred") {
    std::set<std::string> decisions;
    for (const std::size_t row : group.rows) decisions.insert(std::string(view.rows[row].evidence.decision));
    label += fmt::format("\n({})", Join({decisions.begin(), decisions.end()}, ", "));
  }
  return label;
}

// The lifecycle's name on a diagram.
std::string_view Name(const model::TableView& view) {
  return view.title.empty() ? view.model : view.title;
}

// Whether a part draws rows of this trigger kind.
bool Draws(Part part, model::TriggerKind kind) {
  switch (part) {
    case Part::kAll: return true;
    case Part::kFlow: return kind != model::TriggerKind::kFault;
    case Part::kFaults: return kind == model::TriggerKind::kFault;
  }
  return true;
}

// The part's name on a diagram's title, and where the other part is.
std::string PartTitle(Part part) {
  switch (part) {
    case Part::kAll: return "";
    case Part::kFlow: return ": operations and internal events";
    case Part::kFaults: return ": faults";
  }
  return "";
}
std::string OtherPart(Part part) {
  switch (part) {
    case Part::kAll: return "";
    case Part::kFlow: return "faults on a diagram of their own";
    case Part::kFaults: return "operations and internal events on a diagram of their own";
  }
  return "";
}

// A flow part top to bottom: the states of a rank closer together, so that
// the diagram is narrower and, fitted to a page, its labels larger; the
// labels a point larger than the default, for the same reason.
void NarrowFlow(GraphProps& props) {
  props.graph["nodesep"] = "0.3";
  props.edge["fontsize"] = "11";
}

// The swatch rows of a part: the arrows of the trigger kinds it draws.
std::vector<std::vector<Swatch>> PartSwatches(Part part, bool fault_drawn) {
  std::vector<std::vector<Swatch>> swatches = KindSwatches(true);
  if (part == Part::kAll) return swatches;
  std::vector<Swatch>& arrows = swatches.back();
  arrows.erase(std::remove_if(arrows.begin(), arrows.end(),
                              [&](const Swatch& swatch) {
                                const bool fault = swatch.text == "\u2192 fault";
                                const bool arrow = swatch.text.rfind("\u2192 ", 0) == 0;
                                if (!arrow) return false;
                                return part == Part::kFaults ? !fault : fault && !fault_drawn;
                              }),
               arrows.end());
  return swatches;
}

}  // namespace

std::string Title(const model::TableView& view) {
  if (view.profile.empty()) return fmt::format("{} lifecycle", Name(view));
  return fmt::format("{} lifecycle, profile {}", Name(view), view.profile);
}

Graph LifecycleGraph(const model::TableView& view, const Highlight* highlight, const std::string& title,
                     Part part) {
  Graph graph;
  graph[boost::graph_bundle] = DefaultGraphProps();

  // Per row: the run steps (1-based) that took it.
  std::map<std::size_t, std::vector<std::size_t>> steps_of_row;
  std::set<std::string> visited;
  std::vector<HighlightStep> primary;
  if (highlight != nullptr) primary = highlight->Primary();
  for (std::size_t i = 0; i < primary.size(); ++i) {
    PIPECHECK_ASSERT(primary[i].row < view.rows.size());
    steps_of_row[primary[i].row].push_back(i + 1);
    visited.insert(FromName(view.rows[primary[i].row]));
    visited.insert(std::string(view.rows[primary[i].row].to));
  }

  // The rows of the part, and those of the flow a highlight took; the
  // states of the faults part are the states its rows touch.
  std::vector<bool> drawn(view.rows.size(), false);
  std::set<std::string> touched;
  bool fault_drawn = false;
  for (const model::RowView& row : view.rows) {
    drawn[row.index] = Draws(part, row.trigger_kind) || (part == Part::kFlow && steps_of_row.count(row.index) != 0);
    if (!drawn[row.index]) continue;
    fault_drawn = fault_drawn || row.trigger_kind == model::TriggerKind::kFault;
    touched.insert(FromName(row));
    touched.insert(std::string(row.to));
  }
  const bool start = touched.count(kStart) != 0;
  if (part != Part::kFaults) touched.clear();  // Every declared state.
  AddStateVertices(graph, view, start, touched);

  // Left to right reads best, with Failed at the end of the flow. A state
  // with three loops (operations, events and faults) is drawn
  // top to bottom instead: dot then puts loops beside their state and keeps
  // room for their labels, which it does not do above and below. The flow
  // part is drawn top to bottom, where a page has room; the faults part
  // left to right, into Failed.
  const std::vector<Group> groups = GroupRows(view, drawn);
  std::map<std::string, int> loops;
  for (const Group& group : groups) {
    if (group.from == group.to) ++loops[group.from];
  }
  const bool crowded = std::any_of(loops.begin(), loops.end(), [](const auto& entry) { return entry.second >= 3; });
  const bool top_down = part == Part::kFlow || (part == Part::kAll && crowded);
  graph[boost::graph_bundle].graph["rankdir"] = top_down ? "TB" : "LR";
  if (part == Part::kFlow) NarrowFlow(graph[boost::graph_bundle]);

  std::size_t inferred = 0;
  std::size_t rows = 0;
  for (const Group& group : groups) {
    const std::string kind(model::ToString(group.kind));
    const char* color = TriggerColor(kind);
    Attributes attributes{{"color", color},
                          {"fontcolor", color},
                          {"kind", kind},
                          {"label", EdgeLabel(view, group, part == Part::kFlow)},
                          {"penwidth", group.kind == model::TriggerKind::kOperation ? "1.4" : "1.1"},
                          {"status", group.status},
                          {"style", group.status == "inferred" ? "dashed" : "solid"}};
    std::vector<std::string> tooltips;
    std::vector<std::size_t> taken;
    for (const std::size_t row : group.rows) {
      tooltips.push_back(RowTooltip(view.rows[row]));
      ++rows;
      if (view.rows[row].evidence.status() == model::Status::kInferred) ++inferred;
      const auto it = steps_of_row.find(row);
      if (it != steps_of_row.end()) taken.insert(taken.end(), it->second.begin(), it->second.end());
    }
    attributes["tooltip"] = Join(tooltips, "\n");
    // Faults can strike almost anywhere; letting them rank the states would
    // pull Failed into the middle of the flow. Drawn on their own, they rank
    // the states into Failed.
    if (group.kind == model::TriggerKind::kFault && part != Part::kFaults) attributes["constraint"] = "false";
    if (!taken.empty()) {
      std::sort(taken.begin(), taken.end());
      attributes["color"] = kHighlightColor;
      attributes["fontcolor"] = kHighlightColor;
      attributes["penwidth"] = "3";
      attributes["label"] += "\n" + StepList(taken);
    }
    boost::add_edge(VertexById(graph, group.from), VertexById(graph, group.to),
                    EdgeProps{group.rows, std::move(attributes)}, graph);
  }
  // The faults part lists its states down the page in table order. dot
  // stacks states that only loop on themselves (all of mongosync's) bottom
  // up, so invisible edges of no row chain those; they rank nothing.
  if (part == Part::kFaults) {
    std::set<std::string> linked;
    for (const Group& group : groups) {
      if (group.from == group.to) continue;
      linked.insert(group.from);
      linked.insert(group.to);
    }
    std::vector<Vertex> alone;
    for (const Vertex vertex : boost::make_iterator_range(boost::vertices(graph))) {
      if (linked.count(graph[vertex].id) == 0) alone.push_back(vertex);
    }
    for (std::size_t i = 1; i < alone.size(); ++i) {
      boost::add_edge(alone[i - 1], alone[i],
                      EdgeProps{{}, {{"constraint", "false"}, {"kind", "order"}, {"style", "invis"}}}, graph);
    }
  }
  for (const Vertex vertex : boost::make_iterator_range(boost::vertices(graph))) {
    if (visited.count(graph[vertex].id) == 0) continue;
    graph[vertex].attributes["color"] = kHighlightColor;
    graph[vertex].attributes["penwidth"] = "3";
  }

  std::vector<LegendLine> lines;
  if (part == Part::kAll) {
    lines.push_back({fmt::format(
        "{} states, {} rows: {} stated, {} inferred; rows with the same ends, kind and status share an edge",
        view.states.size(), view.rows.size(), view.rows.size() - inferred, inferred), ""});
  } else {
    lines.push_back({fmt::format("{} states, {} rows; drawn here: {} rows, {} stated, {} inferred; {}",
                                 view.states.size(), view.rows.size(), rows, rows - inferred, inferred,
                                 OtherPart(part)),
                     ""});
    lines.push_back({"rows with the same ends, kind and status share an edge; hover an edge for its rows", ""});
  }
  if (highlight != nullptr) {
    lines.push_back({fmt::format("highlighted: {}, {} lifecycle steps{}", highlight->title, primary.size(),
                                 view.primary.empty() ? "" : fmt::format(" of {}", view.primary)),
                     kHighlightColor});
  }
  SetLegend(graph[boost::graph_bundle], (title.empty() ? Title(view) : title) + PartTitle(part),
            PartSwatches(part, fault_drawn), lines);
  return graph;
}

DiffSummary Diff(const model::TableView& before, const model::TableView& after) {
  DiffSummary summary;
  auto has_state = [](const model::TableView& view, std::string_view name) {
    return std::any_of(view.states.begin(), view.states.end(),
                       [&](const model::StateView& state) { return state.name == name; });
  };
  for (const model::StateView& state : after.states) {
    (has_state(before, state.name) ? summary.states_kept : summary.states_added)
        .push_back(std::string(state.name));
  }
  for (const model::StateView& state : before.states) {
    if (!has_state(after, state.name)) summary.states_removed.push_back(std::string(state.name));
  }
  auto transitions = [](const model::TableView& view) {
    std::vector<std::string> out;
    for (const model::RowView& row : view.rows) {
      const std::string text = fmt::format("{} --{}--> {}", FromName(row), row.trigger, row.to);
      if (std::find(out.begin(), out.end(), text) == out.end()) out.push_back(text);
    }
    return out;
  };
  const std::vector<std::string> old_transitions = transitions(before);
  const std::vector<std::string> new_transitions = transitions(after);
  for (const std::string& text : new_transitions) {
    const bool kept = std::find(old_transitions.begin(), old_transitions.end(), text) != old_transitions.end();
    (kept ? summary.transitions_kept : summary.transitions_added).push_back(text);
  }
  for (const std::string& text : old_transitions) {
    if (std::find(new_transitions.begin(), new_transitions.end(), text) == new_transitions.end()) {
      summary.transitions_removed.push_back(text);
    }
  }
  return summary;
}

Graph DiffGraph(const model::TableView& before, const model::TableView& after, Part part) {
  PIPECHECK_ASSERT(before.model == after.model);
  const DiffSummary summary = Diff(before, after);
  Graph graph;
  graph[boost::graph_bundle] = DefaultGraphProps();
  graph[boost::graph_bundle].graph["rankdir"] = part == Part::kFlow ? "TB" : "LR";
  if (part == Part::kFlow) NarrowFlow(graph[boost::graph_bundle]);
  auto contains = [](const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };

  // The transitions the part draws ("A --t--> B"), by their trigger's kind,
  // and the states they touch.
  std::set<std::string> faults;
  for (const model::TableView* view : {&before, &after}) {
    for (const model::RowView& row : view->rows) {
      if (row.trigger_kind == model::TriggerKind::kFault) faults.insert(std::string(row.trigger));
    }
  }
  auto drawn = [&](const std::string& text) {
    const std::size_t first = text.find(" --");
    const std::string trigger = text.substr(first + 3, text.find("--> ") - first - 3);
    return part == Part::kAll || (part == Part::kFaults) == (faults.count(trigger) != 0);
  };
  std::set<std::string> touched;
  for (const auto* list : {&summary.transitions_added, &summary.transitions_removed, &summary.transitions_kept}) {
    for (const std::string& text : *list) {
      if (!drawn(text)) continue;
      touched.insert(text.substr(0, text.find(" --")));
      touched.insert(text.substr(text.find("--> ") + 4));
    }
  }
  auto shown = [&](const std::string& state) { return part != Part::kFaults || touched.count(state) != 0; };

  if (shown(kStart)) AddStartVertex(graph, "");
  std::vector<std::string> states;
  for (const model::StateView& state : after.states) states.push_back(std::string(state.name));
  for (const std::string& name : summary.states_removed) states.push_back(name);
  for (const std::string& name : states) {
    if (!shown(name)) continue;
    const bool added = contains(summary.states_added, name);
    const bool removed = contains(summary.states_removed, name);
    const std::string change = added ? "added" : removed ? "removed" : "kept";
    Attributes attributes{{"change", change},
                          {"label", change == "kept" ? name : fmt::format("{}\n({})", name, change)},
                          {"shape", "box"},
                          {"tooltip", fmt::format("{}: {} in {}", name, change, after.profile)}};
    if (added) {
      attributes.insert({{"color", kAddedColor}, {"fillcolor", "#dcfce7"}, {"fontcolor", kAddedColor},
                         {"penwidth", "2"}, {"style", "rounded,filled,bold"}});
    } else if (removed) {
      attributes.insert({{"color", kRemovedColor}, {"fillcolor", "#fee2e2"}, {"fontcolor", kRemovedColor},
                         {"penwidth", "2"}, {"style", "rounded,filled,dashed"}});
    } else {
      attributes.insert({{"color", kKeptColor}, {"fillcolor", "#f9fafb"}, {"style", "rounded,filled"}});
    }
    boost::add_vertex(VertexProps{name, std::move(attributes)}, graph);
  }

  // Transitions folded by (from, to, change); the label lists the triggers.
  struct DiffGroup {
    std::string from, to, change;
    std::vector<std::string> triggers;
  };
  std::vector<DiffGroup> groups;
  std::size_t added = 0, removed = 0, kept = 0;
  auto add = [&](const std::string& text, const std::string& change) {
    if (!drawn(text)) return;
    ++(change == "added" ? added : change == "removed" ? removed : kept);
    const std::size_t first = text.find(" --");
    const std::size_t second = text.find("--> ");
    const std::string from = text.substr(0, first);
    const std::string trigger = text.substr(first + 3, second - first - 3);
    const std::string to = text.substr(second + 4);
    for (DiffGroup& group : groups) {
      if (group.from == from && group.to == to && group.change == change) {
        group.triggers.push_back(trigger);
        return;
      }
    }
    groups.push_back({from, to, change, {trigger}});
  };
  std::set<std::string> done;
  for (const model::RowView& row : after.rows) {
    const std::string text = fmt::format("{} --{}--> {}", FromName(row), row.trigger, row.to);
    if (!done.insert(text).second) continue;
    add(text, contains(summary.transitions_kept, text) ? "kept" : "added");
  }
  for (const std::string& text : summary.transitions_removed) add(text, "removed");
  for (const DiffGroup& group : groups) {
    const bool self_loop = group.from == group.to;
    std::vector<std::string> triggers = group.triggers;
    if (group.change != "kept") {
      for (std::string& trigger : triggers) trigger = (group.change == "added" ? "+ " : "\u2212 ") + trigger;
    }
    Attributes attributes{{"change", group.change},
                          {"label", self_loop ? Wrap(triggers, kSelfLoopWidth) : Join(triggers, "\n")}};
    if (group.change == "added") {
      attributes.insert({{"color", kAddedColor}, {"fontcolor", kAddedColor}, {"penwidth", "2"},
                         {"style", "bold"}});
    } else if (group.change == "removed") {
      attributes.insert({{"color", kRemovedColor}, {"fontcolor", kRemovedColor}, {"penwidth", "2"},
                         {"style", "dashed"}});
    } else {
      attributes.insert({{"color", kKeptColor}, {"fontcolor", "#374151"}, {"style", "solid"}});
    }
    boost::add_edge(VertexById(graph, group.from), VertexById(graph, group.to),
                    EdgeProps{{}, std::move(attributes)}, graph);
  }

  const std::vector<Swatch> changes = {
      {"added", "green: added", "#dcfce7", kAddedColor, kAddedColor, false},
      {"removed", "red, dashed: removed", "#fee2e2", kRemovedColor, kRemovedColor, true},
      {"kept", "grey: kept", "#f9fafb", kKeptColor, "", false}};
  std::vector<LegendLine> lines = {
      {fmt::format("states: {} added ({}), {} removed ({}), {} kept", summary.states_added.size(),
                   Join(summary.states_added, ", "), summary.states_removed.size(),
                   Join(summary.states_removed, ", "), summary.states_kept.size()),
       ""},
      {fmt::format("transitions (from, trigger, to): {} added, {} removed, {} kept",
                   summary.transitions_added.size(), summary.transitions_removed.size(),
                   summary.transitions_kept.size()),
       ""}};
  if (part != Part::kAll) {
    lines.push_back({fmt::format("drawn here: {} added, {} removed, {} kept; {}", added, removed, kept,
                                 OtherPart(part)),
                     ""});
  }
  SetLegend(graph[boost::graph_bundle],
            fmt::format("{} lifecycle: profile {} \u2192 profile {}{}", Name(after), before.profile, after.profile,
                        PartTitle(part)),
            {changes}, lines);
  return graph;
}

}  // namespace pipecheck::graphs
