#include <gtest/gtest.h>

#include <random>
#include <set>

#include "common/error.hpp"
#include "poly/multilinear.hpp"
#include "sumcheck/twin.hpp"

namespace zk::sumcheck {
namespace {

std::mt19937_64 rng(23);
Fp2 rand2() { return Fp2(Fp(rng()), Fp(rng())); }
std::vector<Fp> rand_base(size_t n) {
  std::vector<Fp> v(n);
  for (auto& x : v) x = Fp(rng());
  return v;
}

// Tables: 0 public (an "eq"-like weight), 1 and 2 private base-field tables, 3 a private K-valued
// table. Terms: c0 * P*A*B (has a public factor), c1 * A*C (private only: gets (1 - b)), c2 * P.
struct Statement {
  unsigned n;
  std::vector<Fp> pub, a, b;
  std::vector<Fp2> c;
  std::vector<Fp> mask_a, mask_b;
  std::vector<Fp2> mask_c;
  std::vector<Term> terms;
  std::vector<TableRef> tables;
  std::vector<std::optional<TableRef>> masks;
  bool flags[4] = {false, true, true, true};
  Fp2 sum;

  explicit Statement(unsigned n_) : n(n_) {
    const size_t size = size_t(1) << n;
    pub = rand_base(size), a = rand_base(size), b = rand_base(size);
    c.resize(size);
    for (auto& v : c) v = rand2();
    fresh_masks();
    terms = {Term{rand2(), {0, 1, 2}}, Term{rand2(), {1, 3}}, Term{rand2(), {0}}};
    tables = {TableRef(pub), TableRef(a), TableRef(b), TableRef(c)};
    sum = compute_sum(tables, terms);  // the plain sum: masking must not change it
  }
  void fresh_masks() {
    const size_t size = size_t(1) << n;
    mask_a = rand_base(size), mask_b = rand_base(size);
    mask_c.resize(size);
    for (auto& v : mask_c) v = rand2();
    masks = {std::nullopt, TableRef(mask_a), TableRef(mask_b), TableRef(mask_c)};
  }
  std::span<const bool> is_private() const { return {flags, 4}; }
  unsigned degree() const { return twin_degree(terms, is_private()); }

  TwinProverOutput prove(const MaskPolynomial& g, Fp2 claimed) const {
    Transcript tr("twin-test");
    return prove_twin(tr, tables, masks, terms, claimed, g);
  }
  // The verifier: rounds, then the final check with received twin values and its own public ones,
  // then the mask opening (here: direct evaluation of g).
  void verify(const TwinProverOutput& out, Fp2 claimed, std::vector<Fp2> received, const MaskPolynomial& g) const {
    Transcript tr("twin-test");
    ZkClaim claim = verify_twin(tr, n, degree(), claimed, out.proof);
    const std::vector<Fp2> r(claim.point.begin() + 1, claim.point.end());
    received[0] = evaluate_mle(std::span<const Fp>(pub), r);
    check_final_twin(claim, received, is_private(), terms);
    if (g.evaluate(claim.mask.point) != claim.mask.value) throw VerifyError("mask opening");
  }
};

TEST(TwinSumcheck, DegreeCountsTheOneMinusBFactor) {
  Statement s(3);
  EXPECT_EQ(s.degree(), 3u);  // P*A*B: 3; A*C + (1 - b): 3
  const bool all_private[2] = {true, true};
  const std::vector<Term> four{Term{Fp2::one(), {0, 1, 0, 1}}};
  EXPECT_THROW(twin_degree(four, all_private), Error);
  const bool one_public[2] = {false, true};
  EXPECT_EQ(twin_degree(four, one_public), 4u);
}

TEST(TwinSumcheck, HonestProofVerifiesAndTwinValuesArePadded) {
  for (unsigned n : {0u, 1u, 4u, 7u}) {
    Statement s(n);
    MaskPolynomial g = MaskPolynomial::sample(n + 1, s.degree());
    TwinProverOutput out = s.prove(g, s.sum);
    ASSERT_EQ(out.point.size(), n + 1);
    const Fp2 beta = out.point[0];
    const std::vector<Fp2> r(out.point.begin() + 1, out.point.end());
    // Private evaluations are (1 - beta) F(r) + beta M(r); the public one is P(r).
    EXPECT_EQ(out.table_evaluations[1],
              (Fp2::one() - beta) * evaluate_mle(std::span<const Fp>(s.a), r) +
                  beta * evaluate_mle(std::span<const Fp>(s.mask_a), r));
    EXPECT_EQ(out.table_evaluations[3], (Fp2::one() - beta) * evaluate_mle(std::span<const Fp2>(s.c), r) +
                                            beta * evaluate_mle(std::span<const Fp2>(s.mask_c), r));
    EXPECT_EQ(out.table_evaluations[0], evaluate_mle(std::span<const Fp>(s.pub), r));
    EXPECT_NO_THROW(s.verify(out, s.sum, out.table_evaluations, g)) << "n=" << n;
  }
}

TEST(TwinSumcheck, RejectsAWrongSum) {
  Statement s(5);
  MaskPolynomial g = MaskPolynomial::sample(6, s.degree());
  const Fp2 wrong = s.sum + Fp2::one();
  TwinProverOutput out = s.prove(g, wrong);
  EXPECT_THROW(s.verify(out, wrong, out.table_evaluations, g), VerifyError);
}

TEST(TwinSumcheck, RejectsALyingTwinValue) {
  Statement s(5);
  MaskPolynomial g = MaskPolynomial::sample(6, s.degree());
  TwinProverOutput out = s.prove(g, s.sum);
  for (size_t i : {1u, 2u, 3u}) {
    auto lie = out.table_evaluations;
    lie[i] += Fp2::one();
    EXPECT_THROW(s.verify(out, s.sum, lie, g), VerifyError) << "table " << i;
  }
}

TEST(TwinSumcheck, RejectsATamperedRoundOrMaskValue) {
  Statement s(4);
  MaskPolynomial g = MaskPolynomial::sample(5, s.degree());
  TwinProverOutput out = s.prove(g, s.sum);
  for (size_t round = 0; round < out.proof.rounds.size(); ++round) {
    TwinProverOutput bad = out;
    bad.proof.rounds[round][0] += Fp2::one();
    EXPECT_THROW(s.verify(bad, s.sum, bad.table_evaluations, g), VerifyError) << "round " << round;
  }
  TwinProverOutput bad = out;
  bad.proof.mask_evaluation += Fp2::one();
  EXPECT_THROW(s.verify(bad, s.sum, bad.table_evaluations, g), VerifyError);
}

// A prover that cheats in the b = 1 half: it claims the sum of the masked slice (the slice the
// (1 - b) weight kills) instead of the real one. The real-slice relation is what is checked.
TEST(TwinSumcheck, TheMaskSliceCannotReplaceTheRealSlice) {
  Statement s(4);
  // Swap tables and masks: then the "real" slice is the mask, and its sum differs from s.sum.
  std::swap(s.a, s.mask_a);
  s.tables[1] = TableRef(s.a);
  s.masks[1] = TableRef(s.mask_a);
  MaskPolynomial g = MaskPolynomial::sample(5, s.degree());
  TwinProverOutput out = s.prove(g, s.sum);
  EXPECT_THROW(s.verify(out, s.sum, out.table_evaluations, g), VerifyError);
}

// Hiding: with the private tables fixed, fresh masks and a fresh g give fresh twin values and round
// messages every time; and the twin values do not reveal F(r) (they differ from it).
TEST(TwinSumcheck, FreshMasksGiveFreshMessages) {
  Statement s(6);
  std::set<uint64_t> twin_values, round_values;
  const int runs = 40;
  for (int i = 0; i < runs; ++i) {
    s.fresh_masks();
    MaskPolynomial g = MaskPolynomial::sample(7, s.degree());
    TwinProverOutput out = s.prove(g, s.sum);
    twin_values.insert(out.table_evaluations[1].c0().value());
    round_values.insert(out.proof.rounds[2][0].c0().value());
    const std::vector<Fp2> r(out.point.begin() + 1, out.point.end());
    EXPECT_NE(out.table_evaluations[1], evaluate_mle(std::span<const Fp>(s.a), r));
    EXPECT_NO_THROW(s.verify(out, s.sum, out.table_evaluations, g));
  }
  EXPECT_EQ(twin_values.size(), size_t(runs));
  EXPECT_EQ(round_values.size(), size_t(runs));
}

// Statistical: the low bits of a private table's twin value over many runs with a FIXED table are
// spread over all 16 buckets like uniform values (chi-square, 15 degrees of freedom, p < 1e-4
// threshold 44.3). A plain evaluation would repeat (the point is fixed by the transcript only when
// the messages repeat, which they do not), so the test also checks the mask does its job.
TEST(TwinSumcheck, TwinValuesLookUniform) {
  Statement s(5);
  const int runs = 800;
  int buckets[16] = {};
  for (int i = 0; i < runs; ++i) {
    s.fresh_masks();
    MaskPolynomial g = MaskPolynomial::sample(6, s.degree());
    TwinProverOutput out = s.prove(g, s.sum);
    ++buckets[out.table_evaluations[2].c0().value() & 15];
  }
  double chi2 = 0;
  const double expected = runs / 16.0;
  for (int k : buckets) chi2 += (k - expected) * (k - expected) / expected;
  EXPECT_LT(chi2, 44.3);
}

}  // namespace
}  // namespace zk::sumcheck
