#pragma once
// Float graph (onnx/graph.hpp) -> integer graph (layers/int_graph.hpp), and the comparison that
// `zkinfer run` prints. docs/quantization.md describes the scheme; the short version:
//   - every tensor is fixed point with a power-of-two scale: real ≈ v / 2^s;
//   - weights: per-tensor scale, the largest |w| fits `weight_bits` (signed);
//   - activations: the scale that fits max|activation|·headroom, over the calibration samples,
//     into `activation_bits` (signed); a `rescale` after every op that grows the scale or the
//     range brings values back, saturating at ±(2^(bits−1) − 1);
//   - int8 QDQ models keep their own scales and zero points (non power-of-two multipliers are
//     approximated as m / 2^k, m < 2^31).
#include <cstdint>
#include <string>
#include <vector>

#include "layers/int_graph.hpp"
#include "onnx/graph.hpp"

namespace zk::quant {

struct QuantConfig {
  int weight_bits = 8;        // matrices, conv kernels, per-channel scale vectors
  int activation_bits = 16;   // range of every activation, lookup table domains
  int scalar_bits = 16;       // precision of scalar multipliers (1/n of averages, x/c, x·c)
  double headroom = 2.0;      // calibrated max |v| is multiplied by this before picking a scale
  // Default calibration when the caller gives none: this many deterministic pseudo-random samples
  // per model input, uniform in [default_low, default_high].
  int default_samples = 8;
  float default_low = -1.0f;
  float default_high = 1.0f;
  uint64_t seed = 0x5eed;
  std::string preset = "accuracy";

  // "accuracy" (the defaults above) or "cost": 12-bit activations, so every lookup table holds
  // 2^12 instead of 2^16 entries, the softmax exp table shrinks by 16x and the rescale remainders
  // need 4 fewer range-check bits; weights stay 8-bit. Error on any other name.
  static QuantConfig from_preset(const std::string& name);
  int64_t act_max() const { return (int64_t(1) << (activation_bits - 1)) - 1; }
};

// One calibration sample: one tensor per model input, in graph.inputs order.
using Sample = std::vector<onnx::Tensor>;

// The samples the default calibration uses (see QuantConfig).
std::vector<Sample> default_calibration(const onnx::Graph& graph, const QuantConfig& config);

// Quantizes the graph. `calibration` empty: default_calibration(). Throws onnx::Unsupported naming
// the op and node for anything without an integer mapping, and Error (naming the layer) if the
// bound analysis finds a value that could reach 2^62.
layers::IntGraph compile(const onnx::Graph& graph, const QuantConfig& config = {},
                         const std::vector<Sample>& calibration = {});

// Model inputs (graph.inputs order, float tensors) -> integer inputs of the compiled graph.
// Error naming the input for a wrong shape/type and naming input and index for NaN/Inf.
std::vector<layers::IntTensor> quantize_inputs(const layers::IntGraph& ig, const std::vector<onnx::Tensor>& inputs);

// The ONNX ops the quantizer maps onto integer layers (every integer layer has a proof, so these
// are the ops zkinfer proves end to end), sorted. The README's operator list is checked against it.
const std::vector<std::string>& supported_ops();

struct OutputComparison {
  std::string name;
  onnx::Shape shape;
  std::vector<float> float_values;      // FloatExecutor
  std::vector<float> quantized_values;  // integer executor, dequantized
  double max_abs_error = 0;             // max_i |q_i − f_i|
  // max_abs_error / max_i |f_i| (relative to the output's range, not per element: per-element
  // ratios explode near zero). 0 when both are all zeros.
  double max_rel_error = 0;
};

struct RunResult {
  std::vector<OutputComparison> outputs;
  std::vector<layers::IntTensor> witness;  // every integer tensor, by tensor id
};

// Runs both executors on the same inputs and compares their outputs.
RunResult run_and_compare(const onnx::Graph& graph, const layers::IntGraph& ig, const std::vector<onnx::Tensor>& inputs);

}  // namespace zk::quant
