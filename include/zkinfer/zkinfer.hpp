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

struct CompileOptions {
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

// ---- prove ----

// A parsed proving key, for proving many inputs without re-reading the key each time.
class ProvingKey {
 public:
  static ProvingKey load(ByteView pk);
  ProvingKey(ProvingKey&&) noexcept;
  ProvingKey& operator=(ProvingKey&&) noexcept;
  ~ProvingKey();
  Signature signature() const;
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
  std::vector<Tensor> outputs;  // the proven outputs, dequantized, in model output order
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

 private:
  friend struct Access;
  struct Impl;
  explicit VerifyingKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct VerifyOptions {
  // A valid proof is about *some* input; set these to also require that it is about exactly
  // these inputs / outputs (compared after quantization, as prove() would see them).
  std::optional<Inputs> expected_inputs;
  std::optional<std::vector<std::vector<float>>> expected_outputs;  // model output order
  // Where the expected values came from, named in a mismatch reason (e.g. a file name).
  std::string inputs_source = "the expected inputs";
  std::string outputs_source = "the expected outputs";
};

struct VerifyResult {
  bool ok = false;
  std::string reason;           // why the proof was rejected; empty when ok
  std::vector<Tensor> inputs;   // when ok: the public inputs the proof is about (dequantized)
  std::vector<Tensor> outputs;  // when ok: the proven outputs (dequantized)
  explicit operator bool() const { return ok; }
};

// Never throws for anything wrong with `proof`. Throws Error for a malformed vk and for malformed
// expected values (wrong names or sizes, NaN), which are the caller's input, not the prover's.
VerifyResult verify(const VerifyingKey& vk, ByteView proof, const VerifyOptions& options = {});
VerifyResult verify(ByteView vk, ByteView proof, const VerifyOptions& options = {});

// "zkinfer <version>".
const char* version();

}  // namespace zkinfer
