#include "circuit/session.hpp"

#include <deque>

#include "layers/layer.hpp"
#include "sumcheck/twin.hpp"
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
void require_zk_proof(const layers::IntNode& node) {
  if (!proof_of(node).zk) throw Error(node.where() + ": this layer has no zero-knowledge proof yet");
}

// The twin sumcheck a masked_sumcheck runs (docs/zk.md §2.1), the same for prover and verifier:
// over n = max(layer's variables, each private part's) variables, the layer's tables zero-extended
// (their MLE gains the factor eq(0, x[n_L..n))), the layer's terms scaled by (1 - beta), and per
// private part i of the claimed sum the term c_i beta E_i W_i, E_i = eq(point_i, .) (public) and
// W_i the twin table with M_{V_i} in the b = 0 slot and V_i in the b = 1 slot, so that
// sum_{x,b} E_i*(x,b) W_i*(x,b) = M_{V_i}(point_i) and W_i's final value is V_i's twin at 1 - beta'.
// Public parts were sent plain, hence their (1 - beta).
struct MaskedLayout {
  unsigned n = 0;
  std::vector<sumcheck::Term> terms;
  std::shared_ptr<bool[]> is_private;
  size_t tables = 0;
  std::vector<const layers::SumPart*> parts;  // the private ones
  Fp2 claimed;
};

template <class IsPrivate>
MaskedLayout masked_layout(unsigned n_layer, std::span<const sumcheck::Term> terms, std::span<const bool> layer_private,
                           const layers::ClaimedSum& sum, IsPrivate&& is_private, Fp2 beta) {
  MaskedLayout m;
  m.n = n_layer;
  const Fp2 one_minus_beta = Fp2::one() - beta;
  for (const auto& part : sum.parts()) {
    if (is_private(part.tensor)) {
      m.claimed += part.coefficient * part.value;
      m.parts.push_back(&part);
      m.n = std::max(m.n, static_cast<unsigned>(part.point.size()));
    } else {
      m.claimed += part.coefficient * one_minus_beta * part.value;
    }
  }
  m.tables = layer_private.size() + 2 * m.parts.size();
  m.is_private.reset(new bool[m.tables]);
  std::copy(layer_private.begin(), layer_private.end(), m.is_private.get());
  m.terms.assign(terms.begin(), terms.end());
  for (auto& t : m.terms) t.coefficient *= one_minus_beta;
  for (size_t j = 0; j < m.parts.size(); ++j) {
    const auto e = static_cast<uint32_t>(layer_private.size() + 2 * j);
    m.is_private[e] = false;
    m.is_private[e + 1] = true;
    m.terms.push_back({m.parts[j]->coefficient * beta, {e, e + 1}});
  }
  return m;
}

// eq(0, x) over the coordinates [from, point.size()): a zero-extended table's factor.
Fp2 zero_extension_factor(std::span<const Fp2> point, size_t from) { return eq_eval_at_index(point.subspan(from), 0); }

Fp2 evaluate_ref(const sumcheck::TableRef& t, std::span<const Fp2> point) {
  return t.is_base() ? evaluate_mle(std::span<const Fp>(t.base_data(), t.size()), point)
                     : evaluate_mle(std::span<const Fp2>(t.ext_data(), t.size()), point);
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
  if (zk()) throw Error("a plain sumcheck in zero-knowledge mode (the layer must use masked_sumcheck)");
  auto result = sumcheck::prove(transcript_, tables, terms, claimed_sum);
  out_->sumchecks.push_back(result.proof);
  return result;
}

Fp2 ProverSession::challenge() { return transcript_.challenge_ext("layer/challenge"); }

void ProverSession::claim(int tensor, std::vector<Fp2> point, Fp2 value) {
  claims_->push_back({tensor, std::move(point), value, zk_mask(tensor) ? std::optional(beta_) : std::nullopt});
}

void ProverSession::enable_zk(const std::map<int, layers::MaskTensor>& masks) {
  for (size_t t = 0; t < plan_.num_tensors(); ++t) {
    const bool is_private = plan_.roles[t] != Role::Public;
    if (is_private != masks.contains(static_cast<int>(t))) {
      throw Error("zero-knowledge mode: '" + plan_.names[t] + "' " +
                  (is_private ? "is committed but has no mask" : "is public but has a mask"));
    }
  }
  for (const auto& [t, m] : masks) {
    for (const auto& limb : m.limbs) {
      if (limb.shape != plan_.shapes.at(t)) throw Error("zero-knowledge mode: mask of '" + plan_.names[t] + "' has the wrong shape");
    }
  }
  zk_masks_ = &masks;
}

const layers::MaskTensor* ProverSession::zk_mask(int tensor) {
  if (!zk_masks_) return nullptr;
  const auto it = zk_masks_->find(tensor);
  return it == zk_masks_->end() ? nullptr : &it->second;
}

const std::vector<Fp2>& ProverSession::mask_mle(int tensor) {
  auto [it, fresh] = mask_mles_.try_emplace(tensor);
  if (fresh) it->second = layers::mask_table(zk_masks_->at(tensor));
  return it->second;
}

Fp2 ProverSession::evaluate(int tensor, std::span<const Fp2> point) {
  const Fp2 plain = ProverContext::evaluate(tensor, point);
  if (!zk_mask(tensor)) return plain;
  return (Fp2::one() - beta_) * plain + beta_ * evaluate_mle(std::span<const Fp2>(mask_mle(tensor)), point);
}

sumcheck::ProverOutput ProverSession::masked_sumcheck(std::span<const sumcheck::TableRef> tables,
                                                      std::span<const std::optional<sumcheck::TableRef>> masks,
                                                      std::span<const sumcheck::Term> terms,
                                                      const layers::ClaimedSum& sum) {
  if (!zk()) return ProverContext::masked_sumcheck(tables, masks, terms, sum);
  if (tables.empty() || masks.size() != tables.size()) throw Error("masked sumcheck: one mask entry per table is needed");
  const unsigned n_layer = ceil_log2(tables[0].size());
  std::unique_ptr<bool[]> layer_private(new bool[tables.size()]);
  for (size_t i = 0; i < masks.size(); ++i) layer_private[i] = masks[i].has_value();
  const MaskedLayout m = masked_layout(n_layer, terms, std::span<const bool>(layer_private.get(), tables.size()), sum,
                                       [&](int t) { return zk_mask(t) != nullptr; }, beta_);
  const size_t size = size_t(1) << m.n;
  std::deque<std::vector<Fp>> base;
  std::deque<std::vector<Fp2>> ext;
  auto extend = [&](const sumcheck::TableRef& t) -> sumcheck::TableRef {
    if (t.size() == size) return t;
    if (t.is_base()) {
      auto& v = base.emplace_back(t.base_data(), t.base_data() + t.size());
      v.resize(size);
      return v;
    }
    auto& v = ext.emplace_back(t.ext_data(), t.ext_data() + t.size());
    v.resize(size);
    return v;
  };
  std::vector<sumcheck::TableRef> refs;
  std::vector<std::optional<sumcheck::TableRef>> mask_refs;
  for (size_t i = 0; i < tables.size(); ++i) {
    refs.push_back(extend(tables[i]));
    mask_refs.push_back(masks[i] ? std::optional(extend(*masks[i])) : std::nullopt);
  }
  for (const auto* part : m.parts) {
    refs.push_back(extend(ext.emplace_back(eq_table(part->point))));
    mask_refs.push_back(std::nullopt);
    refs.push_back(extend(mask_mle(part->tensor)));
    mask_refs.push_back(extend(mle(part->tensor)));
  }
  const unsigned degree = sumcheck::twin_degree(m.terms, std::span<const bool>(m.is_private.get(), m.tables));
  auto g = mask_source_ ? mask_source_(m.n + 1, degree) : sumcheck::MaskPolynomial::sample(m.n + 1, degree);
  auto result = sumcheck::prove_twin(transcript_, refs, mask_refs, m.terms, m.claimed, g);
  out_->zk_sumchecks.push_back(result.proof);
  libra_.push_back({std::move(g), result.point, result.mask_evaluation});

  const Fp2 beta = result.point[0];
  const std::span<const Fp2> s = std::span<const Fp2>(result.point).subspan(1);
  // The mask terms' final values: V's twin at 1 - beta' (M_V in the b = 0 slot).
  beta_ = Fp2::one() - beta;
  for (const auto* part : m.parts) {
    const std::vector<Fp2> sj(s.begin(), s.begin() + part->point.size());
    const Fp2 w = evaluate(part->tensor, sj);
    send(w);
    claim(part->tensor, sj, w);
  }
  beta_ = beta;
  sumcheck::ProverOutput out;
  out.point.assign(s.begin(), s.begin() + n_layer);
  for (size_t i = 0; i < tables.size(); ++i) {
    if (m.n == n_layer) {
      out.table_evaluations.push_back(result.table_evaluations[i]);
    } else {
      const Fp2 t = evaluate_ref(tables[i], out.point);
      out.table_evaluations.push_back(masks[i] ? (Fp2::one() - beta) * t + beta * evaluate_ref(*masks[i], out.point) : t);
    }
  }
  return out;
}

layers::NodeProof ProverSession::prove_node(size_t n, std::vector<layers::TensorClaim>& claims) {
  const auto& node = plan_.graph.nodes.at(n);
  layers::NodeProof proof;
  out_ = &proof;
  claims_ = &claims;
  aux_ = plan_.node_aux[n];
  if (zk()) require_zk_proof(node);
  std::vector<layers::TensorClaim> outputs;
  for (int t : node.outputs) {
    auto point = challenges(layers::mle_layout(plan_.shapes[t]).num_vars);
    // ZK: the twin challenge is drawn for a public output too: every value the node sends before
    // its first sumcheck is then at one beta, which masked_sumcheck's bookkeeping relies on.
    if (zk()) beta_ = challenge();
    const Fp2 v = evaluate(t, point);
    send(v);
    claim(t, std::move(point), v);
    outputs.push_back(claims.back());
  }
  proof_of(node).prove(node, *this, outputs);
  out_ = nullptr;
  claims_ = nullptr;
  return proof;
}

// ZK mode: no value at the random point (it would be a plain evaluation of the input, and the
// limbs' twins could not be checked against it linearly); open_bounded's masked zero-check at that
// point leaves twin claims on the input and its limbs instead. A narrow bound is the lookup alone.
layers::NodeProof ProverSession::prove_input_range(const InputRange& range, std::vector<layers::TensorClaim>& claims) {
  layers::NodeProof proof;
  out_ = &proof;
  claims_ = &claims;
  aux_ = range.aux;
  auto point = challenges(layers::mle_layout(plan_.shapes[range.tensor]).num_vars);
  if (zk()) {
    layers::open_bounded(*this, range.bounded, layers::TensorClaim{range.tensor, point, Fp2(), std::nullopt});
  } else {
    const Fp2 v = evaluate_mle(std::span<const Fp>(mle(range.tensor)), point);
    send(v);
    layers::open_bounded(*this, range.bounded, point);
    claims.push_back({range.tensor, std::move(point), v});
  }
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
  if (zk_) throw VerifyError("a plain sumcheck in zero-knowledge mode");
  if (next_sumcheck_ >= in_->sumchecks.size()) throw VerifyError("layer proof ended early (missing sumcheck)");
  return sumcheck::verify(transcript_, num_vars, degree, claimed_sum, in_->sumchecks[next_sumcheck_++]);
}

Fp2 VerifierSession::challenge() { return transcript_.challenge_ext("layer/challenge"); }

void VerifierSession::claim(int tensor, std::vector<Fp2> point, Fp2 value) {
  claims_->push_back({tensor, std::move(point), value, is_private(tensor) ? std::optional(beta_) : std::nullopt});
}

bool VerifierSession::is_private(int tensor) const {
  return zk_ && tensor >= 0 && tensor < static_cast<int>(plan_.num_tensors()) && plan_.roles[tensor] != Role::Public;
}

sumcheck::Claim VerifierSession::masked_sumcheck(unsigned num_vars, std::span<const sumcheck::Term> terms,
                                                 std::span<const bool> layer_private, const layers::ClaimedSum& sum) {
  if (!zk_) return VerifierContext::masked_sumcheck(num_vars, terms, layer_private, sum);
  const MaskedLayout m =
      masked_layout(num_vars, terms, layer_private, sum, [&](int t) { return is_private(t); }, beta_);
  const unsigned degree = sumcheck::twin_degree(m.terms, std::span<const bool>(m.is_private.get(), m.tables));
  if (next_zk_sumcheck_ >= in_->zk_sumchecks.size()) throw VerifyError("layer proof ended early (missing sumcheck)");
  Pending p;
  p.claim = sumcheck::verify_twin(transcript_, m.n, degree, m.claimed, in_->zk_sumchecks[next_zk_sumcheck_++]);
  libra_.push_back(p.claim.mask);
  const Fp2 beta = p.claim.point[0];
  const std::span<const Fp2> s = std::span<const Fp2>(p.claim.point).subspan(1);
  beta_ = Fp2::one() - beta;
  for (const auto* part : m.parts) {
    const size_t nj = part->point.size();
    const std::vector<Fp2> sj(s.begin(), s.begin() + nj);
    const Fp2 high = zero_extension_factor(s, nj);
    p.part_evaluations.push_back(eq_eval(part->point, sj) * high);
    const Fp2 w = receive();
    claim(part->tensor, sj, w);
    p.part_evaluations.push_back(w * high);
  }
  beta_ = beta;
  p.terms = m.terms;
  p.is_private = m.is_private;
  p.layer_tables = layer_private.size();
  p.high_factor = zero_extension_factor(s, num_vars);
  sumcheck::Claim out{{s.begin(), s.begin() + num_vars}, p.claim.expected};
  pending_ = std::move(p);
  return out;
}

void VerifierSession::check_final(const sumcheck::Claim& claim, std::span<const Fp2> evaluations,
                                  std::span<const sumcheck::Term> terms) {
  if (!zk_) return VerifierContext::check_final(claim, evaluations, terms);
  if (!pending_ || evaluations.size() != pending_->layer_tables) throw Error("check_final without its masked sumcheck");
  std::vector<Fp2> values;
  for (const Fp2& v : evaluations) values.push_back(v * pending_->high_factor);
  values.insert(values.end(), pending_->part_evaluations.begin(), pending_->part_evaluations.end());
  const Pending p = std::move(*pending_);
  pending_.reset();
  sumcheck::check_final_twin(p.claim, values, std::span<const bool>(p.is_private.get(), values.size()), p.terms);
}

void VerifierSession::verify_node(size_t n, const layers::NodeProof& proof,
                                  std::vector<layers::TensorClaim>& claims) {
  const auto& node = plan_.graph.nodes.at(n);
  in_ = &proof;
  next_value_ = next_sumcheck_ = next_zk_sumcheck_ = 0;
  pending_.reset();
  aux_ = plan_.node_aux[n];
  const size_t first_claim = claims.size();
  claims_ = &claims;
  if (zk_) require_zk_proof(node);
  try {
    std::vector<layers::TensorClaim> outputs;
    for (int t : node.outputs) {
      auto point = challenges(layers::mle_layout(plan_.shapes[t]).num_vars);
      if (zk_) beta_ = challenge();
      const Fp2 v = receive();
      claim(t, std::move(point), v);
      outputs.push_back(claims.back());
    }
    proof_of(node).verify(node, *this, outputs);
    if (next_value_ != proof.values.size() || next_sumcheck_ != proof.sumchecks.size() ||
        next_zk_sumcheck_ != proof.zk_sumchecks.size()) {
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
  next_value_ = next_sumcheck_ = next_zk_sumcheck_ = 0;
  pending_.reset();
  aux_ = range.aux;
  claims_ = &claims;
  const auto& shape = plan_.shapes[range.tensor];
  try {
    auto point = challenges(layers::mle_layout(shape).num_vars);
    std::optional<Fp2> v;
    if (zk_) {
      layers::check_bounded(*this, range.bounded, layers::TensorClaim{range.tensor, point, Fp2(), std::nullopt});
    } else {
      v = receive();
      layers::check_bounded(*this, range.bounded, point, *v, layers::real_selector(shape, point));
    }
    if (next_value_ != proof.values.size() || next_sumcheck_ != proof.sumchecks.size() ||
        next_zk_sumcheck_ != proof.zk_sumchecks.size()) {
      throw VerifyError("the proof has unread values");
    }
    if (v) claims.push_back({range.tensor, std::move(point), *v});
  } catch (const VerifyError& e) {
    throw VerifyError("range check of the private input '" + plan_.names[range.tensor] + "': " + e.what());
  }
  in_ = nullptr;
  claims_ = nullptr;
}

}  // namespace zk::circuit
