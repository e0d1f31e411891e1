#pragma once
// LogUp lookup argument proven with a GKR fractional sumcheck (LogUp-GKR, Papini–Haböck,
// eprint 2023/1284): no inverse column is committed. One call proves that every real entry of a
// set of looked-up columns lies in one public table. README.md has the protocol, its soundness
// error and what the caller must do with the returned claims.
//
// The module works on multilinear tables only (layout of src/layers' mle_layout: each dimension
// padded to a power of two, the last dimension on the lowest variables) and knows nothing about
// tensors or commitments: it returns evaluation claims that the caller discharges.
#include <cstdint>
#include <span>
#include <vector>

#include "field/extension.hpp"
#include "hash/transcript.hpp"
#include "sumcheck/sumcheck.hpp"

namespace zk::lookup {

// A public table: inputs only (membership, e.g. a range [0, 2^16)) or (input, output) pairs.
// Any size >= 1. The argument pads it to 2^table_vars(table) entries by repeating the last entry;
// the repeats carry multiplicity 0.
struct Table {
  std::vector<Fp> inputs;
  std::vector<Fp> outputs;  // empty: single-column table; otherwise inputs.size() entries

  bool has_outputs() const { return !outputs.empty(); }
  // [0, 2^bits).
  static Table range(unsigned bits);
};

// One looked-up tensor: its MLE tables (size 2^num_vars(shape), zero-padded per dimension) and its
// real shape (rank 0 = a scalar). `output` is empty for a single-column table and required for a
// function table. Entries of the padding are not lookups.
struct Column {
  std::span<const Fp> input;
  std::span<const Fp> output;
  std::vector<int64_t> shape;
};

// Number of variables of a tensor's MLE: sum over dims of ceil(log2(dim)). zk::Error on a
// dimension < 1.
unsigned num_vars(std::span<const int64_t> shape);
// log2 of the padded table size.
unsigned table_vars(const Table& table);
// The table padded to a power of two (last entry repeated); `outputs` stays empty when it was.
Table padded_table(const Table& table);

// sel(z) = prod_d [x_d < shape_d] extended multilinearly: 1 on the real entries of the layout,
// 0 on the padding. O(num_vars) for the verifier.
Fp2 selector_eval(std::span<const int64_t> shape, std::span<const Fp2> point);
// The padded table's MLE at a point (inputs, then outputs; outputs is 0 for a single-column
// table). O(table size); O(log) for a consecutive single-column table of power-of-two size.
std::pair<Fp2, Fp2> table_eval(const Table& table, std::span<const Fp2> point);

// m_j = number of real column entries equal to padded table entry j (counted on the first
// occurrence of a repeated entry). zk::Error naming the column, the entry and the value if some
// real entry is not in the table, or on malformed input (sizes, shape).
std::vector<Fp> compute_multiplicities(const Table& table, std::span<const Column> columns);

// One GKR layer: the sumcheck reducing a claim on layer k to the children (layer k+1), and the
// children's four values at the sumcheck point: p_L, p_R, q_L, q_R.
struct LayerProof {
  sumcheck::Proof sumcheck;
  Fp2 children[4];
};

struct LookupProof {
  Fp2 root_denominator;             // q at the root; the root numerator is 0 by construction
  std::vector<LayerProof> layers;   // root first; layer k has a k-variable sumcheck
  // At the leaf point: per column input(z_c) [, output(z_c)], then multiplicity(z_T).
  std::vector<Fp2> leaf_values;

  // Little-endian: Fp2 = two canonical u64; u32 layer count (<= 64), then per layer the sumcheck
  // proof (sumcheck::Proof::write) and 4 Fp2; u32 leaf value count, leaf values.
  void write(io::ByteWriter& w) const;
  // Truncated, oversized or non-canonical input throws zk::Error (allocations are bounded by the
  // bytes present).
  static LookupProof read(io::ByteReader& r);
  std::vector<uint8_t> to_bytes() const;
  static LookupProof from_bytes(std::span<const uint8_t> in);  // trailing bytes are an error
};

// What the caller must check against its commitments: "MLE of <which> of column <column> at
// <point> equals <value>". `column` is meaningless for kMultiplicity (the multiplicity table of
// size 2^table_vars).
enum class ClaimKind : uint8_t { kInput, kOutput, kMultiplicity };
struct EvalClaim {
  ClaimKind kind;
  size_t column = 0;
  std::vector<Fp2> point;
  Fp2 value;
};

struct ProveResult {
  LookupProof proof;
  std::vector<EvalClaim> claims;
};

// Preconditions (for soundness, see README): the columns and the multiplicities are bound into
// `transcript` (committed and absorbed) before this call. `multiplicities` has the padded table's
// size. Throws zk::Error on malformed input and if the multiplicities do not balance the columns
// (a prover bug: compute_multiplicities would have named the value).
ProveResult prove(const Table& table, std::span<const Column> columns, std::span<const Fp> multiplicities,
                  Transcript& transcript);

// Replays the transcript; returns the claims in the order prove() returns them (per column: input
// [, output]; then the multiplicity). Throws zk::VerifyError naming the failing check, zk::Error on
// malformed arguments (e.g. a bad shape).
std::vector<EvalClaim> verify(const Table& table, std::span<const std::vector<int64_t>> column_shapes,
                              const LookupProof& proof, Transcript& transcript);

namespace detail {
// prove() without the balance check: what a cheating prover with a bad witness would send. Tests
// use it to show that the verifier rejects such proofs.
ProveResult prove_unchecked(const Table& table, std::span<const Column> columns,
                            std::span<const Fp> multiplicities, Transcript& transcript);
}  // namespace detail

}  // namespace zk::lookup
