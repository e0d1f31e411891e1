#pragma once
// Uniform field elements for prover secrets (masks, blinding): rejection sampling on 64-bit words
// from the per-thread OS-keyed ChaCha20 generator (common/random.hpp), so no modular bias.
#include <omp.h>

#include <span>
#include <type_traits>
#include <vector>

#include "common/random.hpp"
#include "field/extension.hpp"

namespace zk {

inline Fp random_fp() {
  for (;;) {
    uint64_t v = secure_random_u64();
    if (v < Fp::kModulus) return Fp::from_raw_unchecked(v);
  }
}

inline Fp2 random_fp2() { return Fp2(random_fp(), random_fp()); }

// Large vectors are filled by all threads, each from its own generator: a 2^24-entry mask costs
// a fraction of a second instead of seconds.
template <typename F>
void fill_random(std::span<F> out) {
  static_assert(std::is_same_v<F, Fp> || std::is_same_v<F, Fp2>);
  const int64_t n = static_cast<int64_t>(out.size());
#pragma omp parallel for if (n >= (int64_t(1) << 16)) schedule(static, 4096)
  for (int64_t i = 0; i < n; ++i) {
    if constexpr (std::is_same_v<F, Fp>) {
      out[i] = random_fp();
    } else {
      out[i] = random_fp2();
    }
  }
}

inline std::vector<Fp> random_fp_vector(size_t n) {
  std::vector<Fp> out(n);
  fill_random(std::span<Fp>(out));
  return out;
}

inline std::vector<Fp2> random_fp2_vector(size_t n) {
  std::vector<Fp2> out(n);
  fill_random(std::span<Fp2>(out));
  return out;
}

}  // namespace zk
