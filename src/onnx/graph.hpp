#pragma once
// The float graph: what the ONNX importer produces and what the quantizer and the float executor
// consume. It is deliberately a plain value type with no dependency on the ONNX library, so that
// later stages (quant, circuit, layers) can read it without pulling protobuf in.
//
// Invariants established by the importer (import.hpp):
//   - `nodes` is topologically sorted: every node input is a graph input, a constant, or an output of
//     an earlier node. Optional inputs that the model leaves out are empty strings.
//   - Every graph input and output has a fully static shape (no symbolic dims).
//   - `constants` holds every initializer, every folded `Constant` node and every value produced by a
//     constant sub-graph. A name is either a constant or produced by exactly one node, never both.
//   - Identity/Dropout are removed (an Identity survives only where a graph output is directly a
//     graph input or another output), BatchNormalization that follows a Conv/Gemm is folded into it,
//     `If` with a constant condition is replaced by its taken branch.
//   - `op_type` is one the float executor supports (float_executor.hpp: supported_ops()).
//   - `values` holds the static dtype/shape of every intermediate value that shape inference (or, as
//     a fallback, a dry run of the float executor) could determine: in practice all of them.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace zk::onnx {

// A well-formed model that uses something zkinfer does not handle (an op, an attribute value, a
// rank, an element type). Distinct from a plain Error (a malformed model or bad input) so that the
// conformance runner can count such tests as skipped rather than failed.
class Unsupported : public Error {
 public:
  explicit Unsupported(const std::string& message) : Error(message) {}
};

using Shape = std::vector<int64_t>;

// ONNX element types we carry. Floating types are held as float32 (double inputs are narrowed: the
// proof works on fixed point anyway); every integer type and bool is held widened to int64, with
// `dtype` remembering the ONNX type so that e.g. QuantizeLinear saturates to the right range.
enum class DType : uint8_t { Float32, Float64, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, Bool };

const char* dtype_name(DType t);
bool is_float(DType t);

// Product of dims; 1 for a scalar (empty shape).
int64_t numel(const Shape& s);
std::string shape_str(const Shape& s);

// A dense row-major tensor. Exactly one of `f` (floating dtypes) or `i` (integer and bool dtypes)
// holds numel(shape) elements; the other is empty.
struct Tensor {
  DType dtype = DType::Float32;
  Shape shape;
  std::vector<float> f;
  std::vector<int64_t> i;

  static Tensor floats(Shape shape, std::vector<float> data = {});
  static Tensor ints(Shape shape, std::vector<int64_t> data = {}, DType t = DType::Int64);

  int64_t size() const { return numel(shape); }
  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  bool is_float() const { return zk::onnx::is_float(dtype); }
  // Element k as double regardless of storage; convenient for scalar parameters and tests.
  double at(int64_t k) const { return is_float() ? f[k] : static_cast<double>(i[k]); }
  // Whole tensor as int64 (floats truncated toward zero); for shape/axes/index inputs.
  std::vector<int64_t> as_ints() const;
  std::vector<float> as_floats() const;
};

struct Graph;

// A typed node attribute. Only the field matching `kind` is meaningful.
struct Attribute {
  enum class Kind : uint8_t { Int, Float, String, Ints, Floats, Strings, Tensor };
  Kind kind = Kind::Int;
  int64_t i = 0;
  float f = 0;
  std::string s;
  std::vector<int64_t> ints;
  std::vector<float> floats;
  std::vector<std::string> strings;
  std::vector<zk::onnx::Tensor> t;  // 0 or 1 element; a vector keeps Attribute complete here
};

struct Node {
  std::string op_type;  // ONNX op name, e.g. "Conv"
  std::string name;     // node name from the file, or "<op_type>_<index>" when the file has none
  std::string domain;   // "" (= ai.onnx) for every op we support
  int opset = 0;        // opset version of `domain` the model imports: decides op semantics
  std::vector<std::string> inputs;   // "" for an omitted optional input
  std::vector<std::string> outputs;  // "" for an omitted optional output
  std::map<std::string, Attribute> attrs;

  bool has(const std::string& a) const { return attrs.count(a) != 0; }
  int64_t get_int(const std::string& a, int64_t dflt) const;
  float get_float(const std::string& a, float dflt) const;
  std::string get_string(const std::string& a, const std::string& dflt) const;
  std::vector<int64_t> get_ints(const std::string& a, std::vector<int64_t> dflt = {}) const;
  std::vector<float> get_floats(const std::string& a, std::vector<float> dflt = {}) const;
  // Number of inputs actually present (trailing omitted ones not counted).
  size_t num_inputs() const;
};

struct ValueInfo {
  std::string name;
  DType dtype = DType::Float32;
  Shape shape;
};

struct Graph {
  std::string name;
  int opset = 0;  // ai.onnx opset the model imports (after any version conversion)
  std::vector<ValueInfo> inputs;   // runtime inputs only: initializers are never listed here
  std::vector<ValueInfo> outputs;  // may name a constant or a graph input
  std::map<std::string, Tensor> constants;
  std::vector<Node> nodes;
  std::map<std::string, ValueInfo> values;  // static dtype/shape of intermediate values
  // Human-readable notes on decisions the importer made for the user (e.g. "dim 'N' of input 'x'
  // defaulted to 1"). Empty for a model imported without guessing.
  std::vector<std::string> notes;

  bool is_constant(const std::string& v) const { return constants.count(v) != 0; }
  const Tensor* constant(const std::string& v) const;
  // Index of the node producing `v`, or -1 for graph inputs/constants/unknown names.
  int producer(const std::string& v) const;
  // Indices of nodes that read `v`.
  std::vector<int> consumers(const std::string& v) const;
};

}  // namespace zk::onnx
