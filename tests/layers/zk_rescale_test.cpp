// Zero-knowledge mode (docs/zk.md §2) of rescale and of the range checks (range_check.hpp's
// bounded columns, the private input's range check): honest proofs under every visibility, the
// plain tests' cheating provers, tampered proof components, no plain values sent.
//
// The ZK harness does not run lookups (the driver proves them), so cheats that only a lookup
// catches (y outside [lo, hi] in constant mode, a limb outside its table) are the plain tests' job.
#include <gtest/gtest.h>

#include "cheat_helpers.hpp"
#include "rescale_cases.hpp"
#include "zk_checks.hpp"

namespace zk::layers {
namespace {

using circuit::Visibility;
using testing::expect_rejected;
using testing::expect_zk_accepts;
using testing::expect_zk_rejects_single_changes;
using testing::single_node;
using testing::vis;
using testing::visibilities;

using testing::rescale_cases;
using Case = testing::RescaleCase;
IntAttrs attrs(int64_t k, int64_t lo, int64_t hi) { return testing::rescale_attrs(k, lo, hi); }

testing::TestGraph rescale_node(const Case& c, uint64_t seed = 7) { return single_node("rescale", {c.shape}, c.bound, c.attrs, seed); }

// rescale feeding another layer: its output is committed witness, private under every visibility.
testing::TestGraph rescale_chain(const IntAttrs& a) {
  testing::TestGraph t;
  const int x = t.graph.add_input("x", {3, 7}, 0, 1.0, 5000);
  t.inputs.push_back(testing::random_tensor({3, 7}, 5000, 5));
  const int y = testing::add_op(t.graph, "rescale", {x}, a);
  t.graph.outputs = {testing::add_op(t.graph, "mul_const", {y}, {{"c", {3}}})};
  return t;
}

TEST(ZkRescaleProof, HonestProofsVerify) {
  for (const auto& c : rescale_cases()) expect_zk_accepts(rescale_node(c), c.name);
  for (const auto& a : {attrs(5, -100, 100), attrs(5, -1000, 1000), attrs(2, -5000, 5000)})
    expect_zk_accepts(rescale_chain(a), "chain");
}

// The output and every aux tensor: single entries changed by ±1 (the plain RejectsAnySingleChange).
TEST(ZkRescaleProof, RejectsAnySingleChange) {
  for (const auto& c : rescale_cases()) {
    if (c.name == "constant") continue;  // y is pinned by its interval lookup alone
    expect_zk_rejects_single_changes(rescale_node(c, 11), c.name);
  }
}

TEST(ZkRescaleProof, RejectsChangedInput) {
  const auto g = rescale_node(rescale_cases()[3]);
  for (const auto& v : visibilities())
    for (int64_t i : {0, 5, 13}) expect_rejected(g, v, g.graph.nodes[0].inputs[0], i, 1 << 12, "clamp input");
  const auto l = rescale_node(rescale_cases()[0]);
  for (const auto& v : visibilities()) expect_rejected(l, v, l.graph.nodes[0].inputs[0], 4, 16, "linear input");
}

testing::ZkHarnessResult run_cheat(const testing::TestGraph& t, const Visibility& v,
                                   const std::function<void(circuit::Plan&, circuit::Witness&)>& cheat) {
  return testing::run_zk_layer_proofs(t.graph, t.inputs, v, cheat);
}

TEST(ZkRescaleProof, RejectsConsistentRemainderShift) {
  // y + 1 with r − 2^k keeps the linear relation; r then leaves the remainder limbs' range, which
  // the zero-check sees as a limb combination that no longer equals r.
  const auto t = single_node("rescale", {{3, 5}}, 1000, attrs(4, -32767, 32767), 3);
  const auto plan = circuit::make_plan(t.graph);
  const int r0 = testing::aux_named(plan, 0, "remainder.0");
  ASSERT_GE(r0, 0);
  for (const auto& v : visibilities()) {
    auto r = run_cheat(t, v, [&](circuit::Plan& p, circuit::Witness& w) {
      w.values[p.graph.outputs[0]].data[2] += 1;
      w.values[r0].data[2] -= 16;
    });
    EXPECT_FALSE(r.accepted) << vis(v);
  }
}

TEST(ZkRescaleProof, RejectsUnclampedOutput) {
  auto t = single_node("rescale", {{4}}, 1000, attrs(0, -10, 10));
  t.inputs[0].data = {5, 500, -3, 0};
  const auto plan = circuit::make_plan(t.graph);
  const int u0 = testing::aux_named(plan, 0, "saturation.0");
  ASSERT_GE(u0, 0);
  for (const auto& v : visibilities()) {
    // Skipping saturation (y = q, u = 0 where q > hi), and saturating to the wrong end.
    auto r = run_cheat(t, v, [&](circuit::Plan& p, circuit::Witness& w) {
      w.values[p.graph.outputs[0]].data[1] = 500;
      w.values[u0].data[1] = 0;
    });
    EXPECT_FALSE(r.accepted) << "unsaturated, " << vis(v);
    r = run_cheat(t, v, [&](circuit::Plan& p, circuit::Witness& w) {
      w.values[p.graph.outputs[0]].data[1] = -10;
      w.values[u0].data[1] = 510;
    });
    EXPECT_FALSE(r.accepted) << "wrong end, " << vis(v);
  }
}

TEST(ZkRescaleProof, RejectsOutputOffItsRangeLimbs) {
  // y + 1 with r − 2^k and y − lo's limb + 1: the rounding relation and y − lo = Lo still hold,
  // only hi − y = Hi (limbs unchanged) fails, so this is caught by the upper range relation alone.
  const auto t = single_node("rescale", {{3, 5}}, 1000, attrs(4, -32767, 32767), 3);
  const auto plan = circuit::make_plan(t.graph);
  const int r0 = testing::aux_named(plan, 0, "remainder.0"), ya = testing::aux_named(plan, 0, "y-lo.0");
  ASSERT_GE(r0, 0);
  ASSERT_GE(ya, 0);
  for (const auto& v : visibilities()) {
    auto r = run_cheat(t, v, [&](circuit::Plan& p, circuit::Witness& w) {
      w.values[p.graph.outputs[0]].data[6] += 1;
      w.values[r0].data[6] -= 16;
      w.values[ya].data[6] += 1;
    });
    EXPECT_FALSE(r.accepted) << vis(v);
  }
}

TEST(ZkRescaleProof, RejectsTamperedProofComponents) {
  // linear and wide y; clamp; per-channel clamp; wide clamp with hi − y limbs; wide y without them.
  for (size_t i : {0u, 3u, 6u, 9u, 10u}) testing::expect_rejects_tampered_components(rescale_node(rescale_cases()[i]));
}

TEST(ZkRescaleProof, SentValuesAreNeverPlainEvaluations) {
  for (size_t i : {0u, 1u, 3u, 6u, 9u, 12u}) testing::expect_sends_no_plain_values(rescale_node(rescale_cases()[i]));
  testing::expect_sends_no_plain_values(rescale_chain(attrs(5, -1000, 1000)));
}

// Fresh masks per proof: no sent value and no round of the sumcheck repeats across two runs.
TEST(ZkRescaleProof, TwoRunsGiveDifferentProofs) {
  const auto g = rescale_node(rescale_cases()[9]);
  const auto r1 = testing::run_zk_layer_proofs(g.graph, g.inputs, {true, true, true});
  const auto r2 = testing::run_zk_layer_proofs(g.graph, g.inputs, {true, true, true});
  ASSERT_TRUE(r1.accepted && r2.accepted) << r1.reason << r2.reason;
  const auto &p1 = r1.proofs[0], &p2 = r2.proofs[0];
  ASSERT_EQ(p1.values.size(), p2.values.size());
  for (size_t i = 0; i < p1.values.size(); ++i) EXPECT_NE(p1.values[i], p2.values[i]) << i;
  ASSERT_EQ(p1.zk_sumchecks.size(), 1u);
  EXPECT_NE(p1.zk_sumchecks[0].to_bytes(), p2.zk_sumchecks[0].to_bytes());
}

// ---- the private input's range check (ProverSession::prove_input_range in ZK mode) ----

struct RangeRun {
  bool accepted = false;
  std::string reason;
  layers::NodeProof proof;
  std::vector<TensorClaim> prover_claims;
  circuit::Witness witness;
};

// The range check of the graph's first input alone, in ZK mode, its claims checked by
// proof_harness.hpp's check_zk_claims as run_zk_layer_proofs checks a node's. `edit_plan` may change the
// range's layout before the witness is made (both sides use the edited plan).
RangeRun run_zk_input_range(const testing::TestGraph& g,
                            const std::function<void(circuit::Plan&)>& edit_plan = {},
                            const std::function<void(circuit::Witness&, const circuit::InputRange&)>& cheat = {},
                            const std::function<void(layers::NodeProof&)>& edit_proof = {}) {
  RangeRun out;
  circuit::Plan plan = circuit::make_plan(g.graph);
  if (edit_plan) edit_plan(plan);
  const circuit::InputRange& range = plan.input_ranges.at(0);
  out.witness = circuit::make_witness(plan, g.inputs);
  if (cheat) cheat(out.witness, range);
  const auto masks = testing::random_masks(plan);
  Transcript pt("zkinfer/test/input-range");
  circuit::ProverSession prover(plan, out.witness, pt);
  prover.enable_zk(masks);
  out.proof = prover.prove_input_range(range, out.prover_claims);
  if (edit_proof) edit_proof(out.proof);
  Transcript vt("zkinfer/test/input-range");
  circuit::VerifierSession verifier(plan, vt);
  verifier.enable_zk();
  std::vector<TensorClaim> claims;
  try {
    verifier.verify_input_range(range, out.proof, claims);
  } catch (const VerifyError& e) {
    out.reason = e.what();
    return out;
  }
  out.reason = testing::check_zk_claims(plan, out.witness, masks, claims, prover, verifier);
  out.accepted = out.reason.empty();
  return out;
}

// A private input of the given bound, consumed by a matmul (any layer would do: the range check
// is the input's, not the node's).
testing::TestGraph input_graph(const Shape& shape, int64_t bound) {
  testing::TestGraph g;
  const int x = g.graph.add_input("x", shape, 0, 1.0, bound);
  g.inputs.push_back(testing::random_tensor(shape, bound, 21));
  const Shape w_shape = {shape.back(), 2};
  const int w = g.graph.add_constant("w", testing::random_tensor(w_shape, 3, 22), 0, 1.0);
  g.graph.outputs = {testing::add_op(g.graph, "matmul", {x, w}, {})};
  return g;
}

// The plan's two-sided range, made one-sided (limbs of x − lo only; the hi − x limbs stay
// declared, zero and unused): the other form of the bounded zero-check.
void one_sided(circuit::Plan& plan) {
  auto& b = plan.input_ranges.at(0).bounded;
  b.upper = false;
  b.high = {};
}

TEST(ZkInputRange, HonestChecksVerify) {
  for (const auto& [shape, bound] : std::vector<std::pair<Shape, int64_t>>{
           {{3, 5}, 1000}, {{2, 3, 7}, 100000}, {{1, 1}, 300}, {{6, 4}, int64_t(1) << 40}}) {
    const auto g = input_graph(shape, bound);
    auto r = run_zk_input_range(g);
    EXPECT_TRUE(r.accepted) << shape_str(shape) << " ±" << bound << ": " << r.reason;
    EXPECT_EQ(r.proof.zk_sumchecks.size(), 1u);
    r = run_zk_input_range(g, one_sided);
    EXPECT_TRUE(r.accepted) << "one-sided " << shape_str(shape) << ": " << r.reason;
  }
  // A narrow bound is a lookup on the input: nothing to send.
  const auto r = run_zk_input_range(input_graph({3, 5}, 100));
  EXPECT_TRUE(r.accepted) << r.reason;
  EXPECT_TRUE(r.proof.values.empty() && r.proof.zk_sumchecks.empty());
}

// The plain mode keeps its protocol: one value at the random point, the limbs there, no sumcheck.
TEST(ZkInputRange, PlainModeIsUnchanged) {
  const auto g = input_graph({3, 5}, 1000);
  const auto plan = circuit::make_plan(g.graph);
  const auto w = circuit::make_witness(plan, g.inputs);
  Transcript t("zkinfer/test/input-range");
  circuit::ProverSession prover(plan, w, t);
  std::vector<TensorClaim> claims;
  const auto proof = prover.prove_input_range(plan.input_ranges[0], claims);
  EXPECT_EQ(proof.values.size(), 1 + plan.input_ranges[0].aux.size());
  EXPECT_TRUE(proof.zk_sumchecks.empty());
  EXPECT_EQ(claims.back().tensor, g.graph.inputs[0]);
  EXPECT_FALSE(claims.back().beta.has_value());
}

TEST(ZkInputRange, RejectsCheatingProvers) {
  const auto g = input_graph({3, 5}, 1000);
  const int x = g.graph.inputs[0];
  const auto limbs = circuit::make_plan(g.graph).input_ranges.at(0).aux;
  for (int64_t i : {0, 7, 14}) {
    // The input changed after its limbs were made.
    auto r = run_zk_input_range(g, {}, [&](circuit::Witness& w, const auto&) { w.values[x].data[i] += 1; });
    EXPECT_FALSE(r.accepted) << "input[" << i << "]";
    // Input and x − lo's low limb moved together: hi − x's limbs no longer match.
    r = run_zk_input_range(g, {}, [&](circuit::Witness& w, const circuit::InputRange& range) {
      w.values[x].data[i] += 1;
      w.values[range.bounded.low.ids[0]].data[i] += 1;
    });
    EXPECT_FALSE(r.accepted) << "consistent low limb, input[" << i << "]";
    for (int limb : limbs) {
      r = run_zk_input_range(g, {}, [&](circuit::Witness& w, const auto&) { w.values[limb].data[i] -= 1; });
      EXPECT_FALSE(r.accepted) << "limb " << limb << "[" << i << "]";
    }
  }
  // One-sided: a limb off by one.
  auto r = run_zk_input_range(g, one_sided, [&](circuit::Witness& w, const circuit::InputRange& range) {
    w.values[range.bounded.low.ids[1]].data[3] += 1;
  });
  EXPECT_FALSE(r.accepted);
}

TEST(ZkInputRange, RejectsTamperedProofComponents) {
  const auto g = input_graph({2, 3, 7}, 100000);
  const auto honest = run_zk_input_range(g);
  ASSERT_TRUE(honest.accepted) << honest.reason;
  const auto& p = honest.proof;
  std::vector<std::function<void(layers::NodeProof&)>> edits;
  for (size_t i = 0; i < p.values.size(); ++i) edits.push_back([i](auto& q) { q.values[i] += Fp2::one(); });
  const auto& zs = p.zk_sumchecks.at(0);
  for (size_t r = 0; r < zs.rounds.size(); ++r)
    for (size_t k = 0; k < zs.rounds[r].size(); ++k) edits.push_back([=](auto& q) { q.zk_sumchecks[0].rounds[r][k] += Fp2::one(); });
  edits.push_back([](auto& q) { q.zk_sumchecks[0].mask_sum += Fp2::one(); });
  edits.push_back([](auto& q) { q.zk_sumchecks[0].mask_evaluation += Fp2::one(); });
  edits.push_back([](auto& q) { q.values.push_back(Fp2::one()); });
  edits.push_back([](auto& q) { q.zk_sumchecks.clear(); });
  for (size_t e = 0; e < edits.size(); ++e) {
    const auto r = run_zk_input_range(g, {}, {}, edits[e]);
    EXPECT_FALSE(r.accepted) << "edit " << e << " of " << edits.size();
  }
}

TEST(ZkInputRange, SendsNoPlainValues) {
  const auto g = input_graph({3, 5}, 1000);
  const auto r = run_zk_input_range(g);
  ASSERT_TRUE(r.accepted) << r.reason;
  EXPECT_EQ(r.proof.values.size(), r.prover_claims.size());
  for (const auto& c : r.prover_claims) {
    ASSERT_TRUE(c.beta.has_value());
    EXPECT_NE(c.value, evaluate_tensor(r.witness.values[c.tensor], c.point)) << c.tensor;
  }
}

}  // namespace
}  // namespace zk::layers
