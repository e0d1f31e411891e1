// Field and NTT kernels. Throughput counters are elements per second.
#include <benchmark/benchmark.h>

#include <random>

#include "field/batch.hpp"
#include "field/ntt.hpp"

namespace zk {
namespace {

std::vector<Fp> random_fp(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Fp> v(n);
  for (auto& x : v) x = Fp(rng());
  return v;
}

// A dependent chain of 4 interleaved accumulators measures throughput, not latency.
void BM_FpMul(benchmark::State& state) {
  auto v = random_fp(1024, 1);
  for (auto _ : state) {
    Fp a = v[0], b = v[1], c = v[2], d = v[3];
    for (const Fp& x : v) {
      a *= x;
      b *= x;
      c *= x;
      d *= x;
    }
    benchmark::DoNotOptimize(a + b + c + d);
  }
  state.SetItemsProcessed(state.iterations() * 4 * v.size());
}
BENCHMARK(BM_FpMul);

void BM_FpAdd(benchmark::State& state) {
  auto v = random_fp(1024, 2);
  for (auto _ : state) {
    Fp a = v[0], b = v[1], c = v[2], d = v[3];
    for (const Fp& x : v) {
      a += x;
      b += x;
      c += x;
      d += x;
    }
    benchmark::DoNotOptimize(a + b + c + d);
  }
  state.SetItemsProcessed(state.iterations() * 4 * v.size());
}
BENCHMARK(BM_FpAdd);

void BM_Fp2Mul(benchmark::State& state) {
  auto v = random_fp(2048, 3);
  std::vector<Fp2> e(1024);
  for (size_t i = 0; i < e.size(); ++i) e[i] = Fp2(v[2 * i], v[2 * i + 1]);
  for (auto _ : state) {
    Fp2 a = e[0], b = e[1], c = e[2], d = e[3];
    for (const Fp2& x : e) {
      a *= x;
      b *= x;
      c *= x;
      d *= x;
    }
    benchmark::DoNotOptimize(a + b + c + d);
  }
  state.SetItemsProcessed(state.iterations() * 4 * e.size());
}
BENCHMARK(BM_Fp2Mul);

void BM_Fp2Add(benchmark::State& state) {
  auto v = random_fp(2048, 4);
  std::vector<Fp2> e(1024);
  for (size_t i = 0; i < e.size(); ++i) e[i] = Fp2(v[2 * i], v[2 * i + 1]);
  for (auto _ : state) {
    Fp2 a = e[0], b = e[1], c = e[2], d = e[3];
    for (const Fp2& x : e) {
      a += x;
      b += x;
      c += x;
      d += x;
    }
    benchmark::DoNotOptimize(a + b + c + d);
  }
  state.SetItemsProcessed(state.iterations() * 4 * e.size());
}
BENCHMARK(BM_Fp2Add);

void BM_InnerProduct(benchmark::State& state) {
  auto a = random_fp(size_t(1) << 20, 5), b = random_fp(size_t(1) << 20, 6);
  for (auto _ : state) benchmark::DoNotOptimize(inner_product(std::span<const Fp>(a), std::span<const Fp>(b)));
  state.SetItemsProcessed(state.iterations() * a.size());
}
BENCHMARK(BM_InnerProduct)->Unit(benchmark::kMillisecond);

void BM_Ntt(benchmark::State& state) {
  const size_t n = size_t(1) << state.range(0);
  auto v = random_fp(n, 7);
  ntt_dif(v);  // warm the twiddle table outside the timing
  for (auto _ : state) ntt_dif(v);
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_Ntt)->Arg(20)->Arg(24)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Intt(benchmark::State& state) {
  const size_t n = size_t(1) << state.range(0);
  auto v = random_fp(n, 8);
  intt_dit(v);
  for (auto _ : state) intt_dit(v);
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_Intt)->Arg(20)->Arg(24)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_LowDegreeExtension(benchmark::State& state) {
  const size_t n = size_t(1) << state.range(0);
  auto v = random_fp(n, 9);
  for (auto _ : state) benchmark::DoNotOptimize(low_degree_extend_bitrev(v, 1));
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_LowDegreeExtension)->Arg(20)->Arg(24)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace zk
