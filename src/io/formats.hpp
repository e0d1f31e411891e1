#pragma once
// zkinfer's files: compiled model (.zkm), proving key (.pk), verifying key (.vk), proof.
// Each starts with 8 magic bytes and a u32 format version, then little-endian, length-checked
// fields (bytes.hpp). Every reader rejects truncated, oversized or trailing input with a one-line
// zk::Error naming the file kind and the problem.
#include <cstdint>
#include <span>
#include <vector>

#include "layers/int_graph.hpp"
#include "layers/proof.hpp"
#include "lookup/logup.hpp"
#include "pcs/pcs.hpp"

namespace zk::io {

inline constexpr uint32_t kFormatVersion = 1;

// The integer graph; with_weights = false keeps constant tensors' shapes and bounds but not their
// values (what the verifying key needs).
void write_graph(class ByteWriter& w, const layers::IntGraph& graph, bool with_weights);
layers::IntGraph read_graph(class ByteReader& r, bool with_weights);

// A compiled model: the integer graph with its weights.
std::vector<uint8_t> write_model(const layers::IntGraph& graph);
layers::IntGraph read_model(std::span<const uint8_t> bytes);

struct VerifyingKey {
  layers::IntGraph graph;  // no weight values
  pcs::PcsParams pcs_params;
  Digest weights_root;
  // SHA-256 of the serialised graph (without weights) and parameters: what a proof is bound to.
  Digest architecture_hash;
};

struct ProvingKey {
  layers::IntGraph graph;  // with weights
  pcs::PcsParams pcs_params;
  Digest weights_root;
  Digest architecture_hash;  // the verifying key's, kept so that proving need not re-serialise the graph
};

std::vector<uint8_t> write_verifying_key(const VerifyingKey& vk);
VerifyingKey read_verifying_key(std::span<const uint8_t> bytes);
std::vector<uint8_t> write_proving_key(const ProvingKey& pk);
ProvingKey read_proving_key(std::span<const uint8_t> bytes);
Digest architecture_hash(const layers::IntGraph& graph, const pcs::PcsParams& params);

struct Proof {
  Digest architecture_hash;                 // the vk it was made for (checked first, for a clear error)
  std::vector<layers::IntTensor> inputs;    // public inputs (quantized), graph.inputs order
  std::vector<layers::IntTensor> outputs;   // public outputs (quantized), graph.outputs order
  Digest witness_root;
  std::vector<lookup::LookupProof> lookups;  // one per plan table
  std::vector<layers::NodeProof> nodes;      // one per graph node, in graph order
  pcs::OpeningProof witness_opening;
  pcs::OpeningProof weights_opening;
};

std::vector<uint8_t> write_proof(const Proof& proof);
Proof read_proof(std::span<const uint8_t> bytes);

void write_params(ByteWriter& w, const pcs::PcsParams& p);
pcs::PcsParams read_params(ByteReader& r);

std::vector<uint8_t> read_file(const std::string& path, const std::string& what);
void write_file(const std::string& path, std::span<const uint8_t> bytes);

}  // namespace zk::io
