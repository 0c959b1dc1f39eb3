// cli/run_parts.h: the flag parsing and printing that `replay` and `sim`
// share with no lifecycle in them.
#pragma once

#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

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

}  // namespace pipecheck::cli
