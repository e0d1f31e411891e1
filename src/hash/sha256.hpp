#pragma once
// SHA-256, the only hash zkinfer uses (Merkle trees, Fiat-Shamir, proof of work).
// Two implementations, cross-checked in tests: OpenSSL's (the reference) and a SHA-NI kernel for
// the 64-byte two-to-one compressions that dominate Merkle tree building, chosen at run time.
// The SHA-NI kernel also serves sha256() and sha256_many() (any length, padding done here);
// CPUs without SHA extensions (e.g. AVX2-only Intel parts) never execute it.
#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace zk {

using Digest = std::array<uint8_t, 32>;

Digest sha256(std::span<const uint8_t> data);
// SHA-256(left || right): the Merkle node hash. Uses SHA-NI when the CPU has it.
Digest hash_pair(const Digest& left, const Digest& right);
// Hashes many independent equal-length messages (Merkle leaves); out[i] = SHA-256(data[i*len, (i+1)*len)).
// data.size() must equal message_length * out.size() (zk::Error otherwise). OpenMP-parallel above
// a few hundred KiB.
void sha256_many(std::span<const uint8_t> data, size_t message_length, std::span<Digest> out);

bool sha256_hardware_available();
// Forces the portable/OpenSSL path (tests compare both paths on the same input). Process-wide;
// not meant to be flipped while other threads are hashing.
void sha256_force_portable(bool force);

std::string to_hex(const Digest& digest);

}  // namespace zk
