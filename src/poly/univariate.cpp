#include "poly/univariate.hpp"

#include "common/error.hpp"

namespace zk {

namespace {
void check_degree(size_t points) {
  if (points == 0 || points > 9) throw Error("univariate: degree out of range");
}
}  // namespace

Fp2 interpolate_at(std::span<const Fp2> evals, Fp2 x) {
  check_degree(evals.size());
  const int64_t d = static_cast<int64_t>(evals.size()) - 1;
  // Lagrange basis on the integers 0..d: L_i(x) = prod_{j != i} (x - j) / (i - j).
  Fp2 result;
  for (int64_t i = 0; i <= d; ++i) {
    Fp2 numerator = Fp2::one();
    Fp denominator = Fp::one();
    for (int64_t j = 0; j <= d; ++j) {
      if (j == i) continue;
      numerator *= x - Fp2::from_signed(j);
      denominator *= Fp::from_signed(i - j);
    }
    result += evals[i] * numerator * denominator.inverse();
  }
  return result;
}

std::vector<Fp2> coefficients_from_evaluations(std::span<const Fp2> evals) {
  check_degree(evals.size());
  const size_t n = evals.size();
  std::vector<Fp2> coeffs(n);
  for (size_t i = 0; i < n; ++i) {
    // Expand prod_{j != i} (x - j) into coefficients, then scale by evals[i] / prod (i - j).
    std::vector<Fp2> basis = {Fp2::one()};
    Fp denominator = Fp::one();
    for (size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      std::vector<Fp2> next(basis.size() + 1);
      for (size_t k = 0; k < basis.size(); ++k) {
        next[k + 1] += basis[k];
        next[k] -= basis[k] * Fp(j);
      }
      basis = std::move(next);
      denominator *= Fp::from_signed(int64_t(i) - int64_t(j));
    }
    Fp2 scale = evals[i] * denominator.inverse();
    for (size_t k = 0; k < n; ++k) coeffs[k] += basis[k] * scale;
  }
  return coeffs;
}

Fp2 evaluate_polynomial(std::span<const Fp2> coefficients, Fp2 x) {
  Fp2 acc;
  for (size_t k = coefficients.size(); k-- > 0;) acc = acc * x + coefficients[k];
  return acc;
}

}  // namespace zk
