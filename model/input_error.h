// model/input_error.h: bad input from a user, as a value to report.
//
// Bad input (an unknown name, a malformed file, a bad flag) is not a
// programmer error: it is reported as one line, `pipecheck: error: WHAT
// (WHERE)`, with exit code 2, before anything runs.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace pipecheck {

class InputError : public std::runtime_error {
 public:
  InputError(std::string what, std::string where)
      : std::runtime_error(what), where_(std::move(where)) {}
  const std::string& where() const { return where_; }

 private:
  std::string where_;
};

}  // namespace pipecheck
