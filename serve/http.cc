#include "serve/http.h"

#include <algorithm>
#include <cstdint>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "model/assert.h"

namespace pipecheck::serve {
namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// The authorization header with its scheme in one spelling and no spaces
// around the token, so that "basic  dXNlcg== " compares equal to
// "Basic dXNlcg==".
std::string NormalAuthorization(std::string_view header) {
  constexpr std::string_view kScheme = "basic";
  if (header.size() < kScheme.size() || !SameName(header.substr(0, kScheme.size()), kScheme)) {
    return std::string(header);
  }
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return "Basic " + std::string(token);
}

}  // namespace

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (SameName(key, name)) return value;
  }
  return {};
}

bool Request::HasHeader(std::string_view name) const {
  return std::any_of(headers.begin(), headers.end(), [&](const auto& header) { return SameName(header.first, name); });
}

void Response::SetHeader(std::string name, std::string value) {
  for (auto& [key, old] : headers) {
    if (SameName(key, name)) {
      old = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

void Router::Add(std::string_view method, const std::string& pattern, Handler handler) {
  PIPECHECK_ASSERT(handler != nullptr);
  AddAsync(method, pattern, [handler = std::move(handler)](const Request& request, Reply reply) {
    Response response;
    handler(request, response);
    reply(std::move(response));
  });
}

void Router::AddAsync(std::string_view method, const std::string& pattern, AsyncHandler handler) {
  PIPECHECK_ASSERT(handler != nullptr);
  const bool literal = pattern.find_first_of("\\^$.|?*+()[]{}") == std::string::npos;
  routes_.push_back({std::string(method), literal ? pattern : std::string(),
                     literal ? std::regex() : std::regex(pattern), std::move(handler)});
}

void Router::RequireBasicAuth(std::string id_secret, std::string realm) {
  expected_authorization_ = id_secret.empty() ? std::string() : "Basic " + Base64(id_secret);
  realm_ = std::move(realm);
}

bool Router::Authorized(const Request& request) const {
  if (expected_authorization_.empty()) return true;
  return ConstantTimeEqual(NormalAuthorization(request.Header("Authorization")), expected_authorization_);
}

void Router::Handle(Request& request, Reply reply) const {
  Response response;
  if (!Authorized(request)) {
    shape_(response, 401, "unauthorized: send the API key id and secret as HTTP Basic auth");
    response.SetHeader("WWW-Authenticate", fmt::format("Basic realm=\"{}\"", realm_));
    return reply(std::move(response));
  }
  if (guard_ && !guard_(request, response)) return reply(std::move(response));
  std::vector<std::string_view> allowed;
  for (const Route& route : routes_) {
    std::smatch match;
    const bool matched = route.literal.empty() ? std::regex_match(request.path, match, route.pattern)
                                               : request.path == route.literal;
    if (!matched) continue;
    if (route.method != request.method) {
      if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end()) allowed.push_back(route.method);
      continue;
    }
    request.matches.clear();
    if (route.literal.empty()) {
      for (const auto& group : match) request.matches.push_back(group.str());
    } else {
      request.matches.push_back(request.path);
    }
    return Dispatch(route, request, std::move(reply));
  }
  const std::string path = ValidUtf8(request.path);
  if (allowed.empty()) {
    shape_(response, 404, fmt::format("no such endpoint: {} {}", ValidUtf8(request.method), path));
  } else {
    const std::string allow = fmt::format("{}", fmt::join(allowed, ", "));
    shape_(response, 405, fmt::format("method {} is not allowed on {}; allowed: {}", ValidUtf8(request.method),
                                      path, allow));
    response.SetHeader("Allow", allow);
  }
  reply(std::move(response));
}

void Router::Dispatch(const Route& route, Request& request, Reply reply) const {
  // A handler that throws is a defect of the server, not of the request: the
  // client gets a 500 in the API's shape and the server goes on serving.
  auto answered = std::make_shared<bool>(false);
  Reply once = [reply = std::move(reply), answered](Response response) {
    *answered = true;
    reply(std::move(response));
  };
  try {
    route.handler(request, once);
  } catch (const std::exception& error) {
    if (*answered) {
      std::cerr << fmt::format("pipecheck serve: internal error after an answer to {} {}: {}\n",
                               ValidUtf8(request.method), ValidUtf8(request.path), error.what());
      return;
    }
    Response response;
    shape_(response, 500, fmt::format("internal error: {}", ValidUtf8(error.what())));
    once(std::move(response));
  }
}

std::string ValidUtf8(std::string_view text) {
  return nlohmann::json::parse(
             nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
      .get<std::string>();
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  // Every byte of the longer string is read whatever the contents; only the
  // lengths decide the time taken.
  const std::size_t length = std::max(a.size(), b.size());
  unsigned difference = a.size() == b.size() ? 0U : 1U;
  for (std::size_t i = 0; i < length; ++i) {
    const auto x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0U;
    const auto y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0U;
    difference |= x ^ y;
  }
  return difference == 0;
}

std::string Base64(std::string_view bytes) {
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t word = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                               (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                               std::uint32_t{static_cast<unsigned char>(bytes[i + 2])};
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kAlphabet[(word >> shift) & 63U]);
  }
  const std::size_t left = bytes.size() - i;
  if (left > 0) {
    std::uint32_t word = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    if (left == 2) word |= std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
    out.push_back(kAlphabet[(word >> 18) & 63U]);
    out.push_back(kAlphabet[(word >> 12) & 63U]);
    out.push_back(left == 2 ? kAlphabet[(word >> 6) & 63U] : '=');
    out.push_back('=');
  }
  return out;
}

}  // namespace pipecheck::serve
