// cli/flag_checks.h: CLI11 validators that check a flag's value as it is
// parsed, in the project's words: a value that is not a number, does not
// fit, or is out of range is one line naming the flag, never the parser's own
// text. (CLI11 lets any exception other than its own ValidationError through
// its validators, so these throw InputError.)
#pragma once

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "model/mongosync_version.h"
#include "sim/scenario.h"

namespace pipecheck::cli {

// "1 to 8", or "at least 1" when `high` is the largest long long.
std::string RangeText(long long low, long long high);
// A whole number in low..high.
CLI::Validator WholeNumber(std::string flag, long long low, long long high);
// A seed: a whole number from 0 to 2^64-1.
CLI::Validator Seed(std::string flag);
// A decimal number above 0 and at most `high`.
CLI::Validator PositiveDecimal(std::string flag, double high);
// A memory size such as 512M or 4G.
CLI::Validator MemoryLimit(std::string flag);
// The bytes of a size such as 512M or 4G (K, M, G: powers of 1024). Throws
// InputError naming `flag` on anything else.
std::uint64_t ParseBytes(const std::string& text, const std::string& flag);
// A duration above 0, such as 90s or 10m.
CLI::Validator TimeLimit(std::string flag);

// --mongosync-version as `serve` and `validate` read it: a release the
// documents describe, for --model mongosync only (`kind`). REQUIRES: `text`
// is not empty.
model::mongosync::Version MongosyncVersionFlag(const std::string& text, sim::ModelKind kind);

}  // namespace pipecheck::cli
