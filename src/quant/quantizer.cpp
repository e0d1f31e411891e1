// The quantizer: one pass over the topologically sorted float graph, emitting integer layers.
// Conventions:
//   - `Ref` is how a float-graph value is represented: an integer tensor plus its own scale/step.
//     The scale lives in the Ref (not only in the tensor) so that multiplying by a power of two
//     (x * 0.5, x / 8) is a free relabel instead of an operator; graph outputs get their Ref's
//     scale written back into the tensor.
//   - Every activation Ref returned by `get` is power-of-two and within ±act_max, except right
//     after a relabel, which keeps the bound.
//   - Constants are quantized where they are used: weights at weight_bits, additive constants at
//     the scale of what they are added to, scalars at scalar_bits.
#include <cmath>
#include <functional>
#include <limits>
#include <numbers>
#include <optional>
#include <random>
#include <set>

#include "common/progress.hpp"
#include "layers/layer.hpp"
#include "onnx/float_executor.hpp"
#include "quant/quantizer.hpp"

namespace zk::quant {

using layers::IntGraph;
using layers::IntNode;
using layers::IntTensor;
using onnx::Graph;
using onnx::Node;
using onnx::Tensor;
using onnx::Unsupported;

QuantConfig QuantConfig::from_preset(const std::string& name) {
  QuantConfig c;
  if (name == "accuracy") return c;
  if (name == "cost") {
    c.activation_bits = 12;
    c.scalar_bits = 12;
    c.preset = "cost";
    return c;
  }
  throw Error("unknown quantization preset '" + name + "' (accuracy, cost)");
}

namespace {

// Ops that only reshape or relabel integer ids (HF GPT-2 views input_ids as [-1, T] first).
bool passes_ids(const Node& n) {
  static const std::set<std::string> shape_ops = {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity"};
  if (shape_ops.count(n.op_type)) return true;
  const int64_t to = n.get_int("to", 0);  // Cast to int32 / int64 keeps the ids
  return n.op_type == "Cast" && (to == 6 || to == 7);
}

// The rows of the constant tables that the ids in `value` (an integer model input, or a reshape
// of one) index (Gather on axis 0): valid ids are [0, rows). Unsupported for any other use.
int64_t index_range(const Graph& graph, const std::string& value, const std::string& input, onnx::DType dtype) {
  int64_t rows = std::numeric_limits<int64_t>::max();
  for (int k : graph.consumers(value)) {
    const Node& n = graph.nodes[k];
    if (passes_ids(n) && n.inputs[0] == value) {
      rows = std::min(rows, index_range(graph, n.outputs[0], input, dtype));
      continue;
    }
    const Tensor* table = n.op_type == "Gather" && n.inputs.size() == 2 && n.inputs[1] == value ? graph.constant(n.inputs[0]) : nullptr;
    if (!table || table->rank() != 2 || n.get_int("axis", 0) != 0)
      throw Unsupported("model input '" + input + "' has integer type " + onnx::dtype_name(dtype) + " and is used by " +
                        n.op_type + " node '" + n.name +
                        "'; integer inputs are supported only as Gather indices into a constant rank-2 table (axis 0)");
    rows = std::min(rows, table->shape[0]);
  }
  if (rows == std::numeric_limits<int64_t>::max())
    throw Unsupported("model input '" + input + "' has integer type and no Gather reads it");
  return rows;
}
int64_t index_range(const Graph& graph, const onnx::ValueInfo& in) { return index_range(graph, in.name, in.name, in.dtype); }

}  // namespace

std::vector<Sample> default_calibration(const Graph& graph, const QuantConfig& config) {
  std::mt19937_64 rng(config.seed);
  std::uniform_real_distribution<float> u(config.default_low, config.default_high);
  std::vector<int64_t> rows;
  for (const auto& in : graph.inputs) rows.push_back(onnx::is_float(in.dtype) ? 0 : index_range(graph, in));
  std::vector<Sample> out;
  for (int s = 0; s < config.default_samples; ++s) {
    Sample sample;
    for (size_t k = 0; k < graph.inputs.size(); ++k) {
      const auto& in = graph.inputs[k];
      if (rows[k] > 0) {  // token ids: uniform over the table's rows
        Tensor t = Tensor::ints(in.shape, {}, in.dtype);
        for (auto& v : t.i) v = static_cast<int64_t>(rng() % static_cast<uint64_t>(rows[k]));
        sample.push_back(std::move(t));
        continue;
      }
      Tensor t = Tensor::floats(in.shape);
      for (auto& v : t.f) v = u(rng);
      sample.push_back(std::move(t));
    }
    out.push_back(std::move(sample));
  }
  return out;
}

namespace {

int floor_log2(double v) { return static_cast<int>(std::floor(std::log2(v))); }

struct Ref {
  int id = -1;
  int scale = 0;       // power-of-two scale (meaningful when pow2)
  double step = 1.0;   // real = v·step
  int64_t offset = 0;  // integer-typed ONNX values (int8 QDQ): onnx value = v + offset
  bool pow2 = true;
};

// m / 2^k ≈ M with m < 2^31 (as int8 runtimes do); relative error ≤ 2^-30.
std::pair<int64_t, int64_t> fixed_multiplier(double M, const std::string& where) {
  if (!(M > 0) || !std::isfinite(M)) throw Error(where + ": requantization multiplier must be positive and finite");
  int k = 30 - floor_log2(M);
  k = std::clamp(k, 0, 61);
  auto m = static_cast<int64_t>(std::llround(std::ldexp(M, k)));
  if (m < 1) throw Error(where + ": requantization multiplier " + std::to_string(M) + " too small");
  return {m, k};
}

class Builder {
 public:
  Builder(const Graph& g, const QuantConfig& c, std::map<std::string, double> ranges)
      : g_(g), c_(c), ranges_(std::move(ranges)), act_(c.act_max()) {}

  IntGraph run();

 private:
  const Graph& g_;
  const QuantConfig& c_;
  std::map<std::string, double> ranges_;  // max |v| over calibration, by value name
  const int64_t act_;
  IntGraph ig_;
  std::map<std::string, Ref> vals_;
  std::set<size_t> skip_;                  // nodes absorbed by a fusion
  std::map<size_t, std::string> bias_of_;  // MatMul node -> fused constant bias
  struct LnFuse {
    std::string x;
    double eps;
    int64_t axis;
  };
  std::map<size_t, LnFuse> layernorm_at_;  // Div node -> fused decomposed LayerNorm
  std::map<size_t, LnFuse> rmsnorm_at_;    // last node of a decomposed RMSNorm -> its input
  // Chains of element-wise ops of one activation (SiLU, decomposed GELU, ...): last node -> the
  // chain's nodes, evaluated together as one lookup table.
  struct Chain {
    std::string x;
    std::vector<size_t> nodes;
  };
  std::map<size_t, Chain> chain_at_;
  std::set<std::string> index_inputs_;  // integer model inputs (token ids) and reshapes of them
  const Node* cur_ = nullptr;

  [[noreturn]] void unsupported(const std::string& why) const {
    throw Unsupported("op " + cur_->op_type + " (node '" + cur_->name + "'): " + why);
  }
  std::string where() const { return "node '" + cur_->name + "' (" + cur_->op_type + ")"; }

  // ---- scales ----
  std::optional<int> target(const std::string& name) const {
    auto it = ranges_.find(name);
    if (it == ranges_.end() || !(it->second > 0)) return std::nullopt;
    return std::clamp(floor_log2(static_cast<double>(act_) / (it->second * c_.headroom)), -30, 40);
  }
  static int scale_for(double max_abs, int bits) {
    if (!(max_abs > 0)) return 0;
    return std::clamp(floor_log2((std::ldexp(1.0, bits - 1) - 1) / max_abs), -30, 50);
  }

  // ---- emitting ----
  Ref emit(const std::string& op, std::vector<int> in, layers::IntAttrs attrs, int scale, const std::string& out_name,
           const std::string& suffix = "") {
    IntNode n;
    n.op = op;
    n.name = cur_->name + suffix;
    n.inputs = std::move(in);
    n.attrs = std::move(attrs);
    int id = ig_.add_node(std::move(n), {out_name}, scale, std::ldexp(1.0, -scale));
    return Ref{id, scale, std::ldexp(1.0, -scale), 0, true};
  }
  int64_t bound(const Ref& r) const { return ig_.tensors[r.id].bound; }
  const layers::Shape& shape(const Ref& r) const { return ig_.tensors[r.id].shape; }

  // Brings x to scale <= tgt and into ±act_max (never increases precision: that would be free
  // but gains nothing).
  Ref rescale_to(const Ref& x, int tgt, const std::string& name) {
    const int k = std::max(0, x.scale - tgt);
    if (k == 0 && bound(x) <= act_) return x;
    return emit("rescale", {x.id}, {{"k", {k}}, {"lo", {-act_}}, {"hi", {act_}}}, x.scale - k, name, "/rescale");
  }
  // Output of an op producing the float value `name`: to its calibrated scale and the range.
  Ref fit(const Ref& x, const std::string& name) { return rescale_to(x, target(name).value_or(x.scale), name); }

  // Converts a non-power-of-two Ref (from a QDQ region) to the power-of-two world.
  Ref to_pow2(const Ref& x, const std::string& name) {
    if (x.pow2) return x;
    if (x.offset != 0) unsupported("an integer-typed value is used as a float without DequantizeLinear");
    const double range = static_cast<double>(bound(x)) * x.step;
    const int s = target(name).value_or(scale_for(range, c_.activation_bits));
    auto [m, k] = fixed_multiplier(x.step * std::ldexp(1.0, s), where());
    Ref r = emit("rescale", {x.id}, {{"k", {k}}, {"lo", {-act_}}, {"hi", {act_}}, {"m", {m}}}, s, name, "/to_pow2");
    return r;
  }

  Ref get(const std::string& name) {
    if (index_inputs_.count(name)) unsupported("the integer model input '" + name + "' is used as an activation");
    auto it = vals_.find(name);
    if (it == vals_.end()) {
      if (g_.is_constant(name)) unsupported("constant operand '" + name + "' where an activation is expected");
      throw Error(where() + ": value '" + name + "' is not available");
    }
    return to_pow2(it->second, name);
  }
  Ref raw(const std::string& name) {
    auto it = vals_.find(name);
    if (it == vals_.end()) throw Error(where() + ": value '" + name + "' is not available");
    return it->second;
  }
  bool is_const(const std::string& name) const { return g_.is_constant(name); }
  const Tensor& cval(const std::string& name) const {
    const Tensor* t = g_.constant(name);
    if (!t) throw Error(where() + ": '" + name + "' must be a constant");
    return *t;
  }
  const Tensor* input_t(size_t k) const {
    if (k >= cur_->inputs.size() || cur_->inputs[k].empty()) return nullptr;
    return g_.constant(cur_->inputs[k]);
  }
  onnx::Shape out_shape(const std::string& name) const {
    auto it = g_.values.find(name);
    if (it != g_.values.end()) return it->second.shape;
    for (const auto& o : g_.outputs)
      if (o.name == name) return o.shape;
    throw Error(where() + ": no static shape known for '" + name + "'");
  }

  // Constant at a given scale (values rounded half away from zero).
  Ref constant_at(const std::string& name, const Tensor& t, int scale, const std::string& tag) {
    IntTensor it(t.shape);
    for (int64_t k = 0; k < t.size(); ++k) {
      double v = std::round(std::ldexp(t.at(k), scale));
      if (!(std::abs(v) < static_cast<double>(layers::kSafeLimit)))
        throw Error(where() + ": constant '" + name + "' does not fit at scale 2^" + std::to_string(scale));
      it.data[k] = static_cast<int64_t>(v);
    }
    int id = ig_.add_constant(name + tag, std::move(it), scale, std::ldexp(1.0, -scale));
    return Ref{id, scale, std::ldexp(1.0, -scale), 0, true};
  }
  Ref weight(const std::string& name, const Tensor& t, double mult = 1.0) {
    Tensor s = t;
    if (mult != 1.0) {
      s = Tensor::floats(t.shape);
      for (int64_t k = 0; k < t.size(); ++k) s.f[k] = static_cast<float>(t.at(k) * mult);
    }
    double mx = 0;
    for (int64_t k = 0; k < s.size(); ++k) mx = std::max(mx, std::abs(s.at(k)));
    return constant_at(name, s, scale_for(mx, c_.weight_bits), "");
  }
  // An operand that may be a constant (quantized as a weight) or an activation.
  Ref operand(const std::string& name) { return is_const(name) ? weight(name, cval(name)) : get(name); }

  // x · c for a real scalar c: free when c is a power of two, else mul_const with c at scalar_bits.
  Ref mul_real(const Ref& x, double c, const std::string& name) {
    if (c == 0) return emit("mul_const", {x.id}, {{"c", {0}}}, x.scale, name, "/zero");
    int e = 0;
    double f = std::frexp(std::abs(c), &e);  // |c| = f·2^e, f in [0.5, 1)
    if (f == 0.5) {                          // power of two: relabel (negate if needed)
      Ref r = x;
      if (c < 0) r = emit("mul_const", {x.id}, {{"c", {-1}}}, x.scale, name, "/neg");
      r.scale = x.scale - (e - 1);
      r.step = std::ldexp(1.0, -r.scale);
      return r;
    }
    const int sc = scale_for(std::abs(c), c_.scalar_bits);
    const auto ci = static_cast<int64_t>(std::llround(std::ldexp(c, sc)));
    Ref r = emit("mul_const", {x.id}, {{"c", {ci}}}, x.scale + sc, name, "/mul");
    return fit(r, name);
  }

  // Elementwise sum/difference with exact alignment to the finer scale.
  Ref add_refs(const Ref& a, const Ref& b, bool sub, const std::string& name) {
    const int s = std::max(a.scale, b.scale);
    if (s - a.scale > 40 || s - b.scale > 40) unsupported("operand scales too far apart to align");
    Ref r = emit(sub ? "sub" : "add", {a.id, b.id}, {{"shift_a", {s - a.scale}}, {"shift_b", {s - b.scale}}}, s, name);
    return fit(r, name);
  }

  // Brings refs to one common (the coarsest) scale, for max/min/concat.
  std::vector<Ref> common_scale(std::vector<Ref> xs, const std::string& name) {
    int s = std::numeric_limits<int>::max();
    for (auto& x : xs) s = std::min(s, x.scale);
    for (auto& x : xs) x = rescale_to(x, s, name);
    return xs;
  }

  // Elementwise function by a table over the input's whole static range.
  Ref lookup(const Ref& x, const std::function<double(double)>& f, int out_scale, const std::string& name) {
    Ref in = rescale_to(x, x.scale, name);  // into ±act_max
    const int64_t b = bound(in);
    std::vector<int64_t> table(static_cast<size_t>(2 * b + 1));
    const double lim = static_cast<double>(act_);
    for (int64_t v = -b; v <= b; ++v) {
      double y = f(std::ldexp(static_cast<double>(v), -in.scale));
      double q = std::isnan(y) ? 0.0 : std::clamp(std::round(std::ldexp(y, out_scale)), -lim, lim);
      table[v + b] = static_cast<int64_t>(q);
    }
    return emit("lookup", {in.id}, {{"lo", {-b}}, {"table", std::move(table)}}, out_scale, name);
  }
  int lookup_scale(const std::string& name) const { return target(name).value_or(c_.activation_bits - 4); }

  double scalar_of(size_t input, double dflt) const {
    const Tensor* t = input_t(input);
    if (!t) return dflt;
    if (t->size() != 1) const_cast<Builder*>(this)->unsupported("expects a scalar constant at input " + std::to_string(input));
    return t->at(0);
  }
  std::vector<int64_t> ints_arg(const std::string& attr, size_t input, int since) {
    if (cur_->opset >= since) {
      if (input < cur_->inputs.size() && !cur_->inputs[input].empty()) {
        if (!is_const(cur_->inputs[input])) unsupported("input " + std::to_string(input) + " must be constant");
        return cval(cur_->inputs[input]).as_ints();
      }
      return {};
    }
    return cur_->get_ints(attr);
  }

  // Masked attention scores saturate to the bottom of the range, −act_max: the scale a masked
  // value gets must put that bottom at least 16 below every unmasked score (calibrated range of
  // x), so that exp of the gap (< e^-16 per entry) vanishes next to softmax's output step. x's own
  // scale when it already does, else a few bits coarser (a score range of 5 keeps 10 bits).
  int mask_scale(const Ref& x, const std::string& name) const {
    auto it = ranges_.find(name);
    const double range = it != ranges_.end() ? it->second : std::ldexp(static_cast<double>(bound(x)), -x.scale);
    return std::min(x.scale, floor_log2(static_cast<double>(act_) / (range + 16.0)));
  }
  // Saturating a masked value (−1e4 becomes −act_max) is exact only for softmax, where both are
  // e^-16 or less after the max is subtracted: masks are treated so only when softmax alone reads
  // the result.
  bool only_softmax_reads(const std::string& v) const {
    for (const auto& o : g_.outputs)
      if (o.name == v) return false;
    const auto readers = g_.consumers(v);
    for (int k : readers)
      if (g_.nodes[k].op_type != "Softmax" || g_.nodes[k].inputs[0] != v) return false;
    return !readers.empty();
  }
  // An additive attention mask: every entry 0 or at/below the bottom of x's range (−1e4, −inf).
  // Returned with the masked entries set to that bottom, so the add keeps x's scale and saturates
  // masked scores to −act_max instead of calibrating the output scale to the mask's −1e4 (which
  // would leave the unmasked scores almost no precision). nullopt if `k` is not such a mask.
  std::optional<Tensor> additive_mask(const Tensor& k, int scale) const {
    if (k.size() < 2) return std::nullopt;
    const double lim = std::ldexp(static_cast<double>(act_), -scale);
    Tensor m = Tensor::floats(k.shape);
    bool masked = false;
    for (int64_t j = 0; j < k.size(); ++j) {
      const double v = k.at(j);
      if (v != 0 && !(v <= -lim)) return std::nullopt;
      masked |= v != 0;
      m.f[j] = v == 0 ? 0.0f : static_cast<float>(-lim);
    }
    if (!masked) return std::nullopt;
    return m;
  }

  void set(const std::string& name, const Ref& r) { vals_[name] = r; }
  const std::string& out0() const { return cur_->outputs.at(0); }
  const std::string& in(size_t k) const {
    if (k >= cur_->inputs.size() || cur_->inputs[k].empty()) throw Error(where() + ": missing input " + std::to_string(k));
    return cur_->inputs[k];
  }
  bool has_in(size_t k) const { return k < cur_->inputs.size() && !cur_->inputs[k].empty(); }

  void find_fusions();
  void node(size_t index);
  void matmul_like(size_t index);
  void conv();
  void unary(const std::string& op);
  void pool();
  void reduce(const std::string& op);
  void layer_norm(const Ref& x, double eps, int64_t axis, const std::string& name, bool rms = false);
  void embedding();
  void select();
  void chain(const Chain& c);
  void find_chains(const std::set<std::string>& outs);
  void qdq(const std::string& op);
};

void Builder::find_fusions() {
  std::set<std::string> outs;
  for (const auto& o : g_.outputs) outs.insert(o.name);
  auto only = [&](const std::string& v) -> int {
    if (outs.count(v)) return -1;
    auto c = g_.consumers(v);
    return c.size() == 1 ? c[0] : -1;
  };
  auto axes_of = [&](const Node& n) -> std::vector<int64_t> {
    if (n.opset >= 18) {
      if (n.inputs.size() > 1 && !n.inputs[1].empty() && g_.is_constant(n.inputs[1])) return g_.constant(n.inputs[1])->as_ints();
      return {};
    }
    return n.get_ints("axes");
  };
  // The first of the reduced axes if they are the trailing ones of x (what LayerNormalization
  // normalises over), else -1. x may be a graph input (a decoder block fed hidden states), which
  // `values` does not list.
  auto trailing_first = [&](const std::string& x, const std::vector<int64_t>& axes) -> int64_t {
    const onnx::ValueInfo* xi = nullptr;
    if (auto it = g_.values.find(x); it != g_.values.end()) xi = &it->second;
    for (const auto& gi : g_.inputs)
      if (gi.name == x) xi = &gi;
    if (axes.empty() || !xi) return -1;
    const auto rank = static_cast<int64_t>(xi->shape.size());
    std::set<int64_t> ax;
    for (int64_t a : axes) ax.insert(a < 0 ? a + rank : a);
    const int64_t first = *ax.begin();
    return *ax.rbegin() == rank - 1 && static_cast<int64_t>(ax.size()) == rank - first ? first : -1;
  };
  auto scalar_const = [&](const std::string& v, double want) {
    return g_.is_constant(v) && g_.constant(v)->size() == 1 && g_.constant(v)->at(0) == want;
  };
  for (size_t i = 0; i < g_.nodes.size(); ++i) {
    const Node& n = g_.nodes[i];
    // MatMul + constant Add -> bias in the accumulator.
    if (n.op_type == "MatMul" && g_.is_constant(n.inputs.at(1))) {
      int a = only(n.outputs[0]);
      if (a >= 0 && g_.nodes[a].op_type == "Add") {
        const Node& add = g_.nodes[a];
        const std::string& other = add.inputs[0] == n.outputs[0] ? add.inputs[1] : add.inputs[0];
        if (g_.is_constant(other) && g_.values.count(add.outputs[0]) &&
            g_.values.at(add.outputs[0]).shape == g_.values.at(n.outputs[0]).shape) {
          bias_of_[i] = other;
          skip_.insert(a);
        }
      }
    }
    // Pow 2 | Mul, ReduceMean, Add eps, Sqrt, then Div(x, ·) or Reciprocal | Div(1, ·) and Mul(x, ·)
    // -> rmsnorm (PyTorch's decomposed RMSNorm; the γ Mul after it stays an ordinary Mul).
    if (!skip_.count(i) && ((n.op_type == "Pow" && scalar_const(n.inputs[1], 2.0)) ||
                            (n.op_type == "Mul" && n.inputs[0] == n.inputs[1]))) {
      const std::string& x = n.inputs[0];
      const int rm = only(n.outputs[0]);
      if (rm >= 0 && g_.nodes[rm].op_type == "ReduceMean" && g_.nodes[rm].get_int("keepdims", 1) == 1) {
        const int64_t first = trailing_first(x, axes_of(g_.nodes[rm]));
        const int ad = only(g_.nodes[rm].outputs[0]);
        const Node* addn = ad >= 0 && g_.nodes[ad].op_type == "Add" ? &g_.nodes[ad] : nullptr;
        const std::string eps_name = !addn ? "" : addn->inputs[0] == g_.nodes[rm].outputs[0] ? addn->inputs[1] : addn->inputs[0];
        const int sq = addn && g_.is_constant(eps_name) && g_.constant(eps_name)->size() == 1 ? only(addn->outputs[0]) : -1;
        int inv = -1, last = -1;
        if (first >= 0 && sq >= 0 && g_.nodes[sq].op_type == "Sqrt") {
          const std::string& sd = g_.nodes[sq].outputs[0];
          const int k = only(sd);
          const Node* m = k >= 0 ? &g_.nodes[k] : nullptr;
          if (m && m->op_type == "Div" && m->inputs[0] == x && m->inputs[1] == sd) {
            last = k;
          } else if (m && (m->op_type == "Reciprocal" || (m->op_type == "Div" && m->inputs[1] == sd && scalar_const(m->inputs[0], 1.0)))) {
            const int mul = only(m->outputs[0]);
            const std::string& rv = m->outputs[0];
            if (mul >= 0 && g_.nodes[mul].op_type == "Mul" &&
                ((g_.nodes[mul].inputs[0] == x && g_.nodes[mul].inputs[1] == rv) ||
                 (g_.nodes[mul].inputs[1] == x && g_.nodes[mul].inputs[0] == rv)))
              inv = k, last = mul;
          }
        }
        if (last >= 0) {
          rmsnorm_at_[last] = {x, g_.constant(eps_name)->at(0), first};
          for (int k : {static_cast<int>(i), rm, ad, sq, inv})
            if (k >= 0) skip_.insert(k);
          continue;
        }
      }
    }
    // ReduceMean, Sub, Pow 2 | Mul, ReduceMean, Add eps, Sqrt, Div -> layernorm.
    if (n.op_type == "ReduceMean" && !skip_.count(i) && n.get_int("keepdims", 1) == 1) {
      const std::string& x = n.inputs[0];
      int sub = only(n.outputs[0]);
      if (sub < 0 || g_.nodes[sub].op_type != "Sub" || g_.nodes[sub].inputs[0] != x || g_.nodes[sub].inputs[1] != n.outputs[0])
        continue;
      const std::string& c = g_.nodes[sub].outputs[0];
      auto cc = g_.consumers(c);
      if (outs.count(c) || cc.size() != 2) continue;
      int pw = -1, dv = -1;
      for (int k : cc) {
        const Node& m = g_.nodes[k];
        if (m.op_type == "Pow" && m.inputs[0] == c && g_.is_constant(m.inputs[1]) && g_.constant(m.inputs[1])->size() == 1 &&
            g_.constant(m.inputs[1])->at(0) == 2.0)
          pw = k;
        else if (m.op_type == "Mul" && m.inputs[0] == c && m.inputs[1] == c)
          pw = k;
        else if (m.op_type == "Div" && m.inputs[0] == c)
          dv = k;
      }
      if (pw < 0 || dv < 0) continue;
      int rm = only(g_.nodes[pw].outputs[0]);
      if (rm < 0 || g_.nodes[rm].op_type != "ReduceMean" || axes_of(g_.nodes[rm]) != axes_of(n)) continue;
      int ad = only(g_.nodes[rm].outputs[0]);
      if (ad < 0 || g_.nodes[ad].op_type != "Add") continue;
      const Node& addn = g_.nodes[ad];
      const std::string& eps_name = addn.inputs[0] == g_.nodes[rm].outputs[0] ? addn.inputs[1] : addn.inputs[0];
      if (!g_.is_constant(eps_name) || g_.constant(eps_name)->size() != 1) continue;
      int sq = only(addn.outputs[0]);
      if (sq < 0 || g_.nodes[sq].op_type != "Sqrt") continue;
      if (only(g_.nodes[sq].outputs[0]) != dv || g_.nodes[dv].inputs[1] != g_.nodes[sq].outputs[0]) continue;
      const int64_t first = trailing_first(x, axes_of(n));
      if (first < 0) continue;
      layernorm_at_[dv] = {x, g_.constant(eps_name)->at(0), first};
      for (int k : {static_cast<int>(i), sub, pw, rm, ad, sq}) skip_.insert(k);
    }
  }
  find_chains(outs);
}

// Element-wise chains. A node joins the chain of activation x when it is element-wise, every
// non-constant input is x or a chain node of x, and its constants are scalars (so the chain is one
// function f with y_i = f(x_i)). A chain of two or more nodes whose inner values are read only
// inside it becomes one lookup of f: x·sigmoid(x) (SiLU) and the decomposed GELUs (erf and tanh
// forms) cost one table instead of a table per op plus multiplications and rescales, and round once.
// An affine chain (x·0.5 + 1) stays op by op: relabels and linear layers are cheaper than a table.
void Builder::find_chains(const std::set<std::string>& outs) {
  static const std::set<std::string> unary = {"Relu", "LeakyRelu", "Sigmoid", "Tanh", "Erf", "Exp", "Sqrt", "Neg", "Abs",
                                              "Softplus", "Softsign", "Reciprocal", "Sin", "Cos", "Elu", "Selu",
                                              "HardSigmoid", "HardSwish", "Gelu"};
  static const std::set<std::string> binary = {"Add", "Sub", "Mul", "Div", "Pow"};
  std::map<std::string, std::string> root;  // chain value -> its activation x
  std::map<std::string, size_t> producer;
  // Nodes that would cost a table or a product of activations on their own.
  auto nonlinear = [&](const Node& n) {
    if (unary.count(n.op_type)) return n.op_type != "Neg";
    if (n.op_type == "Pow") return true;
    const bool c0 = g_.is_constant(n.inputs[0]), c1 = g_.is_constant(n.inputs[1]);
    return (n.op_type == "Mul" && !c0 && !c1) || (n.op_type == "Div" && !c1);
  };
  auto root_of = [&](const std::string& v) { return root.count(v) ? root[v] : v; };
  for (size_t i = 0; i < g_.nodes.size(); ++i) {
    const Node& n = g_.nodes[i];
    if (skip_.count(i) || bias_of_.count(i) || layernorm_at_.count(i) || rmsnorm_at_.count(i) || n.outputs.size() != 1 ||
        !(n.domain.empty() || n.domain == "ai.onnx"))
      continue;
    const bool un = unary.count(n.op_type) != 0, bin = binary.count(n.op_type) != 0;
    if (!un && !bin) continue;
    std::string r;
    bool ok = !n.inputs.empty() && (un ? n.num_inputs() == 1 : n.num_inputs() == 2);
    for (const auto& v : n.inputs) {
      if (!ok || v.empty()) continue;
      if (g_.is_constant(v)) {
        ok = g_.constant(v)->size() == 1;
        continue;
      }
      if (!r.empty() && root_of(v) != r) ok = false;
      r = root_of(v);
    }
    if (!ok || r.empty() || index_inputs_.count(r)) continue;
    root[n.outputs[0]] = r;
    producer[n.outputs[0]] = i;
  }
  std::set<size_t> used;
  for (const auto& [value, last] : producer) {
    // `last` ends a chain if some reader is not a chain node of the same x.
    bool end = outs.count(value) != 0;
    for (int c : g_.consumers(value)) end |= !producer.count(g_.nodes[c].outputs[0]) || root[g_.nodes[c].outputs[0]] != root[value];
    if (!end) continue;
    std::set<size_t> members;
    std::vector<std::string> todo = {value};
    while (!todo.empty()) {
      const std::string v = todo.back();
      todo.pop_back();
      auto p = producer.find(v);
      if (p == producer.end() || !members.insert(p->second).second) continue;
      for (const auto& in : g_.nodes[p->second].inputs) todo.push_back(in);
    }
    bool closed = members.size() >= 2, worth = false;
    for (size_t m : members) worth |= nonlinear(g_.nodes[m]);
    closed &= worth;
    for (size_t m : members) {
      closed &= !used.count(m);
      if (m == last) continue;
      closed &= !outs.count(g_.nodes[m].outputs[0]);
      for (int c : g_.consumers(g_.nodes[m].outputs[0])) closed &= members.count(static_cast<size_t>(c)) != 0;
    }
    if (!closed) continue;
    used.insert(members.begin(), members.end());
    for (size_t m : members)
      if (m != last) skip_.insert(m);
    chain_at_[last] = {root[value], std::vector<size_t>(members.begin(), members.end())};
  }
}

void Builder::chain(const Chain& c) {
  const std::string& name = out0();
  Ref x = rescale_to(get(c.x), get(c.x).scale, name);  // into ±act_max: the table's domain
  const int64_t b = bound(x);
  // Runs the chain's own float kernels once over every input the table holds.
  std::map<std::string, Tensor> env;
  env[c.x] = Tensor::floats({2 * b + 1});
  for (int64_t v = -b; v <= b; ++v) env[c.x].f[v + b] = static_cast<float>(std::ldexp(static_cast<double>(v), -x.scale));
  for (size_t k : c.nodes) {
    const Node& n = g_.nodes[k];
    onnx::KernelInputs in;
    for (const auto& v : n.inputs) in.push_back(v.empty() ? nullptr : g_.is_constant(v) ? g_.constant(v) : &env.at(v));
    env[n.outputs[0]] = std::move(onnx::run_node(n, in)[0]);
  }
  const Tensor& y = env.at(name);
  set(name, lookup(x, [&](double v) { return y.at(std::llround(std::ldexp(v, x.scale)) + b); }, lookup_scale(name), name));
}

IntGraph Builder::run() {
  for (const auto& in : g_.inputs) {
    if (!onnx::is_float(in.dtype)) {
      index_range(g_, in);  // refuses any use but Gather indices
      int id = ig_.add_input(in.name, in.shape, 0, 1.0, layers::kIndexInputBound);
      index_inputs_.insert(in.name);
      vals_[in.name] = Ref{id, 0, 1.0, 0, false};
      continue;
    }
    const int s = target(in.name).value_or(c_.activation_bits - 2);
    int id = ig_.add_input(in.name, in.shape, s, std::ldexp(1.0, -s), act_);
    vals_[in.name] = Ref{id, s, std::ldexp(1.0, -s), 0, true};
  }
  find_fusions();
  for (size_t i = 0; i < g_.nodes.size(); ++i) {
    if (skip_.count(i)) continue;
    progress::report("compile: quantizing", i + 1, g_.nodes.size(), g_.nodes[i].name);
    cur_ = &g_.nodes[i];
    node(i);
  }
  for (const auto& o : g_.outputs) {
    if (g_.is_constant(o.name)) throw Unsupported("graph output '" + o.name + "' is a constant; nothing to prove");
    auto it = vals_.find(o.name);
    if (it == vals_.end()) throw Error("graph output '" + o.name + "' is never computed");
    Ref r = it->second;
    if (r.offset != 0) throw Unsupported("graph output '" + o.name + "' is an integer-typed (QDQ) value");
    ig_.tensors[r.id].scale = r.scale;
    ig_.tensors[r.id].step = r.step;
    ig_.outputs.push_back(r.id);
  }
  return std::move(ig_);
}

void Builder::node(size_t index) {
  const Node& n = *cur_;
  const std::string& op = n.op_type;
  if (!n.domain.empty() && n.domain != "ai.onnx") unsupported("domain '" + n.domain + "' is not supported");
  if (layernorm_at_.count(index)) {
    const LnFuse& f = layernorm_at_[index];
    layer_norm(get(f.x), f.eps, f.axis, out0());
    return;
  }
  if (rmsnorm_at_.count(index)) {
    const LnFuse& f = rmsnorm_at_[index];
    layer_norm(get(f.x), f.eps, f.axis, out0(), true);
    return;
  }
  if (chain_at_.count(index)) return chain(chain_at_[index]);
  if (op == "MatMul" || op == "Gemm") return matmul_like(index);
  if (op == "Conv") return conv();
  if (op == "Add" || op == "Sub") {
    const bool sub = op == "Sub";
    const std::string &a = in(0), &b = in(1);
    if (is_const(a) && is_const(b)) unsupported("both operands constant (should have been folded)");
    if (is_const(a) || is_const(b)) {
      Ref x = get(is_const(a) ? b : a);
      if (!sub && only_softmax_reads(out0())) {
        const int ms = mask_scale(x, is_const(a) ? b : a);
        if (auto m = additive_mask(cval(is_const(a) ? a : b), ms)) {
          x = rescale_to(x, ms, out0());
          Ref k = constant_at((is_const(a) ? a : b) + "/mask", *m, x.scale, "@" + std::to_string(x.scale));
          Ref r = emit("add", {x.id, k.id}, {{"shift_a", {0}}, {"shift_b", {0}}}, x.scale, out0(), "/mask");
          return set(out0(), rescale_to(r, x.scale, out0()));
        }
      }
      Ref k = constant_at(is_const(a) ? a : b, cval(is_const(a) ? a : b), x.scale, "@" + std::to_string(x.scale));
      return set(out0(), is_const(a) ? add_refs(k, x, sub, out0()) : add_refs(x, k, sub, out0()));
    }
    return set(out0(), add_refs(get(a), get(b), sub, out0()));
  }
  if (op == "Mul" || op == "Div") {
    const bool div = op == "Div";
    const std::string &a = in(0), &b = in(1);
    if (is_const(a) && is_const(b)) unsupported("both operands constant (should have been folded)");
    const bool ca = is_const(a), cb = is_const(b);
    if (ca || cb) {
      if (div && ca) {  // c / x: reciprocal table times c
        const double c = cval(a).size() == 1 ? cval(a).at(0) : 0;
        if (cval(a).size() != 1) unsupported("constant tensor divided by an activation");
        Ref x = get(b);
        return set(out0(), lookup(x, [c](double v) { return c / v; }, lookup_scale(out0()), out0()));
      }
      const Tensor& k = cval(ca ? a : b);
      Ref x = get(ca ? b : a);
      if (k.size() == 1) return set(out0(), mul_real(x, div ? 1.0 / k.at(0) : k.at(0), out0()));
      Ref w = weight(ca ? a : b, k, 1.0);
      if (div) {
        Tensor inv = Tensor::floats(k.shape);
        for (int64_t j = 0; j < k.size(); ++j) inv.f[j] = static_cast<float>(1.0 / k.at(j));
        w = weight((ca ? a : b) + "/reciprocal", inv);
      }
      Ref r = emit("mul", {x.id, w.id}, {}, x.scale + w.scale, out0());
      return set(out0(), fit(r, out0()));
    }
    Ref x = get(a), y = get(b);
    if (!div) return set(out0(), fit(emit("mul", {x.id, y.id}, {}, x.scale + y.scale, out0()), out0()));
    const int so = target(out0()).value_or(c_.activation_bits - 4);
    const int k = so - x.scale + y.scale;
    Ref r = emit("div", {x.id, y.id},
                 {{"shift_n", {std::max(k, 0)}}, {"shift_d", {std::max(-k, 0)}}, {"lo", {-act_}}, {"hi", {act_}}}, so, out0());
    return set(out0(), r);
  }
  if (op == "Pow") {
    const std::string& e = in(1);
    if (!is_const(e) || cval(e).size() != 1) unsupported("only a constant scalar exponent is supported");
    const double p = cval(e).at(0);
    Ref x = get(in(0));
    if (p == 1) return set(out0(), x);
    if (p == 2 || p == 3 || p == 4) {
      Ref sq = fit(emit("mul", {x.id, x.id}, {}, 2 * x.scale, out0(), "/sq"), out0());
      if (p == 2) return set(out0(), sq);
      if (p == 4) return set(out0(), fit(emit("mul", {sq.id, sq.id}, {}, 2 * sq.scale, out0(), "/sq2"), out0()));
      return set(out0(), fit(emit("mul", {sq.id, x.id}, {}, sq.scale + x.scale, out0(), "/cube"), out0()));
    }
    if (p == 0.5) return set(out0(), lookup(x, [](double v) { return std::sqrt(v); }, lookup_scale(out0()), out0()));
    if (p == -1) return set(out0(), lookup(x, [](double v) { return 1.0 / v; }, lookup_scale(out0()), out0()));
    if (p == -0.5) return set(out0(), lookup(x, [](double v) { return 1.0 / std::sqrt(v); }, lookup_scale(out0()), out0()));
    unsupported("exponent " + std::to_string(p) + " (supported: 0.5, -0.5, -1, 1, 2, 3, 4)");
  }
  if (op == "MaxPool" || op == "AveragePool") return pool();
  if (op == "GlobalMaxPool" || op == "GlobalAveragePool") {
    Ref x = get(in(0));
    const auto r = static_cast<int64_t>(shape(x).size());
    std::vector<int64_t> axes;
    int64_t cnt = 1;
    for (int64_t d = 2; d < r; ++d) axes.push_back(d), cnt *= shape(x)[d];
    if (op == "GlobalMaxPool") return set(out0(), emit("reduce_max", {x.id}, {{"axes", axes}, {"keepdims", {1}}}, x.scale, out0()));
    Ref s = emit("reduce_sum", {x.id}, {{"axes", axes}, {"keepdims", {1}}}, x.scale, out0(), "/sum");
    return set(out0(), mul_real(s, 1.0 / static_cast<double>(cnt), out0()));
  }
  if (op == "ReduceMean" || op == "ReduceSum" || op == "ReduceMax" || op == "ReduceMin") return reduce(op);
  if (op == "Softmax") {
    Ref x = get(in(0));
    x = rescale_to(x, x.scale, out0());
    const auto rank = static_cast<int64_t>(shape(x).size());
    int64_t axis = n.get_int("axis", n.opset < 13 ? 1 : -1);
    if (axis < 0) axis += rank;
    if (n.opset < 13 && axis != rank - 1) unsupported("opset < 13 Softmax over several axes");
    const int se = c_.activation_bits - 1;
    std::vector<int64_t> table;
    for (int64_t d = 0; d <= 2 * bound(x); ++d) {
      auto v = static_cast<int64_t>(std::llround(std::ldexp(std::exp(-std::ldexp(static_cast<double>(d), -x.scale)), se)));
      table.push_back(v);
      if (v == 0) break;
    }
    const int t = c_.activation_bits - 2;
    return set(out0(), emit("softmax", {x.id}, {{"axis", {axis}}, {"table", table}, {"out_bits", {t}}}, t, out0()));
  }
  if (op == "LayerNormalization") {
    if (n.outputs.size() > 1 && (!n.outputs[1].empty() || (n.outputs.size() > 2 && !n.outputs[2].empty())))
      unsupported("Mean/InvStdDev outputs are not supported");
    Ref x = get(in(0));
    return layer_norm(x, n.get_float("epsilon", 1e-5f), n.get_int("axis", -1), out0());
  }
  if (op == "BatchNormalization") {
    Ref x = get(in(0));
    auto sc = cval(in(1)).as_floats(), bi = cval(in(2)).as_floats(), mean = cval(in(3)).as_floats(),
         var = cval(in(4)).as_floats();
    const double eps = n.get_float("epsilon", 1e-5f);
    const std::vector<int64_t> xs = shape(x);  // a copy: emit() may reallocate what shape() refers to
    onnx::Shape cs(xs.size() - 1, 1);
    cs[0] = static_cast<int64_t>(sc.size());
    Tensor a = Tensor::floats(cs), b = Tensor::floats(cs);
    for (size_t c = 0; c < sc.size(); ++c) {
      double s = sc[c] / std::sqrt(static_cast<double>(var[c]) + eps);
      a.f[c] = static_cast<float>(s);
      b.f[c] = static_cast<float>(bi[c] - mean[c] * s);
    }
    Ref w = weight(n.name + "/bn_scale", a);
    Ref y = fit(emit("mul", {x.id, w.id}, {}, x.scale + w.scale, out0(), "/scale"), out0());
    Ref bb = constant_at(n.name + "/bn_shift", b, y.scale, "");
    return set(out0(), add_refs(y, bb, false, out0()));
  }
  if (op == "Max" || op == "Min") {
    std::vector<Ref> xs;
    for (const auto& name : n.inputs)
      if (!name.empty()) xs.push_back(is_const(name) ? Ref{} : get(name));
    int s = std::numeric_limits<int>::max();
    for (const auto& x : xs)
      if (x.id >= 0) s = std::min(s, x.scale);
    for (size_t k = 0; k < xs.size(); ++k)
      if (xs[k].id < 0) xs[k] = constant_at(n.inputs[k], cval(n.inputs[k]), s, "@" + std::to_string(s));
    xs = common_scale(xs, out0());
    Ref r = xs[0];
    for (size_t k = 1; k < xs.size(); ++k) r = emit(op == "Max" ? "max" : "min", {r.id, xs[k].id}, {}, r.scale, out0());
    return set(out0(), r);
  }
  if (has_in(0) && index_inputs_.count(in(0)) && passes_ids(n)) {  // ids stay ids: a reshape, or nothing at all
    index_inputs_.insert(out0());
    Ref x = raw(in(0));
    if (op == "Identity" || op == "Cast") return set(out0(), x);
    Ref r = emit("reshape", {x.id}, {{"shape", out_shape(out0())}}, 0, out0());
    r.pow2 = false;
    return set(out0(), r);
  }
  if (op == "Flatten" || op == "Reshape" || op == "Squeeze" || op == "Unsqueeze") {
    Ref x = get(in(0));
    Ref r = emit("reshape", {x.id}, {{"shape", out_shape(out0())}}, x.scale, out0());
    r.scale = x.scale, r.step = x.step;
    return set(out0(), r);
  }
  if (op == "Identity" || op == "Dropout") return set(out0(), raw(in(0)));
  if (op == "Cast") {
    auto to = n.get_int("to", 1);
    Ref x = raw(in(0));
    if (to != 1 && to != 11 && to != 10 && to != 16) unsupported("only casts to a floating type are supported");
    if (!x.pow2 && x.offset == 0 && x.step == 1.0) x.pow2 = true, x.scale = 0;  // int32 result -> float
    if (!x.pow2) unsupported("cast of a quantized integer value");
    return set(out0(), x);
  }
  if (op == "Transpose") {
    Ref x = get(in(0));
    auto perm = n.get_ints("perm");
    if (perm.empty())
      for (int64_t d = static_cast<int64_t>(shape(x).size()); d-- > 0;) perm.push_back(d);
    return set(out0(), emit("transpose", {x.id}, {{"perm", perm}}, x.scale, out0()));
  }
  if (op == "Slice" || op == "Split") {
    Ref x = get(in(0));
    // A copy: emit() below adds tensors, which may reallocate the storage shape() refers to.
    const std::vector<int64_t> xs = shape(x);
    const auto rank = static_cast<int64_t>(xs.size());
    if (op == "Split") {
      int64_t axis = n.get_int("axis", 0);
      if (axis < 0) axis += rank;
      int64_t start = 0;
      for (const auto& o : n.outputs) {
        const int64_t cnt = out_shape(o)[axis];
        std::vector<int64_t> starts(rank, 0), steps(rank, 1), counts = xs;
        starts[axis] = start, counts[axis] = cnt;
        start += cnt;
        set(o, emit("slice", {x.id}, {{"starts", starts}, {"steps", steps}, {"counts", counts}}, x.scale, o));
      }
      return;
    }
    std::vector<int64_t> starts, ends, axes, steps;
    if (n.opset < 10) {
      starts = n.get_ints("starts"), ends = n.get_ints("ends"), axes = n.get_ints("axes");
    } else {
      starts = cval(in(1)).as_ints(), ends = cval(in(2)).as_ints();
      if (has_in(3)) axes = cval(in(3)).as_ints();
      if (has_in(4)) steps = cval(in(4)).as_ints();
    }
    if (axes.empty())
      for (size_t k = 0; k < starts.size(); ++k) axes.push_back(static_cast<int64_t>(k));
    if (steps.empty()) steps.assign(starts.size(), 1);
    std::vector<int64_t> st(rank, 0), sp(rank, 1), cnt = xs;
    for (size_t k = 0; k < starts.size(); ++k) {
      int64_t a = axes[k] < 0 ? axes[k] + rank : axes[k], d = xs[a], s = steps[k];
      int64_t lo = starts[k] < 0 ? starts[k] + d : starts[k];
      int64_t hi = ends[k] < 0 ? ends[k] + d : ends[k];
      if (s > 0) {
        lo = std::clamp<int64_t>(lo, 0, d), hi = std::clamp<int64_t>(hi, 0, d);
        cnt[a] = hi > lo ? (hi - lo + s - 1) / s : 0;
      } else {
        lo = std::clamp<int64_t>(lo, 0, d - 1), hi = std::clamp<int64_t>(hi, -1, d - 1);
        cnt[a] = lo > hi ? (lo - hi - s - 1) / (-s) : 0;
      }
      st[a] = cnt[a] > 0 ? lo : 0, sp[a] = s;
    }
    return set(out0(), emit("slice", {x.id}, {{"starts", st}, {"steps", sp}, {"counts", cnt}}, x.scale, out0()));
  }
  if (op == "Concat") {
    std::vector<Ref> xs;
    int s = std::numeric_limits<int>::max();
    for (const auto& name : n.inputs)
      if (!is_const(name)) s = std::min(s, get(name).scale);
    for (const auto& name : n.inputs)
      xs.push_back(is_const(name) ? constant_at(name, cval(name), s, "@" + std::to_string(s)) : get(name));
    xs = common_scale(xs, out0());
    std::vector<int> ids;
    for (auto& x : xs) ids.push_back(x.id);
    return set(out0(), emit("concat", ids, {{"axis", {n.get_int("axis", 0)}}}, xs[0].scale, out0()));
  }
  if (op == "Pad") {
    Ref x = get(in(0));
    if (n.get_string("mode", "constant") != "constant") unsupported("only constant padding is supported");
    std::vector<int64_t> pads;
    double v = 0;
    if (n.opset < 11) {
      pads = n.get_ints(n.has("pads") ? "pads" : "paddings"), v = n.get_float("value", 0);
    } else {
      pads = cval(in(1)).as_ints();
      if (has_in(2) && cval(in(2)).size() > 0) v = cval(in(2)).at(0);
      if (has_in(3)) unsupported("the axes input is not supported");
    }
    for (int64_t p : pads)
      if (p < 0) unsupported("negative pads");
    const auto q = static_cast<int64_t>(std::llround(std::ldexp(v, x.scale)));
    return set(out0(), emit("pad", {x.id}, {{"pads", pads}, {"value", {q}}}, x.scale, out0()));
  }
  if (op == "Gather") {
    if (is_const(in(0)) && !is_const(in(1))) return embedding();
    if (!is_const(in(1))) unsupported("Gather with run-time indices is supported only into a constant table");
    Ref x = get(in(0));
    const Tensor& ind = cval(in(1));
    const std::vector<int64_t> xs = shape(x);  // a copy: emit() may reallocate what shape() refers to
    int64_t axis = n.get_int("axis", 0);
    if (axis < 0) axis += static_cast<int64_t>(xs.size());
    auto idx = ind.as_ints();
    for (auto& j : idx) {
      if (j < -xs[axis] || j >= xs[axis]) throw Error(where() + ": index " + std::to_string(j) + " out of range");
      if (j < 0) j += xs[axis];
    }
    return set(out0(), emit("gather", {x.id}, {{"axis", {axis}}, {"indices", idx}, {"indices_shape", ind.shape}}, x.scale, out0()));
  }
  if (op == "Expand") {
    Ref x = get(in(0));
    return set(out0(), emit("expand", {x.id}, {{"shape", cval(in(1)).as_ints()}}, x.scale, out0()));
  }
  if (op == "Where") return select();
  if (op == "Neg") return set(out0(), emit("mul_const", {get(in(0)).id}, {{"c", {-1}}}, get(in(0)).scale, out0()));
  if (op == "QuantizeLinear" || op == "DequantizeLinear" || op == "QLinearMatMul" || op == "QLinearConv" ||
      op == "MatMulInteger")
    return qdq(op);
  return unary(op);
}

void Builder::unary(const std::string& op) {
  const Node& n = *cur_;
  Ref x = get(in(0));
  const std::string& o = out0();
  // Positively homogeneous functions keep the input scale exactly.
  if (op == "Relu") return set(o, lookup(x, [](double v) { return std::max(v, 0.0); }, x.scale, o));
  if (op == "LeakyRelu") {
    const double a = n.get_float("alpha", 0.01f);
    return set(o, lookup(x, [a](double v) { return v >= 0 ? v : a * v; }, x.scale, o));
  }
  if (op == "PRelu") {
    const Tensor& s = cval(in(1));
    const double a = s.at(0);
    for (int64_t k = 1; k < s.size(); ++k)
      if (s.at(k) != a) unsupported("per-channel slopes (one table per channel) are not supported; a single constant slope is");
    return set(o, lookup(x, [a](double v) { return v >= 0 ? v : a * v; }, x.scale, o));
  }
  if (op == "Abs") return set(o, lookup(x, [](double v) { return std::abs(v); }, x.scale, o));
  if (op == "Clip") {
    double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
    if (n.opset < 11) {
      lo = n.get_float("min", -std::numeric_limits<float>::infinity()), hi = n.get_float("max", std::numeric_limits<float>::infinity());
    } else {
      lo = scalar_of(1, lo), hi = scalar_of(2, hi);
    }
    return set(o, lookup(x, [lo, hi](double v) { return std::clamp(v, lo, hi); }, x.scale, o));
  }
  const int so = lookup_scale(o);
  std::function<double(double)> f;
  if (op == "Sigmoid") f = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
  else if (op == "Tanh") f = [](double v) { return std::tanh(v); };
  else if (op == "Exp") f = [](double v) { return std::exp(v); };
  else if (op == "Erf") f = [](double v) { return std::erf(v); };
  else if (op == "Sqrt") f = [](double v) { return std::sqrt(v); };
  else if (op == "Reciprocal") f = [](double v) { return 1.0 / v; };
  else if (op == "Softplus") f = [](double v) { return std::log1p(std::exp(v)); };
  else if (op == "Softsign") f = [](double v) { return v / (1 + std::abs(v)); };
  else if (op == "Sin") f = [](double v) { return std::sin(v); };
  else if (op == "Cos") f = [](double v) { return std::cos(v); };
  else if (op == "HardSigmoid") {
    const double a = n.get_float("alpha", 0.2f), b = n.get_float("beta", 0.5f);
    f = [a, b](double v) { return std::clamp(a * v + b, 0.0, 1.0); };
  } else if (op == "HardSwish") {
    f = [](double v) { return v * std::clamp(v / 6.0 + 0.5, 0.0, 1.0); };
  } else if (op == "Gelu") {
    if (n.get_string("approximate", "none") == "tanh")
      f = [](double v) { return 0.5 * v * (1 + std::tanh(std::sqrt(2 / std::numbers::pi) * (v + 0.044715 * v * v * v))); };
    else
      f = [](double v) { return 0.5 * v * (1 + std::erf(v / std::numbers::sqrt2)); };
  } else if (op == "Elu") {
    const double a = n.get_float("alpha", 1.0f);
    f = [a](double v) { return v >= 0 ? v : a * std::expm1(v); };
  } else if (op == "Selu") {
    const double a = n.get_float("alpha", 1.67326319217681884765625f), g = n.get_float("gamma", 1.05070102214813232421875f);
    f = [a, g](double v) { return g * (v >= 0 ? v : a * std::expm1(v)); };
  } else {
    std::string list;
    for (const auto& name : supported_ops()) list += (list.empty() ? "" : ", ") + name;
    unsupported("no integer mapping; supported by the quantizer: " + list);
  }
  set(o, lookup(x, f, so, o));
}

void Builder::matmul_like(size_t index) {
  const Node& n = *cur_;
  const bool gemm = n.op_type == "Gemm";
  const double alpha = gemm ? n.get_float("alpha", 1.0f) : 1.0, beta = gemm ? n.get_float("beta", 1.0f) : 1.0;
  const std::string &an = in(0), &bn = in(1);
  if (is_const(an) && is_const(bn)) unsupported("both operands constant (should have been folded)");
  Ref a = is_const(an) ? weight(an, cval(an), alpha) : get(an);
  Ref b = is_const(bn) ? weight(bn, cval(bn), is_const(an) ? 1.0 : alpha) : get(bn);
  if (!is_const(an) && !is_const(bn) && alpha != 1.0) unsupported("alpha != 1 with two activation operands");
  if (shape(a).size() < 2 || shape(b).size() < 2) unsupported("MatMul with a 1-D operand");
  layers::IntAttrs attrs;
  if (gemm) attrs = {{"trans_a", {n.get_int("transA", 0)}}, {"trans_b", {n.get_int("transB", 0)}}};
  std::vector<int> ids{a.id, b.id};
  const int acc = a.scale + b.scale;
  std::string out = out0();
  std::string bias_name;
  double bias_mult = 1.0;
  if (gemm && has_in(2)) {
    if (!is_const(in(2))) unsupported("Gemm with a run-time C input");
    bias_name = in(2), bias_mult = beta;
  }
  if (auto it = bias_of_.find(index); it != bias_of_.end()) {
    bias_name = it->second;
    for (int c : g_.consumers(out0()))
      if (skip_.count(c)) out = g_.nodes[c].outputs[0];
  }
  if (!bias_name.empty()) {
    Tensor bt = cval(bias_name);
    if (bias_mult != 1.0) {
      Tensor s = Tensor::floats(bt.shape);
      for (int64_t k = 0; k < bt.size(); ++k) s.f[k] = static_cast<float>(bt.at(k) * bias_mult);
      bt = s;
    }
    ids.push_back(constant_at(bias_name, bt, acc, "@acc").id);
  }
  Ref r = emit("matmul", ids, attrs, acc, out);
  set(out, fit(r, out));
}

void Builder::conv() {
  const Node& n = *cur_;
  Ref x = get(in(0));
  if (!is_const(in(1))) unsupported("run-time convolution weights");
  const Tensor& w = cval(in(1));
  if (w.rank() != 4) unsupported("only 2-D convolution is supported (weight rank " + std::to_string(w.rank()) + ")");
  Ref wr = weight(in(1), w);
  const std::vector<int64_t> xs = shape(x);  // a copy: emit() may reallocate what shape() refers to
  auto strides = n.get_ints("strides", {1, 1}), dil = n.get_ints("dilations", {1, 1}), pads = n.get_ints("pads", {0, 0, 0, 0});
  const std::string ap = n.get_string("auto_pad", "NOTSET");
  if (ap == "SAME_UPPER" || ap == "SAME_LOWER") {
    for (int d = 0; d < 2; ++d) {
      int64_t o = (xs[2 + d] + strides[d] - 1) / strides[d];
      int64_t total = std::max<int64_t>(0, (o - 1) * strides[d] + dil[d] * (w.shape[2 + d] - 1) + 1 - xs[2 + d]);
      pads[d] = ap == "SAME_UPPER" ? total / 2 : total - total / 2;
      pads[d + 2] = total - pads[d];
    }
  } else if (ap == "VALID") {
    pads = {0, 0, 0, 0};
  }
  std::vector<int> ids{x.id, wr.id};
  const int acc = x.scale + wr.scale;
  if (has_in(2)) ids.push_back(constant_at(in(2), cval(in(2)), acc, "@acc").id);
  Ref r = emit("conv", ids, {{"strides", strides}, {"pads", pads}, {"dilations", dil}, {"group", {n.get_int("group", 1)}}}, acc,
               out0());
  set(out0(), fit(r, out0()));
}

void Builder::pool() {
  const Node& n = *cur_;
  Ref x = get(in(0));
  const std::vector<int64_t> xs = shape(x);  // a copy: emit() may reallocate what shape() refers to
  if (xs.size() != 4) unsupported("only 2-D pooling is supported");
  if (n.outputs.size() > 1 && !n.outputs[1].empty()) unsupported("the Indices output is not supported");
  auto k = n.get_ints("kernel_shape");
  auto strides = n.get_ints("strides", {1, 1}), dil = n.get_ints("dilations", {1, 1}), pads = n.get_ints("pads", {0, 0, 0, 0});
  const std::string ap = n.get_string("auto_pad", "NOTSET");
  if (ap == "SAME_UPPER" || ap == "SAME_LOWER") {
    for (int d = 0; d < 2; ++d) {
      int64_t o = (xs[2 + d] + strides[d] - 1) / strides[d];
      int64_t total = std::max<int64_t>(0, (o - 1) * strides[d] + dil[d] * (k[d] - 1) + 1 - xs[2 + d]);
      pads[d] = ap == "SAME_UPPER" ? total / 2 : total - total / 2;
      pads[d + 2] = total - pads[d];
    }
  } else if (ap == "VALID") {
    pads = {0, 0, 0, 0};
  }
  // ceil_mode: grow the bottom/right padding until the floor formula gives the ONNX output size.
  const auto want = out_shape(out0());
  for (int d = 0; d < 2; ++d) {
    while ((xs[2 + d] + pads[d] + pads[d + 2] - dil[d] * (k[d] - 1) - 1) / strides[d] + 1 < want[2 + d]) ++pads[d + 2];
  }
  layers::IntAttrs at{{"kernel", k}, {"strides", strides}, {"pads", pads}, {"dilations", dil}};
  if (n.op_type == "MaxPool") return set(out0(), emit("maxpool", {x.id}, at, x.scale, out0()));
  bool padded = false;
  for (int64_t p : pads) padded |= p != 0;
  if (padded && n.get_int("count_include_pad", 0) == 0)
    unsupported("AveragePool with padding and count_include_pad=0 (the divisor varies per position)");
  Ref s = emit("sumpool", {x.id}, at, x.scale, out0(), "/sum");
  set(out0(), mul_real(s, 1.0 / static_cast<double>(k[0] * k[1]), out0()));
}

void Builder::reduce(const std::string& op) {
  const Node& n = *cur_;
  Ref x = get(in(0));
  auto axes = ints_arg("axes", 1, op == "ReduceSum" ? 13 : 18);
  const auto rank = static_cast<int64_t>(shape(x).size());
  if (axes.empty() && n.get_int("noop_with_empty_axes", 0) != 0) return set(out0(), x);
  if (axes.empty())
    for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
  int64_t cnt = 1;
  for (auto& a : axes) {
    if (a < 0) a += rank;
    cnt *= shape(x)[a];
  }
  layers::IntAttrs at{{"axes", axes}, {"keepdims", {n.get_int("keepdims", 1)}}};
  if (op == "ReduceMax") return set(out0(), emit("reduce_max", {x.id}, at, x.scale, out0()));
  if (op == "ReduceMin") {
    Ref neg = emit("mul_const", {x.id}, {{"c", {-1}}}, x.scale, out0(), "/neg");
    Ref m = emit("reduce_max", {neg.id}, at, x.scale, out0(), "/max");
    return set(out0(), emit("mul_const", {m.id}, {{"c", {-1}}}, x.scale, out0()));
  }
  Ref s = emit("reduce_sum", {x.id}, at, x.scale, out0(), op == "ReduceMean" ? "/sum" : "");
  if (op == "ReduceSum") return set(out0(), fit(s, out0()));
  set(out0(), mul_real(s, 1.0 / static_cast<double>(cnt), out0()));
}

void Builder::layer_norm(const Ref& x0, double eps, int64_t axis, const std::string& name, bool rms) {
  const Node& n = *cur_;
  Ref x = rescale_to(x0, x0.scale, name);
  const auto rank = static_cast<int64_t>(shape(x).size());
  if (axis < 0) axis += rank;
  const auto e = std::max<int64_t>(1, std::llround(std::ldexp(eps, 2 * x.scale)));
  const int t = c_.activation_bits - 4;
  Ref z = emit(rms ? "rmsnorm" : "layernorm", {x.id}, {{"axis", {axis}}, {"eps", {e}}, {"out_bits", {t}}}, t, name,
               "/normalize");
  z = rescale_to(z, z.scale, name);
  if (n.op_type != "LayerNormalization") return set(name, z);
  // The affine part of the fused op: ·γ then +β, broadcasting over the normalised dims.
  const Tensor& g = cval(in(1));
  Ref gw = weight(in(1), g);
  Ref y = fit(emit("mul", {z.id, gw.id}, {}, z.scale + gw.scale, name, "/gamma"), name);
  if (has_in(2)) y = add_refs(y, constant_at(in(2), cval(in(2)), y.scale, "@" + std::to_string(y.scale)), false, name);
  set(name, y);
}

// Gather of rows of a constant table by token ids (an integer model input): the embedding layer.
// The table is an activation the moment it is read, so it is quantized at activation precision
// (its own max |E| into activation_bits), not as an 8-bit weight.
void Builder::embedding() {
  const Node& n = *cur_;
  const Tensor& table = cval(in(0));
  if (!index_inputs_.count(in(1)))
    unsupported("run-time Gather indices must be an integer model input (token ids) or a reshape of one; '" + in(1) +
                "' is computed");
  if (table.rank() != 2 || n.get_int("axis", 0) != 0) unsupported("embedding lookups need a rank-2 table and axis 0");
  double mx = 0;
  for (int64_t k = 0; k < table.size(); ++k) mx = std::max(mx, std::abs(table.at(k)));
  const int s = scale_for(mx, c_.activation_bits);
  Ref e = constant_at(in(0), table, s, "@" + std::to_string(s));
  set(out0(), emit("embedding", {e.id, raw(in(1)).id}, {}, s, out0()));
}

// Where with a constant condition is a select: y = a·C + b·(1 − C), with C the 0/1 condition. One
// branch must be a constant (the masked value); values at or below the activation range's bottom
// (attention masks use −1e4 or −inf) saturate to −act_max, which is what they mean to softmax.
void Builder::select() {
  const std::string &c = in(0), &a = in(1), &b = in(2);
  if (!is_const(c)) unsupported("only a constant condition is supported (a causal mask)");
  if (is_const(a) == is_const(b)) unsupported("exactly one of the two branches must be a constant");
  const bool keep_a = !is_const(a);  // C selects the activation where it is 1
  Ref x = get(keep_a ? a : b);
  const Tensor& cond = cval(c);
  const Tensor& other = cval(keep_a ? b : a);
  const onnx::Shape os = out_shape(out0());
  const int64_t rank = static_cast<int64_t>(os.size());
  // Both constants are spread over the output's trailing dims (a mask is [T, T] or [1, 1, T, T]);
  // the activation broadcasts against that in the mul below.
  onnx::Shape ms = cond.rank() >= other.rank() ? cond.shape : other.shape;
  if (static_cast<int64_t>(ms.size()) > rank) unsupported("condition of higher rank than the output");
  for (size_t d = 0; d < ms.size(); ++d) ms[d] = os[os.size() - ms.size() + d];
  Tensor keep = Tensor::floats(ms), fill = Tensor::floats(ms);
  const std::vector<int64_t> cs = layers::strides_of(cond.shape), ks = layers::strides_of(other.shape);
  const std::vector<int64_t> mst = layers::strides_of(ms);
  double lowest = 0;
  for (int64_t e = 0; e < keep.size(); ++e) {
    // Element e of the mask shape read through numpy broadcasting from each constant.
    auto offset = [&](const Tensor& t, const std::vector<int64_t>& st) {
      int64_t off = 0;
      const size_t shift = ms.size() - t.shape.size();
      for (size_t d = 0; d < t.shape.size(); ++d)
        if (t.shape[d] != 1) off += ((e / mst[d + shift]) % ms[d + shift]) * st[d];
      return off;
    };
    const bool on = (cond.at(offset(cond, cs)) != 0) == keep_a;
    const double v = other.at(offset(other, ks));
    keep.f[e] = on ? 1.0f : 0.0f;
    fill.f[e] = on ? 0.0f : static_cast<float>(std::max(v, -3.0e38));
    if (!on) lowest = std::min(lowest, v);
  }
  // A fill below x's range before a softmax is a mask: it gets the mask scale and saturates. Any
  // other fill below the range takes the calibrated output scale (which covers it); a fill inside
  // the range keeps x's scale.
  if (lowest < -std::ldexp(static_cast<double>(act_), -x.scale)) {
    const int s = only_softmax_reads(out0()) ? mask_scale(x, keep_a ? a : b) : target(out0()).value_or(x.scale);
    x = rescale_to(x, std::min(x.scale, s), out0());
  }
  const double lim = std::ldexp(static_cast<double>(act_), -x.scale);
  for (auto& v : fill.f) v = static_cast<float>(std::clamp(static_cast<double>(v), -lim, lim));
  Ref kc = constant_at(c + "/keep", keep, 0, "");
  Ref y = emit("mul", {x.id, kc.id}, {}, x.scale, out0(), "/select");
  Ref f = constant_at(c + "/fill", fill, x.scale, "@" + std::to_string(x.scale));
  Ref r = emit("add", {y.id, f.id}, {{"shift_a", {0}}, {"shift_b", {0}}}, x.scale, out0(), "/fill");
  set(out0(), rescale_to(r, x.scale, out0()));
}

// ---- int8 QDQ models ----

void Builder::qdq(const std::string& op) {
  const Node& n = *cur_;
  auto zp_of = [&](size_t k, int64_t& lo, int64_t& hi) -> int64_t {
    lo = 0, hi = 255;  // uint8 is the default type
    if (!has_in(k)) return 0;
    const Tensor& z = cval(in(k));
    if (z.dtype == onnx::DType::Int8) lo = -128, hi = 127;
    else if (z.dtype != onnx::DType::UInt8) unsupported(std::string("zero point type ") + onnx::dtype_name(z.dtype));
    for (int64_t j = 1; j < z.size(); ++j)
      if (z.at(j) != z.at(0)) unsupported("per-channel zero points");
    return z.size() ? static_cast<int64_t>(z.at(0)) : 0;
  };
  auto scalar = [&](size_t k) {
    const Tensor& s = cval(in(k));
    if (s.size() != 1) unsupported("per-axis scale on an activation");
    return s.at(0);
  };
  // A quantized operand as its centred integers (q − zp) and its step.
  auto qoperand = [&](size_t qi, size_t si, size_t zi) -> Ref {
    int64_t lo, hi;
    const int64_t zp = zp_of(zi, lo, hi);
    const std::string& name = in(qi);
    if (is_const(name)) {
      const Tensor& t = cval(name);
      IntTensor v(t.shape);
      for (int64_t k = 0; k < t.size(); ++k) v.data[k] = static_cast<int64_t>(t.at(k)) - zp;
      const Tensor& s = cval(in(si));
      int id = ig_.add_constant(name, std::move(v), 0, s.at(0));
      return Ref{id, 0, s.at(0), 0, false};
    }
    Ref r = raw(name);
    if (r.pow2 || r.offset != zp) unsupported("operand '" + name + "' was not produced by QuantizeLinear with the same zero point");
    r.offset = 0;
    return r;
  };
  auto requant = [&](const Ref& acc, const std::vector<double>& M, int64_t axis, size_t ys, size_t yz) {
    int64_t lo, hi;
    const int64_t zp = zp_of(yz, lo, hi);
    std::vector<int64_t> ms;
    int64_t kmin = 61;
    std::vector<std::pair<int64_t, int64_t>> mk;
    for (double v : M) mk.push_back(fixed_multiplier(v, where())), kmin = std::min(kmin, mk.back().second);
    // One shift for all channels: bring every multiplier to the smallest k.
    for (auto [m, k] : mk) ms.push_back(std::max<int64_t>(1, m >> (k - kmin)));
    layers::IntAttrs at{{"k", {kmin}}, {"lo", {lo - zp}}, {"hi", {hi - zp}}, {"m", ms}};
    if (ms.size() > 1) at["axis"] = {axis};
    Ref r = emit("rescale", {acc.id}, at, 0, out0(), "/requantize");
    r.pow2 = false, r.step = scalar(ys), r.offset = zp;
    ig_.tensors[r.id].step = r.step;
    return r;
  };
  if (op == "QuantizeLinear") {
    Ref x = raw(in(0));
    if (x.offset != 0) unsupported("input is already quantized");
    const double s = scalar(1);
    Ref q = requant(x, {x.step / s}, 0, 1, 2);
    return set(out0(), q);
  }
  if (op == "DequantizeLinear") {
    int64_t lo, hi;
    const int64_t zp = zp_of(2, lo, hi);
    if (is_const(in(0))) unsupported("constant DequantizeLinear should have been folded");
    Ref r = raw(in(0));
    if (r.pow2 || r.offset != zp) unsupported("input was not produced by QuantizeLinear with the same zero point");
    r.offset = 0, r.step = scalar(1);
    return set(out0(), r);
  }
  auto per_channel = [&](size_t k) { return cval(in(k)).as_floats(); };
  if (op == "QLinearMatMul") {
    Ref a = qoperand(0, 1, 2), b = qoperand(3, 4, 5);
    Ref acc = emit("matmul", {a.id, b.id}, {}, 0, out0(), "/acc");
    const double sa = scalar(1), sy = scalar(6);
    std::vector<double> M;
    for (float sb : per_channel(4)) M.push_back(sa * sb / sy);
    return set(out0(), requant(acc, M, static_cast<int64_t>(shape(acc).size()) - 1, 6, 7));
  }
  if (op == "QLinearConv") {
    Ref x = qoperand(0, 1, 2), w = qoperand(3, 4, 5);
    const double sx = scalar(1), sy = scalar(6);
    std::vector<int> ids{x.id, w.id};
    if (has_in(8)) {
      const Tensor& b = cval(in(8));
      IntTensor bv(b.shape);
      for (int64_t k = 0; k < b.size(); ++k) bv.data[k] = static_cast<int64_t>(b.at(k));
      ids.push_back(ig_.add_constant(in(8), std::move(bv), 0, 1.0));
    }
    auto pads = n.get_ints("pads", {0, 0, 0, 0});
    if (n.get_string("auto_pad", "NOTSET") != "NOTSET") unsupported("auto_pad on QLinearConv");
    Ref acc = emit("conv", ids,
                   {{"strides", n.get_ints("strides", {1, 1})}, {"pads", pads}, {"dilations", n.get_ints("dilations", {1, 1})},
                    {"group", {n.get_int("group", 1)}}},
                   0, out0(), "/acc");
    std::vector<double> M;
    for (float sw : per_channel(4)) M.push_back(sx * sw / sy);
    return set(out0(), requant(acc, M, 1, 6, 7));
  }
  if (op == "MatMulInteger") {
    auto operand_int = [&](size_t qi, size_t zi) -> Ref {
      int64_t lo, hi;
      const int64_t zp = zp_of(zi, lo, hi);
      const std::string& name = in(qi);
      if (is_const(name)) {
        const Tensor& t = cval(name);
        IntTensor v(t.shape);
        for (int64_t k = 0; k < t.size(); ++k) v.data[k] = static_cast<int64_t>(t.at(k)) - zp;
        return Ref{ig_.add_constant(name, std::move(v), 0, 1.0), 0, 1.0, 0, false};
      }
      Ref r = raw(name);
      if (r.pow2 || r.offset != zp) unsupported("operand '" + name + "' was not produced by QuantizeLinear with zero point " +
                                                std::to_string(zp));
      return r;
    };
    Ref a = operand_int(0, 2), b = operand_int(1, 3);
    Ref acc = emit("matmul", {a.id, b.id}, {}, 0, out0());
    acc.pow2 = false, acc.step = 1.0, acc.offset = 0;  // an int32 ONNX value: its integer is its meaning
    return set(out0(), acc);
  }
}

}  // namespace

layers::IntGraph compile(const Graph& graph, const QuantConfig& config, const std::vector<Sample>& calibration) {
  if (config.activation_bits < 4 || config.activation_bits > 24) throw Error("activation_bits must be in [4, 24]");
  if (config.weight_bits < 2 || config.weight_bits > 16) throw Error("weight_bits must be in [2, 16]");
  if (config.scalar_bits < 2 || config.scalar_bits > 24) throw Error("scalar_bits must be in [2, 24]");
  std::vector<Sample> samples = calibration.empty() ? default_calibration(graph, config) : calibration;
  onnx::FloatExecutor fx(graph);
  std::map<std::string, double> ranges;
  for (size_t k = 0; k < samples.size(); ++k) {
    const Sample& s = samples[k];
    progress::report("compile: calibrating (float inference)", k + 1, samples.size());
    auto all = fx.run_all(s);
    for (size_t k = 0; k < graph.inputs.size() && k < s.size(); ++k) all[graph.inputs[k].name] = s[k];
    for (const auto& [name, t] : all) {
      if (!t.is_float()) continue;
      double& r = ranges[name];
      for (float v : t.f)
        if (std::isfinite(v)) r = std::max(r, static_cast<double>(std::abs(v)));
    }
  }
  Builder b(graph, config, std::move(ranges));
  return b.run();
}

const std::vector<std::string>& supported_ops() {
  static const std::vector<std::string> ops = {
      "Abs", "Add", "AveragePool", "BatchNormalization", "Cast", "Clip", "Concat", "Conv", "Cos", "DequantizeLinear",
      "Div", "Dropout", "Elu", "Erf", "Exp", "Expand", "Flatten", "Gather", "Gelu", "Gemm", "GlobalAveragePool",
      "GlobalMaxPool", "HardSigmoid", "HardSwish", "Identity", "LayerNormalization", "LeakyRelu", "MatMul", "MatMulInteger", "Max", "MaxPool",
      "Min", "Mul", "Neg", "PRelu", "Pad", "Pow", "QLinearConv", "QLinearMatMul", "QuantizeLinear", "Reciprocal",
      "ReduceMax", "ReduceMean", "ReduceMin", "ReduceSum", "Relu", "Reshape", "Selu", "Sigmoid", "Sin", "Slice",
      "Softmax", "Softplus", "Softsign", "Split", "Sqrt", "Squeeze", "Sub", "Tanh", "Transpose", "Unsqueeze", "Where"};
  return ops;
}

}  // namespace zk::quant
