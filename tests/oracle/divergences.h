// tests/oracle/divergences.h: where the model knowingly departs from the spec.
//
// Each entry is an open finding of docs/decisions.md: the spec has decided,
// the table still does the older thing. The table tests assert that the model
// and the oracle differ exactly here (so an entry is removed the day the table
// follows the spec), and the stateful tests end a case that reaches one.
#pragma once

#include "model/clickpipe.h"

namespace pipecheck::oracle {

// D16 (lifecycles.md section 4): in profile 2024 add_tables is accepted in
// Running only and refused from Failed. The table still accepts it from
// Failed (Failed -> Snapshot), the literal reading of lifecycles.md 1.4 that
// D16 corrects (docs/decisions.md "Open findings").
inline bool ClickPipeModelDepartsFromSpec(model::clickpipe::Profile profile,
                                          const model::clickpipe::Pipe& pipe,
                                          model::clickpipe::Trigger trigger) {
  return profile == model::clickpipe::Profile::k2024 &&
         pipe.state == model::clickpipe::State::kFailed &&
         trigger == model::clickpipe::Trigger::kAddTables;
}

}  // namespace pipecheck::oracle
