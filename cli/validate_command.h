// cli/validate_command.h: `pipecheck validate`, recorded status histories
// judged against a lifecycle (interfaces.md section 7, validate/engine.h).
//
// Reads every file in streaming, then prints per pipe: valid, or its first
// impossible step with why and the nearest legal explanation; the modes its
// history is consistent with; each kind of gap between polls with what it
// needed (internal events and faults, or a user operation) and its shortest
// path; transient states seen for longer than --max-gap; states outside the
// lifecycle. Exit 0 when every pipe is valid, 1 when some pipe is not, 2 on
// bad usage or a malformed file (nothing is printed on stdout then).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace pipecheck::cli {

struct ValidateRequest {
  std::string model;
  std::string profile;
  std::string mode;     // Empty: any mode; the output says which fit.
  std::string max_gap;  // Empty: no flag for long transients.
  std::string format = "text";
  std::string mongosync_version;  // Empty: the newest the documents describe (1.21).
  std::vector<std::string> files;
};

int RunValidate(const ValidateRequest& request, std::ostream& out);

}  // namespace pipecheck::cli
