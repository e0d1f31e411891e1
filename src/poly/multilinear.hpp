#pragma once
// Multilinear polynomials in evaluation form over the Boolean hypercube {0,1}^n.
//
// Convention used everywhere in zkinfer: entry i of a table holds f(x) where x_j is bit j of i,
// so x_0 is the least significant bit. Sumcheck and the PCS both bind x_0 first; binding x_0 to r
// maps a table t of size 2^n to t'[j] = t[2j] + r * (t[2j+1] - t[2j]).
#include <span>
#include <vector>

#include "field/extension.hpp"

namespace zk {

// eq(r, x) = prod_j (r_j x_j + (1 - r_j)(1 - x_j)) for all x in {0,1}^n, in O(2^n).
std::vector<Fp2> eq_table(std::span<const Fp2> r);
// The same table scaled by `scale` (saves a pass when batching claims).
std::vector<Fp2> eq_table(std::span<const Fp2> r, Fp2 scale);
// eq(a, b) for two points of the same length.
Fp2 eq_eval(std::span<const Fp2> a, std::span<const Fp2> b);
// eq(r, bits of index) for one Boolean point given as an integer (bit j = coordinate j).
Fp2 eq_eval_at_index(std::span<const Fp2> r, uint64_t index);

// f(r) for the multilinear extension of `evals` (size 2^point.size()), in O(2^n).
Fp2 evaluate_mle(std::span<const Fp> evals, std::span<const Fp2> point);
Fp2 evaluate_mle(std::span<const Fp2> evals, std::span<const Fp2> point);

// Binds x_0 to r: returns the table of size/2.
std::vector<Fp2> fix_first_variable(std::span<const Fp> evals, Fp2 r);
std::vector<Fp2> fix_first_variable(std::span<const Fp2> evals, Fp2 r);
// In place on an Fp2 table: keeps the first half of the vector and shrinks it.
void fix_first_variable_in_place(std::vector<Fp2>& evals, Fp2 r);

// Evaluation form <-> monomial coefficients (coefficient i multiplies prod_{j in bits(i)} x_j).
// The PCS commits to coefficients; both maps are n * 2^(n-1) additions.
void evaluations_to_coefficients(std::span<Fp> values);
void coefficients_to_evaluations(std::span<Fp> values);

// A table padded with zeros to the next power of two (at least 1 entry).
std::vector<Fp> pad_to_power_of_two(std::span<const Fp> values);
unsigned ceil_log2(size_t n);

}  // namespace zk
