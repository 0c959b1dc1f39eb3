// cli/check_command.h: `pipecheck check`, the exhaustive explorer.
#pragma once

#include <ostream>
#include <string>

#include "bindings/binding.h"

namespace pipecheck::cli {

struct CheckRequest {
  std::string model;
  bindings::ExploreFlags explore;  // --profile, --mode, --pipes, --budget.
  long long max_states = 50'000'000;
  std::string max_memory = "8G";
  std::string time_limit;    // A duration; empty: none.
  std::string format = "text";
  std::string counterexamples = "counterexamples";  // Where violated properties' scenarios go.
  // --progress: "" (absent), "on" (the flag alone), "bar", "lines" or "off" (cli/progress.h).
  std::string progress;
  // --symmetry: "on" (default) or "off"; on stores one state per orbit of
  // interchangeable pipes where the catalogue allows it.
  std::string symmetry = "on";
  // --workers: threads that expand states; 0 (default): the machine's cores.
  // Every count gives the same report (properties/explorer.h).
  int workers = 0;
};

int RunCheck(const CheckRequest& request, std::ostream& out, std::ostream& err);

}  // namespace pipecheck::cli
