#pragma once
// Radix-2 number-theoretic transforms over Goldilocks, sizes up to 2^26 (any power of two up to
// the field's two-adicity works; 2^26 is the largest the tests and benchmarks exercise).
//
// Orders: "natural" is index order; "bit-reversed" puts the evaluation at w^bitrev(i) in slot i.
// The PCS keeps codewords bit-reversed so that the 2^k points of a folding coset are adjacent.
#include <cstdint>
#include <span>
#include <vector>

#include "field/goldilocks.hpp"

namespace zk {

unsigned log2_exact(size_t n);  // throws unless n is a power of two
uint64_t bit_reverse(uint64_t i, unsigned bits);
void bit_reverse_permute(std::span<Fp> values);

// Coefficients (natural) -> evaluations on <w_n> (bit-reversed). No permutation pass.
void ntt_dif(std::span<Fp> values);
// Evaluations (bit-reversed) -> coefficients (natural), including the 1/n scaling.
void intt_dit(std::span<Fp> values);

// Natural order on both sides: values[i] <- sum_j a_j w^(ij).
void ntt(std::span<Fp> values);
void intt(std::span<Fp> values);
// Evaluations on the coset shift * <w_n> (natural order), and back.
void coset_ntt(std::span<Fp> values, Fp shift);
void coset_intt(std::span<Fp> values, Fp shift);

// Reed-Solomon encoding with blowup 2^log_blowup: evaluations of the polynomial with these
// coefficients on the subgroup of order n * 2^log_blowup, in bit-reversed order.
std::vector<Fp> low_degree_extend_bitrev(std::span<const Fp> coefficients, unsigned log_blowup);

}  // namespace zk
