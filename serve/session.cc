#include "serve/session.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "model/input_error.h"

namespace pipecheck::serve {

void Session::Drain(sim::Millis until) {
  while (world_->ProcessNext(until)) monitor_->AfterEvent();
  world_->AdvanceTo(until);
}

sim::StepOutcome Session::Do(sim::Step step) {
  step.at = world_->now();
  Drain(step.at);
  const sim::StepOutcome outcome = world_->Apply(step);
  monitor_->AfterEvent();
  step.expect.accepted = outcome.accepted;
  step.expect.error.reset();
  if (journal_) Journal(sim::JournalStepLine(step, base_));
  journaled_until_ = std::max(journaled_until_, step.at);
  ++applied_;
  // A client repeating a request at a steady rate (a 1 Hz poll) is one
  // repeated step in memory and in the record, not one step a request.
  if (steps_.empty() || !sim::FoldRepeat(steps_.back(), step)) steps_.push_back(std::move(step));
  last_read_.reset();
  Judge();
  KeepTraceSmall();
  return outcome;
}

bool Session::Folds(const sim::Step& step) const {
  if (!last_read_ || world_->trace().size() != trace_after_last_read_) return false;
  const sim::Step& last = steps_.back();
  return last.action == step.action && last.is_fault == step.is_fault && last.pipe == step.pipe &&
         !last.duration && !step.duration && !last.body && !step.body;
}

Session::PollResult Session::Poll(sim::Step step, const std::function<std::string(const Session&)>& answer) {
  if (Folds(step)) {
    // Neither an event nor the clock moved since the last read: the world is
    // as it was, so the answer is too, without computing it again (a client
    // polling in a tight loop costs one answer, not one a poll).
    if (world_->events_processed() == events_after_last_read_ && world_->now() == now_at_last_read_) {
      ++reads_folded_;
      return {last_read_->outcome, last_read_->answer, /*folded=*/true};
    }
    // Nothing has happened since the recorded read, but the answer may still
    // depend on the clock (a lag in seconds): fold only an identical one.
    std::string now_answer = answer(*this);
    if (now_answer == last_read_->answer) {
      events_after_last_read_ = world_->events_processed();  // The answer holds for the world as it is now.
      now_at_last_read_ = world_->now();
      ++reads_folded_;
      return {last_read_->outcome, std::move(now_answer), /*folded=*/true};
    }
  }
  PollResult result;
  result.outcome = Do(std::move(step));
  result.answer = answer(*this);
  last_read_ = result;
  trace_after_last_read_ = world_->trace().size();
  events_after_last_read_ = world_->events_processed();
  now_at_last_read_ = world_->now();
  return result;
}

void Session::Advance(sim::Millis by) {
  AdvanceSome(world_->now() + by, std::numeric_limits<std::size_t>::max());
}

bool Session::AdvanceSome(sim::Millis until, std::size_t max_events, bool journal_clock) {
  if (until < world_->now()) return true;
  // Stopped by max_events, the clock stays at the last event processed (not
  // at `until`): a step applied in between is at a time the replay reaches
  // the same way, after the events due by then, as Drain does.
  bool reached = false;
  for (std::size_t events = 0; events < std::max<std::size_t>(max_events, 1); ++events) {
    if (!world_->ProcessNext(until)) {
      reached = true;
      break;
    }
    monitor_->AfterEvent();
  }
  if (reached) world_->AdvanceTo(until);
  if (journal_clock) JournalClock();
  Judge();
  KeepTraceSmall();
  return reached;
}

void Session::Judge() {
  if (!on_violation && !journal_) return;
  for (const properties::PropertyResult& violated : Violations()) {
    if (std::find(reported_.begin(), reported_.end(), violated.name) != reported_.end()) continue;
    reported_.push_back(violated.name);
    if (journal_) Journal(sim::JournalViolatedLine(violated.name));
    if (on_violation) on_violation(violated);
  }
}

void Session::Reset() {
  make_(*this);
  ++generation_;
  steps_.clear();
  applied_ = 0;
  reported_.clear();
  journaled_until_ = 0;
  last_read_.reset();
  trace_after_last_read_ = 0;
  events_after_last_read_ = 0;
  now_at_last_read_ = -1;
  reads_folded_ = 0;
  if (trace_file_) trace_file_ = std::make_unique<TraceFile>(trace_directory_);
  if (journal_) {
    const std::filesystem::path first(journal_first_path_);
    const std::string next =
        (first.parent_path() / fmt::format("{}.reset-{}{}", first.stem().string(), generation_, first.extension().string()))
            .string();
    journal_.reset();
    Advance(0);
    OpenJournal(next);
    return;
  }
  Advance(0);
}

void Session::KeepTraceIn(const std::string& directory) {
  trace_directory_ = directory;
  trace_file_ = std::make_unique<TraceFile>(directory);
  KeepTraceSmall();
}

const std::string& Session::trace_file_error() const {
  static const std::string kNone;
  return trace_file_ ? trace_file_->error() : kNone;
}

void Session::KeepTraceSmall() {
  sim::Trace& trace = world_->mutable_trace();
  if (!trace_file_ || trace.size() - trace.first_held() < kTraceEventsHeld) return;
  // Every caller runs after monitor_->AfterEvent(): the monitor has read
  // every event held, as GiveAway requires.
  trace.GiveAway([this](std::string_view jsonl) { trace_file_->Append(jsonl); });
}

bool Session::TraceJsonl(std::size_t& next, std::uint64_t& offset, std::size_t end, std::string& out) const {
  constexpr std::size_t kPartBytes = 64 * 1024;
  const sim::Trace& trace = world_->trace();
  end = std::min(end, trace.size());
  if (next >= end) return false;
  if (next < trace.first_held()) {
    // Given away: whole lines from the file, as many as are wanted.
    std::string bytes = trace_file_ ? trace_file_->Read(offset, kPartBytes) : std::string();
    std::size_t taken = 0;
    std::size_t lines = 0;
    for (std::size_t newline; next + lines < std::min(end, trace.first_held()) &&
                              (newline = bytes.find('\n', taken)) != std::string::npos;) {
      taken = newline + 1;
      ++lines;
    }
    if (lines == 0) {
      // A line longer than a part (not written by ToJsonLine), or a file
      // that stopped growing: the trace cannot go on from here.
      next = end;
      return false;
    }
    out.append(bytes, 0, taken);
    next += lines;
    offset += taken;
    return true;
  }
  while (next < end && out.size() < kPartBytes) {
    const std::string line = sim::Trace::ToJsonLine(trace.at(next++));
    out += line;
    out += '\n';
    offset += line.size() + 1;
  }
  return true;
}

void Session::Journal(const std::string& line) { journal_->Append(line); }

void Session::JournalClock() {
  if (world_->now() <= journaled_until_) return;
  journaled_until_ = world_->now();
  if (journal_) Journal(sim::JournalRunUntilLine(journaled_until_));
}

void Session::OpenJournal(const std::string& path) {
  if (journal_) throw InputError(fmt::format("a journal is already open: {}", journal_->path()), path);
  journal_ = std::make_unique<sim::JournalFile>(path, base_);
  if (journal_first_path_.empty()) journal_first_path_ = path;
  // A journal opened late still holds the whole session, so that it replays
  // to the live trace like one opened at the start.
  for (const sim::Step& step : steps_) Journal(sim::JournalStepLine(step, base_));
  if (world_->now() > 0) Journal(sim::JournalRunUntilLine(world_->now()));
  journaled_until_ = world_->now();
  for (const properties::PropertyResult& violated : Violations()) {
    Journal(sim::JournalViolatedLine(violated.name));
    if (std::find(reported_.begin(), reported_.end(), violated.name) == reported_.end()) {
      reported_.push_back(violated.name);
    }
  }
}

const std::string& Session::journal_path() const {
  static const std::string kNone;
  return journal_ ? journal_->path() : kNone;
}

std::uint64_t Session::journal_bytes() const { return journal_ ? journal_->bytes() : 0; }

const std::string& Session::journal_error() const {
  static const std::string kNone;
  return journal_ ? journal_->error() : kNone;
}

std::vector<properties::PropertyResult> Session::Violations() const {
  std::vector<properties::PropertyResult> violated;
  for (properties::PropertyResult& result : monitor_->Results()) {
    if (result.verdict == properties::Verdict::kViolated) violated.push_back(std::move(result));
  }
  return violated;
}

sim::Scenario Session::Recording() const {
  sim::Scenario scenario = base_;
  scenario.steps = steps_;
  scenario.run_until = world_->now();
  const std::vector<properties::PropertyResult> violated = Violations();
  if (!violated.empty()) scenario.expect.properties = violated.front().name;
  return scenario;
}

void Session::WriteRecording(std::ostream& out) const {
  sim::ScenarioWriter writer(out, base_);
  for (const sim::Step& step : steps_) writer.Step(step);
  sim::Expect expect = base_.expect;
  const std::vector<properties::PropertyResult> violated = Violations();
  if (!violated.empty()) expect.properties = violated.front().name;
  writer.End(world_->now(), expect);
}

}  // namespace pipecheck::serve
