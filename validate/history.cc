// validate/history.cc: the streaming reader of recorded status histories.
//
// The file is read into one buffer of kMaxLineBytes + 2 bytes (a longest line,
// a '\r' and its '\n') followed by simdjson's padding. Lines are cut with
// memchr; the unconsumed tail moves to the front before the next read, so a
// line that straddles two reads is whole when it is parsed. A JSON line is
// parsed in place by simdjson On-Demand (the bytes after it in the buffer
// serve as its padding). A CSV line goes through a small RFC 4180 splitter.
// Nothing is allocated per line.
#include "validate/history.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <simdjson.h>

#include "model/input_error.h"

namespace pipecheck::validate {
namespace {

namespace od = simdjson::ondemand;

constexpr std::size_t kPadding = simdjson::SIMDJSON_PADDING;
constexpr std::size_t kBufferBytes = HistoryReader::kMaxLineBytes + 2;
constexpr std::size_t kPrintableBytes = 60;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

// ---------------------------------------------------------------- times

// Days from 1970-01-01 to the proleptic Gregorian date y-m-d.
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

unsigned DaysInMonth(unsigned y, unsigned m) {
  static constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// The value of the `count` digits at s[at...]; false when one is not a digit.
bool Digits(std::string_view s, std::size_t at, std::size_t count, unsigned& value) {
  if (at + count > s.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (!IsDigit(s[i])) return false;
    value = value * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return true;
}

enum class TimeParse { kOk, kNoOffset, kBad };

// RFC 3339 date-time: YYYY-MM-DD(T|t| )hh:mm:ss[.f+](Z|z|(+|-)hh:mm).
TimeParse ParseRfc3339(std::string_view s, std::int64_t& ms) {
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!Digits(s, 0, 4, year) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, month) ||
      s[7] != '-' || !Digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !Digits(s, 11, 2, hour) || s[13] != ':' || !Digits(s, 14, 2, minute) || s[16] != ':' ||
      !Digits(s, 17, 2, second)) {
    return TimeParse::kBad;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return TimeParse::kBad;
  }
  std::size_t at = 19;
  unsigned millis = 0;
  if (at < s.size() && s[at] == '.') {
    ++at;
    const std::size_t first = at;
    for (; at < s.size() && IsDigit(s[at]); ++at) {
      if (at - first < 3) millis = millis * 10 + static_cast<unsigned>(s[at] - '0');
    }
    if (at == first) return TimeParse::kBad;
    for (std::size_t n = at - first; n < 3; ++n) millis *= 10;
  }
  std::int64_t offset_minutes = 0;
  if (at == s.size()) return TimeParse::kNoOffset;
  if (s[at] == 'Z' || s[at] == 'z') {
    ++at;
  } else if (s[at] == '+' || s[at] == '-') {
    unsigned oh = 0, om = 0;
    if (!Digits(s, at + 1, 2, oh) || at + 3 >= s.size() || s[at + 3] != ':' ||
        !Digits(s, at + 4, 2, om) || oh > 23 || om > 59) {
      return TimeParse::kBad;
    }
    offset_minutes = static_cast<std::int64_t>(oh * 60 + om) * (s[at] == '-' ? -1 : 1);
    at += 6;
  } else {
    return TimeParse::kBad;
  }
  if (at != s.size()) return TimeParse::kBad;
  const std::int64_t seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 +
                               minute * 60 + second - offset_minutes * 60;
  ms = seconds * 1000 + millis;
  return TimeParse::kOk;
}

// Optional '-' then digits, as an int64; false otherwise (or on overflow).
bool ParseEpochMillis(std::string_view s, std::int64_t& ms) {
  const std::size_t digits_from = !s.empty() && s.front() == '-' ? 1 : 0;
  if (s.size() == digits_from) return false;
  for (std::size_t i = digits_from; i < s.size(); ++i) {
    if (!IsDigit(s[i])) return false;
  }
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), ms);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

std::string PrintableName(std::string_view text) {
  const bool cut = text.size() > kPrintableBytes;
  if (cut) text = text.substr(0, kPrintableBytes);
  std::string out;
  out.reserve(text.size() + 3);
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      out += c;
    } else {
      out += fmt::format("\\x{:02x}", byte);
    }
  }
  if (cut) out += "...";
  return out;
}

struct HistoryReader::Impl {
  enum class Format { kUnknown, kJson, kCsv };
  // Columns of a CSV line.
  enum Column : std::size_t { kTime = 0, kPipe = 1, kState = 2 };

  std::string path;
  int fd = -1;
  std::unique_ptr<char[]> buffer;
  std::size_t begin = 0;  // First unconsumed byte.
  std::size_t end = 0;    // One past the last byte read.
  std::size_t scan = 0;   // Bytes in [begin, scan) hold no '\n'.
  bool eof = false;
  std::size_t lines = 0;
  Format format = Format::kUnknown;

  od::parser parser;
  std::string_view response_pipe;  // result.id of a raw ClickPipes body.

  // CSV: field_of[column] is the position of that column's field in a line.
  std::array<std::size_t, 3> field_of = {0, 1, 2};
  std::array<std::string, 3> unquoted;  // Fields holding "" are unescaped here.

  explicit Impl(std::string p) : path(std::move(p)) {}
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    if (fd >= 0) ::close(fd);
  }

  [[noreturn]] void Fail(std::string reason) const {
    throw InputError(std::move(reason), fmt::format("{}:{}", path, lines));
  }
  [[noreturn]] void FailTime(std::string_view time) const {
    Fail(fmt::format("time '{}' is not RFC 3339 or epoch milliseconds", PrintableName(time)));
  }

  void Open() {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      throw InputError("cannot open: " + std::error_code(errno, std::generic_category()).message(), path);
    }
    struct stat info {};
    if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) throw InputError("is a directory", path);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    buffer = std::make_unique<char[]>(kBufferBytes + kPadding);
    std::memset(buffer.get(), ' ', kBufferBytes + kPadding);
  }

  // Reads more of the file after the unconsumed tail, moved to the front.
  void Fill() {
    if (begin > 0) {
      std::memmove(buffer.get(), buffer.get() + begin, end - begin);
      end -= begin;
      scan -= begin;
      begin = 0;
    }
    if (end == kBufferBytes) {
      lines += 1;
      Fail("line longer than 1 MiB");
    }
    ssize_t n = 0;
    do {
      n = ::read(fd, buffer.get() + end, kBufferBytes - end);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      const int error = errno;
      lines += 1;
      Fail("cannot read: " + std::error_code(error, std::generic_category()).message());
    }
    if (n == 0) eof = true;
    end += static_cast<std::size_t>(n);
    // A last line without a line break is followed by spaces, not stale bytes.
    std::memset(buffer.get() + end, ' ', kPadding);
  }

  // The next line without its line break; false at the end of the file.
  bool NextLine(std::string_view& line) {
    for (;;) {
      const char* base = buffer.get();
      if (const void* newline = std::memchr(base + scan, '\n', end - scan)) {
        const auto at = static_cast<std::size_t>(static_cast<const char*>(newline) - base);
        line = std::string_view(base + begin, at - begin);
        begin = scan = at + 1;
        ++lines;
        return true;
      }
      scan = end;
      if (eof) {
        if (begin == end) return false;
        line = std::string_view(base + begin, end - begin);
        begin = scan = end;
        ++lines;
        return true;
      }
      Fill();
    }
  }

  bool Next(Observation& out) {
    std::string_view line;
    for (;;) {
      if (!NextLine(line)) return false;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.size() > HistoryReader::kMaxLineBytes) Fail("line longer than 1 MiB");
      if (format == Format::kUnknown && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
      std::size_t first = 0;
      while (first < line.size() && IsBlank(line[first])) ++first;
      if (first == line.size()) continue;
      out = Observation{};
      out.line = lines;
      if (format == Format::kUnknown) {
        if (line[first] == '[') {
          Fail("a JSON array; expected one JSON object a line (JSON lines) or CSV t,pipe,state");
        }
        format = line[first] == '{' ? Format::kJson : Format::kCsv;
        if (format == Format::kCsv && ReadCsvHeader(line)) continue;
        if (format == Format::kCsv) {
          ReadCsv(line, out, /*first_line=*/true);
          return true;
        }
      }
      if (format == Format::kJson) {
        ReadJson(line, out);
      } else {
        ReadCsv(line, out, /*first_line=*/false);
      }
      return true;
    }
  }

  // ------------------------------------------------------------ JSON lines

  [[noreturn]] void FailJson(simdjson::error_code error) const {
    Fail(error == simdjson::UTF8_ERROR ? "not valid UTF-8" : "not valid JSON");
  }

  // Whether `value` and everything inside it is well-formed JSON (On-Demand
  // checks a value only when it is read).
  static bool WellFormed(od::value value) {
    od::json_type type{};
    if (value.type().get(type)) return false;
    switch (type) {
      case od::json_type::object: {
        od::object object;
        if (value.get_object().get(object)) return false;
        for (auto item : object) {
          od::field field;
          std::string_view key;
          if (std::move(item).get(field) || field.unescaped_key().get(key)) return false;
          if (!WellFormed(field.value())) return false;
        }
        return true;
      }
      case od::json_type::array: {
        od::array array;
        if (value.get_array().get(array)) return false;
        for (auto item : array) {
          od::value element;
          if (std::move(item).get(element) || !WellFormed(element)) return false;
        }
        return true;
      }
      case od::json_type::number: {
        od::number number;
        return !value.get_number().get(number);
      }
      case od::json_type::string: {
        std::string_view text;
        return !value.get_string().get(text);
      }
      case od::json_type::boolean: {
        bool flag = false;
        return !value.get_bool().get(flag);
      }
      case od::json_type::null: {
        bool null = false;
        return !value.is_null().get(null) && null;
      }
    }
    return false;
  }

  // Whether a document that is not an object is well-formed JSON (a scalar
  // document cannot be read as an od::value).
  static bool WellFormedRoot(od::document& document, od::json_type type) {
    switch (type) {
      case od::json_type::array: {
        od::value value;
        return !document.get_value().get(value) && WellFormed(value);
      }
      case od::json_type::number: {
        od::number number;
        return !document.get_number().get(number);
      }
      case od::json_type::string: {
        std::string_view text;
        return !document.get_string().get(text);
      }
      case od::json_type::boolean: {
        bool flag = false;
        return !document.get_bool().get(flag);
      }
      case od::json_type::null: {
        bool null = false;
        return !document.is_null().get(null) && null;
      }
      case od::json_type::object:
        break;
    }
    return false;
  }

  // `value` is of the wrong type for `what`: a type error when it is valid
  // JSON, else the line is not JSON.
  [[noreturn]] void FailType(od::value value, std::string reason) const {
    if (!WellFormed(value)) Fail("not valid JSON");
    Fail(std::move(reason));
  }

  void Skip(od::value value) const {
    if (!WellFormed(value)) Fail("not valid JSON");
  }

  od::json_type TypeOf(od::value& value) const {
    od::json_type type{};
    if (const auto error = value.type().get(type)) FailJson(error);
    return type;
  }

  std::string_view String(od::value& value, std::string_view name) const {
    if (TypeOf(value) != od::json_type::string) FailType(value, fmt::format("'{}' is not a string", name));
    std::string_view text;
    if (const auto error = value.get_string().get(text)) FailJson(error);
    return text;
  }

  std::string_view NonEmptyString(od::value& value, std::string_view name) const {
    const std::string_view text = String(value, name);
    if (text.empty()) Fail(fmt::format("'{}' is empty", name));
    return text;
  }

  void Time(od::value& value, std::string_view name, Observation& out) const {
    const od::json_type type = TypeOf(value);
    if (type == od::json_type::string) {
      std::string_view text;
      if (const auto error = value.get_string().get(text)) FailJson(error);
      out.time = text;
      const TimeParse parsed = ParseRfc3339(text, out.t_ms);
      if (parsed == TimeParse::kNoOffset) {
        Fail(fmt::format("time '{}' has no UTC offset (RFC 3339 needs Z or +hh:mm)", PrintableName(text)));
      }
      if (parsed != TimeParse::kOk) FailTime(text);
    } else if (type == od::json_type::number) {
      std::string_view token = value.raw_json_token();
      while (!token.empty() && (IsBlank(token.back()) || token.back() == '\r' || token.back() == '\n')) {
        token.remove_suffix(1);
      }
      out.time = token;
      // get_int64 refuses a fraction, an exponent and a value out of range.
      if (value.get_int64().get(out.t_ms)) FailTime(token);
    } else {
      FailType(value, fmt::format("'{}' is neither a string nor an integer", name));
    }
  }

  // Keys of a JSON line, as bits.
  enum Key : unsigned { kKeyT = 1, kKeyTime = 2, kKeyPipe = 4, kKeyState = 8, kKeyResponse = 16, kKeyError = 32 };

  void Once(unsigned& seen, Key key, std::string_view name) const {
    if ((seen & key) != 0) Fail(fmt::format("'{}' appears twice", name));
    seen |= key;
  }

  void ReadJson(std::string_view line, Observation& out) {
    const std::size_t at = static_cast<std::size_t>(line.data() - buffer.get());
    od::document document;
    if (const auto error =
            parser.iterate(line.data(), line.size(), kBufferBytes + kPadding - at).get(document)) {
      FailJson(error);
    }
    od::json_type type{};
    if (const auto error = document.type().get(type)) FailJson(error);
    if (type != od::json_type::object) {
      if (!WellFormedRoot(document, type)) Fail("not valid JSON");
      Fail("not a JSON object");
    }
    od::object object;
    if (const auto error = document.get_object().get(object)) FailJson(error);

    unsigned seen = 0;
    bool top_error = false;
    response_pipe = {};
    for (auto item : object) {
      od::field field;
      if (const auto error = std::move(item).get(field)) FailJson(error);
      std::string_view key;
      if (const auto error = field.unescaped_key().get(key)) FailJson(error);
      od::value& value = field.value();
      if (key == "t" || key == "time") {
        Once(seen, key == "t" ? kKeyT : kKeyTime, key);
        if ((seen & (kKeyT | kKeyTime)) == (kKeyT | kKeyTime)) Fail("both 't' and 'time'; expected one");
        Time(value, key, out);
      } else if (key == "state") {
        Once(seen, kKeyState, key);
        out.state = NonEmptyString(value, key);
      } else if (key == "pipe") {
        Once(seen, kKeyPipe, key);
        out.pipe = String(value, key);
      } else if (key == "response") {
        Once(seen, kKeyResponse, key);
        Response(value, out);
      } else if (key == "error") {
        Once(seen, kKeyError, key);
        bool null = false;
        if (value.is_null().get(null)) FailJson(simdjson::TAPE_ERROR);
        if (!null) Skip(value);
        top_error = !null;
      } else {
        Skip(value);
      }
    }
    if (!document.current_location().error()) Fail("text after the JSON object");

    if ((seen & (kKeyT | kKeyTime)) == 0) Fail("missing time ('t' or 'time')");
    if ((seen & kKeyState) != 0 && (seen & kKeyResponse) != 0) {
      Fail("both 'state' and 'response'; expected one");
    }
    if (out.pipe.empty()) out.pipe = response_pipe;
    if ((seen & (kKeyState | kKeyResponse)) == 0) {
      if (!top_error) Fail("missing 'state' (or a raw 'response')");
      out.answered = false;
    }
  }

  // A raw API body: ClickPipes GET .../clickpipes/{id} or mongosync GET /api/v1/progress.
  void Response(od::value& value, Observation& out) {
    if (TypeOf(value) != od::json_type::object) FailType(value, "'response' is not an object");
    od::object body;
    if (const auto error = value.get_object().get(body)) FailJson(error);
    bool failed = false;  // An API error: status >= 400 or success false.
    bool has_error = false;
    std::string_view result_id, result_state, progress_state;
    Observation progress;
    for (auto item : body) {
      od::field field;
      if (const auto error = std::move(item).get(field)) FailJson(error);
      std::string_view key;
      if (const auto error = field.unescaped_key().get(key)) FailJson(error);
      od::value& member = field.value();
      if (key == "status" && TypeOf(member) == od::json_type::number) {
        double status = 0;
        if (const auto error = member.get_double().get(status)) FailJson(error);
        failed = failed || status >= 400;
      } else if (key == "success" && TypeOf(member) == od::json_type::boolean) {
        bool success = true;
        if (const auto error = member.get_bool().get(success)) FailJson(error);
        failed = failed || !success;
      } else if (key == "error") {
        bool null = false;
        if (member.is_null().get(null)) FailJson(simdjson::TAPE_ERROR);
        if (!null) Skip(member);
        has_error = has_error || !null;
      } else if (key == "result" && TypeOf(member) == od::json_type::object) {
        Result(member, result_id, result_state);
      } else if (key == "progress" && TypeOf(member) == od::json_type::object) {
        Progress(member, progress);
      } else {
        Skip(member);
      }
    }
    progress_state = progress.state;
    if (failed || (has_error && result_state.empty() && progress_state.empty())) {
      out.answered = false;
      return;
    }
    if (!result_state.empty() && !progress_state.empty()) {
      Fail("the response has both result.state and progress.state");
    }
    if (!result_state.empty()) {
      out.state = result_state;
      response_pipe = result_id;
      return;
    }
    if (progress_state.empty()) Fail("the response has no state (expected result.state or progress.state)");
    out.state = progress.state;
    out.raw_progress = true;
    out.can_commit = progress.can_commit;
    out.can_write = progress.can_write;
    out.info = progress.info;
    out.lag_seconds = progress.lag_seconds;
  }

  void Result(od::value& value, std::string_view& id, std::string_view& state) {
    od::object result;
    if (const auto error = value.get_object().get(result)) FailJson(error);
    for (auto item : result) {
      od::field field;
      if (const auto error = std::move(item).get(field)) FailJson(error);
      std::string_view key;
      if (const auto error = field.unescaped_key().get(key)) FailJson(error);
      od::value& member = field.value();
      if (key == "id") {
        id = String(member, "result.id");
      } else if (key == "state") {
        state = NonEmptyString(member, "result.state");
      } else {
        Skip(member);
      }
    }
  }

  void Progress(od::value& value, Observation& progress) {
    od::object object;
    if (const auto error = value.get_object().get(object)) FailJson(error);
    for (auto item : object) {
      od::field field;
      if (const auto error = std::move(item).get(field)) FailJson(error);
      std::string_view key;
      if (const auto error = field.unescaped_key().get(key)) FailJson(error);
      od::value& member = field.value();
      if (key == "state") {
        progress.state = NonEmptyString(member, "progress.state");
      } else if (key == "canCommit" || key == "canWrite") {
        std::optional<bool>& flag = key == "canCommit" ? progress.can_commit : progress.can_write;
        const od::json_type type = TypeOf(member);
        if (type == od::json_type::boolean) {
          bool given = false;
          if (const auto error = member.get_bool().get(given)) FailJson(error);
          flag = given;
        } else if (type == od::json_type::null) {
          Skip(member);
          flag.reset();
        } else {
          FailType(member, fmt::format("'progress.{}' is neither a boolean nor null", key));
        }
      } else if (key == "info") {
        const od::json_type type = TypeOf(member);
        if (type == od::json_type::string) {
          std::string_view text;
          if (const auto error = member.get_string().get(text)) FailJson(error);
          progress.info = text;
        } else if (type == od::json_type::null) {
          Skip(member);
          progress.info.reset();
        } else {
          FailType(member, "'progress.info' is neither a string nor null");
        }
      } else if (key == "lagTimeSeconds") {
        const od::json_type type = TypeOf(member);
        if (type == od::json_type::number) {
          double lag = 0;
          if (const auto error = member.get_double().get(lag)) FailJson(error);
          progress.lag_seconds = lag;
        } else if (type == od::json_type::null) {
          Skip(member);
          progress.lag_seconds.reset();
        } else {
          FailType(member, "'progress.lagTimeSeconds' is neither a number nor null");
        }
      } else {
        Skip(member);
      }
    }
  }

  // ------------------------------------------------------------------- CSV

  // Splits `line` into fields; the first three land in `fields`. Returns the
  // number of fields.
  std::size_t SplitCsv(std::string_view line, std::array<std::string_view, 3>& fields) {
    std::size_t count = 0;
    std::size_t at = 0;
    for (;;) {
      while (at < line.size() && IsBlank(line[at])) ++at;
      std::string_view field;
      if (at < line.size() && line[at] == '"') {
        const std::size_t open = at++;
        bool doubled = false;
        for (;;) {
          if (at >= line.size()) Fail(fmt::format("CSV field {} has an unterminated quote", count + 1));
          if (line[at] == '"') {
            if (at + 1 < line.size() && line[at + 1] == '"') {
              doubled = true;
              at += 2;
              continue;
            }
            break;
          }
          ++at;
        }
        field = line.substr(open + 1, at - open - 1);
        ++at;  // The closing quote.
        while (at < line.size() && IsBlank(line[at])) ++at;
        if (at < line.size() && line[at] != ',') {
          Fail(fmt::format("CSV field {} has text after its closing quote", count + 1));
        }
        if (doubled && count < 3) {
          std::string& text = unquoted[count];
          text.clear();
          for (std::size_t i = 0; i < field.size(); ++i) {
            text += field[i];
            if (field[i] == '"') ++i;
          }
          field = text;
        }
      } else {
        const std::size_t comma = line.find(',', at);
        const std::size_t stop = comma == std::string_view::npos ? line.size() : comma;
        field = TrimBlanks(line.substr(at, stop - at));
        at = stop;
      }
      if (count < 3) fields[count] = field;
      ++count;
      if (at >= line.size()) return count;
      ++at;  // The comma.
    }
  }

  std::string ColumnList() const {
    std::array<std::string_view, 3> names{};
    names[field_of[kTime]] = "t";
    names[field_of[kPipe]] = "pipe";
    names[field_of[kState]] = "state";
    return fmt::format("{},{},{}", names[0], names[1], names[2]);
  }

  // Whether `line` is a header naming t (or time), pipe and state; sets field_of.
  bool ReadCsvHeader(std::string_view line) {
    std::array<std::string_view, 3> fields{};
    const std::size_t count = SplitCsv(line, fields);
    if (count != 3) return false;
    std::array<std::size_t, 3> field_of_column{3, 3, 3};
    for (std::size_t i = 0; i < 3; ++i) {
      std::size_t column = 3;
      if (EqualsIgnoringCase(fields[i], "t") || EqualsIgnoringCase(fields[i], "time")) column = kTime;
      if (EqualsIgnoringCase(fields[i], "pipe")) column = kPipe;
      if (EqualsIgnoringCase(fields[i], "state")) column = kState;
      if (column == 3 || field_of_column[column] != 3) return false;
      field_of_column[column] = i;
    }
    field_of = field_of_column;
    return true;
  }

  void ReadCsv(std::string_view line, Observation& out, bool first_line) {
    std::array<std::string_view, 3> fields{};
    const std::size_t count = SplitCsv(line, fields);
    if (count != 3) {
      Fail(fmt::format("CSV line has {} field{}; expected 3 ({})", count, count == 1 ? "" : "s", ColumnList()));
    }
    const std::string_view time = fields[field_of[kTime]];
    out.time = time;
    out.pipe = fields[field_of[kPipe]];
    out.state = fields[field_of[kState]];
    if (time.empty()) Fail("'t' is empty");
    if (!ParseEpochMillis(time, out.t_ms)) {
      const TimeParse parsed = ParseRfc3339(time, out.t_ms);
      if (parsed != TimeParse::kOk && first_line && !IsDigit(time.front()) && time.front() != '-') {
        Fail(fmt::format("the first line '{}' is neither a header naming t, pipe and state nor a data line",
                         PrintableName(TrimBlanks(line))));
      }
      if (parsed == TimeParse::kNoOffset) {
        Fail(fmt::format("time '{}' has no UTC offset (RFC 3339 needs Z or +hh:mm)", PrintableName(time)));
      }
      if (parsed != TimeParse::kOk) FailTime(time);
    }
    if (out.state.empty()) Fail("'state' is empty");
  }
};

HistoryReader::HistoryReader(const std::string& path) : impl_(std::make_unique<Impl>(path)) {
  impl_->Open();
}
HistoryReader::~HistoryReader() = default;
HistoryReader::HistoryReader(HistoryReader&&) noexcept = default;
HistoryReader& HistoryReader::operator=(HistoryReader&&) noexcept = default;

bool HistoryReader::Next(Observation& out) { return impl_->Next(out); }

std::size_t HistoryReader::lines() const { return impl_->lines; }

}  // namespace pipecheck::validate
