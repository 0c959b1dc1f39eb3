// properties/mongosync_monitors.cc: the mongosync monitors (see the header).
#include "properties/mongosync_monitors.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "model/assert.h"
#include "model/mongosync.h"
#include "sim/mongosync_world.h"

namespace pipecheck::properties {
namespace {

namespace ms = model::mongosync;

constexpr sim::Millis kLagLimit = 30 * sim::kSecond;  // MS-PT21.

// The catalogue index of a property, checked at compile time.
consteval std::size_t P(std::string_view name) { return IndexOf(kMongosyncMonitors, name); }

bool IsStep(const sim::TraceEvent& event) { return event.accepted && event.row >= 0; }

class MongosyncMonitor final : public Monitor {
 public:
  // REQUIRES: `world` outlives the monitor.
  explicit MongosyncMonitor(const sim::MongosyncWorld& world);

  void AfterEvent() override;
  void AtEnd() override;
  std::vector<PropertyResult> Results() const override;

 private:
  // Records the first violation or witness of a property.
  void Hit(std::size_t index, std::string message) {
    hits_.Record(index, world_.now(), std::move(message));
  }
  void ReadTrace();
  void JudgeStep(const sim::TraceEvent& event);
  void OnCommitAccepted(const sim::TraceEvent& event);
  void OnCommitted();
  bool Quiet() const;
  void CheckConverged(const char* when);

  const sim::MongosyncWorld& world_;
  FirstHits hits_{kMongosyncMonitors};
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

MongosyncMonitor::MongosyncMonitor(const sim::MongosyncWorld& world) : world_(world) {
  previous_state_ = world_.sync().state;
  previous_applied_ = world_.entries_applied();
  previous_writes_ = world_.source_writes();
  previous_applied_ts_ = world_.applied_ts();
}

void MongosyncMonitor::AfterEvent() {
  ReadTrace();
  const ms::Sync& sync = world_.sync();
  const sim::SourceCluster& source = world_.cluster(world_.source_index());

  // 7, paired with the world: the trace's account of the lifecycle is the
  // world's.
  if (!hits_.hit(P("every_step_is_a_table_row")) &&
      (traced_state_ != sync.state || traced_process_ != sync.process)) {
    Hit(P("every_step_is_a_table_row"), fmt::format("the trace leads to {} (process {}) but the world reports {} "
                                   "(process {})",
                                   ms::ToString(traced_state_), ms::ToString(traced_process_),
                                   ms::ToString(sync.state), ms::ToString(sync.process)));
  }

  // 2. canWrite is set in COMMITTING and kept until reverse_done resets it.
  if (sync.can_write) {
    if (sync.state != ms::State::kCommitting && sync.state != ms::State::kCommitted &&
        sync.state != ms::State::kReversing && !hits_.hit(P("can_write_never_before_committing"))) {
      Hit(P("can_write_never_before_committing"), fmt::format("canWrite is true in {}", ms::ToString(sync.state)));
    }
    if (!hits_.hit(P("can_write_becomes_true"))) {
      Hit(P("can_write_becomes_true"), fmt::format("canWrite true in {}", ms::ToString(sync.state)));
    }
  }

  // 4. Nothing reaches the destination while COMMITTED.
  const std::int64_t applied = world_.entries_applied();
  const std::int64_t writes = world_.source_writes();
  if (previous_state_ == ms::State::kCommitted) {
    if (applied != previous_applied_ && !hits_.hit(P("nothing_applied_after_committed"))) {
      Hit(P("nothing_applied_after_committed"),
              fmt::format("{} source changes applied to the destination while COMMITTED",
                          applied - previous_applied_));
    }
    if (writes != previous_writes_ && sync.state == ms::State::kCommitted &&
        !hits_.hit(P("source_written_after_commit"))) {
      Hit(P("source_written_after_commit"), "the source was written while COMMITTED");
    }
  }

  // 6. An apply in this event started from a point the oplog still held
  //    (the world trims before it applies within an event), and a lost point
  //    ends the process in the event that lost it.
  if (applied != previous_applied_ && previous_applied_ts_ < source.first_kept_ts() &&
      !hits_.hit(P("rollover_never_applies_past_a_gap"))) {
    Hit(P("rollover_never_applies_past_a_gap"), fmt::format("{} entries applied from ts {}, but the source oplog keeps "
                                   "only ts {} on",
                                   applied - previous_applied_, previous_applied_ts_,
                                   source.first_kept_ts()));
  }
  if ((sync.state == ms::State::kRunning || sync.state == ms::State::kPaused) &&
      sync.process == ms::Process::kUp && world_.ApplyPointLost() &&
      !hits_.hit(P("rollover_never_applies_past_a_gap"))) {
    Hit(P("rollover_never_applies_past_a_gap"), fmt::format("the applied point ts {} is no longer in the source oplog "
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

void MongosyncMonitor::AtEnd() {
  AfterEvent();
  if (Quiet()) CheckConverged("at the end of the run");
}

std::vector<PropertyResult> MongosyncMonitor::Results() const { return hits_.Results(); }

void MongosyncMonitor::ReadTrace() {
  // By index: a live session gives away the events read (sim::Trace::GiveAway).
  const sim::Trace& trace = world_.trace();
  for (; trace_read_ < trace.size(); ++trace_read_) {
    const sim::TraceEvent& event = trace.at(trace_read_);
    if (event.kind == sim::TraceKind::kData) continue;
    JudgeStep(event);
  }
}

// Judges one lifecycle trace event against the table, from the trace alone,
// then the properties that hang on single steps (1, 3, 5, 6).
void MongosyncMonitor::JudgeStep(const sim::TraceEvent& event) {
  const std::string_view traced = ms::ToString(traced_state_);
  if (IsStep(event)) {
    const auto rows = world_.table().rows();
    const auto index = static_cast<std::size_t>(event.row);
    if (index >= rows.size()) {
      Hit(P("every_step_is_a_table_row"), fmt::format("{} at {} names row {}, and the table has {} rows",
                                     event.what, sim::FormatClock(event.t_ms), event.row,
                                     rows.size()));
      return;
    }
    const ms::Row& row = rows[index];
    const bool matches = ms::ToString(row.trigger) == event.what &&
                         ms::ToString(row.from) == event.from && ms::ToString(row.to) == event.to &&
                         sim::TraceKindOf(ms::KindOf(row.trigger)) == event.kind;
    if (!matches) {
      Hit(P("every_step_is_a_table_row"), fmt::format("{} {} -> {} at {} is not row {} ({} {} -> {})", event.what,
                                     event.from, event.to, sim::FormatClock(event.t_ms),
                                     event.row, ms::ToString(row.trigger), ms::ToString(row.from),
                                     ms::ToString(row.to)));
    } else if (row.from != traced_state_ || row.process_from != traced_process_) {
      Hit(P("every_step_is_a_table_row"), fmt::format("{} at {} leaves {} (process {}), but the previous step "
                                     "ended in {} (process {})",
                                     event.what, sim::FormatClock(event.t_ms), event.from,
                                     ms::ToString(row.process_from), traced,
                                     ms::ToString(traced_process_)));
    }
    traced_state_ = row.to;
    traced_process_ = row.process_to;
    if (event.kind == sim::TraceKind::kFault) {
      Hit(P("a_fault_step_is_taken"), fmt::format("{} (row {}) in {}", event.what, event.row, event.from));
    }
  } else if (event.from != traced || event.to != traced) {
    // A refusal or an injected disturbance changes no state.
    Hit(P("every_step_is_a_table_row"), fmt::format("{} at {} ({}) moves {} -> {} without a table row",
                                   event.what, sim::FormatClock(event.t_ms),
                                   event.accepted ? "accepted" : "refused", event.from, event.to));
  }
  if (!IsStep(event)) return;

  if (event.from == ms::ToString(ms::State::kCommitted) && event.to != event.from) {
    if (event.what != ms::ToString(ms::Trigger::kReverse)) {
      Hit(P("committed_left_only_by_reverse"),
              fmt::format("{} leaves COMMITTED for {}", event.what, event.to));
    }
  }
  if (event.what == ms::ToString(ms::Trigger::kReverse)) {
    Hit(P("a_reverse_happens"), "POST /reverse accepted");
  }
  if (event.what == ms::ToString(ms::Trigger::kOplogRollover)) {
    Hit(P("oplog_rollover_occurs"), fmt::format("oplog_rollover in {}", event.from));
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
void MongosyncMonitor::OnCommitAccepted(const sim::TraceEvent& event) {
  const ms::Sync& sync = world_.sync();
  const auto lag = world_.LagMillis();
  if (event.from != ms::ToString(ms::State::kRunning)) {
    Hit(P("commit_only_when_can_commit"), fmt::format("/commit accepted in {}", event.from));
  } else if (sync.phase != ms::Phase::kChangeEventApplication) {
    Hit(P("commit_only_when_can_commit"),
            fmt::format("/commit accepted in phase {}", ms::ToString(sync.phase)));
  } else if (!lag) {
    Hit(P("commit_only_when_can_commit"), "/commit accepted with the applied point lost");
  } else if (world_.LagBlocksCommit() && *lag > kLagLimit) {
    Hit(P("commit_only_when_can_commit"),
            fmt::format("/commit accepted with lag {} (canCommit allows 30s)",
                        sim::FormatDuration(*lag)));
  }
  Hit(P("a_commit_is_accepted"),
          fmt::format("/commit accepted with lag {}", lag ? sim::FormatDuration(*lag) : "?"));
  commit_source_ = world_.source_index();
  commit_snapshot_ = world_.cluster(commit_source_).collections();
  has_commit_snapshot_ = true;
}

// 1: on entering COMMITTED, the destination is the source as of the commit
// timestamp, collection by collection.
void MongosyncMonitor::OnCommitted() {
  Hit(P("reaches_COMMITTED"), "the sync entered COMMITTED");
  if (!has_commit_snapshot_) {
    Hit(P("committed_means_destination_caught_up"), "COMMITTED without an accepted /commit since the last wipe");
    return;
  }
  const sim::SourceCluster& destination = world_.cluster(1 - commit_source_);
  PIPECHECK_ASSERT(destination.collections().size() == commit_snapshot_.size());
  for (std::size_t c = 0; c < commit_snapshot_.size(); ++c) {
    const auto diff =
        sim::Collection::Diff(destination.collections()[c], commit_snapshot_[c],
                              "the destination", "the source at the commit timestamp");
    if (diff) {
      Hit(P("committed_means_destination_caught_up"),
              fmt::format("at COMMITTED, collection {} (cluster{} -> cluster{}): {}", c,
                          commit_source_, 1 - commit_source_, *diff));
      return;
    }
  }
}

// Writes have stopped, the sync is applying change events with the process up
// and the destination reachable, and nothing is left to apply. An injected
// verifier_mismatch is excluded: that divergence is the fault's, not the sync's.
bool MongosyncMonitor::Quiet() const {
  const ms::Sync& sync = world_.sync();
  return world_.writes_stopped() && sync.state == ms::State::kRunning &&
         sync.phase == ms::Phase::kChangeEventApplication && sync.process == ms::Process::kUp &&
         world_.destination_available() && !world_.destination_corrupted() &&
         world_.applied_ts() == world_.cluster(world_.source_index()).next_ts();
}

void MongosyncMonitor::CheckConverged(const char* when) {
  Hit(P("quiet_and_caught_up"), fmt::format("writes stopped and the sync caught up, cluster{} -> cluster{}",
                                  world_.source_index(), world_.destination_index()));
  if (hits_.hit(P("converges_when_quiet"))) return;
  std::string why;
  if (!world_.DataConverged(&why)) {
    Hit(P("converges_when_quiet"), fmt::format("{}, the destination differs: {}", when, why));
  }
}

}  // namespace

std::unique_ptr<sim::World> MongosyncMonitors::MakeWorld(const sim::Scenario& scenario,
                                                        const sim::WorldTables& tables) {
  return sim::MakeMongosyncWorld(scenario, tables.mongosync);
}

std::unique_ptr<Monitor> MongosyncMonitors::MakeMonitor(const sim::Scenario& scenario,
                                                      const sim::World& world) {
  PIPECHECK_ASSERT(scenario.model == sim::ModelKind::kMongosync);
  const auto* mongosync = dynamic_cast<const sim::MongosyncWorld*>(&world);
  PIPECHECK_ASSERT(mongosync != nullptr);
  return std::make_unique<MongosyncMonitor>(*mongosync);
}

}  // namespace pipecheck::properties
