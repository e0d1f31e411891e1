#pragma once
// Running layer proofs node by node: the prover and verifier sides of the protocol that every
// layer shares. For each node (the driver walks them from the output back to the input):
//   for each output tensor t: r <- challenges(num_vars(t)); the prover sends v = t~(r);
//   the claim (t, r, v) is recorded, and the layer's prove/verify turns it into claims on the
//   node's inputs and aux tensors.
// Every claim ends up in the caller's list; the caller discharges them (PCS openings, direct
// evaluation of public tensors).
//
// Zero-knowledge mode (docs/zk.md §2; opt-in, enable_zk on both sides): every committed tensor
// (role other than Public) is private. Per output the verifier draws r and then a twin challenge
// beta; the prover sends the output's twin value (1 - beta) Y(r) + beta M_Y(r) and the claim is a
// twin claim. Layers marked zk run their sumchecks through masked_sumcheck: the twin sumcheck of
// src/sumcheck/twin.hpp with a fresh Libra mask g, the layer's terms scaled by (1 - beta), and, for
// each private value the claimed sum is made of, the term c beta eq(point, .) M_V; that term's final
// value is sent as a twin claim on V at (s, 1 - beta'). What this leaves to the driver (not built):
// committing the mask tables and every g before the challenges that depend on them (the mask pool),
// opening twin claims on the stacked [T ; M], opening the recorded g(point) claims, and the
// encoding of NodeProof::zk_sumchecks.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "circuit/plan.hpp"
#include "layers/proof.hpp"

namespace zk::circuit {

class ProverSession : public layers::ProverContext {
 public:
  ProverSession(const Plan& plan, const Witness& witness, Transcript& transcript);

  layers::NodeProof prove_node(size_t node, std::vector<layers::TensorClaim>& claims);
  // A private input's range check (plan.input_ranges): the input's and its limbs' evaluations at
  // one random point, as a node proof of its own.
  layers::NodeProof prove_input_range(const InputRange& range, std::vector<layers::TensorClaim>& claims);

  const layers::IntGraph& graph() const override { return plan_.graph; }
  const layers::Shape& shape(int tensor) const override { return plan_.shapes.at(tensor); }
  const layers::IntTensor& value(int tensor) override;
  const std::vector<Fp>& mle(int tensor) override;
  std::span<const int> aux() const override { return aux_; }
  void send(Fp2 value) override;
  sumcheck::ProverOutput sumcheck(std::span<const sumcheck::TableRef> tables,
                                  std::span<const sumcheck::Term> terms, Fp2 claimed_sum) override;
  Fp2 challenge() override;
  void claim(int tensor, std::vector<Fp2> point, Fp2 value) override;

  // Uses a table the caller already built (and keeps alive) instead of computing it again.
  void borrow(int tensor, const std::vector<Fp>& table);

  // ZK mode: `masks` holds exactly the private (committed) tensors' masks; kept by reference.
  void enable_zk(const std::map<int, layers::MaskTensor>& masks);
  // Where each masked sumcheck's Libra mask comes from (the driver's pool, committed before the
  // first challenge); unset, a fresh MaskPolynomial::sample (the layer harness).
  void set_mask_source(std::function<sumcheck::MaskPolynomial(unsigned num_vars, unsigned degree)> source) {
    mask_source_ = std::move(source);
  }
  // One per masked sumcheck, in proof order: the Libra mask and the g(point) the proof sent.
  struct LibraRecord {
    sumcheck::MaskPolynomial g;
    std::vector<Fp2> point;
    Fp2 value;
  };
  const std::vector<LibraRecord>& libra_masks() const { return libra_; }
  // Mask functionals sent without a claim (note_mask_reveal), as claims without a value.
  const std::vector<layers::TensorClaim>& mask_reveals() const { return mask_reveals_; }
  void note_mask_reveal(int tensor, std::span<const Fp2> point) override {
    mask_reveals_.push_back({tensor, std::vector<Fp2>(point.begin(), point.end()), Fp2(), std::nullopt});
  }

  bool zk() const override { return zk_masks_ != nullptr; }
  const layers::MaskTensor* zk_mask(int tensor) override;
  Fp2 evaluate(int tensor, std::span<const Fp2> point) override;
  sumcheck::ProverOutput masked_sumcheck(std::span<const sumcheck::TableRef> tables,
                                         std::span<const std::optional<sumcheck::TableRef>> masks,
                                         std::span<const sumcheck::Term> terms,
                                         const layers::ClaimedSum& sum) override;

 private:
  const std::vector<Fp2>& mask_mle(int tensor);

  const Plan& plan_;
  const Witness& witness_;
  Transcript& transcript_;
  std::vector<std::optional<std::vector<Fp>>> mles_;
  std::vector<const std::vector<Fp>*> borrowed_;
  std::span<const int> aux_;
  layers::NodeProof* out_ = nullptr;
  std::vector<layers::TensorClaim>* claims_ = nullptr;
  const std::map<int, layers::MaskTensor>* zk_masks_ = nullptr;
  std::map<int, std::vector<Fp2>> mask_mles_;
  Fp2 beta_;  // the current twin challenge
  std::vector<LibraRecord> libra_;
  std::function<sumcheck::MaskPolynomial(unsigned, unsigned)> mask_source_;
  std::vector<layers::TensorClaim> mask_reveals_;
};

class VerifierSession : public layers::VerifierContext {
 public:
  VerifierSession(const Plan& plan, Transcript& transcript);

  // Throws VerifyError (naming the node) if the layer rejects or the node's proof has values or
  // sumchecks left over.
  void verify_node(size_t node, const layers::NodeProof& proof, std::vector<layers::TensorClaim>& claims);
  void verify_input_range(const InputRange& range, const layers::NodeProof& proof,
                          std::vector<layers::TensorClaim>& claims);

  const layers::IntGraph& graph() const override { return plan_.graph; }
  const layers::Shape& shape(int tensor) const override { return plan_.shapes.at(tensor); }
  std::span<const int> aux() const override { return aux_; }
  Fp2 receive() override;
  sumcheck::Claim sumcheck(unsigned num_vars, unsigned degree, Fp2 claimed_sum) override;
  Fp2 challenge() override;
  void claim(int tensor, std::vector<Fp2> point, Fp2 value) override;

  void enable_zk() { zk_ = true; }
  // One per masked sumcheck, in proof order: "g(point) = value" for that sumcheck's Libra mask,
  // for the driver to open against the mask pool.
  const std::vector<sumcheck::MaskClaim>& libra_claims() const { return libra_; }

  bool zk() const override { return zk_; }
  bool is_private(int tensor) const override;
  sumcheck::Claim masked_sumcheck(unsigned num_vars, std::span<const sumcheck::Term> terms,
                                  std::span<const bool> is_private, const layers::ClaimedSum& sum) override;
  void check_final(const sumcheck::Claim& claim, std::span<const Fp2> evaluations,
                   std::span<const sumcheck::Term> terms) override;

 private:
  const Plan& plan_;
  Transcript& transcript_;
  std::span<const int> aux_;
  const layers::NodeProof* in_ = nullptr;
  size_t next_value_ = 0, next_sumcheck_ = 0, next_zk_sumcheck_ = 0;
  std::vector<layers::TensorClaim>* claims_ = nullptr;
  bool zk_ = false;
  Fp2 beta_;
  std::vector<sumcheck::MaskClaim> libra_;
  // The last masked sumcheck, for check_final.
  struct Pending {
    sumcheck::ZkClaim claim;
    std::vector<sumcheck::Term> terms;   // the layer's, scaled by (1 - beta), then the mask terms
    std::shared_ptr<bool[]> is_private;  // per table: the layer's, then two per private sum part
    std::vector<Fp2> part_evaluations;   // the sum parts' table values at the final point
    size_t layer_tables = 0;
    Fp2 high_factor;                     // eq(0, point[n_L..n)): the layer tables' zero extension
  };
  std::optional<Pending> pending_;
};

}  // namespace zk::circuit
