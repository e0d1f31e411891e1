#include "hash/transcript.hpp"

#include <omp.h>

#include <atomic>
#include <bit>
#include <cstring>
#include <functional>
#include <limits>
#include <string>

#include "common/error.hpp"

namespace zk {

namespace {

static_assert(std::endian::native == std::endian::little, "field serialisation assumes little-endian");

constexpr std::string_view kDomainTag = "zkinfer/transcript/sha256/v1";
constexpr std::string_view kSqueezeTag = "squeeze";
constexpr std::string_view kPowTag = "pow";

// One tag byte per absorbed kind, so that e.g. one Fp and a one-element Fp vector, or a digest and
// 32 raw bytes, never produce the same hash input.
enum class Tag : uint8_t {
  kBytes = 'B',
  kFp = 'f',
  kFp2 = 'e',
  kFpVector = 'F',
  kFp2Vector = 'E',
  kDigest = 'D',
  kU64 = 'U',
  kChallenge = 'C',
  kFold = 'S',
  kPowNonce = 'P',
};

void put_u64(std::vector<uint8_t>& buf, uint64_t v) {
  uint8_t b[8];
  std::memcpy(b, &v, 8);
  buf.insert(buf.end(), b, b + 8);
}

void put_bytes(std::vector<uint8_t>& buf, const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  buf.insert(buf.end(), p, p + n);
}

uint64_t read_u64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

Digest pow_digest(const Digest& state, uint64_t nonce) {
  uint8_t msg[32 + kPowTag.size() + 8];
  std::memcpy(msg, state.data(), 32);
  std::memcpy(msg + 32, kPowTag.data(), kPowTag.size());
  std::memcpy(msg + 32 + kPowTag.size(), &nonce, 8);
  return sha256(msg);
}

// Leading zero bits of the digest read as a big-endian bit string; bits <= 64 by the callers.
bool meets_target(const Digest& d, unsigned bits) {
  uint64_t head = 0;
  for (int i = 0; i < 8; ++i) head = (head << 8) | d[i];
  if (bits == 64) return head == 0;
  return (head >> (64 - bits)) == 0;
}

constexpr unsigned kMaxGrindBits = 64;
constexpr unsigned kParallelGrindBits = 14;

void absorb_tagged(Digest& state, Tag tag, std::string_view label, const void* data, size_t n) {
  std::vector<uint8_t> msg;
  msg.reserve(32 + 1 + 8 + label.size() + 8 + n);
  put_bytes(msg, state.data(), 32);
  msg.push_back(static_cast<uint8_t>(tag));
  put_u64(msg, label.size());
  put_bytes(msg, label.data(), label.size());
  put_u64(msg, n);
  put_bytes(msg, data, n);
  state = sha256(msg);
}

// Words from successive squeezed blocks, consumed in order by the samplers below.
class WordStream {
 public:
  explicit WordStream(std::function<Digest()> squeeze) : squeeze_(std::move(squeeze)) {}
  uint64_t next() {
    if (used_ == 4) {
      block_ = squeeze_();
      used_ = 0;
    }
    return read_u64(block_.data() + 8 * used_++);
  }

 private:
  std::function<Digest()> squeeze_;
  Digest block_{};
  unsigned used_ = 4;
};

Fp sample_base(WordStream& words) {
  for (;;) {
    const uint64_t w = words.next();
    if (w < Fp::kModulus) return Fp::from_raw_unchecked(w);
  }
}

uint64_t sample_index(WordStream& words, uint64_t bound) {
  if ((bound & (bound - 1)) == 0) return words.next() & (bound - 1);
  // Accept w below the largest multiple of bound that fits in 2^64; w % bound is then uniform.
  const uint64_t excess = (uint64_t(0) - bound) % bound;  // 2^64 mod bound, non-zero here
  const uint64_t limit = uint64_t(0) - excess;            // 2^64 - excess
  for (;;) {
    const uint64_t w = words.next();
    if (w < limit) return w % bound;
  }
}

}  // namespace

Transcript::Transcript(std::string_view protocol_label) {
  std::vector<uint8_t> msg;
  put_bytes(msg, kDomainTag.data(), kDomainTag.size());
  put_u64(msg, protocol_label.size());
  put_bytes(msg, protocol_label.data(), protocol_label.size());
  state_ = sha256(msg);
}

void Transcript::absorb_bytes(std::string_view label, std::span<const uint8_t> data) {
  absorb_tagged(state_, Tag::kBytes, label, data.data(), data.size());
}
void Transcript::absorb(std::string_view label, Fp value) {
  const uint64_t v = value.value();
  absorb_tagged(state_, Tag::kFp, label, &v, 8);
}
void Transcript::absorb(std::string_view label, Fp2 value) {
  const uint64_t v[2] = {value.c0().value(), value.c1().value()};
  absorb_tagged(state_, Tag::kFp2, label, v, 16);
}
void Transcript::absorb(std::string_view label, std::span<const Fp> values) {
  static_assert(sizeof(Fp) == 8);
  absorb_tagged(state_, Tag::kFpVector, label, values.data(), values.size() * sizeof(Fp));
}
void Transcript::absorb(std::string_view label, std::span<const Fp2> values) {
  static_assert(sizeof(Fp2) == 16);  // c0 then c1, each a canonical u64
  absorb_tagged(state_, Tag::kFp2Vector, label, values.data(), values.size() * sizeof(Fp2));
}
void Transcript::absorb(std::string_view label, const Digest& digest) {
  absorb_tagged(state_, Tag::kDigest, label, digest.data(), digest.size());
}
void Transcript::absorb(std::string_view label, uint64_t value) {
  absorb_tagged(state_, Tag::kU64, label, &value, 8);
}

Digest Transcript::squeeze_block() {
  std::vector<uint8_t> msg;
  put_bytes(msg, state_.data(), 32);
  put_bytes(msg, kSqueezeTag.data(), kSqueezeTag.size());
  put_u64(msg, squeeze_counter_++);
  const Digest out = sha256(msg);
  // Folding the output back makes the next challenge depend on this one having been drawn.
  absorb_tagged(state_, Tag::kFold, {}, out.data(), out.size());
  return out;
}

// Every challenge first absorbs its label, so challenges drawn under different names differ even
// at the same point of the protocol.
Fp Transcript::challenge_base(std::string_view label) {
  absorb_tagged(state_, Tag::kChallenge, label, nullptr, 0);
  WordStream words([this] { return squeeze_block(); });
  return sample_base(words);
}

Fp2 Transcript::challenge_ext(std::string_view label) {
  absorb_tagged(state_, Tag::kChallenge, label, nullptr, 0);
  WordStream words([this] { return squeeze_block(); });
  const Fp c0 = sample_base(words);
  const Fp c1 = sample_base(words);
  return Fp2(c0, c1);
}

std::vector<Fp2> Transcript::challenge_ext_vector(std::string_view label, size_t count) {
  absorb_tagged(state_, Tag::kChallenge, label, nullptr, 0);
  WordStream words([this] { return squeeze_block(); });
  std::vector<Fp2> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const Fp c0 = sample_base(words);
    const Fp c1 = sample_base(words);
    out.emplace_back(c0, c1);
  }
  return out;
}

uint64_t Transcript::challenge_index(std::string_view label, uint64_t bound) {
  if (bound == 0) throw Error("challenge_index: the bound must be positive");
  absorb_tagged(state_, Tag::kChallenge, label, nullptr, 0);
  WordStream words([this] { return squeeze_block(); });
  return sample_index(words, bound);
}

std::vector<uint64_t> Transcript::challenge_indices(std::string_view label, uint64_t bound,
                                                    size_t count) {
  if (bound == 0) throw Error("challenge_indices: the bound must be positive");
  absorb_tagged(state_, Tag::kChallenge, label, nullptr, 0);
  WordStream words([this] { return squeeze_block(); });
  std::vector<uint64_t> out(count);
  for (auto& v : out) v = sample_index(words, bound);
  return out;
}

uint64_t Transcript::grind(unsigned bits) {
  if (bits == 0) return 0;
  if (bits > kMaxGrindBits) throw Error("grind: " + std::to_string(bits) + " bits is more than 64");
  // The smallest valid nonce, whatever the thread count, so proofs are reproducible: each thread
  // scans its residue class in increasing order and stops only past the best nonce found so far,
  // hence every nonce below the final best has been tried.
  std::atomic<uint64_t> best{std::numeric_limits<uint64_t>::max()};
  const Digest state = state_;
  // Small targets finish in well under a millisecond: not worth waking a second thread.
#pragma omp parallel num_threads(2) if (bits >= kParallelGrindBits)
  {
    const uint64_t stride = static_cast<uint64_t>(omp_get_num_threads());
    for (uint64_t nonce = static_cast<uint64_t>(omp_get_thread_num());
         nonce < best.load(std::memory_order_relaxed); nonce += stride) {
      if (meets_target(pow_digest(state, nonce), bits)) {
        uint64_t cur = best.load(std::memory_order_relaxed);
        while (nonce < cur && !best.compare_exchange_weak(cur, nonce, std::memory_order_relaxed)) {
        }
        break;
      }
      if (nonce > std::numeric_limits<uint64_t>::max() - stride) break;
    }
  }
  const uint64_t nonce = best.load();
  if (nonce == std::numeric_limits<uint64_t>::max() && !meets_target(pow_digest(state, nonce), bits))
    throw Error("grind: no nonce meets " + std::to_string(bits) + " bits");
  absorb_tagged(state_, Tag::kPowNonce, "grind", &nonce, 8);
  return nonce;
}

bool Transcript::check_grind(unsigned bits, uint64_t nonce) {
  if (bits == 0) return nonce == 0;
  if (bits > kMaxGrindBits) return false;
  if (!meets_target(pow_digest(state_, nonce), bits)) return false;
  absorb_tagged(state_, Tag::kPowNonce, "grind", &nonce, 8);
  return true;
}

}  // namespace zk
