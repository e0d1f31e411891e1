#include "sumcheck/round_engine.hpp"

#include <omp.h>
#include <x86intrin.h>

#include <algorithm>
#include <new>
#include <string>

#include "common/error.hpp"

namespace zk::sumcheck::detail {

namespace {

using u128 = unsigned __int128;

// Below this many pairs a round is cheaper than waking the thread team.
constexpr size_t kParallelThreshold = size_t(1) << 12;

// A sum of up to 2^64 unreduced 128-bit products: the low 128 bits plus a count of wraparounds.
// Adding a product costs two instructions instead of a modular reduction; 2^128 = -2^32 (mod p)
// folds the carries back in at the end.
struct Acc192 {
  unsigned long long l0 = 0, l1 = 0, l2 = 0;
  [[gnu::always_inline]] inline void add(u128 x) {
    unsigned char c = _addcarry_u64(0, l0, uint64_t(x), &l0);
    c = _addcarry_u64(c, l1, uint64_t(x >> 64), &l1);
    l2 += c;
  }
  Fp value() const {
    Fp low = Fp::from_raw_unchecked(Fp::reduce128((u128(l1) << 64) | l0));
    Fp carries = Fp::from_raw_unchecked(Fp::reduce128(u128(l2) << 32));
    return low - carries;
  }
};

[[gnu::always_inline]] inline u128 wide(Fp a, Fp b) { return u128(a.value()) * b.value(); }

// K multiplication with 3 reductions instead of Fp2::operator*'s 5. c0: a0b0 + 7*red(a1b1) stays
// below 2^128 because a0b0 <= (p-1)^2 = 2^128 - 2^97 + 2^64. c1: the two cross products may wrap
// 2^128 once; the wrap is worth -2^32.
[[gnu::always_inline]] inline Fp2 mul(Fp2 a, Fp2 b) {
  u128 s0 = wide(a.c0(), b.c0()) + u128(Fp::reduce128(wide(a.c1(), b.c1()))) * Fp2::kNonResidue;
  u128 x = wide(a.c0(), b.c1());
  u128 s1 = x + wide(a.c1(), b.c0());
  Fp wrap = Fp::from_raw_unchecked(s1 < x ? (uint64_t(1) << 32) : 0);
  return {Fp::from_raw_unchecked(Fp::reduce128(s0)), Fp::from_raw_unchecked(Fp::reduce128(s1)) - wrap};
}
[[gnu::always_inline]] inline Fp mul(Fp a, Fp b) { return a * b; }

struct AccBase {
  Acc192 a;
  [[gnu::always_inline]] inline void add_product(Fp x, Fp y) { a.add(wide(x, y)); }
  [[gnu::always_inline]] inline void add_value(Fp x) { a.add(x.value()); }
  Fp2 value() const { return Fp2(a.value()); }
};

// Components kept apart so that no multiplication by the non-residue happens per product.
struct AccExt {
  Acc192 c00, c11, c01;
  [[gnu::always_inline]] inline void add_product(Fp2 x, Fp2 y) {
    c00.add(wide(x.c0(), y.c0()));
    c11.add(wide(x.c1(), y.c1()));
    c01.add(wide(x.c0(), y.c1()));
    c01.add(wide(x.c1(), y.c0()));
  }
  [[gnu::always_inline]] inline void add_product(Fp2 x, Fp y) {
    c00.add(wide(x.c0(), y));
    c01.add(wide(x.c1(), y));
  }
  [[gnu::always_inline]] inline void add_value(Fp2 x) {
    c00.add(x.c0().value());
    c01.add(x.c1().value());
  }
  Fp2 value() const { return {c00.value() + Fp(Fp2::kNonResidue) * c11.value(), c01.value()}; }
};

template <class V>
using AccFor = std::conditional_t<std::is_same_v<V, Fp>, AccBase, AccExt>;

// vals[p] = the linear function lo + x (hi - lo) at x = 0, 2, 3, ..., D (x = 1 is never sent).
template <class V, int D>
inline void line_values(V lo, V hi, V* vals) {
  vals[0] = lo;
  if constexpr (D >= 2) {
    V diff = hi - lo;
    V cur = hi + diff;
    vals[1] = cur;
    for (int p = 2; p < D; ++p) {
      cur += diff;
      vals[p] = cur;
    }
  }
}

template <class V, class Acc>
inline void accumulate_product(const V* const* factor_vals, unsigned count, int p, Acc& acc) {
  if (count == 1) {
    acc.add_value(factor_vals[0][p]);
    return;
  }
  V prod = factor_vals[0][p];
  for (unsigned m = 1; m + 1 < count; ++m) prod = mul(prod, factor_vals[m][p]);
  acc.add_product(prod, factor_vals[count - 1][p]);
}

// Sums the per-thread partial round values (coefficients already applied) into out.
inline void sum_partials(const std::vector<Fp2>& partial, int threads, int D, std::span<Fp2> out) {
  for (int p = 0; p < D; ++p) {
    Fp2 s;
    for (int t = 0; t < threads; ++t) s += partial[size_t(t) * D + p];
    out[p] = s;
  }
}

inline int threads_for(size_t pairs) { return pairs >= kParallelThreshold ? omp_get_max_threads() : 1; }

// Generic kernel: any number of tables and terms. fetch(j, lo, hi) fills every table's two values
// of pair j (binding them first where a challenge is pending).
template <class V, int D, class Fetch>
void evaluate_pairs(size_t pairs, size_t num_tables, std::span<const Term> terms, Fetch&& fetch,
                    std::span<Fp2> out) {
  using Acc = AccFor<V>;
  const int threads = threads_for(pairs);
  std::vector<Fp2> partial(size_t(threads) * D);
  const size_t T = terms.size();
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    const size_t begin = pairs * t / nt, end = pairs * (t + 1) / nt;
    // Small per-thread scratch (a few entries per table), not the tables themselves.
    std::vector<V> lo(num_tables), hi(num_tables);
    std::vector<Acc> acc(T * D);
    std::vector<V> vals(num_tables * D);
    // Per term, pointers to its factors' value rows; flattened once, outside the pair loop.
    std::vector<const V*> fv;
    std::vector<size_t> start(T + 1);
    for (size_t i = 0; i < T; ++i) {
      start[i] = fv.size();
      for (uint32_t k : terms[i].factors) fv.push_back(vals.data() + size_t(k) * D);
    }
    start[T] = fv.size();
    for (size_t j = begin; j < end; ++j) {
      fetch(j, lo.data(), hi.data());
      for (size_t k = 0; k < num_tables; ++k) line_values<V, D>(lo[k], hi[k], vals.data() + k * D);
      for (size_t i = 0; i < T; ++i) {
        const unsigned count = unsigned(start[i + 1] - start[i]);
        for (int p = 0; p < D; ++p) accumulate_product(fv.data() + start[i], count, p, acc[i * D + p]);
      }
    }
    for (int p = 0; p < D; ++p) {
      Fp2 s;
      for (size_t i = 0; i < T; ++i) s += terms[i].coefficient * acc[i * D + p].value();
      partial[size_t(t) * D + p] = s;
    }
  }
  sum_partials(partial, threads, D, out);
}

// One term whose D factors are D distinct tables: fixed-size arrays the compiler keeps in
// registers and fully unrolls. The common "f * g" and "eq * f * g" sums take this path.
template <class V, int D>
inline void accumulate_single(const V (&lo)[D], const V (&hi)[D], AccFor<V> (&acc)[D]) {
  V vals[D][D];
  for (int m = 0; m < D; ++m) line_values<V, D>(lo[m], hi[m], vals[m]);
  for (int p = 0; p < D; ++p) {
    if constexpr (D == 1) {
      acc[p].add_value(vals[0][p]);
    } else {
      V prod = vals[0][p];
      for (int m = 1; m + 1 < D; ++m) prod = mul(prod, vals[m][p]);
      acc[p].add_product(prod, vals[D - 1][p]);
    }
  }
}

// body(begin, end, acc) accumulates pairs [begin, end) into acc[0..D).
template <class V, int D, class Body>
void run_single(size_t pairs, Fp2 coefficient, std::span<Fp2> out, const Body& body) {
  const int threads = threads_for(pairs);
  std::vector<Fp2> partial(size_t(threads) * D);
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    AccFor<V> acc[D];
    body(pairs * t / nt, pairs * (t + 1) / nt, acc);
    for (int p = 0; p < D; ++p) partial[size_t(t) * D + p] = coefficient * acc[p].value();
  }
  sum_partials(partial, threads, D, out);
}

// Binding from a base table costs two base multiplications (r in K times a base difference).
[[gnu::always_inline]] inline Fp2 bind_base(const Fp* s, size_t i, Fp2 r) {
  const Fp lo = s[i], diff = s[i + 1] - s[i];
  return {lo + r.c0() * diff, r.c1() * diff};
}
// lo + r (hi - lo) for a K table. With 7 r_1 precomputed each coordinate is a sum of two 128-bit
// products plus lo, folded by one reduction: at most two wraps of 2^128, each worth -2^32.
[[gnu::always_inline]] inline Fp sum2_reduce(u128 a, u128 b, uint64_t extra) {
  const u128 s = a + b;
  uint64_t wraps = s < a;
  const u128 t = s + extra;
  wraps += t < s;
  return Fp::from_raw_unchecked(Fp::reduce128(t)) - Fp::from_raw_unchecked(wraps << 32);
}
[[gnu::always_inline]] inline Fp2 bind_ext(const Fp2* s, size_t i, Fp2 r, Fp r1x7) {
  const Fp2 lo = s[i], d = s[i + 1] - s[i];
  return {sum2_reduce(wide(r.c0(), d.c0()), wide(r1x7, d.c1()), lo.c0().value()),
          sum2_reduce(wide(r.c0(), d.c1()), wide(r.c1(), d.c0()), lo.c1().value())};
}

}  // namespace

RoundEngine::RoundEngine(std::span<const TableRef> tables, std::span<const Term> terms)
    : inputs_(tables.begin(), tables.end()), terms_(terms.begin(), terms.end()) {
  if (tables.empty()) throw Error("sumcheck: no tables");
  const size_t size = tables[0].size();
  if (size == 0 || (size & (size - 1)) != 0) {
    throw Error("sumcheck: table size " + std::to_string(size) + " is not a power of two");
  }
  for (size_t k = 0; k < tables.size(); ++k) {
    if (tables[k].size() != size) {
      throw Error("sumcheck: table " + std::to_string(k) + " has size " + std::to_string(tables[k].size()) +
                  ", table 0 has " + std::to_string(size));
    }
  }
  d_ = degree_of(terms);
  for (const Term& t : terms) {
    for (uint32_t k : t.factors) {
      if (k >= tables.size()) throw Error("sumcheck: factor index " + std::to_string(k) + " out of range");
    }
  }
  while ((size_t(1) << n_) < size) ++n_;
  // The specialised kernel needs every table to be exactly one factor of the single term.
  if (terms.size() == 1 && terms[0].factors.size() == tables.size()) {
    std::vector<bool> seen(tables.size());
    single_ = true;
    for (uint32_t k : terms[0].factors) {
      if (seen[k]) single_ = false;
      seen[k] = true;
    }
  }
  // Level 1 (size 2^(n-1)) and level 2 (2^(n-2)); every later level reuses one of them.
  for (int b = 0; b < 2; ++b) {
    if (n_ < unsigned(b + 1)) continue;
    bufs_[b].resize(tables.size());
    for (auto& buf : bufs_[b]) alloc(buf, size_t(1) << (n_ - 1 - b));
  }
}

RoundEngine::~RoundEngine() {
  for (auto& side : bufs_) {
    for (auto& b : side) ::operator delete[](b.data, std::align_val_t(64));
  }
}

// Raw storage, not std::vector: zero-filling hundreds of MB that the first pass overwrites anyway
// would cost a full extra sweep. Fp2 is trivially copyable, so its objects may live in raw storage.
void RoundEngine::alloc(Buffer& b, size_t n) {
  b.data = static_cast<Fp2*>(::operator new[](n * sizeof(Fp2), std::align_val_t(64)));
  b.size = n;
}

void RoundEngine::round_evaluations(std::span<Fp2> out) {
  if (out.size() != d_) throw Error("sumcheck: round output has the wrong size");
  const unsigned round = level_ + (pending_ ? 1 : 0);
  if (round >= n_) throw Error("sumcheck: no round left");
  switch (d_) {
    case 1: return single_ ? run_round<1, true>(out) : run_round<1, false>(out);
    case 2: return single_ ? run_round<2, true>(out) : run_round<2, false>(out);
    case 3: return single_ ? run_round<3, true>(out) : run_round<3, false>(out);
    case 4: return single_ ? run_round<4, true>(out) : run_round<4, false>(out);
    default: throw Error("sumcheck: unsupported degree");
  }
}

template <int D, bool kSingle>
void RoundEngine::run_round(std::span<Fp2> out) {
  const size_t K = inputs_.size();
  if (!pending_) {
    // Round 0 straight from the caller's tables; in the base field when they all are.
    const size_t pairs = size_t(1) << (n_ - 1);
    const bool all_base = std::all_of(inputs_.begin(), inputs_.end(), [](const TableRef& t) { return t.is_base(); });
    if constexpr (kSingle) {
      const Term& term = terms_[0];
      if (all_base) {
        const Fp* src[D];
        for (int m = 0; m < D; ++m) src[m] = inputs_[term.factors[m]].base_data();
        run_single<Fp, D>(pairs, term.coefficient, out, [&](size_t b, size_t e, AccBase (&acc)[D]) {
          for (size_t j = b; j < e; ++j) {
            Fp lo[D], hi[D];
            for (int m = 0; m < D; ++m) {
              lo[m] = src[m][2 * j];
              hi[m] = src[m][2 * j + 1];
            }
            accumulate_single<Fp, D>(lo, hi, acc);
          }
        });
      } else {
        // Some factor in K (e.g. eq in K times base f, g): the base factors multiply in F_p, and
        // only the final product with the K factors touches K.
        int nb = 0, ne = 0;
        const Fp* bsrc[D];
        const Fp2* esrc[D];
        for (int m = 0; m < D; ++m) {
          const TableRef& t = inputs_[term.factors[m]];
          if (t.is_base()) {
            bsrc[nb++] = t.base_data();
          } else {
            esrc[ne++] = t.ext_data();
          }
        }
        run_single<Fp2, D>(pairs, term.coefficient, out, [&](size_t b, size_t e, AccExt (&acc)[D]) {
          for (size_t j = b; j < e; ++j) {
            Fp bv[D][D];
            Fp2 ev[D][D];
            for (int m = 0; m < nb; ++m) line_values<Fp, D>(bsrc[m][2 * j], bsrc[m][2 * j + 1], bv[m]);
            for (int m = 0; m < ne; ++m) line_values<Fp2, D>(esrc[m][2 * j], esrc[m][2 * j + 1], ev[m]);
            for (int p = 0; p < D; ++p) {
              Fp base = nb ? bv[0][p] : Fp::one();
              for (int m = 1; m < nb; ++m) base *= bv[m][p];
              Fp2 ext = ev[0][p];
              for (int m = 1; m < ne; ++m) ext = mul(ext, ev[m][p]);
              acc[p].add_product(ext, base);
            }
          }
        });
      }
    } else if (all_base) {
      std::vector<const Fp*> src(K);
      for (size_t k = 0; k < K; ++k) src[k] = inputs_[k].base_data();
      evaluate_pairs<Fp, D>(pairs, K, terms_, [&](size_t j, Fp* lo, Fp* hi) {
        for (size_t k = 0; k < K; ++k) {
          lo[k] = src[k][2 * j];
          hi[k] = src[k][2 * j + 1];
        }
      }, out);
    } else {
      const TableRef* in = inputs_.data();
      evaluate_pairs<Fp2, D>(pairs, K, terms_, [&](size_t j, Fp2* lo, Fp2* hi) {
        for (size_t k = 0; k < K; ++k) {
          lo[k] = in[k].at(2 * j);
          hi[k] = in[k].at(2 * j + 1);
        }
      }, out);
    }
    return;
  }
  // Bind the pending challenge into level L+1 while evaluating on it.
  const unsigned L = level_;
  const size_t pairs = size_t(1) << (n_ - L - 2);
  const Fp2 r = pending_r_;
  const Fp r1x7 = Fp(Fp2::kNonResidue) * r.c1();
  std::vector<const Fp*> sb(K, nullptr);
  std::vector<const Fp2*> se(K, nullptr);
  std::vector<Fp2*> dst(K);
  for (size_t k = 0; k < K; ++k) {
    if (L == 0) {
      sb[k] = inputs_[k].base_data();
      se[k] = inputs_[k].ext_data();
    } else {
      se[k] = bufs_[(L - 1) & 1][k].data;
    }
    dst[k] = bufs_[L & 1][k].data;
  }
  if constexpr (kSingle) {
    const Term& term = terms_[0];
    const Fp* b_src[D];
    const Fp2* e_src[D];
    Fp2* d_dst[D];
    for (int m = 0; m < D; ++m) {
      b_src[m] = sb[term.factors[m]];
      e_src[m] = se[term.factors[m]];
      d_dst[m] = dst[term.factors[m]];
    }
    run_single<Fp2, D>(pairs, term.coefficient, out, [&](size_t b, size_t e, AccExt (&acc)[D]) {
      const Fp* bs[D];
      const Fp2* es[D];
      Fp2* ds[D];
      for (int m = 0; m < D; ++m) {
        bs[m] = b_src[m];
        es[m] = e_src[m];
        ds[m] = d_dst[m];
      }
      for (size_t j = b; j < e; ++j) {
        Fp2 lo[D], hi[D];
        for (int m = 0; m < D; ++m) {
          if (es[m]) {
            lo[m] = bind_ext(es[m], 4 * j, r, r1x7);
            hi[m] = bind_ext(es[m], 4 * j + 2, r, r1x7);
          } else {
            lo[m] = bind_base(bs[m], 4 * j, r);
            hi[m] = bind_base(bs[m], 4 * j + 2, r);
          }
          ds[m][2 * j] = lo[m];
          ds[m][2 * j + 1] = hi[m];
        }
        accumulate_single<Fp2, D>(lo, hi, acc);
      }
    });
  } else {
    evaluate_pairs<Fp2, D>(pairs, K, terms_, [&](size_t j, Fp2* lo, Fp2* hi) {
      for (size_t k = 0; k < K; ++k) {
        Fp2 a, b;
        if (se[k]) {
          a = bind_ext(se[k], 4 * j, r, r1x7);
          b = bind_ext(se[k], 4 * j + 2, r, r1x7);
        } else {
          a = bind_base(sb[k], 4 * j, r);
          b = bind_base(sb[k], 4 * j + 2, r);
        }
        dst[k][2 * j] = a;
        dst[k][2 * j + 1] = b;
        lo[k] = a;
        hi[k] = b;
      }
    }, out);
  }
  level_ = L + 1;
  pending_ = false;
}

void RoundEngine::bind(Fp2 r) {
  if (pending_) throw Error("sumcheck: bind called twice without a round in between");
  if (level_ >= n_) throw Error("sumcheck: every variable is already bound");
  pending_r_ = r;
  pending_ = true;
}

std::vector<Fp2> RoundEngine::final_evaluations() const {
  const size_t K = inputs_.size();
  std::vector<Fp2> out(K);
  if (n_ == 0) {
    for (size_t k = 0; k < K; ++k) out[k] = inputs_[k].at(0);
    return out;
  }
  if (!pending_ || level_ + 1 != n_) throw Error("sumcheck: final evaluations requested before the last challenge");
  for (size_t k = 0; k < K; ++k) {
    Fp2 lo, hi;
    if (level_ == 0) {
      lo = inputs_[k].at(0);
      hi = inputs_[k].at(1);
    } else {
      const Fp2* s = bufs_[(level_ - 1) & 1][k].data;
      lo = s[0];
      hi = s[1];
    }
    out[k] = lo + pending_r_ * (hi - lo);
  }
  return out;
}

}  // namespace zk::sumcheck::detail
