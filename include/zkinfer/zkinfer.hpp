#pragma once
// zkinfer: zero-knowledge proofs of ML inference, as a C++ library.
//
// Everything goes through plain byte buffers, so the buffers are exactly the files the `zkinfer`
// command reads and writes (.zkm, .pk, .vk, proof) and can be stored or sent anywhere:
//
//   std::vector<uint8_t> onnx = ...;                                 // an ONNX model file
//   zkinfer::Bytes model = zkinfer::compile(onnx);                   // quantize (once per model)
//   zkinfer::Keys keys   = zkinfer::setup(model);                    // commit to weights (once)
//   zkinfer::ProveResult r = zkinfer::prove(keys.pk, {{"input", pixels}});
//   zkinfer::VerifyResult v = zkinfer::verify(keys.vk, r.proof);     // anyone holding the vk
//   if (!v.ok) std::puts(v.reason.c_str());
//
// Errors: every function throws zkinfer::Error (one line naming the problem) for bad usage or
// malformed input: an ONNX file it cannot import, a truncated key, a missing or mis-sized input,
// NaN. verify() is the exception to that rule for the proof itself: an unparseable or invalid
// proof is a result {ok = false, reason}, never an exception, because a verifier must be able to
// treat hostile proofs as ordinary data.
//
// What is proven is the integer (quantized) model that compile() produced; values go in and come
// out as floats and are quantized/dequantized at the boundary.
//
// Visibility (CompileOptions): inputs, weights and outputs are each public or private. Private
// values never appear in a proof or vk; they are committed with hiding commitments. The layer
// proofs are NOT zero-knowledge yet: their evaluations of committed tensors still leak partial
// information (zero_knowledge() is false; README "Visibility", docs/security.md).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace zkinfer {

// The library's only exception type.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Model inputs by name, each flattened in row-major order (its shape is the model's).
using Inputs = std::map<std::string, std::vector<float>>;

struct Tensor {
  std::string name;
  std::vector<std::int64_t> shape;
  std::vector<float> data;  // row-major
};

struct TensorSpec {
  std::string name;
  std::vector<std::int64_t> shape;
};

struct Signature {
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;
};

// ---- compile: ONNX -> compiled model (.zkm) ----

enum class Visibility { Public, Private };

struct CompileOptions {
  // Defaults: the model owner keeps the weights, the data owner the input; the output is the
  // statement being attested, so it is public.
  Visibility input = Visibility::Private;
  Visibility weights = Visibility::Private;
  Visibility output = Visibility::Public;
  // "accuracy" (8-bit weights, 16-bit activations) or "cost" (12-bit activations: smaller lookup
  // tables, faster proofs, larger error). docs/quantization.md.
  std::string preset = "accuracy";
  // Samples that set the activation ranges. Empty: deterministic pseudo-random inputs in [-1, 1].
  // Give a few real inputs whenever the model's inputs are not in that range.
  std::vector<Inputs> calibration;
};

// Throws Error for a malformed model and for one using an unsupported op (naming op and node).
// A layer that can be executed but not yet proven is only refused by setup().
Bytes compile(ByteView onnx_model, const CompileOptions& options = {});

// ---- setup: compiled model -> proving key + verifying key ----

struct Keys {
  Bytes pk;  // holds the weights: keep it with the prover
  Bytes vk;  // small and public: give it to verifiers
};
Keys setup(ByteView compiled_model);

// Input and output names and shapes of a compiled model, proving key or verifying key.
Signature signature(ByteView model_or_key);

// The visibility fixed at compile time, carried into both keys and bound into every proof.
struct VisibilityInfo {
  Visibility input = Visibility::Private;
  Visibility weights = Visibility::Private;
  Visibility output = Visibility::Public;
  bool zero_knowledge = false;  // whether proofs reveal nothing beyond the public values: not yet
};
VisibilityInfo visibility(ByteView model_or_key);

// ---- prove ----

// A parsed proving key, for proving many inputs without re-reading the key each time.
class ProvingKey {
 public:
  static ProvingKey load(ByteView pk);
  ProvingKey(ProvingKey&&) noexcept;
  ProvingKey& operator=(ProvingKey&&) noexcept;
  ~ProvingKey();
  Signature signature() const;
  VisibilityInfo visibility() const;
  // Whether this key was made by setup() from exactly this compiled model.
  bool is_for_model(ByteView compiled_model) const;

 private:
  friend struct Access;
  struct Impl;
  explicit ProvingKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct ProveResult {
  Bytes proof;
  std::vector<Tensor> outputs;  // the proven outputs, dequantized, in model output order (private ones too)
  // Private input only (else empty): the proof's input commitment and the seed of its randomness,
  // for whoever holds the input to check later that a proof used it (VerifyOptions). As secret as
  // the input: give it only to those who may know the input.
  Bytes input_commitment;
  // Wall-clock seconds per prover phase, in execution order.
  std::vector<std::pair<std::string, double>> phase_seconds;
};

// Throws Error for an unknown, missing or mis-sized input and for NaN/Inf values.
ProveResult prove(const ProvingKey& pk, const Inputs& inputs);
ProveResult prove(ByteView pk, const Inputs& inputs);

// ---- verify ----

class VerifyingKey {
 public:
  static VerifyingKey load(ByteView vk);
  VerifyingKey(VerifyingKey&&) noexcept;
  VerifyingKey& operator=(VerifyingKey&&) noexcept;
  ~VerifyingKey();
  Signature signature() const;
  VisibilityInfo visibility() const;

 private:
  friend struct Access;
  struct Impl;
  explicit VerifyingKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct VerifyOptions {
  // A valid proof is about *some* input; set these to also require that it is about exactly
  // these inputs / outputs (compared after quantization, as prove() would see them). Public
  // classes only, except that a private input can be checked together with input_commitment.
  // Asking for a private class any other way is an Error.
  std::optional<Inputs> expected_inputs;
  std::optional<std::vector<std::vector<float>>> expected_outputs;  // model output order
  // Private input: ProveResult::input_commitment. The proof must carry exactly this commitment;
  // with expected_inputs as well, the commitment is recomputed from them and its seed, so the
  // proof is shown to be about exactly those inputs.
  std::optional<Bytes> input_commitment;
  // Where the expected values came from, named in a mismatch reason (e.g. a file name).
  std::string inputs_source = "the expected inputs";
  std::string outputs_source = "the expected outputs";
  std::string input_commitment_source = "the input commitment";
};

struct VerifyResult {
  bool ok = false;
  std::string reason;           // why the proof was rejected; empty when ok
  std::vector<Tensor> inputs;   // when ok: the public inputs the proof is about (dequantized); empty if private
  std::vector<Tensor> outputs;  // when ok: the proven outputs (dequantized); empty if private
  explicit operator bool() const { return ok; }
};

// Never throws for anything wrong with `proof`. Throws Error for a malformed vk and for malformed
// expected values (wrong names or sizes, NaN), which are the caller's input, not the prover's.
VerifyResult verify(const VerifyingKey& vk, ByteView proof, const VerifyOptions& options = {});
VerifyResult verify(ByteView vk, ByteView proof, const VerifyOptions& options = {});

// "zkinfer <version>".
const char* version();

}  // namespace zkinfer
