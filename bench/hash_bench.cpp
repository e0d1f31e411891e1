// SHA-256 kernels and Merkle tree building. "Portable" is OpenSSL, which itself uses SHA-NI when
// the CPU has it; run with OPENSSL_ia32cap=":~0x20000000" to see OpenSSL's non-SHA-NI code.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "hash/merkle.hpp"
#include "hash/sha256.hpp"
#include "hash/sha256_detail.hpp"

namespace zk {
namespace {

// Arg 0: the SHA-NI kernel (when present), 1: forced OpenSSL path.
bool select_path(benchmark::State& state) {
  const bool portable = state.range(0) != 0;
  if (!portable && !sha256_hardware_available()) {
    state.SkipWithError("CPU has no SHA extensions");
    return false;
  }
  sha256_force_portable(portable);
  state.SetLabel(portable ? "openssl" : "sha-ni");
  return true;
}

std::vector<Fp> random_values(size_t n) {
  std::mt19937_64 rng(1);
  std::vector<Fp> v(n);
  for (auto& x : v) x = Fp(rng());
  return v;
}

// Latency of one node hash: each call depends on the previous result.
void BM_HashPairChained(benchmark::State& state) {
  if (!select_path(state)) return;
  Digest a{}, b{};
  b[0] = 1;
  for (auto _ : state) {
    a = hash_pair(a, b);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
  sha256_force_portable(false);
}
BENCHMARK(BM_HashPairChained)->Arg(0)->Arg(1);

// Throughput of one Merkle level (independent pairs, single thread): what tree building sees.
void BM_HashPairsLevel(benchmark::State& state) {
  if (!select_path(state)) return;
  const size_t n = size_t(1) << 16;
  std::vector<Digest> in(2 * n), out(n);
  for (size_t i = 0; i < in.size(); ++i) in[i][i % 32] = static_cast<uint8_t>(i);
  for (auto _ : state) {
    detail::hash_pairs_serial(in.data(), n, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
  sha256_force_portable(false);
}
BENCHMARK(BM_HashPairsLevel)->Arg(0)->Arg(1);

// Leaf hashing of 16-element rows (128 bytes), single thread.
void BM_Sha256Leaves128(benchmark::State& state) {
  if (!select_path(state)) return;
  const size_t n = size_t(1) << 14, len = 128;
  std::vector<uint8_t> data(n * len, 0x5a);
  std::vector<Digest> out(n);
  for (auto _ : state) {
    detail::sha256_many_serial(data.data(), len, n, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * n * len);
  sha256_force_portable(false);
}
BENCHMARK(BM_Sha256Leaves128)->Arg(0)->Arg(1);

// Full tree of 2^log_rows rows x 16 Fp, all threads. Args: log_rows, salted, portable.
void BM_MerkleBuild(benchmark::State& state) {
  const size_t rows = size_t(1) << state.range(0);
  const bool salted = state.range(1) != 0;
  const bool portable = state.range(2) != 0;
  if (!portable && !sha256_hardware_available()) {
    state.SkipWithError("CPU has no SHA extensions");
    return;
  }
  sha256_force_portable(portable);
  state.SetLabel(std::string(portable ? "openssl" : "sha-ni") + (salted ? ",salted" : ""));
  auto values = random_values(rows * 16);
  for (auto _ : state) {
    MerkleTree tree(std::span<const Fp>(values), 16, salted);
    benchmark::DoNotOptimize(tree.root());
  }
  state.SetItemsProcessed(state.iterations() * rows);
  sha256_force_portable(false);
}
BENCHMARK(BM_MerkleBuild)
    ->Args({20, 0, 0})
    ->Args({20, 1, 0})
    ->Args({21, 0, 0})
    ->Args({21, 1, 0})
    ->Args({21, 0, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

}  // namespace
}  // namespace zk
