// The public API (include/zkinfer/zkinfer.hpp) over quant, prover, verifier and io. Its job at the
// boundary: turn named float vectors into the graph's quantized tensors, and make sure no internal
// exception type escapes (callers catch zkinfer::Error only).
#include "zkinfer/zkinfer.hpp"

#include <cmath>
#include <exception>
#include <new>

#include "common/error.hpp"
#include "circuit/protocol.hpp"
#include "io/formats.hpp"
#include "onnx/import.hpp"
#include "prover/prover.hpp"
#include "quant/quantizer.hpp"
#include "verifier/verifier.hpp"

namespace zkinfer {

struct ProvingKey::Impl {
  zk::io::ProvingKey pk;
};
struct VerifyingKey::Impl {
  zk::io::VerifyingKey vk;
};
struct Access {
  static const zk::io::ProvingKey& pk(const ProvingKey& k) { return k.impl_->pk; }
  static const zk::io::VerifyingKey& vk(const VerifyingKey& k) { return k.impl_->vk; }
  static ProvingKey make(zk::io::ProvingKey pk) {
    return ProvingKey(std::make_unique<ProvingKey::Impl>(ProvingKey::Impl{std::move(pk)}));
  }
  static VerifyingKey make(zk::io::VerifyingKey vk) {
    return VerifyingKey(std::make_unique<VerifyingKey::Impl>(VerifyingKey::Impl{std::move(vk)}));
  }
};

namespace {

// Runs f, rethrowing anything internal as zkinfer::Error so that the header's promise holds.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error&) {
    throw;
  } catch (const zk::Error& e) {
    throw Error(e.what());
  } catch (const std::bad_alloc&) {
    throw Error("out of memory");
  } catch (const std::exception& e) {
    throw Error(std::string("internal: ") + e.what());
  }
}

std::string shape_str(const std::vector<int64_t>& s) {
  std::string r = "[";
  for (size_t k = 0; k < s.size(); ++k) r += (k ? "," : "") + std::to_string(s[k]);
  return r + "]";
}

// Named flat vectors -> one float tensor per declared input, in declaration order.
std::vector<zk::onnx::Tensor> to_tensors(const Inputs& inputs, const std::vector<TensorSpec>& declared,
                                         const std::string& what) {
  for (const auto& [name, v] : inputs) {
    bool known = false;
    for (const auto& d : declared) known |= d.name == name;
    if (!known) throw Error(what + ": the model has no input named '" + name + "'");
  }
  std::vector<zk::onnx::Tensor> out;
  for (const auto& d : declared) {
    auto it = inputs.find(d.name);
    if (it == inputs.end()) throw Error(what + ": missing model input '" + d.name + "'");
    int64_t want = 1;
    for (int64_t x : d.shape) want *= x;
    if (static_cast<int64_t>(it->second.size()) != want)
      throw Error(what + ": input '" + d.name + "' needs " + std::to_string(want) + " values for shape " +
                  shape_str(d.shape) + ", got " + std::to_string(it->second.size()));
    for (size_t k = 0; k < it->second.size(); ++k)
      if (!std::isfinite(it->second[k]))
        throw Error(what + ": input '" + d.name + "' element " + std::to_string(k) + " is not finite");
    out.push_back(zk::onnx::Tensor::floats(d.shape, it->second));
  }
  return out;
}

std::vector<TensorSpec> specs(const zk::layers::IntGraph& g, const std::vector<int>& ids) {
  std::vector<TensorSpec> r;
  for (int t : ids) r.push_back({g.tensors[t].name, g.tensors[t].shape});
  return r;
}

Signature signature_of(const zk::layers::IntGraph& g) { return {specs(g, g.inputs), specs(g, g.outputs)}; }

std::vector<Tensor> dequantized(const zk::layers::IntGraph& g, const std::vector<int>& ids,
                                const std::vector<zk::layers::IntTensor>& values) {
  std::vector<Tensor> r;
  for (size_t i = 0; i < values.size() && i < ids.size(); ++i) {
    const auto& info = g.tensors[ids[i]];
    r.push_back({info.name, info.shape, zk::layers::dequantize(info, values[i])});
  }
  return r;
}

std::vector<zk::layers::IntTensor> quantized_inputs(const zk::layers::IntGraph& g, const Inputs& inputs,
                                                    const std::string& what) {
  return zk::quant::quantize_inputs(g, to_tensors(inputs, specs(g, g.inputs), what));
}

zk::circuit::Visibility to_internal(const CompileOptions& o) {
  return {o.input == Visibility::Private, o.weights == Visibility::Private, o.output == Visibility::Private};
}

VisibilityInfo info_of(const zk::circuit::Visibility& v, bool zero_knowledge) {
  auto word = [](bool is_private) { return is_private ? Visibility::Private : Visibility::Public; };
  return {word(v.input_private), word(v.weights_private), word(v.output_private), zero_knowledge};
}

// Why the (already verified) proof is not about the expected public values; empty when it is.
// Private inputs are compared through their commitment instead (input_commitment_mismatch).
std::string statement_mismatch(const zk::layers::IntGraph& g, const zk::io::Proof& proof, const VerifyOptions& o,
                               const std::vector<zk::layers::IntTensor>* expected_inputs) {
  if (expected_inputs && !proof.input_root) {
    const auto& expected = *expected_inputs;
    for (size_t i = 0; i < expected.size(); ++i)
      if (i >= proof.inputs.size() || expected[i].data != proof.inputs[i].data)
        return "the proof is about a different input than " + o.inputs_source + " (input '" +
               g.tensors[g.inputs[i]].name + "' differs)";
  }
  if (o.expected_outputs) {
    const auto& given = *o.expected_outputs;
    if (given.size() != proof.outputs.size())
      return "the proof has " + std::to_string(proof.outputs.size()) + " outputs, " + o.outputs_source + " has " +
             std::to_string(given.size());
    for (size_t i = 0; i < given.size(); ++i) {
      const auto& info = g.tensors[g.outputs[i]];
      if (given[i].size() != proof.outputs[i].data.size())
        return "the proof's output '" + info.name + "' has " + std::to_string(proof.outputs[i].data.size()) +
               " values, " + o.outputs_source + " has " + std::to_string(given[i].size());
      // Compared in the integer domain: the dequantized floats a caller holds round back exactly.
      for (size_t k = 0; k < given[i].size(); ++k) {
        if (!std::isfinite(given[i][k])) throw Error(o.outputs_source + ": output value " + std::to_string(k) + " is not finite");
        const double q = std::nearbyint(static_cast<double>(given[i][k]) / info.step);
        if (q != static_cast<double>(proof.outputs[i].data[k]))
          return "the proof's output '" + info.name + "' differs from " + o.outputs_source + " at index " +
                 std::to_string(k);
      }
    }
  }
  return {};
}

}  // namespace

ProvingKey::ProvingKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ProvingKey::ProvingKey(ProvingKey&&) noexcept = default;
ProvingKey& ProvingKey::operator=(ProvingKey&&) noexcept = default;
ProvingKey::~ProvingKey() = default;
VerifyingKey::VerifyingKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VerifyingKey::VerifyingKey(VerifyingKey&&) noexcept = default;
VerifyingKey& VerifyingKey::operator=(VerifyingKey&&) noexcept = default;
VerifyingKey::~VerifyingKey() = default;

ProvingKey ProvingKey::load(ByteView pk) {
  return guarded([&] { return Access::make(zk::io::read_proving_key(pk)); });
}
Signature ProvingKey::signature() const { return signature_of(impl_->pk.graph); }
VisibilityInfo ProvingKey::visibility() const {
  return info_of(impl_->pk.visibility, zk::circuit::proves_zero_knowledge(impl_->pk.graph, impl_->pk.visibility));
}
bool ProvingKey::is_for_model(ByteView compiled_model) const {
  return guarded([&] {
    return zk::io::write_model(impl_->pk.graph, impl_->pk.visibility) ==
           Bytes(compiled_model.begin(), compiled_model.end());
  });
}

VerifyingKey VerifyingKey::load(ByteView vk) {
  return guarded([&] { return Access::make(zk::io::read_verifying_key(vk)); });
}
Signature VerifyingKey::signature() const { return signature_of(impl_->vk.graph); }
VisibilityInfo VerifyingKey::visibility() const { return info_of(impl_->vk.visibility, impl_->vk.zero_knowledge); }

Bytes compile(ByteView onnx_model, const CompileOptions& options) {
  return guarded([&] {
    const zk::onnx::Graph g = zk::onnx::import_bytes(std::string(onnx_model.begin(), onnx_model.end()));
    const auto config = zk::quant::QuantConfig::from_preset(options.preset);
    std::vector<TensorSpec> declared;
    for (const auto& vi : g.inputs) declared.push_back({vi.name, vi.shape});
    std::vector<zk::quant::Sample> calib;
    for (size_t k = 0; k < options.calibration.size(); ++k)
      calib.push_back(to_tensors(options.calibration[k], declared, "calibration sample " + std::to_string(k)));
    return zk::io::write_model(zk::quant::compile(g, config, calib), to_internal(options));
  });
}

Keys setup(ByteView compiled_model) {
  return guarded([&] {
    auto model = zk::io::read_model(compiled_model);
    auto keys = zk::prover::setup(std::move(model.graph), zk::prover::default_pcs_params(), model.visibility);
    return Keys{zk::io::write_proving_key(keys.pk), zk::io::write_verifying_key(keys.vk)};
  });
}

Signature signature(ByteView bytes) {
  return guarded([&] {
    if (bytes.size() < 8) throw Error("not a zkinfer model or key (too short)");
    const std::string magic(bytes.begin(), bytes.begin() + 8);
    if (magic == std::string("ZKINFZKM", 8)) return signature_of(zk::io::read_model(bytes).graph);
    if (magic == std::string("ZKINFPK\0", 8)) return signature_of(zk::io::read_proving_key(bytes).graph);
    if (magic == std::string("ZKINFVK\0", 8)) return signature_of(zk::io::read_verifying_key(bytes).graph);
    throw Error("not a zkinfer model or key (unknown magic bytes)");
  });
}

VisibilityInfo visibility(ByteView bytes) {
  return guarded([&] {
    if (bytes.size() < 8) throw Error("not a zkinfer model or key (too short)");
    const std::string magic(bytes.begin(), bytes.begin() + 8);
    if (magic == std::string("ZKINFZKM", 8)) {
      const auto model = zk::io::read_model(bytes);
      return info_of(model.visibility, zk::circuit::proves_zero_knowledge(model.graph, model.visibility));
    }
    if (magic == std::string("ZKINFPK\0", 8)) return ProvingKey::load(bytes).visibility();
    if (magic == std::string("ZKINFVK\0", 8)) return VerifyingKey::load(bytes).visibility();
    throw Error("not a zkinfer model or key (unknown magic bytes)");
  });
}

ProveResult prove(const ProvingKey& key, const Inputs& inputs) {
  return guarded([&] {
    const auto& pk = Access::pk(key);
    auto r = zk::prover::prove(pk, quantized_inputs(pk.graph, inputs, "inputs"));
    ProveResult result{zk::io::write_proof(r.proof), dequantized(pk.graph, pk.graph.outputs, r.outputs), {},
                       std::move(r.phase_seconds)};
    if (r.input_commitment) result.input_commitment = zk::io::write_input_commitment(*r.input_commitment);
    return result;
  });
}
ProveResult prove(ByteView pk, const Inputs& inputs) { return prove(ProvingKey::load(pk), inputs); }

VerifyResult verify(const VerifyingKey& key, ByteView proof_bytes, const VerifyOptions& options) {
  const auto& vk = Access::vk(key);
  // The caller's expectations are checked before the proof is looked at: a request the model's
  // visibility cannot answer is a usage error, whatever the proof.
  std::optional<std::vector<zk::layers::IntTensor>> expected_inputs;
  std::optional<zk::io::InputCommitment> input_commitment;
  guarded([&] {
    if (options.expected_outputs && vk.visibility.output_private)
      throw Error("the model's output is private: a proof holds no output to compare with " + options.outputs_source);
    if (options.input_commitment) {
      if (!vk.visibility.input_private)
        throw Error("the model's input is public: its proofs have no input commitment (compare the input itself)");
      input_commitment = zk::io::read_input_commitment(*options.input_commitment);
    }
    if (options.expected_inputs) {
      if (vk.visibility.input_private && !input_commitment)
        throw Error("the model's input is private: a proof holds only a commitment to it; to check " +
                    options.inputs_source + " against it, give the input commitment written by prove");
      expected_inputs = quantized_inputs(vk.graph, *options.expected_inputs, options.inputs_source);
    }
  });
  VerifyResult result;
  zk::io::Proof proof;
  // Everything the proof bytes can cause is a rejection, whatever the exception type: a hostile
  // proof must not be able to turn into a usage error or escape as an exception.
  try {
    proof = zk::io::read_proof(proof_bytes);
    zk::verifier::verify(vk, proof);
  } catch (const std::bad_alloc&) {
    result.reason = "the proof declares sizes too large to hold in memory";
    return result;
  } catch (const std::exception& e) {
    result.reason = e.what();
    return result;
  }
  result.reason = guarded(
      [&] { return statement_mismatch(vk.graph, proof, options, expected_inputs ? &*expected_inputs : nullptr); });
  if (!result.reason.empty()) return result;
  if (input_commitment) {
    result.reason = guarded([&]() -> std::string {
      try {
        zk::verifier::check_input_commitment(vk, proof, *input_commitment, nullptr);
      } catch (const zk::VerifyError& e) {
        return e.what() + std::string(" (") + options.input_commitment_source + ")";
      }
      if (!expected_inputs) return {};
      try {
        zk::verifier::check_input_commitment(vk, proof, *input_commitment, &*expected_inputs);
      } catch (const zk::VerifyError&) {
        return "the proof is about a different input than " + options.inputs_source + " (the commitment recomputed " +
               "from it with the seed in " + options.input_commitment_source + " differs)";
      }
      return {};
    });
    if (!result.reason.empty()) return result;
  }
  result.ok = true;
  result.inputs = dequantized(vk.graph, vk.graph.inputs, proof.inputs);
  result.outputs = dequantized(vk.graph, vk.graph.outputs, proof.outputs);
  return result;
}
VerifyResult verify(ByteView vk, ByteView proof, const VerifyOptions& options) {
  return verify(VerifyingKey::load(vk), proof, options);
}

const char* version() { return "zkinfer " ZKINFER_VERSION; }

}  // namespace zkinfer
