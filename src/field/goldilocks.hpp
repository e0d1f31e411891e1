#pragma once
// Goldilocks prime field F_p, p = 2^64 - 2^32 + 1. Elements are kept in canonical form [0, p).
// Reduction uses 2^64 = 2^32 - 1 (mod p) and 2^96 = -1 (mod p), so a 128-bit product reduces
// with two 64-bit additions/subtractions and no division.
#include <cstdint>
#include <string>

#include "common/error.hpp"

namespace zk {

class Fp {
 public:
  static constexpr uint64_t kModulus = 0xFFFFFFFF00000001ULL;
  static constexpr uint64_t kEpsilon = 0xFFFFFFFFULL;  // 2^64 mod p
  // 7 generates the multiplicative group; p - 1 = 2^32 * (2^32 - 1).
  static constexpr uint64_t kGenerator = 7;
  static constexpr unsigned kTwoAdicity = 32;

  constexpr Fp() = default;
  // Reduces any 64-bit value.
  constexpr explicit Fp(uint64_t v) : v_(v >= kModulus ? v - kModulus : v) {}

  static constexpr Fp zero() { return Fp(); }
  static constexpr Fp one() { return Fp(1); }
  // Signed integers map to p - |v| when negative (the witness encoding of DESIGN.md).
  static constexpr Fp from_signed(int64_t v) {
    if (v >= 0) return Fp(static_cast<uint64_t>(v));
    // -(v) for INT64_MIN does not fit in int64; go through uint64 arithmetic.
    uint64_t magnitude = uint64_t(0) - static_cast<uint64_t>(v);
    return Fp(kModulus - magnitude);
  }
  // Reads a canonical value; non-canonical input is an error (used by every deserializer).
  static Fp from_canonical(uint64_t v) {
    if (v >= kModulus) throw Error("field element out of range: " + std::to_string(v));
    Fp r;
    r.v_ = v;
    return r;
  }
  static constexpr Fp from_raw_unchecked(uint64_t v) {
    Fp r;
    r.v_ = v;
    return r;
  }

  constexpr uint64_t value() const { return v_; }
  // The centred representative in (-p/2, p/2]: the inverse of from_signed for small values.
  constexpr int64_t to_signed() const {
    return v_ > kModulus / 2 ? -static_cast<int64_t>(kModulus - v_) : static_cast<int64_t>(v_);
  }
  constexpr bool is_zero() const { return v_ == 0; }

  // All arithmetic below is branch-free (carries become masks): on random field elements the
  // carry branches are unpredictable, and mispredictions dominated NTT and sumcheck loops.
  static constexpr uint64_t mask_if(bool c) { return uint64_t(0) - static_cast<uint64_t>(c); }
  static constexpr uint64_t canonicalize(uint64_t x) {
    // x < 2^64 < 2p, so one conditional subtraction suffices.
    const uint64_t y = x - kModulus;
    return x >= kModulus ? y : x;
  }

  static constexpr uint64_t reduce128(unsigned __int128 x) {
    uint64_t lo = static_cast<uint64_t>(x);
    uint64_t hi = static_cast<uint64_t>(x >> 64);
    uint64_t hi_hi = hi >> 32;
    uint64_t hi_lo = hi & kEpsilon;
    uint64_t t0 = lo - hi_hi;
    t0 -= mask_if(lo < hi_hi) & kEpsilon;  // borrowed 2^64 = epsilon (mod p)
    uint64_t t1 = hi_lo * kEpsilon;
    uint64_t t2 = t0 + t1;
    t2 += mask_if(t2 < t1) & kEpsilon;  // carried 2^64; cannot overflow again since t1 < 2^64 - 2^33
    return canonicalize(t2);
  }

  friend constexpr Fp operator+(Fp a, Fp b) {
    uint64_t s = a.v_ + b.v_;
    s += mask_if(s < a.v_) & kEpsilon;
    return from_raw_unchecked(canonicalize(s));
  }
  friend constexpr Fp operator-(Fp a, Fp b) {
    uint64_t d = a.v_ - b.v_;
    d -= mask_if(a.v_ < b.v_) & kEpsilon;
    return from_raw_unchecked(d);
  }
  friend constexpr Fp operator-(Fp a) { return Fp() - a; }
  friend constexpr Fp operator*(Fp a, Fp b) {
    return from_raw_unchecked(reduce128(static_cast<unsigned __int128>(a.v_) * b.v_));
  }
  constexpr Fp& operator+=(Fp b) { return *this = *this + b; }
  constexpr Fp& operator-=(Fp b) { return *this = *this - b; }
  constexpr Fp& operator*=(Fp b) { return *this = *this * b; }
  friend constexpr bool operator==(Fp a, Fp b) { return a.v_ == b.v_; }
  friend constexpr bool operator!=(Fp a, Fp b) { return a.v_ != b.v_; }

  constexpr Fp square() const { return *this * *this; }
  constexpr Fp pow(uint64_t e) const {
    Fp result = one(), base = *this;
    while (e) {
      if (e & 1) result *= base;
      base = base.square();
      e >>= 1;
    }
    return result;
  }
  // Throws zk::Error on zero: a silent 0 would turn a soundness bug into a wrong answer.
  Fp inverse() const {
    if (is_zero()) throw Error("inverse of zero in the base field");
    return pow(kModulus - 2);
  }

  // A primitive 2^log_n-th root of unity (log_n <= 32).
  static Fp root_of_unity(unsigned log_n) {
    if (log_n > kTwoAdicity) throw Error("no root of unity of order 2^" + std::to_string(log_n));
    return Fp(kGenerator).pow((kModulus - 1) >> log_n);
  }

 private:
  uint64_t v_ = 0;
};

}  // namespace zk
