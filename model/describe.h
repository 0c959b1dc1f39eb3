// model/describe.h: a model-neutral view of a lifecycle table.
//
// The spec command, the graphs and the reports print both models the same
// way; this view gives them names and kinds as text, in table order, so none
// of them needs to know either model's enums.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/clickpipe.h"
#include "model/lifecycle.h"
#include "model/mongosync.h"

namespace pipecheck::model {

struct StateView {
  std::string_view name;
  StateKind kind;
};

struct TriggerView {
  std::string_view name;
  TriggerKind kind;
  std::string_view api;  // "POST /start", "stop" ...; empty when none.
};

struct RowView {
  std::size_t index;
  std::string_view from;   // Empty for a row from before the lifecycle ("(none)").
  std::string_view trigger;
  TriggerKind trigger_kind;
  std::string_view guard;  // Empty when unguarded.
  std::vector<std::string_view> modes;  // ClickPipe only.
  std::string_view to;
  std::string_view process_from;  // mongosync only.
  std::string_view process_to;    // mongosync only.
  Evidence evidence;
  std::string_view note;
};

struct TableView {
  std::string_view model;
  std::string_view profile;  // Empty for mongosync.
  std::vector<StateView> states;
  std::vector<std::string_view> modes;
  std::vector<TriggerView> triggers;
  std::vector<RowView> rows;
  std::string_view title;    // The name diagrams give the lifecycle ("ClickPipe"); empty: `model`.
  std::string_view primary;  // The subject a highlight follows when there are several ("pipe 0").
};

TableView Describe(const clickpipe::Table& table);
TableView Describe(const mongosync::Table& table);

}  // namespace pipecheck::model
