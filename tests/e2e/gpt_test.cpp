// End to end on generated GPT-2 style models (issue 7), exported the way PyTorch exports them
// (decomposed LayerNorm, GELU as erf or tanh, causal mask as an additive constant or Where): a
// decoder block on float hidden states, and a whole GPT from token ids (embeddings, blocks, final
// LayerNorm, LM head), each through import -> quantize -> setup -> prove -> proof bytes -> verify,
// small enough for CI. What a proof of "this text came out of that model" rests on is checked
// here: the quantizer's fusions turn every decomposed LayerNorm into the proven layernorm layer,
// the proven output is exactly the integer executor's, and a changed output, a changed value in an
// embedding, attention or normalisation proof, or flipped bytes are rejected.
// First: modelgen.hpp names ::onnx::ModelProto as onnx::ModelProto, which zk::onnx would shadow.
#include "modelgen.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "io/formats.hpp"
#include "onnx/import.hpp"
#include "prover/prover.hpp"
#include "quant/quantizer.hpp"
#include "accepts.hpp"
#include "verifier/verifier.hpp"

namespace zk {
namespace {

using layers::IntTensor;

using e2e::accepts;

// GPT-2's block topology at a CI size: 8 tokens, width 32, 2 heads, MLP 64.
modelgen::Spec block_spec(modelgen::Gelu gelu) {
  modelgen::Spec s = modelgen::default_spec(modelgen::Kind::kGptBlock);
  s.seed = 5;
  s.context = 8;
  s.width = 32;
  s.heads = 2;
  s.ff = 64;
  s.gelu = gelu;
  return s;
}

// A whole GPT from token ids at CI size: 2 blocks, 8 tokens, width 32, 2 heads, vocabulary 64.
modelgen::Spec gpt_spec(modelgen::Mask mask) {
  modelgen::Spec s;
  s.kind = modelgen::Kind::kGpt;
  s.seed = 6;
  s.layers = 2;
  s.context = 8;
  s.width = 32;
  s.heads = 2;
  s.vocab = 64;
  s.mask = mask;
  // The Where variant also takes GPT-2's other export forms: tied LM head, fused c_attn + Split.
  s.tie_embeddings = s.fused_qkv = mask == modelgen::Mask::kWhere;
  return s;
}

layers::IntGraph compile_spec(const modelgen::Spec& spec) {
  return quant::compile(onnx::import_bytes(modelgen::serialize(modelgen::generate(spec).proto)));
}

struct Proven {
  layers::IntGraph graph;
  io::VerifyingKey vk;
  std::vector<IntTensor> proven_outputs, executor_outputs;
  std::vector<uint8_t> proof_bytes;
};

// Hidden states in [-1, 1) (as the generator's example input and the default calibration), or
// token ids uniform over the vocabulary.
std::unique_ptr<Proven> prove_spec(const modelgen::Spec& spec) {
  const auto m = modelgen::generate(spec);
  auto p = std::make_unique<Proven>();
  p->graph = compile_spec(spec);
  auto keys = prover::setup(p->graph);
  p->vk = io::read_verifying_key(io::write_verifying_key(keys.vk));
  auto pk = io::read_proving_key(io::write_proving_key(keys.pk));
  std::mt19937_64 rng(11);
  const auto n = static_cast<size_t>(onnx::numel(m.input_shape));
  onnx::Tensor x;
  if (m.int64_input) {
    std::vector<int64_t> ids(n);
    for (auto& v : ids) v = static_cast<int64_t>(rng() % static_cast<uint64_t>(spec.vocab));
    x = onnx::Tensor::ints(m.input_shape, ids);
  } else {
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (auto& e : v) e = u(rng);
    x = onnx::Tensor::floats(m.input_shape, v);
  }
  const auto inputs = quant::quantize_inputs(p->graph, {x});
  auto result = prover::prove(pk, inputs);
  p->proven_outputs = result.outputs;
  p->proof_bytes = io::write_proof(result.proof);
  const auto all = layers::execute(p->graph, inputs);
  for (int t : p->graph.outputs) p->executor_outputs.push_back(all[t]);
  return p;
}

std::vector<size_t> nodes_of(const layers::IntGraph& g, const std::string& op) {
  std::vector<size_t> out;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (g.nodes[i].op == op) out.push_back(i);
  return out;
}

// Every LayerNorm (in a block, ln_1 reads the graph input itself) becomes the proven layernorm
// layer: none of the decomposition's ReduceMean/Sub/Pow/Sqrt survives as a separate integer layer.
void expect_decomposed_layer_norms_fused(const Proven& p, size_t layer_norms, size_t softmaxes) {
  EXPECT_EQ(nodes_of(p.graph, "layernorm").size(), layer_norms);
  for (const auto& n : p.graph.nodes) {
    if (n.name.find("/ln_") == std::string::npos) continue;
    for (const char* part : {"/Sub", "/Pow", "/Sqrt", "/ReduceMean"})
      EXPECT_EQ(n.name.find(part), std::string::npos) << n.op << " " << n.name;
  }
  EXPECT_EQ(nodes_of(p.graph, "softmax").size(), softmaxes);
}

void expect_verified_output_is_executors(const Proven& p, const layers::Shape& shape) {
  std::string why;
  EXPECT_TRUE(accepts(p.vk, p.proof_bytes, &why)) << why;
  ASSERT_EQ(p.proven_outputs.size(), 1u);
  ASSERT_EQ(p.executor_outputs.size(), 1u);
  EXPECT_EQ(p.proven_outputs[0].shape, shape);
  EXPECT_EQ(p.proven_outputs[0].data, p.executor_outputs[0].data);
  const auto proof = io::read_proof(p.proof_bytes);
  ASSERT_EQ(proof.outputs.size(), 1u);
  EXPECT_EQ(proof.outputs[0].data, p.proven_outputs[0].data);
}

void expect_changed_outputs_rejected(const Proven& p) {
  const auto honest = io::read_proof(p.proof_bytes);
  const size_t n = honest.outputs.at(0).data.size();
  for (size_t k : {size_t{0}, n / 2, n - 1}) {
    auto proof = honest;
    proof.outputs[0].data[k] += 1;
    EXPECT_FALSE(accepts(p.vk, io::write_proof(proof))) << "output[" << k << "]";
  }
}

// A value sent in the proof of an attention product (Q·Kᵀ and attention·V, both sides committed),
// of each softmax, layernorm and embedding, changed by one: each must be caught.
void expect_changed_attention_and_norm_values_rejected(const Proven& p) {
  const auto honest = io::read_proof(p.proof_bytes);
  ASSERT_EQ(honest.nodes.size(), p.graph.nodes.size());
  std::vector<size_t> targets = nodes_of(p.graph, "softmax");
  for (const char* op : {"layernorm", "embedding"})
    for (size_t i : nodes_of(p.graph, op)) targets.push_back(i);
  for (size_t i : nodes_of(p.graph, "matmul"))
    if (p.graph.tensors[p.graph.nodes[i].inputs.at(1)].kind != layers::TensorKind::Constant) targets.push_back(i);
  ASSERT_GE(targets.size(), 5u);
  for (size_t i : targets) {
    const size_t values = honest.nodes[i].values.size();
    ASSERT_GT(values, 0u) << p.graph.nodes[i].name;
    for (size_t k : {size_t{0}, values - 1}) {
      auto proof = honest;
      proof.nodes[i].values[k] = proof.nodes[i].values[k] + Fp2::one();
      EXPECT_FALSE(accepts(p.vk, io::write_proof(proof))) << p.graph.nodes[i].op << " " << p.graph.nodes[i].name
                                                          << " value " << k;
    }
  }
}

void expect_flipped_bytes_rejected(const Proven& p) {
  // An even stride from the header to the last opening (models_tests and protocol_tests flip more).
  const size_t n = p.proof_bytes.size();
  for (size_t k = 0; k < 12; ++k) {
    auto bytes = p.proof_bytes;
    bytes[k * (n - 1) / 11] ^= k % 2 ? 0x80 : 0x01;
    EXPECT_FALSE(accepts(p.vk, bytes)) << "byte " << k * (n - 1) / 11 << " of " << n;
  }
}

// One test per GELU form, so that CI proves each block once (ctest runs every test in its own
// process); the checks inside are named by the helpers above.
class GptBlock : public ::testing::TestWithParam<modelgen::Gelu> {};

TEST_P(GptBlock, ProvesFusedLayerNormsAndRejectsEveryTamperedValue) {
  const auto proven = prove_spec(block_spec(GetParam()));
  const Proven& p = *proven;
  expect_decomposed_layer_norms_fused(p, 2, 1);
  expect_verified_output_is_executors(p, {1, 8, 32});
  expect_changed_outputs_rejected(p);
  expect_changed_attention_and_norm_values_rejected(p);
  expect_flipped_bytes_rejected(p);
  // The proof is bound to the model: it fails under the key of the same block with the other GELU
  // form (same weights, a different graph).
  const auto other = GetParam() == modelgen::Gelu::kErf ? modelgen::Gelu::kTanh : modelgen::Gelu::kErf;
  EXPECT_FALSE(accepts(prover::setup(compile_spec(block_spec(other))).vk, p.proof_bytes));
}

INSTANTIATE_TEST_SUITE_P(Gelu, GptBlock, ::testing::Values(modelgen::Gelu::kErf, modelgen::Gelu::kTanh),
                         [](const auto& info) { return info.param == modelgen::Gelu::kErf ? "erf" : "tanh"; });

// The whole decoder from token ids: the embedding lookups by run-time ids, two blocks (separate
// q/k/v projections, or one split c_attn) and the final LayerNorm, the LM head (untied, or tied
// as Transpose of the token table).
class Gpt : public ::testing::TestWithParam<modelgen::Mask> {};

TEST_P(Gpt, ProvesLogitsFromTokenIdsAndRejectsEveryTamperedValue) {
  const auto proven = prove_spec(gpt_spec(GetParam()));
  const Proven& p = *proven;
  EXPECT_EQ(nodes_of(p.graph, "embedding").size(), 1u);  // wpe is read at constant ids: folded
  expect_decomposed_layer_norms_fused(p, 5, 2);
  expect_verified_output_is_executors(p, {1, 8, 64});
  expect_changed_outputs_rejected(p);
  expect_changed_attention_and_norm_values_rejected(p);
  expect_flipped_bytes_rejected(p);
}

INSTANTIATE_TEST_SUITE_P(Mask, Gpt, ::testing::Values(modelgen::Mask::kAdditive, modelgen::Mask::kWhere),
                         [](const auto& info) { return info.param == modelgen::Mask::kAdditive ? "additive" : "where"; });

}  // namespace
}  // namespace zk
