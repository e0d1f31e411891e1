#pragma once
// Helpers for the layer-proof tests of rescale, lookup, max and pool: single-node graphs and the
// "change any single committed value" cheating prover.
#include <gtest/gtest.h>

#include <string>

#include "layers/layer.hpp"
#include "layers/proof.hpp"
#include "proof_harness.hpp"

namespace zk::testing {

inline int add_op(layers::IntGraph& g, const std::string& op, std::vector<int> inputs, layers::IntAttrs attrs) {
  layers::IntNode node;
  node.op = op;
  node.name = op + std::to_string(g.nodes.size());
  node.inputs = std::move(inputs);
  node.attrs = std::move(attrs);
  return g.add_node(node, {node.name + "/y"}, 0, 1.0);
}

// One node applied to random inputs of the given shapes and bounds; its output is the graph output.
inline TestGraph single_node(const std::string& op, const std::vector<layers::Shape>& shapes, int64_t bound,
                             layers::IntAttrs attrs, uint64_t seed = 1) {
  TestGraph t;
  std::vector<int> ids;
  for (size_t i = 0; i < shapes.size(); ++i) {
    ids.push_back(t.graph.add_input("x" + std::to_string(i), shapes[i], 0, 1.0, bound));
    t.inputs.push_back(random_tensor(shapes[i], bound, seed + i));
  }
  t.graph.outputs = {add_op(t.graph, op, ids, std::move(attrs))};
  return t;
}

inline void expect_accepts(const TestGraph& t, const std::string& what) {
  auto result = run_layer_proofs(t.graph, t.inputs);
  EXPECT_TRUE(result.accepted) << what << ": " << result.reason;
}

// Every output and aux tensor of every node: change single entries (up to `per_tensor` of them,
// spread over the tensor, by +1 and by -1) and expect each cheat to be rejected.
inline void expect_rejects_single_changes(const TestGraph& t, const std::string& what, size_t per_tensor = 6) {
  circuit::Plan plan = circuit::make_plan(t.graph);
  std::vector<int> targets;
  for (size_t n = 0; n < plan.graph.nodes.size(); ++n) {
    for (int o : plan.graph.nodes[n].outputs) targets.push_back(o);
    for (int a : plan.node_aux[n]) targets.push_back(a);
  }
  for (int tensor : targets) {
    const int64_t size = layers::numel(plan.shapes[tensor]);
    const int64_t step = std::max<int64_t>(1, size / static_cast<int64_t>(per_tensor));
    for (int64_t i = 0; i < size; i += step)
      for (int64_t delta : {1, -1}) {
        auto result = run_layer_proofs(t.graph, t.inputs, [&](circuit::Plan&, circuit::Witness& w) {
          w.values[tensor].data[i] += delta;
        });
        EXPECT_FALSE(result.accepted) << what << ": changing '" << plan.names[tensor] << "'[" << i << "] by " << delta
                                      << " was accepted";
      }
  }
}

// Re-derives the aux tensors from a tampered output with the layer's own witness function, as a
// prover that claims that output consistently would.
inline void rederive_aux(circuit::Plan& p, circuit::Witness& w, size_t n) {
  const auto& node = p.graph.nodes[n];
  std::vector<const layers::IntTensor*> in, out;
  for (int t : node.inputs) in.push_back(&w.values[t]);
  for (int t : node.outputs) out.push_back(&w.values[t]);
  std::vector<layers::IntTensor> aux;
  for (int a : p.node_aux[n]) aux.emplace_back(p.shapes[a]);
  layers::find_layer(node.op)->proof->witness(node, in, out, aux);
  for (size_t i = 0; i < aux.size(); ++i) w.values[p.node_aux[n][i]] = aux[i];
}

// Aux tensor id of the node's aux named `suffix` (e.g. "remainder.0"), -1 if none.
inline int aux_named(const circuit::Plan& plan, size_t node, const std::string& suffix) {
  for (int a : plan.node_aux[node])
    if (plan.names[a] == plan.graph.nodes[node].name + "/" + suffix) return a;
  return -1;
}

}  // namespace zk::testing
