#pragma once
// What a layer's proof sees (issue 4; DESIGN.md "Proof structure").
//
// Every tensor of the integer graph is a multilinear polynomial: its int64 values mapped into F_p
// (Fp::from_signed), each dimension zero-padded to a power of two, the last dimension on the
// lowest variables (x_0 = least significant bit of the padded row-major index). So a point on a
// tensor of padded shape (D_0, ..., D_{r-1}) is the concatenation of per-dimension sub-points,
// last dimension first; split_point() cuts it.
//
// A layer proof turns one evaluation claim on each of its outputs ("Y~(r) = v") into evaluation
// claims on its inputs and auxiliary tensors, using sumchecks and values it sends. The driver
// (src/prover, src/verifier) discharges every claim: by the PCS opening of the commitment that
// holds the tensor (witness or weights), or by direct evaluation when the verifier knows the
// tensor (public input/output). Lookups (range checks, activation tables) are declared at plan
// time and proven for all layers together by src/lookup.
//
// The protocol of a layer is fixed by what prove() sends and draws; verify() must read and draw
// exactly the same sequence. Both sides absorb every sent value into the transcript.
#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "field/extension.hpp"
#include "hash/transcript.hpp"
#include "layers/int_graph.hpp"
#include "sumcheck/zk_sumcheck.hpp"

namespace zk::layers {

// ---- tensors as multilinear polynomials ----

struct MleLayout {
  Shape padded;                 // each dim rounded up to a power of two
  std::vector<unsigned> bits;   // log2 of each padded dim
  unsigned num_vars = 0;        // sum of bits
};
MleLayout mle_layout(const Shape& shape);
// The evaluation table of a tensor (size 2^num_vars), values as Fp::from_signed.
std::vector<Fp> mle_table(const IntTensor& tensor);
// Sub-point of each dimension: result[d] is the coordinates of dimension d.
std::vector<std::vector<Fp2>> split_point(const MleLayout& layout, std::span<const Fp2> point);
// Inverse of split_point.
std::vector<Fp2> join_point(const MleLayout& layout, const std::vector<std::vector<Fp2>>& dims);
// Evaluation of a tensor's multilinear extension at a point (O(size)); used for public tensors.
Fp2 evaluate_tensor(const IntTensor& tensor, std::span<const Fp2> point);

// Broadcasting (numpy rules) seen from the multilinear side. For an input of shape `in` broadcast
// to `out` (real entries only: padding of the output stays zero), the broadcast tensor's MLE at an
// output point equals in~(input_point) * factor, where input_point drops the coordinates of the
// dimensions the input broadcasts along (or lacks), and factor = prod over those dimensions of
// sum_{i < out_d} eq(r_d, i): the verifier computes both from the output point alone.
struct BroadcastPoint {
  std::vector<Fp2> point;
  Fp2 factor = Fp2::one();
};
BroadcastPoint broadcast_point(const Shape& in, const Shape& out, std::span<const Fp2> out_point);
// sum_{i < n} eq(r, i) for a sub-point r of a dimension padded to 2^|r| >= n (O(|r|)).
Fp2 prefix_selector(std::span<const Fp2> r, int64_t n);

struct TensorClaim {
  int tensor = -1;
  std::vector<Fp2> point;
  Fp2 value;
  // Zero-knowledge mode only: a claim on the tensor's twin, value = (1 - beta) V~(point) +
  // beta M_V~(point) (docs/zk.md §1); the driver opens the stacked [T ; M] there. Unset: plain.
  std::optional<Fp2> beta;
};

// ---- zero-knowledge mode (docs/zk.md §2) ----

// A private tensor's per-proof mask M_V, uniform in K, held as four integer tensors of V's shape
// with entries in [0, 2^32): M_V = (L0 + 2^32 L1) + u (L2 + 2^32 L3), u the generator of K over
// F_p. Every map a layer applies to its integer tensors (folds, broadcasts) is F_p-linear, so it
// applies to M_V limb by limb, through the same integer code paths (the contractions need entries
// below 2^62, which rules out one int64 per coordinate). Zero on padded entries, like V.
struct MaskTensor {
  std::array<IntTensor, 4> limbs;
};
// The K-valued table M from the four limb images of one linear map (base-field or K tables).
template <class Table>
std::vector<Fp2> combine_mask_limbs(const std::array<Table, 4>& t) {
  const Fp2 shift(Fp(uint64_t(1) << 32)), u(Fp::zero(), Fp::one());
  std::vector<Fp2> out(t[0].size());
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = Fp2(t[0][i]) + shift * Fp2(t[1][i]) + u * (Fp2(t[2][i]) + shift * Fp2(t[3][i]));
  }
  return out;
}

// The K-valued MLE table of a mask (each limb's mle_table, combined).
inline std::vector<Fp2> mask_table(const MaskTensor& m) {
  const auto& l = m.limbs;
  return combine_mask_limbs(std::array{mle_table(l[0]), mle_table(l[1]), mle_table(l[2]), mle_table(l[3])});
}

// A sumcheck's claimed sum as the combination sum_i c_i v_i of values the node's proof sent (the
// output claim, then e.g. a bias evaluation). In plain mode only the sum matters; in ZK mode the
// values are twin evaluations at the context's current twin challenge, and the context adds the
// mask term c_i beta eq(point_i, .) M_{V_i} of every private part to the sumcheck (docs/zk.md §2.1).
struct SumPart {
  Fp2 coefficient;
  int tensor = -1;
  std::vector<Fp2> point;
  Fp2 value;
};
class ClaimedSum {
 public:
  explicit ClaimedSum(const TensorClaim& c) { add(Fp2::one(), c.tensor, c.point, c.value); }
  void add(Fp2 coefficient, int tensor, std::vector<Fp2> point, Fp2 value) {
    parts_.push_back({coefficient, tensor, std::move(point), value});
  }
  std::span<const SumPart> parts() const { return parts_; }
  Fp2 plain() const {
    Fp2 s;
    for (const auto& p : parts_) s += p.coefficient * p.value;
    return s;
  }

 private:
  std::vector<SumPart> parts_;
};

// ---- lookups ----

// A public table of (input, output) pairs, or of inputs only (a range check). Identified by `key`:
// two declarations with the same key must describe the same table.
struct LookupTable {
  std::string key;
  std::vector<int64_t> inputs;
  std::vector<int64_t> outputs;  // empty: range-style table (membership of one column)
};
// Range table [0, 2^bits).
LookupTable range_table(unsigned bits);

// ---- what a layer declares at plan time ----

class PlanBuilder {
 public:
  virtual ~PlanBuilder() = default;
  // A committed auxiliary tensor owned by the node being planned (e.g. rescale remainders).
  // Returns its tensor id; the node's witness() fills aux tensors in declaration order.
  virtual int add_aux(const std::string& name, Shape shape) = 0;
  // Every element of the columns lies in the table: one column for a range-style table, two
  // (input, output) for a function table. Columns are tensor ids (inputs, outputs or aux of the
  // node) of equal shape; they are committed.
  virtual void add_lookup(const LookupTable& table, std::vector<int> columns) = 0;
  virtual const IntGraph& graph() const = 0;
};

// ---- prover and verifier views ----

class ProverContext {
 public:
  virtual ~ProverContext() = default;
  virtual const IntGraph& graph() const = 0;
  virtual const Shape& shape(int tensor) const = 0;  // graph and aux tensors alike
  virtual const IntTensor& value(int tensor) = 0;
  virtual const std::vector<Fp>& mle(int tensor) = 0;  // cached mle_table(value(tensor))
  virtual std::span<const int> aux() const = 0;         // this node's aux tensor ids
  // Appends to this node's proof and absorbs.
  virtual void send(Fp2 value) = 0;
  virtual sumcheck::ProverOutput sumcheck(std::span<const sumcheck::TableRef> tables,
                                          std::span<const sumcheck::Term> terms, Fp2 claimed_sum) = 0;
  virtual Fp2 challenge() = 0;
  std::vector<Fp2> challenges(size_t n) {
    std::vector<Fp2> r(n);
    for (auto& x : r) x = challenge();
    return r;
  }
  // Leaves a claim for the driver to discharge (in ZK mode a twin claim for a private tensor).
  virtual void claim(int tensor, std::vector<Fp2> point, Fp2 value) = 0;

  // -- zero-knowledge mode: the layer code is the same in both modes; these decide masked vs plain.
  virtual bool zk() const { return false; }
  // The mask of a private tensor in ZK mode; nullptr for a public tensor or in plain mode.
  virtual const MaskTensor* zk_mask(int /*tensor*/) { return nullptr; }
  // What the layer sends for a tensor at a point: the MLE value, or in ZK mode, for a private
  // tensor, its twin at the current twin challenge (the output's beta, then each sumcheck's).
  virtual Fp2 evaluate(int tensor, std::span<const Fp2> point);
  // A value the layer sends mixes M_V~(point) in without a claim at `point` (conv's phase-1 value):
  // the prover's hiding check (circuit::check_twin_claims_hide) counts it with V's claims.
  virtual void note_mask_reveal(int /*tensor*/, std::span<const Fp2> /*point*/) {}
  // The mask-derived table L(M_V) of a table L(V) built by `map` (IntTensor -> table over Fp or K),
  // or nullopt when V is public or the mode is plain (docs/zk.md: twin(tensor, L)).
  template <class Map>
  std::optional<std::vector<Fp2>> twin(int tensor, Map&& map) {
    const MaskTensor* m = zk_mask(tensor);
    if (!m) return std::nullopt;
    using Table = decltype(map(m->limbs[0]));
    return combine_mask_limbs(std::array<Table, 4>{map(m->limbs[0]), map(m->limbs[1]), map(m->limbs[2]), map(m->limbs[3])});
  }
  // The sumcheck of a layer with private factors: masks[i] is the mask-derived table of a private
  // table (nullopt: public). Plain mode: ctx.sumcheck(tables, terms, sum.plain()), masks ignored.
  // ZK mode: the twin sumcheck with a Libra mask, the output's mask terms added, and the final
  // evaluations of private tables returned as twin values; `point` never contains the twin variable.
  virtual sumcheck::ProverOutput masked_sumcheck(std::span<const sumcheck::TableRef> tables,
                                                 std::span<const std::optional<sumcheck::TableRef>> masks,
                                                 std::span<const sumcheck::Term> terms, const ClaimedSum& sum) {
    return sumcheck(tables, terms, sum.plain());
  }
};

class VerifierContext {
 public:
  virtual ~VerifierContext() = default;
  virtual const IntGraph& graph() const = 0;
  virtual const Shape& shape(int tensor) const = 0;
  virtual std::span<const int> aux() const = 0;
  // The next value of this node's proof (absorbed); VerifyError if the proof has no more.
  virtual Fp2 receive() = 0;
  // Replays the next sumcheck of this node's proof; VerifyError on a malformed one.
  virtual sumcheck::Claim sumcheck(unsigned num_vars, unsigned degree, Fp2 claimed_sum) = 0;
  virtual Fp2 challenge() = 0;
  std::vector<Fp2> challenges(size_t n) {
    std::vector<Fp2> r(n);
    for (auto& x : r) x = challenge();
    return r;
  }
  virtual void claim(int tensor, std::vector<Fp2> point, Fp2 value) = 0;

  // -- zero-knowledge mode (see ProverContext).
  virtual bool zk() const { return false; }
  // Whether the layer receives twin values for this tensor (ZK mode and a committed tensor).
  virtual bool is_private(int /*tensor*/) const { return false; }
  // The verifier's side of ProverContext::masked_sumcheck; is_private per table. Plain mode:
  // sumcheck(num_vars, degree_of(terms), sum.plain()).
  virtual sumcheck::Claim masked_sumcheck(unsigned num_vars, std::span<const sumcheck::Term> terms,
                                          std::span<const bool> /*is_private*/, const ClaimedSum& sum) {
    return sumcheck(num_vars, sumcheck::degree_of(terms), sum.plain());
  }
  // The final check of the last sumcheck: evaluations as the layer computes them (received values
  // of private tables, its own values of public ones). Plain mode: sumcheck::check_final.
  virtual void check_final(const sumcheck::Claim& claim, std::span<const Fp2> evaluations,
                           std::span<const sumcheck::Term> terms) {
    sumcheck::check_final(claim, evaluations, terms);
  }
};

// One node's share of the proof, in the order prove() produced it.
struct NodeProof {
  std::vector<Fp2> values;
  std::vector<sumcheck::Proof> sumchecks;
  // ZK mode only.
  std::vector<sumcheck::ZkProof> zk_sumchecks;
};

// The proof half of a layer family (a LayerDef points at one; nullptr = not provable yet).
struct LayerProofDef {
  // Declares aux tensors and lookups. May be nullptr (nothing to declare).
  void (*plan)(const IntNode& node, PlanBuilder& builder);
  // Computes the aux tensors (in declaration order) from the node's inputs and outputs.
  void (*witness)(const IntNode& node, std::span<const IntTensor* const> inputs,
                  std::span<const IntTensor* const> outputs, std::span<IntTensor> aux);
  // One claim per output (in node.outputs order) -> claims on inputs/aux through the context.
  void (*prove)(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> output_claims);
  void (*verify)(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> output_claims);
  // Whether prove/verify follow the ZK rules of docs/zk.md §2 through the context (a session in
  // ZK mode refuses the others).
  bool zk = false;
};

}  // namespace zk::layers
