#pragma once
// Sumcheck for sums of products of multilinear tables:
//
//   claimed_sum = sum_{x in {0,1}^n} sum_t c_t * prod_k f_{t,k}(x)
//
// Each term t multiplies 1..4 tables (referenced by index, so terms share tables) and carries a
// coefficient c_t in K, which is how callers batch several sums with a random combination. The
// round polynomials have degree d = the largest number of factors in any term.
//
// Conventions shared with src/poly: table index bit j is x_j; x_0 is bound first (pairs 2j, 2j+1).
//
// Transcript protocol (prover and verifier do exactly the same absorbs and squeezes):
//   absorb "sumcheck/num_vars" (n), "sumcheck/degree" (d), "sumcheck/claim" (claimed_sum)
//   for i in 0..n-1:
//     absorb "sumcheck/round" (h_i(0), h_i(2), ..., h_i(d))   -- d values; h_i(1) is implied
//     r_i = challenge_ext("sumcheck/challenge")
// h_i(1) is never sent: the verifier sets it to (running claim - h_i(0)), so a round cannot be
// "inconsistent" on its own; any lie surfaces in the final check, which is the caller's job
// (check_final, after proving the per-table evaluations against commitments). The final table
// evaluations are NOT absorbed here; the caller absorbs or opens them as its protocol requires.
#include <cstdint>
#include <span>
#include <vector>

#include "field/extension.hpp"
#include "hash/transcript.hpp"

namespace zk::io {
class ByteWriter;  // io/bytes.hpp
class ByteReader;
}  // namespace zk::io

namespace zk::sumcheck {

inline constexpr unsigned kMaxDegree = 4;

// A non-owning view of one table of size 2^n, in the base field or in K. The prover never writes
// to it; it binds into its own buffers.
class TableRef {
 public:
  TableRef(std::span<const Fp> base) : base_(base.data()), size_(base.size()) {}  // NOLINT
  TableRef(std::span<const Fp2> ext) : ext_(ext.data()), size_(ext.size()) {}     // NOLINT
  TableRef(const std::vector<Fp>& base) : TableRef(std::span<const Fp>(base)) {}  // NOLINT
  TableRef(const std::vector<Fp2>& ext) : TableRef(std::span<const Fp2>(ext)) {}  // NOLINT

  bool is_base() const { return base_ != nullptr; }
  size_t size() const { return size_; }
  const Fp* base_data() const { return base_; }
  const Fp2* ext_data() const { return ext_; }
  Fp2 at(size_t i) const { return base_ ? Fp2(base_[i]) : ext_[i]; }

 private:
  const Fp* base_ = nullptr;
  const Fp2* ext_ = nullptr;
  size_t size_ = 0;
};

struct Term {
  Fp2 coefficient = Fp2::one();
  std::vector<uint32_t> factors;  // indices into the table list; 1..kMaxDegree entries, repeats allowed
};

// d = the largest factor count. Throws zk::Error on an empty term list, an empty term, or a term
// with more than kMaxDegree factors.
unsigned degree_of(std::span<const Term> terms);

// sum_t c_t * prod_k values[factor k of t]: the sum's integrand at one point, given every table's
// value there. Throws zk::Error if a factor index is out of range.
Fp2 combine(std::span<const Fp2> table_values, std::span<const Term> terms);

// The sum over the hypercube, computed directly (for callers that need the claim and for tests).
Fp2 compute_sum(std::span<const TableRef> tables, std::span<const Term> terms);

// rounds[i] = (h_i(0), h_i(2), ..., h_i(d)).
struct Proof {
  std::vector<std::vector<Fp2>> rounds;

  // Little-endian: u32 round count, u32 values per round, then each value as two canonical u64.
  void write(io::ByteWriter& w) const;
  // Reads one proof at the reader's position and advances it. Truncated, oversized (more than 64
  // rounds or kMaxDegree values) or non-canonical input throws zk::Error.
  static Proof read(io::ByteReader& r);
  std::vector<uint8_t> to_bytes() const;
  // Whole-buffer variant: trailing bytes are an error.
  static Proof from_bytes(std::span<const uint8_t> in);
};

struct ProverOutput {
  Proof proof;
  std::vector<Fp2> point;              // r = (r_0, ..., r_{n-1})
  std::vector<Fp2> table_evaluations;  // one per table: its multilinear extension at r
};

// All tables must have size 2^n with n the same for every table (n = 0: one entry, no rounds).
// `claimed_sum` must be the true sum (compute_sum); it is absorbed, and a wrong one yields a proof
// that fails the final check. Throws zk::Error on malformed input (sizes, factor indices).
ProverOutput prove(Transcript& transcript, std::span<const TableRef> tables,
                   std::span<const Term> terms, Fp2 claimed_sum);

// What verification leaves to the caller: "sum_t c_t prod_k f_{t,k}(point) == expected".
struct Claim {
  std::vector<Fp2> point;
  Fp2 expected;
};

// Replays the transcript and reduces the sum claim to one evaluation claim. Throws
// zk::VerifyError naming the round on a wrong round count or a wrong number of values in a round.
Claim verify(Transcript& transcript, unsigned num_vars, unsigned degree, Fp2 claimed_sum,
             const Proof& proof);

// Recomputes the integrand at claim.point from claimed per-table evaluations (which the caller
// must still prove against its commitments) and throws zk::VerifyError if it is not
// claim.expected.
void check_final(const Claim& claim, std::span<const Fp2> table_evaluations, std::span<const Term> terms);

}  // namespace zk::sumcheck
