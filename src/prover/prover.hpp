#pragma once
// Setup and proving (DESIGN.md "Proof structure"):
//   setup: plan the integer graph, commit to the private weights once (hiding, from a seed kept
//          in the proving key; public weights go into the vk instead) -> proving key + verifying key;
//   prove: run the integer graph, commit the private inputs (hiding, fresh seed), commit the
//          witness (every intermediate tensor, private outputs, aux columns, lookup
//          multiplicities), prove all lookups, prove every layer from the output back to the
//          input, and open each commitment once at all the points the claims need.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/formats.hpp"

namespace zk::prover {

// Default commitment parameters (docs/pcs.md, docs/security.md).
pcs::PcsParams default_pcs_params();

struct Keys {
  io::ProvingKey pk;
  io::VerifyingKey vk;
};
// Throws zk::Error naming the layer if the graph uses a layer without a proof. Any private class
// turns the commitments' hiding mode on (params.hiding in the keys).
Keys setup(layers::IntGraph graph, const pcs::PcsParams& params = default_pcs_params(),
           const circuit::Visibility& visibility = {});
// Refuses what setup would refuse, with the same messages (a layer without a proof, a weight
// without a value, weights too large to commit), without committing: what `compile` checks.
void check_provable(const layers::IntGraph& graph, const pcs::PcsParams& params = default_pcs_params(),
                    const circuit::Visibility& visibility = {});

struct ProveResult {
  io::Proof proof;
  std::vector<layers::IntTensor> outputs;  // the proven (quantized) outputs, private ones included
  // Private inputs: the commitment in the proof and its seed (what `--input-commitment` writes).
  std::optional<io::InputCommitment> input_commitment;
  // Wall-clock seconds per prover phase, in execution order, for `zkinfer bench --profile`.
  std::vector<std::pair<std::string, double>> phase_seconds;
};
// `inputs`: quantized inputs in graph.inputs order.
ProveResult prove(const io::ProvingKey& pk, const std::vector<layers::IntTensor>& inputs);

// The weight tables in weights-commitment order (a single zero entry when the model has no
// constants, so that the commitment is never empty).
std::vector<std::vector<Fp>> weight_tables(const layers::IntGraph& graph, const std::vector<int>& weight_tensors);

}  // namespace zk::prover
