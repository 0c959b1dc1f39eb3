#include "sim/scenario.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <fstream>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "model/input_error.h"
#include "sim/journal.h"
#include "sim/start_body.h"

namespace pipecheck::sim {

namespace cp = model::clickpipe;
namespace ms = model::mongosync;
using nlohmann::json;

namespace {

constexpr std::string_view kFormat = "pipecheck-scenario/1";

// Where in which file: "FILE: $.steps[2].at".
class Path {
 public:
  Path(std::string file, std::string path) : file_(std::move(file)), path_(std::move(path)) {}
  Path Key(std::string_view key) const { return {file_, fmt::format("{}.{}", path_, key)}; }
  Path Index(std::size_t index) const { return {file_, fmt::format("{}[{}]", path_, index)}; }
  std::string Where() const { return fmt::format("{}: {}", file_, path_); }
  const std::string& json_path() const { return path_; }
  [[noreturn]] void Fail(const std::string& what) const { throw InputError(what, Where()); }

 private:
  std::string file_;
  std::string path_;
};

void RequireObject(const json& value, const Path& path, std::string_view what) {
  if (!value.is_object()) path.Fail(fmt::format("{} must be a JSON object", what));
}

void RejectUnknownKeys(const json& object, const Path& path, const std::set<std::string>& known) {
  for (const auto& [key, value] : object.items()) {
    if (!known.count(key)) path.Key(key).Fail(fmt::format("unknown key \"{}\"", key));
  }
}

// The longest duration ParseDuration accepts (sim/time.cc).
constexpr Millis kMaxDuration = 3650 * kDay;

// A plain number, or NUMBER UNIT parts, whatever their size: a text
// ParseDuration refuses only for being too long.
bool WellFormedDuration(std::string_view text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) return true;
  while (!text.empty()) {
    const std::size_t digits = std::min(text.find_first_not_of("0123456789"), text.size());
    if (digits == 0) return false;
    text.remove_prefix(digits);
    if (text.starts_with("ms")) {
      text.remove_prefix(2);
    } else if (!text.empty() && std::string_view("smhd").find(text.front()) != std::string_view::npos) {
      text.remove_prefix(1);
    } else {
      return false;
    }
  }
  return true;
}

Millis Duration(const json& value, const Path& path) {
  if (value.is_number_unsigned()) {
    if (const auto parsed = ParseDuration(std::to_string(value.get<std::uint64_t>()))) return *parsed;
    path.Fail(fmt::format("the duration {} is too long: at most {}", value.dump(), FormatDuration(kMaxDuration)));
  }
  if (value.is_number_integer()) path.Fail("a duration cannot be negative");
  if (value.is_number_float()) {
    const double seconds = value.get<double>();
    if (!(seconds >= 0)) path.Fail("a duration cannot be negative");
    if (seconds * 1000.0 > static_cast<double>(kMaxDuration)) {
      path.Fail(fmt::format("the duration {} is too long: at most {}", value.dump(), FormatDuration(kMaxDuration)));
    }
    return static_cast<Millis>(std::llround(seconds * 1000.0));
  }
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (const auto parsed = ParseDuration(text)) return *parsed;
    if (WellFormedDuration(text)) {
      path.Fail(fmt::format("the duration {} is too long: at most {}", value.dump(), FormatDuration(kMaxDuration)));
    }
    path.Fail(fmt::format("bad duration {}: expected a number of seconds or a number with a unit "
                          "ms, s, m, h or d, such as \"90s\" or \"24h\"",
                          value.dump()));
  }
  path.Fail(fmt::format("bad duration {}: expected a number or a string", value.dump()));
}

std::int64_t Integer(const json& value, const Path& path, std::int64_t low, std::int64_t high) {
  if (value.is_number_float() && std::isfinite(value.get<double>()) &&
      value.get<double>() == std::trunc(value.get<double>())) {
    path.Fail(fmt::format("{} is out of range [{}, {}]", value.dump(), low, high));
  }
  if (!value.is_number_integer()) path.Fail(fmt::format("expected a whole number, not {}", value.dump()));
  if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(high)) {
    path.Fail(fmt::format("{} is out of range [{}, {}]", value.dump(), low, high));
  }
  const auto number = value.get<std::int64_t>();
  if (number < low || number > high) {
    path.Fail(fmt::format("{} is out of range [{}, {}]", number, low, high));
  }
  return number;
}

std::string String(const json& value, const Path& path) {
  if (!value.is_string()) path.Fail(fmt::format("expected a string, not {}", value.dump()));
  return value.get<std::string>();
}

bool KnownState(const Scenario& scenario, const std::string& name) {
  if (scenario.model == ModelKind::kClickPipe) {
    const auto state = cp::ParseState(name);
    return state && *state != cp::State::kNone && cp::Declares(scenario.profile, *state);
  }
  const auto state = ms::ParseState(name);
  return state && *state != ms::State::kNone;
}

std::vector<std::string> StateList(const Scenario& scenario, const json& value, const Path& path) {
  if (!value.is_array()) path.Fail("expected an array of state names");
  std::vector<std::string> states;
  for (std::size_t i = 0; i < value.size(); ++i) {
    std::string name = String(value[i], path.Index(i));
    if (!KnownState(scenario, name)) path.Index(i).Fail(fmt::format("unknown state \"{}\"", name));
    states.push_back(std::move(name));
  }
  return states;
}

// The faults a scenario can inject, per model (lifecycles.md 1.2, 2.2).
bool IsFault(ModelKind model, std::string_view name) {
  if (model == ModelKind::kClickPipe) {
    if (name == kClickPipeIdle) return true;  // The service's, with no row.
    const auto trigger = cp::ParseTrigger(name);
    return trigger && cp::KindOf(*trigger) == model::TriggerKind::kFault;
  }
  if (name == "destination_unavailable") return true;  // A data-level fault with no row.
  const auto trigger = ms::ParseTrigger(name);
  return trigger && ms::KindOf(*trigger) == model::TriggerKind::kFault;
}

bool IsOperation(ModelKind model, std::string_view name) {
  if (model == ModelKind::kClickPipe) {
    if (name == kClickPipeDelete) return true;  // The service's, with no row.
    const auto trigger = cp::ParseTrigger(name);
    return trigger && cp::KindOf(*trigger) == model::TriggerKind::kOperation;
  }
  const auto trigger = ms::ParseTrigger(name);
  return trigger && ms::KindOf(*trigger) == model::TriggerKind::kOperation;
}

std::string Names(ModelKind model, model::TriggerKind kind) {
  std::string out;
  auto add = [&](std::string_view name) {
    if (!out.empty()) out += ", ";
    out += name;
  };
  if (model == ModelKind::kClickPipe) {
    for (std::size_t t = 0; t < cp::kTriggerCount; ++t) {
      if (cp::KindOf(static_cast<cp::Trigger>(t)) == kind) add(cp::kTriggerNames[t]);
    }
    if (kind == model::TriggerKind::kOperation) add(kClickPipeDelete);
    if (kind == model::TriggerKind::kFault) add(kClickPipeIdle);
  } else {
    for (std::size_t t = 0; t < ms::kTriggerCount; ++t) {
      if (ms::KindOf(static_cast<ms::Trigger>(t)) == kind) add(ms::kTriggerNames[t]);
    }
    if (kind == model::TriggerKind::kFault) add("destination_unavailable");
  }
  return out;
}

void ParseConfig(const json& object, const Path& path, Scenario& scenario) {
  RequireObject(object, path, "config");
  const bool clickpipe = scenario.model == ModelKind::kClickPipe;
  std::set<std::string> known = {"collections", "documents", "writes_per_second",
                                 "oplog_retention", "writes_until"};
  if (clickpipe) {
    known.insert({"mode", "pipes", "sync_interval", "pull_batch_size", "snapshot_rows_per_second"});
  } else {
    known.insert({"copy_documents_per_second", "apply_events_per_second", "mongosync_version"});
  }
  for (const auto& [key, value] : object.items()) {
    if (!known.count(key)) {
      path.Key(key).Fail(fmt::format("unknown key \"{}\" in the {} config", key,
                                     clickpipe ? "clickpipe" : "mongosync"));
    }
  }
  Config& config = scenario.config;
  const auto at = [&](const char* key) { return path.Key(key); };
  if (object.contains("collections")) {
    config.collections = static_cast<int>(Integer(object["collections"], at("collections"), 1, 64));
  }
  if (object.contains("documents")) {
    config.documents = static_cast<int>(Integer(object["documents"], at("documents"), 0, 1000000));
  }
  if (object.contains("writes_per_second")) {
    const json& value = object["writes_per_second"];
    if (!value.is_number() || !(value.get<double>() >= 0) || value.get<double>() > 10000) {
      at("writes_per_second").Fail("writes_per_second must be a number from 0 to 10000");
    }
    config.writes_per_hour = static_cast<std::int64_t>(std::llround(value.get<double>() * 3600.0));
  }
  if (object.contains("oplog_retention")) {
    config.oplog_retention = Duration(object["oplog_retention"], at("oplog_retention"));
    if (config.oplog_retention <= 0) at("oplog_retention").Fail("oplog_retention must be positive");
  }
  if (object.contains("writes_until")) {
    config.writes_until = Duration(object["writes_until"], at("writes_until"));
  }
  if (object.contains("mode")) {
    const std::string name = String(object["mode"], at("mode"));
    const auto mode = cp::ParseMode(name);
    if (!mode) at("mode").Fail(fmt::format("unknown mode \"{}\"; expected cdc, cdc_only or snapshot", name));
    if (!cp::HasModes(scenario.profile) && *mode != cp::Mode::kCdc) {
      at("mode").Fail(fmt::format("profile {} has no modes", cp::ToString(scenario.profile)));
    }
    config.mode = *mode;
  }
  if (object.contains("pipes")) {
    config.pipes = static_cast<int>(Integer(object["pipes"], at("pipes"), 1, 16));
  }
  if (object.contains("sync_interval")) {
    config.sync_interval = Duration(object["sync_interval"], at("sync_interval"));
    if (config.sync_interval < kSecond) at("sync_interval").Fail("sync_interval must be at least 1s");
  }
  if (object.contains("pull_batch_size")) {
    config.pull_batch_size =
        static_cast<int>(Integer(object["pull_batch_size"], at("pull_batch_size"), 1, 10000000));
  }
  if (object.contains("snapshot_rows_per_second")) {
    config.snapshot_rows_per_second = static_cast<int>(
        Integer(object["snapshot_rows_per_second"], at("snapshot_rows_per_second"), 1, 10000000));
  }
  if (object.contains("copy_documents_per_second")) {
    config.copy_documents_per_second = static_cast<int>(Integer(
        object["copy_documents_per_second"], at("copy_documents_per_second"), 1, 10000000));
  }
  if (object.contains("apply_events_per_second")) {
    config.apply_events_per_second = static_cast<int>(
        Integer(object["apply_events_per_second"], at("apply_events_per_second"), 1, 10000000));
  }
  if (object.contains("mongosync_version")) {
    const std::string text = String(object["mongosync_version"], at("mongosync_version"));
    const auto version = model::mongosync::ParseVersion(text);
    if (!version) {
      at("mongosync_version").Fail(fmt::format("unknown mongosync version \"{}\"; expected 1.8 to 1.21", text));
    }
    config.mongosync_version = *version;
  }
}

// A ClickPipe create's own replicationMode: each pipe of a service has the
// mode its create named.
cp::Mode CreateMode(const json& value, const Path& path, const Scenario& scenario, const Step& step) {
  if (scenario.model != ModelKind::kClickPipe || step.is_fault || step.action != "create") {
    path.Fail("\"mode\" is for a clickpipe create step only");
  }
  const std::string name = String(value, path);
  const auto mode = cp::ParseMode(name);
  if (!mode) path.Fail(fmt::format("unknown mode \"{}\"; expected cdc, cdc_only or snapshot", name));
  if (!cp::HasModes(scenario.profile) && *mode != cp::Mode::kCdc) {
    path.Fail(fmt::format("profile {} has no modes", cp::ToString(scenario.profile)));
  }
  return *mode;
}

Step ParseStep(const json& object, const Path& path, const Scenario& scenario) {
  RequireObject(object, path, "a step");
  const bool clickpipe = scenario.model == ModelKind::kClickPipe;
  RejectUnknownKeys(object, path,
                    {"at", "do", "fault", "for", "pipe", "mode", "body", "repeat", "every", "expect"});
  Step step;
  if (!object.contains("at")) path.Fail("a step needs \"at\"");
  step.at = Duration(object["at"], path.Key("at"));
  const bool has_do = object.contains("do");
  const bool has_fault = object.contains("fault");
  if (has_do == has_fault) path.Fail("a step has exactly one of \"do\" and \"fault\"");
  step.is_fault = has_fault;
  const Path action_path = path.Key(has_do ? "do" : "fault");
  step.action = String(object[has_do ? "do" : "fault"], action_path);
  if (step.is_fault && !IsFault(scenario.model, step.action)) {
    action_path.Fail(fmt::format("unknown fault \"{}\"; expected one of {}", step.action,
                                 Names(scenario.model, model::TriggerKind::kFault)));
  }
  if (!step.is_fault && !IsOperation(scenario.model, step.action)) {
    const std::string hint = IsFault(scenario.model, step.action)
                                 ? " (it is a fault: use \"fault\")"
                                 : fmt::format("; expected one of {}",
                                               Names(scenario.model, model::TriggerKind::kOperation));
    action_path.Fail(fmt::format("unknown operation \"{}\"{}", step.action, hint));
  }
  if (object.contains("for")) step.duration = Duration(object["for"], path.Key("for"));
  if (object.contains("pipe")) {
    if (!clickpipe) path.Key("pipe").Fail("\"pipe\" is for clickpipe scenarios only");
    step.pipe = static_cast<int>(Integer(object["pipe"], path.Key("pipe"), 0, scenario.config.pipes - 1));
  }
  if (object.contains("mode")) step.mode = CreateMode(object["mode"], path.Key("mode"), scenario, step);
  if (object.contains("body")) {
    if (clickpipe || step.action != "start") {
      path.Key("body").Fail("only mongosync's start takes a body");
    }
    step.body = ParseStartBody(object["body"], path.Key("body").Where());
  }
  if (object.contains("repeat")) {
    step.repeat = Integer(object["repeat"], path.Key("repeat"), 1, kMaxRepeat);
    if (step.body) path.Key("repeat").Fail("a start with a body is not repeated");
  }
  if (object.contains("every")) {
    if (step.repeat < 2) path.Key("every").Fail("\"every\" goes with a \"repeat\" of 2 or more");
    step.every = Duration(object["every"], path.Key("every"));
    if (step.every <= 0) path.Key("every").Fail("\"every\" must be longer than 0s");
  } else if (step.repeat > 1) {
    path.Key("repeat").Fail("a \"repeat\" of 2 or more needs \"every\"");
  }
  if (step.LastAt() > kMaxDuration) {
    path.Key("repeat").Fail(fmt::format("the last repeat is after {}", FormatDuration(kMaxDuration)));
  }
  if (object.contains("expect")) {
    const json& expect = object["expect"];
    const Path expect_path = path.Key("expect");
    RequireObject(expect, expect_path, "a step's expect");
    RejectUnknownKeys(expect, expect_path, {"accepted", "error"});
    if (expect.contains("accepted")) {
      if (!expect["accepted"].is_boolean()) expect_path.Key("accepted").Fail("expected true or false");
      step.expect.accepted = expect["accepted"].get<bool>();
    }
    if (expect.contains("error")) step.expect.error = String(expect["error"], expect_path.Key("error"));
  }
  return step;
}

void ParseExpect(const json& object, const Path& path, Scenario& scenario) {
  RequireObject(object, path, "expect");
  RejectUnknownKeys(object, path,
                    {"final_state", "visits", "never_visits", "data", "properties", "process"});
  Expect& expect = scenario.expect;
  if (object.contains("final_state")) {
    const std::string name = String(object["final_state"], path.Key("final_state"));
    if (!KnownState(scenario, name)) path.Key("final_state").Fail(fmt::format("unknown state \"{}\"", name));
    expect.final_state = name;
  }
  if (object.contains("visits")) expect.visits = StateList(scenario, object["visits"], path.Key("visits"));
  if (object.contains("never_visits")) {
    expect.never_visits = StateList(scenario, object["never_visits"], path.Key("never_visits"));
  }
  if (object.contains("data")) {
    expect.data = String(object["data"], path.Key("data"));
    if (expect.data != "converged" && expect.data != "unchecked") {
      path.Key("data").Fail("data must be \"converged\" or \"unchecked\"");
    }
  }
  if (object.contains("properties")) {
    expect.properties = String(object["properties"], path.Key("properties"));
  }
  if (object.contains("process")) {
    if (scenario.model != ModelKind::kMongosync) path.Key("process").Fail("\"process\" is for mongosync only");
    const std::string process = String(object["process"], path.Key("process"));
    if (!ms::ParseProcess(process)) path.Key("process").Fail("process must be up, down or exited");
    expect.process = process;
  }
}

}  // namespace

std::string_view ToString(ModelKind model) {
  return model == ModelKind::kClickPipe ? "clickpipe" : "mongosync";
}

Millis Scenario::WritesUntil() const {
  if (config.writes_until) return *config.writes_until;
  return run_until > 10 * kMinute ? run_until - 10 * kMinute : 0;
}

Scenario ParseScenario(const json& document, const std::string& file) {
  const Path root(file, "$");
  RequireObject(document, root, "a scenario");
  RejectUnknownKeys(document, root,
                    {"format", "name", "model", "profile", "seed", "config", "steps", "run_until",
                     "expect"});
  if (!document.contains("format")) root.Fail("missing \"format\": \"pipecheck-scenario/1\"");
  if (String(document["format"], root.Key("format")) != kFormat) {
    root.Key("format").Fail(fmt::format("unknown format {}; expected \"{}\"",
                                        document["format"].dump(), kFormat));
  }
  Scenario scenario;
  if (document.contains("name")) scenario.name = String(document["name"], root.Key("name"));
  if (!document.contains("model")) root.Fail("missing \"model\"");
  const std::string model = String(document["model"], root.Key("model"));
  if (model == "clickpipe") {
    scenario.model = ModelKind::kClickPipe;
  } else if (model == "mongosync") {
    scenario.model = ModelKind::kMongosync;
  } else {
    root.Key("model").Fail(fmt::format("unknown model \"{}\"; expected clickpipe or mongosync", model));
  }
  if (document.contains("profile")) {
    const std::string profile = String(document["profile"], root.Key("profile"));
    if (scenario.model != ModelKind::kClickPipe) root.Key("profile").Fail("only clickpipe has profiles");
    const auto parsed = cp::ParseProfile(profile);
    if (!parsed) root.Key("profile").Fail(fmt::format("unknown profile \"{}\"; expected current or 2024", profile));
    scenario.profile = *parsed;
  }
  if (document.contains("seed")) {
    const json& seed = document["seed"];
    if (!seed.is_number_unsigned() && !(seed.is_number_integer() && seed.get<std::int64_t>() >= 0)) {
      root.Key("seed").Fail(fmt::format("seed must be a whole number from 0 to {}, not {}",
                                        std::numeric_limits<std::uint64_t>::max(), seed.dump()));
    }
    scenario.seed = seed.get<std::uint64_t>();
  }
  if (document.contains("config")) ParseConfig(document["config"], root.Key("config"), scenario);
  if (!document.contains("run_until")) root.Fail("missing \"run_until\"");
  scenario.run_until = Duration(document["run_until"], root.Key("run_until"));
  if (!document.contains("steps")) root.Fail("missing \"steps\"");
  const json& steps = document["steps"];
  if (!steps.is_array()) root.Key("steps").Fail("steps must be an array");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    Step step = ParseStep(steps[i], root.Key("steps").Index(i), scenario);
    if (!scenario.steps.empty() && step.at < scenario.steps.back().LastAt()) {
      root.Key("steps").Index(i).Key("at").Fail(
          scenario.steps.back().repeat > 1
              ? fmt::format("steps must be in time order (the step above repeats until {})",
                            FormatDuration(scenario.steps.back().LastAt()))
              : std::string("steps must be in time order"));
    }
    if (step.LastAt() > scenario.run_until) {
      root.Key("steps").Index(i).Key(step.repeat > 1 ? "repeat" : "at").Fail(
          step.repeat > 1 ? "the step's last repeat is after run_until" : "the step is after run_until");
    }
    scenario.steps.push_back(std::move(step));
  }
  if (document.contains("expect")) ParseExpect(document["expect"], root.Key("expect"), scenario);
  return scenario;
}

Scenario LoadScenario(const std::string& path) {
  if (IsJournal(path)) return LoadJournal(path);
  return ParseScenario(ReadJsonFile(path), path);
}

bool FoldRepeat(Step& into, const Step& next) {
  if (next.repeat != 1 || into.repeat >= kMaxRepeat || into.body || next.body) return false;
  if (into.action != next.action || into.is_fault != next.is_fault || into.pipe != next.pipe ||
      into.duration != next.duration || into.mode != next.mode || into.expect.accepted != next.expect.accepted ||
      into.expect.error != next.expect.error) {
    return false;
  }
  if (into.repeat == 1) {
    if (next.at <= into.at) return false;
    into.every = next.at - into.at;
  } else if (next.at - into.LastAt() != into.every) {
    return false;
  }
  ++into.repeat;
  return true;
}

Step ParseStepJson(const json& object, const std::string& file, const Scenario& scenario) {
  return ParseStep(object, Path(file, "$"), scenario);
}

Millis ParseDurationJson(const json& value, const std::string& file, const std::string& json_path) {
  return Duration(value, Path(file, json_path));
}

namespace {

// "FILE: line L column C" of the byte at `offset` (lines and columns from 1,
// columns in bytes).
std::string Position(std::string_view text, std::size_t offset, const std::string& file) {
  offset = std::min(offset, text.size());
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return fmt::format("{}: line {} column {}", file, line, column);
}

// The length of the valid UTF-8 sequence at text[i], or 0 when the bytes
// there are not valid UTF-8.
std::size_t Utf8Length(std::string_view text, std::size_t i) {
  const auto byte = static_cast<unsigned char>(text[i]);
  if (byte < 0x80) return 1;
  std::size_t length = 0;
  if (byte >= 0xc2 && byte <= 0xdf) length = 2;
  if (byte >= 0xe0 && byte <= 0xef) length = 3;
  if (byte >= 0xf0 && byte <= 0xf4) length = 4;
  if (length == 0 || i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xc0U) != 0x80U) return 0;
  }
  const auto second = static_cast<unsigned char>(text[i + 1]);
  if (byte == 0xe0 && second < 0xa0) return 0;  // Overlong.
  if (byte == 0xed && second > 0x9f) return 0;  // A surrogate.
  if (byte == 0xf0 && second < 0x90) return 0;  // Overlong.
  if (byte == 0xf4 && second > 0x8f) return 0;  // Past U+10FFFF.
  return length;
}

// What nlohmann's parser would otherwise report in its own words, or not
// survive: bytes that are not UTF-8, raw control characters in strings,
// nesting deep enough to exhaust the stack, numbers past a double.
void ScanJsonText(std::string_view text, const std::string& file) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = Utf8Length(text, i);
    if (length == 0) {
      throw InputError(fmt::format("not valid UTF-8: byte \\x{:02x}", static_cast<unsigned char>(text[i])),
                       Position(text, i, file));
    }
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        i += std::min<std::size_t>(2, text.size() - i);  // An escaped byte cannot end the string.
        continue;
      }
      if (c == '"') in_string = false;
      if (static_cast<unsigned char>(c) < 0x20) {
        throw InputError(fmt::format("not valid JSON: control character U+{:04X} inside a string "
                                     "(write it as an escape, such as \\n)",
                                     static_cast<unsigned char>(c)),
                         Position(text, i, file));
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        throw InputError(fmt::format("nested deeper than {} levels", kMaxJsonDepth), Position(text, i, file));
      }
    } else if (c == ']' || c == '}') {
      if (depth > 0) --depth;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t end = i + 1;
      while (end < text.size() && std::string_view("0123456789+-.eE").find(text[end]) != std::string_view::npos) {
        ++end;
      }
      const std::string number(text.substr(i, end - i));
      if (std::isinf(std::strtod(number.c_str(), nullptr))) {
        throw InputError(fmt::format("the number {} is too large", number), Position(text, i, file));
      }
      i = end;
      continue;
    }
    i += length;
  }
}

// One level of the document being parsed, for the JSON path of a repeated key.
struct JsonFrame {
  bool object = false;
  std::string key;        // An object's current key.
  std::size_t index = 0;  // An array's current index.
  std::set<std::string> keys;
};

std::string JsonPath(const std::vector<JsonFrame>& frames) {
  std::string path = "$";
  for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
    path += frames[i].object ? fmt::format(".{}", frames[i].key) : fmt::format("[{}]", frames[i].index);
  }
  return path;
}

}  // namespace

json ParseJsonText(std::string_view text, const std::string& file) {
  if (text.starts_with("\xef\xbb\xbf")) text.remove_prefix(3);  // A UTF-8 byte order mark.
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw InputError("the file is empty; expected a JSON object", file);
  }
  ScanJsonText(text, file);
  std::vector<JsonFrame> frames;
  const json::parser_callback_t track = [&](int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        frames.emplace_back();
        frames.back().object = event == json::parse_event_t::object_start;
        break;
      case json::parse_event_t::key: {
        JsonFrame& frame = frames.back();
        frame.key = parsed.get<std::string>();
        if (!frame.keys.insert(frame.key).second) {
          throw InputError(fmt::format("the key \"{}\" appears twice", frame.key),
                           fmt::format("{}: {}.{}", file, JsonPath(frames), frame.key));
        }
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames.pop_back();
        if (!frames.empty() && !frames.back().object) ++frames.back().index;
        break;
      case json::parse_event_t::value:
        if (!frames.empty() && !frames.back().object) ++frames.back().index;
        break;
    }
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), track);
  } catch (const json::parse_error& error) {
    // error.byte counts from 1 and points at the last byte read.
    std::size_t offset = error.byte == 0 ? 0 : error.byte - 1;
    if (offset >= text.size() || text.find_first_not_of(" \t\r\n", offset) == std::string_view::npos) {
      throw InputError("not valid JSON: the text ends before the JSON value does", Position(text, offset, file));
    }
    // The parser counts bytes: step back to the start of the character it stopped in.
    while (offset > 0 && (static_cast<unsigned char>(text[offset]) & 0xc0U) == 0x80U) --offset;
    const std::size_t length = std::max<std::size_t>(1, Utf8Length(text, offset));
    throw InputError(fmt::format("not valid JSON: unexpected {}", json(std::string(text.substr(offset, length))).dump(-1, ' ', false, json::error_handler_t::replace)),
                     Position(text, offset, file));
  } catch (const json::exception&) {
    throw InputError("not valid JSON", file);
  }
}

json ReadJsonFile(const std::string& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error || !std::filesystem::exists(status)) {
    throw InputError(fmt::format("cannot read the file: {}", std::error_code(ENOENT, std::generic_category()).message()),
                     path);
  }
  if (std::filesystem::is_directory(status)) throw InputError("is a directory, not a file", path);
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw InputError(fmt::format("cannot read the file: {}", std::error_code(errno, std::generic_category()).message()),
                     path);
  }
  std::string text;
  char buffer[65536];
  while (file.read(buffer, sizeof buffer) || file.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(file.gcount()));
    if (text.size() > kMaxJsonFileBytes) {
      throw InputError(fmt::format("the file is larger than {} MiB", kMaxJsonFileBytes >> 20), path);
    }
  }
  return ParseJsonText(text, path);
}

nlohmann::ordered_json HeadToJson(const Scenario& scenario) {
  using nlohmann::ordered_json;
  const bool clickpipe = scenario.model == ModelKind::kClickPipe;
  const Config& c = scenario.config;
  ordered_json out;
  out["format"] = std::string(kFormat);
  out["name"] = scenario.name;
  out["model"] = std::string(ToString(scenario.model));
  if (clickpipe) out["profile"] = std::string(cp::ToString(scenario.profile));
  out["seed"] = scenario.seed;
  ordered_json config;
  if (clickpipe) config["mode"] = std::string(cp::ToString(c.mode));
  if (clickpipe) config["pipes"] = c.pipes;
  config["collections"] = c.collections;
  config["documents"] = c.documents;
  if (c.writes_per_hour % 3600 == 0) {
    config["writes_per_second"] = c.writes_per_hour / 3600;
  } else {
    config["writes_per_second"] = static_cast<double>(c.writes_per_hour) / 3600.0;
  }
  config["oplog_retention"] = FormatDuration(c.oplog_retention);
  if (c.writes_until) config["writes_until"] = FormatDuration(*c.writes_until);
  if (clickpipe) {
    config["sync_interval"] = FormatDuration(c.sync_interval);
    config["pull_batch_size"] = c.pull_batch_size;
    config["snapshot_rows_per_second"] = c.snapshot_rows_per_second;
  } else {
    config["copy_documents_per_second"] = c.copy_documents_per_second;
    config["apply_events_per_second"] = c.apply_events_per_second;
    config["mongosync_version"] = model::mongosync::ToString(c.mongosync_version);
  }
  out["config"] = std::move(config);
  return out;
}

nlohmann::ordered_json StepToJson(const Step& step, const Scenario& scenario) {
  nlohmann::ordered_json item;
  item["at"] = FormatDuration(step.at);
  item[step.is_fault ? "fault" : "do"] = step.action;
  if (step.duration) item["for"] = FormatDuration(*step.duration);
  if (scenario.model == ModelKind::kClickPipe && scenario.config.pipes > 1) item["pipe"] = step.pipe;
  if (step.mode) item["mode"] = std::string(cp::ToString(*step.mode));
  if (step.body) item["body"] = StartBodyJson(*step.body);
  if (step.repeat > 1) {
    item["repeat"] = step.repeat;
    item["every"] = FormatDuration(step.every);
  }
  if (step.expect.accepted || step.expect.error) {
    nlohmann::ordered_json expect;
    if (step.expect.accepted) expect["accepted"] = *step.expect.accepted;
    if (step.expect.error) expect["error"] = *step.expect.error;
    item["expect"] = std::move(expect);
  }
  return item;
}

nlohmann::ordered_json ExpectToJson(const Expect& e) {
  nlohmann::ordered_json expect;
  if (e.final_state) expect["final_state"] = *e.final_state;
  if (!e.visits.empty()) expect["visits"] = e.visits;
  if (!e.never_visits.empty()) expect["never_visits"] = e.never_visits;
  expect["data"] = e.data;
  expect["properties"] = e.properties;
  if (e.process) expect["process"] = *e.process;
  return expect;
}

nlohmann::ordered_json ToJson(const Scenario& scenario) {
  nlohmann::ordered_json out = HeadToJson(scenario);
  out["steps"] = nlohmann::ordered_json::array();
  for (const Step& step : scenario.steps) out["steps"].push_back(StepToJson(step, scenario));
  out["run_until"] = FormatDuration(scenario.run_until);
  out["expect"] = ExpectToJson(scenario.expect);
  return out;
}

}  // namespace pipecheck::sim
