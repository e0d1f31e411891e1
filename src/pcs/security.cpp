// Soundness estimates; docs/pcs.md ("Soundness") derives each term.
#include <algorithm>
#include <cmath>

#include "pcs/fold.hpp"
#include "pcs/pcs.hpp"
#include "poly/multilinear.hpp"

namespace zk::pcs {

namespace {
// log2 |K| for K = F_p^2, p = 2^64 - 2^32 + 1 (a hair under 128).
double log2_field() { return 2.0 * std::log2(static_cast<double>(Fp::kModulus)); }

// -log2 of a sum of errors given in bits.
double combine(std::initializer_list<double> bits) {
  double sum = 0;
  for (double b : bits) sum += std::exp2(-b);
  return -std::log2(sum);
}
}  // namespace

SecurityBits security_bits(const PcsParams& params, uint64_t poly_size) {
  params.validate();
  const unsigned n = ceil_log2(std::max<uint64_t>(poly_size, 1));
  const detail::Schedule schedule = detail::make_schedule(n, params);
  const double rho = std::exp2(-static_cast<double>(params.log_inv_rate));
  const double lf = log2_field();
  const unsigned m = n + params.log_inv_rate;
  SecurityBits out;

  // Sumcheck: s rounds of degree 2 (2/|K| each) plus the random batching of claims (1/|K|), and
  // in hiding mode the combination y + rho*mu (1/|K|: a false y survives one value of rho).
  out.sumcheck = lf - std::log2(2.0 * schedule.s + 1.0 + (params.masked_opening() ? 1.0 : 0.0));

  // Sums over the fold rounds of the domain size and of its square (round j folds 2^(m-j)).
  double sum_m = 0, sum_m2 = 0;
  for (unsigned j = 0; j < schedule.s; ++j) {
    sum_m += std::exp2(double(m - j));
    sum_m2 += std::exp2(2.0 * double(m - j));
  }
  // Hiding mode: layer 0 is the line T + rho*M through two committed words, one more
  // proximity-gap event on the full domain.
  if (params.masked_opening()) {
    sum_m += std::exp2(double(m));
    sum_m2 += std::exp2(2.0 * double(m));
  }

  // Conjectured: a word far from the code is caught by a query except with probability rho
  // (list decoding up to capacity), and a fold lands close to the code with probability at most
  // |domain| / |K| (proximity gaps up to capacity).
  out.query_conjectured = params.num_queries * params.log_inv_rate + double(params.pow_bits);
  out.commit_conjectured = sum_m == 0 ? 1e9 : lf - std::log2(sum_m);
  out.conjectured = combine({out.query_conjectured, out.commit_conjectured, out.sumcheck});

  // Proven (Johnson regime, delta = 1 - sqrt(rho) - eta): per-query error sqrt(rho) + eta;
  // per-fold error (m+1/2)^7 |D|^2 / (3 rho^1.5 |K|), m = max(ceil(sqrt(rho) / (2 eta)), 3)
  // (Proximity Gaps, eprint 2020/654, Thm 1.5, one folding challenge). eta trades the two terms;
  // take the best on a fine grid.
  const double sr = std::sqrt(rho);
  out.proven = -1e9;
  for (int i = 1; i < 4000; ++i) {
    const double eta = (1.0 - sr) * i / 4000.0;
    const double mm = std::max(std::ceil(sr / (2 * eta)), 3.0);
    const double q = params.num_queries * -std::log2(sr + eta) + double(params.pow_bits);
    const double c = sum_m2 == 0 ? 1e9
                                     : lf - std::log2(std::pow(mm + 0.5, 7) / (3 * std::pow(rho, 1.5)) * sum_m2);
    const double total = combine({q, c, out.sumcheck});
    if (total > out.proven) {
      out.proven = total;
      out.query_proven = q;
      out.commit_proven = c;
      out.eta = eta;
    }
  }
  // Unique decoding: per-query error (1 + rho) / 2, per-fold error |D| / |K|.
  out.proven_unique_decoding = combine({params.num_queries * std::log2(2.0 / (1.0 + rho)) + double(params.pow_bits),
                                        out.commit_conjectured, out.sumcheck});
  return out;
}

}  // namespace zk::pcs
