#pragma once
// Checks shared by the zero-knowledge layer tests (tests/layers/zk_*_test.cpp): the visibility
// settings every family is proven under, honest proofs under all of them, no point twinned with two
// betas, cheating provers that change one witness entry, tampered proof components, and the scan
// for plain evaluations among the sent values.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
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

// Two twin values of one tensor at one point with different betas give its plain evaluation there
// (two equations in V~(p) and M_V~(p)): no proof may leave two such claims. With `scalars` false a
// tensor of one entry is exempt: a private scalar output always gets two (the output claim and its
// mask term's, both at the empty point), which docs/zk.md §1 leaves to the driver (twins widened by
// extra variables).
inline void expect_no_point_twinned_twice(const ZkHarnessResult& r, const std::string& what, bool scalars = false) {
  std::map<std::vector<uint64_t>, Fp2> beta_at;  // by (tensor, point coordinates)
  for (const auto& c : r.prover_claims) {
    if (!c.beta || (!scalars && c.point.empty())) continue;
    std::vector<uint64_t> key = {static_cast<uint64_t>(c.tensor)};
    for (const Fp2& x : c.point) key.insert(key.end(), {x.c0().value(), x.c1().value()});
    const auto [it, fresh] = beta_at.try_emplace(std::move(key), *c.beta);
    EXPECT_TRUE(fresh || it->second == *c.beta) << what << ": tensor " << c.tensor
                                                << " has twin claims at one point with two betas";
  }
}

// Which twin-point check an honest run gets on top of being accepted.
enum class TwinPoints { unchecked, except_scalars, all };

// Honest proofs verify under every visibility.
inline void expect_zk_accepts(const TestGraph& g, const std::string& what, TwinPoints twins = TwinPoints::unchecked) {
  for (const auto& v : visibilities()) {
    auto r = run_zk_layer_proofs(g.graph, g.inputs, v);
    EXPECT_TRUE(r.accepted) << what << ", " << vis(v) << ": " << r.reason;
    if (twins != TwinPoints::unchecked)
      expect_no_point_twinned_twice(r, what + ", " + vis(v), twins == TwinPoints::all);
  }
}

// A cheating prover: the witness entry tensor[index] changed by delta before proving.
inline void expect_rejected(const TestGraph& g, const circuit::Visibility& v, int tensor, int64_t index, int64_t delta,
                            const std::string& what) {
  auto r = run_zk_layer_proofs(g.graph, g.inputs, v, [&](circuit::Plan&, circuit::Witness& w) {
    w.values[tensor].data.at(index) += delta;
  });
  EXPECT_FALSE(r.accepted) << what << ", " << vis(v) << ": changing tensor " << tensor << "[" << index << "] by "
                           << delta << " was accepted";
}

// The plain tests' "change any single committed value" prover in ZK mode (cheat_helpers.hpp's
// expect_rejects_single_changes): up to `per_tensor` entries of every output and aux tensor of every
// node, by +1 and -1, under every visibility. The ZK harness checks no lookups (the driver proves
// them), so a tensor that only its lookup pins down (div's constant output) is left out with
// `outputs = false`.
inline void expect_zk_rejects_single_changes(const TestGraph& g, const std::string& what, int64_t per_tensor = 3,
                                             bool outputs = true) {
  const circuit::Plan plan = circuit::make_plan(g.graph);
  std::vector<int> targets;
  for (size_t n = 0; n < plan.graph.nodes.size(); ++n) {
    if (outputs) targets.insert(targets.end(), plan.graph.nodes[n].outputs.begin(), plan.graph.nodes[n].outputs.end());
    targets.insert(targets.end(), plan.node_aux[n].begin(), plan.node_aux[n].end());
  }
  for (const auto& v : visibilities())
    for (int tensor : targets) {
      const int64_t size = layers::numel(plan.shapes[tensor]), step = std::max<int64_t>(1, size / per_tensor);
      for (int64_t i = 0; i < size; i += step)
        for (int64_t delta : {1, -1}) expect_rejected(g, v, tensor, i, delta, what + " '" + plan.names[tensor] + "'");
    }
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
