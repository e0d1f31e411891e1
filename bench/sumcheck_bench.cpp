// Sumcheck prover, whole proofs (transcript included). Wall-clock time: the rounds run on all
// OpenMP threads, so CPU time of the main thread would understate the cost.
#include <benchmark/benchmark.h>

#include <random>

#include "poly/multilinear.hpp"
#include "sumcheck/sumcheck.hpp"
#include "sumcheck/zk_sumcheck.hpp"

namespace zk::sumcheck {
namespace {

std::vector<Fp> random_table(unsigned n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Fp> v(size_t(1) << n);
  for (auto& x : v) x = Fp(rng());
  return v;
}

// sum_x f(x) g(x) over base-field tables: the specialised single-product kernel.
void BM_ProductOfTwoBase(benchmark::State& state) {
  const unsigned n = unsigned(state.range(0));
  auto f = random_table(n, 1), g = random_table(n, 2);
  std::vector<TableRef> tables = {TableRef(f), TableRef(g)};
  std::vector<Term> terms = {Term{Fp2::one(), {0, 1}}};
  const Fp2 sum = compute_sum(tables, terms);
  for (auto _ : state) {
    Transcript tr("bench");
    benchmark::DoNotOptimize(prove(tr, tables, terms, sum));
  }
  state.SetItemsProcessed(state.iterations() * (int64_t(1) << n));
}

// The same sum split into two terms, which forces the generic kernel (for comparison).
void BM_ProductOfTwoBaseGeneric(benchmark::State& state) {
  const unsigned n = unsigned(state.range(0));
  auto f = random_table(n, 1), g = random_table(n, 2);
  std::vector<TableRef> tables = {TableRef(f), TableRef(g)};
  std::vector<Term> terms = {Term{Fp2(Fp(3)), {0, 1}}, Term{Fp2(Fp(5)), {0, 1}}};
  const Fp2 sum = compute_sum(tables, terms);
  for (auto _ : state) {
    Transcript tr("bench");
    benchmark::DoNotOptimize(prove(tr, tables, terms, sum));
  }
  state.SetItemsProcessed(state.iterations() * (int64_t(1) << n));
}

// sum_x eq(z, x) f(x) g(x): eq in K, f and g in the base field (the Hadamard-product claim).
void BM_EqTimesProduct(benchmark::State& state) {
  const unsigned n = unsigned(state.range(0));
  auto f = random_table(n, 1), g = random_table(n, 2);
  std::vector<Fp2> z(n);
  for (unsigned j = 0; j < n; ++j) z[j] = Fp2(Fp(1000 + j), Fp(77 * j));
  auto eq = eq_table(z);
  std::vector<TableRef> tables = {TableRef(eq), TableRef(f), TableRef(g)};
  std::vector<Term> terms = {Term{Fp2::one(), {0, 1, 2}}};
  const Fp2 sum = compute_sum(tables, terms);
  for (auto _ : state) {
    Transcript tr("bench");
    benchmark::DoNotOptimize(prove(tr, tables, terms, sum));
  }
  state.SetItemsProcessed(state.iterations() * (int64_t(1) << n));
}

void BM_ZkProductOfTwoBase(benchmark::State& state) {
  const unsigned n = unsigned(state.range(0));
  auto f = random_table(n, 1), g = random_table(n, 2);
  std::vector<TableRef> tables = {TableRef(f), TableRef(g)};
  std::vector<Term> terms = {Term{Fp2::one(), {0, 1}}};
  const Fp2 sum = compute_sum(tables, terms);
  for (auto _ : state) {
    Transcript tr("bench");
    MaskPolynomial mask = MaskPolynomial::sample(n, 2);
    benchmark::DoNotOptimize(prove_zk(tr, tables, terms, sum, mask));
  }
  state.SetItemsProcessed(state.iterations() * (int64_t(1) << n));
}

BENCHMARK(BM_ProductOfTwoBase)->Arg(20)->Arg(24)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ProductOfTwoBaseGeneric)->Arg(20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_EqTimesProduct)->Arg(20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ZkProductOfTwoBase)->Arg(20)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace zk::sumcheck
