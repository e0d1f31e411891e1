#include "poly/multilinear.hpp"

#include <omp.h>

#include "common/error.hpp"

namespace zk {

namespace {
constexpr size_t kParallelThreshold = 1 << 13;

template <typename F>
unsigned num_vars_of(std::span<const F> evals, size_t point_size) {
  if (evals.size() != (size_t(1) << point_size)) {
    throw Error("multilinear table of size " + std::to_string(evals.size()) +
                " does not match a point with " + std::to_string(point_size) + " coordinates");
  }
  return static_cast<unsigned>(point_size);
}

template <typename F>
std::vector<Fp2> fix_first(std::span<const F> evals, Fp2 r) {
  if (evals.size() < 2 || evals.size() % 2) throw Error("fix_first_variable: table too small");
  const int64_t half = static_cast<int64_t>(evals.size() / 2);
  std::vector<Fp2> out(half);
#pragma omp parallel for if (half >= int64_t(kParallelThreshold)) schedule(static)
  for (int64_t j = 0; j < half; ++j) {
    F lo = evals[2 * j], hi = evals[2 * j + 1];
    out[j] = Fp2(lo) + r * (hi - lo);
  }
  return out;
}

template <typename F>
Fp2 evaluate(std::span<const F> evals, std::span<const Fp2> point) {
  num_vars_of(evals, point.size());
  if (point.empty()) return Fp2(evals[0]);
  std::vector<Fp2> table = fix_first(evals, point[0]);
  for (size_t j = 1; j < point.size(); ++j) fix_first_variable_in_place(table, point[j]);
  return table[0];
}
}  // namespace

std::vector<Fp2> eq_table(std::span<const Fp2> r, Fp2 scale) {
  std::vector<Fp2> table(size_t(1) << r.size());
  table[0] = scale;
  for (size_t j = 0; j < r.size(); ++j) {
    const int64_t half = int64_t(1) << j;
    const Fp2 rj = r[j];
#pragma omp parallel for if (half >= int64_t(kParallelThreshold)) schedule(static)
    for (int64_t i = 0; i < half; ++i) {
      Fp2 high = table[i] * rj;
      table[i + half] = high;
      table[i] -= high;
    }
  }
  return table;
}

std::vector<Fp2> eq_table(std::span<const Fp2> r) { return eq_table(r, Fp2::one()); }

Fp2 eq_eval(std::span<const Fp2> a, std::span<const Fp2> b) {
  if (a.size() != b.size()) throw Error("eq_eval: points of different lengths");
  Fp2 acc = Fp2::one();
  for (size_t j = 0; j < a.size(); ++j) {
    // a b + (1 - a)(1 - b) = 1 - a - b + 2ab
    Fp2 ab = a[j] * b[j];
    acc *= Fp2::one() - a[j] - b[j] + ab + ab;
  }
  return acc;
}

Fp2 eq_eval_at_index(std::span<const Fp2> r, uint64_t index) {
  Fp2 acc = Fp2::one();
  for (size_t j = 0; j < r.size(); ++j) acc *= ((index >> j) & 1) ? r[j] : Fp2::one() - r[j];
  return acc;
}

Fp2 evaluate_mle(std::span<const Fp> evals, std::span<const Fp2> point) { return evaluate(evals, point); }
Fp2 evaluate_mle(std::span<const Fp2> evals, std::span<const Fp2> point) { return evaluate(evals, point); }

std::vector<Fp2> fix_first_variable(std::span<const Fp> evals, Fp2 r) { return fix_first(evals, r); }
std::vector<Fp2> fix_first_variable(std::span<const Fp2> evals, Fp2 r) { return fix_first(evals, r); }

void fix_first_variable_in_place(std::vector<Fp2>& evals, Fp2 r) {
  if (evals.size() < 2 || evals.size() % 2) throw Error("fix_first_variable: table too small");
  const int64_t half = static_cast<int64_t>(evals.size() / 2);
  // Output j reads inputs 2j, 2j+1 >= j, so a forward sequential pass is safe; the parallel pass
  // writes into a fresh buffer instead.
  if (half >= int64_t(kParallelThreshold)) {
    evals = fix_first(std::span<const Fp2>(evals), r);
    return;
  }
  for (int64_t j = 0; j < half; ++j) {
    Fp2 lo = evals[2 * j], hi = evals[2 * j + 1];
    evals[j] = lo + r * (hi - lo);
  }
  evals.resize(half);
}

void evaluations_to_coefficients(std::span<Fp> values) {
  const size_t n = values.size();
  for (size_t step = 1; step < n; step <<= 1) {
    const int64_t blocks = static_cast<int64_t>(n / (2 * step));
#pragma omp parallel for if (n >= kParallelThreshold) schedule(static)
    for (int64_t b = 0; b < blocks; ++b) {
      const size_t base = b * 2 * step;
      for (size_t i = 0; i < step; ++i) values[base + step + i] -= values[base + i];
    }
  }
}

void coefficients_to_evaluations(std::span<Fp> values) {
  const size_t n = values.size();
  for (size_t step = 1; step < n; step <<= 1) {
    const int64_t blocks = static_cast<int64_t>(n / (2 * step));
#pragma omp parallel for if (n >= kParallelThreshold) schedule(static)
    for (int64_t b = 0; b < blocks; ++b) {
      const size_t base = b * 2 * step;
      for (size_t i = 0; i < step; ++i) values[base + step + i] += values[base + i];
    }
  }
}

unsigned ceil_log2(size_t n) {
  unsigned k = 0;
  while ((size_t(1) << k) < n) ++k;
  return k;
}

std::vector<Fp> pad_to_power_of_two(std::span<const Fp> values) {
  std::vector<Fp> out(size_t(1) << ceil_log2(std::max<size_t>(values.size(), 1)));
  std::copy(values.begin(), values.end(), out.begin());
  return out;
}

}  // namespace zk
