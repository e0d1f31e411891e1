#include <gtest/gtest.h>

#include <random>

#include "poly/multilinear.hpp"
#include "poly/univariate.hpp"

namespace zk {
namespace {

std::mt19937_64 rng(2024);
Fp2 rand2() { return Fp2(Fp(rng()), Fp(rng())); }
std::vector<Fp2> rand_point(size_t n) {
  std::vector<Fp2> r(n);
  for (auto& x : r) x = rand2();
  return r;
}

// Definition-level reference: f(r) = sum_x f(x) eq(r, x), with eq computed per x from its bits.
Fp2 reference_eval(const std::vector<Fp>& f, const std::vector<Fp2>& r) {
  Fp2 acc;
  for (size_t x = 0; x < f.size(); ++x) acc += eq_eval_at_index(r, x) * f[x];
  return acc;
}

TEST(Multilinear, EvaluationMatchesDefinition) {
  for (size_t n : {0u, 1u, 3u, 7u, 14u}) {
    std::vector<Fp> f(size_t(1) << n);
    for (auto& v : f) v = Fp(rng());
    auto r = rand_point(n);
    EXPECT_EQ(evaluate_mle(std::span<const Fp>(f), r), reference_eval(f, r)) << n;
  }
}

TEST(Multilinear, EvaluationAtBooleanPointIsTableEntry) {
  std::vector<Fp> f(32);
  for (auto& v : f) v = Fp(rng());
  for (size_t x = 0; x < 32; ++x) {
    std::vector<Fp2> r(5);
    for (size_t j = 0; j < 5; ++j) r[j] = ((x >> j) & 1) ? Fp2::one() : Fp2::zero();
    EXPECT_EQ(evaluate_mle(std::span<const Fp>(f), r), Fp2(f[x]));
  }
}

TEST(Multilinear, EqTableMatchesPointwiseEq) {
  auto r = rand_point(15);  // large enough for the parallel path
  auto table = eq_table(r);
  for (size_t x = 0; x < table.size(); x += 301) EXPECT_EQ(table[x], eq_eval_at_index(r, x));
  Fp2 sum;
  for (auto v : table) sum += v;
  EXPECT_EQ(sum, Fp2::one());
  auto s = rand_point(15);
  Fp2 direct;
  auto table_s = eq_table(s);
  for (size_t x = 0; x < table.size(); ++x) direct += table[x] * table_s[x];
  EXPECT_EQ(eq_eval(r, s), direct);
}

TEST(Multilinear, FixingVariablesOneByOneGivesTheEvaluation) {
  std::vector<Fp> f(size_t(1) << 15);
  for (auto& v : f) v = Fp(rng());
  auto r = rand_point(15);
  auto t = fix_first_variable(std::span<const Fp>(f), r[0]);
  for (size_t j = 1; j < r.size(); ++j) fix_first_variable_in_place(t, r[j]);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0], reference_eval(f, r));
}

TEST(Multilinear, CoefficientTransformRoundTripsAndAgrees) {
  std::vector<Fp> f(64);
  for (auto& v : f) v = Fp(rng());
  auto c = f;
  evaluations_to_coefficients(c);
  auto r = rand_point(6);
  // Evaluate the monomial form directly: sum_i c_i prod_{j in bits(i)} r_j.
  Fp2 acc;
  for (size_t i = 0; i < c.size(); ++i) {
    Fp2 m = Fp2::one();
    for (size_t j = 0; j < 6; ++j)
      if ((i >> j) & 1) m *= r[j];
    acc += m * c[i];
  }
  EXPECT_EQ(acc, reference_eval(f, r));
  coefficients_to_evaluations(c);
  EXPECT_EQ(c, f);
}

TEST(Multilinear, RejectsMismatchedSizes) {
  std::vector<Fp> f(8);
  EXPECT_THROW(evaluate_mle(std::span<const Fp>(f), rand_point(2)), Error);
  EXPECT_THROW(eq_eval(rand_point(2), rand_point(3)), Error);
}

TEST(Multilinear, PaddingAndLogs) {
  EXPECT_EQ(ceil_log2(1), 0u);
  EXPECT_EQ(ceil_log2(5), 3u);
  EXPECT_EQ(ceil_log2(8), 3u);
  std::vector<Fp> v = {Fp(1), Fp(2), Fp(3)};
  auto p = pad_to_power_of_two(v);
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[3], Fp(0));
  EXPECT_EQ(pad_to_power_of_two(std::span<const Fp>()).size(), 1u);
}

TEST(Univariate, InterpolationRecoversPolynomial) {
  for (size_t d = 0; d <= 8; ++d) {
    auto coeffs = rand_point(d + 1);
    std::vector<Fp2> evals(d + 1);
    for (size_t i = 0; i <= d; ++i) evals[i] = evaluate_polynomial(coeffs, Fp2(Fp(i)));
    Fp2 x = rand2();
    EXPECT_EQ(interpolate_at(evals, x), evaluate_polynomial(coeffs, x));
    EXPECT_EQ(coefficients_from_evaluations(evals), coeffs);
  }
  EXPECT_THROW(interpolate_at(std::span<const Fp2>(), Fp2()), Error);
}

}  // namespace
}  // namespace zk
