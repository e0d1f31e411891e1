// zkinfer compile | setup | prove | verify | inspect  (issue 4's command line)
//   compile MODEL.onnx -o MODEL.zkm [--calibration DATA.json] [--preset accuracy|cost]
//   setup   MODEL.zkm --pk MODEL.pk --vk MODEL.vk
//   prove   MODEL.zkm --pk MODEL.pk --input INPUT.json --proof PROOF [--output OUT.json]
//   verify  --vk MODEL.vk --proof PROOF [--input INPUT.json] [--output OUT.json]
//   inspect FILE
// verify prints "verified" and exits 0 for a valid proof; a proof that fails any check (or does
// not parse) exits 1 with the reason; usage and input errors exit 2.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "cli/commands.hpp"
#include "cli/json_io.hpp"
#include "io/formats.hpp"
#include "onnx/import.hpp"
#include "prover/prover.hpp"
#include "quant/quantizer.hpp"
#include "verifier/verifier.hpp"

namespace zk::cli {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The model inputs as the JSON reader sees them: names and shapes from the integer graph.
onnx::Graph input_signature(const layers::IntGraph& g) {
  onnx::Graph sig;
  for (int t : g.inputs) sig.inputs.push_back({g.tensors[t].name, onnx::DType::Float32, g.tensors[t].shape});
  return sig;
}

std::vector<layers::IntTensor> read_quantized_inputs(const std::string& path, const layers::IntGraph& g) {
  return quant::quantize_inputs(g, read_inputs(path, input_signature(g)));
}

std::vector<NamedOutput> dequantized_outputs(const layers::IntGraph& g, const std::vector<layers::IntTensor>& outs) {
  std::vector<NamedOutput> named;
  for (size_t i = 0; i < outs.size(); ++i) {
    const auto& info = g.tensors[g.outputs[i]];
    named.push_back({info.name, info.shape, layers::dequantize(info, outs[i])});
  }
  return named;
}

layers::IntGraph load_model(const std::string& path) { return io::read_model(io::read_file(path, "compiled model")); }

struct CompileOptions {
  std::string model, output, calibration, preset = "accuracy";
};

void compile(const CompileOptions& o) {
  const auto start = Clock::now();
  onnx::Graph g = onnx::import_file(o.model);
  for (const auto& note : g.notes) std::fprintf(stderr, "note: %s\n", note.c_str());
  auto config = quant::QuantConfig::from_preset(o.preset);
  std::vector<quant::Sample> calib;
  if (!o.calibration.empty()) calib = read_samples(o.calibration, g);
  layers::IntGraph ig = quant::compile(g, config, calib);
  prover::setup(ig, prover::default_pcs_params());  // refuses, naming the layer, what cannot be proven
  io::write_file(o.output, io::write_model(ig));
  std::printf("compiled %s -> %s: %zu integer layers, preset %s (%.2f s)\n", o.model.c_str(), o.output.c_str(),
              ig.nodes.size(), config.preset.c_str(), seconds_since(start));
}

struct SetupOptions {
  std::string model, pk, vk;
};

void setup(const SetupOptions& o) {
  const auto start = Clock::now();
  auto keys = prover::setup(load_model(o.model));
  io::write_file(o.pk, io::write_proving_key(keys.pk));
  const auto vk_bytes = io::write_verifying_key(keys.vk);
  io::write_file(o.vk, vk_bytes);
  std::printf("setup: wrote %s and %s (%zu bytes), weights committed (%.2f s)\n", o.pk.c_str(), o.vk.c_str(),
              vk_bytes.size(), seconds_since(start));
}

struct ProveOptions {
  std::string model, pk, input, proof, output;
};

void prove(const ProveOptions& o) {
  const auto start = Clock::now();
  io::ProvingKey pk = io::read_proving_key(io::read_file(o.pk, "proving key"));
  if (!o.model.empty()) {
    layers::IntGraph model = load_model(o.model);
    if (io::write_model(model) != io::write_model(pk.graph)) {
      throw Error("the proving key '" + o.pk + "' was not made from the model '" + o.model + "'");
    }
  }
  auto inputs = read_quantized_inputs(o.input, pk.graph);
  auto result = prover::prove(pk, inputs);
  const auto bytes = io::write_proof(result.proof);
  io::write_file(o.proof, bytes);
  if (!o.output.empty()) write_outputs(o.output, dequantized_outputs(pk.graph, result.outputs));
  std::printf("proved: %s (%zu bytes, %.2f s)\n", o.proof.c_str(), bytes.size(), seconds_since(start));
}

struct VerifyOptions {
  std::string vk, proof, input, output;
};

// A proof fault (unparseable or failing a check) is a rejected proof: exit 1.
[[noreturn]] void reject(const std::string& why) { throw VerifyError(why); }

void verify(const VerifyOptions& o) {
  const auto start = Clock::now();
  io::VerifyingKey vk = io::read_verifying_key(io::read_file(o.vk, "verifying key"));
  std::vector<uint8_t> bytes = io::read_file(o.proof, "proof");
  io::Proof proof;
  try {
    proof = io::read_proof(bytes);
  } catch (const VerifyError&) {
    throw;
  } catch (const Error& e) {
    reject(e.what());
  }
  try {
    verifier::verify(vk, proof);
  } catch (const VerifyError&) {
    throw;
  } catch (const Error& e) {
    reject(e.what());
  }
  if (!o.input.empty()) {
    auto expected = read_quantized_inputs(o.input, vk.graph);
    for (size_t i = 0; i < expected.size(); ++i) {
      if (expected[i].data != proof.inputs.at(i).data) {
        reject("the proof is about a different input than " + o.input + " (input '" +
               vk.graph.tensors[vk.graph.inputs[i]].name + "' differs)");
      }
    }
  }
  if (!o.output.empty()) {
    // The output file holds dequantized values; compare in the integer domain.
    auto given = read_outputs(o.output);
    if (given.size() != proof.outputs.size()) {
      reject("the proof has " + std::to_string(proof.outputs.size()) + " outputs, " + o.output + " has " +
             std::to_string(given.size()));
    }
    for (size_t i = 0; i < given.size(); ++i) {
      const auto& info = vk.graph.tensors[vk.graph.outputs[i]];
      if (given[i].data.size() != proof.outputs[i].data.size()) {
        reject("the proof's output '" + info.name + "' has " + std::to_string(proof.outputs[i].data.size()) +
               " values, " + o.output + " has " + std::to_string(given[i].data.size()));
      }
      for (size_t k = 0; k < given[i].data.size(); ++k) {
        const double q = std::nearbyint(static_cast<double>(given[i].data[k]) / info.step);
        if (q != static_cast<double>(proof.outputs[i].data[k])) {
          reject("the proof's output '" + info.name + "' differs from " + o.output + " at index " + std::to_string(k));
        }
      }
    }
  }
  std::printf("verified (%.1f ms)\n", 1e3 * seconds_since(start));
}

void print_graph_summary(const layers::IntGraph& g) {
  size_t weights = 0;
  for (const auto& [id, t] : g.constants) weights += static_cast<size_t>(layers::numel(g.tensors[id].shape));
  std::printf("  layers: %zu, tensors: %zu, weight values: %zu\n", g.nodes.size(), g.tensors.size(), weights);
  for (int t : g.inputs) std::printf("  input  '%s' %s\n", g.tensors[t].name.c_str(), layers::shape_str(g.tensors[t].shape).c_str());
  for (int t : g.outputs) std::printf("  output '%s' %s\n", g.tensors[t].name.c_str(), layers::shape_str(g.tensors[t].shape).c_str());
  std::map<std::string, int> ops;
  for (const auto& n : g.nodes) ++ops[n.op];
  std::string list;
  for (const auto& [op, count] : ops) list += (list.empty() ? "" : ", ") + op + " x" + std::to_string(count);
  std::printf("  layer kinds: %s\n", list.c_str());
}

void print_params(const pcs::PcsParams& p, const layers::IntGraph& g) {
  uint64_t total = 0;
  for (const auto& t : g.tensors) total += static_cast<uint64_t>(layers::numel(t.shape));
  auto bits = pcs::security_bits(p, std::max<uint64_t>(total, 2));
  std::printf("  commitment: BaseFold, rate 1/%u, %u queries, %u-bit proof of work, hiding %s\n", 1u << p.log_inv_rate,
              p.num_queries, p.pow_bits, p.hiding ? "on" : "off");
  std::printf("  security: %.0f bits conjectured, %.0f bits proven (commitment; see docs/security.md)\n", bits.conjectured,
              bits.proven);
}

void inspect(const std::string& path) {
  auto bytes = io::read_file(path, "file");
  if (bytes.size() < 8) throw Error("'" + path + "' is not a zkinfer file (too short)");
  const std::string magic(bytes.begin(), bytes.begin() + 8);
  if (magic == std::string("ZKINFZKM", 8)) {
    auto g = io::read_model(bytes);
    std::printf("%s: compiled model (%zu bytes)\n", path.c_str(), bytes.size());
    print_graph_summary(g);
  } else if (magic == std::string("ZKINFPK\0", 8)) {
    auto pk = io::read_proving_key(bytes);
    std::printf("%s: proving key (%zu bytes)\n", path.c_str(), bytes.size());
    print_graph_summary(pk.graph);
    print_params(pk.pcs_params, pk.graph);
  } else if (magic == std::string("ZKINFVK\0", 8)) {
    auto vk = io::read_verifying_key(bytes);
    std::printf("%s: verifying key (%zu bytes)\n", path.c_str(), bytes.size());
    std::printf("  architecture hash %s\n  weights commitment %s\n", to_hex(vk.architecture_hash).c_str(),
                to_hex(vk.weights_root).c_str());
    print_graph_summary(vk.graph);
    print_params(vk.pcs_params, vk.graph);
  } else if (magic == std::string("ZKINFPRF", 8)) {
    auto p = io::read_proof(bytes);
    size_t values = 0, sumchecks = 0;
    for (const auto& n : p.nodes) {
      values += n.values.size();
      sumchecks += n.sumchecks.size();
    }
    std::printf("%s: proof (%zu bytes)\n", path.c_str(), bytes.size());
    std::printf("  for architecture %s\n", to_hex(p.architecture_hash).c_str());
    std::printf("  layer proofs: %zu (%zu values, %zu sumchecks), lookup arguments: %zu\n", p.nodes.size(), values,
                sumchecks, p.lookups.size());
    std::printf("  witness commitment: opening of %zu bytes; weights: %zu bytes\n", pcs::serialize(p.witness_opening).size(),
                pcs::serialize(p.weights_opening).size());
  } else {
    throw Error("'" + path + "' is not a zkinfer file (unknown magic bytes)");
  }
}

}  // namespace

void add_proof_commands(CLI::App& app) {
  {
    auto o = std::make_shared<CompileOptions>();
    auto* cmd = app.add_subcommand("compile", "Quantize an ONNX model into a provable integer circuit (.zkm)");
    cmd->add_option("model", o->model, "ONNX model file")->required();
    cmd->add_option("-o,--output", o->output, "compiled model to write")->required();
    cmd->add_option("--calibration", o->calibration, "calibration samples (input JSON, or a JSON array of them)");
    cmd->add_option("--preset", o->preset, "quantization preset")->check(CLI::IsMember({"accuracy", "cost"}));
    cmd->footer("Example: zkinfer compile lenet5.onnx -o lenet5.zkm --calibration samples.json");
    cmd->callback([o] { compile(*o); });
  }
  {
    auto o = std::make_shared<SetupOptions>();
    auto* cmd = app.add_subcommand("setup", "Commit to the weights: write the proving and verifying keys");
    cmd->add_option("model", o->model, "compiled model (.zkm)")->required();
    cmd->add_option("--pk", o->pk, "proving key to write")->required();
    cmd->add_option("--vk", o->vk, "verifying key to write")->required();
    cmd->footer("Example: zkinfer setup lenet5.zkm --pk lenet5.pk --vk lenet5.vk");
    cmd->callback([o] { setup(*o); });
  }
  {
    auto o = std::make_shared<ProveOptions>();
    auto* cmd = app.add_subcommand("prove", "Run the model on an input and prove the output");
    cmd->add_option("model", o->model, "compiled model (.zkm); checked against the proving key");
    cmd->add_option("--pk", o->pk, "proving key")->required();
    cmd->add_option("--input", o->input, "input JSON")->required();
    cmd->add_option("--proof", o->proof, "proof to write")->required();
    cmd->add_option("--output", o->output, "write the proven output (dequantized) as JSON");
    cmd->footer("Example: zkinfer prove lenet5.zkm --pk lenet5.pk --input input.json --proof lenet5.proof");
    cmd->callback([o] { prove(*o); });
  }
  {
    auto o = std::make_shared<VerifyOptions>();
    auto* cmd = app.add_subcommand("verify", "Check a proof (exit 0: valid, 1: invalid, 2: usage error)");
    cmd->add_option("--vk", o->vk, "verifying key")->required();
    cmd->add_option("--proof", o->proof, "proof")->required();
    cmd->add_option("--input", o->input, "also check that the proof is about exactly this input");
    cmd->add_option("--output", o->output, "also check that the proof's output is exactly this");
    cmd->footer("Example: zkinfer verify --vk lenet5.vk --proof lenet5.proof --output out.json");
    cmd->callback([o] { verify(*o); });
  }
  {
    auto path = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("inspect", "Describe a .zkm, proving key, verifying key or proof file");
    cmd->add_option("file", *path, "file to describe")->required();
    cmd->footer("Example: zkinfer inspect lenet5.vk");
    cmd->callback([path] { inspect(*path); });
  }
}

}  // namespace zk::cli
