#pragma once
// Twin sumcheck: the masked sumcheck over "twins" of the private tables (docs/zk.md §1-§2).
//
// A private table F (derived from a committed private tensor by a linear map) comes with its mask
// table M_F (the same map applied to the tensor's per-proof random mask). Its twin is the
// multilinear polynomial in one more variable b
//     F*(x, b) = (1 - b) F(x) + b M_F(x),
// and a public table P (one the verifier evaluates itself: eq, selectors, window weights) becomes
//     P'(x, b) = (1 - b) P(x).
// The sum  sum_{x, b} sum_t c_t prod_k f*_{t,k}(x, b)  equals the plain sum: on b = 0 every factor
// is the real table, on b = 1 every term is zero -- through a public factor, or, for a term made
// of private factors only, through one extra factor (1 - b) (degree + 1). So a caller proves the
// SAME claimed sum as without masking, but the final evaluations of private tables are twin
// evaluations (1 - beta) F(r) + beta M_F(r): one-time padded by the mask. The rounds are masked
// with a Libra polynomial g (zk_sumcheck.hpp), so nothing but the claimed sum and g(r) is revealed
// by the messages.
//
// b is the first variable (x_0 of the extended cube): point[0] = beta, point[1..n] = r.
// The protocol is that of prove_zk/verify_zk on n + 1 variables and twin_degree(...) -- the
// tables are interleaved here; a faster prover may compute the same round polynomials directly.
#include <optional>
#include <span>
#include <vector>

#include "sumcheck/zk_sumcheck.hpp"

namespace zk::sumcheck {

// Per table: the mask-derived table of a private table, or nullopt for a public one.
using TwinMasks = std::span<const std::optional<TableRef>>;

// The round-polynomial degree of the twin sum: the largest factor count, plus one for a term with
// no public factor. Throws zk::Error if that exceeds kMaxDegree.
unsigned twin_degree(std::span<const Term> terms, std::span<const bool> is_private);

struct TwinProverOutput {
  ZkProof proof;
  std::vector<Fp2> point;              // (beta, r_1, ..., r_n)
  // Per table: private -> the twin evaluation F*(r, beta) (what the caller sends);
  //            public  -> P(r) (the caller sends nothing; the verifier computes it).
  std::vector<Fp2> table_evaluations;
  Fp2 rho;
  Fp2 mask_evaluation;                 // g(point)
};

// `tables` as in prove(); `masks[i]` set exactly for the private tables, same size as tables[i].
// `g` must have n + 1 variables and degree twin_degree(terms, private flags); its commitment must
// already be in the transcript.
TwinProverOutput prove_twin(Transcript& transcript, std::span<const TableRef> tables, TwinMasks masks,
                            std::span<const Term> terms, Fp2 claimed_sum, const MaskPolynomial& g);

// The verifier's side of the rounds: verify_zk on n + 1 variables.
ZkClaim verify_twin(Transcript& transcript, unsigned num_vars, unsigned degree, Fp2 claimed_sum, const ZkProof& proof);

// Final check: `evaluations[i]` is the received twin evaluation for a private table and the
// verifier's own P(r) for a public one (r = claim.point without its first coordinate). Throws
// zk::VerifyError on mismatch; the caller still proves the twin evaluations and claim.mask.
void check_final_twin(const ZkClaim& claim, std::span<const Fp2> evaluations, std::span<const bool> is_private,
                      std::span<const Term> terms);

}  // namespace zk::sumcheck
