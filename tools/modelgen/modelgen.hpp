#pragma once
// zk_modelgen: synthetic ONNX models with seeded pseudo-random weights, laid out the way
// torch.onnx.export lays them out, so the importer, quantizer and prover can be exercised and
// benchmarked on realistic graphs without shipping trained weights or depending on Python.
//
// The weights are not trained; they are scaled (He / LeCun uniform) so that activations stay of
// order one through the whole network, which is what a fixed-point quantizer needs to see.
#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace zk::modelgen {

enum class Kind { kMlp, kLeNet5, kVgg11, kVgg16, kTinyTransformer, kGpt, kGptBlock };
enum class Pool { kMax, kAvg };
// How GPT's causal mask enters the attention scores: an additive constant (0 / -1e4), or
// Where(Trilu(ones), scores, -1e4) as Hugging Face's GPT-2 exports (Trilu needs opset >= 14; at
// opset 13 the lower-triangular boolean mask is an initializer instead).
enum class Mask { kAdditive, kWhere };
// How the MLP's GELU is written: exact, x·0.5·(1 + erf(x/√2)) as nn.GELU() exports; or the tanh
// approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) as GPT-2's "gelu_new" exports.
enum class Gelu { kErf, kTanh };

struct Spec {
  Kind kind = Kind::kMlp;
  uint64_t seed = 0;
  int opset = 17;             // 13..17
  int64_t batch = 1;          // fixed batch size, unless dynamic_batch
  bool dynamic_batch = false; // first dim of input and output becomes the symbol "batch"

  // mlp
  std::vector<int64_t> sizes{784, 256, 128, 10};
  bool mlp_matmul = false;    // MatMul + Add on a [batch, 1, in] input instead of Gemm on [batch, in]

  // lenet5, vgg
  Pool pool = Pool::kMax;

  // vgg
  bool batch_norm = true;
  std::vector<int64_t> vgg_fc{512, 512};  // hidden classifier widths; {} gives 512 -> 10
  // Every conv width divided by this (64..512 -> 8..64 at 8): the same topology at a size that
  // proves in a unit test. The classifier input follows the last conv width.
  int64_t vgg_channel_div = 1;

  // tiny-transformer, gpt and gpt-block
  int64_t width = 64;
  int64_t heads = 4;
  int64_t ff = 0;             // 0: 4 * width
  int64_t seq = 16;           // tiny-transformer sequence length
  // gpt: number of blocks. gpt-block: the depth of the model the block is taken from, which only
  // sets the residual projections' init scale (1/sqrt(2·layers), as GPT-2 initialises them).
  int64_t layers = 2;
  int64_t context = 32;       // gpt and gpt-block sequence length (the whole context is fed at once)
  int64_t vocab = 512;        // gpt
  Mask mask = Mask::kAdditive;
  Gelu gelu = Gelu::kErf;
  // One [width, 3·width] projection split into Q, K, V (GPT-2's and nanoGPT's c_attn, exported as
  // MatMul, Add, Split) instead of three separate projections.
  bool fused_qkv = false;
  bool tie_embeddings = false;  // gpt: LM head = Transpose(token embedding), as GPT-2 ties them
};

struct Model {
  onnx::ModelProto proto;
  // Learnable parameters as PyTorch counts them (sum of p.numel() over parameters()): weights,
  // biases, norm scales and shifts, embeddings; not BatchNorm running statistics, masks or shapes.
  int64_t parameters = 0;
  // Every float element stored in initializers (parameters plus BatchNorm running mean/var and
  // float constants such as the additive mask).
  int64_t float_initializer_elements = 0;
  std::vector<int64_t> input_shape;   // with the batch resolved (1 when dynamic)
  std::vector<int64_t> output_shape;  // likewise
  bool int64_input = false;           // gpt: token ids
};

// Parses "mlp", "lenet5", "vgg11", "vgg16", "tiny-transformer", "gpt", "gpt-block"; throws zk::Error
// otherwise.
Kind parse_kind(const std::string& name);
std::string kind_name(Kind kind);

// The spec `zkinfer-modelgen KIND` starts from. Equal to Spec{.kind = kind} except for gpt-block,
// whose defaults are one block of GPT-2 small: width 768, 12 heads, ff 3072, 64 tokens, tanh GELU,
// residual init of a 12-layer model.
Spec default_spec(Kind kind);

// Builds the model; throws zk::Error on an inconsistent spec (e.g. width not divisible by heads).
Model generate(const Spec& spec);

// Deterministic serialisation: the same spec always gives the same bytes.
std::string serialize(const onnx::ModelProto& proto);
void write_file(const std::string& path, const std::string& bytes);

// A random input for the model in zkinfer's JSON form {"input_data": [[v0, v1, ...]]}, the tensor
// flattened in row-major order. Images are uniform in [0, 1), token ids uniform in [0, vocab),
// transformer activations (tiny-transformer, gpt-block hidden states) uniform in [-1, 1). Derived from spec.seed but independent of the weights.
std::string example_input_json(const Spec& spec);

}  // namespace zk::modelgen
