// Quantized vs float on generated models, and quantizer behaviour on small hand-built graphs.
// Tolerances were set from measurements (docs/quantization.md "Measured error") with margin.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>

#include "layers/int_graph.hpp"
#include "modelgen.hpp"
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
