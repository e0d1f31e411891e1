#pragma once
// The per-proof randomness of a zero-knowledge proof that lives in the commitments (docs/zk.md
// §1-§3): the twin masks of the private tensors and the pool of Libra masking polynomials.
//
// Twin masks are *small* (docs/zk.md §5, "small twin masks"): the mask M_V of a private tensor V is
// uniform in K on the real entries of V's lowest 2^t padded positions and zero elsewhere, so that
//     M_V~(x) = m~(x_low) * eq(0, x_high),
// and only the 2^t-entry table m is committed -- as two base-field polynomials (m = m_0 + u m_1),
// in the same commitment as V. A twin claim (1 - beta) V~(r) + beta M_V~(r) = v is then one
// combination claim of that commitment, and the twin values a proof reveals about V are uniform as
// long as the functionals eq(r_low, .) of its claims are linearly independent on m's support: the
// prover checks this (twin_claims_hide) before it sends a proof.
//
// Libra masks: every masked sumcheck's g(x) = a_0 + sum_i g_i(x_i) is one slot of a pool of
// base-field polynomials committed with the witness, i.e. before the first challenge. A slot holds
// g's K coefficients as (c0, c1) pairs; g(r) is a weighted claim on the slot's pool polynomial.
#include <functional>
#include <span>
#include <vector>

#include "circuit/plan.hpp"
#include "layers/proof.hpp"
#include "pcs/pcs.hpp"
#include "sumcheck/zk_sumcheck.hpp"

namespace zk::circuit {

// Support of a twin mask, in variables: per-proof commitments (witness, input) reveal a handful of
// twin values per tensor; the weights commitment is reused by every proof of a setup, so its masks
// are larger (docs/zk.md §6 gives the bound on the number of proofs).
inline constexpr unsigned kProofMaskVars = 6;
inline constexpr unsigned kWeightsMaskVars = 10;
unsigned twin_mask_vars(const layers::Shape& shape, Role role);

struct TwinMask {
  layers::MaskTensor tensor;     // for the layer proofs (the session's enable_zk)
  std::vector<Fp> coordinate[2];  // m_0, m_1: what the commitment holds, 2^t entries each
};
// `next` yields uniform base-field elements (the OS-keyed generator, or a seed's expansion).
TwinMask make_twin_mask(const layers::Shape& shape, unsigned support_vars, const std::function<Fp()>& next);
// The mask of a table that is not a tensor (a lookup's multiplicity column, an inverse column):
// every entry of its lowest 2^min(t, n) positions is random (`tensor` stays empty).
TwinMask make_table_mask(unsigned num_vars, unsigned support_vars, const std::function<Fp()>& next);

// Uniform field elements expanded from a seed under a domain label (a different label per use).
std::function<Fp()> seeded_field_source(const pcs::Seed& seed, uint64_t domain);
std::function<Fp()> os_field_source();

// The combination claim "(1 - beta) V~(point) + beta M_V~(point) = value" on the commitment that
// holds V as polynomial `poly` (`extension`: a K-valued V as polynomials poly, poly + 1, V = V_0 +
// u V_1) and its mask as polynomials `mask_poly`, `mask_poly + 1`.
pcs::CombinationClaim twin_combination(size_t poly, size_t mask_poly, unsigned support_vars,
                                       std::span<const Fp2> point, Fp2 beta, Fp2 value, bool extension = false);

// Whether the twin claims on one tensor (their points) leave its mask's revealed values uniform:
// the functionals eq(0, point_high) eq(point_low, .) restricted to the mask's real support must be
// linearly independent over K. `real` lists the support positions that are real entries.
bool twin_claims_hide(std::span<const std::vector<Fp2>> points, unsigned support_vars, std::span<const size_t> real);
// The real positions of a tensor's mask support (those make_twin_mask fills).
std::vector<size_t> twin_mask_support(const layers::Shape& shape, unsigned support_vars);

class LibraPool {
 public:
  static constexpr unsigned kPolyVars = 12;  // each pool polynomial: 2^12 base-field entries
  // An upper bound on the masked sumchecks of `plan`'s proof (per node, per input range, per lookup)
  // and on their variables: prover and verifier size the pool alike.
  explicit LibraPool(const Plan& plan);
  size_t num_polys() const { return num_polys_; }
  size_t slot_entries() const { return slot_entries_; }

  // Prover: uniform pool tables (from the OS), and the next slot's g.
  void sample();
  const std::vector<std::vector<Fp>>& tables() const { return tables_; }
  sumcheck::MaskPolynomial take(unsigned num_vars, unsigned degree);
  size_t used() const { return next_; }

  // Verifier (and prover): "g(point) = value" of slot `slot` as a weighted claim on pool
  // polynomial first_poly + slot / slots_per_poly.
  pcs::WeightedClaim claim(size_t slot, const sumcheck::MaskClaim& mask, size_t first_poly) const;

 private:
  size_t slots_per_poly_ = 0, slot_entries_ = 0, num_slots_ = 0, num_polys_ = 0, next_ = 0;
  std::vector<std::vector<Fp>> tables_;
};

}  // namespace zk::circuit
