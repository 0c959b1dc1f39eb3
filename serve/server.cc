#include "serve/server.h"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/assert.h"
#include "model/input_error.h"
#include "serve/control_api.h"
#include "serve/record_file.h"
#include "sim/time.h"

namespace pipecheck::serve {
namespace {

bool ProcessUp(const Session& session) { return session.world().ProcessStatus() == "up"; }

// Threads that write saved records; joined before the process ends.
class Background {
 public:
  ~Background() { Join(); }
  void Run(std::function<void()> work) { threads_.emplace_back(std::move(work)); }
  void Join() {
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
  }

 private:
  std::vector<std::thread> threads_;
};

// The real clock: each tick advances the world by the real time elapsed
// times the speed, at most kClockEventsPerTick internal events a tick. What
// the world could not reach is carried to the next tick; the carry is what
// the world is behind.
class RealClock {
 public:
  RealClock(Session& session, double speed) : session_(session), speed_(speed) {}
  void Tick() {
    const auto now = std::chrono::steady_clock::now();
    carry_ += std::chrono::duration<double, std::milli>(now - last_).count() * speed_;
    last_ = now;
    const auto by = static_cast<sim::Millis>(carry_);
    if (by <= 0) return;
    const sim::Millis from = session_.now();
    const sim::Millis until = std::min(from + by, Session::kForever);
    session_.AdvanceSome(until, kClockEventsPerTick, /*journal_clock=*/false);
    carry_ -= static_cast<double>(session_.now() - from);
    if (session_.now() >= Session::kForever) carry_ = 0;
  }

 private:
  Session& session_;
  double speed_;
  double carry_ = 0;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

void SaveViolation(Session& session, const ServerOptions& options, const properties::PropertyResult& violated,
                   std::ostream& err) {
  const std::string stem =
      options.record.empty() ? std::string("pipecheck-serve") : std::filesystem::path(options.record).filename().string();
  const std::string name = stem + ".violation-" + violated.name + ".json";
  std::string saved = (std::filesystem::path(options.record_dir) / name).string();
  try {
    WriteFileIn(options.record_dir, name, [&session](std::ostream& out) { session.WriteRecording(out); });
  } catch (const InputError& error) {
    saved = fmt::format("not saved: {} ({})", error.what(), error.where());
  }
  err << fmt::format("pipecheck serve: property {} violated at {}: {}; scenario: {}\n", violated.name,
                     sim::FormatClock(violated.at), violated.message, saved);
  err.flush();
}

// --record at exit: the operator's path, written whole or not at all.
void SaveRecord(const Session& session, const std::string& record, std::ostream& err) {
  const std::filesystem::path path(record);
  const std::string dir = path.has_parent_path() ? path.parent_path().string() : std::string(".");
  WriteFileIn(dir, path.filename().string(), [&session](std::ostream& out) { session.WriteRecording(out); });
  err << fmt::format("pipecheck serve: recorded {} steps to {} (trace hash {:016x})\n", session.steps(), record,
                     session.TraceHash());
}

}  // namespace

int Serve(Session& session, const ServerOptions& options, std::ostream& err) {
  PIPECHECK_ASSERT(options.make_api != nullptr);
  // A client or a reader of stderr that goes away must not end the server:
  // a write to it fails instead of raising SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  PIPECHECK_ASSERT(!options.record_dir.empty());
  // A violation is logged and saved as a scenario at once: the record up to
  // the step that violated it reproduces it.
  session.on_violation = [&session, &options, &err](const properties::PropertyResult& violated) {
    SaveViolation(session, options, violated, err);
  };
  EventLoop loop;
  Background background;
  const std::unique_ptr<Router> api_router = options.make_api(session);
  HttpServer api(loop, *api_router, options.limits);
  const auto sync_port = [&] {
    // The port follows the process: closed while it is down or has exited.
    if (ProcessUp(session) && !api.open()) {
      try {
        api.Open(options.bind, api.port() == 0 ? options.port : api.port(), "--port");
      } catch (const InputError& error) {
        // Taken by another process meanwhile: the next change tries again.
        err << fmt::format("pipecheck serve: the API port stays closed: {} ({})\n", error.what(), error.where());
      }
    } else if (!ProcessUp(session) && api.open()) {
      api.Close();
    }
  };
  ControlOptions control_options;
  control_options.record_dir = options.record_dir;
  control_options.control_key = options.control_key.empty() ? options.api_key : options.control_key;
  control_options.loopback_hosts_only = LoopbackBind(options.bind);
  control_options.after_change = sync_port;
  control_options.run_in_background = [&background](std::function<void()> work) { background.Run(std::move(work)); };
  const std::unique_ptr<Router> control_router = MakeControlApi(session, loop, std::move(control_options));
  HttpServer control(loop, *control_router, options.limits);

  api.BeforeAnswer([&] { session.JournalClock(); });
  control.BeforeAnswer([&] { session.JournalClock(); });
  // Before the loop runs: a port that cannot be had is bad input, and
  // nothing is left half-started.
  const int control_port = control.Open(options.bind, options.control_port, "--control-port");
  if (ProcessUp(session)) {
    api.Open(options.bind, options.port, "--port");
  }
  const int api_port = api.open() ? api.port() : options.port;
  err << fmt::format("pipecheck serve: {}: http://{}:{}{}; control: http://{}:{}/pipecheck/v1/; clock {}{}\n",
                     options.api_name, options.bind, api_port, options.api_root, options.bind, control_port,
                     options.real_clock ? fmt::format("real x{}", options.speed) : std::string("manual"),
                     session.journal_path().empty() ? std::string() : "; journal " + session.journal_path());
  err.flush();

  RealClock clock(session, options.speed);
  if (options.real_clock) {
    loop.Every(kClockTickMs, [&] {
      clock.Tick();
      sync_port();
    });
    // The ticks leave the clock's journal line to the next answer (a client
    // sees the time only in an answer), or to this, once a second.
    loop.Every(1000, [&] { session.JournalClock(); });
  }
  loop.OnSignals([&](int) {
    api.Close();
    control.Close();
    loop.Stop();
  });
  loop.Run();
  background.Join();
  session.JournalClock();
  if (!options.record.empty()) SaveRecord(session, options.record, err);
  return 0;
}

bool LoopbackBind(const std::string& bind) {
  return bind == "localhost" || bind.starts_with("127.") || bind == "::1";
}

}  // namespace pipecheck::serve
