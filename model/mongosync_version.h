// model/mongosync_version.h: which mongosync release is emulated, and what
// each release's GET /api/v1/progress reports (sources.md 2.3, MS-PT, MS-PT21).
//
// The one place the versions are written down: `serve` shapes /progress
// from it, the world and the monitors apply the 30-second canCommit rule
// only where it holds, and `validate` judges a history by the same rule.
// A release is MAJOR.MINOR; 1.8 to 1.21 are the ones the documents describe
// (1.21 the newest, the default).
#pragma once

#include <array>
#include <charconv>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace pipecheck::model::mongosync {

struct Version {
  int major = 1;
  int minor = 21;
  auto operator<=>(const Version&) const = default;
};

inline constexpr Version kOldestVersion{1, 8};
inline constexpr Version kNewestVersion{1, 21};

// What a release's /progress has, or a rule it applies.
enum class Feature : std::uint8_t {
  kVerification,        // progress.verification{source, destination}
  kCeaCatchupEstimate,  // progress.estimatedSecondsToCEACatchup
  kPingLatency,         // progress.source/destination.pingLatencyMs
  kWarnings,            // progress.warnings[]
  kOplogTimeRemaining,  // progress.estimatedOplogTimeRemaining
  kLagObject,           // progress.lag{overallLagSeconds, crudLagSeconds, ddlLagSeconds}
  kLagBlocksCommit,     // canCommit false while lag is above 30 s
};

struct FeatureRow {
  Feature feature;
  Version since;
  std::string_view what;
  std::string_view source;
};

// The first release of each. The verifier's block arrives with the embedded
// verifier in 1.9 (as MS-PT states); the rest as sources.md 2.3 lists them.
inline constexpr std::array<FeatureRow, 7> kFeatures = {{
    {Feature::kVerification, {1, 9}, "verification{source, destination}", "MS-PT"},
    {Feature::kCeaCatchupEstimate, {1, 14}, "estimatedSecondsToCEACatchup", "MS-PT"},
    {Feature::kPingLatency, {1, 17}, "source/destination.pingLatencyMs", "MS-PT"},
    {Feature::kWarnings, {1, 19}, "warnings[]", "MS-PT"},
    {Feature::kOplogTimeRemaining, {1, 19}, "estimatedOplogTimeRemaining", "MS-PT"},
    {Feature::kLagObject, {1, 21}, "lag{overallLagSeconds, crudLagSeconds, ddlLagSeconds}", "MS-PT21"},
    {Feature::kLagBlocksCommit, {1, 21}, "canCommit false while lag is above 30 s", "MS-PT21"},
}};

constexpr bool Has(Version version, Feature feature) {
  for (const FeatureRow& row : kFeatures) {
    if (row.feature == feature) return version >= row.since;
  }
  return false;
}

inline std::string ToString(Version version) {
  return std::to_string(version.major) + "." + std::to_string(version.minor);
}

// "1.8" .. "1.21"; anything else (another major, a patch level, a release
// the documents do not describe) is nullopt.
inline std::optional<Version> ParseVersion(std::string_view text) {
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == text.size()) return std::nullopt;
  Version version;
  for (auto [part, out] : {std::pair{text.substr(0, dot), &version.major},
                           std::pair{text.substr(dot + 1), &version.minor}}) {
    if (part.size() > 1 && part.front() == '0') return std::nullopt;
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), *out);
    if (error != std::errc() || end != part.data() + part.size()) return std::nullopt;
  }
  if (version < kOldestVersion || version > kNewestVersion) return std::nullopt;
  return version;
}

}  // namespace pipecheck::model::mongosync
