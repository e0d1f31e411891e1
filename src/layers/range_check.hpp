#pragma once
// Range checks for layer proofs: showing that every real entry of a column is a small integer,
// with lookups into public tables of at most 2^16 entries.
//
// Soundness over F_p. A lookup into range_table(b) shows that a field element IS an integer in
// [0, 2^b) (its canonical representative), not merely congruent to one. A value too wide for one
// table is committed as limbs, v = sum_j 2^(W j) L_j with L_j in range_table(w_j) (w_j <= W, the
// top limb narrower), and v itself is never committed: it is virtual, its MLE is the same
// combination of the limbs' MLEs, so "v is an integer in [0, 2^bits)" holds with no further check
// (bits = sum w_j < 64 keeps the combination below p). A layer that relates v to other tensors
// does so through that combination; a relation v = f(...) that holds in F_p becomes an integer
// identity once every term is bounded well below p, which each layer argues from its own bounds.
//
// Interval tables (inputs lo..hi, at most 2^16 entries) give an exact two-sided range check of a
// committed column in one lookup; layers use them when the honest range is narrow (an activation
// range after saturation).
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "layers/proof.hpp"

namespace zk::layers {

// W, the limb width. Range tables hold 2^W entries and each costs a lookup argument and a
// multiplicity column of that size. At 16 bits the tables (2^16 each, several per model) dominated
// the witness commitment of LeNet/VGG-CIFAR-size models; at 8 bits the tables are negligible and
// the extra limb columns are small beside the activations. (Measured: LeNet-5 proof 224 KB with
// 10 lookup arguments at W = 16, 199 KB with 7 at W = 8.)
inline constexpr unsigned kMaxLimbBits = 8;

// The number of bits needed for the integers [0, v]: the smallest b with v < 2^b (v >= 0).
unsigned bits_for(__int128 v);
// Limb widths for a value of `bits` bits: W-bit limbs, low first, the top one narrower.
std::vector<unsigned> limb_widths(unsigned bits);

// Table of the integers lo..hi (hi - lo < 2^16), key "interval[lo,hi]".
LookupTable interval_table(int64_t lo, int64_t hi);

// A non-negative virtual column v = sum_j 2^(W j) L_j, proven to lie in [0, 2^bits).
// bits = 0 declares nothing: v is the zero column.
struct Limbs {
  std::vector<int> ids;  // aux tensor ids, low limb first
  std::vector<unsigned> widths;
};

// Plan time: declares the limbs as aux tensors "<name>.<j>" of `shape` and their range lookups.
Limbs plan_limbs(PlanBuilder& builder, const std::string& name, const Shape& shape, unsigned bits);
// Prove/verify time: the limbs that plan_limbs declared, read from the node's aux ids starting at
// `cursor` (advanced past them). Layers declare and take in the same order.
Limbs take_limbs(std::span<const int> aux, size_t& cursor, unsigned bits);
// The number of limbs plan_limbs declares for `bits`.
size_t limb_count(unsigned bits);
// Witness time: writes `count` W-bit limbs of v into aux[cursor...] and advances cursor. It takes a
// count, not a bit width, because a witness function does not see static bounds: it recovers what
// it needs from the node's attributes and the number of aux tensors it was given. The split is the
// same as plan_limbs' for any honest v (the top limb is narrower only in its range table). A
// negative entry, or one that does not fit the limbs, is an Error (a wrong bound analysis).
void fill_limbs(const IntTensor& v, size_t count, std::span<IntTensor> aux, size_t& cursor);

// Prover: the MLE table of v (size 2^num_vars) from the committed limbs.
std::vector<Fp> limbs_table(ProverContext& ctx, const Limbs& limbs, unsigned num_vars);
// ZK mode: the mask companion of limbs_table for a masked sumcheck (the same combination of the
// limbs' masks: v's twin is the combination of the limbs' twins); nullopt in plain mode.
std::optional<std::vector<Fp2>> limbs_twin(ProverContext& ctx, const Limbs& limbs, unsigned num_vars);
// Sends every limb's evaluation at `point` (ZK: its twin value at the current twin challenge, so
// the combination the verifier forms is v's twin value), leaves a claim on each, returns v~(point).
Fp2 open_limbs(ProverContext& ctx, const Limbs& limbs, const std::vector<Fp2>& point);
// The verifier's side of open_limbs: reads the same values and leaves the same claims.
Fp2 open_limbs(VerifierContext& ctx, const Limbs& limbs, const std::vector<Fp2>& point);

// A committed column c proven to lie in [lo, hi] (two-sided), or in [lo, lo + 2^bits) with
// bits = bits_for(hi − lo) (one-sided: enough where an exact relation elsewhere pins c down and the
// range only has to keep that relation from wrapping mod p). A narrow range (hi − lo < 2^kMaxLimbBits) is
// the interval table on c itself; a wide one is limbs of c − lo and, two-sided, of hi − c, which
// the verifier ties to c~ at a random point (a linear identity, so one point suffices).
struct Bounded {
  int64_t lo = 0, hi = 0;
  bool wide = false, upper = false;
  unsigned bits = 0;
  Limbs low, high;
};
Bounded bounded_layout(int64_t lo, int64_t hi, bool two_sided);
size_t bounded_limb_count(const Bounded& b);
void plan_bounded(PlanBuilder& builder, const std::string& name, int column, const Shape& shape, Bounded& b);
void take_bounded(std::span<const int> aux, size_t& cursor, Bounded& b);
void fill_bounded(const Bounded& b, const IntTensor& column, std::span<IntTensor> aux, size_t& cursor);
// Prover: sends the limbs at `point` (nothing when narrow).
void open_bounded(ProverContext& ctx, const Bounded& b, const std::vector<Fp2>& point);
// Verifier: reads them and checks them against c~(point) = value; sel = the real-entry selector
// of c's shape at the point (lo and hi are constants of an element-wise relation).
void check_bounded(VerifierContext& ctx, const Bounded& b, const std::vector<Fp2>& point, Fp2 value, Fp2 sel);
// The two above are plain-mode only (a zk::Error in ZK mode: with twin values the linear check
// fails, since the limbs' masks are independent of c's). The forms below take c's claim
// (c = column.tensor, committed, at column.point, value sent by the caller) and work in both modes:
//   plain: exactly the two above (sel from c's shape);
//   ZK:    a masked zero-check at column.point, sum_x eq(point, x)·Z(x) = 0 with Z the terms of
//          bounded_terms, after which the prover sends c's and the limbs' twin values at the
//          sumcheck's point (claims on each). column.value is not used: the relation is proven on
//          the committed c, so the caller's claim may be at any twin challenge. The verifier's
//          check_bounded runs its own check_final: call it after the check_final of the caller's
//          own masked sumcheck, never between a masked_sumcheck and its check_final.
void open_bounded(ProverContext& ctx, const Bounded& b, const TensorClaim& column);
void check_bounded(VerifierContext& ctx, const Bounded& b, const TensorClaim& column);

// ZK mode, for a layer that folds a bounded column into a zero-check of its own (sum_x eq(p, x)·Z(x)
// over c's cube): the terms delta·(c − lo·S − Lo) and, two-sided, delta^2·(Lo + Hi − (hi − lo)·S),
// S the real-entry selector (public) and Lo, Hi the limb combinations (limbs_table / limbs_twin),
// given as indices into the sumcheck's tables (hi_limbs unused when one-sided). Zero on every
// entry of the cube iff c − lo = Lo and, two-sided, hi − c = Hi (padding included: S is zero there).
std::vector<sumcheck::Term> bounded_terms(const Bounded& b, uint32_t eq, uint32_t column, uint32_t sel,
                                          uint32_t lo_limbs, uint32_t hi_limbs, Fp2 delta);
// The table of S: 1 on the real entries of `shape`, 0 on padding.
std::vector<Fp> selector_table(const Shape& shape);

// The claimed sum of a zero-check: a value the verifier computes itself, not one the node sent
// (a part on no tensor is public to both sessions, so no mask term is added for it).
inline ClaimedSum known_sum(Fp2 value) { return ClaimedSum(TensorClaim{-1, {}, value, std::nullopt}); }

}  // namespace zk::layers
