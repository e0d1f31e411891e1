#include "hash/merkle.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>
#include <type_traits>

#include "common/error.hpp"
#include "common/random.hpp"
#include "hash/sha256_detail.hpp"

namespace zk {

namespace {

// Rows are hashed straight from the field element arrays: on a little-endian machine the
// in-memory representation of Fp (one canonical u64) and Fp2 (c0 then c1) is the serialisation.
static_assert(std::endian::native == std::endian::little, "row serialisation assumes little-endian");
static_assert(sizeof(Fp) == 8 && std::is_trivially_copyable_v<Fp>);
static_assert(sizeof(Fp2) == 16 && std::is_trivially_copyable_v<Fp2>);

constexpr size_t kSaltBytes = sizeof(Salt);
// Leaves per OpenMP work item: at most 256, and about 64 KiB of row data so that the per-thread
// staging buffer (salt || row) stays cache-sized even for very wide rows.
constexpr size_t kLeafChunkRows = 256;
constexpr size_t kLeafChunkBytes = size_t(1) << 16;
// Nodes per OpenMP work item on the inner levels.
constexpr size_t kNodeChunk = 2048;
// Below these sizes (roughly a millisecond of hashing) a level is hashed serially: with the cores
// shared by other work, each OpenMP fork/join can cost a scheduler time slice, which made small
// trees ~20x slower when parallel.
constexpr size_t kParallelLeafBytes = size_t(1) << 18;
constexpr size_t kParallelNodes = size_t(1) << 13;

bool is_power_of_two(size_t n) { return n != 0 && (n & (n - 1)) == 0; }

void hash_leaves(const uint8_t* bytes, size_t num_rows, size_t row_bytes, bool salted,
                 std::vector<Digest>& leaves, std::vector<Salt>& salts, const Salt* salt_seed = nullptr) {
  leaves.resize(num_rows);
  if (salted) salts.resize(num_rows);
  const size_t chunk_rows = std::clamp<size_t>(kLeafChunkBytes / row_bytes, 1, kLeafChunkRows);
  const size_t chunks = (num_rows + chunk_rows - 1) / chunk_rows;
  const bool parallel = num_rows * (row_bytes + (salted ? kSaltBytes : 0)) >= kParallelLeafBytes;
#pragma omp parallel if (parallel)
  {
    std::vector<uint8_t> staging;
    if (salted) staging.resize(chunk_rows * (kSaltBytes + row_bytes));
#pragma omp for schedule(dynamic, 1)
    for (size_t c = 0; c < chunks; ++c) {
      const size_t begin = c * chunk_rows;
      const size_t n = std::min(chunk_rows, num_rows - begin);
      const uint8_t* rows = bytes + begin * row_bytes;
      if (!salted) {
        detail::sha256_many_serial(rows, row_bytes, n, leaves.data() + begin);
        continue;
      }
      if (salt_seed) {
        // Salts expanded from a secret seed (see the header): seed || index, hashed as one batch.
        constexpr size_t kSeedMessage = kSaltBytes + sizeof(uint64_t);
        for (size_t i = 0; i < n; ++i) {
          const uint64_t index = begin + i;
          std::memcpy(staging.data() + i * kSeedMessage, salt_seed->data(), kSaltBytes);
          std::memcpy(staging.data() + i * kSeedMessage + kSaltBytes, &index, sizeof index);
        }
        detail::sha256_many_serial(staging.data(), kSeedMessage, n, salts.data() + begin);
      } else {
        // Fresh salts per leaf from this thread's OS-keyed generator: a salt derived from
        // anything the verifier sees would make the leaf digest a function of the row alone again.
        secure_random_bytes(std::span<uint8_t>(reinterpret_cast<uint8_t*>(salts.data() + begin), n * kSaltBytes));
      }
      const size_t message = kSaltBytes + row_bytes;
      for (size_t i = 0; i < n; ++i) {
        std::memcpy(staging.data() + i * message, salts[begin + i].data(), kSaltBytes);
        std::memcpy(staging.data() + i * message + kSaltBytes, rows + i * row_bytes, row_bytes);
      }
      detail::sha256_many_serial(staging.data(), message, n, leaves.data() + begin);
    }
  }
}

void hash_levels(std::vector<std::vector<Digest>>& levels) {
  while (levels.back().size() > 1) {
    const std::vector<Digest>& below = levels.back();
    std::vector<Digest> level(below.size() / 2);
    const size_t n = level.size();
    const size_t chunks = (n + kNodeChunk - 1) / kNodeChunk;
#pragma omp parallel for if (n >= kParallelNodes) schedule(dynamic, 1)
    for (size_t c = 0; c < chunks; ++c) {
      const size_t begin = c * kNodeChunk;
      detail::hash_pairs_serial(below.data() + 2 * begin, std::min(kNodeChunk, n - begin),
                                level.data() + begin);
    }
    levels.push_back(std::move(level));
  }
}

void check_shape(size_t num_values, size_t row_width) {
  if (row_width == 0) throw Error("Merkle tree: row width must be positive");
  if (num_values % row_width != 0)
    throw Error("Merkle tree: " + std::to_string(num_values) + " values do not split into rows of " +
                std::to_string(row_width));
  const size_t rows = num_values / row_width;
  if (!is_power_of_two(rows))
    throw Error("Merkle tree: row count " + std::to_string(rows) + " is not a power of two");
}

Digest hash_row_bytes(const uint8_t* row, size_t row_bytes, const Salt* salt) {
  if (!salt) return sha256(std::span<const uint8_t>(row, row_bytes));
  std::vector<uint8_t> message(kSaltBytes + row_bytes);
  std::memcpy(message.data(), salt->data(), kSaltBytes);
  if (row_bytes) std::memcpy(message.data() + kSaltBytes, row, row_bytes);
  return sha256(message);
}

}  // namespace

MerkleTree::MerkleTree(std::span<const Fp> values, size_t row_width, bool salted) {
  check_shape(values.size(), row_width);
  levels_.emplace_back();
  hash_leaves(reinterpret_cast<const uint8_t*>(values.data()), values.size() / row_width,
              row_width * sizeof(Fp), salted, levels_[0], salts_);
  hash_levels(levels_);
}

MerkleTree::MerkleTree(std::span<const Fp2> values, size_t row_width, bool salted) {
  check_shape(values.size(), row_width);
  levels_.emplace_back();
  hash_leaves(reinterpret_cast<const uint8_t*>(values.data()), values.size() / row_width,
              row_width * sizeof(Fp2), salted, levels_[0], salts_);
  hash_levels(levels_);
}

MerkleTree::MerkleTree(std::span<const Fp> values, size_t row_width, const Salt& salt_seed) {
  check_shape(values.size(), row_width);
  levels_.emplace_back();
  hash_leaves(reinterpret_cast<const uint8_t*>(values.data()), values.size() / row_width,
              row_width * sizeof(Fp), true, levels_[0], salts_, &salt_seed);
  hash_levels(levels_);
}

const Digest& MerkleTree::root() const { return levels_.back()[0]; }
size_t MerkleTree::num_rows() const { return levels_[0].size(); }
bool MerkleTree::salted() const { return !salts_.empty(); }

Digest MerkleTree::hash_row(std::span<const Fp> row, const Salt* salt) {
  return hash_row_bytes(reinterpret_cast<const uint8_t*>(row.data()), row.size() * sizeof(Fp), salt);
}

Digest MerkleTree::hash_row(std::span<const Fp2> row, const Salt* salt) {
  return hash_row_bytes(reinterpret_cast<const uint8_t*>(row.data()), row.size() * sizeof(Fp2), salt);
}

MerkleMultiProof MerkleTree::open(std::span<const size_t> rows) const {
  std::vector<size_t> indices(rows.begin(), rows.end());
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  if (!indices.empty() && indices.back() >= num_rows())
    throw Error("Merkle opening: row " + std::to_string(indices.back()) + " of a tree with " +
                std::to_string(num_rows()) + " rows");

  MerkleMultiProof proof;
  if (salted()) {
    proof.salts.reserve(indices.size());
    for (size_t i : indices) proof.salts.push_back(salts_[i]);
  }
  // Mirror of verify(): a sibling is emitted only when it is not itself among the known nodes.
  for (size_t level = 0; level + 1 < levels_.size(); ++level) {
    std::vector<size_t> parents;
    parents.reserve(indices.size());
    for (size_t j = 0; j < indices.size(); ++j) {
      const size_t i = indices[j];
      if ((i & 1) == 0 && j + 1 < indices.size() && indices[j + 1] == i + 1) {
        ++j;
      } else {
        proof.siblings.push_back(levels_[level][i ^ 1]);
      }
      parents.push_back(i >> 1);
    }
    indices = std::move(parents);
  }
  return proof;
}

bool MerkleTree::verify(const Digest& root, size_t num_rows, std::span<const size_t> sorted_unique_rows,
                        std::span<const Digest> leaf_digests, const MerkleMultiProof& proof) {
  if (!is_power_of_two(num_rows)) return false;
  const size_t n = sorted_unique_rows.size();
  if (n == 0 || leaf_digests.size() != n) return false;
  if (!proof.salts.empty() && proof.salts.size() != n) return false;
  for (size_t j = 0; j < n; ++j) {
    if (sorted_unique_rows[j] >= num_rows) return false;
    if (j > 0 && sorted_unique_rows[j] <= sorted_unique_rows[j - 1]) return false;
  }
  // Each level needs at most one sibling per opened row: cheap rejection of padded proofs
  // before any hashing.
  const unsigned depth = static_cast<unsigned>(std::countr_zero(num_rows));
  if (proof.siblings.size() > static_cast<size_t>(depth) * n) return false;

  std::vector<size_t> index(sorted_unique_rows.begin(), sorted_unique_rows.end());
  std::vector<Digest> node(leaf_digests.begin(), leaf_digests.end());
  size_t next_sibling = 0;
  for (unsigned level = 0; level < depth; ++level) {
    size_t out = 0;
    const size_t count = index.size();
    for (size_t j = 0; j < count; ++j) {
      const size_t i = index[j];
      Digest parent;
      if ((i & 1) == 0 && j + 1 < count && index[j + 1] == i + 1) {
        parent = hash_pair(node[j], node[j + 1]);
        ++j;
      } else {
        if (next_sibling == proof.siblings.size()) return false;
        const Digest& sibling = proof.siblings[next_sibling++];
        parent = (i & 1) ? hash_pair(sibling, node[j]) : hash_pair(node[j], sibling);
      }
      // Parents come out strictly increasing, so writing in place never overtakes a read.
      index[out] = i >> 1;
      node[out] = parent;
      ++out;
    }
    index.resize(out);
    node.resize(out);
  }
  if (next_sibling != proof.siblings.size()) return false;
  return index.size() == 1 && node[0] == root;
}

}  // namespace zk
