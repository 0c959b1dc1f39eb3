// tests/graphs_test.cc: the diagrams.
//
// Goal: a diagram never drops or invents a row. Every row of every table is
// on exactly one edge; the DOT that write_graphviz produces parses back
// (boost::read_graphviz) to the same vertices and edges with the same
// attributes; two runs give the same bytes (DOT, JSON and, with Graphviz, SVG);
// the profile diff names the states the seeds added and removed; the
// explored graph has the checker's counts, in full or quotiented; a run
// drawn on a diagram lands on the rows it took.
//
// Method: build each graph from the built-in tables (and an altered copy),
// write it, read it back into a second adjacency_list with dynamic
// properties, and compare with the table and the checker's report.

// GCC 12 warns falsely inside Boost.Graph's edge iterator (see graphs/graph.cc).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <boost/graph/graphviz.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cli/graph_command.h"
#include "graphs/explored.h"
#include "graphs/graph.h"
#include "graphs/lifecycle.h"
#include "graphs/render.h"
#include "model/describe.h"
#include "model/input_error.h"
#include "properties/check.h"
#include "properties/clickpipe_space.h"
#include "properties/mongosync_space.h"
#include "properties/clickpipe_monitors.h"
#include "properties/mongosync_monitors.h"
#include "properties/runner.h"
#include "sim/scenario.h"

namespace pipecheck::graphs {
namespace {

namespace cp = model::clickpipe;
namespace ms = model::mongosync;

std::vector<model::TableView> Views() {
  return {model::Describe(cp::TableOf(cp::Profile::kCurrent)),
          model::Describe(cp::TableOf(cp::Profile::k2024)),
          model::Describe(ms::DefaultTable())};
}

bool HasStart(const model::TableView& view) {
  return std::any_of(view.rows.begin(), view.rows.end(), [](const auto& row) { return row.from.empty(); });
}

std::vector<std::size_t> ParseRows(const std::string& text) {
  std::vector<std::size_t> rows;
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, ',');) rows.push_back(std::stoul(item));
  return rows;
}

// A graph read back from DOT: only the attributes the tests compare.
struct ReadVertex {
  std::string id, label, kind;
};
struct ReadEdge {
  std::string label, rows, kind, status;
};
using ReadGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, ReadVertex, ReadEdge>;

ReadGraph ReadBack(const std::string& dot) {
  ReadGraph graph;
  boost::dynamic_properties properties(boost::ignore_other_properties);
  properties.property("node_id", boost::get(&ReadVertex::id, graph));
  properties.property("label", boost::get(&ReadVertex::label, graph));
  properties.property("kind", boost::get(&ReadVertex::kind, graph));
  properties.property("label", boost::get(&ReadEdge::label, graph));
  properties.property("rows", boost::get(&ReadEdge::rows, graph));
  properties.property("kind", boost::get(&ReadEdge::kind, graph));
  properties.property("status", boost::get(&ReadEdge::status, graph));
  EXPECT_TRUE(boost::read_graphviz(dot, graph, properties, "node_id"));
  return graph;
}

TEST(LifecycleGraph, EveryRowOfEveryTableIsOnExactlyOneEdge) {
  for (const model::TableView& view : Views()) {
    const Graph graph = LifecycleGraph(view);
    std::vector<int> seen(view.rows.size(), 0);
    for (const Edge edge : boost::make_iterator_range(boost::edges(graph))) {
      ASSERT_FALSE(graph[edge].rows.empty());
      for (const std::size_t row : graph[edge].rows) {
        ASSERT_LT(row, view.rows.size());
        ++seen[row];
        // The edge joins the row's states, and its label names the trigger.
        const std::string from = view.rows[row].from.empty() ? "(none)" : std::string(view.rows[row].from);
        EXPECT_EQ(graph[boost::source(edge, graph)].id, from) << "row " << row;
        EXPECT_EQ(graph[boost::target(edge, graph)].id, view.rows[row].to) << "row " << row;
        EXPECT_NE(graph[edge].attributes.at("label").find(view.rows[row].trigger), std::string::npos);
        EXPECT_EQ(graph[edge].attributes.at("kind"), model::ToString(view.rows[row].trigger_kind));
      }
    }
    for (std::size_t row = 0; row < seen.size(); ++row) {
      EXPECT_EQ(seen[row], 1) << view.model << " " << view.profile << " row " << row;
    }
  }
}

TEST(LifecycleGraph, InferredEdgesAreDashedAndStatesCarryTheirKind) {
  for (const model::TableView& view : Views()) {
    const Graph graph = LifecycleGraph(view);
    for (const Edge edge : boost::make_iterator_range(boost::edges(graph))) {
      const bool all_inferred = std::all_of(graph[edge].rows.begin(), graph[edge].rows.end(), [&](std::size_t row) {
        return view.rows[row].evidence.status() == model::Status::kInferred;
      });
      EXPECT_EQ(graph[edge].attributes.at("style") == "dashed", all_inferred);
    }
    for (const model::StateView& state : view.states) {
      const Vertex vertex = VertexById(graph, std::string(state.name));
      EXPECT_EQ(graph[vertex].attributes.at("kind"), model::ToString(state.kind));
    }
  }
}

TEST(LifecycleGraph, DotParsesBackToTheSameVerticesEdgesAndRows) {
  for (const model::TableView& view : Views()) {
    const Graph graph = LifecycleGraph(view);
    const ReadGraph read = ReadBack(ToDot(graph));
    // One vertex per declared state, plus the start before the lifecycle.
    EXPECT_EQ(boost::num_vertices(read), view.states.size() + (HasStart(view) ? 1 : 0));
    EXPECT_EQ(boost::num_vertices(read), boost::num_vertices(graph));
    ASSERT_EQ(boost::num_edges(read), boost::num_edges(graph));
    for (const model::StateView& state : view.states) {
      const auto vertices = boost::make_iterator_range(boost::vertices(read));
      EXPECT_TRUE(std::any_of(vertices.begin(), vertices.end(), [&](auto v) {
        return read[v].id == state.name && read[v].kind == model::ToString(state.kind);
      })) << state.name;
    }
    // The edges read back are the edges written, with their rows and labels
    // (read_graphviz keeps the DOT escape \n of a multi-line label as is).
    using EdgeText = std::tuple<std::string, std::string, std::string, std::string>;
    std::vector<EdgeText> written, parsed;
    for (const Edge edge : boost::make_iterator_range(boost::edges(graph))) {
      std::string rows_text, label;
      for (const std::size_t row : graph[edge].rows) rows_text += (rows_text.empty() ? "" : ",") + std::to_string(row);
      for (const char c : graph[edge].attributes.at("label")) label += c == '\n' ? std::string("\\n") : std::string(1, c);
      written.emplace_back(graph[boost::source(edge, graph)].id, graph[boost::target(edge, graph)].id, rows_text, label);
    }
    std::vector<std::size_t> rows;
    for (const auto edge : boost::make_iterator_range(boost::edges(read))) {
      parsed.emplace_back(read[boost::source(edge, read)].id, read[boost::target(edge, read)].id, read[edge].rows,
                          read[edge].label);
      const std::vector<std::size_t> numbers = ParseRows(read[edge].rows);
      rows.insert(rows.end(), numbers.begin(), numbers.end());
    }
    std::sort(written.begin(), written.end());
    std::sort(parsed.begin(), parsed.end());
    EXPECT_EQ(parsed, written);
    // The rows attributes, read back, partition the table's rows.
    std::sort(rows.begin(), rows.end());
    ASSERT_EQ(rows.size(), view.rows.size());
    for (std::size_t row = 0; row < rows.size(); ++row) EXPECT_EQ(rows[row], row);
  }
}

TEST(LifecycleGraph, OutputIsByteStable) {
  for (const model::TableView& view : Views()) {
    EXPECT_EQ(ToDot(LifecycleGraph(view)), ToDot(LifecycleGraph(view)));
    EXPECT_EQ(ToJson(LifecycleGraph(view)).dump(), ToJson(LifecycleGraph(view)).dump());
  }
  const model::TableView current = model::Describe(cp::TableOf(cp::Profile::kCurrent));
  const model::TableView old = model::Describe(cp::TableOf(cp::Profile::k2024));
  EXPECT_EQ(ToDot(DiffGraph(old, current)), ToDot(DiffGraph(old, current)));
}

TEST(LifecycleGraph, JsonHasTheSameNodesAndEdgesAsTheDot) {
  for (const model::TableView& view : Views()) {
    const Graph graph = LifecycleGraph(view);
    const auto json = ToJson(graph);
    ASSERT_EQ(json["nodes"].size(), boost::num_vertices(graph));
    ASSERT_EQ(json["edges"].size(), boost::num_edges(graph));
    std::size_t rows = 0;
    for (const auto& edge : json["edges"]) rows += edge["rows"].size();
    EXPECT_EQ(rows, view.rows.size());
  }
}

TEST(LifecycleGraph, SvgIsByteStableAndShowsEveryState) {
  if (FindDot().empty()) GTEST_SKIP() << kDotMissing;
  for (const model::TableView& view : Views()) {
    const std::string dot = ToDot(LifecycleGraph(view), /*html_legend=*/true);
    const SvgResult first = RenderSvg(dot);
    const SvgResult second = RenderSvg(dot);
    ASSERT_TRUE(first.ok) << first.error;
    EXPECT_EQ(first.svg, second.svg);
    EXPECT_NE(first.svg.find("<svg"), std::string::npos);
    for (const model::StateView& state : view.states) {
      EXPECT_NE(first.svg.find(">" + std::string(state.name) + "</text>"), std::string::npos) << state.name;
    }
  }
  EXPECT_FALSE(RenderSvg("digraph G { a -> }").ok);
}

// The report draws each lifecycle in two parts that fit a page: together
// they hold every row once, each part only its trigger kinds, the flow every
// state (top to bottom) and the faults the states they touch (left to right,
// the faults ranking the states).
TEST(LifecycleGraph, TheFlowAndFaultsPartsTogetherHoldEveryRowOnce) {
  for (const model::TableView& view : Views()) {
    std::vector<int> seen(view.rows.size(), 0);
    for (const Part part : {Part::kFlow, Part::kFaults}) {
      const Graph graph = LifecycleGraph(view, nullptr, "", part);
      const bool faults = part == Part::kFaults;
      EXPECT_EQ(graph[boost::graph_bundle].graph.at("rankdir"), faults ? "LR" : "TB");
      std::set<std::string> touched;
      for (const Edge edge : boost::make_iterator_range(boost::edges(graph))) {
        if (graph[edge].rows.empty()) {  // Only the faults part's invisible order of its states.
          EXPECT_TRUE(faults);
          EXPECT_EQ(graph[edge].attributes.at("style"), "invis");
          EXPECT_EQ(graph[edge].attributes.at("constraint"), "false");
          continue;
        }
        if (faults) {
          EXPECT_EQ(graph[edge].attributes.count("constraint"), 0U);  // The faults rank the states.
        }
        for (const std::size_t row : graph[edge].rows) {
          ASSERT_LT(row, view.rows.size());
          ++seen[row];
          EXPECT_EQ(view.rows[row].trigger_kind == model::TriggerKind::kFault, faults) << "row " << row;
          const std::string from = view.rows[row].from.empty() ? "(none)" : std::string(view.rows[row].from);
          EXPECT_EQ(graph[boost::source(edge, graph)].id, from) << "row " << row;
          EXPECT_EQ(graph[boost::target(edge, graph)].id, view.rows[row].to) << "row " << row;
          EXPECT_NE(graph[edge].attributes.at("label").find(view.rows[row].trigger), std::string::npos);
          touched.insert(from);
          touched.insert(std::string(view.rows[row].to));
        }
      }
      std::set<std::string> vertices;
      for (const Vertex vertex : boost::make_iterator_range(boost::vertices(graph))) vertices.insert(graph[vertex].id);
      if (faults) {
        EXPECT_EQ(vertices, touched) << view.model << " " << view.profile;
      } else {
        EXPECT_EQ(vertices.size(), view.states.size() + (HasStart(view) ? 1 : 0)) << view.model << " " << view.profile;
      }
      EXPECT_NE(graph[boost::graph_bundle].graph.at("label").find(faults ? ": faults" : ": operations"),
                std::string::npos);
    }
    for (std::size_t row = 0; row < seen.size(); ++row) {
      EXPECT_EQ(seen[row], 1) << view.model << " " << view.profile << " row " << row;
    }
  }
}

// A run drawn on the flow part keeps the fault rows it took, so its path is whole.
TEST(LifecycleGraph, TheFlowPartKeepsTheFaultRowsARunTook) {
  const model::TableView view = model::Describe(cp::TableOf(cp::Profile::kCurrent));
  const auto fault = std::find_if(view.rows.begin(), view.rows.end(), [](const model::RowView& row) {
    return row.trigger_kind == model::TriggerKind::kFault && !row.from.empty() && row.from != row.to;
  });
  ASSERT_NE(fault, view.rows.end());
  Highlight highlight;
  highlight.title = "a fault";
  highlight.steps.push_back({-1, fault->index, 0, std::string(fault->trigger), std::string(fault->from),
                             std::string(fault->to)});
  std::size_t drawn_faults = 0;
  const Graph graph = LifecycleGraph(view, &highlight, "", Part::kFlow);
  for (const Edge edge : boost::make_iterator_range(boost::edges(graph))) {
    for (const std::size_t row : graph[edge].rows) {
      if (view.rows[row].trigger_kind != model::TriggerKind::kFault) continue;
      ++drawn_faults;
      EXPECT_EQ(row, fault->index);
      EXPECT_EQ(graph[edge].attributes.at("color"), kHighlightColor);
    }
  }
  EXPECT_EQ(drawn_faults, 1U);
}

TEST(DiffGraph, ProfileCurrentAddsFourStatesAndRemovesDegraded) {
  const model::TableView current = model::Describe(cp::TableOf(cp::Profile::kCurrent));
  const model::TableView old = model::Describe(cp::TableOf(cp::Profile::k2024));
  const DiffSummary diff = Diff(old, current);
  EXPECT_EQ(diff.states_added, (std::vector<std::string>{"Pausing", "Modifying", "Resync", "Completed"}));
  EXPECT_EQ(diff.states_removed, std::vector<std::string>{"Degraded"});
  EXPECT_EQ(diff.states_kept.size(), 6U);
  EXPECT_TRUE(std::count(diff.transitions_removed.begin(), diff.transitions_removed.end(),
                         "Running --pause--> Paused"));
  EXPECT_TRUE(std::count(diff.transitions_added.begin(), diff.transitions_added.end(),
                         "Running --pause--> Pausing"));
  const Graph graph = DiffGraph(old, current);
  EXPECT_EQ(graph[VertexById(graph, "Pausing")].attributes.at("change"), "added");
  EXPECT_EQ(graph[VertexById(graph, "Degraded")].attributes.at("change"), "removed");
  EXPECT_EQ(graph[VertexById(graph, "Running")].attributes.at("change"), "kept");
  // Every transition is on one edge with its change.
  std::size_t added = 0, removed = 0, kept = 0;
  for (const Edge edge : boost::make_iterator_range(boost::edges(graph))) {
    const std::string& change = graph[edge].attributes.at("change");
    const std::string& label = graph[edge].attributes.at("label");
    const std::size_t lines = static_cast<std::size_t>(std::count(label.begin(), label.end(), '\n')) + 1;
    const std::size_t triggers = graph[boost::source(edge, graph)].id == graph[boost::target(edge, graph)].id
                                     ? static_cast<std::size_t>(std::count(label.begin(), label.end(), ',')) + 1
                                     : lines;
    (change == "added" ? added : change == "removed" ? removed : kept) += triggers;
  }
  EXPECT_EQ(added, diff.transitions_added.size());
  EXPECT_EQ(removed, diff.transitions_removed.size());
  EXPECT_EQ(kept, diff.transitions_kept.size());
  EXPECT_EQ(boost::num_vertices(ReadBack(ToDot(graph))), 12U);  // 11 states and the start.
}

// The diff in the report's two parts: together every transition once, each
// part only its trigger kinds.
TEST(DiffGraph, TheFlowAndFaultsPartsTogetherHoldEveryTransitionOnce) {
  const model::TableView current = model::Describe(cp::TableOf(cp::Profile::kCurrent));
  const model::TableView old = model::Describe(cp::TableOf(cp::Profile::k2024));
  const DiffSummary diff = Diff(old, current);
  std::set<std::string> faults;
  for (const model::RowView& row : current.rows) {
    if (row.trigger_kind == model::TriggerKind::kFault) faults.insert(std::string(row.trigger));
  }
  std::size_t transitions = 0;
  for (const Part part : {Part::kFlow, Part::kFaults}) {
    const Graph graph = DiffGraph(old, current, part);
    EXPECT_EQ(graph[boost::graph_bundle].graph.at("rankdir"), part == Part::kFaults ? "LR" : "TB");
    for (const Edge edge : boost::make_iterator_range(boost::edges(graph))) {
      const std::string& label = graph[edge].attributes.at("label");
      const bool loop = graph[boost::source(edge, graph)].id == graph[boost::target(edge, graph)].id;
      std::vector<std::string> triggers;
      std::string item;
      for (const char c : label + (loop ? "," : "\n")) {
        if (c == (loop ? ',' : '\n')) {
          const std::size_t start = item.find_first_not_of(" \n+\xe2\x88\x92");
          triggers.push_back(start == std::string::npos ? "" : item.substr(start));
          item.clear();
        } else {
          item += c;
        }
      }
      for (const std::string& trigger : triggers) {
        EXPECT_EQ(faults.count(trigger) != 0, part == Part::kFaults) << trigger;
        ++transitions;
      }
    }
  }
  EXPECT_EQ(transitions, diff.transitions_added.size() + diff.transitions_removed.size() + diff.transitions_kept.size());
}

TEST(ExploredGraph, SmallSpaceIsDrawnInFullWithTheCheckersCounts) {
  properties::ClickPipeBounds bounds;
  bounds.pipes = 1;
  const properties::CheckReport check = properties::Check(properties::ClickPipeSpace(cp::TableOf(cp::Profile::kCurrent), bounds), {});
  const ExploredGraph explored = Explored(properties::ClickPipeSpace(cp::TableOf(cp::Profile::kCurrent), bounds), {});
  EXPECT_FALSE(explored.quotient);
  EXPECT_EQ(explored.states, check.states);
  EXPECT_EQ(boost::num_vertices(explored.graph), check.states);
  EXPECT_EQ(boost::num_edges(explored.graph), check.transitions);
  const ReadGraph read = ReadBack(ToDot(explored.graph));
  EXPECT_EQ(boost::num_vertices(read), check.states);
  EXPECT_EQ(boost::num_edges(read), check.transitions);
}

TEST(ExploredGraph, LargeSpaceIsQuotientedAndEdgeCountsAddUp) {
  const properties::CheckReport check = properties::Check(properties::ClickPipeSpace(cp::TableOf(cp::Profile::kCurrent), {}), {});
  const ExploredGraph explored = Explored(properties::ClickPipeSpace(cp::TableOf(cp::Profile::kCurrent), {}), {});
  ASSERT_GT(check.states, 10'000U);
  EXPECT_TRUE(explored.quotient);
  EXPECT_EQ(explored.states, check.states);
  EXPECT_EQ(explored.transitions, check.transitions);
  std::uint64_t states = 0, transitions = 0;
  for (const Vertex v : boost::make_iterator_range(boost::vertices(explored.graph))) {
    states += std::stoull(explored.graph[v].attributes.at("states"));
  }
  for (const Edge e : boost::make_iterator_range(boost::edges(explored.graph))) {
    transitions += std::stoull(explored.graph[e].attributes.at("count"));
  }
  EXPECT_EQ(states, check.states);
  EXPECT_EQ(transitions, check.transitions);
  // Pipe 0's lifecycle states, and the pseudo-state before create.
  EXPECT_EQ(boost::num_vertices(explored.graph), 11U);
  EXPECT_EQ(ToDot(explored.graph), ToDot(Explored(properties::ClickPipeSpace(cp::TableOf(cp::Profile::kCurrent), {}), {}).graph));

  ExploredOptions quotient;
  quotient.quotient = true;
  const ExploredGraph sync = Explored(properties::MongosyncSpace(ms::DefaultTable(), {}), quotient);
  EXPECT_TRUE(sync.quotient);
  EXPECT_EQ(sync.states, 5647U);
  std::set<std::string> ids;
  for (const Vertex v : boost::make_iterator_range(boost::vertices(sync.graph))) ids.insert(sync.graph[v].id);
  EXPECT_TRUE(ids.count("COMMITTING (process exited)")) << "mongosync is quotiented by (state, process)";
  EXPECT_TRUE(ids.count("RUNNING (process down)"));
}

sim::Scenario Scenario(const std::string& name) {
  return sim::LoadScenario(std::string(PIPECHECK_SCENARIOS_DIR) + "/" + name + ".json");
}

TEST(Highlight, AScenariosRunLandsOnTheRowsItTook) {
  const properties::RunResult run = properties::RunScenario<properties::ClickPipeMonitors>(Scenario("cp-cdc-happy-path"));
  const Highlight highlight = HighlightFromTrace("happy path", run.trace);
  ASSERT_FALSE(highlight.Primary().empty());
  const model::TableView view = model::Describe(cp::TableOf(cp::Profile::kCurrent));
  const Graph graph = LifecycleGraph(view, &highlight);
  std::set<std::size_t> taken;
  for (const HighlightStep& step : highlight.Primary()) taken.insert(step.row);
  for (const Edge edge : boost::make_iterator_range(boost::edges(graph))) {
    const bool on_run = std::any_of(graph[edge].rows.begin(), graph[edge].rows.end(),
                                    [&](std::size_t row) { return taken.count(row) != 0; });
    EXPECT_EQ(graph[edge].attributes.at("color") == kHighlightColor, on_run);
    EXPECT_EQ(graph[edge].attributes.at("label").find("run step") != std::string::npos, on_run);
  }

  // On the full explored graph of one pipe, the run is one path, every step on it.
  properties::ClickPipeBounds bounds;
  bounds.pipes = 1;
  const ExploredGraph explored = Explored(properties::ClickPipeSpace(cp::TableOf(cp::Profile::kCurrent), bounds), {}, &highlight);
  EXPECT_EQ(explored.highlight_note,
            fmt::format("highlighted: happy path: {0} of {0} steps on this graph", highlight.steps.size()));
}

TEST(Highlight, AMongosyncRunIsFollowedThroughTheStartBodies) {
  const properties::RunResult run = properties::RunScenario<properties::MongosyncMonitors>(Scenario("ms-reverse-after-commit"));
  const Highlight highlight = HighlightFromTrace("reverse", run.trace);
  const ExploredGraph explored = Explored(properties::MongosyncSpace(ms::DefaultTable(), {}), {}, &highlight);
  EXPECT_FALSE(explored.quotient);
  EXPECT_NE(explored.highlight_note.find(fmt::format("{0} of {0} steps", highlight.steps.size())),
            std::string::npos)
      << explored.highlight_note;
}

cli::GraphRequest Request(const std::string& model, const std::string& key, const std::string& value) {
  cli::GraphRequest request;
  request.model = model;
  if (key == "profile") request.profile = value;
  if (key == "diff") request.diff = value;
  if (key == "pipes") request.pipes = std::stoi(value);
  if (key == "format") request.format = value;
  if (key == "highlight") request.highlight = value;
  return request;
}

TEST(GraphCommand, BadRequestsAreInputErrors) {
  std::ostringstream out, err;
  auto run = [&](const cli::GraphRequest& request) { return cli::RunGraph(request, out, err); };
  EXPECT_THROW(run(Request("mongosync", "diff", "2024..current")), InputError);
  EXPECT_THROW(run(Request("clickpipe", "diff", "2023..current")), InputError);
  cli::GraphRequest both = Request("clickpipe", "diff", "2024..current");
  both.profile = "2024";
  EXPECT_THROW(run(both), InputError);
  EXPECT_THROW(run(Request("clickpipe", "pipes", "1")), InputError);
  EXPECT_THROW(run(Request("clickpipe", "format", "png")), InputError);
  EXPECT_THROW(run(Request("mongosync", "highlight", std::string(PIPECHECK_SCENARIOS_DIR) + "/cp-cdc-happy-path.json")),
               InputError);
  EXPECT_TRUE(out.str().empty());
  cli::GraphRequest diff = Request("clickpipe", "diff", "2024..current");
  diff.format = "json";
  EXPECT_EQ(run(diff), 0);
  EXPECT_NE(out.str().find("\"change\": \"removed\""), std::string::npos);
}

}  // namespace
}  // namespace pipecheck::graphs
