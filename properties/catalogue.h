// properties/catalogue.h: helpers for a catalogue written once as a
// constexpr array of entries, each holding its `Property property` and
// whatever else its Space judges it with.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "model/lifecycle.h"

namespace pipecheck::properties {

// The names of the catalogue's entries that `selected` picks, in catalogue
// order, computed at compile time.
template <const auto& kCatalogue, auto selected>
constexpr auto NamesWhere() {
  constexpr auto count =
      static_cast<std::size_t>(std::count_if(std::begin(kCatalogue), std::end(kCatalogue), selected));
  std::array<std::string_view, count> out{};
  std::size_t n = 0;
  for (const auto& entry : kCatalogue) {
    if (selected(entry)) out[n++] = entry.property.name;
  }
  return out;
}

// The table's answers on one subject (a pipe, a sync) that the table-shape
// claims of a catalogue ask in every state, one bit each. A Space caches
// them per packed subject; 0 means not yet computed.
enum TableFact : std::uint8_t {
  kFactOperations = 1U << 0,  // Operations answer as documented.
  kFactEvents = 1U << 1,
  kFactFaults = 1U << 2,
  kFactOneRow = 1U << 3,  // One row decides each step.
  kFactGuard = 1U << 4,   // A guard decides some step.
  kFactKnown = 1U << 7,
};

// The facts of `subject`, from the lifecycle's three questions on its table:
// does each kind of trigger answer as the documented copy says, does one row
// decide each step, does a guard decide some step.
template <auto kAnswersAsDocumented, auto kOneRowDecides, auto kGuardDecides, class Table,
          class Subject>
std::uint8_t TableFactsOf(const Table& table, const Subject& subject) {
  std::uint8_t facts = kFactKnown;
  if (kAnswersAsDocumented(table, subject, model::TriggerKind::kOperation)) facts |= kFactOperations;
  if (kAnswersAsDocumented(table, subject, model::TriggerKind::kEvent)) facts |= kFactEvents;
  if (kAnswersAsDocumented(table, subject, model::TriggerKind::kFault)) facts |= kFactFaults;
  if (kOneRowDecides(table, subject)) facts |= kFactOneRow;
  if (kGuardDecides(table, subject)) facts |= kFactGuard;
  return facts;
}

}  // namespace pipecheck::properties
