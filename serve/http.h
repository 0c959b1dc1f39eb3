// serve/http.h: requests, answers and routes of `serve`'s HTTP ports, apart
// from any transport.
//
// A Router holds one API: its routes (a method and a path pattern), the
// shape in which that API writes an error (the ClickPipes API's
// {status, error, requestId}, mongosync's {success, error, errorDescription},
// the control API's {error}), the credentials it requires, if any, and a
// guard that sees every request before its route. The transport
// (serve/http_server.h) reads a request off a connection, hands it to
// Handle, and writes whatever answer Handle gives; errors the transport
// finds itself (a body over the limit, a malformed head, too many
// connections) are written through the same shape (Router::Error), so a
// client meets one API whatever went wrong.
//
// Handle runs on the serving thread only: a handler may touch its session
// without a lock.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pipecheck::serve {

// Bodies over this many bytes are refused (413) before they are read whole,
// chunked or not.
inline constexpr std::size_t kMaxBodyBytes = 1 << 20;

struct Request {
  std::string method;  // As sent: "GET", "POST", ...
  std::string target;  // The request target: path and query.
  std::string path;    // The target up to '?'.
  std::vector<std::pair<std::string, std::string>> headers;  // In arrival order.
  std::string body;
  std::vector<std::string> matches;  // The route pattern's groups; [0] is the whole path.

  // The value of the first header named `name` (ASCII case-insensitive), or "".
  std::string_view Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
};

// The next part of a streamed body; false when there is none left. Called on
// the serving thread between writes, so other requests are answered between
// two parts.
using BodyStream = std::function<bool(std::string& part)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  BodyStream stream;   // Set: the body is these parts, sent chunked; `body` is unused.
  bool close = false;  // Close the connection after this answer.

  void SetHeader(std::string name, std::string value);
};

// Answers a request at once.
using Handler = std::function<void(const Request&, Response&)>;
// Answers a request later, exactly once, on the serving thread, by calling
// the Reply it is given (an advance that runs in parts, a save written by
// another thread). The request stays valid until then.
using Reply = std::function<void(Response)>;
using AsyncHandler = std::function<void(const Request&, Reply)>;
// Writes an error of this API: `status` and `text` in the API's own shape.
using ErrorShape = std::function<void(Response&, int status, const std::string& text)>;
// Sees each request after authentication and before its route; returns false
// after writing a refusal into the response.
using Guard = std::function<bool(const Request&, Response&)>;

class Router {
 public:
  explicit Router(ErrorShape shape) : shape_(std::move(shape)) {}

  // `pattern` (ECMAScript) must match the whole path.
  void Add(std::string_view method, const std::string& pattern, Handler handler);
  void AddAsync(std::string_view method, const std::string& pattern, AsyncHandler handler);
  // Every request must carry HTTP Basic credentials equal to `id_secret`
  // ("ID:SECRET"), compared in constant time; 401 with a WWW-Authenticate
  // header of `realm` otherwise. Empty: no credentials required.
  void RequireBasicAuth(std::string id_secret, std::string realm);
  void SetGuard(Guard guard) { guard_ = std::move(guard); }

  // Authentication, the guard, then the route: 404 for a path no route
  // matches, 405 (with Allow) for a path matched with other methods only.
  void Handle(Request& request, Reply reply) const;
  void Error(Response& response, int status, const std::string& text) const { shape_(response, status, text); }

 private:
  struct Route {
    std::string method;
    std::string literal;  // The pattern when it has no special character: compared, not matched.
    std::regex pattern;
    AsyncHandler handler;
  };
  bool Authorized(const Request& request) const;
  void Dispatch(const Route& route, Request& request, Reply reply) const;

  ErrorShape shape_;
  std::vector<Route> routes_;
  std::string expected_authorization_;  // "Basic <base64>" when credentials are required.
  std::string realm_;
  Guard guard_;
};

// `text` with each byte that is not part of valid UTF-8 replaced by U+FFFD,
// so that a client's bytes can be written into a JSON answer.
std::string ValidUtf8(std::string_view text);

// Whether two strings are equal, in a time that depends on their lengths only.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

std::string Base64(std::string_view bytes);

}  // namespace pipecheck::serve
