#include "report/table_format.h"

#include <fmt/format.h>

namespace pipecheck::report {

using nlohmann::ordered_json;

namespace {

ordered_json NameOrNull(std::string_view name) {
  if (name.empty()) return nullptr;
  return std::string(name);
}

std::string Join(const std::vector<std::string_view>& words, std::string_view separator) {
  std::string out;
  for (const auto& word : words) {
    if (!out.empty()) out += separator;
    out += word;
  }
  return out;
}

std::string Evidence(const model::Evidence& evidence) {
  if (evidence.decision.empty()) return fmt::format("{} stated", evidence.source);
  return fmt::format("{} · **inferred ({})**", evidence.source, evidence.decision);
}

}  // namespace

ordered_json TableJson(const model::TableView& view) {
  const bool clickpipe = view.model == "clickpipe";
  ordered_json out;
  out["model"] = std::string(view.model);
  if (clickpipe) out["profile"] = std::string(view.profile);
  out["states"] = ordered_json::array();
  for (const auto& state : view.states) {
    out["states"].push_back(
        {{"name", std::string(state.name)}, {"kind", std::string(ToString(state.kind))}});
  }
  if (clickpipe) {
    out["modes"] = ordered_json::array();
    for (const auto mode : view.modes) out["modes"].push_back(std::string(mode));
  }
  out["triggers"] = ordered_json::array();
  for (const auto& trigger : view.triggers) {
    ordered_json item{{"name", std::string(trigger.name)},
                      {"kind", std::string(ToString(trigger.kind))}};
    if (!trigger.api.empty()) item["api"] = std::string(trigger.api);
    out["triggers"].push_back(std::move(item));
  }
  out["transitions"] = ordered_json::array();
  for (const auto& row : view.rows) {
    ordered_json item;
    item["row"] = row.index;
    item["from"] = NameOrNull(row.from);
    item["trigger"] = std::string(row.trigger);
    item["guard"] = NameOrNull(row.guard);
    if (clickpipe) {
      item["modes"] = ordered_json::array();
      for (const auto mode : row.modes) item["modes"].push_back(std::string(mode));
    } else {
      item["process_from"] = std::string(row.process_from);
      item["process_to"] = std::string(row.process_to);
    }
    item["to"] = std::string(row.to);
    item["source"] = std::string(row.evidence.source);
    item["status"] = std::string(ToString(row.evidence.status()));
    if (!row.evidence.decision.empty()) item["decision"] = std::string(row.evidence.decision);
    if (!row.note.empty()) item["note"] = std::string(row.note);
    out["transitions"].push_back(std::move(item));
  }
  return out;
}

std::string TableMarkdown(const model::TableView& view) {
  const bool clickpipe = view.model == "clickpipe";
  std::string out;
  if (clickpipe) {
    out += fmt::format("# ClickPipe lifecycle, profile `{}`\n\n", view.profile);
  } else {
    out += "# mongosync lifecycle\n\n";
  }
  out += "| state | kind |\n|---|---|\n";
  for (const auto& state : view.states) {
    out += fmt::format("| `{}` | {} |\n", state.name, ToString(state.kind));
  }
  if (clickpipe) out += fmt::format("\nModes: {}.\n", Join(view.modes, ", "));

  std::size_t inferred = 0;
  for (const auto& row : view.rows) {
    if (row.evidence.status() == model::Status::kInferred) ++inferred;
  }
  out += fmt::format(
      "\n{} transitions: {} stated, {} inferred. An inferred row rests on a decision of "
      "spec/lifecycles.md section 4 or docs/decisions.md; the others are stated by the cited "
      "documents (spec/sources.md).\n\n",
      view.rows.size(), view.rows.size() - inferred, inferred);

  if (clickpipe) {
    out += "| # | from | trigger | guard | modes | to | evidence | note |\n";
    out += "|---|---|---|---|---|---|---|---|\n";
  } else {
    out += "| # | from | process | trigger | guard | to | process after | evidence | note |\n";
    out += "|---|---|---|---|---|---|---|---|---|\n";
  }
  for (const auto& row : view.rows) {
    const std::string from = row.from.empty() ? "(none)" : fmt::format("`{}`", row.from);
    const std::string trigger =
        fmt::format("{} ({})", row.trigger, ToString(row.trigger_kind));
    const std::string guard = row.guard.empty() ? "—" : std::string(row.guard);
    if (clickpipe) {
      out += fmt::format("| {} | {} | {} | {} | {} | `{}` | {} | {} |\n", row.index, from, trigger,
                         guard, Join(row.modes, ", "), row.to, Evidence(row.evidence), row.note);
    } else {
      out += fmt::format("| {} | {} | {} | {} | {} | `{}` | {} | {} | {} |\n", row.index, from,
                         row.process_from, trigger, guard, row.to, row.process_to,
                         Evidence(row.evidence), row.note);
    }
  }
  return out;
}

}  // namespace pipecheck::report
