// Fiat-Shamir transcript: determinism, sensitivity to every absorbed byte, label and order,
// sampler ranges and uniformity, and proof of work.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "common/error.hpp"
#include "hash/transcript.hpp"

namespace zk {
namespace {

// A fixed little protocol run; `mutate` lets a test alter one step.
struct Script {
  std::string protocol = "test-protocol";
  std::vector<uint8_t> message = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  std::string message_label = "msg";
  bool swap_order = false;
};

struct Outputs {
  std::vector<Fp> base;
  std::vector<Fp2> ext;
  std::vector<uint64_t> indices;
  Digest state;
};

Outputs run(const Script& s) {
  Transcript t(s.protocol);
  std::vector<Fp> fps = {Fp(1), Fp(Fp::kModulus - 1), Fp(12345)};
  Digest root{};
  root[0] = 0xaa;
  if (s.swap_order) {
    t.absorb("root", root);
    t.absorb_bytes(s.message_label, s.message);
  } else {
    t.absorb_bytes(s.message_label, s.message);
    t.absorb("root", root);
  }
  t.absorb("fps", std::span<const Fp>(fps));
  Outputs o;
  o.base.push_back(t.challenge_base("alpha"));
  o.ext.push_back(t.challenge_ext("beta"));
  t.absorb("eval", Fp2(Fp(5), Fp(6)));
  auto v = t.challenge_ext_vector("gamma", 3);
  o.ext.insert(o.ext.end(), v.begin(), v.end());
  o.indices = t.challenge_indices("queries", 1000, 4);
  o.base.push_back(t.challenge_base("delta"));
  o.state = t.state();
  return o;
}

// Every challenge differs, not just the last: a change early on must reach all of them.
void expect_all_differ(const Outputs& a, const Outputs& b, const std::string& what) {
  for (size_t i = 0; i < a.base.size(); ++i) EXPECT_NE(a.base[i], b.base[i]) << what << " base " << i;
  for (size_t i = 0; i < a.ext.size(); ++i) EXPECT_NE(a.ext[i], b.ext[i]) << what << " ext " << i;
  EXPECT_NE(a.indices, b.indices) << what;
  EXPECT_NE(a.state, b.state) << what;
}

TEST(Transcript, ProverAndVerifierAgree) {
  Outputs a = run(Script{}), b = run(Script{});
  EXPECT_EQ(a.base, b.base);
  EXPECT_EQ(a.ext, b.ext);
  EXPECT_EQ(a.indices, b.indices);
  EXPECT_EQ(a.state, b.state);
}

TEST(Transcript, EveryAbsorbedByteMatters) {
  Outputs ref = run(Script{});
  Script s;
  for (size_t pos = 0; pos < s.message.size(); ++pos) {
    for (uint8_t flip : {uint8_t(0x01), uint8_t(0x80)}) {
      Script m = s;
      m.message[pos] ^= flip;
      expect_all_differ(ref, run(m), "byte " + std::to_string(pos));
    }
  }
  Script longer = s;
  longer.message.push_back(0);
  expect_all_differ(ref, run(longer), "appended zero byte");
  Script shorter = s;
  shorter.message.pop_back();
  expect_all_differ(ref, run(shorter), "dropped byte");
}

TEST(Transcript, LabelsAndOrderMatter) {
  Outputs ref = run(Script{});
  Script label;
  label.message_label = "msh";
  expect_all_differ(ref, run(label), "absorb label");
  Script protocol;
  protocol.protocol = "test-protocoL";
  expect_all_differ(ref, run(protocol), "protocol label");
  Script order;
  order.swap_order = true;
  expect_all_differ(ref, run(order), "order");
}

TEST(Transcript, ChallengeLabelMatters) {
  Transcript a("p"), b("p");
  EXPECT_NE(a.challenge_ext("x"), b.challenge_ext("y"));
}

TEST(Transcript, LengthPrefixesSeparateLabelFromData) {
  // "ab" + "c" and "a" + "bc" concatenate identically; the length prefixes must tell them apart.
  Transcript a("p"), b("p");
  const uint8_t c[] = {'c'};
  const uint8_t bc[] = {'b', 'c'};
  a.absorb_bytes("ab", c);
  b.absorb_bytes("a", bc);
  EXPECT_NE(a.state(), b.state());
}

TEST(Transcript, TypesAreDomainSeparated) {
  std::vector<Transcript> ts(5, Transcript("p"));
  std::vector<Fp> one = {Fp(7)};
  ts[0].absorb("x", Fp(7));
  ts[1].absorb("x", std::span<const Fp>(one));
  ts[2].absorb("x", uint64_t{7});
  ts[3].absorb("x", Fp2(Fp(7)));
  const uint8_t raw[8] = {7, 0, 0, 0, 0, 0, 0, 0};
  ts[4].absorb_bytes("x", raw);
  for (size_t i = 0; i < ts.size(); ++i)
    for (size_t j = i + 1; j < ts.size(); ++j) EXPECT_NE(ts[i].state(), ts[j].state()) << i << " " << j;
}

TEST(Transcript, RepeatedChallengesDiffer) {
  Transcript t("p");
  Fp2 a = t.challenge_ext("r"), b = t.challenge_ext("r");
  EXPECT_NE(a, b);
  auto v = t.challenge_ext_vector("r", 10);
  for (size_t i = 0; i < v.size(); ++i)
    for (size_t j = i + 1; j < v.size(); ++j) EXPECT_NE(v[i], v[j]);
}

TEST(Transcript, FieldChallengesAreCanonical) {
  Transcript t("p");
  for (int i = 0; i < 1000; ++i) {
    Fp2 e = t.challenge_ext("e");
    EXPECT_LT(e.c0().value(), Fp::kModulus);
    EXPECT_LT(e.c1().value(), Fp::kModulus);
    EXPECT_LT(t.challenge_base("b").value(), Fp::kModulus);
  }
}

TEST(Transcript, IndexStaysBelowBound) {
  Transcript t("p");
  EXPECT_EQ(t.challenge_index("i", 1), 0u);
  for (uint64_t bound : {uint64_t(2), uint64_t(3), uint64_t(1000), uint64_t(1) << 40,
                         (uint64_t(1) << 63) + 1, ~uint64_t(0)}) {
    for (int i = 0; i < 200; ++i) EXPECT_LT(t.challenge_index("i", bound), bound) << bound;
    for (uint64_t v : t.challenge_indices("j", bound, 50)) EXPECT_LT(v, bound) << bound;
  }
  EXPECT_THROW(t.challenge_index("i", 0), Error);
  EXPECT_THROW(t.challenge_indices("i", 0, 3), Error);
}

TEST(Transcript, IndexRoughlyUniform) {
  // Chi-square with 10 cells: 9 degrees of freedom, P(chi2 > 40) is about 1e-5.
  constexpr uint64_t kBound = 10;
  constexpr int kSamples = 20000;
  Transcript t("uniformity");
  std::vector<int> counts(kBound, 0);
  for (uint64_t v : t.challenge_indices("q", kBound, kSamples)) ++counts[v];
  double chi2 = 0;
  const double expected = double(kSamples) / kBound;
  for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 40.0);

  // Same for a bound just above 2^63, where half the words are rejected: split into two halves.
  const uint64_t big = (uint64_t(1) << 63) + 3;
  int low = 0;
  for (int i = 0; i < 4000; ++i) low += t.challenge_index("big", big) < big / 2;
  EXPECT_NEAR(low, 2000, 200);
}

TEST(Transcript, GrindRoundTrip) {
  Transcript prover("pow"), verifier("pow");
  prover.absorb("commitment", uint64_t{42});
  verifier.absorb("commitment", uint64_t{42});
  const unsigned bits = 12;
  uint64_t nonce = prover.grind(bits);
  EXPECT_TRUE(verifier.check_grind(bits, nonce));
  EXPECT_EQ(prover.state(), verifier.state());
  EXPECT_EQ(prover.challenge_ext("after"), verifier.challenge_ext("after"));
}

TEST(Transcript, GrindFindsSmallestNonceAndRejectsOthers) {
  Transcript base("pow2");
  base.absorb("x", Fp(9));
  const unsigned bits = 8;
  Transcript prover = base;
  uint64_t nonce = prover.grind(bits);
  for (uint64_t smaller = 0; smaller < nonce; ++smaller) {
    Transcript v = base;
    EXPECT_FALSE(v.check_grind(bits, smaller)) << smaller;
    EXPECT_EQ(v.state(), base.state()) << "a failed check must absorb nothing";
  }
  // A nonce valid for 8 bits is almost never valid for 24.
  Transcript strict = base;
  EXPECT_FALSE(strict.check_grind(24, nonce));
  // A different nonce gives a different transcript even when it also meets the target.
  Transcript v = base;
  ASSERT_TRUE(v.check_grind(bits, nonce));
  EXPECT_EQ(v.state(), prover.state());
}

TEST(Transcript, GrindWrongNonceRejected) {
  Transcript prover("pow3"), verifier("pow3");
  uint64_t nonce = prover.grind(16);
  Digest before = verifier.state();
  EXPECT_FALSE(verifier.check_grind(16, nonce + 1));
  EXPECT_FALSE(verifier.check_grind(16, nonce ^ (uint64_t(1) << 40)));
  EXPECT_EQ(verifier.state(), before);
  EXPECT_TRUE(verifier.check_grind(16, nonce));
}

TEST(Transcript, GrindZeroBits) {
  Transcript t("pow0");
  Digest before = t.state();
  EXPECT_EQ(t.grind(0), 0u);
  EXPECT_EQ(t.state(), before);
  EXPECT_TRUE(t.check_grind(0, 0));
  EXPECT_FALSE(t.check_grind(0, 1));
  EXPECT_EQ(t.state(), before);
  EXPECT_THROW(t.grind(65), Error);
  EXPECT_FALSE(t.check_grind(65, 0));
}

}  // namespace
}  // namespace zk
