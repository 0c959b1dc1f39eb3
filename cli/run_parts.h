// cli/run_parts.h: the flag parsing and printing that `replay` and `sim`
// share with no lifecycle in them.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "cli/progress.h"
#include "cli/run_commands.h"
#include "properties/generate.h"
#include "properties/runner.h"
#include "sim/trace.h"

namespace pipecheck::cli {

// A run's trace as text, one event a line. Without `verbose`, data events
// (sim::Trace::IsData) are left out and a last line says how many.
void PrintTrace(const sim::Trace& trace, bool verbose, std::ostream& out);
// The violated properties and every expectation of a run, one line each.
void PrintVerdicts(const properties::RunResult& result, std::ostream& out);
// The run's properties as `replay --format json` lists them.
nlohmann::ordered_json PropertiesJson(const properties::RunResult& result);
// --seed N or --seeds A..B: the first and last seed.
std::pair<std::uint64_t, std::uint64_t> ParseSeeds(const SimRequest& request);
// --faults: swarm, all, none or a list of `kinds`.
void ParseFaults(const std::string& text, std::span<const std::string_view> kinds,
                 properties::GenerateOptions& options);

// The limits `sim` and `replay` honour inside a run as well as between runs:
// --time-limit, --max-memory (the process's resident memory) and SIGINT or
// SIGTERM. The clock, the memory and the signal flag are read here, in the
// front end; the runner only asks (properties::RunStop), so a limit can end
// a run and never change one.
class RunLimits {
 public:
  // Starts the clock and catches SIGINT and SIGTERM. `time_limit` may be
  // empty (none). Throws InputError on a bad value.
  RunLimits(const std::string& time_limit, const std::string& max_memory);
  RunLimits(const RunLimits&) = delete;
  RunLimits& operator=(const RunLimits&) = delete;

  // kNone, or the limit reached; once one is, it stays the answer.
  properties::StopReason Reached();
  // Reached, asked by the runner between events. REQUIRES: outlives the runs.
  properties::RunStop Stop();

  properties::StopReason reason() const { return reason_; }
  // The limit reached as its flag: "--time-limit 3s", "--max-memory 4G",
  // "Ctrl-C" or "SIGTERM".
  std::string LimitText() const;
  double Seconds() const { return clock_.Seconds(); }
  std::uint64_t memory_at_stop() const { return memory_at_stop_; }

 private:
  std::string time_limit_text_;
  std::string max_memory_text_;
  std::optional<double> time_limit_seconds_;
  std::uint64_t max_memory_bytes_ = 0;
  Stopwatch clock_;
  double memory_read_at_ = -1;  // Seconds; reading /proc costs microseconds.
  properties::StopReason reason_ = properties::StopReason::kNone;
  std::uint64_t memory_at_stop_ = 0;
};

}  // namespace pipecheck::cli
