// bindings/mongosync_mutation.cc: the mongosync table's mutants (see the header).
#include "bindings/mongosync_mutation.h"

#include <iterator>

#include <fmt/format.h>

#include "bindings/mongosync.h"
#include "model/assert.h"

namespace pipecheck::bindings {

namespace ms = model::mongosync;
using properties::KnownEquivalent;
using properties::Mutant;
using properties::MutationKind;

namespace {

// The equivalent mutants, each with the reason no property can tell it from
// the built-in table. tests/mutate_test.cc pins this list and proves each
// entry: the mutant's reachable graph (every state, every step) is the
// built-in table's. Every row mutant is killed; the effect mutants that
// survive swap an effect for one that sets only what every sync taking the
// row already holds, so the step leads to the same sync: each reason below
// names the fact (a claim of the catalogue, or the row's guard) that makes it
// so.
constexpr std::string_view kIdleHoldsNoMigration =
    "a sync before /start or in IDLE holds no migration (idle_reports_only_its_state): its lag is "
    "low and its context already fresh, so lag_low and fresh change nothing";
constexpr std::string_view kCommitNeedsCanCommit =
    "the row's guard (canCommit) says the sync applies change events with lag within 30 s, so "
    "enter_cea and lag_low change nothing";
constexpr std::string_view kCommittingAppliesCaughtUp =
    "a sync in COMMITTING entered it with canCommit (change event application, lag within 30 s), "
    "and neither changes before a new migration, so enter_cea and lag_low change nothing";
constexpr std::string_view kCommitDoneCanWrite =
    "the row's guard says canWrite is true, and a sync in COMMITTING applies change events with "
    "lag within 30 s, so enter_cea, enable_writes and lag_low change nothing";
constexpr std::string_view kCommittedCanWrite =
    "a COMMITTED or REVERSING sync applies change events with lag within 30 s and canWrite true "
    "(commit_done requires it, and it stays true), so enter_cea, enable_writes and lag_low change "
    "nothing";

constexpr KnownEquivalent kKnownEquivalents[] = {
    {"mongosync", "",
     "row 0 (none)/up --connected--> IDLE/up: effect none -> lag_low",
     kIdleHoldsNoMigration},
    {"mongosync", "",
     "row 0 (none)/up --connected--> IDLE/up: effect none -> fresh",
     kIdleHoldsNoMigration},
    {"mongosync", "",
     "row 2 IDLE/up --progress--> IDLE/up: effect none -> lag_low",
     kIdleHoldsNoMigration},
    {"mongosync", "",
     "row 2 IDLE/up --progress--> IDLE/up: effect none -> fresh",
     kIdleHoldsNoMigration},
    {"mongosync", "",
     "row 3 IDLE/up --crash--> IDLE/down: effect none -> lag_low",
     kIdleHoldsNoMigration},
    {"mongosync", "",
     "row 3 IDLE/up --crash--> IDLE/down: effect none -> fresh",
     kIdleHoldsNoMigration},
    {"mongosync", "",
     "row 4 IDLE/down --restart--> IDLE/up: effect none -> lag_low",
     kIdleHoldsNoMigration},
    {"mongosync", "",
     "row 4 IDLE/down --restart--> IDLE/up: effect none -> fresh",
     kIdleHoldsNoMigration},
    {"mongosync", "",
     "row 6 RUNNING/up --commit--> COMMITTING/up: effect none -> enter_cea",
     kCommitNeedsCanCommit},
    {"mongosync", "",
     "row 6 RUNNING/up --commit--> COMMITTING/up: effect none -> lag_low",
     kCommitNeedsCanCommit},
    {"mongosync", "",
     "row 21 COMMITTING/up --progress--> COMMITTING/up: effect none -> enter_cea",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 21 COMMITTING/up --progress--> COMMITTING/up: effect none -> lag_low",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 23 COMMITTING/up --commit_done--> COMMITTED/up: effect none -> enter_cea",
     kCommitDoneCanWrite},
    {"mongosync", "",
     "row 23 COMMITTING/up --commit_done--> COMMITTED/up: effect none -> enable_writes",
     kCommitDoneCanWrite},
    {"mongosync", "",
     "row 23 COMMITTING/up --commit_done--> COMMITTED/up: effect none -> lag_low",
     kCommitDoneCanWrite},
    {"mongosync", "",
     "row 24 COMMITTING/up --crash--> COMMITTING/down: effect none -> enter_cea",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 24 COMMITTING/up --crash--> COMMITTING/down: effect none -> lag_low",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 25 COMMITTING/down --restart--> COMMITTING/up: effect none -> enter_cea",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 25 COMMITTING/down --restart--> COMMITTING/up: effect none -> lag_low",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 26 COMMITTING/down --restart--> COMMITTING/exited: effect none -> enter_cea",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 26 COMMITTING/down --restart--> COMMITTING/exited: effect none -> lag_low",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 27 COMMITTING/up --oplog_rollover--> COMMITTING/exited: effect none -> enter_cea",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 27 COMMITTING/up --oplog_rollover--> COMMITTING/exited: effect none -> lag_low",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 28 COMMITTING/up --verifier_mismatch--> COMMITTING/exited: effect none -> enter_cea",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 28 COMMITTING/up --verifier_mismatch--> COMMITTING/exited: effect none -> lag_low",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 30 COMMITTED/up --reverse--> REVERSING/up: effect none -> enter_cea",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 30 COMMITTED/up --reverse--> REVERSING/up: effect none -> enable_writes",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 30 COMMITTED/up --reverse--> REVERSING/up: effect none -> lag_low",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 31 COMMITTED/up --progress--> COMMITTED/up: effect none -> enter_cea",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 31 COMMITTED/up --progress--> COMMITTED/up: effect none -> enable_writes",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 31 COMMITTED/up --progress--> COMMITTED/up: effect none -> lag_low",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 32 COMMITTED/up --crash--> COMMITTED/down: effect none -> enter_cea",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 32 COMMITTED/up --crash--> COMMITTED/down: effect none -> enable_writes",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 32 COMMITTED/up --crash--> COMMITTED/down: effect none -> lag_low",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 33 COMMITTED/down --restart--> COMMITTED/up: effect none -> enter_cea",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 33 COMMITTED/down --restart--> COMMITTED/up: effect none -> enable_writes",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 33 COMMITTED/down --restart--> COMMITTED/up: effect none -> lag_low",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 34 REVERSING/up --progress--> REVERSING/up: effect none -> enter_cea",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 34 REVERSING/up --progress--> REVERSING/up: effect none -> enable_writes",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 34 REVERSING/up --progress--> REVERSING/up: effect none -> lag_low",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 36 REVERSING/up --crash--> REVERSING/down: effect none -> enter_cea",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 36 REVERSING/up --crash--> REVERSING/down: effect none -> enable_writes",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 36 REVERSING/up --crash--> REVERSING/down: effect none -> lag_low",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 37 REVERSING/down --restart--> REVERSING/up: effect none -> enter_cea",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 37 REVERSING/down --restart--> REVERSING/up: effect none -> enable_writes",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 37 REVERSING/down --restart--> REVERSING/up: effect none -> lag_low",
     kCommittedCanWrite},
};

constexpr std::string_view kEffectNames[] = {
    "none", "start", "enter_cea", "enable_writes", "swap_direction", "lag_high", "lag_low", "fresh",
};
static_assert(std::size(kEffectNames) == static_cast<std::size_t>(ms::Effect::kFresh) + 1);

std::string RowText(const ms::Row& row) {
  return fmt::format("{}/{} --{}--> {}/{}", ms::ToString(row.from), ms::ToString(row.process_from),
                     ms::ToString(row.trigger), ms::ToString(row.to), ms::ToString(row.process_to));
}

}  // namespace

MongosyncMutation::MongosyncMutation(properties::MongosyncBounds bounds)
    : table_(&ms::DefaultTable()), bounds_(bounds) {}

MongosyncMutation MongosyncMutation::FromFlags(const std::string& profile, int pipes) {
  ExploreFlags flags;
  flags.profile = profile;
  flags.pipes = pipes;
  Mongosync::MakeSpace(flags);  // Refuses --profile and --pipes.
  return MongosyncMutation(DefaultBounds());
}

properties::MongosyncBounds MongosyncMutation::DefaultBounds() { return {}; }

std::vector<Mutant> MongosyncMutation::Mutants() const {
  std::vector<Mutant> mutants;
  const auto rows = table_->rows();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const ms::Row& row = rows[r];
    const std::string text = fmt::format("row {} {}", r, RowText(row));
    mutants.push_back(properties::DropMutant(r, text));
    for (const ms::State state : ms::States()) {
      if (state == row.to) continue;
      mutants.push_back(properties::RetargetMutant(
          r, text, MutationKind::kRetarget, static_cast<std::size_t>(state),
          fmt::format("{}/{}", ms::ToString(state), ms::ToString(row.process_to))));
    }
    for (std::size_t p = 0; p < ms::kProcessNames.size(); ++p) {
      const auto process = static_cast<ms::Process>(p);
      if (process == row.process_to) continue;
      mutants.push_back(properties::RetargetMutant(
          r, text, MutationKind::kRetargetProcess, p,
          fmt::format("{}/{}", ms::ToString(row.to), ms::ToString(process))));
    }
    if (row.guard != ms::Guard::kNone) {
      mutants.push_back(properties::DropGuardMutant(r, text, ms::Describe(row.guard)));
    }
    properties::AddEffectMutants(r, text, static_cast<std::size_t>(row.effect), kEffectNames,
                                 mutants);
  }
  return mutants;
}

ms::Table MongosyncMutation::Apply(const Mutant& mutant) const {
  return ms::Table(properties::MutatedRows(table_->rows(), mutant, [&](ms::Row& row) {
    switch (mutant.kind) {
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
      case MutationKind::kDropEffect:
        row.effect = ms::Effect::kNone;
        break;
      case MutationKind::kSwapEffect:
        PIPECHECK_ASSERT(mutant.target < std::size(kEffectNames));
        row.effect = static_cast<ms::Effect>(mutant.target);
        break;
      case MutationKind::kDrop:
      case MutationKind::kWidenModes:
        PIPECHECK_ASSERT(false);
    }
  }));
}

properties::CheckReport MongosyncMutation::Check(const Mutant* mutant) const {
  return properties::CheckMutant<properties::MongosyncSpace>(
      *table_, bounds_, mutant, [this](const Mutant& applied) { return Apply(applied); });
}

std::span<const std::string_view> MongosyncMutation::DocumentedCopyComparisons() {
  return properties::MongosyncSpace::DocumentedCopyComparisons();
}

std::span<const KnownEquivalent> MongosyncMutation::KnownEquivalents() { return kKnownEquivalents; }

std::span<const std::string_view> MongosyncMutation::EffectNames() { return kEffectNames; }

}  // namespace pipecheck::bindings
