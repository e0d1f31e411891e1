// Soundness audit: a cheating prover that commits non-zero values in the zero-padding of its
// tensors' MLE tables (a commitment is never checked to be zero there). docs/security.md promises
// that "padded entries can never reach a real entry"; these tests try to make them reach one.
//
// proof_harness.hpp's `commit` hook commits chosen tensors as explicit MLE tables, so their
// padding can hold anything.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <tuple>

#include "cheat_helpers.hpp"
#include "layers/layer.hpp"

namespace zk::testing {
namespace {

using layers::IntTensor;
using layers::Shape;

struct PaddedCheat {
  // Real values the cheating prover commits (and, for the public output, claims).
  std::function<void(circuit::Plan&, circuit::Witness&)> tamper;
  // tensor id -> (padded index -> value): written into the tensor's committed table after the real
  // entries, which must be padding positions.
  std::map<int, std::map<size_t, int64_t>> padding;
};

HarnessResult run_with_padding(const layers::IntGraph& graph, const std::vector<IntTensor>& inputs,
                               const PaddedCheat& cheat) {
  return run_layer_proofs(graph, inputs, cheat.tamper, [&](const circuit::Plan& plan, const circuit::Witness& w) {
    CommittedTables tables;
    for (const auto& [tensor, entries] : cheat.padding) {
      auto table = layers::mle_table(w.values[tensor]);
      IntTensor ones(plan.shapes[tensor]);
      std::fill(ones.data.begin(), ones.data.end(), 1);
      const auto real = layers::mle_table(ones);  // 1 on real entries, 0 on padding
      for (auto [index, value] : entries) {
        EXPECT_EQ(real.at(index), Fp::zero()) << "index " << index << " is a real entry";
        table.at(index) = Fp::from_signed(value);
      }
      tables[tensor] = std::move(table);
    }
    return tables;
  });
}

IntTensor values(Shape shape, std::vector<int64_t> data) { return IntTensor(std::move(shape), std::move(data)); }

// Control: the harness can express a padding cheat, and a layer that guards its padding
// (matmul's inner-dimension selector) rejects it. A = [1, 3] · B = [3, 1]; the prover puts 5 in
// A's padded column 3 and 7 in B's padded row 3, and claims Y = A·B + 35.
TEST(PaddingAudit, MatmulInnerPaddingIsRejected) {
  TestGraph t;
  const int a = t.graph.add_input("a", {1, 3}, 0, 1.0, 10);
  const int b = t.graph.add_input("b", {3, 1}, 0, 1.0, 10);
  t.graph.outputs = {add_op(t.graph, "matmul", {a, b}, {})};
  t.inputs = {values({1, 3}, {1, 2, 3}), values({3, 1}, {4, 5, 6})};
  EXPECT_TRUE(run_with_padding(t.graph, t.inputs, {}).accepted);
  PaddedCheat cheat;
  cheat.padding[a] = {{3, 5}};
  cheat.padding[b] = {{3, 7}};
  cheat.tamper = [&](circuit::Plan&, circuit::Witness& w) { w.values[t.graph.outputs[0]].data[0] += 35; };
  EXPECT_FALSE(run_with_padding(t.graph, t.inputs, cheat).accepted);
}

// pad [5] -> [7] (two filled entries at the end, value 0): 5 and 7 have the same padded size 8, so
// index_map.cpp's is_pass() treats the dimension as a pass-through, and the output's real entries
// 5 and 6 read the input's padded entries 5 and 6 (plus the fill). A prover that commits 40 and 50
// there proves pad(x) = [x0..x4, 40, 50] instead of [x0..x4, 0, 0].
TEST(PaddingAudit, PadEndInSamePaddedSizeLeaksInputPadding) {
  TestGraph t;
  const int x = t.graph.add_input("x", {5}, 0, 1.0, 10);
  t.graph.outputs = {add_op(t.graph, "pad", {x}, {{"pads", {0, 2}}, {"value", {0}}})};
  t.inputs = {values({5}, {1, 2, 3, 4, 5})};
  EXPECT_TRUE(run_with_padding(t.graph, t.inputs, {}).accepted);
  PaddedCheat cheat;
  cheat.padding[x] = {{5, 40}, {6, 50}};
  cheat.tamper = [&](circuit::Plan&, circuit::Witness& w) {
    auto& y = w.values[t.graph.outputs[0]].data;
    y[5] = 40;
    y[6] = 50;
  };
  const auto result = run_with_padding(t.graph, t.inputs, cheat);
  EXPECT_FALSE(result.accepted) << "pad(x) proven to end in 40, 50 instead of 0, 0";
}

// The same with a non-zero fill value: the real filled entries become fill + padding.
TEST(PaddingAudit, PadWithFillValueLeaksInputPadding) {
  TestGraph t;
  const int x = t.graph.add_input("x", {2, 3}, 0, 1.0, 10);
  t.graph.outputs = {add_op(t.graph, "pad", {x}, {{"pads", {0, 0, 0, 1}}, {"value", {-7}}})};
  t.inputs = {values({2, 3}, {1, 2, 3, 4, 5, 6})};
  EXPECT_TRUE(run_with_padding(t.graph, t.inputs, {}).accepted);
  PaddedCheat cheat;
  cheat.padding[x] = {{3, 100}, {7, -100}};  // row 0 col 3, row 1 col 3 (padded layout [2, 4])
  cheat.tamper = [&](circuit::Plan&, circuit::Witness& w) {
    auto& y = w.values[t.graph.outputs[0]].data;  // [2, 4]: column 3 is the fill
    y[3] = -7 + 100;
    y[7] = -7 - 100;
  };
  EXPECT_FALSE(run_with_padding(t.graph, t.inputs, cheat).accepted) << "pad's fill column proven as 93, -107";
}

// concat([5], [2]) along axis 0 -> [7]: the first source's factor {0..4, -1, -1} passes through, so
// its padded entries 5, 6 are added to the second source's real values at output 5, 6.
TEST(PaddingAudit, ConcatFirstSourcePaddingLeaks) {
  TestGraph t;
  const int a = t.graph.add_input("a", {5}, 0, 1.0, 10);
  const int b = t.graph.add_input("b", {2}, 0, 1.0, 10);
  t.graph.outputs = {add_op(t.graph, "concat", {a, b}, {{"axis", {0}}})};
  t.inputs = {values({5}, {1, 2, 3, 4, 5}), values({2}, {6, 7})};
  EXPECT_TRUE(run_with_padding(t.graph, t.inputs, {}).accepted);
  PaddedCheat cheat;
  cheat.padding[a] = {{5, 1000}, {6, -1000}};
  cheat.tamper = [&](circuit::Plan&, circuit::Witness& w) {
    auto& y = w.values[t.graph.outputs[0]].data;
    y[5] += 1000;
    y[6] -= 1000;
  };
  EXPECT_FALSE(run_with_padding(t.graph, t.inputs, cheat).accepted) << "concat proven as [.., 1006, -993]";
}

// A systematic probe of the linear layers (every output entry a fixed combination of input
// entries). With all real inputs zero, the prover commits 1 at one padded index j of the input and
// adds 1 to one real output index i; for every (j, i) the verifier must reject, or j leaks into i.
// Returns the leaks found as "in[j] -> out[i]".
std::vector<std::string> padding_leaks(const std::string& op, const std::vector<Shape>& shapes, layers::IntAttrs attrs) {
  TestGraph t = single_node(op, shapes, 10, std::move(attrs));
  for (auto& in : t.inputs) std::fill(in.data.begin(), in.data.end(), 0);
  const circuit::Plan plan = circuit::make_plan(t.graph);
  const int y = t.graph.outputs[0];
  std::vector<std::string> leaks;
  for (int x : t.graph.inputs) {
    IntTensor ones(plan.shapes[x]);
    std::fill(ones.data.begin(), ones.data.end(), 1);
    const auto real = layers::mle_table(ones);
    for (size_t j = 0; j < real.size(); ++j) {
      if (real[j] != Fp::zero()) continue;
      for (int64_t i = 0; i < layers::numel(plan.shapes[y]); ++i) {
        PaddedCheat cheat;
        cheat.padding[x] = {{j, 1}};
        cheat.tamper = [&](circuit::Plan&, circuit::Witness& w) { w.values[y].data[i] += 1; };
        if (run_with_padding(t.graph, t.inputs, cheat).accepted)
          leaks.push_back(plan.names[x] + "[" + std::to_string(j) + "] -> out[" + std::to_string(i) + "]");
      }
    }
  }
  return leaks;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& e : v) s += e + " ";
  return s;
}

TEST(PaddingAudit, LinearLayersNeverReadInputPadding) {
  struct Case {
    std::string op;
    std::vector<Shape> shapes;
    layers::IntAttrs attrs;
  };
  const std::vector<Case> cases = {
      {"reshape", {{2, 3}}, {{"shape", {3, 2}}}},
      {"reshape", {{3, 4}}, {{"shape", {12}}}},
      {"transpose", {{3, 5}}, {{"perm", {1, 0}}}},
      {"slice", {{7}}, {{"starts", {0}}, {"steps", {1}}, {"counts", {5}}}},
      {"slice", {{3, 5}}, {{"starts", {1, 0}}, {"steps", {1, 2}}, {"counts", {2, 3}}}},
      {"pad", {{5}}, {{"pads", {1, 0}}, {"value", {0}}}},
      {"pad", {{3}}, {{"pads", {0, 2}}, {"value", {0}}}},  // 3 -> 5: a new padded size
      {"concat", {{2}, {3}}, {{"axis", {0}}}},
      {"gather", {{5, 3}}, {{"axis", {0}}, {"indices", {4, 0, 2}}, {"indices_shape", {3}}}},
      {"expand", {{3, 1}}, {{"shape", {3, 3}}}},
      {"reduce_sum", {{3, 3}}, {{"axes", {1}}, {"keepdims", {1}}}},
      {"sumpool", {{1, 1, 3, 3}}, {{"kernel", {2, 2}}, {"strides", {1, 1}}, {"pads", {0, 0, 1, 1}}}},
      {"mul_const", {{3}}, {{"c", {5}}}},
      {"add", {{3}, {1}}, {}},
      {"sub", {{3, 3}, {3, 1}}, {}},
  };
  for (const auto& c : cases) {
    const auto leaks = padding_leaks(c.op, c.shapes, c.attrs);
    EXPECT_TRUE(leaks.empty()) << c.op << ": input padding reaches real outputs: " << joined(leaks);
  }
}

// The shape operators whose trailing fill shares the input's padded size (the known bug above).
TEST(PaddingAudit, FilledOutputsInTheInputsPaddedRangeNeverReadIt) {
  const std::vector<std::tuple<std::string, std::vector<Shape>, layers::IntAttrs>> cases = {
      {"pad", {{3, 5}}, {{"pads", {0, 0, 1, 0}}, {"value", {0}}}},
      {"pad", {{6}}, {{"pads", {0, 1}}, {"value", {4}}}},
      {"concat", {{3}, {1}}, {{"axis", {0}}}},
      {"concat", {{2, 3}, {2, 1}}, {{"axis", {1}}}}};
  for (const auto& [op, shapes, attrs] : cases) {
    const auto leaks = padding_leaks(op, shapes, attrs);
    EXPECT_TRUE(leaks.empty()) << op << ": input padding reaches real outputs: " << joined(leaks);
  }
}

// Guards that hold: padding of the inputs of other layer families must not reach real outputs.
// Each case commits garbage in an input's padding and claims the output the garbage would produce
// if it leaked; the verifier must reject (or, where the garbage cannot reach the output at all,
// the honest output with garbage padding must still be accepted).
TEST(PaddingAudit, SlicePrefixAndReduceSumIgnoreInputPadding) {
  {
    // slice [7] -> first 5: same padded size, but the dropped real entries 5, 6 are not a pass.
    TestGraph t;
    const int x = t.graph.add_input("x", {7}, 0, 1.0, 10);
    t.graph.outputs = {add_op(t.graph, "slice", {x}, {{"starts", {0}}, {"steps", {1}}, {"counts", {5}}})};
    t.inputs = {values({7}, {1, 2, 3, 4, 5, 6, 7})};
    PaddedCheat cheat;
    cheat.padding[x] = {{7, 9}};
    EXPECT_TRUE(run_with_padding(t.graph, t.inputs, cheat).accepted);
  }
  {
    // reduce_sum over a non-power-of-two axis with garbage in the padded column.
    TestGraph t;
    const int x = t.graph.add_input("x", {2, 3}, 0, 1.0, 10);
    t.graph.outputs = {add_op(t.graph, "reduce_sum", {x}, {{"axes", {1}}, {"keepdims", {0}}})};
    t.inputs = {values({2, 3}, {1, 2, 3, 4, 5, 6})};
    PaddedCheat cheat;
    cheat.padding[x] = {{3, 11}, {7, 13}};
    EXPECT_TRUE(run_with_padding(t.graph, t.inputs, cheat).accepted);  // honest sums still prove
    cheat.tamper = [&](circuit::Plan&, circuit::Witness& w) {
      auto& y = w.values[t.graph.outputs[0]].data;
      y[0] += 11;
      y[1] += 13;
    };
    EXPECT_FALSE(run_with_padding(t.graph, t.inputs, cheat).accepted);
  }
}

}  // namespace
}  // namespace zk::testing
