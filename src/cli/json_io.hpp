#pragma once
// The JSON forms of DESIGN.md "Formats and interfaces":
//   input:  {"input_data": [[...flattened values of input 0...], [...input 1...]]}   (ezkl)
//           {"inputs": {"name": nested arrays (or a flat array) in row-major order}}
//   output: {"outputs": [{"name": ..., "shape": [...], "data": [...flattened...]}]}
// Every check failure is an Error with a one-line message naming the file, the input and, for a
// bad value, its index.
#include <string>
#include <vector>

#include "onnx/graph.hpp"

namespace zk::cli {

// One tensor per model input (graph.inputs order), shapes taken from the graph.
std::vector<onnx::Tensor> read_inputs(const std::string& path, const onnx::Graph& graph);
// The same from JSON text in memory; `what` names its source in messages.
std::vector<onnx::Tensor> parse_inputs(const std::string& text, const onnx::Graph& graph, const std::string& what);
// Calibration: the same form as an input file (one sample), or a JSON array of such objects.
std::vector<std::vector<onnx::Tensor>> read_samples(const std::string& path, const onnx::Graph& graph);

struct NamedOutput {
  std::string name;
  onnx::Shape shape;
  std::vector<float> data;
};
void write_outputs(const std::string& path, const std::vector<NamedOutput>& outputs);
// Reads what write_outputs writes; Error naming the file, output and index on malformed content.
std::vector<NamedOutput> read_outputs(const std::string& path);

}  // namespace zk::cli
