#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "field/ntt.hpp"
#include "field/random.hpp"
#include "pcs/fold.hpp"
#include "pcs/pcs.hpp"
#include "poly/multilinear.hpp"
#include "sumcheck/zk_sumcheck.hpp"

namespace zk::pcs {
namespace {

constexpr const char* kLabel = "zkinfer-pcs-test";

PcsParams test_params(bool hiding = false) {
  PcsParams p;  // the defaults, with cheaper grinding so the suite stays fast
  p.pow_bits = 8;
  p.hiding = hiding;
  return p;
}

std::vector<Fp2> random_point(size_t n) {
  std::vector<Fp2> p(n);
  for (auto& v : p) v = random_fp2();
  return p;
}

std::vector<Claim> make_claims(const std::vector<std::vector<Fp>>& polys, size_t per_poly) {
  std::vector<Claim> claims;
  for (size_t j = 0; j < polys.size(); ++j) {
    for (size_t t = 0; t < per_poly; ++t) {
      Claim c;
      c.poly = j;
      c.point = random_point(log2_exact(polys[j].size()));
      c.value = evaluate_mle(std::span<const Fp>(polys[j]), c.point);
      claims.push_back(std::move(c));
    }
  }
  return claims;
}

OpeningProof prove(const ProverData& data, const std::vector<Claim>& claims) {
  Transcript t(kLabel);
  return open(data, claims, t);
}

void check(const Commitment& c, const std::vector<Claim>& claims, const OpeningProof& proof) {
  Transcript t(kLabel);
  verify(c, claims, proof, t);
}

bool rejects(const Commitment& c, const std::vector<Claim>& claims, const OpeningProof& proof) {
  try {
    check(c, claims, proof);
  } catch (const VerifyError&) {
    return true;
  }
  return false;
}

// The fold on codeword symbols equals the fold on coefficients c'_j = c_2j + alpha c_2j+1.
TEST(PcsFold, CodewordFoldMatchesCoefficientFold) {
  for (unsigned k = 1; k <= 4; ++k) {
    const unsigned log_n = 6, rate = 2;
    std::vector<Fp> coeffs = random_fp_vector(size_t(1) << log_n);
    std::vector<Fp> cw = low_degree_extend_bitrev(coeffs, rate);
    std::vector<Fp2> alphas = random_point(k);
    detail::CosetFolder folder(4);
    std::vector<Fp2> folded = detail::fold_layer(std::span<const Fp>(cw), log_n + rate, k, alphas.data(), folder);
    std::vector<Fp2> c(coeffs.begin(), coeffs.end());
    for (unsigned j = 0; j < k; ++j) {
      std::vector<Fp2> next(c.size() / 2);
      for (size_t i = 0; i < next.size(); ++i) next[i] = c[2 * i] + alphas[j] * c[2 * i + 1];
      c = next;
    }
    const unsigned m = log_n + rate - k;
    ASSERT_EQ(folded.size(), size_t(1) << m);
    const Fp w = Fp::root_of_unity(m);
    for (size_t i = 0; i < folded.size(); ++i) {
      EXPECT_EQ(folded[i], detail::evaluate_univariate(c, w.pow(bit_reverse(i, m)))) << "k=" << k << " i=" << i;
    }
  }
}

TEST(PcsFold, MonomialEvaluationMatchesMle) {
  std::vector<Fp> evals = random_fp_vector(32);
  std::vector<Fp2> point = random_point(5);
  std::vector<Fp2> coeffs(evals.begin(), evals.end());
  detail::evaluations_to_coefficients_ext(coeffs);
  EXPECT_EQ(detail::evaluate_monomial_multilinear(coeffs, point), evaluate_mle(std::span<const Fp>(evals), point));
}

TEST(PcsLayout, PacksBySizeAlignedAndPutsMaskOnTop) {
  PcsParams p = test_params(true);
  std::vector<unsigned> vars = {3, 10, 0, 7, 7};
  Layout l = Layout::compute(vars, p);
  uint64_t covered = 0;
  for (size_t i = 0; i < vars.size(); ++i) {
    EXPECT_EQ(l.polys[i].num_vars, vars[i]);
    EXPECT_EQ(l.polys[i].offset % (uint64_t(1) << vars[i]), 0u);
    covered += uint64_t(1) << vars[i];
  }
  ASSERT_TRUE(l.mask.has_value());
  EXPECT_EQ(l.mask->offset + (uint64_t(1) << l.mask->num_vars), uint64_t(1) << l.total_vars);
  EXPECT_GE(l.mask->offset, covered);
  EXPECT_EQ(l.polys[1].offset, 0u);
}

TEST(Pcs, SinglePolynomialAllSizes) {
  for (unsigned n = 0; n <= 20; ++n) {
    if (n > 14 && n % 2) continue;  // keep the suite short; 2^16, 2^18, 2^20 still run
    for (bool hiding : {false, true}) {
      if (n > 16 && hiding) continue;
      std::vector<std::vector<Fp>> polys = {random_fp_vector(size_t(1) << n)};
      auto [c, data] = commit(polys, test_params(hiding));
      auto claims = make_claims(polys, 1);
      OpeningProof proof = prove(*data, claims);
      EXPECT_NO_THROW(check(c, claims, proof)) << "n=" << n << " hiding=" << hiding;
      claims[0].value += Fp2::one();
      EXPECT_TRUE(rejects(c, claims, proof)) << "n=" << n;
    }
  }
}

TEST(Pcs, ParameterVariants) {
  std::vector<std::vector<Fp>> polys = {random_fp_vector(1 << 10), random_fp_vector(1 << 5)};
  for (unsigned rate : {1u, 3u}) {
    for (unsigned k : {1u, 3u, 5u}) {
      for (unsigned fin : {0u, 3u, 16u}) {
        PcsParams p = test_params(rate == 2);
        p.log_inv_rate = rate;
        p.fold_arity_log = k;
        p.final_log_size = fin;
        p.num_queries = 20;
        auto [c, data] = commit(polys, p);
        auto claims = make_claims(polys, 2);
        OpeningProof proof = prove(*data, claims);
        EXPECT_NO_THROW(check(c, claims, proof)) << rate << " " << k << " " << fin;
        claims[3].point[0] += Fp2::one();
        EXPECT_TRUE(rejects(c, claims, proof));
      }
    }
  }
}

class PcsMixed : public ::testing::TestWithParam<bool> {};

TEST_P(PcsMixed, ManyPolynomialsManyClaims) {
  const bool hiding = GetParam();
  std::vector<std::vector<Fp>> polys;
  for (unsigned n : {10u, 3u, 0u, 7u, 7u, 12u, 1u, 15u}) polys.push_back(random_fp_vector(size_t(1) << n));
  auto [c, data] = commit(polys, test_params(hiding));
  auto claims = make_claims(polys, 3);
  OpeningProof proof = prove(*data, claims);
  EXPECT_EQ(proof.mask_value.has_value(), hiding);
  ASSERT_NO_THROW(check(c, claims, proof));

  // Every claim's value matters.
  for (size_t i = 0; i < claims.size(); ++i) {
    auto bad = claims;
    bad[i].value += Fp2(Fp::one(), Fp::zero());
    EXPECT_TRUE(rejects(c, bad, proof)) << "claim " << i;
  }
  // A different point with the old value.
  for (size_t i : {size_t(0), size_t(5), claims.size() - 1}) {
    auto bad = claims;
    if (bad[i].point.empty()) continue;
    bad[i].point.back() += Fp2::one();
    EXPECT_TRUE(rejects(c, bad, proof)) << "claim " << i;
  }
  // A claim moved to another polynomial of the same size.
  {
    auto bad = claims;
    for (auto& cl : bad) {
      if (cl.poly == 3) {
        cl.poly = 4;
        break;
      }
    }
    EXPECT_TRUE(rejects(c, bad, proof));
  }
  // Fewer claims than were proven.
  {
    auto bad = claims;
    bad.pop_back();
    EXPECT_TRUE(rejects(c, bad, proof));
  }
  // Malformed claims are rejected, not indexed.
  {
    auto bad = claims;
    bad[0].point.push_back(Fp2::one());
    EXPECT_TRUE(rejects(c, bad, proof));
    bad = claims;
    bad[0].poly = polys.size();
    EXPECT_TRUE(rejects(c, bad, proof));
  }
  // The same opening against another commitment of the same shape.
  {
    std::vector<std::vector<Fp>> other = polys;
    other[5][17] += Fp::one();
    auto [c2, data2] = commit(other, test_params(hiding));
    EXPECT_TRUE(rejects(c2, claims, proof));
  }
  // Commitment round trip.
  Commitment back = deserialize_commitment(serialize(c));
  EXPECT_EQ(back.root, c.root);
  EXPECT_TRUE(back.layout == c.layout);
  EXPECT_TRUE(back.params == c.params);
  EXPECT_NO_THROW(check(back, claims, deserialize_opening_proof(serialize(proof))));
}

INSTANTIATE_TEST_SUITE_P(HidingAndNot, PcsMixed, ::testing::Bool());

TEST(Pcs, NoClaimsAndSeveralClaimsOnOnePolynomial) {
  for (bool hiding : {false, true}) {
    std::vector<std::vector<Fp>> polys = {random_fp_vector(1 << 12)};
    auto [c, data] = commit(polys, test_params(hiding));
    const std::vector<Claim> none;
    EXPECT_NO_THROW(check(c, none, prove(*data, none)));
    auto claims = make_claims(polys, 3);
    OpeningProof proof = prove(*data, claims);
    EXPECT_NO_THROW(check(c, claims, proof));
    claims[2].value += Fp2::one();
    EXPECT_TRUE(rejects(c, claims, proof));
  }
}

TEST(Pcs, ProverRefusesFalseClaims) {
  for (size_t size : {size_t(256), size_t(1) << 12}) {  // without and with sumcheck rounds
    std::vector<std::vector<Fp>> polys = {random_fp_vector(size)};
    auto [c, data] = commit(polys, test_params());
    auto claims = make_claims(polys, 1);
    claims[0].value += Fp2::one();
    EXPECT_THROW(prove(*data, claims), Error);
  }
}

TEST(Pcs, HidingCommitmentsAreRandomised) {
  std::vector<std::vector<Fp>> polys = {random_fp_vector(64)};
  auto a = commit(polys, test_params(true));
  auto b = commit(polys, test_params(true));
  EXPECT_NE(a.first.root, b.first.root);
  auto x = commit(polys, test_params(false));
  auto y = commit(polys, test_params(false));
  EXPECT_EQ(x.first.root, y.first.root);
}

// The mask sits in the top subcube, so it shifts every codeword symbol by x^(N-2^m) M(x) with M
// random: two hiding commitments to the same data differ at every layer-0 position.
TEST(Pcs, HidingMaskTouchesEveryCodewordSymbol) {
  std::vector<std::vector<Fp>> polys = {random_fp_vector(1 << 10), random_fp_vector(1 << 4)};
  auto a = commit(polys, test_params(true));
  auto b = commit(polys, test_params(true));
  ASSERT_EQ(a.second->codeword.size(), b.second->codeword.size());
  size_t equal = 0;
  for (size_t i = 0; i < a.second->codeword.size(); ++i) equal += a.second->codeword[i] == b.second->codeword[i];
  EXPECT_EQ(equal, 0u);
  // Outside the mask's subcube the packed tables agree.
  const Placement mask = *a.first.layout.mask;
  for (size_t i = 0; i < mask.offset; ++i) ASSERT_EQ(a.second->table[i], b.second->table[i]);
}

// Byte offsets where each section of a serialised proof starts (mirrors serialize.cpp).
std::vector<std::pair<std::string, std::pair<size_t, size_t>>> sections(const OpeningProof& p) {
  std::vector<std::pair<std::string, std::pair<size_t, size_t>>> out;
  size_t pos = 0;
  auto add = [&](const std::string& name, size_t len) {
    if (len) out.push_back({name, {pos, pos + len}});
    pos += len;
  };
  add("magic", 8);
  add("mask flag", 1);
  if (p.mask_value) {
    add("mask root", 32);
    add("mask sum", 16);
  }
  add("sumcheck", 4 + 48 * p.sumcheck.size());
  add("layer roots", 4 + 32 * p.layer_roots.size());
  add("final polynomial", 4 + 16 * p.final_coefficients.size());
  add("pow nonce", 8);
  add("layer 0 rows", 4 + 8 * p.layer0_rows.size());
  if (p.mask_value) add("mask rows", 4 + 8 * p.mask_rows.size());
  add("folded count", 4);
  for (size_t i = 0; i < p.folded_rows.size(); ++i) add("folded rows " + std::to_string(i), 4 + 16 * p.folded_rows[i].size());
  add("merkle count", 4);
  for (size_t i = 0; i < p.merkle.size(); ++i) {
    add("merkle siblings " + std::to_string(i), 4 + 32 * p.merkle[i].siblings.size());
    add("salts " + std::to_string(i), 4 + 32 * p.merkle[i].salts.size());
  }
  if (p.mask_value) {
    add("mask merkle siblings", 4 + 32 * p.mask_merkle.siblings.size());
    add("mask salts", 4 + 32 * p.mask_merkle.salts.size());
  }
  return out;
}

class PcsTamper : public ::testing::TestWithParam<bool> {};

TEST_P(PcsTamper, EveryFlippedByteIsRejected) {
  const bool hiding = GetParam();
  PcsParams params = test_params(hiding);
  params.num_queries = 12;
  params.final_log_size = 4;
  params.fold_arity_log = 3;
  std::vector<std::vector<Fp>> polys = {random_fp_vector(1 << 11), random_fp_vector(1 << 6)};
  auto [c, data] = commit(polys, params);
  auto claims = make_claims(polys, 2);
  OpeningProof proof = prove(*data, claims);
  const std::vector<uint8_t> bytes = serialize(proof);
  ASSERT_NO_THROW(check(c, claims, deserialize_opening_proof(bytes)));
  const auto secs = sections(proof);
  ASSERT_EQ(secs.back().second.second, bytes.size());
  std::mt19937_64 rng(12345);
  size_t tried = 0;
  for (const auto& [name, range] : secs) {
    std::vector<size_t> positions = {range.first, range.second - 1};
    for (int t = 0; t < 40; ++t) positions.push_back(range.first + rng() % (range.second - range.first));
    for (size_t pos : positions) {
      for (uint8_t mask : {uint8_t(0x01), uint8_t(0x80)}) {
        std::vector<uint8_t> bad = bytes;
        bad[pos] ^= mask;
        ++tried;
        OpeningProof parsed;
        try {
          parsed = deserialize_opening_proof(bad);
        } catch (const Error&) {
          continue;  // refusing to parse is a rejection
        }
        bool rejected = false;
        try {
          check(c, claims, parsed);
        } catch (const VerifyError&) {
          rejected = true;
        }
        EXPECT_TRUE(rejected) << "section " << name << " byte " << pos << " mask " << int(mask);
      }
    }
  }
  EXPECT_GT(tried, 500u);
}

TEST_P(PcsTamper, TruncatedProofsAndCommitmentsFailToParse) {
  PcsParams params = test_params(GetParam());
  params.num_queries = 16;
  std::vector<std::vector<Fp>> polys = {random_fp_vector(1 << 12)};
  auto [c, data] = commit(polys, params);
  auto claims = make_claims(polys, 1);
  const std::vector<uint8_t> bytes = serialize(prove(*data, claims));
  const size_t step = std::max<size_t>(1, bytes.size() / 500);
  for (size_t len = 0; len < bytes.size(); len += (len < 64 ? 1 : step)) {
    EXPECT_THROW(deserialize_opening_proof(std::span<const uint8_t>(bytes).first(len)), Error) << len;
  }
  for (size_t len = bytes.size() - 40; len < bytes.size(); ++len) {
    EXPECT_THROW(deserialize_opening_proof(std::span<const uint8_t>(bytes).first(len)), Error) << len;
  }
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0);
  EXPECT_THROW(deserialize_opening_proof(longer), Error);

  const std::vector<uint8_t> cb = serialize(c);
  for (size_t len = 0; len < cb.size(); ++len) {
    EXPECT_THROW(deserialize_commitment(std::span<const uint8_t>(cb).first(len)), Error) << len;
  }
}

INSTANTIATE_TEST_SUITE_P(HidingAndNot, PcsTamper, ::testing::Bool());

TEST(Pcs, HostileLengthsDoNotAllocate) {
  // A proof that claims 2^32 - 1 sumcheck rounds in a few bytes.
  std::vector<uint8_t> bytes = {'Z', 'K', 'P', 'C', 'S', 'P', 'F', 2, 0, 0xFF, 0xFF, 0xFF, 0xFF};
  EXPECT_THROW(deserialize_opening_proof(bytes), Error);
  // A commitment with absurd sizes.
  PcsParams p = test_params();
  auto [c, data] = commit(std::vector<std::vector<Fp>>{random_fp_vector(4)}, p);
  std::vector<uint8_t> cb = serialize(c);
  cb.back() = 40;  // one polynomial of 2^40 entries
  EXPECT_THROW(deserialize_commitment(cb), Error);
}

TEST(Pcs, WrongShapeProofsAreRejected) {
  std::vector<std::vector<Fp>> polys = {random_fp_vector(1 << 14)};
  auto [c, data] = commit(polys, test_params());
  auto claims = make_claims(polys, 1);
  const OpeningProof good = prove(*data, claims);
  std::vector<OpeningProof> bad(8, good);
  bad[0].sumcheck.pop_back();
  bad[1].layer_roots.push_back({});
  bad[2].final_coefficients.push_back(Fp2::one());
  bad[3].layer0_rows.pop_back();
  bad[4].folded_rows.back().push_back(Fp2::one());
  bad[5].merkle.pop_back();
  bad[6].merkle[0].siblings.pop_back();
  bad[7].mask_value = Fp2::one();
  for (size_t i = 0; i < bad.size(); ++i) EXPECT_TRUE(rejects(c, claims, bad[i])) << i;
}

// ---- Claims with weights and linear combinations -------------------------------------------

Fp2 weighted_sum(const std::vector<Fp>& poly, const std::vector<Fp2>& weights) {
  Fp2 sum;
  for (size_t i = 0; i < poly.size(); ++i) sum += weights[i] * poly[i];
  return sum;
}

struct MixedClaims {
  std::vector<Claim> evaluations;
  std::vector<WeightedClaim> weighted;
  std::vector<CombinationClaim> combinations;
  ClaimSet set() const { return {evaluations, weighted, combinations}; }
};

// Weighted claims on every polynomial small enough (some with fewer variables than the sumcheck
// rounds, some with more), and combinations mixing evaluation and weighted terms.
MixedClaims make_mixed_claims(const std::vector<std::vector<Fp>>& polys) {
  MixedClaims m;
  m.evaluations = make_claims(polys, 1);
  for (size_t j = 0; j < polys.size(); ++j) {
    if (log2_exact(polys[j].size()) > kMaxWeightedClaimVars) continue;
    WeightedClaim w;
    w.poly = j;
    w.weights = random_point(polys[j].size());
    w.value = weighted_sum(polys[j], w.weights);
    m.weighted.push_back(std::move(w));
  }
  for (size_t start = 0; start < 2; ++start) {
    CombinationClaim comb;
    comb.value = Fp2::zero();
    for (size_t j = start; j < polys.size(); j += 2) {
      CombinationClaim::Term t;
      t.poly = j;
      t.coefficient = random_fp2();
      Fp2 part;
      if (j % 3 == 2 && log2_exact(polys[j].size()) <= kMaxWeightedClaimVars) {
        t.weights = random_point(polys[j].size());
        part = weighted_sum(polys[j], t.weights);
      } else {
        t.point = random_point(log2_exact(polys[j].size()));
        part = evaluate_mle(std::span<const Fp>(polys[j]), t.point);
      }
      comb.value += t.coefficient * part;
      comb.terms.push_back(std::move(t));
    }
    m.combinations.push_back(std::move(comb));
  }
  return m;
}

bool rejects_set(const Commitment& c, const ClaimSet& claims, const OpeningProof& proof) {
  try {
    Transcript t(kLabel);
    verify(c, claims, proof, t);
  } catch (const VerifyError&) {
    return true;
  }
  return false;
}

class PcsClaimKinds : public ::testing::TestWithParam<bool> {};

TEST_P(PcsClaimKinds, WeightedAndCombinationClaims) {
  const bool hiding = GetParam();
  std::vector<std::vector<Fp>> polys;
  for (unsigned n : {15u, 12u, 5u, 0u, 9u, 14u}) polys.push_back(random_fp_vector(size_t(1) << n));
  for (unsigned fin : {8u, 2u, 16u}) {  // final message larger and smaller than the weighted polys
    PcsParams params = test_params(hiding);
    params.final_log_size = fin;
    auto [c, data] = commit(polys, params);
    const MixedClaims claims = make_mixed_claims(polys);
    ASSERT_EQ(claims.weighted.size(), 5u);
    Transcript pt(kLabel);
    const OpeningProof proof = open(*data, claims.set(), pt);
    ASSERT_FALSE(rejects_set(c, claims.set(), proof)) << "final_log_size " << fin;

    for (size_t i = 0; i < claims.weighted.size(); ++i) {
      MixedClaims bad = claims;
      bad.weighted[i].value += Fp2::one();
      EXPECT_TRUE(rejects_set(c, bad.set(), proof)) << "weighted value " << i;
      bad = claims;
      bad.weighted[i].weights.back() += Fp2::one();
      EXPECT_TRUE(rejects_set(c, bad.set(), proof)) << "weight " << i;
    }
    for (size_t i = 0; i < claims.combinations.size(); ++i) {
      MixedClaims bad = claims;
      bad.combinations[i].value += Fp2::one();
      EXPECT_TRUE(rejects_set(c, bad.set(), proof)) << "combination value " << i;
      for (size_t t = 0; t < claims.combinations[i].terms.size(); ++t) {
        bad = claims;
        bad.combinations[i].terms[t].coefficient += Fp2::one();
        EXPECT_TRUE(rejects_set(c, bad.set(), proof)) << "coefficient " << i << "." << t;
      }
      bad = claims;
      bad.combinations[i].terms.pop_back();
      EXPECT_TRUE(rejects_set(c, bad.set(), proof)) << "dropped term " << i;
    }
    // The same proof does not pass as a proof of the evaluation claims alone.
    EXPECT_TRUE(rejects_set(c, ClaimSet{claims.evaluations, {}, {}}, proof));
  }
}

INSTANTIATE_TEST_SUITE_P(HidingAndNot, PcsClaimKinds, ::testing::Bool());

// What the weighted claims are for: a Libra mask g (coefficients in K) committed as its two F_p
// coordinate vectors, and g(r) = <c0, w> + X <c1, w> (w = mask_evaluation_vector(r)) proven as
// one combination claim, so neither coordinate's functional is revealed on its own.
TEST(Pcs, LibraMaskEvaluationAsCombinationClaim) {
  const unsigned num_vars = 10, degree = 2;
  const sumcheck::MaskPolynomial g = sumcheck::MaskPolynomial::sample(num_vars, degree);
  const std::span<const Fp2> coeffs = g.coefficients();
  const size_t padded = size_t(1) << ceil_log2(coeffs.size());
  std::vector<std::vector<Fp>> polys(2, std::vector<Fp>(padded, Fp::zero()));
  for (size_t i = 0; i < coeffs.size(); ++i) {
    polys[0][i] = coeffs[i].c0();
    polys[1][i] = coeffs[i].c1();
  }
  for (bool hiding : {false, true}) {
    auto [c, data] = commit(polys, test_params(hiding));
    const std::vector<Fp2> r = random_point(num_vars);
    std::vector<Fp2> w = sumcheck::mask_evaluation_vector(r, degree);
    w.resize(padded, Fp2::zero());
    std::vector<CombinationClaim> claim(1);
    claim[0].terms = {{0, {}, w, Fp2::one()}, {1, {}, w, Fp2(Fp::zero(), Fp::one())}};
    claim[0].value = g.evaluate(r);
    Transcript pt(kLabel);
    const OpeningProof proof = open(*data, ClaimSet{{}, {}, claim}, pt);
    EXPECT_FALSE(rejects_set(c, ClaimSet{{}, {}, claim}, proof));
    claim[0].value += Fp2(Fp::zero(), Fp::one());
    EXPECT_TRUE(rejects_set(c, ClaimSet{{}, {}, claim}, proof));
  }
}

TEST(Pcs, MalformedWeightedAndCombinationClaims) {
  std::vector<std::vector<Fp>> polys = {random_fp_vector(size_t(1) << 15), random_fp_vector(16)};
  auto [c, data] = commit(polys, test_params(true));
  // Captured by an init-capture: clang 14 (the sanitizer build) cannot capture a structured binding.
  const OpeningProof proof = [&d = data] {
    Transcript t(kLabel);
    return open(*d, ClaimSet{}, t);
  }();
  std::vector<WeightedClaim> weighted(1);
  weighted[0].poly = 0;  // 2^15 entries: over the limit
  weighted[0].weights = random_point(size_t(1) << 15);
  std::vector<WeightedClaim> short_weights(1);
  short_weights[0].poly = 1;
  short_weights[0].weights = random_point(15);
  std::vector<CombinationClaim> both(1);
  both[0].terms.resize(1);
  both[0].terms[0].poly = 1;
  both[0].terms[0].point = random_point(4);
  both[0].terms[0].weights = random_point(16);
  std::vector<CombinationClaim> no_poly(1);
  no_poly[0].terms.resize(1);
  no_poly[0].terms[0].poly = 2;
  for (const ClaimSet& bad : {ClaimSet{{}, weighted, {}}, ClaimSet{{}, short_weights, {}}, ClaimSet{{}, {}, both},
                              ClaimSet{{}, {}, no_poly}}) {
    Transcript t(kLabel);
    EXPECT_THROW(open(*data, bad, t), Error);
    EXPECT_TRUE(rejects_set(c, bad, proof));
  }
}

// ---- Zero knowledge -------------------------------------------------------------------------

// A small instance whose proof has every part: 5 sumcheck rounds, layers 0-2, a 4-coefficient
// final message, 8 queries (32 layer-0 symbols = the 2^5-entry mask in the packing).
PcsParams small_zk_params(bool hiding) {
  PcsParams p;
  p.num_queries = 8;
  p.fold_arity_log = 2;
  p.final_log_size = 2;
  p.pow_bits = 0;
  p.hiding = hiding;
  return p;
}

// Every field element a proof reveals, by kind, as base-field words (an Fp2 gives two).
std::map<std::string, std::vector<uint64_t>> revealed(const OpeningProof& p) {
  std::map<std::string, std::vector<uint64_t>> out;
  auto add2 = [&](const std::string& kind, Fp2 v) {
    out[kind].push_back(v.c0().value());
    out[kind].push_back(v.c1().value());
  };
  if (p.mask_value) add2("mu", *p.mask_value);
  for (size_t r = 0; r < p.sumcheck.size(); ++r) {
    for (size_t i = 0; i < 3; ++i) add2("sumcheck " + std::to_string(r) + "." + std::to_string(i), p.sumcheck[r][i]);
  }
  for (size_t i = 0; i < p.final_coefficients.size(); ++i) add2("final " + std::to_string(i), p.final_coefficients[i]);
  for (Fp v : p.layer0_rows) out["layer 0 rows"].push_back(v.value());
  for (Fp v : p.mask_rows) out["mask rows"].push_back(v.value());
  for (size_t l = 0; l < p.folded_rows.size(); ++l) {
    for (Fp2 v : p.folded_rows[l]) add2("layer " + std::to_string(l + 1) + " rows", v);
  }
  return out;
}

// Chi-square statistic (15 degrees of freedom) of the low 4 bits of a sample against uniform.
double chi_square_low_bits(const std::vector<uint64_t>& sample) {
  std::array<double, 16> counts{};
  for (uint64_t v : sample) counts[v & 15] += 1;
  const double expected = sample.size() / 16.0;
  double chi = 0;
  for (double c : counts) chi += (c - expected) * (c - expected) / expected;
  return chi;
}

// F_p words per opened symbol of the opening mask M: 1 when it is drawn from F_p^N, 2 from K^N.
size_t mask_words_per_symbol(const OpeningProof& p) { return p.mask_rows.size() / p.layer0_rows.size(); }

// Data of 2^10 + 8 entries commits a 2^11 table under small_zk_params: the opening mask is over
// F_p. Data of 64 + 8 entries commits a 2^7 table, too small for that: its mask stays over K.
std::vector<std::vector<Fp>> small_zk_data(bool base_field_mask) {
  return {random_fp_vector(base_field_mask ? 1024 : 64), random_fp_vector(8)};
}

// For `runs` commitments and openings of the SAME data and claims, the largest chi-square over all
// kinds of revealed element (per position for the fixed-position kinds; opened rows, whose
// positions move with the queries, pooled per layer), and the kind that reached it.
std::pair<double, std::string> worst_chi_square(bool hiding, bool base_field_mask, int runs) {
  const std::vector<std::vector<Fp>> polys = small_zk_data(base_field_mask);
  const auto claims = make_claims(polys, 2);
  std::map<std::string, std::vector<std::vector<uint64_t>>> per_position;
  std::map<std::string, std::vector<uint64_t>> pooled;
  for (int run = 0; run < runs; ++run) {
    // A fresh commitment each run: the top-subcube mask covers the layer-0 symbols of ONE opening.
    auto [c, data] = commit(polys, small_zk_params(hiding));
    const OpeningProof proof = prove(*data, claims);
    check(c, claims, proof);
    if (hiding) EXPECT_EQ(mask_words_per_symbol(proof), base_field_mask ? 1u : 2u);
    for (auto& [kind, values] : revealed(proof)) {
      if (kind.find("rows") != std::string::npos) {
        pooled[kind].insert(pooled[kind].end(), values.begin(), values.end());
        continue;
      }
      auto& slots = per_position[kind];
      slots.resize(values.size());
      for (size_t i = 0; i < values.size(); ++i) slots[i].push_back(values[i]);
    }
  }
  std::pair<double, std::string> worst{0.0, ""};
  for (const auto& [kind, slots] : per_position) {
    for (size_t i = 0; i < slots.size(); ++i) {
      worst = std::max(worst, {chi_square_low_bits(slots[i]), kind + " word " + std::to_string(i)});
    }
  }
  for (const auto& [kind, values] : pooled) worst = std::max(worst, {chi_square_low_bits(values), kind});
  return worst;
}

// With the data fixed, every revealed field element is uniform across openings: the simulator's
// output (independent uniform U, rho and top-mask symbols) is what a real proof looks like. 70 is
// beyond the 1e-8 tail of chi-square(15); a value that depends only on the data (as everything
// does without hiding) scores ~200 * 15 = 3000.
// Both masks are checked: over F_p (U = T + rho*M is then far from uniform on K^N, only the
// functionals an opening reveals are) and over K (tiny tables).
TEST(PcsZeroKnowledge, RevealedElementsAreUniformForFixedData) {
  for (bool base_field_mask : {true, false}) {
    const auto [zk, zk_kind] = worst_chi_square(true, base_field_mask, 200);
    EXPECT_LT(zk, 70.0) << zk_kind << (base_field_mask ? " (F_p mask)" : " (K mask)");
    const auto [plain, plain_kind] = worst_chi_square(false, base_field_mask, 200);
    EXPECT_GT(plain, 1000.0) << "the test must be able to see a leak: " << plain_kind;
  }
}

// Where the base-field mask applies: at the defaults every hiding table (n >= 12) qualifies; a
// table sent (almost) whole as the final message does not, since U itself would be revealed and
// U = T + rho*M with M over F_p determines T once rho is not in F_p.
TEST(PcsZeroKnowledge, BaseFieldMaskOnlyWhereFewFunctionalsAreRevealed) {
  const PcsParams defaults = test_params(true);
  for (unsigned n = 12; n <= 28; ++n) {
    EXPECT_TRUE(detail::opening_mask_in_base_field(detail::make_schedule(n, defaults), defaults.num_queries)) << n;
  }
  PcsParams wide_final = defaults;
  wide_final.final_log_size = 12;
  EXPECT_FALSE(detail::opening_mask_in_base_field(detail::make_schedule(12, wide_final), wide_final.num_queries));
  EXPECT_FALSE(detail::opening_mask_in_base_field(detail::make_schedule(13, wide_final), wide_final.num_queries));
  PcsParams many_queries = defaults;
  many_queries.num_queries = 1024;
  EXPECT_FALSE(detail::opening_mask_in_base_field(detail::make_schedule(14, many_queries), 1024));
  EXPECT_TRUE(detail::opening_mask_in_base_field(detail::make_schedule(20, many_queries), 1024));
  // Such a table still opens, with the K mask, and verifies.
  const std::vector<std::vector<Fp>> polys = {random_fp_vector(size_t(1) << 10)};
  auto [c, data] = commit(polys, wide_final);
  const auto claims = make_claims(polys, 2);
  const OpeningProof proof = prove(*data, claims);
  EXPECT_EQ(mask_words_per_symbol(proof), 2u);
  EXPECT_NO_THROW(check(c, claims, proof));
}

TEST(PcsZeroKnowledge, TwoOpeningsOfTheSameStatementDiffer) {
  const std::vector<std::vector<Fp>> polys = {random_fp_vector(size_t(1) << 12)};
  auto [c, data] = commit(polys, test_params(true));
  const auto claims = make_claims(polys, 2);
  const OpeningProof a = prove(*data, claims), b = prove(*data, claims);
  ASSERT_NO_THROW(check(c, claims, a));
  ASSERT_NO_THROW(check(c, claims, b));
  EXPECT_NE(*a.mask_root, *b.mask_root);
  EXPECT_NE(*a.mask_value, *b.mask_value);
  for (size_t r = 0; r < a.sumcheck.size(); ++r) EXPECT_NE(a.sumcheck[r][2], b.sumcheck[r][2]) << r;
  size_t equal = 0;
  for (size_t i = 0; i < a.final_coefficients.size(); ++i) equal += a.final_coefficients[i] == b.final_coefficients[i];
  EXPECT_EQ(equal, 0u);
}

// No committed value shows up anywhere among the proof's field elements. Without hiding, a table
// small enough to be sent as the final message shows its first entry (the constant monomial
// coefficient), so the scan can see a leak.
TEST(PcsZeroKnowledge, NoCommittedEntryAppearsInTheProof) {
  for (size_t size : {size_t(64), size_t(1) << 12}) {
    const std::vector<std::vector<Fp>> polys = {random_fp_vector(size), random_fp_vector(16)};
    std::set<uint64_t> secret;
    for (const auto& p : polys) {
      for (Fp v : p) secret.insert(v.value());
    }
    for (bool hiding : {true, false}) {
      PcsParams params = test_params(hiding);
      auto [c, data] = commit(polys, params);
      const auto claims = make_claims(polys, 2);
      const OpeningProof proof = prove(*data, claims);
      size_t found = 0;
      for (const auto& [kind, values] : revealed(proof)) {
        for (uint64_t v : values) found += secret.count(v);
      }
      if (hiding) {
        EXPECT_EQ(found, 0u) << size;
      } else if (size == 64) {
        EXPECT_GE(found, 1u) << "the scan must find a table sent in clear";
      }
    }
  }
}

// The parts a hiding opening adds are each bound: a changed mu, mask root or mask row, or a
// mask opening taken from another proof, is rejected -- with the F_p mask and with the K mask. Mask
// rows of the other mask's width (a K-valued M where F_p is expected, or half of a K mask) are
// refused too.
TEST(PcsZeroKnowledge, MaskPartsAreBound) {
  const std::vector<std::vector<Fp>> polys = {random_fp_vector(size_t(1) << 11), random_fp_vector(32)};
  PcsParams params = test_params(true);
  params.fold_arity_log = 3;
  const auto claims = make_claims(polys, 2);
  for (bool base_field_mask : {true, false}) {
    // 2^12 entries at the defaults: F_p mask. With final_log_size 11 the table is nearly all final
    // message: K mask.
    params.final_log_size = base_field_mask ? 8 : 11;
    auto [c, data] = commit(polys, params);
    const OpeningProof good = prove(*data, claims), other = prove(*data, claims);
    ASSERT_EQ(mask_words_per_symbol(good), base_field_mask ? 1u : 2u);
    ASSERT_NO_THROW(check(c, claims, good));
    std::vector<OpeningProof> bad(9, good);
    *bad[0].mask_value += Fp2::one();
    (*bad[1].mask_root)[0] ^= 1;
    bad[2].mask_rows[5] += Fp::one();
    bad[3].mask_rows = other.mask_rows;
    bad[3].mask_merkle = other.mask_merkle;
    bad[4].mask_root = other.mask_root;
    bad[5].mask_merkle.salts[0][0] ^= 1;
    bad[6].mask_rows.clear();
    bad[7].mask_rows.insert(bad[7].mask_rows.end(), good.mask_rows.begin(), good.mask_rows.end());
    bad[8].mask_rows.resize(good.mask_rows.size() / 2);
    for (size_t i = 0; i < bad.size(); ++i) EXPECT_TRUE(rejects(c, claims, bad[i])) << i << " " << base_field_mask;
  }
  // Without hiding a proof carries no mask parts, and one that does is rejected.
  auto [c2, data2] = commit(polys, test_params(false));
  OpeningProof plain = prove(*data2, claims);
  ASSERT_NO_THROW(check(c2, claims, plain));
  plain.mask_rows.push_back(Fp::one());
  EXPECT_TRUE(rejects(c2, claims, plain));
}

// A hiding commitment may open plainly (zk_opening = false: what the end-to-end prover uses until
// its layer proofs are zero-knowledge): salted leaves, no mask parts; tampering is still caught,
// a proof with mask parts is refused, and the flag survives serialisation (0, 1, 2; 3 is refused).
TEST(PcsHiding, HidingCommitmentWithPlainOpening) {
  const std::vector<std::vector<Fp>> polys = {random_fp_vector(size_t(1) << 10), random_fp_vector(16)};
  PcsParams params = test_params(true);
  params.zk_opening = false;
  EXPECT_FALSE(params.masked_opening());
  auto [c, data] = commit(polys, params);
  const auto claims = make_claims(polys, 2);
  OpeningProof proof = prove(*data, claims);
  EXPECT_FALSE(proof.mask_root.has_value());
  EXPECT_TRUE(proof.mask_rows.empty());
  EXPECT_FALSE(proof.merkle.at(0).salts.empty()) << "the leaves stay salted";
  ASSERT_NO_THROW(check(c, claims, proof));
  OpeningProof tampered = proof;
  tampered.final_coefficients.at(0) += Fp2::one();
  EXPECT_TRUE(rejects(c, claims, tampered));
  OpeningProof with_mask = proof;
  with_mask.mask_rows.push_back(Fp::one());
  EXPECT_TRUE(rejects(c, claims, with_mask));
  // The commitment's bytes carry the flag; the masked-opening verifier refuses a plain proof.
  const Commitment back = deserialize_commitment(serialize(c));
  EXPECT_EQ(back.params, c.params);
  Commitment masked = c;
  masked.params.zk_opening = true;
  EXPECT_TRUE(rejects(masked, claims, proof));
  std::vector<uint8_t> bytes = serialize(c);
  const size_t flag_at = 8 + 32 + 5 * 4;  // after the magic, the root and five u32 parameters
  ASSERT_GT(bytes.size(), flag_at);
  ASSERT_EQ(bytes[flag_at], 2);
  bytes[flag_at] = 3;
  EXPECT_THROW(deserialize_commitment(bytes), Error);
}

TEST(PcsSecurity, DefaultsReachTheTarget) {
  PcsParams p;
  SecurityBits s = security_bits(p, uint64_t(1) << 24);
  EXPECT_GE(s.conjectured, 100.0);
  EXPECT_LT(s.proven, s.conjectured);
  EXPECT_GT(s.proven, 0.0);
}

}  // namespace
}  // namespace zk::pcs
