#pragma once
// Private to the hash module: serial kernels for callers that already split work across their own
// OpenMP loop (Merkle leaves and levels), where a nested parallel region would only add overhead.
#include <cstddef>
#include <cstdint>

#include "hash/sha256.hpp"

namespace zk::detail {

// out[i] = SHA-256(data[i*len, (i+1)*len)) for i < count; same dispatch as sha256_many.
void sha256_many_serial(const uint8_t* data, size_t message_length, size_t count, Digest* out);

// out[i] = hash_pair(in[2i], in[2i+1]) for i < count: one Merkle level. in and out may not overlap.
void hash_pairs_serial(const Digest* in, size_t count, Digest* out);

}  // namespace zk::detail
