#pragma once
// Setup and proving (DESIGN.md "Proof structure"):
//   setup: plan the integer graph, commit to the weights once -> proving key + verifying key;
//   prove: run the integer graph, commit the witness (every intermediate tensor, aux columns,
//          lookup multiplicities), prove all lookups, prove every layer from the output back to
//          the input, and open each commitment once at all the points the claims need.
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
// Throws zk::Error naming the layer if the graph uses a layer without a proof.
Keys setup(layers::IntGraph graph, const pcs::PcsParams& params = default_pcs_params());

struct ProveResult {
  io::Proof proof;
  std::vector<layers::IntTensor> outputs;  // the proven (quantized) outputs
  // Wall-clock seconds per prover phase, in execution order, for `zkinfer bench --profile`.
  std::vector<std::pair<std::string, double>> phase_seconds;
};
// `inputs`: quantized inputs in graph.inputs order.
ProveResult prove(const io::ProvingKey& pk, const std::vector<layers::IntTensor>& inputs);

// The weight tables in weights-commitment order (a single zero entry when the model has no
// constants, so that the commitment is never empty).
std::vector<std::vector<Fp>> weight_tables(const layers::IntGraph& graph, const std::vector<int>& weight_tensors);

}  // namespace zk::prover
