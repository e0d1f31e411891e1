#include "onnx/conformance.hpp"

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "onnx/float_executor.hpp"
#include "onnx/import.hpp"

namespace zk::onnx {
namespace {

namespace fs = std::filesystem;
using Status = ConformanceResult::Status;

std::string squash(const std::string& s) {
  std::string r;
  for (char c : s)
    if (c != '_') r += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

// The op a node test exercises, from its name: the longest ONNX op name that prefixes it
// ("test_conv_with_strides" -> Conv, "test_convtranspose_1d" -> ConvTranspose).
std::string node_family(const std::string& test) {
  static const std::vector<std::string> ops = [] {
    std::vector<std::string> v;
    for (const auto& s : ::onnx::OpSchemaRegistry::get_all_schemas()) v.push_back(s.Name());
    return v;
  }();
  std::string t = squash(test.rfind("test_", 0) == 0 ? test.substr(5) : test);
  std::string best;
  for (const auto& op : ops) {
    std::string o = squash(op);
    if (t.rfind(o, 0) == 0 && o.size() > squash(best).size()) best = op;
  }
  return best.empty() ? "(other)" : best;
}

std::vector<fs::path> numbered(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> r;
  for (int k = 0;; ++k) {
    fs::path p = dir / (prefix + std::to_string(k) + ".pb");
    if (!fs::exists(p)) break;
    r.push_back(p);
  }
  return r;
}

// Empty when `got` matches `want` within tolerance; otherwise what differs.
std::string compare(const Tensor& got, const Tensor& want, double rtol, double atol) {
  if (got.shape != want.shape) return "shape " + shape_str(got.shape) + " != expected " + shape_str(want.shape);
  if (got.is_float() != want.is_float()) return std::string("element type ") + dtype_name(got.dtype) + " != expected " + dtype_name(want.dtype);
  for (int64_t k = 0; k < want.size(); ++k) {
    const double g = got.at(k), w = want.at(k);
    if (std::isnan(w) && std::isnan(g)) continue;
    if (std::isinf(w) && g == w) continue;
    if (!(std::abs(g - w) <= atol + rtol * std::abs(w))) {
      std::ostringstream s;
      s << "element " << k << ": got " << g << ", expected " << w;
      return s.str();
    }
  }
  return {};
}

ConformanceResult run_one(const fs::path& dir, const std::string& suite, const ConformanceOptions& opt) {
  ConformanceResult r;
  r.suite = suite;
  r.name = dir.filename().string();
  r.family = suite == "node" ? node_family(r.name) : suite;
  const fs::path model = dir / "model.onnx";
  if (!fs::exists(model)) {
    r.detail = "no model.onnx (data not installed)";
    return r;
  }
  std::vector<fs::path> sets;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0) sets.push_back(e.path());
  std::sort(sets.begin(), sets.end());
  if (sets.empty()) {
    r.detail = "no test_data_set_*";
    return r;
  }
  try {
    const std::string bytes = read_file_bytes(model.string());
    {
      ::onnx::ModelProto mp;
      if (mp.ParseFromString(bytes)) {
        for (const auto* list : {&mp.graph().input(), &mp.graph().output()})
          for (const auto& v : *list)
            if (!v.type().has_tensor_type()) throw Unsupported("value '" + v.name() + "' is a sequence/optional/map, only tensors are supported");
      }
    }
    for (const auto& set : sets) {
      std::vector<Tensor> inputs, wants;
      for (const auto& p : numbered(set, "input_")) inputs.push_back(tensor_from_proto_bytes(read_file_bytes(p.string())));
      for (const auto& p : numbered(set, "output_")) wants.push_back(tensor_from_proto_bytes(read_file_bytes(p.string())));
      // Inputs are matched by position to the model's runtime inputs, which fixes dynamic dims.
      ImportOptions io;
      {
        ::onnx::ModelProto mp;
        mp.ParseFromString(bytes);
        std::vector<std::string> names;
        std::vector<std::string> inits;
        for (const auto& i : mp.graph().initializer()) inits.push_back(i.name());
        for (const auto& i : mp.graph().input())
          if (std::find(inits.begin(), inits.end(), i.name()) == inits.end()) names.push_back(i.name());
        for (size_t k = 0; k < names.size() && k < inputs.size(); ++k) io.input_shapes[names[k]] = inputs[k].shape;
      }
      Graph g = import_bytes(bytes, io);
      if (g.inputs.size() != inputs.size()) throw Error("test gives " + std::to_string(inputs.size()) + " inputs, model has " + std::to_string(g.inputs.size()));
      for (size_t k = 0; k < inputs.size(); ++k)
        if (inputs[k].is_float() == is_float(g.inputs[k].dtype)) inputs[k].dtype = g.inputs[k].dtype;
      auto got = FloatExecutor(g).run(inputs);
      if (got.size() != wants.size()) throw Error("model produced " + std::to_string(got.size()) + " outputs, test expects " + std::to_string(wants.size()));
      for (size_t k = 0; k < got.size(); ++k) {
        std::string d = compare(got[k], wants[k], opt.rtol, opt.atol);
        if (!d.empty()) {
          r.status = Status::Fail;
          r.detail = set.filename().string() + " output " + std::to_string(k) + ": " + d;
          break;
        }
      }
      if (r.status == Status::Fail) break;
    }
    if (r.status != Status::Fail) r.status = Status::Pass;
  } catch (const Unsupported& e) {
    r.status = Status::Skipped;
    r.detail = e.what();
  } catch (const std::exception& e) {
    r.status = Status::Fail;
    r.detail = e.what();
  }
  if (r.status == Status::Fail) {
    auto it = opt.known_failures.find(r.name);
    if (it != opt.known_failures.end()) {
      r.status = Status::KnownFail;
      r.detail = it->second + " (" + r.detail + ")";
    }
  }
  return r;
}

struct Row {
  int pass = 0, fail = 0, known = 0, skip = 0;
};

std::map<std::string, Row> by_family(const std::vector<ConformanceResult>& rs) {
  std::map<std::string, Row> m;
  for (const auto& r : rs) {
    Row& row = m[r.family];
    switch (r.status) {
      case Status::Pass: ++row.pass; break;
      case Status::Fail: ++row.fail; break;
      case Status::KnownFail: ++row.known; break;
      case Status::Skipped: ++row.skip; break;
    }
  }
  return m;
}

}  // namespace

int ConformanceReport::count(Status s) const {
  return static_cast<int>(std::count_if(results.begin(), results.end(), [&](const ConformanceResult& r) { return r.status == s; }));
}

std::string ConformanceReport::text_table() const {
  std::ostringstream s;
  char line[160];
  std::snprintf(line, sizeof line, "%-28s %6s %6s %6s %8s\n", "family", "pass", "fail", "known", "skipped");
  s << line;
  for (const auto& [fam, row] : by_family(results)) {
    std::snprintf(line, sizeof line, "%-28s %6d %6d %6d %8d\n", fam.c_str(), row.pass, row.fail, row.known, row.skip);
    s << line;
  }
  std::snprintf(line, sizeof line, "%-28s %6d %6d %6d %8d\n", "TOTAL", count(Status::Pass), count(Status::Fail), count(Status::KnownFail),
                count(Status::Skipped));
  s << line;
  for (const auto& r : results)
    if (r.status == Status::Fail) s << "FAIL " << r.suite << "/" << r.name << ": " << r.detail << "\n";
  return s.str();
}

std::string ConformanceReport::markdown() const {
  std::ostringstream s;
  s << "| op / suite | pass | fail | known failure | skipped (unsupported) |\n|---|---:|---:|---:|---:|\n";
  for (const auto& [fam, row] : by_family(results))
    s << "| " << fam << " | " << row.pass << " | " << row.fail << " | " << row.known << " | " << row.skip << " |\n";
  s << "| **total** | " << count(Status::Pass) << " | " << count(Status::Fail) << " | " << count(Status::KnownFail) << " | "
    << count(Status::Skipped) << " |\n";
  return s.str();
}

ConformanceReport run_conformance(const ConformanceOptions& opt) {
  ConformanceReport rep;
  for (const auto& root : opt.roots) {
    if (!fs::is_directory(root)) throw Error("conformance root '" + root + "' is not a directory");
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(root))
      if (e.is_directory()) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    const std::string suite = fs::path(root).filename().string();
    for (const auto& d : dirs) {
      if (!opt.filter.empty() && d.filename().string().find(opt.filter) == std::string::npos) continue;
      rep.results.push_back(run_one(d, suite, opt));
    }
  }
  return rep;
}

std::vector<std::string> default_conformance_roots() {
  const std::string base = "/usr/share/libonnx-testdata/data/";
  std::vector<std::string> r;
  for (const char* s : {"node", "pytorch-converted", "pytorch-operator", "simple", "real"})
    if (fs::is_directory(base + s)) r.push_back(base + s);
  return r;
}

}  // namespace zk::onnx
