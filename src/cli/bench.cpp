// zkinfer bench MODEL... [--repeat N] [--json FILE|-] [--profile] [--input INPUT.json] [--preset P]
// (-q: only --json's output; the table and the per-model lines on stderr are left out)
// End-to-end cost of proving a model, as docs/benchmarks.md reports it: per model, the median over
// N runs of compile (import + quantize), setup, prove, verify and plain integer inference (wall
// time; prove and verify also as process CPU time), the proof size and the prover's peak memory.
//
// MODEL is an ONNX file or one of the generated models (zk_modelgen, seeded random weights; only
// the architecture matters for cost):
//   lenet5    LeNet-5, MNIST 1x28x28                      61,706 parameters
//   vgg11     VGG-11 with BatchNorm, CIFAR-10 3x32x32
//   vgg16     VGG-16 with BatchNorm, CIFAR-10 3x32x32     (classifier 512-512-10, as zkCNN)
//   mlp-1m    784-1024-256-10                            1,068,810 parameters
//   mlp-4m    784-2048-1024-256-10                       3,970,826 parameters
//   mlp-18m   784-3072-3072-2048-10                     18,165,770 parameters
//   mlp:A,B,C an MLP with these layer sizes
//
// Peak memory: the kernel's high-water mark of resident memory (VmHWM in /proc/self/status) is
// reset just before each prove (writing 5 to /proc/self/clear_refs) and read right after, so it is
// the peak resident size of a process that holds the proving key and proves — what `zkinfer
// prove` needs — and not the peaks of compile or setup. Where the reset is not allowed the
// process-lifetime peak (getrusage ru_maxrss) is reported instead, marked "(lifetime)".
// First: modelgen.hpp names ::onnx::ModelProto as onnx::ModelProto, which zk::onnx would shadow.
#ifdef ZK_HAVE_MODELGEN
#include "modelgen.hpp"
#endif

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/json_io.hpp"
#include "cli/output.hpp"
#include "io/formats.hpp"
#include "onnx/import.hpp"
#include "prover/prover.hpp"
#include "quant/quantizer.hpp"
#include "verifier/verifier.hpp"

namespace zk::cli {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct BenchOptions {
  std::vector<std::string> models;
  int repeat = 3;
  std::string json, input, preset = "accuracy";
  bool profile = false;
  bool all_public = false;  // input, weights and output public (default: compile's defaults)
};

struct Row {
  std::string model, source;
  int64_t parameters = -1;  // -1: not known (an ONNX file)
  size_t layers = 0;
  int repeat = 0;
  double compile_s = 0, setup_s = 0, prove_s = 0, verify_s = 0, infer_s = 0;
  // Process CPU time (user + system, all threads): on a shared machine the wall time depends on
  // the other jobs, this much less (OpenMP's spin-waiting still adds to it).
  double prove_cpu_s = 0, verify_cpu_s = 0;
  size_t proof_bytes = 0, pk_bytes = 0, vk_bytes = 0;
  int64_t peak_kib = 0;
  bool peak_is_lifetime = false;
  std::vector<std::pair<std::string, double>> phases;  // medians per prover phase
};

int64_t status_kib(const char* field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  const std::string key = std::string(field) + ":";
  while (std::getline(f, line))
    if (line.rfind(key, 0) == 0) return std::stoll(line.substr(key.size()));
  return -1;
}

bool reset_peak_rss() {
  std::ofstream f("/proc/self/clear_refs");
  if (!f) return false;
  f << "5";
  f.flush();
  return static_cast<bool>(f);
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * (u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

int64_t lifetime_peak_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;  // KiB on Linux
}

// The ONNX bytes and a description for a model argument.
std::string model_bytes(const std::string& name, std::string* source, int64_t* parameters) {
#ifdef ZK_HAVE_MODELGEN
  modelgen::Spec spec;
  bool generated = true;
  if (name == "lenet5") {
    spec.kind = modelgen::Kind::kLeNet5;
  } else if (name == "vgg11" || name == "vgg16") {
    spec.kind = modelgen::parse_kind(name);
  } else if (name == "mlp-1m") {
    spec.sizes = {784, 1024, 256, 10};
  } else if (name == "mlp-4m") {
    spec.sizes = {784, 2048, 1024, 256, 10};
  } else if (name == "mlp-18m") {
    spec.sizes = {784, 3072, 3072, 2048, 10};
  } else if (name.rfind("mlp:", 0) == 0) {
    spec.sizes.clear();
    std::string list = name.substr(4);
    size_t start = 0;
    while (start <= list.size()) {
      const size_t comma = std::min(list.find(',', start), list.size());
      try {
        spec.sizes.push_back(std::stoll(list.substr(start, comma - start)));
      } catch (const std::exception&) {
        throw Error("bench: bad MLP size list '" + list + "' (expected e.g. mlp:784,256,10)");
      }
      start = comma + 1;
    }
  } else {
    generated = false;
  }
  if (generated) {
    auto m = modelgen::generate(spec);
    *parameters = m.parameters;
    std::string sizes;
    if (spec.kind == modelgen::Kind::kMlp)
      for (auto s : spec.sizes) sizes += (sizes.empty() ? "" : "-") + std::to_string(s);
    *source = "generated " + modelgen::kind_name(spec.kind) + (sizes.empty() ? "" : " " + sizes) + ", seed 0";
    return modelgen::serialize(m.proto);
  }
#endif
  *source = name;
  *parameters = -1;
  return onnx::read_file_bytes(name);
}

std::vector<onnx::Tensor> bench_inputs(const onnx::Graph& g, const std::string& path) {
  if (!path.empty()) return read_inputs(path, g);
  // Images and activations alike: uniform [0, 1), the range of a normalised pixel.
  std::mt19937_64 rng(0xbe7c);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<onnx::Tensor> inputs;
  for (const auto& in : g.inputs) {
    if (!onnx::is_float(in.dtype)) throw Error("bench: input '" + in.name + "' is not a float tensor; pass --input");
    std::vector<float> v(static_cast<size_t>(onnx::numel(in.shape)));
    for (auto& x : v) x = u(rng);
    inputs.push_back(onnx::Tensor::floats(in.shape, v));
  }
  return inputs;
}

Row bench_one(const std::string& name, const BenchOptions& o) {
  Row row;
  row.model = name;
  row.repeat = o.repeat;
  const std::string bytes = model_bytes(name, &row.source, &row.parameters);
  const auto config = quant::QuantConfig::from_preset(o.preset);
  std::vector<double> compile_t, setup_t, prove_t, verify_t, infer_t, prove_cpu, verify_cpu;
  std::vector<std::vector<double>> phase_t;

  layers::IntGraph ig;
  std::vector<onnx::Tensor> float_inputs;
  for (int r = 0; r < o.repeat; ++r) {
    const auto t = Clock::now();
    onnx::Graph g = onnx::import_bytes(bytes);
    ig = quant::compile(g, config);
    compile_t.push_back(since(t));
    if (r == 0) float_inputs = bench_inputs(g, o.input);
  }
  row.layers = ig.nodes.size();
  const auto inputs = quant::quantize_inputs(ig, float_inputs);
  if (row.parameters < 0) {
    row.parameters = 0;
    for (const auto& [id, t] : ig.constants) row.parameters += layers::numel(ig.tensors[id].shape);
  }
  for (int r = 0; r < o.repeat; ++r) {
    const auto t = Clock::now();
    auto out = layers::execute(ig, inputs);
    infer_t.push_back(since(t));
  }

  prover::Keys keys;
  for (int r = 0; r < o.repeat; ++r) {
    keys = {};
    const auto t = Clock::now();
    circuit::Visibility visibility;
    if (o.all_public) visibility = {false, false, false};
    keys = prover::setup(ig, prover::default_pcs_params(), visibility);
    setup_t.push_back(since(t));
  }
  row.pk_bytes = io::write_proving_key(keys.pk).size();
  row.vk_bytes = io::write_verifying_key(keys.vk).size();

  std::vector<uint8_t> proof_bytes;
  for (int r = 0; r < o.repeat; ++r) {
    proof_bytes.clear();
    proof_bytes.shrink_to_fit();
    const bool reset = reset_peak_rss();
    const double cpu = cpu_seconds();
    const auto t = Clock::now();
    auto result = prover::prove(keys.pk, inputs);
    proof_bytes = io::write_proof(result.proof);
    prove_t.push_back(since(t));
    prove_cpu.push_back(cpu_seconds() - cpu);
    const int64_t peak = reset ? status_kib("VmHWM") : lifetime_peak_kib();
    row.peak_kib = std::max(row.peak_kib, peak);
    row.peak_is_lifetime = !reset || peak < 0;
    if (phase_t.empty()) phase_t.resize(result.phase_seconds.size());
    for (size_t k = 0; k < result.phase_seconds.size() && k < phase_t.size(); ++k) {
      phase_t[k].push_back(result.phase_seconds[k].second);
      if (r == 0) row.phases.push_back({result.phase_seconds[k].first, 0});
    }
  }
  for (size_t k = 0; k < row.phases.size(); ++k) row.phases[k].second = median(phase_t[k]);
  row.proof_bytes = proof_bytes.size();

  for (int r = 0; r < o.repeat; ++r) {
    const double cpu = cpu_seconds();
    const auto t = Clock::now();
    verifier::verify(keys.vk, io::read_proof(proof_bytes));
    verify_t.push_back(since(t));
    verify_cpu.push_back(cpu_seconds() - cpu);
  }
  row.compile_s = median(compile_t);
  row.setup_s = median(setup_t);
  row.prove_s = median(prove_t);
  row.verify_s = median(verify_t);
  row.prove_cpu_s = median(prove_cpu);
  row.verify_cpu_s = median(verify_cpu);
  row.infer_s = median(infer_t);
  return row;
}

std::string fmt_time(double s) {
  char buf[32];
  if (s < 1e-3) std::snprintf(buf, sizeof buf, "%.1f µs", s * 1e6);
  else if (s < 1) std::snprintf(buf, sizeof buf, "%.1f ms", s * 1e3);
  else std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

std::string fmt_bytes(double b) {
  char buf[32];
  if (b < 1024) std::snprintf(buf, sizeof buf, "%.0f B", b);
  else if (b < 1024 * 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", b / 1024);
  else if (b < 1024.0 * 1024 * 1024) std::snprintf(buf, sizeof buf, "%.1f MiB", b / (1024 * 1024));
  else std::snprintf(buf, sizeof buf, "%.2f GiB", b / (1024.0 * 1024 * 1024));
  return buf;
}

void print_markdown(const std::vector<Row>& rows, bool profile) {
  say("| model | params | layers | runs | compile | setup | prove | prove CPU | verify | verify CPU | proof size | prover peak RSS | plain inference |\n");
  say("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& r : rows) {
    say("| %s | %lld | %zu | %d | %s | %s | %s | %s | %s | %s | %s | %s%s | %s |\n", r.model.c_str(),
                static_cast<long long>(r.parameters), r.layers, r.repeat, fmt_time(r.compile_s).c_str(),
                fmt_time(r.setup_s).c_str(), fmt_time(r.prove_s).c_str(), fmt_time(r.prove_cpu_s).c_str(),
                fmt_time(r.verify_s).c_str(), fmt_time(r.verify_cpu_s).c_str(),
                fmt_bytes(static_cast<double>(r.proof_bytes)).c_str(), fmt_bytes(1024.0 * r.peak_kib).c_str(),
                r.peak_is_lifetime ? " (lifetime)" : "", fmt_time(r.infer_s).c_str());
  }
  if (!profile) return;
  for (const auto& r : rows) {
    say("\nprove phases, %s (median of %d):\n\n| phase | time | share |\n|---|---:|---:|\n", r.model.c_str(), r.repeat);
    double total = 0;
    for (const auto& [name, s] : r.phases) total += s;
    for (const auto& [name, s] : r.phases)
      say("| %s | %s | %.0f%% |\n", name.c_str(), fmt_time(s).c_str(), total > 0 ? 100 * s / total : 0.0);
  }
}

nlohmann::json to_json(const std::vector<Row>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rows) {
    // An array, not an object: the phases keep their execution order.
    nlohmann::json phases = nlohmann::json::array();
    for (const auto& [name, s] : r.phases) phases.push_back({{"phase", name}, {"s", s}});
    out.push_back({{"model", r.model},
                   {"source", r.source},
                   {"parameters", r.parameters},
                   {"layers", r.layers},
                   {"runs", r.repeat},
                   {"compile_s", r.compile_s},
                   {"setup_s", r.setup_s},
                   {"prove_s", r.prove_s},
                   {"verify_s", r.verify_s},
                   {"prove_cpu_s", r.prove_cpu_s},
                   {"verify_cpu_s", r.verify_cpu_s},
                   {"plain_inference_s", r.infer_s},
                   {"proof_bytes", r.proof_bytes},
                   {"pk_bytes", r.pk_bytes},
                   {"vk_bytes", r.vk_bytes},
                   {"prover_peak_rss_kib", r.peak_kib},
                   {"peak_method", r.peak_is_lifetime ? "getrusage ru_maxrss (process lifetime)"
                                                      : "VmHWM after clear_refs reset (prove only)"},
                   {"prove_phases_s", phases}});
  }
  return out;
}

void bench(const BenchOptions& o) {
  if (o.repeat < 1) throw Error("bench: --repeat must be at least 1");
  std::vector<Row> rows;
  for (const auto& m : o.models) {
    inform("bench: %s ...\n", m.c_str());
    rows.push_back(bench_one(m, o));
    const auto& r = rows.back();
    inform("bench: %s: prove %s, verify %s, proof %zu bytes\n", m.c_str(), fmt_time(r.prove_s).c_str(),
           fmt_time(r.verify_s).c_str(), r.proof_bytes);
  }
  if (o.json == "-") {
    std::printf("%s\n", to_json(rows).dump(2).c_str());
    return;
  }
  if (!o.json.empty()) {
    std::ofstream f(o.json);
    f << to_json(rows).dump(2) << "\n";
    if (!f) throw Error("bench: cannot write '" + o.json + "'");
  }
  print_markdown(rows, o.profile);
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  auto* cmd = app.add_subcommand("bench", "Time compile, setup, prove, verify and plain inference for models");
  cmd->add_option("models", o->models,
                   "ONNX files or generated models: lenet5, vgg11, vgg16, mlp-1m, mlp-4m, mlp-18m, mlp:A,B,...")
      ->required();
  cmd->add_option("--repeat", o->repeat, "runs per step; medians are reported (default 3)");
  cmd->add_option("--json", o->json, "write the results as JSON to FILE ('-': stdout, instead of the table)");
  cmd->add_flag("--profile", o->profile, "also print where the prove time goes, per prover phase");
  cmd->add_option("--input", o->input, "input JSON (default: seeded uniform [0, 1) values)");
  cmd->add_option("--preset", o->preset, "quantization preset")->check(CLI::IsMember({"accuracy", "cost"}));
  cmd->add_flag("--public", o->all_public,
                "input, weights and output public (default: compile's defaults, input and weights private)");
  cmd->footer("Example: zkinfer bench lenet5 mlp-1m --repeat 5 --profile");
  cmd->callback([o] {
    output_flags().json = o->json == "-";
    bench(*o);
  });
}

}  // namespace zk::cli
