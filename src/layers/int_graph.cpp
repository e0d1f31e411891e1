#include "layers/int_graph.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "layers/layer.hpp"

namespace zk::layers {

int64_t numel(const Shape& s) {
  int64_t n = 1;
  // A shape may come from a hostile key's attributes (reshape, expand, gather indices).
  for (int64_t d : s)
    if (__builtin_mul_overflow(n, d, &n)) throw Error("a tensor of shape " + shape_str(s) + " has too many elements");
  return n;
}

std::string shape_str(const Shape& s) {
  std::string r = "[";
  for (size_t k = 0; k < s.size(); ++k) r += (k ? ", " : "") + std::to_string(s[k]);
  return r + "]";
}

IntTensor::IntTensor(Shape s, std::vector<int64_t> d) : shape(std::move(s)), data(std::move(d)) {
  if (static_cast<int64_t>(data.size()) != numel(shape))
    throw Error("integer tensor of shape " + shape_str(shape) + " given " + std::to_string(data.size()) + " values");
}

IntTensor::IntTensor(Shape s) : shape(std::move(s)), data(static_cast<size_t>(numel(shape)), 0) {}

// ---- IntNode ----

std::string IntNode::where() const { return "node '" + name + "' (" + op + ")"; }

int64_t IntNode::get(const std::string& key, int64_t dflt) const {
  auto it = attrs.find(key);
  if (it == attrs.end()) return dflt;
  if (it->second.size() != 1) throw Error(where() + ": attribute '" + key + "' must be a single integer");
  return it->second[0];
}

int64_t IntNode::get(const std::string& key) const {
  if (!has(key)) throw Error(where() + ": missing attribute '" + key + "'");
  return get(key, 0);
}

const std::vector<int64_t>& IntNode::vec(const std::string& key) const {
  auto it = attrs.find(key);
  if (it == attrs.end()) throw Error(where() + ": missing attribute '" + key + "'");
  return it->second;
}

std::vector<int64_t> IntNode::vec(const std::string& key, std::vector<int64_t> dflt) const {
  auto it = attrs.find(key);
  return it == attrs.end() ? dflt : it->second;
}

// ---- IntGraph ----

int IntGraph::add_input(const std::string& name, Shape shape, int scale, double step, int64_t bound) {
  if (bound < 0 || bound >= kSafeLimit) throw Error("input '" + name + "': bound out of the safe range");
  tensors.push_back({name, TensorKind::Input, std::move(shape), scale, step, bound});
  int id = static_cast<int>(tensors.size()) - 1;
  inputs.push_back(id);
  return id;
}

int IntGraph::add_constant(const std::string& name, IntTensor value, int scale, double step) {
  int64_t b = 0;
  for (int64_t v : value.data) {
    if (v <= -kSafeLimit || v >= kSafeLimit) throw Error("constant '" + name + "' has a value beyond 2^62");
    b = std::max(b, v < 0 ? -v : v);
  }
  tensors.push_back({name, TensorKind::Constant, value.shape, scale, step, b});
  int id = static_cast<int>(tensors.size()) - 1;
  constants.emplace(id, std::move(value));
  return id;
}

namespace {

std::vector<OutInfo> run_infer(const IntGraph& g, const IntNode& node, size_t n_out) {
  const LayerDef* def = find_layer(node.op);
  if (!def) throw Error(node.where() + ": unknown integer layer '" + node.op + "'");
  const int n_in = static_cast<int>(node.inputs.size());
  if (n_in < def->min_inputs || n_in > def->max_inputs)
    throw Error(node.where() + ": takes " + std::to_string(def->min_inputs) + ".." + std::to_string(def->max_inputs) +
                " inputs, got " + std::to_string(n_in));
  std::vector<const TensorInfo*> in;
  for (int id : node.inputs) {
    if (id == -1) {
      in.push_back(nullptr);
      continue;
    }
    if (id < 0 || id >= static_cast<int>(g.tensors.size())) throw Error(node.where() + ": input tensor id out of range");
    in.push_back(&g.tensors[id]);
  }
  auto out = def->infer(node, in);
  if (out.size() != n_out)
    throw Error(node.where() + ": layer produces " + std::to_string(out.size()) + " outputs, node lists " + std::to_string(n_out));
  for (const auto& o : out)
    if (o.bound < 0 || o.bound >= kSafeLimit) throw Error(node.where() + ": output could reach 2^62");
  return out;
}

}  // namespace

int IntGraph::add_node(IntNode node, const std::vector<std::string>& out_names, int scale, double step) {
  auto out = run_infer(*this, node, out_names.size());
  node.outputs.clear();
  for (size_t k = 0; k < out.size(); ++k) {
    tensors.push_back({out_names[k], TensorKind::Value, out[k].shape, scale, step, out[k].bound});
    node.outputs.push_back(static_cast<int>(tensors.size()) - 1);
  }
  nodes.push_back(std::move(node));
  return nodes.back().outputs.front();
}

namespace {

// Token ids carry no proven bound of their own (only the embedding proves each one is a row of its
// table), so a graph may read them nowhere else: as embedding indices, directly or through
// reshapes. A key file that marks any other input so is refused here, when it is loaded.
void check_index_uses(const IntGraph& g, int tensor, const std::string& input) {
  for (const IntNode& node : g.nodes)
    for (size_t k = 0; k < node.inputs.size(); ++k) {
      if (node.inputs[k] != tensor) continue;
      if (node.op == "reshape" && k == 0) {
        check_index_uses(g, node.outputs.at(0), input);
      } else if (node.op != "embedding" || k != 1) {
        throw Error(node.where() + ": reads the integer input '" + input + "', which may only index an embedding");
      }
    }
}

void check_index_inputs(const IntGraph& g) {
  for (int id : g.inputs)
    if (is_index_input(g.tensors.at(id))) check_index_uses(g, id, g.tensors[id].name);
}

}  // namespace

void IntGraph::check_bounds() {
  std::vector<char> defined(tensors.size(), 0);
  for (int id : inputs) defined.at(id) = 1;
  for (auto& [id, t] : constants) {
    defined.at(id) = 1;
    if (t.shape != tensors[id].shape) throw Error("constant '" + tensors[id].name + "' shape mismatch");
  }
  for (const IntNode& node : nodes) {
    for (int id : node.inputs)
      if (id != -1 && (id < 0 || id >= static_cast<int>(tensors.size()) || !defined[id]))
        throw Error(node.where() + ": reads a tensor before it is computed");
    auto out = run_infer(*this, node, node.outputs.size());
    for (size_t k = 0; k < out.size(); ++k) {
      // Shapes computed from a key file's attributes are held to the 2^30 elements io accepts in a
      // file, which keeps the layers' index arithmetic in int64.
      const Shape& s = out[k].shape;
      if (std::any_of(s.begin(), s.end(), [](int64_t d) { return d < 0; }) || numel(s) > (int64_t(1) << 30))
        throw Error(node.where() + ": absurd output shape " + shape_str(s));
      int id = node.outputs[k];
      if (id < 0 || id >= static_cast<int>(tensors.size()) || defined[id])
        throw Error(node.where() + ": output tensor defined twice or out of range");
      defined[id] = 1;
      tensors[id].shape = out[k].shape;
      tensors[id].bound = out[k].bound;
    }
  }
  for (int id : outputs)
    if (id < 0 || id >= static_cast<int>(tensors.size()) || !defined[id]) throw Error("graph output is never computed");
  check_index_inputs(*this);
}

const IntTensor* IntGraph::constant(int id) const {
  auto it = constants.find(id);
  return it == constants.end() ? nullptr : &it->second;
}

int IntGraph::find(const std::string& name) const {
  for (size_t k = tensors.size(); k-- > 0;)
    if (tensors[k].name == name) return static_cast<int>(k);
  return -1;
}

// ---- execution ----

std::vector<IntTensor> execute(const IntGraph& g, const std::vector<IntTensor>& inputs) {
  if (inputs.size() != g.inputs.size())
    throw Error("integer graph takes " + std::to_string(g.inputs.size()) + " inputs, got " + std::to_string(inputs.size()));
  std::vector<IntTensor> val(g.tensors.size());
  for (size_t k = 0; k < inputs.size(); ++k) {
    const TensorInfo& ti = g.tensors[g.inputs[k]];
    if (inputs[k].shape != ti.shape)
      throw Error("input '" + ti.name + "' has shape " + shape_str(inputs[k].shape) + ", expected " + shape_str(ti.shape));
    for (size_t j = 0; j < inputs[k].data.size(); ++j) {
      int64_t v = inputs[k].data[j];
      if (v > ti.bound || v < -ti.bound)
        throw Error("input '" + ti.name + "' value " + std::to_string(v) + " at index " + std::to_string(j) +
                    " exceeds its bound " + std::to_string(ti.bound));
    }
    val[g.inputs[k]] = inputs[k];
  }
  for (const auto& [id, t] : g.constants) val[id] = t;
  for (const IntNode& node : g.nodes) {
    const LayerDef* def = find_layer(node.op);
    if (!def) throw Error(node.where() + ": unknown integer layer");
    std::vector<const IntTensor*> in;
    for (int id : node.inputs) in.push_back(id == -1 ? nullptr : &val[id]);
    std::vector<IntTensor> out(node.outputs.size());
    for (size_t k = 0; k < out.size(); ++k) out[k] = IntTensor(g.tensors[node.outputs[k]].shape);
    def->forward(node, in, out);
    for (size_t k = 0; k < out.size(); ++k) val[node.outputs[k]] = std::move(out[k]);
  }
  return val;
}

IntTensor quantize(const TensorInfo& info, const std::vector<float>& x, const std::string& what) {
  if (static_cast<int64_t>(x.size()) != numel(info.shape))
    throw Error(what + ": expected " + std::to_string(numel(info.shape)) + " values (shape " + shape_str(info.shape) +
                "), got " + std::to_string(x.size()));
  IntTensor t(info.shape);
  for (size_t k = 0; k < x.size(); ++k) {
    if (!std::isfinite(x[k])) throw Error(what + ": value at index " + std::to_string(k) + " is not a finite number");
    double q = std::round(static_cast<double>(x[k]) / info.step);
    const double b = static_cast<double>(info.bound);
    t.data[k] = static_cast<int64_t>(std::clamp(q, -b, b));
  }
  return t;
}

bool is_index_input(const TensorInfo& info) {
  return info.kind == TensorKind::Input && info.scale == 0 && info.step == 1.0 && info.bound == kIndexInputBound;
}

std::vector<float> dequantize(const TensorInfo& info, const IntTensor& t) {
  std::vector<float> r(t.data.size());
  for (size_t k = 0; k < r.size(); ++k) r[k] = static_cast<float>(static_cast<double>(t.data[k]) * info.step);
  return r;
}

// ---- helpers for layer files ----

Wide wabs(Wide v) { return v < 0 ? -v : v; }

int64_t checked(const IntNode& node, Wide v, const char* what) {
  if (wabs(v) >= kSafeLimit)
    throw Error(node.where() + ": " + what + " could reach 2^62 (static bound exceeds the field's safe range; " +
                "use fewer activation/weight bits)");
  return static_cast<int64_t>(wabs(v));
}

void check_geometry(const IntNode& node, std::span<const int64_t> values, const char* what) {
  constexpr int64_t kLimit = int64_t(1) << 31;
  for (int64_t v : values)
    if (v > kLimit || v < -kLimit) throw Error(node.where() + ": absurd " + what + " (" + std::to_string(v) + ")");
}

Shape broadcast_shapes(const IntNode& node, const Shape& a, const Shape& b) {
  const size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (size_t k = 0; k < r; ++k) {
    int64_t da = k < r - a.size() ? 1 : a[k - (r - a.size())];
    int64_t db = k < r - b.size() ? 1 : b[k - (r - b.size())];
    if (da != db && da != 1 && db != 1)
      throw Error(node.where() + ": shapes " + shape_str(a) + " and " + shape_str(b) + " do not broadcast");
    out[k] = da == 1 ? db : da;
  }
  return out;
}

std::vector<int64_t> strides_of(const Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (size_t k = s.size(); k-- > 1;) st[k - 1] = st[k] * s[k];
  return st;
}

std::vector<int64_t> broadcast_strides(const Shape& in, const Shape& out) {
  std::vector<int64_t> st(out.size(), 0);
  auto own = strides_of(in);
  const size_t off = out.size() - in.size();
  for (size_t k = 0; k < in.size(); ++k) st[k + off] = in[k] == 1 ? 0 : own[k];
  return st;
}

int64_t norm_axis(const IntNode& node, int64_t axis, int64_t rank) {
  int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    throw Error(node.where() + ": axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
  return a;
}

void expect_inputs(const IntNode& node, std::span<const TensorInfo* const> in, size_t count) {
  for (size_t k = 0; k < count; ++k)
    if (k >= in.size() || !in[k]) throw Error(node.where() + ": missing input " + std::to_string(k));
}

int64_t isqrt(int64_t v) {
  // Bit-by-bit: integer only, so the executor and the prover agree on every platform.
  if (v <= 0) return 0;
  int64_t r = 0;
  for (int b = 31; b >= 0; --b) {
    int64_t c = r | (int64_t(1) << b);
    if (static_cast<Wide>(c) * c <= v) r = c;
  }
  return r;
}

}  // namespace zk::layers
