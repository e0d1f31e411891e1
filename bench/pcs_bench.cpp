// BaseFold PCS at the default parameters: commit, open (one claim), verify, and the proof size.
#include <benchmark/benchmark.h>

#include <memory>

#include "field/random.hpp"
#include "pcs/pcs.hpp"
#include "poly/multilinear.hpp"

namespace {

using namespace zk;
using namespace zk::pcs;

struct Instance {
  std::vector<std::vector<Fp>> polys;
  std::vector<Claim> claims;
  Commitment commitment;
  std::unique_ptr<ProverData> data;
  OpeningProof proof;
};

// One instance per size, built on first use: the 2^24 commit alone takes seconds.
Instance& instance(unsigned log_size, bool hiding) {
  static std::unique_ptr<Instance> cache[2][32];
  auto& slot = cache[hiding][log_size];
  if (!slot) {
    slot = std::make_unique<Instance>();
    PcsParams params;
    params.hiding = hiding;
    slot->polys = {random_fp_vector(size_t(1) << log_size)};
    auto [c, d] = commit(slot->polys, params);
    slot->commitment = c;
    slot->data = std::move(d);
    Claim claim;
    claim.poly = 0;
    for (unsigned i = 0; i < log_size; ++i) claim.point.push_back(random_fp2());
    claim.value = evaluate_mle(std::span<const Fp>(slot->polys[0]), claim.point);
    slot->claims = {claim};
    Transcript t("zkinfer-pcs-bench");
    slot->proof = open(*slot->data, slot->claims, t);
  }
  return *slot;
}

void BM_Commit(benchmark::State& state) {
  const unsigned log_size = state.range(0);
  std::vector<std::vector<Fp>> polys = {random_fp_vector(size_t(1) << log_size)};
  PcsParams params;
  params.hiding = state.range(1);
  for (auto _ : state) {
    auto result = commit(polys, params);
    benchmark::DoNotOptimize(result.first.root);
  }
}

void BM_Open(benchmark::State& state) {
  Instance& inst = instance(state.range(0), state.range(1));
  size_t bytes = 0;
  for (auto _ : state) {
    Transcript t("zkinfer-pcs-bench");
    OpeningProof proof = open(*inst.data, inst.claims, t);
    bytes = serialize(proof).size();
  }
  state.counters["proof_bytes"] = static_cast<double>(bytes);
}

void BM_Verify(benchmark::State& state) {
  Instance& inst = instance(state.range(0), state.range(1));
  for (auto _ : state) {
    Transcript t("zkinfer-pcs-bench");
    verify(inst.commitment, inst.claims, inst.proof, t);
  }
  state.counters["proof_bytes"] = static_cast<double>(serialize(inst.proof).size());
  const SecurityBits bits = security_bits(inst.commitment.params, uint64_t(1) << state.range(0));
  state.counters["bits_conjectured"] = bits.conjectured;
  state.counters["bits_proven"] = bits.proven;
}

// Args: {log2 of the polynomial size, hiding}. Hiding = zero-knowledge openings (docs/pcs.md).
void sizes(benchmark::internal::Benchmark* b) {
  for (int log_size : {16, 20, 22, 24}) {
    for (int hiding : {0, 1}) b->Args({log_size, hiding});
  }
}
BENCHMARK(BM_Commit)->Apply(sizes)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_Open)->Apply(sizes)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_Verify)->Apply(sizes)->Unit(benchmark::kMillisecond);

}  // namespace
