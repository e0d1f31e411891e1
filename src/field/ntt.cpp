#include "field/ntt.hpp"

#include <omp.h>

#include <algorithm>
#include <memory>
#include <mutex>

namespace zk {

namespace {

// Twiddles laid out by layer: table[h + i] = w_{2h}^i for h = 1, 2, 4, ..., i < h. A table for
// 2^k serves every smaller size as its prefix, so one growing table is shared by all transforms.
struct TwiddleTables {
  std::vector<Fp> forward;
  std::vector<Fp> inverse;
};

std::shared_ptr<const TwiddleTables> twiddles_for(size_t n) {
  static std::mutex mutex;
  static std::shared_ptr<const TwiddleTables> cached;
  std::lock_guard<std::mutex> lock(mutex);
  if (cached && cached->forward.size() >= n) return cached;
  auto tables = std::make_shared<TwiddleTables>();
  tables->forward.assign(std::max<size_t>(n, 2), Fp());
  tables->inverse.assign(std::max<size_t>(n, 2), Fp());
  for (size_t h = 1; h < n; h <<= 1) {
    const unsigned log_2h = log2_exact(2 * h);
    const Fp w = Fp::root_of_unity(log_2h);
    const Fp w_inv = w.inverse();
    const int64_t hh = static_cast<int64_t>(h);
    const int64_t chunk = 4096;
#pragma omp parallel for if (h >= 65536) schedule(static)
    for (int64_t start = 0; start < hh; start += chunk) {
      Fp f = w.pow(start), g = w_inv.pow(start);
      for (int64_t i = start; i < std::min(hh, start + chunk); ++i) {
        tables->forward[h + i] = f;
        tables->inverse[h + i] = g;
        f *= w;
        g *= w_inv;
      }
    }
  }
  cached = tables;
  return cached;
}

// Blocks of this many elements (128 KiB) finish all their small layers inside the L2 cache.
constexpr size_t kCacheBlock = 1 << 14;

inline void dif_layer_range(Fp* a, size_t h, const Fp* tw, size_t block_begin, size_t block_end) {
  for (size_t j = block_begin; j < block_end; j += 2 * h) {
    for (size_t i = 0; i < h; ++i) {
      Fp u = a[j + i], v = a[j + i + h];
      a[j + i] = u + v;
      a[j + i + h] = (u - v) * tw[h + i];
    }
  }
}

inline void dit_layer_range(Fp* a, size_t h, const Fp* tw, size_t block_begin, size_t block_end) {
  for (size_t j = block_begin; j < block_end; j += 2 * h) {
    for (size_t i = 0; i < h; ++i) {
      Fp u = a[j + i], v = a[j + i + h] * tw[h + i];
      a[j + i] = u + v;
      a[j + i + h] = u - v;
    }
  }
}

}  // namespace

unsigned log2_exact(size_t n) {
  if (n == 0 || (n & (n - 1)) != 0) throw Error("size " + std::to_string(n) + " is not a power of two");
  return static_cast<unsigned>(__builtin_ctzll(n));
}

uint64_t bit_reverse(uint64_t i, unsigned bits) {
  if (bits == 0) return 0;
  // Swap halves, then quarters, ..., then single bits; the top `bits` bits hold the answer.
  i = (i >> 32) | (i << 32);
  i = ((i >> 16) & 0x0000FFFF0000FFFFULL) | ((i & 0x0000FFFF0000FFFFULL) << 16);
  i = ((i >> 8) & 0x00FF00FF00FF00FFULL) | ((i & 0x00FF00FF00FF00FFULL) << 8);
  i = ((i >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((i & 0x0F0F0F0F0F0F0F0FULL) << 4);
  i = ((i >> 2) & 0x3333333333333333ULL) | ((i & 0x3333333333333333ULL) << 2);
  i = ((i >> 1) & 0x5555555555555555ULL) | ((i & 0x5555555555555555ULL) << 1);
  return i >> (64 - bits);
}

void bit_reverse_permute(std::span<Fp> values) {
  const unsigned bits = log2_exact(values.size());
  const int64_t n = static_cast<int64_t>(values.size());
#pragma omp parallel for if (n >= (1 << 16)) schedule(static)
  for (int64_t i = 0; i < n; ++i) {
    const int64_t j = static_cast<int64_t>(bit_reverse(i, bits));
    if (i < j) std::swap(values[i], values[j]);
  }
}

void ntt_dif(std::span<Fp> values) {
  const size_t n = values.size();
  if (n <= 1) return;
  log2_exact(n);
  auto tables = twiddles_for(n);
  const Fp* tw = tables->forward.data();
  Fp* a = values.data();
  // Large layers: one pass over the whole vector each.
  size_t h = n / 2;
  // Pairs of large layers (h, h/2) are fused into one radix-4 pass: each pass streams the whole
  // vector through memory once instead of twice, and the vector is far larger than the caches.
  for (; h >= 2 * kCacheBlock; h >>= 2) {
    const size_t quarter = h / 2;
    const unsigned log_q = static_cast<unsigned>(__builtin_ctzll(quarter));
    const int64_t groups = static_cast<int64_t>(n / 4);
#pragma omp parallel for schedule(static)
    for (int64_t g = 0; g < groups; ++g) {
      const size_t i = static_cast<size_t>(g) & (quarter - 1);
      const size_t j = (static_cast<size_t>(g) >> log_q) << (log_q + 2);
      Fp* x = a + j + i;
      const Fp x0 = x[0], x1 = x[quarter], x2 = x[h], x3 = x[h + quarter];
      // Layer h: (x0, x2) and (x1, x3).
      const Fp y0 = x0 + x2, y2 = (x0 - x2) * tw[h + i];
      const Fp y1 = x1 + x3, y3 = (x1 - x3) * tw[h + quarter + i];
      // Layer h/2: (y0, y1) and (y2, y3), same twiddle.
      const Fp t = tw[quarter + i];
      x[0] = y0 + y1;
      x[quarter] = (y0 - y1) * t;
      x[h] = y2 + y3;
      x[h + quarter] = (y2 - y3) * t;
    }
  }
  for (; h >= kCacheBlock; h >>= 1) {
    // One parallel region per layer over all n/2 butterflies; h is a power of two, so the block
    // and offset of butterfly q come from a shift and a mask.
    const unsigned log_h = static_cast<unsigned>(__builtin_ctzll(h));
    const int64_t pairs = static_cast<int64_t>(n / 2);
#pragma omp parallel for schedule(static)
    for (int64_t q = 0; q < pairs; ++q) {
      const size_t i = static_cast<size_t>(q) & (h - 1);
      const size_t j = (static_cast<size_t>(q) >> log_h) << (log_h + 1);
      Fp u = a[j + i], v = a[j + i + h];
      a[j + i] = u + v;
      a[j + i + h] = (u - v) * tw[h + i];
    }
  }
  // Small layers: each cache block runs to completion.
  const size_t block = std::min(n, kCacheBlock);
  const int64_t blocks = static_cast<int64_t>(n / block);
#pragma omp parallel for if (blocks > 1) schedule(static)
  for (int64_t b = 0; b < blocks; ++b) {
    for (size_t hh = std::min(h, block / 2); hh >= 1; hh >>= 1) {
      dif_layer_range(a, hh, tw, b * block, (b + 1) * block);
    }
  }
}

void intt_dit(std::span<Fp> values) {
  const size_t n = values.size();
  if (n <= 1) return;
  log2_exact(n);
  auto tables = twiddles_for(n);
  const Fp* tw = tables->inverse.data();
  Fp* a = values.data();
  const size_t block = std::min(n, kCacheBlock);
  const int64_t blocks = static_cast<int64_t>(n / block);
#pragma omp parallel for if (blocks > 1) schedule(static)
  for (int64_t b = 0; b < blocks; ++b) {
    for (size_t hh = 1; hh < block; hh <<= 1) dit_layer_range(a, hh, tw, b * block, (b + 1) * block);
  }
  for (size_t h = block; h < n; h <<= 1) {
    const unsigned log_h = static_cast<unsigned>(__builtin_ctzll(h));
    const int64_t pairs = static_cast<int64_t>(n / 2);
#pragma omp parallel for schedule(static)
    for (int64_t q = 0; q < pairs; ++q) {
      const size_t i = static_cast<size_t>(q) & (h - 1);
      const size_t j = (static_cast<size_t>(q) >> log_h) << (log_h + 1);
      Fp u = a[j + i], v = a[j + i + h] * tw[h + i];
      a[j + i] = u + v;
      a[j + i + h] = u - v;
    }
  }
  const Fp n_inv = Fp(n).inverse();
  const int64_t sn = static_cast<int64_t>(n);
#pragma omp parallel for if (n >= (1 << 16)) schedule(static)
  for (int64_t i = 0; i < sn; ++i) a[i] *= n_inv;
}

void ntt(std::span<Fp> values) {
  ntt_dif(values);
  if (values.size() > 1) bit_reverse_permute(values);
}

void intt(std::span<Fp> values) {
  if (values.size() > 1) bit_reverse_permute(values);
  intt_dit(values);
}

namespace {
void multiply_by_powers(std::span<Fp> values, Fp x) {
  const int64_t n = static_cast<int64_t>(values.size());
  const int64_t chunk = 4096;
#pragma omp parallel for if (n >= (1 << 16)) schedule(static)
  for (int64_t start = 0; start < n; start += chunk) {
    Fp f = x.pow(start);
    for (int64_t i = start; i < std::min(n, start + chunk); ++i) {
      values[i] *= f;
      f *= x;
    }
  }
}
}  // namespace

void coset_ntt(std::span<Fp> values, Fp shift) {
  multiply_by_powers(values, shift);
  ntt(values);
}

void coset_intt(std::span<Fp> values, Fp shift) {
  intt(values);
  multiply_by_powers(values, shift.inverse());
}

std::vector<Fp> low_degree_extend_bitrev(std::span<const Fp> coefficients, unsigned log_blowup) {
  const size_t n = coefficients.size();
  const unsigned log_n = log2_exact(n);
  const size_t blowup = size_t(1) << log_blowup;
  std::vector<Fp> out(n * blowup);
  // Slot t*n + i of the bit-reversed length-(n*blowup) domain holds the point
  // w_N^(bitrev_{log_blowup}(t)) * w_n^(bitrev_{log_n}(i)): block t is a coset NTT of size n.
  const Fp w_big = Fp::root_of_unity(log_n + log_blowup);
  for (size_t t = 0; t < blowup; ++t) {
    std::span<Fp> block(out.data() + t * n, n);
    std::copy(coefficients.begin(), coefficients.end(), block.begin());
    if (t != 0) multiply_by_powers(block, w_big.pow(bit_reverse(t, log_blowup)));
    ntt_dif(block);
  }
  return out;
}

}  // namespace zk
