// zkinfer's library API end to end, in memory: compile an ONNX model, set up keys, prove one
// inference, verify it, and check that a proof with one flipped byte is rejected.
//
//   zkinfer_api_example [MODEL.onnx]
//
// Without an argument it makes a tiny MLP (with the test-model generator when it is built, else
// it reads examples/lenet5.onnx). Exit 0 when everything behaved as expected.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "zkinfer/zkinfer.hpp"

#ifdef ZK_HAVE_MODELGEN
#include "modelgen.hpp"
#endif

namespace {

zkinfer::Bytes read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw zkinfer::Error("cannot open '" + path + "'");
  return zkinfer::Bytes(std::istreambuf_iterator<char>(f), {});
}

zkinfer::Bytes example_model(int argc, char** argv) {
  if (argc > 1) return read_file(argv[1]);
#ifdef ZK_HAVE_MODELGEN
  zk::modelgen::Spec spec;
  spec.kind = zk::modelgen::Kind::kMlp;
  spec.sizes = {16, 8, 4};
  const std::string bytes = zk::modelgen::serialize(zk::modelgen::generate(spec).proto);
  return zkinfer::Bytes(bytes.begin(), bytes.end());
#else
  return read_file(ZK_SOURCE_DIR "/examples/lenet5.onnx");
#endif
}

}  // namespace

int main(int argc, char** argv) try {
  const zkinfer::Bytes onnx = example_model(argc, argv);
  zkinfer::CompileOptions options;
  options.preset = "accuracy";  // or "cost": faster proofs, larger quantization error
  const zkinfer::Bytes model = zkinfer::compile(onnx, options);
  const zkinfer::Keys keys = zkinfer::setup(model);
  std::printf("compiled model %zu bytes, proving key %zu bytes, verifying key %zu bytes\n", model.size(),
              keys.pk.size(), keys.vk.size());

  // Any input of the right size will do; the signature says which names and shapes.
  zkinfer::Inputs inputs;
  for (const auto& in : zkinfer::signature(keys.vk).inputs) {
    size_t n = 1;
    for (auto d : in.shape) n *= static_cast<size_t>(d);
    std::vector<float> v(n);
    for (size_t k = 0; k < n; ++k) v[k] = static_cast<float>(k % 17) / 17.0f - 0.5f;
    inputs[in.name] = std::move(v);
  }

  const zkinfer::ProveResult proved = zkinfer::prove(keys.pk, inputs);
  std::printf("proof: %zu bytes; output '%s' =", proved.proof.size(), proved.outputs.at(0).name.c_str());
  for (float x : proved.outputs[0].data) std::printf(" %.4f", static_cast<double>(x));
  std::printf("\n");

  // Also require that the proof is about exactly our input, not merely some input. The input is
  // private by default, so the proof holds only a commitment to it: the check recomputes that
  // commitment from the input and the seed that prove() returned.
  zkinfer::VerifyOptions expect;
  expect.expected_inputs = inputs;
  expect.input_commitment = proved.input_commitment;
  const zkinfer::VerifyResult ok = zkinfer::verify(keys.vk, proved.proof, expect);
  if (!ok) {
    std::fprintf(stderr, "FAIL: an honest proof was rejected: %s\n", ok.reason.c_str());
    return 1;
  }
  std::printf("verified\n");

  zkinfer::Bytes tampered = proved.proof;
  tampered[tampered.size() / 2] ^= 0x01;
  const zkinfer::VerifyResult bad = zkinfer::verify(keys.vk, tampered);
  if (bad) {
    std::fprintf(stderr, "FAIL: a proof with a flipped byte was accepted\n");
    return 1;
  }
  std::printf("tampered proof rejected: %s\n", bad.reason.c_str());
  return 0;
} catch (const zkinfer::Error& e) {
  std::fprintf(stderr, "error: %s\n", e.what());
  return 2;
}
