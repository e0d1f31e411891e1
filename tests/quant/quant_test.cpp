// Quantized vs float on generated models, and quantizer behaviour on small hand-built graphs.
// Tolerances were set from measurements (docs/quantization.md "Measured error") with margin.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <cstdio>
#include <random>

#include "layers/int_graph.hpp"
#include "modelgen.hpp"  // before any header that declares zk::onnx: it names ::onnx unqualified
#include "cli/json_io.hpp"
#include "onnx/import.hpp"
#include "quant/quantizer.hpp"

namespace {

namespace onnx = zk::onnx;
namespace layers = zk::layers;
namespace quant = zk::quant;
namespace modelgen = zk::modelgen;

onnx::Graph import_spec(const modelgen::Spec& spec) {
  auto m = modelgen::generate(spec);
  return onnx::import_bytes(modelgen::serialize(m.proto));
}

std::vector<onnx::Tensor> random_inputs(const onnx::Graph& g, uint64_t seed, float lo, float hi) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<onnx::Tensor> v;
  for (const auto& in : g.inputs) {
    auto t = onnx::Tensor::floats(in.shape);
    for (auto& x : t.f) x = u(rng);
    v.push_back(std::move(t));
  }
  return v;
}

int64_t argmax(const std::vector<float>& v) { return std::max_element(v.begin(), v.end()) - v.begin(); }

struct Stats {
  double worst_rel = 0;
  int agree = 0, total = 0;
};

// Runs `samples` random inputs (uniform in [lo, hi)), reports the worst relative error and how often
// the top-1 class agrees.
Stats measure(const onnx::Graph& g, const layers::IntGraph& ig, int samples, float lo, float hi, const char* label) {
  Stats s;
  for (int k = 0; k < samples; ++k) {
    auto r = quant::run_and_compare(g, ig, random_inputs(g, 1000 + k, lo, hi));
    for (const auto& o : r.outputs) s.worst_rel = std::max(s.worst_rel, o.max_rel_error);
    const auto& o = r.outputs[0];
    s.agree += argmax(o.float_values) == argmax(o.quantized_values);
    s.total++;
  }
  std::printf("[measure] %s: worst max_rel %.5f, top-1 agreement %d/%d\n", label, s.worst_rel, s.agree, s.total);
  return s;
}

TEST(QuantModels, mlp_matches_float) {
  modelgen::Spec spec;
  spec.kind = modelgen::Kind::kMlp;
  auto g = import_spec(spec);
  for (const char* preset : {"accuracy", "cost"}) {
    auto ig = quant::compile(g, quant::QuantConfig::from_preset(preset));
    auto s = measure(g, ig, 8, 0.0f, 1.0f, (std::string("mlp/") + preset).c_str());
    EXPECT_EQ(s.agree, s.total);
    EXPECT_LT(s.worst_rel, std::string(preset) == "accuracy" ? 0.02 : 0.05);
  }
}

TEST(QuantModels, lenet5_matches_float) {
  modelgen::Spec spec;
  spec.kind = modelgen::Kind::kLeNet5;
  auto g = import_spec(spec);
  auto ig = quant::compile(g);
  auto s = measure(g, ig, 6, 0.0f, 1.0f, "lenet5");
  EXPECT_EQ(s.agree, s.total);
  EXPECT_LT(s.worst_rel, 0.02);
}

TEST(QuantModels, lenet5_avgpool_matches_float) {
  modelgen::Spec spec;
  spec.kind = modelgen::Kind::kLeNet5;
  spec.pool = modelgen::Pool::kAvg;
  auto g = import_spec(spec);
  auto ig = quant::compile(g);
  auto s = measure(g, ig, 4, 0.0f, 1.0f, "lenet5-avg");
  EXPECT_EQ(s.agree, s.total);
  EXPECT_LT(s.worst_rel, 0.02);
}

TEST(QuantModels, vgg11_matches_float) {
  modelgen::Spec spec;
  spec.kind = modelgen::Kind::kVgg11;
  auto g = import_spec(spec);
  auto ig = quant::compile(g);
  auto s = measure(g, ig, 3, 0.0f, 1.0f, "vgg11");
  EXPECT_EQ(s.agree, s.total);
  EXPECT_LT(s.worst_rel, 0.05);
}

TEST(QuantModels, tiny_transformer_matches_float) {
  modelgen::Spec spec;
  spec.kind = modelgen::Kind::kTinyTransformer;
  auto g = import_spec(spec);
  auto ig = quant::compile(g);
  bool has_ln = false, has_softmax = false;
  for (const auto& n : ig.nodes) has_ln |= n.op == "layernorm", has_softmax |= n.op == "softmax";
  EXPECT_TRUE(has_ln) << "decomposed LayerNorm was not fused";
  EXPECT_TRUE(has_softmax);
  auto s = measure(g, ig, 4, -1.0f, 1.0f, "tiny-transformer");
  EXPECT_LT(s.worst_rel, 0.05);
}

}  // namespace

namespace {

onnx::Node make_node(const std::string& op, std::vector<std::string> in, std::vector<std::string> out, int opset = 17) {
  onnx::Node n;
  n.op_type = op;
  n.name = op + "_node";
  n.opset = opset;
  n.inputs = std::move(in);
  n.outputs = std::move(out);
  return n;
}

onnx::Graph one_input_graph(onnx::Shape shape, int opset = 17) {
  onnx::Graph g;
  g.opset = opset;
  g.inputs.push_back({"x", onnx::DType::Float32, shape});
  g.values["x"] = g.inputs[0];
  return g;
}

TEST(Quantizer, refuses_unsupported_op_naming_op_and_node) {
  auto g = one_input_graph({1, 4});
  g.nodes.push_back(make_node("Floor", {"x"}, {"y"}));
  g.values["y"] = {"y", onnx::DType::Float32, {1, 4}};
  g.outputs.push_back(g.values["y"]);
  try {
    quant::compile(g);
    FAIL() << "expected Unsupported";
  } catch (const onnx::Unsupported& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("Floor"), std::string::npos) << m;
    EXPECT_NE(m.find("Floor_node"), std::string::npos) << m;
  }
}

TEST(Quantizer, fused_layernormalization_matches_float) {
  auto g = one_input_graph({2, 16});
  auto gamma = onnx::Tensor::floats({16}), beta = onnx::Tensor::floats({16});
  for (int k = 0; k < 16; ++k) gamma.f[k] = 0.8f + 0.025f * k, beta.f[k] = 0.01f * k - 0.05f;
  g.constants["gamma"] = gamma;
  g.constants["beta"] = beta;
  auto n = make_node("LayerNormalization", {"x", "gamma", "beta"}, {"y"});
  g.nodes.push_back(n);
  g.values["y"] = {"y", onnx::DType::Float32, {2, 16}};
  g.outputs.push_back(g.values["y"]);
  auto ig = quant::compile(g);
  // Inputs inside the default calibration range [-1, 1] (outside it, the input saturates by design).
  for (int k = 0; k < 4; ++k) {
    auto r = quant::run_and_compare(g, ig, random_inputs(g, 7 + k, -1.0f, 1.0f));
    EXPECT_LT(r.outputs[0].max_rel_error, 0.01);
  }
}

TEST(Quantizer, softmax_and_sigmoid_lookups_match_float) {
  auto g = one_input_graph({3, 10});
  g.nodes.push_back(make_node("Softmax", {"x"}, {"p"}));
  g.nodes.push_back(make_node("Sigmoid", {"x"}, {"s"}));
  g.values["p"] = {"p", onnx::DType::Float32, {3, 10}};
  g.values["s"] = {"s", onnx::DType::Float32, {3, 10}};
  g.outputs = {g.values["p"], g.values["s"]};
  auto ig = quant::compile(g);
  auto r = quant::run_and_compare(g, ig, random_inputs(g, 3, -1.0f, 1.0f));
  EXPECT_LT(r.outputs[0].max_abs_error, 2e-3);
  EXPECT_LT(r.outputs[1].max_abs_error, 2e-3);
}

// QuantizeLinear -> QLinearMatMul -> DequantizeLinear keeps the model's own scales and zero points.
TEST(Quantizer, qdq_qlinear_matmul_keeps_model_quantization) {
  auto g = one_input_graph({1, 4}, 13);
  auto scalar = [](float v) { return onnx::Tensor::floats({}, {v}); };
  g.constants["xs"] = scalar(0.02f);
  g.constants["xz"] = onnx::Tensor::ints({}, {128}, onnx::DType::UInt8);
  g.constants["w"] = onnx::Tensor::ints({4, 3}, {10, -20, 30, 40, -50, 60, 70, 80, -90, 100, 110, -120}, onnx::DType::Int8);
  g.constants["ws"] = scalar(0.01f);
  g.constants["wz"] = onnx::Tensor::ints({}, {0}, onnx::DType::Int8);
  g.constants["ys"] = scalar(0.05f);
  g.constants["yz"] = onnx::Tensor::ints({}, {128}, onnx::DType::UInt8);
  g.nodes.push_back(make_node("QuantizeLinear", {"x", "xs", "xz"}, {"xq"}, 13));
  g.nodes.push_back(make_node("QLinearMatMul", {"xq", "xs", "xz", "w", "ws", "wz", "ys", "yz"}, {"yq"}, 13));
  g.nodes.push_back(make_node("DequantizeLinear", {"yq", "ys", "yz"}, {"y"}, 13));
  g.values["xq"] = {"xq", onnx::DType::UInt8, {1, 4}};
  g.values["yq"] = {"yq", onnx::DType::UInt8, {1, 3}};
  g.values["y"] = {"y", onnx::DType::Float32, {1, 3}};
  g.outputs.push_back(g.values["y"]);
  auto ig = quant::compile(g);
  for (int s = 0; s < 5; ++s) {
    auto r = quant::run_and_compare(g, ig, random_inputs(g, 40 + s, -2.0f, 2.0f));
    // Same integers up to a tie broken differently (half-even in ONNX, half-up here): one step.
    EXPECT_LE(r.outputs[0].max_abs_error, 0.0501) << "sample " << s;
  }
  // The output tensor carries the model's own (non power-of-two) step.
  EXPECT_NEAR(ig.tensors[ig.outputs[0]].step, 0.05, 1e-9);
}

TEST(Quantizer, presets_change_the_activation_range) {
  EXPECT_EQ(quant::QuantConfig::from_preset("accuracy").activation_bits, 16);
  EXPECT_EQ(quant::QuantConfig::from_preset("cost").activation_bits, 12);
  EXPECT_THROW(quant::QuantConfig::from_preset("fast"), zk::Error);
  auto g = one_input_graph({1, 8});
  g.nodes.push_back(make_node("Tanh", {"x"}, {"y"}));
  g.values["y"] = {"y", onnx::DType::Float32, {1, 8}};
  g.outputs.push_back(g.values["y"]);
  auto table_size = [&](const char* p) {
    auto ig = quant::compile(g, quant::QuantConfig::from_preset(p));
    for (const auto& n : ig.nodes)
      if (n.op == "lookup") return n.vec("table").size();
    return size_t(0);
  };
  EXPECT_GT(table_size("accuracy"), 8 * table_size("cost"));
}

TEST(Quantizer, rejects_nan_input_naming_input_and_index) {
  auto g = one_input_graph({1, 3});
  g.nodes.push_back(make_node("Relu", {"x"}, {"y"}));
  g.values["y"] = {"y", onnx::DType::Float32, {1, 3}};
  g.outputs.push_back(g.values["y"]);
  auto ig = quant::compile(g);
  auto in = onnx::Tensor::floats({1, 3}, {0.f, 1.f, std::numeric_limits<float>::infinity()});
  try {
    quant::quantize_inputs(ig, {in});
    FAIL();
  } catch (const zk::Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("'x'"), std::string::npos) << m;
    EXPECT_NE(m.find("index 2"), std::string::npos) << m;
  }
}

}  // namespace

namespace zk {
namespace {
// Regression: Split emitted one slice per output while holding a reference into the tensor list
// that emit() grows, so the second output read freed memory (std::bad_alloc or worse).
TEST(Quantizer, split_into_several_outputs_compiles_and_runs) {
  for (const char* name : {"test_split_equal_parts_1d", "test_split_equal_parts_2d", "test_split_equal_parts_default_axis"}) {
    const std::string path = std::string("/usr/share/libonnx-testdata/data/node/") + name + "/model.onnx";
    if (FILE* f = std::fopen(path.c_str(), "rb")) {
      std::fclose(f);
    } else {
      GTEST_SKIP() << "libonnx-testdata not installed";
    }
    onnx::Graph g = onnx::import_file(path);
    layers::IntGraph ig = quant::compile(g);
    EXPECT_EQ(ig.outputs.size(), g.outputs.size()) << name;
    std::vector<layers::IntTensor> inputs;
    for (int t : ig.inputs) inputs.emplace_back(ig.tensors[t].shape);
    auto values = layers::execute(ig, inputs);
    for (int t : ig.outputs) EXPECT_EQ(values[t].shape, ig.tensors[t].shape) << name;
  }
}
}  // namespace
}  // namespace zk

namespace zk {
namespace {
// The README's "Supported operators" line is the quantizer's table, so the two cannot drift.
TEST(Quantizer, readme_lists_exactly_the_supported_ops) {
  EXPECT_TRUE(std::is_sorted(quant::supported_ops().begin(), quant::supported_ops().end()));
  std::ifstream readme(std::string(ZK_SOURCE_DIR) + "/README.md");
  ASSERT_TRUE(readme) << "README.md not found";
  std::string line, ops_line;
  bool in_section = false;
  while (std::getline(readme, line)) {
    if (line.rfind("## ", 0) == 0) in_section = line == "## Supported operators";
    if (in_section && line.find("`Add`") != std::string::npos) ops_line = line;
  }
  ASSERT_FALSE(ops_line.empty()) << "no operator line in the README's Supported operators section";
  std::vector<std::string> listed;
  for (size_t a = ops_line.find('`'); a != std::string::npos; a = ops_line.find('`', a + 1)) {
    const size_t b = ops_line.find('`', a + 1);
    ASSERT_NE(b, std::string::npos);
    listed.push_back(ops_line.substr(a + 1, b - a - 1));
    a = b;
  }
  EXPECT_EQ(listed, quant::supported_ops());
}
}  // namespace
}  // namespace zk

// Transformer operators (issue 7): token-id inputs and the embedding, masks, RMSNorm, and
// element-wise chains (SiLU, decomposed GELU) as one lookup.
namespace zk {
namespace {

size_t count_op(const layers::IntGraph& ig, const std::string& op) {
  size_t n = 0;
  for (const auto& node : ig.nodes) n += node.op == op;
  return n;
}

std::vector<onnx::Tensor> random_ids(const onnx::Graph& g, int64_t vocab, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<onnx::Tensor> v;
  for (const auto& in : g.inputs) {
    auto t = onnx::Tensor::ints(in.shape, {}, in.dtype);
    for (auto& x : t.i) x = static_cast<int64_t>(rng() % static_cast<uint64_t>(vocab));
    v.push_back(std::move(t));
  }
  return v;
}

TEST(QuantTransformer, gpt_with_token_ids_matches_float) {
  for (auto mask : {modelgen::Mask::kAdditive, modelgen::Mask::kWhere}) {
    modelgen::Spec spec;
    spec.kind = modelgen::Kind::kGpt;
    spec.layers = 1, spec.width = 32, spec.heads = 2, spec.context = 8, spec.vocab = 37, spec.mask = mask;
    auto g = import_spec(spec);
    auto ig = quant::compile(g);
    ASSERT_EQ(ig.inputs.size(), 1u);
    EXPECT_TRUE(layers::is_index_input(ig.tensors[ig.inputs[0]]));
    EXPECT_EQ(count_op(ig, "embedding"), 1u);
    EXPECT_EQ(count_op(ig, "lookup"), 1u) << "the decomposed GELU is not one lookup";
    double worst = 0;
    for (int k = 0; k < 4; ++k) {
      auto r = quant::run_and_compare(g, ig, random_ids(g, spec.vocab, 50 + k));
      worst = std::max(worst, r.outputs[0].max_rel_error);
    }
    std::printf("[measure] gpt (%s mask): worst max_rel %.5f\n", mask == modelgen::Mask::kAdditive ? "additive" : "where", worst);
    EXPECT_LT(worst, 0.05);
    // Token ids given as floats (the library API's form) quantize to the same integers.
    auto ids = random_ids(g, spec.vocab, 60);
    auto as_float = onnx::Tensor::floats(ids[0].shape);
    for (int64_t j = 0; j < as_float.size(); ++j) as_float.f[j] = static_cast<float>(ids[0].i[j]);
    EXPECT_EQ(quant::quantize_inputs(ig, ids)[0].data, quant::quantize_inputs(ig, {as_float})[0].data);
    as_float.f[3] = 2.5f;
    EXPECT_THROW(quant::quantize_inputs(ig, {as_float}), zk::Error);
    ids[0].i[1] = spec.vocab;  // one past the table: the integer executor refuses it, naming the node
    auto q = quant::quantize_inputs(ig, ids);
    try {
      layers::execute(ig, q);
      ADD_FAILURE() << "an out-of-range token id was executed";
    } catch (const zk::Error& e) {
      EXPECT_NE(std::string(e.what()).find("embedding"), std::string::npos) << e.what();
    }
  }
}

onnx::Graph graph_with(std::vector<onnx::Node> nodes, const std::string& out, onnx::Shape shape) {
  auto g = one_input_graph(shape);
  for (auto& n : nodes) {
    for (const auto& o : n.outputs) g.values[o] = {o, onnx::DType::Float32, shape};
    g.nodes.push_back(std::move(n));
  }
  g.outputs.push_back(g.values[out]);
  return g;
}

onnx::Tensor scalar(float v) { return onnx::Tensor::floats({}, {v}); }

TEST(QuantTransformer, json_integer_inputs_are_parsed_exactly) {
  onnx::Graph g;
  g.inputs.push_back({"ids", onnx::DType::Int64, {1, 3}});
  auto t = cli::parse_inputs(R"({"input_data": [[[7, 3.0, 9007199254740993]]]})", g, "t.json");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].dtype, onnx::DType::Int64);
  EXPECT_EQ(t[0].i, (std::vector<int64_t>{7, 3, 9007199254740993}));  // 2^53 + 1: no detour through double
  auto error = [&](const std::string& text) {
    try {
      cli::parse_inputs(text, g, "t.json");
    } catch (const zk::Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(error(R"({"input_data": [[1, 2.5, 3]]})").find("element 1 is not an integer"), std::string::npos);
  EXPECT_NE(error(R"({"input_data": [[1, 2, 1e30]]})").find("element 2 is outside the int64 range"), std::string::npos);
  EXPECT_NE(error(R"({"input_data": [[1, 2, 9223372036854775808]]})").find("outside the int64 range"), std::string::npos);
  EXPECT_NE(error(R"({"input_data": [[1, NaN, 3]]})").find("non-finite"), std::string::npos);
  EXPECT_NE(error(R"({"input_data": [[1, "a", 3]]})").find("not a number"), std::string::npos);
  for (const auto& text : {R"({"input_data": [[1, 2.5, 3]]})", R"({"input_data": [[1, 2, 1e30]]})"})
    EXPECT_EQ(error(text).find('\n'), std::string::npos);  // one line
  g.inputs[0].dtype = onnx::DType::Int32;
  EXPECT_NE(error(R"({"input_data": [[1, 2, 2147483648]]})").find("outside the int32 range"), std::string::npos);
}

TEST(QuantTransformer, ids_reshaped_before_the_embedding_prove_as_ids) {
  // HF GPT-2 views input_ids as [-1, T] (Reshape) before the token embedding.
  onnx::Graph g;
  g.opset = 17;
  g.inputs.push_back({"ids", onnx::DType::Int64, {6}});
  g.values["ids"] = g.inputs[0];
  g.constants["shape"] = onnx::Tensor::ints({2}, {2, 3});
  auto table = onnx::Tensor::floats({11, 4});
  for (int64_t k = 0; k < table.size(); ++k) table.f[k] = 0.1f * static_cast<float>(k % 7) - 0.3f;
  g.constants["wte"] = table;
  g.nodes.push_back(make_node("Reshape", {"ids", "shape"}, {"ids2"}));
  g.nodes.push_back(make_node("Gather", {"wte", "ids2"}, {"y"}));
  g.values["ids2"] = {"ids2", onnx::DType::Int64, {2, 3}};
  g.values["y"] = {"y", onnx::DType::Float32, {2, 3, 4}};
  g.outputs.push_back(g.values["y"]);
  auto ig = quant::compile(g);
  EXPECT_EQ(count_op(ig, "reshape"), 1u);
  EXPECT_EQ(count_op(ig, "embedding"), 1u);
  auto r = quant::run_and_compare(g, ig, random_ids(g, 11, 3));
  EXPECT_LT(r.outputs[0].max_abs_error, 1e-3);
}

TEST(QuantTransformer, integer_input_used_as_an_activation_is_refused) {
  auto g = graph_with({make_node("Cast", {"x"}, {"y"})}, "y", {1, 4});
  g.inputs[0].dtype = g.values["x"].dtype = onnx::DType::Int64;
  g.nodes[0].attrs["to"].i = 1;
  std::string message;
  try {
    quant::compile(g);
  } catch (const onnx::Unsupported& e) {
    message = e.what();
  }
  EXPECT_NE(message.find("only as Gather indices"), std::string::npos) << message;
}

TEST(QuantTransformer, silu_is_one_lookup) {
  auto g = graph_with({make_node("Sigmoid", {"x"}, {"s"}), make_node("Mul", {"x", "s"}, {"y"})}, "y", {2, 12});
  auto ig = quant::compile(g);
  EXPECT_EQ(count_op(ig, "lookup"), 1u);
  EXPECT_EQ(count_op(ig, "mul"), 0u);
  auto r = quant::run_and_compare(g, ig, random_inputs(g, 5, -1.0f, 1.0f));
  EXPECT_LT(r.outputs[0].max_abs_error, 1e-3);
}

TEST(QuantTransformer, decomposed_gelus_are_one_lookup) {
  // erf form: x·0.5·(1 + erf(x/√2)) as nn.GELU exports it.
  auto erf = graph_with({make_node("Div", {"x", "c_sqrt2"}, {"d"}), make_node("Erf", {"d"}, {"e"}),
                         make_node("Add", {"e", "c_one"}, {"p"}), make_node("Mul", {"x", "p"}, {"m"}),
                         make_node("Mul", {"m", "c_half"}, {"y"})},
                        "y", {3, 10});
  // tanh form: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) as GPT-2's gelu_new traces.
  auto tanh = graph_with({make_node("Pow", {"x", "c_three"}, {"x3"}), make_node("Mul", {"x3", "c_k"}, {"kx3"}),
                          make_node("Add", {"x", "kx3"}, {"inner"}), make_node("Mul", {"inner", "c_s"}, {"si"}),
                          make_node("Tanh", {"si"}, {"t"}), make_node("Add", {"t", "c_one"}, {"p"}),
                          make_node("Mul", {"x", "c_half"}, {"hx"}), make_node("Mul", {"hx", "p"}, {"y"})},
                         "y", {3, 10});
  for (auto* g : {&erf, &tanh}) {
    g->constants["c_sqrt2"] = scalar(1.41421356f);
    g->constants["c_one"] = scalar(1.0f);
    g->constants["c_half"] = scalar(0.5f);
    g->constants["c_three"] = scalar(3.0f);
    g->constants["c_k"] = scalar(0.044715f);
    g->constants["c_s"] = scalar(0.7978845608f);
    auto ig = quant::compile(*g);
    EXPECT_EQ(ig.nodes.size(), 1u) << "expected a single lookup node";
    EXPECT_EQ(count_op(ig, "lookup"), 1u);
    for (int k = 0; k < 3; ++k) {
      auto r = quant::run_and_compare(*g, ig, random_inputs(*g, 20 + k, -1.0f, 1.0f));
      EXPECT_LT(r.outputs[0].max_abs_error, 1e-3);
    }
  }
}

TEST(QuantTransformer, chain_with_an_inner_value_read_elsewhere_is_not_fused) {
  // s = sigmoid(x) is also a graph output, so x·s cannot hide it inside one table.
  auto g = graph_with({make_node("Sigmoid", {"x"}, {"s"}), make_node("Mul", {"x", "s"}, {"y"})}, "y", {2, 6});
  g.outputs.push_back(g.values["s"]);
  auto ig = quant::compile(g);
  EXPECT_EQ(count_op(ig, "mul"), 1u);
  auto r = quant::run_and_compare(g, ig, random_inputs(g, 9, -1.0f, 1.0f));
  EXPECT_LT(r.outputs[0].max_abs_error, 5e-3);
}

TEST(QuantTransformer, affine_chain_stays_linear) {
  // x·3 + 1 needs no table: a scalar mul and an add are cheaper than a 2^16-entry lookup.
  auto g = graph_with({make_node("Mul", {"x", "c_three"}, {"m"}), make_node("Add", {"m", "c_one"}, {"y"})}, "y", {2, 5});
  g.constants["c_three"] = scalar(3.0f);
  g.constants["c_one"] = scalar(1.0f);
  auto ig = quant::compile(g);
  EXPECT_EQ(count_op(ig, "lookup"), 0u);
  EXPECT_EQ(count_op(ig, "mul_const"), 1u);
}

TEST(QuantTransformer, decomposed_rmsnorm_is_one_rmsnorm_layer) {
  for (bool reciprocal : {false, true}) {
    std::vector<onnx::Node> nodes = {make_node("Pow", {"x", "c_two"}, {"sq"}), make_node("ReduceMean", {"sq"}, {"ms"}),
                                     make_node("Add", {"ms", "c_eps"}, {"v"}), make_node("Sqrt", {"v"}, {"rms"})};
    if (reciprocal) {
      nodes.push_back(make_node("Reciprocal", {"rms"}, {"inv"}));
      nodes.push_back(make_node("Mul", {"x", "inv"}, {"n"}));
    } else {
      nodes.push_back(make_node("Div", {"x", "rms"}, {"n"}));
    }
    nodes.push_back(make_node("Mul", {"n", "gamma"}, {"y"}));
    nodes[1].attrs["axes"].kind = onnx::Attribute::Kind::Ints;
    nodes[1].attrs["axes"].ints = {-1};  // opset 17: axes is an attribute
    auto g = graph_with(std::move(nodes), "y", {3, 16});
    for (const char* v : {"ms", "v", "rms", "inv"}) g.values[v].shape = {3, 1};
    g.constants["c_two"] = scalar(2.0f);
    g.constants["c_eps"] = scalar(1e-6f);
    auto gamma = onnx::Tensor::floats({16});
    for (int k = 0; k < 16; ++k) gamma.f[k] = 0.75f + 0.03f * k;
    g.constants["gamma"] = gamma;
    auto ig = quant::compile(g);
    EXPECT_EQ(count_op(ig, "rmsnorm"), 1u) << "reciprocal " << reciprocal;
    EXPECT_EQ(count_op(ig, "lookup"), 0u);
    for (int k = 0; k < 3; ++k) {
      auto r = quant::run_and_compare(g, ig, random_inputs(g, 30 + k, -1.0f, 1.0f));
      EXPECT_LT(r.outputs[0].max_rel_error, 0.01);
    }
  }
}

TEST(QuantTransformer, where_mask_keeps_the_scores_precision) {
  // Softmax(Where(causal, x, -1e4)): masked scores saturate instead of calibrating the scale to 1e4.
  auto g = graph_with({make_node("Where", {"causal", "x", "c_neg"}, {"m"}), make_node("Softmax", {"m"}, {"y"})}, "y", {1, 1, 5, 5});
  std::vector<int64_t> causal(25);
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) causal[i * 5 + j] = j <= i;
  g.constants["causal"] = onnx::Tensor::ints({5, 5}, causal, onnx::DType::Bool);
  g.constants["c_neg"] = scalar(-1e4f);
  auto ig = quant::compile(g);
  for (int k = 0; k < 3; ++k) {
    auto r = quant::run_and_compare(g, ig, random_inputs(g, 40 + k, -1.0f, 1.0f));
    EXPECT_LT(r.outputs[0].max_abs_error, 2e-3);
  }
  // A fill inside x's range is no mask: the select keeps x's full precision.
  auto keep = graph_with({make_node("Where", {"causal", "c_fill", "x"}, {"y"})}, "y", {1, 1, 5, 5});
  keep.constants["causal"] = g.constants["causal"];
  keep.constants["c_fill"] = scalar(0.25f);
  auto kig = quant::compile(keep);
  auto kr = quant::run_and_compare(keep, kig, random_inputs(keep, 44, -1.0f, 1.0f));
  EXPECT_LT(kr.outputs[0].max_abs_error, 2e-4);
  // Without a softmax after it, −1e4 is a value, not a mask: it is kept, not saturated.
  auto plain = graph_with({make_node("Where", {"causal", "x", "c_neg"}, {"y"})}, "y", {1, 1, 5, 5});
  plain.constants["causal"] = g.constants["causal"];
  plain.constants["c_neg"] = g.constants["c_neg"];
  auto pig = quant::compile(plain);
  auto pr = quant::run_and_compare(plain, pig, random_inputs(plain, 46, -1.0f, 1.0f));
  EXPECT_LT(pr.outputs[0].max_rel_error, 1e-3);
  // Only a constant condition is a select.
  auto dyn = graph_with({make_node("Where", {"x", "x", "c_neg"}, {"y"})}, "y", {2, 2});
  dyn.constants["c_neg"] = scalar(-1.0f);
  EXPECT_THROW(quant::compile(dyn), onnx::Unsupported);
}

TEST(QuantTransformer, additive_mask_keeps_the_scores_precision) {
  auto g = graph_with({make_node("Add", {"x", "mask"}, {"m"}), make_node("Softmax", {"m"}, {"y"})}, "y", {1, 1, 6, 6});
  auto mask = onnx::Tensor::floats({1, 1, 6, 6});
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j) mask.f[i * 6 + j] = j > i ? -1e4f : 0.0f;
  g.constants["mask"] = mask;
  auto ig = quant::compile(g);
  for (int k = 0; k < 3; ++k) {
    auto r = quant::run_and_compare(g, ig, random_inputs(g, 45 + k, -1.0f, 1.0f));
    EXPECT_LT(r.outputs[0].max_abs_error, 2e-3);
  }
  // A bias of 0 / −100 read by something else than softmax is a value, not a mask (saturating it
  // would turn −100 into about −32).
  auto bias = graph_with({make_node("Add", {"x", "b"}, {"y"})}, "y", {2, 3});
  bias.constants["b"] = onnx::Tensor::floats({3}, {0.0f, -100.0f, 0.0f});
  auto big = quant::compile(bias);
  auto br = quant::run_and_compare(bias, big, random_inputs(bias, 47, -1.0f, 1.0f));
  EXPECT_LT(br.outputs[0].max_rel_error, 1e-3);
}

}  // namespace
}  // namespace zk
