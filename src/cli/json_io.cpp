#include "cli/json_io.hpp"

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

namespace zk::cli {

using nlohmann::json;

namespace {

json parse_text(const std::string& text, const std::string& path) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // JSON has no NaN/Infinity literals; Python's json module writes them anyway. Name them.
    const size_t at = e.byte > 12 ? e.byte - 12 : 0;
    const std::string near = text.substr(std::min(at, text.size()), 24);
    for (const char* bad : {"NaN", "Infinity", "nan", "inf"})
      if (near.find(bad) != std::string::npos)
        throw Error(path + ": non-finite number (" + std::string(bad) + ") near byte " + std::to_string(e.byte) +
                    "; inputs must be finite numbers");
    throw Error(path + ": not valid JSON (parse error at byte " + std::to_string(e.byte) + ")");
  } catch (const json::out_of_range&) {
    // The parser's own overflow report (e.g. 1e400) would otherwise escape as an internal error.
    throw Error(path + ": a number is too large (beyond double range); inputs must be finite 32-bit floats");
  }
}

json parse_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error("cannot open '" + path + "'");
  std::stringstream ss;
  ss << f.rdbuf();
  return parse_text(ss.str(), path);
}

// One element of an integer-typed input (token ids): a JSON integer in int64 range, or a number
// with an integral value there ("3.0"). Rounding a fractional id would prove a different input.
int64_t integer_element(const json& j, const std::string& what, size_t index) {
  const std::string at = what + ": element " + std::to_string(index);
  if (j.is_number_unsigned()) {
    if (j.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) throw Error(at + " is outside the int64 range");
    return static_cast<int64_t>(j.get<uint64_t>());
  }
  if (j.is_number_integer()) return j.get<int64_t>();
  const double v = j.get<double>();
  if (!std::isfinite(v) || v != std::trunc(v)) throw Error(at + " is not an integer (the model input has an integer type)");
  if (!(std::abs(v) < 9.2233720368547758e18)) throw Error(at + " is outside the int64 range");
  return static_cast<int64_t>(v);
}

// Flattens nested arrays in row-major order, recording the nesting shape when it is regular;
// `leaf` receives each number (already checked to be one) with its flat index.
template <class Leaf>
void flatten(const json& j, const std::string& what, size_t& count, onnx::Shape& shape, size_t depth, bool& regular, Leaf&& leaf) {
  if (j.is_array()) {
    // Bounded so that a hostile file cannot recurse the stack away ([[[[...]]]] a million deep).
    if (depth >= 64) throw Error(what + ": arrays nested more than 64 deep");
    if (shape.size() <= depth) shape.push_back(static_cast<int64_t>(j.size()));
    else if (shape[depth] != static_cast<int64_t>(j.size())) regular = false;
    for (const auto& e : j) flatten(e, what, count, shape, depth + 1, regular, leaf);
    return;
  }
  if (!j.is_number())
    throw Error(what + ": element " + std::to_string(count) + " is not a number (" + std::string(j.type_name()) + ")");
  if (depth != shape.size()) regular = false;
  leaf(j, count++);
}

onnx::Tensor to_tensor(const json& j, const onnx::ValueInfo& vi, const std::string& what) {
  std::vector<float> data;
  std::vector<int64_t> ints;
  const bool is_float = onnx::is_float(vi.dtype);
  if (!is_float && vi.dtype != onnx::DType::Int64 && vi.dtype != onnx::DType::Int32)
    throw Error(what + ": model input has type " + std::string(onnx::dtype_name(vi.dtype)) +
                "; inputs must be float, int32 or int64");
  onnx::Shape nested;
  bool regular = true;
  size_t count = 0;
  if (!j.is_array()) throw Error(what + ": expected an array of numbers");
  flatten(j, what, count, nested, 0, regular, [&](const json& e, size_t index) {
    if (!is_float) {
      const int64_t v = integer_element(e, what, index);
      if (vi.dtype == onnx::DType::Int32 && (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()))
        throw Error(what + ": element " + std::to_string(index) + " is outside the int32 range");
      ints.push_back(v);
      return;
    }
    const double v = e.get<double>();
    if (!std::isfinite(v) || std::abs(v) > 3.4e38)
      throw Error(what + ": element " + std::to_string(index) + " is not a finite 32-bit float");
    data.push_back(static_cast<float>(v));
  });
  const int64_t want = onnx::numel(vi.shape);
  if (static_cast<int64_t>(count) != want)
    throw Error(what + ": expected " + std::to_string(want) + " values for shape " + onnx::shape_str(vi.shape) + ", got " +
                std::to_string(count));
  // Nested arrays must match the shape exactly (a flat list is always accepted).
  if (nested.size() > 1 && (!regular || nested != vi.shape))
    throw Error(what + ": nested array shape " + (regular ? onnx::shape_str(nested) : std::string("is ragged")) +
                ", model expects " + onnx::shape_str(vi.shape));
  if (!is_float) return onnx::Tensor::ints(vi.shape, std::move(ints), vi.dtype);
  return onnx::Tensor::floats(vi.shape, std::move(data));
}

std::vector<onnx::Tensor> sample_from(const json& j, const onnx::Graph& g, const std::string& path) {
  if (!j.is_object()) throw Error(path + ": expected a JSON object with \"input_data\" or \"inputs\"");
  std::vector<onnx::Tensor> out;
  if (j.contains("input_data")) {
    const json& d = j["input_data"];
    if (!d.is_array()) throw Error(path + ": \"input_data\" must be an array with one array per model input");
    if (d.size() != g.inputs.size())
      throw Error(path + ": \"input_data\" has " + std::to_string(d.size()) + " arrays, the model has " +
                  std::to_string(g.inputs.size()) + " input(s)");
    for (size_t k = 0; k < d.size(); ++k)
      out.push_back(to_tensor(d[k], g.inputs[k], path + ": input '" + g.inputs[k].name + "'"));
    return out;
  }
  if (j.contains("inputs")) {
    const json& d = j["inputs"];
    if (!d.is_object()) throw Error(path + ": \"inputs\" must be an object mapping input names to arrays");
    for (const auto& [name, v] : d.items()) {
      bool known = false;
      for (const auto& vi : g.inputs) known |= vi.name == name;
      if (!known) throw Error(path + ": the model has no input named '" + name + "'");
    }
    for (const auto& vi : g.inputs) {
      if (!d.contains(vi.name)) throw Error(path + ": missing model input '" + vi.name + "'");
      out.push_back(to_tensor(d[vi.name], vi, path + ": input '" + vi.name + "'"));
    }
    return out;
  }
  throw Error(path + ": expected a key \"input_data\" or \"inputs\"");
}

}  // namespace

std::vector<onnx::Tensor> read_inputs(const std::string& path, const onnx::Graph& graph) {
  return sample_from(parse_file(path), graph, path);
}

std::vector<onnx::Tensor> parse_inputs(const std::string& text, const onnx::Graph& graph, const std::string& what) {
  return sample_from(parse_text(text, what), graph, what);
}

std::vector<std::vector<onnx::Tensor>> read_samples(const std::string& path, const onnx::Graph& graph) {
  json j = parse_file(path);
  std::vector<std::vector<onnx::Tensor>> out;
  if (j.is_array()) {
    if (j.empty()) throw Error(path + ": no calibration samples");
    for (size_t k = 0; k < j.size(); ++k) out.push_back(sample_from(j[k], graph, path + " sample " + std::to_string(k)));
  } else {
    out.push_back(sample_from(j, graph, path));
  }
  return out;
}

void write_outputs(const std::string& path, const std::vector<NamedOutput>& outputs) {
  json arr = json::array();
  for (const auto& o : outputs) arr.push_back({{"name", o.name}, {"shape", o.shape}, {"data", o.data}});
  std::ofstream f(path, std::ios::binary);
  if (!f) throw Error("cannot write '" + path + "'");
  f << json{{"outputs", arr}}.dump() << "\n";
  if (!f) throw Error("cannot write '" + path + "'");
}

std::vector<NamedOutput> read_outputs(const std::string& path) {
  const json j = parse_file(path);
  if (!j.is_object() || !j.contains("outputs") || !j["outputs"].is_array()) {
    throw Error(path + ": expected {\"outputs\": [{\"name\": ..., \"shape\": [...], \"data\": [...]}]}");
  }
  std::vector<NamedOutput> outputs;
  for (const auto& o : j["outputs"]) {
    const std::string where = path + ": output " + std::to_string(outputs.size());
    if (!o.is_object() || !o.contains("data") || !o["data"].is_array()) throw Error(where + " has no \"data\" array");
    NamedOutput out;
    if (o.contains("name") && o["name"].is_string()) out.name = o["name"].get<std::string>();
    if (o.contains("shape")) {
      if (!o["shape"].is_array()) throw Error(where + ": \"shape\" is not an array");
      for (const auto& d : o["shape"]) {
        if (!d.is_number_integer()) throw Error(where + ": \"shape\" holds a non-integer");
        out.shape.push_back(d.get<int64_t>());
      }
    }
    for (size_t k = 0; k < o["data"].size(); ++k) {
      const auto& v = o["data"][k];
      if (!v.is_number()) throw Error(where + ": value " + std::to_string(k) + " is not a number");
      const double x = v.get<double>();
      if (!std::isfinite(x)) throw Error(where + ": value " + std::to_string(k) + " is not finite");
      out.data.push_back(static_cast<float>(x));
    }
    outputs.push_back(std::move(out));
  }
  return outputs;
}

}  // namespace zk::cli
