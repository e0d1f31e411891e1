#pragma once
// zkinfer's files: compiled model (.zkm), proving key (.pk), verifying key (.vk), proof.
// Each starts with 8 magic bytes and a u32 format version, then little-endian, length-checked
// fields (bytes.hpp). Every reader rejects truncated, oversized or trailing input with a one-line
// zk::Error naming the file kind and the problem.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "circuit/visibility.hpp"
#include "layers/int_graph.hpp"
#include "layers/proof.hpp"
#include "lookup/logup.hpp"
#include "lookup/zk_logup.hpp"
#include "pcs/pcs.hpp"

namespace zk::io {

// 2: visibility per tensor class, the input commitment, public weights in the vk (issue 5).
// 3: attribute vectors stored once in a pool (a lookup table was repeated in every node using
//    it), attribute and weight values packed as progressions or (delta) zigzag varints.
// 4: zero-knowledge proofs (issue 5): masked layer sumchecks in the proof; twin masks and the
//    Libra pool in the commitments.
inline constexpr uint32_t kFormatVersion = 4;

// The integer graph; with_weights = false keeps constant tensors' shapes and bounds but not their
// values (what the verifying key needs). The encoding is not what the architecture hash covers:
// that is the graph's content in a fixed form of its own, so it does not change with the format.
void write_graph(class ByteWriter& w, const layers::IntGraph& graph, bool with_weights);
layers::IntGraph read_graph(class ByteReader& r, bool with_weights);

// A compiled model: the integer graph with its weights, and the visibility chosen at compile time.
struct Model {
  layers::IntGraph graph;
  circuit::Visibility visibility;
};
std::vector<uint8_t> write_model(const layers::IntGraph& graph, const circuit::Visibility& visibility = {});
Model read_model(std::span<const uint8_t> bytes);

struct VerifyingKey {
  layers::IntGraph graph;  // weight values only when the weights are public
  circuit::Visibility visibility;
  bool zero_knowledge = false;  // circuit::proves_zero_knowledge of its plan
  pcs::PcsParams pcs_params;
  Digest weights_root;  // private weights' hiding commitment (a placeholder when public)
  // SHA-256 of the serialised graph (with the weights when public), visibility and parameters:
  // what a proof is bound to.
  Digest architecture_hash;
};

struct ProvingKey {
  layers::IntGraph graph;  // with weights
  circuit::Visibility visibility;
  pcs::PcsParams pcs_params;
  Digest weights_root;
  // Private weights: the OS-drawn seed of the weights commitment's salts and mask, so that every
  // proof recreates exactly the commitment in the vk. As secret as the weights.
  pcs::Seed weights_seed{};
  Digest architecture_hash;  // the verifying key's, kept so that proving need not re-serialise the graph
};

std::vector<uint8_t> write_verifying_key(const VerifyingKey& vk);
VerifyingKey read_verifying_key(std::span<const uint8_t> bytes);
std::vector<uint8_t> write_proving_key(const ProvingKey& pk);
ProvingKey read_proving_key(std::span<const uint8_t> bytes);
// `graph` holds weight values exactly when visibility.weights_private is false.
Digest architecture_hash(const layers::IntGraph& graph, const circuit::Visibility& visibility, bool zero_knowledge,
                         const pcs::PcsParams& params);

struct Proof {
  Digest architecture_hash;                 // the vk it was made for (checked first, for a clear error)
  bool zero_knowledge = false;  // circuit::proves_zero_knowledge of its plan
  std::vector<layers::IntTensor> inputs;    // public inputs (quantized), graph.inputs order; empty if private
  std::vector<layers::IntTensor> outputs;   // public outputs (quantized), graph.outputs order; empty if private
  std::optional<Digest> input_root;         // private inputs: their hiding commitment instead of values
  Digest witness_root;
  std::vector<lookup::LookupProof> lookups;  // one per plan table (not zero-knowledge)
  // Zero knowledge: the lookup arguments' inverse tables' commitment, one committed-inverse LogUp
  // per plan table, and the commitment's opening (instead of `lookups`).
  std::optional<Digest> lookup_root;
  std::vector<lookup::ZkLookupProof> zk_lookups;
  std::optional<pcs::OpeningProof> lookup_opening;
  std::vector<layers::NodeProof> nodes;      // one per graph node, in graph order
  std::vector<layers::NodeProof> input_ranges;  // one per private input's range check (plan order)
  pcs::OpeningProof witness_opening;
  pcs::OpeningProof weights_opening;
  std::optional<pcs::OpeningProof> input_opening;  // exactly when input_root is set
};

// What `prove --input-commitment FILE` writes: the proof's input commitment and the seed of its
// salts and mask, so that whoever holds the input can recompute the commitment and check that a
// proof was made on that input. The seed is as secret as the input: with it, the opened symbols
// of the input commitment can be unmasked.
struct InputCommitment {
  Digest architecture_hash;  // the model it was made for
  Digest root;
  pcs::Seed seed{};
};
std::vector<uint8_t> write_input_commitment(const InputCommitment& c);
InputCommitment read_input_commitment(std::span<const uint8_t> bytes);

std::vector<uint8_t> write_proof(const Proof& proof);
Proof read_proof(std::span<const uint8_t> bytes);

void write_params(ByteWriter& w, const pcs::PcsParams& p);
pcs::PcsParams read_params(ByteReader& r);

std::vector<uint8_t> read_file(const std::string& path, const std::string& what);
void write_file(const std::string& path, std::span<const uint8_t> bytes);

}  // namespace zk::io
