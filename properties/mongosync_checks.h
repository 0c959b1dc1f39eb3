// properties/mongosync_checks.h: the mongosync property catalogue.
//
// Eight always-properties, each paired with the sometimes-property that
// witnesses its premise (so none passes vacuously), judged from outside the
// world: from its trace and its read-only data views, never from its private
// bookkeeping. The catalogue, in Results() order:
//
//  1. committed_means_destination_caught_up / reaches_committed (G11, MS-COM)
//  2. can_write_never_before_committing / can_write_becomes_true (G10, MS-CUT)
//  3. commit_only_when_can_commit / commit_accepted (G9, MS-PT21)
//  4. nothing_applied_after_committed / source_written_after_commit (G13)
//  5. committed_left_only_by_reverse / reverse_happens (MS-TR)
//  6. rollover_never_applies_past_a_gap / oplog_rollover_occurs (MS-OPL)
//  7. every_step_is_a_table_row / a_fault_step_is_taken (the world's table)
//  8. converges_when_quiet / quiet_and_caught_up (lifecycles.md section 3)
//
// Cost: AfterEvent() is O(1) amortized (it reads the trace events added since
// the last call); O(documents) only when a commit is accepted (a snapshot of
// the source), when the sync enters COMMITTED, at the first moment of each
// quiet period, and in AtEnd().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "properties/checks.h"
#include "sim/mongosync_world.h"

namespace pipecheck::properties {

class MongosyncChecks final : public Checks {
 public:
  // REQUIRES: `world` outlives the checks.
  explicit MongosyncChecks(const sim::MongosyncWorld& world);

  void AfterEvent() override;
  void AtEnd() override;
  std::vector<PropertyResult> Results() const override;

 private:
  // One always-property and the sometimes-property witnessing its premise.
  struct Pair {
    PropertyResult always;
    PropertyResult sometimes;
    bool violated() const { return always.verdict == Verdict::kViolated; }
    bool witnessed() const { return sometimes.verdict == Verdict::kWitnessed; }
  };
  enum Index : std::size_t {
    kCommittedCaughtUp,
    kCanWrite,
    kCommitWhenCanCommit,
    kNothingAfterCommitted,
    kCommittedLeftByReverse,
    kRollover,
    kTableRow,
    kConverges,
    kPairCount,
  };

  void Violate(Index index, std::string message);
  void Witness(Index index, std::string message);
  void ReadTrace();
  void JudgeStep(const sim::TraceEvent& event);
  void OnCommitAccepted(const sim::TraceEvent& event);
  void OnCommitted();
  bool Quiet() const;
  void CheckConverged(const char* when);

  const sim::MongosyncWorld& world_;
  std::vector<Pair> pairs_;
  std::size_t trace_read_ = 0;

  // The lifecycle as the trace alone tells it.
  model::mongosync::State traced_state_ = model::mongosync::State::kNone;
  model::mongosync::Process traced_process_ = model::mongosync::Process::kUp;

  // The world as seen after the previous event.
  model::mongosync::State previous_state_ = model::mongosync::State::kNone;
  std::int64_t previous_applied_ = 0;
  std::int64_t previous_writes_ = 0;
  std::int64_t previous_applied_ts_ = 0;
  bool previous_quiet_ = false;

  // The source as of the commit timestamp: copied when /commit is accepted,
  // which is the moment the commit timestamp is taken.
  std::vector<sim::Collection> commit_snapshot_;
  bool has_commit_snapshot_ = false;
  int commit_source_ = 0;
};

// REQUIRES: `world` was made by sim::MakeMongosyncWorld.
std::unique_ptr<Checks> MakeMongosyncChecks(const sim::Scenario& scenario, const sim::World& world);

}  // namespace pipecheck::properties
