// sim/clickpipe_world.h: the ClickPipe world, the data under the lifecycle.
//
// A ClickPipeWorld is one ClickHouse Cloud service whose pipes replicate a
// simulated MongoDB source (spec/lifecycles.md section 3):
//  - the source (sim/source_cluster.h): collections of documents indexed by
//    _id, written by a seeded workload until Scenario::WritesUntil(), every
//    write appended to an oplog that keeps `oplog_retention` of history;
//  - per pipe, one destination table per replicated collection with
//    ReplacingMergeTree semantics (`_peerdb_version`, `_peerdb_is_deleted`),
//    and the `<table>_resync` tables of a resync;
//  - the shared compute (provisioning, crashes) and the destination service
//    (outages).
//
// Contract:
//  - Every lifecycle move goes through model::clickpipe::Step with the world's
//    table, and every Step call (accepted or refused) is one trace event. The
//    world never sets a pipe's state itself; it reacts to the state Step gives.
//  - Same scenario, same trace, byte for byte: all randomness comes from Prng
//    streams forked from scenario.seed, all time is integer milliseconds, no
//    container is ordered by address or hash.
//  - Per internal event the work is O(pipes) amortized; O(documents) work
//    happens only at snapshot loads, swaps and convergence checks.
//  - Events scheduled before a pipe's work is cancelled (a crash, a state
//    change) carry an older generation; they are dropped when they come due
//    and are not counted in events_processed().
//
// Two steps belong to the service, not to a pipe's lifecycle, and have no row
// in the model's table (docs/decisions.md, "Serving the APIs"):
//  - `delete` (an operation): the pipe leaves the service. Its scheduled work
//    is cancelled, the world stops tracking its destination tables, its
//    properties are no longer judged, and its slot is free: a later create
//    there is a new pipe (with a new creation_index) from (none). Traced as
//    an operation with row -1, from the pipe's state to (none); refused for a
//    slot with no pipe.
//  - `idle` (a fault, of the service; its `pipe` is ignored): the ClickHouse
//    service is idle for `for` (default kDefaultIdle). The pipes keep their
//    work (PG-FAQ: the pipe keeps syncing) and the first CDC pull while idle
//    wakes the service ("the service wakes at the next sync interval"). While
//    idle, the ClickPipes API answers 424 (serve/clickpipes_api.h). Traced as
//    a fault of pipe -1 with no states, and the wake as data
//    `service_woken`.
//
// The read-only accessors below are for the property monitors
// (properties/clickpipe_monitors.h): they judge the world from outside and
// never change it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/clickpipe.h"
#include "sim/prng.h"
#include "sim/scheduler.h"
#include "sim/source_cluster.h"
#include "sim/world.h"

namespace pipecheck::sim {

// The source's oplog numbers its writes from 1: a CDC row's `_peerdb_version`
// is the ts of the oplog entry it applies; snapshot rows have version 0.
inline constexpr Ts kFirstTs = 1;
inline constexpr Ts kNoVersion = -1;

// The row FINAL shows for one _id: the highest version written (the later one
// on a tie), deleted or not. FINAL drops deleted rows.
struct FinalSlot {
  Ts version = kNoVersion;
  std::uint64_t value = 0;
  bool deleted = false;
  bool present() const { return version != kNoVersion; }
  bool visible() const { return present() && !deleted; }
};

struct RowRef {
  DocId id = 0;
  Ts version = 0;
};

// One ReplacingMergeTree table. Raw rows are not kept one by one: FINAL needs
// only the winning row per _id, and a resync needs only the soft-deleted rows.
struct DestinationTable {
  bool exists = false;
  std::uint64_t serial = 0;          // Unique per created table; follows it through a swap.
  Ts baseline = 0;                   // CDC-only tables hold documents written at or after this ts.
  std::vector<FinalSlot> slots;      // By _id.
  std::int64_t raw_rows = 0;
  std::int64_t visible_rows = 0;
  std::vector<RowRef> soft_deleted;  // Every distinct deleted row written, in write order.

  void Write(DocId id, Ts version, bool deleted, std::uint64_t value);
  // The slot of `id`, or an absent slot.
  FinalSlot Slot(DocId id) const { return id < slots.size() ? slots[id] : FinalSlot{}; }
};

enum class TableRole : std::uint8_t { kMain, kResync };

// What the last processed event (or applied step) did to destination tables
// and the change stream, in order. The monitors read this instead of scanning
// tables.
enum class ChangeKind : std::uint8_t {
  kCreate,       // Table (re)created empty.
  kSnapshotRow,  // A row of a snapshot load (version 0).
  kCdcRow,       // A row of a CDC batch write.
  kCarryRow,     // A soft-deleted row carried into a _resync table (CP-RS).
  kSwap,         // The _resync table became the table under the original name.
  kRead,         // A CDC batch read from the oplog: `version` = its first ts, `count` entries.
};

struct Change {
  ChangeKind kind = ChangeKind::kCreate;
  TableRole role = TableRole::kMain;  // kSwap: the new main table.
  int pipe = 0;
  int collection = 0;
  std::uint64_t serial = 0;  // The table written (kSwap: the new main table).
  DocId id = 0;
  Ts version = 0;
  bool deleted = false;
  std::int64_t count = 0;
};

// A bug planted on purpose, for the test that shows a stateful RapidCheck
// property catches and shrinks it (tests/stateful_test.cc). Nothing but a
// test sets one: no scenario key, flag or command reaches it.
enum class PlantedBug : std::uint8_t {
  kNone,
  kPullWhilePaused,  // CDC keeps pulling in Paused (breaks G1, paused_pulls_nothing).
};

class ClickPipeWorld final : public World {
 public:
  ClickPipeWorld(const Scenario& scenario, const model::clickpipe::Table& table);

  // Test only (see PlantedBug). REQUIRES: called before the first Apply.
  void PlantBugForTest(PlantedBug bug) { planted_bug_ = bug; }

  StepOutcome Apply(const Step& step) override;
  bool ProcessNext(Millis limit) override;
  void AdvanceTo(Millis at) override { scheduler_.AdvanceTo(at); }
  Millis now() const override { return scheduler_.now(); }
  const Trace& trace() const override { return trace_; }
  Trace& mutable_trace() override { return trace_; }
  std::uint64_t events_processed() const override { return events_processed_; }
  int pipe_count() const override { return static_cast<int>(pipes_.size()); }
  std::string_view LifecycleState(int pipe) const override;
  bool DataConverged(std::string* why) const override;

  // Which accepted create, counted from 0 over the session, made the pipe
  // now in `pipe`'s slot; -1 when the slot has none. Without deletes it is
  // the slot. serve derives the API's pipe id from it.
  int creation_index(int pipe) const { return Run(pipe).creation_index; }
  // The service is idle (the `idle` fault) and has not been woken.
  bool service_idle() const { return now() < idle_until_; }

  // For the monitors.
  const model::clickpipe::Table& table() const { return *table_; }
  const model::clickpipe::Pipe& pipe_model(int pipe) const { return Run(pipe).model; }
  Ts resume_ts(int pipe) const { return Run(pipe).resume_ts; }  // The committed point.
  bool batch_in_flight(int pipe) const { return Run(pipe).in_flight; }
  bool Replicates(int pipe, int collection) const;
  int ReplicatedCount(int pipe) const;
  int collection_count() const { return source_.collection_count(); }
  const SourceCluster& source_cluster() const { return source_; }
  const Collection& source(int collection) const { return source_.collection(collection); }
  const DestinationTable& destination(int pipe, int collection, TableRole role) const;
  // The table of (pipe, collection) with this serial, main or _resync; null
  // when it has been dropped.
  const DestinationTable* TableBySerial(int pipe, int collection, std::uint64_t serial) const;
  Ts next_ts() const { return source_.next_ts(); }  // The ts the next write will take.
  // Whether a change stream can resume at `point`: no entry at or after it
  // has been dropped.
  bool OplogHolds(Ts point) const { return source_.Holds(point); }
  std::size_t oplog_size() const { return source_.oplog_size(); }
  bool compute_up() const;
  bool destination_available() const { return now() >= destination_down_until_; }
  std::uint64_t source_writes() const { return source_.writes(); }
  std::uint64_t compute_crashes() const { return compute_crashes_; }
  // The source's digest of its writes: the writes are not traced, so
  // determinism tests compare this as well.
  std::uint64_t source_digest() const { return source_.digest(); }
  Millis writes_until() const { return writes_until_; }
  std::span<const Change> changes() const { return changes_; }
  // Whether pipe's FINAL view of `collection` equals the source.
  bool ViewEqualsSource(int pipe, int collection, std::string* why) const;

 private:
  enum class EventKind : std::uint8_t {
    kWrite,           // The workload (no generation).
    kComputeRestart,  // Compute generation.
    kProvisioned,     // The rest: pipe generation.
    kTablesCreated,
    kLoad,
    kPull,
    kBatchWrite,
    kBatchCommit,
    kCdcStopped,
    kTablesRemoved,
    kSwapDone,
  };
  struct Event {
    EventKind kind = EventKind::kWrite;
    int pipe = 0;
    std::uint64_t generation = 0;
  };
  struct PipeRun {
    model::clickpipe::Pipe model;
    int creation_index = -1;
    std::uint64_t generation = 0;
    Ts resume_ts = kFirstTs;
    bool loss_stepped = false;  // The model has been told the current point is gone.
    std::vector<std::uint8_t> replicated;  // By collection.
    std::vector<DestinationTable> main;    // By collection.
    std::vector<DestinationTable> resync;  // By collection.
    // The load of the current Setup/Snapshot.
    std::vector<int> load_queue;
    std::size_t load_position = 0;
    TableRole load_role = TableRole::kMain;
    int added_collection = -1;
    std::int64_t carried_rows = 0;
    // CDC.
    bool in_flight = false;
    bool batch_full = false;
    Millis pull_at = 0;
    Ts batch_to = 0;
    std::vector<OplogEntry> batch;  // Entries batch_to - size .. batch_to - 1.
    Millis lag_until = 0;
  };

  const PipeRun& Run(int pipe) const;
  PipeRun& Run(int pipe);
  void Schedule(Millis at, EventKind kind, int pipe);
  bool Stale(const Event& event) const;
  void Handle(const Event& event);

  // The source.
  void AddSourceCollection();
  void OnWrite();
  void TrimOplog();
  void TruncateOplog();
  void SyncLostPoints();

  // The lifecycle: the only path to a state change.
  model::clickpipe::StepResult TakeStep(int pipe, model::clickpipe::Trigger trigger);
  void Record(int pipe, model::clickpipe::Trigger trigger, const model::clickpipe::Pipe& before,
              const model::clickpipe::StepResult& result);
  void ApplyEffects(int pipe, model::clickpipe::Trigger trigger,
                    const model::clickpipe::Pipe& before);
  void CancelWork(int pipe);
  void Enter(int pipe);
  StepOutcome ApplyFault(const Step& step, model::clickpipe::Trigger trigger);
  StepOutcome ApplyServiceFault(model::clickpipe::Trigger trigger);
  StepOutcome ApplyCreate(const Step& step);
  StepOutcome Delete(int pipe);
  StepOutcome Idle(const Step& step);
  void WakeService(int pipe);
  void AddCollectionSlots(PipeRun& run) const;

  // Data movements.
  void TakePoint(int pipe);
  void CreateTables(int pipe);
  void ResetTable(int pipe, int collection, TableRole role, Ts baseline);
  void ScheduleLoad(int pipe);
  void OnLoad(int pipe);
  void CarrySoftDeleted(int pipe);
  void Swap(int pipe);
  void OnPull(int pipe);
  void OnBatchWrite(int pipe);
  void OnBatchCommit(int pipe);
  void AfterBatch(int pipe);
  void OnComputeRestart();
  void AddData(int pipe, std::string_view what, std::string detail);

  // Whether the planted bug makes this pipe pull in its current state.
  bool PullsWhilePaused(const PipeRun& run) const;

  const model::clickpipe::Table* table_;
  PlantedBug planted_bug_ = PlantedBug::kNone;
  Config config_;
  Millis writes_until_;
  Prng data_;       // Initial document values.
  Prng workload_;   // Which write, on what, with which value.
  Prng arrivals_;   // When the next write comes.
  Scheduler<Event> scheduler_;
  Trace trace_;
  std::vector<Change> changes_;
  std::uint64_t events_processed_ = 0;

  SourceCluster source_;

  std::vector<PipeRun> pipes_;
  std::uint64_t next_table_serial_ = 1;

  bool compute_exists_ = false;
  bool compute_down_ = false;
  Millis compute_ready_at_ = 0;
  Millis compute_restart_at_ = 0;
  std::uint64_t compute_generation_ = 0;
  std::uint64_t compute_crashes_ = 0;
  Millis destination_down_until_ = 0;
  model::clickpipe::Mode default_mode_;  // Config "mode": a create that names none.
  int creates_ = 0;                      // Accepted creates so far.
  Millis idle_until_ = 0;
};

// `table` defaults to the scenario profile's built-in table.
std::unique_ptr<World> MakeClickPipeWorld(const Scenario& scenario,
                                          const model::clickpipe::Table* table = nullptr);

}  // namespace pipecheck::sim
