// tests/serve_clickpipes_test.cc: the ClickPipes API of `serve` through a
// real HTTP client.
//
// Each test starts serve's HTTP server (serve/http_server.h) on an ephemeral
// port of 127.0.0.1 in this process, with the ClickPipes API's router over a
// Session of the ClickPipe model, and talks to it with cpp-httplib's client. Time moves only
// when a test advances the session (the manual clock). The tests pin what a
// user's script meets: the answers' shapes, the model's refusals with their
// documented status and words, the lifecycle as the clock moves, the errors
// of bad requests and authentication, and that every request the model
// decides is in the session's record with its outcome.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "model/clickpipe.h"
#include "properties/clickpipe_monitors.h"
#include "properties/runner.h"
#include "serve/clickpipes_api.h"
#include "serve/control_api.h"
#include "serve/http_server.h"
#include "serve/session.h"
#include "sim/scenario.h"
#include "sim/time.h"

namespace pipecheck::serve {
namespace {

using nlohmann::json;

constexpr std::uint64_t kSeed = 7;
const std::string kPipes = "/v1/organizations/org-1/services/svc-1/clickpipes";

struct Answer {
  int status = 0;
  json body;
  std::string allow;
  std::string authenticate;
};

json CreateBody(const std::string& mode = "cdc") {
  return {{"name", "orders"},
          {"source",
           {{"mongodb",
             {{"uri", "mongodb://db.example:27017"},
              {"readPreference", "primary"},
              {"credentials", {{"username", "u"}, {"password", "p"}}},
              {"settings", {{"replicationMode", mode}, {"syncIntervalSeconds", 60}}},
              {"tableMappings",
               json::array({{{"sourceDatabaseName", "shop"},
                             {"sourceCollection", "orders"},
                             {"targetTable", "shop_orders"},
                             {"tableEngine", "ReplacingMergeTree"}},
                            {{"sourceDatabaseName", "shop"},
                             {"sourceCollection", "customers"},
                             {"targetTable", "shop_customers"}}})}}}}},
          {"destination", {{"database", "default"}}}};
}

json Mapping(const std::string& collection) {
  return {{"sourceDatabaseName", "shop"},
          {"sourceCollection", collection},
          {"targetTable", "shop_" + collection}};
}

class ClickPipesApiTest : public ::testing::Test {
 protected:
  void Start(int pipes = 1, const std::string& api_key = "",
             model::clickpipe::Profile profile = model::clickpipe::Profile::kCurrent) {
    sim::Scenario base;
    base.model = sim::ModelKind::kClickPipe;
    base.profile = profile;
    base.seed = kSeed;
    base.config.pipes = pipes;
    session_ = Session::Make<properties::ClickPipeMonitors>(base);
    router_ = MakeClickPipesApi(*session_, ClickPipesApiOptions{api_key});
    server_ = std::make_unique<HttpServer>(loop_, *router_, HttpLimits{});
    port_ = server_->Open("127.0.0.1", 0, "--port");
    ASSERT_GT(port_, 0);
    ControlOptions control;
    control.record_dir = ::testing::TempDir();
    control.after_change = [] {};
    control.run_in_background = [](const std::function<void()>& work) { work(); };
    control_router_ = MakeControlApi(*session_, loop_, std::move(control));
    control_server_ = std::make_unique<HttpServer>(loop_, *control_router_, HttpLimits{});
    const int control_port = control_server_->Open("127.0.0.1", 0, "--control-port");
    ASSERT_GT(control_port, 0);
    thread_ = std::thread([this] { loop_.Run(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    control_client_ = std::make_unique<httplib::Client>("127.0.0.1", control_port);
  }

  void TearDown() override {
    if (thread_.joinable()) {
      loop_.Call([this] {
        server_->Close();
        control_server_->Close();
      });
      loop_.Stop();
      thread_.join();
    }
  }

  Answer Call(const std::string& method, const std::string& path, const std::string& body = "") {
    const auto send = [&]() -> httplib::Result {
      if (method == "POST") return client_->Post(path, body, "application/json");
      if (method == "PUT") return client_->Put(path, body, "application/json");
      if (method == "PATCH") return client_->Patch(path, body, "application/json");
      if (method == "DELETE") return client_->Delete(path);
      return client_->Get(path);
    };
    const httplib::Result result = send();
    EXPECT_TRUE(result) << method << " " << path << ": " << httplib::to_string(result.error());
    if (!result) return {};
    Answer answer;
    answer.status = result->status;
    answer.body = json::parse(result->body, nullptr, /*allow_exceptions=*/false);
    answer.allow = result->get_header_value("Allow");
    answer.authenticate = result->get_header_value("WWW-Authenticate");
    return answer;
  }
  Answer Call(const std::string& method, const std::string& path, const json& body) {
    return Call(method, path, body.dump());
  }
  // POST /pipecheck/v1/fault on the control API.
  Answer Fault(const json& body) {
    const httplib::Result result = control_client_->Post("/pipecheck/v1/fault", body.dump(), "application/json");
    EXPECT_TRUE(result) << httplib::to_string(result.error());
    if (!result) return {};
    return {result->status, json::parse(result->body, nullptr, /*allow_exceptions=*/false), "", ""};
  }

  // Creates a pipe and returns its id.
  std::string Create() {
    const Answer created = Call("POST", kPipes, CreateBody());
    EXPECT_EQ(created.status, 200) << created.body;
    return created.body["result"]["id"].get<std::string>();
  }
  std::string State(const std::string& id) {
    const Answer got = Call("GET", kPipes + "/" + id);
    EXPECT_EQ(got.status, 200) << got.body;
    return got.body["result"]["state"].get<std::string>();
  }
  Answer Command(const std::string& id, const std::string& command) {
    return Call("PATCH", kPipes + "/" + id + "/state", json{{"command", command}});
  }
  // The session belongs to the loop's thread: the test reaches it there.
  void Advance(sim::Millis by) {
    loop_.Call([&] { session_->Advance(by); });
  }
  // Creates a pipe and advances the clock until it is Running.
  std::string CreateRunning() {
    const std::string id = Create();
    Advance(15 * sim::kMinute);
    EXPECT_EQ(State(id), "Running");
    return id;
  }
  std::vector<sim::Step> Steps() {
    std::vector<sim::Step> steps;
    loop_.Call([&] { steps = session_->Recording().steps; });
    return steps;
  }

  // The session's record, saved and read back, replays to its live trace,
  // each step accepted or refused as it was.
  void ExpectReplaysToTheLiveHash() {
    sim::Scenario recording;
    std::uint64_t live_hash = 0;
    loop_.Call([&] {
      recording = session_->Recording();
      live_hash = session_->TraceHash();
    });
    const sim::Scenario saved =
        sim::ParseScenario(json::parse(sim::ToJson(recording).dump()), "recording.json");
    const properties::RunResult replayed = properties::RunScenario<properties::ClickPipeMonitors>(saved);
    EXPECT_TRUE(replayed.passed());
    EXPECT_EQ(replayed.trace_hash(), live_hash);
  }

  // An error answer: the API's error shape, with the HTTP status in it.
  static void ExpectError(const Answer& answer, int status, const std::string& error) {
    EXPECT_EQ(answer.status, status) << answer.body;
    ASSERT_TRUE(answer.body.is_object()) << answer.body;
    EXPECT_EQ(answer.body.value("status", 0), status);
    EXPECT_EQ(answer.body.value("error", ""), error);
    EXPECT_TRUE(answer.body.contains("requestId"));
    EXPECT_FALSE(answer.body.contains("result"));
  }

  std::unique_ptr<Session> session_;
  // The requests are applied on the loop's thread; the test reads the
  // session between requests, when that thread is idle.
  EventLoop loop_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::unique_ptr<httplib::Client> client_;
  std::unique_ptr<Router> control_router_;
  std::unique_ptr<HttpServer> control_server_;
  std::unique_ptr<httplib::Client> control_client_;
};

TEST_F(ClickPipesApiTest, CreatedPipeIsProvisioningAndItsStateMovesOnAsTheSessionAdvances) {
  Start();
  const Answer created = Call("POST", kPipes, CreateBody());
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(created.body["status"], 200);
  EXPECT_EQ(created.body["requestId"], "00000000-0000-4000-8000-000000000001");
  const json& pipe = created.body["result"];
  EXPECT_EQ(pipe["id"], ClickPipeId(kSeed, 0));
  EXPECT_EQ(pipe["name"], "orders");
  EXPECT_EQ(pipe["serviceId"], "svc-1");
  EXPECT_EQ(pipe["state"], "Provisioning");
  EXPECT_EQ(pipe["source"]["mongodb"]["settings"]["replicationMode"], "cdc");
  EXPECT_EQ(pipe["source"]["mongodb"]["tableMappings"].size(), 2U);
  EXPECT_FALSE(pipe["source"]["mongodb"].contains("credentials"));
  EXPECT_EQ(pipe["destination"]["database"], "default");

  const std::string id = pipe["id"];
  EXPECT_EQ(State(id), "Provisioning");
  // The service's compute takes 5 minutes, then the tables 10 seconds.
  Advance(5 * sim::kMinute + 5 * sim::kSecond);
  EXPECT_EQ(State(id), "Setup");
  Advance(10 * sim::kMinute);
  EXPECT_EQ(State(id), "Running");
  const Answer listed = Call("GET", kPipes);
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.body["result"].size(), 1U);
  EXPECT_EQ(listed.body["result"][0]["id"], id);
  EXPECT_EQ(listed.body["result"][0]["state"], "Running");
}

TEST_F(ClickPipesApiTest, StartOnARunningPipeAnswers400AlreadyRunning) {
  Start();
  const std::string id = CreateRunning();
  ExpectError(Command(id, "start"), 400, "ClickPipe is already running");
  EXPECT_EQ(State(id), "Running");
}

TEST_F(ClickPipesApiTest, TableEditOnARunningPipeAnswers400MustBePaused) {
  Start();
  const std::string id = CreateRunning();
  const json add = {{"source", {{"mongodb", {{"tableMappingsToAdd", json::array({Mapping("users")})}}}}}};
  ExpectError(Call("PATCH", kPipes + "/" + id, add), 400, "ClickPipe must be paused to edit");
  const json remove = {
      {"source", {{"mongodb", {{"tableMappingsToRemove", json::array({Mapping("orders")})}}}}}};
  ExpectError(Call("PATCH", kPipes + "/" + id, remove), 400, "ClickPipe must be paused to edit");
  ExpectError(Call("PUT", kPipes + "/" + id + "/settings", json{{"pullBatchSize", 500}}), 400,
              "ClickPipe must be paused to edit");
  const Answer got = Call("GET", kPipes + "/" + id);
  EXPECT_EQ(got.body["result"]["state"], "Running");
  EXPECT_EQ(got.body["result"]["source"]["mongodb"]["tableMappings"].size(), 2U);
  EXPECT_FALSE(got.body["result"]["source"]["mongodb"]["settings"].contains("pullBatchSize"));
}

TEST_F(ClickPipesApiTest, StopThenSettingsEditThenStartRunsThePipeAgain) {
  Start();
  const std::string id = CreateRunning();
  const Answer stopped = Command(id, "stop");
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  EXPECT_EQ(stopped.body["result"]["state"], "Pausing");
  Advance(sim::kMinute);
  EXPECT_EQ(State(id), "Paused");
  const Answer edited = Call("PUT", kPipes + "/" + id + "/settings", json{{"pullBatchSize", 500}});
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(edited.body["result"]["pullBatchSize"], 500);
  EXPECT_EQ(State(id), "Paused");
  const Answer started = Command(id, "start");
  ASSERT_EQ(started.status, 200) << started.body;
  EXPECT_EQ(started.body["result"]["state"], "Running");
  EXPECT_EQ(started.body["result"]["source"]["mongodb"]["settings"]["pullBatchSize"], 500);
}

TEST_F(ClickPipesApiTest, TablesAddedToAPausedPipeAreLoadedAndThePipeRunsAgain) {
  Start();
  const std::string id = CreateRunning();
  ASSERT_EQ(Command(id, "stop").status, 200);
  Advance(sim::kMinute);
  const json add = {{"source", {{"mongodb", {{"tableMappingsToAdd", json::array({Mapping("users")})}}}}}};
  const Answer added = Call("PATCH", kPipes + "/" + id, add);
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(added.body["result"]["state"], "Setup");
  EXPECT_EQ(added.body["result"]["source"]["mongodb"]["tableMappings"].size(), 3U);
  Advance(10 * sim::kMinute);
  EXPECT_EQ(State(id), "Running");

  ASSERT_EQ(Command(id, "stop").status, 200);
  Advance(sim::kMinute);
  const json remove = {
      {"source", {{"mongodb", {{"tableMappingsToRemove", json::array({Mapping("orders")})}}}}}};
  const Answer removed = Call("PATCH", kPipes + "/" + id, remove);
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_EQ(removed.body["result"]["state"], "Modifying");
  const json& kept = removed.body["result"]["source"]["mongodb"]["tableMappings"];
  ASSERT_EQ(kept.size(), 2U);
  EXPECT_EQ(kept[0]["sourceCollection"], "customers");
  EXPECT_EQ(kept[1]["sourceCollection"], "users");
  Advance(sim::kMinute);
  EXPECT_EQ(State(id), "Running");
}

TEST_F(ClickPipesApiTest, EditsTheMappingsCannotHonourAnswer400AndReachNoModel) {
  Start();
  const std::string id = CreateRunning();
  ASSERT_EQ(Command(id, "stop").status, 200);
  Advance(sim::kMinute);
  const std::size_t steps = Steps().size();
  const auto edit = [&](const std::string& key, const json& mappings) {
    return Call("PATCH", kPipes + "/" + id, json{{"source", {{"mongodb", {{key, mappings}}}}}});
  };
  ExpectError(edit("tableMappingsToAdd", json::array({Mapping("orders")})), 400,
              "table mapping shop.orders is already in the ClickPipe");
  ExpectError(edit("tableMappingsToRemove", json::array({Mapping("users")})), 400,
              "table mapping shop.users is not in the ClickPipe");
  ExpectError(edit("tableMappingsToRemove", json::array({Mapping("orders"), Mapping("customers")})),
              400, "a ClickPipe must keep at least one table mapping");
  ExpectError(Call("PATCH", kPipes + "/" + id,
                   json{{"source",
                         {{"mongodb",
                           {{"tableMappingsToAdd", json::array({Mapping("users")})},
                            {"tableMappingsToRemove", json::array({Mapping("orders")})}}}}}}),
              400,
              "send tableMappingsToAdd, tableMappingsToRemove and settings in separate requests: the "
              "emulated pipe takes one edit at a time");
  ExpectError(Call("PUT", kPipes + "/" + id + "/settings", json{{"replicationMode", "snapshot"}}), 400,
              "body.replicationMode is not a setting of a MongoDB ClickPipe that can be edited; the "
              "settings are syncIntervalSeconds and pullBatchSize");
  ExpectError(Call("PUT", kPipes + "/" + id + "/settings", json{{"syncIntervalSeconds", 0}}), 400,
              "body.syncIntervalSeconds must be an integer of at least 1");
  EXPECT_EQ(Steps().size(), steps);
  // A new name alone is no step of the model.
  const Answer renamed = Call("PATCH", kPipes + "/" + id, json{{"name", "orders-v2"}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.body["result"]["name"], "orders-v2");
  EXPECT_EQ(renamed.body["result"]["state"], "Paused");
  EXPECT_EQ(renamed.body["result"]["source"]["mongodb"]["tableMappings"].size(), 2U);
  EXPECT_EQ(Steps().size(), steps);
}

TEST_F(ClickPipesApiTest, ResyncOfARunningPipeLoadsAgainAndReturnsToRunning) {
  Start();
  const std::string id = CreateRunning();
  const Answer resynced = Command(id, "resync");
  ASSERT_EQ(resynced.status, 200) << resynced.body;
  EXPECT_EQ(resynced.body["result"]["state"], "Setup");
  std::vector<std::string> seen;
  for (int second = 0; second < 120; ++second) {
    Advance(sim::kSecond);
    const std::string state = State(id);
    if (seen.empty() || seen.back() != state) seen.push_back(state);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"Setup", "Snapshot", "Resync", "Running"}));
}

TEST_F(ClickPipesApiTest, UnknownPipeIdAnswers404InTheErrorShape) {
  Start();
  const std::string unknown = "00000000-0000-4000-8000-00000000abcd";
  const std::string error = "ClickPipe " + unknown + " not found";
  ExpectError(Call("GET", kPipes + "/" + unknown), 404, error);
  ExpectError(Command(unknown, "stop"), 404, error);
  ExpectError(Call("DELETE", kPipes + "/" + unknown), 404, error);
  ExpectError(Call("PUT", kPipes + "/" + unknown + "/settings", json{{"pullBatchSize", 1}}), 404, error);
  // A slot's id before its pipe is created is unknown too.
  ExpectError(Call("GET", kPipes + "/" + ClickPipeId(kSeed, 0)), 404,
              "ClickPipe " + ClickPipeId(kSeed, 0) + " not found");
  EXPECT_TRUE(Steps().empty());
}

TEST_F(ClickPipesApiTest, DeleteFreesTheSlotForACreateAndTheRecordReplaysTheDelete) {
  Start(1);
  const std::string id = CreateRunning();
  ExpectError(Call("POST", kPipes, CreateBody()), 400,
              "no room for another ClickPipe: the emulated service has 1 pipe slot(s) and all are in use "
              "(delete a ClickPipe, or set \"pipes\" in the --config file for more)");
  const Answer deleted = Call("DELETE", kPipes + "/" + id);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  ExpectError(Call("GET", kPipes + "/" + id), 404, "ClickPipe " + id + " not found");
  EXPECT_TRUE(Call("GET", kPipes).body["result"].empty());
  std::string state;
  loop_.Call([&] { state = session_->world().LifecycleState(0); });
  EXPECT_EQ(state, "(none)");
  ASSERT_FALSE(Steps().empty());
  EXPECT_EQ(Steps().back().action, "delete");
  EXPECT_EQ(Steps().back().expect.accepted, true);

  // The service was full; the delete made room. The new pipe is another one.
  const Answer again = Call("POST", kPipes, CreateBody("snapshot"));
  ASSERT_EQ(again.status, 200) << again.body;
  const std::string second = again.body["result"]["id"];
  EXPECT_EQ(second, ClickPipeId(kSeed, 1));
  EXPECT_NE(second, id);
  ExpectError(Call("GET", kPipes + "/" + id), 404, "ClickPipe " + id + " not found");
  Advance(15 * sim::kMinute);
  EXPECT_EQ(State(second), "Completed");
  ExpectReplaysToTheLiveHash();
}

TEST_F(ClickPipesApiTest, ASnapshotPipeAndACdcPipeOfOneServiceEachFollowTheirMode) {
  Start(2);
  const Answer cdc = Call("POST", kPipes, CreateBody("cdc"));
  const Answer snapshot = Call("POST", kPipes, CreateBody("snapshot"));
  ASSERT_EQ(cdc.status, 200) << cdc.body;
  ASSERT_EQ(snapshot.status, 200) << snapshot.body;
  EXPECT_EQ(snapshot.body["result"]["source"]["mongodb"]["settings"]["replicationMode"], "snapshot");
  Advance(15 * sim::kMinute);
  EXPECT_EQ(State(cdc.body["result"]["id"]), "Running");
  EXPECT_EQ(State(snapshot.body["result"]["id"]), "Completed");
  const Answer listed = Call("GET", kPipes);
  ASSERT_EQ(listed.body["result"].size(), 2U);
  EXPECT_EQ(listed.body["result"][0]["source"]["mongodb"]["settings"]["replicationMode"], "cdc");
  EXPECT_EQ(listed.body["result"][1]["source"]["mongodb"]["settings"]["replicationMode"], "snapshot");
  const std::vector<sim::Step> steps = Steps();
  ASSERT_EQ(steps.size(), 2U);
  EXPECT_EQ(steps[0].mode, model::clickpipe::Mode::kCdc);
  EXPECT_EQ(steps[1].mode, model::clickpipe::Mode::kSnapshot);
  ExpectReplaysToTheLiveHash();
}

TEST_F(ClickPipesApiTest, StopInProvisioningIsRefusedNamingStopNotTheModelsPause) {
  Start();
  const std::string id = Create();
  ExpectError(Command(id, "stop"), 400, "ClickPipe in state Provisioning does not accept stop");
  ExpectError(Command(id, "resync"), 400, "ClickPipe in state Provisioning does not accept resync");
  EXPECT_EQ(State(id), "Provisioning");
}

TEST_F(ClickPipesApiTest, AFaultAddressedByIdOrNameHitsThatPipe) {
  Start(2);
  const std::string first = Create();
  json body = CreateBody();
  body["name"] = "customers";
  const Answer created = Call("POST", kPipes, body);
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string second = created.body["result"]["id"];
  Advance(15 * sim::kMinute);
  const Answer by_id = Fault({{"fault", "irrecoverable_error"}, {"pipe", second}});
  ASSERT_EQ(by_id.status, 200) << by_id.body;
  EXPECT_EQ(by_id.body["accepted"], true);
  EXPECT_EQ(State(first), "Running");
  EXPECT_EQ(State(second), "Failed");
  const Answer by_name = Fault({{"fault", "irrecoverable_error"}, {"pipe", "orders"}});
  ASSERT_EQ(by_name.status, 200) << by_name.body;
  EXPECT_EQ(State(first), "Failed");
  const std::vector<sim::Step> steps = Steps();
  ASSERT_EQ(steps.size(), 4U);
  EXPECT_EQ(steps[2].pipe, 1);
  EXPECT_EQ(steps[3].pipe, 0);
}

TEST_F(ClickPipesApiTest, AFaultForAnUnknownPipeIs400NamingTheBodysPipe) {
  Start(1);
  Create();
  const Answer unknown = Fault({{"fault", "lag"}, {"pipe", "no-such-pipe"}});
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(unknown.body.value("error", ""),
            "no ClickPipe has the id or name \"no-such-pipe\" (\"pipe\" in the request body)");
  const Answer out_of_range = Fault({{"fault", "lag"}, {"pipe", 3}});
  EXPECT_EQ(out_of_range.status, 400) << out_of_range.body;
  EXPECT_EQ(out_of_range.body.value("error", ""), "3 is out of range [0, 0] (\"pipe\" in the request body)");
  const Answer bad_for = Fault({{"fault", "lag"}, {"for", "soon"}});
  EXPECT_NE(bad_for.body.value("error", "").find("(\"for\" in the request body)"), std::string::npos)
      << bad_for.body;
  EXPECT_EQ(Steps().size(), 1U);
}

TEST_F(ClickPipesApiTest, AnIdleServiceAnswers424UntilItWakes) {
  Start(2);
  // A snapshot pipe never syncs CDC, so nothing wakes the service but time.
  const Answer snapshot = Call("POST", kPipes, CreateBody("snapshot"));
  ASSERT_EQ(snapshot.status, 200) << snapshot.body;
  const std::string id = snapshot.body["result"]["id"];
  const Answer idle = Fault({{"fault", "idle"}, {"for", "2h"}});
  ASSERT_EQ(idle.status, 200) << idle.body;
  EXPECT_EQ(idle.body["accepted"], true);
  const std::string idle_error =
      "FAILED_DEPENDENCY: ClickPipes requests are allowed only when the ClickHouse service is running. "
      "Current state: idle";
  ExpectError(Call("GET", kPipes), 424, idle_error);
  ExpectError(Call("GET", kPipes + "/" + id), 424, idle_error);
  ExpectError(Command(id, "stop"), 424, idle_error);
  ExpectError(Call("DELETE", kPipes + "/" + id), 424, idle_error);
  ExpectError(Call("POST", kPipes, CreateBody()), 424,
              "FAILED_DEPENDENCY: ClickPipe creation is allowed only when the ClickHouse service is "
              "running. Current state: idle");
  Advance(sim::kHour);
  EXPECT_EQ(Call("GET", kPipes).status, 424);
  Advance(sim::kHour);
  EXPECT_EQ(State(id), "Completed");

  // A Running pipe's next sync wakes the service (PG-FAQ).
  const Answer cdc = Call("POST", kPipes, CreateBody("cdc"));
  ASSERT_EQ(cdc.status, 200) << cdc.body;
  Advance(15 * sim::kMinute);
  ASSERT_EQ(Fault({{"fault", "idle"}, {"for", "2h"}}).status, 200);
  EXPECT_EQ(Call("GET", kPipes).status, 424);
  Advance(61 * sim::kSecond);
  EXPECT_EQ(State(cdc.body["result"]["id"]), "Running");
  const std::vector<sim::Step> steps = Steps();
  ASSERT_EQ(steps.size(), 4U);
  EXPECT_TRUE(steps[1].is_fault);
  EXPECT_EQ(steps[1].action, "idle");
  EXPECT_EQ(steps[1].duration, 2 * sim::kHour);
  ExpectReplaysToTheLiveHash();
}

TEST_F(ClickPipesApiTest, MalformedOrIncompleteBodiesAnswer400AndReachNoModel) {
  Start();
  ExpectError(Call("POST", kPipes, std::string("{\"name\": ")), 400, "the request body is not valid JSON");
  ExpectError(Call("POST", kPipes, std::string("[1, 2]")), 400, "the request body must be a JSON object");
  json no_mode = CreateBody();
  no_mode["source"]["mongodb"]["settings"].erase("replicationMode");
  ExpectError(Call("POST", kPipes, no_mode), 400,
              "body.source.mongodb.settings.replicationMode is required");
  json no_tables = CreateBody();
  no_tables["source"]["mongodb"]["tableMappings"] = json::array();
  ExpectError(Call("POST", kPipes, no_tables), 400,
              "body.source.mongodb.tableMappings must list at least one table mapping");
  ExpectError(Call("POST", kPipes, CreateBody("initial_load")), 400,
              "body.source.mongodb.settings.replicationMode must be one of cdc, cdc_only, snapshot");
  EXPECT_TRUE(Steps().empty());

  const std::string id = Create();
  ExpectError(Call("PATCH", kPipes + "/" + id + "/state", std::string("{command: start}")), 400,
              "the request body is not valid JSON");
  ExpectError(Command(id, "restart"), 400, "body.command must be one of start, stop, resync");
  EXPECT_EQ(Steps().size(), 1U);
}

TEST_F(ClickPipesApiTest, WrongMethodOnAKnownPathAnswers405WithAllow) {
  Start();
  const Answer put = Call("PUT", kPipes, json::object());
  ExpectError(put, 405, "method PUT is not allowed on " + kPipes + "; allowed: GET, POST");
  EXPECT_EQ(put.allow, "GET, POST");
  const std::string id = Create();
  const Answer get_state = Call("GET", kPipes + "/" + id + "/state");
  ExpectError(get_state, 405,
              "method GET is not allowed on " + kPipes + "/" + id + "/state; allowed: PATCH");
  EXPECT_EQ(get_state.allow, "PATCH");
  EXPECT_EQ(Call("POST", kPipes + "/" + id, json::object()).status, 405);
}

TEST_F(ClickPipesApiTest, UnknownPathUnderV1Answers404InTheErrorShape) {
  Start();
  ExpectError(Call("GET", "/v1/organizations/org-1/services"), 404,
              "no such endpoint: GET /v1/organizations/org-1/services");
  ExpectError(Call("POST", kPipes + "/x/y/z", json::object()), 404,
              "no such endpoint: POST " + kPipes + "/x/y/z");
}

TEST_F(ClickPipesApiTest, ApiKeyRequiresExactlyThatKeyAsBasicAuth) {
  Start(1, "key-id:key-secret");
  const std::string unauthorized = "unauthorized: send the API key id and secret as HTTP Basic auth";
  const Answer none = Call("GET", kPipes);
  ExpectError(none, 401, unauthorized);
  EXPECT_EQ(none.authenticate, "Basic realm=\"ClickHouse Cloud API\"");
  client_->set_basic_auth("key-id", "wrong");
  ExpectError(Call("GET", kPipes), 401, unauthorized);
  client_->set_basic_auth("key-id:key", "secret");
  ExpectError(Call("POST", kPipes, CreateBody()), 401, unauthorized);
  EXPECT_TRUE(Steps().empty());
  client_->set_basic_auth("key-id", "key-secret");
  const Answer listed = Call("GET", kPipes);
  EXPECT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(Call("POST", kPipes, CreateBody()).status, 200);
}

TEST_F(ClickPipesApiTest, WithoutApiKeyAnyKeyOrNoneIsAccepted) {
  Start();
  EXPECT_EQ(Call("GET", kPipes).status, 200);
  client_->set_basic_auth("anyone", "anything");
  EXPECT_EQ(Call("GET", kPipes).status, 200);
}

TEST_F(ClickPipesApiTest, EveryRequestTheModelDecidesIsRecordedWithItsOutcomeAndTime) {
  Start(2);
  const std::string first = Create();
  Advance(15 * sim::kMinute);
  ASSERT_EQ(Command(first, "start").status, 400);
  ASSERT_EQ(Command(first, "stop").status, 200);
  Advance(sim::kMinute);
  const std::string second = Create();
  ASSERT_NE(second, first);
  EXPECT_EQ(second, ClickPipeId(kSeed, 1));
  ASSERT_EQ(Command(second, "stop").status, 400);  // Provisioning does not accept stop.
  ASSERT_EQ(Call("PATCH", kPipes + "/" + first,
                 json{{"source", {{"mongodb", {{"settings", {{"syncIntervalSeconds", 10}}}}}}}})
                .status,
            200);
  ASSERT_EQ(Command(first, "start").status, 200);
  ASSERT_EQ(Command(second, "resync").status, 400);
  ASSERT_EQ(Call("DELETE", kPipes + "/" + second).status, 200);
  Call("GET", kPipes);  // Reads are not steps.

  struct Expected {
    sim::Millis at;
    std::string action;
    int pipe;
    bool accepted;
  };
  const sim::Millis later = 16 * sim::kMinute;
  const std::vector<Expected> expected = {
      {0, "create", 0, true},           {15 * sim::kMinute, "resume", 0, false},
      {15 * sim::kMinute, "pause", 0, true}, {later, "create", 1, true},
      {later, "pause", 1, false},       {later, "edit_settings", 0, true},
      {later, "resume", 0, true},       {later, "resync", 1, false},
      {later, "delete", 1, true},
  };
  const std::vector<sim::Step> steps = Steps();
  ASSERT_EQ(steps.size(), expected.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(steps[i].at, expected[i].at);
    EXPECT_EQ(steps[i].action, expected[i].action);
    EXPECT_FALSE(steps[i].is_fault);
    EXPECT_EQ(steps[i].pipe, expected[i].pipe);
    EXPECT_EQ(steps[i].expect.accepted, expected[i].accepted);
  }

  // The record, saved and read back, replays to the live session's trace,
  // each step accepted or refused as it was.
  sim::Scenario recording;
  std::uint64_t live_hash = 0;
  loop_.Call([&] {
    recording = session_->Recording();
    live_hash = session_->TraceHash();
  });
  const sim::Scenario saved =
      sim::ParseScenario(json::parse(sim::ToJson(recording).dump()), "recording.json");
  const properties::RunResult replayed = properties::RunScenario<properties::ClickPipeMonitors>(saved);
  EXPECT_TRUE(replayed.passed());
  EXPECT_EQ(replayed.trace_hash(), live_hash);
}

TEST_F(ClickPipesApiTest, RequestIdsCountTheRequestsAnswered) {
  Start();
  EXPECT_EQ(Call("GET", kPipes).body["requestId"], "00000000-0000-4000-8000-000000000001");
  EXPECT_EQ(Call("GET", kPipes + "/nope").body["requestId"], "00000000-0000-4000-8000-000000000002");
  EXPECT_EQ(Call("GET", kPipes).body["requestId"], "00000000-0000-4000-8000-000000000003");
}

TEST_F(ClickPipesApiTest, NoFreeSlotAnswers400NamingTheConfiguredPipes) {
  Start(1);
  Create();
  const Answer second = Call("POST", kPipes, CreateBody());
  ExpectError(second, 400,
              "no room for another ClickPipe: the emulated service has 1 pipe slot(s) and all are in use "
              "(delete a ClickPipe, or set \"pipes\" in the --config file for more)");
  EXPECT_EQ(Steps().size(), 1U);
}

TEST_F(ClickPipesApiTest, Profile2024PipeNeedsNoReplicationModeAndStopsWithoutPausing) {
  Start(1, "", model::clickpipe::Profile::k2024);
  json body = CreateBody();
  body["source"]["mongodb"].erase("settings");
  const Answer created = Call("POST", kPipes, body);
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(created.body["result"]["source"]["mongodb"]["settings"]["replicationMode"], "cdc");
  const std::string id = created.body["result"]["id"];
  Advance(15 * sim::kMinute);
  EXPECT_EQ(State(id), "Running");
  const Answer stopped = Command(id, "stop");
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  EXPECT_EQ(stopped.body["result"]["state"], "Paused");
  ExpectError(Call("POST", kPipes, CreateBody("snapshot")), 400,
              "replicationMode \"snapshot\" is not in profile 2024: its pipes have no modes and run as cdc");
}

TEST(ClickPipeIdTest, IdsAreUuidShapedAndDependOnlyOnSeedAndSlot) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (const std::uint64_t seed : {0ULL, 1ULL, 12345ULL}) {
    for (int slot = 0; slot < 4; ++slot) {
      EXPECT_TRUE(std::regex_match(ClickPipeId(seed, slot), uuid)) << ClickPipeId(seed, slot);
      EXPECT_EQ(ClickPipeId(seed, slot), ClickPipeId(seed, slot));
    }
  }
  EXPECT_NE(ClickPipeId(1, 0), ClickPipeId(1, 1));
  EXPECT_NE(ClickPipeId(1, 0), ClickPipeId(2, 0));
}

}  // namespace
}  // namespace pipecheck::serve
