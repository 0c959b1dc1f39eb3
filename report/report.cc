#include "report/report.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "graphs/explored.h"
#include "graphs/graph.h"
#include "graphs/render.h"
#include "model/assert.h"
#include "model/input_error.h"
#include "properties/clickpipe_space.h"
#include "properties/mongosync_space.h"
#include "properties/clickpipe_monitors.h"
#include "properties/mongosync_monitors.h"
#include "properties/runner.h"
#include "report/text.h"
#include "sim/scenario.h"

namespace pipecheck::report {

namespace {

namespace cp = model::clickpipe;
namespace ms = model::mongosync;
using graphs::Thousands;

// Draws a graph as DOT and, with `svg`, through Graphviz.
Diagram Draw(const std::string& stem, const std::string& caption, const graphs::Graph& graph, bool svg) {
  Diagram diagram{stem, caption, graphs::ToDot(graph), ""};
  if (!svg) return diagram;
  const graphs::SvgResult rendered = graphs::RenderSvg(graphs::ToDot(graph, /*html_legend=*/true));
  if (!rendered.ok) throw InputError(rendered.error, stem + ".svg");
  diagram.svg = rendered.svg;
  return diagram;
}

PropertyLine LineOf(const properties::PropertyReport& property) {
  return {property.name, property.expectation, property.verdict, property.source,
          property.premise_of};
}

CheckSummary SummaryOf(const properties::CheckReport& check) {
  CheckSummary out;
  std::vector<std::string> bounds;
  for (const auto& [name, value] : check.bounds) bounds.push_back(fmt::format("{}={}", name, value));
  out.bounds = Join(bounds, " ");
  out.verdict = check.verdict;
  out.states = check.states;
  out.transitions = check.transitions;
  out.depth = check.depth;
  out.reachable = check.reachable;
  out.unreachable_declared = check.unreachable_declared;
  out.deadlocks = check.deadlocks;
  out.rows = check.rows.size();
  for (const auto& row : check.rows) {
    if (!row.taken) out.never_taken.push_back(fmt::format("row {} {}", row.index, row.description));
  }
  for (const auto& property : check.properties) out.properties.push_back(LineOf(property));
  return out;
}

ModelSection MakeSection(std::string stem, std::string name, std::string title, model::TableView view,
                         const properties::CheckReport& check, const graphs::ExploredGraph& explored, bool svg) {
  PIPECHECK_ASSERT(explored.complete);  // The default bounds are far below the limit.
  ModelSection section;
  section.inferred = static_cast<std::size_t>(std::count_if(view.rows.begin(), view.rows.end(), [](const auto& row) {
    return row.evidence.status() == model::Status::kInferred;
  }));
  section.check = SummaryOf(check);
  section.lifecycle = Draw(stem, "Lifecycle: operations and internal events",
                           graphs::LifecycleGraph(view, nullptr, "", graphs::Part::kFlow), svg);
  section.faults = Draw(stem + "-faults", "Lifecycle: faults",
                        graphs::LifecycleGraph(view, nullptr, "", graphs::Part::kFaults), svg);
  section.explored = Draw(stem + "-explored",
                          fmt::format("Explored state graph: {} states, quotiented by {}",
                                      Thousands(explored.states), explored.quotient_by),
                          explored.graph, svg);
  section.stem = std::move(stem);
  section.name = std::move(name);
  section.title = std::move(title);
  section.view = std::move(view);
  return section;
}

Demo MakeDemo(bool svg) {
  std::vector<cp::Row> rows(cp::TableOf(cp::Profile::kCurrent).rows().begin(),
                            cp::TableOf(cp::Profile::kCurrent).rows().end());
  const auto it = std::find_if(rows.begin(), rows.end(), [](const cp::Row& row) {
    return row.from == cp::State::kRunning && row.trigger == cp::Trigger::kPause;
  });
  PIPECHECK_ASSERT(it != rows.end());
  const auto index = static_cast<std::size_t>(it - rows.begin());
  Demo demo;
  demo.change = fmt::format("row {} Running --pause--> {} retargeted to Completed", index,
                            cp::ToString(it->to));
  it->to = cp::State::kCompleted;
  const cp::Table broken(cp::Profile::kCurrent, rows);
  const properties::CheckReport check = properties::Check(properties::ClickPipeSpace(broken, {}), {}, /*scenarios=*/true);
  const auto violated = std::find_if(check.properties.begin(), check.properties.end(), [](const auto& p) {
    return p.verdict == properties::Verdict::kViolated;
  });
  PIPECHECK_ASSERT(violated != check.properties.end());
  demo.property = LineOf(*violated);
  demo.initial = violated->initial;
  demo.trace = violated->trace;
  const model::TableView view = model::Describe(broken);
  graphs::Highlight highlight;
  if (violated->scenario) {
    demo.scenario_json = sim::ToJson(*violated->scenario).dump(2) + "\n";
    const properties::RunResult run = properties::RunScenario<properties::ClickPipeMonitors>(*violated->scenario, {&broken, nullptr});
    const auto violations = run.violations();
    demo.replays = run.passed() && std::any_of(violations.begin(), violations.end(), [&](const auto* p) {
                     return p->name == demo.property.name;
                   });
    highlight = graphs::HighlightFromTrace(
        fmt::format("counterexample to {} (its scenario, replayed)", demo.property.name), run.trace);
  }
  demo.diagram = Draw(
      "demo-counterexample",
      "Demonstration: the shortest counterexample on a deliberately broken copy of the ClickPipe table",
      graphs::LifecycleGraph(view, violated->scenario ? &highlight : nullptr,
                             "DEMONSTRATION on a deliberately broken copy of the ClickPipe table "
                             "(Running --pause--> Completed)",
                             graphs::Part::kFlow),
      svg);
  return demo;
}

// What the checker found that a reader should look at.
std::vector<Finding> ComputedFindings(const std::vector<ModelSection>& models) {
  std::vector<Finding> out;
  for (const ModelSection& section : models) {
    const CheckSummary& check = section.check;
    for (const std::string& state : check.unreachable_declared) {
      out.push_back({fmt::format("{}: {} is unreachable", section.name, state),
                     fmt::format("{} is a declared state of {} that no explored path reaches.", state,
                                 section.name),
                     "check: unreachable declared states"});
    }
    for (const std::string& row : check.never_taken) {
      out.push_back({fmt::format("{}: a dead row", section.name),
                     fmt::format("{} is never taken in the explored space (default bounds).", row),
                     "check: coverage"});
    }
    for (const std::string& state : check.deadlocks) {
      out.push_back({fmt::format("{}: a deadlock", section.name),
                     fmt::format("No action is enabled in {}.", state), "check: deadlocks"});
    }
    for (const PropertyLine& property : check.properties) {
      if (property.verdict != properties::Verdict::kViolated &&
          property.verdict != properties::Verdict::kUnwitnessed) {
        continue;
      }
      out.push_back({fmt::format("{}: {} {}", section.name, property.name, ToString(property.verdict)),
                     fmt::format("The {} property {} is {}.", properties::ToString(property.expectation),
                                 property.name, ToString(property.verdict)),
                     property.source});
    }
  }
  return out;
}

}  // namespace

bool Report::passed() const {
  return std::all_of(models.begin(), models.end(),
                     [](const ModelSection& s) { return s.check.verdict == properties::CheckVerdict::kPass; });
}

Report BuildReport(const std::vector<DocumentFinding>& documented, bool svg) {
  Report report;
  for (const DocumentFinding& finding : documented) report.documented.push_back(AsFinding(finding));
  report.svg = svg;

  graphs::ExploredOptions quotient;
  quotient.quotient = true;
  for (const cp::Profile profile : {cp::Profile::kCurrent, cp::Profile::k2024}) {
    const cp::Table& table = cp::TableOf(profile);
    model::TableView view = model::Describe(table);
    const std::string name(cp::ToString(profile));
    report.models.push_back(MakeSection("clickpipe-" + name, fmt::format("clickpipe ({})", name),
                                        fmt::format("ClickPipe, profile {}", name), std::move(view),
                                        properties::Check(properties::ClickPipeSpace(table, {}), {}),
                                        graphs::Explored(properties::ClickPipeSpace(table, {}), quotient), svg));
  }
  {
    const ms::Table& table = ms::DefaultTable();
    model::TableView view = model::Describe(table);
    report.models.push_back(MakeSection("mongosync", "mongosync", "mongosync", std::move(view),
                                        properties::Check(properties::MongosyncSpace(table, {}), {}),
                                        graphs::Explored(properties::MongosyncSpace(table, {}), quotient), svg));
  }

  const model::TableView& current = report.models[0].view;
  const model::TableView& old = report.models[1].view;
  report.diff = graphs::Diff(old, current);
  report.diff_diagram = Draw("clickpipe-2024-to-current",
                             "ClickPipe lifecycle, profile 2024 to profile current: operations and internal "
                             "events (added, removed, kept)",
                             graphs::DiffGraph(old, current, graphs::Part::kFlow), svg);
  report.diff_faults = Draw("clickpipe-2024-to-current-faults",
                            "ClickPipe lifecycle, profile 2024 to profile current: faults (added, removed, kept)",
                            graphs::DiffGraph(old, current, graphs::Part::kFaults), svg);
  report.demo = MakeDemo(svg);
  report.computed = ComputedFindings(report.models);
  return report;
}

}  // namespace pipecheck::report
