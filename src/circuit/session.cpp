#include "circuit/session.hpp"

#include "layers/layer.hpp"
#include "layers/proof_util.hpp"
#include "poly/multilinear.hpp"

namespace zk::circuit {

namespace {
const layers::LayerProofDef& proof_of(const layers::IntNode& node) {
  const layers::LayerDef* def = layers::find_layer(node.op);
  if (!def || !def->proof) throw Error(node.where() + ": no proof for this layer");
  return *def->proof;
}

void check_claim_tensor(const Plan& plan, int tensor, size_t point_size, const layers::IntNode& node) {
  if (tensor < 0 || tensor >= static_cast<int>(plan.num_tensors())) {
    throw Error(node.where() + ": claim on unknown tensor " + std::to_string(tensor));
  }
  if (layers::mle_layout(plan.shapes[tensor]).num_vars != point_size) {
    throw Error(node.where() + ": claim on '" + plan.names[tensor] + "' at a point of the wrong size");
  }
}
}  // namespace

ProverSession::ProverSession(const Plan& plan, const Witness& witness, Transcript& transcript)
    : plan_(plan),
      witness_(witness),
      transcript_(transcript),
      mles_(plan.num_tensors()),
      borrowed_(plan.num_tensors(), nullptr) {}

const layers::IntTensor& ProverSession::value(int tensor) { return witness_.values.at(tensor); }

const std::vector<Fp>& ProverSession::mle(int tensor) {
  if (const auto* borrowed = borrowed_.at(tensor)) return *borrowed;
  auto& slot = mles_.at(tensor);
  if (!slot) slot = layers::mle_table(witness_.values.at(tensor));
  return *slot;
}

void ProverSession::borrow(int tensor, const std::vector<Fp>& table) { borrowed_.at(tensor) = &table; }

void ProverSession::send(Fp2 value) {
  transcript_.absorb("layer/value", value);
  out_->values.push_back(value);
}

sumcheck::ProverOutput ProverSession::sumcheck(std::span<const sumcheck::TableRef> tables,
                                               std::span<const sumcheck::Term> terms, Fp2 claimed_sum) {
  auto result = sumcheck::prove(transcript_, tables, terms, claimed_sum);
  out_->sumchecks.push_back(result.proof);
  return result;
}

Fp2 ProverSession::challenge() { return transcript_.challenge_ext("layer/challenge"); }

void ProverSession::claim(int tensor, std::vector<Fp2> point, Fp2 value) {
  claims_->push_back({tensor, std::move(point), value});
}

layers::NodeProof ProverSession::prove_node(size_t n, std::vector<layers::TensorClaim>& claims) {
  const auto& node = plan_.graph.nodes.at(n);
  layers::NodeProof proof;
  out_ = &proof;
  claims_ = &claims;
  aux_ = plan_.node_aux[n];
  std::vector<layers::TensorClaim> outputs;
  for (int t : node.outputs) {
    auto point = challenges(layers::mle_layout(plan_.shapes[t]).num_vars);
    Fp2 v = evaluate_mle(std::span<const Fp>(mle(t)), point);
    send(v);
    claims.push_back({t, point, v});
    outputs.push_back({t, std::move(point), v});
  }
  proof_of(node).prove(node, *this, outputs);
  out_ = nullptr;
  claims_ = nullptr;
  return proof;
}

layers::NodeProof ProverSession::prove_input_range(const InputRange& range, std::vector<layers::TensorClaim>& claims) {
  layers::NodeProof proof;
  out_ = &proof;
  claims_ = &claims;
  aux_ = range.aux;
  auto point = challenges(layers::mle_layout(plan_.shapes[range.tensor]).num_vars);
  const Fp2 v = evaluate_mle(std::span<const Fp>(mle(range.tensor)), point);
  send(v);
  layers::open_bounded(*this, range.bounded, point);
  claims.push_back({range.tensor, std::move(point), v});
  out_ = nullptr;
  claims_ = nullptr;
  return proof;
}

VerifierSession::VerifierSession(const Plan& plan, Transcript& transcript) : plan_(plan), transcript_(transcript) {}

Fp2 VerifierSession::receive() {
  if (next_value_ >= in_->values.size()) throw VerifyError("layer proof ended early (missing value)");
  Fp2 v = in_->values[next_value_++];
  transcript_.absorb("layer/value", v);
  return v;
}

sumcheck::Claim VerifierSession::sumcheck(unsigned num_vars, unsigned degree, Fp2 claimed_sum) {
  if (next_sumcheck_ >= in_->sumchecks.size()) throw VerifyError("layer proof ended early (missing sumcheck)");
  return sumcheck::verify(transcript_, num_vars, degree, claimed_sum, in_->sumchecks[next_sumcheck_++]);
}

Fp2 VerifierSession::challenge() { return transcript_.challenge_ext("layer/challenge"); }

void VerifierSession::claim(int tensor, std::vector<Fp2> point, Fp2 value) {
  claims_->push_back({tensor, std::move(point), value});
}

void VerifierSession::verify_node(size_t n, const layers::NodeProof& proof,
                                  std::vector<layers::TensorClaim>& claims) {
  const auto& node = plan_.graph.nodes.at(n);
  in_ = &proof;
  next_value_ = next_sumcheck_ = 0;
  aux_ = plan_.node_aux[n];
  const size_t first_claim = claims.size();
  claims_ = &claims;
  try {
    std::vector<layers::TensorClaim> outputs;
    for (int t : node.outputs) {
      auto point = challenges(layers::mle_layout(plan_.shapes[t]).num_vars);
      Fp2 v = receive();
      claims.push_back({t, point, v});
      outputs.push_back({t, std::move(point), v});
    }
    proof_of(node).verify(node, *this, outputs);
    if (next_value_ != proof.values.size() || next_sumcheck_ != proof.sumchecks.size()) {
      throw VerifyError("the proof has unread values");
    }
    for (size_t c = first_claim; c < claims.size(); ++c) {
      check_claim_tensor(plan_, claims[c].tensor, claims[c].point.size(), node);
    }
  } catch (const VerifyError& e) {
    throw VerifyError(node.where() + ": " + e.what());
  }
  in_ = nullptr;
  claims_ = nullptr;
}

}  // namespace zk::circuit

namespace zk::circuit {

void VerifierSession::verify_input_range(const InputRange& range, const layers::NodeProof& proof,
                                         std::vector<layers::TensorClaim>& claims) {
  in_ = &proof;
  next_value_ = next_sumcheck_ = 0;
  aux_ = range.aux;
  claims_ = &claims;
  const auto& shape = plan_.shapes[range.tensor];
  try {
    auto point = challenges(layers::mle_layout(shape).num_vars);
    const Fp2 v = receive();
    layers::check_bounded(*this, range.bounded, point, v, layers::real_selector(shape, point));
    if (next_value_ != proof.values.size() || next_sumcheck_ != proof.sumchecks.size()) {
      throw VerifyError("the proof has unread values");
    }
    claims.push_back({range.tensor, std::move(point), v});
  } catch (const VerifyError& e) {
    throw VerifyError("range check of the private input '" + plan_.names[range.tensor] + "': " + e.what());
  }
  in_ = nullptr;
  claims_ = nullptr;
}

}  // namespace zk::circuit
