// LogUp-GKR: 2^20 lookups (one column of shape {1024, 1024}, or four of {512, 512}) into the
// range table [0, 2^16). Wall-clock time (OpenMP threads). Multiplicities are timed separately
// from the proof: the driver computes them before committing.
#include <benchmark/benchmark.h>

#include <random>

#include "lookup/logup.hpp"

namespace zk::lookup {
namespace {

struct Setup {
  Table table = Table::range(16);
  std::vector<std::vector<Fp>> data;
  std::vector<Column> columns;
  std::vector<std::vector<int64_t>> shapes;

  Setup(int num_columns, int64_t side) {
    std::mt19937_64 rng(3);
    data.resize(num_columns);
    for (int c = 0; c < num_columns; ++c) {
      data[c].resize(size_t(side * side));
      for (auto& v : data[c]) v = Fp(rng() & 0xFFFF);
      columns.push_back(Column{data[c], {}, {side, side}});
      shapes.push_back({side, side});
    }
  }
};

void BM_Multiplicities(benchmark::State& state) {
  Setup s(1, 1024);
  for (auto _ : state) benchmark::DoNotOptimize(compute_multiplicities(s.table, s.columns));
  state.SetItemsProcessed(state.iterations() * (int64_t(1) << 20));
}

void BM_Prove(benchmark::State& state) {
  Setup s(int(state.range(0)), state.range(1));
  const auto m = compute_multiplicities(s.table, s.columns);
  for (auto _ : state) {
    Transcript t("bench");
    benchmark::DoNotOptimize(prove(s.table, s.columns, m, t));
  }
  state.SetItemsProcessed(state.iterations() * (int64_t(1) << 20));
}

void BM_Verify(benchmark::State& state) {
  Setup s(int(state.range(0)), state.range(1));
  const auto m = compute_multiplicities(s.table, s.columns);
  Transcript tp("bench");
  const LookupProof proof = prove(s.table, s.columns, m, tp).proof;
  state.counters["proof_bytes"] = double(proof.to_bytes().size());
  for (auto _ : state) {
    Transcript t("bench");
    benchmark::DoNotOptimize(verify(s.table, s.shapes, proof, t));
  }
}

BENCHMARK(BM_Multiplicities)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Prove)->Args({1, 1024})->Args({4, 512})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Verify)->Args({1, 1024})->Args({4, 512})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace zk::lookup
