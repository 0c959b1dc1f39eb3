// tests/test_main.cc: the main of every GoogleTest binary. It makes `ctest`
// alone run RapidCheck as scripts/test does: when the caller has not set
// RC_PARAMS, it sets "seed=N max_success=1000", N being the first 8 hex
// digits of the source tree's commit read as a number (1033 when there is no
// commit to read). scripts/test derives N the same way; keep the two alike.
// A caller's own RC_PARAMS wins. RapidCheck reads RC_PARAMS once, when the
// first property runs, so setting it here, before any test, takes effect.
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#ifndef PIPECHECK_SOURCE_DIR
#error "PIPECHECK_SOURCE_DIR must name the source tree"
#endif

namespace {

constexpr std::uint64_t kSeedWithoutCommit = 1033;

// `git -C DIR rev-parse HEAD`, or empty when git or the commit is missing.
std::string HeadCommit(const std::string& dir) {
  std::string quoted = "'";
  for (const char c : dir) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  quoted += "'";
  const std::string command = "git -C " + quoted + " rev-parse HEAD 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string out;
  char buffer[128];
  while (std::fgets(buffer, static_cast<int>(sizeof buffer), pipe) != nullptr) out += buffer;
  if (pclose(pipe) != 0) return "";
  return out;
}

std::uint64_t CommitSeed() {
  const std::string commit = HeadCommit(PIPECHECK_SOURCE_DIR);
  std::uint64_t seed = 0;
  const char* end = commit.data() + std::min<std::size_t>(commit.size(), 8);
  const auto [ptr, error] = std::from_chars(commit.data(), end, seed, 16);
  if (error != std::errc() || ptr != end || commit.size() < 8) return kSeedWithoutCommit;
  return seed;
}

}  // namespace

int main(int argc, char** argv) {
  const char* params = std::getenv("RC_PARAMS");
  if (params == nullptr || *params == '\0') {
    const std::string value = "seed=" + std::to_string(CommitSeed()) + " max_success=1000";
    setenv("RC_PARAMS", value.c_str(), 1);
  }
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
