// zkinfer run MODEL.onnx --input INPUT.json [--output OUT.json] [--calibration DATA.json]
//                        [--preset accuracy|cost]
// Imports the model, quantizes it, runs the float reference and the integer graph (exactly what
// would be proven) on the input, and prints per output both results and their max abs/rel error.
// Without --calibration, activation ranges come from the library's default samples plus this
// input (so the report reflects this input without saturating on it).
// zkinfer ops [--markdown|--json]: the quantizer's list of provable ONNX operators; the README's
// operator line is its --markdown output (tests/readme checks that they are equal).
#include <cstdio>
#include <string>

#include "cli/commands.hpp"
#include "cli/json_io.hpp"
#include "cli/output.hpp"
#include "onnx/import.hpp"
#include "quant/quantizer.hpp"

namespace zk::cli {

namespace {

struct RunOptions {
  std::string model, input, output, calibration, preset = "accuracy";
  bool json = false;
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
  PhaseTimer timer;
  onnx::Graph g = onnx::import_file(o.model);
  for (const auto& n : g.notes) note(n);
  timer.mark("import");
  auto config = quant::QuantConfig::from_preset(o.preset);
  auto inputs = read_inputs(o.input, g);
  std::vector<quant::Sample> calib;
  if (!o.calibration.empty()) {
    calib = read_samples(o.calibration, g);
  } else {
    calib = quant::default_calibration(g, config);
    calib.push_back(inputs);
  }
  timer.mark("read input");
  layers::IntGraph ig = quant::compile(g, config, calib);
  timer.mark("quantize");
  auto r = quant::run_and_compare(g, ig, inputs);
  timer.mark("run float and integer");
  say("model %s: %zu integer layers, preset %s (%d-bit weights, %d-bit activations)\n", o.model.c_str(), ig.nodes.size(),
      config.preset.c_str(), config.weight_bits, config.activation_bits);
  std::vector<NamedOutput> outs;
  nlohmann::json jouts = nlohmann::json::array();
  for (const auto& c : r.outputs) {
    say("output '%s' %s\n", c.name.c_str(), onnx::shape_str(c.shape).c_str());
    say("  float:     %s\n", preview(c.float_values).c_str());
    say("  quantized: %s\n", preview(c.quantized_values).c_str());
    say("  max abs error %.6g, max rel error %.6g (relative to max |float output|)\n", c.max_abs_error, c.max_rel_error);
    outs.push_back({c.name, c.shape, c.quantized_values});
    jouts.push_back({{"name", c.name}, {"shape", c.shape}, {"float", c.float_values}, {"quantized", c.quantized_values},
                     {"max_abs_error", c.max_abs_error}, {"max_rel_error", c.max_rel_error}});
  }
  if (!o.output.empty()) {
    write_outputs(o.output, outs);
    say("wrote %s\n", o.output.c_str());
  }
  if (o.json)
    emit_json({{"model", o.model}, {"integer_layers", ig.nodes.size()}, {"preset", config.preset},
               {"weight_bits", config.weight_bits}, {"activation_bits", config.activation_bits}, {"outputs", jouts}});
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
  cmd->add_flag("--json", opts->json, "print the float and quantized outputs and their errors as JSON on stdout");
  cmd->footer("Example: zkinfer run lenet5.onnx --input input.json --preset cost --json");
  cmd->callback([opts] {
    output_flags().json = opts->json;
    run(*opts);
  });
}

void add_ops_command(CLI::App& app) {
  auto markdown = std::make_shared<bool>(false);
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("ops", "List the ONNX operators that can be proven end to end");
  cmd->add_flag("--markdown", *markdown, "one line `Op`, `Op`, ..., `Op`. (the README's list is this line)");
  cmd->add_flag("--json", *json, "print {\"ops\": [...]} on stdout");
  cmd->footer("Example: zkinfer ops --markdown");
  cmd->callback([markdown, json] {
    output_flags().json = *json;
    const auto& ops = quant::supported_ops();
    if (*json) return emit_json({{"ops", ops}});
    std::string line;
    for (const auto& op : ops) {
      if (!line.empty()) line += ", ";
      line += *markdown ? "`" + op + "`" : op;
    }
    if (*markdown) return say("%s.\n", line.c_str());  // a sentence in the README
    say("%zu ONNX operators are proven end to end (import, quantize, prove):\n%s\n", ops.size(), line.c_str());
    say("Anything else is refused by compile, naming the node. Details: README.md, docs/onnx-support.md\n");
  });
}

}  // namespace zk::cli
