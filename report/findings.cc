#include "report/findings.h"

#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "model/input_error.h"

namespace pipecheck::report {

namespace {

using nlohmann::json;

constexpr const char* kFormat = "pipecheck-findings/1";

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void Fail(const std::string& what, const std::string& pointer) const {
    throw InputError(what, fmt::format("{} at {}", path_, pointer.empty() ? "/" : pointer));
  }

  void Keys(const json& object, const std::string& pointer, const std::set<std::string>& required,
            const std::set<std::string>& optional) const {
    if (!object.is_object()) Fail("expected an object", pointer);
    for (const auto& [key, value] : object.items()) {
      if (!required.count(key) && !optional.count(key)) {
        Fail(fmt::format("unknown key \"{}\"", key), pointer + "/" + key);
      }
    }
    for (const std::string& key : required) {
      if (!object.contains(key)) Fail(fmt::format("missing key \"{}\"", key), pointer);
    }
  }

  std::string Text(const json& object, const std::string& key, const std::string& pointer) const {
    if (!object.contains(key)) return "";
    const json& value = object.at(key);
    if (!value.is_string() || value.get<std::string>().empty()) {
      Fail("expected a non-empty string", pointer + "/" + key);
    }
    return value.get<std::string>();
  }

 private:
  std::string path_;
};

}  // namespace

std::string Where(const DocumentFinding& finding) {
  std::vector<std::string> parts;
  if (!finding.decision.empty()) parts.push_back(finding.decision);
  if (!finding.lifecycles.empty()) parts.push_back("lifecycles.md " + finding.lifecycles);
  parts.push_back(fmt::format("sources.md {}", fmt::join(finding.sources, ", ")));
  if (!finding.check.empty()) parts.push_back("check " + finding.check);
  return fmt::format("{}", fmt::join(parts, "; "));
}

Finding AsFinding(const DocumentFinding& finding) { return {finding.title, finding.text, Where(finding)}; }

std::string DefaultFindingsFile() { return PIPECHECK_FINDINGS_FILE; }

std::vector<DocumentFinding> ParseFindings(const std::string& text, const std::string& path) {
  const Reader reader(path);
  const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) throw InputError("not valid JSON", path);
  reader.Keys(document, "", {"format", "findings"}, {"about"});
  if (document.at("format") != kFormat) reader.Fail(fmt::format("expected \"{}\"", kFormat), "/format");
  const json& list = document.at("findings");
  if (!list.is_array() || list.empty()) reader.Fail("expected a non-empty array", "/findings");
  std::vector<DocumentFinding> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string pointer = fmt::format("/findings/{}", i);
    const json& entry = list[i];
    reader.Keys(entry, pointer, {"title", "text", "sources"}, {"decision", "lifecycles", "check"});
    DocumentFinding finding;
    finding.title = reader.Text(entry, "title", pointer);
    finding.text = reader.Text(entry, "text", pointer);
    finding.decision = reader.Text(entry, "decision", pointer);
    finding.lifecycles = reader.Text(entry, "lifecycles", pointer);
    finding.check = reader.Text(entry, "check", pointer);
    const json& sources = entry.at("sources");
    if (!sources.is_array() || sources.empty()) reader.Fail("expected a non-empty array", pointer + "/sources");
    for (std::size_t k = 0; k < sources.size(); ++k) {
      if (!sources[k].is_string() || sources[k].get<std::string>().empty()) {
        reader.Fail("expected a sources.md key", fmt::format("{}/sources/{}", pointer, k));
      }
      finding.sources.push_back(sources[k].get<std::string>());
    }
    out.push_back(std::move(finding));
  }
  return out;
}

std::vector<DocumentFinding> ReadFindings(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw InputError("cannot read the findings file", path);
  std::ostringstream text;
  text << file.rdbuf();
  return ParseFindings(text.str(), path);
}

}  // namespace pipecheck::report
