#pragma once
// Multilinear helpers shared by layer proofs (reductions, pooling windows, padding selectors).
#include <optional>
#include <span>
#include <vector>

#include "layers/proof.hpp"

namespace zk::layers {

// The prover sends the evaluation of a committed tensor's MLE at `point` (in ZK mode its twin value,
// ctx.evaluate) and records it as a claim on that tensor; the verifier receives it and records the
// same claim. Returns the value.
Fp2 send_evaluation(ProverContext& ctx, int tensor, const std::vector<Fp2>& point);
Fp2 receive_evaluation(VerifierContext& ctx, int tensor, const std::vector<Fp2>& point);
// The tensor broadcast (numpy rules) to shape `y`, as an MLE table over y's padded layout.
std::vector<Fp> broadcast_table(const IntTensor& x, const Shape& y);

// MLE at `point` of the indicator of a tensor's real (unpadded) entries: the product of the
// per-dimension prefix selectors. Relations that must not see padding are weighted by it.
Fp2 real_selector(const Shape& shape, std::span<const Fp2> point);

// Partial evaluation of a multilinear table: variable j is bound to fixed[j] where set and left
// free otherwise. The result is the table over the free variables, in ascending variable order.
// O(2^n): variables are bound from the highest down, each halving the table.
std::vector<Fp2> bind_variables(std::span<const Fp> table, const std::vector<std::optional<Fp2>>& fixed);

// One spatial dimension of a pooling window: output o < out reads input o*stride - pad + i*dilation
// for kernel taps i < kernel, when that lies in [0, in). Returns the table over the padded input
// dimension (2^ceil_log2(in) entries) G[h] = sum of eq(r_out, o) * eq(r_tap, i) over the (o, i)
// that read h; r_tap == nullptr weighs every tap by 1 (a window sum). The MLE of this table at
// an input sub-point is the pooling operator's weight, which the verifier evaluates itself.
struct Window1D {
  int64_t out, kernel, stride, pad, dilation, in;
};
std::vector<Fp2> window_weights(const Window1D& w, std::span<const Fp2> r_out, const std::vector<Fp2>* r_tap);
// sum over the (o, i) whose input lies in [0, in) of eq(r_out, o) * eq(r_tap, i): the MLE of the
// "this tap reads a real input cell" indicator.
Fp2 window_valid(const Window1D& w, std::span<const Fp2> r_out, std::span<const Fp2> r_tap);

// A tensor x whose `reduced` dimensions form groups (softmax rows, layer-norm groups), and the
// per-group tensor of shape keep() (x's shape with those dimensions set to 1) broadcast back over
// x. Per-group relations are proven by sumchecks over x's cube with weights that vanish outside a
// group's real entries, so a cheating prover's padding never enters a group's sum.
class Grouping {
 public:
  Grouping(const Shape& x, const std::vector<bool>& reduced);
  const Shape& keep() const { return keep_; }
  // The group tensor spread over x's cube: t[group(b)] where b's reduced coordinates are real,
  // else 0 (the MLE of the broadcast tensor, as broadcast_point sees it).
  std::vector<Fp> spread(std::span<const Fp> keep_table) const;
  std::vector<Fp2> spread(std::span<const Fp2> keep_table) const;
  // eq(rk, group(b)) where b's reduced coordinates are real (sums over a group), and where they
  // are all zero (one term per group).
  std::vector<Fp2> sum_weights(std::span<const Fp2> rk) const;
  std::vector<Fp2> first_weights(std::span<const Fp2> rk) const;
  // A point on x's cube seen from the groups: the point on the keep cube, the MLE at the point of
  // "reduced coordinates are real" and of "reduced coordinates are zero".
  struct At {
    std::vector<Fp2> keep_point;
    Fp2 real, first;
  };
  At at(std::span<const Fp2> x_point) const;

 private:
  Shape x_, keep_;
  std::vector<bool> reduced_;
  std::vector<uint32_t> group_;  // per index of x's cube: the index on the keep cube
  std::vector<uint8_t> flags_;   // bit 0: reduced coordinates real; bit 1: all zero
};

}  // namespace zk::layers
