// sim/mongosync_world.cc: the mongosync world (see the header's contract).
//
// Simplification: mongosync applies change events during collection copy
// since 1.5 (MS-RN 1.5); this world applies them only after copy_done, from
// the point taken at /start. Each collection is copied at its completion
// from the source as it is then, so replaying the oplog from /start over the
// copies converges (entries are post-images). The lifecycle is the same; only
// the lag seen right after copy_done is larger than the real product's.
//
// Choices the spec leaves open (proposed for docs/decisions.md):
//  - COMMITTING drains the oplog to the commit timestamp after
//    max(1 s, pending / apply rate), Steps writes_enabled at once, and runs
//    the verifier 1 s later. destination_unavailable delays the drain. If the
//    entries before the commit timestamp rolled off meanwhile (a crash in
//    COMMITTING longer than retention), the process exits (D15).
//  - /pause or a crash during collection copy restarts the unfinished
//    collection from scratch on /resume or restart.
//  - sourceAndDestination blocks the source from /commit until reverse_done
//    (the new source is writable) or a wipe.
//  - wipe_destination_and_restart empties the current destination and keeps
//    the current direction, even though the model's fresh Sync says
//    `reversed` false: the new migration runs from the cluster that holds the
//    data.
#include "sim/mongosync_world.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "model/assert.h"

namespace pipecheck::sim {
namespace {

namespace ms = model::mongosync;
using ms::Process;
using ms::State;
using ms::Trigger;

// D17: the process connects to both clusters when it starts, before it
// serves any request: the event is due at 0 and the runner processes events
// due at an instant before the steps at that instant.
constexpr Millis kConnectAt = 0;
constexpr Millis kTick = 1 * kSecond;             // Apply tick period.
constexpr Millis kLagLimit = 30 * kSecond;        // canCommit needs lag within this (MS-PT21).
constexpr Millis kReverseMillis = 10 * kSecond;   // REVERSING: metadata copy and swap.
constexpr Millis kReportEvery = 60 * kSecond;     // Apply summaries in the trace.
constexpr Millis kMaintenanceEvery = kMinute;     // Oplog trimming when no write trims it.
constexpr Millis kDefaultLagFor = 30 * kMinute;
constexpr Millis kDefaultUnavailableFor = 10 * kMinute;
constexpr Millis kProgressDelay = 2 * kMinute;    // /progress fails after resume or restart (MS-DLY).
constexpr std::uint64_t kValueBound = 1000000000;  // Document values are in [0, kValueBound).
static_assert(kLagLimit < kReportEvery);

// The states in which mongosync holds an applied point on the destination.
bool HoldsApplyPoint(State state) {
  return state == State::kRunning || state == State::kPaused || state == State::kCommitting;
}

}  // namespace

// --- The world ----------------------------------------------------------

MongosyncWorld::MongosyncWorld(const Scenario& scenario, const ms::Table& table)
    : config_(scenario.config), table_(table), workload_prng_(0), fault_prng_(0) {
  PIPECHECK_ASSERT(scenario.model == ModelKind::kMongosync);
  PIPECHECK_ASSERT(config_.collections >= 0);
  PIPECHECK_ASSERT(config_.documents >= 0);
  PIPECHECK_ASSERT(config_.writes_per_hour >= 0);
  PIPECHECK_ASSERT(config_.oplog_retention >= 0);
  PIPECHECK_ASSERT(config_.copy_documents_per_second > 0);
  PIPECHECK_ASSERT(config_.apply_events_per_second > 0);

  // One stream per component: a change in how often the workload draws
  // shifts neither the initial data nor the faults.
  Prng root(scenario.seed);
  Prng data_prng = root.Fork();
  workload_prng_ = root.Fork();
  fault_prng_ = root.Fork();

  // cluster0 is the first source and holds the initial documents.
  const SourceOptions options{0, config_.oplog_retention, config_.writes_per_hour, kValueBound};
  clusters_.reserve(2);
  for (int index = 0; index < 2; ++index) {
    SourceCluster& cluster = clusters_.emplace_back(options);
    for (int c = 0; c < config_.collections; ++c) {
      cluster.AddCollection(index == 0 ? config_.documents : 0, data_prng);
    }
  }

  scheduler_.Schedule(kConnectAt, Event{Work::kConnect, 0});
  writes_until_ = scenario.WritesUntil();
  writes_stopped_ = true;
  if (config_.writes_per_hour > 0 && config_.collections > 0) {
    const Millis first = source().DrawWriteInterval(workload_prng_);
    if (first <= writes_until_) {
      writes_stopped_ = false;
      scheduler_.Schedule(first, Event{Work::kWrite, 0});
    }
  }
}

std::string_view MongosyncWorld::LifecycleState(int pipe) const {
  PIPECHECK_ASSERT(pipe == 0);
  return ms::ToString(sync_.state);
}

std::string_view MongosyncWorld::ProcessStatus() const { return ms::ToString(sync_.process); }

const SourceCluster& MongosyncWorld::cluster(int index) const {
  PIPECHECK_ASSERT(index == 0 || index == 1);
  return clusters_[static_cast<std::size_t>(index)];
}

bool MongosyncWorld::DataConverged(std::string* why) const {
  for (int c = 0; c < source().collection_count(); ++c) {
    const auto diff = Collection::Diff(destination().collection(c), source().collection(c),
                                       "the destination", "the source");
    if (diff) {
      if (why != nullptr) {
        *why = fmt::format("collection {} (cluster{} -> cluster{}): {}", c, source_, 1 - source_,
                           *diff);
      }
      return false;
    }
  }
  return true;
}

bool MongosyncWorld::EntriesLost() const { return applied_ts_ < source().first_kept_ts(); }

bool MongosyncWorld::ApplyPointLost() const { return resume_token_truncated_ || EntriesLost(); }

std::optional<Millis> MongosyncWorld::LagMillis() const {
  if (ApplyPointLost()) return std::nullopt;
  const SourceCluster& from = source();
  if (applied_ts_ >= from.next_ts()) return 0;
  return now() - from.Entry(applied_ts_).t;
}

// --- Driving ------------------------------------------------------------

bool MongosyncWorld::Live(const Event& event) const {
  switch (event.work) {
    case Work::kConnect:
    case Work::kWrite:
    case Work::kOplogMaintenance:
      return true;
    case Work::kOperatorRestart:
      return sync_.process == Process::kDown && event.epoch == crash_count_;
    case Work::kCopy:
    case Work::kApplyTick:
    case Work::kCommitDrain:
    case Work::kCommitVerify:
    case Work::kReverseDone:
      return event.epoch == work_epoch_;
  }
  PIPECHECK_ASSERT(false);
}

bool MongosyncWorld::ProcessNext(Millis limit) {
  // Cancelled work stays in the queue (a priority queue cannot remove); it is
  // dropped here without counting as an event.
  while (!scheduler_.empty() && scheduler_.next_time() <= limit) {
    const auto entry = scheduler_.Pop();
    if (!Live(entry.event)) continue;
    ++events_processed_;
    Handle(entry.event);
    return true;
  }
  return false;
}

void MongosyncWorld::AdvanceTo(Millis at) {
  while (!scheduler_.empty() && scheduler_.next_time() < at) {
    const auto entry = scheduler_.Pop();
    PIPECHECK_ASSERT(!Live(entry.event));  // REQUIRES: no live event due before `at`.
  }
  scheduler_.AdvanceTo(at);
}

void MongosyncWorld::Handle(const Event& event) {
  switch (event.work) {
    case Work::kConnect:
      TakeStep(Trigger::kConnected);
      return;
    case Work::kWrite:
      Write();
      return;
    case Work::kOplogMaintenance:
      maintenance_pending_ = false;
      Trim(0);
      Trim(1);
      CheckRollover();
      EnsureMaintenance();
      return;
    case Work::kOperatorRestart:
      Restart();
      return;
    case Work::kCopy:
      CopyNext();
      return;
    case Work::kApplyTick:
      ApplyTick();
      return;
    case Work::kCommitDrain:
      CommitDrain();
      return;
    case Work::kCommitVerify:
      CommitVerify();
      return;
    case Work::kReverseDone:
      TakeStep(Trigger::kReverseDone);
      return;
  }
  PIPECHECK_ASSERT(false);
}

// --- Lifecycle steps ----------------------------------------------------

StepOutcome MongosyncWorld::TakeStep(Trigger trigger, const ms::StartOptions& body) {
  FlushApplied();
  const ms::Sync before = sync_;
  const ms::StepResult result = ms::Step(table_, sync_, trigger, body);
  TraceEvent event;
  event.t_ms = now();
  event.kind = TraceKindOf(ms::KindOf(trigger));
  event.what = ms::ToString(trigger);
  event.from = ms::ToString(before.state);
  event.accepted = result.accepted;
  StepOutcome outcome{result.accepted, {}};
  if (result.accepted) {
    sync_ = result.next;
    event.to = ms::ToString(sync_.state);
    event.row = static_cast<int>(result.row);
    if (sync_.process != before.process) {
      event.detail = fmt::format("process {}", ms::ToString(sync_.process));
    }
  } else {
    PIPECHECK_ASSERT(result.next == before);
    event.to = event.from;
    outcome.message = ms::Explain(before, trigger, result.refusal).Line();
    event.detail = outcome.message;
  }
  trace_.Add(std::move(event));
  if (result.accepted) Enter(trigger, before);
  return outcome;
}

void MongosyncWorld::Enter(Trigger trigger, const ms::Sync& before) {
  switch (trigger) {
    case Trigger::kStart:
      // The change stream starts at the source's next entry (MS-AB).
      copy_next_ = 0;
      applied_ts_ = source().next_ts();
      commit_ts_ = applied_ts_;
      gap_reported_ = false;
      resume_token_truncated_ = false;
      break;
    case Trigger::kCommit:
      commit_ts_ = source().next_ts();
      if (sync_.options.write_blocking == ms::WriteBlocking::kSourceAndDestination) {
        source_write_blocked_ = true;  // MS-WB: the source is blocked from /commit on.
      }
      break;
    case Trigger::kReverseDone:
      // G12: the old destination is the new source; application resumes from
      // its next entry, without a new copy.
      source_ = 1 - source_;
      applied_ts_ = source().next_ts();
      commit_ts_ = applied_ts_;
      source_write_blocked_ = false;
      gap_reported_ = false;
      resume_token_truncated_ = false;
      // The defect was in writes to the old destination, now the source.
      corrupted_.reset();
      mismatch_pending_ = false;
      break;
    case Trigger::kWipeDestinationAndRestart:
      for (int c = 0; c < destination().collection_count(); ++c) {
        destination().collection(c).Clear();
      }
      applied_ts_ = source().next_ts();
      commit_ts_ = applied_ts_;
      source_write_blocked_ = false;
      mismatch_pending_ = false;
      corrupted_.reset();
      gap_reported_ = false;
      resume_token_truncated_ = false;
      break;
    case Trigger::kCrash:
      ++crash_count_;
      break;
    case Trigger::kResume:
    case Trigger::kRestart:
      // /progress may fail for 2 minutes after a resume or a restart (MS-DLY).
      progress_unavailable_until_ = now() + kProgressDelay;
      break;
    default:
      break;
  }
  if (before.state != sync_.state || before.process != sync_.process ||
      before.phase != sync_.phase || before.can_write != sync_.can_write) {
    RescheduleWork();
  }
}

void MongosyncWorld::RescheduleWork() {
  ++work_epoch_;
  if (sync_.process != Process::kUp) return;
  switch (sync_.state) {
    case State::kRunning:
      if (sync_.phase == ms::Phase::kCollectionCopy) {
        // An unfinished collection copy restarts from scratch (MS-FAQ).
        scheduler_.Schedule(now() + CopyMillis(), Event{Work::kCopy, work_epoch_});
      } else {
        scheduler_.Schedule(now() + kTick, Event{Work::kApplyTick, work_epoch_});
      }
      return;
    case State::kCommitting:
      if (!sync_.can_write) {
        scheduler_.Schedule(now() + DrainMillis(), Event{Work::kCommitDrain, work_epoch_});
      } else {
        scheduler_.Schedule(now() + kTick, Event{Work::kCommitVerify, work_epoch_});
      }
      return;
    case State::kReversing:
      scheduler_.Schedule(now() + kReverseMillis, Event{Work::kReverseDone, work_epoch_});
      return;
    default:
      return;
  }
}

StepOutcome MongosyncWorld::Restart() {
  const StepOutcome outcome = TakeStep(Trigger::kRestart);
  if (outcome.accepted && sync_.process == Process::kUp) {
    // Retention may have rolled past the applied point while the process was down.
    CheckRollover();
    UpdateLag();
  }
  return outcome;
}

// --- Scenario steps -----------------------------------------------------

StepOutcome MongosyncWorld::Apply(const Step& step) {
  // lag_high must equal the real lag whenever an operation is judged.
  UpdateLag();
  return step.is_fault ? ApplyFault(step) : ApplyOperation(step);
}

StepOutcome MongosyncWorld::ApplyOperation(const Step& step) {
  const auto trigger = ms::ParseTrigger(step.action);
  if (!trigger || ms::KindOf(*trigger) != model::TriggerKind::kOperation) {
    std::string message = fmt::format("{} is not a mongosync operation", step.action);
    Record(TraceKind::kOperation, trigger ? ms::ToString(*trigger) : "(unknown)", false, message);
    return {false, std::move(message)};
  }
  if (*trigger == Trigger::kRestart) return Restart();
  if (*trigger == Trigger::kProgress && sync_.process == Process::kUp && !ProgressAnswers()) {
    std::string message = fmt::format(
        "ProgressUnavailable: mongosync is resuming; /progress answers again at {} (retrying is safe)",
        FormatDuration(progress_unavailable_until_));
    Record(TraceKind::kOperation, ms::ToString(*trigger), false, message);
    return {false, std::move(message)};
  }
  return TakeStep(*trigger, step.body.value_or(ms::StartOptions{}));
}

StepOutcome MongosyncWorld::ApplyFault(const Step& step) {
  if (step.action == "destination_unavailable") {
    const Millis until = now() + step.duration.value_or(kDefaultUnavailableFor);
    destination_unavailable_until_ = std::max(destination_unavailable_until_, until);
    return Inject("destination_unavailable",
                  fmt::format("the destination accepts no writes until {}",
                              FormatDuration(destination_unavailable_until_)));
  }
  const auto trigger = ms::ParseTrigger(step.action);
  if (!trigger || ms::KindOf(*trigger) != model::TriggerKind::kFault) {
    std::string message = fmt::format("{} is not a mongosync fault", step.action);
    Record(TraceKind::kFault, trigger ? ms::ToString(*trigger) : "(unknown)", false, message);
    return {false, std::move(message)};
  }
  switch (*trigger) {
    case Trigger::kCrash: {
      const StepOutcome outcome = TakeStep(Trigger::kCrash);
      if (outcome.accepted && step.duration) {
        // The operator restarts with the same parameters after the downtime.
        scheduler_.Schedule(now() + *step.duration, Event{Work::kOperatorRestart, crash_count_});
      }
      return outcome;
    }
    case Trigger::kLag: {
      const Millis until = now() + step.duration.value_or(kDefaultLagFor);
      lag_fault_until_ = std::max(lag_fault_until_, until);
      return Inject("lag", fmt::format("change event application stalls until {}",
                                       FormatDuration(lag_fault_until_)));
    }
    case Trigger::kOplogRollover: {
      SourceCluster& from = source();
      const std::size_t removed = from.TruncateToHead(SourceCluster::Cut::kAtHead);
      const StepOutcome outcome = Inject(
          "oplog_rollover", fmt::format("cluster{} oplog truncated to its head ts {}: {} entries "
                                        "removed",
                                        source_, from.next_ts(), removed));
      if (HoldsApplyPoint(sync_.state)) {
        // The change stream resumes after the last entry it read; truncating
        // to the head removes that entry even when nothing is left to apply.
        resume_token_truncated_ = true;
        gap_reported_ = true;
      }
      CheckRollover();
      return outcome;
    }
    case Trigger::kVerifierMismatch: {
      // Only a migration in progress writes the destination; elsewhere there
      // is nothing for the defect to corrupt and nothing for a verifier to see.
      if (!HoldsApplyPoint(sync_.state)) {
        return Inject("verifier_mismatch",
                      fmt::format("no migration in progress in {}: nothing diverges",
                                  ms::ToString(sync_.state)));
      }
      std::string what = "no collection to corrupt";
      if (config_.collections > 0) {
        const auto c = static_cast<int>(
            fault_prng_.Below(static_cast<std::uint64_t>(config_.collections)));
        const Collection& collection = destination().collection(c);
        const DocId id = collection.live_count() > 0
                             ? collection.LiveId(fault_prng_.Below(collection.live_count()))
                             : collection.fresh_id();
        corrupted_ = CorruptedDocument{c, id};
        Corrupt();
        what = fmt::format("cluster{} collection {} _id {} diverges from the source", 1 - source_,
                           c, id);
      }
      mismatch_pending_ = true;
      return Inject("verifier_mismatch", what);
    }
    default:
      break;
  }
  PIPECHECK_ASSERT(false);  // Every fault trigger is handled above.
}

StepOutcome MongosyncWorld::Inject(std::string_view what, std::string detail) {
  Record(TraceKind::kFault, what, true, fmt::format("injected: {}", detail));
  return {true, {}};
}

// --- Internal work ------------------------------------------------------

void MongosyncWorld::Write() {
  const Millis next = now() + source().DrawWriteInterval(workload_prng_);
  if (next <= writes_until_) {
    scheduler_.Schedule(next, Event{Work::kWrite, 0});
  } else {
    writes_stopped_ = true;
  }
  Trim(source_);
  CheckRollover();
  if (source_write_blocked_) return;  // The application's write is refused (MS-WB).
  source().Write(workload_prng_, now());
  EnsureMaintenance();
}

void MongosyncWorld::CopyNext() {
  PIPECHECK_ASSERT(sync_.state == State::kRunning);
  PIPECHECK_ASSERT(sync_.phase == ms::Phase::kCollectionCopy);
  if (copy_next_ < config_.collections) {
    if (!destination_available()) {
      // The copy stalls; it starts this collection again once writes succeed.
      scheduler_.Schedule(destination_unavailable_until_ + CopyMillis(),
                          Event{Work::kCopy, work_epoch_});
      return;
    }
    const int c = copy_next_;
    destination().collection(c) = source().collection(c);
    if (corrupted_ && corrupted_->collection == copy_next_) Corrupt();
    Record(TraceKind::kData, "collection_copied", true,
           fmt::format("collection {}: {} documents, cluster{} -> cluster{}", c,
                       source().collection(c).live_count(), source_, 1 - source_));
    ++copy_next_;
    if (copy_next_ < config_.collections) {
      scheduler_.Schedule(now() + CopyMillis(), Event{Work::kCopy, work_epoch_});
      return;
    }
  }
  TakeStep(Trigger::kCopyDone);
}

void MongosyncWorld::ApplyTick() {
  PIPECHECK_ASSERT(sync_.state == State::kRunning);
  PIPECHECK_ASSERT(sync_.process == Process::kUp);
  const std::uint64_t epoch = work_epoch_;
  Trim(source_);
  CheckRollover();  // Never apply past a gap: exit instead (MS-OPL).
  if (epoch != work_epoch_) return;
  if (destination_available()) {
    const std::int64_t applied = ApplyEntries(ApplyRate());
    if (applied > 0) {
      applied_unreported_ += applied;
      if (!last_applied_report_ || now() - *last_applied_report_ >= kReportEvery) FlushApplied();
    }
  }
  UpdateLag();
  if (epoch == work_epoch_) {
    scheduler_.Schedule(now() + kTick, Event{Work::kApplyTick, work_epoch_});
  }
}

void MongosyncWorld::CommitDrain() {
  PIPECHECK_ASSERT(sync_.state == State::kCommitting);
  PIPECHECK_ASSERT(!sync_.can_write);
  Trim(source_);
  if (applied_ts_ < commit_ts_ && EntriesLost()) {
    // The commit cannot finish without the lost entries: mongosync exits
    // rather than skip them (MS-OPL, D15).
    TakeStep(Trigger::kOplogRollover);
    return;
  }
  if (!destination_available()) {
    scheduler_.Schedule(destination_unavailable_until_, Event{Work::kCommitDrain, work_epoch_});
    return;
  }
  PIPECHECK_ASSERT(commit_ts_ >= applied_ts_);
  applied_unreported_ += ApplyEntries(commit_ts_ - applied_ts_);
  PIPECHECK_ASSERT(applied_ts_ == commit_ts_);
  TakeStep(Trigger::kWritesEnabled);
}

void MongosyncWorld::CommitVerify() {
  PIPECHECK_ASSERT(sync_.state == State::kCommitting);
  PIPECHECK_ASSERT(sync_.can_write);
  if (mismatch_pending_ && sync_.options.verification) {
    TakeStep(Trigger::kVerifierMismatch);
    return;
  }
  TakeStep(Trigger::kCommitDone);
}

std::int64_t MongosyncWorld::ApplyEntries(std::int64_t count) {
  PIPECHECK_ASSERT(count >= 0);
  PIPECHECK_ASSERT(count == 0 || !EntriesLost());
  const SourceCluster& from = source();
  SourceCluster& to = destination();
  const std::int64_t n = std::min(count, from.next_ts() - applied_ts_);
  for (std::int64_t k = 0; k < n; ++k) {
    const OplogEntry& entry = from.Entry(applied_ts_ + k);
    Collection& collection = to.collection(entry.collection);
    if (entry.op == OplogOp::kDelete) {
      collection.Erase(entry.id, entry.ts);
    } else {
      collection.Put(entry.id, entry.value, entry.ts);
    }
    if (corrupted_ && corrupted_->collection == entry.collection && corrupted_->id == entry.id) {
      Corrupt();
    }
  }
  // The applied point is persisted on the destination with the batch.
  applied_ts_ += n;
  entries_applied_ += n;
  return n;
}

void MongosyncWorld::Trim(int cluster_index) {
  SourceCluster& cluster = clusters_[static_cast<std::size_t>(cluster_index)];
  cluster.Trim(now());
  if (cluster_index == source_ && HoldsApplyPoint(sync_.state) && !gap_reported_ &&
      EntriesLost()) {
    gap_reported_ = true;
    Record(TraceKind::kData, "oplog_truncated", true,
           fmt::format("retention rolled unapplied entries off cluster{}: applied point ts {}, "
                       "oldest kept ts {}",
                       cluster_index, applied_ts_, cluster.first_kept_ts()));
  }
}

void MongosyncWorld::EnsureMaintenance() {
  if (maintenance_pending_) return;
  std::optional<Millis> expiry;
  for (const SourceCluster& cluster : clusters_) {
    if (cluster.oplog_size() == 0) continue;
    const Millis at = cluster.Entry(cluster.first_kept_ts()).t + config_.oplog_retention + 1;
    expiry = expiry ? std::min(*expiry, at) : at;
  }
  if (!expiry) return;
  maintenance_pending_ = true;
  scheduler_.Schedule(std::max(*expiry, now() + kMaintenanceEvery),
                      Event{Work::kOplogMaintenance, 0});
}

void MongosyncWorld::CheckRollover() {
  if (sync_.process != Process::kUp) return;
  if (sync_.state == State::kCommitting) {
    if (applied_ts_ < commit_ts_ && EntriesLost()) TakeStep(Trigger::kOplogRollover);
    return;
  }
  if (sync_.state != State::kRunning && sync_.state != State::kPaused) return;
  if (!ApplyPointLost()) return;
  TakeStep(Trigger::kOplogRollover);
}

void MongosyncWorld::UpdateLag() {
  if (sync_.state != State::kRunning || sync_.process != Process::kUp ||
      sync_.phase != ms::Phase::kChangeEventApplication) {
    return;
  }
  const auto lag = LagMillis();
  if (!lag) return;  // CheckRollover ends the process instead.
  // Before 1.21 lag does not decide canCommit (MS-PT21): lag_high stays false.
  const bool high = LagBlocksCommit() && *lag > kLagLimit;
  if (high && !sync_.lag_high) {
    TakeStep(Trigger::kLag);
  } else if (!high && sync_.lag_high) {
    TakeStep(Trigger::kLagRecovered);
  }
}

Millis MongosyncWorld::CopyMillis() const {
  if (copy_next_ >= config_.collections) return kSecond;
  const auto documents = static_cast<std::int64_t>(source().collection(copy_next_).live_count());
  return std::max(kSecond, documents * kSecond / config_.copy_documents_per_second);
}

Millis MongosyncWorld::DrainMillis() const {
  const std::int64_t pending = std::max<std::int64_t>(0, commit_ts_ - applied_ts_);
  return std::max(kSecond, pending * kSecond / config_.apply_events_per_second);
}

std::int64_t MongosyncWorld::ApplyRate() const {
  // The lag fault stalls change event application: lag then grows with the
  // clock whatever the workload's rate (docs/decisions.md, the lag fault).
  if (now() < lag_fault_until_) return 0;
  return config_.apply_events_per_second;
}

bool MongosyncWorld::LagBlocksCommit() const {
  return ms::Has(config_.mongosync_version, ms::Feature::kLagBlocksCommit);
}

bool MongosyncWorld::ProgressAnswers() const {
  return sync_.process == Process::kUp && now() >= progress_unavailable_until_;
}

void MongosyncWorld::Corrupt() {
  PIPECHECK_ASSERT(corrupted_.has_value());
  Collection& collection = destination().collection(corrupted_->collection);
  // Source values are below kValueBound, so a value at or above it differs
  // from whatever the source holds, and a missing document reappears. No
  // oplog entry records the write.
  const auto value = collection.Get(corrupted_->id);
  collection.Put(corrupted_->id, value ? *value % kValueBound + kValueBound : kValueBound, 0);
}

void MongosyncWorld::Record(TraceKind kind, std::string_view what, bool accepted,
                            std::string detail) {
  // Pending apply counts go first, so the trace never shows them after a
  // later event (a truncation, say) that they preceded.
  if (what != "applied") FlushApplied();
  TraceEvent event;
  event.t_ms = now();
  event.kind = kind;
  event.what = what;
  if (kind != TraceKind::kData) {
    event.from = ms::ToString(sync_.state);
    event.to = event.from;
  }
  event.accepted = accepted;
  event.detail = std::move(detail);
  trace_.Add(std::move(event));
}

void MongosyncWorld::FlushApplied() {
  if (applied_unreported_ == 0) return;
  const auto lag = LagMillis();
  Record(TraceKind::kData, "applied", true,
         lag ? fmt::format("applied {} events, lag {} s", applied_unreported_, *lag / kSecond)
             : fmt::format("applied {} events", applied_unreported_));
  applied_unreported_ = 0;
  last_applied_report_ = now();
}

std::unique_ptr<World> MakeMongosyncWorld(const Scenario& scenario, const ms::Table* table) {
  return std::make_unique<MongosyncWorld>(scenario,
                                          table != nullptr ? *table : ms::DefaultTable());
}

}  // namespace pipecheck::sim
