// properties/clickpipe_monitors.cc: the ClickPipe monitors (see the header).
#include "properties/clickpipe_monitors.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "model/assert.h"
#include "model/clickpipe.h"
#include "sim/clickpipe_world.h"

namespace pipecheck::properties {
namespace {

namespace cp = model::clickpipe;
using sim::ChangeKind;
using sim::DocId;
using sim::TableRole;
using sim::Ts;

// The catalogue index of a property, checked at compile time.
consteval std::size_t P(std::string_view name) { return IndexOf(kClickPipeMonitors, name); }

std::size_t Index(int i) {
  PIPECHECK_ASSERT(i >= 0);
  return static_cast<std::size_t>(i);
}

std::string_view RoleName(TableRole role) { return role == TableRole::kMain ? "" : "_resync"; }

// What the monitors know of one destination table, from the changes alone.
struct TableWatch {
  std::uint64_t serial = 0;            // 0: no table seen yet.
  std::vector<Ts> max_version;         // Highest version written, by _id.
  std::vector<sim::RowRef> soft_deleted;
  Ts last_cdc = sim::kNoVersion;       // The last CDC version written.
  std::uint64_t last_cdc_event = 0;    // The event that wrote it.
  std::uint64_t crashes_at_last_cdc = 0;
};

struct PipeWatch {
  cp::State state = cp::State::kNone;  // As of the previous event.
  Ts resume_ts = 0;
  bool in_resync = false;
  bool quiet = false;  // Quiet and caught up after the previous event.
  cp::State traced = cp::State::kNone;  // The state the trace has reached.
  std::vector<TableWatch> main;         // By collection.
  std::vector<TableWatch> resync;
  int swaps_this_event = 0;
  // The last batch read (committed_resume_point_has_its_batch_written):
  // entries [batch_from, batch_to), and whether its write has been traced.
  bool batch_read = false;
  bool batch_written = false;
  Ts batch_from = 0;
  Ts batch_to = 0;
  std::uint64_t point_taken_event = 0;  // The event of an accepted create or resync (D11).
};

struct Touched {
  int pipe;
  int collection;
  std::uint64_t serial;
  DocId id;
};

struct Carried {
  int pipe;
  int collection;
  std::uint64_t serial;  // The new main table.
  sim::RowRef row;
};

class ClickPipeMonitor final : public Monitor {
 public:
  ClickPipeMonitor(const sim::Scenario& /*scenario*/, const sim::ClickPipeWorld& world)
      : world_(world),
        pipes_(Index(world.pipe_count())) {
    for (int p = 0; p < world.pipe_count(); ++p) Watch(p).resume_ts = world.resume_ts(p);
  }

  void AfterEvent() override {
    ++event_;
    ScanTrace();
    ScanChanges();
    ScanPipes();
  }

  void AtEnd() override {
    ScanTrace();
    for (int p = 0; p < world_.pipe_count(); ++p) {
      if (Quiet(p)) CheckConverged(p, "at the end of the run");
    }
  }

  std::vector<PropertyResult> Results() const override { return hits_.Results(); }

 private:
  // Records the first violation or witness of `id`; `message` is only built
  // then, so that checking stays cheap.
  template <typename MakeMessage>
  void Hit(std::size_t id, MakeMessage make_message) {
    if (hits_.hit(id)) return;
    hits_.Record(id, world_.now(), make_message());
  }

  PipeWatch& Watch(int pipe) { return pipes_[Index(pipe)]; }

  TableWatch& TableOf(int pipe, int collection, TableRole role) {
    PipeWatch& watch = Watch(pipe);
    std::vector<TableWatch>& tables = role == TableRole::kMain ? watch.main : watch.resync;
    if (tables.size() <= Index(collection)) tables.resize(Index(collection) + 1);
    return tables[Index(collection)];
  }

  // every_step_is_a_table_row, from the trace alone: each accepted lifecycle
  // event is a row whose from, trigger and to it names, in the pipe's mode;
  // each pipe's events chain; a refusal leaves the state where it was.
  void ScanTrace() {
    // By index: a live session gives away the events read (sim::Trace::GiveAway).
    const sim::Trace& trace = world_.trace();
    const cp::Table& table = world_.table();
    for (; traced_ < trace.size(); ++traced_) {
      const sim::TraceEvent& event = trace.at(traced_);
      if (event.kind == sim::TraceKind::kData) {
        NoteData(event);
        continue;
      }
      if (event.kind == sim::TraceKind::kState) continue;
      // The service's idling is no pipe's lifecycle event.
      if (event.kind == sim::TraceKind::kFault && event.what == sim::kClickPipeIdle) continue;
      if (event.pipe < 0 || event.pipe >= world_.pipe_count()) {
        Hit(P("every_step_is_a_table_row"), [&] {
          return fmt::format("lifecycle event {} names no pipe ({})", event.what, event.pipe);
        });
        continue;
      }
      PipeWatch& watch = Watch(event.pipe);
      const std::string_view current = cp::ToString(watch.traced);
      if (event.from != current) {
        Hit(P("every_step_is_a_table_row"), [&] {
          return fmt::format("pipe {}: {} starts from {} but the pipe was in {}", event.pipe,
                             event.what, event.from, current);
        });
      }
      if (!event.accepted) {
        if (event.to != event.from) {
          Hit(P("every_step_is_a_table_row"), [&] {
            return fmt::format("pipe {}: refused {} moved {} -> {}", event.pipe, event.what,
                               event.from, event.to);
          });
        }
        continue;
      }
      if (event.kind == sim::TraceKind::kOperation && event.what == sim::kClickPipeDelete) {
        // The pipe left the service: a later pipe of the slot is judged afresh.
        watch = PipeWatch{};
        watch.resume_ts = world_.resume_ts(event.pipe);
        continue;
      }
      const auto rows = table.rows();
      if (event.row < 0 || Index(event.row) >= rows.size()) {
        Hit(P("every_step_is_a_table_row"), [&] {
          return fmt::format("pipe {}: {} {} -> {} names no row ({})", event.pipe, event.what,
                             event.from, event.to, event.row);
        });
        continue;
      }
      const cp::Row& row = rows[Index(event.row)];
      // Each pipe has the mode of its create; the trace is scanned after
      // every step, before a delete could give the slot another pipe.
      const cp::Mode mode = world_.pipe_model(event.pipe).mode;
      if (cp::ToString(row.from) != event.from || cp::ToString(row.trigger) != event.what ||
          cp::ToString(row.to) != event.to || !cp::Contains(row.modes, mode)) {
        Hit(P("every_step_is_a_table_row"), [&] {
          return fmt::format(
              "pipe {}: {} {} -> {} is not row {} ({} {} -> {}, modes {:#x}) in mode {}",
              event.pipe, event.what, event.from, event.to, event.row, cp::ToString(row.from),
              cp::ToString(row.trigger), cp::ToString(row.to), row.modes, cp::ToString(mode));
        });
      }
      if (row.trigger == cp::Trigger::kCreate || row.trigger == cp::Trigger::kResync) {
        watch.point_taken_event = event_;
      }
      if (event.kind == sim::TraceKind::kFault) {
        Hit(P("a_fault_step_is_taken"), [&] {
          return fmt::format("pipe {}: {} in {}", event.pipe, event.what, event.from);
        });
      }
      watch.traced = row.to;
    }
  }

  // A CDC batch write is traced as `cdc_batch` data of its pipe: it writes
  // the batch read last.
  void NoteData(const sim::TraceEvent& event) {
    if (event.what != "cdc_batch" || event.pipe < 0 || event.pipe >= world_.pipe_count()) return;
    Watch(event.pipe).batch_written = true;
  }

  void ScanChanges() {
    touched_.clear();
    carried_.clear();
    for (PipeWatch& watch : pipes_) watch.swaps_this_event = 0;
    for (const sim::Change& change : world_.changes()) {
      PipeWatch& watch = Watch(change.pipe);
      CheckPaused(change);
      if (change.kind == ChangeKind::kRead) {
        CheckRead(change);
        continue;
      }
      // resync_swap_is_atomic: under the original names nothing changes from
      // the resync step to the swap.
      if (watch.in_resync && change.role == TableRole::kMain && change.kind != ChangeKind::kSwap &&
          watch.swaps_this_event == 0) {
        Hit(P("resync_swap_is_atomic"), [&] {
          return fmt::format("pipe {} table {}: changed ({}) during a resync, before the swap",
                             change.pipe, change.collection, KindName(change.kind));
        });
      }
      switch (change.kind) {
        case ChangeKind::kCreate: {
          TableWatch& table = TableOf(change.pipe, change.collection, change.role);
          table = TableWatch{};
          table.serial = change.serial;
          break;
        }
        case ChangeKind::kSwap:
          OnSwap(change);
          break;
        case ChangeKind::kSnapshotRow:
        case ChangeKind::kCdcRow:
        case ChangeKind::kCarryRow:
          OnRow(change);
          break;
        case ChangeKind::kRead:
          break;
      }
    }
    VerifyTouched();
    VerifyCarried();
    for (int p = 0; p < world_.pipe_count(); ++p) {
      const PipeWatch& watch = Watch(p);
      if (watch.swaps_this_event == 0) continue;
      const int replicated = world_.ReplicatedCount(p);
      if (watch.swaps_this_event != replicated || world_.pipe_model(p).in_resync) {
        Hit(P("resync_swap_is_atomic"), [&] {
          return fmt::format("pipe {}: {} of {} tables swapped in one event (still in resync: {})",
                             p, watch.swaps_this_event, replicated,
                             world_.pipe_model(p).in_resync);
        });
      }
    }
  }

  static std::string_view KindName(ChangeKind kind) {
    switch (kind) {
      case ChangeKind::kCreate: return "created";
      case ChangeKind::kSnapshotRow: return "snapshot row";
      case ChangeKind::kCdcRow: return "CDC row";
      case ChangeKind::kCarryRow: return "carried row";
      case ChangeKind::kSwap: return "swap";
      case ChangeKind::kRead: return "batch read";
    }
    return "?";
  }

  // paused_pulls_nothing: a pipe that was Paused before the event and still
  // is after it reads nothing and receives no row.
  void CheckPaused(const sim::Change& change) {
    const PipeWatch& watch = Watch(change.pipe);
    if (watch.state != cp::State::kPaused) return;
    if (world_.pipe_model(change.pipe).state != cp::State::kPaused) return;
    Hit(P("paused_pulls_nothing"), [&] {
      return fmt::format("pipe {} Paused: {} on table {}{} (_id {}, version {})", change.pipe,
                         KindName(change.kind), change.collection, RoleName(change.role),
                         change.id, change.version);
    });
  }

  // lost_resume_point_never_runs: a batch is read only from a point the
  // oplog still holds. The read also opens the batch that the next commit
  // must have written.
  void CheckRead(const sim::Change& change) {
    PipeWatch& watch = Watch(change.pipe);
    watch.batch_read = true;
    watch.batch_written = false;
    watch.batch_from = change.version;
    watch.batch_to = change.version + change.count;
    if (world_.OplogHolds(change.version)) return;
    Hit(P("lost_resume_point_never_runs"), [&] {
      return fmt::format("pipe {}: a batch of {} changes was read from resume ts {}, which the "
                         "oplog no longer holds",
                         change.pipe, change.count, change.version);
    });
  }

  void OnRow(const sim::Change& change) {
    TableWatch& table = TableOf(change.pipe, change.collection, change.role);
    if (table.serial != change.serial) {
      // A table never announced: judge it from here on.
      table = TableWatch{};
      table.serial = change.serial;
    }
    if (table.max_version.size() <= change.id) {
      table.max_version.resize(std::size_t{change.id} + 1, sim::kNoVersion);
    }
    Ts& highest = table.max_version[change.id];
    if (highest != sim::kNoVersion && highest != change.version) {
      Hit(P("an_id_carries_several_versions"), [&] {
        return fmt::format("pipe {} table {}{} _id {}: versions {} and {}", change.pipe,
                           change.collection, RoleName(change.role), change.id, highest,
                           change.version);
      });
    }
    highest = std::max(highest, change.version);
    if (change.deleted) table.soft_deleted.push_back({change.id, change.version});
    touched_.push_back({change.pipe, change.collection, change.serial, change.id});
    if (change.kind == ChangeKind::kCdcRow) CheckOrder(change, table);
  }

  // changes_apply_in_oplog_order: within one write, versions rise; no write
  // goes below the pipe's committed resume point; a later write that repeats
  // versions is a re-applied batch.
  void CheckOrder(const sim::Change& change, TableWatch& table) {
    const Ts committed = world_.resume_ts(change.pipe);
    if (change.version < committed) {
      Hit(P("changes_apply_in_oplog_order"), [&] {
        return fmt::format("pipe {} table {} _id {}: version {} written below the committed "
                           "resume ts {}",
                           change.pipe, change.collection, change.id, change.version, committed);
      });
    }
    if (table.last_cdc != sim::kNoVersion && change.version <= table.last_cdc) {
      if (table.last_cdc_event == event_) {
        Hit(P("changes_apply_in_oplog_order"), [&] {
          return fmt::format("pipe {} table {} _id {}: version {} written after version {} in "
                             "the same batch",
                             change.pipe, change.collection, change.id, change.version,
                             table.last_cdc);
        });
      } else if (world_.compute_crashes() > table.crashes_at_last_cdc) {
        Hit(P("batch_reapplied_after_crash"), [&] {
          return fmt::format("pipe {} table {}: versions from {} written again (last {})",
                             change.pipe, change.collection, change.version, table.last_cdc);
        });
      }
    }
    table.last_cdc = change.version;
    table.last_cdc_event = event_;
    table.crashes_at_last_cdc = world_.compute_crashes();
  }

  void OnSwap(const sim::Change& change) {
    PipeWatch& watch = Watch(change.pipe);
    ++watch.swaps_this_event;
    TableWatch& original = TableOf(change.pipe, change.collection, TableRole::kMain);
    TableWatch& loaded = TableOf(change.pipe, change.collection, TableRole::kResync);
    if (loaded.serial != change.serial) {
      Hit(P("resync_swap_is_atomic"), [&] {
        return fmt::format("pipe {} table {}: the swap put table #{} in place, not the loaded "
                           "_resync table #{}",
                           change.pipe, change.collection, change.serial, loaded.serial);
      });
    }
    if (!original.soft_deleted.empty()) {
      Hit(P("resync_swaps_with_soft_deleted_rows"), [&] {
        return fmt::format("pipe {} table {}: {} soft-deleted rows to keep", change.pipe,
                           change.collection, original.soft_deleted.size());
      });
    }
    for (const sim::RowRef& row : original.soft_deleted) {
      carried_.push_back({change.pipe, change.collection, change.serial, row});
    }
    original = std::move(loaded);
    loaded = TableWatch{};
  }

  // lower_version_never_hides_higher, for every _id the event wrote: FINAL
  // shows the highest version ever written to the table.
  void VerifyTouched() {
    for (const Touched& t : touched_) {
      const sim::DestinationTable* table = world_.TableBySerial(t.pipe, t.collection, t.serial);
      if (table == nullptr) continue;  // Dropped in the same event.
      const PipeWatch& watch = Watch(t.pipe);
      const TableWatch* shadow = nullptr;
      for (const std::vector<TableWatch>* tables : {&watch.main, &watch.resync}) {
        if (Index(t.collection) < tables->size() &&
            (*tables)[Index(t.collection)].serial == t.serial) {
          shadow = &(*tables)[Index(t.collection)];
        }
      }
      if (shadow == nullptr) continue;
      const Ts highest = shadow->max_version[t.id];
      const sim::FinalSlot slot = table->Slot(t.id);
      if (slot.version == highest) continue;
      Hit(P("lower_version_never_hides_higher"), [&] {
        return fmt::format("pipe {} table {} (#{}) _id {}: FINAL shows version {} but version {} "
                           "was written",
                           t.pipe, t.collection, t.serial, t.id, slot.version, highest);
      });
    }
  }

  // resync_swap_is_atomic, second half: every soft-deleted row of an
  // original table is in the table that replaced it, unless that table has a
  // higher version of the _id.
  void VerifyCarried() {
    for (const Carried& c : carried_) {
      const sim::DestinationTable* table = world_.TableBySerial(c.pipe, c.collection, c.serial);
      const sim::FinalSlot slot = table != nullptr ? table->Slot(c.row.id) : sim::FinalSlot{};
      if (slot.version > c.row.version) continue;
      if (slot.version == c.row.version && slot.deleted) continue;
      Hit(P("resync_swap_is_atomic"), [&] {
        return fmt::format("pipe {} table {}: soft-deleted row _id {} version {} lost by the swap "
                           "(new table has version {})",
                           c.pipe, c.collection, c.row.id, c.row.version, slot.version);
      });
    }
  }

  bool Quiet(int pipe) const {
    return world_.now() >= world_.writes_until() &&
           world_.pipe_model(pipe).state == cp::State::kRunning && world_.compute_up() &&
           world_.destination_available() && world_.resume_ts(pipe) == world_.next_ts() &&
           !world_.batch_in_flight(pipe);
  }

  // converges_when_quiet: the pipe's FINAL view of each replicated
  // collection equals the source (for a CDC-only table: the documents
  // written since its CDC began).
  void CheckConverged(int pipe, std::string_view when) {
    for (int c = 0; c < world_.collection_count(); ++c) {
      if (!world_.Replicates(pipe, c)) continue;
      const auto& source = world_.source(c).documents();
      const sim::DestinationTable& table = world_.destination(pipe, c, TableRole::kMain);
      const std::size_t ids = std::max(source.size(), table.slots.size());
      for (std::size_t i = 0; i < ids; ++i) {
        const DocId id = static_cast<DocId>(i);
        const bool expected = i < source.size() && source[i].live() &&
                              source[i].last_ts >= table.baseline;
        const sim::FinalSlot slot = table.Slot(id);
        const bool same_value = !expected || slot.value == source[i].value;
        if (table.exists && expected == slot.visible() && same_value) continue;
        Hit(P("converges_when_quiet"), [&] {
          return fmt::format(
              "pipe {} table {} _id {} {}: source {}, FINAL {} (version {}{}){}", pipe, c, id,
              when, expected ? fmt::format("value {}", source[i].value) : "absent",
              slot.visible() ? fmt::format("value {}", slot.value) : "absent", slot.version,
              slot.deleted ? ", deleted" : "", table.exists ? "" : ", table missing");
        });
        return;
      }
    }
  }

  // committed_resume_point_never_moves_back: the committed point survives
  // crashes, pauses and outages (D9: CDC re-reads from the last committed
  // point). committed_resume_point_has_its_batch_written: the point moves
  // forward only by committing the batch read from it, once that batch has
  // been written, or to a new point taken by a create or a resync (D11).
  // Otherwise the changes between the two points are never written: a
  // silent gap.
  void CheckCommit(int pipe, PipeWatch& watch, Ts resume_ts) {
    const Ts before = watch.resume_ts;
    if (resume_ts == before) return;
    if (resume_ts < before) {
      Hit(P("committed_resume_point_never_moves_back"), [&] {
        return fmt::format("pipe {}: committed resume ts moved back {} -> {}", pipe, before,
                           resume_ts);
      });
      watch.batch_read = false;
      return;
    }
    const bool new_point = watch.point_taken_event == event_;
    const bool batch_committed = watch.batch_read && watch.batch_written &&
                                 watch.batch_from == before && watch.batch_to == resume_ts;
    watch.batch_read = false;
    if (new_point || batch_committed) return;
    Hit(P("committed_resume_point_has_its_batch_written"), [&] {
      if (!watch.batch_written && watch.batch_from == before && watch.batch_to == resume_ts) {
        return fmt::format("pipe {}: committed resume ts {} -> {} but the batch read from {} was "
                           "never written",
                           pipe, before, resume_ts, before);
      }
      return fmt::format("pipe {}: committed resume ts {} -> {} without a batch read from {} "
                         "and written",
                         pipe, before, resume_ts, before);
    });
  }

  void ScanPipes() {
    const std::uint64_t writes = world_.source_writes();
    const std::uint64_t crashes = world_.compute_crashes();
    for (int p = 0; p < world_.pipe_count(); ++p) {
      PipeWatch& watch = Watch(p);
      const cp::Pipe& pipe = world_.pipe_model(p);
      const Ts resume_ts = world_.resume_ts(p);

      if (pipe.state == cp::State::kCompleted) {
        if (pipe.mode != cp::Mode::kSnapshot) {
          Hit(P("only_snapshot_pipes_complete"), [&] {
            return fmt::format("pipe {} in mode {} is Completed", p, cp::ToString(pipe.mode));
          });
        } else {
          Hit(P("snapshot_pipe_completes"), [&] { return fmt::format("pipe {} Completed", p); });
        }
      }

      CheckCommit(p, watch, resume_ts);
      if (pipe.state != cp::State::kNone && pipe.mode != cp::Mode::kSnapshot) {
        if (world_.batch_in_flight(p) && watch.batch_read && !watch.batch_written &&
            !world_.destination_available()) {
          Hit(P("outage_falls_between_pull_and_write"), [&] {
            return fmt::format("pipe {}: the destination went down with the batch read from ts {} "
                               "not yet written",
                               p, watch.batch_from);
          });
        }
        if (crashes > crashes_) {
          Hit(P("compute_crash_with_a_committed_point"), [&] {
            return fmt::format("pipe {} in {}: compute crash with committed resume ts {}", p,
                               cp::ToString(pipe.state), resume_ts);
          });
        }
      }

      if (watch.state == cp::State::kPaused && pipe.state == cp::State::kPaused) {
        if (resume_ts != watch.resume_ts) {
          Hit(P("paused_pulls_nothing"), [&] {
            return fmt::format("pipe {} Paused: resume ts moved {} -> {}", p, watch.resume_ts,
                               resume_ts);
          });
        }
        if (writes > source_writes_) {
          Hit(P("paused_while_source_writes"), [&] {
            return fmt::format("pipe {} Paused while the source has {} writes", p, writes);
          });
        }
      }

      if (pipe.state == cp::State::kRunning && !pipe.resume_point_in_oplog) {
        Hit(P("lost_resume_point_never_runs"), [&] {
          return fmt::format("pipe {} is Running with resume_point_in_oplog false", p);
        });
      }
      if (pipe.state != cp::State::kNone && pipe.mode != cp::Mode::kSnapshot &&
          !pipe.resume_point_in_oplog) {
        Hit(P("resume_point_lost_occurs"), [&] {
          return fmt::format("pipe {} in {} lost its resume point", p, cp::ToString(pipe.state));
        });
      }

      const bool quiet = Quiet(p);
      if (quiet && !watch.quiet) {
        Hit(P("quiet_and_caught_up"), [&] {
          return fmt::format("pipe {} caught up at resume ts {} after writes stopped", p,
                             resume_ts);
        });
        CheckConverged(p, "when it caught up");
      }
      watch.quiet = quiet;

      if (pipe.state == cp::State::kFailed) {
        if (pipe.cause == cp::Cause::kNone) {
          Hit(P("failed_names_its_cause"), [&] { return fmt::format("pipe {} Failed with no cause", p); });
        }
        Hit(P("a_pipe_fails"), [&] {
          return fmt::format("pipe {} Failed ({})", p, cp::ToString(pipe.cause));
        });
      }

      watch.state = pipe.state;
      watch.resume_ts = resume_ts;
      watch.in_resync = pipe.in_resync;
    }
    source_writes_ = writes;
    crashes_ = crashes;
  }

  const sim::ClickPipeWorld& world_;
  std::vector<PipeWatch> pipes_;
  std::uint64_t event_ = 0;
  std::size_t traced_ = 0;
  std::uint64_t source_writes_ = 0;
  std::uint64_t crashes_ = 0;
  std::vector<Touched> touched_;
  std::vector<Carried> carried_;
  FirstHits hits_{kClickPipeMonitors};
};

}  // namespace

std::unique_ptr<sim::World> ClickPipeMonitors::MakeWorld(const sim::Scenario& scenario,
                                                        const sim::WorldTables& tables) {
  return sim::MakeClickPipeWorld(scenario, tables.clickpipe);
}

std::unique_ptr<Monitor> ClickPipeMonitors::MakeMonitor(const sim::Scenario& scenario,
                                                      const sim::World& world) {
  const auto* clickpipe = dynamic_cast<const sim::ClickPipeWorld*>(&world);
  PIPECHECK_ASSERT(clickpipe != nullptr);
  return std::make_unique<ClickPipeMonitor>(scenario, *clickpipe);
}

}  // namespace pipecheck::properties
