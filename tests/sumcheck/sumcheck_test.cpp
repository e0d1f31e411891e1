#include <gtest/gtest.h>

#include <random>

#include "common/error.hpp"
#include "poly/multilinear.hpp"
#include "sumcheck/sumcheck.hpp"

namespace zk::sumcheck {
namespace {

std::mt19937_64 rng(7);
Fp rand1() { return Fp(rng()); }
Fp2 rand2() { return Fp2(Fp(rng()), Fp(rng())); }

// Owns a mix of base and extension tables and hands out TableRefs to them.
struct Tables {
  std::vector<std::vector<Fp>> base;
  std::vector<std::vector<Fp2>> ext;
  std::vector<TableRef> refs;
  std::vector<bool> is_base;

  Tables(unsigned n, const std::vector<bool>& base_flags) : is_base(base_flags) {
    base.reserve(base_flags.size());
    ext.reserve(base_flags.size());
    for (bool b : base_flags) {
      if (b) {
        base.emplace_back(size_t(1) << n);
        for (auto& v : base.back()) v = rand1();
        refs.emplace_back(base.back());
      } else {
        ext.emplace_back(size_t(1) << n);
        for (auto& v : ext.back()) v = rand2();
        refs.emplace_back(ext.back());
      }
    }
  }
  Fp2 evaluate(size_t k, std::span<const Fp2> point) const {
    if (refs[k].is_base()) return evaluate_mle(std::span<const Fp>(refs[k].base_data(), refs[k].size()), point);
    return evaluate_mle(std::span<const Fp2>(refs[k].ext_data(), refs[k].size()), point);
  }
};

Term product_of(std::initializer_list<uint32_t> factors, Fp2 c = Fp2::one()) { return Term{c, factors}; }

// Proves, verifies, checks the final claim and the per-table evaluations, and checks that both
// transcripts end in the same state. Returns the prover's output for further checks.
ProverOutput prove_and_verify(const Tables& t, const std::vector<Term>& terms, unsigned n) {
  const Fp2 sum = compute_sum(t.refs, terms);
  Transcript pt("sumcheck-test"), vt("sumcheck-test");
  ProverOutput out = prove(pt, t.refs, terms, sum);
  EXPECT_EQ(out.proof.rounds.size(), n);
  EXPECT_EQ(out.point.size(), n);
  Claim claim = verify(vt, n, degree_of(terms), sum, out.proof);
  EXPECT_EQ(claim.point, out.point);
  EXPECT_NO_THROW(check_final(claim, out.table_evaluations, terms));
  EXPECT_EQ(combine(out.table_evaluations, terms), claim.expected);
  for (size_t k = 0; k < t.refs.size(); ++k) {
    EXPECT_EQ(out.table_evaluations[k], t.evaluate(k, out.point)) << "table " << k;
  }
  EXPECT_EQ(pt.challenge_ext("after"), vt.challenge_ext("after"));
  return out;
}

TEST(Sumcheck, SingleProductAllDegreesAndSizes) {
  for (unsigned factors = 1; factors <= 4; ++factors) {
    for (unsigned n : {0u, 1u, 2u, 5u, 10u, 16u}) {
      // 0: all base (round 0 in F_p), 1: all in K, 2: alternating (base factors multiplied in F_p).
      for (int mode : {0, 1, 2}) {
        SCOPED_TRACE("factors " + std::to_string(factors) + " n " + std::to_string(n) + " mode " + std::to_string(mode));
        std::vector<bool> flags(factors);
        for (unsigned k = 0; k < factors; ++k) flags[k] = mode == 0 || (mode == 2 && k % 2 == 1);
        Tables t(n, flags);
        Term term{rand2(), {}};
        for (uint32_t k = 0; k < factors; ++k) term.factors.push_back(k);
        prove_and_verify(t, {term}, n);
      }
    }
  }
}

TEST(Sumcheck, SeveralTermsWithSharedTablesMixedFields) {
  for (unsigned n : {0u, 1u, 2u, 5u, 10u, 14u}) {
    SCOPED_TRACE("n " + std::to_string(n));
    Tables t(n, {true, false, true, true, false});
    std::vector<Term> terms = {
        product_of({0, 1}, rand2()),        product_of({1, 2, 3}, rand2()), product_of({4}, rand2()),
        product_of({0, 0, 2, 4}, rand2()),  product_of({3, 3}, rand2()),
    };
    prove_and_verify(t, terms, n);
  }
}

TEST(Sumcheck, SeveralTermsAllBase) {
  for (unsigned n : {1u, 3u, 13u}) {
    Tables t(n, {true, true, true});
    prove_and_verify(t, {product_of({0, 1}, rand2()), product_of({2}, rand2()), product_of({0, 1, 2}, rand2())}, n);
  }
}

TEST(Sumcheck, UnreferencedTableIsStillEvaluated) {
  Tables t(6, {true, false, true});
  prove_and_verify(t, {product_of({0, 2})}, 6);
}

TEST(Sumcheck, EqTimesProduct) {
  for (unsigned n : {1u, 4u, 13u}) {
    std::vector<Fp2> z(n);
    for (auto& v : z) v = rand2();
    std::vector<Fp2> eq = eq_table(z);
    Tables t(n, {true, true});
    t.refs.insert(t.refs.begin(), TableRef(eq));
    t.is_base.insert(t.is_base.begin(), false);
    std::vector<Term> terms = {product_of({0, 1, 2})};
    const Fp2 sum = compute_sum(t.refs, terms);
    Transcript pt("eq"), vt("eq");
    ProverOutput out = prove(pt, t.refs, terms, sum);
    Claim claim = verify(vt, n, 3, sum, out.proof);
    EXPECT_EQ(out.table_evaluations[0], eq_eval(z, claim.point));
    EXPECT_NO_THROW(check_final(claim, out.table_evaluations, terms));
  }
}

struct Fixture {
  Tables t;
  std::vector<Term> terms;
  Fp2 sum;
  ProverOutput out;
  unsigned n;
  Fixture(unsigned n_, std::vector<bool> flags, std::vector<Term> terms_) : t(n_, flags), terms(std::move(terms_)), n(n_) {
    sum = compute_sum(t.refs, terms);
    Transcript pt("reject");
    out = prove(pt, t.refs, terms, sum);
  }
  // verify + check_final with the honest final evaluations unless told otherwise.
  void check(const Proof& proof, Fp2 claimed, const std::vector<Fp2>& evals) const {
    Transcript vt("reject");
    Claim c = verify(vt, n, degree_of(terms), claimed, proof);
    check_final(c, evals, terms);
  }
};

TEST(SumcheckReject, HonestFixturePasses) {
  Fixture f(5, {true, false, true}, {product_of({0, 1, 2}, rand2()), product_of({1}, rand2())});
  EXPECT_NO_THROW(f.check(f.out.proof, f.sum, f.out.table_evaluations));
}

TEST(SumcheckReject, WrongClaimedSum) {
  Fixture f(5, {true, false, true}, {product_of({0, 1, 2}, rand2())});
  EXPECT_THROW(f.check(f.out.proof, f.sum + Fp2::one(), f.out.table_evaluations), VerifyError);
  // A prover that starts from a wrong claim cannot finish either.
  Transcript pt("reject");
  ProverOutput bad = prove(pt, f.t.refs, f.terms, f.sum + Fp2::one());
  EXPECT_THROW(f.check(bad.proof, f.sum + Fp2::one(), bad.table_evaluations), VerifyError);
}

TEST(SumcheckReject, EveryAlteredRoundValue) {
  for (unsigned degree : {1u, 2u, 4u}) {
    Term term{rand2(), {}};
    for (uint32_t k = 0; k < degree; ++k) term.factors.push_back(k);
    Fixture f(4, std::vector<bool>(degree, true), {term});
    for (size_t i = 0; i < f.n; ++i) {
      for (size_t p = 0; p < degree; ++p) {
        Proof tampered = f.out.proof;
        tampered.rounds[i][p] += Fp2(Fp::one(), Fp::zero());
        EXPECT_THROW(f.check(tampered, f.sum, f.out.table_evaluations), VerifyError)
            << "degree " << degree << " round " << i << " value " << p;
        tampered = f.out.proof;
        tampered.rounds[i][p] += Fp2(Fp::zero(), Fp::one());
        EXPECT_THROW(f.check(tampered, f.sum, f.out.table_evaluations), VerifyError);
      }
    }
  }
}

TEST(SumcheckReject, WrongShape) {
  Fixture f(5, {true, true}, {product_of({0, 1})});
  Proof missing_round = f.out.proof;
  missing_round.rounds.pop_back();
  Proof extra_round = f.out.proof;
  extra_round.rounds.push_back(extra_round.rounds.back());
  for (const Proof* p : {&missing_round, &extra_round}) {
    try {
      f.check(*p, f.sum, f.out.table_evaluations);
      ADD_FAILURE() << "accepted a proof with the wrong round count";
    } catch (const VerifyError& e) {
      EXPECT_NE(std::string(e.what()).find("rounds"), std::string::npos) << e.what();
    }
  }
  for (size_t i = 0; i < f.n; ++i) {
    Proof short_round = f.out.proof;
    short_round.rounds[i].pop_back();
    Proof long_round = f.out.proof;
    long_round.rounds[i].push_back(Fp2::one());
    for (const Proof* p : {&short_round, &long_round}) {
      try {
        f.check(*p, f.sum, f.out.table_evaluations);
        ADD_FAILURE() << "accepted a round of the wrong length";
      } catch (const VerifyError& e) {
        EXPECT_NE(std::string(e.what()).find("round " + std::to_string(i)), std::string::npos) << e.what();
      }
    }
  }
}

TEST(SumcheckReject, LyingFinalEvaluation) {
  Fixture f(6, {true, false, true}, {product_of({0, 1}, rand2()), product_of({1, 2}, rand2())});
  for (size_t k = 0; k < 3; ++k) {
    std::vector<Fp2> evals = f.out.table_evaluations;
    evals[k] += Fp2::one();
    EXPECT_THROW(f.check(f.out.proof, f.sum, evals), VerifyError) << "table " << k;
  }
}

TEST(SumcheckReject, ZeroVariables) {
  Fixture f(0, {true, false}, {product_of({0, 1}, rand2())});
  EXPECT_TRUE(f.out.proof.rounds.empty());
  EXPECT_NO_THROW(f.check(f.out.proof, f.sum, f.out.table_evaluations));
  EXPECT_THROW(f.check(f.out.proof, f.sum + Fp2::one(), f.out.table_evaluations), VerifyError);
}

TEST(Sumcheck, MalformedInputIsAnError) {
  std::vector<Fp> a(8), b(4), c(6);
  Transcript tr("x");
  std::vector<TableRef> sizes = {TableRef(a), TableRef(b)};
  EXPECT_THROW(prove(tr, sizes, std::vector<Term>{product_of({0, 1})}, Fp2()), Error);
  std::vector<TableRef> odd = {TableRef(c)};
  EXPECT_THROW(prove(tr, odd, std::vector<Term>{product_of({0})}, Fp2()), Error);
  std::vector<TableRef> one = {TableRef(a)};
  EXPECT_THROW(prove(tr, one, std::vector<Term>{product_of({1})}, Fp2()), Error);
  EXPECT_THROW(prove(tr, one, std::vector<Term>{product_of({0, 0, 0, 0, 0})}, Fp2()), Error);
  EXPECT_THROW(prove(tr, one, std::vector<Term>{}, Fp2()), Error);
  EXPECT_THROW(prove(tr, one, std::vector<Term>{Term{Fp2::one(), {}}}, Fp2()), Error);
}

TEST(SumcheckProof, SerialisationRoundTripAndTruncation) {
  Fixture f(5, {true, true, false}, {product_of({0, 1, 2})});
  std::vector<uint8_t> bytes = f.out.proof.to_bytes();
  EXPECT_EQ(bytes.size(), 8 + 5 * 3 * 16);
  Proof back = Proof::from_bytes(bytes);
  EXPECT_EQ(back.rounds, f.out.proof.rounds);
  EXPECT_NO_THROW(f.check(back, f.sum, f.out.table_evaluations));
  for (size_t len = 0; len < bytes.size(); ++len) {
    EXPECT_THROW(Proof::from_bytes(std::span<const uint8_t>(bytes.data(), len)), Error) << len;
  }
  std::vector<uint8_t> trailing = bytes;
  trailing.push_back(0);
  EXPECT_THROW(Proof::from_bytes(trailing), Error);
  std::vector<uint8_t> non_canonical = bytes;
  for (int i = 0; i < 8; ++i) non_canonical[8 + i] = 0xFF;
  EXPECT_THROW(Proof::from_bytes(non_canonical), Error);
  std::vector<uint8_t> huge = bytes;
  huge[3] = 0x7F;  // round count 2^30
  EXPECT_THROW(Proof::from_bytes(huge), Error);
  Proof empty;
  EXPECT_TRUE(Proof::from_bytes(empty.to_bytes()).rounds.empty());
}

}  // namespace
}  // namespace zk::sumcheck
