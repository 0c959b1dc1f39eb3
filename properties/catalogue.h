// properties/catalogue.h: helpers for a catalogue written once as a
// constexpr array of entries, each holding its `Property property` and
// whatever else its Space judges it with.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <iterator>
#include <string_view>

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

}  // namespace pipecheck::properties
