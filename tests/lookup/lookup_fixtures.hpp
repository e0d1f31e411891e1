#pragma once
// Fixtures shared by the lookup tests (logup_test.cpp, zk_logup_test.cpp): looked-up tensors in
// the padded MLE layout, built independently of the library, and a non-power-of-two function table.
#include <functional>
#include <vector>

#include "lookup/logup.hpp"

namespace zk::lookup::fixtures {

// A tensor in the padded MLE layout (written independently of the library: index arithmetic on
// the multi-index), with the real entries given by a function of the row-major flat index.
struct OwnedColumn {
  std::vector<int64_t> shape;
  std::vector<Fp> in, out;
  std::vector<size_t> real;  // padded index of each real entry, in row-major order

  OwnedColumn(std::vector<int64_t> s, const std::function<int64_t(size_t)>& f_in,
              const std::function<int64_t(int64_t)>* f_out = nullptr)
      : shape(std::move(s)) {
    std::vector<int64_t> padded;
    size_t total = 1, real_total = 1;
    for (int64_t d : shape) {
      int64_t p = 1;
      while (p < d) p *= 2;
      padded.push_back(p);
      total *= size_t(p);
      real_total *= size_t(d);
    }
    in.assign(total, Fp::zero());
    if (f_out) out.assign(total, Fp::zero());
    for (size_t flat = 0; flat < real_total; ++flat) {
      size_t rem = flat, idx = 0, stride = 1;
      for (size_t d = shape.size(); d-- > 0;) {
        idx += (rem % size_t(shape[d])) * stride;
        rem /= size_t(shape[d]);
        stride *= size_t(padded[d]);
      }
      real.push_back(idx);
      const int64_t x = f_in(flat);
      in[idx] = Fp::from_signed(x);
      if (f_out) out[idx] = Fp::from_signed((*f_out)(x));
    }
  }
  Column view() const { return Column{in, out, shape}; }
};

inline int64_t square_mod(int64_t x) { return (x * x) % 97 - 40; }
inline std::function<int64_t(int64_t)> kSquare = square_mod;

// x in [-500, 500), f(x) = x^2 mod 97 - 40: 1000 entries, not a power of two.
inline Table function_table() {
  Table t;
  for (int64_t x = -500; x < 500; ++x) {
    t.inputs.push_back(Fp::from_signed(x));
    t.outputs.push_back(Fp::from_signed(square_mod(x)));
  }
  return t;
}

}  // namespace zk::lookup::fixtures
