// lookup: Y = T[X − lo] for a public table T over the domain [lo, lo + |T| − 1]. Every non-linear
// unary function (Relu, LeakyRelu, PRelu with a constant slope, Sigmoid, Tanh, Clip, HardSigmoid,
// HardSwish, Exp, Erf, Gelu, Sqrt, Reciprocal, Rsqrt) is one such table, built by the quantizer at
// compile time from the float function with the input and output scales; nothing is evaluated in
// floating point at run time. `infer` requires the domain to cover the input's whole static range
// [−bound, bound] (the preceding rescale saturates into it), so a lookup can never miss; the proof
// (issue 4) is a LogUp argument into the table.
#include "layers/layers.hpp"

namespace zk::layers {

namespace {

std::vector<OutInfo> infer(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  const int64_t lo = node.get("lo");
  const auto& t = node.vec("table");
  if (t.empty()) throw Error(node.where() + ": empty table");
  const Wide hi = Wide(lo) + static_cast<int64_t>(t.size()) - 1;
  if (lo > -in[0]->bound || hi < in[0]->bound)
    throw Error(node.where() + ": table domain [" + std::to_string(lo) + ", " + std::to_string(static_cast<int64_t>(hi)) +
                "] does not cover the input range ±" + std::to_string(in[0]->bound));
  Wide b = 0;
  for (int64_t v : t) b = std::max(b, wabs(v));
  return {{in[0]->shape, checked(node, b, "a table value")}};
}

void forward(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const int64_t lo = node.get("lo");
  const auto& t = node.vec("table");
  const auto& x = in[0]->data;
  auto& y = out[0].data;
  const auto n = static_cast<int64_t>(t.size());
  for (size_t k = 0; k < x.size(); ++k) {
    const int64_t i = x[k] - lo;
    if (i < 0 || i >= n)
      throw Error(node.where() + ": value " + std::to_string(x[k]) + " outside the table domain (bound analysis violated)");
    y[k] = t[i];
  }
}

}  // namespace

const LayerDef kLookupLayer{"lookup", 1, 1, 1, infer, forward};

}  // namespace zk::layers
