// sim/scenario.h: fault-scenario reproductions (`pipecheck-scenario/1`,
// interfaces.md section 4).
//
// A scenario is a seed, a configuration, a timed list of steps and what must
// come out. `replay` runs it; a violation found by `sim` or `check` is
// written in this format so that `replay` reproduces it.
//
// Parsing is strict and total: an unknown key, a bad duration, an unknown
// state, operation or fault is an InputError naming the file and JSON path,
// and nothing runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/clickpipe.h"
#include "model/mongosync.h"
#include "model/mongosync_version.h"
#include "sim/time.h"

namespace pipecheck::sim {

enum class ModelKind : std::uint8_t { kClickPipe, kMongosync };

// ClickPipe steps of the service rather than of a pipe's lifecycle: they have
// no row in the model's table (sim/clickpipe_world.h says what they do).
inline constexpr std::string_view kClickPipeDelete = "delete";  // An operation: the pipe leaves the service.
inline constexpr std::string_view kClickPipeIdle = "idle";      // A fault: the service idles.

// Every configuration key with its documented default. Keys of the other
// model are rejected when parsing.
struct Config {
  // Both models.
  int collections = 2;                  // Source collections.
  int documents = 1000;                 // Documents per collection at the start.
  std::int64_t writes_per_hour = 7200;  // Source writes (config: writes_per_second, default 2).
  Millis oplog_retention = 24 * kHour;  // Source oplog window (CP-SRC: 24 h minimum).
  std::optional<Millis> writes_until;   // Writes stop here (default: run_until - 10m).
  // ClickPipe.
  model::clickpipe::Mode mode = model::clickpipe::Mode::kCdc;
  int pipes = 1;                        // Pipes sharing the service's compute.
  Millis sync_interval = 60 * kSecond;  // syncIntervalSeconds (CP-SC default 60).
  int pull_batch_size = 100000;         // pullBatchSize (CP-SC default 100000).
  int snapshot_rows_per_second = 2000;  // Initial load speed of one pipe.
  // mongosync.
  int copy_documents_per_second = 2000;  // Collection copy speed.
  int apply_events_per_second = 500;     // Change event application speed.
  // The release emulated (config: mongosync_version "1.8".."1.21", default
  // the newest): /progress's fields and the 30-second canCommit rule.
  model::mongosync::Version mongosync_version = model::mongosync::kNewestVersion;
};

struct StepExpect {
  std::optional<bool> accepted;
  std::optional<std::string> error;  // A substring of the refusal message.
};

struct Step {
  Millis at = 0;
  std::string action;        // The operation or fault name (model vocabulary).
  bool is_fault = false;     // `fault` rather than `do`.
  std::optional<Millis> duration;  // `for`: outages, lag, crash downtime.
  int pipe = 0;              // ClickPipe only.
  // ClickPipe `create` only: the pipe's replicationMode; config "mode" when
  // absent (sim/clickpipe_world.h).
  std::optional<model::clickpipe::Mode> mode;
  std::optional<model::mongosync::StartOptions> body;  // mongosync `start`.
  StepExpect expect;
  // `repeat` and `every`: the step is applied `repeat` times, at `at`,
  // `at + every`, ..., each as a step of its own with the same expectation.
  // It is how a record holds a client polling at a steady rate: a week of
  // 1 Hz reads is one step, not 604,800 (FoldRepeat).
  std::int64_t repeat = 1;
  Millis every = 0;
  Millis LastAt() const { return at + (repeat - 1) * every; }
};

// The most occurrences one step holds; FoldRepeat starts a new step past it.
inline constexpr std::int64_t kMaxRepeat = 1'000'000;

// Folds `next` into `into` when `next` is one more occurrence of it: the
// same action, fault or not, pipe, duration, mode and expectation, no start
// body, `next` applied once, and `next.at` the next time in `into`'s
// rhythm (any later time when `into` is applied once). Replaying the folded
// step applies exactly what the two did, so the fold loses nothing.
bool FoldRepeat(Step& into, const Step& next);

struct Expect {
  std::optional<std::string> final_state;
  std::vector<std::string> visits;
  std::vector<std::string> never_visits;
  std::string data = "unchecked";   // "converged" or "unchecked".
  std::string properties = "hold";  // "hold" or the name of a property that must be violated.
  std::optional<std::string> process;  // mongosync: "up" or "exited".
};

struct Scenario {
  std::string name;
  ModelKind model = ModelKind::kClickPipe;
  model::clickpipe::Profile profile = model::clickpipe::Profile::kCurrent;
  std::uint64_t seed = 0;
  Config config;
  std::vector<Step> steps;  // Sorted by `at` (stable).
  Millis run_until = 0;
  Expect expect;
  // The writes stop here: config.writes_until or run_until - 10m (not below 0).
  Millis WritesUntil() const;
};

// REQUIRES: nothing. Throws InputError("...", "FILE: $.path") on bad input.
Scenario ParseScenario(const nlohmann::json& document, const std::string& file);
// ReadJsonFile, then ParseScenario; a journal (a file whose first line is a
// journal header, sim/journal.h) is read line by line by ReadJournal instead.
Scenario LoadScenario(const std::string& path);

// A JSON file of the user's (a scenario, serve's --config): an InputError in
// the project's words, naming the file and the line and column, for a path
// that is missing or a directory, a file over kMaxJsonFileBytes, bytes that
// are not UTF-8, text that is not JSON, nesting deeper than kMaxJsonDepth, a
// number past a double, and a key repeated in an object (JSON path).
inline constexpr std::size_t kMaxJsonFileBytes = std::size_t{16} << 20;
inline constexpr std::size_t kMaxJsonDepth = 64;
nlohmann::json ReadJsonFile(const std::string& path);
nlohmann::json ParseJsonText(std::string_view text, const std::string& file);

// The scenario as `pipecheck-scenario/1` JSON; ParseScenario(ToJson(s)) == s.
nlohmann::ordered_json ToJson(const Scenario& scenario);

// The parts of ToJson, for writers that stream a scenario (sim/journal.h):
// the head (format, name, model, profile, seed, config), one steps[] entry
// and the expect object, each exactly as ToJson writes it.
nlohmann::ordered_json HeadToJson(const Scenario& scenario);
nlohmann::ordered_json StepToJson(const Step& step, const Scenario& scenario);
nlohmann::ordered_json ExpectToJson(const Expect& expect);

// The parts of ParseScenario, for readers that take a scenario a piece at a
// time (sim/journal.h). Errors name "FILE: $.path" as ParseScenario's do.
// ParseStepJson checks one steps[] entry against `scenario`'s model and
// pipes (not its time order); ParseDurationJson one duration at `json_path`.
Step ParseStepJson(const nlohmann::json& object, const std::string& file, const Scenario& scenario);
Millis ParseDurationJson(const nlohmann::json& value, const std::string& file, const std::string& json_path);

std::string_view ToString(ModelKind model);

}  // namespace pipecheck::sim
