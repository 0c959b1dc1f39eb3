#include "cli/report_command.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include <fmt/format.h>

#include "cli/spec_format.h"
#include "graphs/explored.h"
#include "graphs/lifecycle.h"
#include "graphs/render.h"
#include "model/assert.h"
#include "model/describe.h"
#include "model/input_error.h"
#include "properties/check.h"
#include "properties/runner.h"
#include "sim/scenario.h"

namespace pipecheck::cli {

namespace {

namespace cp = model::clickpipe;
namespace ms = model::mongosync;
namespace fs = std::filesystem;
using graphs::HtmlEscape;
using graphs::Thousands;

// A diagram written as DOT and (with Graphviz) SVG.
struct Diagram {
  std::string stem;
  std::string caption;
  std::string svg;  // Empty when SVG was skipped.
};

// One model (and profile): its table, its check with default bounds and its
// diagrams.
struct Section {
  std::string stem;  // "clickpipe-current"
  std::string name;  // "clickpipe (current)"
  std::string title;  // "ClickPipe, profile current"
  model::TableView view;
  properties::CheckReport check;
  Diagram lifecycle;
  Diagram explored;
};

// The seeded bug of tests/check_test.cc, drawn so that the page shows what a
// counterexample looks like. The built-in tables have none.
struct Demo {
  std::string change;  // "row 21 Running --pause--> Pausing retargeted to Completed"
  properties::PropertyReport property;
  std::string scenario_json;
  bool replays = false;  // The simulator reaches the same violation.
  Diagram diagram;
};

// A finding: something the checker computed, or a place where the
// documents disagree (with the decision the model takes).
struct Finding {
  std::string title;
  std::string text;
  std::string where;
};

// Documented conflicts and gaps, with the model's decision. Sources:
// spec/sources.md section 5 (Q1-Q18), spec/lifecycles.md section 4.
const std::vector<Finding>& DocumentConflicts() {
  static const std::vector<Finding> conflicts = {
      {"Pause from any state",
       "The OAS says stopping a ClickPipe \"will stop the ingestion process from any state\"; the "
       "lifecycle documents offer pause only in Running. The model follows the lifecycle documents: "
       "pause is refused outside Running, and is idempotent in Paused.",
       "D5; sources.md C15, Q6"},
      {"Resync from any state",
       "The OAS says resyncing \"can be done from any state\" (and is \"only for Postgres and MySQL "
       "pipes\"); the MongoDB documents describe resync from steady states and recommend it after "
       "Failed. The model accepts resync in Running, Paused, Failed and Completed and refuses it in "
       "transient states.",
       "D3; sources.md C11, Q3"},
      {"Degraded",
       "Declared \"coming soon\" by the 2024 documents with no transition into it, removed from the "
       "documents by PR #4648 (\"never made it to the code\"), still in the OAS state enum. Profile "
       "2024 keeps it declared, and the checker reports it unreachable.",
       "lifecycles.md 1.1; sources.md Q1"},
      {"Start from Failed",
       "The OAS allows start on a Failed pipe; no document says where it leads. The model's reading "
       "(D2: back to Running when the resume point is kept and the failure was not irrecoverable) is "
       "a dead row: every reachable Failed pipe has lost its resume point or failed irrecoverably, so "
       "in practice only resync leaves Failed.",
       "D2; sources.md C14, Q5; check coverage"},
      {"Completed for database pipes",
       "The OAS lists Completed only for streaming and object-storage pipes; the lifecycle documents "
       "and the Terraform provider end snapshot-only database pipes in Completed. The model follows "
       "the lifecycle documents.",
       "sources.md Q2"},
      {"Edit while Paused",
       "The Terraform provider (PR #604) resumes a paused CDC pipe after an edit; clickhousectl #957 "
       "documents an explicit start. The model keeps the pipe Paused until the user resumes it.",
       "D6; sources.md Q11"},
      {"COMMITTED right after /commit",
       "MS-COM says a successful commit enters COMMITTED; the state table and the architecture page "
       "pass through COMMITTING first. The model has COMMITTING as a transient state left by "
       "commit_done.",
       "sources.md Q13"},
  };
  return conflicts;
}

class Output {
 public:
  Output(fs::path directory, bool svg) : directory_(std::move(directory)), svg_(svg) {}

  void Text(const std::string& name, const std::string& text) {
    const fs::path path = directory_ / name;
    std::ofstream file(path, std::ios::binary);
    file << text;
    if (!file) throw InputError("cannot write the file", path.string());
    ++files_;
  }

  Diagram Draw(const std::string& stem, const std::string& caption, const graphs::Graph& graph) {
    Diagram diagram{stem, caption, ""};
    const std::string dot = graphs::ToDot(graph);
    Text(stem + ".dot", dot);
    if (!svg_) return diagram;
    const graphs::SvgResult svg = graphs::RenderSvg(graphs::ToDot(graph, /*html_legend=*/true));
    if (!svg.ok) throw InputError(svg.error, stem + ".svg");
    Text(stem + ".svg", svg.svg);
    diagram.svg = svg.svg;
    return diagram;
  }

  bool svg() const { return svg_; }
  std::size_t files() const { return files_; }

 private:
  fs::path directory_;
  bool svg_;
  std::size_t files_ = 0;
};

std::string Join(const std::vector<std::string>& words, const std::string& separator = ", ") {
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : separator) + word;
  return out;
}

std::string OrNone(const std::vector<std::string>& words) {
  return words.empty() ? std::string("none") : Join(words);
}

std::size_t Inferred(const model::TableView& view) {
  return static_cast<std::size_t>(std::count_if(view.rows.begin(), view.rows.end(), [](const auto& row) {
    return row.evidence.status() == model::Status::kInferred;
  }));
}

std::size_t Taken(const properties::CheckReport& check) {
  return static_cast<std::size_t>(
      std::count_if(check.rows.begin(), check.rows.end(), [](const auto& row) { return row.taken; }));
}

std::vector<std::string> NeverTaken(const properties::CheckReport& check) {
  std::vector<std::string> out;
  for (const auto& row : check.rows) {
    if (!row.taken) out.push_back(fmt::format("row {} {}", row.index, row.description));
  }
  return out;
}

std::string Bounds(const properties::CheckReport& check) {
  std::vector<std::string> out;
  for (const auto& [name, value] : check.bounds) out.push_back(fmt::format("{}={}", name, value));
  return Join(out, " ");
}

// What the checker found that a reader should look at.
std::vector<Finding> ComputedFindings(const std::vector<Section>& sections) {
  std::vector<Finding> out;
  for (const Section& section : sections) {
    const properties::CheckReport& check = section.check;
    for (const std::string& state : check.unreachable_declared) {
      out.push_back({fmt::format("{}: {} is unreachable", section.name, state),
                     fmt::format("{} is a declared state of {} that no explored path reaches.", state,
                                 section.name),
                     "check: unreachable declared states"});
    }
    for (const std::string& row : NeverTaken(check)) {
      out.push_back({fmt::format("{}: a dead row", section.name),
                     fmt::format("{} is never taken in the explored space (default bounds).", row),
                     "check: coverage"});
    }
    for (const std::string& state : check.deadlocks) {
      out.push_back({fmt::format("{}: a deadlock", section.name),
                     fmt::format("No action is enabled in {}.", state), "check: deadlocks"});
    }
    for (const auto& property : check.properties) {
      if (property.verdict != "violated" && property.verdict != "unwitnessed") continue;
      out.push_back({fmt::format("{}: {} {}", section.name, property.name, property.verdict),
                     fmt::format("The {} property {} is {}.", properties::ToString(property.kind),
                                 property.name, property.verdict),
                     property.source});
    }
  }
  return out;
}

Demo MakeDemo(Output& output) {
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
  const properties::CheckReport check = properties::CheckClickPipe(broken, {}, {}, /*scenarios=*/true);
  const auto violated = std::find_if(check.properties.begin(), check.properties.end(),
                                     [](const auto& p) { return p.verdict == "violated"; });
  PIPECHECK_ASSERT(violated != check.properties.end());
  demo.property = *violated;
  const model::TableView view = model::Describe(broken);
  graphs::Highlight highlight;
  if (demo.property.scenario) {
    demo.scenario_json = sim::ToJson(*demo.property.scenario).dump(2) + "\n";
    const properties::RunResult run = properties::RunScenario(*demo.property.scenario, {&broken, nullptr});
    const auto violations = run.violations();
    demo.replays = run.passed() && std::any_of(violations.begin(), violations.end(), [&](const auto* p) {
                     return p->name == demo.property.name;
                   });
    highlight = graphs::HighlightFromTrace(
        fmt::format("counterexample to {} (its scenario, replayed)", demo.property.name), run.trace);
  }
  demo.diagram = output.Draw(
      "demo-counterexample",
      "Demonstration: the shortest counterexample on a deliberately broken copy of the ClickPipe table",
      graphs::LifecycleGraph(view, demo.property.scenario ? &highlight : nullptr,
                             "DEMONSTRATION on a deliberately broken copy of the ClickPipe table "
                             "(Running --pause--> Completed)"));
  return demo;
}

// ---- README.md ----

std::string SummaryTable(const std::vector<Section>& sections) {
  std::string out =
      "| model | states | transitions | stated | inferred | check | explored states | explored "
      "transitions | depth | rows taken |\n|---|---|---|---|---|---|---|---|---|---|\n";
  for (const Section& s : sections) {
    const std::size_t inferred = Inferred(s.view);
    out += fmt::format("| {} | {} | {} | {} | {} | **{}** | {} | {} | {} | {} of {} |\n", s.name,
                       s.view.states.size(), s.view.rows.size(), s.view.rows.size() - inferred,
                       inferred, s.check.verdict, Thousands(s.check.states),
                       Thousands(s.check.transitions), s.check.depth, Taken(s.check), s.check.rows.size());
  }
  return out;
}

std::string ReadmeCheck(const Section& s) {
  const properties::CheckReport& c = s.check;
  std::string out = fmt::format("### {}\n\n", s.name);
  out += fmt::format("- bounds: {}\n", Bounds(c));
  out += fmt::format("- verdict: **{}**: {} states, {} transitions, depth {}\n", c.verdict,
                     Thousands(c.states), Thousands(c.transitions), c.depth);
  out += fmt::format("- reachable: {}\n", OrNone(c.reachable));
  out += fmt::format("- unreachable declared states: {}\n", OrNone(c.unreachable_declared));
  out += fmt::format("- deadlocks: {}\n", OrNone(c.deadlocks));
  out += fmt::format("- coverage: {} of {} rows taken; never taken: {}\n\n", Taken(c), c.rows.size(),
                     OrNone(NeverTaken(c)));
  out += "| property | expectation | verdict | source |\n|---|---|---|---|\n";
  for (const auto& p : c.properties) {
    out += fmt::format("| `{}` | {} | {} | {}{} |\n", p.name, properties::ToString(p.kind), p.verdict,
                       p.source, p.premise_of.empty() ? "" : fmt::format(" (premise of `{}`)", p.premise_of));
  }
  return out + "\n";
}

std::string Readme(const std::vector<Section>& sections, const graphs::DiffSummary& diff,
                   const std::vector<Finding>& computed, const Demo& demo) {
  // The same text with or without Graphviz, so that only the SVG files
  // (and index.html, which inlines them) depend on it.
  auto link = [](const std::string& stem) { return fmt::format("[{0}.svg]({0}.svg), [dot]({0}.dot)", stem); };
  std::string out =
      "# pipecheck reports\n\n"
      "Generated by `pipecheck report` (run by `./scripts/run`); do not edit by hand. A test\n"
      "regenerates this directory and fails on any difference. Open [index.html](index.html) for\n"
      "every diagram on one page (self-contained, no network).\n\n"
      "## Summary\n\n" +
      SummaryTable(sections) +
      "\nAn inferred transition rests on a decision (spec/lifecycles.md section 4,\n"
      "docs/decisions.md); a stated one is said by the cited documents. The check columns are\n"
      "`pipecheck check` with the default bounds (ClickPipe: 2 pipes; every fault budget 1).\n\n";

  out += "## Diagrams\n\n| model | lifecycle | explored state graph | table |\n|---|---|---|---|\n";
  for (const Section& s : sections) {
    out += fmt::format("| {0} | {1} | {3} | [{2}.md]({2}.md), [{2}.json]({2}.json) |\n", s.name,
                       link(s.lifecycle.stem), s.stem, link(s.explored.stem));
  }
  out += fmt::format(
      "\nLifecycle diagrams: one box per state, coloured by kind; rows with the same ends, trigger "
      "kind and status share an edge (every row is on one, named in its `rows` attribute); "
      "operations black, internal events blue, faults red; inferred rows dashed. The explored "
      "state graphs are quotiented: ClickPipe by the lifecycle state of pipe 0, mongosync by "
      "(state, process), each edge labelled with the transitions it stands for.\n\n"
      "Profile diff, ClickPipe 2024 to current: {}. States added: {}; removed: {}; kept: {}. "
      "Transitions (from, trigger, to): {} added, {} removed, {} kept.\n\n",
      link("clickpipe-2024-to-current"), OrNone(diff.states_added), OrNone(diff.states_removed),
      OrNone(diff.states_kept), diff.transitions_added.size(), diff.transitions_removed.size(),
      diff.transitions_kept.size());

  out += "## Check results\n\n";
  for (const Section& s : sections) out += ReadmeCheck(s);

  out += "## Findings\n\nComputed by the checker:\n\n";
  for (const Finding& f : computed) out += fmt::format("- **{}.** {} ({})\n", f.title, f.text, f.where);
  out += "\nWhere the documents disagree or are silent, and what the model does:\n\n";
  for (const Finding& f : DocumentConflicts()) {
    out += fmt::format("- **{}.** {} ({})\n", f.title, f.text, f.where);
  }

  out += fmt::format(
      "\n## Demonstration: what a counterexample looks like\n\n"
      "The built-in tables have no counterexample. On a deliberately broken copy of the ClickPipe "
      "table ({}), `check` finds `{}` {} with this shortest trace{}:\n\n",
      demo.change, demo.property.name, demo.property.verdict,
      demo.replays ? ", written as a scenario that `replay` reproduces" : "");
  out += fmt::format("0. initial: {}\n", demo.property.initial);
  for (std::size_t i = 0; i < demo.property.trace.size(); ++i) {
    const auto& step = demo.property.trace[i];
    out += fmt::format("{}. `{}`: {}\n   => {}\n", i + 1, step.action, step.rows, step.state);
  }
  out += fmt::format("\nDiagram: {}.\n\n", link(demo.diagram.stem));

  out += "## Files\n\n| file | what |\n|---|---|\n";
  for (const Section& s : sections) {
    out += fmt::format("| [{0}.md]({0}.md), [{0}.json]({0}.json) | {1}: the transition table |\n", s.stem,
                       s.name);
    out += fmt::format("| {} | {}: the lifecycle diagram |\n", link(s.lifecycle.stem), s.name);
    out += fmt::format("| {} | {}: the explored state graph, quotiented |\n", link(s.explored.stem), s.name);
  }
  out += fmt::format("| {} | ClickPipe: profile 2024 to current |\n", link("clickpipe-2024-to-current"));
  out += fmt::format("| {} | the demonstration counterexample |\n", link(demo.diagram.stem));
  out += "| [index.html](index.html) | everything above on one page |\n";
  return out;
}

// ---- index.html ----

constexpr const char* kStyle = R"(
body { font: 15px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #111827;
       margin: 0 auto; max-width: 1200px; padding: 0 1.5em 3em; }
h1 { margin-top: 1em; } h2 { border-bottom: 2px solid #e5e7eb; padding-bottom: .2em; margin-top: 2em; }
nav a { margin-right: 1em; }
table { border-collapse: collapse; margin: .6em 0; }
th, td { border: 1px solid #d1d5db; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f3f4f6; }
code { background: #f3f4f6; padding: 0 .25em; border-radius: 3px; }
figure { margin: 1em 0; }
figcaption { font-weight: 600; margin-bottom: .4em; }
.diagram { border: 1px solid #e5e7eb; border-radius: 6px; overflow: auto; max-height: 92vh;
           padding: .5em; background: #fff; }
.diagram svg { display: block; max-width: 100%; height: auto; }
.zoom:checked ~ .diagram svg { max-width: none; }
.zoom { margin-left: 1em; }
.pass, .holds, .witnessed { color: #166534; font-weight: 600; }
.fail, .violated, .unwitnessed { color: #b91c1c; font-weight: 600; }
.incomplete, .unknown { color: #92400e; font-weight: 600; }
.demo { border: 2px dashed #ea580c; border-radius: 8px; padding: 0 1em 1em; background: #fff7ed; }
.demo-label { color: #9a3412; font-weight: 700; text-transform: uppercase; letter-spacing: .05em; }
ol.timeline { list-style: none; border-left: 3px solid #ea580c; margin: 1em 0 1em .6em; padding-left: 1.4em; }
ol.timeline li { position: relative; margin-bottom: .9em; }
ol.timeline li::before { content: ""; position: absolute; left: -1.95em; top: .35em; width: .8em;
  height: .8em; border-radius: 50%; background: #ea580c; }
ol.timeline .action { font-weight: 600; } ol.timeline .rows { color: #374151; }
ol.timeline .state { color: #4b5563; font-size: 90%; }
.muted { color: #6b7280; }
)";

// The SVG with its ids prefixed, so that several inline SVGs do not share ids.
std::string InlineDiagram(const Diagram& diagram) {
  if (diagram.svg.empty()) {
    return fmt::format("<p class=\"muted\">SVG skipped: {}. See {}.dot.</p>",
                       HtmlEscape(graphs::kDotMissing), diagram.stem);
  }
  std::string svg = graphs::InlineSvg(diagram.svg);
  const std::string from = "id=\"";
  const std::string to = "id=\"" + diagram.stem + "-";
  for (std::size_t at = svg.find(from); at != std::string::npos; at = svg.find(from, at + to.size())) {
    svg.replace(at, from.size(), to);
  }
  return svg;
}

// A diagram fitted to the page width; the checkbox (CSS only, no script)
// shows it at its natural size, and the links open the files.
std::string Figure(const Diagram& diagram) {
  return fmt::format(
      "<figure id=\"{0}\"><figcaption>{1} <span class=\"muted\">(<a href=\"{0}.svg\">{0}.svg</a>, "
      "<a href=\"{0}.dot\">{0}.dot</a>)</span></figcaption>"
      "<input type=\"checkbox\" class=\"zoom\" id=\"zoom-{0}\"><label for=\"zoom-{0}\">natural size</label>"
      "<div class=\"diagram\">{2}</div></figure>\n",
      diagram.stem, HtmlEscape(diagram.caption), InlineDiagram(diagram));
}

std::string HtmlSection(const Section& s) {
  const properties::CheckReport& c = s.check;
  std::string out = fmt::format("<section id=\"{}-section\"><h2>{}</h2>\n", s.stem, HtmlEscape(s.title));
  const std::size_t inferred = Inferred(s.view);
  out += fmt::format(
      "<p>{} states, {} transitions ({} stated, {} inferred). Check with bounds <code>{}</code>: "
      "<span class=\"{}\">{}</span>, {} states, {} transitions, depth {}. Table: "
      "<a href=\"{}.md\">{}.md</a>.</p>\n",
      s.view.states.size(), s.view.rows.size(), s.view.rows.size() - inferred, inferred,
      HtmlEscape(Bounds(c)), c.verdict, c.verdict, Thousands(c.states), Thousands(c.transitions),
      c.depth, s.stem, s.stem);
  out += Figure(s.lifecycle);
  out += Figure(s.explored);
  out += "<ul>\n";
  out += fmt::format("<li>reachable: {}</li>\n", HtmlEscape(OrNone(c.reachable)));
  out += fmt::format("<li>unreachable declared states: {}</li>\n", HtmlEscape(OrNone(c.unreachable_declared)));
  out += fmt::format("<li>deadlocks: {}</li>\n", HtmlEscape(OrNone(c.deadlocks)));
  out += fmt::format("<li>coverage: {} of {} rows taken; never taken: {}</li>\n</ul>\n", Taken(c),
                     c.rows.size(), HtmlEscape(OrNone(NeverTaken(c))));
  out += "<table><tr><th>property</th><th>expectation</th><th>verdict</th><th>source</th></tr>\n";
  for (const auto& p : c.properties) {
    out += fmt::format("<tr><td><code>{}</code></td><td>{}</td><td class=\"{}\">{}</td><td>{}{}</td></tr>\n",
                       HtmlEscape(p.name), properties::ToString(p.kind), p.verdict, p.verdict,
                       HtmlEscape(p.source),
                       p.premise_of.empty() ? "" : fmt::format(" (premise of <code>{}</code>)", HtmlEscape(p.premise_of)));
  }
  return out + "</table>\n</section>\n";
}

std::string HtmlFindings(const std::vector<Finding>& findings) {
  std::string out = "<ul>\n";
  for (const Finding& f : findings) {
    out += fmt::format("<li><b>{}.</b> {} <span class=\"muted\">({})</span></li>\n", HtmlEscape(f.title),
                       HtmlEscape(f.text), HtmlEscape(f.where));
  }
  return out + "</ul>\n";
}

std::string HtmlDemo(const Demo& demo) {
  std::string out =
      "<section id=\"demo\"><h2>Demonstration: what a counterexample looks like</h2>\n<div class=\"demo\">\n";
  out += fmt::format(
      "<p class=\"demo-label\">Demonstration on a deliberately broken copy of the table</p>\n"
      "<p>The built-in tables have no counterexample. This copy of the ClickPipe table (profile current) "
      "has one row changed: {}. <code>pipecheck check</code> on it finds <code>{}</code> "
      "<span class=\"{}\">{}</span> [{}], with the shortest trace below{}.</p>\n",
      HtmlEscape(demo.change), HtmlEscape(demo.property.name), demo.property.verdict,
      demo.property.verdict, HtmlEscape(demo.property.source),
      demo.replays ? "; written as a scenario, the simulator replays it to the same violation" : "");
  out += "<ol class=\"timeline\">\n";
  out += fmt::format("<li><span class=\"action\">initial</span><br><span class=\"state\">{}</span></li>\n",
                     HtmlEscape(demo.property.initial));
  for (std::size_t i = 0; i < demo.property.trace.size(); ++i) {
    const auto& step = demo.property.trace[i];
    out += fmt::format(
        "<li><span class=\"action\">{}. {}</span><br><span class=\"rows\">{}</span><br>"
        "<span class=\"state\">&#8658; {}</span></li>\n",
        i + 1, HtmlEscape(step.action), HtmlEscape(step.rows), HtmlEscape(step.state));
  }
  out += "</ol>\n";
  out += Figure(demo.diagram);
  if (!demo.scenario_json.empty()) {
    out += fmt::format("<details><summary>The counterexample as a scenario file (pipecheck-scenario/1)"
                       "</summary><pre>{}</pre></details>\n",
                       HtmlEscape(demo.scenario_json));
  }
  return out + "</div>\n</section>\n";
}

std::string IndexHtml(const std::vector<Section>& sections, const Diagram& diff_diagram,
                      const graphs::DiffSummary& diff, const std::vector<Finding>& computed,
                      const Demo& demo) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>pipecheck reports</title>\n<style>{}</style>\n</head>\n<body>\n"
      "<h1>pipecheck reports</h1>\n"
      "<p class=\"muted\">Generated by <code>pipecheck report</code> (run by <code>./scripts/run</code>); "
      "do not edit by hand. One self-contained page: the diagrams are inline SVG, fitted to the page "
      "(tick <i>natural size</i> to read the labels, or open the .svg), nothing is fetched.</p>\n"
      "<nav>",
      kStyle);
  for (const Section& s : sections) {
    out += fmt::format("<a href=\"#{}-section\">{}</a>", s.stem, HtmlEscape(s.name));
  }
  out += "<a href=\"#diff\">2024 &#8594; current</a><a href=\"#findings\">findings</a>"
         "<a href=\"#demo\">counterexample (demonstration)</a></nav>\n";

  out += "<section id=\"summary\"><h2>Summary</h2>\n<table><tr><th>model</th><th>states</th>"
         "<th>transitions</th><th>stated</th><th>inferred</th><th>check</th><th>explored states</th>"
         "<th>explored transitions</th><th>depth</th><th>rows taken</th></tr>\n";
  for (const Section& s : sections) {
    const std::size_t inferred = Inferred(s.view);
    out += fmt::format(
        "<tr><td><a href=\"#{}-section\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} of {}</td></tr>\n",
        s.stem, HtmlEscape(s.name), s.view.states.size(), s.view.rows.size(),
        s.view.rows.size() - inferred, inferred, s.check.verdict, s.check.verdict,
        Thousands(s.check.states), Thousands(s.check.transitions), s.check.depth, Taken(s.check),
        s.check.rows.size());
  }
  out += "</table>\n<p>Lifecycle diagrams: one box per state, coloured by kind; rows with the same ends, "
         "trigger kind and status share an edge; operations black, internal events blue, faults red; "
         "inferred rows (resting on a decision) dashed. Hover an edge for its rows, sources and notes. "
         "The check uses the default bounds (ClickPipe: 2 pipes; every fault budget 1); the explored "
         "state graphs are quotiented (ClickPipe by the lifecycle state of pipe 0, mongosync by "
         "(state, process)).</p>\n</section>\n";

  for (const Section& s : sections) out += HtmlSection(s);

  out += "<section id=\"diff\"><h2>ClickPipe: profile 2024 &#8594; current</h2>\n";
  out += fmt::format(
      "<p>States added: {}; removed: {}; kept: {}. Transitions (from, trigger, to): {} added, "
      "{} removed, {} kept.</p>\n",
      HtmlEscape(OrNone(diff.states_added)), HtmlEscape(OrNone(diff.states_removed)),
      HtmlEscape(OrNone(diff.states_kept)), diff.transitions_added.size(),
      diff.transitions_removed.size(), diff.transitions_kept.size());
  out += Figure(diff_diagram) + "</section>\n";

  out += "<section id=\"findings\"><h2>Findings</h2>\n<h3>Computed by the checker</h3>\n";
  out += HtmlFindings(computed);
  out += "<h3>Where the documents disagree or are silent, and what the model does</h3>\n";
  out += HtmlFindings(DocumentConflicts()) + "</section>\n";
  out += HtmlDemo(demo);
  out += "</body>\n</html>\n";
  return out;
}

Section MakeSection(Output& output, std::string stem, std::string name, std::string title,
                    model::TableView view, properties::CheckReport check, const graphs::Graph& lifecycle,
                    const graphs::ExploredGraph& explored) {
  PIPECHECK_ASSERT(explored.complete);  // The default bounds are far below the limit.
  Section section{stem, std::move(name), std::move(title), std::move(view), std::move(check), {}, {}};
  section.lifecycle = output.Draw(stem, "Lifecycle", lifecycle);
  section.explored =
      output.Draw(stem + "-explored",
                  fmt::format("Explored state graph: {} states, quotiented by {}",
                              Thousands(explored.states), explored.quotient_by),
                  explored.graph);
  return section;
}

}  // namespace

int RunReport(const std::string& out_dir, std::ostream& out) {
  std::error_code error;
  fs::create_directories(out_dir, error);
  if (error) throw InputError("cannot create the directory: " + error.message(), out_dir);
  const bool svg = !graphs::FindDot().empty();
  Output output(out_dir, svg);

  graphs::ExploredOptions quotient;
  quotient.quotient = true;
  std::vector<Section> sections;
  for (const cp::Profile profile : {cp::Profile::kCurrent, cp::Profile::k2024}) {
    const cp::Table& table = cp::TableOf(profile);
    const model::TableView view = model::Describe(table);
    const std::string name(cp::ToString(profile));
    sections.push_back(MakeSection(output, "clickpipe-" + name, fmt::format("clickpipe ({})", name),
                                   fmt::format("ClickPipe, profile {}", name), view,
                                   properties::CheckClickPipe(table, {}, {}), graphs::LifecycleGraph(view),
                                   graphs::ExploredClickPipe(table, {}, quotient)));
  }
  {
    const ms::Table& table = ms::DefaultTable();
    const model::TableView view = model::Describe(table);
    sections.push_back(MakeSection(output, "mongosync", "mongosync", "mongosync", view,
                                   properties::CheckMongosync(table, {}, {}), graphs::LifecycleGraph(view),
                                   graphs::ExploredMongosync(table, {}, quotient)));
  }
  for (const Section& s : sections) {
    output.Text(s.stem + ".md", SpecMarkdown(s.view));
    output.Text(s.stem + ".json", SpecJson(s.view).dump(2) + "\n");
  }

  const model::TableView& current = sections[0].view;
  const model::TableView& old = sections[1].view;
  const graphs::DiffSummary diff = graphs::Diff(old, current);
  const Diagram diff_diagram = output.Draw(
      "clickpipe-2024-to-current", "ClickPipe lifecycle: profile 2024 to profile current (added, removed, kept)",
      graphs::DiffGraph(old, current));
  const Demo demo = MakeDemo(output);
  const std::vector<Finding> computed = ComputedFindings(sections);

  output.Text("README.md", Readme(sections, diff, computed, demo));
  output.Text("index.html", IndexHtml(sections, diff_diagram, diff, computed, demo));

  out << "pipecheck: lifecycle models\n\n"
      << "| model | states | transitions | stated | inferred |\n|---|---|---|---|---|\n";
  for (const Section& s : sections) {
    const std::size_t inferred = Inferred(s.view);
    out << fmt::format("| {} | {} | {} | {} | {} |\n", s.name, s.view.states.size(), s.view.rows.size(),
                       s.view.rows.size() - inferred, inferred);
  }
  out << "\ncheck, default bounds:\n";
  for (const Section& s : sections) {
    out << fmt::format("  {:<20} {:<10} {:>7} states {:>8} transitions  {} of {} rows taken\n", s.name,
                       s.check.verdict, s.check.states, s.check.transitions, Taken(s.check),
                       s.check.rows.size());
  }
  out << fmt::format("\nfindings: {} computed by the checker, {} where the documents disagree\n",
                     computed.size(), DocumentConflicts().size());
  if (!svg) out << "skipped SVG: " << graphs::kDotMissing << "\n";
  out << fmt::format("wrote {} files into {}\n", output.files(), out_dir);
  bool pass = true;
  for (const Section& s : sections) pass = pass && s.check.verdict == "pass";
  return pass ? 0 : 1;
}

}  // namespace pipecheck::cli
