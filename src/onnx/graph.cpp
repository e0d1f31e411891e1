#include "onnx/graph.hpp"

#include <cmath>

#include "common/error.hpp"

namespace zk::onnx {

const char* dtype_name(DType t) {
  switch (t) {
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::Int8: return "int8";
    case DType::UInt8: return "uint8";
    case DType::Int16: return "int16";
    case DType::UInt16: return "uint16";
    case DType::Int32: return "int32";
    case DType::UInt32: return "uint32";
    case DType::Int64: return "int64";
    case DType::Bool: return "bool";
  }
  return "?";
}

bool is_float(DType t) { return t == DType::Float32 || t == DType::Float64; }

int64_t numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

std::string shape_str(const Shape& s) {
  std::string r = "[";
  for (size_t k = 0; k < s.size(); ++k) r += (k ? "," : "") + std::to_string(s[k]);
  return r + "]";
}

Tensor Tensor::floats(Shape shape, std::vector<float> data) {
  Tensor t;
  t.dtype = DType::Float32;
  t.shape = std::move(shape);
  if (data.empty()) data.assign(numel(t.shape), 0.0f);
  if (static_cast<int64_t>(data.size()) != numel(t.shape))
    throw Error("tensor data has " + std::to_string(data.size()) + " elements, shape " + shape_str(t.shape) +
                " needs " + std::to_string(numel(t.shape)));
  t.f = std::move(data);
  return t;
}

Tensor Tensor::ints(Shape shape, std::vector<int64_t> data, DType dt) {
  Tensor t;
  t.dtype = dt;
  t.shape = std::move(shape);
  if (data.empty()) data.assign(numel(t.shape), 0);
  if (static_cast<int64_t>(data.size()) != numel(t.shape))
    throw Error("tensor data has " + std::to_string(data.size()) + " elements, shape " + shape_str(t.shape) +
                " needs " + std::to_string(numel(t.shape)));
  t.i = std::move(data);
  return t;
}

std::vector<int64_t> Tensor::as_ints() const {
  if (!is_float()) return i;
  std::vector<int64_t> r(f.size());
  for (size_t k = 0; k < f.size(); ++k) r[k] = static_cast<int64_t>(f[k]);
  return r;
}

std::vector<float> Tensor::as_floats() const {
  if (is_float()) return f;
  std::vector<float> r(i.size());
  for (size_t k = 0; k < i.size(); ++k) r[k] = static_cast<float>(i[k]);
  return r;
}

int64_t Node::get_int(const std::string& a, int64_t dflt) const {
  auto it = attrs.find(a);
  return it == attrs.end() ? dflt : it->second.i;
}
float Node::get_float(const std::string& a, float dflt) const {
  auto it = attrs.find(a);
  return it == attrs.end() ? dflt : it->second.f;
}
std::string Node::get_string(const std::string& a, const std::string& dflt) const {
  auto it = attrs.find(a);
  return it == attrs.end() ? dflt : it->second.s;
}
std::vector<int64_t> Node::get_ints(const std::string& a, std::vector<int64_t> dflt) const {
  auto it = attrs.find(a);
  return it == attrs.end() ? dflt : it->second.ints;
}
std::vector<float> Node::get_floats(const std::string& a, std::vector<float> dflt) const {
  auto it = attrs.find(a);
  return it == attrs.end() ? dflt : it->second.floats;
}
size_t Node::num_inputs() const {
  size_t n = inputs.size();
  while (n > 0 && inputs[n - 1].empty()) --n;
  return n;
}

const Tensor* Graph::constant(const std::string& v) const {
  auto it = constants.find(v);
  return it == constants.end() ? nullptr : &it->second;
}

int Graph::producer(const std::string& v) const {
  if (v.empty()) return -1;
  for (size_t k = 0; k < nodes.size(); ++k)
    for (const auto& o : nodes[k].outputs)
      if (o == v) return static_cast<int>(k);
  return -1;
}

std::vector<int> Graph::consumers(const std::string& v) const {
  std::vector<int> r;
  if (v.empty()) return r;
  for (size_t k = 0; k < nodes.size(); ++k)
    for (const auto& in : nodes[k].inputs)
      if (in == v) {
        r.push_back(static_cast<int>(k));
        break;
      }
  return r;
}

}  // namespace zk::onnx
