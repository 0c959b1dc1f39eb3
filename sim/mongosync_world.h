// sim/mongosync_world.h: the data under the mongosync lifecycle.
//
// Two clusters, cluster0 and cluster1 (each a sim::SourceCluster). One is the
// source: it holds `collections` collections of documents that a workload
// keeps writing, and every write appends an entry to its oplog. The other is the destination:
// mongosync copies the source collections into it one by one (collection
// copy), then applies the source oplog from the point taken at /start
// (change event application, CEA). /commit drains the oplog up to the commit
// timestamp; /reverse swaps the roles and changes flow back (spec
// lifecycles.md sections 2 and 3).
//
// Contract:
//  - Every lifecycle transition goes through model::mongosync::Step with the
//    world's table and is recorded in the trace, accepted or refused. The
//    world never sets the Sync's state or process itself.
//  - The model's `lag_high` equals (real lag > 30 s) whenever an operation is
//    applied and after every apply tick in RUNNING, phase CEA, process up: the
//    world Steps the fault row `lag` and the event row `lag_recovered` to keep
//    it so (MS-PT21). Elsewhere lag is not reported and not tracked. Before
//    1.21 (config mongosync_version) lag never decides canCommit, so
//    `lag_high` stays false.
//  - The injected lag fault stalls change event application for its duration.
//  - For 2 minutes after an accepted resume or restart, a `progress` step is
//    refused (ProgressUnavailable) and recorded so (MS-DLY).
//  - An apply never crosses a gap: when the applied point is no longer in the
//    source oplog, the world Steps `oplog_rollover` (RUNNING, PAUSED) and the
//    process exits; it never applies past the gap (MS-OPL). Retention loses
//    the point only when it trims unapplied entries (a caught-up change
//    stream is kept fresh by the no-op writes the world does not model); the
//    injected `oplog_rollover` fault truncates to the head and loses it even
//    when nothing is left to apply.
//  - Faults with no row (destination_unavailable, and the injection of lag,
//    oplog_rollover and verifier_mismatch) are recorded as accepted fault
//    events with no row that change no state; their consequences are Steps
//    of their own (`lag`, `oplog_rollover`, `verifier_mismatch`).
//  - Trimming happens at the start of an event, before anything is applied in
//    that event. The property monitors rely on this order.
//  - Deterministic: all randomness comes from Prng streams forked from the
//    scenario's seed; times are integer milliseconds; no unordered containers.
//  - Work per event is O(1) amortized; O(documents) only when a collection is
//    copied, when the destination is wiped, and in DataConverged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/mongosync.h"
#include "sim/prng.h"
#include "sim/scenario.h"
#include "sim/scheduler.h"
#include "sim/source_cluster.h"
#include "sim/trace.h"
#include "sim/world.h"

namespace pipecheck::sim {

class MongosyncWorld final : public World {
 public:
  // REQUIRES: scenario.model is kMongosync; `table` outlives the world.
  MongosyncWorld(const Scenario& scenario, const model::mongosync::Table& table);

  StepOutcome Apply(const Step& step) override;
  bool ProcessNext(Millis limit) override;
  void AdvanceTo(Millis at) override;
  Millis now() const override { return scheduler_.now(); }
  const Trace& trace() const override { return trace_; }
  Trace& mutable_trace() override { return trace_; }
  std::uint64_t events_processed() const override { return events_processed_; }
  int pipe_count() const override { return 1; }
  std::string_view LifecycleState(int pipe) const override;
  std::string_view ProcessStatus() const override;
  bool DataConverged(std::string* why) const override;

  // Read-only views for the property monitors.
  const model::mongosync::Sync& sync() const { return sync_; }
  const model::mongosync::Table& table() const { return table_; }
  const SourceCluster& cluster(int index) const;
  int source_index() const { return source_; }
  int destination_index() const { return 1 - source_; }
  // The ts of the first source entry not yet applied to the destination;
  // persisted on the destination. Meaningful in RUNNING, PAUSED, COMMITTING.
  std::int64_t applied_ts() const { return applied_ts_; }
  // Whether source entries at or after applied_ts() were trimmed away.
  bool EntriesLost() const;
  // Whether the change stream cannot resume: EntriesLost(), or an injected
  // oplog_rollover truncated the entry it would resume after.
  bool ApplyPointLost() const;
  // now - t(first unapplied entry); 0 when caught up; nullopt when lost.
  std::optional<Millis> LagMillis() const;
  // Change events applied per second now (0 while the lag fault stalls it).
  std::int64_t ApplyRate() const;
  // Collections copied by the current migration's collection copy.
  int collections_copied() const { return copy_next_; }
  Millis oplog_retention() const { return config_.oplog_retention; }
  // The release emulated (scenario config mongosync_version).
  model::mongosync::Version version() const { return config_.mongosync_version; }
  // Whether lag above 30 s makes canCommit false in this release (MS-PT21).
  bool LagBlocksCommit() const;
  // Whether GET /progress answers now: the process is up and the window
  // after a resume or restart is over (MS-DLY).
  bool ProgressAnswers() const;
  // The end of that window (0 before any resume or restart).
  Millis progress_unavailable_until() const { return progress_unavailable_until_; }
  // Oplog entries applied to a destination so far (CEA and the commit drain).
  std::int64_t entries_applied() const { return entries_applied_; }
  // Workload writes made to a source so far (skipped ones do not count).
  std::int64_t source_writes() const {
    return static_cast<std::int64_t>(clusters_[0].writes() + clusters_[1].writes());
  }
  // The workload has made its last write (WritesUntil passed, or no workload).
  bool writes_stopped() const { return writes_stopped_; }
  bool destination_available() const { return now() >= destination_unavailable_until_; }
  // A verifier_mismatch fault made a destination document diverge (see
  // Corrupt()); cleared by a wipe or when /reverse makes that cluster the source.
  bool destination_corrupted() const { return corrupted_.has_value(); }

 private:
  enum class Work : std::uint8_t {
    kConnect,
    kWrite,
    kOplogMaintenance,
    kOperatorRestart,  // `epoch` is the crash count it belongs to.
    kCopy,             // `epoch` is the work epoch (as every kind below).
    kApplyTick,
    kCommitDrain,
    kCommitVerify,
    kReverseDone,
  };
  struct Event {
    Work work;
    std::uint64_t epoch;
  };

  SourceCluster& source() { return clusters_[static_cast<std::size_t>(source_)]; }
  SourceCluster& destination() { return clusters_[static_cast<std::size_t>(1 - source_)]; }
  const SourceCluster& source() const { return clusters_[static_cast<std::size_t>(source_)]; }
  const SourceCluster& destination() const {
    return clusters_[static_cast<std::size_t>(1 - source_)];
  }

  bool Live(const Event& event) const;
  void Handle(const Event& event);

  // Steps the model, records the step, and on acceptance does the world's
  // side of the transition (Enter). Returns the model's answer.
  StepOutcome TakeStep(model::mongosync::Trigger trigger,
                       const model::mongosync::StartOptions& body = {});
  void Enter(model::mongosync::Trigger trigger, const model::mongosync::Sync& before);
  // Cancels scheduled work and schedules what the current Sync does next.
  void RescheduleWork();

  StepOutcome ApplyOperation(const Step& step);
  StepOutcome ApplyFault(const Step& step);
  StepOutcome Inject(std::string_view what, std::string detail);
  StepOutcome Restart();

  void Write();
  void CopyNext();
  void ApplyTick();
  void CommitDrain();
  void CommitVerify();

  void Trim(int cluster_index);
  void EnsureMaintenance();
  void CheckRollover();
  void UpdateLag();
  std::int64_t ApplyEntries(std::int64_t count);
  void Corrupt();
  Millis CopyMillis() const;
  Millis DrainMillis() const;
  // A trace event that is not a Step: data, an injected fault, a refused
  // name. `what` must outlive the trace (a literal or a model name).
  void Record(TraceKind kind, std::string_view what, bool accepted, std::string detail);
  void FlushApplied();

  const Config config_;
  const model::mongosync::Table& table_;
  Prng workload_prng_;
  Prng fault_prng_;
  Scheduler<Event> scheduler_;
  Trace trace_;
  model::mongosync::Sync sync_;
  std::vector<SourceCluster> clusters_;
  int source_ = 0;

  std::uint64_t work_epoch_ = 0;
  std::uint64_t crash_count_ = 0;
  std::uint64_t events_processed_ = 0;

  Millis writes_until_ = 0;
  bool writes_stopped_ = false;
  bool source_write_blocked_ = false;  // sourceAndDestination, from /commit on (MS-WB).

  bool maintenance_pending_ = false;
  std::int64_t applied_ts_ = 0;
  std::int64_t commit_ts_ = 0;
  int copy_next_ = 0;  // The collection being copied (collection copy phase).
  bool gap_reported_ = false;
  bool resume_token_truncated_ = false;
  std::int64_t entries_applied_ = 0;

  Millis lag_fault_until_ = 0;
  Millis progress_unavailable_until_ = 0;
  Millis destination_unavailable_until_ = 0;
  // The verifier_mismatch fault models a defect in how mongosync writes one
  // destination document: from the fault on, every copy or apply of it leaves
  // it different from the source (a delete is lost), so change event
  // application never heals it and only the verifier can notice.
  struct CorruptedDocument {
    int collection;
    DocId id;
  };
  std::optional<CorruptedDocument> corrupted_;
  bool mismatch_pending_ = false;

  // Apply ticks are summarized in the trace, not recorded one by one.
  std::int64_t applied_unreported_ = 0;
  std::optional<Millis> last_applied_report_;
};

// `table` defaults to the built-in table.
std::unique_ptr<World> MakeMongosyncWorld(const Scenario& scenario,
                                          const model::mongosync::Table* table = nullptr);

}  // namespace pipecheck::sim
