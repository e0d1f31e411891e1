#include "modelgen.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <string_view>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "common/error.hpp"

// Tensors are written as raw_data, which ONNX defines as little-endian; copying host floats is only
// correct on a little-endian host.
static_assert(std::endian::native == std::endian::little, "modelgen writes raw_data by memcpy");

namespace zk::modelgen {
namespace {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// xoshiro256**, one stream per tensor name: a tensor's values depend only on (seed, name), so
// changing one layer's size leaves every other layer's weights unchanged. Hand-rolled rather than
// <random> because the standard distributions are not bit-identical across library implementations.
class Rng {
 public:
  Rng(uint64_t seed, std::string_view stream) {
    uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a
    for (char c : stream) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
    uint64_t state = seed ^ splitmix64(h);
    for (auto& word : s_) word = splitmix64(state);
  }
  uint64_t next() {
    const uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = std::rotl(s_[3], 45);
    return result;
  }
  // Uniform in [-1, 1) with 24 random bits; exactly representable, so scaling it by a float bound
  // rounds once and the result does not depend on FMA contraction.
  float symmetric() { return static_cast<float>(static_cast<int64_t>(next() >> 39) - (1 << 24)) * 0x1p-24f; }
  // Uniform in [lo, hi).
  float range(float lo, float hi) {
    const double u = static_cast<double>(next() >> 40) * 0x1p-24;
    return static_cast<float>(static_cast<double>(lo) + (static_cast<double>(hi) - lo) * u);
  }
  uint64_t below(uint64_t n) { return next() % n; }  // bias ≤ n/2^64, irrelevant for test inputs

 private:
  uint64_t s_[4];
};

int64_t product(const std::vector<int64_t>& dims) {
  return std::accumulate(dims.begin(), dims.end(), int64_t{1}, std::multiplies<>());
}

void set_raw(onnx::TensorProto& t, const void* data, size_t bytes) {
  t.set_raw_data(std::string(static_cast<const char*>(data), bytes));
}

onnx::AttributeProto& attr(onnx::NodeProto& n, const char* name, onnx::AttributeProto::AttributeType type) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(type);
  return *a;
}
void attr_int(onnx::NodeProto& n, const char* name, int64_t v) { attr(n, name, onnx::AttributeProto::INT).set_i(v); }
void attr_float(onnx::NodeProto& n, const char* name, float v) {
  attr(n, name, onnx::AttributeProto::FLOAT).set_f(v);
}
void attr_ints(onnx::NodeProto& n, const char* name, std::initializer_list<int64_t> v) {
  auto& a = attr(n, name, onnx::AttributeProto::INTS);
  for (int64_t x : v) a.add_ints(x);
}

// Builds one graph the way torch.onnx.export names things: nodes "/scope/Op", their outputs
// "/scope/Op_output_0", initializers by state_dict key. Keeps the parameter tallies as it goes.
class Builder {
 public:
  explicit Builder(const Spec& spec) : spec_(spec) {
    if (spec.opset < 13 || spec.opset > 17) throw Error("modelgen: opset must be in 13..17, got " + std::to_string(spec.opset));
    if (!spec.dynamic_batch && spec.batch < 1) throw Error("modelgen: batch must be >= 1");
    g_ = model_.mutable_graph();
    g_->set_name("main_graph");
  }

  const Spec& spec() const { return spec_; }
  int64_t batch() const { return spec_.dynamic_batch ? 1 : spec_.batch; }
  // Leading dim of a Reshape target: 0 ("copy the input's dim") keeps a symbolic batch symbolic.
  int64_t reshape_batch() const { return spec_.dynamic_batch ? 0 : spec_.batch; }

  std::string node(const std::string& op, const std::string& scope, std::vector<std::string> inputs,
                   const std::function<void(onnx::NodeProto&)>& attrs = {}) {
    std::string name = scope + "/" + op;
    if (int& uses = name_uses_[name]; uses++ > 0) name += "_" + std::to_string(uses - 1);
    auto* n = g_->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (auto& in : inputs) n->add_input(std::move(in));
    n->add_output(name + "_output_0");
    if (attrs) attrs(*n);
    return n->output(0);
  }

  // A learnable tensor, uniform in [-bound, bound).
  std::string weight(const std::string& name, const std::vector<int64_t>& dims, float bound) {
    Rng rng(spec_.seed, name);
    std::vector<float> v(static_cast<size_t>(product(dims)));
    for (auto& x : v) x = bound * rng.symmetric();
    parameters_ += static_cast<int64_t>(v.size());
    return add_float(name, dims, v);
  }
  // A learnable tensor uniform in [lo, hi) (norm scales), or a buffer that PyTorch does not count as
  // a parameter (BatchNorm running statistics).
  std::string weight_range(const std::string& name, const std::vector<int64_t>& dims, float lo, float hi,
                           bool learnable = true) {
    Rng rng(spec_.seed, name);
    std::vector<float> v(static_cast<size_t>(product(dims)));
    for (auto& x : v) x = rng.range(lo, hi);
    if (learnable) parameters_ += static_cast<int64_t>(v.size());
    return add_float(name, dims, v);
  }

  std::string add_float(const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& v) {
    auto* t = g_->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->add_dims(d);
    set_raw(*t, v.data(), v.size() * sizeof(float));
    float_elements_ += static_cast<int64_t>(v.size());
    return name;
  }
  std::string add_int64(const std::string& name, const std::vector<int64_t>& dims, const std::vector<int64_t>& v) {
    auto* t = g_->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    for (int64_t d : dims) t->add_dims(d);
    set_raw(*t, v.data(), v.size() * sizeof(int64_t));
    return name;
  }
  bool has_initializer(const std::string& name) const {
    for (const auto& t : g_->initializer())
      if (t.name() == name) return true;
    return false;
  }
  std::string add_bool(const std::string& name, const std::vector<int64_t>& dims, const std::vector<uint8_t>& v) {
    auto* t = g_->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::BOOL);
    for (int64_t d : dims) t->add_dims(d);
    set_raw(*t, v.data(), v.size());
    return name;
  }
  // Shape operands of Reshape are shared per distinct shape.
  std::string shape_const(const std::vector<int64_t>& shape) {
    std::string name = "shape";
    for (int64_t d : shape) {
      name += d < 0 ? "_m" : "_";
      name += std::to_string(d < 0 ? -d : d);
    }
    if (shapes_.insert(name).second) add_int64(name, {static_cast<int64_t>(shape.size())}, shape);
    return name;
  }
  // A 0-d float Constant node, which is how the exporter emits literal scalars (2.0 in Pow, eps, ...).
  std::string scalar(const std::string& scope, float value) {
    return node("Constant", scope, {}, [&](onnx::NodeProto& n) {
      auto& a = attr(n, "value", onnx::AttributeProto::TENSOR);
      auto* t = a.mutable_t();
      t->set_data_type(onnx::TensorProto::FLOAT);
      set_raw(*t, &value, sizeof value);
    });
  }

  void input(const std::string& name, onnx::TensorProto::DataType type, const std::vector<int64_t>& dims) {
    value_info(g_->add_input(), name, type, dims);
  }
  void output(const std::string& from, const std::string& name, const std::vector<int64_t>& dims) {
    // The exporter names the graph output after the module's return; an Identity would add a node,
    // so the last node's output is renamed instead.
    for (auto& n : *g_->mutable_node())
      for (auto& o : *n.mutable_output())
        if (o == from) o = name;
    value_info(g_->add_output(), name, onnx::TensorProto::FLOAT, dims);
  }

  Model finish(const std::vector<int64_t>& input_shape, const std::vector<int64_t>& output_shape, bool int64_input,
               const std::string& description) {
    model_.set_ir_version(spec_.opset >= 15 ? 8 : 7);  // what ONNX pairs with each opset
    model_.set_producer_name("zkinfer-modelgen");
    model_.set_producer_version("1");
    model_.set_doc_string(description);
    auto* opset = model_.add_opset_import();
    opset->set_domain("");
    opset->set_version(spec_.opset);
    auto meta = [&](const char* k, const std::string& v) {
      auto* p = model_.add_metadata_props();
      p->set_key(k);
      p->set_value(v);
    };
    meta("zkinfer.modelgen.kind", kind_name(spec_.kind));
    meta("zkinfer.modelgen.seed", std::to_string(spec_.seed));
    meta("zkinfer.modelgen.parameters", std::to_string(parameters_));
    Model m;
    m.proto = std::move(model_);
    m.parameters = parameters_;
    m.float_initializer_elements = float_elements_;
    m.input_shape = input_shape;
    m.output_shape = output_shape;
    m.int64_input = int64_input;
    return m;
  }

 private:
  void value_info(onnx::ValueInfoProto* vi, const std::string& name, onnx::TensorProto::DataType type,
                  const std::vector<int64_t>& dims) {
    vi->set_name(name);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(type);
    auto* shape = tt->mutable_shape();
    for (size_t i = 0; i < dims.size(); ++i) {
      auto* d = shape->add_dim();
      if (i == 0 && spec_.dynamic_batch)
        d->set_dim_param("batch");
      else
        d->set_dim_value(dims[i]);
    }
  }

  const Spec& spec_;
  onnx::ModelProto model_;
  onnx::GraphProto* g_;
  std::map<std::string, int> name_uses_;
  std::set<std::string> shapes_;
  int64_t parameters_ = 0;
  int64_t float_elements_ = 0;
};

// Initialisation scales. Var(w) = 2/fan_in before a ReLU (He) and 1/fan_in before a linear use
// (LeCun) keep E[x^2] roughly constant layer to layer; biases use PyTorch's default 1/sqrt(fan_in).
float he(int64_t fan_in) { return std::sqrt(6.0f / static_cast<float>(fan_in)); }
float lecun(int64_t fan_in) { return std::sqrt(3.0f / static_cast<float>(fan_in)); }
float bias_bound(int64_t fan_in) { return 1.0f / std::sqrt(static_cast<float>(fan_in)); }

std::string relu(Builder& b, const std::string& scope, const std::string& x) { return b.node("Relu", scope, {x}); }

// nn.Linear on a 2-D input exports as Gemm with the weight kept [out, in] and transB=1.
std::string gemm(Builder& b, const std::string& scope, const std::string& key, const std::string& x, int64_t in,
                 int64_t out, float bound) {
  auto w = b.weight(key + ".weight", {out, in}, bound);
  auto bias = b.weight(key + ".bias", {out}, bias_bound(in));
  return b.node("Gemm", scope, {x, w, bias}, [](onnx::NodeProto& n) {
    attr_float(n, "alpha", 1.0f);
    attr_float(n, "beta", 1.0f);
    attr_int(n, "transB", 1);
  });
}

// nn.Linear on a 3-D input exports as MatMul against a pre-transposed [in, out] initializer, then
// Add with the bias first.
std::string linear(Builder& b, const std::string& scope, const std::string& key, const std::string& x, int64_t in,
                   int64_t out, float bound) {
  auto w = b.weight(key + ".weight", {in, out}, bound);
  auto bias = b.weight(key + ".bias", {out}, bias_bound(in));
  auto y = b.node("MatMul", scope, {x, w});
  return b.node("Add", scope, {bias, y});
}

std::string conv(Builder& b, const std::string& scope, const std::string& key, const std::string& x, int64_t cin,
                 int64_t cout, int64_t k, int64_t pad) {
  auto w = b.weight(key + ".weight", {cout, cin, k, k}, he(cin * k * k));
  auto bias = b.weight(key + ".bias", {cout}, bias_bound(cin * k * k));
  return b.node("Conv", scope, {x, w, bias}, [&](onnx::NodeProto& n) {
    attr_ints(n, "dilations", {1, 1});
    attr_int(n, "group", 1);
    attr_ints(n, "kernel_shape", {k, k});
    attr_ints(n, "pads", {pad, pad, pad, pad});
    attr_ints(n, "strides", {1, 1});
  });
}

std::string batch_norm(Builder& b, const std::string& scope, const std::string& key, const std::string& x, int64_t c) {
  auto scale = b.weight_range(key + ".weight", {c}, 0.8f, 1.2f);
  auto shift = b.weight(key + ".bias", {c}, 0.1f);
  auto mean = b.weight_range(key + ".running_mean", {c}, -0.1f, 0.1f, false);
  auto var = b.weight_range(key + ".running_var", {c}, 0.5f, 1.5f, false);
  return b.node("BatchNormalization", scope, {x, scale, shift, mean, var}, [](onnx::NodeProto& n) {
    attr_float(n, "epsilon", 1e-5f);
    attr_float(n, "momentum", 0.9f);  // PyTorch's momentum 0.1 in ONNX's convention
  });
}

std::string pool2(Builder& b, const std::string& scope, const std::string& x, Pool pool) {
  const bool max = pool == Pool::kMax;
  return b.node(max ? "MaxPool" : "AveragePool", scope, {x}, [&](onnx::NodeProto& n) {
    attr_int(n, "ceil_mode", 0);
    if (!max) attr_int(n, "count_include_pad", 1);
    attr_ints(n, "kernel_shape", {2, 2});
    attr_ints(n, "pads", {0, 0, 0, 0});
    attr_ints(n, "strides", {2, 2});
  });
}

std::string flatten(Builder& b, const std::string& scope, const std::string& x) {
  return b.node("Flatten", scope, {x}, [](onnx::NodeProto& n) { attr_int(n, "axis", 1); });
}

// LayerNorm over the last axis in the decomposed form torch.onnx.export emits below opset 17
// (ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul γ, Add β). Emitted at every opset on
// purpose: from opset 17 the exporter writes one LayerNormalization node, which the quantizer maps
// directly, so only the decomposed form exercises its fusion.
std::string layer_norm(Builder& b, const std::string& scope, const std::string& key, const std::string& x, int64_t d) {
  auto gamma = b.weight_range(key + ".weight", {d}, 0.8f, 1.2f);
  auto beta = b.weight(key + ".bias", {d}, 0.1f);
  auto reduce = [](onnx::NodeProto& n) {
    attr_ints(n, "axes", {-1});
    attr_int(n, "keepdims", 1);
  };
  auto mean = b.node("ReduceMean", scope, {x}, reduce);
  auto centered = b.node("Sub", scope, {x, mean});
  auto sq = b.node("Pow", scope, {centered, b.scalar(scope, 2.0f)});
  auto var = b.node("ReduceMean", scope, {sq}, reduce);
  auto var_eps = b.node("Add", scope, {var, b.scalar(scope, 1e-5f)});
  auto std_dev = b.node("Sqrt", scope, {var_eps});
  auto normed = b.node("Div", scope, {centered, std_dev});
  auto scaled = b.node("Mul", scope, {normed, gamma});
  return b.node("Add", scope, {scaled, beta});
}

// GELU in the two forms PyTorch exports below opset 20 (where a Gelu op would appear instead).
// Exact, as nn.GELU(): ((x * (erf(x / sqrt2) + 1)) * 0.5). Tanh, as GPT-2's gelu_new
// 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))), traced left to right:
// (x * 0.5) * (tanh((x + x^3 * 0.044715) * sqrt(2/pi)) + 1).
std::string gelu(Builder& b, const std::string& scope, const std::string& x, Gelu form) {
  if (form == Gelu::kTanh) {
    auto half = b.node("Mul", scope, {x, b.scalar(scope, 0.5f)});
    auto cube = b.node("Pow", scope, {x, b.scalar(scope, 3.0f)});
    auto kappa = b.node("Mul", scope, {cube, b.scalar(scope, 0.044715f)});
    auto inner = b.node("Add", scope, {x, kappa});
    auto beta = b.node("Mul", scope, {inner, b.scalar(scope, 0.7978845834732056f)});  // sqrt(2/pi) as float
    auto th = b.node("Tanh", scope, {beta});
    auto plus = b.node("Add", scope, {th, b.scalar(scope, 1.0f)});
    return b.node("Mul", scope, {half, plus});
  }
  auto div = b.node("Div", scope, {x, b.scalar(scope, 1.4142135381698608f)});
  auto erf = b.node("Erf", scope, {div});
  auto plus = b.node("Add", scope, {erf, b.scalar(scope, 1.0f)});
  auto mul = b.node("Mul", scope, {x, plus});
  return b.node("Mul", scope, {mul, b.scalar(scope, 0.5f)});
}

struct BlockShape {
  int64_t seq, width, heads, ff;
  float residual_scale;  // shrinks the residual-branch projections so depth does not grow the stream
  Gelu gelu;
  bool fused_qkv;
};

// Pre-LN transformer block: x + Attn(LN1(x)), then + MLP(LN2(.)). `mask` is empty (no mask), an
// additive [1,1,T,T] float tensor, or a boolean [T,T] keep-mask used with Where.
std::string block(Builder& b, const std::string& key, const std::string& x, const BlockShape& s,
                  const std::string& mask, Mask mask_kind) {
  const std::string scope = "/" + key;
  const int64_t d = s.width, h = s.heads, dh = s.width / s.heads, t = s.seq;
  const int64_t nb = b.reshape_batch();

  auto ln1 = layer_norm(b, scope + "/ln_1", key + ".ln_1", x, d);
  const std::string as = scope + "/attn";
  std::string q, k, v;
  if (s.fused_qkv) {
    // q, k, v = c_attn(x).split(width, dim=2): Split's sizes are an input from opset 13 on.
    auto qkv = linear(b, as + "/c_attn", key + ".attn.c_attn", ln1, d, 3 * d, lecun(d));
    const std::string sizes = "split_" + std::to_string(d) + "x3";
    if (!b.has_initializer(sizes)) b.add_int64(sizes, {3}, {d, d, d});
    q = b.node("Split", as, {qkv, sizes}, [](onnx::NodeProto& n) {
      attr_int(n, "axis", 2);
      n.add_output(n.name() + "_output_1");
      n.add_output(n.name() + "_output_2");
    });
    const std::string stem = q.substr(0, q.size() - 1);  // ".../Split_output_"
    k = stem + "1";
    v = stem + "2";
  } else {
    q = linear(b, as + "/q_proj", key + ".attn.q_proj", ln1, d, d, lecun(d));
    k = linear(b, as + "/k_proj", key + ".attn.k_proj", ln1, d, d, lecun(d));
    v = linear(b, as + "/v_proj", key + ".attn.v_proj", ln1, d, d, lecun(d));
  }
  auto split = b.shape_const({nb, t, h, dh});
  auto heads = [&](const std::string& y, std::initializer_list<int64_t> perm) {
    auto r = b.node("Reshape", as, {y, split});
    return b.node("Transpose", as, {r}, [&](onnx::NodeProto& n) { attr_ints(n, "perm", perm); });
  };
  auto qh = heads(q, {0, 2, 1, 3});  // [B, H, T, dh]
  auto kt = heads(k, {0, 2, 3, 1});  // [B, H, dh, T]: Kᵀ folded into the head transpose
  auto vh = heads(v, {0, 2, 1, 3});
  auto scores = b.node("MatMul", as, {qh, kt});
  scores = b.node("Div", as, {scores, b.scalar(as, std::sqrt(static_cast<float>(dh)))});
  if (!mask.empty()) {
    if (mask_kind == Mask::kAdditive)
      scores = b.node("Add", as, {scores, mask});
    else
      scores = b.node("Where", as, {mask, scores, b.scalar(as, -1e4f)});
  }
  auto probs = b.node("Softmax", as, {scores}, [](onnx::NodeProto& n) { attr_int(n, "axis", -1); });
  auto ctx = b.node("MatMul", as, {probs, vh});
  ctx = b.node("Transpose", as, {ctx}, [](onnx::NodeProto& n) { attr_ints(n, "perm", {0, 2, 1, 3}); });
  ctx = b.node("Reshape", as, {ctx, b.shape_const({nb, t, d})});
  auto attn = linear(b, as + "/out_proj", key + ".attn.out_proj", ctx, d, d, lecun(d) * s.residual_scale);
  auto x1 = b.node("Add", scope, {x, attn});

  auto ln2 = layer_norm(b, scope + "/ln_2", key + ".ln_2", x1, d);
  const std::string ms = scope + "/mlp";
  auto up = linear(b, ms + "/fc_in", key + ".mlp.fc_in", ln2, d, s.ff, he(d));
  auto act = gelu(b, ms + "/act", up, s.gelu);
  auto down = linear(b, ms + "/fc_out", key + ".mlp.fc_out", act, s.ff, d, lecun(s.ff) * s.residual_scale);
  return b.node("Add", scope, {x1, down});
}

void check_positive(int64_t v, const char* what) {
  if (v < 1) throw Error(std::string("modelgen: ") + what + " must be >= 1, got " + std::to_string(v));
}

Model mlp(const Spec& spec) {
  if (spec.sizes.size() < 2) throw Error("modelgen: mlp --sizes needs at least input and output sizes");
  for (int64_t s : spec.sizes) check_positive(s, "mlp layer size");
  Builder b(spec);
  const int64_t n = b.batch();
  const size_t layers = spec.sizes.size() - 1;
  std::vector<int64_t> in_shape{n, spec.sizes.front()}, out_shape{n, spec.sizes.back()};
  if (spec.mlp_matmul) {
    in_shape.insert(in_shape.begin() + 1, 1);
    out_shape.insert(out_shape.begin() + 1, 1);
  }
  b.input("input", onnx::TensorProto::FLOAT, in_shape);
  std::string x = "input";
  for (size_t i = 0; i < layers; ++i) {
    const bool last = i + 1 == layers;
    const std::string key = "layers." + std::to_string(2 * i);  // nn.Sequential(Linear, ReLU, ...)
    const std::string scope = "/layers/" + key;
    const float bound = last ? lecun(spec.sizes[i]) : he(spec.sizes[i]);
    x = spec.mlp_matmul ? linear(b, scope, key, x, spec.sizes[i], spec.sizes[i + 1], bound)
                        : gemm(b, scope, key, x, spec.sizes[i], spec.sizes[i + 1], bound);
    if (!last) x = relu(b, "/layers/layers." + std::to_string(2 * i + 1), x);
  }
  b.output(x, "output", out_shape);
  return b.finish(in_shape, out_shape, false, "MLP " + std::to_string(spec.sizes.size()) + " sizes");
}

Model lenet5(const Spec& spec) {
  Builder b(spec);
  const int64_t n = b.batch();
  b.input("input", onnx::TensorProto::FLOAT, {n, 1, 28, 28});
  auto x = conv(b, "/conv1", "conv1", "input", 1, 6, 5, 2);  // 28x28
  x = pool2(b, "/pool1", relu(b, "/relu1", x), spec.pool);    // 14x14
  x = conv(b, "/conv2", "conv2", x, 6, 16, 5, 0);             // 10x10
  x = pool2(b, "/pool2", relu(b, "/relu2", x), spec.pool);    // 5x5
  x = flatten(b, "/flatten", x);                              // 400
  x = relu(b, "/relu3", gemm(b, "/fc1", "fc1", x, 400, 120, he(400)));
  x = relu(b, "/relu4", gemm(b, "/fc2", "fc2", x, 120, 84, he(120)));
  x = gemm(b, "/fc3", "fc3", x, 84, 10, lecun(84));
  b.output(x, "output", {n, 10});
  return b.finish({n, 1, 28, 28}, {n, 10}, false, "LeNet-5 for MNIST 1x28x28");
}

Model vgg(const Spec& spec) {
  // torchvision's configurations A (VGG-11) and D (VGG-16); 0 marks a 2x2 pool.
  static const std::vector<int64_t> cfg11{64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0};
  static const std::vector<int64_t> cfg16{64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};
  const auto& cfg = spec.kind == Kind::kVgg11 ? cfg11 : cfg16;
  for (int64_t w : spec.vgg_fc) check_positive(w, "vgg classifier width");
  check_positive(spec.vgg_channel_div, "vgg channel divisor");
  if (64 % spec.vgg_channel_div != 0)
    throw Error("modelgen: vgg channel divisor must divide 64, got " + std::to_string(spec.vgg_channel_div));
  Builder b(spec);
  const int64_t n = b.batch();
  b.input("input", onnx::TensorProto::FLOAT, {n, 3, 32, 32});
  std::string x = "input";
  int64_t c = 3, idx = 0;  // idx follows nn.Sequential numbering, as in torchvision's state_dict keys
  auto key = [&](int64_t i) { return "features." + std::to_string(i); };
  for (int64_t v : cfg) {
    if (v == 0) {
      x = pool2(b, "/features/" + key(idx), x, spec.pool);
      ++idx;
      continue;
    }
    v /= spec.vgg_channel_div;
    x = conv(b, "/features/" + key(idx), key(idx), x, c, v, 3, 1);
    ++idx;
    if (spec.batch_norm) {
      x = batch_norm(b, "/features/" + key(idx), key(idx), x, v);
      ++idx;
    }
    x = relu(b, "/features/" + key(idx), x);
    ++idx;
    c = v;
  }
  x = flatten(b, "/flatten", x);  // 512 x 1 x 1 after five pools
  int64_t in = c, ci = 0;
  for (int64_t w : spec.vgg_fc) {
    const std::string k = "classifier." + std::to_string(ci);
    x = relu(b, "/classifier/classifier." + std::to_string(ci + 1), gemm(b, "/classifier/" + k, k, x, in, w, he(in)));
    ci += 3;  // Linear, ReLU, Dropout (Dropout vanishes in an eval-mode export)
    in = w;
  }
  const std::string k = "classifier." + std::to_string(ci);
  x = gemm(b, "/classifier/" + k, k, x, in, 10, lecun(in));
  b.output(x, "output", {n, 10});
  return b.finish({n, 3, 32, 32}, {n, 10}, false,
                  std::string(spec.kind == Kind::kVgg11 ? "VGG-11" : "VGG-16") + " for CIFAR-10 3x32x32" +
                      (spec.batch_norm ? " with BatchNorm" : ""));
}

void check_transformer(const Spec& spec) {
  check_positive(spec.width, "width");
  check_positive(spec.heads, "heads");
  if (spec.ff != 0) check_positive(spec.ff, "ff");
  if (spec.width % spec.heads != 0)
    throw Error("modelgen: width " + std::to_string(spec.width) + " is not divisible by heads " +
                std::to_string(spec.heads));
}

Model tiny_transformer(const Spec& spec) {
  check_transformer(spec);
  check_positive(spec.seq, "seq");
  Builder b(spec);
  const int64_t n = b.batch();
  const BlockShape s{spec.seq, spec.width, spec.heads, spec.ff ? spec.ff : 4 * spec.width, 1.0f, spec.gelu,
                     spec.fused_qkv};
  std::vector<int64_t> shape{n, spec.seq, spec.width};
  b.input("input", onnx::TensorProto::FLOAT, shape);
  auto x = block(b, "block", "input", s, "", Mask::kAdditive);
  b.output(x, "output", shape);
  return b.finish(shape, shape, false, "one pre-LN transformer block");
}

// One causal mask for all layers, built before the first block as the exporter hoists constants.
std::string causal_mask(Builder& b, const Spec& spec, int64_t t) {
  if (spec.mask == Mask::kAdditive) {
    std::vector<float> m(static_cast<size_t>(t * t));
    for (int64_t i = 0; i < t; ++i)
      for (int64_t j = 0; j < t; ++j) m[static_cast<size_t>(i * t + j)] = j > i ? -1e4f : 0.0f;
    return b.add_float("causal_mask", {1, 1, t, t}, m);
  }
  if (spec.opset >= 14) {
    auto ones = b.add_bool("causal_ones", {t, t}, std::vector<uint8_t>(static_cast<size_t>(t * t), 1));
    return b.node("Trilu", "/transformer", {ones}, [](onnx::NodeProto& nd) { attr_int(nd, "upper", 0); });
  }
  std::vector<uint8_t> m(static_cast<size_t>(t * t));
  for (int64_t i = 0; i < t; ++i)
    for (int64_t j = 0; j < t; ++j) m[static_cast<size_t>(i * t + j)] = j <= i;
  return b.add_bool("causal_keep", {t, t}, m);
}

BlockShape gpt_block_shape(const Spec& spec) {
  check_transformer(spec);
  check_positive(spec.layers, "layers");
  check_positive(spec.context, "context");
  return {spec.context, spec.width, spec.heads, spec.ff ? spec.ff : 4 * spec.width,
          1.0f / std::sqrt(2.0f * static_cast<float>(spec.layers)), spec.gelu, spec.fused_qkv};
}

Model gpt(const Spec& spec) {
  const BlockShape s = gpt_block_shape(spec);
  check_positive(spec.vocab, "vocab");
  Builder b(spec);
  const int64_t n = b.batch(), t = spec.context, d = spec.width, v = spec.vocab;
  b.input("input", onnx::TensorProto::INT64, {n, t});

  auto wte = b.weight("transformer.wte.weight", {v, d}, 1.0f);
  auto wpe = b.weight("transformer.wpe.weight", {t, d}, 0.5f);
  auto tok = b.node("Gather", "/transformer/wte", {wte, "input"}, [](onnx::NodeProto& nd) { attr_int(nd, "axis", 0); });
  std::vector<int64_t> pos(static_cast<size_t>(t));
  std::iota(pos.begin(), pos.end(), 0);
  auto pos_ids = b.add_int64("position_ids", {1, t}, pos);
  auto pe = b.node("Gather", "/transformer/wpe", {wpe, pos_ids}, [](onnx::NodeProto& nd) { attr_int(nd, "axis", 0); });
  auto x = b.node("Add", "/transformer", {tok, pe});

  const std::string mask = causal_mask(b, spec, t);
  for (int64_t l = 0; l < spec.layers; ++l) x = block(b, "transformer.h." + std::to_string(l), x, s, mask, spec.mask);
  x = layer_norm(b, "/transformer/ln_f", "transformer.ln_f", x, d);
  std::string head;
  if (spec.tie_embeddings)
    head = b.node("Transpose", "/lm_head", {wte}, [](onnx::NodeProto& nd) { attr_ints(nd, "perm", {1, 0}); });
  else
    head = b.weight("lm_head.weight", {d, v}, lecun(d));  // stored [in, out], as exported for MatMul
  auto logits = b.node("MatMul", "/lm_head", {x, head});
  b.output(logits, "output", {n, t, v});
  return b.finish({n, t}, {n, t, v}, true, "GPT-2 style decoder, " + std::to_string(spec.layers) + " layers");
}

// One decoder block of the gpt kind, exported on its own: float hidden states [B, T, width] in,
// the block's output out (what proving "one layer of GPT-2" means without the embedding tables).
Model gpt_block(const Spec& spec) {
  const BlockShape s = gpt_block_shape(spec);
  Builder b(spec);
  const int64_t n = b.batch();
  const std::vector<int64_t> shape{n, spec.context, spec.width};
  b.input("input", onnx::TensorProto::FLOAT, shape);
  const std::string mask = causal_mask(b, spec, spec.context);
  auto x = block(b, "transformer.h.0", "input", s, mask, spec.mask);
  b.output(x, "output", shape);
  return b.finish(shape, shape, false,
                  "one GPT-2 style decoder block, width " + std::to_string(spec.width) + ", " +
                      std::to_string(spec.heads) + " heads, " + std::to_string(spec.context) + " tokens");
}

}  // namespace

Kind parse_kind(const std::string& name) {
  if (name == "mlp") return Kind::kMlp;
  if (name == "lenet5") return Kind::kLeNet5;
  if (name == "vgg11") return Kind::kVgg11;
  if (name == "vgg16") return Kind::kVgg16;
  if (name == "tiny-transformer") return Kind::kTinyTransformer;
  if (name == "gpt") return Kind::kGpt;
  if (name == "gpt-block") return Kind::kGptBlock;
  throw Error("modelgen: unknown model kind '" + name +
              "' (mlp, lenet5, vgg11, vgg16, tiny-transformer, gpt, gpt-block)");
}

std::string kind_name(Kind kind) {
  switch (kind) {
    case Kind::kMlp: return "mlp";
    case Kind::kLeNet5: return "lenet5";
    case Kind::kVgg11: return "vgg11";
    case Kind::kVgg16: return "vgg16";
    case Kind::kTinyTransformer: return "tiny-transformer";
    case Kind::kGpt: return "gpt";
    case Kind::kGptBlock: return "gpt-block";
  }
  throw Error("modelgen: invalid kind");
}

Model generate(const Spec& spec) {
  switch (spec.kind) {
    case Kind::kMlp: return mlp(spec);
    case Kind::kLeNet5: return lenet5(spec);
    case Kind::kVgg11:
    case Kind::kVgg16: return vgg(spec);
    case Kind::kTinyTransformer: return tiny_transformer(spec);
    case Kind::kGpt: return gpt(spec);
    case Kind::kGptBlock: return gpt_block(spec);
  }
  throw Error("modelgen: invalid kind");
}

Spec default_spec(Kind kind) {
  Spec s;
  s.kind = kind;
  if (kind == Kind::kGptBlock) {
    s.width = 768;
    s.heads = 12;
    s.ff = 3072;
    s.context = 64;
    s.layers = 12;
    s.gelu = Gelu::kTanh;
  }
  return s;
}

std::string serialize(const onnx::ModelProto& proto) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!proto.SerializeToCodedStream(&coded)) throw Error("modelgen: failed to serialise the model");
  }
  return out;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw Error("modelgen: cannot open '" + path + "' for writing");
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) throw Error("modelgen: failed writing '" + path + "'");
}

std::string example_input_json(const Spec& spec) {
  // Resolves the shape without building the weights (VGG-16 would be 60 MB of work for nothing).
  const int64_t n = spec.dynamic_batch ? 1 : spec.batch;
  check_positive(n, "batch");
  int64_t count = 0;
  bool ids = false, signed_range = false;
  switch (spec.kind) {
    case Kind::kMlp:
      if (spec.sizes.empty()) throw Error("modelgen: mlp --sizes is empty");
      count = n * spec.sizes.front();
      break;
    case Kind::kLeNet5: count = n * 28 * 28; break;
    case Kind::kVgg11:
    case Kind::kVgg16: count = n * 3 * 32 * 32; break;
    case Kind::kTinyTransformer:
      count = n * spec.seq * spec.width;
      signed_range = true;
      break;
    case Kind::kGptBlock:
      count = n * spec.context * spec.width;
      signed_range = true;
      break;
    case Kind::kGpt:
      check_positive(spec.vocab, "vocab");
      count = n * spec.context;
      ids = true;
      break;
  }
  check_positive(count, "input size");
  Rng rng(spec.seed, "example_input");
  std::string out = "{\"input_data\": [[";
  char buf[32];
  for (int64_t i = 0; i < count; ++i) {
    if (i) out += ", ";
    if (ids) {
      out += std::to_string(rng.below(static_cast<uint64_t>(spec.vocab)));
      continue;
    }
    const float v = signed_range ? rng.symmetric() : rng.range(0.0f, 1.0f);
    // Shortest round-trip form, so the JSON reproduces the float exactly.
    const auto result = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, result.ptr);
  }
  out += "]]}\n";
  return out;
}

}  // namespace zk::modelgen
