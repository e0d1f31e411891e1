// The public API (include/zkinfer/zkinfer.hpp) through its header only: round trip, tampering,
// and that every bad input is a zkinfer::Error while a bad proof is a result.
#include <gtest/gtest.h>

#include "modelgen.hpp"
#include "zkinfer/zkinfer.hpp"

namespace {

struct Fixture {
  zkinfer::Bytes onnx, model;
  zkinfer::Keys keys;
  zkinfer::Inputs inputs;
};

// One small MLP shared by every test: setup is the slow step.
const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture f;
    zk::modelgen::Spec spec;
    spec.kind = zk::modelgen::Kind::kMlp;
    spec.sizes = {12, 8, 4};
    const std::string bytes = zk::modelgen::serialize(zk::modelgen::generate(spec).proto);
    f.onnx.assign(bytes.begin(), bytes.end());
    f.model = zkinfer::compile(f.onnx);
    f.keys = zkinfer::setup(f.model);
    std::vector<float> x(12);
    for (size_t k = 0; k < x.size(); ++k) x[k] = 0.1f * static_cast<float>(k) - 0.5f;
    f.inputs["input"] = x;
    return f;
  }();
  return f;
}

TEST(Api, round_trip_proves_and_verifies_and_reports_the_statement) {
  const auto& f = fixture();
  const auto sig = zkinfer::signature(f.keys.vk);
  ASSERT_EQ(sig.inputs.size(), 1u);
  EXPECT_EQ(sig.inputs[0].name, "input");
  EXPECT_EQ(sig.inputs[0].shape, (std::vector<int64_t>{1, 12}));
  ASSERT_EQ(sig.outputs.size(), 1u);

  auto r = zkinfer::prove(f.keys.pk, f.inputs);
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(r.outputs[0].data.size(), 4u);
  EXPECT_FALSE(r.phase_seconds.empty());

  std::vector<std::vector<float>> outs{r.outputs[0].data};
  // The input is private by default: the proof holds its commitment, checked by recomputing it.
  EXPECT_FALSE(r.input_commitment.empty());
  auto v = zkinfer::verify(f.keys.vk, r.proof,
                           {.expected_inputs = f.inputs, .expected_outputs = outs, .input_commitment = r.input_commitment});
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_TRUE(v.reason.empty());
  ASSERT_EQ(v.outputs.size(), 1u);
  EXPECT_EQ(v.outputs[0].data, r.outputs[0].data);

  // A loaded key proves repeatedly and gives the same statement.
  const auto pk = zkinfer::ProvingKey::load(f.keys.pk);
  EXPECT_TRUE(pk.is_for_model(f.model));
  EXPECT_EQ(zkinfer::prove(pk, f.inputs).outputs[0].data, r.outputs[0].data);
}

TEST(Api, tampered_proofs_are_rejected_results_not_exceptions) {
  const auto& f = fixture();
  const auto proved = zkinfer::prove(f.keys.pk, f.inputs);
  const auto& proof = proved.proof;
  for (size_t at : {size_t{0}, size_t{9}, size_t{40}, proof.size() / 3, proof.size() / 2, proof.size() - 1}) {
    auto bad = proof;
    bad[at] ^= 0x01;
    zkinfer::VerifyResult v;
    ASSERT_NO_THROW(v = zkinfer::verify(f.keys.vk, bad)) << "byte " << at;
    EXPECT_FALSE(v.ok) << "byte " << at;
    EXPECT_FALSE(v.reason.empty());
  }
  zkinfer::VerifyResult v;
  ASSERT_NO_THROW(v = zkinfer::verify(f.keys.vk, zkinfer::ByteView(proof.data(), proof.size() / 2)));
  EXPECT_FALSE(v.ok);
  ASSERT_NO_THROW(v = zkinfer::verify(f.keys.vk, zkinfer::Bytes{}));
  EXPECT_FALSE(v.ok);

  // A valid proof about another input is rejected when the caller names the input it expects.
  auto other = f.inputs;
  other["input"][0] += 0.25f;
  v = zkinfer::verify(f.keys.vk, proof,
                      {.expected_inputs = other, .input_commitment = proved.input_commitment, .inputs_source = "my.json"});
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.reason.find("different input than my.json"), std::string::npos) << v.reason;
  // Another proof's input commitment (same input, fresh seed) names the mismatch.
  v = zkinfer::verify(f.keys.vk, proof,
                      {.input_commitment = zkinfer::prove(f.keys.pk, f.inputs).input_commitment,
                       .input_commitment_source = "their.commit"});
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.reason.find("input commitment differs"), std::string::npos) << v.reason;
  EXPECT_NE(v.reason.find("their.commit"), std::string::npos) << v.reason;
}

TEST(Api, visibility_is_chosen_at_compile_time_and_reported_by_every_key) {
  const auto& f = fixture();
  for (const auto& bytes : {f.model, f.keys.pk, f.keys.vk}) {
    const auto v = zkinfer::visibility(bytes);
    EXPECT_EQ(v.input, zkinfer::Visibility::Private);
    EXPECT_EQ(v.weights, zkinfer::Visibility::Private);
    EXPECT_EQ(v.output, zkinfer::Visibility::Public);
    EXPECT_TRUE(v.zero_knowledge);  // every layer of the fixture has a zero-knowledge proof
  }
  zkinfer::CompileOptions open;
  open.input = open.weights = zkinfer::Visibility::Public;
  open.output = zkinfer::Visibility::Private;
  const auto keys = zkinfer::setup(zkinfer::compile(f.onnx, open));
  EXPECT_EQ(zkinfer::VerifyingKey::load(keys.vk).visibility().weights, zkinfer::Visibility::Public);
  EXPECT_GT(keys.vk.size(), f.keys.vk.size()) << "public weights live in the vk";
  const auto r = zkinfer::prove(keys.pk, f.inputs);
  EXPECT_TRUE(r.input_commitment.empty());
  ASSERT_EQ(r.outputs.size(), 1u) << "the prover still learns its private output";
  auto v = zkinfer::verify(keys.vk, r.proof, {.expected_inputs = f.inputs});
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.inputs.size(), 1u);
  EXPECT_TRUE(v.outputs.empty());
}

TEST(Api, asking_for_a_private_value_is_an_error) {
  const auto& f = fixture();
  const auto proof = zkinfer::prove(f.keys.pk, f.inputs).proof;
  try {
    zkinfer::verify(f.keys.vk, proof, {.expected_inputs = f.inputs});
    ADD_FAILURE() << "a private input was compared without its commitment";
  } catch (const zkinfer::Error& e) {
    EXPECT_NE(std::string(e.what()).find("input is private"), std::string::npos) << e.what();
  }
  EXPECT_THROW(zkinfer::verify(f.keys.vk, proof, {.input_commitment = zkinfer::Bytes{1, 2, 3}}), zkinfer::Error);
}

TEST(Api, bad_input_is_a_zkinfer_error_naming_the_problem) {
  const auto& f = fixture();
  auto expect_error = [](auto&& fn, const std::string& needle) {
    try {
      fn();
      ADD_FAILURE() << "no error; expected one containing '" << needle << "'";
    } catch (const zkinfer::Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error([&] { zkinfer::prove(f.keys.pk, {{"input", std::vector<float>(3)}}); }, "needs 12 values");
  expect_error([&] { zkinfer::prove(f.keys.pk, {{"pixels", std::vector<float>(12)}}); }, "no input named 'pixels'");
  expect_error([&] { zkinfer::prove(f.keys.pk, {}); }, "missing model input 'input'");
  auto nan = f.inputs;
  nan["input"][3] = std::numeric_limits<float>::quiet_NaN();
  expect_error([&] { zkinfer::prove(f.keys.pk, nan); }, "element 3 is not finite");
  expect_error([&] { zkinfer::compile(zkinfer::Bytes{'n', 'o', 'p', 'e'}); }, "ONNX");
  expect_error([&] { zkinfer::compile(f.onnx, {.preset = "fast"}); }, "fast");
  expect_error([&] { zkinfer::setup(zkinfer::Bytes(f.model.begin(), f.model.begin() + 20)); }, "");
  expect_error([&] { zkinfer::ProvingKey::load(f.keys.vk); }, "");
  expect_error([&] { zkinfer::verify(zkinfer::Bytes{1, 2, 3}, zkinfer::Bytes{}); }, "");
  expect_error([&] { zkinfer::signature(zkinfer::Bytes(8, 'x')); }, "unknown magic");
}

}  // namespace
