// report/text.h: small text helpers shared by the renderers.
#pragma once

#include <string>
#include <vector>

namespace pipecheck::report {

inline std::string Join(const std::vector<std::string>& words, const std::string& separator = ", ") {
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : separator) + word;
  return out;
}

// "a, b, c", or "none".
inline std::string OrNone(const std::vector<std::string>& words) {
  return words.empty() ? std::string("none") : Join(words);
}

}  // namespace pipecheck::report
