#pragma once
// Little-endian byte writer/reader for every zkinfer file format and for the proof pieces those
// files embed (pcs openings and commitments, sumcheck and lookup proofs). The reader checks each
// length against the bytes that remain before allocating anything, so a hostile length field fails
// with a one-line error instead of a huge allocation or an out-of-bounds read. Header-only and
// depending only on src/common and src/field, so the lower layers include it without linking zk_io.
#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "field/extension.hpp"

namespace zk::io {

class ByteWriter {
 public:
  void bytes(std::span<const uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void u8(uint8_t v) { out_.push_back(v); }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void f64(double v) {
    uint64_t bits;
    static_assert(sizeof bits == sizeof v);
    __builtin_memcpy(&bits, &v, sizeof v);
    u64(bits);
  }
  void count(size_t n) {
    if (n > 0xFFFFFFFFull) throw Error("cannot serialise a list of " + std::to_string(n) + " items");
    u32(static_cast<uint32_t>(n));
  }
  void string(const std::string& s) {
    count(s.size());
    bytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
  }
  void fp(Fp v) { u64(v.value()); }
  void fp2(Fp2 v) {
    fp(v.c0());
    fp(v.c1());
  }
  void i64s(std::span<const int64_t> v) {
    count(v.size());
    for (int64_t x : v) i64(x);
  }
  std::vector<uint8_t>& buffer() { return out_; }
  std::vector<uint8_t> take() { return std::move(out_); }

 private:
  std::vector<uint8_t> out_;
};

class ByteReader {
 public:
  // `what` names the file or section in error messages ("proof", "verifying key").
  ByteReader(std::span<const uint8_t> data, std::string what) : data_(data), what_(std::move(what)) {}

  std::span<const uint8_t> bytes(size_t n) {
    if (n > data_.size() - pos_) fail("is truncated");
    auto s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  template <size_t N>
  std::array<uint8_t, N> array() {
    std::array<uint8_t, N> out;
    auto b = bytes(N);
    std::copy(b.begin(), b.end(), out.begin());
    return out;
  }
  uint8_t u8() { return bytes(1)[0]; }
  uint32_t u32() {
    auto b = bytes(4);
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(b[i]) << (8 * i);
    return v;
  }
  uint64_t u64() {
    auto b = bytes(8);
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(b[i]) << (8 * i);
    return v;
  }
  int64_t i64() { return static_cast<int64_t>(u64()); }
  double f64() {
    uint64_t bits = u64();
    double v;
    __builtin_memcpy(&v, &bits, sizeof v);
    return v;
  }
  // A count of items each at least `min_item_bytes` long: larger than what remains is an error.
  size_t count(size_t min_item_bytes = 1) {
    const size_t n = u32();
    if (min_item_bytes && n > remaining() / min_item_bytes) fail("has an impossible length field (" + std::to_string(n) + ")");
    return n;
  }
  std::string string() {
    const size_t n = count(1);
    auto b = bytes(n);
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
  }
  Fp fp() {
    const uint64_t v = u64();
    if (v >= Fp::kModulus) fail("holds a non-canonical field element");
    return Fp::from_raw_unchecked(v);
  }
  Fp2 fp2() {
    Fp a = fp();
    Fp b = fp();
    return Fp2(a, b);
  }
  std::vector<int64_t> i64s() {
    std::vector<int64_t> v(count(8));
    for (auto& x : v) x = i64();
    return v;
  }
  void expect_magic(std::span<const uint8_t> magic, uint32_t version) {
    if (data_.size() - pos_ < magic.size()) fail("is truncated (no header)");
    auto b = bytes(magic.size());
    if (!std::equal(b.begin(), b.end(), magic.begin())) fail("has the wrong magic bytes (not a " + what_ + " file)");
    const uint32_t v = u32();
    if (v != version) fail("has format version " + std::to_string(v) + ", this zkinfer reads version " + std::to_string(version));
  }
  void expect_end() {
    if (pos_ != data_.size()) fail("has " + std::to_string(data_.size() - pos_) + " trailing bytes");
  }
  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  [[noreturn]] void fail(const std::string& problem) const { throw Error("the " + what_ + " " + problem); }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  std::string what_;
};

}  // namespace zk::io
