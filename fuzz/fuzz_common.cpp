#include "fuzz/fuzz_common.hpp"

#include "modelgen.hpp"
#include "zkinfer/zkinfer.hpp"

namespace zk::fuzz {

namespace {

struct Fixture {
  std::vector<uint8_t> vk_bytes, proof_bytes;
  io::VerifyingKey vk;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    modelgen::Spec spec;
    spec.kind = modelgen::Kind::kMlp;
    spec.sizes = {4, 3, 2};
    const std::string onnx = modelgen::serialize(modelgen::generate(spec).proto);
    const auto keys = zkinfer::setup(zkinfer::compile(zkinfer::Bytes(onnx.begin(), onnx.end())));
    Fixture f;
    f.vk_bytes = keys.vk;
    f.proof_bytes = zkinfer::prove(keys.pk, {{"input", {0.5f, -0.25f, 0.125f, 1.0f}}}).proof;
    f.vk = io::read_verifying_key(f.vk_bytes);
    return f;
  }();
  return f;
}

}  // namespace

const io::VerifyingKey& fixture_vk() { return fixture().vk; }
const std::vector<uint8_t>& fixture_proof_bytes() { return fixture().proof_bytes; }
const std::vector<uint8_t>& fixture_vk_bytes() { return fixture().vk_bytes; }

}  // namespace zk::fuzz
