#pragma once
// Checks shared by the zero-knowledge layer tests (tests/layers/zk_*_test.cpp): the visibility
// settings every family is proven under, a cheating prover that changes one witness entry, tampered
// proof components, and the scan for plain evaluations among the sent values.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "proof_harness.hpp"

namespace zk::testing {

inline const std::vector<circuit::Visibility>& visibilities() {
  static const std::vector<circuit::Visibility> v = {
      {},                     // input and weights private, output public
      {true, true, true},     // everything private
      {true, false, true},    // public weights
      {false, true, false}};  // public input
  return v;
}

inline std::string vis(const circuit::Visibility& v) { return v.describe(); }

// A cheating prover: the witness entry tensor[index] changed by delta before proving.
inline void expect_rejected(const TestGraph& g, const circuit::Visibility& v, int tensor, int64_t index, int64_t delta,
                            const std::string& what) {
  auto r = run_zk_layer_proofs(g.graph, g.inputs, v, [&](circuit::Plan&, circuit::Witness& w) {
    w.values[tensor].data.at(index) += delta;
  });
  EXPECT_FALSE(r.accepted) << what << ", " << vis(v) << ": changing tensor " << tensor << "[" << index << "] by "
                           << delta << " was accepted";
}

// Every sent (twin) value, every value of every masked round polynomial, each mask sum and each
// Libra mask evaluation g(r) of the first node's proof, changed after an honest run, everything private.
inline void expect_rejects_tampered_components(const TestGraph& g, size_t node = 0) {
  const circuit::Visibility v{true, true, true};
  const auto honest = run_zk_layer_proofs(g.graph, g.inputs, v);
  ASSERT_TRUE(honest.accepted) << honest.reason;
  const auto& proof = honest.proofs.at(node);
  std::vector<std::function<void(layers::NodeProof&)>> edits;
  for (size_t i = 0; i < proof.values.size(); ++i) edits.push_back([i](auto& p) { p.values[i] += Fp2::one(); });
  for (size_t s = 0; s < proof.zk_sumchecks.size(); ++s) {
    const auto& zs = proof.zk_sumchecks[s];
    for (size_t r = 0; r < zs.rounds.size(); ++r)
      for (size_t k = 0; k < zs.rounds[r].size(); ++k)
        edits.push_back([=](auto& p) { p.zk_sumchecks[s].rounds[r][k] += Fp2::one(); });
    edits.push_back([s](auto& p) { p.zk_sumchecks[s].mask_sum += Fp2::one(); });
    edits.push_back([s](auto& p) { p.zk_sumchecks[s].mask_evaluation += Fp2::one(); });
  }
  ASSERT_GT(edits.size(), 2u);
  for (size_t e = 0; e < edits.size(); ++e) {
    auto r = run_zk_layer_proofs(g.graph, g.inputs, v, {}, [&](auto& proofs) { edits[e](proofs.at(node)); });
    EXPECT_FALSE(r.accepted) << g.graph.nodes.at(node).op << ": edit " << e << " of " << edits.size() << " was accepted";
  }
}

// Everything private: every value the proofs send is a twin claim (none plain), and no twin value
// equals the plain evaluation at its point.
inline void expect_sends_no_plain_values(const TestGraph& g) {
  auto r = run_zk_layer_proofs(g.graph, g.inputs, {true, true, true});
  ASSERT_TRUE(r.accepted) << r.reason;
  size_t sent = 0;
  for (const auto& p : r.proofs) sent += p.values.size();
  EXPECT_EQ(sent, r.prover_claims.size()) << "every sent value is a claim";
  for (const auto& c : r.prover_claims) {
    ASSERT_TRUE(c.beta.has_value()) << "plain claim on tensor " << c.tensor;
    EXPECT_NE(c.value, layers::evaluate_tensor(r.witness.values[c.tensor], c.point)) << "tensor " << c.tensor;
    bool found = false;
    for (const auto& p : r.proofs)
      for (const Fp2& v : p.values) found |= v == c.value;
    EXPECT_TRUE(found);
  }
}

}  // namespace zk::testing
