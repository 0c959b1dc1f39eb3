// tests/oracle/divergences.h: where the model knowingly departs from the spec.
//
// Each entry is an open finding of docs/decisions.md: the spec has decided,
// the table still does the older thing. The table tests assert that the model
// and the oracle differ exactly here (so an entry is removed the day the table
// follows the spec), and the stateful tests end a case that reaches one.
#pragma once

#include "model/clickpipe.h"

namespace pipecheck::oracle {

// None today: D16 (profile 2024 refuses add_tables from Failed) was the
// last, and the table follows it.
inline bool ClickPipeModelDepartsFromSpec(model::clickpipe::Profile /*profile*/,
                                          const model::clickpipe::Pipe& /*pipe*/,
                                          model::clickpipe::Trigger /*trigger*/) {
  return false;
}

}  // namespace pipecheck::oracle
