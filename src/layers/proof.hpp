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
#include <span>
#include <string>
#include <vector>

#include "field/extension.hpp"
#include "hash/transcript.hpp"
#include "layers/int_graph.hpp"
#include "sumcheck/sumcheck.hpp"

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
  // Leaves a claim for the driver to discharge.
  virtual void claim(int tensor, std::vector<Fp2> point, Fp2 value) = 0;
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
};

// One node's share of the proof, in the order prove() produced it.
struct NodeProof {
  std::vector<Fp2> values;
  std::vector<sumcheck::Proof> sumchecks;
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
};

}  // namespace zk::layers
