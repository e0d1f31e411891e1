// The zero-knowledge driver's building blocks (src/circuit/twin_masks.*): sparse twin masks, the
// twin claim as a PCS combination claim, the hiding check, the Libra pool.
#include "circuit/twin_masks.hpp"

#include <gtest/gtest.h>

#include "circuit/protocol.hpp"
#include "field/random.hpp"
#include "poly/multilinear.hpp"

namespace zk::circuit {
namespace {

Fp2 random_point_coordinate() { return random_fp2(); }
std::vector<Fp2> random_point(unsigned n) {
  std::vector<Fp2> p(n);
  for (auto& x : p) x = random_point_coordinate();
  return p;
}

Fp2 mask_table_eval(const TwinMask& m, std::span<const Fp2> point) {
  return evaluate_mle(std::span<const Fp2>(layers::mask_table(m.tensor)), point);
}

// y = 3 x for one input x of `shape`.
layers::IntGraph times_three(const layers::Shape& shape) {
  layers::IntGraph g;
  const int x = g.add_input("x", shape, 0, 1.0, 10);
  layers::IntNode n;
  n.op = "mul_const";
  n.name = "m";
  n.inputs = {x};
  n.attrs = {{"c", {3}}};
  g.outputs = {g.add_node(n, {"y"}, 0, 1.0)};
  return g;
}

// The tensor-shaped mask the layers see is m~(x_low) eq(0, x_high) for the committed coordinates m,
// random on the real entries of the support and zero on padding and above the support.
TEST(TwinMasks, TensorMaskIsTheCommittedSupportTimesEqZero) {
  for (const layers::Shape& shape : {layers::Shape{3, 5}, layers::Shape{2, 3, 7}, layers::Shape{200}, layers::Shape{}}) {
    const unsigned n = layers::mle_layout(shape).num_vars;
    const unsigned t = std::min(n, 4u);
    const TwinMask m = make_twin_mask(shape, t, os_field_source());
    const auto real = twin_mask_support(shape, t);
    size_t nonzero = 0;
    for (size_t y = 0; y < m.coordinate[0].size(); ++y) {
      const bool is_real = std::find(real.begin(), real.end(), y) != real.end();
      const bool zero = m.coordinate[0][y].is_zero() && m.coordinate[1][y].is_zero();
      EXPECT_EQ(zero, !is_real) << "position " << y;
      nonzero += !zero;
    }
    EXPECT_EQ(nonzero, real.size());
    const auto p = random_point(n);
    std::vector<Fp2> committed(m.coordinate[0].size());
    for (size_t y = 0; y < committed.size(); ++y) committed[y] = Fp2(m.coordinate[0][y], m.coordinate[1][y]);
    Fp2 high = Fp2::one();
    for (size_t i = t; i < n; ++i) high *= Fp2::one() - p[i];
    EXPECT_EQ(mask_table_eval(m, p),
              high * evaluate_mle(std::span<const Fp2>(committed), std::span<const Fp2>(p.data(), t)));
  }
}

TEST(TwinMasks, SeededMasksRepeatAndDomainsDiffer) {
  pcs::Seed seed{};
  seed[0] = 7;
  auto a = make_twin_mask({4, 4}, 4, seeded_field_source(seed, 0));
  auto b = make_twin_mask({4, 4}, 4, seeded_field_source(seed, 0));
  auto c = make_twin_mask({4, 4}, 4, seeded_field_source(seed, 1));
  EXPECT_EQ(a.coordinate[0], b.coordinate[0]);
  EXPECT_NE(a.coordinate[0], c.coordinate[0]);
}

// The combination claim of a twin value holds on the committed polynomials exactly when the value
// is (1 - beta) V~(r) + beta M_V~(r).
TEST(TwinMasks, TwinCombinationEvaluatesTheTwin) {
  const layers::Shape shape{5, 6};
  const unsigned n = layers::mle_layout(shape).num_vars, t = 3;
  const TwinMask m = make_twin_mask(shape, t, os_field_source());
  const std::vector<Fp> v = random_fp_vector(size_t(1) << n);
  const auto p = random_point(n);
  const Fp2 beta = random_fp2();
  const Fp2 twin = (Fp2::one() - beta) * evaluate_mle(std::span<const Fp>(v), p) + beta * mask_table_eval(m, p);
  const auto c = twin_combination(0, 1, t, p, beta, twin);
  const std::vector<std::vector<Fp>> polys = {v, m.coordinate[0], m.coordinate[1]};
  Fp2 sum;
  for (const auto& term : c.terms) sum += term.coefficient * evaluate_mle(std::span<const Fp>(polys[term.poly]), term.point);
  EXPECT_EQ(sum, c.value);
  EXPECT_NE(sum, evaluate_mle(std::span<const Fp>(v), p)) << "the claim is not on the plain value";
}

// The hiding check: independent points pass; more points than real support entries, a repeated
// low part (same eq(0, high) factor too) or a point whose high part vanishes do not.
TEST(TwinMasks, HidingCheckCountsIndependentFunctionals) {
  const layers::Shape shape{3, 5};  // padded 4 x 8: 15 of the 32 positions are real
  const unsigned t = 5;
  const auto real = twin_mask_support(shape, t);
  ASSERT_EQ(real.size(), 15u);
  std::vector<std::vector<Fp2>> points;
  for (int i = 0; i < 15; ++i) points.push_back(random_point(5));
  EXPECT_TRUE(twin_claims_hide(points, t, real));
  points.push_back(random_point(5));
  EXPECT_FALSE(twin_claims_hide(points, t, real)) << "16 functionals on 15 entries";
  std::vector<std::vector<Fp2>> twice = {points[0], points[0]};
  EXPECT_FALSE(twin_claims_hide(twice, t, real));
  // A scalar: one entry hides one claim, never two.
  EXPECT_TRUE(twin_claims_hide(std::vector<std::vector<Fp2>>{{}}, 0, twin_mask_support({}, 0)));
  EXPECT_FALSE(twin_claims_hide(std::vector<std::vector<Fp2>>{{}, {}}, 0, twin_mask_support({}, 0)));
}

// The same check through the driver's entry point: a revealed mask functional without a claim
// (conv's M_X(pi)) counts like a claim.
TEST(TwinMasks, RevealsCountAgainstTheMask) {
  const Plan plan = make_plan(times_three({}), {true, true, true});
  const int x = plan.graph.inputs.at(0);
  const ClaimRouting routing = route_claims(plan, true);
  std::vector<layers::TensorClaim> one = {{x, {}, Fp2::one(), Fp2(Fp(5))}};
  EXPECT_NO_THROW(check_twin_claims_hide(plan, routing, one));
  EXPECT_NO_THROW(check_twin_claims_hide(plan, routing, {one[0], one[0]})) << "an exact repeat reveals nothing new";
  EXPECT_THROW(check_twin_claims_hide(plan, routing, {one[0], {x, {}, Fp2::one(), Fp2(Fp(6))}}), Error);
  EXPECT_THROW(check_twin_claims_hide(plan, routing, one, {{x, {}, Fp2(), std::nullopt}}), Error);
}

// Every slot the prover takes is opened by the verifier's weighted claim on the right polynomial.
TEST(LibraPool, TakenMasksOpenAsWeightedClaims) {
  LibraPool pool(make_plan(times_three({16, 16}), {true, true, true}));
  pool.sample();
  for (size_t slot = 0; slot < 8; ++slot) {
    const unsigned vars = 3 + static_cast<unsigned>(slot), degree = 1 + static_cast<unsigned>(slot % 4);
    const auto mask = pool.take(vars, degree);
    const auto point = random_point(vars);
    const sumcheck::MaskClaim claim{vars, degree, point, mask.evaluate(point)};
    const auto w = pool.claim(slot, claim, 10);
    const auto& table = pool.tables().at(w.poly - 10);
    Fp2 sum;
    for (size_t i = 0; i < table.size(); ++i) sum += w.weights[i] * table[i];
    EXPECT_EQ(sum, w.value) << "slot " << slot;
  }
  EXPECT_EQ(pool.used(), 8u);
}

}  // namespace
}  // namespace zk::circuit
