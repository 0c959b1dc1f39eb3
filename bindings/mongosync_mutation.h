// bindings/mongosync_mutation.h: the mongosync table's mutants, for the
// mutation check written once in properties/mutate.h.
//
// Mutants of a row: drop it; send it to each other state; leave the process
// in each other status; drop its guard; drop its effect and swap it for each
// other effect. Each mutant is explored with MongosyncSpace and the bounds
// given. The known equivalent mutants, each with its reason, are listed in
// mongosync_mutation.cc.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/mongosync.h"
#include "properties/check.h"
#include "properties/mongosync_space.h"
#include "properties/mutate.h"

namespace pipecheck::bindings {

class MongosyncMutation {
 public:
  explicit MongosyncMutation(properties::MongosyncBounds bounds);

  // The flags of `pipecheck mutate`: mongosync has neither profiles nor
  // pipes, so a non-empty --profile or a --pipes other than 0 is an
  // InputError naming the flag.
  static MongosyncMutation FromFlags(const std::string& profile, int pipes);
  // Every fault budget 1.
  static properties::MongosyncBounds DefaultBounds();

  // Every single-row mutant of the table, in row order.
  std::vector<properties::Mutant> Mutants() const;
  // The mutated table. REQUIRES: `mutant` came from Mutants().
  model::mongosync::Table Apply(const properties::Mutant& mutant) const;
  // The explorer's report on the mutated table (the built-in one for nullptr).
  properties::CheckReport Check(const properties::Mutant* mutant) const;
  static std::span<const std::string_view> DocumentedCopyComparisons();
  // The known equivalents, in mutant order.
  static std::span<const properties::KnownEquivalent> KnownEquivalents();
  // The names of the effects, as mutant names spell them ("enter_cea").
  static std::span<const std::string_view> EffectNames();

  const model::mongosync::Table& table() const { return *table_; }
  const properties::MongosyncBounds& bounds() const { return bounds_; }

 private:
  const model::mongosync::Table* table_;
  properties::MongosyncBounds bounds_;
};

static_assert(properties::Mutation<MongosyncMutation>);

}  // namespace pipecheck::bindings
