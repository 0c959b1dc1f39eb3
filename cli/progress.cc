#include "cli/progress.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>

#include <fmt/format.h>

#include "model/input_error.h"

namespace pipecheck::cli {

ProgressMode ParseProgress(const std::string& value, bool terminal) {
  if (value.empty()) return terminal ? ProgressMode::kBar : ProgressMode::kOff;
  if (value == "on" || value == "true") return terminal ? ProgressMode::kBar : ProgressMode::kLines;
  if (value == "bar") return ProgressMode::kBar;
  if (value == "lines") return ProgressMode::kLines;
  if (value == "off") return ProgressMode::kOff;
  throw InputError(fmt::format("unknown progress '{}'; expected bar, lines or off", value),
                   "--progress");
}

bool StderrIsTerminal() { return isatty(STDERR_FILENO) != 0; }

std::string FormatElapsed(double seconds) {
  const auto total = static_cast<std::uint64_t>(seconds < 0 ? 0 : seconds);
  const std::uint64_t days = total / 86400;
  const std::string clock =
      fmt::format("{}:{:02}:{:02}", total / 3600 % 24, total / 60 % 60, total % 60);
  return days == 0 ? fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60)
                   : fmt::format("{}d {}", days, clock);
}

std::string FormatBytes(std::uint64_t bytes) {
  const auto value = static_cast<double>(bytes);
  if (bytes >= (std::uint64_t{1} << 30)) return fmt::format("{:.1f} GiB", value / (1U << 30));
  if (bytes >= (std::uint64_t{1} << 20)) return fmt::format("{:.0f} MiB", value / (1U << 20));
  return fmt::format("{:.0f} KiB", value / (1U << 10));
}

ProgressPrinter::ProgressPrinter(ProgressMode mode, std::ostream& err, double line_seconds)
    : mode_(mode), err_(err), line_seconds_(line_seconds) {}

ProgressPrinter::~ProgressPrinter() { Finish(); }

void ProgressPrinter::Update(const std::string& text) {
  const double now = clock_.Seconds();
  if (mode_ == ProgressMode::kBar) {
    if (drawn_ != 0 && now - last_ < 0.1) return;
    last_ = now;
    const std::size_t width = text.size();
    err_ << '\r' << text << std::string(drawn_ > width ? drawn_ - width : 0, ' ') << std::flush;
    drawn_ = width;
  } else if (mode_ == ProgressMode::kLines) {
    if (now - last_ < line_seconds_) return;
    last_ = now;
    err_ << text << '\n' << std::flush;
  }
}

void ProgressPrinter::Line(const std::string& text) {
  if (mode_ == ProgressMode::kOff) return;
  Finish();
  err_ << text << '\n' << std::flush;
  last_ = clock_.Seconds();
}

void ProgressPrinter::Finish() {
  if (drawn_ == 0) return;
  err_ << '\n' << std::flush;
  drawn_ = 0;
}

namespace {

// The first signal caught, 0 before any.
volatile std::sig_atomic_t interrupted = 0;

extern "C" void OnInterrupt(int signal) {
  if (interrupted == 0) interrupted = signal;
}

void Catch(int signal) {
  struct sigaction current {};
  if (sigaction(signal, nullptr, &current) != 0) return;
  if (current.sa_handler == SIG_IGN) return;
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = static_cast<int>(SA_RESETHAND);  // A second one ends the process.
  sigaction(signal, &action, nullptr);
}

}  // namespace

void CatchInterrupt() {
  Catch(SIGINT);
  Catch(SIGTERM);
}

bool Interrupted() { return interrupted != 0; }

std::string InterruptName() { return interrupted == SIGTERM ? "SIGTERM" : "Ctrl-C"; }

std::uint64_t ResidentBytes() {
  std::FILE* file = std::fopen("/proc/self/statm", "r");
  if (file == nullptr) return 0;
  unsigned long long size = 0;
  unsigned long long resident = 0;
  const int read = std::fscanf(file, "%llu %llu", &size, &resident);
  std::fclose(file);
  const long page = sysconf(_SC_PAGESIZE);
  if (read != 2 || page <= 0) return 0;
  return resident * static_cast<std::uint64_t>(page);
}

std::uint64_t PeakResidentBytes() {
  std::FILE* file = std::fopen("/proc/self/status", "r");
  if (file == nullptr) return 0;
  char line[256];
  unsigned long long kib = 0;
  while (std::fgets(line, sizeof line, file) != nullptr) {
    if (std::sscanf(line, "VmHWM: %llu kB", &kib) == 1) break;
  }
  std::fclose(file);
  return kib * 1024;
}

}  // namespace pipecheck::cli
