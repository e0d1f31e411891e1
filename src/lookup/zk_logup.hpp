#pragma once
// Zero-knowledge LogUp with committed inverses (docs/zk.md §4; README.md "Zero-knowledge LogUp").
//
// The LogUp-GKR of logup.hpp sends values of uncommitted fraction trees, which are functions of
// the looked-up columns. Here the fractions themselves are committed (K-valued tables, with masks,
// by the caller), and everything the proof reveals is either a twin value (1 - beta) P(r) +
// beta M_P(r) of a private polynomial or a Libra-masked round polynomial:
//
//   h_c(x) = sel_c(x) / (alpha - in_c(x) - gamma out_c(x))   per looked-up column (0 on padding)
//   t(j)   = m(j) / (alpha - T_in(j) - gamma T_out(j))       for the padded table
//
// proven by twin sumchecks (sumcheck/twin.hpp): a zero-check of h_c (alpha - in_c - gamma out_c) = sel_c
// per column, one of t (alpha - T_in - gamma T_out) = m for the table, and sum_c sum h_c = sum t.
//
// Split in calls because the caller commits between them:
//   caller: commit (hiding) columns and multiplicities, absorb the commitments
//   draw_zk_challenges                      -> alpha, gamma
//   inverse_tables (prover)                 -> h_c, t; caller commits them with masks, absorbs the root
//   prove_zk / verify_zk                    -> claims (twin claims on private tables) for the caller
//                                              to open, Libra mask claims for the pool
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "lookup/logup.hpp"
#include "sumcheck/zk_sumcheck.hpp"

namespace zk::lookup {

struct ZkChallenges {
  Fp2 alpha;
  Fp2 gamma;  // zero for a table without outputs
};

// Absorbs the domain, the table and the shapes, then draws alpha (and gamma for a function table).
// The caller must have absorbed the commitments of the columns and the multiplicities before.
ZkChallenges draw_zk_challenges(Transcript& transcript, const Table& table,
                                std::span<const std::vector<int64_t>> column_shapes);

// The tables the caller commits after the challenges: columns[c] has the size of column c's MLE
// table, `table` the padded table's size. zk::Error if a denominator vanishes on an entry that
// needs it (probability <= entries / |K| for honest data) or on malformed input. Entries of the
// columns that are not in the table are NOT an error here: the proof will simply fail, which is
// what a cheating prover gets.
struct InverseTables {
  std::vector<std::vector<Fp2>> columns;
  std::vector<Fp2> table;
};
InverseTables inverse_tables(const Table& table, std::span<const Column> columns, std::span<const Fp> multiplicities,
                             ZkChallenges challenges);

// Per private polynomial its mask as a full-size K table (the twin's M_P; zeros outside a sparse
// mask's support). nullopt marks a public input or output column: its value is sent and claimed
// plainly. `outputs` is empty for a table without outputs. Multiplicities and inverses are always
// private.
struct ZkMasks {
  std::vector<std::optional<std::span<const Fp2>>> inputs, outputs;
  std::span<const Fp2> multiplicities;
  std::vector<std::span<const Fp2>> column_inverses;
  std::span<const Fp2> table_inverse;
};

// Which of a column's polynomials are private (the verifier's view of ZkMasks).
struct ColumnPrivacy {
  bool input = true;
  bool output = true;  // ignored for a table without outputs
};

enum class ZkPoly : uint8_t { Input, Output, Multiplicity, ColumnInverse, TableInverse };

// "P(point) = value" for a public P (beta unset), "(1 - beta) P(point) + beta M_P(point) = value"
// for a private one. `column` is 0 for Multiplicity and TableInverse.
struct ZkLookupClaim {
  ZkPoly poly;
  size_t column = 0;
  std::vector<Fp2> point;
  std::optional<Fp2> beta;
  Fp2 value;
};

struct ZkLookupProof {
  std::vector<sumcheck::ZkProof> sumchecks;  // one per distinct variable count, largest first
  std::vector<Fp2> values;                   // the claims' values, in claim order

  // u32 sumcheck count (<= 64), each ZkProof::write, u32 value count, values (Fp2 as two
  // canonical u64). Truncated, oversized or non-canonical input throws zk::Error.
  void write(io::ByteWriter& w) const;
  static ZkLookupProof read(io::ByteReader& r);
  std::vector<uint8_t> to_bytes() const;
  static ZkLookupProof from_bytes(std::span<const uint8_t> in);  // trailing bytes are an error
};

// Libra masks come from the caller's pool, one per sumcheck, in the order the sumchecks run; the
// caller absorbs each g's commitment before the sumcheck draws its rho (the pool is committed
// before any challenge).
using MaskSource = std::function<sumcheck::MaskPolynomial(unsigned num_vars, unsigned degree)>;

struct ZkProverResult {
  ZkLookupProof proof;
  std::vector<ZkLookupClaim> claims;
};

// `inverses` as committed by the caller (normally inverse_tables' output; a cheating prover may
// pass anything of the right sizes). Checks sizes only: a witness that does not satisfy the
// relations yields a proof that verify_zk rejects. zk::Error on malformed input.
ZkProverResult prove_zk(const Table& table, std::span<const Column> columns, std::span<const Fp> multiplicities,
                        const InverseTables& inverses, const ZkMasks& masks, ZkChallenges challenges,
                        const MaskSource& mask_source, Transcript& transcript);

struct ZkVerifierResult {
  std::vector<ZkLookupClaim> claims;        // the prover's claims, same order
  std::vector<sumcheck::MaskClaim> libra;   // one per sumcheck, for the pool's opening
};

// Throws zk::VerifyError naming the failing check, zk::Error on malformed arguments. Sound only
// once the caller discharges every claim and every Libra claim against its commitments.
ZkVerifierResult verify_zk(const Table& table, std::span<const std::vector<int64_t>> column_shapes,
                           std::span<const ColumnPrivacy> privacy, ZkChallenges challenges,
                           const ZkLookupProof& proof, Transcript& transcript);

namespace detail {
// The same proof computed by handing each group's tables to sumcheck::prove_twin (interleaved
// copies, generic round engine): the reference the fast prover is tested against.
ZkProverResult prove_zk_generic(const Table& table, std::span<const Column> columns, std::span<const Fp> multiplicities,
                                const InverseTables& inverses, const ZkMasks& masks, ZkChallenges challenges,
                                const MaskSource& mask_source, Transcript& transcript);
}  // namespace detail

}  // namespace zk::lookup
