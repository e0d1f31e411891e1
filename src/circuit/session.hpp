#pragma once
// Running layer proofs node by node: the prover and verifier sides of the protocol that every
// layer shares. For each node (the driver walks them from the output back to the input):
//   for each output tensor t: r <- challenges(num_vars(t)); the prover sends v = t~(r);
//   the claim (t, r, v) is recorded, and the layer's prove/verify turns it into claims on the
//   node's inputs and aux tensors.
// Every claim ends up in the caller's list; the caller discharges them (PCS openings, direct
// evaluation of public tensors).
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

 private:
  const Plan& plan_;
  const Witness& witness_;
  Transcript& transcript_;
  std::vector<std::optional<std::vector<Fp>>> mles_;
  std::vector<const std::vector<Fp>*> borrowed_;
  std::span<const int> aux_;
  layers::NodeProof* out_ = nullptr;
  std::vector<layers::TensorClaim>* claims_ = nullptr;
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

 private:
  const Plan& plan_;
  Transcript& transcript_;
  std::span<const int> aux_;
  const layers::NodeProof* in_ = nullptr;
  size_t next_value_ = 0, next_sumcheck_ = 0;
  std::vector<layers::TensorClaim>* claims_ = nullptr;
};

}  // namespace zk::circuit
