// cli/progress.h: what a long run shows while it runs, and how it is stopped
// from outside. Progress goes to stderr: on a terminal one line redrawn in
// place, otherwise (or with --progress=lines) a plain line every few seconds
// that a log keeps. The wall clock, the signal flag and the process's memory
// are read here, in the front end: they can end a run, never change it.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

#include "graphs/graph.h"

namespace pipecheck::cli {

enum class ProgressMode { kOff, kBar, kLines };

// --progress's value: "" (no flag: a bar on a terminal, otherwise off), "on"
// (the flag alone: a bar on a terminal, otherwise lines), "bar", "lines" or
// "off". Throws InputError on anything else.
ProgressMode ParseProgress(const std::string& value, bool terminal);
// Whether stderr is a terminal.
bool StderrIsTerminal();

// "h:mm:ss", or "Nd h:mm:ss" from a day on.
std::string FormatElapsed(double seconds);
// 12,345,678: the graphs' own digit grouping.
using graphs::Thousands;
// "812 KiB", "48 MiB", "1.5 GiB"
std::string FormatBytes(std::uint64_t bytes);

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

class ProgressPrinter {
 public:
  // Lines are printed every `line_seconds`; a bar is redrawn at most ten times a second.
  ProgressPrinter(ProgressMode mode, std::ostream& err, double line_seconds = 5.0);
  ProgressPrinter(const ProgressPrinter&) = delete;
  ProgressPrinter& operator=(const ProgressPrinter&) = delete;
  ~ProgressPrinter();

  bool on() const { return mode_ != ProgressMode::kOff; }
  // A new reading: redrawn on the terminal's line, or printed as a line when
  // `line_seconds` have passed since the last line.
  void Update(const std::string& text);
  // A line that stays (the end of a pass, the limit that stopped a run):
  // ends the bar and prints it, in every mode but off.
  void Line(const std::string& text);
  // Ends the bar's line, if one is drawn.
  void Finish();

 private:
  ProgressMode mode_;
  std::ostream& err_;
  double line_seconds_;
  Stopwatch clock_;
  double last_ = 0;        // When the last line or redraw was printed.
  std::size_t drawn_ = 0;  // The width of the bar on screen (0: none).
};

// Ctrl-C (SIGINT) and SIGTERM: the first sets a flag that the run polls (it
// stops, prints what it has and exits 3), and restores the signal's default
// action, so a second one ends the process at once. A signal that is ignored
// (SIGINT for a background job started by a shell without job control) stays
// ignored. SIGTERM is what `kill`, `timeout` and service managers send, so a
// run they end still reports what it did.
void CatchInterrupt();
bool Interrupted();
// How the run was interrupted, as a stop line names the limit: "Ctrl-C"
// (SIGINT) or "SIGTERM".
std::string InterruptName();

// The process's resident memory in bytes (Linux /proc/self/statm); 0 when unknown.
std::uint64_t ResidentBytes();
// The process's peak resident memory in bytes (VmHWM), or 0 when it cannot be read.
std::uint64_t PeakResidentBytes();

}  // namespace pipecheck::cli
