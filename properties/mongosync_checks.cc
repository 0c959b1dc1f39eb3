// properties/mongosync_checks.cc: the mongosync monitors (see the header).
#include "properties/mongosync_checks.h"

#include <utility>

#include <fmt/format.h>

#include "model/assert.h"

namespace pipecheck::properties {
namespace {

namespace ms = model::mongosync;

constexpr sim::Millis kLagLimit = 30 * sim::kSecond;  // MS-PT21.

PropertyResult Always(std::string name, std::string source) {
  PropertyResult result;
  result.name = std::move(name);
  result.expectation = Expectation::kAlways;
  result.verdict = Verdict::kHolds;
  result.source = std::move(source);
  return result;
}

PropertyResult Sometimes(std::string name, const PropertyResult& premise_of) {
  PropertyResult result;
  result.name = std::move(name);
  result.expectation = Expectation::kSometimes;
  result.verdict = Verdict::kUnwitnessed;
  result.source = premise_of.source;
  result.premise_of = premise_of.name;
  return result;
}

bool IsStep(const sim::TraceEvent& event) { return event.accepted && event.row >= 0; }

}  // namespace

MongosyncChecks::MongosyncChecks(const sim::MongosyncWorld& world) : world_(world) {
  auto add = [this](std::string always, std::string source, std::string sometimes) {
    Pair pair;
    pair.always = Always(std::move(always), std::move(source));
    pair.sometimes = Sometimes(std::move(sometimes), pair.always);
    pairs_.push_back(std::move(pair));
  };
  add("committed_means_destination_caught_up", "G11, MS-COM, MS-AB", "reaches_committed");
  add("can_write_never_before_committing", "G10, MS-CUT, MS-WB", "can_write_becomes_true");
  add("commit_only_when_can_commit", "G9, MS-COM, MS-PT21", "commit_accepted");
  add("nothing_applied_after_committed", "G13, MS-BEH, MS-LIM", "source_written_after_commit");
  add("committed_left_only_by_reverse", "MS-TR, MS-REV", "reverse_happens");
  add("rollover_never_applies_past_a_gap", "MS-OPL", "oplog_rollover_occurs");
  add("every_step_is_a_table_row", "lifecycles.md 2.2", "a_fault_step_is_taken");
  add("converges_when_quiet", "lifecycles.md 3, G8", "quiet_and_caught_up");
  PIPECHECK_ASSERT(pairs_.size() == kPairCount);
  previous_state_ = world_.sync().state;
  previous_applied_ = world_.entries_applied();
  previous_writes_ = world_.source_writes();
  previous_applied_ts_ = world_.applied_ts();
}

void MongosyncChecks::Violate(Index index, std::string message) {
  PropertyResult& result = pairs_[index].always;
  if (result.verdict == Verdict::kViolated) return;  // The first violation is the one reported.
  result.verdict = Verdict::kViolated;
  result.at = world_.now();
  result.message = std::move(message);
}

void MongosyncChecks::Witness(Index index, std::string message) {
  PropertyResult& result = pairs_[index].sometimes;
  if (result.verdict == Verdict::kWitnessed) return;
  result.verdict = Verdict::kWitnessed;
  result.at = world_.now();
  result.message = std::move(message);
}

void MongosyncChecks::AfterEvent() {
  ReadTrace();
  const ms::Sync& sync = world_.sync();
  const sim::SourceCluster& source = world_.cluster(world_.source_index());

  // 7, paired with the world: the trace's account of the lifecycle is the
  // world's.
  if (!pairs_[kTableRow].violated() &&
      (traced_state_ != sync.state || traced_process_ != sync.process)) {
    Violate(kTableRow, fmt::format("the trace leads to {} (process {}) but the world reports {} "
                                   "(process {})",
                                   ms::ToString(traced_state_), ms::ToString(traced_process_),
                                   ms::ToString(sync.state), ms::ToString(sync.process)));
  }

  // 2. canWrite is set in COMMITTING and kept until reverse_done resets it.
  if (sync.can_write) {
    if (sync.state != ms::State::kCommitting && sync.state != ms::State::kCommitted &&
        sync.state != ms::State::kReversing && !pairs_[kCanWrite].violated()) {
      Violate(kCanWrite, fmt::format("canWrite is true in {}", ms::ToString(sync.state)));
    }
    if (!pairs_[kCanWrite].witnessed()) {
      Witness(kCanWrite, fmt::format("canWrite true in {}", ms::ToString(sync.state)));
    }
  }

  // 4. Nothing reaches the destination while COMMITTED.
  const std::int64_t applied = world_.entries_applied();
  const std::int64_t writes = world_.source_writes();
  if (previous_state_ == ms::State::kCommitted) {
    if (applied != previous_applied_ && !pairs_[kNothingAfterCommitted].violated()) {
      Violate(kNothingAfterCommitted,
              fmt::format("{} source changes applied to the destination while COMMITTED",
                          applied - previous_applied_));
    }
    if (writes != previous_writes_ && sync.state == ms::State::kCommitted &&
        !pairs_[kNothingAfterCommitted].witnessed()) {
      Witness(kNothingAfterCommitted, "the source was written while COMMITTED");
    }
  }

  // 6. An apply in this event started from a point the oplog still held
  //    (the world trims before it applies within an event), and a lost point
  //    ends the process in the event that lost it.
  if (applied != previous_applied_ && previous_applied_ts_ < source.first_kept_ts() &&
      !pairs_[kRollover].violated()) {
    Violate(kRollover, fmt::format("{} entries applied from ts {}, but the source oplog keeps "
                                   "only ts {} on",
                                   applied - previous_applied_, previous_applied_ts_,
                                   source.first_kept_ts()));
  }
  if ((sync.state == ms::State::kRunning || sync.state == ms::State::kPaused) &&
      sync.process == ms::Process::kUp && world_.ApplyPointLost() &&
      !pairs_[kRollover].violated()) {
    Violate(kRollover, fmt::format("the applied point ts {} is no longer in the source oplog "
                                   "(oldest kept ts {}) and the process is still up in {}",
                                   world_.applied_ts(), source.first_kept_ts(),
                                   ms::ToString(sync.state)));
  }

  // 8. The first moment of each quiet period.
  const bool quiet = Quiet();
  if (quiet && !previous_quiet_) CheckConverged("once quiet and caught up");

  previous_state_ = sync.state;
  previous_applied_ = applied;
  previous_writes_ = writes;
  previous_applied_ts_ = world_.applied_ts();
  previous_quiet_ = quiet;
}

void MongosyncChecks::AtEnd() {
  AfterEvent();
  if (Quiet()) CheckConverged("at the end of the run");
}

std::vector<PropertyResult> MongosyncChecks::Results() const {
  std::vector<PropertyResult> results;
  results.reserve(2 * pairs_.size());
  for (const Pair& pair : pairs_) {
    results.push_back(pair.always);
    results.push_back(pair.sometimes);
  }
  return results;
}

void MongosyncChecks::ReadTrace() {
  const auto& events = world_.trace().events();
  for (; trace_read_ < events.size(); ++trace_read_) {
    const sim::TraceEvent& event = events[trace_read_];
    if (event.kind == sim::TraceKind::kData) continue;
    JudgeStep(event);
  }
}

// Judges one lifecycle trace event against the table, from the trace alone,
// then the properties that hang on single steps (1, 3, 5, 6).
void MongosyncChecks::JudgeStep(const sim::TraceEvent& event) {
  const std::string_view traced = ms::ToString(traced_state_);
  if (IsStep(event)) {
    const auto rows = world_.table().rows();
    const auto index = static_cast<std::size_t>(event.row);
    if (index >= rows.size()) {
      Violate(kTableRow, fmt::format("{} at {} names row {}, and the table has {} rows",
                                     event.what, sim::FormatDuration(event.t_ms), event.row,
                                     rows.size()));
      return;
    }
    const ms::Row& row = rows[index];
    const bool matches = ms::ToString(row.trigger) == event.what &&
                         ms::ToString(row.from) == event.from && ms::ToString(row.to) == event.to &&
                         sim::TraceKindOf(ms::KindOf(row.trigger)) == event.kind;
    if (!matches) {
      Violate(kTableRow, fmt::format("{} {} -> {} at {} is not row {} ({} {} -> {})", event.what,
                                     event.from, event.to, sim::FormatDuration(event.t_ms),
                                     event.row, ms::ToString(row.trigger), ms::ToString(row.from),
                                     ms::ToString(row.to)));
    } else if (row.from != traced_state_ || row.process_from != traced_process_) {
      Violate(kTableRow, fmt::format("{} at {} leaves {} (process {}), but the previous step "
                                     "ended in {} (process {})",
                                     event.what, sim::FormatDuration(event.t_ms), event.from,
                                     ms::ToString(row.process_from), traced,
                                     ms::ToString(traced_process_)));
    }
    traced_state_ = row.to;
    traced_process_ = row.process_to;
    if (event.kind == sim::TraceKind::kFault) {
      Witness(kTableRow, fmt::format("{} (row {}) in {}", event.what, event.row, event.from));
    }
  } else if (event.from != traced || event.to != traced) {
    // A refusal or an injected disturbance changes no state.
    Violate(kTableRow, fmt::format("{} at {} ({}) moves {} -> {} without a table row",
                                   event.what, sim::FormatDuration(event.t_ms),
                                   event.accepted ? "accepted" : "refused", event.from, event.to));
  }
  if (!IsStep(event)) return;

  if (event.from == ms::ToString(ms::State::kCommitted) && event.to != event.from) {
    if (event.what != ms::ToString(ms::Trigger::kReverse)) {
      Violate(kCommittedLeftByReverse,
              fmt::format("{} leaves COMMITTED for {}", event.what, event.to));
    }
  }
  if (event.what == ms::ToString(ms::Trigger::kReverse)) {
    Witness(kCommittedLeftByReverse, "POST /reverse accepted");
  }
  if (event.what == ms::ToString(ms::Trigger::kOplogRollover)) {
    Witness(kRollover, fmt::format("oplog_rollover in {}", event.from));
  }
  if (event.what == ms::ToString(ms::Trigger::kCommit)) OnCommitAccepted(event);
  if (event.what == ms::ToString(ms::Trigger::kWipeDestinationAndRestart)) {
    has_commit_snapshot_ = false;
    commit_snapshot_.clear();
  }
  if (event.to == ms::ToString(ms::State::kCommitted) && event.from != event.to) OnCommitted();
}

// 3, and the snapshot that 1 compares with. The runner calls AfterEvent()
// right after the /commit step, so the world's data is as at /commit.
void MongosyncChecks::OnCommitAccepted(const sim::TraceEvent& event) {
  const ms::Sync& sync = world_.sync();
  const auto lag = world_.LagMillis();
  if (event.from != ms::ToString(ms::State::kRunning)) {
    Violate(kCommitWhenCanCommit, fmt::format("/commit accepted in {}", event.from));
  } else if (sync.phase != ms::Phase::kChangeEventApplication) {
    Violate(kCommitWhenCanCommit,
            fmt::format("/commit accepted in phase {}", ms::ToString(sync.phase)));
  } else if (!lag) {
    Violate(kCommitWhenCanCommit, "/commit accepted with the applied point lost");
  } else if (*lag > kLagLimit) {
    Violate(kCommitWhenCanCommit,
            fmt::format("/commit accepted with lag {} (canCommit allows 30s)",
                        sim::FormatDuration(*lag)));
  }
  Witness(kCommitWhenCanCommit,
          fmt::format("/commit accepted with lag {}", lag ? sim::FormatDuration(*lag) : "?"));
  commit_source_ = world_.source_index();
  commit_snapshot_ = world_.cluster(commit_source_).collections();
  has_commit_snapshot_ = true;
}

// 1: on entering COMMITTED, the destination is the source as of the commit
// timestamp, collection by collection.
void MongosyncChecks::OnCommitted() {
  Witness(kCommittedCaughtUp, "the sync entered COMMITTED");
  if (!has_commit_snapshot_) {
    Violate(kCommittedCaughtUp, "COMMITTED without an accepted /commit since the last wipe");
    return;
  }
  const sim::SourceCluster& destination = world_.cluster(1 - commit_source_);
  PIPECHECK_ASSERT(destination.collections().size() == commit_snapshot_.size());
  for (std::size_t c = 0; c < commit_snapshot_.size(); ++c) {
    const auto diff =
        sim::Collection::Diff(destination.collections()[c], commit_snapshot_[c],
                              "the destination", "the source at the commit timestamp");
    if (diff) {
      Violate(kCommittedCaughtUp,
              fmt::format("at COMMITTED, collection {} (cluster{} -> cluster{}): {}", c,
                          commit_source_, 1 - commit_source_, *diff));
      return;
    }
  }
}

// Writes have stopped, the sync is applying change events with the process up
// and the destination reachable, and nothing is left to apply. An injected
// verifier_mismatch is excluded: that divergence is the fault's, not the sync's.
bool MongosyncChecks::Quiet() const {
  const ms::Sync& sync = world_.sync();
  return world_.writes_stopped() && sync.state == ms::State::kRunning &&
         sync.phase == ms::Phase::kChangeEventApplication && sync.process == ms::Process::kUp &&
         world_.destination_available() && !world_.destination_corrupted() &&
         world_.applied_ts() == world_.cluster(world_.source_index()).next_ts();
}

void MongosyncChecks::CheckConverged(const char* when) {
  Witness(kConverges, fmt::format("writes stopped and the sync caught up, cluster{} -> cluster{}",
                                  world_.source_index(), world_.destination_index()));
  if (pairs_[kConverges].violated()) return;
  std::string why;
  if (!world_.DataConverged(&why)) {
    Violate(kConverges, fmt::format("{}, the destination differs: {}", when, why));
  }
}

std::unique_ptr<Checks> MakeMongosyncChecks(const sim::Scenario& scenario,
                                            const sim::World& world) {
  PIPECHECK_ASSERT(scenario.model == sim::ModelKind::kMongosync);
  const auto* mongosync = dynamic_cast<const sim::MongosyncWorld*>(&world);
  PIPECHECK_ASSERT(mongosync != nullptr);
  return std::make_unique<MongosyncChecks>(*mongosync);
}

}  // namespace pipecheck::properties
