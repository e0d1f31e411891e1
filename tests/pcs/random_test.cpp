// The prover's random generator (common/random.hpp, field/random.hpp): the keystream is standard
// ChaCha20, instances are keyed independently, and a forked child does not replay its parent.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <set>
#include <string>
#include <thread>

#include "field/random.hpp"

namespace zk {
namespace {

std::string hex(std::span<const uint8_t> bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

// RFC 8439 Appendix A.1, test vectors #1 (all-zero key, block 0) and #2 (key ...01, block 1),
// nonce zero: the generator's output is the ChaCha20 keystream from block 0 on.
TEST(Random, ChaCha20KnownAnswers) {
  ChaCha20Rng zero(ChaCha20Rng::Key{});
  std::array<uint8_t, 64> block{};
  zero.fill(block);
  EXPECT_EQ(hex(block),
            "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
            "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586");
  ChaCha20Rng::Key key{};
  key[31] = 1;
  ChaCha20Rng one(key);
  std::array<uint8_t, 128> two_blocks{};
  // Odd-sized reads cross the internal buffer's boundaries the same way as one read.
  one.fill(std::span<uint8_t>(two_blocks).first(7));
  one.fill(std::span<uint8_t>(two_blocks).subspan(7));
  EXPECT_EQ(hex(std::span<const uint8_t>(two_blocks).subspan(64)),
            "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a"
            "8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0");
}

TEST(Random, InstancesAreKeyedIndependently) {
  ChaCha20Rng a, b;
  std::array<uint8_t, 32> x{}, y{};
  a.fill(x);
  b.fill(y);
  EXPECT_NE(x, y);
  // Other threads get their own generator.
  std::array<uint8_t, 32> here{}, there{};
  secure_random_bytes(here);
  std::thread([&] { secure_random_bytes(there); }).join();
  EXPECT_NE(here, there);
}

// Long outputs look random: no repeated 64-bit word in 2^17 draws (a repeat has probability
// ~2^-31), every byte value occurs, and the stream does not cycle at the buffer size.
TEST(Random, OutputIsNotConstantOrPeriodic) {
  std::set<uint64_t> seen;
  for (int i = 0; i < (1 << 17); ++i) EXPECT_TRUE(seen.insert(secure_random_u64()).second) << i;
  std::vector<uint8_t> bytes(1 << 16);
  secure_random_bytes(bytes);
  std::array<int, 256> counts{};
  for (uint8_t b : bytes) ++counts[b];
  for (int v = 0; v < 256; ++v) EXPECT_GT(counts[v], 128) << v;  // expected 256, sd 16
  EXPECT_NE(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 4096),
            std::vector<uint8_t>(bytes.begin() + 4096, bytes.begin() + 8192));
}

// After fork() the child holds a copy of the parent's generator; it must rekey rather than
// produce the bytes the parent produces next.
TEST(Random, ForkedChildRekeys) {
  std::array<uint8_t, 32> before{};
  secure_random_bytes(before);  // the generator exists and has buffered keystream
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::array<uint8_t, 32> child{};
    secure_random_bytes(child);
    const ssize_t written = write(fds[1], child.data(), child.size());
    _exit(written == 32 ? 0 : 1);
  }
  close(fds[1]);
  std::array<uint8_t, 32> child{}, parent{};
  ASSERT_EQ(read(fds[0], child.data(), child.size()), 32);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  secure_random_bytes(parent);
  EXPECT_NE(child, parent);
}

TEST(Random, FieldVectorsAreFreshAndInRange) {
  const std::vector<Fp> a = random_fp_vector(size_t(1) << 17);  // large enough for the parallel path
  const std::vector<Fp> b = random_fp_vector(size_t(1) << 17);
  size_t equal = 0;
  for (size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i];
  EXPECT_EQ(equal, 0u);
  std::set<uint64_t> distinct;
  for (Fp v : a) distinct.insert(v.value());
  EXPECT_EQ(distinct.size(), a.size());
  const std::vector<Fp2> c = random_fp2_vector(1000);
  for (size_t i = 1; i < c.size(); ++i) EXPECT_NE(c[i], c[i - 1]);
}

}  // namespace
}  // namespace zk
