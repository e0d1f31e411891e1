#pragma once
// Univariate polynomials as they appear in sumcheck: sent as evaluations at 0, 1, ..., d.
#include <span>
#include <vector>

#include "field/extension.hpp"

namespace zk {

// Value at x of the unique polynomial of degree <= d with p(i) = evals[i], i = 0..d (d <= 8).
Fp2 interpolate_at(std::span<const Fp2> evals_at_0_to_d, Fp2 x);

// Coefficients (lowest degree first) <-> evaluations at 0..d.
std::vector<Fp2> coefficients_from_evaluations(std::span<const Fp2> evals_at_0_to_d);
Fp2 evaluate_polynomial(std::span<const Fp2> coefficients, Fp2 x);

}  // namespace zk
