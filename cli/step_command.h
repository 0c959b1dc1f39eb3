// cli/step_command.h: `pipecheck step`, one step of a lifecycle table
// (interfaces.md section 3). A refused step is an answer, exit 0.
#pragma once

#include <ostream>
#include <string>

#include "bindings/binding.h"

namespace pipecheck::cli {

struct StepRequest {
  std::string model;
  bindings::StepFlags flags;
  std::string format = "text";
};

// Throws InputError for bad input; returns the exit code otherwise.
int RunStep(const StepRequest& request, std::ostream& out);

}  // namespace pipecheck::cli
