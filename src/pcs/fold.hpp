#pragma once
// Internal to the pcs module: the folding schedule and the fold of one coset, shared by prover and
// verifier so that both compute exactly the same thing.
#include <array>
#include <span>
#include <vector>

#include "field/extension.hpp"
#include "pcs/pcs.hpp"

namespace zk::pcs::detail {

constexpr unsigned kMaxFoldArityLog = 8;

// Which variables are folded between which commitments. Layer 0 is the committed codeword;
// layer i (i >= 1) is the codeword after sum_{j<i} k[j] folds and has its own Merkle tree. After
// the last layer's k[L-1] folds the message (2^(n-s) coefficients) is sent in clear.
struct Schedule {
  unsigned n = 0;            // variables of the packed table
  unsigned log_inv_rate = 0;
  unsigned s = 0;            // folded variables = sumcheck rounds
  std::vector<unsigned> k;   // folds applied to layer i; sum = s; k[0] = 0 iff s = 0

  size_t num_layers() const { return k.size(); }
  unsigned layer_log_size(size_t i) const {
    unsigned m = n + log_inv_rate;
    for (size_t j = 0; j < i; ++j) m -= k[j];
    return m;
  }
  size_t first_round(size_t i) const {
    size_t r = 0;
    for (size_t j = 0; j < i; ++j) r += k[j];
    return r;
  }
  unsigned final_vars() const { return n - s; }
};

Schedule make_schedule(unsigned n, const PcsParams& params);

// Whether a zero-knowledge opening may draw its fresh mask table M from F_p^N instead of K^N: true
// when a generous count of the F_p-dimensions of M that one opening reveals is at most N/2
// (docs/pcs.md, "Zero knowledge"). Tiny tables, and parameters that send most of the table as the
// final message, keep the K-valued mask. Prover and verifier both derive it from the schedule.
bool opening_mask_in_base_field(const Schedule& schedule, unsigned num_queries);

// Folds the 2^k symbols of one coset g*<zeta_{2^k}> (bit-reversed order, the layout of a Merkle
// row) k times. Each step maps the pair (P(y), P(-y)) at adjacent positions to
// P_e(y^2) + alpha * P_o(y^2): exactly the coefficient map c'_j = c_{2j} + alpha c_{2j+1} that
// binding x_0 = alpha does to the multilinear's monomial coefficients.
class CosetFolder {
 public:
  explicit CosetFolder(unsigned max_k);

  // row: 2^k symbols; g_inv: the inverse of the coset's first point; alphas: k challenges.
  template <typename F>
  Fp2 fold(const F* row, unsigned k, Fp g_inv, const Fp2* alphas) const;

 private:
  // zinv_[c][u] = zeta_{2^c}^(-bitrev_{c-1}(u)): the inverse of the u-th pair's point in a coset
  // of size 2^c whose first point is 1.
  std::vector<std::vector<Fp>> zinv_;
  // 2^-k: the steps skip the halving and scale once at the end.
  std::vector<Fp> inv_pow2_;
};

// Folds a whole layer (log size m) k times with the given challenges: one output per 2^k-row.
template <typename F>
std::vector<Fp2> fold_layer(std::span<const F> layer, unsigned m, unsigned k, const Fp2* alphas,
                            const CosetFolder& folder);

// 1/g for the coset of row `row` in a layer of log size m folded k at a time:
// g = w_{2^m}^(bitrev_{m-k}(row)).
Fp coset_shift_inverse(unsigned m, unsigned k, uint64_t row);

// Evaluation at x of sum_i c_i x^i, and of the multilinear with monomial coefficients c at p.
Fp2 evaluate_univariate(std::span<const Fp2> coefficients, Fp x);
Fp2 evaluate_monomial_multilinear(std::span<const Fp2> coefficients, std::span<const Fp2> point);
// In-place monomial transform of an Fp2 evaluation table.
void evaluations_to_coefficients_ext(std::span<Fp2> values);
// Its inverse (serial: the verifier uses it on the final message only).
void coefficients_to_evaluations_ext(std::span<Fp2> values);

}  // namespace zk::pcs::detail
