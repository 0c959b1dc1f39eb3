// fuzz/replay_main.cc: `fuzz_replay TARGET PATH...` runs a fuzz target once
// over each input, without libFuzzer: PATH is a file, or a directory whose
// files are all inputs (in name order; a directory that does not exist holds
// none). It fails when no input ran, and a finding aborts it (fuzz/fuzz.h).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "fuzz/fuzz.h"

namespace pipecheck::fuzz {
namespace {

std::map<std::string, Target>& Targets() {
  static std::map<std::string, Target> targets;
  return targets;
}

}  // namespace

bool Register(const char* name, Target target) {
  Targets()[name] = target;
  return true;
}

}  // namespace pipecheck::fuzz

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  using pipecheck::fuzz::Targets;
  const auto target = argc < 2 ? Targets().end() : Targets().find(argv[1]);
  if (target == Targets().end()) {
    std::fprintf(stderr, "usage: fuzz_replay TARGET PATH...; targets:");
    for (const auto& [name, function] : Targets()) std::fprintf(stderr, " %s", name.c_str());
    std::fprintf(stderr, "\n");
    return 2;
  }
  std::vector<fs::path> inputs;
  for (int i = 2; i < argc; ++i) {
    const fs::path path(argv[i]);
    if (fs::is_directory(path)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(path)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      inputs.insert(inputs.end(), files.begin(), files.end());
    } else if (fs::exists(path)) {
      inputs.push_back(path);
    }
  }
  for (const fs::path& path : inputs) {
    std::ifstream file(path, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    std::fprintf(stderr, "%s\n", path.c_str());
    target->second(pipecheck::fuzz::Input(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  }
  std::printf("%s: %zu inputs, no finding\n", target->first.c_str(), inputs.size());
  return inputs.empty() ? 1 : 0;
}
