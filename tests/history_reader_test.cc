// The streaming reader of recorded status histories (validate/history.h):
// every accepted form of a line gives the observation it writes, in file
// order with its line number; lines straddling a read are read whole; and a
// malformed line is one InputError whose reason is one printable line and
// whose where() is PATH:LINE.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "model/input_error.h"
#include "validate/history.h"

namespace pipecheck::validate {
namespace {

// An Observation that owns its text, to keep after the reader moves on.
struct Seen {
  std::size_t line = 0;
  std::int64_t t_ms = 0;
  std::string time, pipe;
  bool answered = true;
  std::string state;
  bool raw_progress = false;
  std::optional<bool> can_commit, can_write;
  std::optional<std::string> info;
  std::optional<double> lag_seconds;

  explicit Seen(const Observation& o)
      : line(o.line), t_ms(o.t_ms), time(o.time), pipe(o.pipe), answered(o.answered), state(o.state),
        raw_progress(o.raw_progress), can_commit(o.can_commit), can_write(o.can_write),
        info(o.info ? std::optional<std::string>(std::string(*o.info)) : std::nullopt),
        lag_seconds(o.lag_seconds) {}
};

struct Failure {
  std::string reason;
  std::string where;
};

class HistoryFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("pipecheck_history_reader_test_{}_{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& content, const std::string& name = "history") {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  static std::vector<Seen> ReadPath(const std::string& path, std::size_t* lines = nullptr) {
    HistoryReader reader(path);
    std::vector<Seen> seen;
    Observation observation;
    while (reader.Next(observation)) seen.emplace_back(observation);
    if (lines != nullptr) *lines = reader.lines();
    return seen;
  }

  std::vector<Seen> Read(const std::string& content, std::size_t* lines = nullptr) {
    return ReadPath(Write(content), lines);
  }

  // The error reading `content` raises; reason "(no error)" when it reads cleanly.
  Failure ErrorOf(const std::string& content) {
    const std::string path = Write(content);
    try {
      ReadPath(path);
    } catch (const InputError& error) {
      std::string where = error.where();
      if (where.rfind(path, 0) == 0) where.replace(0, path.size(), "PATH");
      return {error.what(), where};
    }
    return {"(no error)", ""};
  }

  std::filesystem::path dir_;
};

constexpr std::int64_t kMay1 = 1777629600000;  // 2026-05-01T10:00:00Z.

// ------------------------------------------------------------------ JSON lines

TEST_F(HistoryFiles, PlainJsonLinesGiveTimePipeAndStateWithTheirLineNumbers) {
  const auto seen = Read(
      "{\"t\": \"2026-05-01T10:00:00Z\", \"pipe\": \"p1\", \"state\": \"Provisioning\"}\n"
      "\n"
      "{\"state\": \"Running\", \"extra\": {\"k\": [1, 2.5, null, true]}, \"time\": 1777629610000, \"pipe\": \"p2\"}\n"
      "   \t\n"
      "{\"t\": \"2026-05-01T10:00:20Z\", \"state\": \"Snapshot\"}\n");
  ASSERT_EQ(seen.size(), 3U);
  EXPECT_EQ(seen[0].line, 1U);
  EXPECT_EQ(seen[0].t_ms, kMay1);
  EXPECT_EQ(seen[0].time, "2026-05-01T10:00:00Z");
  EXPECT_EQ(seen[0].pipe, "p1");
  EXPECT_EQ(seen[0].state, "Provisioning");
  EXPECT_TRUE(seen[0].answered);
  EXPECT_FALSE(seen[0].raw_progress);

  EXPECT_EQ(seen[1].line, 3U);
  EXPECT_EQ(seen[1].t_ms, kMay1 + 10000);
  EXPECT_EQ(seen[1].time, "1777629610000");
  EXPECT_EQ(seen[1].pipe, "p2");
  EXPECT_EQ(seen[1].state, "Running");

  EXPECT_EQ(seen[2].line, 5U);
  EXPECT_EQ(seen[2].t_ms, kMay1 + 20000);
  EXPECT_EQ(seen[2].pipe, "");
  EXPECT_EQ(seen[2].state, "Snapshot");
}

TEST_F(HistoryFiles, EscapedJsonStringsAreReadUnescaped) {
  const auto seen = Read(R"({"t": "2026-05-01T10:00:00Z", "pipe": "a\"b\u00e9", "st\u0061te": "Run\u006eing"})" "\n");
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].pipe, "a\"b\xC3\xA9");
  EXPECT_EQ(seen[0].state, "Running");
}

// A line of the common shape is read by a short path of its own; an ignored
// key sends the same line through the general one. Both must agree, on the
// observation and on the error.
TEST_F(HistoryFiles, AnIgnoredKeyChangesNeitherTheObservationNorTheError) {
  const std::vector<std::string> lines = {
      R"({"t": "2026-05-01T10:00:00Z", "pipe": "p1", "state": "Running"})",
      R"({"state":"Paused","pipe":"p-2","time":"2026-05-01 12:00:00.25+02:00"})",
      "{ \"t\" :\t1777629600000 ,\"state\" : \"Running\" }  ",
      R"({"time": -1000, "state": "Snapshot"})",
      R"({"t": 0, "state": "Snapshot"})",
      R"({"t": -0, "state": "Snapshot"})",
      "{\"t\": 1, \"pipe\": \"a\x7f b~\", \"state\": \"Running\"}",
      "{\"t\": 1, \"pipe\": \"caf\xC3\xA9\", \"state\": \"Running\"}",
      R"({"t": 1, "pipe": "a\/b", "state": "Running"})",
      R"({"t": 1, "pipe": "", "state": "Running"})",
      R"({"t": 9223372036854775807, "state": "Running"})",
      R"({"t": 9223372036854775808, "state": "Running"})",
      R"({"t": 01, "state": "Running"})",
      R"({"t": 1.5, "state": "Running"})",
      R"({"t": 1e3, "state": "Running"})",
      R"({"t": 1 , "state": "Running"} x)",
      R"({"t": 1, "state": "Running",})",
      R"({"t": 1, "state": "Running")",
      R"({"t": 1, "state": "Running)",
      R"({"t": "2026-05-01T10:00:00", "state": "Running"})",
      R"({"t": "2026-02-30T10:00:00Z", "state": "Running"})",
      R"({"t": 1, "state": ""})",
      R"({"t": 1})",
      R"({"t": 1, "time": 2, "state": "Running"})",
      R"({"t": 1, "state": "Running", "state": "Paused"})",
      R"({"t": 1, "pipe": null, "state": "Running"})",
      R"({"t": true, "state": "Running"})",
      "{\"t\": 1, \"state\": \"Run\tning\"}",
  };
  const auto outcome = [this](const std::string& line) {
    const std::string path = Write(line + "\n");
    try {
      HistoryReader reader(path);
      Observation o;
      if (!reader.Next(o)) return std::string("(none)");
      return fmt::format("line {} t {} time '{}' pipe '{}' state '{}' answered {}", o.line, o.t_ms, o.time, o.pipe,
                         o.state, o.answered);
    } catch (const InputError& error) {
      return fmt::format("error '{}' at {}", error.what(), error.where());
    }
  };
  for (const std::string& line : lines) {
    ASSERT_EQ(line.front(), '{');
    const std::string general = "{\"ignored\": [0], " + line.substr(1);
    EXPECT_EQ(outcome(line), outcome(general)) << line;
  }
  // Not vacuous: the first line reads as written.
  EXPECT_EQ(outcome(lines[0]), "line 1 t 1777629600000 time '2026-05-01T10:00:00Z' pipe 'p1' state 'Running' answered true");
}

// ------------------------------------------------------------- raw API bodies

TEST_F(HistoryFiles, AClickPipesBodyGivesResultStateAndResultIdUnlessThePipeIsNamed) {
  const auto seen = Read(
      R"({"t": "2026-05-01T10:00:00Z", "response": {"status": 200, "requestId": "r1", )"
      R"("result": {"id": "cp-1", "name": "orders", "state": "Running", "scaling": {"replicas": 2}}}})" "\n"
      R"({"t": "2026-05-01T10:00:10Z", "pipe": "mine", "response": {"status": 200, "result": {"state": "Paused", "id": "cp-1"}}})" "\n"
      R"({"t": "2026-05-01T10:00:20Z", "response": {"result": {"id": "cp-1", "state": "Resuming"}}, "pipe": "mine"})" "\n");
  ASSERT_EQ(seen.size(), 3U);
  EXPECT_EQ(seen[0].pipe, "cp-1");
  EXPECT_EQ(seen[0].state, "Running");
  EXPECT_TRUE(seen[0].answered);
  EXPECT_FALSE(seen[0].raw_progress);
  EXPECT_EQ(seen[1].pipe, "mine");
  EXPECT_EQ(seen[1].state, "Paused");
  EXPECT_EQ(seen[2].pipe, "mine");
  EXPECT_EQ(seen[2].state, "Resuming");
}

TEST_F(HistoryFiles, AMongosyncProgressBodyGivesItsStateAndTheFieldsAsGiven) {
  const auto seen = Read(
      R"({"t": "2026-05-01T10:00:00Z", "response": {"progress": {"state": "RUNNING", "canCommit": true, )"
      R"("canWrite": false, "info": "change event application", "lagTimeSeconds": 1.5, )"
      R"("collectionCopy": {"estimatedTotalBytes": 10, "estimatedCopiedBytes": 5}}, "success": true}})" "\n"
      R"({"time": 1777629610000, "pipe": "sync-a", "response": {"progress": {"state": "COMMITTING", )"
      R"("canCommit": null, "info": null, "lagTimeSeconds": null}}})" "\n");
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_TRUE(seen[0].raw_progress);
  EXPECT_EQ(seen[0].state, "RUNNING");
  EXPECT_EQ(seen[0].pipe, "");
  EXPECT_EQ(seen[0].can_commit, std::optional<bool>(true));
  EXPECT_EQ(seen[0].can_write, std::optional<bool>(false));
  EXPECT_EQ(seen[0].info, std::optional<std::string>("change event application"));
  EXPECT_EQ(seen[0].lag_seconds, std::optional<double>(1.5));

  EXPECT_TRUE(seen[1].raw_progress);
  EXPECT_EQ(seen[1].state, "COMMITTING");
  EXPECT_EQ(seen[1].pipe, "sync-a");
  EXPECT_EQ(seen[1].can_commit, std::nullopt);
  EXPECT_EQ(seen[1].can_write, std::nullopt);
  EXPECT_EQ(seen[1].info, std::nullopt);
  EXPECT_EQ(seen[1].lag_seconds, std::nullopt);
}

TEST_F(HistoryFiles, ErrorBodiesAndPollsWithoutAnswerAreUnansweredObservations) {
  const auto seen = Read(
      R"({"t": "2026-05-01T10:00:00Z", "pipe": "p", "response": {"status": 404, "requestId": "r", "error": "Not Found"}})" "\n"
      R"({"t": "2026-05-01T10:00:10Z", "pipe": "p", "response": {"status": 503, "error": {"message": "unavailable"}}})" "\n"
      R"({"t": "2026-05-01T10:00:20Z", "response": {"success": false, "error": "InvalidRequest", "errorDescription": "x"}})" "\n"
      R"({"t": "2026-05-01T10:00:30Z", "pipe": "p", "error": "connection refused"})" "\n"
      R"({"t": "2026-05-01T10:00:40Z", "error": {"kind": "timeout", "after_ms": 5000}})" "\n"
      R"({"t": "2026-05-01T10:00:50Z", "pipe": "p", "response": {"status": 500, "requestId": "r"}})" "\n"
      R"({"t": "2026-05-01T10:01:00Z", "pipe": "p", "state": "Running", "error": null})" "\n");
  ASSERT_EQ(seen.size(), 7U);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_FALSE(seen[i].answered) << "line " << seen[i].line;
    EXPECT_EQ(seen[i].state, "") << "line " << seen[i].line;
    EXPECT_EQ(seen[i].t_ms, kMay1 + static_cast<std::int64_t>(i) * 10000);
  }
  EXPECT_EQ(seen[0].pipe, "p");
  EXPECT_EQ(seen[3].pipe, "p");
  EXPECT_TRUE(seen[6].answered);
  EXPECT_EQ(seen[6].state, "Running");
}

// ------------------------------------------------------------------------ times

TEST_F(HistoryFiles, EverySpellingOfATimeGivesItsEpochMilliseconds) {
  const std::vector<std::pair<std::string, std::int64_t>> times = {
      {"\"2026-05-01T10:00:00Z\"", kMay1},
      {"\"2026-05-01t10:00:00z\"", kMay1},
      {"\"2026-05-01 10:00:00Z\"", kMay1},
      {"\"2026-05-01T10:00:00.5Z\"", kMay1 + 500},
      {"\"2026-05-01T10:00:00.123456789Z\"", kMay1 + 123},
      {"\"2026-05-01T10:00:00+00:00\"", kMay1},
      {"\"2026-05-01T10:00:00-00:00\"", kMay1},
      {"\"2026-05-01T10:00:00+02:00\"", 1777622400000},
      {"\"2026-05-01T10:00:00-05:30\"", 1777649400000},
      {"\"2026-05-01T12:00:00.250+02:00\"", kMay1 + 250},
      {"\"2024-02-29T23:59:59Z\"", 1709251199000},
      {"\"2026-05-01T10:00:60Z\"", kMay1 + 60000},
      {"\"1969-12-31T23:59:59Z\"", -1000},
      {"\"0001-01-01T00:00:00Z\"", -62135596800000},
      {"\"9999-12-31T23:59:59.999Z\"", 253402300799999},
      {"1777629600000", kMay1},
      {"0", 0},
      {"-1000", -1000},
  };
  std::string history;
  for (const auto& [time, ms] : times) history += "{\"t\": " + time + ", \"state\": \"Running\"}\n";
  const auto seen = Read(history);
  ASSERT_EQ(seen.size(), times.size());
  for (std::size_t i = 0; i < times.size(); ++i) {
    EXPECT_EQ(seen[i].t_ms, times[i].second) << times[i].first;
    const std::string& written = times[i].first;
    EXPECT_EQ(seen[i].time, written.front() == '"' ? written.substr(1, written.size() - 2) : written);
  }
  // CSV holds the same spellings as text.
  const auto csv = Read("2026-05-01 10:00:00.5+00:00,p,Running\n1777629600000,p,Running\n\"-1000\",p,Running\n");
  ASSERT_EQ(csv.size(), 3U);
  EXPECT_EQ(csv[0].t_ms, kMay1 + 500);
  EXPECT_EQ(csv[1].t_ms, kMay1);
  EXPECT_EQ(csv[2].t_ms, -1000);
}

TEST_F(HistoryFiles, ATimeThatIsNeitherRfc3339NorEpochMillisecondsIsAnErrorQuotingIt) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"\"yesterday\"", "time 'yesterday' is not RFC 3339 or epoch milliseconds"},
      {"\"2026-13-01T10:00:00Z\"", "time '2026-13-01T10:00:00Z' is not RFC 3339 or epoch milliseconds"},
      {"\"2026-00-01T10:00:00Z\"", "time '2026-00-01T10:00:00Z' is not RFC 3339 or epoch milliseconds"},
      {"\"2026-02-29T10:00:00Z\"", "time '2026-02-29T10:00:00Z' is not RFC 3339 or epoch milliseconds"},
      {"\"2026-04-31T10:00:00Z\"", "time '2026-04-31T10:00:00Z' is not RFC 3339 or epoch milliseconds"},
      {"\"2026-05-01T24:00:00Z\"", "time '2026-05-01T24:00:00Z' is not RFC 3339 or epoch milliseconds"},
      {"\"2026-05-01T10:60:00Z\"", "time '2026-05-01T10:60:00Z' is not RFC 3339 or epoch milliseconds"},
      {"\"2026-05-01T10:00:61Z\"", "time '2026-05-01T10:00:61Z' is not RFC 3339 or epoch milliseconds"},
      {"\"2026-05-01T10:00:00.Z\"", "time '2026-05-01T10:00:00.Z' is not RFC 3339 or epoch milliseconds"},
      {"\"2026-05-01T10:00:00+2:00\"", "time '2026-05-01T10:00:00+2:00' is not RFC 3339 or epoch milliseconds"},
      {"\"2026-05-01T10:00:00+24:00\"", "time '2026-05-01T10:00:00+24:00' is not RFC 3339 or epoch milliseconds"},
      {"\"2026-05-01T10:00:00Z junk\"", "time '2026-05-01T10:00:00Z junk' is not RFC 3339 or epoch milliseconds"},
      {"\"2026-05-01_10:00:00Z\"", "time '2026-05-01_10:00:00Z' is not RFC 3339 or epoch milliseconds"},
      {"\"2026-05-01\"", "time '2026-05-01' is not RFC 3339 or epoch milliseconds"},
      {"\"1777629600000\"", "time '1777629600000' is not RFC 3339 or epoch milliseconds"},
      {"\"\"", "time '' is not RFC 3339 or epoch milliseconds"},
      {"\"2026-05-01T10:00:00\"", "time '2026-05-01T10:00:00' has no UTC offset (RFC 3339 needs Z or +hh:mm)"},
      {"1777629600000.5", "time '1777629600000.5' is not RFC 3339 or epoch milliseconds"},
      {"1.7e12", "time '1.7e12' is not RFC 3339 or epoch milliseconds"},
      {"99999999999999999999", "time '99999999999999999999' is not RFC 3339 or epoch milliseconds"},
      {"true", "'t' is neither a string nor an integer"},
      {"null", "'t' is neither a string nor an integer"},
      {"{\"s\": 1}", "'t' is neither a string nor an integer"},
  };
  for (const auto& [time, reason] : cases) {
    const Failure failure =
        ErrorOf("{\"t\": \"2026-05-01T09:00:00Z\", \"state\": \"Running\"}\n{\"t\": " + time +
                " , \"state\": \"Running\"}\n");
    EXPECT_EQ(failure.reason, reason) << time;
    EXPECT_EQ(failure.where, "PATH:2") << time;
  }
  EXPECT_EQ(ErrorOf("{\"time\": [1], \"state\": \"Running\"}\n").reason, "'time' is neither a string nor an integer");
}

// -------------------------------------------------------------------------- CSV

TEST_F(HistoryFiles, CsvWithoutAHeaderIsReadAsTPipeState) {
  std::size_t lines = 0;
  const auto seen = Read("2026-05-01T10:00:00Z,p1,Running\n  1777629610000 , p2 ,\tPaused \n2026-05-01T10:00:20Z,,Completed\n",
                         &lines);
  ASSERT_EQ(seen.size(), 3U);
  EXPECT_EQ(lines, 3U);
  EXPECT_EQ(seen[0].t_ms, kMay1);
  EXPECT_EQ(seen[0].pipe, "p1");
  EXPECT_EQ(seen[0].state, "Running");
  EXPECT_EQ(seen[1].line, 2U);
  EXPECT_EQ(seen[1].t_ms, kMay1 + 10000);
  EXPECT_EQ(seen[1].time, "1777629610000");
  EXPECT_EQ(seen[1].pipe, "p2");
  EXPECT_EQ(seen[1].state, "Paused");
  EXPECT_EQ(seen[2].pipe, "");
  EXPECT_EQ(seen[2].state, "Completed");
}

TEST_F(HistoryFiles, ACsvHeaderNamingTheThreeColumnsInAnyOrderSetsTheirOrder) {
  const auto a = Read("state,t,pipe\nRunning,2026-05-01T10:00:00Z,p1\n");
  ASSERT_EQ(a.size(), 1U);
  EXPECT_EQ(a[0].line, 2U);
  EXPECT_EQ(a[0].state, "Running");
  EXPECT_EQ(a[0].t_ms, kMay1);
  EXPECT_EQ(a[0].pipe, "p1");

  const auto b = Read(" Pipe , \"STATE\", Time\np2,Paused,1777629600000\n");
  ASSERT_EQ(b.size(), 1U);
  EXPECT_EQ(b[0].pipe, "p2");
  EXPECT_EQ(b[0].state, "Paused");
  EXPECT_EQ(b[0].t_ms, kMay1);

  // A header is only the first line: a second one is data.
  const Failure again = ErrorOf("t,pipe,state\nt,pipe,state\n");
  EXPECT_EQ(again.reason, "time 't' is not RFC 3339 or epoch milliseconds");
  EXPECT_EQ(again.where, "PATH:2");
}

TEST_F(HistoryFiles, QuotedCsvFieldsMayHoldCommasAndDoubledQuotes) {
  const auto seen = Read(
      "\"2026-05-01T10:00:00Z\",\"a,b\",\"Run\"\"ning\"\"\"\n"
      "\"2026-05-01T10:00:10Z\" , \"\" , \"Paused\"\n"
      "2026-05-01T10:00:20Z,\"\"\"q\"\"\",\" spaced \"\n");
  ASSERT_EQ(seen.size(), 3U);
  EXPECT_EQ(seen[0].time, "2026-05-01T10:00:00Z");
  EXPECT_EQ(seen[0].pipe, "a,b");
  EXPECT_EQ(seen[0].state, "Run\"ning\"");
  EXPECT_EQ(seen[1].pipe, "");
  EXPECT_EQ(seen[1].state, "Paused");
  EXPECT_EQ(seen[2].pipe, "\"q\"");
  EXPECT_EQ(seen[2].state, " spaced ");
}

// --------------------------------------------------------- line breaks, files

TEST_F(HistoryFiles, CrlfBlankLinesAndAByteOrderMarkChangeNothing) {
  for (const std::string& history :
       {std::string("\xEF\xBB\xBF{\"t\": 1777629600000, \"pipe\": \"p\", \"state\": \"Running\"}\r\n\r\n  \r\n"
                    "{\"t\": \"2026-05-01T10:00:10Z\", \"pipe\": \"p\", \"state\": \"Paused\"}\r\n"),
        std::string("\xEF\xBB\xBFt,pipe,state\r\n1777629600000,p,Running\r\n\r\n2026-05-01T10:00:10Z,p,Paused\r\n")}) {
    std::size_t lines = 0;
    const auto seen = Read(history, &lines);
    ASSERT_EQ(seen.size(), 2U) << history;
    EXPECT_EQ(lines, 4U);
    EXPECT_EQ(seen[0].t_ms, kMay1);
    EXPECT_EQ(seen[0].pipe, "p");
    EXPECT_EQ(seen[0].state, "Running");
    EXPECT_EQ(seen[1].line, 4U);
    EXPECT_EQ(seen[1].t_ms, kMay1 + 10000);
    EXPECT_EQ(seen[1].time, "2026-05-01T10:00:10Z");
    EXPECT_EQ(seen[1].state, "Paused");
  }
}

TEST_F(HistoryFiles, TheLastLineNeedsNoLineBreak) {
  const auto json = Read("{\"t\": 1, \"state\": \"Running\"}\n{\"t\": 1777629600000, \"state\": \"Paused\"}");
  ASSERT_EQ(json.size(), 2U);
  EXPECT_EQ(json[1].t_ms, kMay1);
  EXPECT_EQ(json[1].state, "Paused");
  const auto csv = Read("t,pipe,state\n1,p,Running\n1777629600000,p,Paused");
  ASSERT_EQ(csv.size(), 2U);
  EXPECT_EQ(csv[1].t_ms, kMay1);
  EXPECT_EQ(csv[1].state, "Paused");
  // A last line cut short is malformed, whatever the buffer held before it.
  const Failure cut = ErrorOf(std::string(5000, '\n') + "{\"t\": 1777629600000, \"state\": \"Paused\"}\n{\"t\": 17");
  EXPECT_EQ(cut.reason, "not valid JSON");
  EXPECT_EQ(cut.where, "PATH:5002");
}

TEST_F(HistoryFiles, AnEmptyHistoryHoldsNoObservations) {
  std::size_t lines = 0;
  EXPECT_TRUE(Read("", &lines).empty());
  EXPECT_EQ(lines, 0U);
  EXPECT_TRUE(Read("\n\r\n  \n", &lines).empty());
  EXPECT_EQ(lines, 3U);
  EXPECT_TRUE(Read("t,pipe,state\n").empty());
}

TEST_F(HistoryFiles, AMissingFileOrADirectoryIsAnErrorNamingThePath) {
  const std::string missing = (dir_ / "absent.jsonl").string();
  try {
    HistoryReader reader(missing);
    ADD_FAILURE() << "opened a missing file";
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(), "cannot open: No such file or directory");
    EXPECT_EQ(error.where(), missing);
  }
  try {
    HistoryReader reader(dir_.string());
    ADD_FAILURE() << "opened a directory";
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(), "is a directory");
    EXPECT_EQ(error.where(), dir_.string());
  }
}

// -------------------------------------------------------------------- streaming

// The first read fills the buffer: kMaxLineBytes + 2 bytes.
constexpr std::size_t kFirstRead = HistoryReader::kMaxLineBytes + 2;

std::string JsonLineOfLength(std::size_t length, std::int64_t t_ms, const std::string& state) {
  const std::string head = fmt::format("{{\"t\": {}, \"state\": \"{}\", \"filler\": \"", t_ms, state);
  const std::string tail = "\"}";
  return head + std::string(length - head.size() - tail.size(), 'x') + tail;
}

TEST_F(HistoryFiles, ALineAcrossTheEndOfAReadIsReadWhole) {
  // Line 2 starts 40 bytes before the end of the first read and ends after it.
  const std::string first = JsonLineOfLength(kFirstRead - 40 - 1, kMay1, "Running");
  const std::string second = "{\"t\": \"2026-05-01T10:00:10Z\", \"pipe\": \"straddling\", \"state\": \"Paused\"}";
  ASSERT_GT(first.size() + 1 + second.size(), kFirstRead);
  const auto seen = Read(first + "\n" + second + "\n{\"t\": 1777629620000, \"state\": \"Resuming\"}\n");
  ASSERT_EQ(seen.size(), 3U);
  EXPECT_EQ(seen[1].line, 2U);
  EXPECT_EQ(seen[1].t_ms, kMay1 + 10000);
  EXPECT_EQ(seen[1].pipe, "straddling");
  EXPECT_EQ(seen[1].state, "Paused");
  EXPECT_EQ(seen[2].state, "Resuming");

  // Many short lines over several reads, each one whole and in order.
  constexpr int kLines = 100000;
  // The JSON lines file holds only JSON lines and the CSV file only CSV.
  std::string json, csv;
  for (int i = 0; i < kLines; ++i) {
    json += fmt::format("{{\"t\": {}, \"pipe\": \"p{}\", \"state\": \"S{}\"}}\n", kMay1 + i, i, i);
    csv += fmt::format("{},\"p{}\",S{}\r\n", kMay1 + i, i, i);
  }
  ASSERT_GT(json.size(), 2 * kFirstRead);
  ASSERT_GT(csv.size(), 2 * kFirstRead);
  for (const std::string* history : {&json, &csv}) {
    const auto all = Read(*history);
    ASSERT_EQ(all.size(), static_cast<std::size_t>(kLines));
    for (int i = 0; i < kLines; ++i) {
      const Seen& s = all[static_cast<std::size_t>(i)];
      ASSERT_EQ(s.line, static_cast<std::size_t>(i + 1));
      ASSERT_EQ(s.t_ms, kMay1 + i);
      ASSERT_EQ(s.pipe, fmt::format("p{}", i));
      ASSERT_EQ(s.state, fmt::format("S{}", i));
    }
  }
}

TEST_F(HistoryFiles, ALineOfExactly1MiBIsReadAndOneByteLongerIsAnError) {
  const std::size_t limit = HistoryReader::kMaxLineBytes;
  ASSERT_EQ(limit, std::size_t{1} << 20);
  const std::string ok = "{\"t\": 1, \"state\": \"Running\"}\n" + JsonLineOfLength(limit, kMay1, "Paused") + "\r\n" +
                         JsonLineOfLength(limit, kMay1 + 1, "Resuming") + "\n";
  const auto seen = Read(ok);
  ASSERT_EQ(seen.size(), 3U);
  EXPECT_EQ(seen[1].state, "Paused");
  EXPECT_EQ(seen[2].t_ms, kMay1 + 1);
  EXPECT_EQ(seen[2].state, "Resuming");

  const std::string longer = JsonLineOfLength(limit + 1, kMay1, "Paused");
  for (const std::string& history :
       {"{\"t\": 1, \"state\": \"Running\"}\n" + longer + "\n", "{\"t\": 1, \"state\": \"Running\"}\n" + longer,
        "{\"t\": 1, \"state\": \"Running\"}\n" + longer + "\r\n",
        "{\"t\": 1, \"state\": \"Running\"}\n" + longer + longer + "\n"}) {
    const Failure failure = ErrorOf(history);
    EXPECT_EQ(failure.reason, "line longer than 1 MiB");
    EXPECT_EQ(failure.where, "PATH:2");
  }
}

// ---------------------------------------------------------------- malformed

TEST_F(HistoryFiles, EveryMalformedJsonLineIsOneErrorNamingItsLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"t": 1, "state": "Running")", "not valid JSON"},
      {R"({"t": 1 "state": "Running"})", "not valid JSON"},
      {R"({"t": 1, "state": "Running",})", "not valid JSON"},
      {R"({"t": 1, "state": "Running", "x": tru})", "not valid JSON"},
      {R"({"t": 1, "state": "Running", "x": [1, 2,]})", "not valid JSON"},
      {R"({"t": 1, "state": "Running", "x": "a\q"})", "not valid JSON"},
      {R"({"t": 1, "state": "Running", "x": 01})", "not valid JSON"},
      {R"({"t": 1, "state": tru})", "not valid JSON"},
      {R"({"t": 1, "state": "Running"}})", "text after the JSON object"},
      {R"({"t": 1, "state": "Running"} {"t": 2, "state": "Paused"})", "text after the JSON object"},
      {"{\"t\": 1, \"state\": \"Runn\x9fing\"}", "not valid UTF-8"},
      {"t,pipe,state", "not valid JSON"},
      {R"(["t", 1])", "not a JSON object"},
      {R"("Running")", "not a JSON object"},
      {R"(["t", tru])", "not valid JSON"},
      {"true", "not a JSON object"},
      {"nul", "not valid JSON"},
      {R"({"state": "Running", "pipe": "p"})", "missing time ('t' or 'time')"},
      {R"({"t": 1, "pipe": "p"})", "missing 'state' (or a raw 'response')"},
      {R"({"t": 1, "pipe": "p", "error": null})", "missing 'state' (or a raw 'response')"},
      {R"({"t": 1, "state": 3})", "'state' is not a string"},
      {R"({"t": 1, "state": null})", "'state' is not a string"},
      {R"({"t": 1, "state": ""})", "'state' is empty"},
      {R"({"t": 1, "pipe": 7, "state": "Running"})", "'pipe' is not a string"},
      {R"({"t": 1, "time": 2, "state": "Running"})", "both 't' and 'time'; expected one"},
      {R"({"t": 1, "state": "Running", "state": "Paused"})", "'state' appears twice"},
      {R"({"t": 1, "t": 2, "state": "Running"})", "'t' appears twice"},
      {R"({"t": 1, "state": "Running", "response": {"result": {"id": "p", "state": "Running"}}})",
       "both 'state' and 'response'; expected one"},
      {R"({"t": 1, "response": "ok"})", "'response' is not an object"},
      {R"({"t": 1, "response": {"status": 200, "result": {"id": "p"}}})",
       "the response has no state (expected result.state or progress.state)"},
      {R"({"t": 1, "response": {"status": 200}})", "the response has no state (expected result.state or progress.state)"},
      {R"({"t": 1, "response": {"progress": {"canCommit": true}}})",
       "the response has no state (expected result.state or progress.state)"},
      {R"({"t": 1, "response": {"result": {"state": "Running"}, "progress": {"state": "RUNNING"}}})",
       "the response has both result.state and progress.state"},
      {R"({"t": 1, "response": {"result": {"state": 5}}})", "'result.state' is not a string"},
      {R"({"t": 1, "response": {"result": {"state": ""}}})", "'result.state' is empty"},
      {R"({"t": 1, "response": {"result": {"id": 5, "state": "Running"}}})", "'result.id' is not a string"},
      {R"({"t": 1, "response": {"progress": {"state": ["RUNNING"]}}})", "'progress.state' is not a string"},
      {R"({"t": 1, "response": {"progress": {"state": "RUNNING", "canCommit": "yes"}}})",
       "'progress.canCommit' is neither a boolean nor null"},
      {R"({"t": 1, "response": {"progress": {"state": "RUNNING", "canWrite": 1}}})",
       "'progress.canWrite' is neither a boolean nor null"},
      {R"({"t": 1, "response": {"progress": {"state": "RUNNING", "info": 3}}})",
       "'progress.info' is neither a string nor null"},
      {R"({"t": 1, "response": {"progress": {"state": "RUNNING", "lagTimeSeconds": "1s"}}})",
       "'progress.lagTimeSeconds' is neither a number nor null"},
      {R"({"t": 1, "response": {"progress": {"state": "RUNNING", "info": "x", "other": [}}})", "not valid JSON"},
      // Quoted text is escaped and cut: never raw control bytes, never a line break.
      {R"({"t": "\u0001bad\n", "state": "Running"})", "time '\\x01bad\\x0a' is not RFC 3339 or epoch milliseconds"},
      {"{\"t\": \"" + std::string(100, 'y') + "\", \"state\": \"Running\"}",
       "time '" + std::string(60, 'y') + "...' is not RFC 3339 or epoch milliseconds"},
  };
  for (const auto& [line, reason] : cases) {
    const Failure failure = ErrorOf("{\"t\": \"2026-05-01T10:00:00Z\", \"state\": \"Running\"}\n\n" + line + "\n");
    EXPECT_EQ(failure.reason, reason) << line;
    EXPECT_EQ(failure.where, "PATH:3") << line;
  }
  const Failure array = ErrorOf("\n[{\"t\": 1, \"state\": \"Running\"}]\n");
  EXPECT_EQ(array.reason, "a JSON array; expected one JSON object a line (JSON lines) or CSV t,pipe,state");
  EXPECT_EQ(array.where, "PATH:2");
}

TEST_F(HistoryFiles, EveryMalformedCsvLineIsOneErrorNamingItsLine) {
  const std::string good = "2026-05-01T10:00:00Z,p,Running\n";
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {good + "2026-05-01T10:00:10Z,p\n", "CSV line has 2 fields; expected 3 (t,pipe,state)", "PATH:2"},
      {good + "2026-05-01T10:00:10Z\n", "CSV line has 1 field; expected 3 (t,pipe,state)", "PATH:2"},
      {"state,t,pipe\nRunning,2026-05-01T10:00:10Z,p,extra\n", "CSV line has 4 fields; expected 3 (state,t,pipe)",
       "PATH:2"},
      {good + "2026-05-01T10:00:10Z,p,Running,\n", "CSV line has 4 fields; expected 3 (t,pipe,state)", "PATH:2"},
      {good + "\"2026-05-01T10:00:10Z,p,Running\n", "CSV field 1 has an unterminated quote", "PATH:2"},
      {good + "2026-05-01T10:00:10Z,p,\"Running\n", "CSV field 3 has an unterminated quote", "PATH:2"},
      {good + "2026-05-01T10:00:10Z,\"p\"x,Running\n", "CSV field 2 has text after its closing quote", "PATH:2"},
      {good + ",p,Running\n", "'t' is empty", "PATH:2"},
      {good + "2026-05-01T10:00:10Z,p,\n", "'state' is empty", "PATH:2"},
      {good + "2026-05-01T10:00:10Z,p,\"\"\n", "'state' is empty", "PATH:2"},
      {good + "yesterday,p,Running\n", "time 'yesterday' is not RFC 3339 or epoch milliseconds", "PATH:2"},
      {good + "1777629600000x,p,Running\n", "time '1777629600000x' is not RFC 3339 or epoch milliseconds", "PATH:2"},
      {good + "2026-05-01T10:00:10,p,Running\n",
       "time '2026-05-01T10:00:10' has no UTC offset (RFC 3339 needs Z or +hh:mm)", "PATH:2"},
      {good + "\x9f\x01,p,Running\n", "time '\\x9f\\x01' is not RFC 3339 or epoch milliseconds", "PATH:2"},
      {"\ntime,pipe,status\n" + good,
       "the first line 'time,pipe,status' is neither a header naming t, pipe and state nor a data line", "PATH:2"},
      {"t,pipe,state,t\n" + good,
       "CSV line has 4 fields; expected 3 (t,pipe,state)", "PATH:1"},
      {"1777629600000,p,Running\n99999999999999999999,p,Running\n",
       "time '99999999999999999999' is not RFC 3339 or epoch milliseconds", "PATH:2"},
  };
  for (const auto& [history, reason, where] : cases) {
    const Failure failure = ErrorOf(history);
    EXPECT_EQ(failure.reason, reason) << history;
    EXPECT_EQ(failure.where, where) << history;
  }
}

TEST(PrintableName, EscapesBytesOutsidePrintableAsciiAndCutsAt60) {
  EXPECT_EQ(PrintableName("Running"), "Running");
  EXPECT_EQ(PrintableName(std::string_view("a\0b\x7f\xff\t", 6)), "a\\x00b\\x7f\\xff\\x09");
  EXPECT_EQ(PrintableName(std::string(60, 'n')), std::string(60, 'n'));
  EXPECT_EQ(PrintableName(std::string(61, 'n')), std::string(60, 'n') + "...");
}

}  // namespace
}  // namespace pipecheck::validate
