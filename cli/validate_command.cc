#include "cli/validate_command.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bindings/registry.h"
#include "cli/flag_checks.h"
#include "model/input_error.h"
#include "model/mongosync_version.h"
#include "sim/time.h"
#include "validate/engine.h"
#include "validate/feed.h"
#include "validate/history.h"

namespace pipecheck::cli {
namespace {

using nlohmann::ordered_json;
using validate::Automaton;
using validate::Need;
using validate::SubjectVerdict;

// The modes --mode allows, as a bit set over the automaton's modes.
std::uint32_t AllowedModes(const Automaton& automaton, std::string_view model, std::string_view mode) {
  if (mode.empty()) return (1U << automaton.modes.size()) - 1;
  const bool named = !(automaton.modes.size() == 1 && automaton.modes[0].empty());
  std::string expected;
  for (std::size_t m = 0; m < automaton.modes.size(); ++m) {
    if (automaton.modes[m] == mode && named) return 1U << m;
    expected += fmt::format("{}{}", m == 0 ? "" : ", ", automaton.modes[m]);
  }
  if (!named) throw InputError(fmt::format("{} has no modes; mode '{}' does not exist", model, mode), "--mode");
  const std::string_view profile = automaton.table.profile;
  throw InputError(fmt::format("unknown mode '{}'{}; expected {}", validate::PrintableName(mode),
                               profile.empty() ? "" : fmt::format(" for profile {}", profile), expected),
                   "--mode");
}

std::string StateName(const Automaton& automaton, std::uint32_t node) {
  const std::uint8_t state = automaton.state[node];
  return state == validate::kUnobservable ? "(none)" : std::string(automaton.table.states[state].name);
}

std::string PathText(const Automaton& automaton, const std::vector<validate::PathStep>& path) {
  if (path.empty()) return "";
  std::string text = StateName(automaton, path.front().from);
  for (const validate::PathStep& step : path) {
    text += fmt::format(" --{}--> {}", automaton.table.triggers[step.trigger].name,
                        StateName(automaton, step.to));
  }
  return text;
}

bool ComingSoon(const Automaton& automaton, std::string_view state) {
  return std::find(automaton.coming_soon.begin(), automaton.coming_soon.end(), state) !=
         automaton.coming_soon.end();
}

std::string NeedText(Need need) {
  switch (need) {
    case Need::kInternal: return "internal events and faults suffice";
    case Need::kOperation: return "needs a user operation between the polls";
    default: return std::string(validate::ToString(need));
  }
}

std::string DisplayName(const SubjectVerdict& verdict) {
  return verdict.name.empty() ? "(unnamed)" : validate::PrintableName(verdict.name);
}

std::vector<std::string> ModeNames(const Automaton& automaton, std::uint32_t modes) {
  std::vector<std::string> names;
  for (std::size_t m = 0; m < automaton.modes.size(); ++m) {
    if ((modes >> m) & 1U) names.emplace_back(automaton.modes[m]);
  }
  return names;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : ", ") + part;
  return text;
}

ordered_json VerdictJson(const validate::Judge& judge, const SubjectVerdict& verdict,
                         const std::vector<std::string>& files, bool named_modes) {
  const Automaton& automaton = judge.automaton();
  ordered_json pipe;
  pipe["pipe"] = validate::PrintableName(verdict.name);
  pipe["file"] = files[verdict.file];
  pipe["observations"] = verdict.observations;
  pipe["verdict"] = verdict.valid() ? "valid" : "invalid";
  if (verdict.observations > 0) {
    pipe["from"] = validate::FormatTime(verdict.first.t_ms);
    pipe["to"] = validate::FormatTime(verdict.last.t_ms);
  }
  if (named_modes) {
    pipe["modes"] = ModeNames(automaton, verdict.modes);
    pipe["likely_modes"] = ModeNames(automaton, verdict.likely);
  }
  pipe["operations_needed"] = verdict.operations_needed;
  pipe["gaps_needing_operations"] = verdict.GapsNeeding(Need::kOperation);
  pipe["gaps_internal"] = verdict.GapsNeeding(Need::kInternal);
  ordered_json gaps = ordered_json::array();
  for (const validate::GapKind& gap : verdict.gaps) {
    ordered_json entry;
    entry["from"] = automaton.table.states[judge.label(gap.from_label).state].name;
    entry["to"] = automaton.table.states[judge.label(gap.to_label).state].name;
    if (judge.label(gap.from_label).care != 0 || judge.label(gap.to_label).care != 0) {
      entry["from_observed"] = judge.LabelText(gap.from_label);
      entry["to_observed"] = judge.LabelText(gap.to_label);
    }
    entry["needs"] = validate::ToString(gap.need);
    entry["count"] = gap.count;
    entry["first_line"] = gap.first.line;
    entry["first_t"] = validate::FormatTime(gap.first.t_ms);
    ordered_json path = ordered_json::array();
    for (const validate::PathStep& step : gap.path) {
      const model::RowView& row = automaton.table.rows[step.row];
      path.push_back({{"from", StateName(automaton, step.from)},
                      {"trigger", automaton.table.triggers[step.trigger].name},
                      {"kind", model::ToString(automaton.table.triggers[step.trigger].kind)},
                      {"to", StateName(automaton, step.to)},
                      {"row", step.row},
                      {"source", row.evidence.source},
                      {"status", model::ToString(row.evidence.status())}});
    }
    entry["path"] = path;
    ordered_json unobserved = ordered_json::array();
    ordered_json coming_soon = ordered_json::array();
    for (const std::uint8_t state : gap.unobserved) {
      const std::string_view name = automaton.table.states[state].name;
      unobserved.push_back(name);
      if (ComingSoon(automaton, name)) coming_soon.push_back(name);
    }
    entry["unobserved"] = unobserved;
    entry["unobserved_coming_soon"] = coming_soon;
    gaps.push_back(entry);
  }
  pipe["gaps"] = gaps;
  ordered_json long_transients = ordered_json::array();
  for (const validate::LongTransient& seen : verdict.long_transients) {
    long_transients.push_back({{"state", automaton.table.states[seen.state].name},
                               {"from_line", seen.first.line},
                               {"from_t", validate::FormatTime(seen.first.t_ms)},
                               {"for", validate::FormatSpan(seen.for_ms)},
                               {"for_ms", seen.for_ms}});
  }
  pipe["long_transients"] = long_transients;
  pipe["long_transients_total"] = verdict.long_transients_total;
  if (verdict.first_impossible.found) {
    const validate::Impossible& impossible = verdict.first_impossible;
    ordered_json first;
    first["line"] = impossible.to.line;
    first["t"] = validate::FormatTime(impossible.to.t_ms);
    if (impossible.has_from) {
      first["from"] = automaton.table.states[judge.label(impossible.from.label).state].name;
      first["from_line"] = impossible.from.line;
      first["from_t"] = validate::FormatTime(impossible.from.t_ms);
    } else {
      first["from"] = nullptr;
    }
    first["to"] = automaton.table.states[judge.label(impossible.to.label).state].name;
    first["observed"] = judge.LabelText(impossible.to.label);
    first["why"] = impossible.why;
    first["nearest"] = impossible.nearest;
    first["sources"] = impossible.sources;
    pipe["first_impossible"] = first;
  } else {
    pipe["first_impossible"] = nullptr;
  }
  ordered_json unknown = ordered_json::array();
  for (const validate::UnknownState& seen : verdict.unknown_states) {
    ordered_json entry = {{"line", seen.line}, {"state", validate::PrintableName(seen.state)}};
    if (!seen.why.empty()) entry["why"] = seen.why;
    unknown.push_back(entry);
  }
  pipe["unknown_states"] = unknown;
  pipe["unknown_states_total"] = verdict.unknown_states_total;
  return pipe;
}

void PrintText(const validate::Judge& judge, const std::vector<SubjectVerdict>& verdicts,
               const std::vector<std::string>& files, bool named_modes, const validate::FeedTotals& totals,
               std::int64_t max_gap_ms, std::ostream& out) {
  const Automaton& automaton = judge.automaton();
  const std::size_t invalid = static_cast<std::size_t>(
      std::count_if(verdicts.begin(), verdicts.end(), [](const SubjectVerdict& v) { return !v.valid(); }));
  std::string what = std::string(automaton.table.model);
  if (!automaton.table.profile.empty()) what += fmt::format(" (profile {})", automaton.table.profile);
  out << fmt::format("validate {}: {} file{}, {} observation{} of {} pipe{}", what, files.size(),
                     files.size() == 1 ? "" : "s", totals.observations, totals.observations == 1 ? "" : "s",
                     verdicts.size(), verdicts.size() == 1 ? "" : "s");
  if (totals.unanswered > 0) out << fmt::format(", {} unanswered poll{} skipped", totals.unanswered, totals.unanswered == 1 ? "" : "s");
  out << "\n";
  std::size_t file = files.size();
  for (const SubjectVerdict& verdict : verdicts) {
    if (verdict.file != file) {
      file = verdict.file;
      out << files[file] << "\n";
    }
    out << fmt::format("  pipe {}: {}, {} observation{}", DisplayName(verdict),
                       verdict.valid() ? "valid" : "INVALID", verdict.observations,
                       verdict.observations == 1 ? "" : "s");
    if (verdict.observations > 0) {
      out << fmt::format(" from {} to {}", validate::FormatTime(verdict.first.t_ms),
                         validate::FormatTime(verdict.last.t_ms));
    }
    out << "\n";
    if (verdict.first_impossible.found) {
      const validate::Impossible& impossible = verdict.first_impossible;
      const std::string to = judge.LabelText(impossible.to.label);
      if (impossible.has_from) {
        out << fmt::format("    first impossible step: {} (line {}, {}) -> {} (line {}, {})\n",
                           judge.LabelText(impossible.from.label),
                           impossible.from.line, validate::FormatTime(impossible.from.t_ms), to,
                           impossible.to.line, validate::FormatTime(impossible.to.t_ms));
      } else {
        out << fmt::format("    first impossible observation: {} (line {}, {})\n", to,
                           impossible.to.line, validate::FormatTime(impossible.to.t_ms));
      }
      out << fmt::format("      why: {}\n", impossible.why);
      if (!impossible.nearest.empty()) out << fmt::format("      nearest legal explanation: {}\n", impossible.nearest);
      if (!impossible.sources.empty()) out << fmt::format("      sources: {}\n", Join(impossible.sources));
    }
    for (const validate::UnknownState& seen : verdict.unknown_states) {
      out << fmt::format("    state outside the lifecycle: '{}' at line {}{}\n",
                         validate::PrintableName(seen.state), seen.line,
                         seen.why.empty() ? "" : fmt::format(" ({})", seen.why));
    }
    if (verdict.unknown_states_total > verdict.unknown_states.size()) {
      out << fmt::format("    ... and {} more observations outside the lifecycle\n",
                         verdict.unknown_states_total - verdict.unknown_states.size());
    }
    if (named_modes && verdict.modes != 0) {
      out << fmt::format("    modes consistent with the history{}: {}",
                         verdict.first_impossible.found ? " before the impossible step" : "",
                         Join(ModeNames(automaton, verdict.modes)));
      if (verdict.likely != verdict.modes) {
        out << fmt::format("; likely {} (the fewest user operations, then unobserved steps, explain it)", Join(ModeNames(automaton, verdict.likely)));
      }
      out << "\n";
    }
    if (verdict.operations_needed > 0) {
      out << fmt::format("    user operations between polls: at least {} (the fewest that explain the whole history)\n",
                         verdict.operations_needed);
    }
    for (const validate::GapKind& gap : verdict.gaps) {
      out << fmt::format("    {} -> {}: {} time{} (first at line {}): {}: {}\n",
                         judge.LabelText(gap.from_label), judge.LabelText(gap.to_label), gap.count,
                         gap.count == 1 ? "" : "s", gap.first.line, NeedText(gap.need),
                         PathText(automaton, gap.path));
      if (!gap.unobserved.empty()) {
        std::vector<std::string> names;
        for (const std::uint8_t state : gap.unobserved) {
          const std::string_view name = automaton.table.states[state].name;
          names.push_back(ComingSoon(automaton, name)
                              ? fmt::format("{} (coming soon: the service may not report it yet, D19)", name)
                              : std::string(name));
        }
        out << fmt::format("      not observed: {}\n", Join(names));
      }
    }
    for (const validate::LongTransient& seen : verdict.long_transients) {
      out << fmt::format("    long transient: {} from line {} ({}) for {}, more than {}\n",
                         automaton.table.states[seen.state].name, seen.first.line,
                         validate::FormatTime(seen.first.t_ms), validate::FormatSpan(seen.for_ms),
                         validate::FormatSpan(max_gap_ms));
    }
    if (verdict.long_transients_total > verdict.long_transients.size()) {
      out << fmt::format("    ... and {} more long transients\n",
                         verdict.long_transients_total - verdict.long_transients.size());
    }
  }
  out << fmt::format("verdict: {}", invalid == 0 ? "valid" : "invalid");
  if (invalid > 0) out << fmt::format(" ({} of {} pipe{})", invalid, verdicts.size(), verdicts.size() == 1 ? "" : "s");
  out << "\n";
}

// A file with no observation says nothing about any pipe: judging it valid
// would pass a poller that saved nothing, so it is bad input.
void RequireObservations(const std::vector<std::string>& files, const validate::FeedTotals& totals) {
  for (std::size_t f = 0; f < files.size(); ++f) {
    if (totals.file_observations[f] != 0) continue;
    throw InputError("no observations: the history is empty or holds only failed polls; expected at least "
                     "one line with a time, a pipe and a state",
                     files[f]);
  }
}

// Writes `value` as a member of a top-level object dumped with indent 2, at
// `depth` levels in: the text json.dump(2) would give it in its place.
void WriteNested(const ordered_json& value, int depth, std::ostream& out) {
  const std::string text = value.dump(2, ' ', false, ordered_json::error_handler_t::replace);
  const std::string indent = "\n" + std::string(static_cast<std::size_t>(2 * depth), ' ');
  std::size_t start = 0;
  // Strings are escaped, so every newline of the dump is one of its own.
  for (std::size_t newline = text.find('\n'); newline != std::string::npos; newline = text.find('\n', start)) {
    out.write(text.data() + start, static_cast<std::streamsize>(newline - start));
    out << indent;
    start = newline + 1;
  }
  out.write(text.data() + start, static_cast<std::streamsize>(text.size() - start));
}

// The JSON report, written pipe by pipe: a million pipes never stand as one
// JSON tree in memory. The text is what dumping the whole document with
// indent 2 gives (tests/validate-json/ holds such documents).
void PrintJson(const validate::Judge& judge, const std::vector<SubjectVerdict>& verdicts,
               const ValidateRequest& request, std::string_view model, bool named_modes, bool valid,
               const validate::FeedTotals& totals, std::int64_t max_gap_ms, std::ostream& out) {
  const Automaton& automaton = judge.automaton();
  ordered_json head;
  head["model"] = model;
  head["profile"] = automaton.table.profile.empty() ? ordered_json(nullptr) : ordered_json(automaton.table.profile);
  head["mode"] = request.mode.empty() ? ordered_json(nullptr) : ordered_json(request.mode);
  head["verdict"] = valid ? "valid" : "invalid";
  head["files"] = request.files;
  head["lines"] = totals.lines;
  head["observations"] = totals.observations;
  head["unanswered_polls"] = totals.unanswered;
  head["max_gap"] = max_gap_ms < 0 ? ordered_json(nullptr) : ordered_json(validate::FormatSpan(max_gap_ms));
  std::string text = head.dump(2, ' ', false, ordered_json::error_handler_t::replace);
  text.resize(text.size() - 2);  // The head's closing "\n}": pipes and unknown states follow.
  out << text << ",\n  \"pipes\": [";
  bool first = true;
  for (const SubjectVerdict& verdict : verdicts) {
    out << (first ? "\n    " : ",\n    ");
    first = false;
    WriteNested(VerdictJson(judge, verdict, request.files, named_modes), 2, out);
  }
  out << (first ? "]" : "\n  ]") << ",\n  \"unknown_states\": [";
  first = true;
  for (const SubjectVerdict& verdict : verdicts) {
    for (const validate::UnknownState& state : verdict.unknown_states) {
      out << (first ? "\n    " : ",\n    ");
      first = false;
      WriteNested({{"file", request.files[verdict.file]},
                   {"pipe", validate::PrintableName(verdict.name)},
                   {"line", state.line},
                   {"state", validate::PrintableName(state.state)}},
                  2, out);
    }
  }
  out << (first ? "]" : "\n  ]") << "\n}\n";
}

// --mongosync-version: the release whose rules judge the history.
model::mongosync::Version MongosyncVersion(const ValidateRequest& request, sim::ModelKind kind) {
  if (request.mongosync_version.empty()) return model::mongosync::kNewestVersion;
  return MongosyncVersionFlag(request.mongosync_version, kind);
}

}  // namespace

int RunValidate(const ValidateRequest& request, std::ostream& out) {
  if (request.format != "text" && request.format != "json") {
    throw InputError(fmt::format("unknown format '{}'; expected text or json",
                                 validate::PrintableName(request.format)),
                     "--format");
  }
  std::int64_t max_gap_ms = -1;
  if (!request.max_gap.empty()) {
    const std::optional<sim::Millis> parsed = sim::ParseDuration(request.max_gap);
    if (!parsed) {
      throw InputError(fmt::format("'{}' is not a duration such as 30m, 24h or 2d",
                                   validate::PrintableName(request.max_gap)),
                       "--max-gap");
    }
    max_gap_ms = *parsed;
  }
  return bindings::WithBinding(request.model, [&]<class B>(B) {
    const auto profile = B::ParseProfile(request.profile);
    const auto version = MongosyncVersion(request, B::kKind);
    const Automaton automaton = B::Observable(profile);
    validate::Judge::Options options;
    options.modes = AllowedModes(automaton, B::kName, request.mode);
    options.max_gap_ms = max_gap_ms;
    validate::Judge judge(automaton, options);
    const auto facts = [&](const validate::Observation& seen, std::uint32_t& care, std::uint32_t& value) {
      if constexpr (B::kKind == sim::ModelKind::kMongosync) {
        B::ObservedFactsAt(seen, care, value, version);
      } else {
        B::ObservedFacts(seen, care, value);
      }
    };
    const validate::FeedTotals totals = validate::Feed(judge, request.files, facts);
    RequireObservations(request.files, totals);
    const std::vector<SubjectVerdict> verdicts = judge.Finish();
    const bool named_modes = !(automaton.modes.size() == 1 && automaton.modes[0].empty());
    const bool valid =
        std::all_of(verdicts.begin(), verdicts.end(), [](const SubjectVerdict& v) { return v.valid(); });
    if (request.format == "json") {
      PrintJson(judge, verdicts, request, B::kName, named_modes, valid, totals, max_gap_ms, out);
    } else {
      PrintText(judge, verdicts, request.files, named_modes, totals, max_gap_ms, out);
    }
    return valid ? 0 : 1;
  });
}

}  // namespace pipecheck::cli
