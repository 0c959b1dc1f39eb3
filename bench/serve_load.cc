// bench/serve_load.cc: HTTP/1.1 load on `pipecheck serve`, over the loopback.
//
//   pipecheck_serve_load MODE --port PORT [--flag value ...]
//
// One thread, non-blocking sockets and epoll; every connection goes to
// 127.0.0.1, every loop ends by itself (a count and a deadline). Results are
// printed as `key=value` lines on stdout (bench/serve-bench reads them);
// latencies are in milliseconds, measured from the moment a request is issued
// (its connect included when it needs a new connection) to the last byte of
// its answer.
//
// Modes:
//   keepalive  --connections N (64) --seconds S (5) --path P (/api/v1/progress)
//              N connections, each sending GET P back to back, one in flight
//              each, for S seconds. A connection the server closes (after
//              `Connection: close`, say) is reopened; a request without an
//              answer is an error: errors_closed (the connection closed,
//              reset or refused first), errors_unanswered_at_end (no answer
//              5 s past the end). Prints requests, requests_per_s, p50/p99/
//              max, errors, reconnects and status_CODE counts.
//   slow       --slow M (300) --interval-ms T (1000) --requests K (200)
//              --path P (/api/v1/progress) --timeout-ms W (2000)
//              --budget-seconds B (30) --hold-seconds H (8)
//              M connections each send one byte of a request head that never
//              ends every T ms; meanwhile one well-behaved client sends K
//              GET P, each on a new connection (as curl does), each given W ms
//              and all of them B seconds. The slow connections keep trickling
//              until H seconds from their start. Prints good_answered,
//              good_p50/p99/max (an unanswered request counts as infinitely
//              slow: a p99 of `inf` means more than 1% went unanswered),
//              slow_connected (ever connected), slow_closed (closed by the
//              server) and slow_answered (closed with an answer, e.g. 408).
//   chunked    --bytes B (314572800) --path P
//              (/v1/organizations/o-1/services/s-1/clickpipes)
//              POSTs a chunked body of B bytes in 64 KiB chunks as fast as the
//              server reads it, watching for an answer; stops sending once one
//              comes. Prints answered, status, bytes_sent (head and framing
//              included) when the answer came, seconds, closed_after (the
//              server closed the connection within 5 s of answering) and
//              outcome (answered, reset, stalled, timeout, done).
//   pipelined  --count K (8) --path P (/api/v1/progress)
//              K GET P in one write on one connection; counts the answers read
//              in order within 5 s. Prints answers and status_CODE counts.
//   poll       --count N (604800) --control-port C
//              N times, POST /pipecheck/v1/advance {"by":"1s"} on the control
//              port then GET /api/v1/progress on the API port, each port on
//              one keep-alive connection; stops early after --max-seconds
//              (1800). Prints polls (done), seconds, errors, the non-200
//              answers and the max latency of each kind.
//   advance    --control-port C --by D (100d) --poll-ms I (10)
//              --timeout-seconds T (900)
//              POST /pipecheck/v1/advance {"by":D} on one connection; on a
//              second, GET /pipecheck/v1/state every I ms until the advance is
//              answered (--poll-ms 0: none). Prints advance_status, advance_seconds, state_polls,
//              state_answered, state_p50/p99/max.
//
// Exit status: 0 when the mode ran (whatever the server answered), 2 on bad
// usage, 1 when the server could not be reached at all.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace pipecheck::bench {
namespace {

using Clock = std::chrono::steady_clock;

double MsBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

int MsUntil(Clock::time_point when) {
  const double ms = MsBetween(Clock::now(), when);
  if (ms <= 0) return 0;
  return static_cast<int>(std::min(ms + 1, 60000.0));
}

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// --name value pairs; each is read at most once, and one never read is an error.
class Flags {
 public:
  Flags(int argc, char** argv) {
    for (int i = 2; i < argc; i += 2) {
      const std::string name = argv[i];
      if (name.rfind("--", 0) != 0 || i + 1 >= argc) throw UsageError("expected --flag value, got " + name);
      values_[name.substr(2)] = argv[i + 1];
    }
  }
  std::string String(const std::string& name, const std::string& fallback) {
    const auto it = values_.find(name);
    if (it == values_.end()) return fallback;
    std::string value = it->second;
    values_.erase(it);
    return value;
  }
  std::int64_t Int(const std::string& name, std::int64_t fallback) {
    const std::string text = String(name, "");
    if (text.empty()) return fallback;
    std::size_t end = 0;
    const long long value = std::stoll(text, &end);
    if (end != text.size() || value < 0) throw UsageError("--" + name + " wants a count, got " + text);
    return value;
  }
  void CheckAllRead() const {
    if (!values_.empty()) throw UsageError("unknown flag --" + values_.begin()->first);
  }

 private:
  std::map<std::string, std::string> values_;
};

void Print(const char* key, double value) { std::printf("%s=%.3f\n", key, value); }
void Print(const char* key, std::uint64_t value) {
  std::printf("%s=%llu\n", key, static_cast<unsigned long long>(value));
}
void Print(const char* key, const std::string& value) { std::printf("%s=%s\n", key, value.c_str()); }

// q-quantile of samples (ms); an absent sample (an unanswered request) is +inf.
double Quantile(std::vector<double> samples, double q) {
  if (samples.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(samples.begin(), samples.end());
  const double rank = std::ceil(q * static_cast<double>(samples.size()));
  const std::size_t index = rank < 1 ? 0 : static_cast<std::size_t>(rank) - 1;
  return samples[std::min(index, samples.size() - 1)];
}

void PrintLatencies(const std::string& prefix, const std::vector<double>& samples) {
  Print((prefix + "p50_ms").c_str(), Quantile(samples, 0.50));
  Print((prefix + "p99_ms").c_str(), Quantile(samples, 0.99));
  Print((prefix + "max_ms").c_str(), Quantile(samples, 1.0));
}

void PrintStatuses(const std::string& prefix, const std::map<int, std::uint64_t>& statuses) {
  for (const auto& [status, count] : statuses) Print((prefix + "status_" + std::to_string(status)).c_str(), count);
}

// --- HTTP responses ------------------------------------------------------------------------------------------

struct Response {
  int status = 0;
  bool close = false;  // Connection: close, or a body that ran to the end of the stream.
  std::string body;
  Clock::time_point done;
};

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

enum class Parsed { kComplete, kIncomplete, kMalformed };

// Parses the response at the front of `in` (an answer to a GET or POST). On
// kComplete, `used` is its length. `at_eof`: no more bytes will come.
Parsed ParseResponse(std::string_view in, bool at_eof, Response& out, std::size_t& used) {
  const std::size_t head_end = in.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return in.size() > 65536 ? Parsed::kMalformed : Parsed::kIncomplete;
  const std::string_view head = in.substr(0, head_end + 2);
  if (head.size() < 12 || head.substr(0, 5) != "HTTP/") return Parsed::kMalformed;
  const std::size_t space = head.find(' ');
  if (space == std::string_view::npos || space + 4 > head.size()) return Parsed::kMalformed;
  int status = 0;
  for (std::size_t i = space + 1; i < space + 4; ++i) {
    if (head[i] < '0' || head[i] > '9') return Parsed::kMalformed;
    status = status * 10 + (head[i] - '0');
  }
  std::optional<std::size_t> length;
  bool chunked = false;
  bool close = head.substr(0, 8) == "HTTP/1.0";
  for (std::size_t line = head.find("\r\n") + 2; line < head.size();) {
    const std::size_t end = head.find("\r\n", line);
    const std::string_view field = head.substr(line, end - line);
    line = end + 2;
    const std::size_t colon = field.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = Trim(field.substr(0, colon));
    const std::string_view value = Trim(field.substr(colon + 1));
    if (EqualsIgnoringCase(name, "content-length")) {
      std::size_t n = 0;
      for (const char c : value) {
        if (c < '0' || c > '9') return Parsed::kMalformed;
        n = n * 10 + static_cast<std::size_t>(c - '0');
      }
      length = n;
    } else if (EqualsIgnoringCase(name, "transfer-encoding")) {
      chunked = EqualsIgnoringCase(value, "chunked");
    } else if (EqualsIgnoringCase(name, "connection")) {
      if (EqualsIgnoringCase(value, "close")) close = true;
      if (EqualsIgnoringCase(value, "keep-alive")) close = false;
    }
  }
  std::size_t at = head_end + 4;
  std::string body;
  if (chunked) {
    while (true) {
      const std::size_t line_end = in.find("\r\n", at);
      if (line_end == std::string_view::npos) return Parsed::kIncomplete;
      std::size_t size = 0;
      std::size_t digits = 0;
      for (std::size_t i = at; i < line_end; ++i, ++digits) {
        const char c = in[i];
        int digit = -1;
        if (c >= '0' && c <= '9') digit = c - '0';
        if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
        if (digit < 0) break;  // A chunk extension follows.
        size = size * 16 + static_cast<std::size_t>(digit);
      }
      if (digits == 0 || size > (std::size_t{1} << 30)) return Parsed::kMalformed;
      at = line_end + 2;
      if (size == 0) {
        const std::size_t trailer_end = in.substr(at, 2) == "\r\n" ? at : in.find("\r\n\r\n", at);
        if (trailer_end == std::string_view::npos || in.size() < trailer_end + 2) return Parsed::kIncomplete;
        at = trailer_end == at ? at + 2 : trailer_end + 4;
        break;
      }
      if (in.size() < at + size + 2) return Parsed::kIncomplete;
      body.append(in.substr(at, size));
      at += size + 2;
    }
  } else if (length) {
    if (in.size() < at + *length) return Parsed::kIncomplete;
    body = std::string(in.substr(at, *length));
    at += *length;
  } else if (status != 204 && status != 304 && status >= 200) {
    if (!at_eof) return Parsed::kIncomplete;
    body = std::string(in.substr(at));
    at = in.size();
    close = true;
  }
  out.status = status;
  out.close = close;
  out.body = std::move(body);
  used = at;
  return Parsed::kComplete;
}

// --- connections ---------------------------------------------------------------------------------------------

class Conn;

// epoll over the connections; Run dispatches events and lists the connections touched.
class Poller {
 public:
  Poller() : fd_(epoll_create1(EPOLL_CLOEXEC)) {
    if (fd_ < 0) throw std::runtime_error("epoll_create1 failed");
  }
  ~Poller() { close(fd_); }
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  void Watch(int fd, std::uint32_t events, Conn* conn, bool added) {
    epoll_event event{};
    event.events = events;
    event.data.ptr = conn;
    epoll_ctl(fd_, added ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event);
  }
  void Forget(int fd) { epoll_ctl(fd_, EPOLL_CTL_DEL, fd, nullptr); }
  // Waits up to timeout_ms; returns the connections that had events (each once).
  const std::vector<Conn*>& Run(int timeout_ms);

 private:
  int fd_;
  std::vector<epoll_event> events_ = std::vector<epoll_event>(512);
  std::vector<Conn*> touched_;
};

// One client connection to 127.0.0.1: requests appended to its output, the
// complete answers queued in `responses`.
class Conn {
 public:
  explicit Conn(Poller& poller) : poller_(poller) {}
  ~Conn() { Close(); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Starts a non-blocking connect; false if the socket could not even be made.
  bool Open(std::uint16_t port) {
    Close();
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return false;
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    alive_ = true;
    eof_ = false;
    error_ = 0;
    connecting_ = true;
    watched_ = false;
    if (connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 && errno != EINPROGRESS) {
      error_ = errno;
      alive_ = false;
    }
    Rewatch();
    return true;
  }

  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    alive_ = false;
    out_.clear();
    sent_ = 0;
    in_.clear();
    responses.clear();
  }

  // Appends bytes to send; written now if the socket takes them.
  void Send(std::string_view bytes) {
    if (!alive_) return;
    out_.append(bytes);
    if (!connecting_) Flush();
    if (alive_) {
      Rewatch();
    } else if (watched_) {
      poller_.Forget(fd_);
      watched_ = false;
    }
  }

  // Applies epoll events: connect completion, writes, reads, answers.
  void Handle(std::uint32_t events) {
    if (fd_ < 0 || !alive_) return;
    if (connecting_ && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0) {
      int error = 0;
      socklen_t size = sizeof error;
      getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &size);
      if (error != 0) {
        error_ = error;
        alive_ = false;
        if (watched_) poller_.Forget(fd_);
        watched_ = false;
        return;
      }
      connecting_ = false;
      connected_at = Clock::now();
      was_connected = true;
    }
    if (!connecting_ && sent_ < out_.size()) Flush();
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0 && !connecting_) Fill();
    Parse();
    if (eof_ || error_ != 0) alive_ = false;
    if (alive_) {
      Rewatch();
    } else if (watched_) {
      // Kept open for its state, but no longer polled (a closed socket is
      // always readable and would spin the loop).
      poller_.Forget(fd_);
      watched_ = false;
    }
  }

  int fd() const { return fd_; }
  bool alive() const { return alive_; }
  bool connecting() const { return connecting_; }
  int error() const { return error_; }
  bool pending_output() const { return sent_ < out_.size(); }

  std::deque<Response> responses;
  // For the modes' bookkeeping.
  bool in_flight = false;
  std::size_t awaited = 0;
  Clock::time_point issued;
  Clock::time_point connected_at;
  bool was_connected = false;

 private:
  void Rewatch() {
    if (fd_ < 0 || !alive_) return;
    const std::uint32_t events = EPOLLIN | EPOLLRDHUP | ((connecting_ || pending_output()) ? EPOLLOUT : 0u);
    if (watched_ && events == watched_events_) return;
    poller_.Watch(fd_, events, this, watched_);
    watched_ = true;
    watched_events_ = events;
  }

  void Flush() {
    while (sent_ < out_.size()) {
      const ssize_t n = send(fd_, out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL);
      if (n > 0) {
        sent_ += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (n < 0 && errno == EINTR) continue;
      error_ = n < 0 ? errno : EPIPE;
      alive_ = false;
      return;
    }
    out_.clear();
    sent_ = 0;
  }

  void Fill() {
    char buffer[65536];
    while (true) {
      const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) {
        in_.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0) {
        eof_ = true;
        return;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EINTR) continue;
      error_ = errno;
      return;
    }
  }

  void Parse() {
    std::size_t at = 0;
    while (at < in_.size()) {
      Response response;
      std::size_t used = 0;
      const Parsed parsed = ParseResponse(std::string_view(in_).substr(at), eof_ || error_ != 0, response, used);
      if (parsed == Parsed::kIncomplete) break;
      if (parsed == Parsed::kMalformed) {
        error_ = EPROTO;
        break;
      }
      response.done = Clock::now();
      responses.push_back(std::move(response));
      at += used;
    }
    in_.erase(0, at);
  }

  Poller& poller_;
  int fd_ = -1;
  bool alive_ = false;
  bool connecting_ = false;
  bool eof_ = false;
  bool watched_ = false;
  std::uint32_t watched_events_ = 0;
  int error_ = 0;
  std::string out_;
  std::size_t sent_ = 0;
  std::string in_;
};

const std::vector<Conn*>& Poller::Run(int timeout_ms) {
  touched_.clear();
  const int n = epoll_wait(fd_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
  for (int i = 0; i < n; ++i) {
    const epoll_event& event = events_[static_cast<std::size_t>(i)];
    auto* conn = static_cast<Conn*>(event.data.ptr);
    conn->Handle(event.events);
    touched_.push_back(conn);
  }
  return touched_;
}

std::string Get(const std::string& path) { return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"; }

std::string Post(const std::string& path, const std::string& json) {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(json.size()) + "\r\n\r\n" + json;
}

std::uint16_t Port(Flags& flags, const char* name) {
  const std::int64_t port = flags.Int(name, 0);
  if (port <= 0 || port > 65535) throw UsageError(std::string("--") + name + " is required (1..65535)");
  return static_cast<std::uint16_t>(port);
}

// One request on `conn` (reopened if it is not alive), waited for until
// `timeout_ms`; other connections on the poller keep their events.
std::optional<Response> RoundTrip(Poller& poller, Conn& conn, std::uint16_t port, const std::string& request,
                                  int timeout_ms) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!conn.alive()) conn.Open(port);
    conn.responses.clear();
    conn.Send(request);
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (conn.alive() && conn.responses.empty() && Clock::now() < deadline) poller.Run(MsUntil(deadline));
    if (!conn.responses.empty()) {
      Response response = std::move(conn.responses.front());
      conn.responses.pop_front();
      if (response.close) conn.Close();
      return response;
    }
    if (Clock::now() >= deadline) {
      conn.Close();
      return std::nullopt;
    }
    // Closed before answering (an idle keep-alive connection the server had
    // just closed): once more on a new connection.
    conn.Close();
  }
  return std::nullopt;
}

// --- modes ---------------------------------------------------------------------------------------------------

int KeepAlive(Flags& flags) {
  const std::uint16_t port = Port(flags, "port");
  const auto connections = static_cast<std::size_t>(flags.Int("connections", 64));
  const double seconds = static_cast<double>(flags.Int("seconds", 5));
  const std::string request = Get(flags.String("path", "/api/v1/progress"));
  flags.CheckAllRead();

  Poller poller;
  std::vector<std::unique_ptr<Conn>> conns;
  std::vector<double> latencies;
  std::map<int, std::uint64_t> statuses;
  std::uint64_t errors = 0;
  std::uint64_t closed_unanswered = 0;
  std::uint64_t reconnects = 0;
  const auto started = Clock::now();
  const auto end = started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  const auto drain_end = end + std::chrono::seconds(5);
  auto issue = [&](Conn& conn) {
    if (!conn.alive()) {
      conn.Open(port);
      ++reconnects;
    }
    conn.in_flight = true;
    conn.issued = Clock::now();
    conn.Send(request);
  };
  for (std::size_t i = 0; i < connections; ++i) {
    conns.push_back(std::make_unique<Conn>(poller));
    conns.back()->Open(port);
    issue(*conns.back());
  }
  reconnects = 0;
  std::size_t in_flight = connections;
  while (in_flight > 0 && Clock::now() < drain_end) {
    const auto now = Clock::now();
    const auto& touched = poller.Run(now < end ? MsUntil(end) : MsUntil(drain_end));
    const bool running = Clock::now() < end;
    for (Conn* conn : touched) {
      while (!conn->responses.empty()) {
        const Response response = std::move(conn->responses.front());
        conn->responses.pop_front();
        if (conn->in_flight) {
          latencies.push_back(MsBetween(conn->issued, response.done));
          ++statuses[response.status];
          conn->in_flight = false;
          --in_flight;
        }
        if (response.close) conn->Close();
      }
      if (!conn->alive() && conn->in_flight) {
        ++errors;  // Closed, reset or refused before answering.
        ++closed_unanswered;
        conn->in_flight = false;
        --in_flight;
        conn->Close();
      }
      if (running && !conn->in_flight) {
        issue(*conn);
        ++in_flight;
      }
    }
  }
  const double elapsed = MsBetween(started, std::min(Clock::now(), end)) / 1000;
  errors += in_flight;  // Unanswered at the end of the drain.
  Print("connections", static_cast<std::uint64_t>(connections));
  Print("seconds", elapsed);
  Print("requests", static_cast<std::uint64_t>(latencies.size()));
  Print("requests_per_s", static_cast<double>(latencies.size()) / elapsed);
  PrintLatencies("", latencies);
  Print("errors", errors);
  Print("errors_closed", closed_unanswered);
  Print("errors_unanswered_at_end", in_flight);
  Print("reconnects", reconnects);
  PrintStatuses("", statuses);
  return 0;
}

int Slow(Flags& flags) {
  const std::uint16_t port = Port(flags, "port");
  const auto slow_count = static_cast<std::size_t>(flags.Int("slow", 300));
  const auto interval = std::chrono::milliseconds(flags.Int("interval-ms", 1000));
  const auto requests = static_cast<std::size_t>(flags.Int("requests", 200));
  const std::string path = flags.String("path", "/api/v1/progress");
  const auto timeout = std::chrono::milliseconds(flags.Int("timeout-ms", 2000));
  const auto budget = std::chrono::seconds(flags.Int("budget-seconds", 30));
  const auto hold = std::chrono::seconds(flags.Int("hold-seconds", 8));
  flags.CheckAllRead();

  // A head that never ends: a request line, then one header whose value grows a byte a tick.
  const std::string head = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
  Poller poller;
  std::vector<std::unique_ptr<Conn>> slow;
  std::vector<std::size_t> slow_sent(slow_count, 0);
  const auto started = Clock::now();
  for (std::size_t i = 0; i < slow_count; ++i) {
    slow.push_back(std::make_unique<Conn>(poller));
    slow.back()->Open(port);
    slow.back()->Send(head.substr(0, 1));
    slow_sent[i] = 1;
  }
  auto next_tick = started + interval;
  auto tick = [&] {
    if (Clock::now() < next_tick) return;
    for (std::size_t i = 0; i < slow_count; ++i) {
      Conn& conn = *slow[i];
      if (!conn.alive()) continue;
      conn.Send(slow_sent[i] < head.size() ? std::string_view(head).substr(slow_sent[i], 1) : "a");
      ++slow_sent[i];
    }
    next_tick += interval;
  };
  // Let the slow connections settle in before the good client starts.
  const auto settle = started + std::chrono::milliseconds(500);
  while (Clock::now() < settle) {
    poller.Run(MsUntil(settle));
    tick();
  }

  Conn good(poller);
  std::vector<double> latencies;
  std::map<int, std::uint64_t> statuses;
  std::size_t answered = 0;
  std::size_t attempted = 0;
  const auto good_end = Clock::now() + budget;
  while (attempted < requests && Clock::now() < good_end) {
    ++attempted;
    const auto issued = Clock::now();
    const auto deadline = std::min(issued + timeout, good_end);
    good.Open(port);
    good.Send(Get(path));
    while (good.alive() && good.responses.empty() && Clock::now() < deadline) {
      poller.Run(std::min(MsUntil(deadline), MsUntil(next_tick)));
      tick();
    }
    if (!good.responses.empty()) {
      latencies.push_back(MsBetween(issued, good.responses.front().done));
      ++statuses[good.responses.front().status];
      ++answered;
    } else {
      latencies.push_back(std::numeric_limits<double>::infinity());
    }
    good.Close();
  }
  const double good_seconds = MsBetween(settle, Clock::now()) / 1000;
  const auto hold_end = started + hold;
  while (Clock::now() < hold_end) {
    poller.Run(std::min(MsUntil(hold_end), MsUntil(next_tick)));
    tick();
  }
  std::size_t closed = 0;
  std::size_t closed_answered = 0;
  std::size_t slow_connected = 0;
  for (const auto& conn : slow) {
    if (conn->was_connected) ++slow_connected;
    conn->Handle(EPOLLIN);  // Reads a close that came after the last event.
    if (!conn->alive()) ++closed;
    if (!conn->responses.empty()) ++closed_answered;
  }
  Print("slow_connections", static_cast<std::uint64_t>(slow_count));
  Print("slow_connected", static_cast<std::uint64_t>(slow_connected));
  Print("slow_closed", static_cast<std::uint64_t>(closed));
  Print("slow_answered", static_cast<std::uint64_t>(closed_answered));
  Print("hold_seconds", MsBetween(started, Clock::now()) / 1000);
  Print("good_requests", static_cast<std::uint64_t>(requests));
  Print("good_attempted", static_cast<std::uint64_t>(attempted));
  Print("good_answered", static_cast<std::uint64_t>(answered));
  Print("good_seconds", good_seconds);
  PrintLatencies("good_", latencies);
  PrintStatuses("good_", statuses);
  return 0;
}

int Chunked(Flags& flags) {
  const std::uint16_t port = Port(flags, "port");
  const auto bytes = static_cast<std::uint64_t>(flags.Int("bytes", 300ll << 20));
  const std::string path = flags.String("path", "/v1/organizations/o-1/services/s-1/clickpipes");
  flags.CheckAllRead();

  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    std::fprintf(stderr, "serve_load: cannot connect to 127.0.0.1:%u\n", port);
    close(fd);
    return 1;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  const std::string head = "POST " + path +
                           " HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                           "Content-Type: application/json\r\n\r\n";
  constexpr std::size_t kChunk = 65536;
  const std::string chunk = "10000\r\n" + std::string(kChunk, 'x') + "\r\n";
  const std::string last = "0\r\n\r\n";
  std::string pending = head;  // What is being written now.
  std::size_t pending_at = 0;
  std::uint64_t body_queued = 0;  // Body bytes handed to `pending` so far.
  bool finished = false;          // The last chunk is queued.
  std::uint64_t sent = 0;
  std::string in;
  std::optional<Response> answer;
  std::uint64_t sent_at_answer = 0;
  std::string outcome = "timeout";
  const auto started = Clock::now();
  Clock::time_point answered_at;
  const auto deadline = started + std::chrono::seconds(300);
  auto last_progress = started;
  bool eof = false;
  while (Clock::now() < deadline) {
    const bool writing = !answer && pending_at < pending.size();
    pollfd entry{fd, static_cast<short>(POLLIN | (writing ? POLLOUT : 0)), 0};
    const int ready = poll(&entry, 1, 1000);
    if (ready < 0 && errno != EINTR) break;
    if ((entry.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      char buffer[65536];
      const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n > 0) in.append(buffer, static_cast<std::size_t>(n));
      if (n == 0) eof = true;
      if (n < 0 && errno != EAGAIN && errno != EINTR) {
        outcome = "reset";
        eof = true;
      }
      Response response;
      std::size_t used = 0;
      if (!answer && ParseResponse(in, eof, response, used) == Parsed::kComplete) {
        answer = std::move(response);
        sent_at_answer = sent;
        answered_at = Clock::now();
        outcome = "answered";
        break;
      }
      if (eof) break;
    }
    if (writing && (entry.revents & POLLOUT) != 0) {
      const ssize_t n = send(fd, pending.data() + pending_at, pending.size() - pending_at, MSG_NOSIGNAL);
      if (n > 0) {
        pending_at += static_cast<std::size_t>(n);
        sent += static_cast<std::uint64_t>(n);
        last_progress = Clock::now();
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        outcome = "reset";
        // A response may be waiting in the receive buffer: one more look.
        char buffer[65536];
        const ssize_t got = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (got > 0) in.append(buffer, static_cast<std::size_t>(got));
        Response response;
        std::size_t used = 0;
        if (ParseResponse(in, true, response, used) == Parsed::kComplete) {
          answer = std::move(response);
          sent_at_answer = sent;
          answered_at = Clock::now();
          outcome = "answered";
        }
        break;
      }
    }
    if (pending_at == pending.size()) {
      if (body_queued < bytes) {
        const std::uint64_t size = std::min<std::uint64_t>(kChunk, bytes - body_queued);
        if (size == kChunk) {
          pending = chunk;
        } else {
          char line[32];
          std::snprintf(line, sizeof line, "%llx\r\n", static_cast<unsigned long long>(size));
          pending = line + std::string(static_cast<std::size_t>(size), 'x') + "\r\n";
        }
        pending_at = 0;
        body_queued += size;
      } else if (!finished) {
        pending = last;
        pending_at = 0;
        finished = true;
      }
    }
    if (MsBetween(last_progress, Clock::now()) > 10000) {
      outcome = finished && pending_at == pending.size() ? "done" : "stalled";
      break;
    }
  }
  bool closed_after = false;
  if (answer) {
    // Does the server close the connection after answering?
    const auto close_deadline = Clock::now() + std::chrono::seconds(5);
    while (Clock::now() < close_deadline) {
      pollfd entry{fd, POLLIN, 0};
      if (poll(&entry, 1, MsUntil(close_deadline)) <= 0) break;
      char buffer[65536];
      const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        closed_after = true;
        break;
      }
    }
  }
  close(fd);
  Print("body_bytes", bytes);
  Print("outcome", outcome);
  Print("answered", static_cast<std::uint64_t>(answer ? 1 : 0));
  Print("status", static_cast<std::uint64_t>(answer ? answer->status : 0));
  Print("bytes_sent", answer ? sent_at_answer : sent);
  Print("seconds", MsBetween(started, answer ? answered_at : Clock::now()) / 1000);
  Print("closed_after", static_cast<std::uint64_t>(closed_after ? 1 : 0));
  if (answer) Print("body", answer->body.substr(0, 200));
  return 0;
}

int Pipelined(Flags& flags) {
  const std::uint16_t port = Port(flags, "port");
  const auto count = static_cast<std::size_t>(flags.Int("count", 8));
  const std::string path = flags.String("path", "/api/v1/progress");
  flags.CheckAllRead();

  Poller poller;
  Conn conn(poller);
  conn.Open(port);
  std::string requests;
  for (std::size_t i = 0; i < count; ++i) requests += Get(path);
  conn.Send(requests);
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (conn.alive() && conn.responses.size() < count && Clock::now() < deadline) poller.Run(MsUntil(deadline));
  std::map<int, std::uint64_t> statuses;
  for (const Response& response : conn.responses) ++statuses[response.status];
  Print("requests", static_cast<std::uint64_t>(count));
  Print("answers", static_cast<std::uint64_t>(conn.responses.size()));
  Print("closed_early", static_cast<std::uint64_t>(!conn.alive() && conn.responses.size() < count ? 1 : 0));
  PrintStatuses("", statuses);
  return 0;
}

int Poll(Flags& flags) {
  const std::uint16_t port = Port(flags, "port");
  const std::uint16_t control_port = Port(flags, "control-port");
  const auto count = static_cast<std::uint64_t>(flags.Int("count", 604800));
  const auto budget = std::chrono::seconds(flags.Int("max-seconds", 1800));
  flags.CheckAllRead();

  Poller poller;
  Conn api(poller);
  Conn control(poller);
  const std::string advance = Post("/pipecheck/v1/advance", R"({"by":"1s"})");
  const std::string progress = Get("/api/v1/progress");
  std::uint64_t errors = 0;
  std::uint64_t advance_not_200 = 0;
  std::uint64_t progress_not_200 = 0;
  double advance_max = 0;
  double progress_max = 0;
  const auto started = Clock::now();
  std::uint64_t done = 0;
  for (; done < count; ++done) {
    auto issued = Clock::now();
    auto answer = RoundTrip(poller, control, control_port, advance, 10000);
    advance_max = std::max(advance_max, MsBetween(issued, Clock::now()));
    if (!answer) ++errors;
    if (answer && answer->status != 200) ++advance_not_200;
    issued = Clock::now();
    answer = RoundTrip(poller, api, port, progress, 10000);
    progress_max = std::max(progress_max, MsBetween(issued, Clock::now()));
    if (!answer) ++errors;
    if (answer && answer->status != 200) ++progress_not_200;
    if (errors > 100) break;  // The server is gone: no use going on.
    if (Clock::now() - started > budget) {
      ++done;
      break;
    }
    if (count >= 10 && (done + 1) % (count / 10) == 0) {
      std::fprintf(stderr, "serve_load poll: %llu of %llu (%.0f s)\n", static_cast<unsigned long long>(done + 1),
                   static_cast<unsigned long long>(count), MsBetween(started, Clock::now()) / 1000);
    }
  }
  const double seconds = MsBetween(started, Clock::now()) / 1000;
  Print("polls", done);
  Print("seconds", seconds);
  Print("polls_per_s", static_cast<double>(done) / seconds);
  Print("errors", errors);
  Print("advance_not_200", advance_not_200);
  Print("progress_not_200", progress_not_200);
  Print("advance_max_ms", advance_max);
  Print("progress_max_ms", progress_max);
  return 0;
}

int Advance(Flags& flags) {
  const std::uint16_t control_port = Port(flags, "control-port");
  const std::string by = flags.String("by", "100d");
  const auto poll_interval = std::chrono::milliseconds(flags.Int("poll-ms", 10));
  const auto timeout = std::chrono::seconds(flags.Int("timeout-seconds", 900));
  flags.CheckAllRead();

  Poller poller;
  Conn advance(poller);
  Conn state(poller);
  advance.Open(control_port);
  const auto started = Clock::now();
  advance.Send(Post("/pipecheck/v1/advance", R"({"by":")" + by + R"("})"));
  const auto deadline = started + timeout;
  const std::string state_request = Get("/pipecheck/v1/state");
  std::vector<double> latencies;
  std::map<int, std::uint64_t> statuses;
  std::uint64_t polls = 0;
  std::uint64_t state_errors = 0;
  auto next_poll = started + poll_interval;
  std::optional<Response> answer;
  Clock::time_point answered_at;
  auto poll_done = [&] {
    if (!state.in_flight) return;
    if (!state.responses.empty()) {
      latencies.push_back(MsBetween(state.issued, state.responses.front().done));
      ++statuses[state.responses.front().status];
      if (state.responses.front().close) state.Close();
      state.responses.clear();
      state.in_flight = false;
      next_poll = Clock::now() + poll_interval;
    } else if (!state.alive()) {
      ++state_errors;
      latencies.push_back(std::numeric_limits<double>::infinity());
      state.Close();
      state.in_flight = false;
      next_poll = Clock::now() + poll_interval;
    }
  };
  while (Clock::now() < deadline) {
    const bool polling = poll_interval.count() > 0;
    if (polling && !answer && !state.in_flight && Clock::now() >= next_poll) {
      if (!state.alive()) state.Open(control_port);
      state.in_flight = true;
      state.issued = Clock::now();
      state.Send(state_request);
      ++polls;
    }
    if (answer && !state.in_flight) break;
    int wait_ms = MsUntil(deadline);
    if (answer) wait_ms = std::min(wait_ms, MsUntil(answered_at + std::chrono::seconds(5)));
    if (polling && !answer && !state.in_flight) wait_ms = std::min(wait_ms, MsUntil(next_poll));
    poller.Run(wait_ms);
    if (!answer && !advance.responses.empty()) {
      answer = advance.responses.front();
      answered_at = Clock::now();
    }
    if (!answer && !advance.alive()) break;
    poll_done();
    if (answer && Clock::now() > answered_at + std::chrono::seconds(5)) break;
  }
  Print("by", by);
  Print("advance_status", static_cast<std::uint64_t>(answer ? answer->status : 0));
  Print("advance_seconds", MsBetween(started, answer ? answered_at : Clock::now()) / 1000);
  Print("state_polls", polls);
  Print("state_answered", static_cast<std::uint64_t>(latencies.size()) - state_errors);
  Print("state_errors", state_errors);
  PrintLatencies("state_", latencies);
  PrintStatuses("state_", statuses);
  if (answer) Print("advance_body", answer->body.substr(0, 200));
  return 0;
}

}  // namespace
}  // namespace pipecheck::bench

int main(int argc, char** argv) {
  using namespace pipecheck::bench;
  if (argc < 2) {
    std::fprintf(stderr, "usage: pipecheck_serve_load keepalive|slow|chunked|pipelined|poll|advance --port PORT ...\n");
    return 2;
  }
  const std::string mode = argv[1];
  try {
    Flags flags(argc, argv);
    if (mode == "keepalive") return KeepAlive(flags);
    if (mode == "slow") return Slow(flags);
    if (mode == "chunked") return Chunked(flags);
    if (mode == "pipelined") return Pipelined(flags);
    if (mode == "poll") return Poll(flags);
    if (mode == "advance") return Advance(flags);
    throw UsageError("unknown mode " + mode);
  } catch (const UsageError& error) {
    std::fprintf(stderr, "pipecheck_serve_load: %s\n", error.what());
    return 2;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "pipecheck_serve_load: %s\n", error.what());
    return 1;
  }
}
