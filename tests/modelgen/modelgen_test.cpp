#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include "common/error.hpp"
#include "modelgen.hpp"

namespace zk::modelgen {
namespace {

Spec spec_of(Kind kind, uint64_t seed = 1) {
  Spec s;
  s.kind = kind;
  s.seed = seed;
  return s;
}

// Output shape as ONNX's own shape inference derives it, with the declared output shape removed
// first so that the check does not just read back what the generator wrote. Symbolic dims come back
// as -1.
std::vector<int64_t> inferred_output_shape(const onnx::ModelProto& proto) {
  onnx::ModelProto m = proto;
  m.mutable_graph()->mutable_output(0)->mutable_type()->mutable_tensor_type()->clear_shape();
  onnx::shape_inference::InferShapes(m, onnx::OpSchemaRegistry::Instance(),
                                     onnx::ShapeInferenceOptions(/*check_type=*/true, /*strict=*/1));
  const auto& tt = m.graph().output(0).type().tensor_type();
  EXPECT_TRUE(tt.has_shape()) << "shape inference left the output shape unknown";
  std::vector<int64_t> dims;
  for (const auto& d : tt.shape().dim()) dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
  return dims;
}

int64_t float_elements(const onnx::ModelProto& proto) {
  int64_t n = 0;
  for (const auto& t : proto.graph().initializer()) {
    if (t.data_type() != onnx::TensorProto::FLOAT) continue;
    int64_t e = 1;
    for (int64_t d : t.dims()) e *= d;
    EXPECT_EQ(static_cast<int64_t>(t.raw_data().size()), e * 4) << t.name();
    n += e;
  }
  return n;
}

std::set<std::string> op_types(const onnx::ModelProto& proto) {
  std::set<std::string> ops;
  for (const auto& n : proto.graph().node()) ops.insert(n.op_type());
  return ops;
}

const onnx::TensorProto& initializer(const onnx::ModelProto& proto, const std::string& name) {
  for (const auto& t : proto.graph().initializer())
    if (t.name() == name) return t;
  throw std::runtime_error("no initializer " + name);
}

// Checker, strict shape inference, the expected output shape, and the parameter tally recomputed
// from the file (PyTorch's count plus the `buffers` that are not parameters).
void validate(const Spec& spec, const std::vector<int64_t>& out_shape, int64_t parameters, int64_t buffers = 0) {
  const Model m = generate(spec);
  SCOPED_TRACE(kind_name(spec.kind) + " opset " + std::to_string(spec.opset));
  ASSERT_NO_THROW(onnx::checker::check_model(m.proto));
  EXPECT_EQ(inferred_output_shape(m.proto), out_shape);
  EXPECT_EQ(m.output_shape.size(), out_shape.size());
  EXPECT_EQ(m.parameters, parameters);
  EXPECT_EQ(m.float_initializer_elements, parameters + buffers);
  EXPECT_EQ(float_elements(m.proto), parameters + buffers);
  EXPECT_EQ(m.proto.graph().input(0).name(), "input");
  EXPECT_EQ(m.proto.graph().output(0).name(), "output");
  EXPECT_EQ(m.proto.graph().input_size(), 1);  // initializers are not listed as graph inputs
}

// Closed forms, independent of the generator's own tally.
int64_t linear_params(int64_t in, int64_t out) { return in * out + out; }
int64_t conv3_params(int64_t in, int64_t out) { return 9 * in * out + out; }
int64_t block_params(int64_t d, int64_t ff) { return 4 * d * d + 2 * d * ff + 9 * d + ff; }

TEST(Modelgen, Mlp) {
  const int64_t p = linear_params(784, 256) + linear_params(256, 128) + linear_params(128, 10);
  EXPECT_EQ(p, 235146);
  Spec s = spec_of(Kind::kMlp);
  validate(s, {1, 10}, p);
  EXPECT_EQ(op_types(generate(s).proto), (std::set<std::string>{"Gemm", "Relu"}));
  s.mlp_matmul = true;
  validate(s, {1, 1, 10}, p);
  EXPECT_EQ(op_types(generate(s).proto), (std::set<std::string>{"MatMul", "Add", "Relu"}));
  s.sizes = {5, 3};
  validate(s, {1, 1, 3}, 18);
}

TEST(Modelgen, LeNet5) {
  const int64_t p = (25 * 6 + 6) + (25 * 6 * 16 + 16) + linear_params(400, 120) + linear_params(120, 84) +
                    linear_params(84, 10);
  EXPECT_EQ(p, 61706);
  Spec s = spec_of(Kind::kLeNet5);
  validate(s, {1, 10}, p);
  EXPECT_TRUE(op_types(generate(s).proto).count("MaxPool"));
  s.pool = Pool::kAvg;
  validate(s, {1, 10}, p);
  EXPECT_TRUE(op_types(generate(s).proto).count("AveragePool"));
}

int64_t vgg_conv_params(const std::vector<int64_t>& channels) {
  int64_t p = 0, in = 3;
  for (int64_t c : channels) {
    p += conv3_params(in, c);
    in = c;
  }
  return p;
}
int64_t sum(const std::vector<int64_t>& v) {
  int64_t s = 0;
  for (int64_t x : v) s += x;
  return s;
}

TEST(Modelgen, Vgg16) {
  const std::vector<int64_t> ch{64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512};
  const int64_t conv = vgg_conv_params(ch);
  EXPECT_EQ(conv, 14714688);
  const int64_t zkcnn_fc = 2 * linear_params(512, 512) + linear_params(512, 10);
  Spec s = spec_of(Kind::kVgg16);
  s.batch_norm = false;
  validate(s, {1, 10}, conv + zkcnn_fc);
  EXPECT_EQ(conv + zkcnn_fc, 15245130);
  s.batch_norm = true;
  validate(s, {1, 10}, conv + zkcnn_fc + 2 * sum(ch), 2 * sum(ch));
  s.vgg_fc = {};
  validate(s, {1, 10}, conv + linear_params(512, 10) + 2 * sum(ch), 2 * sum(ch));
  EXPECT_TRUE(op_types(generate(s).proto).count("BatchNormalization"));
}

TEST(Modelgen, Vgg11) {
  const std::vector<int64_t> ch{64, 128, 256, 256, 512, 512, 512, 512};
  const int64_t fc = 2 * linear_params(512, 512) + linear_params(512, 10);
  Spec s = spec_of(Kind::kVgg11);
  validate(s, {1, 10}, vgg_conv_params(ch) + fc + 2 * sum(ch), 2 * sum(ch));
  s.batch_norm = false;
  s.pool = Pool::kAvg;
  s.opset = 13;
  validate(s, {1, 10}, vgg_conv_params(ch) + fc);
}

TEST(Modelgen, TinyTransformer) {
  Spec s = spec_of(Kind::kTinyTransformer);
  validate(s, {1, 16, 64}, block_params(64, 256));
  const auto ops = op_types(generate(s).proto);
  for (const char* op : {"ReduceMean", "Sub", "Pow", "Sqrt", "Div", "Mul", "Reshape", "Transpose", "MatMul",
                         "Softmax", "Erf", "Constant"})
    EXPECT_TRUE(ops.count(op)) << op;
  s.width = 32;
  s.heads = 8;
  s.seq = 5;
  s.ff = 48;
  s.opset = 13;
  validate(s, {1, 5, 32}, block_params(32, 48));
}

TEST(Modelgen, Gpt) {
  const int64_t d = 64, v = 512, t = 32, l = 2, ff = 256;
  const int64_t p = v * d + t * d + l * block_params(d, ff) + 2 * d + d * v;
  EXPECT_EQ(p, 167680);
  Spec s = spec_of(Kind::kGpt);
  validate(s, {1, t, v}, p, t * t);  // the additive mask is a float constant
  const Model m = generate(s);
  EXPECT_TRUE(m.int64_input);
  EXPECT_EQ(m.proto.graph().input(0).type().tensor_type().elem_type(), onnx::TensorProto::INT64);
  EXPECT_TRUE(op_types(m.proto).count("Gather"));

  s.mask = Mask::kWhere;
  validate(s, {1, t, v}, p);
  EXPECT_TRUE(op_types(generate(s).proto).count("Trilu"));
  s.opset = 13;  // no Trilu before opset 14: a constant boolean mask instead
  validate(s, {1, t, v}, p);
  EXPECT_FALSE(op_types(generate(s).proto).count("Trilu"));
  EXPECT_TRUE(op_types(generate(s).proto).count("Where"));

  s.tie_embeddings = true;
  s.layers = 3;
  s.vocab = 100;
  s.context = 7;
  s.heads = 2;
  s.ff = 0;
  validate(s, {1, 7, 100}, 100 * d + 7 * d + 3 * block_params(d, 4 * d) + 2 * d);
}

TEST(Modelgen, DynamicAndFixedBatch) {
  for (Kind k : {Kind::kMlp, Kind::kLeNet5, Kind::kTinyTransformer, Kind::kGpt}) {
    Spec s = spec_of(k);
    s.dynamic_batch = true;
    const Model m = generate(s);
    ASSERT_NO_THROW(onnx::checker::check_model(m.proto));
    EXPECT_EQ(m.proto.graph().input(0).type().tensor_type().shape().dim(0).dim_param(), "batch");
    const auto out = inferred_output_shape(m.proto);
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out[0], -1) << kind_name(k);
    s.dynamic_batch = false;
    s.batch = 3;
    auto fixed = inferred_output_shape(generate(s).proto);
    ASSERT_FALSE(fixed.empty());
    EXPECT_EQ(fixed[0], 3) << kind_name(k);
  }
}

TEST(Modelgen, EveryOpsetAccepted) {
  for (int opset = 13; opset <= 17; ++opset)
    for (Kind k : {Kind::kLeNet5, Kind::kTinyTransformer, Kind::kGpt}) {
      Spec s = spec_of(k);
      s.opset = opset;
      s.mask = Mask::kWhere;
      const Model m = generate(s);
      EXPECT_NO_THROW(onnx::checker::check_model(m.proto)) << kind_name(k) << " " << opset;
      EXPECT_NO_THROW(inferred_output_shape(m.proto));
    }
}

TEST(Modelgen, Deterministic) {
  for (Kind k : {Kind::kMlp, Kind::kLeNet5, Kind::kVgg11, Kind::kTinyTransformer, Kind::kGpt}) {
    const std::string a = serialize(generate(spec_of(k, 7)).proto);
    EXPECT_EQ(a, serialize(generate(spec_of(k, 7)).proto)) << kind_name(k);
    EXPECT_NE(a, serialize(generate(spec_of(k, 8)).proto)) << kind_name(k);
  }
  const Model a = generate(spec_of(Kind::kLeNet5, 7)), b = generate(spec_of(Kind::kLeNet5, 8));
  for (const char* w : {"conv1.weight", "conv2.weight", "fc1.weight", "fc3.bias"})
    EXPECT_NE(initializer(a.proto, w).raw_data(), initializer(b.proto, w).raw_data()) << w;
  EXPECT_EQ(example_input_json(spec_of(Kind::kLeNet5, 7)), example_input_json(spec_of(Kind::kLeNet5, 7)));
  EXPECT_NE(example_input_json(spec_of(Kind::kLeNet5, 7)), example_input_json(spec_of(Kind::kLeNet5, 8)));
}

// A layer's weights depend on the seed and its own name only, so resizing one layer leaves the others.
TEST(Modelgen, WeightsIndependentOfOtherLayers) {
  Spec a = spec_of(Kind::kMlp), b = spec_of(Kind::kMlp);
  b.sizes = {784, 256, 64, 10};
  EXPECT_EQ(initializer(generate(a).proto, "layers.0.weight").raw_data(),
            initializer(generate(b).proto, "layers.0.weight").raw_data());
}

TEST(Modelgen, WeightScale) {
  // He-uniform bound for fc1 of LeNet-5 is sqrt(6/400); values must fill but not exceed it.
  const Model m = generate(spec_of(Kind::kLeNet5));
  const auto& t = initializer(m.proto, "fc1.weight");
  std::vector<float> w(t.raw_data().size() / 4);
  std::memcpy(w.data(), t.raw_data().data(), t.raw_data().size());
  const float bound = std::sqrt(6.0f / 400.0f);
  float lo = 0, hi = 0;
  double mean = 0;
  for (float x : w) {
    lo = std::min(lo, x);
    hi = std::max(hi, x);
    mean += x;
  }
  mean /= static_cast<double>(w.size());
  EXPECT_GE(lo, -bound);
  EXPECT_LT(hi, bound);
  EXPECT_LT(lo, -0.95f * bound);
  EXPECT_GT(hi, 0.95f * bound);
  EXPECT_LT(std::abs(mean), 0.01 * bound);
}

std::vector<double> json_values(const std::string& json) {
  const std::string head = "{\"input_data\": [[", tail = "]]}\n";
  EXPECT_EQ(json.substr(0, head.size()), head);
  EXPECT_EQ(json.substr(json.size() - tail.size()), tail);
  std::vector<double> v;
  const char* p = json.c_str() + head.size();
  while (*p != ']') {
    char* end = nullptr;
    v.push_back(std::strtod(p, &end));
    EXPECT_NE(end, p);
    p = end;
    if (*p == ',') p += 2;
  }
  return v;
}

TEST(Modelgen, ExampleInput) {
  auto lenet = json_values(example_input_json(spec_of(Kind::kLeNet5)));
  ASSERT_EQ(lenet.size(), 784u);
  EXPECT_TRUE(std::all_of(lenet.begin(), lenet.end(), [](double x) { return x >= 0 && x < 1; }));

  Spec g = spec_of(Kind::kGpt);
  g.vocab = 50;
  g.context = 9;
  g.batch = 2;
  auto ids = json_values(example_input_json(g));
  ASSERT_EQ(ids.size(), 18u);
  for (double x : ids) {
    EXPECT_EQ(x, std::floor(x));
    EXPECT_GE(x, 0);
    EXPECT_LT(x, 50);
  }
  auto tt = json_values(example_input_json(spec_of(Kind::kTinyTransformer)));
  ASSERT_EQ(tt.size(), 16u * 64u);
  EXPECT_TRUE(std::any_of(tt.begin(), tt.end(), [](double x) { return x < 0; }));
}

TEST(Modelgen, RejectsBadSpecs) {
  Spec s = spec_of(Kind::kTinyTransformer);
  s.heads = 5;
  EXPECT_THROW(generate(s), Error);
  s = spec_of(Kind::kLeNet5);
  s.opset = 12;
  EXPECT_THROW(generate(s), Error);
  s.opset = 18;
  EXPECT_THROW(generate(s), Error);
  s = spec_of(Kind::kMlp);
  s.sizes = {10};
  EXPECT_THROW(generate(s), Error);
  s.sizes = {10, 0};
  EXPECT_THROW(generate(s), Error);
  EXPECT_THROW(parse_kind("resnet"), Error);
  EXPECT_EQ(parse_kind("tiny-transformer"), Kind::kTinyTransformer);
}

}  // namespace
}  // namespace zk::modelgen
