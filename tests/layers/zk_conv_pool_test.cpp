// Layer proofs in zero-knowledge mode (docs/zk.md §2): conv, sumpool, reduce_sum and lookup, run
// through proof_harness.hpp's run_zk_layer_proofs on the cases of their plain tests
// (conv_pool_cases.hpp), so that every attribute variant is covered in both modes.
#include <gtest/gtest.h>

#include "cheat_helpers.hpp"
#include "conv_pool_cases.hpp"
#include "zk_checks.hpp"

namespace zk::layers {
namespace {

using testing::ConvCase;
using testing::describe;
using testing::expect_no_point_twinned_twice;
using testing::expect_rejected;
using testing::expect_rejects_tampered_components;
using testing::expect_sends_no_plain_values;
using testing::expect_zk_accepts;
using testing::expect_zk_rejects_single_changes;
using testing::vis;
using testing::visibilities;

testing::TestGraph sumpool_graph(const testing::OpCase& c) {
  return testing::single_node("sumpool", {c.x}, 1000, c.attrs, 21);
}
testing::TestGraph reduce_sum_graph(const testing::OpCase& c) {
  return testing::single_node("reduce_sum", {c.x}, 1000, c.attrs, 22);
}
testing::TestGraph lookup_graph(const Shape& s) {
  return testing::single_node("lookup", {s}, 20, {{"lo", {-25}}, {"table", testing::square_table(-25, 60)}});
}

// ---- conv ----

TEST(ZkConvPoolProof, HonestConvVerifies) {
  for (const auto& c : testing::conv_cases()) expect_zk_accepts(testing::conv_graph(c), describe(c));
}

TEST(ZkConvPoolProof, ConvRejectsAnyChangedOutputValue) {
  for (const ConvCase& c : testing::conv_cheat_cases()) {
    const auto g = testing::conv_graph(c);
    const int y = g.graph.outputs[0];
    for (const auto& v : visibilities())
      for (int64_t i = 0; i < numel(g.graph.tensors[y].shape); ++i) expect_rejected(g, v, y, i, 1, describe(c));
  }
}

TEST(ZkConvPoolProof, ConvRejectsChangedInputWeightOrBias) {
  for (int64_t group : {int64_t(1), int64_t(2)}) {
    const auto g = testing::conv_graph({{1, 2, 5, 5}, 4, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, group, true});
    for (const auto& v : visibilities())
      for (int t : g.graph.nodes[0].inputs)
        for (int64_t i : {int64_t(0), int64_t(3)}) expect_rejected(g, v, t, i, -2, "group " + std::to_string(group));
  }
}

TEST(ZkConvPoolProof, ConvRejectsTamperedProofComponents) {
  for (const ConvCase& c : {testing::conv_cases()[1], testing::conv_cases()[7], testing::conv_cases()[8]}) {
    SCOPED_TRACE(describe(c));
    expect_rejects_tampered_components(testing::conv_graph(c));
  }
}

// A~(s) in the clear: the tap sums of X weighted by eq(r, output position), as a table over W's
// padded (c, i, j) layout (group 1), at phase 1's point s.
Fp2 plain_tap_sum(const ConvCase& c, const IntTensor& x, const Shape& y, const Shape& w, std::span<const Fp2> r,
                  std::span<const Fp2> s) {
  const auto rd = split_point(mle_layout(y), r);
  const auto en = eq_table(rd[0]), ey = eq_table(rd[2]), ex = eq_table(rd[3]);
  const MleLayout wl = mle_layout(w);
  std::vector<Fp2> table(size_t(1) << (wl.bits[1] + wl.bits[2] + wl.bits[3]));
  for (int64_t n = 0; n < y[0]; ++n)
    for (int64_t ch = 0; ch < c.x[1]; ++ch)
      for (int64_t i = 0; i < c.kh; ++i)
        for (int64_t j = 0; j < c.kw; ++j)
          for (int64_t oy = 0; oy < y[2]; ++oy)
            for (int64_t ox = 0; ox < y[3]; ++ox) {
              const int64_t h = oy * c.strides[0] + i * c.dilations[0] - c.pads[0];
              const int64_t v = ox * c.strides[1] + j * c.dilations[1] - c.pads[1];
              if (h < 0 || h >= c.x[2] || v < 0 || v >= c.x[3]) continue;
              const int64_t xv = x.data[((n * c.x[1] + ch) * c.x[2] + h) * c.x[3] + v];
              table[(ch * wl.padded[2] + i) * wl.padded[3] + j] += en[n] * ey[oy] * ex[ox] * Fp2(Fp::from_signed(xv));
            }
  return evaluate_mle(std::span<const Fp2>(table), s);
}

// Conv sends one value that is not a claim: phase 1's a, the derived table A's twin with M_X(pi) in
// its twin slot (conv.cpp). Everything private: every other sent value is a twin claim and never a
// plain evaluation, and a is neither the plain A~(s) (recomputed here from the witness and the
// claims' points) nor the same in two proofs of one witness.
TEST(ZkConvPoolProof, ConvSendsNoPlainValues) {
  for (const ConvCase& c : {testing::conv_cases()[1], testing::conv_cases()[6]}) {
    const auto g = testing::conv_graph(c);
    const int y = g.graph.outputs[0], x = g.graph.nodes[0].inputs[0], w = g.graph.nodes[0].inputs[1];
    std::vector<Fp2> sent_a;
    for (int run = 0; run < 2; ++run) {
      auto r = testing::run_zk_layer_proofs(g.graph, g.inputs, {true, true, true});
      ASSERT_TRUE(r.accepted) << r.reason;
      const auto& values = r.proofs[0].values;
      ASSERT_EQ(values.size(), r.prover_claims.size() + 1) << describe(c);
      expect_no_point_twinned_twice(r, describe(c));
      const layers::TensorClaim *out = nullptr, *wc = nullptr;
      for (const auto& cl : r.prover_claims) {
        ASSERT_TRUE(cl.beta.has_value()) << "plain claim on tensor " << cl.tensor;
        EXPECT_NE(cl.value, evaluate_tensor(r.witness.values[cl.tensor], cl.point)) << "tensor " << cl.tensor;
        if (cl.tensor == y && !out) out = &cl;
        if (cl.tensor == w) wc = &cl;
      }
      ASSERT_TRUE(out && wc);
      std::vector<Fp2> not_claimed;
      for (const Fp2& v : values) {
        bool claimed = false;
        for (const auto& cl : r.prover_claims) claimed |= cl.value == v;
        if (!claimed) not_claimed.push_back(v);
      }
      ASSERT_EQ(not_claimed.size(), 1u);
      const Shape& ws = g.graph.tensors[w].shape;
      const size_t s_vars = wc->point.size() - mle_layout({ws[0]}).num_vars;  // W's point is (s, r_o)
      const Fp2 plain = plain_tap_sum(c, r.witness.values[x], g.graph.tensors[y].shape, ws, out->point,
                                      std::span<const Fp2>(wc->point).first(s_vars));
      EXPECT_NE(not_claimed[0], plain) << describe(c);
      sent_a.push_back(not_claimed[0]);
    }
    EXPECT_NE(sent_a[0], sent_a[1]) << describe(c);
  }
}

// The check above would pass vacuously if plain_tap_sum were wrong: in plain mode a is exactly it.
TEST(ZkConvPoolProof, PlainTapSumIsPhaseOnesValue) {
  const ConvCase c = testing::conv_cases()[6];
  const auto g = testing::conv_graph(c);
  circuit::Plan plan = circuit::make_plan(g.graph);
  circuit::Witness witness = circuit::make_witness(plan, g.inputs);
  Transcript transcript("zkinfer/test/plain-tap-sum");
  circuit::ProverSession prover(plan, witness, transcript);
  std::vector<layers::TensorClaim> claims;
  const auto proof = prover.prove_node(0, claims);
  const int y = g.graph.outputs[0], x = g.graph.nodes[0].inputs[0], w = g.graph.nodes[0].inputs[1];
  // Plain values: the output, W at (s, r_o), a, X.
  ASSERT_EQ(proof.values.size(), 4u);
  ASSERT_EQ(claims[0].tensor, y);
  ASSERT_EQ(claims[1].tensor, w);
  const Shape& ws = g.graph.tensors[w].shape;
  const size_t s_vars = claims[1].point.size() - mle_layout({ws[0]}).num_vars;
  EXPECT_EQ(proof.values[2], plain_tap_sum(c, witness.values[x], g.graph.tensors[y].shape, ws, claims[0].point,
                                           std::span<const Fp2>(claims[1].point).first(s_vars)));
}

// ---- sumpool, reduce_sum ----

TEST(ZkConvPoolProof, HonestSumPoolAndReduceSumVerify) {
  for (const auto& c : testing::sumpool_cases()) expect_zk_accepts(sumpool_graph(c), "sumpool " + c.name);
  for (const auto& c : testing::reduce_sum_cases()) expect_zk_accepts(reduce_sum_graph(c), "reduce_sum " + c.name);
}

TEST(ZkConvPoolProof, SumPoolAndReduceSumRejectChangedOutputs) {
  for (const auto& c : testing::sumpool_cases()) expect_zk_rejects_single_changes(sumpool_graph(c), c.name, 10);
  for (const auto& c : testing::reduce_sum_cases()) expect_zk_rejects_single_changes(reduce_sum_graph(c), c.name, 10);
}

TEST(ZkConvPoolProof, SumPoolAndReduceSumRejectChangedInputs) {
  for (const auto& g : {sumpool_graph(testing::sumpool_cases()[2]), reduce_sum_graph(testing::reduce_sum_cases()[1]),
                        reduce_sum_graph(testing::reduce_sum_cases()[2])}) {
    const int x = g.graph.nodes[0].inputs[0];
    for (const auto& v : visibilities())
      for (int64_t i : {int64_t(0), int64_t(7)}) expect_rejected(g, v, x, i, 3, g.graph.nodes[0].op + " input");
  }
}

TEST(ZkConvPoolProof, SumPoolAndReduceSumRejectTamperedProofComponents) {
  // reduce_sum cases 0 and 1: with and without free variables (the plain shortcut's case).
  for (const auto& g : {sumpool_graph(testing::sumpool_cases()[2]), sumpool_graph(testing::sumpool_cases()[4]),
                        reduce_sum_graph(testing::reduce_sum_cases()[0]), reduce_sum_graph(testing::reduce_sum_cases()[1]),
                        reduce_sum_graph(testing::reduce_sum_cases()[4])}) {
    expect_rejects_tampered_components(g);
  }
}

TEST(ZkConvPoolProof, SumPoolAndReduceSumSendNoPlainValues) {
  std::vector<std::pair<std::string, testing::TestGraph>> graphs;
  for (const auto& c : testing::sumpool_cases()) graphs.emplace_back("sumpool " + c.name, sumpool_graph(c));
  for (const auto& c : testing::reduce_sum_cases()) graphs.emplace_back("reduce_sum " + c.name, reduce_sum_graph(c));
  for (const auto& [what, g] : graphs) {
    expect_sends_no_plain_values(g);
    expect_no_point_twinned_twice(testing::run_zk_layer_proofs(g.graph, g.inputs, {true, true, true}), what);
  }
}

// ---- lookup ----
// The node's proof is the output's twin value alone; that y = T[x - lo] is the lookup argument's to
// prove (the driver's, not the harness's), so what a ZK layer test can reject here is a changed
// output value in the proof.

TEST(ZkConvPoolProof, HonestLookupVerifies) {
  for (const Shape& s : testing::lookup_shapes()) expect_zk_accepts(lookup_graph(s), shape_str(s));
}

TEST(ZkConvPoolProof, LookupSendsOneTwinValue) {
  for (const Shape& s : testing::lookup_shapes()) {
    const auto g = lookup_graph(s);
    expect_sends_no_plain_values(g);
    auto r = testing::run_zk_layer_proofs(g.graph, g.inputs, {true, true, true}, {},
                                          [](auto& proofs) { proofs.at(0).values.at(0) += Fp2::one(); });
    EXPECT_FALSE(r.accepted) << shape_str(s);
  }
}

// ---- together ----

// conv -> lookup -> sumpool -> reduce_sum: every intermediate is committed witness, so claims meet
// at private tensors; changing any intermediate entry is caught by the node that reads it.
testing::TestGraph chain() {
  testing::TestGraph t;
  const Shape xs{1, 2, 5, 4};
  const int x = t.graph.add_input("x", xs, 0, 1.0, 3);
  t.inputs.push_back(testing::random_tensor(xs, 3, 5));
  const int w = t.graph.add_constant("w", testing::random_tensor({3, 2, 2, 2}, 2, 6), 0, 1.0);
  const int b = t.graph.add_constant("b", testing::random_tensor({3}, 20, 7), 0, 1.0);
  const int c = testing::add_op(t.graph, "conv", {x, w, b}, {{"pads", {1, 0, 0, 1}}});
  const int l = testing::add_op(t.graph, "lookup", {c}, {{"lo", {-200}}, {"table", testing::square_table(-200, 401)}});
  const int p = testing::add_op(t.graph, "sumpool", {l}, testing::pool_attrs({2, 2}, {1, 1}, {0, 0, 0, 0}, {1, 1}));
  t.graph.outputs = {testing::add_op(t.graph, "reduce_sum", {p}, {{"axes", {2, 3}}, {"keepdims", {0}}})};
  return t;
}

TEST(ZkConvPoolProof, HonestChainVerifies) { expect_zk_accepts(chain(), "chain"); }

TEST(ZkConvPoolProof, ChainRejectsChangedIntermediates) {
  const auto g = chain();
  for (size_t n = 0; n < g.graph.nodes.size(); ++n) {
    const int y = g.graph.nodes[n].outputs[0];
    for (const auto& v : visibilities())
      for (int64_t i : {int64_t(0), numel(g.graph.tensors[y].shape) - 1})
        expect_rejected(g, v, y, i, 1, "chain, " + g.graph.nodes[n].op + " output");
  }
}

}  // namespace
}  // namespace zk::layers
