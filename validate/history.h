// validate/history.h: a recorded status history, read one observation at a time.
//
// A history is what an operator keeps by polling the ClickPipes API or
// mongosync's /progress: JSON lines or CSV (interfaces.md §7). The reader
// streams the file in fixed-size chunks, so its memory does not grow with the
// length of the history, and hands out one Observation per non-blank line.
//
// Formats, told apart by the first non-blank line (a UTF-8 byte order mark
// before it is skipped):
//   - JSON lines (the line starts with `{`), one object a line:
//       {"t": T, "pipe": "id", "state": "Running"}      `time` may replace `t`;
//                                                         `pipe` is optional.
//       {"t": T, ["pipe": "id",] "response": BODY}       BODY as the API gave it:
//     a ClickPipes GET body (result.state, result.id) or a mongosync
//     GET /api/v1/progress body (progress.state, canCommit, canWrite, info,
//     lagTimeSeconds). An error body (ClickPipes status >= 400, mongosync
//     "success": false), or a line with a top-level non-null "error" and
//     neither "state" nor "response", is an unanswered poll. Other keys are
//     ignored (their values must still be valid JSON).
//   - CSV, columns t,pipe,state; an optional first line naming exactly those
//     columns (in any order, any letter case, `time` for `t`) sets the order.
//     RFC 4180 quoting; spaces around an unquoted field are dropped.
// T is RFC 3339 (`2026-05-01T10:00:00Z`, `2026-05-01 10:00:00.250+02:00`,
// lower-case `t` and `z` too) or an integer number of epoch milliseconds.
// Blank lines are skipped and a trailing `\r` is dropped in both formats.
//
// A malformed line is an InputError (model/input_error.h) whose where() is
// "PATH:LINE" and whose reason is one line of plain English; a name or value
// it quotes passes through PrintableName.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace pipecheck::validate {

struct Observation {
  std::size_t line = 0;          // 1-based line number in the file.
  std::int64_t t_ms = 0;         // Epoch milliseconds, UTC.
  std::string_view time;         // The time as written (for messages).
  std::string_view pipe;         // "" when the line names none.
  bool answered = true;          // False: an unanswered poll (no state below).
  std::string_view state;        // As written.
  // From a raw mongosync /progress body only (raw_progress true): the fields as given.
  bool raw_progress = false;
  std::optional<bool> can_commit, can_write;
  std::optional<std::string_view> info;   // Absent or null: nullopt.
  std::optional<double> lag_seconds;      // lagTimeSeconds; absent or null: nullopt.
};

class HistoryReader {
 public:
  // The longest line accepted, without its line break.
  static constexpr std::size_t kMaxLineBytes = std::size_t{1} << 20;

  explicit HistoryReader(const std::string& path);  // Throws InputError (cannot open, directory).
  ~HistoryReader();
  HistoryReader(HistoryReader&&) noexcept;
  HistoryReader& operator=(HistoryReader&&) noexcept;

  // The next observation; false at the end. string_views stay valid until the next call.
  // Throws InputError(reason, "PATH:LINE") on a malformed line.
  bool Next(Observation& out);
  std::size_t lines() const;  // Lines read so far.

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// `text` fit for a one-line message: bytes outside printable ASCII written as
// \xHH, cut to its first 60 bytes with "..." after when longer.
std::string PrintableName(std::string_view text);

}  // namespace pipecheck::validate
