// End to end on real ONNX graphs: generated models (MLP, LeNet-5, a narrow VGG-11) and the ONNX
// backend test suite go through import -> quantize -> setup -> prove -> proof file -> verify, the
// way `zkinfer` runs them, with the proven output checked against the integer executor.
// First: modelgen.hpp names ::onnx::ModelProto as onnx::ModelProto, which zk::onnx would shadow.
#include "modelgen.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <regex>

#include "io/formats.hpp"
#include "onnx/import.hpp"
#include "prover/prover.hpp"
#include "quant/quantizer.hpp"
#include "accepts.hpp"
#include "verifier/verifier.hpp"

namespace zk {
namespace {

namespace fs = std::filesystem;
using layers::IntTensor;

using e2e::accepts;

struct Proven {
  prover::Keys keys;
  std::vector<IntTensor> inputs;
  std::vector<IntTensor> proven_outputs;
  std::vector<IntTensor> executor_outputs;
  std::vector<uint8_t> proof_bytes;
};

// Everything through the file formats, so that what is verified is what a user would hold.
std::unique_ptr<Proven> prove_model(const std::string& onnx_bytes, const std::vector<onnx::Tensor>& float_inputs,
                                    const pcs::PcsParams& params = prover::default_pcs_params(),
                                    const circuit::Visibility& visibility = {}) {
  auto p = std::make_unique<Proven>();
  onnx::Graph g = onnx::import_bytes(onnx_bytes);
  layers::IntGraph ig = quant::compile(g);
  const io::Model model = io::read_model(io::write_model(ig, visibility));
  ig = model.graph;
  auto keys = prover::setup(ig, params, model.visibility);
  p->keys.pk = io::read_proving_key(io::write_proving_key(keys.pk));
  p->keys.vk = io::read_verifying_key(io::write_verifying_key(keys.vk));
  p->inputs = quant::quantize_inputs(ig, float_inputs);
  auto result = prover::prove(p->keys.pk, p->inputs);
  p->proven_outputs = result.outputs;
  p->proof_bytes = io::write_proof(result.proof);
  auto all = layers::execute(ig, p->inputs);
  for (int t : ig.outputs) p->executor_outputs.push_back(all[t]);
  return p;
}

std::vector<onnx::Tensor> image_input(const modelgen::Model& m, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(onnx::numel(m.input_shape)));
  for (auto& x : v) x = u(rng);
  return {onnx::Tensor::floats(m.input_shape, v)};
}

modelgen::Spec mlp_spec(uint64_t seed = 1) {
  modelgen::Spec s;
  s.kind = modelgen::Kind::kMlp;
  s.sizes = {64, 32, 10};
  s.seed = seed;
  return s;
}
modelgen::Spec lenet_spec() {
  modelgen::Spec s;
  s.kind = modelgen::Kind::kLeNet5;
  s.seed = 2;
  return s;
}
// VGG-11's topology (8 conv+BN+ReLU, 5 max pools, classifier) at 1/8 of the width: 8..64 channels.
modelgen::Spec small_vgg_spec() {
  modelgen::Spec s;
  s.kind = modelgen::Kind::kVgg11;
  s.seed = 3;
  s.vgg_channel_div = 8;
  s.vgg_fc = {32};
  return s;
}

// Each model is proven once and shared by the tests that examine it.
const Proven& proven(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Proven>> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return *it->second;
  modelgen::Spec spec = name == "mlp" ? mlp_spec() : name == "lenet5" ? lenet_spec() : small_vgg_spec();
  auto m = modelgen::generate(spec);
  const auto start = std::chrono::steady_clock::now();
  auto p = prove_model(modelgen::serialize(m.proto), image_input(m, 99));
  std::printf("[ %s ] %lld parameters, proof %zu bytes, pipeline %.2f s\n", name.c_str(),
              static_cast<long long>(m.parameters), p->proof_bytes.size(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return *cache.emplace(name, std::move(p)).first->second;
}

class GeneratedModel : public ::testing::TestWithParam<std::string> {};

TEST_P(GeneratedModel, ProofVerifiesAndProvenOutputIsTheIntegerExecutorsOutput) {
  const Proven& p = proven(GetParam());
  std::string why;
  EXPECT_TRUE(accepts(p.keys.vk, p.proof_bytes, &why)) << why;
  ASSERT_EQ(p.proven_outputs.size(), p.executor_outputs.size());
  for (size_t i = 0; i < p.proven_outputs.size(); ++i) {
    EXPECT_EQ(p.proven_outputs[i].shape, p.executor_outputs[i].shape);
    EXPECT_EQ(p.proven_outputs[i].data, p.executor_outputs[i].data);
  }
  // The outputs embedded in the proof are the ones the prover returned.
  auto proof = io::read_proof(p.proof_bytes);
  for (size_t i = 0; i < proof.outputs.size(); ++i) EXPECT_EQ(proof.outputs[i].data, p.proven_outputs[i].data);
}

TEST_P(GeneratedModel, RejectsEachChangedOutputValue) {
  const Proven& p = proven(GetParam());
  const auto honest = io::read_proof(p.proof_bytes);
  const size_t n = honest.outputs[0].data.size();
  for (size_t k : {size_t{0}, n / 2, n - 1}) {
    for (int64_t delta : {1, -1}) {
      auto proof = honest;
      proof.outputs[0].data[k] += delta;
      std::string why;
      EXPECT_FALSE(accepts(p.keys.vk, io::write_proof(proof), &why)) << "output[" << k << "] " << delta;
    }
  }
}

TEST_P(GeneratedModel, RejectsSampledByteFlipsInEverySection) {
  const Proven& p = proven(GetParam());
  const size_t n = p.proof_bytes.size();
  // 48 positions: the header and statement densely, then an even stride through the lookup, layer
  // and opening sections (protocol_tests flips every byte of a small proof). Alternating the low
  // and the top bit also catches values that are only checked for range.
  std::vector<size_t> positions;
  for (size_t pos = 0; pos < std::min<size_t>(n, 16); ++pos) positions.push_back(pos);
  for (size_t k = 0; k < 32; ++k) positions.push_back(16 + (n - 17) * k / 31);
  for (size_t i = 0; i < positions.size(); ++i) {
    const uint8_t mask = i % 2 ? 0x80 : 0x01;
    auto bytes = p.proof_bytes;
    bytes[positions[i]] ^= mask;
    EXPECT_FALSE(accepts(p.keys.vk, bytes)) << "flip 0x" << std::hex << int(mask) << std::dec << " at byte "
                                            << positions[i] << " of " << n;
  }
}

TEST_P(GeneratedModel, RejectsTheProofUnderAnotherModelsKey) {
  const Proven& p = proven(GetParam());
  for (const std::string other : {"mlp", "lenet5", "small-vgg"}) {
    if (other == GetParam()) continue;
    std::string why;
    EXPECT_FALSE(accepts(proven(other).keys.vk, p.proof_bytes, &why)) << other;
  }
}

INSTANTIATE_TEST_SUITE_P(Models, GeneratedModel, ::testing::Values("mlp", "lenet5", "small-vgg"),
                         [](const auto& info) {
                           std::string s = info.param;
                           std::replace(s.begin(), s.end(), '-', '_');
                           return s;
                         });

TEST(GeneratedModelKeys, SameArchitectureOtherWeightsRejects) {
  // Same topology and shapes: the architecture hash matches and only the weight commitment differs.
  const Proven& p = proven("mlp");
  auto other_spec = mlp_spec(/*seed=*/77);
  auto m = modelgen::generate(other_spec);
  layers::IntGraph ig = quant::compile(onnx::import_bytes(modelgen::serialize(m.proto)));
  auto other = prover::setup(ig);
  std::string why;
  EXPECT_FALSE(accepts(other.vk, p.proof_bytes, &why));
  EXPECT_FALSE(why.empty());
}

TEST(GeneratedModelVisibility, EveryCombinationProvesAndVerifiesOnTheMlp) {
  auto m = modelgen::generate(mlp_spec());
  const std::string onnx_bytes = modelgen::serialize(m.proto);
  const auto input = image_input(m, 98);
  for (int bits = 0; bits < 8; ++bits) {
    const circuit::Visibility vis{(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0};
    SCOPED_TRACE(vis.describe());
    auto p = prove_model(onnx_bytes, input, prover::default_pcs_params(), vis);
    std::string why;
    EXPECT_TRUE(accepts(p->keys.vk, p->proof_bytes, &why)) << why;
    EXPECT_EQ(p->proven_outputs.at(0).data, p->executor_outputs.at(0).data);
    const auto proof = io::read_proof(p->proof_bytes);
    EXPECT_EQ(proof.inputs.empty(), vis.input_private);
    EXPECT_EQ(proof.outputs.empty(), vis.output_private);
    EXPECT_EQ(proof.input_root.has_value(), vis.input_private);
    // Zero-knowledge (committed-inverse lookups, masked layer sumchecks) whenever something is private.
    EXPECT_EQ(proof.zero_knowledge, vis.any_private());
    EXPECT_EQ(proof.lookup_root.has_value(), proof.zero_knowledge);
    // A flipped byte in the middle is still caught in every mode.
    auto bad = p->proof_bytes;
    bad[bad.size() / 2] ^= 0x10;
    EXPECT_FALSE(accepts(p->keys.vk, bad));
  }
}

// ---- The ONNX backend test suite ------------------------------------------------------------

const char* const kSuites[] = {"node", "simple", "pytorch-converted", "pytorch-operator"};
constexpr const char* kSuiteRoot = "/usr/share/libonnx-testdata/data";
// Keeps the sweep bounded: tests whose model holds more values than this (all tensors, weights
// and activations, after quantization) are counted as "too large for the unit test".
constexpr int64_t kMaxValues = 1 << 18;

std::vector<fs::path> numbered(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> files;
  for (size_t k = 0;; ++k) {
    fs::path p = dir / (prefix + std::to_string(k) + ".pb");
    if (!fs::exists(p)) break;
    files.push_back(p);
  }
  return files;
}

// The refusal reason without the names of the test's own tensors and nodes, so that refusals
// group by cause.
std::string reason_class(const std::string& stage, const std::string& message) {
  std::string m = std::regex_replace(message, std::regex("'[^']*'"), "'…'");
  m = std::regex_replace(m, std::regex("[0-9]{3,}"), "N");
  if (m.size() > 110) m = m.substr(0, 110) + "…";
  return stage + ": " + m;
}

struct SuiteOutcome {
  std::string name, stage, message;
  bool proven = false;
};

// One backend test through the pipeline. Commitment parameters are small: this checks that the
// layers compose and agree with the executor, not soundness margins (pcs_tests do).
SuiteOutcome prove_suite_test(const fs::path& dir) {
  SuiteOutcome r;
  r.name = dir.parent_path().filename().string() + "/" + dir.filename().string();
  std::string stage = "import";
  try {
    const fs::path set = dir / "test_data_set_0";
    if (!fs::exists(dir / "model.onnx") || !fs::exists(set)) throw Error("no model.onnx or test_data_set_0");
    std::vector<onnx::Tensor> inputs;
    for (const auto& p : numbered(set, "input_")) inputs.push_back(onnx::tensor_from_proto_bytes(onnx::read_file_bytes(p.string())));
    const std::string bytes = onnx::read_file_bytes((dir / "model.onnx").string());
    onnx::ImportOptions options;
    {
      // Backend tests pin their dynamic dims through the inputs they give, matched by position.
      ::onnx::ModelProto mp;
      if (mp.ParseFromString(bytes)) {
        std::vector<std::string> inits;
        for (const auto& i : mp.graph().initializer()) inits.push_back(i.name());
        size_t k = 0;
        for (const auto& i : mp.graph().input())
          if (std::find(inits.begin(), inits.end(), i.name()) == inits.end() && k < inputs.size())
            options.input_shapes[i.name()] = inputs[k++].shape;
      }
    }
    onnx::Graph g = onnx::import_bytes(bytes, options);
    if (g.inputs.size() != inputs.size()) throw Error("the test gives a different number of inputs than the model has");
    for (const auto& t : inputs)
      if (!t.is_float()) throw onnx::Unsupported("integer or bool model input (the prover takes quantized real inputs)");
    if (g.inputs.empty()) throw onnx::Unsupported("no runtime input (constant model)");
    stage = "quantize";
    // The "cost" preset (12-bit activations, 2^12-entry tables) keeps the sweep fast; the generated
    // models above run the default preset.
    const auto config = quant::QuantConfig::from_preset("cost");
    auto calibration = quant::default_calibration(g, config);
    calibration.push_back(inputs);
    layers::IntGraph ig = quant::compile(g, config, calibration);
    int64_t values = 0;
    for (const auto& t : ig.tensors) values += layers::numel(t.shape);
    if (values > kMaxValues) throw Error("too large for the unit test (" + std::to_string(values) + " values)");
    stage = "setup";
    pcs::PcsParams params;
    params.num_queries = 20;
    params.pow_bits = 4;
    auto keys = prover::setup(ig, params);
    stage = "input";
    auto q = quant::quantize_inputs(ig, inputs);
    stage = "prove";
    auto result = prover::prove(keys.pk, q);
    stage = "verify";
    auto bytes_out = io::write_proof(result.proof);
    auto vk = io::read_verifying_key(io::write_verifying_key(keys.vk));
    verifier::verify(vk, io::read_proof(bytes_out));
    stage = "compare";
    auto all = layers::execute(ig, q);
    for (size_t i = 0; i < ig.outputs.size(); ++i)
      if (all[ig.outputs[i]].data != result.outputs[i].data) throw Error("proven output differs from the executor's");
    r.proven = true;
  } catch (const std::exception& e) {
    r.stage = stage;
    r.message = e.what();
  }
  return r;
}

TEST(OnnxBackendSuite, EveryProvableTestProvesVerifiesAndMatchesTheExecutor) {
  if (!fs::exists(kSuiteRoot)) GTEST_SKIP() << kSuiteRoot << " not installed (libonnx-testdata)";
  const auto start = std::chrono::steady_clock::now();
  std::vector<SuiteOutcome> outcomes;
  for (const char* suite : kSuites) {
    const fs::path root = fs::path(kSuiteRoot) / suite;
    if (!fs::exists(root)) continue;
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(root))
      if (e.is_directory()) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    for (const auto& d : dirs) outcomes.push_back(prove_suite_test(d));
  }
  std::map<std::string, int> proven_by_suite, refused_by_reason;
  std::map<std::string, int> refused_by_stage;
  int proven = 0;
  for (const auto& o : outcomes) {
    const std::string suite = o.name.substr(0, o.name.find('/'));
    if (o.proven) {
      ++proven;
      ++proven_by_suite[suite];
      continue;
    }
    // A failure after setup accepted the model and its input is a bug, not a refusal.
    EXPECT_TRUE(o.stage == "import" || o.stage == "quantize" || o.stage == "setup" || o.stage == "input")
        << o.name << " failed at " << o.stage << ": " << o.message;
    ++refused_by_stage[o.stage];
    ++refused_by_reason[reason_class(o.stage, o.message)];
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("ONNX backend suite: %zu tests, %d proven and verified, %zu refused (%.1f s)\n", outcomes.size(), proven,
              outcomes.size() - proven, secs);
  for (const auto& [suite, n] : proven_by_suite) std::printf("  proven in %s: %d\n", suite.c_str(), n);
  for (const auto& [stage, n] : refused_by_stage) std::printf("  refused at %s: %d\n", stage.c_str(), n);
  std::vector<std::pair<int, std::string>> reasons;
  for (const auto& [r, n] : refused_by_reason) reasons.push_back({n, r});
  std::sort(reasons.rbegin(), reasons.rend());
  for (const auto& [n, r] : reasons) std::printf("  %4d  %s\n", n, r.c_str());
  if (std::getenv("ZK_E2E_LIST")) {
    for (const auto& o : outcomes)
      std::printf("  %s %s%s%s\n", o.proven ? "PROVEN " : "refused", o.name.c_str(), o.proven ? "" : " -- ",
                  o.proven ? "" : (o.stage + ": " + o.message).c_str());
  }
  EXPECT_GE(proven, 250);  // 256 on 2026-11-27: a drop means a regression
}

}  // namespace
}  // namespace zk
