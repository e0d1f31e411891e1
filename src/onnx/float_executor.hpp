#pragma once
// Reference float execution of a Graph. It is zkinfer's ground truth for "what the model computes":
// `zkinfer run` compares the quantized integer graph against it, and the importer uses the same
// kernels to fold constant sub-graphs, so the two can never disagree about an op's meaning.
//
// Kernels live in ops.cpp, in one table (name -> function). Adding an op is one function plus one
// row there. Kernels follow ONNX semantics, including numpy broadcasting and the per-opset
// differences (attribute vs input forms of Slice/Split/Squeeze/Clip/Pad/Reduce*). Floating values are
// float32; MatMul, Gemm and Conv accumulate in double.
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "onnx/graph.hpp"

namespace zk::onnx {

// Inputs of one node, in ONNX order; nullptr for an omitted optional input.
using KernelInputs = std::vector<const Tensor*>;
// `outputs` arrives sized to node.outputs.size(); a kernel fills every entry whose name is
// non-empty. Kernels throw Error on inconsistent shapes and Unsupported on attribute values or
// ranks that zkinfer does not handle.
using Kernel = void (*)(const Node& node, const KernelInputs& inputs, std::vector<Tensor>& outputs);

struct OpInfo {
  const char* name;
  Kernel kernel;
};

// The kernel table entry for an ai.onnx op, or nullptr.
const OpInfo* find_op(std::string_view op_type);
// Sorted names of every supported op (for error messages and docs).
std::vector<std::string> supported_ops();
std::string supported_ops_list();  // the same, comma separated

// Runs one node on concrete inputs (used by constant folding).
std::vector<Tensor> run_node(const Node& node, const KernelInputs& inputs);

class FloatExecutor {
 public:
  explicit FloatExecutor(const Graph& graph);

  // Inputs in graph.inputs order; returns outputs in graph.outputs order. Checks dtype class and
  // shape of each input against the graph and throws Error naming the input on a mismatch.
  std::vector<Tensor> run(const std::vector<Tensor>& inputs) const;
  std::vector<Tensor> run(const std::map<std::string, Tensor>& inputs) const;

  // Like run(), but returns every value (inputs, constants excluded, intermediates, outputs) by
  // name: what a quantizer needs to calibrate activation ranges.
  std::map<std::string, Tensor> run_all(const std::vector<Tensor>& inputs) const;

 private:
  std::vector<Tensor> run_impl(const std::vector<Tensor>& inputs, std::map<std::string, Tensor>* all) const;

  const Graph& graph_;
  std::vector<const OpInfo*> kernels_;
  // last_use_[k]: values whose last reader is node k, freed after it runs to bound memory on
  // VGG-size models.
  std::vector<std::vector<std::string>> last_use_;
};

}  // namespace zk::onnx
