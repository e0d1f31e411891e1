// zkinfer compile | setup | prove | verify | inspect  (issue 4's command line, issue 5's visibility)
//   compile MODEL.onnx -o MODEL.zkm [--calibration DATA.json] [--preset accuracy|cost]
//           [--input public|private] [--weights public|private] [--output public|private]
//   setup   MODEL.zkm --pk MODEL.pk --vk MODEL.vk
//   prove   MODEL.zkm --pk MODEL.pk --input INPUT.json --proof PROOF [--output OUT.json]
//           [--input-commitment FILE]
//   verify  --vk MODEL.vk --proof PROOF [--input INPUT.json] [--output OUT.json] [--input-commitment FILE]
//   inspect FILE
// verify prints "verified" and exits 0 for a valid proof; a proof that fails any check (or does
// not parse) exits 1 with the reason; usage and input errors exit 2.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "cli/commands.hpp"
#include "cli/json_io.hpp"
#include "cli/output.hpp"
#include "hash/sha256.hpp"
#include "circuit/protocol.hpp"
#include "io/formats.hpp"
#include "onnx/import.hpp"
#include "prover/prover.hpp"
#include "quant/quantizer.hpp"
#include "zkinfer/zkinfer.hpp"

namespace zk::cli {

namespace {

struct CompileOptions {
  std::string model, output, calibration, preset = "accuracy";
  std::string input_visibility = "private", weights_visibility = "private", output_visibility = "public";
  bool json = false;
};

const char* word(zkinfer::Visibility v) { return v == zkinfer::Visibility::Private ? "private" : "public"; }

std::string describe(const zkinfer::VisibilityInfo& v) {
  return std::string("input ") + word(v.input) + ", weights " + word(v.weights) + ", output " + word(v.output);
}

bool any_private(const zkinfer::VisibilityInfo& v) {
  using zkinfer::Visibility;
  return v.input == Visibility::Private || v.weights == Visibility::Private || v.output == Visibility::Private;
}

nlohmann::json visibility_json(const zkinfer::VisibilityInfo& v) {
  return {{"input", word(v.input)}, {"weights", word(v.weights)}, {"output", word(v.output)}};
}

// Issue 5: with something private the proof is zero-knowledge unless circuit::zero_knowledge_obstacle
// finds a reason (a layer without a zero-knowledge proof, a private tensor too small for its twin
// mask); then private values are only committed and the layer proofs reveal evaluations of them.
// Said on every such proof, so no user takes it for more than it is.
void warn_not_zero_knowledge(const zkinfer::VisibilityInfo& v) {
  if (!any_private(v) || v.zero_knowledge || output_flags().quiet) return;
  std::fprintf(stderr,
               "warning: proof is not zero-knowledge: it reveals evaluations of private values (`zkinfer inspect` on "
               "the key says why); see docs/security.md\n");
}

void compile(const CompileOptions& o) {
  PhaseTimer timer;
  onnx::Graph g = onnx::import_file(o.model);
  for (const auto& n : g.notes) note(n);
  timer.mark("import");
  auto config = quant::QuantConfig::from_preset(o.preset);
  std::vector<quant::Sample> calib;
  if (!o.calibration.empty()) calib = read_samples(o.calibration, g);
  layers::IntGraph ig = quant::compile(g, config, calib);
  timer.mark("quantize");
  const circuit::Visibility visibility{o.input_visibility == "private", o.weights_visibility == "private",
                                       o.output_visibility == "private"};
  // Refuses, naming the layer, what cannot be proven (setup's checks, without its commitment).
  prover::check_provable(ig, prover::default_pcs_params(), visibility);
  timer.mark("provability check");
  io::write_file(o.output, io::write_model(ig, visibility));
  timer.mark("write");
  say("compiled %s -> %s: %zu integer layers, preset %s, %s (%.2f s)\n", o.model.c_str(), o.output.c_str(),
      ig.nodes.size(), config.preset.c_str(), visibility.describe().c_str(), timer.total());
  if (o.json)
    emit_json({{"model", o.output},
               {"source", o.model},
               {"layers", ig.nodes.size()},
               {"preset", config.preset},
               {"visibility",
                {{"input", o.input_visibility}, {"weights", o.weights_visibility}, {"output", o.output_visibility}}},
               {"seconds", timer.total()}});
}

struct SetupOptions {
  std::string model, pk, vk;
  bool json = false;
};

void setup(const SetupOptions& o) {
  PhaseTimer timer;
  const auto model = io::read_file(o.model, "compiled model");
  timer.mark("read model");
  const auto keys = zkinfer::setup(model);
  timer.mark("setup");
  io::write_file(o.pk, keys.pk);
  io::write_file(o.vk, keys.vk);
  timer.mark("write keys");
  const bool public_weights = zkinfer::visibility(keys.vk).weights == zkinfer::Visibility::Public;
  say("setup: wrote %s and %s (%zu bytes), %s (%.2f s)\n", o.pk.c_str(), o.vk.c_str(), keys.vk.size(),
      public_weights ? "public weights in the verifying key" : "weights committed (hiding)", timer.total());
  if (o.json)
    emit_json({{"pk", o.pk},
               {"vk", o.vk},
               {"pk_bytes", keys.pk.size()},
               {"vk_bytes", keys.vk.size()},
               {"visibility", visibility_json(zkinfer::visibility(keys.vk))},
               {"seconds", timer.total()}});
}

struct ProveOptions {
  std::string model, pk, input, proof, output, input_commitment, preset = "accuracy";
  bool json = false;
};

// `prove MODEL.onnx` without --pk: compile and set up once into MODEL.onnx.zkinfer/, and reuse
// that for as long as the ONNX file (and preset) are unchanged. The stamp holds the SHA-256 of
// the ONNX bytes and the preset, so an edited model is never proven with stale keys.
struct CachedKeys {
  std::string dir, zkm, pk, vk;
  bool reused = false;
};

CachedKeys cached_keys(const std::string& onnx_path, const std::string& preset, PhaseTimer& timer) {
  namespace fs = std::filesystem;
  CachedKeys c;
  c.dir = onnx_path + ".zkinfer";
  const std::string stem = fs::path(onnx_path).stem().string();
  c.zkm = (fs::path(c.dir) / (stem + ".zkm")).string();
  c.pk = (fs::path(c.dir) / (stem + ".pk")).string();
  c.vk = (fs::path(c.dir) / (stem + ".vk")).string();
  const std::string stamp_path = (fs::path(c.dir) / "source.sha256").string();

  const auto onnx_bytes = io::read_file(onnx_path, "ONNX model");
  // The format version too: keys from an older zkinfer are remade, not reused.
  const std::string stamp = to_hex(sha256(onnx_bytes)) + " preset=" + preset +
                            " format=" + std::to_string(io::kFormatVersion) + "\n";
  std::error_code ec;
  if (fs::exists(c.zkm, ec) && fs::exists(c.pk, ec) && fs::exists(c.vk, ec) && fs::exists(stamp_path, ec)) {
    std::ifstream f(stamp_path, std::ios::binary);
    const std::string old((std::istreambuf_iterator<char>(f)), {});
    if (old == stamp) {
      c.reused = true;
      say("using cached keys in %s (the ONNX file is unchanged)\n", c.dir.c_str());
      return c;
    }
    say("%s changed since its keys were made: compiling and setting up again\n", onnx_path.c_str());
  } else {
    say("first proof for %s: compiling and setting up into %s (once; later proofs reuse it)\n", onnx_path.c_str(),
        c.dir.c_str());
  }
  zkinfer::CompileOptions options;
  options.preset = preset;
  const auto model = zkinfer::compile(onnx_bytes, options);
  timer.mark("compile");
  const auto keys = zkinfer::setup(model);
  timer.mark("setup");
  fs::create_directories(c.dir, ec);
  if (ec) throw Error("cannot create the cache folder '" + c.dir + "': " + ec.message());
  // The stamp goes last: an interrupted run leaves no stamp, so the next run starts over.
  fs::remove(stamp_path, ec);
  io::write_file(c.zkm, model);
  io::write_file(c.pk, keys.pk);
  io::write_file(c.vk, keys.vk);
  io::write_file(stamp_path, std::span(reinterpret_cast<const uint8_t*>(stamp.data()), stamp.size()));
  say("compiled %s (preset %s) and wrote %s, %s, %s\n", onnx_path.c_str(), preset.c_str(), c.zkm.c_str(),
      c.pk.c_str(), c.vk.c_str());
  timer.mark("write cache");
  return c;
}

bool is_onnx_path(const std::string& path) {
  return path.size() > 5 && path.compare(path.size() - 5, 5, ".onnx") == 0;
}

zkinfer::Inputs to_named(const std::vector<onnx::Tensor>& tensors, const onnx::Graph& sig) {
  zkinfer::Inputs named;
  for (size_t i = 0; i < tensors.size(); ++i) named[sig.inputs[i].name] = tensors[i].f;
  return named;
}

onnx::Graph input_signature(const zkinfer::Signature& s) {
  onnx::Graph sig;
  for (const auto& t : s.inputs) sig.inputs.push_back({t.name, onnx::DType::Float32, t.shape});
  return sig;
}

nlohmann::json tensors_json(const std::vector<zkinfer::Tensor>& ts) {
  auto arr = nlohmann::json::array();
  for (const auto& t : ts) arr.push_back({{"name", t.name}, {"shape", t.shape}, {"data", t.data}});
  return arr;
}

void prove(ProveOptions o) {
  PhaseTimer timer;
  CachedKeys cache;
  if (o.pk.empty()) {
    if (o.model.empty() || !is_onnx_path(o.model))
      throw Error("give the proving key with --pk, or an ONNX model (MODEL.onnx) to compile and set up automatically");
    cache = cached_keys(o.model, o.preset, timer);
    o.pk = cache.pk;
    if (o.proof.empty()) o.proof = o.model.substr(0, o.model.size() - 5) + ".proof";
  } else if (o.proof.empty()) {
    throw Error("--proof is required with --pk (where to write the proof)");
  }
  const auto pk_bytes = io::read_file(o.pk, "proving key");
  const auto pk = zkinfer::ProvingKey::load(pk_bytes);
  timer.mark("read proving key");
  if (!o.model.empty() && cache.dir.empty()) {
    if (!pk.is_for_model(io::read_file(o.model, "compiled model")))
      throw Error("the proving key '" + o.pk + "' was not made from the model '" + o.model + "'");
  }
  const auto visibility = pk.visibility();
  if (!o.input_commitment.empty() && visibility.input == zkinfer::Visibility::Public) {
    throw Error("--input-commitment: the model's input is public (compiled with --input public), so proofs carry "
                "the input itself and no commitment");
  }
  const onnx::Graph sig = input_signature(pk.signature());
  const auto inputs = to_named(read_inputs(o.input, sig), sig);
  timer.mark("read input");
  auto result = zkinfer::prove(pk, inputs);
  timer.mark("prove");
  for (const auto& [phase, s] : result.phase_seconds) timer.detail(phase, s);
  io::write_file(o.proof, result.proof);
  if (!o.input_commitment.empty()) io::write_file(o.input_commitment, result.input_commitment);
  if (!o.output.empty()) {
    std::vector<NamedOutput> outs;
    for (const auto& t : result.outputs) outs.push_back({t.name, t.shape, t.data});
    write_outputs(o.output, outs);
  }
  timer.mark("write proof");
  say("proved: %s (%zu bytes, %.2f s; %s)\n", o.proof.c_str(), result.proof.size(), timer.total(),
      describe(visibility).c_str());
  if (!o.input_commitment.empty()) {
    say("input commitment: %s (give it only to whoever may know the input: it holds the commitment's seed)\n",
        o.input_commitment.c_str());
  }
  if (!cache.dir.empty()) say("verify with: zkinfer verify --vk %s --proof %s\n", cache.vk.c_str(), o.proof.c_str());
  warn_not_zero_knowledge(visibility);
  if (o.json) {
    nlohmann::json j{{"proof", o.proof},
                     {"proof_bytes", result.proof.size()},
                     {"seconds", timer.total()},
                     {"visibility", visibility_json(visibility)},
                     {"zero_knowledge", visibility.zero_knowledge},
                     {"outputs", tensors_json(result.outputs)}};
    if (!o.input_commitment.empty()) j["input_commitment"] = o.input_commitment;
    if (!cache.dir.empty()) j["cache"] = {{"dir", cache.dir}, {"reused", cache.reused}, {"vk", cache.vk}, {"pk", cache.pk}};
    emit_json(j);
  }
}

struct VerifyOptions {
  std::string vk, proof, input, output, input_commitment;
  bool json = false;
};

void verify(const VerifyOptions& o) {
  PhaseTimer timer;
  const auto vk = zkinfer::VerifyingKey::load(io::read_file(o.vk, "verifying key"));
  const auto proof = io::read_file(o.proof, "proof");
  timer.mark("read files");
  // The expected values are the caller's input: errors in them are usage errors (exit 2), so they
  // are read here, before any verdict on the proof.
  zkinfer::VerifyOptions expect;
  if (!o.input.empty()) {
    const onnx::Graph sig = input_signature(vk.signature());
    expect.expected_inputs = to_named(read_inputs(o.input, sig), sig);
    expect.inputs_source = o.input;
  }
  if (!o.output.empty()) {
    std::vector<std::vector<float>> outs;
    for (auto& g : read_outputs(o.output)) outs.push_back(std::move(g.data));
    expect.expected_outputs = std::move(outs);
    expect.outputs_source = o.output;
  }
  if (!o.input_commitment.empty()) {
    expect.input_commitment = io::read_file(o.input_commitment, "input commitment");
    expect.input_commitment_source = o.input_commitment;
  }
  auto result = zkinfer::verify(vk, proof, expect);
  timer.mark("verify");
  const auto visibility = vk.visibility();
  if (o.json) {
    nlohmann::json j{{"verified", result.ok},
                     {"seconds", timer.total()},
                     {"visibility", visibility_json(visibility)},
                     {"zero_knowledge", visibility.zero_knowledge}};
    if (result.ok && !o.input_commitment.empty())
      j["input_commitment"] = o.input.empty() ? "matched" : "matched and recomputed from the input";
    if (result.ok) {
      j["inputs"] = tensors_json(result.inputs);
      j["outputs"] = tensors_json(result.outputs);
    } else {
      j["reason"] = result.reason;
    }
    emit_json(j);
  }
  if (!result.ok) throw VerifyError(result.reason);  // exit 1, reason on stderr
  say("verified (%.1f ms)\n", 1e3 * timer.total());
  if (!o.input_commitment.empty()) {
    say(o.input.empty() ? "the proof's input commitment is %s's\n"
                        : "the proof's input commitment is %s's, recomputed from the given input\n",
        o.input_commitment.c_str());
  }
}

// Human text via say(); the same facts into `j` for --json.
void describe_graph(const layers::IntGraph& g, nlohmann::json& j) {
  size_t weights = 0;
  for (const auto& [id, t] : g.constants) weights += static_cast<size_t>(layers::numel(g.tensors[id].shape));
  say("  layers: %zu, tensors: %zu, weight values: %zu\n", g.nodes.size(), g.tensors.size(), weights);
  j["layers"] = g.nodes.size();
  j["tensors"] = g.tensors.size();
  j["weight_values"] = weights;
  j["inputs"] = j["outputs"] = nlohmann::json::array();
  for (int t : g.inputs) {
    say("  input  '%s' %s\n", g.tensors[t].name.c_str(), layers::shape_str(g.tensors[t].shape).c_str());
    j["inputs"].push_back({{"name", g.tensors[t].name}, {"shape", g.tensors[t].shape}});
  }
  for (int t : g.outputs) {
    say("  output '%s' %s\n", g.tensors[t].name.c_str(), layers::shape_str(g.tensors[t].shape).c_str());
    j["outputs"].push_back({{"name", g.tensors[t].name}, {"shape", g.tensors[t].shape}});
  }
  std::map<std::string, int> ops;
  for (const auto& n : g.nodes) ++ops[n.op];
  std::string list;
  for (const auto& [op, count] : ops) list += (list.empty() ? "" : ", ") + op + " x" + std::to_string(count);
  say("  layer kinds: %s\n", list.c_str());
  j["layer_kinds"] = ops;
}

// `status`: circuit::zero_knowledge_status ("yes", or "no (why)").
void describe_visibility(const circuit::Visibility& v, const std::string& status, nlohmann::json& j) {
  say("  visibility: %s; zero-knowledge: %s\n", v.describe().c_str(), status.c_str());
  j["visibility"] = {{"input", v.input_private ? "private" : "public"},
                     {"weights", v.weights_private ? "private" : "public"},
                     {"output", v.output_private ? "private" : "public"}};
  j["zero_knowledge"] = status == "yes";
}

void describe_params(const pcs::PcsParams& p, const layers::IntGraph& g, nlohmann::json& j) {
  uint64_t total = 0;
  for (const auto& t : g.tensors) total += static_cast<uint64_t>(layers::numel(t.shape));
  auto bits = pcs::security_bits(p, std::max<uint64_t>(total, 2));
  say("  commitment: BaseFold, rate 1/%u, %u queries, %u-bit proof of work, hiding %s\n", 1u << p.log_inv_rate,
      p.num_queries, p.pow_bits, p.hiding ? "on" : "off");
  say("  security: %.0f bits conjectured, %.0f bits proven (commitment; see docs/security.md)\n", bits.conjectured,
      bits.proven);
  j["commitment"] = {{"scheme", "BaseFold"}, {"inverse_rate", 1u << p.log_inv_rate}, {"queries", p.num_queries},
                     {"pow_bits", p.pow_bits}, {"hiding", p.hiding}};
  j["security_bits"] = {{"conjectured", bits.conjectured}, {"proven", bits.proven}};
}

void inspect(const std::string& path, bool json) {
  auto bytes = io::read_file(path, "file");
  if (bytes.size() < 8) throw Error("'" + path + "' is not a zkinfer file (too short)");
  const std::string magic(bytes.begin(), bytes.begin() + 8);
  nlohmann::json j{{"file", path}, {"bytes", bytes.size()}};
  if (magic == std::string("ZKINFZKM", 8)) {
    auto m = io::read_model(bytes);
    say("%s: compiled model (%zu bytes)\n", path.c_str(), bytes.size());
    j["kind"] = "compiled model";
    describe_visibility(m.visibility, circuit::zero_knowledge_status(m.graph, m.visibility), j);
    describe_graph(m.graph, j);
  } else if (magic == std::string("ZKINFPK\0", 8)) {
    auto pk = io::read_proving_key(bytes);
    say("%s: proving key (%zu bytes)\n", path.c_str(), bytes.size());
    j["kind"] = "proving key";
    describe_visibility(pk.visibility, circuit::zero_knowledge_status(pk.graph, pk.visibility), j);
    describe_graph(pk.graph, j);
    describe_params(pk.pcs_params, pk.graph, j);
  } else if (magic == std::string("ZKINFVK\0", 8)) {
    auto vk = io::read_verifying_key(bytes);
    say("%s: verifying key (%zu bytes)\n", path.c_str(), bytes.size());
    j["kind"] = "verifying key";
    j["architecture_hash"] = to_hex(vk.architecture_hash);
    say("  architecture hash %s\n", to_hex(vk.architecture_hash).c_str());
    if (vk.visibility.weights_private) {
      say("  weights commitment %s (hiding)\n", to_hex(vk.weights_root).c_str());
      j["weights_commitment"] = to_hex(vk.weights_root);
    } else {
      say("  weights: public, held in this key\n");
    }
    describe_visibility(vk.visibility, vk.zero_knowledge ? "yes" : circuit::zero_knowledge_status(vk.graph, vk.visibility), j);
    describe_graph(vk.graph, j);
    describe_params(vk.pcs_params, vk.graph, j);
  } else if (magic == std::string("ZKINFPRF", 8)) {
    auto p = io::read_proof(bytes);
    size_t values = 0, sumchecks = 0;
    for (const auto& n : p.nodes) {
      values += n.values.size();
      sumchecks += n.sumchecks.size();
    }
    const size_t witness_opening = pcs::serialize(p.witness_opening).size();
    const size_t weights_opening = pcs::serialize(p.weights_opening).size();
    say("%s: proof (%zu bytes)\n", path.c_str(), bytes.size());
    say("  for architecture %s\n", to_hex(p.architecture_hash).c_str());
    say("  layer proofs: %zu (%zu values, %zu sumchecks), lookup arguments: %zu\n", p.nodes.size(), values, sumchecks,
        p.lookups.size());
    say("  witness commitment: opening of %zu bytes; weights: %zu bytes\n", witness_opening, weights_opening);
    say("  inputs: %s; outputs: %s; zero-knowledge: %s\n",
        p.input_root ? ("private (commitment " + to_hex(*p.input_root) + ")").c_str() : "public (in the proof)",
        p.outputs.empty() ? "private (or none)" : "public (in the proof)", p.zero_knowledge ? "yes" : "no");
    if (p.input_opening) say("  input commitment: opening of %zu bytes\n", pcs::serialize(*p.input_opening).size());
    if (!p.input_ranges.empty()) say("  range checks of private inputs: %zu\n", p.input_ranges.size());
    j["kind"] = "proof";
    j["architecture_hash"] = to_hex(p.architecture_hash);
    j["zero_knowledge"] = p.zero_knowledge;
    j["input_range_checks"] = p.input_ranges.size();
    j["public_inputs"] = p.inputs.size();
    j["public_outputs"] = p.outputs.size();
    if (p.input_root) {
      j["input_commitment"] = to_hex(*p.input_root);
      j["input_opening_bytes"] = pcs::serialize(*p.input_opening).size();
    }
    j["layer_proofs"] = p.nodes.size();
    j["values"] = values;
    j["sumchecks"] = sumchecks;
    j["lookup_arguments"] = p.lookups.size();
    j["witness_opening_bytes"] = witness_opening;
    j["weights_opening_bytes"] = weights_opening;
  } else if (magic == std::string("ZKINFICM", 8)) {
    auto c = io::read_input_commitment(bytes);
    say("%s: input commitment (%zu bytes)\n", path.c_str(), bytes.size());
    say("  for architecture %s\n  commitment %s (and the seed that recomputes it from the input)\n",
        to_hex(c.architecture_hash).c_str(), to_hex(c.root).c_str());
    j["kind"] = "input commitment";
    j["architecture_hash"] = to_hex(c.architecture_hash);
    j["input_commitment"] = to_hex(c.root);
  } else {
    throw Error("'" + path + "' is not a zkinfer file (unknown magic bytes)");
  }
  if (json) emit_json(j);
}

}  // namespace

void add_proof_commands(CLI::App& app) {
  {
    auto o = std::make_shared<CompileOptions>();
    auto* cmd = app.add_subcommand("compile", "Quantize an ONNX model into a provable integer circuit (.zkm)");
    cmd->add_option("model", o->model, "ONNX model file")->required();
    cmd->add_option("-o", o->output, "compiled model to write")->required();
    cmd->add_option("--calibration", o->calibration, "calibration samples (input JSON, or a JSON array of them)");
    cmd->add_option("--preset", o->preset, "quantization preset")->check(CLI::IsMember({"accuracy", "cost"}));
    const auto visibility = CLI::IsMember({"public", "private"});
    cmd->add_option("--input", o->input_visibility,
                    "private (default): proofs carry only a hiding commitment to the input; public: the input itself")
        ->check(visibility);
    cmd->add_option("--weights", o->weights_visibility,
                    "private (default): the vk holds a hiding commitment to the weights; public: the weights")
        ->check(visibility);
    cmd->add_option("--output", o->output_visibility,
                    "public (default): proofs carry the output they attest; private: only committed")
        ->check(visibility);
    cmd->footer(
        "Example: zkinfer compile lenet5.onnx -o lenet5.zkm --calibration samples.json\n"
        "         zkinfer compile lenet5.onnx -o lenet5.zkm --input public --weights private --output public\n"
        "Private values are committed, never sent, and proofs are zero-knowledge (docs/security.md).");
    cmd->add_flag("--json", o->json, "print the result as JSON on stdout");
    cmd->callback([o] {
      output_flags().json = o->json;
      compile(*o);
    });
  }
  {
    auto o = std::make_shared<SetupOptions>();
    auto* cmd = app.add_subcommand("setup", "Commit to the weights: write the proving and verifying keys");
    cmd->add_option("model", o->model, "compiled model (.zkm)")->required();
    cmd->add_option("--pk", o->pk, "proving key to write")->required();
    cmd->add_option("--vk", o->vk, "verifying key to write")->required();
    cmd->add_flag("--json", o->json, "print the result as JSON on stdout");
    cmd->footer("Example: zkinfer setup lenet5.zkm --pk lenet5.pk --vk lenet5.vk");
    cmd->callback([o] {
      output_flags().json = o->json;
      setup(*o);
    });
  }
  {
    auto o = std::make_shared<ProveOptions>();
    auto* cmd = app.add_subcommand("prove", "Run the model on an input and prove the output");
    cmd->add_option("model", o->model,
                    "compiled model (.zkm), checked against --pk; or an ONNX model, compiled and set up on first use");
    cmd->add_option("--pk", o->pk, "proving key (not needed with an ONNX model)");
    cmd->add_option("--input", o->input, "input JSON")->required();
    cmd->add_option("--proof", o->proof, "proof to write (default with an ONNX model: MODEL.proof)");
    cmd->add_option("--output", o->output, "write the proven output (dequantized) as JSON");
    cmd->add_option("--input-commitment", o->input_commitment,
                    "private input: write the proof's input commitment and its seed, for whoever holds the input");
    cmd->add_option("--preset", o->preset, "quantization preset, when compiling an ONNX model on the fly")
        ->check(CLI::IsMember({"accuracy", "cost"}));
    cmd->add_flag("--json", o->json, "print the result as JSON on stdout");
    cmd->footer(
        "Examples:\n"
        "  zkinfer prove lenet5.zkm --pk lenet5.pk --input input.json --proof lenet5.proof\n"
        "  zkinfer prove lenet5.onnx --input input.json     # compiles and sets up into lenet5.onnx.zkinfer/ once,\n"
        "                                                   # reused while lenet5.onnx is unchanged; writes lenet5.proof");
    cmd->callback([o] {
      output_flags().json = o->json;
      prove(*o);
    });
  }
  {
    auto o = std::make_shared<VerifyOptions>();
    auto* cmd = app.add_subcommand("verify", "Check a proof (exit 0: valid, 1: invalid, 2: usage error)");
    cmd->add_option("--vk", o->vk, "verifying key")->required();
    cmd->add_option("--proof", o->proof, "proof")->required();
    cmd->add_option("--input", o->input,
                    "also check that the proof is about exactly this input (private input: with --input-commitment)");
    cmd->add_option("--output", o->output, "also check that the proof's output is exactly this");
    cmd->add_option("--input-commitment", o->input_commitment,
                    "private input: check that the proof's input commitment is this one (written by prove)");
    cmd->add_flag("--json", o->json, "print {\"verified\": true|false, ...} as JSON on stdout");
    cmd->footer(
        "Example: zkinfer verify --vk lenet5.vk --proof lenet5.proof --output out.json\n"
        "         zkinfer verify --vk lenet5.vk --proof lenet5.proof --input-commitment in.commit --input in.json");
    cmd->callback([o] {
      output_flags().json = o->json;
      verify(*o);
    });
  }
  {
    auto path = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("inspect", "Describe a .zkm, proving key, verifying key, proof or input commitment");
    cmd->add_option("file", *path, "file to describe")->required();
    cmd->add_flag("--json", *json, "print the description as JSON on stdout");
    cmd->footer("Example: zkinfer inspect lenet5.vk --json");
    cmd->callback([path, json] {
      output_flags().json = *json;
      inspect(*path, *json);
    });
  }
}

}  // namespace zk::cli
