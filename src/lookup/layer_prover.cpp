#include "lookup/layer_prover.hpp"

#include <omp.h>

#include "common/error.hpp"

namespace zk::lookup::detail {

namespace {

constexpr size_t kParallelPairs = 1 << 12;

struct Acc {
  Fp2 cross0, prod0, cross_inf, prod_inf;  // eq-weighted sums at X = 0 and of leading coefficients
  Fp2 weight;                              // eq weight of the pairs visited
  void add(const Acc& o) {
    cross0 += o.cross0;
    prod0 += o.prod0;
    cross_inf += o.cross_inf;
    prod_inf += o.prod_inf;
    weight += o.weight;
  }
};

template <typename P>
inline void accumulate(Acc& a, Fp2 w, P pl0, P pl1, P pr0, P pr1, Fp2 ql0, Fp2 ql1, Fp2 qr0, Fp2 qr1) {
  const P dpl = pl1 - pl0, dpr = pr1 - pr0;
  const Fp2 dql = ql1 - ql0, dqr = qr1 - qr0;
  a.cross0 += w * (qr0 * pl0 + ql0 * pr0);
  a.prod0 += w * (ql0 * qr0);
  a.cross_inf += w * (dqr * dpl + dql * dpr);
  a.prod_inf += w * (dql * dqr);
  a.weight += w;
}

inline Fp2 bind(Fp2 lo, Fp2 hi, Fp2 s) { return lo + s * (hi - lo); }
inline Fp2 bind(Fp lo, Fp hi, Fp2 s) { return Fp2(lo) + s * (hi - lo); }
inline size_t ceil_half(size_t x) { return (x + 1) / 2; }

}  // namespace

template <typename P>
sumcheck::ProverOutput prove_layer(Transcript& transcript, std::span<const Fp2> r, const P* p, const Fp2* q,
                                   size_t real, Fp2 lambda, Fp2 claim) {
  const unsigned k = unsigned(r.size());
  transcript.absorb("sumcheck/num_vars", uint64_t(k));
  transcript.absorb("sumcheck/degree", uint64_t(3));
  transcript.absorb("sumcheck/claim", claim);

  sumcheck::ProverOutput out;
  if (k == 0) {
    out.table_evaluations = {Fp2::one(), Fp2(p[0]), Fp2(p[1]), q[0], q[1]};
    return out;
  }

  // pairs[i]: pairs of round i holding a real entry (all later pairs are fillers).
  std::vector<size_t> pairs(k);
  {
    size_t active = ceil_half(real);  // real entries of each of pL, pR, qL, qR
    for (unsigned i = 0; i < k; ++i) {
      pairs[i] = ceil_half(active);
      active = pairs[i];
    }
  }

  // suffix[i][j] = eq((r_{i+1}, ..., r_{k-1}), j) for the pairs of round i; each table prepends
  // one variable to the next, so only the prefixes that rounds read are built.
  std::vector<std::vector<Fp2>> suffix(k);
  suffix[k - 1] = {Fp2::one()};
  for (unsigned i = k - 1; i-- > 0;) {
    const auto& prev = suffix[i + 1];
    auto& cur = suffix[i];
    const int64_t m = int64_t(pairs[i + 1]);
    cur.resize(2 * size_t(m));
    const Fp2 ri = r[i + 1];
#pragma omp parallel for if (m >= int64_t(kParallelPairs)) schedule(static)
    for (int64_t j = 0; j < m; ++j) {
      const Fp2 hi = prev[j] * ri;
      cur[2 * j] = prev[j] - hi;
      cur[2 * j + 1] = hi;
    }
  }

  // Level i >= 1 of the four tables (bound to s_0..s_{i-1}) in buf[(i-1) & 1]: ping-pong, since
  // level i is written while level i-1 is read in the same parallel pass. A level stores its real
  // pairs plus one filler pair, which is all the next round reads.
  const size_t half = size_t(1) << (k - 1);
  std::vector<Fp2> buf[2][4];
  for (auto& t : buf[0]) t.resize(std::min(2 * pairs[0] + 2, half));
  if (k >= 2) {
    for (auto& t : buf[1]) t.resize(std::min(2 * pairs[1] + 2, half / 2));
  }
  // Level-0 entry y of table t: pL = p[2y], pR = p[2y+1], qL = q[2y], qR = q[2y+1].
  const P* p0 = p;
  const Fp2* q0 = q;

  Fp2 c = Fp2::one();  // eq((r_0..r_{i-1}), (s_0..s_{i-1}))
  Fp2 running = claim;
  std::vector<Fp2> point;
  for (unsigned i = 0; i < k; ++i) {
    const int64_t np = int64_t(pairs[i]);
    const Fp2* w = suffix[i].data();
    Acc total{};
    const int threads = size_t(np) >= kParallelPairs ? omp_get_max_threads() : 1;
    if (i == 0) {
#pragma omp parallel num_threads(threads)
      {
        Acc a{};
#pragma omp for schedule(static) nowait
        for (int64_t j = 0; j < np; ++j) {
          const size_t x = 4 * size_t(j);
          accumulate<P>(a, w[j], p0[x], p0[x + 2], p0[x + 1], p0[x + 3], q0[x], q0[x + 2], q0[x + 1], q0[x + 3]);
        }
#pragma omp critical
        total.add(a);
      }
    } else {
      // Bind level i-1 with s_{i-1} on the fly; store level i for the next round.
      const Fp2 s = point.back();
      auto& dst = buf[(i - 1) & 1];
      auto& src = buf[i & 1];
      const bool from_input = (i == 1);
#pragma omp parallel num_threads(threads)
      {
        Acc a{};
#pragma omp for schedule(static) nowait
        for (int64_t j = 0; j < np; ++j) {
          Fp2 v[4][2];
          for (int h = 0; h < 2; ++h) {
            const size_t e = 2 * size_t(j) + h;  // level-i entry; reads level-(i-1) entries 2e, 2e+1
            if (from_input) {
              const size_t x = 4 * e;
              v[0][h] = bind(p0[x], p0[x + 2], s);
              v[1][h] = bind(p0[x + 1], p0[x + 3], s);
              v[2][h] = bind(q0[x], q0[x + 2], s);
              v[3][h] = bind(q0[x + 1], q0[x + 3], s);
            } else {
              for (int t = 0; t < 4; ++t) v[t][h] = bind(src[t][2 * e], src[t][2 * e + 1], s);
            }
            for (int t = 0; t < 4; ++t) dst[t][e] = v[t][h];
          }
          accumulate<Fp2>(a, w[j], v[0][0], v[0][1], v[1][0], v[1][1], v[2][0], v[2][1], v[3][0], v[3][1]);
        }
#pragma omp critical
        total.add(a);
      }
      for (size_t e = 2 * size_t(np); e < 2 * size_t(np) + 2 && e < dst[0].size(); ++e) {
        dst[0][e] = dst[1][e] = Fp2::zero();
        dst[2][e] = dst[3][e] = Fp2::one();
      }
    }
    // Filler pairs: pL = pR = 0, qL = qR = 1 at both ends, so only qL qR = 1 at X = 0 remains.
    total.prod0 += Fp2::one() - total.weight;

    // h_i(X) = c eq(r_i, X) g(X), g(X) = g0 + b X + g_inf X^2; g(1) follows from h(0) + h(1) = claim.
    const Fp2 ri = r[i];
    const Fp2 g0 = total.cross0 + lambda * total.prod0;
    const Fp2 ginf = total.cross_inf + lambda * total.prod_inf;
    const Fp2 h0 = c * (Fp2::one() - ri) * g0;
    const Fp2 cr = c * ri;
    if (cr.is_zero()) throw Error("lookup: degenerate GKR point (probability about 2^-128); retry with a new transcript");
    const Fp2 g1 = (running - h0) * cr.inverse();
    const Fp2 b = g1 - g0 - ginf;
    auto g = [&](Fp2 x) { return g0 + x * (b + x * ginf); };
    auto eq_r = [&](Fp2 x) { return (Fp2::one() - ri) + x * (ri + ri - Fp2::one()); };
    const Fp2 two(Fp(2)), three(Fp(3));
    std::vector<Fp2> round = {h0, c * eq_r(two) * g(two), c * eq_r(three) * g(three)};
    transcript.absorb("sumcheck/round", std::span<const Fp2>(round));
    const Fp2 s = transcript.challenge_ext("sumcheck/challenge");
    out.proof.rounds.push_back(std::move(round));
    c *= eq_r(s);
    running = c * g(s);
    point.push_back(s);
  }

  // Level k-1 has two entries per table; bind the last challenge.
  const Fp2 s = point.back();
  Fp2 fin[4];
  if (k == 1) {
    fin[0] = bind(p0[0], p0[2], s);
    fin[1] = bind(p0[1], p0[3], s);
    fin[2] = bind(q0[0], q0[2], s);
    fin[3] = bind(q0[1], q0[3], s);
  } else {
    const auto& last = buf[(k - 2) & 1];
    for (int t = 0; t < 4; ++t) fin[t] = bind(last[t][0], last[t][1], s);
  }
  out.table_evaluations = {c, fin[0], fin[1], fin[2], fin[3]};
  out.point = std::move(point);
  return out;
}

template sumcheck::ProverOutput prove_layer<Fp>(Transcript&, std::span<const Fp2>, const Fp*, const Fp2*, size_t, Fp2,
                                                Fp2);
template sumcheck::ProverOutput prove_layer<Fp2>(Transcript&, std::span<const Fp2>, const Fp2*, const Fp2*, size_t,
                                                 Fp2, Fp2);

}  // namespace zk::lookup::detail
