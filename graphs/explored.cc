#include "graphs/explored.h"

#include <cmath>

#include <fmt/format.h>

namespace pipecheck::graphs::explored_detail {

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

}  // namespace pipecheck::graphs::explored_detail
