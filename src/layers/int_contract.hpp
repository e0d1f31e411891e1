#pragma once
// Contractions of int64 witness data with vectors over K: the first step of the linear-time matmul
// and conv proofs (fold an operand with eq tables before any sumcheck). Witness values are small
// signed integers, so each coordinate of sum_i e_i * v_i is accumulated exactly as a 128-bit
// integer and reduced once: no modular reduction per term and none of the data-dependent sign
// branch of Fp::from_signed, which together made the field-arithmetic version several times slower.
#include <algorithm>
#include <bit>
#include <cstdint>

#include "common/error.hpp"
#include "field/extension.hpp"

namespace zk::layers {

// How many products e*v (e a canonical coordinate < 2^64, v one of x[0..n)) may be summed in an
// __int128 without overflow: 2^(63 - bits(max |v|)), capped at 2^40. Witness values are < 2^62 in
// magnitude by the graph's invariants; anything larger is refused rather than mis-reduced.
inline int64_t wide_terms(const int64_t* x, size_t n) {
  uint64_t m = 0;
  for (size_t i = 0; i < n; ++i) m = std::max(m, x[i] < 0 ? uint64_t(0) - static_cast<uint64_t>(x[i]) : uint64_t(x[i]));
  const unsigned bits = 64 - static_cast<unsigned>(std::countl_zero(m));
  if (bits > 62) throw Error("witness value of magnitude >= 2^62 cannot be contracted");
  return int64_t(1) << std::min(40u, 63 - bits);
}

inline Fp fp_from_wide(__int128 v) {
  const bool neg = v < 0;
  const unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  const Fp r = Fp::from_raw_unchecked(Fp::reduce128(u));
  return neg ? -r : r;
}

struct WideSum {
  __int128 c0 = 0, c1 = 0;
  void add(Fp2 e, int64_t v) {
    c0 += static_cast<__int128>(e.c0().value()) * v;
    c1 += static_cast<__int128>(e.c1().value()) * v;
  }
  Fp2 reduce() const { return Fp2(fp_from_wide(c0), fp_from_wide(c1)); }
};

// sum_{i < n} e[i] * x[i * stride], flushing every `terms` products (terms from wide_terms).
inline Fp2 strided_dot(const Fp2* e, const int64_t* x, int64_t stride, int64_t n, int64_t terms) {
  Fp2 total;
  for (int64_t i0 = 0; i0 < n; i0 += terms) {
    WideSum s;
    const int64_t i1 = std::min(n, i0 + terms);
    for (int64_t i = i0; i < i1; ++i) s.add(e[i], x[i * stride]);
    total += s.reduce();
  }
  return total;
}

// out[c] = sum_{r < rows} e[r] * x[r][c] for a row-major rows x cols matrix (c < cols).
inline void contract_rows(const int64_t* x, int64_t rows, int64_t cols, const Fp2* e, Fp2* out) {
  const int64_t terms = wide_terms(x, static_cast<size_t>(rows * cols));
  constexpr int64_t kBlock = 128;  // columns per task: the accumulators stay in L1
  const int64_t blocks = (cols + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static) if (rows * cols >= (int64_t(1) << 16))
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t c0 = b * kBlock, width = std::min(cols, c0 + kBlock) - c0;
    WideSum acc[kBlock];
    for (int64_t c = 0; c < width; ++c) out[c0 + c] = Fp2::zero();
    for (int64_t r0 = 0; r0 < rows; r0 += terms) {
      const int64_t r1 = std::min(rows, r0 + terms);
      for (int64_t r = r0; r < r1; ++r) {
        const Fp2 er = e[r];
        const int64_t* row = x + r * cols + c0;
        for (int64_t c = 0; c < width; ++c) acc[c].add(er, row[c]);
      }
      for (int64_t c = 0; c < width; ++c) {
        out[c0 + c] += acc[c].reduce();
        acc[c] = WideSum{};
      }
    }
  }
}

// out[r] = sum_{c < cols} e[c] * x[r][c] for a row-major rows x cols matrix (r < rows).
inline void contract_cols(const int64_t* x, int64_t rows, int64_t cols, const Fp2* e, Fp2* out) {
  const int64_t terms = wide_terms(x, static_cast<size_t>(rows * cols));
#pragma omp parallel for schedule(static) if (rows * cols >= (int64_t(1) << 16))
  for (int64_t r = 0; r < rows; ++r) out[r] = strided_dot(e, x + r * cols, 1, cols, terms);
}

}  // namespace zk::layers
