#include "report/html.h"

#include <fmt/format.h>

#include "graphs/graph.h"
#include "graphs/render.h"
#include "report/text.h"

namespace pipecheck::report {

namespace {

using graphs::HtmlEscape;
using graphs::Thousands;

constexpr const char* kStyle = R"(
body { font: 15px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #111827;
       margin: 0 auto; max-width: 1200px; padding: 0 1.5em 3em; }
h1 { margin-top: 1em; } h2 { border-bottom: 2px solid #e5e7eb; padding-bottom: .2em; margin-top: 2em; }
nav a { margin-right: 1em; }
table { border-collapse: collapse; margin: .6em 0; }
th, td { border: 1px solid #d1d5db; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f3f4f6; }
code { background: #f3f4f6; padding: 0 .25em; border-radius: 3px; }
td code { overflow-wrap: anywhere; }
figure { margin: 1em 0; }
figcaption { font-weight: 600; margin-bottom: .4em; }
.diagram { border: 1px solid #e5e7eb; border-radius: 6px; overflow: auto; padding: .5em; background: #fff; }
.diagram svg { display: block; max-width: 100%; height: auto; }
.zoom:checked ~ .diagram { max-height: 92vh; }
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

// A diagram fitted to the page width (each is laid out to stay readable
// there: see graphs::Part); the checkbox (CSS only, no script) shows it at
// its natural size, and the links open the files.
std::string Figure(const Diagram& diagram) {
  return fmt::format(
      "<figure id=\"{0}\"><figcaption>{1} <span class=\"muted\">(<a href=\"{0}.svg\">{0}.svg</a>, "
      "<a href=\"{0}.dot\">{0}.dot</a>)</span></figcaption>"
      "<input type=\"checkbox\" class=\"zoom\" id=\"zoom-{0}\"><label for=\"zoom-{0}\">natural size</label>"
      "<div class=\"diagram\">{2}</div></figure>\n",
      diagram.stem, HtmlEscape(diagram.caption), InlineDiagram(diagram));
}

std::string HtmlSection(const ModelSection& s) {
  const CheckSummary& c = s.check;
  std::string out = fmt::format("<section id=\"{}-section\"><h2>{}</h2>\n", s.stem, HtmlEscape(s.title));
  out += fmt::format(
      "<p>{} states, {} transitions ({} stated, {} inferred). Check with bounds <code>{}</code>: "
      "<span class=\"{}\">{}</span>, {} states, {} transitions, depth {}. Table: "
      "<a href=\"{}.md\">{}.md</a>.</p>\n",
      s.view.states.size(), s.view.rows.size(), s.stated(), s.inferred, HtmlEscape(c.bounds),
      ToString(c.verdict), ToString(c.verdict), Thousands(c.states), Thousands(c.transitions),
      c.depth, s.stem, s.stem);
  out += Figure(s.lifecycle);
  out += Figure(s.faults);
  out += Figure(s.explored);
  out += "<ul>\n";
  out += fmt::format("<li>reachable: {}</li>\n", HtmlEscape(OrNone(c.reachable)));
  out += fmt::format("<li>unreachable declared states: {}</li>\n", HtmlEscape(OrNone(c.unreachable_declared)));
  out += fmt::format("<li>deadlocks: {}</li>\n", HtmlEscape(OrNone(c.deadlocks)));
  out += fmt::format("<li>coverage: {} of {} rows taken; never taken: {}</li>\n</ul>\n", c.rows_taken(),
                     c.rows, HtmlEscape(OrNone(c.never_taken)));
  out += "<table><tr><th>property</th><th>expectation</th><th>verdict</th><th>source</th></tr>\n";
  for (const PropertyLine& p : c.properties) {
    out += fmt::format("<tr><td><code>{}</code></td><td>{}</td><td class=\"{}\">{}</td><td>{}{}</td></tr>\n",
                       HtmlEscape(p.name), properties::ToString(p.expectation), ToString(p.verdict), ToString(p.verdict),
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
      HtmlEscape(demo.change), HtmlEscape(demo.property.name), ToString(demo.property.verdict),
      ToString(demo.property.verdict), HtmlEscape(demo.property.source),
      demo.replays ? "; written as a scenario, the simulator replays it to the same violation" : "");
  out += "<ol class=\"timeline\">\n";
  out += fmt::format("<li><span class=\"action\">initial</span><br><span class=\"state\">{}</span></li>\n",
                     HtmlEscape(demo.initial));
  for (std::size_t i = 0; i < demo.trace.size(); ++i) {
    const auto& step = demo.trace[i];
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

}  // namespace

std::string RenderHtml(const Report& report) {
  const std::vector<ModelSection>& sections = report.models;
  const graphs::DiffSummary& diff = report.diff;
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>pipecheck reports</title>\n<style>{}</style>\n</head>\n<body>\n"
      "<h1>pipecheck reports</h1>\n"
      "<p class=\"muted\">Generated by <code>pipecheck report</code> (run by <code>./scripts/run</code>); "
      "do not edit by hand. One self-contained page: the diagrams are inline SVG, fitted to the page "
      "width (tick <i>natural size</i> for the full-size drawing, or open the .svg), nothing is fetched. "
      "Each lifecycle is drawn in two parts that fit the page: its operations and internal events, "
      "and its faults.</p>\n"
      "<nav>",
      kStyle);
  for (const ModelSection& s : sections) {
    out += fmt::format("<a href=\"#{}-section\">{}</a>", s.stem, HtmlEscape(s.name));
  }
  out += "<a href=\"#diff\">2024 &#8594; current</a><a href=\"#findings\">findings</a>"
         "<a href=\"#demo\">counterexample (demonstration)</a></nav>\n";

  out += "<section id=\"summary\"><h2>Summary</h2>\n<table><tr><th>model</th><th>states</th>"
         "<th>transitions</th><th>stated</th><th>inferred</th><th>check</th><th>explored states</th>"
         "<th>explored transitions</th><th>depth</th><th>rows taken</th></tr>\n";
  for (const ModelSection& s : sections) {
    out += fmt::format(
        "<tr><td><a href=\"#{}-section\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} of {}</td></tr>\n",
        s.stem, HtmlEscape(s.name), s.view.states.size(), s.view.rows.size(),
        s.stated(), s.inferred, ToString(s.check.verdict), ToString(s.check.verdict),
        Thousands(s.check.states), Thousands(s.check.transitions), s.check.depth, s.check.rows_taken(),
        s.check.rows);
  }
  out += "</table>\n<p>Lifecycle diagrams: each lifecycle in two parts, its operations and internal events "
         "(top to bottom) and its faults (left to right, into the states they lead to); "
         "one box per state, coloured by kind; rows with the same ends, "
         "trigger kind and status share an edge; operations black, internal events blue, faults red; "
         "inferred rows (resting on a decision) dashed. Hover an edge for its rows, sources and notes. "
         "The check uses the default bounds (ClickPipe: 2 pipes; every fault budget 1); the explored "
         "state graphs are quotiented (ClickPipe by the lifecycle state of pipe 0, mongosync by "
         "(state, process)).</p>\n</section>\n";

  for (const ModelSection& s : sections) out += HtmlSection(s);

  out += "<section id=\"diff\"><h2>ClickPipe: profile 2024 &#8594; current</h2>\n";
  out += fmt::format(
      "<p>States added: {}; removed: {}; kept: {}. Transitions (from, trigger, to): {} added, "
      "{} removed, {} kept.</p>\n",
      HtmlEscape(OrNone(diff.states_added)), HtmlEscape(OrNone(diff.states_removed)),
      HtmlEscape(OrNone(diff.states_kept)), diff.transitions_added.size(),
      diff.transitions_removed.size(), diff.transitions_kept.size());
  out += Figure(report.diff_diagram) + Figure(report.diff_faults) + "</section>\n";

  out += "<section id=\"findings\"><h2>Findings</h2>\n<h3>Computed by the checker</h3>\n";
  out += HtmlFindings(report.computed);
  out += "<h3>Where the documents disagree or are silent, and what the model does</h3>\n";
  out += HtmlFindings(report.documented) + "</section>\n";
  out += HtmlDemo(report.demo);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace pipecheck::report
