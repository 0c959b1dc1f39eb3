// bindings/clickpipe_mutation.h: the ClickPipe table's mutants, for the
// mutation check written once in properties/mutate.h.
//
// Mutants of a row: drop it; send it to each other state the profile
// declares; drop its guard; widen its modes to every mode (profile
// `current`, which has modes); drop its effect and swap it for each other
// effect. Each mutant is explored with ClickPipeSpace and the bounds given.
// The known equivalent mutants of both profiles, each with its reason, are
// listed in clickpipe_mutation.cc.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/clickpipe.h"
#include "properties/check.h"
#include "properties/clickpipe_space.h"
#include "properties/mutate.h"

namespace pipecheck::bindings {

class ClickPipeMutation {
 public:
  ClickPipeMutation(model::clickpipe::Profile profile, properties::ClickPipeBounds bounds);

  // The flags of `pipecheck mutate`: --profile ("" is current) and --pipes
  // (0 is the default, else 1..kMaxPipes), each refused with an InputError
  // naming the flag.
  static ClickPipeMutation FromFlags(const std::string& profile, int pipes);
  // One pipe (a mutant of one row changes what one pipe does; a second pipe
  // multiplies the states without killing more), every fault budget 1.
  static properties::ClickPipeBounds DefaultBounds();

  // Every single-row mutant of the table, in row order.
  std::vector<properties::Mutant> Mutants() const;
  // The mutated table. REQUIRES: `mutant` came from Mutants().
  model::clickpipe::Table Apply(const properties::Mutant& mutant) const;
  // The explorer's report on the mutated table (the built-in one for nullptr).
  properties::CheckReport Check(const properties::Mutant* mutant) const;
  static std::span<const std::string_view> DocumentedCopyComparisons();
  // The known equivalents of both profiles, in mutant order.
  static std::span<const properties::KnownEquivalent> KnownEquivalents();
  // The names of the effects, as mutant names spell them ("begin_add_tables").
  static std::span<const std::string_view> EffectNames();

  const model::clickpipe::Table& table() const { return *table_; }
  const properties::ClickPipeBounds& bounds() const { return bounds_; }

 private:
  const model::clickpipe::Table* table_;
  properties::ClickPipeBounds bounds_;
};

static_assert(properties::Mutation<ClickPipeMutation>);

}  // namespace pipecheck::bindings
