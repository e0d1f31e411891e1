#pragma once
// Fiat-Shamir transcript over SHA-256. The state is a running digest; every absorb hashes
// (state, tag, label, length, data), so messages are unambiguous (domain separation by label and
// length prefix). Squeezing hashes (state, "squeeze", counter) and folds the output back into the
// state, so a challenge depends on everything absorbed before it. Base-field elements are sampled
// by rejection from 64-bit words (no modular bias); indices below a bound likewise.
// Byte format (transcript.cpp has the tags): absorb hashes state || tag byte || u64 LE label
// length || label || u64 LE data length || data; every challenge call first absorbs its label
// (tag 'C', empty data), then reads little-endian u64 words from squeezed blocks in order.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "field/extension.hpp"
#include "hash/sha256.hpp"

namespace zk {

class Transcript {
 public:
  explicit Transcript(std::string_view protocol_label);

  void absorb_bytes(std::string_view label, std::span<const uint8_t> data);
  void absorb(std::string_view label, Fp value);
  void absorb(std::string_view label, Fp2 value);
  void absorb(std::string_view label, std::span<const Fp> values);
  void absorb(std::string_view label, std::span<const Fp2> values);
  void absorb(std::string_view label, const Digest& digest);
  void absorb(std::string_view label, uint64_t value);

  Fp challenge_base(std::string_view label);
  Fp2 challenge_ext(std::string_view label);
  std::vector<Fp2> challenge_ext_vector(std::string_view label, size_t count);
  // Uniform in [0, bound); zk::Error when bound == 0.
  uint64_t challenge_index(std::string_view label, uint64_t bound);
  std::vector<uint64_t> challenge_indices(std::string_view label, uint64_t bound, size_t count);

  // Proof of work ("grinding"): the prover finds a nonce such that SHA-256(state, nonce) has
  // `bits` leading zero bits; both sides then absorb the nonce. Raises the cost of re-rolling
  // later challenges by 2^bits.
  // Returns the smallest valid nonce (deterministic whatever the thread count). bits == 0: returns
  // 0 and absorbs nothing; bits > 64: zk::Error.
  uint64_t grind(unsigned bits);
  // Returns false (absorbing nothing) if the nonce does not meet the target. bits == 0 accepts
  // only nonce 0 (absorbing nothing), so a proof has one encoding; bits > 64 is always false.
  bool check_grind(unsigned bits, uint64_t nonce);

  const Digest& state() const { return state_; }

 private:
  Digest squeeze_block();
  Digest state_;
  uint64_t squeeze_counter_ = 0;
};

}  // namespace zk
