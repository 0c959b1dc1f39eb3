#include "cli/flag_checks.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "model/input_error.h"
#include "sim/time.h"
#include "validate/history.h"

namespace pipecheck::cli {

std::string RangeText(long long low, long long high) {
  if (high == std::numeric_limits<long long>::max()) return fmt::format("at least {}", low);
  return fmt::format("{} to {}", low, high);
}

CLI::Validator WholeNumber(std::string flag, long long low, long long high) {
  return CLI::Validator(
      [flag, low, high](std::string& text) -> std::string {
        long long value = 0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, value);
        if (text.empty() || stop != end || (error != std::errc() && error != std::errc::result_out_of_range)) {
          throw InputError(fmt::format("'{}' is not a whole number; expected {}", text, RangeText(low, high)), flag);
        }
        if (error == std::errc::result_out_of_range || value < low || value > high) {
          throw InputError(fmt::format("{} is out of range; expected {}", text, RangeText(low, high)), flag);
        }
        return "";
      },
      "");
}

CLI::Validator Seed(std::string flag) {
  return CLI::Validator(
      [flag](std::string& text) -> std::string {
        std::uint64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, value);
        if (text.empty() || stop != end || error != std::errc()) {
          throw InputError(fmt::format("'{}' is not a seed (a whole number from 0 to {})", text,
                                       std::numeric_limits<std::uint64_t>::max()),
                           flag);
        }
        return "";
      },
      "");
}

CLI::Validator PositiveDecimal(std::string flag, double high) {
  return CLI::Validator(
      [flag, high](std::string& text) -> std::string {
        char* stop = nullptr;
        const double value = text.empty() ? 0.0 : std::strtod(text.c_str(), &stop);
        if (text.empty() || stop != text.c_str() + text.size() || !std::isfinite(value)) {
          throw InputError(fmt::format("'{}' is not a number; expected above 0 and at most {}", text, high), flag);
        }
        if (!(value > 0) || value > high) {
          throw InputError(fmt::format("{} is out of range; expected above 0 and at most {}", text, high), flag);
        }
        return "";
      },
      "");
}

// A size such as 4G: 0 would stop every run at once, as --max-states 0
// would.
CLI::Validator MemoryLimit(std::string flag) {
  return CLI::Validator(
      [flag](std::string& text) -> std::string {
        const std::size_t digits = std::min(text.find_first_not_of("0123456789"), text.size());
        if (digits > 0 && text.find_first_not_of('0') >= digits) {
          throw InputError(fmt::format("'{}' is no memory at all; expected more than 0, such as 4G", text), flag);
        }
        ParseBytes(text, flag);
        return "";
      },
      "");
}

std::uint64_t ParseBytes(const std::string& text, const std::string& flag) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string unit = text.substr(digits);
  std::uint64_t scale = 0;
  if (unit == "" || unit == "B") scale = 1;
  if (unit == "K" || unit == "KB") scale = 1ULL << 10;
  if (unit == "M" || unit == "MB") scale = 1ULL << 20;
  if (unit == "G" || unit == "GB") scale = 1ULL << 30;
  if (digits == 0 || digits > 12 || scale == 0) {
    throw InputError(fmt::format("bad size '{}'; expected a number with K, M or G, such as 4G", text), flag);
  }
  const std::uint64_t count = std::stoull(text.substr(0, digits));
  if (count > std::numeric_limits<std::uint64_t>::max() / scale) {
    throw InputError(fmt::format("size '{}' is out of range; expected at most 17179869183G, such as 4G", text), flag);
  }
  return count * scale;
}

// A duration that stops a run: a duration above 0.
CLI::Validator TimeLimit(std::string flag) {
  return CLI::Validator(
      [flag](std::string& text) -> std::string {
        const auto limit = sim::ParseDuration(text);
        if (!limit) {
          throw InputError(fmt::format("bad duration '{}'; expected a number of seconds or a number with a "
                                       "unit ms, s, m, h or d, such as 10m",
                                       text),
                           flag);
        }
        if (*limit <= 0) {
          throw InputError(fmt::format("a time limit of '{}' stops at once; expected more than 0, such as 10m", text),
                           flag);
        }
        return "";
      },
      "");
}

model::mongosync::Version MongosyncVersionFlag(const std::string& text, sim::ModelKind kind) {
  if (kind != sim::ModelKind::kMongosync) {
    throw InputError("only --model mongosync has versions", "--mongosync-version");
  }
  const auto version = model::mongosync::ParseVersion(text);
  if (!version) {
    throw InputError(
        fmt::format("unknown mongosync version '{}'; expected 1.8 to 1.21", validate::PrintableName(text)),
        "--mongosync-version");
  }
  return *version;
}

}  // namespace pipecheck::cli
