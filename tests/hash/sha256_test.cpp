// SHA-256: published test vectors on both paths, and the SHA-NI kernel against OpenSSL.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "hash/sha256.hpp"

namespace zk {
namespace {

// Restores automatic dispatch even when an assertion returns early.
class ForcePortable {
 public:
  explicit ForcePortable(bool force) { sha256_force_portable(force); }
  ~ForcePortable() { sha256_force_portable(false); }
};

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::vector<uint8_t> random_bytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

struct Vector {
  std::string message;
  const char* hex;
};

std::vector<Vector> known_answers() {
  return {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlm"
       "nopqrsmnopqrstnopqrstu",
       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
      {std::string(1000000, 'a'), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
  };
}

void check_known_answers() {
  for (const auto& v : known_answers()) {
    EXPECT_EQ(to_hex(sha256(bytes_of(v.message))), v.hex) << "message length " << v.message.size();
    // The same message through the batch entry point (one message, and three copies).
    std::vector<Digest> one(1);
    sha256_many(bytes_of(v.message), v.message.size(), one);
    EXPECT_EQ(to_hex(one[0]), v.hex);
    if (v.message.size() < 1000) {
      std::string triple = v.message + v.message + v.message;
      std::vector<Digest> three(3);
      sha256_many(bytes_of(triple), v.message.size(), three);
      for (const auto& d : three) EXPECT_EQ(to_hex(d), v.hex);
    }
  }
}

TEST(Sha256, KnownAnswersPortable) {
  ForcePortable guard(true);
  check_known_answers();
}

TEST(Sha256, KnownAnswersDefaultDispatch) { check_known_answers(); }

TEST(Sha256, HashPairIsHashOfConcatenation) {
  auto data = random_bytes(64, 1);
  Digest left, right;
  std::copy(data.begin(), data.begin() + 32, left.begin());
  std::copy(data.begin() + 32, data.end(), right.begin());
  EXPECT_EQ(hash_pair(left, right), sha256(data));
  EXPECT_NE(hash_pair(left, right), hash_pair(right, left));
}

TEST(Sha256, ToHex) {
  Digest d{};
  d[0] = 0xab;
  d[31] = 0x0f;
  std::string hex = to_hex(d);
  EXPECT_EQ(hex.size(), 64u);
  EXPECT_EQ(hex.substr(0, 2), "ab");
  EXPECT_EQ(hex.substr(62), "0f");
}

TEST(Sha256, ManyRejectsSizeMismatch) {
  std::vector<uint8_t> data(10);
  std::vector<Digest> out(3);
  EXPECT_THROW(sha256_many(data, 3, out), Error);
  EXPECT_THROW(sha256_many(data, 0, out), Error);
  std::vector<Digest> empty_out(4);
  sha256_many({}, 0, empty_out);  // four empty messages
  for (const auto& d : empty_out) EXPECT_EQ(d, sha256({}));
}

class HardwareVsOpenSsl : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!sha256_hardware_available()) GTEST_SKIP() << "CPU has no SHA extensions";
  }
};

TEST_F(HardwareVsOpenSsl, EveryLengthUpTo300) {
  auto data = random_bytes(301 * 5, 2);
  for (size_t len = 0; len <= 300; ++len) {
    // Counts 1..5 exercise both the two-lane kernel and its odd remainder.
    for (size_t count = 1; count <= 5; ++count) {
      std::span<const uint8_t> in(data.data(), len * count);
      std::vector<Digest> hw(count), ref(count);
      sha256_many(in, len, hw);
      {
        ForcePortable guard(true);
        sha256_many(in, len, ref);
      }
      ASSERT_EQ(hw, ref) << "length " << len << " count " << count;
    }
    Digest hw = sha256(std::span<const uint8_t>(data.data() + 7, len));
    ForcePortable guard(true);
    ASSERT_EQ(hw, sha256(std::span<const uint8_t>(data.data() + 7, len))) << "length " << len;
  }
}

TEST_F(HardwareVsOpenSsl, RandomLengthsLargeBatch) {
  std::mt19937_64 rng(3);
  for (int round = 0; round < 8; ++round) {
    const size_t len = rng() % 1000;
    const size_t count = 1 + rng() % 3000;  // large enough for the parallel path
    auto data = random_bytes(len * count, rng());
    std::vector<Digest> hw(count), ref(count);
    sha256_many(data, len, hw);
    ForcePortable guard(true);
    sha256_many(data, len, ref);
    ASSERT_EQ(hw, ref) << "length " << len << " count " << count;
  }
}

TEST_F(HardwareVsOpenSsl, HashPair) {
  std::mt19937_64 rng(4);
  for (int i = 0; i < 2000; ++i) {
    Digest l, r;
    for (auto& b : l) b = static_cast<uint8_t>(rng());
    for (auto& b : r) b = static_cast<uint8_t>(rng());
    Digest hw = hash_pair(l, r);
    ForcePortable guard(true);
    ASSERT_EQ(hw, hash_pair(l, r));
  }
}

}  // namespace
}  // namespace zk
