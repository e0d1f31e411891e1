#pragma once
// Runs the layer proofs of a small integer graph in isolation, with commitments replaced by the
// values themselves: every claim is checked by evaluating the committed tensor's multilinear
// extension directly, and every declared lookup by checking membership directly. What it tests is
// exactly the layer's reduction: an honest witness must be accepted, and a witness that breaks the
// layer's relation (a cheating prover that commits one wrong value) must be rejected.
#include <functional>
#include <map>
#include <random>
#include <string>

#include "circuit/plan.hpp"
#include "circuit/session.hpp"
#include "poly/multilinear.hpp"

namespace zk::testing {

// Entries uniform in [-bound, bound], reproducible from the seed.
inline layers::IntTensor random_tensor(const layers::Shape& shape, int64_t bound, uint64_t seed) {
  std::mt19937_64 rng(seed);
  layers::IntTensor t(shape);
  for (auto& v : t.data) v = static_cast<int64_t>(rng() % (2 * bound + 1)) - bound;
  return t;
}

// A graph and the inputs to run it on.
struct TestGraph {
  layers::IntGraph graph;
  std::vector<layers::IntTensor> inputs;
};

struct HarnessResult {
  bool accepted = false;
  std::string reason;  // why the verifier rejected
};

// `tamper` edits the witness after honest generation: it is what the cheating prover commits to
// (and, for public outputs, what it claims the output is). `committed`, by tensor id, replaces a
// tensor's committed MLE table (e.g. with non-zero padding): the prover uses it and the claims on
// the tensor are checked against it; the lookups still see the witness's real entries.
using CommittedTables = std::map<int, std::vector<Fp>>;
inline HarnessResult run_layer_proofs(const layers::IntGraph& graph, const std::vector<layers::IntTensor>& inputs,
                                      const std::function<void(circuit::Plan&, circuit::Witness&)>& tamper = {},
                                      const std::function<CommittedTables(const circuit::Plan&, const circuit::Witness&)>&
                                          commit = {}) {
  circuit::Plan plan = circuit::make_plan(graph);
  circuit::Witness witness = circuit::make_witness(plan, inputs);
  if (tamper) tamper(plan, witness);
  const CommittedTables committed = commit ? commit(plan, witness) : CommittedTables{};

  // Lookups: the lookup argument guarantees membership of every real entry; check it directly.
  for (const auto& decl : plan.lookups) {
    const auto& table = plan.tables[decl.table];
    const auto& in = witness.values[decl.columns[0]].data;
    for (size_t i = 0; i < in.size(); ++i) {
      bool found = false;
      for (size_t j = 0; j < table.inputs.size() && !found; ++j) {
        found = table.inputs[j] == in[i] &&
                (table.outputs.empty() || table.outputs[j] == witness.values[decl.columns[1]].data[i]);
      }
      if (!found) return {false, "lookup into " + table.key + " fails at entry " + std::to_string(i)};
    }
  }

  Transcript prover_transcript("zkinfer/test/layer-harness");
  circuit::ProverSession prover(plan, witness, prover_transcript);
  for (const auto& [tensor, table] : committed) prover.borrow(tensor, table);
  std::vector<layers::NodeProof> proofs(plan.graph.nodes.size());
  std::vector<layers::TensorClaim> prover_claims;
  for (size_t n = plan.graph.nodes.size(); n-- > 0;) proofs[n] = prover.prove_node(n, prover_claims);

  Transcript verifier_transcript("zkinfer/test/layer-harness");
  circuit::VerifierSession verifier(plan, verifier_transcript);
  std::vector<layers::TensorClaim> claims;
  try {
    for (size_t n = plan.graph.nodes.size(); n-- > 0;) verifier.verify_node(n, proofs[n], claims);
  } catch (const VerifyError& e) {
    return {false, e.what()};
  }
  for (const auto& c : claims) {
    const auto it = committed.find(c.tensor);
    const Fp2 value = it != committed.end() ? evaluate_mle(std::span<const Fp>(it->second), c.point)
                                            : layers::evaluate_tensor(witness.values[c.tensor], c.point);
    if (value != c.value) {
      return {false, "claim on '" + plan.names[c.tensor] + "' does not match the committed tensor"};
    }
  }
  return {true, ""};
}

}  // namespace zk::testing
