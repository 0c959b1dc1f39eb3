// GCC 12 reports a false "may be used uninitialized" inside Boost.Graph's
// edge iterator (a boost::optional it fills before use) wherever edges(g) is
// inlined, as write_graphviz does; the warning is about Boost, not this file.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "graphs/graph.h"

#include <sstream>

#include <boost/graph/graphviz.hpp>
#include <fmt/format.h>

#include "model/assert.h"

namespace pipecheck::graphs {

namespace {

void WriteAttributes(std::ostream& out, const Attributes& attributes, const std::string& html_label = "") {
  out << "[";
  bool first = true;
  for (const auto& [name, value] : attributes) {
    // An HTML-like label is <...>, unquoted.
    out << (first ? "" : ", ") << name << "="
        << (name == "label" && !html_label.empty() ? "<" + html_label + ">" : DotValue(value));
    first = false;
  }
  out << "]";
}

std::string JoinRows(const std::vector<std::size_t>& rows) {
  std::string text;
  for (const std::size_t row : rows) text += (text.empty() ? "" : ",") + std::to_string(row);
  return text;
}

class VertexWriter {
 public:
  explicit VertexWriter(const Graph& graph) : graph_(graph) {}
  void operator()(std::ostream& out, Vertex vertex) const {
    WriteAttributes(out, graph_[vertex].attributes);
  }

 private:
  const Graph& graph_;
};

class EdgeWriter {
 public:
  explicit EdgeWriter(const Graph& graph) : graph_(graph) {}
  void operator()(std::ostream& out, Edge edge) const {
    Attributes attributes = graph_[edge].attributes;
    if (!graph_[edge].rows.empty()) attributes["rows"] = JoinRows(graph_[edge].rows);
    WriteAttributes(out, attributes);
  }

 private:
  const Graph& graph_;
};

class GraphWriter {
 public:
  GraphWriter(const Graph& graph, bool html_legend) : graph_(graph), html_legend_(html_legend) {}
  void operator()(std::ostream& out) const {
    const GraphProps& props = graph_[boost::graph_bundle];
    out << "graph ";
    WriteAttributes(out, props.graph, html_legend_ ? props.html_legend : "");
    out << ";\nnode ";
    WriteAttributes(out, props.node);
    out << ";\nedge ";
    WriteAttributes(out, props.edge);
    out << ";\n";
  }

 private:
  const Graph& graph_;
  bool html_legend_;
};

}  // namespace

GraphProps DefaultGraphProps() {
  GraphProps props;
  props.graph = {{"bgcolor", "white"},
                 {"fontname", "Helvetica"},
                 {"fontsize", "12"},
                 {"labeljust", "l"},
                 {"labelloc", "t"},
                 {"nodesep", "0.45"},
                 {"rankdir", "TB"},
                 {"ranksep", "0.55"}};
  props.node = {{"fontname", "Helvetica"}, {"fontsize", "13"}, {"margin", "0.15,0.06"}};
  props.edge = {{"arrowsize", "0.7"}, {"fontname", "Helvetica"}, {"fontsize", "10"}};
  return props;
}

std::string DotValue(const std::string& value) {
  std::string out = "\"";
  for (const char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default: out += c; break;
    }
  }
  return out + "\"";
}

std::string HtmlEscape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c; break;
    }
  }
  return out;
}

std::string Thousands(std::uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string ToDot(const Graph& graph, bool html_legend) {
  std::ostringstream out;
  boost::write_graphviz(out, graph, VertexWriter(graph), EdgeWriter(graph), GraphWriter(graph, html_legend),
                        boost::get(&VertexProps::id, graph));
  return out.str();
}

nlohmann::ordered_json ToJson(const Graph& graph) {
  using nlohmann::ordered_json;
  const GraphProps& props = graph[boost::graph_bundle];
  ordered_json out;
  out["graph"] = ordered_json::object();
  for (const auto& [name, value] : props.graph) out["graph"][name] = value;
  out["nodes"] = ordered_json::array();
  for (const Vertex vertex : boost::make_iterator_range(boost::vertices(graph))) {
    ordered_json node{{"id", graph[vertex].id}};
    for (const auto& [name, value] : graph[vertex].attributes) node[name] = value;
    out["nodes"].push_back(std::move(node));
  }
  out["edges"] = ordered_json::array();
  for (const Edge edge : boost::make_iterator_range(boost::edges(graph))) {
    ordered_json item{{"from", graph[boost::source(edge, graph)].id},
                      {"to", graph[boost::target(edge, graph)].id},
                      {"rows", graph[edge].rows}};
    for (const auto& [name, value] : graph[edge].attributes) item[name] = value;
    out["edges"].push_back(std::move(item));
  }
  return out;
}

Vertex VertexById(const Graph& graph, const std::string& id) {
  for (const Vertex vertex : boost::make_iterator_range(boost::vertices(graph))) {
    if (graph[vertex].id == id) return vertex;
  }
  PIPECHECK_ASSERT(false && "no vertex with this id");
}

KindStyle StateStyle(const std::string& kind) {
  if (kind == "transient") return {"box", "rounded,filled", "#dbeafe", "#1e40af"};
  if (kind == "steady") return {"box", "rounded,filled,bold", "#dcfce7", "#166534"};
  if (kind == "needs_action") return {"box", "rounded,filled,bold", "#fee2e2", "#991b1b"};
  if (kind == "terminal") return {"box", "filled,bold", "#e5e7eb", "#374151"};
  if (kind == "declared_only") return {"box", "rounded,dashed", "#ffffff", "#9ca3af"};
  PIPECHECK_ASSERT(false && "unknown state kind");
}

const char* TriggerColor(const std::string& kind) {
  if (kind == "operation") return "#111827";
  if (kind == "event") return "#1d4ed8";
  if (kind == "fault") return "#b91c1c";
  PIPECHECK_ASSERT(false && "unknown trigger kind");
}

std::vector<std::vector<Swatch>> KindSwatches(bool inferred) {
  std::vector<Swatch> states;
  const std::vector<std::pair<const char*, const char*>> kinds = {
      {"transient", "blue"}, {"steady", "green"}, {"needs_action", "red"}, {"terminal", "grey, double"},
      {"declared_only", "dashed"}};
  for (const auto& [kind, look] : kinds) {
    const KindStyle style = StateStyle(kind);
    states.push_back({kind, fmt::format("{} box: {}", look, kind), style.fillcolor, style.color, "",
                      std::string(kind) == "declared_only"});
  }
  std::vector<Swatch> triggers;
  const std::vector<std::pair<const char*, const char*>> arrows = {
      {"operation", "black"}, {"event", "blue"}, {"fault", "red"}};
  for (const auto& [kind, look] : arrows) {
    triggers.push_back({fmt::format("\u2192 {}", kind), fmt::format("{} arrow: {}", look, kind), "", "",
                        TriggerColor(kind), false});
  }
  if (inferred) triggers.push_back({"dashed: inferred (a decision)", "dashed arrow: inferred (a decision)", "", "", "", true});
  return {states, triggers};
}

void SetLegend(GraphProps& props, const std::string& title, const std::vector<std::vector<Swatch>>& swatches,
               const std::vector<LegendLine>& lines) {
  std::string text = title;
  std::string html = fmt::format("<TR><TD BORDER=\"0\" ALIGN=\"LEFT\"><B>{}</B></TD></TR>", HtmlEscape(title));
  for (const std::vector<Swatch>& row : swatches) {
    std::string plain;
    std::string cells;
    for (const Swatch& swatch : row) {
      plain += (plain.empty() ? "" : "; ") + swatch.plain;
      std::string attributes;
      if (!swatch.fill.empty()) attributes += fmt::format(" BGCOLOR=\"{}\"", swatch.fill);
      if (!swatch.border.empty()) attributes += fmt::format(" COLOR=\"{}\"", swatch.border);
      if (swatch.dashed) attributes += " STYLE=\"dashed\"";
      const std::string body = swatch.font.empty()
                                   ? HtmlEscape(swatch.text)
                                   : fmt::format("<FONT COLOR=\"{}\">{}</FONT>", swatch.font, HtmlEscape(swatch.text));
      cells += fmt::format("<TD{}>{}</TD>", attributes, body);
    }
    text += "\n" + plain;
    html += fmt::format(
        "<TR><TD BORDER=\"0\" ALIGN=\"LEFT\"><TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"3\" "
        "CELLPADDING=\"3\"><TR>{}</TR></TABLE></TD></TR>",
        cells);
  }
  for (const LegendLine& line : lines) {
    text += "\n" + line.text;
    const std::string body = line.color.empty()
                                 ? HtmlEscape(line.text)
                                 : fmt::format("<FONT COLOR=\"{}\">{}</FONT>", line.color, HtmlEscape(line.text));
    html += fmt::format("<TR><TD BORDER=\"0\" ALIGN=\"LEFT\">{}</TD></TR>", body);
  }
  props.graph["label"] = text;
  props.html_legend = "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\">" + html + "</TABLE>";
}

}  // namespace pipecheck::graphs
