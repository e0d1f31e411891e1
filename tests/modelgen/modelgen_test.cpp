#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
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

// One GPT-2 small block: 7,087,872 parameters, as GPT-2's transformer.h.0 counts them.
TEST(Modelgen, GptBlockDefaultsAreGpt2Small) {
  const Spec s = default_spec(Kind::kGptBlock);
  EXPECT_EQ(block_params(768, 3072), 7087872);
  EXPECT_EQ(s.gelu, Gelu::kTanh);
  const Model m = generate(s);
  EXPECT_EQ(m.parameters, 7087872);
  EXPECT_EQ(m.input_shape, (std::vector<int64_t>{1, 64, 768}));
  EXPECT_FALSE(m.int64_input);
  // Every other kind starts from the plain Spec.
  EXPECT_EQ(default_spec(Kind::kGpt).width, Spec{}.width);
}

TEST(Modelgen, GptBlock) {
  Spec s = spec_of(Kind::kGptBlock);
  s.context = 12;
  validate(s, {1, 12, 64}, block_params(64, 256), 12 * 12);  // the additive mask
  auto ops = op_types(generate(s).proto);
  EXPECT_FALSE(ops.count("Gather"));
  EXPECT_TRUE(ops.count("Erf"));
  s.gelu = Gelu::kTanh;
  s.mask = Mask::kWhere;
  validate(s, {1, 12, 64}, block_params(64, 256));
  ops = op_types(generate(s).proto);
  for (const char* op : {"Tanh", "Pow", "Trilu", "Where"}) EXPECT_TRUE(ops.count(op)) << op;
  EXPECT_FALSE(ops.count("Erf"));
  // GPT-2's c_attn: one [64, 192] projection and a Split, the same parameter count as q/k/v.
  s.fused_qkv = true;
  s.opset = 13;
  validate(s, {1, 12, 64}, block_params(64, 256));
  const Model m = generate(s);
  EXPECT_TRUE(op_types(m.proto).count("Split"));
  EXPECT_EQ(initializer(m.proto, "transformer.h.0.attn.c_attn.weight").dims(1), 192);
}

TEST(Modelgen, DynamicAndFixedBatch) {
  for (Kind k : {Kind::kMlp, Kind::kLeNet5, Kind::kTinyTransformer, Kind::kGpt, Kind::kGptBlock}) {
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
    for (Kind k : {Kind::kLeNet5, Kind::kTinyTransformer, Kind::kGpt, Kind::kGptBlock}) {
      Spec s = spec_of(k);
      s.opset = opset;
      s.mask = Mask::kWhere;
      s.gelu = Gelu::kTanh;
      const Model m = generate(s);
      EXPECT_NO_THROW(onnx::checker::check_model(m.proto)) << kind_name(k) << " " << opset;
      EXPECT_NO_THROW(inferred_output_shape(m.proto));
    }
}

TEST(Modelgen, Deterministic) {
  for (Kind k : {Kind::kMlp, Kind::kLeNet5, Kind::kVgg11, Kind::kTinyTransformer, Kind::kGpt, Kind::kGptBlock}) {
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
  Spec blk = spec_of(Kind::kGptBlock);
  blk.context = 5;
  auto hs = json_values(example_input_json(blk));
  ASSERT_EQ(hs.size(), 5u * 64u);
  EXPECT_TRUE(std::all_of(hs.begin(), hs.end(), [](double x) { return x >= -1 && x < 1; }));
  EXPECT_TRUE(std::any_of(hs.begin(), hs.end(), [](double x) { return x < 0; }));
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
  EXPECT_EQ(parse_kind("gpt-block"), Kind::kGptBlock);
  s = spec_of(Kind::kGptBlock);
  s.context = 0;
  EXPECT_THROW(generate(s), Error);
  s = spec_of(Kind::kGptBlock);
  s.heads = 3;
  EXPECT_THROW(generate(s), Error);
}


// ---------------------------------------------------------------------------------------------
// A deliberately naive float evaluator for exactly the ops the generator emits. It lets the tests
// check what a checker cannot: that the graphs compute, and that the weight scaling keeps every
// intermediate tensor of order one (what a fixed-point quantizer needs).
namespace ref {

struct Tensor {
  std::vector<int64_t> shape;
  std::vector<float> v;
  int64_t size() const { return static_cast<int64_t>(v.size()); }
};

std::vector<int64_t> strides(const std::vector<int64_t>& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (int i = static_cast<int>(s.size()) - 2; i >= 0; --i) st[i] = st[i + 1] * s[i + 1];
  return st;
}

Tensor from_proto(const onnx::TensorProto& t) {
  Tensor r;
  r.shape.assign(t.dims().begin(), t.dims().end());
  int64_t n = 1;
  for (int64_t d : r.shape) n *= d;
  r.v.resize(static_cast<size_t>(n));
  const std::string& raw = t.raw_data();
  for (int64_t i = 0; i < n; ++i) {
    if (t.data_type() == onnx::TensorProto::FLOAT) {
      std::memcpy(&r.v[i], raw.data() + 4 * i, 4);
    } else if (t.data_type() == onnx::TensorProto::INT64) {
      int64_t x;
      std::memcpy(&x, raw.data() + 8 * i, 8);
      r.v[i] = static_cast<float>(x);
    } else {
      r.v[i] = raw[i] ? 1.0f : 0.0f;  // BOOL
    }
  }
  return r;
}

template <class F>
Tensor broadcast(const Tensor& a, const Tensor& b, F f) {
  const size_t rank = std::max(a.shape.size(), b.shape.size());
  auto pad = [&](std::vector<int64_t> s) {
    s.insert(s.begin(), rank - s.size(), 1);
    return s;
  };
  const auto as = pad(a.shape), bs = pad(b.shape);
  Tensor r;
  for (size_t i = 0; i < rank; ++i) r.shape.push_back(std::max(as[i], bs[i]));
  const auto rst = strides(r.shape), ast = strides(as), bst = strides(bs);
  int64_t n = 1;
  for (int64_t d : r.shape) n *= d;
  r.v.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    int64_t ia = 0, ib = 0;
    for (size_t k = 0; k < rank; ++k) {
      const int64_t c = (i / rst[k]) % r.shape[k];
      if (as[k] != 1) ia += c * ast[k];
      if (bs[k] != 1) ib += c * bst[k];
    }
    r.v[i] = f(a.v[ia], b.v[ib]);
  }
  return r;
}

// [..., m, k] x [..., k, n] with the leading dims broadcast (one side may be 2-D).
Tensor matmul(const Tensor& a, const Tensor& b) {
  const int64_t m = a.shape[a.shape.size() - 2], k = a.shape.back(), n = b.shape.back();
  const int64_t a_batch = a.size() / (m * k), b_batch = b.size() / (k * n);
  const int64_t batch = std::max(a_batch, b_batch);
  Tensor r;
  r.shape = a_batch >= b_batch ? a.shape : b.shape;
  r.shape[r.shape.size() - 2] = m;
  r.shape.back() = n;
  r.v.assign(static_cast<size_t>(batch * m * n), 0.0f);
  for (int64_t t = 0; t < batch; ++t) {
    const float* A = a.v.data() + (a_batch == 1 ? 0 : t) * m * k;
    const float* B = b.v.data() + (b_batch == 1 ? 0 : t) * k * n;
    float* R = r.v.data() + t * m * n;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t p = 0; p < k; ++p)
        for (int64_t j = 0; j < n; ++j) R[i * n + j] += A[i * k + p] * B[p * n + j];
  }
  return r;
}

Tensor transpose(const Tensor& a, const std::vector<int64_t>& perm) {
  Tensor r;
  for (int64_t p : perm) r.shape.push_back(a.shape[p]);
  r.v.resize(a.v.size());
  const auto ast = strides(a.shape), rst = strides(r.shape);
  for (int64_t i = 0; i < a.size(); ++i) {
    int64_t src = 0;
    for (size_t k = 0; k < perm.size(); ++k) src += ((i / rst[k]) % r.shape[k]) * ast[perm[k]];
    r.v[i] = a.v[src];
  }
  return r;
}

const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}
std::vector<int64_t> ints(const onnx::NodeProto& n, const std::string& name) {
  const auto* a = find_attr(n, name);
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : std::vector<int64_t>{};
}

// Runs the graph; calls `seen(node, output)` for every node output.
template <class Seen>
Tensor run(const onnx::ModelProto& m, const Tensor& input, Seen seen) {
  std::map<std::string, Tensor> env;
  for (const auto& t : m.graph().initializer()) env[t.name()] = from_proto(t);
  env["input"] = input;
  for (const auto& n : m.graph().node()) {
    auto in = [&](int i) -> const Tensor& { return env.at(n.input(i)); };
    const std::string& op = n.op_type();
    Tensor r;
    auto unary = [&](auto f) {
      r = in(0);
      for (auto& x : r.v) x = f(x);
    };
    if (op == "Constant") r = from_proto(find_attr(n, "value")->t());
    else if (op == "Add") r = broadcast(in(0), in(1), [](float a, float b) { return a + b; });
    else if (op == "Sub") r = broadcast(in(0), in(1), [](float a, float b) { return a - b; });
    else if (op == "Mul") r = broadcast(in(0), in(1), [](float a, float b) { return a * b; });
    else if (op == "Div") r = broadcast(in(0), in(1), [](float a, float b) { return a / b; });
    else if (op == "Pow") r = broadcast(in(0), in(1), [](float a, float b) { return std::pow(a, b); });
    else if (op == "Relu") unary([](float x) { return std::max(x, 0.0f); });
    else if (op == "Sqrt") unary([](float x) { return std::sqrt(x); });
    else if (op == "Erf") unary([](float x) { return std::erf(x); });
    else if (op == "Tanh") unary([](float x) { return std::tanh(x); });
    else if (op == "MatMul") r = matmul(in(0), in(1));
    else if (op == "Gemm") {
      r = matmul(in(0), transpose(in(1), {1, 0}));
      r = broadcast(r, in(2), [](float a, float b) { return a + b; });
    } else if (op == "Transpose") r = transpose(in(0), ints(n, "perm"));
    else if (op == "Reshape" || op == "Flatten") {
      r = in(0);
      if (op == "Flatten") r.shape = {r.shape[0], r.size() / r.shape[0]};
      else {
        std::vector<int64_t> s;
        for (size_t i = 0; i < in(1).v.size(); ++i)
          s.push_back(in(1).v[i] == 0 ? in(0).shape[i] : static_cast<int64_t>(in(1).v[i]));
        r.shape = s;
      }
    } else if (op == "ReduceMean" || op == "Softmax") {
      r = in(0);
      const int64_t d = r.shape.back();
      if (op == "ReduceMean") r.shape.back() = 1;
      if (op == "ReduceMean") r.v.resize(r.v.size() / d);
      for (int64_t row = 0; row < in(0).size() / d; ++row) {
        const float* x = in(0).v.data() + row * d;
        if (op == "ReduceMean") {
          double s = 0;
          for (int64_t j = 0; j < d; ++j) s += x[j];
          r.v[row] = static_cast<float>(s / d);
        } else {
          const float mx = *std::max_element(x, x + d);
          double s = 0;
          for (int64_t j = 0; j < d; ++j) s += std::exp(x[j] - mx);
          for (int64_t j = 0; j < d; ++j) r.v[row * d + j] = static_cast<float>(std::exp(x[j] - mx) / s);
        }
      }
    } else if (op == "Gather") {
      const Tensor &data = in(0), &idx = in(1);
      const int64_t row = data.shape[1];
      r.shape = idx.shape;
      r.shape.push_back(row);
      for (float i : idx.v)
        r.v.insert(r.v.end(), data.v.begin() + static_cast<int64_t>(i) * row,
                   data.v.begin() + (static_cast<int64_t>(i) + 1) * row);
    } else if (op == "Split") {  // along the last axis, into equal parts (all the generator emits)
      const Tensor& x = in(0);
      const int64_t parts = n.output_size(), d = x.shape.back() / parts;
      for (int64_t o = 0; o < parts; ++o) {
        Tensor part;
        part.shape = x.shape;
        part.shape.back() = d;
        for (int64_t row = 0; row < x.size() / x.shape.back(); ++row)
          part.v.insert(part.v.end(), x.v.begin() + row * x.shape.back() + o * d,
                        x.v.begin() + row * x.shape.back() + (o + 1) * d);
        if (o > 0) env[n.output(o)] = part;
        else r = std::move(part);
      }
    } else if (op == "Trilu") {
      r = in(0);
      const int64_t c = r.shape[1];
      for (int64_t i = 0; i < r.size(); ++i)
        if (i % c > i / c) r.v[i] = 0;
    } else if (op == "Where") {
      auto keep = broadcast(in(0), in(1), [](float c, float x) { return c != 0 ? x : NAN; });
      r = broadcast(keep, in(2), [](float x, float y) { return std::isnan(x) ? y : x; });
    } else if (op == "BatchNormalization") {
      r = in(0);
      const int64_t c = r.shape[1], hw = r.size() / (r.shape[0] * c);
      for (int64_t i = 0; i < r.size(); ++i) {
        const int64_t ch = (i / hw) % c;
        r.v[i] = (r.v[i] - in(3).v[ch]) / std::sqrt(in(4).v[ch] + 1e-5f) * in(1).v[ch] + in(2).v[ch];
      }
    } else if (op == "Conv") {
      const Tensor &x = in(0), &w = in(1), &b = in(2);
      const int64_t N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
      const int64_t O = w.shape[0], K = w.shape[2], P = ints(n, "pads")[0];
      const int64_t OH = H + 2 * P - K + 1, OW = W + 2 * P - K + 1;
      r.shape = {N, O, OH, OW};
      r.v.assign(static_cast<size_t>(N * O * OH * OW), 0.0f);
      for (int64_t bn = 0; bn < N; ++bn)
        for (int64_t o = 0; o < O; ++o) {
          float* out = r.v.data() + (bn * O + o) * OH * OW;
          for (int64_t i = 0; i < OH * OW; ++i) out[i] = b.v[o];
          for (int64_t c = 0; c < C; ++c)
            for (int64_t ky = 0; ky < K; ++ky)
              for (int64_t kx = 0; kx < K; ++kx) {
                const float wv = w.v[((o * C + c) * K + ky) * K + kx];
                for (int64_t oy = 0; oy < OH; ++oy) {
                  const int64_t iy = oy + ky - P;
                  if (iy < 0 || iy >= H) continue;
                  for (int64_t ox = 0; ox < OW; ++ox) {
                    const int64_t ix = ox + kx - P;
                    if (ix >= 0 && ix < W) out[oy * OW + ox] += wv * x.v[((bn * C + c) * H + iy) * W + ix];
                  }
                }
              }
        }
    } else if (op == "MaxPool" || op == "AveragePool") {
      const Tensor& x = in(0);
      const int64_t NC = x.shape[0] * x.shape[1], H = x.shape[2], W = x.shape[3];
      r.shape = {x.shape[0], x.shape[1], H / 2, W / 2};
      for (int64_t c = 0; c < NC; ++c)
        for (int64_t y = 0; y < H / 2; ++y)
          for (int64_t xx = 0; xx < W / 2; ++xx) {
            const float* p = x.v.data() + c * H * W + 2 * y * W + 2 * xx;
            const float a = p[0], b = p[1], cc = p[W], d = p[W + 1];
            r.v.push_back(op == "MaxPool" ? std::max({a, b, cc, d}) : (a + b + cc + d) / 4);
          }
    } else {
      ADD_FAILURE() << "reference evaluator lacks " << op;
      return {};
    }
    seen(n, r);
    env[n.output(0)] = std::move(r);
  }
  return env.at("output");
}

}  // namespace ref

double rms(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += static_cast<double>(x) * x;
  return std::sqrt(s / static_cast<double>(v.size()));
}

// Evaluates the model on its example input and bounds the RMS of every Conv/Gemm/MatMul/Add/Relu
// output: no collapse to zero, no blow-up, through 13 VGG layers or a GPT stack alike.
void check_activations(const Spec& spec, const std::vector<int64_t>& out_shape) {
  SCOPED_TRACE(kind_name(spec.kind));
  const Model m = generate(spec);
  ref::Tensor x;
  x.shape = m.input_shape;
  for (double v : json_values(example_input_json(spec))) x.v.push_back(static_cast<float>(v));
  double lo = 1e9, hi = 0;
  std::string lo_at, hi_at;
  const auto out = ref::run(m.proto, x, [&](const onnx::NodeProto& n, const ref::Tensor& t) {
    static const std::set<std::string> tracked{"Conv", "Gemm", "MatMul", "Add", "Relu", "BatchNormalization"};
    if (!tracked.count(n.op_type())) return;
    // The additive causal mask puts -1e4 on masked scores by design; Softmax flattens it again.
    if (n.input_size() > 1 && n.input(1) == "causal_mask") return;
    for (float v : t.v) ASSERT_TRUE(std::isfinite(v)) << n.name();
    const double r = rms(t.v);
    if (r < lo) lo = r, lo_at = n.name();
    if (r > hi) hi = r, hi_at = n.name();
  });
  EXPECT_EQ(out.shape, out_shape);
  EXPECT_GT(lo, 0.05) << lo_at;
  EXPECT_LT(hi, 20.0) << hi_at;
  std::printf("  %-16s activation RMS in [%.3f (%s), %.3f (%s)], output RMS %.3f\n", kind_name(spec.kind).c_str(), lo,
              lo_at.c_str(), hi, hi_at.c_str(), rms(out.v));
}

TEST(Modelgen, ActivationsStayOrderOne) {
  check_activations(spec_of(Kind::kMlp), {1, 10});
  check_activations(spec_of(Kind::kLeNet5), {1, 10});
  Spec avg = spec_of(Kind::kLeNet5);
  avg.pool = Pool::kAvg;
  check_activations(avg, {1, 10});
  check_activations(spec_of(Kind::kVgg11), {1, 10});
  check_activations(spec_of(Kind::kVgg16), {1, 10});
  Spec nobn = spec_of(Kind::kVgg16);
  nobn.batch_norm = false;
  check_activations(nobn, {1, 10});
  check_activations(spec_of(Kind::kTinyTransformer), {1, 16, 64});
  Spec g = spec_of(Kind::kGpt);
  g.layers = 4;
  check_activations(g, {1, 32, 512});
  g.mask = Mask::kWhere;
  g.tie_embeddings = true;
  g.gelu = Gelu::kTanh;
  g.fused_qkv = true;
  check_activations(g, {1, 32, 512});
  Spec blk = default_spec(Kind::kGptBlock);
  blk.context = 16;  // GPT-2 small's width and heads; fewer tokens keep the naive evaluator quick
  check_activations(blk, {1, 16, 768});
}

// The two GELU forms differ by at most ~1e-3 per element (the tanh approximation's error), so the
// same block with the same weights must give nearly the same output; a wrong constant or operand
// order in either form would not.
TEST(Modelgen, TanhAndErfGeluAgree) {
  Spec s = spec_of(Kind::kGptBlock);
  s.context = 6;
  ref::Tensor x{{1, 6, 64}, {}};
  for (double v : json_values(example_input_json(s))) x.v.push_back(static_cast<float>(v));
  const auto erf = ref::run(generate(s).proto, x, [](auto&, auto&) {});
  s.gelu = Gelu::kTanh;
  double gelu_max = 0;
  const auto tanh = ref::run(generate(s).proto, x, [&](const onnx::NodeProto& n, const ref::Tensor& t) {
    if (n.name().find("/act/") == std::string::npos) return;
    for (float v : t.v) gelu_max = std::max(gelu_max, static_cast<double>(std::abs(v)));
  });
  EXPECT_GT(gelu_max, 0.5);
  ASSERT_EQ(erf.v.size(), tanh.v.size());
  double diff = 0, mag = 0;
  for (size_t i = 0; i < erf.v.size(); ++i) {
    diff = std::max(diff, static_cast<double>(std::abs(erf.v[i] - tanh.v[i])));
    mag = std::max(mag, static_cast<double>(std::abs(erf.v[i])));
  }
  EXPECT_GT(diff, 0.0);  // the forms are different graphs
  EXPECT_LT(diff, 5e-3 * mag);
}

// The causal mask must make position i independent of inputs after i: changing input element `at`
// (of position `pos`) leaves every output row before `pos` as it was and changes a later one.
void expect_causal(const Spec& s, const ref::Tensor& a, int64_t at, float value, int64_t pos) {
  const Model m = generate(s);
  ref::Tensor b = a;
  b.v[at] = value;
  const auto ya = ref::run(m.proto, a, [](auto&, auto&) {}), yb = ref::run(m.proto, b, [](auto&, auto&) {});
  const int64_t before = pos * (ya.size() / s.context);
  for (int64_t i = 0; i < before; ++i) EXPECT_NEAR(ya.v[i], yb.v[i], 1e-5) << i;
  EXPECT_NE(std::vector<float>(ya.v.begin() + before, ya.v.end()), std::vector<float>(yb.v.begin() + before, yb.v.end()));
}

TEST(Modelgen, GptBlockIsCausal) {
  for (Mask mask : {Mask::kAdditive, Mask::kWhere}) {
    Spec s = spec_of(Kind::kGptBlock);
    s.mask = mask;
    s.context = 6;
    s.width = 16;
    s.heads = 2;
    ref::Tensor a{{1, 6, 16}, {}};
    for (double v : json_values(example_input_json(s))) a.v.push_back(static_cast<float>(v));
    expect_causal(s, a, 4 * 16 + 3, a.v[4 * 16 + 3] + 0.5f, 4);
  }
}

TEST(Modelgen, GptIsCausal) {
  for (Mask mask : {Mask::kAdditive, Mask::kWhere}) {
    Spec s = spec_of(Kind::kGpt);
    s.mask = mask;
    s.context = 8;
    s.vocab = 20;
    s.fused_qkv = mask == Mask::kWhere;
    expect_causal(s, ref::Tensor{{1, 8}, {1, 2, 3, 4, 5, 6, 7, 8}}, 5, 19, 5);
  }
}

}  // namespace
}  // namespace zk::modelgen
