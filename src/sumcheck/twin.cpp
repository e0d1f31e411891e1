#include "sumcheck/twin.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <type_traits>

#include "common/error.hpp"
#include "poly/multilinear.hpp"

namespace zk::sumcheck {

namespace {

bool has_public_factor(const Term& t, std::span<const bool> is_private) {
  for (uint32_t k : t.factors) {
    if (k >= is_private.size()) throw Error("twin sumcheck: factor index " + std::to_string(k) + " out of range");
    if (!is_private[k]) return true;
  }
  return false;
}

// The terms over the interleaved tables: the same factors, plus the (1 - b) table (index
// `one_minus_b`) for a term without a public factor. Sets `needs_one_minus_b` if any term got it.
std::vector<Term> twin_terms(std::span<const Term> terms, std::span<const bool> is_private, uint32_t one_minus_b,
                             bool& needs_one_minus_b) {
  std::vector<Term> out(terms.begin(), terms.end());
  needs_one_minus_b = false;
  for (Term& t : out) {
    if (!has_public_factor(t, is_private)) {
      t.factors.push_back(one_minus_b);
      needs_one_minus_b = true;
    }
  }
  return out;
}

// Table of 2^(n+1) entries with b on the lowest index bit: (even, odd) = (table, mask) for a
// private table, (table, 0) for a public one.
template <class T>
void interleave(const TableRef& table, const std::optional<TableRef>& mask, std::vector<T>& out) {
  const size_t n = table.size();
  out.assign(2 * n, T{});
  auto value = [](const TableRef& ref, size_t i) -> T {
    if constexpr (std::is_same_v<T, Fp>) {
      return ref.base_data()[i];
    } else {
      return ref.at(i);
    }
  };
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = value(table, i);
    if (mask) out[2 * i + 1] = value(*mask, i);
  }
}

}  // namespace

unsigned twin_degree(std::span<const Term> terms, std::span<const bool> is_private) {
  if (terms.empty()) throw Error("twin sumcheck: no terms");
  unsigned d = 0;
  for (const Term& t : terms) {
    if (t.factors.empty()) throw Error("twin sumcheck: a term has no factors");
    const unsigned degree = unsigned(t.factors.size()) + (has_public_factor(t, is_private) ? 0 : 1);
    if (degree > kMaxDegree) {
      throw Error("twin sumcheck: a term of private factors only has degree " + std::to_string(degree) +
                  " with the (1 - b) factor, more than " + std::to_string(kMaxDegree));
    }
    d = std::max(d, degree);
  }
  return d;
}

TwinProverOutput prove_twin(Transcript& transcript, std::span<const TableRef> tables, TwinMasks masks,
                            std::span<const Term> terms, Fp2 claimed_sum, const MaskPolynomial& g) {
  if (masks.size() != tables.size()) throw Error("twin sumcheck: one mask entry per table is needed");
  std::unique_ptr<bool[]> flags(new bool[masks.size() + 1]);  // std::vector<bool> has no span view
  for (size_t i = 0; i < masks.size(); ++i) flags[i] = masks[i].has_value();
  const std::span<const bool> is_private(flags.get(), masks.size());

  for (size_t i = 0; i < tables.size(); ++i) {
    if (masks[i] && masks[i]->size() != tables[i].size()) {
      throw Error("twin sumcheck: table " + std::to_string(i) + " and its mask differ in size");
    }
  }
  bool needs_one_minus_b = false;
  const std::vector<Term> terms2 = twin_terms(terms, is_private, uint32_t(tables.size()), needs_one_minus_b);

  // Interleaved copies: base-field where both halves are base-field, else in K.
  std::vector<std::vector<Fp>> base(tables.size() + 1);
  std::vector<std::vector<Fp2>> ext(tables.size());
  std::vector<TableRef> refs;
  refs.reserve(tables.size() + 1);
  for (size_t i = 0; i < tables.size(); ++i) {
    const bool all_base = tables[i].is_base() && (!masks[i] || masks[i]->is_base());
    if (all_base) {
      interleave(tables[i], masks[i], base[i]);
      refs.emplace_back(base[i]);
    } else {
      interleave(tables[i], masks[i], ext[i]);
      refs.emplace_back(ext[i]);
    }
  }
  if (needs_one_minus_b) {
    const size_t size = tables.empty() ? 2 : 2 * tables[0].size();
    auto& one_minus_b = base[tables.size()];
    one_minus_b.assign(size, Fp::zero());
    for (size_t i = 0; i < size; i += 2) one_minus_b[i] = Fp::one();
    refs.emplace_back(one_minus_b);
  }

  ZkProverOutput zk = prove_zk(transcript, refs, terms2, claimed_sum, g);
  TwinProverOutput out;
  out.proof = std::move(zk.proof);
  out.point = std::move(zk.point);
  out.rho = zk.rho;
  out.mask_evaluation = zk.mask_evaluation;
  out.table_evaluations.assign(zk.table_evaluations.begin(), zk.table_evaluations.begin() + tables.size());
  // Public tables came out as (1 - beta) P(r); the caller wants P(r).
  const Fp2 one_minus_beta = Fp2::one() - out.point[0];
  const std::span<const Fp2> r = std::span<const Fp2>(out.point).subspan(1);
  for (size_t i = 0; i < tables.size(); ++i) {
    if (masks[i]) continue;
    if (!one_minus_beta.is_zero()) {
      out.table_evaluations[i] = out.table_evaluations[i] * one_minus_beta.inverse();
    } else if (tables[i].is_base()) {
      out.table_evaluations[i] = evaluate_mle(std::span<const Fp>(tables[i].base_data(), tables[i].size()), r);
    } else {
      out.table_evaluations[i] = evaluate_mle(std::span<const Fp2>(tables[i].ext_data(), tables[i].size()), r);
    }
  }
  return out;
}

ZkClaim verify_twin(Transcript& transcript, unsigned num_vars, unsigned degree, Fp2 claimed_sum,
                    const ZkProof& proof) {
  if (num_vars >= 63) throw VerifyError("twin sumcheck: too many variables");
  return verify_zk(transcript, num_vars + 1, degree, claimed_sum, proof);
}

void check_final_twin(const ZkClaim& claim, std::span<const Fp2> evaluations, std::span<const bool> is_private,
                      std::span<const Term> terms) {
  if (claim.point.empty()) throw VerifyError("twin sumcheck: the claim has no twin variable");
  if (evaluations.size() != is_private.size()) throw Error("twin sumcheck: one evaluation per table is needed");
  const Fp2 one_minus_beta = Fp2::one() - claim.point[0];
  bool needs_one_minus_b = false;
  const std::vector<Term> terms2 = twin_terms(terms, is_private, uint32_t(evaluations.size()), needs_one_minus_b);
  std::vector<Fp2> values(evaluations.begin(), evaluations.end());
  for (size_t i = 0; i < values.size(); ++i) {
    if (!is_private[i]) values[i] *= one_minus_beta;
  }
  values.push_back(one_minus_beta);
  check_final_zk(claim, values, terms2);
}

}  // namespace zk::sumcheck
