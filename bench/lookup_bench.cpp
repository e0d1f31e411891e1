// LogUp-GKR: 2^20 lookups (one column of shape {1024, 1024}, or four of {512, 512}) into the
// range table [0, 2^16). Wall-clock time (OpenMP threads). Multiplicities are timed separately
// from the proof: the driver computes them before committing.
#include <benchmark/benchmark.h>

#include <random>

#include "lookup/logup.hpp"
#include "lookup/zk_logup.hpp"

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

// Plain LogUp-GKR against the zero-knowledge LogUp (committed inverses): one column of 2^a
// entries into [0, 2^b) (args a, b). The ZK prover's time includes computing the inverses but not
// committing them (nor the masks), which is the driver's; the masks are random full-size K tables.
struct RangeCheck {
  Table table;
  std::vector<Fp> data;
  std::vector<Column> columns;
  std::vector<std::vector<int64_t>> shapes;
  std::vector<Fp> m;
  std::vector<Fp2> in_mask, h_mask, m_mask, t_mask;
  ZkMasks masks;

  RangeCheck(int64_t lookup_bits, int64_t table_bits)
      : table(Table::range(unsigned(table_bits))), data(size_t(1) << lookup_bits), shapes{{int64_t(1) << lookup_bits}} {
    std::mt19937_64 rng(4);
    for (auto& v : data) v = Fp(rng() & ((uint64_t(1) << table_bits) - 1));
    columns.push_back(Column{data, {}, shapes[0]});
    m = compute_multiplicities(table, columns);
    auto random = [&](size_t n) {
      std::vector<Fp2> t(n);
      for (auto& v : t) v = Fp2(Fp(rng()), Fp(rng()));
      return t;
    };
    in_mask = random(data.size());
    h_mask = random(data.size());
    m_mask = random(m.size());
    t_mask = random(m.size());
    masks = ZkMasks{{std::span<const Fp2>(in_mask)}, {}, m_mask, {h_mask}, t_mask};
  }
  ZkLookupProof prove_zk(Transcript& t) const {
    const ZkChallenges ch = draw_zk_challenges(t, table, shapes);
    const InverseTables inv = inverse_tables(table, columns, m, ch);
    const MaskSource pool = [](unsigned n, unsigned d) { return sumcheck::MaskPolynomial::sample(n, d); };
    return lookup::prove_zk(table, columns, m, inv, masks, ch, pool, t).proof;
  }
};

void BM_ProveRangePlain(benchmark::State& state) {
  const RangeCheck s(state.range(0), state.range(1));
  for (auto _ : state) {
    Transcript t("bench");
    benchmark::DoNotOptimize(prove(s.table, s.columns, s.m, t));
  }
  Transcript t("bench");
  state.counters["proof_bytes"] = double(prove(s.table, s.columns, s.m, t).proof.to_bytes().size());
}

void BM_ProveRangeZk(benchmark::State& state) {
  const RangeCheck s(state.range(0), state.range(1));
  for (auto _ : state) {
    Transcript t("bench");
    benchmark::DoNotOptimize(s.prove_zk(t));
  }
  Transcript t("bench");
  state.counters["proof_bytes"] = double(s.prove_zk(t).to_bytes().size());
}

void BM_VerifyRangeZk(benchmark::State& state) {
  const RangeCheck s(state.range(0), state.range(1));
  Transcript tp("bench");
  const ZkLookupProof proof = s.prove_zk(tp);
  const std::vector<ColumnPrivacy> privacy(1);
  for (auto _ : state) {
    Transcript t("bench");
    const ZkChallenges ch = draw_zk_challenges(t, s.table, s.shapes);
    benchmark::DoNotOptimize(verify_zk(s.table, s.shapes, privacy, ch, proof, t));
  }
}

BENCHMARK(BM_Multiplicities)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Prove)->Args({1, 1024})->Args({4, 512})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Verify)->Args({1, 1024})->Args({4, 512})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ProveRangePlain)->Args({16, 8})->Args({20, 16})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ProveRangeZk)->Args({16, 8})->Args({20, 16})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_VerifyRangeZk)->Args({16, 8})->Args({20, 16})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace zk::lookup
