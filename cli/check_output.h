// cli/check_output.h: `pipecheck check`'s report as text and as JSON
// (interfaces.md section 6, extended for incomplete runs: docs/decisions.md).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "properties/check.h"

namespace pipecheck::cli {

// What the front end knows of the run beside the report.
struct CheckRun {
  double seconds = 0;             // Wall time of the whole check.
  std::uint64_t memory_bytes = 0;  // At a stop: the memory the limit was judged on (0: unknown).
  std::string limit;              // The limit that stopped it, as given: "--max-states 1000", "Ctrl-C".
  int workers = 1;                // Threads that expanded states.
  std::uint64_t peak_resident_bytes = 0;  // The process's peak resident memory (0: unknown).
};

// "stopped by max_states (--max-states 1000) in the search at 1,001 states, ..." for an incomplete run.
std::string StopLine(const properties::CheckReport& report, const CheckRun& run);
void PrintText(const properties::CheckReport& report, const CheckRun& run, std::ostream& out);
nlohmann::ordered_json ToJson(const properties::CheckReport& report, const CheckRun& run);

}  // namespace pipecheck::cli
