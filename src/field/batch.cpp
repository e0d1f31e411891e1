#include "field/batch.hpp"

#include <omp.h>

namespace zk {

namespace {
constexpr size_t kParallelThreshold = 1 << 14;
}

void add_into(std::span<Fp> dst, std::span<const Fp> src) {
  if (dst.size() != src.size()) throw Error("add_into: size mismatch");
  const int64_t n = static_cast<int64_t>(dst.size());
#pragma omp parallel for if (dst.size() >= kParallelThreshold) schedule(static)
  for (int64_t i = 0; i < n; ++i) dst[i] += src[i];
}

void mul_into(std::span<Fp> dst, std::span<const Fp> src) {
  if (dst.size() != src.size()) throw Error("mul_into: size mismatch");
  const int64_t n = static_cast<int64_t>(dst.size());
#pragma omp parallel for if (dst.size() >= kParallelThreshold) schedule(static)
  for (int64_t i = 0; i < n; ++i) dst[i] *= src[i];
}

void scale_into(std::span<Fp> dst, Fp factor) {
  const int64_t n = static_cast<int64_t>(dst.size());
#pragma omp parallel for if (dst.size() >= kParallelThreshold) schedule(static)
  for (int64_t i = 0; i < n; ++i) dst[i] *= factor;
}

namespace {
// Each product is reduced to < 2^64 and added into a 128-bit accumulator, which holds 2^64 such
// terms without overflow; one final reduction replaces n modular additions.
template <typename Acc, typename A>
Acc dot_chunk(const A* a, const Fp* b, size_t n);

template <>
Fp dot_chunk<Fp, Fp>(const Fp* a, const Fp* b, size_t n) {
  unsigned __int128 acc = 0;
  for (size_t i = 0; i < n; ++i) {
    acc += Fp::reduce128(static_cast<unsigned __int128>(a[i].value()) * b[i].value());
  }
  return Fp::from_raw_unchecked(Fp::reduce128(acc));
}
}  // namespace

Fp inner_product(std::span<const Fp> a, std::span<const Fp> b) {
  if (a.size() != b.size()) throw Error("inner_product: size mismatch");
  const int threads = a.size() >= kParallelThreshold ? omp_get_max_threads() : 1;
  std::vector<Fp> partial(threads);
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    const size_t begin = a.size() * t / nt, end = a.size() * (t + 1) / nt;
    partial[t] = dot_chunk<Fp, Fp>(a.data() + begin, b.data() + begin, end - begin);
  }
  Fp sum;
  for (Fp p : partial) sum += p;
  return sum;
}

Fp2 inner_product(std::span<const Fp2> a, std::span<const Fp> b) {
  if (a.size() != b.size()) throw Error("inner_product: size mismatch");
  const int threads = a.size() >= kParallelThreshold ? omp_get_max_threads() : 1;
  std::vector<Fp2> partial(threads);
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    const size_t begin = a.size() * t / nt, end = a.size() * (t + 1) / nt;
    unsigned __int128 acc0 = 0, acc1 = 0;
    for (size_t i = begin; i < end; ++i) {
      acc0 += Fp::reduce128(static_cast<unsigned __int128>(a[i].c0().value()) * b[i].value());
      acc1 += Fp::reduce128(static_cast<unsigned __int128>(a[i].c1().value()) * b[i].value());
    }
    partial[t] = Fp2(Fp::from_raw_unchecked(Fp::reduce128(acc0)),
                     Fp::from_raw_unchecked(Fp::reduce128(acc1)));
  }
  Fp2 sum;
  for (Fp2 p : partial) sum += p;
  return sum;
}

}  // namespace zk
