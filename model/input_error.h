// model/input_error.h: bad input from a user, as a value to report.
//
// Bad input (an unknown name, a malformed file, a bad flag) is not a
// programmer error: it is reported as one line, `pipecheck: error: WHAT
// (WHERE)`, with exit code 2, before anything runs.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace pipecheck {

// `text` safe to print on one line of a terminal: valid UTF-8 is kept;
// control characters become \n, \r, \t or \xNN, and each byte that is not
// part of valid UTF-8 becomes \xNN. A name read from a file or a flag can
// therefore never break the one-line error or reach the terminal raw.
inline std::string PrintableText(std::string_view text) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  auto escape = [&](unsigned char byte) {
    out += "\\x";
    out += kHex[byte >> 4];
    out += kHex[byte & 0xf];
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      if (byte == '\n') {
        out += "\\n";
      } else if (byte == '\r') {
        out += "\\r";
      } else if (byte == '\t') {
        out += "\\t";
      } else if (byte < 0x20 || byte == 0x7f) {
        escape(byte);
      } else {
        out += static_cast<char>(byte);
      }
      ++i;
      continue;
    }
    // The length of a UTF-8 sequence and the smallest code point it may
    // carry (overlong forms and surrogates are not valid UTF-8).
    std::size_t length = 0;
    char32_t point = 0;
    char32_t least = 0;
    if (byte >= 0xc2 && byte <= 0xdf) {
      length = 2;
      point = byte & 0x1fU;
      least = 0x80;
    } else if (byte >= 0xe0 && byte <= 0xef) {
      length = 3;
      point = byte & 0x0fU;
      least = 0x800;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      length = 4;
      point = byte & 0x07U;
      least = 0x10000;
    }
    bool valid = length != 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = (next & 0xc0U) == 0x80U;
      point = (point << 6) | (next & 0x3fU);
    }
    valid = valid && point >= least && point <= 0x10ffff && (point < 0xd800 || point > 0xdfff);
    // C1 control characters (U+0080..U+009F) are escaped like C0 ones.
    if (valid && point >= 0xa0) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      escape(byte);
      ++i;
    }
  }
  return out;
}

class InputError : public std::runtime_error {
 public:
  InputError(std::string_view what, std::string_view where)
      : std::runtime_error(PrintableText(what)), where_(PrintableText(where)) {}
  const std::string& where() const { return where_; }

 private:
  std::string where_;
};

}  // namespace pipecheck
