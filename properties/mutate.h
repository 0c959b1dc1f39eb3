// properties/mutate.h: the mutation check of the property catalogue.
//
// Would the properties notice if the model were wrong? Every single-row
// mutant of a lifecycle table is explored with the whole catalogue of the
// explorer (properties/clickpipe_space.h, properties/mongosync_space.h), and
// the mutant is killed when the explorer's verdict on it fails where the
// built-in table passes:
//  - an always, transition or eventually property is violated, or
//  - a sometimes property (a witness) that the built-in table satisfies is
//    unwitnessed, or
//  - a deadlock appears (a reachable state where no operation, event or
//    fault is enabled; `check` fails on it, and the built-in tables have
//    none).
//
// Mutants of a row: drop it; send it to each other declared state (and for
// mongosync to each other process status); drop its guard; widen its modes to
// every mode (ClickPipe profile `current`, which has modes); drop its effect
// (effect none) and swap it for each other effect of the model.
//
// Two kill rates. Three properties of each catalogue compare the table with
// the second transcription of the documents kept in the product (the
// Documented* answers of clickpipe_space.cc and mongosync_space.cc, listed by
// ClickPipeSpace/MongosyncSpace::DocumentedCopyComparisons()). A mutant they
// kill shows that the table and that copy disagree, not that a behaviour the
// documents promise is broken; a misreading shared by both cannot be seen.
// So each verdict also says whether a behavioural reason kills the mutant:
// any other property violated or witness lost, or a deadlock. (The witnesses
// paired with the copy comparisons judge reached states only, so they count
// as behavioural; so does one_row_decides_each_step, a claim on the table's
// shape that compares with no copy.) The report gives the behavioural kill
// rate beside the overall one, and lists the mutants killed only by the
// documented copy.
//
// A mutant that survives is either equivalent (no behaviour the catalogue can
// judge differs: the known ones are listed here with the reason, and
// tests/mutate_test.cc proves each leaves the reachable graph unchanged) or
// a sign of a missing property. An effect mutant killed only by the
// documented copy is a missing behavioural property too: every effect mutant
// is killed by a behavioural reason or listed equivalent. Row mutants killed
// only by the copy are listed, not failed: most are a fault, a read or an
// operation that no longer happens, or happens as a no-op, which a property
// of the explored states cannot see.
//
// Contract: deterministic (same table, same report, same order); no clock,
// no I/O. Mutants are explored with the bounds given, each with the original
// table's verdicts as the reference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/clickpipe.h"
#include "model/mongosync.h"
#include "properties/clickpipe_space.h"
#include "properties/mongosync_space.h"

namespace pipecheck::properties {

enum class MutationKind : std::uint8_t {
  kDrop,             // The row is removed.
  kRetarget,         // The row leads to another lifecycle state.
  kRetargetProcess,  // mongosync: the row leaves the process in another status.
  kDropGuard,        // The row's guard is removed (it applies in every context).
  kWidenModes,       // ClickPipe: the row applies in every mode.
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
  std::string profile;                  // Empty for mongosync.
  std::string bounds;                   // "pipes=1 crash=1 ...", as explored.
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
// judge. `profile` is empty for mongosync.
struct KnownEquivalent {
  std::string_view model;
  std::string_view profile;
  std::string_view mutant;
  std::string_view why;
};
std::span<const KnownEquivalent> KnownEquivalents();

struct MutateOptions {
  ClickPipeBounds clickpipe;  // The explorer's bounds for each ClickPipe mutant.
  MongosyncBounds mongosync;
  // Properties not judged, by name ("deadlock" for deadlocks): a test
  // weakens the catalogue with this to show that the check notices.
  std::vector<std::string> ignore;
  // Called after each mutant with (done, total).
  std::function<void(std::size_t, std::size_t)> progress;
};

// The default bounds: one pipe (a mutant of one row changes what one pipe
// does; a second pipe multiplies the states without killing more), every
// fault budget 1.
MutateOptions DefaultMutateOptions();

// The names of the effects, as mutant names spell them ("begin_add_tables").
std::string_view ToString(model::clickpipe::Effect effect);
std::string_view ToString(model::mongosync::Effect effect);

// Every single-row mutant of a table, in row order.
std::vector<Mutant> ClickPipeMutants(const model::clickpipe::Table& table);
std::vector<Mutant> MongosyncMutants(const model::mongosync::Table& table);
// The mutant's rows. REQUIRES: `mutant` came from the *Mutants() of `table`.
std::vector<model::clickpipe::Row> Apply(const model::clickpipe::Table& table,
                                         const Mutant& mutant);
std::vector<model::mongosync::Row> Apply(const model::mongosync::Table& table,
                                         const Mutant& mutant);

MutationReport MutateClickPipe(model::clickpipe::Profile profile, const MutateOptions& options);
MutationReport MutateMongosync(const MutateOptions& options);

}  // namespace pipecheck::properties
