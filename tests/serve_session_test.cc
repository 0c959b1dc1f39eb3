// tests/serve_session_test.cc: the live session's journal, folded reads and
// chunked advances, without HTTP.
//
// A Session is built in-process as `serve` builds it. The claims: the
// journal on disk replays (through LoadScenario, as `replay` reads it) to
// the live trace hash after every line, and after a crash cut its last line;
// a bad line in the middle is an error naming the line; a client polling
// /progress in a loop records one step, not one a poll; an advance in
// chunks gives the trace of one advance; a journal is only ever a new file.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "model/input_error.h"
#include "model/mongosync.h"
#include "properties/clickpipe_monitors.h"
#include "properties/mongosync_monitors.h"
#include "properties/runner.h"
#include "serve/mongosync_api.h"
#include "serve/session.h"
#include "sim/journal.h"
#include "sim/scenario.h"
#include "sim/time.h"

namespace pipecheck::serve {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the test's temp dir, removed at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::path(::testing::TempDir()) / "pipecheck-journal-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) ? pattern : "";
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const { return (fs::path(path_) / name).string(); }

 private:
  std::string path_;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void WriteAll(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

sim::Scenario Base(sim::ModelKind model) {
  sim::Scenario base;
  base.name = "journal test";
  base.model = model;
  base.seed = 11;
  base.config.documents = 200;
  if (model == sim::ModelKind::kClickPipe) base.config.pipes = 2;
  return base;
}

template <class Monitors>
std::uint64_t ReplayHash(const sim::Scenario& scenario) {
  const properties::RunResult result = properties::RunScenario<Monitors>(scenario);
  EXPECT_TRUE(result.passed()) << "the replay does not meet the record's expectations";
  return result.trace_hash();
}

sim::Step Op(const std::string& action, int pipe = 0) {
  sim::Step step;
  step.action = action;
  step.pipe = pipe;
  return step;
}

sim::Step Fault(const std::string& action, sim::Millis duration, int pipe = 0) {
  sim::Step step = Op(action, pipe);
  step.is_fault = true;
  step.duration = duration;
  return step;
}

// One event of a session: a step, or an advance when `step` has no action.
struct Event {
  sim::Step step;
  sim::Millis advance = 0;
};

std::vector<Event> Events(sim::ModelKind model) {
  if (model == sim::ModelKind::kMongosync) {
    return {{Op("start"), 0},        {{}, 20 * sim::kMinute}, {Op("progress"), 0},
            {Op("commit"), 0},       {{}, 3 * sim::kHour},    {Op("pause"), 0},
            {Fault("crash", 5 * sim::kMinute), 0}, {{}, 1500},  {Op("resume"), 0},
            {{}, 2 * sim::kHour},    {Op("progress"), 0},     {Op("commit"), 0}};
  }
  return {{Op("create"), 0},  {Op("create", 1), 0}, {{}, 30 * sim::kMinute}, {Op("pause"), 0},
          {{}, 1 * sim::kHour}, {Fault("compute_crash", 10 * sim::kMinute), 0}, {Op("resume"), 0},
          {{}, 1500},         {Op("resync", 1), 0}, {{}, 3 * sim::kHour},   {Op("pause", 1), 0}};
}

// Applies the events; the live trace hash after each (journal line order:
// every event here writes exactly one line, no property being violated).
std::vector<std::uint64_t> Apply(Session& session, const std::vector<Event>& events) {
  std::vector<std::uint64_t> hashes;
  for (const Event& event : events) {
    if (event.step.action.empty()) {
      session.Advance(event.advance);
    } else {
      session.Do(event.step);
    }
    hashes.push_back(session.TraceHash());
  }
  return hashes;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

template <class Monitors>
void JournalRoundTrip(sim::ModelKind model) {
  TempDir dir;
  const std::string path = dir.File("session.jsonl");
  auto session = Session::Make<Monitors>(Base(model));
  session->OpenJournal(path);
  EXPECT_EQ(session->journal_path(), path);
  const std::vector<Event> events = Events(model);
  const std::vector<std::uint64_t> hashes = Apply(*session, events);
  ASSERT_TRUE(session->Violations().empty()) << "the events are meant to violate nothing";
  EXPECT_TRUE(session->journal_error().empty()) << session->journal_error();

  // As a kill -9 leaves it: everything, read through replay's reader.
  const std::string text = ReadAll(path);
  ASSERT_EQ(Lines(text).size(), events.size() + 1) << text;
  const sim::Scenario whole = sim::LoadScenario(path);
  EXPECT_EQ(whole.steps.size(), session->steps());
  EXPECT_EQ(whole.run_until, session->now());
  EXPECT_EQ(ReplayHash<Monitors>(whole), session->TraceHash());
  EXPECT_EQ(sim::ToJson(whole).dump(), sim::ToJson(session->Recording()).dump());

  // Killed while writing the last line (a step): the line is dropped, and
  // the journal replays to the hash as it was before that step.
  ASSERT_FALSE(events.back().step.action.empty());
  const std::size_t last = text.rfind('\n', text.size() - 2) + 1;
  WriteAll(path, text.substr(0, last + (text.size() - last) / 2));
  const sim::Scenario cut = sim::LoadScenario(path);
  EXPECT_EQ(cut.steps.size(), session->steps() - 1);
  EXPECT_EQ(ReplayHash<Monitors>(cut), hashes[hashes.size() - 2]);

  // A line cut in the middle of the journal is not a crash: an error naming it.
  std::vector<std::string> lines = Lines(text);
  lines[3].resize(lines[3].size() / 2);
  std::string broken;
  for (const std::string& line : lines) broken += line + "\n";
  WriteAll(path, broken);
  try {
    sim::LoadScenario(path);
    ADD_FAILURE() << "a cut middle line was read";
  } catch (const InputError& error) {
    EXPECT_TRUE(error.where().starts_with(path + ":4")) << error.where() << ": " << error.what();
  }
}

TEST(SessionJournal, MongosyncJournalReplaysToTheLiveHashAndSurvivesACutLastLine) {
  JournalRoundTrip<properties::MongosyncMonitors>(sim::ModelKind::kMongosync);
}

TEST(SessionJournal, ClickPipeJournalReplaysToTheLiveHashAndSurvivesACutLastLine) {
  JournalRoundTrip<properties::ClickPipeMonitors>(sim::ModelKind::kClickPipe);
}

TEST(SessionJournal, EveryPrefixOfTheJournalReplaysToTheLiveHashOfItsLastLine) {
  TempDir dir;
  const std::string path = dir.File("session.jsonl");
  auto session = Session::Make<properties::MongosyncMonitors>(Base(sim::ModelKind::kMongosync));
  session->OpenJournal(path);
  const std::vector<std::uint64_t> hashes =
      Apply(*session, Events(sim::ModelKind::kMongosync));
  const std::vector<std::string> lines = Lines(ReadAll(path));
  ASSERT_EQ(lines.size(), hashes.size() + 1) << "the header, then one line a step or advance";
  const std::string prefix_path = dir.File("prefix.jsonl");
  std::string prefix = lines[0] + "\n";
  for (std::size_t i = 1; i < lines.size(); ++i) {
    prefix += lines[i] + "\n";
    WriteAll(prefix_path, prefix);
    EXPECT_EQ(ReplayHash<properties::MongosyncMonitors>(sim::LoadScenario(prefix_path)), hashes[i - 1])
        << "after line " << i + 1 << ": " << lines[i];
  }
}

TEST(SessionJournal, AViolationIsJournaledAndTheJournalExpectsIt) {
  TempDir dir;
  const std::string path = dir.File("session.jsonl");
  // A scenario whose steps violate a property, played as a client would.
  const sim::Scenario played = sim::LoadScenario(
      std::string(PIPECHECK_SOURCE_DIR) + "/tests/scenarios/ms-verification-disabled-commits-a-corrupted-destination.json");
  sim::Scenario base = played;
  base.expect = {};  // A session expects nothing but what it saw.
  auto session = Session::Make<properties::MongosyncMonitors>(base);
  session->OpenJournal(path);
  std::vector<std::string> reported;
  session->on_violation = [&](const properties::PropertyResult& violated) { reported.push_back(violated.name); };
  for (const sim::Step& step : played.steps) {
    session->Advance(step.at - session->now());
    session->Do(step);
  }
  session->Advance(played.run_until - session->now());
  ASSERT_EQ(reported, std::vector<std::string>{played.expect.properties});
  const std::string text = ReadAll(path);
  EXPECT_NE(text.find("{\"violated\":\"" + reported.front() + "\"}\n"), std::string::npos) << text;
  const sim::Scenario journal = sim::LoadScenario(path);
  EXPECT_EQ(journal.expect.properties, reported.front());
  EXPECT_EQ(sim::ToJson(journal).dump(), sim::ToJson(session->Recording()).dump());
  EXPECT_EQ(ReplayHash<properties::MongosyncMonitors>(journal), session->TraceHash());
}

TEST(SessionJournal, WriteRecordingAndJournalToScenarioGiveTheRecording) {
  TempDir dir;
  const std::string path = dir.File("session.jsonl");
  auto session = Session::Make<properties::ClickPipeMonitors>(Base(sim::ModelKind::kClickPipe));
  session->Do(Op("create"));  // Before the journal: OpenJournal writes it too.
  session->Advance(5 * sim::kMinute);
  session->OpenJournal(path);
  Apply(*session, Events(sim::ModelKind::kClickPipe));
  const std::string recording = sim::ToJson(session->Recording()).dump();

  std::ostringstream written;
  session->WriteRecording(written);
  EXPECT_EQ(sim::ToJson(sim::ParseScenario(sim::ParseJsonText(written.str(), "written"), "written")).dump(),
            recording);
  std::ostringstream copied;
  sim::JournalToScenario(path, copied);
  EXPECT_EQ(sim::ToJson(sim::ParseScenario(sim::ParseJsonText(copied.str(), "copied"), "copied")).dump(),
            recording);

  auto empty = Session::Make<properties::ClickPipeMonitors>(Base(sim::ModelKind::kClickPipe));
  std::ostringstream none;
  empty->WriteRecording(none);
  EXPECT_EQ(sim::ToJson(sim::ParseScenario(sim::ParseJsonText(none.str(), "none"), "none")).dump(),
            sim::ToJson(empty->Recording()).dump());
}

TEST(SessionJournal, OpenJournalRefusesAnExistingFileAndASymlink) {
  TempDir dir;
  auto session = Session::Make<properties::MongosyncMonitors>(Base(sim::ModelKind::kMongosync));
  const std::string existing = dir.File("existing.jsonl");
  WriteAll(existing, "keep me\n");
  EXPECT_THROW(session->OpenJournal(existing), InputError);
  EXPECT_EQ(ReadAll(existing), "keep me\n");

  const std::string target = dir.File("target");
  WriteAll(target, "untouched\n");
  const std::string link = dir.File("link.jsonl");
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  try {
    session->OpenJournal(link);
    ADD_FAILURE() << "a symlink was opened";
  } catch (const InputError& error) {
    EXPECT_EQ(error.where(), link);
  }
  EXPECT_EQ(ReadAll(target), "untouched\n");

  const std::string dangling = dir.File("dangling.jsonl");
  const std::string nowhere = dir.File("nowhere");
  ASSERT_EQ(::symlink(nowhere.c_str(), dangling.c_str()), 0);
  EXPECT_THROW(session->OpenJournal(dangling), InputError);
  EXPECT_FALSE(fs::exists(nowhere));
  EXPECT_TRUE(session->journal_path().empty());

  session->OpenJournal(dir.File("new.jsonl"));
  EXPECT_THROW(session->OpenJournal(dir.File("second.jsonl")), InputError);
}

std::string Progress(const Session& session) { return MongosyncProgress(session).dump(); }

TEST(SessionPoll, IdenticalPollsAreFoldedAndTheRecordStillReplays) {
  TempDir dir;
  auto session = Session::Make<properties::MongosyncMonitors>(Base(sim::ModelKind::kMongosync));
  session->OpenJournal(dir.File("session.jsonl"));
  session->Do(Op("start"));
  session->Advance(10 * sim::kMinute);
  const std::size_t before = session->steps();
  const Session::PollResult first = session->Poll(Op("progress"), Progress);
  EXPECT_FALSE(first.folded);
  EXPECT_TRUE(first.outcome.accepted);
  for (int i = 1; i < 1000; ++i) {
    const Session::PollResult again = session->Poll(Op("progress"), Progress);
    ASSERT_TRUE(again.folded) << "poll " << i;
    ASSERT_EQ(again.answer, first.answer);
    ASSERT_EQ(again.outcome.accepted, first.outcome.accepted);
  }
  EXPECT_EQ(session->steps(), before + 1);
  EXPECT_EQ(session->reads_folded(), 999u);

  // The world moved on: the next poll sees something new and is recorded.
  session->Advance(1 * sim::kHour);
  const Session::PollResult later = session->Poll(Op("progress"), Progress);
  EXPECT_FALSE(later.folded);
  EXPECT_NE(later.answer, first.answer);
  EXPECT_EQ(session->steps(), before + 2);
  EXPECT_EQ(ReplayHash<properties::MongosyncMonitors>(session->Recording()), session->TraceHash());
  EXPECT_EQ(ReplayHash<properties::MongosyncMonitors>(sim::LoadScenario(session->journal_path())),
            session->TraceHash());
}

TEST(SessionPoll, APollAfterTraceEventsIsRecordedEvenWithTheSameAnswer) {
  auto session = Session::Make<properties::MongosyncMonitors>(Base(sim::ModelKind::kMongosync));
  session->Do(Op("start"));
  // An answer that does not show what changed: the trace still does.
  const auto same = [](const Session&) { return std::string("same"); };
  EXPECT_FALSE(session->Poll(Op("progress"), same).folded);
  EXPECT_TRUE(session->Poll(Op("progress"), same).folded);
  const std::size_t trace = session->world().trace().size();
  session->Advance(1 * sim::kMinute);
  ASSERT_GT(session->world().trace().size(), trace);
  EXPECT_FALSE(session->Poll(Op("progress"), same).folded);
  EXPECT_EQ(session->steps(), 3u);
  EXPECT_EQ(session->reads_folded(), 1u);
}

TEST(SessionPoll, APollWhoseAnswerChangedWithTheClockIsRecorded) {
  auto session = Session::Make<properties::MongosyncMonitors>(Base(sim::ModelKind::kMongosync));
  // An answer that moves with the clock alone, as lagTimeSeconds can.
  const auto clock = [](const Session& s) { return sim::FormatDuration(s.now()); };
  EXPECT_FALSE(session->Poll(Op("progress"), clock).folded);
  const std::size_t trace = session->world().trace().size();
  session->Advance(1 * sim::kHour);  // IDLE: nothing happens but the clock.
  ASSERT_EQ(session->world().trace().size(), trace);
  const Session::PollResult later = session->Poll(Op("progress"), clock);
  EXPECT_FALSE(later.folded);
  EXPECT_EQ(later.answer, "1h");
  EXPECT_EQ(session->steps(), 2u);
}

TEST(SessionPoll, APollWithNothingMovedIsAnsweredWithoutComputingTheAnswer) {
  auto session = Session::Make<properties::MongosyncMonitors>(Base(sim::ModelKind::kMongosync));
  session->Do(Op("start"));
  session->Advance(10 * sim::kMinute);
  int computed = 0;
  const auto counted = [&computed](const Session& s) {
    ++computed;
    return Progress(s);
  };
  const std::string first = session->Poll(Op("progress"), counted).answer;
  for (int i = 0; i < 100; ++i) ASSERT_EQ(session->Poll(Op("progress"), counted).answer, first);
  EXPECT_EQ(computed, 1);
  EXPECT_EQ(session->reads_folded(), 100u);
  session->Advance(sim::kSecond);  // The clock moved: computed again, and different.
  EXPECT_NE(session->Poll(Op("progress"), counted).answer, first);
  EXPECT_GT(computed, 1);
}

TEST(SessionPoll, AnAnswerIsNotReusedOnceTheClockMovedEvenWithNoEvent) {
  sim::Scenario base = Base(sim::ModelKind::kMongosync);
  base.config.writes_per_hour = 0;  // No workload: an idle hour processes no event at all.
  auto session = Session::Make<properties::MongosyncMonitors>(base);
  const auto clock = [](const Session& s) { return sim::FormatDuration(s.now()); };
  session->Advance(0);
  EXPECT_EQ(session->Poll(Op("progress"), clock).answer, "0s");
  const std::uint64_t events = session->world().events_processed();
  session->Advance(1 * sim::kHour);
  ASSERT_EQ(session->world().events_processed(), events) << "the hour was meant to process nothing";
  EXPECT_EQ(session->Poll(Op("progress"), clock).answer, "1h");
}

TEST(SessionPoll, AnotherStepBetweenPollsIsNotFolded) {
  auto session = Session::Make<properties::MongosyncMonitors>(Base(sim::ModelKind::kMongosync));
  session->Poll(Op("progress"), Progress);
  session->Do(Op("pause"));  // Refused in IDLE: no state change, but a step.
  EXPECT_FALSE(session->Poll(Op("progress"), Progress).folded);
  EXPECT_EQ(session->steps(), 3u);
}

template <class Monitors>
void ChunkedAdvance(sim::ModelKind model, const sim::Step& start) {
  sim::Scenario base = Base(model);
  base.config.writes_per_hour = 60;  // 100 days of workload in a few seconds.
  auto whole = Session::Make<Monitors>(base);
  auto chunked = Session::Make<Monitors>(base);
  whole->Do(start);
  chunked->Do(start);
  whole->Advance(100 * sim::kDay);
  constexpr std::size_t kMaxEvents = 500;
  int calls = 0;
  for (bool done = false; !done; ++calls) {
    const std::uint64_t events = chunked->world().events_processed();
    done = chunked->AdvanceSome(100 * sim::kDay, kMaxEvents);
    ASSERT_LE(chunked->world().events_processed() - events, kMaxEvents);
    ASSERT_LT(calls, 100000);
  }
  EXPECT_GT(calls, 2);
  EXPECT_EQ(chunked->now(), 100 * sim::kDay);
  EXPECT_EQ(chunked->TraceHash(), whole->TraceHash());
  EXPECT_EQ(chunked->world().events_processed(), whole->world().events_processed());
  EXPECT_EQ(ReplayHash<Monitors>(chunked->Recording()), whole->TraceHash());
  EXPECT_TRUE(chunked->AdvanceSome(50 * sim::kDay, kMaxEvents)) << "the clock does not go back";
  EXPECT_EQ(chunked->now(), 100 * sim::kDay);
}

TEST(SessionAdvance, MongosyncAdvanceInChunksIsOneAdvance) {
  ChunkedAdvance<properties::MongosyncMonitors>(sim::ModelKind::kMongosync, Op("start"));
}

TEST(SessionAdvance, ClickPipeAdvanceInChunksIsOneAdvance) {
  ChunkedAdvance<properties::ClickPipeMonitors>(sim::ModelKind::kClickPipe, Op("create"));
}

TEST(SessionAdvance, AStepBetweenChunksReplaysToTheLiveHash) {
  TempDir dir;
  auto session = Session::Make<properties::MongosyncMonitors>(Base(sim::ModelKind::kMongosync));
  session->OpenJournal(dir.File("session.jsonl"));
  session->Do(Op("start"));
  ASSERT_FALSE(session->AdvanceSome(2 * sim::kHour, 3));
  session->Poll(Op("progress"), Progress);
  ASSERT_FALSE(session->AdvanceSome(2 * sim::kHour, 3));
  session->Do(Op("pause"));
  while (!session->AdvanceSome(2 * sim::kHour, 50)) {
  }
  EXPECT_EQ(ReplayHash<properties::MongosyncMonitors>(sim::LoadScenario(session->journal_path())),
            session->TraceHash());
  EXPECT_EQ(ReplayHash<properties::MongosyncMonitors>(session->Recording()), session->TraceHash());
}

// Polls at a steady rate between advances: every answer differs (the clock
// moved), so none is folded by its answer, but the record holds them as one
// repeated step. The oracle is the same session written out a step an
// occurrence (Unfold, written here, not FoldRepeat): both replay to the live
// hash, and the journal, which has a line a poll, reads back folded.
std::vector<sim::Step> Unfold(const std::vector<sim::Step>& steps) {
  std::vector<sim::Step> each;
  for (const sim::Step& step : steps) {
    for (std::int64_t k = 0; k < step.repeat; ++k) {
      sim::Step one = step;
      one.at = step.at + k * step.every;
      one.repeat = 1;
      one.every = 0;
      each.push_back(one);
    }
  }
  return each;
}

TEST(SessionRepeat, SteadyPollsAreOneRepeatedStepAndReplayExactly) {
  TempDir dir;
  auto session = Session::Make<properties::MongosyncMonitors>(Base(sim::ModelKind::kMongosync));
  session->OpenJournal(dir.File("session.jsonl"));
  session->Do(Op("start"));
  for (int i = 0; i < 600; ++i) {  // 10 hours, a poll a minute.
    session->Advance(sim::kMinute);
    ASSERT_FALSE(session->Poll(Op("progress"), Progress).folded) << i;
  }
  session->Do(Op("resume"));  // Refused while RUNNING: a step between the polls.
  for (int i = 0; i < 50; ++i) {  // Another rhythm after it.
    session->Advance(7 * sim::kSecond);
    ASSERT_FALSE(session->Poll(Op("progress"), Progress).folded) << i;
  }
  EXPECT_EQ(session->steps(), 652u);
  const sim::Scenario recording = session->Recording();
  ASSERT_EQ(recording.steps.size(), 4u) << sim::ToJson(recording).dump();
  EXPECT_EQ(recording.steps[1].repeat, 600);
  EXPECT_EQ(recording.steps[1].every, sim::kMinute);
  EXPECT_EQ(recording.steps[3].repeat, 50);
  EXPECT_EQ(recording.steps[3].every, 7 * sim::kSecond);

  // The journal has a line a poll and reads back as the recording.
  EXPECT_GT(Lines(ReadAll(session->journal_path())).size(), 650u);
  const sim::Scenario journal = sim::LoadScenario(session->journal_path());
  EXPECT_EQ(sim::ToJson(journal).dump(), sim::ToJson(recording).dump());
  std::ostringstream written;
  session->WriteRecording(written);
  EXPECT_EQ(sim::ParseScenario(nlohmann::json::parse(written.str()), "written").steps.size(), 4u);

  EXPECT_EQ(ReplayHash<properties::MongosyncMonitors>(recording), session->TraceHash());
  sim::Scenario unfolded = recording;
  unfolded.steps = Unfold(recording.steps);
  ASSERT_EQ(unfolded.steps.size(), 652u);
  EXPECT_EQ(ReplayHash<properties::MongosyncMonitors>(unfolded), session->TraceHash());
}

TEST(SessionRepeat, ARepeatIsJudgedOnEveryOccurrence) {
  // Polls a minute apart through a resume: /progress refuses for 2 minutes
  // after it (MS-DLY), so "accepted" over the whole repeat is not met, and
  // the miss names the first refused poll's time.
  sim::Scenario scenario = Base(sim::ModelKind::kMongosync);
  sim::Step start = Op("start");
  sim::Step pause = Op("pause");
  pause.at = 30 * sim::kMinute;
  sim::Step resume = Op("resume");
  resume.at = 30 * sim::kMinute;
  sim::Step polls = Op("progress");
  polls.at = 30 * sim::kMinute;
  polls.repeat = 10;
  polls.every = sim::kMinute;
  polls.expect.accepted = true;
  scenario.steps = {start, pause, resume, polls};
  scenario.run_until = sim::kHour;
  const properties::RunResult result = properties::RunScenario<properties::MongosyncMonitors>(scenario);
  EXPECT_FALSE(result.passed());
  bool named = false;
  for (const properties::ExpectationResult& expectation : result.expectations) {
    if (expectation.what.find("10 times every 1m") == std::string::npos) continue;
    named = true;
    EXPECT_FALSE(expectation.met);
    EXPECT_TRUE(expectation.why.starts_with("at 30m: refused")) << expectation.why;
  }
  EXPECT_TRUE(named);
  // Starting after the window, every poll answers.
  scenario.steps[3].at = 33 * sim::kMinute;
  EXPECT_TRUE(properties::RunScenario<properties::MongosyncMonitors>(scenario).passed());
}

// The trace kept on disk (Session::KeepTraceIn): memory holds fewer than
// kTraceEventsHeld events plus a step's, the hash is the one of a session
// that keeps it all, and TraceJsonl reads back exactly its ToJsonl, even
// when the session moves on (and gives more away) between parts.
TEST(SessionTrace, TheTraceKeptOnDiskReadsBackWholeAndHashesTheSame) {
  TempDir dir;
  sim::Scenario base = Base(sim::ModelKind::kMongosync);
  auto kept = Session::Make<properties::MongosyncMonitors>(base);
  auto given = Session::Make<properties::MongosyncMonitors>(base);
  given->KeepTraceIn(dir.File(""));
  for (Session* session : {kept.get(), given.get()}) {
    session->Do(Op("start"));
    for (int hour = 0; hour < 240; ++hour) {  // 10 days, about 14,000 events.
      session->Advance(sim::kHour);
      session->Poll(Op("progress"), Progress);
    }
  }
  const sim::Trace& trace = given->world().trace();
  ASSERT_GT(trace.size(), 3 * Session::kTraceEventsHeld) << "too short a session to give anything away";
  EXPECT_GT(trace.first_held(), 0u);
  EXPECT_LT(trace.size() - trace.first_held(), Session::kTraceEventsHeld);
  EXPECT_EQ(given->TraceHash(), kept->TraceHash());
  EXPECT_TRUE(given->trace_file_error().empty()) << given->trace_file_error();
  EXPECT_TRUE(fs::is_empty(dir.File(""))) << "the trace's file has a name";

  const std::string whole = kept->world().trace().ToJsonl();
  std::string read;
  std::size_t next = 0;
  std::uint64_t offset = 0;
  const std::size_t end = trace.size();
  int parts = 0;
  for (std::string part; given->TraceJsonl(next, offset, end, part); ++parts) {
    read += part;
    part.clear();
    given->Advance(sim::kHour);  // More is given away while the client reads.
  }
  EXPECT_GT(parts, 3);
  EXPECT_EQ(next, end);
  EXPECT_EQ(offset, read.size());
  EXPECT_EQ(read, whole);
  // The events given away after the read began still read back.
  kept->Advance(parts * sim::kHour);
  EXPECT_EQ(given->TraceHash(), kept->TraceHash());
  std::string all;
  next = 0;
  offset = 0;
  for (std::string part; given->TraceJsonl(next, offset, given->world().trace().size(), part);) {
    all += part;
    part.clear();
  }
  EXPECT_EQ(all, kept->world().trace().ToJsonl());
}

// The live-violation path, with a world that violates a property on purpose
// (a mongosync table whose /commit has no canCommit guard, as
// check_test.cc's seeded bug): the session calls on_violation once, after
// the step that violated it is recorded, so the scenario serve saves at that
// moment (WriteRecording, as SaveViolation writes it) holds that step and
// replays to the same violation; the journal says it too.
TEST(SessionViolation, TheScenarioSavedAtAViolationHoldsItsStepAndReplaysToIt) {
  const auto base_rows = model::mongosync::DefaultTable().rows();
  std::vector<model::mongosync::Row> rows(base_rows.begin(), base_rows.end());
  for (model::mongosync::Row& row : rows) {
    if (row.trigger == model::mongosync::Trigger::kCommit) row.guard = model::mongosync::Guard::kNone;
  }
  const model::mongosync::Table mutant(rows);
  TempDir dir;
  auto session = Session::Make<properties::MongosyncMonitors>(Base(sim::ModelKind::kMongosync), {nullptr, &mutant});
  session->OpenJournal(dir.File("session.jsonl"));
  std::vector<std::string> violated;
  std::string saved;
  session->on_violation = [&](const properties::PropertyResult& result) {
    violated.push_back(result.name);
    if (violated.size() > 1) return;  // The first one's scenario is the one judged here.
    std::ostringstream out;
    session->WriteRecording(out);
    saved = out.str();
  };
  session->Do(Op("start"));  // Copying from now: canCommit is false.
  ASSERT_TRUE(violated.empty());
  ASSERT_TRUE(session->Do(Op("commit")).accepted) << "the mutant table accepts /commit without canCommit";
  ASSERT_EQ(violated, std::vector<std::string>{"commit_only_when_can_commit"});
  session->Advance(sim::kMinute);  // The commit completes without the drain: more properties fall.
  std::vector<std::string> once = violated;
  std::sort(once.begin(), once.end());
  EXPECT_EQ(std::unique(once.begin(), once.end()), once.end()) << "a property is reported once";

  const sim::Scenario scenario = sim::ParseScenario(nlohmann::json::parse(saved), "saved");
  ASSERT_FALSE(scenario.steps.empty());
  EXPECT_EQ(scenario.steps.back().action, "commit") << "the saved scenario lacks the step that violated";
  EXPECT_EQ(scenario.expect.properties, "commit_only_when_can_commit");
  const properties::RunResult replayed =
      properties::RunScenario<properties::MongosyncMonitors>(scenario, {nullptr, &mutant});
  EXPECT_TRUE(replayed.passed()) << "the saved scenario does not replay to the violation";
  EXPECT_FALSE(properties::RunScenario<properties::MongosyncMonitors>(scenario).passed())
      << "with the documented table the saved steps violate nothing, so the expectation fails";
  const sim::Scenario journal = sim::LoadScenario(session->journal_path());
  EXPECT_EQ(journal.expect.properties, "commit_only_when_can_commit");
  EXPECT_TRUE(properties::RunScenario<properties::MongosyncMonitors>(journal, {nullptr, &mutant}).passed());
}

}  // namespace
}  // namespace pipecheck::serve
