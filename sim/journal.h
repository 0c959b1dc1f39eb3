// sim/journal.h: a scenario written one event a line as it happens.
//
// A journal is how `serve` keeps a live session on disk: JSON lines that a
// process crash cannot lose more than the line being written. Line 1 is the
// head of a `pipecheck-scenario/1` scenario with "journal": 1 after its
// format (HeadToJson: format, name, model, profile, seed, config). Each
// later line is one event, in the order it happened:
//   a step, exactly as a scenario's steps[] entry (StepToJson);
//   {"run_until": DURATION}, the clock moved to DURATION;
//   {"violated": PROPERTY}, PROPERTY was violated for the first time.
// Read back (ReadJournal, and so LoadScenario and `replay`), a journal is an
// ordinary scenario: its steps in order, run_until the latest time of its
// lines, expect.properties the first violated property or "hold".
//
// Reading is as strict as ParseScenario for every complete line (errors name
// "FILE:LINE" and the JSON path). One exception makes a crash harmless: a
// last line that has no newline and is not valid JSON was being written when
// the writer died, and is dropped. Lines are read one at a time, so a
// journal has no size limit but its lines' (kMaxJsonFileBytes each).
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/scenario.h"
#include "sim/time.h"

namespace pipecheck::sim {

// The lines, each ending in "\n".
std::string JournalHeadLine(const Scenario& base);
std::string JournalStepLine(const Step& step, const Scenario& base);
std::string JournalRunUntilLine(Millis until);
std::string JournalViolatedLine(const std::string& property);

// A journal being written: one write(2) a line, so a line is in the kernel
// when Append returns and survives the process being killed. Not fsynced:
// a journal is for process crashes (kill -9, a lost terminal), not for the
// machine losing power, and an fsync a request would slow every poll.
class JournalFile {
 public:
  // Creates `path`, which must not exist (not even as a symlink), and
  // writes `base`'s head line. Throws InputError naming the path otherwise.
  JournalFile(const std::string& path, const Scenario& base);
  ~JournalFile();
  JournalFile(const JournalFile&) = delete;
  JournalFile& operator=(const JournalFile&) = delete;

  // Writes `line` (ending in "\n"). After a failed write the journal stops
  // growing, so that what is on disk stays a journal of a prefix of the
  // session (a line missing in the middle would replay something else);
  // error() says why.
  void Append(const std::string& line);
  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }
  // The bytes of the lines given to Append so far (whole lines only).
  std::uint64_t bytes() const { return bytes_; }

 private:
  std::string path_;
  std::uint64_t bytes_ = 0;
  std::string error_;
  int fd_ = -1;
};

// Whether the first line of `path` is a journal header. False for a file
// that cannot be read: the scenario reader then says why.
bool IsJournal(const std::string& path);

// Reads the journal at `path`: `on_head` gets the scenario of line 1 (no
// steps, run_until 0), then `on_step` each step in order. Returns the
// scenario without its steps, with run_until and expect.properties set.
// Throws InputError("...", "FILE:LINE: $.path") on a bad line.
// Only the first `length` bytes are read (a journal still being written, as
// it was when its writer had written that many).
Scenario ReadJournal(const std::string& path, const std::function<void(const Scenario&)>& on_head,
                     const std::function<void(const Step&)>& on_step,
                     std::uint64_t length = ~std::uint64_t{0});
// ReadJournal keeping the steps: the journal as one scenario.
Scenario LoadJournal(const std::string& path);

// Writes a scenario as `pipecheck-scenario/1` JSON that ParseScenario reads
// as ToJson's, a step at a time: Head, Step for each step, then End.
class ScenarioWriter {
 public:
  ScenarioWriter(std::ostream& out, const Scenario& head);
  void Step(const sim::Step& step);
  void End(Millis run_until, const Expect& expect);

 private:
  std::ostream& out_;
  Scenario head_;  // No steps.
  bool first_step_ = true;
};

// The journal at `journal_path` as one scenario document on `out`, with
// memory bounded by one line: it needs no session and no lock, so `serve`
// can save a copy while its API keeps answering.
// `length`: as ReadJournal's (JournalFile::bytes() when the copy is asked for).
void JournalToScenario(const std::string& journal_path, std::ostream& out,
                       std::uint64_t length = ~std::uint64_t{0});

}  // namespace pipecheck::sim
