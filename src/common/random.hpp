#pragma once
// Prover randomness (salts, masks, blinding) comes from the operating system's CSPRNG only,
// never from the transcript: a transcript-derived mask would be known to the verifier.
#include <cstdint>
#include <span>
#include <sys/random.h>

#include "common/error.hpp"

namespace zk {

inline void os_random_bytes(std::span<uint8_t> out) {
  size_t filled = 0;
  while (filled < out.size()) {
    ssize_t got = getrandom(out.data() + filled, out.size() - filled, 0);
    if (got < 0) throw Error("the operating system's random number generator failed");
    filled += static_cast<size_t>(got);
  }
}

inline uint64_t os_random_u64() {
  uint64_t v;
  os_random_bytes(std::span<uint8_t>(reinterpret_cast<uint8_t*>(&v), sizeof v));
  return v;
}

}  // namespace zk
