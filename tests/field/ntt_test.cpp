#include <gtest/gtest.h>

#include <random>

#include "field/ntt.hpp"

namespace zk {
namespace {

std::vector<Fp> random_vector(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Fp> v(n);
  for (auto& x : v) x = Fp(rng());
  return v;
}

// O(n^2) reference: evaluations of the polynomial at shift * w^i.
std::vector<Fp> naive_dft(const std::vector<Fp>& a, Fp shift = Fp::one()) {
  const size_t n = a.size();
  Fp w = Fp::root_of_unity(log2_exact(n));
  std::vector<Fp> out(n);
  for (size_t i = 0; i < n; ++i) {
    Fp x = shift * w.pow(i), acc, xp = Fp::one();
    for (size_t j = 0; j < n; ++j) {
      acc += a[j] * xp;
      xp *= x;
    }
    out[i] = acc;
  }
  return out;
}

TEST(Ntt, MatchesNaiveTransformForSmallSizes) {
  for (unsigned log_n = 0; log_n <= 10; ++log_n) {
    auto a = random_vector(size_t(1) << log_n, log_n);
    auto expected = naive_dft(a);
    auto b = a;
    ntt(b);
    EXPECT_EQ(b, expected) << "n = 2^" << log_n;
  }
}

TEST(Ntt, DifOutputIsBitReversed) {
  auto a = random_vector(256, 1);
  auto expected = naive_dft(a);
  auto b = a;
  ntt_dif(b);
  for (size_t i = 0; i < b.size(); ++i) EXPECT_EQ(b[i], expected[bit_reverse(i, 8)]);
}

TEST(Ntt, CosetMatchesNaive) {
  auto a = random_vector(128, 2);
  Fp shift(Fp::kGenerator);
  auto expected = naive_dft(a, shift);
  auto b = a;
  coset_ntt(b, shift);
  EXPECT_EQ(b, expected);
  coset_intt(b, shift);
  EXPECT_EQ(b, a);
}

TEST(Ntt, RoundTripsAcrossCacheBlockBoundary) {
  // 2^16 and 2^17 exceed the in-cache block, exercising the full-pass layers.
  for (unsigned log_n : {1u, 13u, 14u, 15u, 17u}) {
    auto a = random_vector(size_t(1) << log_n, 100 + log_n);
    auto b = a;
    ntt(b);
    intt(b);
    EXPECT_EQ(b, a) << log_n;
    ntt_dif(b);
    intt_dit(b);
    EXPECT_EQ(b, a) << log_n;
  }
}

TEST(Ntt, LargeTransformAgreesWithNaiveAtSampledPoints) {
  const unsigned log_n = 16;
  auto a = random_vector(size_t(1) << log_n, 9);
  auto b = a;
  ntt(b);
  Fp w = Fp::root_of_unity(log_n);
  for (size_t i : {size_t(0), size_t(1), size_t(12345), size_t(65535)}) {
    Fp x = w.pow(i), acc, xp = Fp::one();
    for (Fp c : a) {
      acc += c * xp;
      xp *= x;
    }
    EXPECT_EQ(b[i], acc);
  }
}

TEST(Ntt, LowDegreeExtensionEvaluatesOnTheLargeDomainInBitReversedOrder) {
  for (unsigned log_blowup : {1u, 2u, 3u}) {
    auto coeffs = random_vector(64, log_blowup);
    auto lde = low_degree_extend_bitrev(coeffs, log_blowup);
    auto padded = coeffs;
    padded.resize(64u << log_blowup);
    auto expected = naive_dft(padded);
    const unsigned bits = 6 + log_blowup;
    for (size_t i = 0; i < lde.size(); ++i) EXPECT_EQ(lde[i], expected[bit_reverse(i, bits)]);
  }
}

TEST(Ntt, RejectsNonPowerOfTwoSizes) {
  std::vector<Fp> v(12);
  EXPECT_THROW(ntt(v), Error);
  EXPECT_THROW(intt(v), Error);
}

}  // namespace
}  // namespace zk
