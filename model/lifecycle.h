// model/lifecycle.h: vocabulary shared by both lifecycle tables.
//
// Every row of a lifecycle table names its evidence: the source keys of
// spec/sources.md (for example "CP-LC") and, when a row rests on a decision of
// lifecycles.md section 4 (or docs/decisions.md), that decision (for example
// "D1"). A row that uses a decision is inferred; a row is stated only when its
// sources state all of it, its starting state and its guard included.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/assert.h"

namespace pipecheck::model {

enum class StateKind : std::uint8_t {
  kTransient,     // Left by an internal event.
  kSteady,        // Stays until a user operation or a fault.
  kNeedsAction,   // Stays until the user acts (Failed).
  kTerminal,      // Left only by an explicit restart of the work (resync, /reverse).
  kDeclaredOnly,  // Named by a document, reached by no transition (Degraded).
};

enum class TriggerKind : std::uint8_t {
  kOperation,  // A user or API call.
  kEvent,      // Internal progress of the system.
  kFault,      // Something that happens to the system.
};

enum class Status : std::uint8_t { kStated, kInferred };

std::string_view ToString(StateKind kind);
std::string_view ToString(TriggerKind kind);
std::string_view ToString(Status status);

// The evidence of one row. `decision` is empty for a stated row.
// A refusal as the product's API words it: the HTTP status where the API
// answers with one (0 for events and faults, which have no HTTP answer), the
// error name where the API has one, and the message.
struct RefusalText {
  int http_status = 0;
  std::string message;
  std::string error;
  // One line: "HTTP 400 <message>", "<error>: <message>" or "<message>".
  std::string Line() const {
    std::string line = http_status != 0 ? "HTTP " + std::to_string(http_status) + " " : "";
    if (!error.empty()) line += error + ": ";
    return line + message;
  }
};

// A context no run of the model produces (see FindImpossibleContext of each
// model): the setting that conflicts (a context field's name, "state" or
// "mode") and one line saying why, with what would make it possible.
struct ContextConflict {
  std::string key;
  std::string message;
};

struct Evidence {
  std::string_view source;
  std::string_view decision;
  constexpr Status status() const {
    return decision.empty() ? Status::kStated : Status::kInferred;
  }
};

// The position of `name` in a table of names, or nullopt.
template <std::size_t N>
constexpr std::optional<std::size_t> FindName(const std::array<std::string_view, N>& names,
                                              std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return i;
  }
  return std::nullopt;
}

// The value whose name is `name` in an enum's name table, or nullopt.
template <typename Enum, std::size_t N>
constexpr std::optional<Enum> ParseName(const std::array<std::string_view, N>& names,
                                        std::string_view name) {
  const auto index = FindName(names, name);
  if (!index) return std::nullopt;
  return static_cast<Enum>(*index);
}

// A lifecycle table: its rows, and an index of them by (from, trigger) so
// that Step looks at the few rows of one pair instead of scanning. Tables are
// values: the built-in ones are never changed, and a test or the mutation
// check builds its own altered copy.
template <typename RowT, std::size_t kStates, std::size_t kTriggers>
class BasicTable {
 public:
  static constexpr std::size_t kMaxRowsPerPair = 6;

  explicit BasicTable(std::vector<RowT> rows) : rows_(std::move(rows)) {
    PIPECHECK_ASSERT(rows_.size() < 256);
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      Pair& pair = pairs_[static_cast<std::size_t>(rows_[i].from)]
                         [static_cast<std::size_t>(rows_[i].trigger)];
      PIPECHECK_ASSERT(pair.count < kMaxRowsPerPair);
      pair.rows[pair.count++] = static_cast<std::uint8_t>(i);
    }
  }

  std::span<const RowT> rows() const { return rows_; }

  // The indices of the rows of (from, trigger), in table order.
  template <typename StateT, typename TriggerT>
  std::span<const std::uint8_t> RowsOf(StateT from, TriggerT trigger) const {
    const Pair& pair =
        pairs_[static_cast<std::size_t>(from)][static_cast<std::size_t>(trigger)];
    return {pair.rows.data(), pair.count};
  }

 private:
  struct Pair {
    std::array<std::uint8_t, kMaxRowsPerPair> rows{};
    std::uint8_t count = 0;
  };
  std::vector<RowT> rows_;
  std::array<std::array<Pair, kTriggers>, kStates> pairs_{};
};

}  // namespace pipecheck::model
