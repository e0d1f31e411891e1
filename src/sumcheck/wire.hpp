#pragma once
// Internal: little-endian, length-checked encoding of the sumcheck proofs.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "field/extension.hpp"

namespace zk::sumcheck::wire {

inline void put_u64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(uint8_t(v >> (8 * i)));
}
inline void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (8 * i)));
}
inline void put_fp2(std::vector<uint8_t>& out, Fp2 v) {
  put_u64(out, v.c0().value());
  put_u64(out, v.c1().value());
}

inline void need(std::span<const uint8_t> in, size_t offset, size_t bytes, const char* what) {
  if (offset > in.size() || in.size() - offset < bytes) {
    throw Error(std::string("truncated input while reading ") + what);
  }
}
inline uint64_t get_u64(std::span<const uint8_t> in, size_t& offset, const char* what) {
  need(in, offset, 8, what);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(in[offset + i]) << (8 * i);
  offset += 8;
  return v;
}
inline uint32_t get_u32(std::span<const uint8_t> in, size_t& offset, const char* what) {
  need(in, offset, 4, what);
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t(in[offset + i]) << (8 * i);
  offset += 4;
  return v;
}
inline Fp2 get_fp2(std::span<const uint8_t> in, size_t& offset, const char* what) {
  Fp c0 = Fp::from_canonical(get_u64(in, offset, what));
  Fp c1 = Fp::from_canonical(get_u64(in, offset, what));
  return {c0, c1};
}

}  // namespace zk::sumcheck::wire
