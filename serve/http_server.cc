#include "serve/http_server.h"

#include <chrono>
#include <csignal>
#include <future>
#include <iostream>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "model/assert.h"
#include "model/input_error.h"

namespace pipecheck::serve {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Milliseconds = std::chrono::milliseconds;

// After an answer that ends a connection whose request was not read whole
// (a body over the limit), the rest the client sends is read and dropped for
// at most this long and this many bytes, so that it sees the answer rather
// than a reset; then the connection closes whatever the client does.
constexpr int kLingerMs = 1000;
constexpr std::size_t kLingerBytes = 4 << 20;

// What a malformed head was, in the server's words rather than the library's.
std::string Malformed(const beast::error_code& error) {
  if (error == http::error::bad_content_length) return "the Content-Length header is not a valid length";
  if (error == http::error::bad_transfer_encoding) return "the Transfer-Encoding header is not valid";
  if (error == http::error::bad_chunk || error == http::error::bad_chunk_extension) {
    return "a chunk of the body is malformed";
  }
  if (error == http::error::bad_method) return "the request method is not valid";
  if (error == http::error::bad_target) return "the request target is not valid";
  if (error == http::error::bad_version) return "the HTTP version is not valid";
  if (error == http::error::bad_field || error == http::error::bad_value) return "a header is malformed";
  if (error == http::error::bad_line_ending) return "a line does not end in CRLF";
  return "the request is not valid HTTP/1.1";
}

bool Quiet(const beast::error_code& error) {
  return error == http::error::end_of_stream || error == http::error::partial_message ||
         error == net::error::eof || error == net::error::connection_reset ||
         error == net::error::operation_aborted || error == beast::error::timeout ||
         error == net::error::broken_pipe || error == net::error::not_connected;
}

// A new parser with the limits every read of a request has.
void Configure(std::optional<http::request_parser<http::string_body>>& parser) {
  parser.emplace();
  parser->header_limit(static_cast<std::uint32_t>(kHeaderBytes));
  parser->body_limit(kMaxBodyBytes);
}

// The answer to a read that failed, or false when there is none to give
// (the client went away or let the deadline pass).
bool AnswerReadError(const Router& router, const beast::error_code& error, Response& response) {
  if (Quiet(error)) return false;
  response.close = true;
  if (error == http::error::body_limit) {
    router.Error(response, 413, fmt::format("the request body is over {} bytes", kMaxBodyBytes));
  } else if (error == http::error::header_limit || error == http::error::buffer_overflow) {
    router.Error(response, 431, fmt::format("the request head is over {} bytes", kHeaderBytes));
  } else {
    router.Error(response, 400, fmt::format("malformed request: {}", Malformed(error)));
  }
  return true;
}

std::shared_ptr<Request> ToRequest(http::request<http::string_body>&& message) {
  auto request = std::make_shared<Request>();
  request->method = std::string(message.method_string());
  request->target = std::string(message.target());
  request->path = request->target.substr(0, request->target.find('?'));
  for (const auto& field : message) {
    request->headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request->body = std::move(message.body());
  return request;
}

template <class Message>
void Head(Message& message, unsigned version, bool keep_alive, const Response& response) {
  message.version(version);
  message.result(static_cast<unsigned>(response.status));
  message.set(http::field::server, "pipecheck");
  message.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) message.set(name, value);
  message.keep_alive(keep_alive && !response.close);
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, const Router& router, HttpLimits limits, std::size_t& open,
             std::function<void()> before_answer)
      : stream_(std::move(socket)),
        router_(router),
        limits_(limits),
        open_(open),
        before_answer_(std::move(before_answer)) {
    ++open_;
  }
  ~Connection() { --open_; }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void Start() { ReadHead(); }

  // Too many connections: one answer, then close.
  void RefuseBusy() {
    Response response;
    router_.Error(response, 503, "the server has too many open connections; try again later");
    response.close = true;
    Write(std::move(response));
  }

 private:
  void ReadHead() {
    Configure(parser_);
    stream_.expires_after(Milliseconds(limits_.read_timeout_ms));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code error, std::size_t) {
                              self->OnHead(error);
                            });
  }

  void OnHead(const beast::error_code& error) {
    if (error) return Fail(error);
    version_ = parser_->get().version();
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      auto go_on = std::make_shared<http::response<http::empty_body>>(http::status::continue_, version_);
      stream_.expires_after(Milliseconds(limits_.write_timeout_ms));
      http::async_write(stream_, *go_on, [self = shared_from_this(), go_on](beast::error_code failed, std::size_t) {
        if (failed) return self->Close();
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    stream_.expires_after(Milliseconds(limits_.read_timeout_ms));
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code error, std::size_t) {
      self->OnRequest(error);
    });
  }

  void OnRequest(const beast::error_code& error) {
    if (error) return Fail(error);
    keep_alive_ = parser_->get().keep_alive();
    const std::shared_ptr<Request> request = ToRequest(parser_->release());
    stream_.expires_never();  // An answer given later (an advance in parts) is not the client's delay.
    router_.Handle(*request, [self = shared_from_this(), request](Response response) {
      self->Write(std::move(response));
    });
  }

  // A read that failed: answered where the client can still use an answer.
  void Fail(const beast::error_code& error) {
    Response response;
    if (!AnswerReadError(router_, error, response)) return Close();
    Write(std::move(response));
  }

  void Write(Response response) {
    if (before_answer_) before_answer_();
    if (response.stream) return WriteStreamed(std::move(response));
    auto message = std::make_shared<http::response<http::string_body>>();
    Head(*message, version_, keep_alive_, response);
    message->body() = std::move(response.body);
    message->prepare_payload();
    stream_.expires_after(Milliseconds(limits_.write_timeout_ms));
    http::async_write(stream_, *message, [self = shared_from_this(), message](beast::error_code error, std::size_t) {
      self->AfterAnswer(error, message->keep_alive());
    });
  }

  // A body in parts, each written before the next is asked for.
  void WriteStreamed(Response response) {
    auto message = std::make_shared<http::response<http::empty_body>>();
    Head(*message, version_, keep_alive_, response);
    message->chunked(true);
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*message);
    stream_.expires_after(Milliseconds(limits_.write_timeout_ms));
    http::async_write_header(
        stream_, *serializer,
        [self = shared_from_this(), message, serializer, stream = std::move(response.stream)](
            beast::error_code error, std::size_t) mutable {
          if (error) return self->Close();
          self->WritePart(std::move(stream), message->keep_alive());
        });
  }

  void WritePart(BodyStream stream, bool keep_alive) {
    auto part = std::make_shared<std::string>();
    stream_.expires_after(Milliseconds(limits_.write_timeout_ms));
    while (stream(*part)) {
      if (part->empty()) continue;
      net::async_write(stream_, http::make_chunk(net::buffer(*part)),
                       [self = shared_from_this(), part, stream = std::move(stream), keep_alive](
                           beast::error_code error, std::size_t) mutable {
                         if (error) return self->Close();
                         self->WritePart(std::move(stream), keep_alive);
                       });
      return;
    }
    net::async_write(stream_, http::make_chunk_last(),
                     [self = shared_from_this(), keep_alive](beast::error_code error, std::size_t) {
                       self->AfterAnswer(error, keep_alive);
                     });
  }

  void AfterAnswer(const beast::error_code& error, bool keep_alive) {
    if (error) return Close();
    if (keep_alive) return ReadHead();
    Linger();
  }

  // The last answer: stop sending, then read and drop what still comes (the
  // rest of a refused body, a request pipelined behind) until the client
  // closes, for a bounded time and number of bytes, so that the client reads
  // the answer rather than a reset.
  void Linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    lingered_ = 0;
    stream_.expires_after(Milliseconds(kLingerMs));
    Drain();
  }

  void Drain() {
    drain_.resize(16 * 1024);
    stream_.async_read_some(net::buffer(drain_), [self = shared_from_this()](beast::error_code error, std::size_t n) {
      self->lingered_ += n;
      if (error || self->lingered_ > kLingerBytes) return self->Close();
      self->Drain();
    });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_{kHeaderBytes + 64 * 1024};  // Bounded: the head, and body bytes in flight.
  const Router& router_;
  const HttpLimits limits_;
  std::size_t& open_;
  std::function<void()> before_answer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  std::vector<char> drain_;
  std::size_t lingered_ = 0;
};

// One connection's bytes, read from memory as a socket's would be.
class MemoryStream {
 public:
  using executor_type = net::io_context::executor_type;
  MemoryStream(net::io_context& io, std::string_view in) : io_(io), in_(in) {}
  executor_type get_executor() { return io_.get_executor(); }
  template <class Buffers>
  std::size_t read_some(const Buffers& buffers, beast::error_code& error) {
    error = {};
    if (in_.empty()) {
      error = net::error::eof;
      return 0;
    }
    const std::size_t n = net::buffer_copy(buffers, net::buffer(in_.data(), in_.size()));
    in_.remove_prefix(n);
    return n;
  }
  template <class Buffers>
  std::size_t read_some(const Buffers& buffers) {
    beast::error_code error;
    const std::size_t n = read_some(buffers, error);
    if (error) throw beast::system_error(error);
    return n;
  }
  template <class Buffers>
  std::size_t write_some(const Buffers& buffers, beast::error_code& error) {
    error = {};
    const std::size_t n = net::buffer_size(buffers);
    for (const auto& buffer : beast::buffers_range(buffers)) {
      out_.append(static_cast<const char*>(buffer.data()), buffer.size());
    }
    return n;
  }
  template <class Buffers>
  std::size_t write_some(const Buffers& buffers) {
    beast::error_code error;
    return write_some(buffers, error);
  }
  std::string& out() { return out_; }

 private:
  net::io_context& io_;
  std::string_view in_;
  std::string out_;
};

}  // namespace

std::string AnswerBytes(EventLoop& loop, const Router& router, std::string_view bytes) {
  MemoryStream stream(loop.context(), bytes);
  beast::flat_buffer buffer{kHeaderBytes + 64 * 1024};
  std::optional<http::request_parser<http::string_body>> parser;
  for (bool keep_alive = true; keep_alive;) {
    Configure(parser);
    beast::error_code error;
    http::read(stream, buffer, *parser, error);
    Response response;
    unsigned version = 11;
    if (error) {
      if (!AnswerReadError(router, error, response)) break;
      keep_alive = false;
    } else {
      version = parser->get().version();
      keep_alive = parser->get().keep_alive();
      const std::shared_ptr<Request> request = ToRequest(parser->release());
      bool answered = false;
      router.Handle(*request, [&](Response given) {
        response = std::move(given);
        answered = true;
      });
      // An answer given later (an advance in parts) comes from the loop.
      while (!answered) loop.context().run_one();
      loop.context().restart();
      keep_alive = keep_alive && !response.close;
    }
    if (response.stream) {
      for (std::string part; response.stream(part);) response.body += part;
      response.stream = nullptr;
    }
    http::response<http::string_body> message;
    Head(message, version, keep_alive, response);
    message.body() = std::move(response.body);
    message.prepare_payload();
    http::write(stream, message, error);
  }
  return std::move(stream.out());
}

// ---------------------------------------------------------------------------

namespace {

struct Ticker : std::enable_shared_from_this<Ticker> {
  Ticker(net::io_context& io, int period, std::function<void()> tick)
      : timer(io), period_ms(period), work(std::move(tick)) {}
  void Arm() {
    timer.expires_after(Milliseconds(period_ms));
    timer.async_wait([self = shared_from_this()](const beast::error_code& error) {
      if (error) return;
      self->work();
      self->Arm();
    });
  }
  net::steady_timer timer;
  int period_ms;
  std::function<void()> work;
};

}  // namespace

struct EventLoop::State {
  net::io_context io{1};
  std::vector<std::shared_ptr<Ticker>> tickers;
  std::optional<net::signal_set> signals;
  std::function<void(int)> on_signal;

  void WaitSignal() {
    signals->async_wait([this](const beast::error_code& error, int number) {
      if (error) return;
      on_signal(number);
      WaitSignal();
    });
  }
};

EventLoop::EventLoop() : state_(std::make_unique<State>()) {}
EventLoop::~EventLoop() = default;

net::io_context& EventLoop::context() { return state_->io; }

void EventLoop::Run() {
  // Run returns when it has nothing to do or is stopped; a port closed for
  // a while leaves it with nothing but timers, which keep it going.
  const auto guard = net::make_work_guard(state_->io);
  for (;;) {
    try {
      state_->io.run();
      return;
    } catch (const std::exception& error) {
      // A defect in one piece of work (an advance's part, a tick) must not
      // take the server and its session down: it is reported, and the loop
      // goes on with the rest.
      std::cerr << fmt::format("pipecheck serve: internal error: {}\n", error.what());
    }
  }
}

void EventLoop::Stop() { state_->io.stop(); }

void EventLoop::Post(std::function<void()> work) { net::post(state_->io, std::move(work)); }

void EventLoop::Call(const std::function<void()>& work) {
  std::promise<void> done;
  Post([&] {
    work();
    done.set_value();
  });
  done.get_future().wait();
}

void EventLoop::Every(int period_ms, std::function<void()> work) {
  auto ticker = std::make_shared<Ticker>(state_->io, period_ms, std::move(work));
  state_->tickers.push_back(ticker);
  ticker->Arm();
}

void EventLoop::OnSignals(std::function<void(int)> on_signal) {
  state_->on_signal = std::move(on_signal);
  state_->signals.emplace(state_->io, SIGINT, SIGTERM);
  state_->signals->add(SIGHUP);
  state_->WaitSignal();
}

// ---------------------------------------------------------------------------

struct HttpServer::Listener : std::enable_shared_from_this<HttpServer::Listener> {
  Listener(EventLoop& owner, const Router& routes, const HttpLimits& bounds, std::function<void()> hook)
      : loop(owner),
        router(routes),
        limits(bounds),
        before_answer(std::move(hook)),
        acceptor(owner.context()),
        retry(owner.context()) {}

  void Accept() {
    acceptor.async_accept([self = shared_from_this()](beast::error_code error, tcp::socket socket) {
      if (error == net::error::operation_aborted || !self->acceptor.is_open()) return;
      if (error) {
        // Out of descriptors, most likely: wait a little rather than spin.
        self->retry.expires_after(Milliseconds(50));
        self->retry.async_wait([self](const beast::error_code& failed) {
          if (!failed && self->acceptor.is_open()) self->Accept();
        });
        return;
      }
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto connection = std::make_shared<Connection>(std::move(socket), self->router, self->limits,
                                                     self->loop.open_connections(), self->before_answer);
      if (self->loop.open_connections() > self->limits.max_connections) {
        connection->RefuseBusy();
      } else {
        connection->Start();
      }
      self->Accept();
    });
  }

  EventLoop& loop;
  const Router& router;
  const HttpLimits& limits;
  std::function<void()> before_answer;
  tcp::acceptor acceptor;
  net::steady_timer retry;
};

HttpServer::HttpServer(EventLoop& loop, const Router& router, HttpLimits limits)
    : loop_(loop), router_(router), limits_(limits) {}

HttpServer::~HttpServer() { Close(); }

bool HttpServer::open() const { return listener_ != nullptr; }

int HttpServer::Open(const std::string& address, int port, const std::string& flag) {
  if (listener_) return port_;
  beast::error_code error;
  const net::ip::address ip = net::ip::make_address(address, error);
  if (error) throw InputError(fmt::format("'{}' is not an IP address", address), "--bind");
  auto listener = std::make_shared<Listener>(loop_, router_, limits_, before_answer_);
  // A port that was free a moment ago may be held briefly by a client's
  // connection still closing: try for up to a second.
  for (int attempt = 0; attempt < 50; ++attempt) {
    listener->acceptor.close(error);
    listener->acceptor.open(ip.is_v6() ? tcp::v6() : tcp::v4(), error);
    if (!error) listener->acceptor.set_option(net::socket_base::reuse_address(true), error);
    if (!error) listener->acceptor.bind(tcp::endpoint(ip, static_cast<unsigned short>(port)), error);
    if (!error) listener->acceptor.listen(net::socket_base::max_listen_connections, error);
    if (!error) break;
    if (port == 0) break;
    std::this_thread::sleep_for(Milliseconds(20));
  }
  if (error) {
    throw InputError(fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)", address, port),
                     flag);
  }
  port_ = listener->acceptor.local_endpoint().port();
  address_ = address;
  listener_ = std::move(listener);
  listener_->Accept();
  return port_;
}

void HttpServer::Close() {
  if (!listener_) return;
  beast::error_code ignored;
  listener_->acceptor.close(ignored);
  listener_->retry.cancel();
  listener_.reset();
}

}  // namespace pipecheck::serve
