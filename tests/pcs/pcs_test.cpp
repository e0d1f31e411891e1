#include <gtest/gtest.h>

#include <random>

#include "field/ntt.hpp"
#include "field/random.hpp"
#include "pcs/fold.hpp"
#include "pcs/pcs.hpp"
#include "poly/multilinear.hpp"

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
  add("mask", 1 + (p.mask_value ? 16 : 0));
  add("sumcheck", 4 + 48 * p.sumcheck.size());
  add("layer roots", 4 + 32 * p.layer_roots.size());
  add("final polynomial", 4 + 16 * p.final_coefficients.size());
  add("pow nonce", 8);
  add("layer 0 rows", 4 + 8 * p.layer0_rows.size());
  add("folded count", 4);
  for (size_t i = 0; i < p.folded_rows.size(); ++i) add("folded rows " + std::to_string(i), 4 + 16 * p.folded_rows[i].size());
  add("merkle count", 4);
  for (size_t i = 0; i < p.merkle.size(); ++i) {
    add("merkle siblings " + std::to_string(i), 4 + 32 * p.merkle[i].siblings.size());
    add("salts " + std::to_string(i), 4 + 32 * p.merkle[i].salts.size());
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
  std::vector<uint8_t> bytes = {'Z', 'K', 'P', 'C', 'S', 'P', 'F', 1, 0, 0xFF, 0xFF, 0xFF, 0xFF};
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

TEST(PcsSecurity, DefaultsReachTheTarget) {
  PcsParams p;
  SecurityBits s = security_bits(p, uint64_t(1) << 24);
  EXPECT_GE(s.conjectured, 100.0);
  EXPECT_LT(s.proven, s.conjectured);
  EXPECT_GT(s.proven, 0.0);
}

}  // namespace
}  // namespace zk::pcs
