// Merkle trees: structure against a from-the-definition recomputation, multi-openings of random
// subsets, and rejection of tampered or malformed proofs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <type_traits>
#include <random>
#include <vector>

#include "common/error.hpp"
#include "hash/merkle.hpp"

namespace zk {
namespace {

std::vector<Fp> random_fps(size_t n, std::mt19937_64& rng) {
  std::vector<Fp> v(n);
  for (auto& x : v) x = Fp(rng());
  return v;
}

std::vector<Fp2> random_fp2s(size_t n, std::mt19937_64& rng) {
  std::vector<Fp2> v(n);
  for (auto& x : v) x = Fp2(Fp(rng()), Fp(rng()));
  return v;
}

// The leaf hash spelled out byte by byte, independent of the tree's in-memory shortcut.
Digest spec_leaf(std::span<const Fp> row) {
  std::vector<uint8_t> bytes;
  for (Fp x : row)
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<uint8_t>(x.value() >> (8 * i)));
  return sha256(bytes);
}
Digest spec_leaf(std::span<const Fp2> row) {
  std::vector<uint8_t> bytes;
  for (Fp2 x : row)
    for (uint64_t w : {x.c0().value(), x.c1().value()})
      for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<uint8_t>(w >> (8 * i)));
  return sha256(bytes);
}

template <typename F>
Digest spec_root(const std::vector<F>& values, size_t width) {
  std::vector<Digest> level;
  for (size_t r = 0; r < values.size() / width; ++r)
    level.push_back(spec_leaf(std::span<const F>(values.data() + r * width, width)));
  while (level.size() > 1) {
    std::vector<Digest> up;
    for (size_t i = 0; i < level.size(); i += 2) up.push_back(hash_pair(level[i], level[i + 1]));
    level = up;
  }
  return level[0];
}

template <typename F>
std::vector<Digest> leaf_digests(const std::vector<F>& values, size_t width,
                                 const std::vector<size_t>& rows, const MerkleMultiProof& proof) {
  std::vector<Digest> out;
  for (size_t j = 0; j < rows.size(); ++j) {
    std::span<const F> row(values.data() + rows[j] * width, width);
    out.push_back(MerkleTree::hash_row(row, proof.salts.empty() ? nullptr : &proof.salts[j]));
  }
  return out;
}

std::vector<size_t> random_subset(size_t n, std::mt19937_64& rng) {
  std::vector<size_t> rows;
  const size_t k = 1 + rng() % std::min<size_t>(n, 40);
  for (size_t i = 0; i < k; ++i) rows.push_back(rng() % n);
  return rows;
}

std::vector<size_t> sorted_unique(std::vector<size_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

template <typename F>
void check_openings(std::mt19937_64& rng, bool salted) {
  for (unsigned log_rows = 0; log_rows <= 12; ++log_rows) {
    const size_t rows = size_t(1) << log_rows;
    for (size_t width = 1; width <= 16; ++width) {
      std::vector<F> values;
      if constexpr (std::is_same_v<F, Fp>) values = random_fps(rows * width, rng);
      else values = random_fp2s(rows * width, rng);
      MerkleTree tree(std::span<const F>(values), width, salted);
      ASSERT_EQ(tree.num_rows(), rows);
      ASSERT_EQ(tree.salted(), salted);
      if (!salted && log_rows <= 6) {
        ASSERT_EQ(tree.root(), spec_root(values, width));
      }
      for (int trial = 0; trial < 3; ++trial) {
        auto requested = random_subset(rows, rng);
        auto opened = sorted_unique(requested);
        MerkleMultiProof proof = tree.open(requested);
        ASSERT_EQ(proof.salts.size(), salted ? opened.size() : 0u);
        ASSERT_LE(proof.siblings.size(), opened.size() * log_rows);
        auto leaves = leaf_digests(values, width, opened, proof);
        ASSERT_TRUE(MerkleTree::verify(tree.root(), rows, opened, leaves, proof))
            << "rows " << rows << " width " << width;
      }
    }
  }
}

TEST(Merkle, OpenVerifyFpUnsalted) {
  std::mt19937_64 rng(10);
  check_openings<Fp>(rng, false);
}
TEST(Merkle, OpenVerifyFpSalted) {
  std::mt19937_64 rng(11);
  check_openings<Fp>(rng, true);
}
TEST(Merkle, OpenVerifyFp2Unsalted) {
  std::mt19937_64 rng(12);
  check_openings<Fp2>(rng, false);
}
TEST(Merkle, OpenVerifyFp2Salted) {
  std::mt19937_64 rng(13);
  check_openings<Fp2>(rng, true);
}

TEST(Merkle, WideRows) {
  // Rows wider than the hashing chunk (one row per work item) and a parallel-sized salted tree.
  std::mt19937_64 rng(19);
  for (bool salted : {false, true}) {
    auto values = random_fp2s(16 * 5000, rng);
    MerkleTree tree(std::span<const Fp2>(values), 5000, salted);
    if (!salted) {
      EXPECT_EQ(tree.root(), spec_root(values, 5000));
    }
    std::vector<size_t> rows = {0, 7, 15};
    auto proof = tree.open(rows);
    EXPECT_TRUE(MerkleTree::verify(tree.root(), 16, rows, leaf_digests(values, 5000, rows, proof), proof));
  }
}

TEST(Merkle, SingleRowRootIsLeafDigest) {
  std::vector<Fp> row = {Fp(1), Fp(2), Fp(3)};
  MerkleTree tree(std::span<const Fp>(row), 3, false);
  EXPECT_EQ(tree.root(), spec_leaf(std::span<const Fp>(row)));
  std::vector<size_t> rows = {0};
  auto proof = tree.open(rows);
  EXPECT_TRUE(proof.siblings.empty());
  std::vector<Digest> leaves = {tree.root()};
  EXPECT_TRUE(MerkleTree::verify(tree.root(), 1, rows, leaves, proof));
}

TEST(Merkle, SaltedLeafIsHashOfSaltThenRow) {
  std::mt19937_64 rng(14);
  auto values = random_fps(4 * 2, rng);
  MerkleTree tree(std::span<const Fp>(values), 2, true);
  std::vector<size_t> rows = {2};
  auto proof = tree.open(rows);
  ASSERT_EQ(proof.salts.size(), 1u);
  std::vector<uint8_t> message(proof.salts[0].begin(), proof.salts[0].end());
  for (size_t i = 0; i < 2; ++i)
    for (int b = 0; b < 8; ++b) message.push_back(static_cast<uint8_t>(values[4 + i].value() >> (8 * b)));
  EXPECT_EQ(MerkleTree::hash_row(std::span<const Fp>(values.data() + 4, 2), &proof.salts[0]),
            sha256(message));
}

TEST(Merkle, FullOpeningNeedsNoSiblings) {
  std::mt19937_64 rng(15);
  auto values = random_fps(64, rng);
  MerkleTree tree(std::span<const Fp>(values), 1, false);
  std::vector<size_t> all(64);
  for (size_t i = 0; i < 64; ++i) all[i] = 63 - i;
  EXPECT_TRUE(tree.open(all).siblings.empty());
  std::vector<size_t> one = {5};
  EXPECT_EQ(tree.open(one).siblings.size(), 6u);
  std::vector<size_t> pair = {4, 5, 5, 4};  // siblings of each other: one fewer sibling needed
  EXPECT_EQ(tree.open(pair).siblings.size(), 5u);
}

TEST(Merkle, SaltedRootsOfIdenticalDataDiffer) {
  std::mt19937_64 rng(16);
  auto values = random_fps(256, rng);
  MerkleTree a(std::span<const Fp>(values), 4, true), b(std::span<const Fp>(values), 4, true);
  EXPECT_NE(a.root(), b.root());
  MerkleTree c(std::span<const Fp>(values), 4, false), d(std::span<const Fp>(values), 4, false);
  EXPECT_EQ(c.root(), d.root());
  EXPECT_NE(a.root(), c.root());
}

TEST(Merkle, ConstructorRejectsBadShapes) {
  std::vector<Fp> values(12);
  EXPECT_THROW(MerkleTree(std::span<const Fp>(values), 0, false), Error);
  EXPECT_THROW(MerkleTree(std::span<const Fp>(values), 5, false), Error);  // not a multiple
  EXPECT_THROW(MerkleTree(std::span<const Fp>(values), 4, false), Error);  // 3 rows
  EXPECT_THROW(MerkleTree(std::span<const Fp>(values.data(), 0), 1, false), Error);  // 0 rows
  MerkleTree ok(std::span<const Fp>(values), 3, false);
  std::vector<size_t> bad = {4};
  EXPECT_THROW(ok.open(bad), Error);
}

// A valid opening of a 256-row salted tree, then single mutations that must all be rejected.
class MerkleRejects : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937_64 rng(17);
    values = random_fp2s(256 * 3, rng);
    tree = std::make_unique<MerkleTree>(std::span<const Fp2>(values), 3, true);
    rows = {3, 17, 18, 100, 255};
    proof = tree->open(rows);
    leaves = leaf_digests(values, 3, rows, proof);
    ASSERT_TRUE(accepts());
  }
  bool accepts() const { return MerkleTree::verify(tree->root(), 256, rows, leaves, proof); }

  std::vector<Fp2> values;
  std::unique_ptr<MerkleTree> tree;
  std::vector<size_t> rows;
  MerkleMultiProof proof;
  std::vector<Digest> leaves;
};

TEST_F(MerkleRejects, WrongLeafDigest) {
  for (size_t j = 0; j < leaves.size(); ++j) {
    auto saved = leaves[j];
    leaves[j][j] ^= 1;
    EXPECT_FALSE(accepts()) << j;
    leaves[j] = saved;
  }
  // The leaf of another row, with its salt, is also wrong.
  auto other = MerkleTree::hash_row(std::span<const Fp2>(values.data() + 4 * 3, 3), &proof.salts[0]);
  leaves[0] = other;
  EXPECT_FALSE(accepts());
}

TEST_F(MerkleRejects, WrongSaltChangesLeaf) {
  proof.salts[1][0] ^= 0x80;
  leaves = leaf_digests(values, 3, rows, proof);
  EXPECT_FALSE(accepts());
}

TEST_F(MerkleRejects, FlippedSiblingByte) {
  for (size_t s = 0; s < proof.siblings.size(); ++s) {
    for (size_t byte : {size_t(0), size_t(13), size_t(31)}) {
      proof.siblings[s][byte] ^= 0x01;
      EXPECT_FALSE(accepts()) << "sibling " << s << " byte " << byte;
      proof.siblings[s][byte] ^= 0x01;
    }
  }
}

TEST_F(MerkleRejects, MissingOrExtraSibling) {
  auto full = proof.siblings;
  proof.siblings.pop_back();
  EXPECT_FALSE(accepts());
  proof.siblings = full;
  proof.siblings.erase(proof.siblings.begin());
  EXPECT_FALSE(accepts());
  proof.siblings = full;
  proof.siblings.push_back(full.back());
  EXPECT_FALSE(accepts());
  proof.siblings = full;
  proof.siblings.insert(proof.siblings.begin(), Digest{});
  EXPECT_FALSE(accepts());
  proof.siblings.clear();
  EXPECT_FALSE(accepts());
  proof.siblings = full;
  std::swap(proof.siblings[0], proof.siblings[1]);
  EXPECT_FALSE(accepts());
}

TEST_F(MerkleRejects, WrongIndex) {
  rows[1] = 16;  // same leaf digests claimed at a different position
  EXPECT_FALSE(accepts());
  rows[1] = 17;
  rows[4] = 254;
  EXPECT_FALSE(accepts());
}

TEST_F(MerkleRejects, OutOfRangeIndex) {
  rows[4] = 256;
  EXPECT_FALSE(accepts());
  rows[4] = SIZE_MAX;
  EXPECT_FALSE(accepts());
}

TEST_F(MerkleRejects, UnsortedOrDuplicateIndices) {
  std::swap(rows[0], rows[1]);
  std::swap(leaves[0], leaves[1]);
  EXPECT_FALSE(accepts());
  std::swap(rows[0], rows[1]);
  std::swap(leaves[0], leaves[1]);
  rows[1] = rows[0];
  EXPECT_FALSE(accepts());
}

TEST_F(MerkleRejects, MismatchedCounts) {
  leaves.pop_back();
  EXPECT_FALSE(accepts());
  leaves = leaf_digests(values, 3, rows, proof);
  proof.salts.pop_back();
  EXPECT_FALSE(accepts());
  proof = tree->open(rows);
  std::vector<size_t> none;
  std::vector<Digest> no_leaves;
  EXPECT_FALSE(MerkleTree::verify(tree->root(), 256, none, no_leaves, proof));
}

TEST_F(MerkleRejects, WrongRoot) {
  Digest root = tree->root();
  root[31] ^= 0x40;
  EXPECT_FALSE(MerkleTree::verify(root, 256, rows, leaves, proof));
  EXPECT_FALSE(MerkleTree::verify(Digest{}, 256, rows, leaves, proof));
}

TEST_F(MerkleRejects, WrongNumRows) {
  for (size_t n : {size_t(0), size_t(1), size_t(128), size_t(255), size_t(257), size_t(512),
                   size_t(1) << 40, SIZE_MAX, size_t(1) << 63})
    EXPECT_FALSE(MerkleTree::verify(tree->root(), n, rows, leaves, proof)) << n;
}

TEST_F(MerkleRejects, GarbageNeverCrashes) {
  // Random proofs of random shapes: the point is no crash and no out-of-bounds read (run under
  // ZK_SANITIZE), and of course no acceptance.
  std::mt19937_64 rng(18);
  for (int trial = 0; trial < 2000; ++trial) {
    MerkleMultiProof junk;
    junk.siblings.resize(rng() % 20);
    for (auto& d : junk.siblings) d[rng() % 32] = static_cast<uint8_t>(rng());
    std::vector<size_t> r(rng() % 6);
    for (auto& x : r) x = rng() % 300;
    std::vector<Digest> l(rng() % 6);
    size_t n = size_t(1) << (rng() % 10);
    EXPECT_FALSE(MerkleTree::verify(tree->root(), n, r, l, junk));
  }
}

}  // namespace
}  // namespace zk
