// libFuzzer target: input JSON text -> cli::parse_inputs against a two-input model signature.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_common.hpp"
#include <string>

#include "cli/json_io.hpp"

ZK_FUZZ_ENTRY(input_json)(const uint8_t* data, size_t size) {
  static const zk::onnx::Graph sig = [] {
    zk::onnx::Graph g;
    g.inputs.push_back({"input", zk::onnx::DType::Float32, {1, 2, 3}});
    g.inputs.push_back({"mask", zk::onnx::DType::Float32, {4}});
    return g;
  }();
  try {
    zk::cli::parse_inputs(std::string(reinterpret_cast<const char*>(data), size), sig, "fuzz");
  } catch (const zk::Error&) {
  }
  return 0;
}
