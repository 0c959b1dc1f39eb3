#include "serve/clickpipes_api.h"

#include <array>
#include <cstddef>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "model/clickpipe.h"
#include "sim/clickpipe_world.h"
#include "sim/fnv1a.h"

namespace pipecheck::serve {
namespace {

namespace cp = model::clickpipe;
using nlohmann::json;
using nlohmann::ordered_json;

// The prefix of every path, and the parts of one pipe's paths.
constexpr std::string_view kPipes = R"(/v1/organizations/([^/]+)/services/([^/]+)/clickpipes)";

// A request this API refuses before the model sees it: answered 400 with
// `what` as the error.
class BadRequest : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Answer {
  int status = 200;
  ordered_json result = ordered_json::object();
  std::string error;
};

Answer Ok(ordered_json result) { return {200, std::move(result), {}}; }
Answer Fail(int status, std::string error) { return {status, ordered_json::object(), std::move(error)}; }

// A refusal of the world, "HTTP <status> <message>" (model::RefusalText::Line),
// as an answer with that status and message. A refusal without a status
// (none reaches here: events and faults are not requests) is a 400.
Answer FromRefusal(const std::string& message) {
  constexpr std::string_view kPrefix = "HTTP ";
  if (message.starts_with(kPrefix)) {
    const std::size_t space = message.find(' ', kPrefix.size());
    if (space != std::string::npos) {
      int status = 0;
      for (std::size_t i = kPrefix.size(); i < space; ++i) {
        const char c = message[i];
        if (c < '0' || c > '9') {
          status = 0;
          break;
        }
        status = status * 10 + (c - '0');
      }
      if (status >= 400 && status <= 599) return Fail(status, message.substr(space + 1));
    }
  }
  return Fail(400, message);
}

// What the API keeps of one pipe beside the world's state.
struct PipeRecord {
  std::string name;
  std::string uri;
  std::string read_preference = "primary";
  ordered_json settings = ordered_json::object();  // Without replicationMode (the world's).
  ordered_json table_mappings = ordered_json::array();
  ordered_json destination = ordered_json::object();
};

struct Api {
  Session& session;
  ClickPipesApiOptions options;
  std::vector<PipeRecord> records;  // By slot.
  std::uint64_t requests = 0;

  const sim::ClickPipeWorld& world() const {
    return dynamic_cast<const sim::ClickPipeWorld&>(session.world());
  }
  // A pipe the API shows: created and not deleted (a delete empties the slot).
  bool Visible(int slot) const { return world().pipe_model(slot).state != cp::State::kNone; }
  std::string Id(int slot) const { return ClickPipeId(session.base().seed, world().creation_index(slot)); }
  int slots() const { return world().pipe_count(); }
  PipeRecord& record(int slot) { return records[static_cast<std::size_t>(slot)]; }
  const PipeRecord& record(int slot) const { return records[static_cast<std::size_t>(slot)]; }
};

// The API serving each live session, so that the control API can find a pipe
// by the name this API keeps (FindClickPipe). Names are the API's, not the
// world's: they are no step of the model and are not in the record.
struct Registry {
  std::mutex mutex;
  std::map<const Session*, std::weak_ptr<const Api>> apis;
};

Registry& Apis() {
  static Registry registry;
  return registry;
}

void Register(const std::shared_ptr<const Api>& api) {
  Registry& registry = Apis();
  const std::lock_guard<std::mutex> lock(registry.mutex);
  std::erase_if(registry.apis, [](const auto& entry) { return entry.second.expired(); });
  registry.apis[&api->session] = api;
}

std::shared_ptr<const Api> Registered(const Session& session) {
  Registry& registry = Apis();
  const std::lock_guard<std::mutex> lock(registry.mutex);
  const auto it = registry.apis.find(&session);
  if (it == registry.apis.end()) return nullptr;
  std::shared_ptr<const Api> api = it->second.lock();
  return api != nullptr && &api->session == &session ? api : nullptr;
}

// ---------------------------------------------------------------------------
// Request bodies.

json ParseObject(const Request& request) {
  const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) throw BadRequest("the request body is not valid JSON");
  if (!body.is_object()) throw BadRequest("the request body must be a JSON object");
  return body;
}

const json* Find(const json& object, std::string_view key) {
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

const json& Need(const json& object, std::string_view key, std::string_view path) {
  const json* value = Find(object, key);
  if (value == nullptr) throw BadRequest(fmt::format("{}.{} is required", path, key));
  return *value;
}

const json& NeedObject(const json& object, std::string_view key, std::string_view path) {
  const json& value = Need(object, key, path);
  if (!value.is_object()) throw BadRequest(fmt::format("{}.{} must be an object", path, key));
  return value;
}

std::string NeedString(const json& object, std::string_view key, std::string_view path) {
  const json& value = Need(object, key, path);
  if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
    throw BadRequest(fmt::format("{}.{} must be a non-empty string", path, key));
  }
  return value.get<std::string>();
}

template <std::size_t N>
std::string OneOf(const json& value, const std::array<std::string_view, N>& allowed,
                  std::string_view path) {
  if (value.is_string()) {
    for (const std::string_view word : allowed) {
      if (value.get_ref<const std::string&>() == word) return std::string(word);
    }
  }
  throw BadRequest(fmt::format("{} must be one of {}", path, fmt::join(allowed, ", ")));
}

constexpr std::array<std::string_view, 5> kReadPreferences = {
    "primary", "primaryPreferred", "secondary", "secondaryPreferred", "nearest"};
constexpr std::array<std::string_view, 3> kTableEngines = {"MergeTree", "ReplacingMergeTree",
                                                           "Null"};

// One table mapping (ClickPipeMongoDBPipeTableMapping), as kept.
ordered_json TableMapping(const json& value, std::string_view path) {
  if (!value.is_object()) throw BadRequest(fmt::format("{} must be an object", path));
  ordered_json mapping;
  for (const std::string_view key : {"sourceDatabaseName", "sourceCollection", "targetTable"}) {
    mapping[std::string(key)] = NeedString(value, key, path);
  }
  if (const json* engine = Find(value, "tableEngine")) {
    mapping["tableEngine"] = OneOf(*engine, kTableEngines, fmt::format("{}.tableEngine", path));
  }
  return mapping;
}

std::string MappingKey(const ordered_json& mapping) {
  return mapping["sourceDatabaseName"].get<std::string>() + "." +
         mapping["sourceCollection"].get<std::string>();
}

bool HasMapping(const ordered_json& mappings, const std::string& key) {
  for (const ordered_json& mapping : mappings) {
    if (MappingKey(mapping) == key) return true;
  }
  return false;
}

// A list of table mappings; an absent or empty list is an empty array.
ordered_json TableMappings(const json& object, std::string_view key, std::string_view path) {
  ordered_json mappings = ordered_json::array();
  const json* value = Find(object, key);
  if (value == nullptr) return mappings;
  if (!value->is_array()) throw BadRequest(fmt::format("{}.{} must be an array", path, key));
  for (std::size_t i = 0; i < value->size(); ++i) {
    mappings.push_back(TableMapping((*value)[i], fmt::format("{}.{}[{}]", path, key, i)));
  }
  return mappings;
}

// The settings of a MongoDB ClickPipe (ClickPipeMongoDBPipeSettings), with
// the OpenAPI's minimums, as kept (replicationMode is the caller's). An edit
// (`editable`: the PATCH and PUT settings schemas) takes syncIntervalSeconds
// and pullBatchSize only, and refuses any other key; a create ignores keys it
// does not know.
ordered_json Settings(const json& value, std::string_view path, bool editable) {
  if (!value.is_object()) throw BadRequest(fmt::format("{} must be an object", path));
  struct Integer {
    std::string_view key;
    std::int64_t minimum;
    bool editable;
  };
  constexpr std::array<Integer, 4> kIntegers = {{{"syncIntervalSeconds", 1, true},
                                                 {"pullBatchSize", 1, true},
                                                 {"snapshotNumRowsPerPartition", 1000, false},
                                                 {"snapshotNumberOfParallelTables", 1, false}}};
  constexpr std::array<std::string_view, 2> kBooleans = {"deleteOnMerge", "useJsonNativeFormat"};
  ordered_json settings = ordered_json::object();
  for (const auto& [key, field] : value.items()) {
    if (field.is_null()) continue;
    const Integer* integer = nullptr;
    for (const Integer& candidate : kIntegers) {
      if (key == candidate.key && (candidate.editable || !editable)) integer = &candidate;
    }
    bool boolean = false;
    for (const std::string_view candidate : kBooleans) boolean = boolean || (key == candidate && !editable);
    if (integer != nullptr) {
      if (!field.is_number_integer() || field.get<std::int64_t>() < integer->minimum) {
        throw BadRequest(fmt::format("{}.{} must be an integer of at least {}", path, key,
                                     integer->minimum));
      }
      settings[key] = field.get<std::int64_t>();
    } else if (boolean) {
      if (!field.is_boolean()) throw BadRequest(fmt::format("{}.{} must be a boolean", path, key));
      settings[key] = field.get<bool>();
    } else if (editable) {
      throw BadRequest(fmt::format(
          "{}.{} is not a setting of a MongoDB ClickPipe that can be edited; the settings are "
          "syncIntervalSeconds and pullBatchSize",
          path, key));
    }
  }
  return settings;
}

void MergeSettings(ordered_json& into, const ordered_json& from) {
  for (const auto& [key, value] : from.items()) into[key] = value;
}

// ---------------------------------------------------------------------------
// Answers.

ordered_json PipeJson(const Api& api, int slot, const std::string& service) {
  const PipeRecord& record = api.records[static_cast<std::size_t>(slot)];
  const cp::Pipe& model = api.world().pipe_model(slot);
  ordered_json settings;
  settings["replicationMode"] = cp::ToString(model.mode);
  MergeSettings(settings, record.settings);
  ordered_json mongodb;
  mongodb["uri"] = record.uri;
  mongodb["readPreference"] = record.read_preference;
  mongodb["settings"] = std::move(settings);
  mongodb["tableMappings"] = record.table_mappings;
  ordered_json pipe;
  pipe["id"] = api.Id(slot);
  pipe["name"] = record.name;
  pipe["serviceId"] = service;
  pipe["state"] = cp::ToString(model.state);
  pipe["source"] = {{"mongodb", std::move(mongodb)}};
  pipe["destination"] = record.destination;
  return pipe;
}

std::optional<int> FindPipe(const Api& api, std::string_view id) {
  for (int slot = 0; slot < api.slots(); ++slot) {
    if (api.Visible(slot) && api.Id(slot) == id) return slot;
  }
  return std::nullopt;
}

Answer NotFound(const std::string& id) { return Fail(404, fmt::format("ClickPipe {} not found", id)); }

// The refusal of `trigger`, sent as `sent` (the client's word: stop, start,
// resync, tableMappingsToAdd ...), in the API's words. The model names its
// own operations (pause, resume, add_tables), which no client sends.
Answer Refused(const Api& api, const cp::Pipe& before, cp::Trigger trigger, std::string_view sent,
               const std::string& message) {
  const cp::StepResult result = cp::Step(api.world().table(), before, trigger);
  if (!result.accepted && result.refusal == cp::Refusal::kNotAllowedInState) {
    return Fail(400, fmt::format("ClickPipe in state {} does not accept {}", cp::ToString(before.state), sent));
  }
  return FromRefusal(message);
}

// Applies one operation of the model to `slot`; the refusal as an answer,
// naming the operation as `sent`.
std::optional<Answer> Do(Api& api, int slot, cp::Trigger trigger, std::string_view sent) {
  const cp::Pipe before = api.world().pipe_model(slot);
  sim::Step step;
  step.action = std::string(cp::ToString(trigger));
  step.pipe = slot;
  const sim::StepOutcome outcome = api.session.Do(std::move(step));
  if (outcome.accepted) return std::nullopt;
  return Refused(api, before, trigger, sent, outcome.message);
}

// ---------------------------------------------------------------------------
// Handlers. Each runs with the session locked.

// The replicationMode a create names: required in profile current, where
// each pipe follows its own; profile 2024 has no modes and takes only cdc.
std::optional<cp::Mode> CreateMode(const Api& api, const json* settings) {
  const bool has_modes = cp::HasModes(api.session.base().profile);
  const json* mode_field = settings != nullptr ? Find(*settings, "replicationMode") : nullptr;
  if (mode_field == nullptr) {
    if (has_modes && settings == nullptr) {
      throw BadRequest("body.source.mongodb.settings is required (with replicationMode)");
    }
    if (has_modes) throw BadRequest("body.source.mongodb.settings.replicationMode is required");
    return std::nullopt;
  }
  const std::string name = OneOf(*mode_field, cp::kModeNames, "body.source.mongodb.settings.replicationMode");
  const cp::Mode mode = *cp::ParseMode(name);
  if (!has_modes && mode != cp::Mode::kCdc) {
    throw BadRequest(fmt::format("replicationMode \"{}\" is not in profile {}: its pipes have no modes and "
                                 "run as cdc",
                                 name, cp::ToString(api.session.base().profile)));
  }
  return mode;
}

// The MongoDB source of a create body, as kept, and its mode.
std::optional<cp::Mode> CreateSource(const Api& api, const json& body, PipeRecord& record) {
  const json& source = NeedObject(body, "source", "body");
  const json* mongodb_field = Find(source, "mongodb");
  if (mongodb_field == nullptr) {
    throw BadRequest("body.source.mongodb is required: this emulator serves MongoDB ClickPipes only");
  }
  if (!mongodb_field->is_object()) throw BadRequest("body.source.mongodb must be an object");
  const json& mongodb = *mongodb_field;
  constexpr std::string_view kAt = "body.source.mongodb";
  record.uri = NeedString(mongodb, "uri", kAt);
  if (const json* preference = Find(mongodb, "readPreference")) {
    record.read_preference = OneOf(*preference, kReadPreferences, "body.source.mongodb.readPreference");
  }
  const json* settings = Find(mongodb, "settings");
  if (settings != nullptr) {
    record.settings = Settings(*settings, "body.source.mongodb.settings", /*editable=*/false);
  }
  const std::optional<cp::Mode> mode = CreateMode(api, settings);
  record.table_mappings = TableMappings(mongodb, "tableMappings", kAt);
  if (record.table_mappings.empty()) {
    throw BadRequest("body.source.mongodb.tableMappings must list at least one table mapping");
  }
  return mode;
}

Answer Create(Api& api, const Request& request, const std::string& service) {
  const json body = ParseObject(request);
  PipeRecord record;
  record.name = NeedString(body, "name", "body");
  const std::optional<cp::Mode> mode = CreateSource(api, body, record);
  const json& destination = NeedObject(body, "destination", "body");
  record.destination = {{"database", NeedString(destination, "database", "body.destination")}};

  std::optional<int> slot;
  for (int p = 0; p < api.slots() && !slot; ++p) {
    if (!api.Visible(p)) slot = p;
  }
  if (!slot) {
    return Fail(400, fmt::format("no room for another ClickPipe: the emulated service has {} pipe "
                                 "slot(s) and all are in use (delete a ClickPipe, or set \"pipes\" in "
                                 "the --config file for more)",
                                 api.slots()));
  }
  sim::Step step;
  step.action = std::string(cp::ToString(cp::Trigger::kCreate));
  step.pipe = *slot;
  step.mode = mode.value_or(cp::Mode::kCdc);
  const sim::StepOutcome outcome = api.session.Do(std::move(step));
  if (!outcome.accepted) return FromRefusal(outcome.message);
  api.record(*slot) = std::move(record);
  return Ok(PipeJson(api, *slot, service));
}

Answer List(Api& api, const std::string& service) {
  ordered_json pipes = ordered_json::array();
  for (int slot = 0; slot < api.slots(); ++slot) {
    if (api.Visible(slot)) pipes.push_back(PipeJson(api, slot, service));
  }
  return Ok(std::move(pipes));
}

Answer Get(Api& api, const std::string& service, const std::string& id) {
  const std::optional<int> slot = FindPipe(api, id);
  if (!slot) return NotFound(id);
  return Ok(PipeJson(api, *slot, service));
}

Answer ChangeState(Api& api, const Request& request, const std::string& service,
                   const std::string& id) {
  const std::optional<int> slot = FindPipe(api, id);
  if (!slot) return NotFound(id);
  const json body = ParseObject(request);
  constexpr std::array<std::string_view, 3> kCommands = {"start", "stop", "resync"};
  const std::string command = OneOf(Need(body, "command", "body"), kCommands, "body.command");
  const cp::Trigger trigger = command == "start"  ? cp::Trigger::kResume
                              : command == "stop" ? cp::Trigger::kPause
                                                  : cp::Trigger::kResync;
  if (std::optional<Answer> refused = Do(api, *slot, trigger, command)) return *refused;
  return Ok(PipeJson(api, *slot, service));
}

Answer Update(Api& api, const Request& request, const std::string& service,
              const std::string& id) {
  const std::optional<int> slot = FindPipe(api, id);
  if (!slot) return NotFound(id);
  const json body = ParseObject(request);
  std::optional<std::string> name;
  if (Find(body, "name") != nullptr) name = NeedString(body, "name", "body");
  ordered_json add = ordered_json::array();
  ordered_json remove = ordered_json::array();
  std::optional<ordered_json> settings;
  if (const json* source = Find(body, "source")) {
    if (!source->is_object()) throw BadRequest("body.source must be an object");
    if (const json* mongodb = Find(*source, "mongodb")) {
      if (!mongodb->is_object()) throw BadRequest("body.source.mongodb must be an object");
      constexpr std::string_view kAt = "body.source.mongodb";
      add = TableMappings(*mongodb, "tableMappingsToAdd", kAt);
      remove = TableMappings(*mongodb, "tableMappingsToRemove", kAt);
      if (const json* edited = Find(*mongodb, "settings")) {
        settings = Settings(*edited, "body.source.mongodb.settings", /*editable=*/true);
      }
    }
  }
  const int edits = (add.empty() ? 0 : 1) + (remove.empty() ? 0 : 1) + (settings ? 1 : 0);
  if (edits > 1) {
    throw BadRequest(
        "send tableMappingsToAdd, tableMappingsToRemove and settings in separate requests: the "
        "emulated pipe takes one edit at a time");
  }
  PipeRecord& record = api.record(*slot);
  for (const ordered_json& mapping : add) {
    if (HasMapping(record.table_mappings, MappingKey(mapping))) {
      throw BadRequest(fmt::format("table mapping {} is already in the ClickPipe", MappingKey(mapping)));
    }
  }
  for (const ordered_json& mapping : remove) {
    if (!HasMapping(record.table_mappings, MappingKey(mapping))) {
      throw BadRequest(fmt::format("table mapping {} is not in the ClickPipe", MappingKey(mapping)));
    }
  }
  ordered_json kept = ordered_json::array();
  for (const ordered_json& mapping : record.table_mappings) {
    if (!HasMapping(remove, MappingKey(mapping))) kept.push_back(mapping);
  }
  if (!remove.empty() && kept.empty()) {
    throw BadRequest("a ClickPipe must keep at least one table mapping");
  }

  std::optional<cp::Trigger> trigger;
  std::string_view sent;
  if (!add.empty()) {
    trigger = cp::Trigger::kAddTables;
    sent = "tableMappingsToAdd";
  }
  if (!remove.empty()) {
    trigger = cp::Trigger::kRemoveTables;
    sent = "tableMappingsToRemove";
  }
  if (settings) {
    trigger = cp::Trigger::kEditSettings;
    sent = "a settings edit";
  }
  if (trigger) {
    if (std::optional<Answer> refused = Do(api, *slot, *trigger, sent)) return *refused;
  }
  if (name) record.name = *name;
  for (const ordered_json& mapping : add) kept.push_back(mapping);
  record.table_mappings = std::move(kept);
  if (settings) MergeSettings(record.settings, *settings);
  return Ok(PipeJson(api, *slot, service));
}

Answer GetSettings(Api& api, const std::string& id) {
  const std::optional<int> slot = FindPipe(api, id);
  if (!slot) return NotFound(id);
  return Ok(api.record(*slot).settings);
}

Answer PutSettings(Api& api, const Request& request, const std::string& id) {
  const std::optional<int> slot = FindPipe(api, id);
  if (!slot) return NotFound(id);
  const ordered_json settings = Settings(ParseObject(request), "body", /*editable=*/true);
  if (std::optional<Answer> refused = Do(api, *slot, cp::Trigger::kEditSettings, "a settings edit")) {
    return *refused;
  }
  PipeRecord& record = api.record(*slot);
  MergeSettings(record.settings, settings);
  return Ok(record.settings);
}

Answer Delete(Api& api, const std::string& id) {
  const std::optional<int> slot = FindPipe(api, id);
  if (!slot) return NotFound(id);
  // A step of the service, not of the lifecycle (sim/clickpipe_world.h):
  // the slot is free for a later create.
  sim::Step step;
  step.action = std::string(sim::kClickPipeDelete);
  step.pipe = *slot;
  const sim::StepOutcome outcome = api.session.Do(std::move(step));
  if (!outcome.accepted) return FromRefusal(outcome.message);
  api.record(*slot) = PipeRecord{};
  return Ok(ordered_json::object());
}

// ---------------------------------------------------------------------------
// Routing.

std::string Dump(const ordered_json& body) {
  return body.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string RequestId(std::uint64_t n) { return fmt::format("00000000-0000-4000-8000-{:012x}", n); }

void Write(Response& response, const Answer& answer, const std::string& request_id) {
  ordered_json body;
  body["status"] = answer.status;
  if (answer.status == 200) {
    body["requestId"] = request_id;
    body["result"] = answer.result;
  } else {
    body["error"] = answer.error;
    body["requestId"] = request_id;
  }
  response.status = answer.status;
  response.content_type = "application/json";
  response.body = Dump(body);
}

using Work = std::function<Answer(Api&, const Request&)>;

// sources.md 1.4: while the service is idle every ClickPipes request is
// answered 424 (the Terraform provider wraps each one, reads included, in
// its wake-and-retry). The create's words are the ones the provider's tests
// quote; the others follow them.
Answer Idle(const Request& request) {
  const std::string_view what =
      request.method == "POST" ? "ClickPipe creation is" : "ClickPipes requests are";
  return Fail(424, fmt::format("FAILED_DEPENDENCY: {} allowed only when the ClickHouse service is running. "
                               "Current state: idle",
                               what));
}

// One request that reached a route: the handler, its answer in the API's shape.
Handler Serve(const std::shared_ptr<Api>& api, Work work) {
  return [api, work = std::move(work)](const Request& request, Response& response) {
    Answer answer;
    try {
      answer = api->world().service_idle() ? Idle(request) : work(*api, request);
    } catch (const BadRequest& error) {
      answer = Fail(400, error.what());
    } catch (const std::exception& error) {
      answer = Fail(500, fmt::format("internal error: {}", error.what()));
    }
    Write(response, answer, RequestId(++api->requests));
  };
}

std::string Match(const Request& request, std::size_t index) {
  return index < request.matches.size() ? request.matches[index] : std::string();
}

}  // namespace

std::optional<int> FindClickPipe(const Session& session, std::string_view id_or_name, std::string* why) {
  const auto* world = dynamic_cast<const sim::ClickPipeWorld*>(&session.world());
  if (world == nullptr) {
    if (why != nullptr) *why = "a pipe by id or name is for clickpipe sessions only";
    return std::nullopt;
  }
  for (int slot = 0; slot < world->pipe_count(); ++slot) {
    if (world->pipe_model(slot).state == cp::State::kNone) continue;
    if (ClickPipeId(session.base().seed, world->creation_index(slot)) == id_or_name) return slot;
  }
  std::vector<int> named;
  if (const std::shared_ptr<const Api> api = Registered(session)) {
    for (int slot = 0; slot < api->slots(); ++slot) {
      if (api->Visible(slot) && api->record(slot).name == id_or_name) named.push_back(slot);
    }
  }
  if (named.size() == 1) return named.front();
  if (why != nullptr) {
    *why = named.empty() ? fmt::format("no ClickPipe has the id or name \"{}\"", id_or_name)
                         : fmt::format("{} ClickPipes are named \"{}\"; name one by its id", named.size(),
                                       id_or_name);
  }
  return std::nullopt;
}

std::string ClickPipeId(std::uint64_t seed, int creation) {
  std::array<std::uint64_t, 2> halves{};
  for (std::size_t half = 0; half < halves.size(); ++half) {
    sim::Fnv1a hash;
    hash.AddBytes("pipecheck serve clickpipe id");
    hash.AddWord(seed);
    hash.AddWord(static_cast<std::uint64_t>(creation));
    hash.AddWord(half);
    halves[half] = hash.value();
  }
  const std::uint64_t high = (halves[0] & ~std::uint64_t{0xf000}) | std::uint64_t{0x4000};
  const std::uint64_t low = (halves[1] & ~(std::uint64_t{3} << 62)) | (std::uint64_t{2} << 62);
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xffffU,
                     high & 0xffffU, low >> 48, low & 0xffffffffffffULL);
}

std::unique_ptr<Router> MakeClickPipesApi(Session& session, const ClickPipesApiOptions& options) {
  const auto* world = dynamic_cast<const sim::ClickPipeWorld*>(&session.world());
  if (world == nullptr) {
    throw std::invalid_argument("the ClickPipes API needs a session of the clickpipe model");
  }
  auto api = std::make_shared<Api>(Api{session, options, {}, 0});
  api->records.resize(static_cast<std::size_t>(world->pipe_count()));
  Register(api);

  // Errors before a route (authentication, a path no route takes, a request
  // the transport refuses) count as requests too and carry their own id.
  auto router = std::make_unique<Router>([api](Response& response, int status, const std::string& text) {
    Write(response, Fail(status, text), RequestId(++api->requests));
  });
  router->RequireBasicAuth(options.api_key, "ClickHouse Cloud API");
  const std::string pipes(kPipes);
  const std::string pipe = pipes + "/([^/]+)";
  router->Add("GET", pipes + "/?", Serve(api, [](Api& a, const Request& r) { return List(a, Match(r, 2)); }));
  router->Add("POST", pipes + "/?", Serve(api, [](Api& a, const Request& r) { return Create(a, r, Match(r, 2)); }));
  router->Add("PATCH", pipe + "/state", Serve(api, [](Api& a, const Request& r) {
                return ChangeState(a, r, Match(r, 2), Match(r, 3));
              }));
  router->Add("GET", pipe + "/settings", Serve(api, [](Api& a, const Request& r) { return GetSettings(a, Match(r, 3)); }));
  router->Add("PUT", pipe + "/settings",
              Serve(api, [](Api& a, const Request& r) { return PutSettings(a, r, Match(r, 3)); }));
  router->Add("GET", pipe, Serve(api, [](Api& a, const Request& r) { return Get(a, Match(r, 2), Match(r, 3)); }));
  router->Add("PATCH", pipe,
              Serve(api, [](Api& a, const Request& r) { return Update(a, r, Match(r, 2), Match(r, 3)); }));
  router->Add("DELETE", pipe, Serve(api, [](Api& a, const Request& r) { return Delete(a, Match(r, 3)); }));
  return router;
}

}  // namespace pipecheck::serve
