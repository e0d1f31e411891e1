// zkinfer run MODEL.onnx --input INPUT.json [--output OUT.json] [--calibration DATA.json]
//                        [--preset accuracy|cost]
// Imports the model, quantizes it, runs the float reference and the integer graph (exactly what
// would be proven) on the input, and prints per output both results and their max abs/rel error.
// Without --calibration, activation ranges come from the library's default samples plus this
// input (so the report reflects this input without saturating on it).
#include <cstdio>
#include <string>

#include "cli/commands.hpp"
#include "cli/json_io.hpp"
#include "onnx/import.hpp"
#include "quant/quantizer.hpp"

namespace zk::cli {

namespace {

struct RunOptions {
  std::string model, input, output, calibration, preset = "accuracy";
};

std::string preview(const std::vector<float>& v, size_t n = 8) {
  std::string s = "[";
  char buf[32];
  for (size_t k = 0; k < v.size() && k < n; ++k) {
    std::snprintf(buf, sizeof buf, "%s%.6g", k ? ", " : "", static_cast<double>(v[k]));
    s += buf;
  }
  if (v.size() > n) s += ", ... (" + std::to_string(v.size()) + " values)";
  return s + "]";
}

void run(const RunOptions& o) {
  onnx::Graph g = onnx::import_file(o.model);
  for (const auto& note : g.notes) std::fprintf(stderr, "note: %s\n", note.c_str());
  auto config = quant::QuantConfig::from_preset(o.preset);
  auto inputs = read_inputs(o.input, g);
  std::vector<quant::Sample> calib;
  if (!o.calibration.empty()) {
    calib = read_samples(o.calibration, g);
  } else {
    calib = quant::default_calibration(g, config);
    calib.push_back(inputs);
  }
  layers::IntGraph ig = quant::compile(g, config, calib);
  auto r = quant::run_and_compare(g, ig, inputs);
  std::printf("model %s: %zu integer layers, preset %s (%d-bit weights, %d-bit activations)\n", o.model.c_str(), ig.nodes.size(),
              config.preset.c_str(), config.weight_bits, config.activation_bits);
  std::vector<NamedOutput> outs;
  for (const auto& c : r.outputs) {
    std::printf("output '%s' %s\n", c.name.c_str(), onnx::shape_str(c.shape).c_str());
    std::printf("  float:     %s\n", preview(c.float_values).c_str());
    std::printf("  quantized: %s\n", preview(c.quantized_values).c_str());
    std::printf("  max abs error %.6g, max rel error %.6g (relative to max |float output|)\n", c.max_abs_error, c.max_rel_error);
    outs.push_back({c.name, c.shape, c.quantized_values});
  }
  if (!o.output.empty()) {
    write_outputs(o.output, outs);
    std::printf("wrote %s\n", o.output.c_str());
  }
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto opts = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Run a model in float and quantized integer arithmetic and compare the outputs");
  cmd->add_option("model", opts->model, "ONNX model file")->required();
  cmd->add_option("--input", opts->input, "input JSON ({\"input_data\": [[...]]} or {\"inputs\": {name: [...]}})")->required();
  cmd->add_option("--output", opts->output, "write the quantized outputs as JSON");
  cmd->add_option("--calibration", opts->calibration, "calibration samples (input JSON, or a JSON array of them)");
  cmd->add_option("--preset", opts->preset, "quantization preset")->check(CLI::IsMember({"accuracy", "cost"}));
  cmd->callback([opts] { run(*opts); });
}

}  // namespace zk::cli
