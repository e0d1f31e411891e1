#pragma once
// Uniform field elements from the OS CSPRNG (rejection sampling, no modular bias).
#include <vector>

#include "common/random.hpp"
#include "field/extension.hpp"

namespace zk {

inline Fp random_fp() {
  for (;;) {
    uint64_t v = os_random_u64();
    if (v < Fp::kModulus) return Fp::from_raw_unchecked(v);
  }
}

inline Fp2 random_fp2() { return Fp2(random_fp(), random_fp()); }

inline std::vector<Fp> random_fp_vector(size_t n) {
  std::vector<Fp> out(n);
  for (auto& v : out) v = random_fp();
  return out;
}

}  // namespace zk
