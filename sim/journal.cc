#include "sim/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "model/input_error.h"

namespace pipecheck::sim {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

// Compact JSON; a name that is not UTF-8 is written with U+FFFD rather than
// throwing under the session's lock.
std::string Dump(const ordered_json& value) { return value.dump(-1, ' ', false, ordered_json::error_handler_t::replace); }

std::string Line(const ordered_json& value) { return Dump(value) + "\n"; }

std::string ErrnoText(int error) { return std::error_code(error, std::generic_category()).message(); }

// Reads a file a line at a time, holding at most one line (up to
// kMaxJsonFileBytes) in memory.
class LineReader {
 public:
  // Reads at most `limit` bytes of the file.
  explicit LineReader(const std::string& path, std::uint64_t limit = ~std::uint64_t{0})
      : path_(path), in_(path, std::ios::binary), left_(limit) {
    if (!in_) throw InputError(fmt::format("cannot read the file: {}", ErrnoText(errno)), path);
  }

  // The next line without its "\n"; `ended` says whether it had one. False
  // at the end of the file.
  bool Next(std::string& line, bool& ended) {
    line.clear();
    for (;;) {
      if (start_ == end_ && !Fill()) {
        ended = false;
        ++number_;
        return !line.empty();
      }
      const char* newline = static_cast<const char*>(std::memchr(buffer_ + start_, '\n', end_ - start_));
      const std::size_t stop = newline ? static_cast<std::size_t>(newline - buffer_) : end_;
      line.append(buffer_ + start_, stop - start_);
      if (line.size() > kMaxJsonFileBytes) {
        throw InputError(fmt::format("the line is longer than {} MiB", kMaxJsonFileBytes >> 20), Where());
      }
      start_ = newline ? stop + 1 : end_;
      if (newline) {
        ended = true;
        ++number_;
        return true;
      }
    }
  }

  std::size_t number() const { return number_; }
  std::string Where() const { return fmt::format("{}:{}", path_, number_); }

 private:
  bool Fill() {
    const auto want = static_cast<std::streamsize>(std::min<std::uint64_t>(sizeof buffer_, left_));
    start_ = 0;
    end_ = 0;
    if (want == 0) return false;
    in_.read(buffer_, want);
    end_ = static_cast<std::size_t>(in_.gcount());
    left_ -= end_;
    return end_ > 0;
  }

  std::string path_;
  std::ifstream in_;
  std::uint64_t left_;
  char buffer_[65536];
  std::size_t start_ = 0;
  std::size_t end_ = 0;
  std::size_t number_ = 0;
};

// One line as JSON, its errors named "FILE:LINE column C" (ParseJsonText
// sees the line alone, as line 1).
json ParseLine(const std::string& line, const std::string& where) {
  try {
    return ParseJsonText(line, where);
  } catch (const InputError& error) {
    const std::string prefix = where + ": line 1 ";
    if (!error.where().starts_with(prefix)) throw;
    throw InputError(error.what(), where + " " + error.where().substr(prefix.size()));
  }
}

Scenario ParseHead(json head, const std::string& where) {
  if (!head.is_object()) throw InputError("a journal's first line must be a JSON object", where);
  if (!head.contains("journal") || head["journal"] != 1) {
    throw InputError(fmt::format("unknown journal version {}; expected 1", head.value("journal", json()).dump()),
                     where + ": $.journal");
  }
  for (const char* key : {"steps", "run_until", "expect"}) {
    if (head.contains(key)) {
      throw InputError(fmt::format("a journal's header has no \"{}\": the lines after it give it", key),
                       fmt::format("{}: $.{}", where, key));
    }
  }
  head.erase("journal");
  head["steps"] = json::array();
  head["run_until"] = "0s";
  return ParseScenario(head, where);
}

// What one event line holds.
struct Event {
  std::optional<Step> step;
  std::optional<Millis> run_until;
  std::optional<std::string> violated;
};

Event ParseEvent(const json& object, const std::string& where, const Scenario& head) {
  if (!object.is_object()) throw InputError("a journal line must be a JSON object", where);
  Event event;
  for (const char* key : {"run_until", "violated"}) {
    if (!object.contains(key)) continue;
    for (const auto& [other, value] : object.items()) {
      if (other != key) {
        throw InputError(fmt::format("unknown key \"{}\" in a {} line", other, key),
                         fmt::format("{}: $.{}", where, other));
      }
    }
    if (std::string_view(key) == "run_until") {
      event.run_until = ParseDurationJson(object[key], where, "$.run_until");
    } else if (object[key].is_string()) {
      event.violated = object[key].get<std::string>();
    } else {
      throw InputError(fmt::format("expected a property name, not {}", object[key].dump()), where + ": $.violated");
    }
    return event;
  }
  event.step = ParseStepJson(object, where, head);
  return event;
}

}  // namespace

std::string JournalHeadLine(const Scenario& base) {
  ordered_json head = HeadToJson(base);
  ordered_json line;
  for (auto& [key, value] : head.items()) {
    line[key] = std::move(value);
    if (key == "format") line["journal"] = 1;
  }
  return Line(line);
}

std::string JournalStepLine(const Step& step, const Scenario& base) { return Line(StepToJson(step, base)); }

std::string JournalRunUntilLine(Millis until) { return Line({{"run_until", FormatDuration(until)}}); }

std::string JournalViolatedLine(const std::string& property) { return Line({{"violated", property}}); }

JournalFile::JournalFile(const std::string& path, const Scenario& base) : path_(path) {
  // O_EXCL with O_NOFOLLOW creates a new regular file or fails: an existing
  // file, a symlink (even a dangling one), a FIFO or a device is refused.
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    const int error = errno;
    throw InputError(error == EEXIST ? std::string("the journal already exists; give a new file name")
                                     : fmt::format("cannot create the journal: {}", ErrnoText(error)),
                     path);
  }
  Append(JournalHeadLine(base));
  if (!error_.empty()) throw InputError(error_, path);
}

JournalFile::~JournalFile() {
  if (fd_ >= 0) ::close(fd_);
}

void JournalFile::Append(const std::string& line) {
  if (fd_ < 0) return;
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t wrote = ::write(fd_, line.data() + done, line.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) {
      error_ = fmt::format("cannot write the journal: {}; it stops here", ErrnoText(wrote < 0 ? errno : EIO));
      ::close(fd_);
      fd_ = -1;
      return;
    }
    done += static_cast<std::size_t>(wrote);
  }
  bytes_ += line.size();
}

bool IsJournal(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return false;
  try {
    LineReader reader(path);
    std::string line;
    bool ended = false;
    if (!reader.Next(line, ended)) return false;
    const json head = json::parse(line, nullptr, /*allow_exceptions=*/false);
    return head.is_object() && head.contains("journal");
  } catch (const InputError&) {
    return false;
  }
}

Scenario ReadJournal(const std::string& path, const std::function<void(const Scenario&)>& on_head,
                     const std::function<void(const Step&)>& on_step, std::uint64_t length) {
  LineReader reader(path, length);
  std::string line;
  bool ended = false;
  if (!reader.Next(line, ended)) throw InputError("the file is empty; expected a journal header", path);
  Scenario scenario = ParseHead(ParseLine(line, reader.Where()), reader.Where());
  on_head(scenario);
  Millis latest = 0;
  std::optional<std::string> violated;
  // Steps that repeat one before in its rhythm are folded into it
  // (FoldRepeat), so that a journal of a client polling once a second reads
  // back as a few steps; the one being folded into is given out when a step
  // does not fold, and at the end.
  std::optional<Step> pending;
  while (reader.Next(line, ended)) {
    const std::string where = reader.Where();
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      throw InputError("a blank line; expected one JSON object a line", where);
    }
    json object;
    try {
      object = ParseLine(line, where);
    } catch (const InputError&) {
      if (!ended) break;  // The line being written when the writer stopped.
      throw;
    }
    Event event = ParseEvent(object, where, scenario);
    if (event.run_until) {
      if (*event.run_until < latest) throw InputError("the clock goes back", where + ": $.run_until");
      latest = *event.run_until;
    } else if (event.violated) {
      if (!violated) violated = *event.violated;
    } else {
      if (event.step->at < latest) throw InputError("the step is before the time of the line above", where + ": $.at");
      latest = event.step->LastAt();
      if (pending && FoldRepeat(*pending, *event.step)) continue;
      if (pending) on_step(*pending);
      pending = std::move(*event.step);
    }
  }
  if (pending) on_step(*pending);
  scenario.run_until = latest;
  if (violated) scenario.expect.properties = *violated;
  return scenario;
}

Scenario LoadJournal(const std::string& path) {
  std::vector<Step> steps;
  Scenario scenario = ReadJournal(path, [](const Scenario&) {}, [&](const Step& step) { steps.push_back(step); });
  scenario.steps = std::move(steps);
  return scenario;
}

ScenarioWriter::ScenarioWriter(std::ostream& out, const Scenario& head) : out_(out), head_(head) {
  head_.steps.clear();
  const ordered_json fields = HeadToJson(head_);
  out_ << "{\n";
  for (const auto& [key, value] : fields.items()) out_ << "  " << Dump(key) << ": " << Dump(value) << ",\n";
  out_ << "  \"steps\": [";
}

void ScenarioWriter::Step(const sim::Step& step) {
  out_ << (first_step_ ? "\n    " : ",\n    ") << Dump(StepToJson(step, head_));
  first_step_ = false;
}

void ScenarioWriter::End(Millis run_until, const Expect& expect) {
  out_ << (first_step_ ? "],\n" : "\n  ],\n");
  out_ << "  \"run_until\": " << Dump(FormatDuration(run_until)) << ",\n";
  out_ << "  \"expect\": " << Dump(ExpectToJson(expect)) << "\n}\n";
}

void JournalToScenario(const std::string& journal_path, std::ostream& out, std::uint64_t length) {
  std::optional<ScenarioWriter> writer;
  const Scenario end = ReadJournal(
      journal_path, [&](const Scenario& head) { writer.emplace(out, head); },
      [&](const Step& step) { writer->Step(step); }, length);
  writer->End(end.run_until, end.expect);
}

}  // namespace pipecheck::sim
