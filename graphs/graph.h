// graphs/graph.h: the one graph type every diagram is built in, and its
// writers (DOT through boost::write_graphviz, and JSON for other tools).
//
// Contract:
//  - A Graph is a boost::adjacency_list over vecS with bundled properties, so
//    vertex and edge order are insertion order and nothing depends on an
//    address. Attributes sit in std::map, so they print sorted by name.
//    Together: the same graph gives the same bytes on every run.
//  - Vertex ids are unique within a graph; they are the DOT node ids.
//  - An edge's `rows` are the indices of the lifecycle-table rows it stands
//    for (in table order). DOT carries them as the attribute rows="3,7", JSON
//    as an array; Graphviz ignores the attribute when it draws.
//  - Every attribute value is quoted, so the DOT reads back with
//    boost::read_graphviz (which knows no HTML-like labels). The one
//    HTML-like label, the coloured legend, is written only when asked
//    (ToDot(graph, /*html_legend=*/true)), for SVG drawn by Graphviz.
//  - Nothing here reads a clock, the environment or any file.
#pragma once

#include <cstddef>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <nlohmann/json.hpp>

namespace pipecheck::graphs {

using Attributes = std::map<std::string, std::string>;

struct VertexProps {
  std::string id;
  Attributes attributes;  // label, shape, style, fillcolor, kind ...
};

struct EdgeProps {
  std::vector<std::size_t> rows;  // Table rows this edge stands for; may be empty.
  Attributes attributes;          // label, style, color, kind ...
};

// Default attributes, written as `graph [...]; node [...]; edge [...];`.
// graph["label"] is the plain-text legend; `html_legend` the same legend as
// a Graphviz HTML-like table, written instead of it for SVG.
struct GraphProps {
  Attributes graph;
  Attributes node;
  Attributes edge;
  std::string html_legend;
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, VertexProps,
                                    EdgeProps, GraphProps>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;
using Edge = boost::graph_traits<Graph>::edge_descriptor;

// The defaults every diagram shares (fonts, colours of the page).
GraphProps DefaultGraphProps();

// DOT through boost::write_graphviz. Byte-stable.
std::string ToDot(const Graph& graph, bool html_legend = false);

// {"graph": {...}, "nodes": [{"id", attributes...}], "edges": [{"from", "to",
// "rows", attributes...}]}, in the same order as the DOT.
nlohmann::ordered_json ToJson(const Graph& graph);

// The index of the vertex with `id`. REQUIRES: it exists.
Vertex VertexById(const Graph& graph, const std::string& id);

// A value quoted for DOT: backslashes, quotes and newlines escaped.
std::string DotValue(const std::string& value);

// Text escaped for an HTML-like label or an HTML page.
std::string HtmlEscape(const std::string& text);

// 1234567 -> "1,234,567": counts on diagrams are read, not parsed.
std::string Thousands(std::uint64_t value);

// Shared styling, so that every diagram and the legend agree.
struct KindStyle {
  const char* shape;
  const char* style;
  const char* fillcolor;
  const char* color;
};
// `kind` as in model::ToString(StateKind): transient, steady, needs_action,
// terminal, declared_only.
KindStyle StateStyle(const std::string& kind);
// `kind` as in model::ToString(TriggerKind): operation, event, fault.
const char* TriggerColor(const std::string& kind);
inline constexpr const char* kHighlightColor = "#ea580c";
inline constexpr const char* kAddedColor = "#15803d";
inline constexpr const char* kRemovedColor = "#b91c1c";
inline constexpr const char* kKeptColor = "#6b7280";

// A legend: a title, rows of coloured swatches, then lines of text.
struct Swatch {
  std::string text;    // In the HTML table: "transient".
  std::string plain;   // In the plain-text legend: "blue: transient".
  std::string fill;    // Background; empty for none.
  std::string border;  // Cell border colour; empty for none.
  std::string font;    // Text colour; empty for the default.
  bool dashed = false;
};
struct LegendLine {
  std::string text;
  std::string color;  // Empty for the default.
};
// The standard swatch rows: state kinds, then trigger kinds (and, with
// `inferred`, the dashed inferred rows).
std::vector<std::vector<Swatch>> KindSwatches(bool inferred);
// Sets graph["label"] (plain text) and html_legend.
void SetLegend(GraphProps& props, const std::string& title,
               const std::vector<std::vector<Swatch>>& swatches, const std::vector<LegendLine>& lines);

}  // namespace pipecheck::graphs
