// Exact integer semantics of each layer on hand-computed cases, and the bound analysis.
#include <gtest/gtest.h>

#include "layers/int_graph.hpp"
#include "layers/layer.hpp"

namespace {

using namespace zk::layers;

// Runs one layer on the given inputs (each input a tensor with a bound = max |v| unless given).
struct One {
  IntGraph g;
  std::vector<IntTensor> in;
  int add(IntTensor t, int64_t bound = -1) {
    int64_t b = 0;
    for (int64_t v : t.data) b = std::max(b, v < 0 ? -v : v);
    int id = g.add_input("x" + std::to_string(in.size()), t.shape, 0, 1.0, bound < 0 ? b : bound);
    in.push_back(std::move(t));
    return id;
  }
  IntTensor run(const std::string& op, std::vector<int> ids, IntAttrs attrs, int outputs = 1) {
    IntNode n;
    n.op = op;
    n.name = "test_" + op;
    n.inputs = std::move(ids);
    n.attrs = std::move(attrs);
    std::vector<std::string> names(outputs, "y");
    int y = g.add_node(std::move(n), names, 0, 1.0);
    g.outputs.push_back(y);
    auto val = execute(g, in);
    return val[y];
  }
};

std::vector<int64_t> rescale(std::vector<int64_t> x, int64_t k, int64_t lo, int64_t hi, std::vector<int64_t> m = {1}) {
  One t;
  int a = t.add(IntTensor({static_cast<int64_t>(x.size())}, x));
  return t.run("rescale", {a}, {{"k", {k}}, {"lo", {lo}}, {"hi", {hi}}, {"m", m}}).data;
}

TEST(Rescale, rounds_half_up_including_negatives) {
  // x / 4 rounded half up: 6/4=1.5->2, -6/4=-1.5->-1, 5/4=1.25->1, -5/4->-1, -7/4=-1.75->-2, 2/4=0.5->1, -2/4->0
  EXPECT_EQ(rescale({6, -6, 5, -5, -7, 2, -2, 0}, 2, -100, 100), (std::vector<int64_t>{2, -1, 1, -1, -2, 1, 0, 0}));
}

TEST(Rescale, saturates_to_the_range) {
  EXPECT_EQ(rescale({1000, -1000, 510, -514}, 2, -127, 127), (std::vector<int64_t>{127, -127, 127, -127}));
  EXPECT_EQ(rescale({507, -509}, 2, -127, 127), (std::vector<int64_t>{127, -127}));  // 126.75 -> 127, -127.25 -> -127
}

TEST(Rescale, shift_zero_only_saturates) { EXPECT_EQ(rescale({5, -9, 3}, 0, -4, 4), (std::vector<int64_t>{4, -4, 3})); }

TEST(Rescale, integer_multiplier_per_tensor_and_per_channel) {
  // m = 3, k = 1: (3x + 1) >> 1
  EXPECT_EQ(rescale({1, -1, 4}, 1, -100, 100, {3}), (std::vector<int64_t>{2, -1, 6}));
  One t;
  int a = t.add(IntTensor({2, 2}, {10, 10, 10, 10}));
  auto y = t.run("rescale", {a}, {{"k", {2}}, {"lo", {-99}}, {"hi", {99}}, {"m", {1, 3}}, {"axis", {0}}});
  EXPECT_EQ(y.data, (std::vector<int64_t>{3, 3, 8, 8}));  // 10/4=2.5->3, 30/4=7.5->8
}

TEST(Rescale, asymmetric_uint8_range) { EXPECT_EQ(rescale({-600, 600}, 1, -3, 252), (std::vector<int64_t>{-3, 252})); }

TEST(MatMul, exact_accumulation_with_bias_and_transpose) {
  One t;
  int a = t.add(IntTensor({2, 3}, {1, -2, 3, 4, 5, -6}));
  int b = t.add(IntTensor({2, 3}, {7, 8, 9, -1, 0, 1}));  // used transposed: [3, 2]
  int c = t.add(IntTensor({2}, {100, -100}));
  auto y = t.run("matmul", {a, b, c}, {{"trans_b", {1}}});
  // row0: 7-16+27=18, -1+0+3=2 ; row1: 28+40-54=14, -4+0-6=-10
  EXPECT_EQ(y.shape, (Shape{2, 2}));
  EXPECT_EQ(y.data, (std::vector<int64_t>{118, -98, 114, -110}));
}

TEST(MatMul, batched_broadcast) {
  One t;
  int a = t.add(IntTensor({2, 1, 2}, {1, 2, 3, 4}));
  int b = t.add(IntTensor({2, 1}, {10, -1}));
  auto y = t.run("matmul", {a, b}, {});
  EXPECT_EQ(y.shape, (Shape{2, 1, 1}));
  EXPECT_EQ(y.data, (std::vector<int64_t>{8, 26}));
}

TEST(Conv, stride_padding_and_bias) {
  One t;
  int x = t.add(IntTensor({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}));
  int w = t.add(IntTensor({1, 1, 2, 2}, {1, 0, 0, -1}));
  int b = t.add(IntTensor({1}, {10}));
  auto y = t.run("conv", {x, w, b}, {{"strides", {2, 2}}, {"pads", {1, 1, 1, 1}}});
  // out 2x2; (oy,ox)=(0,0): window rows -1..0, cols -1..0: w[0,0]*pad + w[1,1]*x[0,0]·(-1) = -1
  EXPECT_EQ(y.shape, (Shape{1, 1, 2, 2}));
  EXPECT_EQ(y.data, (std::vector<int64_t>{10 - 1, 10 - 3, 10 - 7, 10 + 5 - 9}));
}

TEST(Conv, depthwise_groups_and_dilation) {
  One t;
  int x = t.add(IntTensor({1, 2, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -2, -3, -4, -5, -6, -7, -8, -9}));
  int w = t.add(IntTensor({2, 1, 2, 2}, {1, 1, 1, 1, 2, 0, 0, 0}));
  auto y = t.run("conv", {x, w}, {{"group", {2}}, {"dilations", {2, 2}}});
  EXPECT_EQ(y.shape, (Shape{1, 2, 1, 1}));
  EXPECT_EQ(y.data, (std::vector<int64_t>{1 + 3 + 7 + 9, -2}));
}

TEST(Elementwise, add_sub_align_scales_exactly) {
  One t;
  int a = t.add(IntTensor({2}, {3, -5}));
  int b = t.add(IntTensor({1}, {7}));
  EXPECT_EQ(t.run("add", {a, b}, {{"shift_a", {2}}}).data, (std::vector<int64_t>{19, -13}));
  One u;
  a = u.add(IntTensor({2}, {3, -5}));
  b = u.add(IntTensor({1}, {7}));
  EXPECT_EQ(u.run("sub", {a, b}, {{"shift_b", {1}}}).data, (std::vector<int64_t>{-11, -19}));
}

TEST(Elementwise, hadamard_and_constant_multiply) {
  One t;
  int a = t.add(IntTensor({2, 2}, {1, -2, 3, 4}));
  int b = t.add(IntTensor({2, 1}, {-3, 5}));
  EXPECT_EQ(t.run("mul", {a, b}, {}).data, (std::vector<int64_t>{-3, 6, 15, 20}));
  One u;
  a = u.add(IntTensor({3}, {1, -2, 0}));
  EXPECT_EQ(u.run("mul_const", {a}, {{"c", {-7}}}).data, (std::vector<int64_t>{-7, 14, 0}));
}

TEST(Lookup, maps_through_the_table_and_refuses_a_short_domain) {
  One t;
  int a = t.add(IntTensor({4}, {-2, -1, 0, 2}));
  auto y = t.run("lookup", {a}, {{"lo", {-2}}, {"table", {0, 0, 0, 1, 2}}});  // relu over [-2, 2]
  EXPECT_EQ(y.data, (std::vector<int64_t>{0, 0, 0, 2}));
  One u;
  a = u.add(IntTensor({1}, {3}));
  EXPECT_THROW(u.run("lookup", {a}, {{"lo", {-2}}, {"table", {0, 0, 0, 1, 2}}}), zk::Error);
}

TEST(Max, maxpool_ignores_padding_and_elementwise_max_min) {
  One t;
  int x = t.add(IntTensor({1, 1, 2, 2}, {-5, -6, -7, -8}));
  auto y = t.run("maxpool", {x}, {{"kernel", {2, 2}}, {"strides", {1, 1}}, {"pads", {1, 1, 0, 0}}});
  // Padding must not win over negative values.
  EXPECT_EQ(y.data, (std::vector<int64_t>{-5, -5, -5, -5}));
  One u;
  int a = u.add(IntTensor({3}, {1, -4, 5}));
  int b = u.add(IntTensor({3}, {2, -3, -6}));
  EXPECT_EQ(u.run("min", {a, b}, {}).data, (std::vector<int64_t>{1, -4, -6}));
  One v;
  a = v.add(IntTensor({2, 3}, {1, -4, 5, -1, -2, -3}));
  auto m = v.run("reduce_max", {a}, {{"axes", {1}}, {"keepdims", {0}}});
  EXPECT_EQ(m.shape, (Shape{2}));
  EXPECT_EQ(m.data, (std::vector<int64_t>{5, -1}));
}

TEST(Pool, sumpool_and_reduce_sum) {
  One t;
  int x = t.add(IntTensor({1, 1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(t.run("sumpool", {x}, {{"kernel", {2, 2}}, {"strides", {2, 2}}}).data, (std::vector<int64_t>{14, 22}));
  One u;
  x = u.add(IntTensor({2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, -8}));
  auto y = u.run("reduce_sum", {x}, {{"axes", {0, 2}}, {"keepdims", {1}}});
  EXPECT_EQ(y.shape, (Shape{1, 2, 1}));
  EXPECT_EQ(y.data, (std::vector<int64_t>{1 + 2 + 5 + 6, 3 + 4 + 7 - 8}));
}

TEST(Shape, transpose_slice_concat_pad_gather) {
  One t;
  int x = t.add(IntTensor({2, 3}, {1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(t.run("transpose", {x}, {{"perm", {1, 0}}}).data, (std::vector<int64_t>{1, 4, 2, 5, 3, 6}));
  One s;
  x = s.add(IntTensor({2, 3}, {1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(s.run("slice", {x}, {{"starts", {1, 2}}, {"steps", {1, -2}}, {"counts", {1, 2}}}).data, (std::vector<int64_t>{6, 4}));
  One c;
  int a = c.add(IntTensor({2, 1}, {1, 2}));
  int b = c.add(IntTensor({2, 2}, {3, 4, 5, 6}));
  EXPECT_EQ(c.run("concat", {a, b}, {{"axis", {1}}}).data, (std::vector<int64_t>{1, 3, 4, 2, 5, 6}));
  One p;
  x = p.add(IntTensor({1, 2}, {7, 8}));
  auto y = p.run("pad", {x}, {{"pads", {0, 1, 1, 0}}, {"value", {-1}}});
  EXPECT_EQ(y.shape, (Shape{2, 3}));
  EXPECT_EQ(y.data, (std::vector<int64_t>{-1, 7, 8, -1, -1, -1}));
  One q;
  x = q.add(IntTensor({3, 2}, {1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(q.run("gather", {x}, {{"axis", {0}}, {"indices", {2, 0}}, {"indices_shape", {2}}}).data,
            (std::vector<int64_t>{5, 6, 1, 2}));
}

TEST(Softmax, integer_softmax_sums_to_about_one) {
  One t;
  int x = t.add(IntTensor({1, 3}, {0, -1, -5}), 8);
  // table T[d] = round(4·2^-d) (an exp table with step ln 2 at 2 bits): 4, 2, 1, 1, 0
  auto y = t.run("softmax", {x}, {{"axis", {-1}}, {"table", {4, 2, 1, 1, 0}}, {"out_bits", {8}}});
  // e = 4, 2, 0 (d = 5 saturates to the last entry); S = 6; y = floor((e·256 + 3) / 6)
  EXPECT_EQ(y.data, (std::vector<int64_t>{171, 85, 0}));
}

TEST(LayerNorm, normalizes_with_integer_sqrt_and_division) {
  One t;
  int x = t.add(IntTensor({1, 4}, {1, 2, 3, 5}), 8);
  auto y = t.run("layernorm", {x}, {{"axis", {-1}}, {"eps", {1}}, {"out_bits", {4}}});
  // S=11, mu=floor((22+4)/8)=3; d=-2,-1,0,2; sum d²=9, V=9/4+1=3, sigma=1; z=floor((d·16+0)/1)
  EXPECT_EQ(y.data, (std::vector<int64_t>{-32, -16, 0, 32}));
}

TEST(Div, rounds_half_up_handles_signs_and_saturates) {
  One t;
  int a = t.add(IntTensor({5}, {7, -7, 7, 5, 100}));
  int b = t.add(IntTensor({5}, {2, 2, -2, 3, 1}));
  // 3.5->4, -3.5->-3, -3.5->-3, 1.67->2, 100 -> saturates at 50
  EXPECT_EQ(t.run("div", {a, b}, {{"lo", {-50}}, {"hi", {50}}}).data, (std::vector<int64_t>{4, -3, -3, 2, 50}));
  One z;
  a = z.add(IntTensor({1}, {1}));
  b = z.add(IntTensor({1}, {0}), 1);
  EXPECT_THROW(z.run("div", {a, b}, {{"lo", {-5}}, {"hi", {5}}}), zk::Error);
}

TEST(Bounds, refuses_an_overflowing_layer_naming_it) {
  IntGraph g;
  int a = g.add_input("a", {1, 4096}, 0, 1.0, int64_t(1) << 30);
  int b = g.add_input("b", {4096, 1}, 0, 1.0, int64_t(1) << 30);
  IntNode n;
  n.op = "matmul";
  n.name = "/layers/huge_fc";
  n.inputs = {a, b};
  try {
    g.add_node(n, {"y"}, 0, 1.0);
    FAIL() << "expected a bound error";
  } catch (const zk::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/layers/huge_fc"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("2^62"), std::string::npos) << e.what();
  }
}

TEST(Bounds, derives_tight_static_bounds) {
  IntGraph g;
  int a = g.add_input("a", {2, 8}, 0, 1.0, 100);
  int w = g.add_constant("w", IntTensor({8, 3}, std::vector<int64_t>(24, -5)), 0, 1.0);
  IntNode n;
  n.op = "matmul";
  n.name = "fc";
  n.inputs = {a, w};
  int y = g.add_node(n, {"y"}, 0, 1.0);
  EXPECT_EQ(g.tensors[y].bound, 8 * 100 * 5);
  IntNode r;
  r.op = "rescale";
  r.name = "fc/rescale";
  r.inputs = {y};
  r.attrs = {{"k", {4}}, {"lo", {-127}}, {"hi", {127}}};
  int z = g.add_node(r, {"z"}, 0, 1.0);
  EXPECT_EQ(g.tensors[z].bound, 127);
  g.check_bounds();
}

TEST(Registry, every_layer_is_registered_once) {
  auto names = layer_names();
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  for (const char* n : {"matmul", "conv", "add", "sub", "mul", "mul_const", "rescale", "lookup", "maxpool", "max", "min",
                        "reduce_max", "sumpool", "reduce_sum", "reshape", "transpose", "slice", "concat", "pad", "gather",
                        "expand", "softmax", "layernorm", "div"})
    EXPECT_NE(find_layer(n), nullptr) << n;
}

TEST(Quantize, rejects_non_finite_inputs_naming_the_index) {
  TensorInfo info{"img", TensorKind::Input, {3}, 4, 1.0 / 16, 100};
  try {
    quantize(info, {0.5f, std::numeric_limits<float>::quiet_NaN(), 1.0f}, "input 'img'");
    FAIL();
  } catch (const zk::Error& e) {
    EXPECT_NE(std::string(e.what()).find("index 1"), std::string::npos) << e.what();
  }
  auto t = quantize(info, {0.5f, -100.0f, 0.03125f}, "input 'img'");
  EXPECT_EQ(t.data, (std::vector<int64_t>{8, -100, 1}));  // saturated to the bound; 0.5 rounds away from zero
}

}  // namespace
