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

// Branch-free field arithmetic for the hot loops. Carries and borrows on random field elements
// are coin flips, so the branches a compiler may emit for Fp's operators mispredict about half
// the time; masks built from the carry flag cost a couple of instructions instead.
namespace bf {
constexpr uint64_t kP = Fp::kModulus, kEps = Fp::kEpsilon;
[[gnu::always_inline]] inline uint64_t mask(unsigned char bit) { return uint64_t(0) - bit; }
// x - p if x >= p, for x < 2^64 (at most one subtraction is ever needed).
[[gnu::always_inline]] inline uint64_t canon(uint64_t x) {
  unsigned long long d;
  unsigned char borrow = _subborrow_u64(0, x, kP, &d);
  return d + (kP & mask(borrow));
}
[[gnu::always_inline]] inline Fp add(Fp a, Fp b) {
  unsigned long long s;
  unsigned char c = _addcarry_u64(0, a.value(), b.value(), &s);
  return Fp::from_raw_unchecked(canon(s + (kEps & mask(c))));  // a + b - 2^64 + eps < p: no 2nd wrap
}
[[gnu::always_inline]] inline Fp sub(Fp a, Fp b) {
  unsigned long long d;
  unsigned char borrow = _subborrow_u64(0, a.value(), b.value(), &d);
  return Fp::from_raw_unchecked(d - (kEps & mask(borrow)));  // wrapped by 2^64; 2^64 - eps = p
}
// The same reduction as Fp::reduce128 (2^64 = eps, 2^96 = -1), with masks.
[[gnu::always_inline]] inline uint64_t reduce(u128 x) {
  const uint64_t lo = uint64_t(x), hi = uint64_t(x >> 64);
  unsigned long long t0, t2;
  unsigned char borrow = _subborrow_u64(0, lo, hi >> 32, &t0);
  t0 -= kEps & mask(borrow);
  const uint64_t t1 = ((hi & kEps) << 32) - (hi & kEps);
  unsigned char carry = _addcarry_u64(0, t0, t1, &t2);
  return canon(t2 + (kEps & mask(carry)));
}
[[gnu::always_inline]] inline Fp mul(Fp a, Fp b) { return Fp::from_raw_unchecked(reduce(u128(a.value()) * b.value())); }
[[gnu::always_inline]] inline Fp2 add(Fp2 a, Fp2 b) { return {add(a.c0(), b.c0()), add(a.c1(), b.c1())}; }
[[gnu::always_inline]] inline Fp2 sub(Fp2 a, Fp2 b) { return {sub(a.c0(), b.c0()), sub(a.c1(), b.c1())}; }
}  // namespace bf

// Below this many pairs a round is cheaper than waking the thread team.
constexpr size_t kParallelThreshold = size_t(1) << 12;
// Pairs are handed out in chunks of this size, dynamically: on a shared machine one descheduled
// thread would otherwise hold up the whole round with a static split.
constexpr size_t kChunk = size_t(1) << 12;

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
  u128 s0 = wide(a.c0(), b.c0()) + u128(bf::reduce(wide(a.c1(), b.c1()))) * Fp2::kNonResidue;
  u128 x = wide(a.c0(), b.c1());
  u128 s1 = x + wide(a.c1(), b.c0());
  Fp wrap = Fp::from_raw_unchecked((uint64_t(1) << 32) & bf::mask(s1 < x));
  return {Fp::from_raw_unchecked(bf::reduce(s0)), bf::sub(Fp::from_raw_unchecked(bf::reduce(s1)), wrap)};
}
[[gnu::always_inline]] inline Fp mul(Fp a, Fp b) { return bf::mul(a, b); }

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
    V diff = bf::sub(hi, lo);
    V cur = bf::add(hi, diff);
    vals[1] = cur;
    for (int p = 2; p < D; ++p) {
      cur = bf::add(cur, diff);
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
    const int t = omp_get_thread_num();
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
    const int64_t chunks = int64_t((pairs + kChunk - 1) / kChunk);
#pragma omp for schedule(dynamic, 1) nowait
    for (int64_t c = 0; c < chunks; ++c) {
      const size_t end = std::min(pairs, size_t(c + 1) * kChunk);
      for (size_t j = size_t(c) * kChunk; j < end; ++j) {
        fetch(j, lo.data(), hi.data());
        for (size_t k = 0; k < num_tables; ++k) line_values<V, D>(lo[k], hi[k], vals.data() + k * D);
        for (size_t i = 0; i < T; ++i) {
          const unsigned count = unsigned(start[i + 1] - start[i]);
          for (int p = 0; p < D; ++p) accumulate_product(fv.data() + start[i], count, p, acc[i * D + p]);
        }
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
[[gnu::always_inline]] inline void accumulate_single(const V (&lo)[D], const V (&hi)[D], AccFor<V> (&acc)[D]) {
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

// body(begin, end, acc) adds pairs [begin, end) into acc[0..D).
template <class V, int D, class Body>
void run_single(size_t pairs, Fp2 coefficient, std::span<Fp2> out, const Body& body) {
  const int threads = threads_for(pairs);
  std::vector<Fp2> partial(size_t(threads) * D);
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    AccFor<V> acc[D];
    const int64_t chunks = int64_t((pairs + kChunk - 1) / kChunk);
#pragma omp for schedule(dynamic, 1) nowait
    for (int64_t c = 0; c < chunks; ++c) body(size_t(c) * kChunk, std::min(pairs, size_t(c + 1) * kChunk), acc);
    for (int p = 0; p < D; ++p) partial[size_t(t) * D + p] = coefficient * acc[p].value();
  }
  sum_partials(partial, threads, D, out);
}

// Binding from a base table costs two base multiplications (r in K times a base difference).
[[gnu::always_inline]] inline Fp2 bind_base(const Fp* s, size_t i, Fp2 r) {
  const Fp lo = s[i], diff = bf::sub(s[i + 1], s[i]);
  return {Fp::from_raw_unchecked(bf::reduce(wide(r.c0(), diff) + lo.value())), bf::mul(r.c1(), diff)};
}
// lo + r (hi - lo) for a K table. With 7 r_1 precomputed each coordinate is a sum of two 128-bit
// products plus lo, folded by one reduction: at most two wraps of 2^128, each worth -2^32.
[[gnu::always_inline]] inline Fp sum2_reduce(u128 a, u128 b, uint64_t extra) {
  const u128 s = a + b;
  uint64_t wraps = s < a;
  const u128 t = s + extra;
  wraps += t < s;
  return bf::sub(Fp::from_raw_unchecked(bf::reduce(t)), Fp::from_raw_unchecked(wraps << 32));
}
[[gnu::always_inline]] inline Fp2 bind_ext(const Fp2* s, size_t i, Fp2 r, Fp r1x7) {
  const Fp2 lo = s[i], d = bf::sub(s[i + 1], s[i]);
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
  skip_level1_ = single_ && n_ >= 3 &&
                 std::all_of(tables.begin(), tables.end(), [](const TableRef& t) { return t.is_base(); });
  // The two largest stored levels (1 and 2, or 2 and 3 when level 1 is skipped); every later level
  // reuses the buffer of the level two above it.
  const unsigned first = skip_level1_ ? 2 : 1;
  for (unsigned l = first; l < first + 2 && l <= n_; ++l) {
    auto& side = bufs_[(l - 1) & 1];
    side.resize(tables.size());
    for (auto& buf : side) alloc(buf, size_t(1) << (n_ - l));
  }
}

RoundEngine::~RoundEngine() {
  for (auto& side : bufs_) {
    for (auto& b : side) ::operator delete[](b.data, std::align_val_t(64));
  }
}

// Raw storage, not std::vector: zero-filling hundreds of MB that the first pass overwrites anyway
// would cost a full extra sweep. Fp2 is trivially copyable, so its objects may live in raw storage.
// (Transparent huge pages were tried: the kernel's zeroing/compaction of 2 MiB pages cost more
// than the 4 KiB faults they saved.)
void RoundEngine::alloc(Buffer& b, size_t n) {
  b.data = static_cast<Fp2*>(::operator new[](n * sizeof(Fp2), std::align_val_t(64)));
  b.size = n;
}

void RoundEngine::round_evaluations(std::span<Fp2> out) {
  if (out.size() != d_) throw Error("sumcheck: round output has the wrong size");
  const unsigned round = level_ + num_pending_;
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
  if (num_pending_ == 0) {
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
              for (int m = 1; m < nb; ++m) base = bf::mul(base, bv[m][p]);
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
  if constexpr (kSingle) {
    if (num_pending_ == 2) return round_two_from_base<D>(out);
  }
  // Bind the pending challenge into level L+1 while evaluating on it; store level L+1 unless it is
  // the skipped level 1.
  const unsigned L = level_;
  const size_t pairs = size_t(1) << (n_ - L - 2);
  const Fp2 r = pending_[0];
  const Fp r1x7 = Fp(Fp2::kNonResidue) * r.c1();
  const bool store = !(skip_level1_ && L == 0);
  std::vector<const Fp*> sb(K, nullptr);
  std::vector<const Fp2*> se(K, nullptr);
  std::vector<Fp2*> dst(K, nullptr);
  for (size_t k = 0; k < K; ++k) {
    if (L == 0) {
      sb[k] = inputs_[k].base_data();
      se[k] = inputs_[k].ext_data();
    } else {
      se[k] = bufs_[(L - 1) & 1][k].data;
    }
    if (store) dst[k] = bufs_[L & 1][k].data;
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
    bool all_ext = true;
    for (int m = 0; m < D; ++m) all_ext = all_ext && e_src[m] != nullptr;
    // Copies into the lambda, so that the compiler need not reload them after every store.
    auto body = [=]<bool kAllExt>(size_t b, size_t e, AccExt (&acc_out)[D]) {
      AccExt acc[D];
      for (int m = 0; m < D; ++m) acc[m] = acc_out[m];
      for (size_t j = b; j < e; ++j) {
        Fp2 lo[D], hi[D];
        for (int m = 0; m < D; ++m) {
          if (kAllExt || e_src[m]) {
            lo[m] = bind_ext(e_src[m], 4 * j, r, r1x7);
            hi[m] = bind_ext(e_src[m], 4 * j + 2, r, r1x7);
          } else {
            lo[m] = bind_base(b_src[m], 4 * j, r);
            hi[m] = bind_base(b_src[m], 4 * j + 2, r);
          }
          if (store) {
            d_dst[m][2 * j] = lo[m];
            d_dst[m][2 * j + 1] = hi[m];
          }
        }
        accumulate_single<Fp2, D>(lo, hi, acc);
      }
      for (int m = 0; m < D; ++m) acc_out[m] = acc[m];
    };
    if (all_ext) {
      run_single<Fp2, D>(pairs, term.coefficient, out,
                         [&](size_t b, size_t e, AccExt (&acc)[D]) { body.template operator()<true>(b, e, acc); });
    } else {
      run_single<Fp2, D>(pairs, term.coefficient, out,
                         [&](size_t b, size_t e, AccExt (&acc)[D]) { body.template operator()<false>(b, e, acc); });
    }
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
  if (store) {
    level_ = L + 1;
    num_pending_ = 0;
  }
}

// Round 2 when level 1 was skipped: level 2 entry q of a base table s is
// sum_{b in {0,1}^2} eq((r_0, r_1), b) s[4q + b], each coordinate four 128-bit products summed
// and reduced once.
template <int D>
void RoundEngine::round_two_from_base(std::span<Fp2> out) {
  const Fp2 r0 = pending_[0], r1 = pending_[1];
  const Fp2 one = Fp2::one();
  const Fp2 w[4] = {(one - r0) * (one - r1), r0 * (one - r1), (one - r0) * r1, r0 * r1};
  const Term& term = terms_[0];
  const Fp* src[D];
  Fp2* dst[D];
  for (int m = 0; m < D; ++m) {
    src[m] = inputs_[term.factors[m]].base_data();
    dst[m] = bufs_[1][term.factors[m]].data;
  }
  auto combine4 = [&w](const Fp* s) {
    uint64_t c[2];
    for (int part = 0; part < 2; ++part) {
      const auto coord = [&](int b) { return part == 0 ? w[b].c0() : w[b].c1(); };
      u128 t = wide(coord(0), s[0]);
      uint64_t wraps = 0;
      for (int b = 1; b < 4; ++b) {
        const u128 x = wide(coord(b), s[b]);
        t += x;
        wraps += t < x;
      }
      c[part] = bf::sub(Fp::from_raw_unchecked(bf::reduce(t)), Fp::from_raw_unchecked(wraps << 32)).value();
    }
    return Fp2(Fp::from_raw_unchecked(c[0]), Fp::from_raw_unchecked(c[1]));
  };
  const size_t pairs = size_t(1) << (n_ - 3);
  run_single<Fp2, D>(pairs, term.coefficient, out, [&](size_t b, size_t e, AccExt (&acc)[D]) {
    for (size_t j = b; j < e; ++j) {
      Fp2 lo[D], hi[D];
      for (int m = 0; m < D; ++m) {
        lo[m] = combine4(src[m] + 8 * j);
        hi[m] = combine4(src[m] + 8 * j + 4);
        dst[m][2 * j] = lo[m];
        dst[m][2 * j + 1] = hi[m];
      }
      accumulate_single<Fp2, D>(lo, hi, acc);
    }
  });
  level_ = 2;
  num_pending_ = 0;
}

void RoundEngine::bind(Fp2 r) {
  if (level_ + num_pending_ >= n_) throw Error("sumcheck: every variable is already bound");
  const unsigned allowed = (skip_level1_ && level_ == 0) ? 2 : 1;
  if (num_pending_ >= allowed) throw Error("sumcheck: bind called twice without a round in between");
  pending_[num_pending_++] = r;
}

std::vector<Fp2> RoundEngine::final_evaluations() const {
  const size_t K = inputs_.size();
  std::vector<Fp2> out(K);
  if (n_ == 0) {
    for (size_t k = 0; k < K; ++k) out[k] = inputs_[k].at(0);
    return out;
  }
  if (num_pending_ != 1 || level_ + 1 != n_) throw Error("sumcheck: final evaluations requested before the last challenge");
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
    out[k] = lo + pending_[0] * (hi - lo);
  }
  return out;
}

}  // namespace zk::sumcheck::detail
