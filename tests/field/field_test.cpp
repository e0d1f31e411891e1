// Field arithmetic checked against a plain 128-bit modular reference.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "field/batch.hpp"
#include "field/extension.hpp"

namespace zk {
namespace {

constexpr uint64_t P = Fp::kModulus;
using u128 = unsigned __int128;

uint64_t ref_add(uint64_t a, uint64_t b) { return static_cast<uint64_t>((u128(a) + b) % P); }
uint64_t ref_sub(uint64_t a, uint64_t b) { return static_cast<uint64_t>((u128(a) + P - b) % P); }
uint64_t ref_mul(uint64_t a, uint64_t b) { return static_cast<uint64_t>((u128(a) * b) % P); }
uint64_t ref_pow(uint64_t a, uint64_t e) {
  uint64_t r = 1;
  while (e) {
    if (e & 1) r = ref_mul(r, a);
    a = ref_mul(a, a);
    e >>= 1;
  }
  return r;
}

std::vector<uint64_t> sample_values() {
  std::vector<uint64_t> v = {0, 1, 2, P - 1, P - 2, 1ULL << 32, (1ULL << 32) - 1, (1ULL << 32) + 1,
                             1ULL << 63, (1ULL << 63) - 1, P / 2, P / 2 + 1, 0xFFFFFFFFULL << 32};
  std::mt19937_64 rng(12345);
  for (int i = 0; i < 2000; ++i) v.push_back(rng() % P);
  for (int i = 0; i < 200; ++i) v.push_back(P - 1 - (rng() & 0xFFFF));  // near the modulus
  for (int i = 0; i < 200; ++i) v.push_back(rng() & 0xFFFFFFFF);       // small values
  return v;
}

TEST(Goldilocks, ArithmeticMatchesBigIntegerReference) {
  auto values = sample_values();
  std::mt19937_64 rng(7);
  for (uint64_t a : values) {
    for (int k = 0; k < 8; ++k) {
      uint64_t b = values[rng() % values.size()];
      EXPECT_EQ((Fp(a) + Fp(b)).value(), ref_add(a, b)) << a << " + " << b;
      EXPECT_EQ((Fp(a) - Fp(b)).value(), ref_sub(a, b)) << a << " - " << b;
      EXPECT_EQ((Fp(a) * Fp(b)).value(), ref_mul(a, b)) << a << " * " << b;
    }
    EXPECT_EQ((-Fp(a)).value(), ref_sub(0, a));
  }
}

TEST(Goldilocks, ConstructorReducesNonCanonicalValues) {
  EXPECT_EQ(Fp(P).value(), 0u);
  EXPECT_EQ(Fp(P + 5).value(), 5u);
  EXPECT_EQ(Fp(~0ULL).value(), ~0ULL - P);
  EXPECT_THROW(Fp::from_canonical(P), Error);
  EXPECT_EQ(Fp::from_canonical(P - 1).value(), P - 1);
}

TEST(Goldilocks, Reduce128MatchesReferenceOnExtremes) {
  std::mt19937_64 rng(99);
  std::vector<u128> xs = {0, u128(P), u128(P) * P, ~u128(0), (u128(1) << 64), (u128(1) << 96),
                          (u128(1) << 127), (u128(P - 1) * (P - 1))};
  for (int i = 0; i < 1000; ++i) xs.push_back((u128(rng()) << 64) | rng());
  for (u128 x : xs) EXPECT_EQ(Fp::reduce128(x), static_cast<uint64_t>(x % P));
}

TEST(Goldilocks, SignedConversionRoundTrips) {
  for (int64_t v : {int64_t(0), int64_t(1), int64_t(-1), int64_t(123456789), int64_t(-987654321),
                    INT64_MAX / 4, -(INT64_MAX / 4), int64_t(1) << 62, -(int64_t(1) << 62)}) {
    EXPECT_EQ(Fp::from_signed(v).to_signed(), v);
  }
  EXPECT_EQ(Fp::from_signed(-1).value(), P - 1);
  EXPECT_EQ(Fp::from_signed(INT64_MIN).value(), ref_sub(0, static_cast<uint64_t>(1) << 63));
}

TEST(Goldilocks, PowAndInverse) {
  auto values = sample_values();
  for (size_t i = 0; i < 300; ++i) {
    uint64_t a = values[i];
    uint64_t e = values[values.size() - 1 - i];
    EXPECT_EQ(Fp(a).pow(e).value(), ref_pow(a, e));
    if (a % P != 0) {
      EXPECT_EQ((Fp(a) * Fp(a).inverse()).value(), 1u);
      EXPECT_EQ(Fp(a).inverse().value(), ref_pow(a, P - 2));
    }
  }
  EXPECT_THROW(Fp::zero().inverse(), Error);
}

TEST(Goldilocks, RootsOfUnityHaveExactOrder) {
  for (unsigned k : {1u, 2u, 5u, 16u, 26u, 32u}) {
    Fp w = Fp::root_of_unity(k);
    EXPECT_EQ(w.pow(1ULL << k), Fp::one());
    EXPECT_NE(w.pow(1ULL << (k - 1)), Fp::one());
  }
  EXPECT_THROW(Fp::root_of_unity(33), Error);
}

// Reference extension arithmetic on raw integers: (a0 + a1 X)(b0 + b1 X) with X^2 = 7.
TEST(Extension, ArithmeticMatchesBigIntegerReference) {
  auto values = sample_values();
  std::mt19937_64 rng(3);
  for (int i = 0; i < 3000; ++i) {
    uint64_t a0 = values[rng() % values.size()], a1 = values[rng() % values.size()];
    uint64_t b0 = values[rng() % values.size()], b1 = values[rng() % values.size()];
    Fp2 a{Fp{a0}, Fp{a1}}, b{Fp{b0}, Fp{b1}};
    Fp2 m = a * b;
    EXPECT_EQ(m.c0().value(), ref_add(ref_mul(a0, b0), ref_mul(7, ref_mul(a1, b1))));
    EXPECT_EQ(m.c1().value(), ref_add(ref_mul(a0, b1), ref_mul(a1, b0)));
    Fp2 s = a + b, d = a - b;
    EXPECT_EQ(s.c0().value(), ref_add(a0, b0));
    EXPECT_EQ(s.c1().value(), ref_add(a1, b1));
    EXPECT_EQ(d.c0().value(), ref_sub(a0, b0));
    EXPECT_EQ(d.c1().value(), ref_sub(a1, b1));
    if (!a.is_zero()) {
      EXPECT_EQ(a * a.inverse(), Fp2::one());
    }
  }
  EXPECT_THROW(Fp2::zero().inverse(), Error);
}

TEST(Extension, SevenIsANonResidueSoTheExtensionIsAField) {
  // Euler's criterion: 7^((p-1)/2) = -1.
  EXPECT_EQ(Fp(7).pow((P - 1) / 2), -Fp::one());
}

TEST(Extension, PowMatchesRepeatedMultiplication) {
  Fp2 a(Fp(123456789), Fp(P - 42));
  Fp2 acc = Fp2::one();
  for (uint64_t e = 0; e < 40; ++e) {
    EXPECT_EQ(a.pow(e), acc);
    acc *= a;
  }
  // The multiplicative group of K has order p^2 - 1.
  EXPECT_EQ(a.pow(P - 1).pow(P + 1), Fp2::one());
}

TEST(Batch, BatchInverseMatchesSingleInverses) {
  std::mt19937_64 rng(5);
  std::vector<Fp> v(1000);
  for (auto& x : v) x = Fp(rng() % (P - 1) + 1);
  auto w = v;
  batch_inverse<Fp>(w);
  for (size_t i = 0; i < v.size(); ++i) EXPECT_EQ(w[i], v[i].inverse());
  std::vector<Fp2> e(100);
  for (auto& x : e) x = Fp2(Fp(rng()), Fp(rng() | 1));
  auto f = e;
  batch_inverse<Fp2>(f);
  for (size_t i = 0; i < e.size(); ++i) EXPECT_EQ(f[i], e[i].inverse());
}

TEST(Batch, BatchInverseRejectsZero) {
  std::vector<Fp> v = {Fp(3), Fp(0), Fp(5)};
  EXPECT_THROW(batch_inverse<Fp>(v), Error);
}

TEST(Batch, KernelsMatchScalarLoops) {
  std::mt19937_64 rng(11);
  const size_t n = 100000;
  std::vector<Fp> a(n), b(n);
  std::vector<Fp2> e(n);
  for (size_t i = 0; i < n; ++i) {
    a[i] = Fp(rng());
    b[i] = Fp(rng());
    e[i] = Fp2(Fp(rng()), Fp(rng()));
  }
  Fp dot;
  Fp2 edot;
  for (size_t i = 0; i < n; ++i) {
    dot += a[i] * b[i];
    edot += e[i] * b[i];
  }
  EXPECT_EQ(inner_product(std::span<const Fp>(a), std::span<const Fp>(b)), dot);
  EXPECT_EQ(inner_product(std::span<const Fp2>(e), std::span<const Fp>(b)), edot);
  auto c = a;
  add_into(c, b);
  for (size_t i = 0; i < n; i += 997) EXPECT_EQ(c[i], a[i] + b[i]);
  c = a;
  mul_into(c, b);
  for (size_t i = 0; i < n; i += 997) EXPECT_EQ(c[i], a[i] * b[i]);
  c = a;
  scale_into(c, Fp(77));
  for (size_t i = 0; i < n; i += 997) EXPECT_EQ(c[i], a[i] * Fp(77));
}

}  // namespace
}  // namespace zk
