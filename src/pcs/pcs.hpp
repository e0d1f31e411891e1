#pragma once
// Multilinear polynomial commitment: BaseFold over the Reed-Solomon code on Goldilocks
// (Zeilberger-Chen-Fisch, eprint 2023/1705). docs/pcs.md gives the protocol, the parameters and
// the soundness and hiding arguments.
//
// The interface is scheme-agnostic on purpose (params in, opaque prover data out, one batched
// opening per commitment), so another scheme (WHIR, Ligero) can be put behind the same calls.
//
// Many polynomials of different sizes share one commitment: they are packed into one big table
// (largest first, each at an offset that is a multiple of its own size), so polynomial j is the
// restriction of the big multilinear to the subcube whose high coordinates spell offset_j >> n_j.
// All evaluation claims on a commitment are reduced to one sumcheck over that table.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "field/extension.hpp"
#include "hash/merkle.hpp"
#include "hash/transcript.hpp"

namespace zk::pcs {

struct PcsParams {
  // Code rate rho = 2^-log_inv_rate.
  unsigned log_inv_rate = 1;
  // k: variables folded between two Merkle commitments (a Merkle leaf holds 2^k symbols).
  unsigned fold_arity_log = 4;
  unsigned num_queries = 86;
  // Proof of work before the queries; adds pow_bits to the query-phase security.
  unsigned pow_bits = 16;
  // Folding stops when the message has at most 2^final_log_size coefficients; those are sent.
  unsigned final_log_size = 8;
  // Zero-knowledge openings: salted Merkle leaves, a random mask polynomial in the packing, and
  // each opening run on T + rho*M for a fresh random table M, over F_p except for tiny tables
  // (docs/pcs.md, "Zero knowledge").
  bool hiding = false;
  // With `hiding`: whether each opening is also zero-knowledge (the fresh mask table M above).
  // Without it, a hiding commitment keeps its salted leaves and top-subcube mask but opens like a
  // plain one -- what the end-to-end prover uses until its layer proofs are zero-knowledge
  // (docs/zk.md): they reveal evaluations anyway, and M costs 2-10x the plain opening.
  bool zk_opening = true;
  bool masked_opening() const { return hiding && zk_opening; }

  // Throws zk::Error naming the first out-of-range field.
  void validate() const;
  friend bool operator==(const PcsParams&, const PcsParams&) = default;
};

struct Placement {
  unsigned num_vars = 0;
  uint64_t offset = 0;  // a multiple of 2^num_vars
  friend bool operator==(const Placement&, const Placement&) = default;
};

struct Layout {
  unsigned total_vars = 0;        // the big table has 2^total_vars entries
  std::vector<Placement> polys;   // in the caller's order
  std::optional<Placement> mask;  // hiding mode only: always the top subcube

  // Deterministic: prover and verifier derive the same layout from the sizes and params.
  static Layout compute(std::span<const unsigned> poly_num_vars, const PcsParams& params);
  friend bool operator==(const Layout&, const Layout&) = default;
};

struct Commitment {
  Digest root;
  Layout layout;
  PcsParams params;
};

// What the prover keeps between commit and open.
struct ProverData {
  Commitment commitment;
  std::vector<Fp> table;     // the packed big table, evaluation form
  std::vector<Fp> codeword;  // RS codeword of its monomial coefficients, bit-reversed order
  std::unique_ptr<MerkleTree> tree;
};

// "Polynomial `poly` evaluated at `point` (one coordinate per variable, x_0 first) is `value`".
struct Claim {
  size_t poly = 0;
  std::vector<Fp2> point;
  Fp2 value;
};

// The verifier's work for a weighted claim is linear in the polynomial's size: only small ones.
constexpr unsigned kMaxWeightedClaimVars = 14;

// "sum_i weights[i] * P_poly[i] = value" over the polynomial's table (2^n_j weights,
// n_j <= kMaxWeightedClaimVars). E.g. a Libra mask g(r) = <coefficients, mask_evaluation_vector(r)>.
struct WeightedClaim {
  size_t poly = 0;
  std::vector<Fp2> weights;
  Fp2 value;
};

// "sum_t coefficient_t * term_t = value": only the combination is public, not the terms. A term is
// P_poly(point) if `weights` is empty, otherwise the weighted sum as in WeightedClaim (`point`
// then empty).
struct CombinationClaim {
  struct Term {
    size_t poly = 0;
    std::vector<Fp2> point;
    std::vector<Fp2> weights;
    Fp2 coefficient = Fp2::one();
  };
  std::vector<Term> terms;
  Fp2 value;
};

// Everything one opening proves. The evaluation-only overloads of open/verify are this with the
// other two lists empty.
struct ClaimSet {
  std::span<const Claim> evaluations;
  std::span<const WeightedClaim> weighted;
  std::span<const CombinationClaim> combinations;
};

struct OpeningProof {
  // Hiding mode: the commitment to the fresh mask table M and mu = sum_y M(y) W(y), the batched
  // claim functional applied to M.
  std::optional<Digest> mask_root;
  std::optional<Fp2> mask_value;                  // mu
  std::vector<std::array<Fp2, 3>> sumcheck;       // round polynomial at 0, 1, 2, per round
  std::vector<Digest> layer_roots;                // folded layers 1 .. L-1
  std::vector<Fp2> final_coefficients;            // monomial coefficients of the last message
  uint64_t pow_nonce = 0;
  std::vector<Fp> layer0_rows;                    // opened rows of layer 0 (sorted, unique)
  // Hiding mode: M's codeword at the same rows, as F_p words: one per symbol when M is drawn from
  // F_p^N (detail::opening_mask_in_base_field), else two per symbol (c0 then c1).
  std::vector<Fp> mask_rows;
  MerkleMultiProof mask_merkle;                   // hiding mode: their multi-proof
  std::vector<std::vector<Fp2>> folded_rows;      // opened rows of layers 1 .. L-1
  std::vector<MerkleMultiProof> merkle;           // one multi-proof per layer 0 .. L-1
};

// polys: tables of power-of-two sizes >= 1 (evaluation form, x_0 = least significant index bit).
std::pair<Commitment, std::unique_ptr<ProverData>> commit(std::span<const std::vector<Fp>> polys,
                                                           const PcsParams& params);

// The same with the hiding randomness (mask entries, layer-0 Merkle salts) expanded from `seed`
// instead of drawn from the OS, so that the same seed recreates the same commitment: for data the
// prover must recommit later (weights from the proving key) or a third party must recompute (a
// private input). The seed must come from the OS and be kept as secret as the committed values.
// Openings still draw their own fresh randomness.
using Seed = std::array<uint8_t, 32>;
std::pair<Commitment, std::unique_ptr<ProverData>> commit(std::span<const std::vector<Fp>> polys,
                                                           const PcsParams& params, const Seed& seed);

// The transcript must be in the same state on both sides; open and verify absorb the commitment
// and the claims themselves before drawing any challenge.
OpeningProof open(const ProverData& data, std::span<const Claim> claims, Transcript& transcript);
OpeningProof open(const ProverData& data, const ClaimSet& claims, Transcript& transcript);

// Throws zk::VerifyError naming the failing check, zk::Error for malformed claims.
// The verifier must trust commitment.params (take them from the verifying key, or check them
// against security_bits) -- the commitment does not authenticate its own parameters.
void verify(const Commitment& commitment, std::span<const Claim> claims, const OpeningProof& proof,
            Transcript& transcript);
void verify(const Commitment& commitment, const ClaimSet& claims, const OpeningProof& proof,
            Transcript& transcript);

// The hiding and zk_opening flags as one byte (0 plain, 1 hiding with zero-knowledge openings,
// 2 hiding with plain openings), shared by every file that stores PcsParams. set_hiding_flag
// returns false on any other value.
inline uint8_t hiding_flag(const PcsParams& p) { return p.hiding ? (p.zk_opening ? 1 : 2) : 0; }
inline bool set_hiding_flag(PcsParams& p, uint8_t flag) {
  if (flag > 2) return false;
  p.hiding = flag != 0;
  p.zk_opening = flag != 2;
  return true;
}

// Little-endian, length-checked. Parsers throw zk::Error on truncated or hostile input.
std::vector<uint8_t> serialize(const OpeningProof& proof);
OpeningProof deserialize_opening_proof(std::span<const uint8_t> bytes);
std::vector<uint8_t> serialize(const Commitment& commitment);
Commitment deserialize_commitment(std::span<const uint8_t> bytes);

// Security in bits for a packed table of `table_size` entries (docs/pcs.md, "Soundness").
struct SecurityBits {
  double conjectured = 0;  // RS list-decodable up to capacity, proximity gaps up to capacity
  double proven = 0;       // Johnson bound, Proximity Gaps (eprint 2020/654) Theorem 1.5
  // The terms behind them (bits each; the totals combine the errors, not the minimum).
  double query_conjectured = 0, commit_conjectured = 0;
  double query_proven = 0, commit_proven = 0;
  double sumcheck = 0;     // sumcheck rounds and claim batching, same in both models
  double eta = 0;          // Johnson slack used for the proven figure
  // The unique-decoding regime (delta < (1 - rho) / 2), where BaseFold's own analysis applies.
  double proven_unique_decoding = 0;
};
SecurityBits security_bits(const PcsParams& params, uint64_t table_size);

}  // namespace zk::pcs
