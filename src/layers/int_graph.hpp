#pragma once
// The integer graph: what the quantizer produces, what the integer executor runs and what the
// prover will prove (DESIGN.md "Quantization", "Proof structure"). Every value is an int64; a
// tensor's real meaning is v * step (step = 2^-scale for every tensor the float quantizer makes;
// int8 QDQ models keep their own, non power-of-two steps). Nothing here depends on ONNX.
//
// Invariants (checked by IntGraph::add_node / check_bounds):
//   - nodes are topologically sorted; a tensor is an input, a constant, or the output of exactly
//     one node;
//   - every tensor has a static shape and a static bound |v| <= bound, derived from the inputs'
//     bounds by each layer's `infer` function, and every bound (and every intermediate value a
//     layer computes, e.g. an accumulator) is < 2^62, so that no witness value wraps in F_p.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace zk::layers {

using Shape = std::vector<int64_t>;

// Values at or above this magnitude could wrap around the Goldilocks modulus once products and
// sums of them are formed in a proof; DESIGN.md "Arithmetic".
inline constexpr int64_t kSafeLimit = int64_t(1) << 62;

// The static bound of an integer model input (token ids): |v| < 2^31. Such an input is stored
// unscaled (scale 0, step 1) and is the only input with this bound (float inputs are bounded by
// the activation range, at most 2^23), which is how quantize_inputs tells the two apart in a
// compiled model that no longer knows ONNX types.
inline constexpr int64_t kIndexInputBound = (int64_t(1) << 31) - 1;

int64_t numel(const Shape& s);
std::string shape_str(const Shape& s);

struct IntTensor {
  Shape shape;
  std::vector<int64_t> data;  // row-major, numel(shape) elements

  IntTensor() = default;
  IntTensor(Shape s, std::vector<int64_t> d);
  explicit IntTensor(Shape s);  // zero-filled
  int64_t size() const { return static_cast<int64_t>(data.size()); }
};

enum class TensorKind : uint8_t { Input, Constant, Value };

struct TensorInfo {
  std::string name;  // the float-graph value it stands for, or a derived name ("x/rescale")
  TensorKind kind = TensorKind::Value;
  Shape shape;
  int scale = 0;      // fixed-point exponent: real ~ v / 2^scale
  double step = 1.0;  // real = v * step; 2^-scale except in int8 QDQ models
  int64_t bound = 0;  // static |v| <= bound
};

// Per-node parameters as named integer vectors. Deliberately untyped: the graph can be serialised
// (.zkm) and hashed without knowing every layer, and each layer file reads its own attributes.
using IntAttrs = std::map<std::string, std::vector<int64_t>>;

struct IntNode {
  std::string op;    // layer name in the registry, e.g. "matmul", "rescale"
  std::string name;  // ONNX node it came from (error messages), plus a suffix for helper nodes
  std::vector<int> inputs;   // tensor ids; -1 for an omitted optional input
  std::vector<int> outputs;  // tensor ids
  IntAttrs attrs;

  bool has(const std::string& key) const { return attrs.count(key) != 0; }
  // Scalar attribute; `dflt` when absent. Throws Error naming the node if present but not scalar.
  int64_t get(const std::string& key, int64_t dflt) const;
  int64_t get(const std::string& key) const;  // required
  const std::vector<int64_t>& vec(const std::string& key) const;  // required
  std::vector<int64_t> vec(const std::string& key, std::vector<int64_t> dflt) const;
  // "node 'name' (op)": the prefix of every error message about this node.
  std::string where() const;
};

// Whether `info` is an integer model input (see kIndexInputBound).
bool is_index_input(const TensorInfo& info);

struct IntGraph {
  std::vector<TensorInfo> tensors;
  std::map<int, IntTensor> constants;  // weights, biases, constant operands, by tensor id
  std::vector<IntNode> nodes;
  std::vector<int> inputs;
  std::vector<int> outputs;

  int add_input(const std::string& name, Shape shape, int scale, double step, int64_t bound);
  // Bound = max |v| of the data.
  int add_constant(const std::string& name, IntTensor value, int scale, double step);
  // Appends a node whose outputs are new tensors named `out_names`; their shapes and bounds come
  // from the layer's `infer` (which also refuses anything that could reach 2^62), their
  // scale/step from the caller. Returns the first output id.
  int add_node(IntNode node, const std::vector<std::string>& out_names, int scale, double step);
  // Re-derives every shape and bound from the inputs and constants (e.g. after deserialising) and
  // checks the structural invariants above.
  void check_bounds();

  const IntTensor* constant(int id) const;
  int find(const std::string& name) const;  // last tensor with that name, or -1
};

// Runs the graph on quantized inputs (graph.inputs order). Returns the value of every tensor,
// indexed by tensor id (constants included): the witness the prover commits to.
std::vector<IntTensor> execute(const IntGraph& g, const std::vector<IntTensor>& inputs);

// Input quantization: v = round-half-away(x / step), saturated to the input's bound. NaN/Inf is an
// Error naming `what` and the index.
IntTensor quantize(const TensorInfo& info, const std::vector<float>& x, const std::string& what);
std::vector<float> dequantize(const TensorInfo& info, const IntTensor& t);

}  // namespace zk::layers
