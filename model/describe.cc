#include "model/describe.h"

namespace pipecheck::model {

std::string_view ToString(StateKind kind) {
  switch (kind) {
    case StateKind::kTransient: return "transient";
    case StateKind::kSteady: return "steady";
    case StateKind::kNeedsAction: return "needs_action";
    case StateKind::kTerminal: return "terminal";
    case StateKind::kDeclaredOnly: return "declared_only";
  }
  PIPECHECK_ASSERT(false);
}

std::string_view ToString(TriggerKind kind) {
  switch (kind) {
    case TriggerKind::kOperation: return "operation";
    case TriggerKind::kEvent: return "event";
    case TriggerKind::kFault: return "fault";
  }
  PIPECHECK_ASSERT(false);
}

std::string_view ToString(Status status) {
  return status == Status::kStated ? "stated" : "inferred";
}

namespace {

std::string_view ClickPipeApi(clickpipe::Trigger trigger) {
  switch (trigger) {
    case clickpipe::Trigger::kCreate: return "POST .../clickpipes";
    case clickpipe::Trigger::kPause: return "PATCH .../state {\"command\": \"stop\"}";
    case clickpipe::Trigger::kResume: return "PATCH .../state {\"command\": \"start\"}";
    case clickpipe::Trigger::kResync: return "PATCH .../state {\"command\": \"resync\"}";
    case clickpipe::Trigger::kAddTables: return "PATCH .../clickpipes/{id} tableMappingsToAdd";
    case clickpipe::Trigger::kRemoveTables:
      return "PATCH .../clickpipes/{id} tableMappingsToRemove";
    case clickpipe::Trigger::kEditSettings: return "PUT .../settings";
    default: return "";
  }
}

std::string_view StateName(clickpipe::State state) {
  return state == clickpipe::State::kNone ? std::string_view() : clickpipe::ToString(state);
}

std::string_view StateName(mongosync::State state) {
  return state == mongosync::State::kNone ? std::string_view() : mongosync::ToString(state);
}

}  // namespace

TableView Describe(const clickpipe::Table& table) {
  using namespace clickpipe;
  TableView view;
  view.model = "clickpipe";
  view.profile = ToString(table.profile());
  view.title = "ClickPipe";
  view.primary = "pipe 0";
  for (const State state : States(table.profile())) {
    view.states.push_back({ToString(state), KindOf(state)});
  }
  for (std::size_t m = 0; m < kModeCount; ++m) {
    if (HasModes(table.profile()) || static_cast<Mode>(m) == Mode::kCdc) {
      view.modes.push_back(kModeNames[m]);
    }
  }
  for (std::size_t t = 0; t < kTriggerCount; ++t) {
    const auto trigger = static_cast<Trigger>(t);
    view.triggers.push_back({ToString(trigger), KindOf(trigger), ClickPipeApi(trigger)});
  }
  const auto rows = table.rows();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    RowView out{i, StateName(row.from), ToString(row.trigger), KindOf(row.trigger),
                Describe(row.guard), {}, StateName(row.to), "", "", row.evidence, row.note};
    for (std::size_t m = 0; m < kModeCount; ++m) {
      if (Contains(row.modes, static_cast<Mode>(m))) out.modes.push_back(kModeNames[m]);
    }
    view.rows.push_back(std::move(out));
  }
  return view;
}

TableView Describe(const mongosync::Table& table) {
  using namespace mongosync;
  TableView view;
  view.model = "mongosync";
  for (const State state : States()) view.states.push_back({ToString(state), KindOf(state)});
  for (std::size_t t = 0; t < kTriggerCount; ++t) {
    const auto trigger = static_cast<Trigger>(t);
    view.triggers.push_back({ToString(trigger), KindOf(trigger), ApiCall(trigger)});
  }
  const auto rows = table.rows();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    view.rows.push_back({i, StateName(row.from), ToString(row.trigger), KindOf(row.trigger),
                         Describe(row.guard), {}, StateName(row.to), ToString(row.process_from),
                         ToString(row.process_to), row.evidence, row.note});
  }
  return view;
}

}  // namespace pipecheck::model
