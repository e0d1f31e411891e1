#include "hash/sha256.hpp"

// OpenSSL 3 deprecates the low-level SHA256_* API in favour of EVP, but EVP costs a context
// allocation and a provider dispatch per call, which dominates for 64..200-byte Merkle messages.
// The low-level functions are still part of the 3.x ABI; suppress the warning for this file only.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <cpuid.h>
#include <cstring>

#include "common/error.hpp"
#include "hash/sha256_detail.hpp"

namespace zk {

namespace {

// Below this many bytes in total, forking an OpenMP team costs more than it saves.
constexpr size_t kParallelBytes = size_t(1) << 18;
// Messages per OpenMP work item: large enough to amortise scheduling, small enough to balance.
constexpr size_t kChunkMessages = 512;

constexpr uint32_t kInit[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

alignas(16) constexpr uint32_t kRound[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

// The second block of a 64-byte message is always the same padding block (0x80, zeros, bit length
// 512), so its whole message schedule plus round constants is a compile-time constant: a Merkle
// node then costs one full compression plus 64 rounds with no schedule work.
struct PadSchedule {
  alignas(16) uint32_t wk[64];
};
constexpr PadSchedule make_pad_schedule() {
  uint32_t w[64] = {};
  w[0] = 0x80000000u;
  w[15] = 512;
  for (int t = 16; t < 64; ++t) {
    uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  PadSchedule p{};
  for (int t = 0; t < 64; ++t) p.wk[t] = w[t] + kRound[t];
  return p;
}
constexpr PadSchedule kPad64 = make_pad_schedule();

// ---------------------------------------------------------------------------------------------
// SHA-NI kernel. The extension keeps the eight working variables in two registers, {A,B,E,F} and
// {C,D,G,H} (A in the top lane), because SHA256RNDS2 advances two rounds reading both and
// producing the new {A,B,E,F}; the old {A,B,E,F} is exactly the new {C,D,G,H}. Functions are
// templated on a lane count L: interleaving independent messages hides the instruction latency
// (a chain of dependent RNDS2 otherwise leaves the unit idle most cycles).

#define ZK_SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))
#define ZK_SHA_INLINE __attribute__((target("sha,sse4.1,ssse3"), always_inline)) inline

template <int L>
struct LaneState {
  __m128i abef[L];
  __m128i cdgh[L];
};

template <int L>
ZK_SHA_INLINE void lanes_init(LaneState<L>& s) {
  for (int l = 0; l < L; ++l) {
    s.abef[l] = _mm_set_epi32(int(kInit[0]), int(kInit[1]), int(kInit[4]), int(kInit[5]));
    s.cdgh[l] = _mm_set_epi32(int(kInit[2]), int(kInit[3]), int(kInit[6]), int(kInit[7]));
  }
}

// Two rounds per RNDS2; the second consumes the upper half of the 4-word W+K vector.
template <int L>
ZK_SHA_INLINE void four_rounds(LaneState<L>& s, const __m128i* wk) {
  for (int l = 0; l < L; ++l) s.cdgh[l] = _mm_sha256rnds2_epu32(s.cdgh[l], s.abef[l], wk[l]);
  for (int l = 0; l < L; ++l)
    s.abef[l] = _mm_sha256rnds2_epu32(s.abef[l], s.cdgh[l], _mm_shuffle_epi32(wk[l], 0x0E));
}

template <int L>
ZK_SHA_INLINE void lanes_compress(LaneState<L>& s, const uint8_t* const block[L]) {
  // Message words are big-endian.
  const __m128i bswap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
  __m128i save_abef[L], save_cdgh[L];
  __m128i m[L][4];
  for (int l = 0; l < L; ++l) {
    save_abef[l] = s.abef[l];
    save_cdgh[l] = s.cdgh[l];
    for (int i = 0; i < 4; ++i)
      m[l][i] = _mm_shuffle_epi8(
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(block[l] + 16 * i)), bswap);
  }
  // m[.][g % 4] holds words 4g..4g+3 of the schedule once computed; the ring of four vectors is
  // all the recurrence W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16] ever looks back at.
#pragma GCC unroll 16
  for (int g = 0; g < 16; ++g) {
    __m128i wk[L];
    for (int l = 0; l < L; ++l) {
      if (g >= 4) {
        __m128i* r = m[l];
        // MSG1 adds s0 of the following word to W[t-16..t-13]; ALIGNR forms W[t-7..t-4] across
        // the two most recent vectors; MSG2 finishes with s1, which needs W[t], W[t+1] serially.
        __m128i t = _mm_sha256msg1_epu32(r[g & 3], r[(g + 1) & 3]);
        t = _mm_add_epi32(t, _mm_alignr_epi8(r[(g + 3) & 3], r[(g + 2) & 3], 4));
        r[g & 3] = _mm_sha256msg2_epu32(t, r[(g + 3) & 3]);
      }
      wk[l] = _mm_add_epi32(m[l][g & 3], _mm_load_si128(reinterpret_cast<const __m128i*>(kRound + 4 * g)));
    }
    four_rounds<L>(s, wk);
  }
  for (int l = 0; l < L; ++l) {
    s.abef[l] = _mm_add_epi32(s.abef[l], save_abef[l]);
    s.cdgh[l] = _mm_add_epi32(s.cdgh[l], save_cdgh[l]);
  }
}

// Compression of the constant padding block that ends every 64-byte message.
template <int L>
ZK_SHA_INLINE void lanes_compress_pad64(LaneState<L>& s) {
  __m128i save_abef[L], save_cdgh[L];
  for (int l = 0; l < L; ++l) {
    save_abef[l] = s.abef[l];
    save_cdgh[l] = s.cdgh[l];
  }
#pragma GCC unroll 16
  for (int g = 0; g < 16; ++g) {
    __m128i wk[L];
    const __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(kPad64.wk + 4 * g));
    for (int l = 0; l < L; ++l) wk[l] = k;
    four_rounds<L>(s, wk);
  }
  for (int l = 0; l < L; ++l) {
    s.abef[l] = _mm_add_epi32(s.abef[l], save_abef[l]);
    s.cdgh[l] = _mm_add_epi32(s.cdgh[l], save_cdgh[l]);
  }
}

template <int L>
ZK_SHA_INLINE void lanes_store(const LaneState<L>& s, uint8_t* const out[L]) {
  for (int l = 0; l < L; ++l) {
    alignas(16) uint32_t x[4], y[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(x), s.abef[l]);  // F E B A
    _mm_store_si128(reinterpret_cast<__m128i*>(y), s.cdgh[l]);  // H G D C
    const uint32_t words[8] = {x[3], x[2], y[3], y[2], x[1], x[0], y[1], y[0]};
    for (int i = 0; i < 8; ++i) {
      uint32_t be = __builtin_bswap32(words[i]);
      std::memcpy(out[l] + 4 * i, &be, 4);
    }
  }
}

template <int L>
ZK_SHA_TARGET void hw_hash64(const uint8_t* const in[L], uint8_t* const out[L]) {
  LaneState<L> s;
  lanes_init<L>(s);
  lanes_compress<L>(s, in);
  lanes_compress_pad64<L>(s);
  lanes_store<L>(s, out);
}

// L messages of the same length; padding is identical across lanes since it depends on the length
// only, which is what makes lockstep interleaving possible.
template <int L>
ZK_SHA_TARGET void hw_hash(const uint8_t* const msg[L], size_t len, uint8_t* const out[L]) {
  LaneState<L> s;
  lanes_init<L>(s);
  const size_t full = len / 64;
  for (size_t b = 0; b < full; ++b) {
    const uint8_t* blk[L];
    for (int l = 0; l < L; ++l) blk[l] = msg[l] + 64 * b;
    lanes_compress<L>(s, blk);
  }
  const size_t rem = len % 64;
  // 0x80 and the 8-byte length must fit after the tail; otherwise they spill into a second block.
  const size_t tail_blocks = rem < 56 ? 1 : 2;
  alignas(16) uint8_t tail[L][128];
  const uint64_t bit_length_be = __builtin_bswap64(uint64_t(len) * 8);
  for (int l = 0; l < L; ++l) {
    if (rem) std::memcpy(tail[l], msg[l] + 64 * full, rem);  // msg may be null when len == 0
    tail[l][rem] = 0x80;
    std::memset(tail[l] + rem + 1, 0, tail_blocks * 64 - rem - 1 - 8);
    std::memcpy(tail[l] + tail_blocks * 64 - 8, &bit_length_be, 8);
  }
  for (size_t b = 0; b < tail_blocks; ++b) {
    const uint8_t* blk[L];
    for (int l = 0; l < L; ++l) blk[l] = tail[l] + 64 * b;
    lanes_compress<L>(s, blk);
  }
  lanes_store<L>(s, out);
}

#undef ZK_SHA_TARGET
#undef ZK_SHA_INLINE

// ---------------------------------------------------------------------------------------------

bool detect_sha_ni() {
  // CPUID.(EAX=7,ECX=0):EBX bit 29 = SHA extensions; SSSE3/SSE4.1 from leaf 1 ECX bits 9/19.
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  if (!(c & (1u << 9)) || !(c & (1u << 19))) return false;
  if (__get_cpuid_max(0, nullptr) < 7) return false;
  __cpuid_count(7, 0, a, b, c, d);
  return (b & (1u << 29)) != 0;
}

// Function-local static: safe even when another translation unit hashes during static init.
bool cpu_has_sha() {
  static const bool has = detect_sha_ni();
  return has;
}
std::atomic<bool> g_force_portable{false};

bool use_hw() { return !g_force_portable.load(std::memory_order_relaxed) && cpu_has_sha(); }

void openssl_sha256(const uint8_t* data, size_t len, uint8_t* out) {
  // Init/Update/Final rather than the one-shot SHA256(): in OpenSSL 3 the latter goes through
  // EVP_Q_digest, which fetches the algorithm by name on every call (~5x slower for 64 bytes).
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  if (len) SHA256_Update(&ctx, data, len);
  SHA256_Final(out, &ctx);
}

}  // namespace

namespace detail {

void sha256_many_serial(const uint8_t* data, size_t len, size_t count, Digest* out) {
  size_t i = 0;
  if (use_hw()) {
    for (; i + 2 <= count; i += 2) {
      const uint8_t* in[2] = {data + i * len, data + (i + 1) * len};
      uint8_t* o[2] = {out[i].data(), out[i + 1].data()};
      hw_hash<2>(in, len, o);
    }
    for (; i < count; ++i) {
      const uint8_t* in[1] = {data + i * len};
      uint8_t* o[1] = {out[i].data()};
      hw_hash<1>(in, len, o);
    }
    return;
  }
  for (; i < count; ++i) openssl_sha256(data + i * len, len, out[i].data());
}

void hash_pairs_serial(const Digest* in, size_t count, Digest* out) {
  static_assert(sizeof(Digest) == 32, "a Merkle level must be a packed array of 32-byte digests");
  const uint8_t* bytes = in->data();
  size_t i = 0;
  if (use_hw()) {
    for (; i + 2 <= count; i += 2) {
      const uint8_t* src[2] = {bytes + 64 * i, bytes + 64 * (i + 1)};
      uint8_t* dst[2] = {out[i].data(), out[i + 1].data()};
      hw_hash64<2>(src, dst);
    }
    for (; i < count; ++i) {
      const uint8_t* src[1] = {bytes + 64 * i};
      uint8_t* dst[1] = {out[i].data()};
      hw_hash64<1>(src, dst);
    }
    return;
  }
  for (; i < count; ++i) openssl_sha256(bytes + 64 * i, 64, out[i].data());
}

}  // namespace detail

Digest sha256(std::span<const uint8_t> data) {
  Digest out;
  detail::sha256_many_serial(data.data(), data.size(), 1, &out);
  return out;
}

Digest hash_pair(const Digest& left, const Digest& right) {
  alignas(16) uint8_t block[64];
  std::memcpy(block, left.data(), 32);
  std::memcpy(block + 32, right.data(), 32);
  Digest out;
  if (use_hw()) {
    const uint8_t* src[1] = {block};
    uint8_t* dst[1] = {out.data()};
    hw_hash64<1>(src, dst);
  } else {
    openssl_sha256(block, 64, out.data());
  }
  return out;
}

void sha256_many(std::span<const uint8_t> data, size_t message_length, std::span<Digest> out) {
  // Division rather than message_length * out.size(): the product could wrap for absurd sizes.
  const bool sizes_match = message_length == 0
                               ? data.empty()
                               : data.size() % message_length == 0 &&
                                     data.size() / message_length == out.size();
  if (!sizes_match)
    throw Error("sha256_many: " + std::to_string(data.size()) + " bytes are not " +
                std::to_string(out.size()) + " messages of " + std::to_string(message_length) +
                " bytes");
  const size_t count = out.size();
  const size_t chunks = (count + kChunkMessages - 1) / kChunkMessages;
  const bool parallel = data.size() >= kParallelBytes && chunks > 1;
#pragma omp parallel for if (parallel) schedule(dynamic, 1)
  for (size_t c = 0; c < chunks; ++c) {
    const size_t begin = c * kChunkMessages;
    const size_t n = std::min(kChunkMessages, count - begin);
    detail::sha256_many_serial(data.data() + begin * message_length, message_length, n,
                               out.data() + begin);
  }
}

bool sha256_hardware_available() { return cpu_has_sha(); }

void sha256_force_portable(bool force) { g_force_portable.store(force, std::memory_order_relaxed); }

std::string to_hex(const Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(64, '0');
  for (size_t i = 0; i < 32; ++i) {
    s[2 * i] = kHex[digest[i] >> 4];
    s[2 * i + 1] = kHex[digest[i] & 15];
  }
  return s;
}

}  // namespace zk
