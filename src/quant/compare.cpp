#include <cmath>

#include "onnx/float_executor.hpp"
#include "quant/quantizer.hpp"

namespace zk::quant {

namespace {

// An integer model input (token ids) passes unscaled. The library API hands every input over as
// floats, so integral floats are accepted too; anything else is an error, never rounded.
layers::IntTensor index_input(const layers::TensorInfo& info, const onnx::Tensor& t) {
  layers::IntTensor r(info.shape);
  const double lim = static_cast<double>(info.bound);
  for (int64_t k = 0; k < r.size(); ++k) {
    const double v = t.at(k);
    const std::string at = "input '" + info.name + "': value at index " + std::to_string(k);
    if (t.is_float() && (!std::isfinite(v) || v != std::trunc(v))) throw Error(at + " is not an integer (the input holds integer ids)");
    if (t.is_float() ? std::abs(v) > lim : (t.i[k] < -info.bound || t.i[k] > info.bound))
      throw Error(at + " is outside the integer input range |v| < 2^31");
    r.data[k] = t.is_float() ? static_cast<int64_t>(v) : t.i[k];
  }
  return r;
}

}  // namespace

std::vector<layers::IntTensor> quantize_inputs(const layers::IntGraph& ig, const std::vector<onnx::Tensor>& inputs) {
  if (inputs.size() != ig.inputs.size())
    throw Error("model takes " + std::to_string(ig.inputs.size()) + " inputs, got " + std::to_string(inputs.size()));
  std::vector<layers::IntTensor> out;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const layers::TensorInfo& info = ig.tensors[ig.inputs[k]];
    const onnx::Tensor& t = inputs[k];
    if (t.shape != info.shape)
      throw Error("input '" + info.name + "' has shape " + onnx::shape_str(t.shape) + ", model expects " + layers::shape_str(info.shape));
    if (layers::is_index_input(info)) {
      out.push_back(index_input(info, t));
      continue;
    }
    if (!t.is_float()) throw Error("input '" + info.name + "' must hold floating-point values");
    out.push_back(layers::quantize(info, t.f, "input '" + info.name + "'"));
  }
  return out;
}

RunResult run_and_compare(const onnx::Graph& graph, const layers::IntGraph& ig, const std::vector<onnx::Tensor>& inputs) {
  // Quantize first: it rejects NaN/Inf with the input's name and index before anything runs.
  auto qin = quantize_inputs(ig, inputs);
  onnx::FloatExecutor fx(graph);
  auto fout = fx.run(inputs);
  RunResult r;
  r.witness = layers::execute(ig, qin);
  for (size_t k = 0; k < ig.outputs.size(); ++k) {
    const layers::TensorInfo& info = ig.tensors[ig.outputs[k]];
    OutputComparison c;
    c.name = graph.outputs[k].name;
    c.shape = info.shape;
    c.float_values = fout[k].as_floats();
    c.quantized_values = layers::dequantize(info, r.witness[ig.outputs[k]]);
    double mx = 0;
    for (size_t j = 0; j < c.float_values.size() && j < c.quantized_values.size(); ++j) {
      c.max_abs_error = std::max(c.max_abs_error, std::abs(static_cast<double>(c.quantized_values[j]) - c.float_values[j]));
      mx = std::max(mx, std::abs(static_cast<double>(c.float_values[j])));
    }
    c.max_rel_error = mx > 0 ? c.max_abs_error / mx : (c.max_abs_error > 0 ? INFINITY : 0.0);
    r.outputs.push_back(std::move(c));
  }
  return r;
}

}  // namespace zk::quant
