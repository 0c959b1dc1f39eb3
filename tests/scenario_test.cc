// tests/scenario_test.cc: the scenario file contract (interfaces.md section 4)
// and the simulator's building blocks.
//
// Goal: a malformed scenario is refused with the file, the JSON path and the
// reason, before anything runs; a valid one round-trips through ToJson; the
// PRNG, durations and the scheduler are exact and deterministic.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "bindings/clickpipe_generate.h"
#include "bindings/mongosync_generate.h"
#include "model/input_error.h"
#include "properties/generate.h"
#include "sim/prng.h"
#include "sim/scenario.h"
#include "sim/scheduler.h"
#include "sim/time.h"

namespace pipecheck::sim {
namespace {

using nlohmann::json;

json Valid() {
  return json::parse(R"({
    "format": "pipecheck-scenario/1",
    "name": "paused-longer-than-oplog-retention",
    "model": "clickpipe",
    "profile": "current",
    "seed": 7,
    "config": {"mode": "cdc", "collections": 2, "documents": 500,
               "writes_per_second": 2, "oplog_retention": "24h"},
    "steps": [
      {"at": "0s", "do": "create"},
      {"at": "3h", "do": "pause"},
      {"at": "30h", "do": "resume"},
      {"at": "31h", "do": "resync"},
      {"at": "32h", "do": "add_tables", "expect": {"accepted": false}}
    ],
    "run_until": "40h",
    "expect": {"final_state": "Running", "visits": ["Paused", "Failed", "Resync", "Running"],
               "never_visits": ["Completed"], "data": "converged", "properties": "hold"}
  })");
}

// Parses `document`; returns the InputError's "what (where)" or "" if it parsed.
std::string ErrorOf(const json& document) {
  try {
    ParseScenario(document, "f.json");
  } catch (const InputError& error) {
    return std::string(error.what()) + " (" + error.where() + ")";
  }
  return "";
}

TEST(Scenario, TheInterfaceExampleParses) {
  const Scenario scenario = ParseScenario(Valid(), "f.json");
  EXPECT_EQ(scenario.seed, 7U);
  EXPECT_EQ(scenario.steps.size(), 5U);
  EXPECT_EQ(scenario.steps[2].at, 30 * kHour);
  EXPECT_EQ(scenario.config.writes_per_hour, 7200);
  EXPECT_EQ(scenario.run_until, 40 * kHour);
  EXPECT_EQ(scenario.expect.visits.size(), 4U);
  EXPECT_EQ(scenario.WritesUntil(), 40 * kHour - 10 * kMinute);
}

TEST(Scenario, RoundTripsThroughToJson) {
  const Scenario scenario = ParseScenario(Valid(), "f.json");
  const json again = json::parse(ToJson(scenario).dump());
  EXPECT_EQ(ToJson(ParseScenario(again, "again.json")), ToJson(scenario));
}

template <class Generator>
void ExpectGeneratedScenariosRoundTrip() {
  properties::GenerateOptions options;
  options.swarm = true;
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const Scenario scenario = properties::GenerateScenario(Generator{}, options, seed);
    const json text = json::parse(ToJson(scenario).dump());
    EXPECT_EQ(ToJson(ParseScenario(text, "generated.json")), ToJson(scenario)) << seed;
  }
}

TEST(Scenario, GeneratedScenariosRoundTrip) {
  ExpectGeneratedScenariosRoundTrip<bindings::ClickPipeGenerator>();
  ExpectGeneratedScenariosRoundTrip<bindings::MongosyncGenerator>();
}

TEST(Scenario, SameSeedGeneratesTheSameScenario) {
  properties::GenerateOptions options;
  options.swarm = true;
  const bindings::ClickPipeGenerator generator;
  EXPECT_EQ(ToJson(properties::GenerateScenario(generator, options, 42)),
            ToJson(properties::GenerateScenario(generator, options, 42)));
  EXPECT_NE(ToJson(properties::GenerateScenario(generator, options, 42)),
            ToJson(properties::GenerateScenario(generator, options, 43)));
}

struct BadCase {
  const char* pointer;   // JSON pointer to change.
  json value;            // New value (null: remove the key).
  const char* expected;  // Substring of "what (where)".
};

TEST(Scenario, MalformedScenariosNameTheFilePathAndReason) {
  const BadCase cases[] = {
      {"/colour", "blue", "unknown key \"colour\" (f.json: $.colour)"},
      {"/config/colour", 1, "unknown key \"colour\" in the clickpipe config (f.json: $.config.colour)"},
      {"/steps/1/at", "3 hours", "bad duration \"3 hours\""},
      {"/steps/1/at", "-3h", "(f.json: $.steps[1].at)"},
      {"/run_until", "forever", "(f.json: $.run_until)"},
      {"/expect/final_state", "Stopped", "unknown state \"Stopped\" (f.json: $.expect.final_state)"},
      {"/expect/visits/1", "Degraded", "unknown state \"Degraded\" (f.json: $.expect.visits[1])"},
      {"/steps/1/do", "explode", "unknown operation \"explode\""},
      {"/steps/1/do", "compute_crash", "it is a fault: use \"fault\""},
      {"/steps/1/expect/colour", true, "(f.json: $.steps[1].expect.colour)"},
      {"/steps/1/expcet", json::object(), "unknown key \"expcet\" (f.json: $.steps[1].expcet)"},
      {"/expect/final_sate", "Running", "unknown key \"final_sate\" (f.json: $.expect.final_sate)"},
      {"/format", "pipecheck-scenario/2", "unknown format"},
      {"/model", "kafka", "unknown model \"kafka\""},
      {"/config/mode", "turbo", "unknown mode \"turbo\""},
      {"/config/pipes", 0, "out of range"},
      {"/seed", -1, "seed must be"},
      {"/steps/2/at", "1h", "steps must be in time order (f.json: $.steps[2].at)"},
      {"/steps/4/at", "41h", "after run_until"},
      {"/expect/data", "close enough", "data must be"},
      {"/steps/0/body", json::object(), "only mongosync's start takes a body"},
      {"/steps/1/repeat", 3, "a \"repeat\" of 2 or more needs \"every\" (f.json: $.steps[1].repeat)"},
      {"/steps/1/repeat", 0, "(f.json: $.steps[1].repeat)"},
      {"/steps/1/repeat", 1000001, "(f.json: $.steps[1].repeat)"},
      {"/steps/1/repeat", "many", "(f.json: $.steps[1].repeat)"},
      {"/steps/1/every", "1h", "\"every\" goes with a \"repeat\" of 2 or more (f.json: $.steps[1].every)"},
  };
  for (const BadCase& bad : cases) {
    json document = Valid();
    document[json::json_pointer(bad.pointer)] = bad.value;
    const std::string error = ErrorOf(document);
    EXPECT_NE(error.find(bad.expected), std::string::npos)
        << bad.pointer << ": got '" << error << "', wanted '" << bad.expected << "'";
  }
  json missing = Valid();
  missing.erase("run_until");
  EXPECT_NE(ErrorOf(missing).find("missing \"run_until\""), std::string::npos);
  json both = Valid();
  both["steps"][1]["fault"] = "lag";
  EXPECT_NE(ErrorOf(both).find("exactly one of"), std::string::npos);
}

// "repeat" and "every": a step applied at a steady rate (sim/scenario.h).
TEST(Scenario, RepeatedStepsParseRoundTripAndKeepTimeOrder) {
  json document = Valid();
  document["steps"][1]["repeat"] = 27;
  document["steps"][1]["every"] = "1h";  // 3h, 4h, ... 29h: before the resume at 30h.
  const Scenario scenario = ParseScenario(document, "f.json");
  EXPECT_EQ(scenario.steps[1].repeat, 27);
  EXPECT_EQ(scenario.steps[1].every, kHour);
  EXPECT_EQ(scenario.steps[1].LastAt(), 29 * kHour);
  EXPECT_EQ(ToJson(ParseScenario(json::parse(ToJson(scenario).dump()), "again.json")), ToJson(scenario));
  EXPECT_EQ(ToJson(scenario)["steps"][1]["every"], "1h");
  EXPECT_FALSE(ToJson(scenario)["steps"][0].contains("repeat"));

  document["steps"][1]["repeat"] = 28;  // The last at 30h: still in order with the resume at 30h.
  EXPECT_EQ(ErrorOf(document), "");
  document["steps"][1]["repeat"] = 29;  // The last at 31h, after the resume.
  EXPECT_NE(ErrorOf(document).find("steps must be in time order (the step above repeats until 31h) "
                                   "(f.json: $.steps[2].at)"),
            std::string::npos)
      << ErrorOf(document);
  json late = Valid();
  late["steps"][4]["repeat"] = 10;
  late["steps"][4]["every"] = "1h";  // 32h .. 41h, run_until 40h.
  EXPECT_NE(ErrorOf(late).find("the step's last repeat is after run_until (f.json: $.steps[4].repeat)"),
            std::string::npos)
      << ErrorOf(late);
  json zero = Valid();
  zero["steps"][1]["repeat"] = 2;
  zero["steps"][1]["every"] = "0s";
  EXPECT_NE(ErrorOf(zero).find("\"every\" must be longer than 0s"), std::string::npos) << ErrorOf(zero);
}

TEST(Scenario, FoldRepeatFoldsOnlyTheNextOccurrenceOfTheSameStep) {
  Step poll;
  poll.action = "progress";
  poll.at = 10 * kSecond;
  poll.expect.accepted = true;
  Step next = poll;
  next.at = 12 * kSecond;
  Step folded = poll;
  ASSERT_TRUE(FoldRepeat(folded, next));
  EXPECT_EQ(folded.repeat, 2);
  EXPECT_EQ(folded.every, 2 * kSecond);
  next.at = 14 * kSecond;
  ASSERT_TRUE(FoldRepeat(folded, next));
  EXPECT_EQ(folded.LastAt(), 14 * kSecond);
  next.at = 17 * kSecond;  // Out of rhythm.
  EXPECT_FALSE(FoldRepeat(folded, next));
  next.at = 16 * kSecond;
  Step refused = next;
  refused.expect.accepted = false;
  EXPECT_FALSE(FoldRepeat(folded, refused));
  Step other = next;
  other.pipe = 1;
  EXPECT_FALSE(FoldRepeat(folded, other));
  Step fault = next;
  fault.is_fault = true;
  EXPECT_FALSE(FoldRepeat(folded, fault));
  Step longer = next;
  longer.duration = kMinute;
  EXPECT_FALSE(FoldRepeat(folded, longer));
  Step same_time = poll;
  EXPECT_FALSE(FoldRepeat(same_time, poll)) << "two steps at one time are not a rhythm";
  Step full = poll;
  full.repeat = kMaxRepeat;
  full.every = 1;
  next.at = full.LastAt() + 1;
  EXPECT_FALSE(FoldRepeat(full, next)) << "past kMaxRepeat a new step starts";
  EXPECT_EQ(folded.repeat, 3) << "a refused fold leaves the step as it was";
}

TEST(Scenario, MongosyncBodiesAreStrict) {
  json document = json::parse(R"({"format": "pipecheck-scenario/1", "model": "mongosync",
      "steps": [{"at": "0s", "do": "start", "body": {"reversable": true}}], "run_until": "1h"})");
  EXPECT_NE(ErrorOf(document).find("(f.json: $.steps[0].body.reversable)"), std::string::npos)
      << ErrorOf(document);
  document["steps"][0]["body"] = json::parse(R"({"reversible": true, "buildIndexes": "never",
      "enableUserWriteBlocking": "sourceAndDestination", "verification": {"enabled": false}})");
  const Scenario scenario = ParseScenario(document, "f.json");
  ASSERT_TRUE(scenario.steps[0].body.has_value());
  EXPECT_TRUE(scenario.steps[0].body->reversible);
  EXPECT_FALSE(scenario.steps[0].body->verification);
}

TEST(Scenario, MongosyncConfigRefusesClickPipeKeys) {
  const json document = json::parse(R"({"format": "pipecheck-scenario/1", "model": "mongosync",
      "config": {"collections": 1, "pipes": 2}, "steps": [], "run_until": "1h"})");
  EXPECT_NE(ErrorOf(document).find("unknown key \"pipes\" in the mongosync config "
                                   "(f.json: $.config.pipes)"),
            std::string::npos)
      << ErrorOf(document);
}

TEST(Duration, ParsesEveryUnitAndRefusesTheRest) {
  EXPECT_EQ(ParseDuration("250ms"), 250);
  EXPECT_EQ(ParseDuration("90"), 90 * kSecond);
  EXPECT_EQ(ParseDuration("30s"), 30 * kSecond);
  EXPECT_EQ(ParseDuration("5m"), 5 * kMinute);
  EXPECT_EQ(ParseDuration("24h"), 24 * kHour);
  EXPECT_EQ(ParseDuration("2d"), 2 * kDay);
  EXPECT_EQ(ParseDuration("1h30m"), 90 * kMinute);
  EXPECT_EQ(ParseDuration("1m500ms"), kMinute + 500);
  for (const char* bad : {"", "h", "-1s", "1.5h", "1w", "1 h", "99999999999999d", "1h30", "h1"}) {
    EXPECT_FALSE(ParseDuration(bad).has_value()) << bad;
  }
  for (const Millis millis : {Millis{0}, Millis{1500}, kMinute, 90 * kSecond, 26 * kHour}) {
    EXPECT_EQ(ParseDuration(FormatDuration(millis)), millis);
  }
}

TEST(Prng, SameSeedSameStreamAndForksAreIndependent) {
  Prng a(99);
  Prng b(99);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.Next(), b.Next());
  // A pinned value: the generator must not change silently between builds.
  EXPECT_EQ(Prng(0).Next(), 0xe220a8397b1dcdafULL);
  Prng parent(5);
  Prng fork = parent.Fork();
  EXPECT_NE(fork.Next(), parent.Next());
  Prng bounded(1);
  for (int i = 0; i < 10000; ++i) {
    const auto v = bounded.Between(-3, 3);
    ASSERT_GE(v, -3);
    ASSERT_LE(v, 3);
  }
}

TEST(Scheduler, OrdersByTimeThenBySchedulingOrder) {
  Scheduler<int> scheduler;
  scheduler.Schedule(20, 1);
  scheduler.Schedule(10, 2);
  scheduler.Schedule(20, 3);
  scheduler.Schedule(10, 4);
  std::vector<int> order;
  while (!scheduler.empty()) order.push_back(scheduler.Pop().event);
  EXPECT_EQ(order, (std::vector<int>{2, 4, 1, 3}));
  EXPECT_EQ(scheduler.now(), 20);
}

}  // namespace
}  // namespace pipecheck::sim
