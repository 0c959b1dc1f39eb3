// fuzz/fuzz.h: what every fuzz target shares.
//
// A target is one function over bytes, `input`, written once as
//   PIPECHECK_FUZZ_TARGET(name) { ... input ... }
// and built two ways:
//   - with clang and libFuzzer (fuzz/CMakeLists.txt, scripts/fuzz): the
//     function is LLVMFuzzerTestOneInput of the executable fuzz_<name>;
//   - with the project's own compiler into `fuzz_replay` (tests/CMakeLists.txt),
//     which runs the function once over each file it is given: ctest runs the
//     seed corpora and every saved finding that way, in the main and the
//     sanitizer build.
// An input the code under test refuses as it documents (an InputError, a 400)
// is an expected outcome. Anything else that goes wrong -- a crash, a
// sanitizer report, an exception of another type, a broken contract checked
// by the target -- is a finding: Finding() prints it and aborts, and
// libFuzzer saves the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace pipecheck::fuzz {

using Input = std::span<const std::uint8_t>;
using Target = void (*)(Input);

// Replay build: remembers `target` under `name`; returns true.
bool Register(const char* name, Target target);

// Prints "finding: WHAT" on stderr and aborts.
[[noreturn]] void Finding(std::string_view what);

std::string_view Text(Input input);

// A file that lives in memory (memfd), for code that reads a path: path() is
// /proc/self/fd/N, and Write() replaces the content.
class MemoryFile {
 public:
  MemoryFile();
  ~MemoryFile();
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  void Write(Input bytes);
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace pipecheck::fuzz

#ifdef PIPECHECK_LIBFUZZER
#define PIPECHECK_FUZZ_TARGET(name)                                                            \
  static void FuzzOne(::pipecheck::fuzz::Input input);                                          \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {           \
    FuzzOne(::pipecheck::fuzz::Input(data, size));                                              \
    return 0;                                                                                   \
  }                                                                                             \
  static void FuzzOne(::pipecheck::fuzz::Input input)
#else
#define PIPECHECK_FUZZ_TARGET(name)                                                            \
  static void FuzzOne(::pipecheck::fuzz::Input input);                                          \
  [[maybe_unused]] static const bool kRegistered = ::pipecheck::fuzz::Register(#name, FuzzOne); \
  static void FuzzOne(::pipecheck::fuzz::Input input)
#endif
