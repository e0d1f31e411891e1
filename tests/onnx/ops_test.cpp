// Per-op checks on small cases computed by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "onnx/float_executor.hpp"

using namespace zk::onnx;

namespace {

Node node(const std::string& op, size_t n_in, size_t n_out = 1, int opset = 17) {
  Node n;
  n.op_type = op;
  n.name = op + "_test";
  n.opset = opset;
  for (size_t k = 0; k < n_in; ++k) n.inputs.push_back("in" + std::to_string(k));
  for (size_t k = 0; k < n_out; ++k) n.outputs.push_back("out" + std::to_string(k));
  return n;
}
Attribute ints(std::vector<int64_t> v) {
  Attribute a;
  a.kind = Attribute::Kind::Ints;
  a.ints = std::move(v);
  return a;
}
Attribute one_int(int64_t v) {
  Attribute a;
  a.kind = Attribute::Kind::Int;
  a.i = v;
  return a;
}
Attribute one_float(float v) {
  Attribute a;
  a.kind = Attribute::Kind::Float;
  a.f = v;
  return a;
}
Attribute str(std::string s) {
  Attribute a;
  a.kind = Attribute::Kind::String;
  a.s = std::move(s);
  return a;
}

Tensor run1(const Node& n, std::vector<const Tensor*> in) { return run_node(n, in).at(0); }

void expect_floats(const Tensor& t, const Shape& shape, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(t.shape, shape);
  ASSERT_EQ(t.f.size(), want.size());
  for (size_t k = 0; k < want.size(); ++k) EXPECT_NEAR(t.f[k], want[k], tol) << "element " << k;
}

}  // namespace

TEST(OnnxOps, conv_with_padding_matches_hand_sum) {
  // 3x3 input 1..9, 2x2 kernel of ones, pad 1 on top/left only, stride 2.
  Tensor x = Tensor::floats({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Tensor w = Tensor::floats({1, 1, 2, 2}, {1, 1, 1, 1});
  Tensor b = Tensor::floats({1}, {10});
  Node n = node("Conv", 3);
  n.attrs["pads"] = ints({1, 1, 0, 0});
  n.attrs["strides"] = ints({2, 2});
  // windows start at (-1,-1), (-1,1), (1,-1), (1,1)
  expect_floats(run1(n, {&x, &w, &b}), {1, 1, 2, 2}, {10 + 1, 10 + 2 + 3, 10 + 4 + 7, 10 + 5 + 6 + 8 + 9});
}

TEST(OnnxOps, conv_same_upper_keeps_spatial_size) {
  Tensor x = Tensor::floats({1, 1, 2, 2}, {1, 2, 3, 4});
  Tensor w = Tensor::floats({1, 1, 2, 2}, {1, 0, 0, 1});
  Node n = node("Conv", 2);
  n.attrs["auto_pad"] = str("SAME_UPPER");
  // total pad 1 per dim, all at the end: y[i][j] = x[i][j] + x[i+1][j+1]
  expect_floats(run1(n, {&x, &w}), {1, 1, 2, 2}, {1 + 4, 2, 3, 4});
}

TEST(OnnxOps, depthwise_conv_uses_one_filter_per_channel) {
  Tensor x = Tensor::floats({1, 2, 1, 2}, {1, 2, 3, 4});
  Tensor w = Tensor::floats({2, 1, 1, 1}, {10, -1});
  Node n = node("Conv", 2);
  n.attrs["group"] = one_int(2);
  expect_floats(run1(n, {&x, &w}), {1, 2, 1, 2}, {10, 20, -3, -4});
}

TEST(OnnxOps, dilated_conv_skips_taps) {
  Tensor x = Tensor::floats({1, 1, 1, 5}, {1, 2, 3, 4, 5});
  Tensor w = Tensor::floats({1, 1, 1, 2}, {1, 1});
  Node n = node("Conv", 2);
  n.attrs["dilations"] = ints({1, 2});
  expect_floats(run1(n, {&x, &w}), {1, 1, 1, 3}, {1 + 3, 2 + 4, 3 + 5});
}

TEST(OnnxOps, conv_transpose_scatters_kernel) {
  Tensor x = Tensor::floats({1, 1, 1, 2}, {1, 2});
  Tensor w = Tensor::floats({1, 1, 1, 2}, {1, 10});
  Node n = node("ConvTranspose", 2);
  n.attrs["strides"] = ints({1, 2});
  expect_floats(run1(n, {&x, &w}), {1, 1, 1, 4}, {1, 10, 2, 20});
}

TEST(OnnxOps, gemm_transposes_and_adds_bias) {
  Tensor a = Tensor::floats({1, 2}, {1, 2});
  Tensor b = Tensor::floats({3, 2}, {1, 0, 0, 1, 1, 1});  // transB: B^T is 2x3
  Tensor c = Tensor::floats({3}, {100, 200, 300});
  Node n = node("Gemm", 3);
  n.attrs["transB"] = one_int(1);
  n.attrs["alpha"] = one_float(2.0f);
  expect_floats(run1(n, {&a, &b, &c}), {1, 3}, {102, 204, 306});
}

TEST(OnnxOps, matmul_broadcasts_batch_dims) {
  Tensor a = Tensor::floats({2, 1, 2}, {1, 2, 3, 4});
  Tensor b = Tensor::floats({2, 1}, {10, 1});
  expect_floats(run1(node("MatMul", 2), {&a, &b}), {2, 1, 1}, {12, 34});
}

TEST(OnnxOps, add_broadcasts_channel_bias) {
  Tensor x = Tensor::floats({1, 2, 2}, {1, 2, 3, 4});
  Tensor b = Tensor::floats({2, 1}, {10, 20});
  expect_floats(run1(node("Add", 2), {&x, &b}), {1, 2, 2}, {11, 12, 23, 24});
}

TEST(OnnxOps, incompatible_broadcast_throws) {
  Tensor x = Tensor::floats({2, 3});
  Tensor y = Tensor::floats({2});
  EXPECT_THROW(run1(node("Mul", 2), {&x, &y}), zk::Error);
}

TEST(OnnxOps, max_and_average_pool) {
  Tensor x = Tensor::floats({1, 1, 2, 2}, {1, 2, 3, 4});
  Node mp = node("MaxPool", 1);
  mp.attrs["kernel_shape"] = ints({2, 2});
  expect_floats(run1(mp, {&x}), {1, 1, 1, 1}, {4});
  Node ap = node("AveragePool", 1);
  ap.attrs["kernel_shape"] = ints({2, 2});
  ap.attrs["pads"] = ints({1, 1, 0, 0});
  // top-left window covers only x[0][0] plus 3 pads
  expect_floats(run1(ap, {&x}), {1, 1, 2, 2}, {1, 1.5f, 2, 2.5f});
  ap.attrs["count_include_pad"] = one_int(1);
  expect_floats(run1(ap, {&x}), {1, 1, 2, 2}, {0.25f, 0.75f, 1, 2.5f});
}

TEST(OnnxOps, global_average_pool_averages_each_plane) {
  Tensor x = Tensor::floats({1, 2, 1, 2}, {1, 3, 10, 20});
  expect_floats(run1(node("GlobalAveragePool", 1), {&x}), {1, 2, 1, 1}, {2, 15});
}

TEST(OnnxOps, softmax_rows_sum_to_one) {
  Tensor x = Tensor::floats({1, 2}, {0, std::log(3.0f)});
  expect_floats(run1(node("Softmax", 1), {&x}), {1, 2}, {0.25f, 0.75f});
}

TEST(OnnxOps, activations) {
  Tensor x = Tensor::floats({4}, {-2, -0.5f, 0.5f, 4});
  expect_floats(run1(node("Relu", 1), {&x}), {4}, {0, 0, 0.5f, 4});
  expect_floats(run1(node("LeakyRelu", 1), {&x}), {4}, {-0.02f, -0.005f, 0.5f, 4});
  expect_floats(run1(node("HardSigmoid", 1), {&x}), {4}, {0.1f, 0.4f, 0.6f, 1});
  expect_floats(run1(node("HardSwish", 1), {&x}), {4}, {-2 * (1.0f / 6), -0.5f * (2.5f / 6), 0.5f * (3.5f / 6), 4});
  expect_floats(run1(node("Sigmoid", 1), {&x}), {4}, {1 / (1 + std::exp(2.0f)), 1 / (1 + std::exp(0.5f)), 1 / (1 + std::exp(-0.5f)), 1 / (1 + std::exp(-4.0f))});
  Tensor lo = Tensor::floats({}, {-1}), hi = Tensor::floats({}, {1});
  expect_floats(run1(node("Clip", 3), {&x, &lo, &hi}), {4}, {-1, -0.5f, 0.5f, 1});
  Tensor slope = Tensor::floats({1}, {0.5f});
  expect_floats(run1(node("PRelu", 2), {&x, &slope}), {4}, {-1, -0.25f, 0.5f, 4});
}

TEST(OnnxOps, batchnorm_and_layernorm) {
  Tensor x = Tensor::floats({1, 2, 1, 1}, {1, 4});
  Tensor s = Tensor::floats({2}, {2, 1}), b = Tensor::floats({2}, {0, 1}), m = Tensor::floats({2}, {1, 2}), v = Tensor::floats({2}, {1, 4});
  Node bn = node("BatchNormalization", 5);
  bn.attrs["epsilon"] = one_float(0);
  expect_floats(run1(bn, {&x, &s, &b, &m, &v}), {1, 2, 1, 1}, {0, 2});
  Tensor y = Tensor::floats({1, 2}, {1, 3});
  Tensor g = Tensor::floats({2}, {1, 1});
  Node ln = node("LayerNormalization", 2, 1);
  ln.attrs["epsilon"] = one_float(0);
  expect_floats(run1(ln, {&y, &g}), {1, 2}, {-1, 1});
}

TEST(OnnxOps, reduce_mean_over_attribute_axes) {
  Tensor x = Tensor::floats({2, 2}, {1, 2, 3, 5});
  Node n = node("ReduceMean", 1, 1, 13);
  n.attrs["axes"] = ints({1});
  expect_floats(run1(n, {&x}), {2, 1}, {1.5f, 4});
  n.attrs["keepdims"] = one_int(0);
  expect_floats(run1(n, {&x}), {2}, {1.5f, 4});
  Tensor axes = Tensor::ints({1}, {0});
  expect_floats(run1(node("ReduceSum", 2, 1, 13), {&x, &axes}), {1, 2}, {4, 7});
}

TEST(OnnxOps, reshape_flatten_transpose) {
  Tensor x = Tensor::floats({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor s = Tensor::ints({2}, {0, -1});
  expect_floats(run1(node("Reshape", 2), {&x, &s}), {2, 3}, {1, 2, 3, 4, 5, 6});
  expect_floats(run1(node("Transpose", 1), {&x}), {3, 2}, {1, 4, 2, 5, 3, 6});
  Tensor bad = Tensor::ints({1}, {4});
  EXPECT_THROW(run1(node("Reshape", 2), {&x, &bad}), zk::Error);
}

TEST(OnnxOps, slice_with_negative_step) {
  Tensor x = Tensor::floats({5}, {0, 1, 2, 3, 4});
  Tensor st = Tensor::ints({1}, {-1}), en = Tensor::ints({1}, {0}), ax = Tensor::ints({1}, {0}), step = Tensor::ints({1}, {-2});
  expect_floats(run1(node("Slice", 5), {&x, &st, &en, &ax, &step}), {2}, {4, 2});
}

TEST(OnnxOps, concat_split_gather_pad) {
  Tensor a = Tensor::floats({1, 2}, {1, 2}), b = Tensor::floats({1, 1}, {3});
  Node c = node("Concat", 2);
  c.attrs["axis"] = one_int(1);
  Tensor cat = run1(c, {&a, &b});
  expect_floats(cat, {1, 3}, {1, 2, 3});
  Node sp = node("Split", 2, 2);
  sp.attrs["axis"] = one_int(1);
  Tensor sizes = Tensor::ints({2}, {1, 2});
  auto parts = run_node(sp, {&cat, &sizes});
  expect_floats(parts[1], {1, 2}, {2, 3});
  Tensor idx = Tensor::ints({2}, {-1, 0});
  Node ga = node("Gather", 2);
  ga.attrs["axis"] = one_int(1);
  expect_floats(run1(ga, {&cat, &idx}), {1, 2}, {3, 1});
  Tensor pads = Tensor::ints({4}, {0, 1, 0, 0}), val = Tensor::floats({}, {9});
  expect_floats(run1(node("Pad", 3), {&a, &pads, &val}), {1, 3}, {9, 1, 2});
}

TEST(OnnxOps, where_and_comparisons) {
  Tensor c = Tensor::ints({2}, {1, 0}, DType::Bool);
  Tensor x = Tensor::floats({2}, {1, 2}), y = Tensor::floats({1}, {7});
  expect_floats(run1(node("Where", 3), {&c, &x, &y}), {2}, {1, 7});
  Tensor lt = run1(node("Less", 2), {&x, &y});
  EXPECT_EQ(lt.dtype, DType::Bool);
  EXPECT_EQ(lt.i, (std::vector<int64_t>{1, 1}));
}

TEST(OnnxOps, quantize_rounds_half_to_even_and_saturates) {
  Tensor x = Tensor::floats({5}, {0.5f, 1.5f, 2.5f, -300, 300});
  Tensor s = Tensor::floats({}, {1}), z = Tensor::ints({}, {0}, DType::Int8);
  Tensor q = run1(node("QuantizeLinear", 3), {&x, &s, &z});
  EXPECT_EQ(q.dtype, DType::Int8);
  EXPECT_EQ(q.i, (std::vector<int64_t>{0, 2, 2, -128, 127}));
  Tensor zu = Tensor::ints({}, {128}, DType::UInt8), s2 = Tensor::floats({}, {0.5f});
  Tensor qi = Tensor::ints({2}, {130, 0}, DType::UInt8);
  expect_floats(run1(node("DequantizeLinear", 3), {&qi, &s2, &zu}), {2}, {1, -64});
}

TEST(OnnxOps, integer_matmuls_subtract_zero_points) {
  Tensor a = Tensor::ints({1, 2}, {3, 4}, DType::UInt8), b = Tensor::ints({2, 1}, {1, 2}, DType::UInt8);
  Tensor az = Tensor::ints({}, {1}, DType::UInt8), bz = Tensor::ints({}, {0}, DType::UInt8);
  Tensor r = run1(node("MatMulInteger", 4), {&a, &b, &az, &bz});
  EXPECT_EQ(r.dtype, DType::Int32);
  EXPECT_EQ(r.i, (std::vector<int64_t>{(3 - 1) * 1 + (4 - 1) * 2}));
  // QLinearMatMul: acc = 8, scale 0.5*1/2 = 0.25 -> 2, plus zero point 10
  Tensor as = Tensor::floats({}, {0.5f}), bs = Tensor::floats({}, {1}), ys = Tensor::floats({}, {2});
  Tensor yz = Tensor::ints({}, {10}, DType::UInt8);
  Tensor q = run1(node("QLinearMatMul", 8), {&a, &as, &az, &b, &bs, &bz, &ys, &yz});
  EXPECT_EQ(q.i, (std::vector<int64_t>{12}));
}

TEST(OnnxOps, qlinear_conv_requantizes_per_channel) {
  Tensor x = Tensor::ints({1, 1, 1, 2}, {5, 7}, DType::UInt8), xs = Tensor::floats({}, {1}), xz = Tensor::ints({}, {5}, DType::UInt8);
  Tensor w = Tensor::ints({2, 1, 1, 1}, {2, -1}, DType::Int8), ws = Tensor::floats({2}, {1, 4}), wz = Tensor::ints({}, {0}, DType::Int8);
  Tensor ys = Tensor::floats({}, {2}), yz = Tensor::ints({}, {0}, DType::Int8);
  // channel 0: (x-5)*2*1/2 = {0, 2}; channel 1: (x-5)*(-1)*4/2 = {0, -4}
  Tensor y = run1(node("QLinearConv", 8), {&x, &xs, &xz, &w, &ws, &wz, &ys, &yz});
  EXPECT_EQ(y.shape, (Shape{1, 2, 1, 2}));
  EXPECT_EQ(y.i, (std::vector<int64_t>{0, 2, 0, -4}));
}

TEST(OnnxOps, three_d_conv_is_unsupported_not_a_crash) {
  Tensor x = Tensor::floats({1, 1, 2, 2, 2}), w = Tensor::floats({1, 1, 1, 1, 1});
  EXPECT_THROW(run1(node("Conv", 2), {&x, &w}), Unsupported);
}

TEST(OnnxOps, table_lists_every_required_op) {
  for (const char* op : {"Gemm", "MatMul", "Conv", "ConvTranspose", "Add", "Sub", "Mul", "Div", "Relu", "LeakyRelu", "PRelu", "Sigmoid",
                         "Tanh", "Clip", "HardSigmoid", "HardSwish", "Erf", "Gelu", "Exp", "Softmax", "MaxPool", "AveragePool",
                         "GlobalAveragePool", "GlobalMaxPool", "BatchNormalization", "LayerNormalization", "ReduceMean", "ReduceSum",
                         "ReduceMax", "Pow", "Sqrt", "Reciprocal", "Flatten", "Reshape", "Transpose", "Concat", "Slice", "Split",
                         "Squeeze", "Unsqueeze", "Pad", "Gather", "Max", "Min", "Identity", "Dropout", "Cast", "Shape", "Constant",
                         "ConstantOfShape", "Where", "Equal", "Less", "Greater", "Neg", "Abs", "QuantizeLinear", "DequantizeLinear",
                         "QLinearConv", "QLinearMatMul", "MatMulInteger"})
    EXPECT_NE(find_op(op), nullptr) << op;
}
