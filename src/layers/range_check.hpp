#pragma once
// Range checks for layer proofs: showing that every real entry of a column is a small integer,
// with lookups into public tables of at most 2^16 entries.
//
// Soundness over F_p. A lookup into range_table(b) shows that a field element IS an integer in
// [0, 2^b) (its canonical representative), not merely congruent to one. A value too wide for one
// table is committed as limbs, v = sum_j 2^(16 j) L_j with L_j in range_table(w_j) (w_j <= 16, the
// top limb narrower), and v itself is never committed: it is virtual, its MLE is the same
// combination of the limbs' MLEs, so "v is an integer in [0, 2^bits)" holds with no further check
// (bits = sum w_j < 64 keeps the combination below p). A layer that relates v to other tensors
// does so through that combination; a relation v = f(...) that holds in F_p becomes an integer
// identity once every term is bounded well below p, which each layer argues from its own bounds.
//
// Interval tables (inputs lo..hi, at most 2^16 entries) give an exact two-sided range check of a
// committed column in one lookup; layers use them when the honest range is narrow (an activation
// range after saturation).
#include <span>
#include <string>
#include <vector>

#include "layers/proof.hpp"

namespace zk::layers {

inline constexpr unsigned kMaxLimbBits = 16;

// The number of bits needed for the integers [0, v]: the smallest b with v < 2^b (v >= 0).
unsigned bits_for(__int128 v);
// Limb widths for a value of `bits` bits: 16-bit limbs, low first, the top one narrower.
std::vector<unsigned> limb_widths(unsigned bits);

// Table of the integers lo..hi (hi - lo < 2^16), key "interval[lo,hi]".
LookupTable interval_table(int64_t lo, int64_t hi);

// A non-negative virtual column v = sum_j 2^(16 j) L_j, proven to lie in [0, 2^bits).
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
// Witness time: writes `count` 16-bit limbs of v into aux[cursor...] and advances cursor. It takes a
// count, not a bit width, because a witness function does not see static bounds: it recovers what
// it needs from the node's attributes and the number of aux tensors it was given. The split is the
// same as plan_limbs' for any honest v (the top limb is narrower only in its range table). A
// negative entry, or one that does not fit the limbs, is an Error (a wrong bound analysis).
void fill_limbs(const IntTensor& v, size_t count, std::span<IntTensor> aux, size_t& cursor);

// Prover: the MLE table of v (size 2^num_vars) from the committed limbs.
std::vector<Fp> limbs_table(ProverContext& ctx, const Limbs& limbs, unsigned num_vars);
// Sends every limb's evaluation at `point`, leaves a claim on each, returns v~(point).
Fp2 open_limbs(ProverContext& ctx, const Limbs& limbs, const std::vector<Fp2>& point);
// The verifier's side of open_limbs: reads the same values and leaves the same claims.
Fp2 open_limbs(VerifierContext& ctx, const Limbs& limbs, const std::vector<Fp2>& point);

}  // namespace zk::layers
