// cli/mutate_command.h: `pipecheck mutate`, the mutation check of the
// property catalogue (properties/mutate.h, interfaces.md sections 1 and 8).
//
// Prints every single-row mutant of the table with what killed it, then the
// counts and the kill rate; `--format json` prints the section 8 object.
// Exit 0 when every surviving mutant is a known equivalent; 1 when some
// mutant survives unexplained (a property is missing) or a mutant listed as
// equivalent was killed (the list is stale); 2 on bad usage.
#pragma once

#include <ostream>
#include <string>

namespace pipecheck::cli {

struct MutateRequest {
  std::string model;
  std::string profile;
  int pipes = 0;  // 0: the binding's default; only a lifecycle of several pipes takes it.
  std::string format = "text";
  bool progress = false;
};

int RunMutate(const MutateRequest& request, std::ostream& out, std::ostream& err);

}  // namespace pipecheck::cli
