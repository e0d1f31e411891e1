#pragma once
// Internal: the prover of one GKR layer sumcheck,
//   sum_{y in {0,1}^k} eq(r, y) (pL(y) qR(y) + pR(y) qL(y) + lambda qL(y) qR(y)) = claim,
// where pL(y) = p[2y], pR(y) = p[2y+1] (same for q) over the child layer (p, q) of size 2^(k+1).
// Transcript and proof are exactly those of sumcheck::prove on the tables (eq, pL, pR, qL, qR) with
// terms {0,1,4}, {0,2,3}, lambda {0,3,4} (degree 3), so sumcheck::verify checks it.
//
// Faster than the generic engine for two reasons:
// - eq is never a table: h_i(X) = c_i eq(r_i, X) g_i(X) with g_i quadratic (Gruen, eprint
//   2024/108), so a round needs g_i(0) and g_i's leading coefficient, and h_i(1) gives g_i(1);
// - entries from index `real` on are fillers (p = 0, q = 1) and stay so under binding: only the
//   real prefix is read, the filler pairs' total weight is 1 - (weight of the real pairs).
#include <span>

#include "sumcheck/sumcheck.hpp"

namespace zk::lookup::detail {

// p, q: 2^(r.size()+1) entries, those from `real` on equal to 0 and 1. P is Fp (leaves) or Fp2.
template <typename P>
sumcheck::ProverOutput prove_layer(Transcript& transcript, std::span<const Fp2> r, const P* p, const Fp2* q,
                                   size_t real, Fp2 lambda, Fp2 claim);

}  // namespace zk::lookup::detail
