#pragma once
// ONNX model -> float Graph (graph.hpp). Parsing, validation and shape inference are done by the
// ONNX project's own library (protobuf parser, onnx::checker, onnx::shape_inference) so that we
// accept exactly what ONNX calls a valid model; this module only adds what zkinfer needs on top:
// static shapes, constant folding and the simplifications listed in graph.hpp.
#include <map>
#include <string>

#include "onnx/graph.hpp"

namespace zk::onnx {

struct ImportOptions {
  // Concrete shape for model inputs by name. A dynamic dim (symbolic or unknown) of an input not
  // listed here is fixed to 1 (the usual batch dim); the decision is recorded in Graph::notes. A
  // listed shape must agree with every static dim the model declares.
  std::map<std::string, Shape> input_shapes;
  // Fold BatchNormalization into the Conv/Gemm feeding it (when that Conv/Gemm output has no other
  // reader). Off only for tests that want to see the raw op.
  bool fold_batchnorm = true;
};

// Throws Error for a malformed file (not ONNX, truncated, fails the checker, missing initializer,
// inconsistent shapes) and Unsupported (an Error) for a valid model using something zkinfer does
// not support; both carry a one-line message naming the problem.
Graph import_file(const std::string& path, const ImportOptions& options = {});
Graph import_bytes(const std::string& bytes, const ImportOptions& options = {});

// A serialized onnx.TensorProto (the backend test suite's input_K.pb / output_K.pb) as a Tensor.
// `name` receives the tensor's name when non-null.
Tensor tensor_from_proto_bytes(const std::string& bytes, std::string* name = nullptr);

// Reads a whole file; Error naming the path when it cannot.
std::string read_file_bytes(const std::string& path);

}  // namespace zk::onnx
