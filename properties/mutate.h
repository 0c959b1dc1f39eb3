// properties/mutate.h: the mutation check of the property catalogue.
//
// Would the properties notice if the model were wrong? Every single-row
// mutant of a lifecycle table is explored with the whole catalogue of the
// explorer, and the mutant is killed when the explorer's verdict on it fails
// where the built-in table passes:
//  - an always, transition or eventually property is violated, or
//  - a sometimes property (a witness) that the built-in table satisfies is
//    unwitnessed, or
//  - a deadlock appears (a reachable state where no operation, event or
//    fault is enabled; `check` fails on it, and the built-in tables have
//    none).
//
// Mutants of a row: drop it; send it to each other declared state (and, in a
// lifecycle whose rows also move a second component such as a process
// status, to each other value of it); drop its guard; widen its modes to
// every mode (a table whose rows are restricted to modes); drop its effect
// (effect none) and swap it for each other effect of the model.
//
// Two kill rates. Some properties of a catalogue compare the table with the
// second transcription of the documents kept in the product (the Space's
// DocumentedCopyComparisons()). A mutant they kill shows that the table and
// that copy disagree, not that a behaviour the documents promise is broken; a
// misreading shared by both cannot be seen. So each verdict also says whether
// a behavioural reason kills the mutant: any other property violated or
// witness lost, or a deadlock. (The witnesses paired with the copy
// comparisons judge reached states only, so they count as behavioural; so does
// one_row_decides_each_step, a claim on the table's shape that compares with
// no copy.) The report gives the behavioural kill rate beside the overall
// one, and lists the mutants killed only by the documented copy.
//
// A mutant that survives is either equivalent (no behaviour the catalogue can
// judge differs: each lifecycle's mutation lists the known ones with the
// reason, and tests/mutate_test.cc proves each leaves the reachable graph
// unchanged) or a sign of a missing property. An effect mutant killed only by
// the documented copy is a missing behavioural property too: every effect
// mutant is killed by a behavioural reason or listed equivalent. Row mutants
// killed only by the copy are listed, not failed: most are a fault, a read or
// an operation that no longer happens, or happens as a no-op, which a
// property of the explored states cannot see.
//
// The check is written once, over a Mutation type (one per lifecycle, in
// bindings/) that knows its table:
//
//   struct SomeMutation {
//     // Every single-row mutant of the table, in row order; names unique.
//     std::vector<Mutant> Mutants() const;
//     // The explorer's report on the table with `mutant` applied, or on the
//     // built-in table for nullptr, with the bounds the mutation was built
//     // with and no limits (the exploration must complete).
//     CheckReport Check(const Mutant* mutant) const;
//     // The properties that compare the table with the documented copy.
//     std::span<const std::string_view> DocumentedCopyComparisons() const;
//     // The lifecycle's known equivalent mutants; those whose model and
//     // profile are the explored table's apply.
//     std::span<const KnownEquivalent> KnownEquivalents() const;
//   };
//
// Contract: deterministic (same table, same report, same order); no clock,
// no I/O. Mutants are explored with the mutation's bounds, each with the
// original table's verdicts as the reference.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/assert.h"
#include "properties/check.h"

namespace pipecheck::properties {

enum class MutationKind : std::uint8_t {
  kDrop,             // The row is removed.
  kRetarget,         // The row leads to another lifecycle state.
  kRetargetProcess,  // The row leaves its second component (a process) in another value.
  kDropGuard,        // The row's guard is removed (it applies in every context).
  kWidenModes,       // The row applies in every mode.
  kDropEffect,       // The row's effect becomes none (rows whose effect is not none).
  kSwapEffect,       // The row's effect becomes another one, not none.
};
std::string_view ToString(MutationKind kind);

struct Mutant {
  std::size_t row = 0;  // Index of the mutated row in the built-in table.
  MutationKind kind = MutationKind::kDrop;
  // kRetarget: the new state; kRetargetProcess: the new process; kSwapEffect:
  // the new effect.
  std::size_t target = 0;
  // "row 14 Paused --resume--> Running: to Setup",
  // "row 36 Paused --add_tables--> Setup: effect begin_add_tables -> none"; unique.
  std::string name;
  bool effect() const {
    return kind == MutationKind::kDropEffect || kind == MutationKind::kSwapEffect;
  }
};

struct MutantVerdict {
  Mutant mutant;
  bool killed = false;
  // Why it was killed, first reason first: "violated: NAME", "unwitnessed:
  // NAME", "deadlock: STATE". Empty when it survived.
  std::vector<std::string> killed_by;
  // The behavioural reasons of `killed_by`, in the same order: all but the
  // violations of a documented-copy comparison.
  std::vector<std::string> killed_by_behaviour;
  std::string equivalent;  // A survivor listed as equivalent: why.
  bool killed_behaviourally() const { return !killed_by_behaviour.empty(); }
  // Killed, but only by the documented-copy comparisons.
  bool documented_copy_only() const { return killed && killed_by_behaviour.empty(); }
};

struct MutationReport {
  std::string model;
  std::string profile;                  // Empty for a model without profiles.
  std::string bounds;                   // "pipes=1 crash=1 ...", as explored.
  // The properties that compare the table with the documented copy.
  std::vector<std::string> documented_copy_comparisons;
  std::vector<MutantVerdict> verdicts;  // In mutant order: row by row.
  // Known equivalent mutants that were killed (the list is stale).
  std::vector<std::string> stale_equivalents;

  std::size_t mutants() const { return verdicts.size(); }
  std::size_t killed() const;                // By any reason.
  std::size_t killed_behaviourally() const;  // By a behavioural reason.
  std::size_t documented_copy_only() const;  // killed() - killed_behaviourally().
  std::size_t equivalent() const;  // Survivors explained as equivalent.
  std::size_t survivors() const;   // Survivors with no explanation.
  // Effect mutants killed only by the documented copy: each is a missing
  // behavioural property.
  std::size_t effect_mutants_killed_only_by_the_copy() const;
  // Every survivor is a listed equivalent, every listed one survives, and
  // every effect mutant is killed behaviourally or equivalent: exit 0.
  bool passes() const {
    return survivors() == 0 && stale_equivalents.empty() &&
           effect_mutants_killed_only_by_the_copy() == 0;
  }
};

// A mutant known to be equivalent: it changes nothing the catalogue can
// judge. `profile` is empty for a model without profiles.
struct KnownEquivalent {
  std::string_view model;
  std::string_view profile;
  std::string_view mutant;
  std::string_view why;
};

struct MutateOptions {
  // Properties not judged, by name ("deadlock" for deadlocks): a test
  // weakens the catalogue with this to show that the check notices.
  std::vector<std::string> ignore;
  // Called after each mutant with (done, total).
  std::function<void(std::size_t, std::size_t)> progress;
};

// The requirements of Mutate on a lifecycle's mutation (see above).
template <class M>
concept Mutation = requires(const M& mutation, const Mutant* mutant) {
  { mutation.Mutants() } -> std::same_as<std::vector<Mutant>>;
  { mutation.Check(mutant) } -> std::same_as<CheckReport>;
  {
    mutation.DocumentedCopyComparisons()
  } -> std::convertible_to<std::span<const std::string_view>>;
  { mutation.KnownEquivalents() } -> std::convertible_to<std::span<const KnownEquivalent>>;
};

// Why a mutant's exploration is killed, judged against the built-in table's:
// each property violated (that held there), each witness lost, and a new
// deadlock. Empty reasons: it survived. `behavioural`: the reasons that are
// not a documented-copy comparison (`copy`). Properties named in `ignore`
// are not judged.
struct Judgement {
  std::vector<std::string> reasons;
  std::vector<std::string> behavioural;
};
Judgement Judge(const CheckReport& original, const CheckReport& mutant,
                std::span<const std::string_view> copy, const std::vector<std::string>& ignore);

// The report before any mutant: model, profile and bounds of the original
// exploration, and the documented-copy comparisons.
MutationReport StartReport(const CheckReport& original, std::span<const std::string_view> copy);

// Judges one mutant's exploration (Judge) and appends its verdict to
// `report`; a known equivalent of the report's model and profile that
// survives is explained by its reason, and one that was killed is recorded as
// stale.
void AddVerdict(const CheckReport& original, const CheckReport& explored, const Mutant& mutant,
                std::span<const std::string_view> copy, std::span<const KnownEquivalent> known,
                const MutateOptions& options, MutationReport& report);

// Explores every mutant of the mutation's table and sorts out the verdicts.
template <Mutation M>
MutationReport Mutate(const M& mutation, const MutateOptions& options) {
  const CheckReport original = mutation.Check(nullptr);
  PIPECHECK_ASSERT(original.complete);
  const std::span<const std::string_view> copy = mutation.DocumentedCopyComparisons();
  MutationReport report = StartReport(original, copy);
  const std::vector<Mutant> mutants = mutation.Mutants();
  for (std::size_t i = 0; i < mutants.size(); ++i) {
    const CheckReport explored = mutation.Check(&mutants[i]);
    PIPECHECK_ASSERT(explored.complete);
    AddVerdict(original, explored, mutants[i], copy, mutation.KnownEquivalents(), options, report);
    if (options.progress) options.progress(i + 1, mutants.size());
  }
  return report;
}

// A Mutation's Check for a lifecycle whose Space explores (table, bounds):
// the built-in `table` for nullptr, else the table `apply(*mutant)` builds,
// explored with no limits.
template <class Space, class Table, class Bounds, class Apply>
CheckReport CheckMutant(const Table& table, const Bounds& bounds, const Mutant* mutant, Apply&& apply) {
  if (mutant == nullptr) return Check(Space(table, bounds), ExploreLimits{});
  const Table mutated = std::forward<Apply>(apply)(*mutant);
  return Check(Space(mutated, bounds), ExploreLimits{});
}

// Helpers for a lifecycle's mutant generation and Apply.

Mutant MakeMutant(std::size_t row, MutationKind kind, std::size_t target, std::string name);

// "TEXT: dropped".
Mutant DropMutant(std::size_t row, std::string_view text);
// "TEXT: to TARGET" (kind kRetarget or kRetargetProcess).
Mutant RetargetMutant(std::size_t row, std::string_view text, MutationKind kind,
                      std::size_t target, std::string_view target_name);
// "TEXT: guard dropped (GUARD)".
Mutant DropGuardMutant(std::size_t row, std::string_view text, std::string_view guard);

// The effect mutants of a row whose effect is `effects[effect]` (effect 0 is
// none): effect none, then every other effect in declaration order, named
// "TEXT: effect FROM -> TO".
void AddEffectMutants(std::size_t row, std::string_view text, std::size_t effect,
                      std::span<const std::string_view> effects, std::vector<Mutant>& mutants);

// A mutant's rows: `base` without the mutant's row (kDrop), or with `change`
// applied to it (every other kind).
template <class Row, class Change>
std::vector<Row> MutatedRows(std::span<const Row> base, const Mutant& mutant, Change&& change) {
  PIPECHECK_ASSERT(mutant.row < base.size());
  std::vector<Row> rows(base.begin(), base.end());
  if (mutant.kind == MutationKind::kDrop) {
    rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(mutant.row));
  } else {
    std::forward<Change>(change)(rows[mutant.row]);
  }
  return rows;
}

}  // namespace pipecheck::properties
