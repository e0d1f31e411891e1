#pragma once
// Merkle trees over rows of field elements. Leaf i commits to row i (row_width consecutive values,
// serialised little-endian; an Fp2 is c0 then c1) and, in hiding mode, to a fresh 32-byte salt
// from the OS CSPRNG: leaf = SHA-256(salt || row bytes). Salts make a leaf digest reveal nothing
// about an unopened row (the BCS transform's hiding requirement).
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "field/extension.hpp"
#include "hash/sha256.hpp"

namespace zk {

using Salt = std::array<uint8_t, 32>;

// An opening of several rows at once: the sibling digests needed to recompute the root, in the
// order verify() consumes them (level by level from the leaves, ascending index), and the salts
// of the opened rows (empty when the tree is not salted).
struct MerkleMultiProof {
  std::vector<Digest> siblings;
  std::vector<Salt> salts;
};

class MerkleTree {
 public:
  // values.size() must be a multiple of row_width (> 0), and the row count a power of two (>= 1);
  // zk::Error otherwise.
  MerkleTree(std::span<const Fp> values, size_t row_width, bool salted);
  MerkleTree(std::span<const Fp2> values, size_t row_width, bool salted);
  // Salted, with salt i = SHA-256(salt_seed || i as u64 LE) instead of fresh OS bytes: the same
  // secret seed rebuilds the same tree (a commitment the prover must recreate later, e.g. the
  // weights from the proving key). The seed must come from the OS and stay as secret as the rows.
  MerkleTree(std::span<const Fp> values, size_t row_width, const Salt& salt_seed);

  const Digest& root() const;
  size_t num_rows() const;
  bool salted() const;

  // rows: any order, duplicates allowed; the proof covers the sorted unique set. Throws zk::Error
  // on a row >= num_rows().
  MerkleMultiProof open(std::span<const size_t> rows) const;

  // Leaf digest of a row as the tree computes it.
  static Digest hash_row(std::span<const Fp> row, const Salt* salt);
  static Digest hash_row(std::span<const Fp2> row, const Salt* salt);

  // Recomputes the root from the (sorted unique) rows' leaf digests and the proof. Returns false
  // on any inconsistency (wrong count of siblings, index out of range, root mismatch); never throws
  // on hostile input.
  // An empty row set is rejected (it would prove nothing). proof.salts is not read beyond its
  // count, which must be 0 or the row count: the caller folds salts into leaf_digests.
  static bool verify(const Digest& root, size_t num_rows, std::span<const size_t> sorted_unique_rows,
                     std::span<const Digest> leaf_digests, const MerkleMultiProof& proof);

 private:
  // nodes_[level] holds the digests of that level; level 0 = leaves, last = {root}.
  std::vector<std::vector<Digest>> levels_;
  std::vector<Salt> salts_;
};

}  // namespace zk
