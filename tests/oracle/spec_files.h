// tests/oracle/spec_files.h: what the spec documents define, read at test time.
//
// A row's evidence names source keys (spec/sources.md section 0) and, when
// inferred, a decision (spec/lifecycles.md section 4, or docs/decisions.md for
// D11-D15). These helpers read those files so that a test can ask whether a
// key or a decision a row cites is one the documents define.
//
// Contract: ReadText throws std::runtime_error when a file cannot be read, so
// a missing spec fails the test instead of passing it vacuously.
#pragma once

#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pipecheck::oracle {

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The text before the first line that starts with `heading`, or all of it.
inline std::string_view Before(std::string_view text, std::string_view heading) {
  std::size_t at = 0;
  while (at < text.size()) {
    if (text.substr(at, heading.size()) == heading) return text.substr(0, at);
    const std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return text;
}

// The text from the first line that starts with `heading`, or nothing.
inline std::string_view From(std::string_view text, std::string_view heading) {
  return text.substr(Before(text, heading).size());
}

// Whether `word` occurs in `text` as a whole word, where letters, digits and
// '-' belong to a word (so "CP-LC" is not found inside "CP-LC-OLD").
inline bool HasWord(std::string_view text, std::string_view word) {
  auto part_of_word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
  };
  for (std::size_t at = text.find(word); at != std::string_view::npos;
       at = text.find(word, at + 1)) {
    const bool starts = at == 0 || !part_of_word(text[at - 1]);
    const std::size_t end = at + word.size();
    const bool ends = end == text.size() || !part_of_word(text[end]);
    if (starts && ends) return true;
  }
  return false;
}

// Whether some line of `text` starts with `prefix`.
inline bool HasLineStarting(std::string_view text, std::string_view prefix) {
  std::size_t at = 0;
  while (at <= text.size()) {
    if (text.substr(at, prefix.size()) == prefix) return true;
    const std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) return false;
    at = end + 1;
  }
  return false;
}

// The source keys of a row's evidence: "CP-RS, CP-FAQ" -> {"CP-RS", "CP-FAQ"}.
inline std::vector<std::string> SplitKeys(std::string_view sources) {
  std::vector<std::string> keys;
  std::size_t at = 0;
  while (at <= sources.size()) {
    std::size_t end = sources.find(',', at);
    if (end == std::string_view::npos) end = sources.size();
    std::string_view key = sources.substr(at, end - at);
    while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
    while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
    keys.emplace_back(key);
    at = end + 1;
  }
  return keys;
}

// The documents, read once per call site.
struct SpecFiles {
  std::string lifecycles;  // spec/lifecycles.md
  std::string sources;     // spec/sources.md
  std::string decisions;   // docs/decisions.md of the project

  static SpecFiles Read(const std::string& spec_dir, const std::string& source_dir) {
    return {ReadText(spec_dir + "/lifecycles.md"), ReadText(spec_dir + "/sources.md"),
            ReadText(source_dir + "/docs/decisions.md")};
  }

  // A key of the source tables of sources.md section 0.
  bool DefinesSource(std::string_view key) const {
    return !key.empty() && HasWord(From(Before(sources, "## 1."), "## 0."), key);
  }

  // A decision of lifecycles.md section 4 ("- D1 ...") or a section of
  // docs/decisions.md ("## D11 ...").
  bool DefinesDecision(std::string_view decision) const {
    const std::string name(decision);
    if (name.size() < 2 || name[0] != 'D') return false;
    return HasLineStarting(From(lifecycles, "## 4."), "- " + name + " ") ||
           HasLineStarting(decisions, "## " + name + " ");
  }
};

}  // namespace pipecheck::oracle
