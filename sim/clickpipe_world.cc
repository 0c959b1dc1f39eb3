// sim/clickpipe_world.cc: the ClickPipe world (see the header for the
// contract).
//
// The shape of a pipe's work: every accepted Step that changes the state
// cancels the pipe's scheduled work (its generation moves on) and Enter()
// schedules the work of the new state. The one exception is Running ->
// Pausing, where the batch in flight finishes first (CP-LC). A compute
// crash cancels everything; the restart calls Enter() for every pipe, which
// is exactly "redo the pending step" (D9).
//
// Timings that the documents do not give are constants here, and listed in
// the report of the change that introduced them (docs/decisions.md).
#include "sim/clickpipe_world.h"

#include <algorithm>
#include <optional>
#include <span>
#include <utility>

#include <fmt/format.h>

#include "model/assert.h"

namespace pipecheck::sim {
namespace {

namespace cp = model::clickpipe;
using cp::State;
using cp::Trigger;

// CP-LC: the first pipe of a service waits for the shared compute; later
// pipes start fast. The durations are ours.
constexpr Millis kComputeProvisioning = 5 * kMinute;
constexpr Millis kPipeProvisioning = 30 * kSecond;
constexpr Millis kTablesCreatedDelay = 10 * kSecond;
// A batch is written 1 s after its pull and committed 1 s after its write,
// so a crash can fall between the two (D9).
constexpr Millis kBatchWriteDelay = kSecond;
constexpr Millis kBatchCommitDelay = kSecond;
constexpr Millis kCdcStopDelay = 5 * kSecond;
constexpr Millis kTablesRemovedDelay = 5 * kSecond;
constexpr Millis kSwapDelay = 5 * kSecond;
// Fault durations when a scenario step gives no `for`.
constexpr Millis kDefaultCrash = kMinute;
constexpr Millis kDefaultOutage = 10 * kMinute;
constexpr Millis kDefaultLag = 30 * kMinute;
constexpr Millis kDefaultIdle = kHour;

std::size_t Index(int i) {
  PIPECHECK_ASSERT(i >= 0);
  return static_cast<std::size_t>(i);
}

}  // namespace

void DestinationTable::Write(DocId id, Ts version, bool deleted, std::uint64_t value) {
  PIPECHECK_ASSERT(exists);
  PIPECHECK_ASSERT(version >= 0);
  if (id >= slots.size()) slots.resize(std::size_t{id} + 1);
  FinalSlot& slot = slots[id];
  ++raw_rows;
  // An exact duplicate (a re-applied batch) adds a raw row but no new
  // soft-deleted row: the merge would collapse it.
  if (deleted && !(slot.version == version && slot.deleted)) soft_deleted.push_back({id, version});
  if (version < slot.version) return;  // Hidden by a higher version.
  if (slot.visible()) --visible_rows;
  slot = FinalSlot{version, value, deleted};
  if (slot.visible()) ++visible_rows;
}

ClickPipeWorld::ClickPipeWorld(const Scenario& scenario, const cp::Table& table)
    : table_(&table),
      config_(scenario.config),
      writes_until_(scenario.WritesUntil()),
      data_(0),
      workload_(0),
      arrivals_(0),
      source_(SourceOptions{kFirstTs, scenario.config.oplog_retention,
                            scenario.config.writes_per_hour, std::nullopt}) {
  PIPECHECK_ASSERT(scenario.model == ModelKind::kClickPipe);
  PIPECHECK_ASSERT(config_.pipes >= 1);
  PIPECHECK_ASSERT(config_.collections >= 1);
  PIPECHECK_ASSERT(config_.documents >= 0);
  PIPECHECK_ASSERT(config_.sync_interval > 0);
  PIPECHECK_ASSERT(config_.pull_batch_size >= 1);
  PIPECHECK_ASSERT(config_.snapshot_rows_per_second >= 1);
  PIPECHECK_ASSERT(config_.oplog_retention >= 0);
  Prng root(scenario.seed);
  data_ = root.Fork();
  workload_ = root.Fork();
  arrivals_ = root.Fork();

  default_mode_ = table.profile() == cp::Profile::k2024 ? cp::Mode::kCdc : config_.mode;
  pipes_.resize(Index(config_.pipes));
  for (PipeRun& run : pipes_) run.model = cp::Pipe{cp::State::kNone, default_mode_};
  for (int c = 0; c < config_.collections; ++c) AddSourceCollection();

  if (config_.writes_per_hour > 0) {
    const Millis first = source_.DrawWriteInterval(arrivals_);
    if (first < writes_until_) Schedule(first, EventKind::kWrite, 0);
  }
}

// ---------------------------------------------------------------------------
// The World interface.

std::string_view ClickPipeWorld::LifecycleState(int pipe) const {
  return cp::ToString(Run(pipe).model.state);
}

bool ClickPipeWorld::ProcessNext(Millis limit) {
  while (!scheduler_.empty() && scheduler_.next_time() <= limit) {
    const Event event = scheduler_.Pop().event;
    if (Stale(event)) continue;
    changes_.clear();
    TrimOplog();
    Handle(event);
    ++events_processed_;
    return true;
  }
  return false;
}

StepOutcome ClickPipeWorld::Apply(const Step& step) {
  changes_.clear();
  TrimOplog();
  PIPECHECK_ASSERT(step.pipe >= 0 && step.pipe < pipe_count());
  if (step.is_fault && step.action == kClickPipeIdle) return Idle(step);
  if (!step.is_fault && step.action == kClickPipeDelete) return Delete(step.pipe);
  const std::optional<Trigger> trigger = cp::ParseTrigger(step.action);
  PIPECHECK_ASSERT(trigger.has_value());
  if (step.is_fault) {
    PIPECHECK_ASSERT(cp::KindOf(*trigger) == model::TriggerKind::kFault);
    return ApplyFault(step, *trigger);
  }
  PIPECHECK_ASSERT(cp::KindOf(*trigger) == model::TriggerKind::kOperation);
  if (*trigger == Trigger::kCreate) return ApplyCreate(step);
  const PipeRun& run = Run(step.pipe);
  const cp::Pipe before = run.model;
  const cp::StepResult result = TakeStep(step.pipe, *trigger);
  if (result.accepted) return {true, ""};
  return {false, cp::Explain(before, *trigger, result.refusal).Line()};
}

// A create takes the mode its step names: each pipe of the service has its
// own. A refused create (the slot holds a pipe) leaves that pipe's mode.
StepOutcome ClickPipeWorld::ApplyCreate(const Step& step) {
  PipeRun& run = Run(step.pipe);
  const cp::Mode mode = step.mode.value_or(default_mode_);
  PIPECHECK_ASSERT(table_->profile() != cp::Profile::k2024 || mode == cp::Mode::kCdc);
  if (run.model.state == State::kNone) run.model.mode = mode;
  const cp::Pipe before = run.model;
  const cp::StepResult result = TakeStep(step.pipe, Trigger::kCreate);
  if (result.accepted) return {true, ""};
  return {false, cp::Explain(before, Trigger::kCreate, result.refusal).Line()};
}

// `delete` (see the header): the slot is emptied as if no pipe had been
// created there, except that its generation moves on, so that none of the
// deleted pipe's scheduled work runs for a later pipe of the slot.
StepOutcome ClickPipeWorld::Delete(int pipe) {
  PipeRun& run = Run(pipe);
  TraceEvent event;
  event.t_ms = now();
  event.pipe = pipe;
  event.kind = TraceKind::kOperation;
  event.what = kClickPipeDelete;
  event.from = cp::ToString(run.model.state);
  if (run.model.state == State::kNone) {
    std::string message = "HTTP 404 ClickPipe not found: it has not been created";
    event.to = event.from;
    event.accepted = false;
    event.detail = message;
    trace_.Add(std::move(event));
    return {false, std::move(message)};
  }
  CancelWork(pipe);
  PipeRun fresh;
  fresh.model = cp::Pipe{State::kNone, default_mode_};
  fresh.generation = run.generation;
  fresh.resume_ts = run.resume_ts;  // Never read again: the next create takes a new point.
  AddCollectionSlots(fresh);
  run = std::move(fresh);
  event.to = cp::ToString(State::kNone);
  trace_.Add(std::move(event));
  return {true, ""};
}

StepOutcome ClickPipeWorld::Idle(const Step& step) {
  idle_until_ = std::max(idle_until_, now() + step.duration.value_or(kDefaultIdle));
  TraceEvent event;
  event.t_ms = now();
  event.kind = TraceKind::kFault;
  event.what = kClickPipeIdle;
  event.detail = fmt::format("the service is idle until {}", FormatDuration(idle_until_));
  trace_.Add(std::move(event));
  return {true, ""};
}

// PG-FAQ: an idle service wakes at the pipe's next sync.
void ClickPipeWorld::WakeService(int pipe) {
  if (!service_idle()) return;
  idle_until_ = now();
  AddData(-1, "service_woken", fmt::format("by the sync of pipe {}", pipe));
}

// D18: every pipe that exists is judged, whatever its state: a snapshot pipe
// that Completed with no source write since its load has converged; a pipe
// Paused or Failed behind the source has not.
bool ClickPipeWorld::DataConverged(std::string* why) const {
  bool any = false;
  for (int p = 0; p < pipe_count(); ++p) {
    if (Run(p).model.state == State::kNone) continue;
    any = true;
    for (int c = 0; c < collection_count(); ++c) {
      if (Replicates(p, c) && !ViewEqualsSource(p, c, why)) return false;
    }
  }
  if (!any && why != nullptr) *why = "no pipe was created";
  return any;
}

// ---------------------------------------------------------------------------
// Accessors.

const ClickPipeWorld::PipeRun& ClickPipeWorld::Run(int pipe) const {
  PIPECHECK_ASSERT(pipe >= 0 && pipe < pipe_count());
  return pipes_[Index(pipe)];
}

ClickPipeWorld::PipeRun& ClickPipeWorld::Run(int pipe) {
  PIPECHECK_ASSERT(pipe >= 0 && pipe < pipe_count());
  return pipes_[Index(pipe)];
}

bool ClickPipeWorld::Replicates(int pipe, int collection) const {
  const PipeRun& run = Run(pipe);
  return collection >= 0 && Index(collection) < run.replicated.size() &&
         run.replicated[Index(collection)] != 0;
}

int ClickPipeWorld::ReplicatedCount(int pipe) const {
  const PipeRun& run = Run(pipe);
  return static_cast<int>(std::count(run.replicated.begin(), run.replicated.end(), 1));
}

const DestinationTable& ClickPipeWorld::destination(int pipe, int collection,
                                                    TableRole role) const {
  const PipeRun& run = Run(pipe);
  PIPECHECK_ASSERT(collection >= 0 && collection < collection_count());
  return role == TableRole::kMain ? run.main[Index(collection)] : run.resync[Index(collection)];
}

const DestinationTable* ClickPipeWorld::TableBySerial(int pipe, int collection,
                                                      std::uint64_t serial) const {
  for (const TableRole role : {TableRole::kMain, TableRole::kResync}) {
    const DestinationTable& table = destination(pipe, collection, role);
    if (table.exists && table.serial == serial) return &table;
  }
  return nullptr;
}

bool ClickPipeWorld::compute_up() const {
  return compute_exists_ && !compute_down_ && now() >= compute_ready_at_;
}

bool ClickPipeWorld::ViewEqualsSource(int pipe, int collection, std::string* why) const {
  const auto& src = source(collection).documents();
  const DestinationTable& table = destination(pipe, collection, TableRole::kMain);
  const std::size_t ids = std::max(src.size(), table.slots.size());
  for (std::size_t i = 0; i < ids; ++i) {
    const DocId id = static_cast<DocId>(i);
    const bool in_source = i < src.size() && src[i].live() &&
                           src[i].last_ts >= table.baseline;
    const FinalSlot slot = table.Slot(id);
    if (in_source == slot.visible() && (!in_source || src[i].value == slot.value)) continue;
    if (why != nullptr) {
      *why = fmt::format(
          "pipe {} collection {} _id {}: source {}, FINAL {} (version {}{})", pipe, collection,
          id, in_source ? fmt::format("value {}", src[i].value) : std::string("absent"),
          slot.visible() ? fmt::format("value {}", slot.value) : std::string("absent"),
          slot.version, slot.deleted ? ", deleted" : "");
    }
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Events.

void ClickPipeWorld::Schedule(Millis at, EventKind kind, int pipe) {
  std::uint64_t generation = 0;
  if (kind == EventKind::kComputeRestart) {
    generation = compute_generation_;
  } else if (kind != EventKind::kWrite) {
    generation = Run(pipe).generation;
  }
  scheduler_.Schedule(at, Event{kind, pipe, generation});
}

bool ClickPipeWorld::Stale(const Event& event) const {
  switch (event.kind) {
    case EventKind::kWrite: return false;
    case EventKind::kComputeRestart: return event.generation != compute_generation_;
    default: return event.generation != Run(event.pipe).generation;
  }
}

void ClickPipeWorld::Handle(const Event& event) {
  const int p = event.pipe;
  switch (event.kind) {
    case EventKind::kWrite: OnWrite(); return;
    case EventKind::kComputeRestart: OnComputeRestart(); return;
    case EventKind::kProvisioned: TakeStep(p, Trigger::kProvisioned); return;
    case EventKind::kTablesCreated: TakeStep(p, Trigger::kTablesCreated); return;
    case EventKind::kLoad: OnLoad(p); return;
    case EventKind::kPull: OnPull(p); return;
    case EventKind::kBatchWrite: OnBatchWrite(p); return;
    case EventKind::kBatchCommit: OnBatchCommit(p); return;
    case EventKind::kCdcStopped: TakeStep(p, Trigger::kCdcStopped); return;
    case EventKind::kTablesRemoved: TakeStep(p, Trigger::kTablesRemoved); return;
    case EventKind::kSwapDone:
      // The swap needs the destination; it waits for it (row Resync
      // destination_unavailable).
      if (!destination_available()) {
        Schedule(now() + config_.sync_interval, EventKind::kSwapDone, p);
        return;
      }
      TakeStep(p, Trigger::kSwapDone);
      return;
  }
  PIPECHECK_ASSERT(false);
}

// ---------------------------------------------------------------------------
// The source and its oplog.

void ClickPipeWorld::AddSourceCollection() {
  source_.AddCollection(config_.documents, data_);
  for (PipeRun& run : pipes_) {
    run.replicated.push_back(0);
    run.main.emplace_back();
    run.resync.emplace_back();
  }
}

void ClickPipeWorld::AddCollectionSlots(PipeRun& run) const {
  const auto collections = Index(collection_count());
  run.replicated.assign(collections, 0);
  run.main.assign(collections, DestinationTable{});
  run.resync.assign(collections, DestinationTable{});
}

void ClickPipeWorld::OnWrite() {
  PIPECHECK_ASSERT(now() < writes_until_);
  source_.Write(workload_, now());
  const Millis next = now() + source_.DrawWriteInterval(arrivals_);
  if (next < writes_until_) Schedule(next, EventKind::kWrite, 0);
}

void ClickPipeWorld::TrimOplog() {
  if (source_.Trim(now()) > 0) SyncLostPoints();
}

// The fault `resume_point_lost`: the oplog is cut back to its head, as if the
// retention had shrunk to nothing. The cut goes through a no-op entry written
// at the head for the purpose, so every resume point taken before the fault
// (even a caught-up one) is gone, and every point taken after it is held.
void ClickPipeWorld::TruncateOplog() {
  source_.TruncateToHead(SourceCluster::Cut::kThroughNoop);
  AddData(-1, "oplog_truncated", fmt::format("through ts {}", source_.first_kept_ts() - 1));
  SyncLostPoints();
}

// D11: outside Running a lost point is recorded in the model by a self-loop,
// so that the flag the guards read tracks the oplog. Running finds the loss
// at its next pull (D1). Snapshot pipes hold no point.
void ClickPipeWorld::SyncLostPoints() {
  for (int p = 0; p < pipe_count(); ++p) {
    PipeRun& run = Run(p);
    const State state = run.model.state;
    if (state == State::kNone || state == State::kRunning) continue;
    if (run.model.mode == cp::Mode::kSnapshot) continue;
    if (run.loss_stepped || OplogHolds(run.resume_ts)) continue;
    run.loss_stepped = true;
    if (run.model.resume_point_in_oplog) TakeStep(p, Trigger::kResumePointLost);
  }
}

// ---------------------------------------------------------------------------
// The lifecycle.

cp::StepResult ClickPipeWorld::TakeStep(int pipe, Trigger trigger) {
  PipeRun& run = Run(pipe);
  const cp::Pipe before = run.model;
  const cp::StepResult result = cp::Step(*table_, before, trigger);
  Record(pipe, trigger, before, result);
  if (!result.accepted) {
    PIPECHECK_ASSERT(result.next == before);
    return result;
  }
  run.model = result.next;
  ApplyEffects(pipe, trigger, before);
  // Only tables_created, resync and add_tables enter Snapshot in the built-in
  // tables, and each creates the tables the load writes. A row of a mutated
  // table that enters it by another trigger (provisioned, say) loads what
  // the pipe's context says, as tables_created would: the load is never
  // left without tables.
  if (run.model.state == State::kSnapshot && before.state != State::kSnapshot &&
      trigger != Trigger::kTablesCreated && trigger != Trigger::kResync && trigger != Trigger::kAddTables) {
    CreateTables(pipe);
  }
  const State from = before.state;
  const State to = run.model.state;
  if (from != to) {
    // Pausing lets the batch in flight finish (CP-LC); every other move
    // cancels the pipe's scheduled work.
    if (!(from == State::kRunning && to == State::kPausing)) CancelWork(pipe);
    Enter(pipe);
    // A point lost while Running is found by the next pull (D1); a pipe that
    // leaves Running before that pull records the loss now, as every pipe
    // outside Running does (D11), so that no later row reads a point that
    // is gone as kept (found by tests/stateful_test.cc: pause right after
    // the loss, then resume, ran CDC from a lost point).
    if (from == State::kRunning) SyncLostPoints();
  }
  return result;
}

void ClickPipeWorld::Record(int pipe, Trigger trigger, const cp::Pipe& before,
                            const cp::StepResult& result) {
  TraceEvent event;
  event.t_ms = now();
  event.pipe = pipe;
  event.kind = TraceKindOf(cp::KindOf(trigger));
  event.what = cp::ToString(trigger);
  event.from = cp::ToString(before.state);
  event.to = cp::ToString(result.next.state);
  event.accepted = result.accepted;
  if (result.accepted) {
    event.row = static_cast<int>(result.row);
    if (result.next.state == State::kFailed && before.state != State::kFailed) {
      event.detail = std::string(cp::ToString(result.next.cause));
    }
  } else {
    event.detail = cp::Explain(before, trigger, result.refusal).Line();
  }
  trace_.Add(std::move(event));
}

// What an accepted step does to the data, beside the state (the table's
// Effect says what it does to the model's context).
void ClickPipeWorld::ApplyEffects(int pipe, Trigger trigger, const cp::Pipe& before) {
  PipeRun& run = Run(pipe);
  const State to = run.model.state;
  switch (trigger) {
    case Trigger::kCreate:
      run.creation_index = creates_++;
      TakePoint(pipe);
      std::fill(run.replicated.begin(), run.replicated.end(), std::uint8_t{1});
      if (!compute_exists_) {
        compute_exists_ = true;
        compute_ready_at_ = now() + kComputeProvisioning;
      }
      return;
    case Trigger::kResync:
      TakePoint(pipe);  // CP-RS, D11: the new pipe takes a new point first.
      run.carried_rows = 0;
      if (to == State::kSnapshot) CreateTables(pipe);  // Profile 2024: no Setup.
      return;
    case Trigger::kAddTables: {
      int added = -1;
      for (int c = 0; c < collection_count() && added < 0; ++c) {
        if (!Replicates(pipe, c)) added = c;
      }
      if (added < 0) {
        AddSourceCollection();
        added = collection_count() - 1;
      }
      run.replicated[Index(added)] = 1;
      run.added_collection = added;
      if (to == State::kSnapshot) CreateTables(pipe);  // Profile 2024: no Setup.
      return;
    }
    case Trigger::kRemoveTables:
      if (ReplicatedCount(pipe) > 1) {
        for (int c = collection_count() - 1; c >= 0; --c) {
          if (Replicates(pipe, c)) {
            run.replicated[Index(c)] = 0;
            break;
          }
        }
      }
      return;
    case Trigger::kTablesCreated:
      CreateTables(pipe);
      if (to == State::kRunning) {
        // cdc_only on create: no initial load; the tables hold what CDC
        // writes from the create point on.
        for (int c = 0; c < collection_count(); ++c) {
          if (Replicates(pipe, c)) run.main[Index(c)].baseline = run.resume_ts;
        }
      }
      return;
    case Trigger::kInitialLoadDone:
      if (before.in_resync) {
        CarrySoftDeleted(pipe);
        // Profile 2024 has no Resync state: the load's end is the swap.
        if (to != State::kResync) Swap(pipe);
      }
      return;
    case Trigger::kSwapDone:
      Swap(pipe);
      return;
    default:
      return;
  }
}

void ClickPipeWorld::CancelWork(int pipe) {
  PipeRun& run = Run(pipe);
  ++run.generation;
  run.in_flight = false;
  run.batch.clear();
}

// Schedules the work of the pipe's current state. Nothing runs while the
// compute is down: its restart enters every pipe again.
void ClickPipeWorld::Enter(int pipe) {
  PipeRun& run = Run(pipe);
  if (compute_down_) return;
  switch (run.model.state) {
    case State::kProvisioning:
      PIPECHECK_ASSERT(compute_exists_);
      Schedule(std::max(compute_ready_at_, now() + kPipeProvisioning), EventKind::kProvisioned,
               pipe);
      return;
    case State::kSetup:
      Schedule(now() + kTablesCreatedDelay, EventKind::kTablesCreated, pipe);
      return;
    case State::kSnapshot:
      ScheduleLoad(pipe);
      return;
    case State::kRunning:
      if (run.model.mode != cp::Mode::kSnapshot) Schedule(now(), EventKind::kPull, pipe);
      return;
    case State::kPaused:
      if (PullsWhilePaused(run)) Schedule(now(), EventKind::kPull, pipe);
      return;
    case State::kPausing:
      if (!run.in_flight) Schedule(now() + kCdcStopDelay, EventKind::kCdcStopped, pipe);
      return;
    case State::kModifying:
      Schedule(now() + kTablesRemovedDelay, EventKind::kTablesRemoved, pipe);
      return;
    case State::kResync:
      Schedule(now() + kSwapDelay, EventKind::kSwapDone, pipe);
      return;
    case State::kNone:
    case State::kCompleted:
    case State::kFailed:
    case State::kDegraded:
      return;
  }
}

StepOutcome ClickPipeWorld::ApplyFault(const Step& step, Trigger trigger) {
  switch (trigger) {
    case Trigger::kIrrecoverableError:
    case Trigger::kLag: {
      const cp::Pipe before = Run(step.pipe).model;
      const cp::StepResult result = TakeStep(step.pipe, trigger);
      if (!result.accepted) return {false, cp::Explain(before, trigger, result.refusal).Line()};
      if (trigger == Trigger::kLag) {
        Run(step.pipe).lag_until = now() + step.duration.value_or(kDefaultLag);
      }
      return {true, ""};
    }
    case Trigger::kResumePointLost:
      // A fact about the oplog: it happens whatever the pipes' states.
      TruncateOplog();
      return {true, ""};
    case Trigger::kComputeCrash: {
      if (!compute_exists_) return {false, "no pipe has been created: there is no compute"};
      StepOutcome outcome = ApplyServiceFault(trigger);
      // A crash while down extends the outage; it never shortens it.
      const Millis restart_at = std::max(now() + step.duration.value_or(kDefaultCrash),
                                         compute_down_ ? compute_restart_at_ : Millis{0});
      compute_down_ = true;
      compute_restart_at_ = restart_at;
      ++compute_generation_;
      ++compute_crashes_;
      for (int p = 0; p < pipe_count(); ++p) CancelWork(p);
      Schedule(restart_at, EventKind::kComputeRestart, 0);
      return outcome;
    }
    case Trigger::kDestinationUnavailable: {
      StepOutcome outcome = ApplyServiceFault(trigger);
      destination_down_until_ =
          std::max(destination_down_until_, now() + step.duration.value_or(kDefaultOutage));
      return outcome;
    }
    default:
      break;
  }
  PIPECHECK_ASSERT(false);
}

// A service-wide fault is stepped for every created pipe; pipes whose state
// has no row refuse it (a trace event) and are not affected in the model.
StepOutcome ClickPipeWorld::ApplyServiceFault(Trigger trigger) {
  StepOutcome outcome{false, ""};
  for (int p = 0; p < pipe_count(); ++p) {
    const cp::Pipe before = Run(p).model;
    if (before.state == State::kNone) continue;
    const cp::StepResult result = TakeStep(p, trigger);
    if (result.accepted) {
      outcome = {true, ""};
    } else if (!outcome.accepted && outcome.message.empty()) {
      outcome.message = cp::Explain(before, trigger, result.refusal).Line();
    }
  }
  if (!outcome.accepted && outcome.message.empty()) {
    outcome.message = fmt::format("no pipe has been created: {} affects none",
                                  cp::ToString(trigger));
  }
  return outcome;
}

void ClickPipeWorld::OnComputeRestart() {
  PIPECHECK_ASSERT(compute_down_);
  compute_down_ = false;
  compute_ready_at_ = std::min(compute_ready_at_, now());
  AddData(-1, "compute_restarted", "");
  for (int p = 0; p < pipe_count(); ++p) Enter(p);
}

// ---------------------------------------------------------------------------
// Tables, loads and swaps.

void ClickPipeWorld::AddData(int pipe, std::string_view what, std::string detail) {
  TraceEvent event;
  event.t_ms = now();
  event.pipe = pipe;
  event.kind = TraceKind::kData;
  event.what = what;
  event.detail = std::move(detail);
  trace_.Add(std::move(event));
}

void ClickPipeWorld::TakePoint(int pipe) {
  PipeRun& run = Run(pipe);
  run.resume_ts = source_.next_ts();
  run.loss_stepped = false;
  PIPECHECK_ASSERT(OplogHolds(run.resume_ts));
}

void ClickPipeWorld::ResetTable(int pipe, int collection, TableRole role, Ts baseline) {
  PipeRun& run = Run(pipe);
  DestinationTable& table =
      role == TableRole::kMain ? run.main[Index(collection)] : run.resync[Index(collection)];
  table = DestinationTable{};
  table.exists = true;
  table.serial = next_table_serial_++;
  table.baseline = baseline;
  Change change;
  change.kind = ChangeKind::kCreate;
  change.role = role;
  change.pipe = pipe;
  change.collection = collection;
  change.serial = table.serial;
  changes_.push_back(change);
}

// The tables the coming load writes: the `_resync` tables of a resync, the
// added table, or (on create) every replicated table.
void ClickPipeWorld::CreateTables(int pipe) {
  PipeRun& run = Run(pipe);
  run.load_queue.clear();
  run.load_position = 0;
  if (run.model.in_resync) {
    run.load_role = TableRole::kResync;
    for (int c = 0; c < collection_count(); ++c) {
      if (!Replicates(pipe, c)) continue;
      ResetTable(pipe, c, TableRole::kResync, 0);
      run.load_queue.push_back(c);
    }
  } else if (run.model.adding_tables) {
    // A table added back after a removal is created afresh: its old rows
    // would hide the snapshot's version-0 rows. A replicated table that was
    // never created (profile 2024: add_tables from a pipe that failed before
    // its Setup) is created and loaded with it, since CDC will write to it.
    PIPECHECK_ASSERT(run.added_collection >= 0);
    run.load_role = TableRole::kMain;
    for (int c = 0; c < collection_count(); ++c) {
      if (!Replicates(pipe, c)) continue;
      if (c != run.added_collection && run.main[Index(c)].exists) continue;
      ResetTable(pipe, c, TableRole::kMain, 0);
      run.load_queue.push_back(c);
    }
  } else {
    run.load_role = TableRole::kMain;
    for (int c = 0; c < collection_count(); ++c) {
      if (!Replicates(pipe, c)) continue;
      ResetTable(pipe, c, TableRole::kMain, 0);
      run.load_queue.push_back(c);
    }
  }
  PIPECHECK_ASSERT(!run.load_queue.empty());
}

void ClickPipeWorld::ScheduleLoad(int pipe) {
  const PipeRun& run = Run(pipe);
  PIPECHECK_ASSERT(run.load_position < run.load_queue.size());
  const int c = run.load_queue[run.load_position];
  const auto rows = static_cast<Millis>(source(c).live_count());
  const Millis duration = std::max(kSecond, rows * kSecond / config_.snapshot_rows_per_second);
  Schedule(now() + duration, EventKind::kLoad, pipe);
}

// A collection's load lands in one event: a crash before it restarts the
// collection from scratch, and nothing half-loaded is ever visible.
void ClickPipeWorld::OnLoad(int pipe) {
  PipeRun& run = Run(pipe);
  PIPECHECK_ASSERT(run.model.state == State::kSnapshot);
  if (!destination_available()) {
    Schedule(now() + config_.sync_interval, EventKind::kLoad, pipe);
    return;
  }
  const int c = run.load_queue[run.load_position];
  DestinationTable& table =
      run.load_role == TableRole::kMain ? run.main[Index(c)] : run.resync[Index(c)];
  PIPECHECK_ASSERT(table.exists);
  PIPECHECK_ASSERT(table.raw_rows == 0);
  const auto& documents = source(c).documents();
  Change change;
  change.kind = ChangeKind::kSnapshotRow;
  change.role = run.load_role;
  change.pipe = pipe;
  change.collection = c;
  change.serial = table.serial;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    if (!documents[i].live()) continue;
    const DocId id = static_cast<DocId>(i);
    table.Write(id, 0, false, documents[i].value);
    change.id = id;
    changes_.push_back(change);
  }
  AddData(pipe, "snapshot_table", fmt::format("collection {}: {} rows", c, table.raw_rows));
  ++run.load_position;
  if (run.load_position < run.load_queue.size()) {
    ScheduleLoad(pipe);
  } else {
    TakeStep(pipe, Trigger::kInitialLoadDone);
  }
}

// CP-RS step 4: the soft-deleted rows of the original tables go into the
// `_resync` tables, so that readers of deleted rows keep seeing them.
void ClickPipeWorld::CarrySoftDeleted(int pipe) {
  PipeRun& run = Run(pipe);
  for (int c = 0; c < collection_count(); ++c) {
    if (!Replicates(pipe, c)) continue;
    const DestinationTable& original = run.main[Index(c)];
    DestinationTable& target = run.resync[Index(c)];
    PIPECHECK_ASSERT(target.exists);
    Change change;
    change.kind = ChangeKind::kCarryRow;
    change.role = TableRole::kResync;
    change.pipe = pipe;
    change.collection = c;
    change.serial = target.serial;
    change.deleted = true;
    for (const RowRef& row : original.soft_deleted) {
      target.Write(row.id, row.version, true, 0);
      change.id = row.id;
      change.version = row.version;
      changes_.push_back(change);
      ++run.carried_rows;
    }
  }
}

// Every `_resync` table of the pipe replaces its original in this one event.
void ClickPipeWorld::Swap(int pipe) {
  PipeRun& run = Run(pipe);
  int swapped = 0;
  for (int c = 0; c < collection_count(); ++c) {
    if (!Replicates(pipe, c)) continue;
    DestinationTable& original = run.main[Index(c)];
    DestinationTable& loaded = run.resync[Index(c)];
    PIPECHECK_ASSERT(loaded.exists);
    std::swap(original, loaded);
    loaded = DestinationTable{};
    Change change;
    change.kind = ChangeKind::kSwap;
    change.role = TableRole::kMain;
    change.pipe = pipe;
    change.collection = c;
    change.serial = original.serial;
    changes_.push_back(change);
    ++swapped;
  }
  AddData(pipe, "swap",
          fmt::format("{} tables, {} soft-deleted rows carried", swapped, run.carried_rows));
}

// ---------------------------------------------------------------------------
// CDC: pull, write, commit.

bool ClickPipeWorld::PullsWhilePaused(const PipeRun& run) const {
  return planted_bug_ == PlantedBug::kPullWhilePaused && run.model.state == State::kPaused &&
         run.model.mode != cp::Mode::kSnapshot;
}

void ClickPipeWorld::OnPull(int pipe) {
  PipeRun& run = Run(pipe);
  // Pausing: the pulls stop.
  if (run.model.state != State::kRunning && !PullsWhilePaused(run)) return;
  PIPECHECK_ASSERT(!run.in_flight);
  WakeService(pipe);
  if (!OplogHolds(run.resume_ts)) {
    TakeStep(pipe, Trigger::kResumePointLost);  // D1: Running -> Failed.
    return;
  }
  run.pull_at = now();
  // The destination is down: the batch could not be written; the pull is
  // retried from the same committed point (D10).
  if (!destination_available()) {
    Schedule(now() + config_.sync_interval, EventKind::kPull, pipe);
    return;
  }
  std::int64_t limit = config_.pull_batch_size;
  if (now() < run.lag_until) {
    // D12: under lag the pipe applies half of what the source writes in an
    // interval, so its lag grows for as long as the fault lasts.
    const std::int64_t per_interval =
        config_.writes_per_hour * config_.sync_interval / kHour / 2;
    limit = std::clamp<std::int64_t>(per_interval, 1, limit);
  }
  const std::int64_t count = std::min(limit, source_.next_ts() - run.resume_ts);
  PIPECHECK_ASSERT(count >= 0);
  if (count == 0) {
    Schedule(now() + config_.sync_interval, EventKind::kPull, pipe);
    return;
  }
  run.batch.clear();
  for (Ts ts = run.resume_ts; ts < run.resume_ts + count; ++ts) {
    run.batch.push_back(source_.Entry(ts));
  }
  run.batch_to = run.resume_ts + count;
  run.batch_full = count == limit;
  run.in_flight = true;
  Change change;
  change.kind = ChangeKind::kRead;
  change.pipe = pipe;
  change.version = run.resume_ts;
  change.count = count;
  changes_.push_back(change);
  Schedule(now() + kBatchWriteDelay, EventKind::kBatchWrite, pipe);
}

void ClickPipeWorld::OnBatchWrite(int pipe) {
  PipeRun& run = Run(pipe);
  PIPECHECK_ASSERT(run.in_flight);
  if (!destination_available()) {
    run.in_flight = false;
    run.batch.clear();
    AfterBatch(pipe);
    return;
  }
  const Ts from = run.batch_to - static_cast<Ts>(run.batch.size());
  Change change;
  change.kind = ChangeKind::kCdcRow;
  change.pipe = pipe;
  for (std::size_t i = 0; i < run.batch.size(); ++i) {
    const OplogEntry& entry = run.batch[i];
    const int c = entry.collection;
    if (!Replicates(pipe, c)) continue;
    DestinationTable& table = run.main[Index(c)];
    const Ts version = from + static_cast<Ts>(i);
    const bool deleted = entry.op == OplogOp::kDelete;
    table.Write(entry.id, version, deleted, entry.value);
    change.collection = c;
    change.serial = table.serial;
    change.id = entry.id;
    change.version = version;
    change.deleted = deleted;
    changes_.push_back(change);
  }
  AddData(pipe, "cdc_batch",
          fmt::format("{} changes, resume ts {}", run.batch.size(), from));
  Schedule(now() + kBatchCommitDelay, EventKind::kBatchCommit, pipe);
}

void ClickPipeWorld::OnBatchCommit(int pipe) {
  PipeRun& run = Run(pipe);
  PIPECHECK_ASSERT(run.in_flight);
  PIPECHECK_ASSERT(run.batch_to > run.resume_ts);
  run.resume_ts = run.batch_to;
  run.in_flight = false;
  run.batch.clear();
  AfterBatch(pipe);
}

// After a batch (committed or dropped): Pausing completes its stop; Running
// pulls again, at once if the batch was full (a backlog), else on the
// interval.
void ClickPipeWorld::AfterBatch(int pipe) {
  PipeRun& run = Run(pipe);
  if (run.model.state == State::kPausing) {
    Schedule(now() + kCdcStopDelay, EventKind::kCdcStopped, pipe);
    return;
  }
  if (run.model.state != State::kRunning && !PullsWhilePaused(run)) return;
  const bool lagging = now() < run.lag_until;
  const bool committed = run.resume_ts == run.batch_to;
  const bool drain = run.batch_full && committed && !lagging;
  const Millis next = drain ? now() : std::max(now(), run.pull_at + config_.sync_interval);
  Schedule(next, EventKind::kPull, pipe);
}

// ---------------------------------------------------------------------------

std::unique_ptr<World> MakeClickPipeWorld(const Scenario& scenario,
                                          const model::clickpipe::Table* table) {
  const model::clickpipe::Table& chosen =
      table != nullptr ? *table : model::clickpipe::TableOf(scenario.profile);
  return std::make_unique<ClickPipeWorld>(scenario, chosen);
}

}  // namespace pipecheck::sim
