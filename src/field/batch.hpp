#pragma once
// Bulk kernels over spans of field elements.
#include <span>
#include <vector>

#include "field/extension.hpp"

namespace zk {

// Montgomery's trick: one inversion and 3(n-1) multiplications. Any zero input is an error.
template <typename F>
void batch_inverse(std::span<F> values) {
  if (values.empty()) return;
  std::vector<F> prefix(values.size());
  F acc = F::one();
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].is_zero()) throw Error("batch inverse: element " + std::to_string(i) + " is zero");
    prefix[i] = acc;
    acc *= values[i];
  }
  F inv = acc.inverse();
  for (size_t i = values.size(); i-- > 0;) {
    F v = values[i];
    values[i] = inv * prefix[i];
    inv *= v;
  }
}

// Powers 1, x, x^2, ..., x^(n-1).
template <typename F>
std::vector<F> powers(F x, size_t n) {
  std::vector<F> out(n);
  F acc = F::one();
  for (size_t i = 0; i < n; ++i) {
    out[i] = acc;
    acc *= x;
  }
  return out;
}

// Parallel element-wise kernels (OpenMP); they pay on the 2^20+ vectors of the prover.
void add_into(std::span<Fp> dst, std::span<const Fp> src);
void mul_into(std::span<Fp> dst, std::span<const Fp> src);
void scale_into(std::span<Fp> dst, Fp factor);
// sum_i a[i] * b[i]
Fp inner_product(std::span<const Fp> a, std::span<const Fp> b);
Fp2 inner_product(std::span<const Fp2> a, std::span<const Fp> b);

}  // namespace zk
