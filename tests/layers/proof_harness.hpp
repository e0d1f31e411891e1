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
#include "circuit/twin_masks.hpp"
#include "field/random.hpp"
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

// ---- zero-knowledge mode (docs/zk.md §2) ----
namespace zk::testing {

// A fresh uniform mask per private (committed) tensor: the harness's stand-in for the mask tables
// the driver commits (dense here: random on every real entry, where the driver's are sparse). From
// the OS CSPRNG, so two runs differ.
inline std::map<int, layers::MaskTensor> random_masks(const circuit::Plan& plan) {
  std::map<int, layers::MaskTensor> masks;
  for (size_t t = 0; t < plan.num_tensors(); ++t) {
    if (plan.roles[t] == circuit::Role::Public) continue;
    const unsigned n = layers::mle_layout(plan.shapes[t]).num_vars;
    masks.emplace(static_cast<int>(t), circuit::make_twin_mask(plan.shapes[t], n, circuit::os_field_source()).tensor);
  }
  return masks;
}

inline Fp2 mask_evaluation(const layers::MaskTensor& m, std::span<const Fp2> point) {
  return evaluate_mle(std::span<const Fp2>(layers::mask_table(m)), point);
}

// The checks that stand in for the driver's openings in ZK mode, on the claims a verifier
// recorded: twin claims against the masks directly (stand-in for the stacked opening), every Libra
// g(point) claim against the g the prover sampled (stand-in for the mask pool). A plain claim on a
// private tensor, or a twin claim on a public one, is a failure. Empty when all hold, else why not.
inline std::string check_zk_claims(const circuit::Plan& plan, const circuit::Witness& witness,
                                   const std::map<int, layers::MaskTensor>& masks,
                                   const std::vector<layers::TensorClaim>& claims,
                                   const circuit::ProverSession& prover, const circuit::VerifierSession& verifier) {
  for (const auto& c : claims) {
    const auto it = masks.find(c.tensor);
    if ((it != masks.end()) != c.beta.has_value())
      return "claim on '" + plan.names[c.tensor] + "' is " + (c.beta ? "a twin claim on a public" : "plain on a private") + " tensor";
    Fp2 value = layers::evaluate_tensor(witness.values[c.tensor], c.point);
    if (c.beta) value = (Fp2::one() - *c.beta) * value + *c.beta * mask_evaluation(it->second, c.point);
    if (value != c.value) return "claim on '" + plan.names[c.tensor] + "' does not match the committed tensor";
  }
  const auto& sampled = prover.libra_masks();
  const auto& opened = verifier.libra_claims();
  if (sampled.size() != opened.size()) return "the proof's Libra masks and the verifier's mask claims differ in number";
  for (size_t i = 0; i < opened.size(); ++i)
    if (sampled[i].g.evaluate(opened[i].point) != opened[i].value)
      return "Libra mask claim " + std::to_string(i) + " does not match the sampled mask";
  return "";
}

struct ZkHarnessResult : HarnessResult {
  std::vector<layers::NodeProof> proofs;
  std::vector<layers::TensorClaim> prover_claims;
  circuit::Witness witness;
};

// run_layer_proofs in ZK mode (`edit_proof` changes the proofs between prover and verifier): the
// sessions run with enable_zk, and the verifier's claims go through check_zk_claims. A plain claim
// on a private tensor is a failure: in ZK mode the verifier must never see one.
inline ZkHarnessResult run_zk_layer_proofs(const layers::IntGraph& graph, const std::vector<layers::IntTensor>& inputs,
                                           const circuit::Visibility& visibility = {},
                                           const std::function<void(circuit::Plan&, circuit::Witness&)>& tamper = {},
                                           const std::function<void(std::vector<layers::NodeProof>&)>& edit_proof = {}) {
  ZkHarnessResult out;
  circuit::Plan plan = circuit::make_plan(graph, visibility);
  out.witness = circuit::make_witness(plan, inputs);
  if (tamper) tamper(plan, out.witness);
  const auto masks = random_masks(plan);

  Transcript prover_transcript("zkinfer/test/layer-harness");
  circuit::ProverSession prover(plan, out.witness, prover_transcript);
  prover.enable_zk(masks);
  out.proofs.resize(plan.graph.nodes.size());
  for (size_t n = plan.graph.nodes.size(); n-- > 0;) out.proofs[n] = prover.prove_node(n, out.prover_claims);
  if (edit_proof) edit_proof(out.proofs);

  Transcript verifier_transcript("zkinfer/test/layer-harness");
  circuit::VerifierSession verifier(plan, verifier_transcript);
  verifier.enable_zk();
  std::vector<layers::TensorClaim> claims;
  try {
    for (size_t n = plan.graph.nodes.size(); n-- > 0;) verifier.verify_node(n, out.proofs[n], claims);
  } catch (const VerifyError& e) {
    out.reason = e.what();
    return out;
  }
  out.reason = check_zk_claims(plan, out.witness, masks, claims, prover, verifier);
  out.accepted = out.reason.empty();
  return out;
}

}  // namespace zk::testing
