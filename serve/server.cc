#include "serve/server.h"

#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <regex>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/input_error.h"
#include "serve/control_api.h"

namespace pipecheck::serve {
namespace {

void Configure(httplib::Server& server) {
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.set_keep_alive_timeout(5);
  server.set_payload_max_length(kMaxBodyBytes);
  // A response is two writes (head, body): without TCP_NODELAY a keep-alive
  // client waits for its delayed ACK, some 40 ms a request.
  server.set_tcp_nodelay(true);
  // A worker per open connection, slow or idle ones included: more than
  // the default (8 on a small machine), so a few cannot block the others.
  server.new_task_queue = [] { return new httplib::ThreadPool(64); };
}

// The API port: open while the process is up. Open() and Close() run on the
// serving thread only.
class ApiPort {
 public:
  ApiPort(const ServerOptions& options, int port) : options_(options), port_(port) {}
  ~ApiPort() {
    Close();
    for (auto& [server, thread] : retired_) thread.join();
  }

  bool open() const { return server_ != nullptr; }
  int port() const { return port_; }

  void Open() {
    if (server_) return;
    auto server = std::make_unique<httplib::Server>();
    Configure(*server);
    options_.register_api(*server);
    // The port was free a moment ago; a client's TIME_WAIT may hold it briefly.
    for (int attempt = 0; attempt < 50; ++attempt) {
      const int bound = port_ == 0 ? server->bind_to_any_port(options_.bind)
                                   : (server->bind_to_port(options_.bind, port_) ? port_ : -1);
      if (bound > 0) {
        port_ = bound;
        httplib::Server* raw = server.get();
        thread_ = std::thread([raw] { raw->listen_after_bind(); });
        server_ = std::move(server);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw InputError(fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)",
                                 options_.bind, port_),
                     "--port");
  }

  // Closes the listening socket at once, so new connections are refused.
  // Connections still open (idle keep-alive clients) end by their own
  // timeout, answered 503 meanwhile: Close does not wait for them.
  void Close() {
    if (!server_) return;
    // A server stopped before its listen loop started would never see the stop.
    for (int wait = 0; wait < 2000 && !server_->is_running(); ++wait) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    server_->stop();
    retired_.emplace_back(std::move(server_), std::move(thread_));
  }

 private:
  const ServerOptions& options_;
  int port_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::vector<std::pair<std::unique_ptr<httplib::Server>, std::thread>> retired_;  // Closed, finishing.
};

// The serving thread's inbox: whether the API port should be open. A change
// is applied by the serving thread; Want waits for it unless told not to.
class PortWish {
 public:
  void Want(bool up, bool wait) {
    std::unique_lock lock(mutex_);
    wanted_ = up;
    ++asked_;
    changed_.notify_all();
    if (wait) done_.wait(lock, [&] { return applied_ >= asked_ || stopping_; });
  }
  // The serving thread: the wish, if one is pending after waiting up to `for_ms`.
  bool Next(int for_ms, bool& up, std::uint64_t& ticket) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::milliseconds(for_ms), [&] { return asked_ > applied_; });
    if (asked_ == applied_) return false;
    up = wanted_;
    ticket = asked_;
    return true;
  }
  void Applied(std::uint64_t ticket) {
    const std::lock_guard lock(mutex_);
    applied_ = ticket;
    done_.notify_all();
  }
  void Stop() {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
    done_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::condition_variable done_;
  bool wanted_ = true;
  std::uint64_t asked_ = 0;
  std::uint64_t applied_ = 0;
  bool stopping_ = false;
};

bool ProcessUp(const Session& session) { return session.world().ProcessStatus() == "up"; }

}  // namespace

std::string ValidUtf8(const std::string& text) {
  return nlohmann::json::parse(nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
      .get<std::string>();
}

void SetApiErrors(httplib::Server& server, const std::string& known_paths_regex,
                  std::function<void(httplib::Response&, int, const std::string&)> shape) {
  const std::regex known(known_paths_regex);
  server.set_error_handler([known, shape](const httplib::Request& request, httplib::Response& response) {
    // cpp-httplib calls this for every status of 400 or more, also after a
    // handler has written its own answer: keep that one.
    if (!response.body.empty()) return;
    if (response.status == 413) {
      return shape(response, 413, fmt::format("the request body is over {} bytes", kMaxBodyBytes));
    }
    // The path is the client's bytes, and a shape writes JSON: it need not be UTF-8.
    const std::string path = ValidUtf8(request.path);
    if (response.status == 404 && std::regex_match(request.path, known)) {
      return shape(response, 405, fmt::format("method {} is not allowed on {}", ValidUtf8(request.method), path));
    }
    if (response.status == 404) return shape(response, 404, fmt::format("no such path: {}", path));
    if (response.body.empty()) shape(response, response.status, "bad request");
  });
}

int Serve(Session& session, const ServerOptions& options, std::ostream& err) {
  // Signals go to this thread only, which waits for them between port changes.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // A violation is logged and saved as a scenario at once: the record up to
  // the step that violated it reproduces it.
  session.on_violation = [&session, &options, &err](const properties::PropertyResult& violated) {
    const std::string path = (options.record.empty() ? std::string("pipecheck-serve") : options.record) +
                             ".violation-" + violated.name + ".json";
    std::string saved = path;
    try {
      SaveRecording(session, path);
    } catch (const InputError& error) {
      saved = fmt::format("not saved: {} ({})", error.what(), error.where());
    }
    err << fmt::format("pipecheck serve: property {} violated at {}: {}; scenario: {}\n", violated.name,
                       sim::FormatClock(violated.at), violated.message, saved);
    err.flush();
  };
  PortWish wish;
  ApiPort api(options, options.port);
  httplib::Server control;
  Configure(control);
  RegisterControlApi(control, session, [&](bool up) { wish.Want(up, /*wait=*/true); });
  SetApiErrors(control, "/pipecheck/v1/(advance|fault|restart|save|state|trace)",
               [](httplib::Response& response, int status, const std::string& text) {
                 response.status = status;
                 response.set_content(nlohmann::json({{"error", text}}).dump() + "\n", "application/json");
               });
  const int control_port = options.control_port == 0 ? control.bind_to_any_port(options.bind)
                           : control.bind_to_port(options.bind, options.control_port) ? options.control_port
                                                                                       : -1;
  if (control_port < 0) {
    throw InputError(fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)",
                                 options.bind, options.control_port),
                     "--control-port");
  }
  {
    // Before any thread runs: a port that cannot be had is bad input, and
    // nothing is left half-started.
    const std::lock_guard lock(session.mutex());
    if (ProcessUp(session)) api.Open();
  }
  std::thread control_thread([&] { control.listen_after_bind(); });
  err << fmt::format("pipecheck serve: {}: http://{}:{}{}; control: http://{}:{}/pipecheck/v1/; clock {}\n",
                     options.api_name, options.bind, api.port(), options.api_name.find("mongosync") == 0 ? "/api/v1/" : "/v1/",
                     options.bind, control_port,
                     options.real_clock ? fmt::format("real x{}", options.speed) : std::string("manual"));
  err.flush();

  std::atomic<bool> stopping = false;
  std::thread clock_thread;
  if (options.real_clock) {
    clock_thread = std::thread([&] {
      auto last = std::chrono::steady_clock::now();
      double carry = 0;
      while (!stopping) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const auto now = std::chrono::steady_clock::now();
        carry += std::chrono::duration<double, std::milli>(now - last).count() * options.speed;
        last = now;
        const auto by = static_cast<sim::Millis>(carry);
        if (by <= 0) continue;
        carry -= static_cast<double>(by);
        bool up = true;
        {
          const std::lock_guard lock(session.mutex());
          session.Advance(by);
          up = ProcessUp(session);
        }
        if (up != api.open()) wish.Want(up, /*wait=*/false);
      }
    });
  }

  for (;;) {
    timespec poll{0, 0};
    if (sigtimedwait(&signals, nullptr, &poll) > 0) break;
    bool up = false;
    std::uint64_t ticket = 0;
    if (wish.Next(50, up, ticket)) {
      if (up) {
        api.Open();
      } else {
        api.Close();
      }
      wish.Applied(ticket);
    }
  }
  stopping = true;
  wish.Stop();
  if (clock_thread.joinable()) clock_thread.join();
  api.Close();
  control.stop();
  control_thread.join();
  if (!options.record.empty()) {
    const std::lock_guard lock(session.mutex());
    SaveRecording(session, options.record);
    err << fmt::format("pipecheck serve: recorded {} steps to {} (trace hash {:016x})\n", session.steps(),
                       options.record, session.TraceHash());
  }
  return 0;
}

}  // namespace pipecheck::serve
