// cli/check_command.h: `pipecheck check`, the exhaustive explorer.
#pragma once

#include <ostream>
#include <string>

namespace pipecheck::cli {

struct CheckRequest {
  std::string model;
  std::string profile;
  std::string mode;          // Explore one mode only (default: every mode of the profile).
  int pipes = 0;              // 0: the default (2), clickpipe only.
  std::string budget;        // crash=1,expiry=1,...
  long long max_states = 50'000'000;
  std::string max_memory = "8G";
  std::string time_limit;    // A duration; empty: none.
  std::string format = "text";
  std::string counterexamples = "counterexamples";  // Where violated properties' scenarios go.
  bool progress = false;
};

int RunCheck(const CheckRequest& request, std::ostream& out, std::ostream& err);

}  // namespace pipecheck::cli
