// bindings/clickpipe_mutation.cc: the ClickPipe table's mutants (see the header).
#include "bindings/clickpipe_mutation.h"

#include <iterator>

#include <fmt/format.h>

#include "bindings/clickpipe.h"
#include "model/assert.h"

namespace pipecheck::bindings {

namespace cp = model::clickpipe;
using properties::KnownEquivalent;
using properties::Mutant;
using properties::MutationKind;

namespace {

// The equivalent mutants, each with the reason no property can tell it from
// the built-in table. tests/mutate_test.cc pins this list and proves each
// entry: the mutant's reachable graph (every state, every step) is the
// built-in table's. A mutant leaves the list only when a property learns to
// kill it, which for these cannot happen.
//
// ClickPipe `current`. Two facts of the model make the row mutants
// equivalent:
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
// The effect mutants that survive swap an effect for one that sets only what
// every pipe taking the row already holds, so the step leads to the same
// pipe: each reason below names the fact (a claim of the catalogue, or the
// row's guard) that makes it so.
// ClickPipe `2024`: only such effect mutants survive.
constexpr std::string_view kSnapshotNeverRuns =
    "a snapshot pipe is never Running, Pausing, Paused or Modifying (its load and resyncs end "
    "Completed), so the widened row never applies to one";
constexpr std::string_view kSnapshotKeepsItsPoint =
    "a snapshot pipe holds no resume point and never loses it (D11), so the widened row's guard "
    "(point lost) never holds for one";
constexpr std::string_view kDeadResume =
    "row 54 is dead: no reachable Failed pipe keeps its resume point with a recoverable cause "
    "(D2's guard), so the row is never taken";
constexpr std::string_view kBeforeCreate =
    "a pipe before create already holds what create sets (no load in progress, the resume point "
    "kept, no cause), so create, none, end_load and recover all lead to the same pipe";
constexpr std::string_view kRecoverOutsideFailed =
    "recover only clears the failure cause, and no pipe outside Failed has one "
    "(a_pipe_reports_a_cause_exactly_when_failed)";
constexpr std::string_view kNoLoadInProgress =
    "end_load only clears the load flags, and a pipe outside Setup, Snapshot and Resync has no "
    "load in progress (no_load_in_progress_outside_a_load)";
constexpr std::string_view kSetupOnCreate =
    "end_load only clears the load flags, and the row's guard (on create: no resync, no added "
    "tables) says the pipe has none";
constexpr std::string_view kSetupOnCreate2024 =
    "end_load only clears the load flags, and in profile 2024 a resync or added tables load from "
    "Snapshot, so a pipe in Setup was just created and has no load in progress";
constexpr std::string_view kAlreadyCreated =
    "create sets no load in progress, the resume point kept and no cause; a pipe taking the row "
    "holds all three (no load outside Setup, Snapshot and Resync, and the Setup row applies on "
    "create only; the point is kept in Running, lost_resume_point_never_runs, or by the row's "
    "guard; no cause outside Failed)";
constexpr std::string_view kLoadEndKeepsThePoint =
    "create clears the load flags as end_load does, and also keeps the resume point and clears "
    "the cause, which the row's pipes already have (the guard says the point is kept, or the pipe "
    "is a snapshot pipe, which never loses it; no cause outside Failed)";
constexpr std::string_view kSnapshotLoadEnds =
    "a snapshot pipe ending its first load is not in a resync (the guard) and never adds tables "
    "(it never reaches Paused), so end_load clears nothing; it never loses its point "
    "(a_snapshot_pipe_never_runs_cdc) and has no cause, so none, create and recover lead to the "
    "same pipe as end_load";
constexpr std::string_view kAlreadyAddingTables =
    "the row's guard (adding tables) says the flag is already set, and a pipe adding tables has "
    "no cause, so begin_add_tables changes nothing";

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
    // The effect mutants, in mutant order.
    {"clickpipe", "current",
     "row 0 (none) --create--> Provisioning: effect create -> none",
     kBeforeCreate},
    {"clickpipe", "current",
     "row 0 (none) --create--> Provisioning: effect create -> end_load",
     kBeforeCreate},
    {"clickpipe", "current",
     "row 0 (none) --create--> Provisioning: effect create -> recover",
     kBeforeCreate},
    {"clickpipe", "current",
     "row 1 Provisioning --provisioned--> Setup: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 1 Provisioning --provisioned--> Setup: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 4 Provisioning --compute_crash--> Provisioning: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 4 Provisioning --compute_crash--> Provisioning: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 5 Setup --tables_created--> Snapshot: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 6 Setup --tables_created--> Snapshot: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 7 Setup --tables_created--> Snapshot: effect none -> begin_add_tables",
     kAlreadyAddingTables},
    {"clickpipe", "current",
     "row 7 Setup --tables_created--> Snapshot: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 8 Setup --tables_created--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "current",
     "row 8 Setup --tables_created--> Running: effect none -> end_load",
     kSetupOnCreate},
    {"clickpipe", "current",
     "row 8 Setup --tables_created--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 12 Setup --compute_crash--> Setup: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 13 Snapshot --initial_load_done--> Running: effect end_load -> create",
     kLoadEndKeepsThePoint},
    {"clickpipe", "current",
     "row 15 Snapshot --initial_load_done--> Completed: effect end_load -> none",
     kSnapshotLoadEnds},
    {"clickpipe", "current",
     "row 15 Snapshot --initial_load_done--> Completed: effect end_load -> create",
     kSnapshotLoadEnds},
    {"clickpipe", "current",
     "row 15 Snapshot --initial_load_done--> Completed: effect end_load -> recover",
     kSnapshotLoadEnds},
    {"clickpipe", "current",
     "row 16 Snapshot --initial_load_done--> Resync: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 19 Snapshot --compute_crash--> Snapshot: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 20 Snapshot --destination_unavailable--> Snapshot: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 21 Running --pause--> Pausing: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "current",
     "row 21 Running --pause--> Pausing: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 21 Running --pause--> Pausing: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 25 Running --compute_crash--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "current",
     "row 25 Running --compute_crash--> Running: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 25 Running --compute_crash--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 26 Running --destination_unavailable--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "current",
     "row 26 Running --destination_unavailable--> Running: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 26 Running --destination_unavailable--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 27 Running --lag--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "current",
     "row 27 Running --lag--> Running: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 27 Running --lag--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 28 Pausing --cdc_stopped--> Paused: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 28 Pausing --cdc_stopped--> Paused: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 31 Pausing --compute_crash--> Pausing: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 31 Pausing --compute_crash--> Pausing: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 32 Paused --pause--> Paused: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 32 Paused --pause--> Paused: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 33 Paused --resume--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "current",
     "row 33 Paused --resume--> Running: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 33 Paused --resume--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 37 Paused --remove_tables--> Modifying: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 37 Paused --remove_tables--> Modifying: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 38 Paused --edit_settings--> Paused: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 38 Paused --edit_settings--> Paused: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 41 Modifying --tables_removed--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "current",
     "row 41 Modifying --tables_removed--> Running: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 41 Modifying --tables_removed--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 45 Modifying --compute_crash--> Modifying: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 45 Modifying --compute_crash--> Modifying: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 46 Resync --swap_done--> Running: effect end_load -> create",
     kLoadEndKeepsThePoint},
    {"clickpipe", "current",
     "row 48 Resync --swap_done--> Completed: effect end_load -> create",
     kLoadEndKeepsThePoint},
    {"clickpipe", "current",
     "row 51 Resync --compute_crash--> Resync: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 52 Resync --destination_unavailable--> Resync: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 54 Failed --resume--> Running: effect recover -> none",
     kDeadResume},
    {"clickpipe", "current",
     "row 54 Failed --resume--> Running: effect recover -> create",
     kDeadResume},
    {"clickpipe", "current",
     "row 54 Failed --resume--> Running: effect recover -> begin_resync",
     kDeadResume},
    {"clickpipe", "current",
     "row 54 Failed --resume--> Running: effect recover -> begin_add_tables",
     kDeadResume},
    {"clickpipe", "current",
     "row 54 Failed --resume--> Running: effect recover -> end_load",
     kDeadResume},
    {"clickpipe", "current",
     "row 54 Failed --resume--> Running: effect recover -> lose_point",
     kDeadResume},
    {"clickpipe", "current",
     "row 54 Failed --resume--> Running: effect recover -> fail_irrecoverable",
     kDeadResume},
    {"clickpipe", "current",
     "row 54 Failed --resume--> Running: effect recover -> fail_point_lost",
     kDeadResume},
    {"clickpipe", "2024",
     "row 0 (none) --create--> Provisioning: effect create -> none",
     kBeforeCreate},
    {"clickpipe", "2024",
     "row 0 (none) --create--> Provisioning: effect create -> end_load",
     kBeforeCreate},
    {"clickpipe", "2024",
     "row 0 (none) --create--> Provisioning: effect create -> recover",
     kBeforeCreate},
    {"clickpipe", "2024",
     "row 1 Provisioning --provisioned--> Setup: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "2024",
     "row 1 Provisioning --provisioned--> Setup: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 4 Provisioning --compute_crash--> Provisioning: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "2024",
     "row 4 Provisioning --compute_crash--> Provisioning: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 5 Setup --tables_created--> Snapshot: effect none -> end_load",
     kSetupOnCreate2024},
    {"clickpipe", "2024",
     "row 5 Setup --tables_created--> Snapshot: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 8 Setup --compute_crash--> Setup: effect none -> end_load",
     kSetupOnCreate2024},
    {"clickpipe", "2024",
     "row 8 Setup --compute_crash--> Setup: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 9 Snapshot --initial_load_done--> Running: effect end_load -> create",
     kLoadEndKeepsThePoint},
    {"clickpipe", "2024",
     "row 13 Snapshot --compute_crash--> Snapshot: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 14 Snapshot --destination_unavailable--> Snapshot: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 15 Running --pause--> Paused: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "2024",
     "row 15 Running --pause--> Paused: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "2024",
     "row 15 Running --pause--> Paused: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 20 Running --compute_crash--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "2024",
     "row 20 Running --compute_crash--> Running: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "2024",
     "row 20 Running --compute_crash--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 21 Running --destination_unavailable--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "2024",
     "row 21 Running --destination_unavailable--> Running: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "2024",
     "row 21 Running --destination_unavailable--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 22 Running --lag--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "2024",
     "row 22 Running --lag--> Running: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "2024",
     "row 22 Running --lag--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 23 Paused --pause--> Paused: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "2024",
     "row 23 Paused --pause--> Paused: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 24 Paused --resume--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "2024",
     "row 24 Paused --resume--> Running: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "2024",
     "row 24 Paused --resume--> Running: effect none -> recover",
     kRecoverOutsideFailed},
};

constexpr std::string_view kEffectNames[] = {
    "none",     "create",     "begin_resync",       "begin_add_tables", "end_load",
    "lose_point", "fail_irrecoverable", "fail_point_lost", "recover",
};
static_assert(std::size(kEffectNames) == static_cast<std::size_t>(cp::Effect::kRecover) + 1);

std::string RowText(const cp::Row& row) {
  return fmt::format("{} --{}--> {}", cp::ToString(row.from), cp::ToString(row.trigger),
                     cp::ToString(row.to));
}

std::string ModeList(cp::ModeSet modes) {
  std::string out;
  for (std::size_t m = 0; m < cp::kModeCount; ++m) {
    if (cp::Contains(modes, static_cast<cp::Mode>(m))) {
      // Appended piece by piece: `"," + std::string(...)` drew a false
      // -Wrestrict from GCC 12 at -O3 (the Release build).
      if (!out.empty()) out += ',';
      out += cp::kModeNames[m];
    }
  }
  return out;
}

}  // namespace

ClickPipeMutation::ClickPipeMutation(cp::Profile profile, properties::ClickPipeBounds bounds)
    : table_(&cp::TableOf(profile)), bounds_(bounds) {}

ClickPipeMutation ClickPipeMutation::FromFlags(const std::string& profile, int pipes) {
  ExploreFlags flags;
  flags.profile = profile;
  flags.pipes = pipes == 0 ? DefaultBounds().pipes : pipes;
  const properties::ClickPipeSpace space = ClickPipe::MakeSpace(flags);
  return ClickPipeMutation(space.table().profile(), space.bounds());
}

properties::ClickPipeBounds ClickPipeMutation::DefaultBounds() {
  properties::ClickPipeBounds bounds;
  bounds.pipes = 1;
  return bounds;
}

std::vector<Mutant> ClickPipeMutation::Mutants() const {
  std::vector<Mutant> mutants;
  const auto rows = table_->rows();
  const cp::Profile profile = table_->profile();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const cp::Row& row = rows[r];
    const std::string text = fmt::format("row {} {}", r, RowText(row));
    mutants.push_back(properties::DropMutant(r, text));
    for (const cp::State state : cp::States(profile)) {
      if (state == row.to) continue;
      mutants.push_back(properties::RetargetMutant(r, text, MutationKind::kRetarget,
                                                   static_cast<std::size_t>(state),
                                                   cp::ToString(state)));
    }
    if (row.guard != cp::Guard::kNone) {
      mutants.push_back(properties::DropGuardMutant(r, text, cp::Describe(row.guard)));
    }
    if (cp::HasModes(profile) && row.modes != cp::kAllModes) {
      mutants.push_back(
          properties::MakeMutant(r, MutationKind::kWidenModes, 0,
                                 fmt::format("{}: all modes (was {})", text, ModeList(row.modes))));
    }
    properties::AddEffectMutants(r, text, static_cast<std::size_t>(row.effect), kEffectNames,
                                 mutants);
  }
  return mutants;
}

cp::Table ClickPipeMutation::Apply(const Mutant& mutant) const {
  return cp::Table(table_->profile(),
                   properties::MutatedRows(table_->rows(), mutant, [&](cp::Row& row) {
    switch (mutant.kind) {
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
      case MutationKind::kDropEffect:
        row.effect = cp::Effect::kNone;
        break;
      case MutationKind::kSwapEffect:
        PIPECHECK_ASSERT(mutant.target < std::size(kEffectNames));
        row.effect = static_cast<cp::Effect>(mutant.target);
        break;
      case MutationKind::kDrop:
      case MutationKind::kRetargetProcess:
        PIPECHECK_ASSERT(false);
    }
  }));
}

properties::CheckReport ClickPipeMutation::Check(const Mutant* mutant) const {
  return properties::CheckMutant<properties::ClickPipeSpace>(
      *table_, bounds_, mutant, [this](const Mutant& applied) { return Apply(applied); });
}

std::span<const std::string_view> ClickPipeMutation::DocumentedCopyComparisons() {
  return properties::ClickPipeSpace::DocumentedCopyComparisons();
}

std::span<const KnownEquivalent> ClickPipeMutation::KnownEquivalents() { return kKnownEquivalents; }

std::span<const std::string_view> ClickPipeMutation::EffectNames() { return kEffectNames; }

}  // namespace pipecheck::bindings
