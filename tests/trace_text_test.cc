// tests/trace_text_test.cc: traces as people read them. Times on the trace's
// clock as h:mm:ss.mmm (Nd h:mm:ss.mmm from one day on); data events left out
// of a text trace unless asked for, with a line that says how many.
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "cli/run_parts.h"
#include "sim/time.h"
#include "sim/trace.h"

namespace pipecheck {
namespace {

using sim::FormatClock;
using sim::kDay;
using sim::kHour;
using sim::kMinute;
using sim::kSecond;
using sim::Millis;

TEST(FormatClock, SpellsEveryTimeAsHoursMinutesSecondsAndMilliseconds) {
  EXPECT_EQ(FormatClock(0), "0:00:00.000");
  EXPECT_EQ(FormatClock(1), "0:00:00.001");
  EXPECT_EQ(FormatClock(999), "0:00:00.999");
  EXPECT_EQ(FormatClock(kSecond), "0:00:01.000");
  EXPECT_EQ(FormatClock(90 * kSecond), "0:01:30.000");
  EXPECT_EQ(FormatClock(kHour - 1), "0:59:59.999");
  EXPECT_EQ(FormatClock(kHour), "1:00:00.000");
  EXPECT_EQ(FormatClock(10805 * kSecond), "3:00:05.000");
  EXPECT_EQ(FormatClock(23 * kHour + 59 * kMinute + 59 * kSecond + 999), "23:59:59.999");
}

TEST(FormatClock, CountsWholeDaysFromOneDayOn) {
  EXPECT_EQ(FormatClock(kDay), "1d 0:00:00.000");
  EXPECT_EQ(FormatClock(kDay + 2 * kHour + 3 * kMinute + 4 * kSecond + 5), "1d 2:03:04.005");
  EXPECT_EQ(FormatClock(30 * kHour), "1d 6:00:00.000");
  EXPECT_EQ(FormatClock(97152291), "1d 2:59:12.291");
  EXPECT_EQ(FormatClock(3650 * kDay + kHour), "3650d 1:00:00.000");
}

TEST(FormatClock, SpellsTheExtremesOfMillisWithoutOverflow) {
  const Millis max = std::numeric_limits<Millis>::max();  // 9223372036854775807 ms
  EXPECT_EQ(FormatClock(max), "106751991167d 7:12:55.807");
  EXPECT_EQ(FormatClock(-1), "-0:00:00.001");
  EXPECT_EQ(FormatClock(std::numeric_limits<Millis>::min()), "-106751991167d 7:12:55.808");
}

sim::TraceEvent Event(Millis t_ms, sim::TraceKind kind, std::string_view what, std::string_view from,
                      std::string_view to) {
  sim::TraceEvent event;
  event.t_ms = t_ms;
  event.pipe = 0;
  event.kind = kind;
  event.what = what;
  event.from = from;
  event.to = to;
  return event;
}

TEST(TraceText, ALineStartsWithTheClockTimeRightAligned) {
  sim::TraceEvent pause = Event(4 * kHour, sim::TraceKind::kOperation, "pause", "Running", "Pausing");
  pause.row = 7;
  EXPECT_EQ(sim::Trace::ToTextLine(pause),
            "   4:00:00.000 pipe 0 operation pause Running -> Pausing (row 7)");
  sim::TraceEvent batch = Event(kDay + 5, sim::TraceKind::kData, "cdc_batch", "", "");
  batch.detail = "3 changes";
  EXPECT_EQ(sim::Trace::ToTextLine(batch), "1d 0:00:00.005 pipe 0 data      cdc_batch: 3 changes");
}

TEST(TraceText, TheJsonLineKeepsMilliseconds) {
  const sim::TraceEvent event = Event(kDay + 5, sim::TraceKind::kEvent, "provisioned", "Provisioning", "Setup");
  EXPECT_EQ(sim::Trace::ToJsonLine(event),
            R"({"t_ms":86400005,"pipe":0,"kind":"event","what":"provisioned","from":"Provisioning","to":"Setup","accepted":true})");
}

sim::Trace MixedTrace() {
  sim::Trace trace;
  trace.Add(Event(0, sim::TraceKind::kOperation, "create", "(none)", "Provisioning"));
  trace.Add(Event(kSecond, sim::TraceKind::kData, "cdc_batch", "", ""));
  trace.Add(Event(2 * kSecond, sim::TraceKind::kEvent, "provisioned", "Provisioning", "Setup"));
  trace.Add(Event(3 * kSecond, sim::TraceKind::kData, "snapshot_table", "", ""));
  trace.Add(Event(4 * kSecond, sim::TraceKind::kFault, "compute_crash", "Setup", "Setup"));
  trace.Add(Event(5 * kSecond, sim::TraceKind::kState, "settled", "Setup", "Setup"));
  trace.Add(Event(6 * kSecond, sim::TraceKind::kData, "swap", "", ""));
  return trace;
}

TEST(TraceText, ByDefaultOnlyDataEventsAreLeftOutAndTheirCountIsSaid) {
  std::ostringstream out;
  cli::PrintTrace(MixedTrace(), false, out);
  const std::string text = out.str();
  for (const char* shown : {"create", "provisioned", "compute_crash", "settled"}) {
    EXPECT_NE(text.find(shown), std::string::npos) << shown << " missing from\n" << text;
  }
  for (const char* hidden : {"cdc_batch", "snapshot_table", "swap"}) {
    EXPECT_EQ(text.find(hidden), std::string::npos) << hidden << " shown in\n" << text;
  }
  EXPECT_TRUE(text.ends_with("           ... 3 data events hidden; --verbose shows them\n")) << text;
}

TEST(TraceText, VerboseShowsEveryEventAndNoHiddenLine) {
  const sim::Trace trace = MixedTrace();
  std::ostringstream out;
  cli::PrintTrace(trace, true, out);
  std::ostringstream expected;
  for (const auto& event : trace.events()) expected << sim::Trace::ToTextLine(event) << "\n";
  EXPECT_EQ(out.str(), expected.str());
}

TEST(TraceText, OneHiddenDataEventIsSaidInTheSingular) {
  sim::Trace trace;
  trace.Add(Event(0, sim::TraceKind::kData, "applied", "", ""));
  std::ostringstream out;
  cli::PrintTrace(trace, false, out);
  EXPECT_EQ(out.str(), "           ... 1 data event hidden; --verbose shows them\n");
}

}  // namespace
}  // namespace pipecheck
