// serve/http_server.h: the transport of `serve`'s ports, for clients that
// may be slow, greedy or hostile (Boost.Beast over Asio).
//
// One event loop on one thread serves every connection of every port, so
// requests reach the session one at a time with no lock and no thread per
// connection. What a connection can cost is bounded:
//   - the request head must arrive whole within the read deadline, counted
//     from the moment the server waits for it (an idle keep-alive connection
//     included), not restarted by each byte: a client that trickles its head
//     is cut off when the deadline passes;
//   - the head is at most kHeaderBytes; a body over kMaxBodyBytes is
//     refused 413 as soon as its declared length, or the chunks read so far,
//     pass the limit, before any authentication or route sees it, and the
//     connection is closed;
//   - a malformed head (a Content-Length that is not a number, a bad chunk
//     size, ...) is answered 400 and the connection closed: nothing of it is
//     applied;
//   - requests pipelined on one connection are read one at a time and
//     answered in order;
//   - writes have their own deadline, so a client that never reads its
//     answers is dropped;
//   - past max_connections open connections, a new one is answered 503 at
//     once and closed.
// Every error the transport writes is in the port's API shape
// (Router::Error).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "serve/http.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace pipecheck::serve {

inline constexpr std::size_t kHeaderBytes = 16 * 1024;

struct HttpLimits {
  int read_timeout_ms = 10'000;   // The whole head, or the whole body, of one request.
  int write_timeout_ms = 10'000;  // One answer (or one part of a streamed one).
  std::size_t max_connections = 1024;  // Open at once, over every port of the loop.
};

// The loop every port of a process shares, and the thread it runs on.
class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  boost::asio::io_context& context();
  // Runs the loop on the calling thread until Stop.
  void Run();
  void Stop();
  // Runs `work` on the loop's thread, soon.
  void Post(std::function<void()> work);
  // Runs `work` on the loop's thread and waits for it (from another thread).
  void Call(const std::function<void()>& work);
  // Calls `work` on the loop's thread every `period_ms` until Stop.
  void Every(int period_ms, std::function<void()> work);
  // Calls `on_signal(number)` on the loop's thread for SIGINT, SIGTERM and SIGHUP.
  void OnSignals(std::function<void(int)> on_signal);

  // Connections open over every port of this loop.
  std::size_t& open_connections() { return open_connections_; }

 private:
  struct State;
  std::size_t open_connections_ = 0;  // Before state_: its connections count down as it goes.
  std::unique_ptr<State> state_;
};

// One listening port, served on `loop`. Open and Close run on the loop's
// thread (or before it runs).
class HttpServer {
 public:
  HttpServer(EventLoop& loop, const Router& router, HttpLimits limits);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Listens on `address`:`port` (0: any free port) and returns the port.
  // Throws InputError naming `flag` when it cannot.
  int Open(const std::string& address, int port, const std::string& flag);
  // Stops listening at once, so new connections are refused; connections
  // already open are still served.
  void Close();
  bool open() const;
  int port() const { return port_; }
  // Called on the loop's thread just before each answer is written.
  void BeforeAnswer(std::function<void()> hook) { before_answer_ = std::move(hook); }

 private:
  struct Listener;
  EventLoop& loop_;
  const Router& router_;
  HttpLimits limits_;
  std::shared_ptr<Listener> listener_;
  std::string address_;
  int port_ = 0;
  std::function<void()> before_answer_;
};

// The answers `router` gives to `bytes` read as one connection's requests,
// as HttpServer reads and answers them (the same parser, limits, errors and
// keep-alive rules), without a socket: for the fuzz targets. An answer a
// handler gives later is waited for by running `loop` on this thread.
std::string AnswerBytes(EventLoop& loop, const Router& router, std::string_view bytes);

}  // namespace pipecheck::serve
