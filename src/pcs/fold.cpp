#include "pcs/fold.hpp"

#include <omp.h>

#include <algorithm>

#include "field/ntt.hpp"

namespace zk::pcs::detail {

Schedule make_schedule(unsigned n, const PcsParams& params) {
  Schedule s;
  s.n = n;
  s.log_inv_rate = params.log_inv_rate;
  s.s = n > params.final_log_size ? n - params.final_log_size : 0;
  if (s.s == 0) {
    s.k = {0};
    return s;
  }
  // Full groups first; the remainder (if any) is the last layer's, where leaves are smallest.
  for (unsigned left = s.s; left > 0;) {
    unsigned step = std::min(left, params.fold_arity_log);
    s.k.push_back(step);
    left -= step;
  }
  return s;
}

bool opening_mask_in_base_field(const Schedule& schedule, unsigned num_queries) {
  // Each revealed K value is two F_p-dimensions of M, each revealed layer-0 symbol of M's codeword
  // one. A folded layer cannot reveal more than its message's dimension, whatever is opened.
  uint64_t revealed = 2 + 6 * uint64_t(schedule.s) + 2 * (uint64_t(1) << schedule.final_vars());
  for (size_t i = 0; i < schedule.num_layers(); ++i) {
    const unsigned k = schedule.k[i];
    const uint64_t rows = uint64_t(1) << (schedule.layer_log_size(i) - k);
    const uint64_t symbols = std::min<uint64_t>(rows, num_queries) << k;
    revealed += i == 0 ? symbols : 2 * std::min(symbols, uint64_t(1) << (schedule.n - schedule.first_round(i)));
  }
  return 2 * revealed <= (uint64_t(1) << schedule.n);
}

CosetFolder::CosetFolder(unsigned max_k) {
  if (max_k > kMaxFoldArityLog) throw Error("fold arity 2^" + std::to_string(max_k) + " too large");
  zinv_.resize(max_k + 1);
  for (unsigned c = 1; c <= max_k; ++c) {
    const Fp zeta_inv = Fp::root_of_unity(c).inverse();
    zinv_[c].resize(size_t(1) << (c - 1));
    for (size_t u = 0; u < zinv_[c].size(); ++u) zinv_[c][u] = zeta_inv.pow(bit_reverse(u, c - 1));
  }
  const Fp inv2 = Fp(2).inverse();
  inv_pow2_.resize(max_k + 1);
  inv_pow2_[0] = Fp::one();
  for (unsigned c = 1; c <= max_k; ++c) inv_pow2_[c] = inv_pow2_[c - 1] * inv2;
}

template <typename F>
Fp2 CosetFolder::fold(const F* row, unsigned k, Fp g_inv, const Fp2* alphas) const {
  if (k == 0) return Fp2(row[0]);
  std::array<Fp2, (size_t(1) << (kMaxFoldArityLog - 1))> buf;
  // First step straight from the row (possibly base-field symbols): (v0 - v1) / y stays in F.
  {
    const std::vector<Fp>& z = zinv_[k];
    const size_t half = size_t(1) << (k - 1);
    for (size_t u = 0; u < half; ++u) {
      const F v0 = row[2 * u], v1 = row[2 * u + 1];
      const Fp y_inv = g_inv * z[u];
      buf[u] = Fp2(v0 + v1) + alphas[0] * ((v0 - v1) * y_inv);
    }
  }
  Fp gi = g_inv;
  for (unsigned step = 1; step < k; ++step) {
    gi = gi.square();  // the folded coset is g^2 * <zeta^2>
    const unsigned c = k - step;
    const std::vector<Fp>& z = zinv_[c];
    const size_t half = size_t(1) << (c - 1);
    for (size_t u = 0; u < half; ++u) {
      const Fp2 v0 = buf[2 * u], v1 = buf[2 * u + 1];
      buf[u] = (v0 + v1) + alphas[step] * ((v0 - v1) * (gi * z[u]));
    }
  }
  return buf[0] * inv_pow2_[k];
}

template Fp2 CosetFolder::fold<Fp>(const Fp*, unsigned, Fp, const Fp2*) const;
template Fp2 CosetFolder::fold<Fp2>(const Fp2*, unsigned, Fp, const Fp2*) const;

Fp coset_shift_inverse(unsigned m, unsigned k, uint64_t row) {
  return Fp::root_of_unity(m).inverse().pow(bit_reverse(row, m - k));
}

template <typename F>
std::vector<Fp2> fold_layer(std::span<const F> layer, unsigned m, unsigned k, const Fp2* alphas,
                            const CosetFolder& folder) {
  const size_t width = size_t(1) << k;
  const unsigned row_bits = m - k;
  const int64_t rows = int64_t(1) << row_bits;
  if (layer.size() != (size_t(1) << m)) throw Error("fold_layer: layer size mismatch");
  // (w^-1)^e for every e < rows, so a row's shift is one table look-up at bitrev(row).
  std::vector<Fp> powers(rows);
  const Fp w_inv = Fp::root_of_unity(m).inverse();
  const int64_t chunk = 4096;
#pragma omp parallel for if (rows >= 2 * chunk) schedule(static)
  for (int64_t start = 0; start < rows; start += chunk) {
    Fp f = w_inv.pow(start);
    for (int64_t e = start; e < std::min(rows, start + chunk); ++e) {
      powers[e] = f;
      f *= w_inv;
    }
  }
  std::vector<Fp2> out(rows);
#pragma omp parallel for if (rows >= 1024) schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    out[r] = folder.fold(layer.data() + r * width, k, powers[bit_reverse(r, row_bits)], alphas);
  }
  return out;
}

template std::vector<Fp2> fold_layer<Fp>(std::span<const Fp>, unsigned, unsigned, const Fp2*,
                                         const CosetFolder&);
template std::vector<Fp2> fold_layer<Fp2>(std::span<const Fp2>, unsigned, unsigned, const Fp2*,
                                          const CosetFolder&);

Fp2 evaluate_univariate(std::span<const Fp2> coefficients, Fp x) {
  Fp2 acc = Fp2::zero();
  for (size_t i = coefficients.size(); i-- > 0;) acc = acc * x + coefficients[i];
  return acc;
}

Fp2 evaluate_monomial_multilinear(std::span<const Fp2> coefficients, std::span<const Fp2> point) {
  if (coefficients.size() != (size_t(1) << point.size())) {
    throw Error("monomial evaluation: size mismatch");
  }
  // monomials[i] = prod_{j in bits(i)} point_j, built like an eq table.
  std::vector<Fp2> monomials(coefficients.size());
  monomials[0] = Fp2::one();
  for (size_t j = 0; j < point.size(); ++j) {
    const size_t half = size_t(1) << j;
    for (size_t i = 0; i < half; ++i) monomials[half + i] = monomials[i] * point[j];
  }
  Fp2 acc = Fp2::zero();
  for (size_t i = 0; i < coefficients.size(); ++i) acc += coefficients[i] * monomials[i];
  return acc;
}

void evaluations_to_coefficients_ext(std::span<Fp2> values) {
  const size_t n = values.size();
  for (size_t step = 1; step < n; step <<= 1) {
    const int64_t blocks = static_cast<int64_t>(n / (2 * step));
#pragma omp parallel for if (n >= 65536) schedule(static)
    for (int64_t blk = 0; blk < blocks; ++blk) {
      const size_t base = blk * 2 * step;
      for (size_t i = 0; i < step; ++i) values[base + step + i] -= values[base + i];
    }
  }
}

void coefficients_to_evaluations_ext(std::span<Fp2> values) {
  const size_t n = values.size();
  for (size_t step = 1; step < n; step <<= 1) {
    for (size_t base = 0; base < n; base += 2 * step) {
      for (size_t i = 0; i < step; ++i) values[base + step + i] += values[base + i];
    }
  }
}

}  // namespace zk::pcs::detail
