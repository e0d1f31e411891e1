#pragma once
// The quadratic extension K = F_p[X] / (X^2 - 7), about 128 bits. Every verifier challenge lives
// here so that Schwartz-Zippel style errors are ~d / 2^128 instead of d / 2^64.
// 7 is a quadratic non-residue modulo p, so X^2 - 7 is irreducible.
#include "field/goldilocks.hpp"

namespace zk {

class Fp2 {
 public:
  static constexpr uint64_t kNonResidue = 7;

  constexpr Fp2() = default;
  constexpr Fp2(Fp c0) : c0_(c0) {}  // NOLINT: the base field embeds into K
  constexpr Fp2(Fp c0, Fp c1) : c0_(c0), c1_(c1) {}

  static constexpr Fp2 zero() { return Fp2(); }
  static constexpr Fp2 one() { return Fp2(Fp::one()); }
  static constexpr Fp2 from_signed(int64_t v) { return Fp2(Fp::from_signed(v)); }

  constexpr Fp c0() const { return c0_; }
  constexpr Fp c1() const { return c1_; }
  constexpr bool is_zero() const { return c0_.is_zero() && c1_.is_zero(); }
  constexpr bool is_base() const { return c1_.is_zero(); }

  friend constexpr Fp2 operator+(Fp2 a, Fp2 b) { return {a.c0_ + b.c0_, a.c1_ + b.c1_}; }
  friend constexpr Fp2 operator-(Fp2 a, Fp2 b) { return {a.c0_ - b.c0_, a.c1_ - b.c1_}; }
  friend constexpr Fp2 operator-(Fp2 a) { return {-a.c0_, -a.c1_}; }
  friend constexpr Fp2 operator*(Fp2 a, Fp2 b) {
    // A canonical product is < 2^128 - 2^97, so one more reduced (< 2^67) term still fits in
    // 128 bits: each output coordinate costs two reductions and no modular additions.
    using u128 = unsigned __int128;
    const uint64_t a0 = a.c0_.value(), a1 = a.c1_.value(), b0 = b.c0_.value(), b1 = b.c1_.value();
    const uint64_t a1b1 = Fp::reduce128(u128(a1) * b1);
    const uint64_t a0b1 = Fp::reduce128(u128(a0) * b1);
    Fp r0 = Fp::from_raw_unchecked(Fp::reduce128(u128(a0) * b0 + u128(a1b1) * kNonResidue));
    Fp r1 = Fp::from_raw_unchecked(Fp::reduce128(u128(a1) * b0 + a0b1));
    return {r0, r1};
  }
  friend constexpr Fp2 operator*(Fp2 a, Fp b) { return {a.c0_ * b, a.c1_ * b}; }
  friend constexpr Fp2 operator*(Fp a, Fp2 b) { return b * a; }
  constexpr Fp2& operator+=(Fp2 b) { return *this = *this + b; }
  constexpr Fp2& operator-=(Fp2 b) { return *this = *this - b; }
  constexpr Fp2& operator*=(Fp2 b) { return *this = *this * b; }
  constexpr Fp2& operator*=(Fp b) { return *this = *this * b; }
  friend constexpr bool operator==(Fp2 a, Fp2 b) { return a.c0_ == b.c0_ && a.c1_ == b.c1_; }
  friend constexpr bool operator!=(Fp2 a, Fp2 b) { return !(a == b); }

  constexpr Fp2 square() const { return *this * *this; }
  constexpr Fp2 pow(uint64_t e) const {
    Fp2 result = one(), base = *this;
    while (e) {
      if (e & 1) result *= base;
      base = base.square();
      e >>= 1;
    }
    return result;
  }
  // (c0 + c1 X)^-1 = (c0 - c1 X) / (c0^2 - 7 c1^2); the norm is non-zero for non-zero input.
  Fp2 inverse() const {
    if (is_zero()) throw Error("inverse of zero in the extension field");
    Fp norm = c0_.square() - Fp(kNonResidue) * c1_.square();
    Fp inv = norm.inverse();
    return {c0_ * inv, -(c1_ * inv)};
  }

 private:
  Fp c0_, c1_;
};

}  // namespace zk
