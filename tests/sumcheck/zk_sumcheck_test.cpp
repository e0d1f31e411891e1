#include <gtest/gtest.h>

#include <random>

#include "common/error.hpp"
#include "poly/multilinear.hpp"
#include "sumcheck/zk_sumcheck.hpp"

namespace zk::sumcheck {
namespace {

std::mt19937_64 rng(11);
Fp2 rand2() { return Fp2(Fp(rng()), Fp(rng())); }

struct Statement {
  unsigned n;
  std::vector<std::vector<Fp>> base;
  std::vector<std::vector<Fp2>> ext;
  std::vector<TableRef> refs;
  std::vector<Term> terms;
  Fp2 sum;

  // Tables 0..degree-1 in the base field, one extension table; two terms sharing tables.
  Statement(unsigned n_, unsigned degree) : n(n_) {
    base.resize(degree, std::vector<Fp>(size_t(1) << n));
    for (auto& t : base)
      for (auto& v : t) v = Fp(rng());
    ext.resize(1, std::vector<Fp2>(size_t(1) << n));
    for (auto& v : ext[0]) v = rand2();
    for (auto& t : base) refs.emplace_back(t);
    refs.emplace_back(ext[0]);
    Term main{rand2(), {}};
    for (uint32_t k = 0; k < degree; ++k) main.factors.push_back(k);
    terms = {main, Term{rand2(), {uint32_t(degree)}}};
    sum = compute_sum(refs, terms);
  }
  unsigned degree() const { return degree_of(terms); }

  ZkProverOutput prove(const MaskPolynomial& mask) const {
    Transcript tr("zk-test");
    tr.absorb("mask commitment (stand-in)", uint64_t(42));
    return prove_zk(tr, refs, terms, sum, mask);
  }
  ZkClaim verify(const ZkProof& proof, Fp2 claimed) const {
    Transcript tr("zk-test");
    tr.absorb("mask commitment (stand-in)", uint64_t(42));
    return verify_zk(tr, n, degree(), claimed, proof);
  }
  // Everything the caller would check, with the mask opening replaced by direct evaluation.
  void check_all(const ZkProof& proof, Fp2 claimed, const std::vector<Fp2>& evals, const MaskPolynomial& mask) const {
    ZkClaim c = verify(proof, claimed);
    check_final_zk(c, evals, terms);
    if (mask.evaluate(c.mask.point) != c.mask.value) throw VerifyError("mask opening");
  }
};

TEST(ZkSumcheck, MaskSumAndEvaluationVector) {
  for (unsigned n : {0u, 1u, 3u, 6u}) {
    for (unsigned d : {1u, 2u, 4u}) {
      MaskPolynomial g = MaskPolynomial::sample(n, d);
      Fp2 brute;
      for (uint64_t x = 0; x < (uint64_t(1) << n); ++x) {
        std::vector<Fp2> point(n);
        for (unsigned j = 0; j < n; ++j) point[j] = Fp2(Fp((x >> j) & 1));
        brute += g.evaluate(point);
      }
      EXPECT_EQ(g.sum(), brute);
      std::vector<Fp2> r(n);
      for (auto& v : r) v = rand2();
      std::vector<Fp2> w = mask_evaluation_vector(r, d);
      ASSERT_EQ(w.size(), g.coefficients().size());
      Fp2 ip;
      for (size_t i = 0; i < w.size(); ++i) ip += w[i] * g.coefficients()[i];
      EXPECT_EQ(ip, g.evaluate(r));
    }
  }
}

TEST(ZkSumcheck, HonestProofsVerify) {
  for (unsigned degree : {1u, 2u, 3u, 4u}) {
    for (unsigned n : {0u, 1u, 2u, 5u, 10u, 14u}) {
      SCOPED_TRACE("degree " + std::to_string(degree) + " n " + std::to_string(n));
      Statement s(n, degree);
      MaskPolynomial g = MaskPolynomial::sample(n, s.degree());
      ZkProverOutput out = s.prove(g);
      EXPECT_EQ(out.mask_evaluation, g.evaluate(out.point));
      for (size_t k = 0; k < s.refs.size(); ++k) {
        Fp2 want = s.refs[k].is_base() ? evaluate_mle(std::span<const Fp>(s.base[k]), out.point)
                                       : evaluate_mle(std::span<const Fp2>(s.ext[0]), out.point);
        EXPECT_EQ(out.table_evaluations[k], want);
      }
      ZkClaim c = s.verify(out.proof, s.sum);
      EXPECT_EQ(c.point, out.point);
      EXPECT_EQ(c.rho, out.rho);
      EXPECT_EQ(c.mask.num_vars, n);
      EXPECT_EQ(c.mask.degree, s.degree());
      EXPECT_NO_THROW(check_final_zk(c, out.table_evaluations, s.terms));
      EXPECT_EQ(c.mask.value, g.evaluate(c.point));
    }
  }
}

TEST(ZkSumcheck, TranscriptsStayInSync) {
  Statement s(6, 3);
  MaskPolynomial g = MaskPolynomial::sample(6, 3);
  Transcript pt("sync"), vt("sync");
  ZkProverOutput out = prove_zk(pt, s.refs, s.terms, s.sum, g);
  verify_zk(vt, 6, 3, s.sum, out.proof);
  EXPECT_EQ(pt.challenge_ext("after"), vt.challenge_ext("after"));
}

TEST(ZkSumcheck, ProofsOfTheSameStatementDiffer) {
  Statement s(6, 2);
  ZkProverOutput a = s.prove(MaskPolynomial::sample(6, 2));
  ZkProverOutput b = s.prove(MaskPolynomial::sample(6, 2));
  EXPECT_NE(a.proof.mask_sum, b.proof.mask_sum);
  for (size_t i = 0; i < 6; ++i) {
    for (size_t p = 0; p < 2; ++p) EXPECT_NE(a.proof.rounds[i][p], b.proof.rounds[i][p]) << i << " " << p;
  }
}

TEST(ZkSumcheckReject, WrongClaimAlteredRoundsLyingEvaluations) {
  Statement s(5, 3);
  MaskPolynomial g = MaskPolynomial::sample(5, 3);
  ZkProverOutput out = s.prove(g);
  EXPECT_NO_THROW(s.check_all(out.proof, s.sum, out.table_evaluations, g));

  EXPECT_THROW(s.check_all(out.proof, s.sum + Fp2::one(), out.table_evaluations, g), VerifyError);

  for (size_t i = 0; i < 5; ++i) {
    for (size_t p = 0; p < 3; ++p) {
      ZkProof t = out.proof;
      t.rounds[i][p] += Fp2::one();
      EXPECT_THROW(s.check_all(t, s.sum, out.table_evaluations, g), VerifyError) << i << " " << p;
    }
  }
  ZkProof wrong_mask_sum = out.proof;
  wrong_mask_sum.mask_sum += Fp2::one();
  EXPECT_THROW(s.check_all(wrong_mask_sum, s.sum, out.table_evaluations, g), VerifyError);

  // A lying g(r) fails the final check even before the caller opens the mask.
  ZkProof lying_mask = out.proof;
  lying_mask.mask_evaluation += Fp2::one();
  {
    ZkClaim c = s.verify(lying_mask, s.sum);
    EXPECT_THROW(check_final_zk(c, out.table_evaluations, s.terms), VerifyError);
  }
  for (size_t k = 0; k < out.table_evaluations.size(); ++k) {
    std::vector<Fp2> evals = out.table_evaluations;
    evals[k] += Fp2::one();
    EXPECT_THROW(s.check_all(out.proof, s.sum, evals, g), VerifyError) << k;
  }
  ZkProof short_proof = out.proof;
  short_proof.rounds.pop_back();
  EXPECT_THROW(s.verify(short_proof, s.sum), VerifyError);
  ZkProof short_round = out.proof;
  short_round.rounds[2].pop_back();
  EXPECT_THROW(s.verify(short_round, s.sum), VerifyError);
}

TEST(ZkSumcheck, MaskShapeMustMatch) {
  Statement s(4, 2);
  Transcript tr("x");
  EXPECT_THROW(prove_zk(tr, s.refs, s.terms, s.sum, MaskPolynomial::sample(3, 2)), Error);
  EXPECT_THROW(prove_zk(tr, s.refs, s.terms, s.sum, MaskPolynomial::sample(4, 3)), Error);
  EXPECT_THROW(MaskPolynomial::from_coefficients(2, 2, std::vector<Fp2>(4)), Error);
}

TEST(ZkSumcheck, SerialisationRoundTripAndTruncation) {
  Statement s(4, 2);
  MaskPolynomial g = MaskPolynomial::sample(4, 2);
  ZkProverOutput out = s.prove(g);
  std::vector<uint8_t> bytes = out.proof.to_bytes();
  ZkProof back = ZkProof::from_bytes(bytes);
  EXPECT_EQ(back.rounds, out.proof.rounds);
  EXPECT_EQ(back.mask_sum, out.proof.mask_sum);
  EXPECT_EQ(back.mask_evaluation, out.proof.mask_evaluation);
  EXPECT_NO_THROW(s.check_all(back, s.sum, out.table_evaluations, g));
  for (size_t len = 0; len < bytes.size(); ++len) {
    EXPECT_THROW(ZkProof::from_bytes(std::span<const uint8_t>(bytes.data(), len)), Error) << len;
  }
}

}  // namespace
}  // namespace zk::sumcheck
