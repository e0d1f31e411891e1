#pragma once
// Proofs of index maps: layers whose output entries are copies of input entries (or a constant),
// out[i] = in_k[π(i)] or fill. Every shape operator (reshape, transpose, slice, concat, pad,
// gather, expand) is one.
//
// Protocol. For the output claim out~(r) = v:
//   out~(r) = fill·(#real entries no source defines, weighted by eq(r, ·))
//           + Σ_k Σ_j in_k(j)·M_k(j),   M_k(j) = Σ_{real i : π_k(i) = j} eq(r, i).
// The map is described per source as a product of factors, each relating a contiguous group of
// output dimensions to a contiguous group of input dimensions, so M_k factors the same way. A
// factor whose matrix is exactly eq(r_F, ·) on the input's real entries (transposed dims, untouched
// dims of a slice/pad/concat, reshape groups with the same padded layout) is a "pass-through": its
// output coordinates become the input's coordinates, no sumcheck variable. The other factors'
// input variables are summed by one degree-2 sumcheck over Σ_k in_k(pass, ·)·M_k(·), sources of
// different sizes zero-extended to the largest; the prover then sends in_k at the resulting point,
// and the verifier evaluates each non-pass factor's M~ itself: O(size of the factor's output and
// input groups), i.e. O(dimension) for the per-dimension maps and O(size) only for reshape groups
// whose layouts disagree. Output dimensions no factor covers are broadcast (the input does not
// depend on them) and contribute Σ_{i < n} eq(r_d, i).
//
// Zero-knowledge mode (docs/zk.md §2): the same protocol through the context's masked sumcheck,
// the sources' tables paired with their masks' partial evaluations; a map with no sumcheck
// variables still runs one (over none of its own; the output's mask term brings the output's),
// since the pass-through check "out = combination of sent values" fails for twin values.
#include <vector>

#include "layers/proof.hpp"

namespace zk::layers {

struct IndexFactor {
  std::vector<int> out_dims;  // contiguous, increasing; may be empty (one output entry)
  std::vector<int> in_dims;   // contiguous, increasing, non-empty
  // identity: the group's real entries correspond in row-major order (a reshape of the group).
  // Otherwise src[i] is, for the i-th real entry of the output group (row-major), the row-major
  // index of its entry in the input group, or -1 (filled).
  bool identity = false;
  std::vector<int64_t> src;
};

struct IndexSource {
  int tensor = -1;
  Shape shape;
  // Input dims in no factor must have size 1; output dims in no factor are broadcast along.
  std::vector<IndexFactor> factors;
};

struct IndexMap {
  Shape out;
  std::vector<IndexSource> sources;
  int64_t fill = 0;  // the value of every real output entry that no source defines
};

// True iff both shapes put their real entries (row-major) at the same padded indices, so their
// MLE tables are the same vector: a reshape between them is free. O(rank).
bool same_padded_layout(const Shape& a, const Shape& b);

// `out` is the node's one output claim. Throws Error on a malformed map.
void prove_index_map(const IndexMap& map, ProverContext& ctx, const TensorClaim& out);
void verify_index_map(const IndexMap& map, VerifierContext& ctx, const TensorClaim& out);

// How the map will be proven (for tests and inspection): sumcheck variables (0: no sumcheck).
unsigned index_map_sumcheck_vars(const IndexMap& map);

}  // namespace zk::layers
