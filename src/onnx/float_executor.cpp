#include "onnx/float_executor.hpp"

#include <set>

namespace zk::onnx {

std::vector<Tensor> run_node(const Node& node, const KernelInputs& inputs) {
  const OpInfo* op = find_op(node.op_type);
  if (!op) throw Unsupported("unsupported op " + node.op_type + " (node '" + node.name + "')");
  std::vector<Tensor> out(node.outputs.size());
  op->kernel(node, inputs, out);
  return out;
}

FloatExecutor::FloatExecutor(const Graph& graph) : graph_(graph) {
  std::map<std::string, int> last;
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    const Node& n = graph.nodes[k];
    const OpInfo* op = find_op(n.op_type);
    if (!op) throw Unsupported("unsupported op " + n.op_type + " (node '" + n.name + "')");
    kernels_.push_back(op);
    for (const auto& in : n.inputs)
      if (!in.empty() && !graph.is_constant(in)) last[in] = static_cast<int>(k);
  }
  std::set<std::string> keep;
  for (const auto& o : graph.outputs) keep.insert(o.name);
  last_use_.resize(graph.nodes.size());
  for (const auto& [name, k] : last)
    if (!keep.count(name)) last_use_[k].push_back(name);
}

std::vector<Tensor> FloatExecutor::run(const std::vector<Tensor>& inputs) const { return run_impl(inputs, nullptr); }

std::vector<Tensor> FloatExecutor::run(const std::map<std::string, Tensor>& inputs) const {
  std::vector<Tensor> v;
  for (const auto& gi : graph_.inputs) {
    auto it = inputs.find(gi.name);
    if (it == inputs.end()) throw Error("missing value for model input '" + gi.name + "'");
    v.push_back(it->second);
  }
  if (inputs.size() != graph_.inputs.size()) {
    for (const auto& [name, t] : inputs) {
      bool known = false;
      for (const auto& gi : graph_.inputs) known |= gi.name == name;
      if (!known) throw Error("model has no input named '" + name + "'");
    }
  }
  return run_impl(v, nullptr);
}

std::map<std::string, Tensor> FloatExecutor::run_all(const std::vector<Tensor>& inputs) const {
  std::map<std::string, Tensor> all;
  run_impl(inputs, &all);
  return all;
}

std::vector<Tensor> FloatExecutor::run_impl(const std::vector<Tensor>& inputs, std::map<std::string, Tensor>* all) const {
  if (inputs.size() != graph_.inputs.size())
    throw Error("model takes " + std::to_string(graph_.inputs.size()) + " inputs, got " + std::to_string(inputs.size()));
  std::map<std::string, Tensor> live;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const ValueInfo& vi = graph_.inputs[k];
    if (inputs[k].shape != vi.shape)
      throw Error("input '" + vi.name + "' has shape " + shape_str(inputs[k].shape) + ", model expects " + shape_str(vi.shape));
    if (inputs[k].is_float() != is_float(vi.dtype))
      throw Error("input '" + vi.name + "' has element type " + dtype_name(inputs[k].dtype) + ", model expects " + dtype_name(vi.dtype));
    live[vi.name] = inputs[k];
    if (!is_float(vi.dtype)) live[vi.name].dtype = vi.dtype;
  }
  auto lookup = [&](const std::string& name) -> const Tensor* {
    if (name.empty()) return nullptr;
    if (auto* c = graph_.constant(name)) return c;
    auto it = live.find(name);
    if (it == live.end()) throw Error("value '" + name + "' is used before it is computed");
    return &it->second;
  };
  for (size_t k = 0; k < graph_.nodes.size(); ++k) {
    const Node& n = graph_.nodes[k];
    KernelInputs in;
    for (const auto& name : n.inputs) in.push_back(lookup(name));
    std::vector<Tensor> out(n.outputs.size());
    kernels_[k]->kernel(n, in, out);
    for (size_t j = 0; j < out.size(); ++j)
      if (!n.outputs[j].empty()) live[n.outputs[j]] = std::move(out[j]);
    if (all) {
      for (const auto& o : n.outputs)
        if (!o.empty()) (*all)[o] = live[o];
    } else {
      for (const auto& dead : last_use_[k]) live.erase(dead);
    }
  }
  std::vector<Tensor> result;
  for (const auto& o : graph_.outputs) result.push_back(*lookup(o.name));
  if (all)
    for (const auto& [name, t] : live) all->emplace(name, t);
  return result;
}

}  // namespace zk::onnx
