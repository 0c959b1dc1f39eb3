// sim/fnv1a.h: the one hash of the project, FNV-1a 64.
//
// Every digest the determinism checks compare is this hash: a trace's (over
// its JSONL bytes), a source cluster's (over its writes) and a campaign's
// (over its seeds' trace hashes). It is fixed by definition, so a digest is
// the same on every toolchain and build type, and a changed digest means a
// changed run.
#pragma once

#include <cstdint>
#include <string_view>

namespace pipecheck::sim {

class Fnv1a {
 public:
  static constexpr std::uint64_t kOffsetBasis = 0xcbf29ce484222325ULL;
  static constexpr std::uint64_t kPrime = 0x100000001b3ULL;

  void AddByte(unsigned char byte) {
    value_ ^= byte;
    value_ *= kPrime;
  }
  void AddBytes(std::string_view bytes) {
    for (const char c : bytes) AddByte(static_cast<unsigned char>(c));
  }
  // The 8 bytes of `word`, least significant first.
  void AddWord(std::uint64_t word) {
    for (int i = 0; i < 8; ++i) AddByte(static_cast<unsigned char>((word >> (8 * i)) & 0xffU));
  }
  // `symbol` as one symbol of the hash (one xor, one multiply), not as bytes:
  // the campaign digest folds each seed's trace hash this way.
  void AddSymbol(std::uint64_t symbol) {
    value_ ^= symbol;
    value_ *= kPrime;
  }

  std::uint64_t value() const { return value_; }

 private:
  std::uint64_t value_ = kOffsetBasis;
};

}  // namespace pipecheck::sim
