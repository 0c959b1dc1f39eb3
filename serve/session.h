// serve/session.h: one live simulated world behind `pipecheck serve`.
//
// A Session is a world made from a scenario with no steps (its seed and
// configuration), its live property monitor, a virtual clock that moves only
// when told (Advance), and the record of every step applied: each request
// the API accepted or refused and each fault, at its virtual time. The
// record is a `pipecheck-scenario/1` file whose replay gives the same trace,
// because a step is applied exactly as `replay` applies it: internal events
// due up to now first, then the step (properties/runner.cc).
//
// The record can also be a journal on disk (OpenJournal, sim/journal.h):
// each step, clock move and first violation is written to the OS as it
// happens, so killing the process loses nothing the client saw.
//
// Reads that are model triggers (mongosync's `progress`) go through Poll:
// a read that repeats the last recorded step and gets the same answer, with
// nothing happened in between, is not recorded again, so a client polling
// in a loop grows neither the record nor the journal.
//
// Not thread-safe: `serve` applies every request, clock tick and advance on
// its event loop's one thread (serve/server.h), one at a time in the order
// it reads them. The real clock lives outside the world: a timer on that
// loop that calls AdvanceSome.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <optional>
#include <ostream>

#include "properties/monitors.h"
#include "properties/property.h"
#include "serve/trace_file.h"
#include "sim/journal.h"
#include "sim/scenario.h"
#include "sim/world.h"

namespace pipecheck::serve {

class Session {
 public:
  // `base` gives the model, profile, seed and configuration; its steps are
  // ignored. The world and monitor are the binding's (Monitors::MakeWorld,
  // Monitors::MakeMonitor) for `base`.
  // `tables`: the lifecycle tables the world follows (a mutated one in
  // tests: a world that violates a property on purpose); they must outlive
  // the session.
  template <class Monitors>
  static std::unique_ptr<Session> Make(sim::Scenario base, const sim::WorldTables& tables = {}) {
    base.steps.clear();
    // The workload does not stop by itself in a live session: writes_until
    // is written into the record, so replay keeps the same workload.
    if (!base.config.writes_until) base.config.writes_until = kForever;
    auto session = std::unique_ptr<Session>(new Session(std::move(base)));
    session->make_ = [tables](Session& made) {
      made.world_ = Monitors::MakeWorld(made.base_, tables);
      made.monitor_ = Monitors::MakeMonitor(made.base_, *made.world_);
    };
    session->make_(*session);
    session->catalogue_ = Monitors::Catalogue();
    return session;
  }

  // A fresh session with the same seed and configuration (POST
  // /pipecheck/v1/reset): a new world and monitor at time 0, no steps, no
  // violations, the clock's events due at 0 processed (Advance(0)). With a
  // journal, the one so far is left as it is, the record of the session
  // before the reset, and a new one is opened beside it with ".reset-N"
  // before its extension (journal_path() names it). generation() counts
  // the resets. Throws InputError if the new journal cannot be created
  // (the session is then reset, without a journal).
  void Reset();
  std::uint64_t generation() const { return generation_; }


  sim::Millis now() const { return world_->now(); }
  // Applies `step` at now() (its `at` is set to now) and records it, with
  // the outcome as its expectation, so that replay checks the same answer.
  sim::StepOutcome Do(sim::Step step);
  // Moves the clock forward by `by`, processing every internal event due.
  void Advance(sim::Millis by);
  // Advances the clock towards `until` (absolute virtual ms), processing at
  // most `max_events` internal events (0 is taken as 1); returns true when
  // now() == until with every event due by then processed, and at once when
  // until < now() (the clock never goes back). Its run_until is journaled.
  // A caller that releases the lock between calls lets requests in while a
  // long advance runs; the trace is the same as one Advance's.
  // `journal_clock` false leaves the clock's line to the next JournalClock
  // (the real clock ticks 20 times a second; its server journals the clock
  // before each answer and once a second instead).
  bool AdvanceSome(sim::Millis until, std::size_t max_events, bool journal_clock = true);
  // A run_until line when the clock moved since the journal's last line.
  void JournalClock();

  // A read of the world that is a model trigger (mongosync `progress`):
  // `answer(session)` computes the body the client gets. When the last
  // recorded step is the same read (action, fault or not, pipe), no trace
  // event happened since it and the answer now is the one it got, the read
  // is folded: not applied, not recorded, counted in reads_folded().
  // Otherwise it is applied with Do() and recorded. The answer is computed
  // after the step is applied, when it is. Replaying the record gives every
  // answer the client saw: a folded read saw what the recorded one did.
  struct PollResult {
    sim::StepOutcome outcome;
    std::string answer;
    bool folded = false;
  };
  PollResult Poll(sim::Step step, const std::function<std::string(const Session&)>& answer);
  std::uint64_t reads_folded() const { return reads_folded_; }

  // Creates the journal at `path` (which must not exist: see
  // sim::JournalFile) and writes its header, the steps recorded so far, the
  // time and the violations seen; from then on every recorded step, every
  // clock move and the first violation of each property append a line.
  // Throws InputError naming the path if it cannot be created, or if a
  // journal is already open.
  void OpenJournal(const std::string& path);
  const std::string& journal_path() const;  // Empty without a journal.
  std::uint64_t journal_bytes() const;      // The journal's length so far (whole lines).
  // Why the journal stopped growing (a failed write), or empty.
  const std::string& journal_error() const;

  // From now on the trace is kept in an unnamed file in `directory`
  // (serve/trace_file.h), not in memory: after a step or an advance, once
  // the monitor has read them, the events held are given away to it when
  // there are kTraceEventsHeld of them. The trace hash still covers them, and
  // TraceJsonl reads them back. Throws InputError naming the directory.
  void KeepTraceIn(const std::string& directory);
  static constexpr std::size_t kTraceEventsHeld = 4096;
  // Why the trace's file stopped growing, or empty.
  const std::string& trace_file_error() const;

  // The trace as JSON lines, a part at a time, from anywhere in it: appends
  // to `out` the lines of events `next` to at most `end` (exclusive), about
  // 64 KiB at most, moving `next` on and `offset` (the byte where event
  // `next`'s line starts: 0 with `next` 0) with it. Returns false once `next`
  // reaches `end`. The session may move on between calls.
  bool TraceJsonl(std::size_t& next, std::uint64_t& offset, std::size_t end, std::string& out) const;

  const sim::World& world() const { return *world_; }
  const sim::Scenario& base() const { return base_; }
  // The steps applied so far (a repeated step counts each time).
  std::uint64_t steps() const { return applied_; }

  // The session so far as a scenario: the base, every step, run_until now;
  // expect.properties names the first violated property, if any.
  sim::Scenario Recording() const;
  // Recording() as `pipecheck-scenario/1` JSON on `out`, a step at a time,
  // without building the document in memory.
  void WriteRecording(std::ostream& out) const;
  // The always-properties violated so far, in catalogue order.
  std::vector<properties::PropertyResult> Violations() const;
  std::uint64_t TraceHash() const { return world_->trace().Hash(); }

  // Called (with the session locked) the first time each always-property is
  // violated, after the step or advance that violated it.
  std::function<void(const properties::PropertyResult&)> on_violation;

  static constexpr sim::Millis kForever = 3650 * sim::kDay;  // The longest duration a scenario holds.

 private:
  explicit Session(sim::Scenario base) : base_(std::move(base)) {}
  void Drain(sim::Millis until);
  void Judge();  // Journals and calls on_violation for violations not seen before.
  void Journal(const std::string& line);
  bool Folds(const sim::Step& step) const;  // Poll: the same read as the last step.

  sim::Scenario base_;
  std::unique_ptr<sim::World> world_;
  std::unique_ptr<properties::Monitor> monitor_;
  std::span<const properties::Property> catalogue_;
  std::vector<sim::Step> steps_;  // Folded by sim::FoldRepeat.
  std::uint64_t applied_ = 0;
  std::vector<std::string> reported_;  // Violated properties already reported.
  void KeepTraceSmall();  // Gives the trace away to trace_file_ past kTraceEventsHeld.
  std::function<void(Session&)> make_;  // Makes world_ and monitor_ from base_.
  std::uint64_t generation_ = 0;
  std::string journal_first_path_;  // The journal's path before any reset.
  std::string trace_directory_;
  std::unique_ptr<TraceFile> trace_file_;
  std::unique_ptr<sim::JournalFile> journal_;
  sim::Millis journaled_until_ = 0;    // The latest time the journal holds.
  // The last recorded step, when it was a Poll: its outcome, its answer and
  // the trace's size after it.
  std::optional<PollResult> last_read_;
  std::size_t trace_after_last_read_ = 0;
  // The world at the last recorded read: its events processed and its clock.
  std::uint64_t events_after_last_read_ = 0;
  sim::Millis now_at_last_read_ = -1;
  std::uint64_t reads_folded_ = 0;
};

}  // namespace pipecheck::serve
