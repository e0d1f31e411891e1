#include "onnx/import.hpp"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <climits>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "onnx/float_executor.hpp"

namespace zk::onnx {
namespace {

namespace pb = ::onnx;

std::string first_line(const std::string& s) {
  std::string r = s.substr(0, s.find('\n'));
  while (!r.empty() && (r.back() == ' ' || r.back() == '\r')) r.pop_back();
  return r;
}

// Names the element type for messages ("float16"), from the TensorProto enum.
std::string onnx_type_name(int t) {
  if (pb::TensorProto_DataType_IsValid(t)) return pb::TensorProto_DataType_Name(static_cast<pb::TensorProto_DataType>(t));
  return std::to_string(t);
}

// Maps an ONNX element type; throws Unsupported for types we do not carry (float16, string, ...).
DType dtype_of(int t, const std::string& what) {
  switch (t) {
    case pb::TensorProto::FLOAT: return DType::Float32;
    case pb::TensorProto::DOUBLE: return DType::Float64;
    case pb::TensorProto::INT8: return DType::Int8;
    case pb::TensorProto::UINT8: return DType::UInt8;
    case pb::TensorProto::INT16: return DType::Int16;
    case pb::TensorProto::UINT16: return DType::UInt16;
    case pb::TensorProto::INT32: return DType::Int32;
    case pb::TensorProto::UINT32: return DType::UInt32;
    case pb::TensorProto::INT64: return DType::Int64;
    case pb::TensorProto::UINT64: return DType::Int64;
    case pb::TensorProto::BOOL: return DType::Bool;
    default: throw Unsupported(what + " has element type " + onnx_type_name(t) + ", which is not supported");
  }
}

template <class T>
void read_raw(const std::string& raw, size_t count, std::vector<T>& dst) {
  dst.resize(count);
  if (count) std::memcpy(dst.data(), raw.data(), count * sizeof(T));
}

Tensor from_proto(const pb::TensorProto& tp, const std::string& what) {
  if (tp.data_location() == pb::TensorProto::EXTERNAL) throw Unsupported(what + " uses external data, which is not supported");
  if (tp.has_segment()) throw Unsupported(what + " is segmented, which is not supported");
  Tensor t;
  t.dtype = dtype_of(tp.data_type(), what);
  for (int64_t d : tp.dims()) {
    if (d < 0) throw Error(what + " has a negative dim");
    t.shape.push_back(d);
  }
  const int64_t n = numel(t.shape);
  if (n < 0 || n > (int64_t{1} << 34)) throw Error(what + " is too large");
  const bool raw = tp.has_raw_data();
  size_t elem = 0;
  switch (tp.data_type()) {
    case pb::TensorProto::FLOAT: case pb::TensorProto::INT32: case pb::TensorProto::UINT32: elem = 4; break;
    case pb::TensorProto::DOUBLE: case pb::TensorProto::INT64: case pb::TensorProto::UINT64: elem = 8; break;
    case pb::TensorProto::INT16: case pb::TensorProto::UINT16: elem = 2; break;
    default: elem = 1; break;
  }
  if (raw) {
    if (tp.raw_data().size() != static_cast<size_t>(n) * elem)
      throw Error(what + " has " + std::to_string(tp.raw_data().size()) + " bytes of data, shape " + shape_str(t.shape) + " needs " +
                  std::to_string(static_cast<size_t>(n) * elem));
  }
  auto check_count = [&](int64_t c) {
    if (c != n) throw Error(what + " has " + std::to_string(c) + " values, shape " + shape_str(t.shape) + " needs " + std::to_string(n));
  };
  const std::string& rd = tp.raw_data();
  switch (tp.data_type()) {
    case pb::TensorProto::FLOAT:
      if (raw) read_raw(rd, n, t.f);
      else check_count(tp.float_data_size()), t.f.assign(tp.float_data().begin(), tp.float_data().end());
      break;
    case pb::TensorProto::DOUBLE: {
      std::vector<double> d;
      if (raw) read_raw(rd, n, d);
      else check_count(tp.double_data_size()), d.assign(tp.double_data().begin(), tp.double_data().end());
      t.f.assign(d.begin(), d.end());
      break;
    }
    case pb::TensorProto::INT64: {
      if (raw) read_raw(rd, n, t.i);
      else check_count(tp.int64_data_size()), t.i.assign(tp.int64_data().begin(), tp.int64_data().end());
      break;
    }
    case pb::TensorProto::UINT32:
    case pb::TensorProto::UINT64: {
      if (raw) {
        if (elem == 4) {
          std::vector<uint32_t> v;
          read_raw(rd, n, v);
          t.i.assign(v.begin(), v.end());
        } else {
          std::vector<uint64_t> v;
          read_raw(rd, n, v);
          t.i.assign(v.begin(), v.end());
        }
      } else {
        check_count(tp.uint64_data_size());
        t.i.assign(tp.uint64_data().begin(), tp.uint64_data().end());
      }
      break;
    }
    default: {  // int8/uint8/int16/uint16/int32/bool: int32_data, or raw of the native width
      if (raw) {
        t.i.resize(n);
        for (int64_t k = 0; k < n; ++k) {
          const char* p = rd.data() + k * elem;
          switch (t.dtype) {
            case DType::Int8: t.i[k] = static_cast<int8_t>(*p); break;
            case DType::UInt8: t.i[k] = static_cast<uint8_t>(*p); break;
            case DType::Bool: t.i[k] = *p != 0; break;
            case DType::Int16: { int16_t v; std::memcpy(&v, p, 2); t.i[k] = v; break; }
            case DType::UInt16: { uint16_t v; std::memcpy(&v, p, 2); t.i[k] = v; break; }
            default: { int32_t v; std::memcpy(&v, p, 4); t.i[k] = v; break; }
          }
        }
      } else {
        check_count(tp.int32_data_size());
        t.i.assign(tp.int32_data().begin(), tp.int32_data().end());
      }
    }
  }
  return t;
}

Attribute convert_attr(const pb::AttributeProto& a, const std::string& where) {
  Attribute r;
  switch (a.type()) {
    case pb::AttributeProto::INT: r.kind = Attribute::Kind::Int, r.i = a.i(); break;
    case pb::AttributeProto::FLOAT: r.kind = Attribute::Kind::Float, r.f = a.f(); break;
    case pb::AttributeProto::STRING: r.kind = Attribute::Kind::String, r.s = a.s(); break;
    case pb::AttributeProto::INTS: r.kind = Attribute::Kind::Ints, r.ints.assign(a.ints().begin(), a.ints().end()); break;
    case pb::AttributeProto::FLOATS: r.kind = Attribute::Kind::Floats, r.floats.assign(a.floats().begin(), a.floats().end()); break;
    case pb::AttributeProto::STRINGS: r.kind = Attribute::Kind::Strings, r.strings.assign(a.strings().begin(), a.strings().end()); break;
    case pb::AttributeProto::TENSOR:
      r.kind = Attribute::Kind::Tensor;
      r.t.push_back(from_proto(a.t(), "attribute '" + a.name() + "' of " + where));
      break;
    default:
      throw Unsupported("attribute '" + a.name() + "' of " + where + " has a type zkinfer does not support (" +
                        pb::AttributeProto_AttributeType_Name(a.type()) + ")");
  }
  return r;
}

// Static shape of a typed value, or false when any dim is unknown/symbolic or the type is not a tensor.
bool static_shape(const pb::TypeProto& tp, Shape& out) {
  if (!tp.has_tensor_type() || !tp.tensor_type().has_shape()) return false;
  out.clear();
  for (const auto& d : tp.tensor_type().shape().dim()) {
    if (!d.has_dim_value() || d.dim_value() < 0) return false;
    out.push_back(d.dim_value());
  }
  return true;
}

void collect_ops(const pb::GraphProto& g, std::vector<const pb::NodeProto*>& nodes) {
  for (const auto& n : g.node()) {
    nodes.push_back(&n);
    for (const auto& a : n.attribute()) {
      if (a.has_g()) collect_ops(a.g(), nodes);
      for (const auto& sg : a.graphs()) collect_ops(sg, nodes);
    }
  }
}

std::string node_label(const pb::NodeProto& n) { return n.name().empty() ? (n.op_type() + " (unnamed)") : n.name(); }

// Walks the model's nodes once, in order, doing everything that needs to know which values are
// constant: Constant nodes, folding, Identity/Dropout removal, If resolution.
class Builder {
 public:
  Builder(Graph& g, int opset, const std::map<std::string, Shape>& known) : g_(g), opset_(opset), known_(known) {}

  void add_graph_input(const std::string& name) { defined_.insert(name); }
  void add_constant(const std::string& name, Tensor t) {
    g_.constants[name] = std::move(t);
    defined_.insert(name);
  }

  std::string resolve(const std::string& v) const {
    auto it = alias_.find(v);
    return it == alias_.end() ? v : it->second;
  }

  void process(const pb::GraphProto& gp) {
    for (const auto& np : gp.node()) process_node(np);
  }

  const std::map<std::string, std::string>& aliases() const { return alias_; }

 private:
  void process_node(const pb::NodeProto& np) {
    Node n;
    n.op_type = np.op_type();
    n.domain = np.domain();
    n.name = np.name().empty() ? np.op_type() + "_" + std::to_string(counter_) : np.name();
    ++counter_;
    n.opset = opset_;
    const std::string where = n.op_type + " node '" + n.name + "'";
    for (const auto& in : np.input()) {
      std::string r = resolve(in);
      if (!r.empty() && !defined_.count(r))
        throw Error(where + " reads '" + in + "', which is neither a model input, an initializer nor an earlier node's output");
      n.inputs.push_back(r);
    }
    for (const auto& o : np.output()) n.outputs.push_back(o);
    if (n.op_type == "If") return process_if(np, n);
    for (const auto& a : np.attribute()) n.attrs[a.name()] = convert_attr(a, where);

    const bool all_const = std::all_of(n.inputs.begin(), n.inputs.end(), [&](const std::string& s) { return s.empty() || g_.is_constant(s); });
    const bool identity_like = n.op_type == "Identity" ||
                               (n.op_type == "Dropout" && (n.outputs.size() < 2 || n.outputs[1].empty()) && n.num_inputs() < 3);
    if (identity_like && !all_const) {
      alias_[n.outputs[0]] = n.inputs[0];
      defined_.insert(n.outputs[0]);
      return;
    }
    if (n.op_type == "Shape" && !n.inputs.empty()) {
      auto it = known_.find(n.inputs[0]);
      if (it != known_.end()) {  // the shape is static even though the data is not
        Tensor probe;
        probe.shape = it->second;
        std::vector<Tensor> out(1);
        KernelInputs in{&probe};
        find_op("Shape")->kernel(n, in, out);
        add_constant(n.outputs[0], std::move(out[0]));
        return;
      }
    }
    if (all_const) {
      KernelInputs in;
      for (const auto& s : n.inputs) in.push_back(s.empty() ? nullptr : g_.constant(s));
      auto out = run_node(n, in);
      for (size_t k = 0; k < out.size(); ++k)
        if (!n.outputs[k].empty()) add_constant(n.outputs[k], std::move(out[k]));
      return;
    }
    for (const auto& o : n.outputs)
      if (!o.empty()) defined_.insert(o);
    g_.nodes.push_back(std::move(n));
  }

  void process_if(const pb::NodeProto& np, const Node& n) {
    const Tensor* cond = n.inputs.empty() ? nullptr : g_.constant(n.inputs[0]);
    if (!cond || cond->size() != 1)
      throw Unsupported("If node '" + n.name + "' has a condition that is not a constant; only constant conditions are supported");
    const bool taken = cond->at(0) != 0;
    const pb::GraphProto* branch = nullptr;
    for (const auto& a : np.attribute())
      if (a.name() == (taken ? "then_branch" : "else_branch")) branch = &a.g();
    if (!branch) throw Error("If node '" + n.name + "' has no " + (taken ? "then_branch" : "else_branch"));
    for (const auto& init : branch->initializer()) add_constant(init.name(), from_proto(init, "initializer '" + init.name() + "'"));
    process(*branch);
    if (branch->output_size() != static_cast<int>(n.outputs.size()))
      throw Error("If node '" + n.name + "' branch has " + std::to_string(branch->output_size()) + " outputs, node has " +
                  std::to_string(n.outputs.size()));
    for (size_t k = 0; k < n.outputs.size(); ++k) {
      std::string src = resolve(branch->output(static_cast<int>(k)).name());
      if (g_.is_constant(src)) add_constant(n.outputs[k], g_.constants.at(src));
      else alias_[n.outputs[k]] = src, defined_.insert(n.outputs[k]);
    }
  }

  Graph& g_;
  int opset_;
  const std::map<std::string, Shape>& known_;
  std::set<std::string> defined_;
  std::map<std::string, std::string> alias_;
  int counter_ = 0;
};

// y = BN(conv(x)) == conv'(x) with every output channel's weights scaled and its bias shifted.
void fold_batchnorm(Graph& g, const std::set<std::string>& outputs) {
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    Node& bn = g.nodes[k];
    if (bn.op_type != "BatchNormalization" || bn.num_inputs() != 5) continue;
    if (bn.get_int("training_mode", 0) != 0 || bn.get_int("spatial", 1) != 1) continue;
    if (bn.outputs.size() > 1 && std::any_of(bn.outputs.begin() + 1, bn.outputs.end(), [](const std::string& s) { return !s.empty(); })) continue;
    bool params_const = true;
    for (int j = 1; j < 5; ++j) params_const &= g.is_constant(bn.inputs[j]);
    if (!params_const) continue;
    const std::string x = bn.inputs[0];
    int p = g.producer(x);
    if (p < 0 || outputs.count(x) || g.consumers(x).size() != 1) continue;
    Node& prod = g.nodes[p];
    const bool conv = prod.op_type == "Conv", gemm = prod.op_type == "Gemm";
    if (!conv && !gemm) continue;
    if (!g.is_constant(prod.inputs[1]) || (prod.num_inputs() > 2 && !g.is_constant(prod.inputs[2]))) continue;
    const Tensor& W = *g.constant(prod.inputs[1]);
    if (!W.is_float()) continue;
    auto sc = g.constant(bn.inputs[1])->as_floats(), bb = g.constant(bn.inputs[2])->as_floats();
    auto mean = g.constant(bn.inputs[3])->as_floats(), var = g.constant(bn.inputs[4])->as_floats();
    const double eps = bn.get_float("epsilon", 1e-5f);
    const int64_t C = static_cast<int64_t>(sc.size());
    std::vector<double> s(C), t(C);
    for (int64_t c = 0; c < C; ++c) {
      s[c] = sc[c] / std::sqrt(static_cast<double>(var[c]) + eps);
      t[c] = bb[c] - mean[c] * s[c];
    }
    Tensor w2 = W;
    std::vector<float> bias(C, 0.0f);
    if (conv) {
      if (W.shape.empty() || W.shape[0] != C) continue;
      const int64_t per = W.size() / C;
      for (int64_t c = 0; c < C; ++c)
        for (int64_t e = 0; e < per; ++e) w2.f[c * per + e] = static_cast<float>(W.f[c * per + e] * s[c]);
      std::vector<float> b0(C, 0.0f);
      if (prod.num_inputs() > 2) b0 = g.constant(prod.inputs[2])->as_floats();
      if (static_cast<int64_t>(b0.size()) != C) continue;
      for (int64_t c = 0; c < C; ++c) bias[c] = static_cast<float>(b0[c] * s[c] + t[c]);
    } else {
      if (W.rank() != 2) continue;
      const bool tb = prod.get_int("transB", 0) != 0;
      const int64_t N = tb ? W.shape[0] : W.shape[1], K = tb ? W.shape[1] : W.shape[0];
      if (N != C) continue;
      for (int64_t r = 0; r < W.shape[0]; ++r)
        for (int64_t c = 0; c < W.shape[1]; ++c) w2.f[r * W.shape[1] + c] = static_cast<float>(W.f[r * W.shape[1] + c] * s[tb ? r : c]);
      (void)K;
      const double beta = prod.get_float("beta", 1.0f);
      std::vector<float> c0(C, 0.0f);
      if (prod.num_inputs() > 2) {
        const Tensor& ct = *g.constant(prod.inputs[2]);
        if (ct.size() == 1) c0.assign(C, static_cast<float>(ct.at(0)));
        else if (ct.size() == C && ct.shape.back() == C) c0 = ct.as_floats();
        else continue;  // a per-row C would need a 2-D bias; leave the BatchNormalization in place
      }
      for (int64_t c = 0; c < C; ++c) bias[c] = static_cast<float>(beta * c0[c] * s[c] + t[c]);
      prod.attrs["beta"] = Attribute{Attribute::Kind::Float, 0, 1.0f, {}, {}, {}, {}, {}};
    }
    const std::string wn = prod.name + "/bn_folded_weight", bn_name = prod.name + "/bn_folded_bias";
    g.constants[wn] = std::move(w2);
    g.constants[bn_name] = Tensor::floats({C}, bias);
    prod.inputs.resize(3);
    prod.inputs[1] = wn;
    prod.inputs[2] = bn_name;
    prod.outputs[0] = bn.outputs[0];
    g.nodes.erase(g.nodes.begin() + static_cast<long>(k));
    --k;
  }
}

// Keeps only nodes and constants that some graph output depends on.
void prune(Graph& g) {
  std::set<std::string> needed;
  for (const auto& o : g.outputs) needed.insert(o.name);
  std::vector<Node> kept;
  for (auto it = g.nodes.rbegin(); it != g.nodes.rend(); ++it) {
    bool use = std::any_of(it->outputs.begin(), it->outputs.end(), [&](const std::string& o) { return needed.count(o) != 0; });
    if (!use) continue;
    for (const auto& in : it->inputs) needed.insert(in);
    kept.push_back(std::move(*it));
  }
  g.nodes.assign(std::make_move_iterator(kept.rbegin()), std::make_move_iterator(kept.rend()));
  for (auto it = g.constants.begin(); it != g.constants.end();) {
    if (needed.count(it->first)) ++it;
    else it = g.constants.erase(it);
  }
}

// Refuses unsupported ops before anything else, with one message naming them.
void check_ops(const pb::ModelProto& model) {
  std::vector<const pb::NodeProto*> all;
  collect_ops(model.graph(), all);
  for (const auto* np : all) {
    const bool known_domain = np->domain().empty() || np->domain() == "ai.onnx";
    if (!known_domain || (np->op_type() != "If" && !find_op(np->op_type()))) {
      std::string others;
      size_t extra = 0;
      for (const auto* q : all)
        if (q != np && q->op_type() != np->op_type() && q->op_type() != "If" && !find_op(q->op_type()) && others.find(q->op_type()) == std::string::npos) {
          others += (others.empty() ? "" : ", ") + q->op_type();
          ++extra;
        }
      throw Unsupported("unsupported op " + (known_domain ? "" : np->domain() + ".") + np->op_type() + " (node '" + node_label(*np) + "')" +
                        (extra ? " and also " + others : "") + "; supported ops: " + supported_ops_list());
    }
  }

}

Graph convert(pb::ModelProto& model, const ImportOptions& opt) {
  if (!model.has_graph()) throw Error("not an ONNX model: it has no graph");
  int opset = 0;
  for (const auto& imp : model.opset_import())
    if (imp.domain().empty() || imp.domain() == "ai.onnx") opset = static_cast<int>(imp.version());
  if (opset == 0 && model.opset_import_size() == 0) opset = 1;  // IR v1-2 models imply opset 1

  pb::GraphProto& gp = *model.mutable_graph();
  Graph g;
  g.name = gp.name();
  g.opset = opset;

  std::set<std::string> init_names;
  for (const auto& init : gp.initializer()) init_names.insert(init.name());

  // Fix every runtime input's dims, writing them back so that shape inference sees concrete shapes.
  std::set<std::string> input_names;
  for (auto& in : *gp.mutable_input()) {
    if (init_names.count(in.name())) continue;
    input_names.insert(in.name());
    const std::string what = "input '" + in.name() + "'";
    if (!in.type().has_tensor_type()) throw Unsupported(what + " is not a tensor");
    ValueInfo vi;
    vi.name = in.name();
    vi.dtype = dtype_of(in.type().tensor_type().elem_type(), what);
    auto* shp = in.mutable_type()->mutable_tensor_type()->mutable_shape();
    auto given = opt.input_shapes.find(in.name());
    if (given != opt.input_shapes.end()) {
      const Shape& s = given->second;
      if (in.type().tensor_type().has_shape() && shp->dim_size() != static_cast<int>(s.size()))
        throw Error(what + " has rank " + std::to_string(shp->dim_size()) + ", the given shape " + shape_str(s) + " has rank " + std::to_string(s.size()));
      if (!in.type().tensor_type().has_shape())
        for (size_t k = 0; k < s.size(); ++k) shp->add_dim();
      for (size_t k = 0; k < s.size(); ++k) {
        auto* d = shp->mutable_dim(static_cast<int>(k));
        if (s[k] < 0) throw Error(what + ": given shape " + shape_str(s) + " has a negative dim");
        if (d->has_dim_value() && d->dim_value() != s[k]) {
          Shape decl;
          for (const auto& dd : shp->dim()) decl.push_back(dd.has_dim_value() ? dd.dim_value() : -1);
          throw Error(what + " expects shape " + shape_str(decl) + " (-1 = dynamic), got " + shape_str(s));
        }
        d->set_dim_value(s[k]);
      }
    } else {
      if (!in.type().tensor_type().has_shape()) throw Error(what + " has no declared shape; pass one in ImportOptions::input_shapes");
      for (int k = 0; k < shp->dim_size(); ++k) {
        auto* d = shp->mutable_dim(k);
        if (d->has_dim_value() && d->dim_value() >= 0) continue;
        std::string label = d->has_dim_param() ? "'" + d->dim_param() + "'" : "#" + std::to_string(k);
        g.notes.push_back("dim " + label + " of input '" + in.name() + "' is dynamic and was fixed to 1");
        d->set_dim_value(1);
      }
    }
    for (const auto& d : shp->dim()) vi.shape.push_back(d.dim_value());
    g.inputs.push_back(vi);
  }
  for (const auto& [name, s] : opt.input_shapes)
    if (!input_names.count(name)) throw Error("model has no input named '" + name + "'");

  try {
    pb::ShapeInferenceOptions so(false, 1, true);
    pb::shape_inference::InferShapes(model, pb::OpSchemaRegistry::Instance(), so);
  } catch (const std::exception& e) {
    throw Error("shape inference failed: " + first_line(e.what()));
  }

  std::map<std::string, Shape> known;
  std::map<std::string, DType> types;
  auto note_value = [&](const pb::ValueInfoProto& v) {
    Shape s;
    if (static_shape(v.type(), s)) known[v.name()] = s;
    if (v.type().has_tensor_type()) {
      try {
        types[v.name()] = dtype_of(v.type().tensor_type().elem_type(), "value '" + v.name() + "'");
      } catch (const Unsupported&) {
      }
    }
  };
  for (const auto& v : gp.input()) note_value(v);
  for (const auto& v : gp.value_info()) note_value(v);
  for (const auto& v : gp.output()) note_value(v);

  Builder b(g, opset, known);
  for (const auto& in : g.inputs) b.add_graph_input(in.name);
  for (const auto& init : gp.initializer()) b.add_constant(init.name(), from_proto(init, "initializer '" + init.name() + "'"));
  b.process(gp);

  // Graph outputs that an Identity/Dropout/If aliased to another value.
  std::set<std::string> out_names;
  for (const auto& o : gp.output()) out_names.insert(o.name());
  for (const auto& o : gp.output()) {
    const std::string src = b.resolve(o.name());
    if (src == o.name()) continue;
    if (g.is_constant(src)) {
      g.constants[o.name()] = g.constants.at(src);
      continue;
    }
    const int p = g.producer(src);
    if (p >= 0 && !out_names.count(src) && !input_names.count(src)) {
      for (auto& n : g.nodes) {
        for (auto& s : n.inputs)
          if (s == src) s = o.name();
        for (auto& s : n.outputs)
          if (s == src) s = o.name();
      }
    } else {  // the output is a model input or another output: keep an explicit copy
      Node id;
      id.op_type = "Identity";
      id.name = "output_copy_" + o.name();
      id.opset = opset;
      id.inputs = {src};
      id.outputs = {o.name()};
      g.nodes.push_back(id);
    }
  }
  for (const auto& o : gp.output()) {
    if (!o.type().has_tensor_type()) throw Unsupported("output '" + o.name() + "' is not a tensor");
    ValueInfo vi;
    vi.name = o.name();
    if (g.producer(o.name()) < 0 && !g.is_constant(o.name()) && !input_names.count(o.name()))
      throw Error("model output '" + o.name() + "' is not produced by any node");
    g.outputs.push_back(vi);
  }

  if (opt.fold_batchnorm) fold_batchnorm(g, out_names);
  prune(g);

  // Static shapes for every value: from shape inference, else by one dry run on zeros.
  bool complete = true;
  for (const auto& n : g.nodes)
    for (const auto& o : n.outputs) {
      if (o.empty()) continue;
      if (known.count(o) && types.count(o)) g.values[o] = ValueInfo{o, types[o], known[o]};
      else complete = false;
    }
  if (!complete) {
    std::vector<Tensor> zeros;
    for (const auto& in : g.inputs) {
      Tensor t;
      t.dtype = in.dtype;
      t.shape = in.shape;
      if (is_float(in.dtype)) t.f.assign(numel(in.shape), 0.0f);
      else t.i.assign(numel(in.shape), 0);
      zeros.push_back(std::move(t));
    }
    try {
      auto all_vals = FloatExecutor(g).run_all(zeros);
      for (const auto& [name, t] : all_vals) g.values[name] = ValueInfo{name, t.dtype, t.shape};
    } catch (const Unsupported&) {
      throw;
    } catch (const Error& e) {
      throw Error("could not determine static shapes (dry run failed): " + std::string(e.what()));
    }
  }
  for (auto& o : g.outputs) {
    if (const Tensor* c = g.constant(o.name)) o.dtype = c->dtype, o.shape = c->shape;
    else if (g.values.count(o.name)) o = g.values[o.name];
    else
      for (const auto& in : g.inputs)
        if (in.name == o.name) o = in;
  }
  return g;
}

}  // namespace

Tensor tensor_from_proto_bytes(const std::string& bytes, std::string* name) {
  pb::TensorProto tp;
  if (bytes.size() > static_cast<size_t>(INT_MAX) || !tp.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    throw Error("not a valid serialized ONNX TensorProto");
  if (name) *name = tp.name();
  return from_proto(tp, "tensor '" + tp.name() + "'");
}

std::string read_file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error("cannot open '" + path + "'");
  std::ostringstream ss;
  ss << f.rdbuf();
  if (f.bad()) throw Error("cannot read '" + path + "'");
  return ss.str();
}

Graph import_bytes(const std::string& bytes, const ImportOptions& options) {
  if (bytes.empty()) throw Error("not an ONNX model: the input is empty");
  pb::ModelProto model;
  if (bytes.size() > static_cast<size_t>(INT_MAX) || !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    throw Error("not an ONNX model: protobuf parsing failed (file truncated or not ONNX)");
  if (!model.has_graph() || model.ir_version() <= 0) throw Error("not an ONNX model: no graph or IR version");
  check_ops(model);
  try {
    pb::checker::check_model(model);
  } catch (const std::exception& e) {
    throw Error("invalid ONNX model: " + first_line(e.what()));
  }
  return convert(model, options);
}

Graph import_file(const std::string& path, const ImportOptions& options) {
  std::string bytes = read_file_bytes(path);
  try {
    return import_bytes(bytes, options);
  } catch (const Unsupported& e) {
    throw Unsupported(path + ": " + e.what());
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

}  // namespace zk::onnx
