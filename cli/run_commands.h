// cli/run_commands.h: `pipecheck replay` and `pipecheck sim`.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace pipecheck::cli {

struct ReplayRequest {
  std::vector<std::string> files;
  std::string format = "text";
  bool quiet = false;    // No trace, only the verdicts.
  bool verbose = false;  // The trace's data events too.
  std::string time_limit;    // A duration; empty: none. Honoured inside a run.
  std::string max_memory = "8G";  // The process's resident memory (as check's).
};
int RunReplay(const ReplayRequest& request, std::ostream& out);

struct SimRequest {
  std::string model;
  std::string profile;
  std::string mode;
  std::vector<std::string> seed;  // --seed N (0 or 1 values)
  std::string seeds;              // --seeds A..B
  std::string duration = "24h";
  std::string faults = "all";     // LIST, swarm, all or none.
  std::string format = "text";
  std::string save_failures;
  bool check_determinism = false;
  bool verbose = false;  // One seed's text trace with its data events.
  std::string time_limit;  // A duration; empty: none. Honoured inside a seed's run too.
  std::string max_memory = "8G";  // The process's resident memory (as check's).
  // --progress: "" (absent), "on" (the flag alone), "bar", "lines" or "off" (cli/progress.h).
  std::string progress;
};
int RunSim(const SimRequest& request, std::ostream& out, std::ostream& err);

}  // namespace pipecheck::cli
