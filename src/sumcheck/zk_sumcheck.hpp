#pragma once
// Zero-knowledge sumcheck with a small masking polynomial (Libra, eprint 2019/317 §4; the idea is
// Chiesa-Forbes-Spooner's, eprint 2017/305).
//
// The prover samples, from the OS CSPRNG, g(x) = a_0 + sum_i g_i(x_i) with g_i(X) = sum_{k=1..d}
// c_{i,k} X^k, all coefficients uniform in K. Then:
//   (caller) commit to g and absorb the commitment             <- MUST happen before rho is drawn
//   absorb "sumcheck/num_vars", "sumcheck/degree", "sumcheck/claim" as in the plain sumcheck
//   absorb "sumcheck/mask_sum" G = sum_x g(x);  rho = challenge_ext("sumcheck/mask_rho")
//   run the plain round protocol on  f + rho*g  with claim  claimed_sum + rho*G
//   absorb "sumcheck/mask_eval" g(r) after the last challenge
// Each round polynomial of f + rho*g carries rho * (a fresh uniform polynomial g_i), so the round
// messages reveal nothing about f beyond the claimed sum (the simulator argument of Libra §4).
// g's share of each round polynomial is computed in closed form, O(d) per round: g is never a table.
//
// What is left to the caller (later issues), and without which this is neither sound nor hiding:
//  * Binding g: commit to mask_coefficients() with the PCS and absorb the commitment BEFORE
//    prove_zk / verify_zk (otherwise the prover could pick g after seeing rho and r and make any
//    sum pass), then open g at the point: MaskClaim says what to open (g(r) = <coefficients,
//    mask_evaluation_vector(r)>).
//  * The f-evaluations f_{t,k}(r) returned by the prover are in the clear here; the caller must
//    prove them against hiding commitments and mask them as its protocol requires.
#include <cstdint>
#include <span>
#include <vector>

#include "sumcheck/sumcheck.hpp"

namespace zk::sumcheck {

class MaskPolynomial {
 public:
  // Uniform coefficients from the OS CSPRNG (never from a transcript: the verifier knows those).
  static MaskPolynomial sample(unsigned num_vars, unsigned degree);
  // For tests and reproducible experiments only; `coefficients` in the layout below.
  static MaskPolynomial from_coefficients(unsigned num_vars, unsigned degree, std::vector<Fp2> coefficients);

  unsigned num_vars() const { return n_; }
  unsigned degree() const { return d_; }
  // Layout: [a_0, c_{0,1}, ..., c_{0,d}, c_{1,1}, ..., c_{n-1,d}], length 1 + n*d.
  std::span<const Fp2> coefficients() const { return coeffs_; }
  Fp2 constant() const { return coeffs_[0]; }
  Fp2 coefficient(unsigned var, unsigned power) const { return coeffs_[1 + size_t(var) * d_ + (power - 1)]; }

  // g_i(x) for one variable (without a_0).
  Fp2 univariate(unsigned var, Fp2 x) const;
  // sum over {0,1}^n of g = 2^n a_0 + 2^(n-1) sum_i sum_k c_{i,k}.
  Fp2 sum() const;
  Fp2 evaluate(std::span<const Fp2> point) const;

 private:
  unsigned n_ = 0, d_ = 0;
  std::vector<Fp2> coeffs_;
};

// w with g(point) = sum_j coefficients[j] * w[j]: [1, r_0, r_0^2, ..., r_0^d, r_1, ..., r_{n-1}^d].
// Lets the caller turn the mask claim into an inner-product / PCS opening claim.
std::vector<Fp2> mask_evaluation_vector(std::span<const Fp2> point, unsigned degree);

struct ZkProof {
  Fp2 mask_sum;                            // G
  std::vector<std::vector<Fp2>> rounds;    // (h_i(0), h_i(2), ..., h_i(d)) of f + rho*g
  Fp2 mask_evaluation;                     // g(r), to be opened against the mask commitment

  // mask_sum, the rounds in Proof's encoding, then mask_evaluation. Truncated input -> zk::Error.
  void write(io::ByteWriter& w) const;
  static ZkProof read(io::ByteReader& r);
  std::vector<uint8_t> to_bytes() const;
  static ZkProof from_bytes(std::span<const uint8_t> in);
};

struct ZkProverOutput {
  ZkProof proof;
  std::vector<Fp2> point;
  std::vector<Fp2> table_evaluations;  // f_k(r), unmasked
  Fp2 rho;
  Fp2 mask_evaluation;                 // g(r); the coefficients are the caller's MaskPolynomial
};

// `mask` must have num_vars = n and degree = degree_of(terms); its commitment must already be in
// the transcript. Throws zk::Error on malformed input.
ZkProverOutput prove_zk(Transcript& transcript, std::span<const TableRef> tables, std::span<const Term> terms,
                        Fp2 claimed_sum, const MaskPolynomial& mask);

// "g(point) == value", for a g of the layout above with num_vars variables of degree `degree`.
struct MaskClaim {
  unsigned num_vars = 0;
  unsigned degree = 0;
  std::vector<Fp2> point;
  Fp2 value;
};

struct ZkClaim {
  std::vector<Fp2> point;
  Fp2 expected;     // = sum_t c_t prod_k f_{t,k}(point) + rho * g(point) for an honest prover
  Fp2 rho;
  MaskClaim mask;   // value = the prover's g(point); the caller must open it against the commitment
};

// Throws zk::VerifyError naming the round on a wrong proof shape.
ZkClaim verify_zk(Transcript& transcript, unsigned num_vars, unsigned degree, Fp2 claimed_sum, const ZkProof& proof);

// Checks expected == combine(table_evaluations, terms) + rho * claim.mask.value; throws
// zk::VerifyError otherwise. The caller separately proves table_evaluations and mask.value.
void check_final_zk(const ZkClaim& claim, std::span<const Fp2> table_evaluations, std::span<const Term> terms);

}  // namespace zk::sumcheck
