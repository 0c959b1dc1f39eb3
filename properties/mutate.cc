// properties/mutate.cc: the mutation check (see the header).
#include "properties/mutate.h"

#include <algorithm>
#include <iterator>
#include <type_traits>

#include <fmt/format.h>

#include "model/assert.h"
#include "properties/check.h"

namespace pipecheck::properties {

namespace cp = model::clickpipe;
namespace ms = model::mongosync;

namespace {

// The equivalent mutants, each with the reason no property can tell it from
// the built-in table. tests/mutate_test.cc pins this list; a mutant leaves it
// only when a property learns to kill it.
//
// ClickPipe `current`. Two facts of the model make them equivalent:
//  - A snapshot pipe never runs CDC: its load and its resyncs end in
//    Completed (rows 15 and 48), so it is never Running, Pausing, Paused or
//    Modifying, and it holds no resume point to lose (D11: no
//    resume_point_lost row applies to it, and create and resync keep the
//    flag). A row widened to snapshot pipes in those states, or guarded by a
//    lost point, never applies to one.
//  - Row 54 (Failed --resume--> Running, D2) is dead: the only failure that
//    keeps the resume point is irrecoverable_error, which D2 excludes, and
//    every other failure loses the point. No reachable Failed pipe is
//    resumable, so nothing the row does, or whether it exists, is ever seen.
//    (A finding about the model: D2's accepted branch cannot happen.)
// ClickPipe `2024` and mongosync: none; every mutant is killed.
constexpr std::string_view kSnapshotNeverRuns =
    "a snapshot pipe is never Running, Pausing, Paused or Modifying (its load and resyncs end "
    "Completed), so the widened row never applies to one";
constexpr std::string_view kSnapshotKeepsItsPoint =
    "a snapshot pipe holds no resume point and never loses it (D11), so the widened row's guard "
    "(point lost) never holds for one";
constexpr std::string_view kDeadResume =
    "row 54 is dead: no reachable Failed pipe keeps its resume point with a recoverable cause "
    "(D2's guard), so the row is never taken";

constexpr KnownEquivalent kKnownEquivalents[] = {
    {"clickpipe", "current",
     "row 14 Snapshot --initial_load_done--> Failed: all modes (was cdc,cdc_only)",
     kSnapshotKeepsItsPoint},
    {"clickpipe", "current", "row 21 Running --pause--> Pausing: all modes (was cdc,cdc_only)",
     kSnapshotNeverRuns},
    {"clickpipe", "current",
     "row 24 Running --resume_point_lost--> Failed: all modes (was cdc,cdc_only)",
     kSnapshotNeverRuns},
    {"clickpipe", "current",
     "row 30 Pausing --resume_point_lost--> Pausing: all modes (was cdc,cdc_only)",
     kSnapshotNeverRuns},
    {"clickpipe", "current",
     "row 40 Paused --resume_point_lost--> Paused: all modes (was cdc,cdc_only)",
     kSnapshotNeverRuns},
    {"clickpipe", "current",
     "row 44 Modifying --resume_point_lost--> Modifying: all modes (was cdc,cdc_only)",
     kSnapshotNeverRuns},
    {"clickpipe", "current", "row 47 Resync --swap_done--> Failed: all modes (was cdc,cdc_only)",
     kSnapshotKeepsItsPoint},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: dropped", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: to Provisioning", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: to Setup", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: to Snapshot", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: to Pausing", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: to Paused", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: to Modifying", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: to Resync", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: to Completed", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: to Failed", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: all modes (was cdc,cdc_only)",
     kDeadResume},
};

std::string RowText(const cp::Row& row) {
  return fmt::format("{} --{}--> {}", cp::ToString(row.from), cp::ToString(row.trigger),
                     cp::ToString(row.to));
}

std::string RowText(const ms::Row& row) {
  return fmt::format("{}/{} --{}--> {}/{}", ms::ToString(row.from), ms::ToString(row.process_from),
                     ms::ToString(row.trigger), ms::ToString(row.to), ms::ToString(row.process_to));
}

Mutant Make(std::size_t row, MutationKind kind, std::size_t target, std::string name) {
  Mutant mutant;
  mutant.row = row;
  mutant.kind = kind;
  mutant.target = target;
  mutant.name = std::move(name);
  return mutant;
}

std::string ModeList(cp::ModeSet modes) {
  std::string out;
  for (std::size_t m = 0; m < cp::kModeCount; ++m) {
    if (cp::Contains(modes, static_cast<cp::Mode>(m))) {
      out += (out.empty() ? "" : ",") + std::string(cp::kModeNames[m]);
    }
  }
  return out;
}

// Why a mutant's exploration is killed, judged against the built-in table's:
// each property violated (that held there), each witness lost, and a new
// deadlock. Empty: it survived.
std::vector<std::string> Judge(const CheckReport& original, const CheckReport& mutant,
                               const std::vector<std::string>& ignore) {
  std::vector<std::string> reasons;
  PIPECHECK_ASSERT(original.properties.size() == mutant.properties.size());
  auto ignored = [&](const std::string& name) {
    return std::find(ignore.begin(), ignore.end(), name) != ignore.end();
  };
  for (std::size_t p = 0; p < mutant.properties.size(); ++p) {
    const PropertyReport& was = original.properties[p];
    const PropertyReport& now = mutant.properties[p];
    PIPECHECK_ASSERT(was.name == now.name);
    if (ignored(now.name)) continue;
    if (now.kind == PropertyKind::kSometimes) {
      if (was.verdict == "witnessed" && now.verdict != "witnessed") {
        reasons.push_back("unwitnessed: " + now.name);
      }
    } else if (now.verdict == "violated" && was.verdict != "violated") {
      reasons.push_back("violated: " + now.name);
    }
  }
  if (!ignored("deadlock") && !mutant.deadlocks.empty() && original.deadlocks.empty()) {
    reasons.push_back("deadlock: " + mutant.deadlocks.front());
  }
  return reasons;
}

std::string BoundsText(const CheckReport& report) {
  std::string out;
  for (const auto& [name, value] : report.bounds) {
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", name, value);
  }
  return out;
}

// Explores every mutant and sorts out the verdicts.
template <typename Table, typename Check>
MutationReport Run(const Table& table, const std::vector<Mutant>& mutants,
                   const MutateOptions& options, Check check) {
  const CheckReport original = check(table);
  PIPECHECK_ASSERT(original.complete);
  MutationReport report;
  report.model = original.model;
  report.profile = original.profile;
  report.bounds = BoundsText(original);
  for (std::size_t i = 0; i < mutants.size(); ++i) {
    const Table mutated = [&] {
      if constexpr (std::is_same_v<Table, cp::Table>) {
        return cp::Table(table.profile(), Apply(table, mutants[i]));
      } else {
        return ms::Table(Apply(table, mutants[i]));
      }
    }();
    const CheckReport explored = check(mutated);
    PIPECHECK_ASSERT(explored.complete);
    MutantVerdict verdict;
    verdict.mutant = mutants[i];
    verdict.killed_by = Judge(original, explored, options.ignore);
    verdict.killed = !verdict.killed_by.empty();
    for (const KnownEquivalent& known : KnownEquivalents()) {
      if (known.model != report.model || known.profile != report.profile ||
          known.mutant != mutants[i].name) {
        continue;
      }
      if (verdict.killed) {
        report.stale_equivalents.push_back(mutants[i].name);
      } else {
        verdict.equivalent = std::string(known.why);
      }
    }
    report.verdicts.push_back(std::move(verdict));
    if (options.progress) options.progress(i + 1, mutants.size());
  }
  return report;
}

}  // namespace

std::string_view ToString(MutationKind kind) {
  switch (kind) {
    case MutationKind::kDrop:
      return "drop";
    case MutationKind::kRetarget:
      return "retarget";
    case MutationKind::kRetargetProcess:
      return "retarget_process";
    case MutationKind::kDropGuard:
      return "drop_guard";
    case MutationKind::kWidenModes:
      return "widen_modes";
  }
  PIPECHECK_ASSERT(false);
}

std::size_t MutationReport::killed() const {
  return static_cast<std::size_t>(std::count_if(verdicts.begin(), verdicts.end(),
                                                [](const MutantVerdict& v) { return v.killed; }));
}

std::size_t MutationReport::equivalent() const {
  return static_cast<std::size_t>(
      std::count_if(verdicts.begin(), verdicts.end(),
                    [](const MutantVerdict& v) { return !v.killed && !v.equivalent.empty(); }));
}

std::size_t MutationReport::survivors() const { return mutants() - killed() - equivalent(); }

std::span<const KnownEquivalent> KnownEquivalents() { return kKnownEquivalents; }

MutateOptions DefaultMutateOptions() {
  MutateOptions options;
  options.clickpipe.pipes = 1;
  return options;
}

std::vector<Mutant> ClickPipeMutants(const cp::Table& table) {
  std::vector<Mutant> mutants;
  const auto rows = table.rows();
  const cp::Profile profile = table.profile();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const cp::Row& row = rows[r];
    const std::string text = fmt::format("row {} {}", r, RowText(row));
    mutants.push_back(Make(r, MutationKind::kDrop, 0, text + ": dropped"));
    for (const cp::State state : cp::States(profile)) {
      if (state == row.to) continue;
      mutants.push_back(Make(r, MutationKind::kRetarget, static_cast<std::size_t>(state),
                             fmt::format("{}: to {}", text, cp::ToString(state))));
    }
    if (row.guard != cp::Guard::kNone) {
      mutants.push_back(Make(r, MutationKind::kDropGuard, 0,
                             fmt::format("{}: guard dropped ({})", text, cp::Describe(row.guard))));
    }
    if (cp::HasModes(profile) && row.modes != cp::kAllModes) {
      mutants.push_back(Make(r, MutationKind::kWidenModes, 0,
                             fmt::format("{}: all modes (was {})", text, ModeList(row.modes))));
    }
  }
  return mutants;
}

std::vector<Mutant> MongosyncMutants(const ms::Table& table) {
  std::vector<Mutant> mutants;
  const auto rows = table.rows();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const ms::Row& row = rows[r];
    const std::string text = fmt::format("row {} {}", r, RowText(row));
    mutants.push_back(Make(r, MutationKind::kDrop, 0, text + ": dropped"));
    for (const ms::State state : ms::States()) {
      if (state == row.to) continue;
      mutants.push_back(Make(
          r, MutationKind::kRetarget, static_cast<std::size_t>(state),
          fmt::format("{}: to {}/{}", text, ms::ToString(state), ms::ToString(row.process_to))));
    }
    for (std::size_t p = 0; p < ms::kProcessNames.size(); ++p) {
      const auto process = static_cast<ms::Process>(p);
      if (process == row.process_to) continue;
      mutants.push_back(
          Make(r, MutationKind::kRetargetProcess, p,
               fmt::format("{}: to {}/{}", text, ms::ToString(row.to), ms::ToString(process))));
    }
    if (row.guard != ms::Guard::kNone) {
      mutants.push_back(Make(r, MutationKind::kDropGuard, 0,
                             fmt::format("{}: guard dropped ({})", text, ms::Describe(row.guard))));
    }
  }
  return mutants;
}

std::vector<cp::Row> Apply(const cp::Table& table, const Mutant& mutant) {
  const auto base = table.rows();
  PIPECHECK_ASSERT(mutant.row < base.size());
  std::vector<cp::Row> rows(base.begin(), base.end());
  cp::Row& row = rows[mutant.row];
  switch (mutant.kind) {
    case MutationKind::kDrop:
      rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(mutant.row));
      break;
    case MutationKind::kRetarget:
      PIPECHECK_ASSERT(mutant.target < cp::kStateCount);
      row.to = static_cast<cp::State>(mutant.target);
      break;
    case MutationKind::kDropGuard:
      row.guard = cp::Guard::kNone;
      break;
    case MutationKind::kWidenModes:
      row.modes = cp::kAllModes;
      break;
    case MutationKind::kRetargetProcess:
      PIPECHECK_ASSERT(false);
  }
  return rows;
}

std::vector<ms::Row> Apply(const ms::Table& table, const Mutant& mutant) {
  const auto base = table.rows();
  PIPECHECK_ASSERT(mutant.row < base.size());
  std::vector<ms::Row> rows(base.begin(), base.end());
  ms::Row& row = rows[mutant.row];
  switch (mutant.kind) {
    case MutationKind::kDrop:
      rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(mutant.row));
      break;
    case MutationKind::kRetarget:
      PIPECHECK_ASSERT(mutant.target < ms::kStateCount);
      row.to = static_cast<ms::State>(mutant.target);
      break;
    case MutationKind::kRetargetProcess:
      PIPECHECK_ASSERT(mutant.target < ms::kProcessNames.size());
      row.process_to = static_cast<ms::Process>(mutant.target);
      break;
    case MutationKind::kDropGuard:
      row.guard = ms::Guard::kNone;
      break;
    case MutationKind::kWidenModes:
      PIPECHECK_ASSERT(false);
  }
  return rows;
}

MutationReport MutateClickPipe(cp::Profile profile, const MutateOptions& options) {
  const cp::Table& table = cp::TableOf(profile);
  return Run(table, ClickPipeMutants(table), options, [&](const cp::Table& explored) {
    return CheckClickPipe(explored, options.clickpipe, ExploreLimits{});
  });
}

MutationReport MutateMongosync(const MutateOptions& options) {
  const ms::Table& table = ms::DefaultTable();
  return Run(table, MongosyncMutants(table), options, [&](const ms::Table& explored) {
    return CheckMongosync(explored, options.mongosync, ExploreLimits{});
  });
}

}  // namespace pipecheck::properties
