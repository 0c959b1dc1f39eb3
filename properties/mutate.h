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
// every mode (ClickPipe profile `current`, which has modes).
//
// A mutant that survives is either equivalent (no behaviour the catalogue can
// judge differs: the known ones are listed here with the reason, and pinned
// by tests/mutate_test.cc) or a sign of a missing property.
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
};
std::string_view ToString(MutationKind kind);

struct Mutant {
  std::size_t row = 0;  // Index of the mutated row in the built-in table.
  MutationKind kind = MutationKind::kDrop;
  std::size_t target = 0;  // kRetarget: the new state; kRetargetProcess: the new process.
  std::string name;        // "row 14 Paused --resume--> Running: to Setup"; unique.
};

struct MutantVerdict {
  Mutant mutant;
  bool killed = false;
  // Why it was killed, first reason first: "violated: NAME", "unwitnessed:
  // NAME", "deadlock: STATE". Empty when it survived.
  std::vector<std::string> killed_by;
  std::string equivalent;  // A survivor listed as equivalent: why.
};

struct MutationReport {
  std::string model;
  std::string profile;                  // Empty for mongosync.
  std::string bounds;                   // "pipes=1 crash=1 ...", as explored.
  std::vector<MutantVerdict> verdicts;  // In mutant order: row by row.
  // Known equivalent mutants that were killed (the list is stale).
  std::vector<std::string> stale_equivalents;

  std::size_t mutants() const { return verdicts.size(); }
  std::size_t killed() const;
  std::size_t equivalent() const;  // Survivors explained as equivalent.
  std::size_t survivors() const;   // Survivors with no explanation.
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
