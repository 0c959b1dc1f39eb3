// model/assert.h: assertions that stay on in every build type.
//
// A harness whose checks vanish in Release proves nothing in Release, so
// PIPECHECK_ASSERT ignores NDEBUG. A failed assertion is a programmer error:
// it prints the condition and where, then aborts.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace pipecheck::internal {
[[noreturn]] inline void AssertFail(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "pipecheck: assertion failed: %s (%s:%d)\n", condition, file, line);
  std::abort();
}
}  // namespace pipecheck::internal

#define PIPECHECK_ASSERT(condition)                                            \
  ((condition) ? static_cast<void>(0)                                          \
               : ::pipecheck::internal::AssertFail(#condition, __FILE__, __LINE__))
