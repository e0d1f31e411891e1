#include "sumcheck/sumcheck.hpp"

#include <algorithm>
#include <string>

#include "common/error.hpp"
#include "io/bytes.hpp"
#include "poly/univariate.hpp"
#include "sumcheck/round_engine.hpp"

namespace zk::sumcheck {

unsigned degree_of(std::span<const Term> terms) {
  if (terms.empty()) throw Error("sumcheck: no terms");
  size_t d = 0;
  for (size_t i = 0; i < terms.size(); ++i) {
    const size_t c = terms[i].factors.size();
    if (c == 0 || c > kMaxDegree) {
      throw Error("sumcheck: term " + std::to_string(i) + " has " + std::to_string(c) + " factors (allowed 1.." +
                  std::to_string(kMaxDegree) + ")");
    }
    d = std::max(d, c);
  }
  return unsigned(d);
}

Fp2 combine(std::span<const Fp2> table_values, std::span<const Term> terms) {
  Fp2 sum;
  for (const Term& t : terms) {
    Fp2 prod = t.coefficient;
    for (uint32_t k : t.factors) {
      if (k >= table_values.size()) throw Error("sumcheck: factor index " + std::to_string(k) + " out of range");
      prod *= table_values[k];
    }
    sum += prod;
  }
  return sum;
}

Fp2 compute_sum(std::span<const TableRef> tables, std::span<const Term> terms) {
  degree_of(terms);
  if (tables.empty()) throw Error("sumcheck: no tables");
  const size_t size = tables[0].size();
  std::vector<Fp2> values(tables.size());
  Fp2 sum;
  for (size_t x = 0; x < size; ++x) {
    for (size_t k = 0; k < tables.size(); ++k) {
      if (tables[k].size() != size) throw Error("sumcheck: tables of different sizes");
      values[k] = tables[k].at(x);
    }
    sum += combine(values, terms);
  }
  return sum;
}

namespace detail {

void absorb_header(Transcript& transcript, unsigned num_vars, unsigned degree, Fp2 claimed_sum) {
  transcript.absorb("sumcheck/num_vars", uint64_t(num_vars));
  transcript.absorb("sumcheck/degree", uint64_t(degree));
  transcript.absorb("sumcheck/claim", claimed_sum);
}

void check_shape(const std::vector<std::vector<Fp2>>& rounds, unsigned num_vars, unsigned degree) {
  if (degree == 0 || degree > kMaxDegree) throw Error("sumcheck: degree " + std::to_string(degree) + " unsupported");
  if (rounds.size() != num_vars) {
    throw VerifyError("sumcheck: proof has " + std::to_string(rounds.size()) + " rounds, expected " +
                      std::to_string(num_vars));
  }
  for (size_t i = 0; i < rounds.size(); ++i) {
    if (rounds[i].size() != degree) {
      throw VerifyError("sumcheck round " + std::to_string(i) + ": " + std::to_string(rounds[i].size()) +
                        " values, expected " + std::to_string(degree));
    }
  }
}

Fp2 next_claim(Fp2 claim, std::span<const Fp2> sent, Fp2 r) {
  // Evaluations at 0..d with h(1) implied by h(0) + h(1) = claim.
  Fp2 evals[kMaxDegree + 1];
  const size_t d = sent.size();
  evals[0] = sent[0];
  evals[1] = claim - sent[0];
  for (size_t p = 1; p < d; ++p) evals[p + 1] = sent[p];
  return interpolate_at(std::span<const Fp2>(evals, d + 1), r);
}

}  // namespace detail

ProverOutput prove(Transcript& transcript, std::span<const TableRef> tables, std::span<const Term> terms,
                   Fp2 claimed_sum) {
  detail::RoundEngine engine(tables, terms);
  const unsigned n = engine.num_vars(), d = engine.degree();
  detail::absorb_header(transcript, n, d, claimed_sum);
  ProverOutput out;
  out.proof.rounds.assign(n, std::vector<Fp2>(d));
  out.point.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    auto& h = out.proof.rounds[i];
    engine.round_evaluations(h);
    transcript.absorb("sumcheck/round", std::span<const Fp2>(h));
    const Fp2 r = transcript.challenge_ext("sumcheck/challenge");
    engine.bind(r);
    out.point.push_back(r);
  }
  out.table_evaluations = engine.final_evaluations();
  return out;
}

Claim verify(Transcript& transcript, unsigned num_vars, unsigned degree, Fp2 claimed_sum, const Proof& proof) {
  detail::check_shape(proof.rounds, num_vars, degree);
  detail::absorb_header(transcript, num_vars, degree, claimed_sum);
  Claim claim;
  claim.expected = claimed_sum;
  claim.point.reserve(num_vars);
  for (unsigned i = 0; i < num_vars; ++i) {
    const auto& h = proof.rounds[i];
    transcript.absorb("sumcheck/round", std::span<const Fp2>(h));
    const Fp2 r = transcript.challenge_ext("sumcheck/challenge");
    claim.expected = detail::next_claim(claim.expected, h, r);
    claim.point.push_back(r);
  }
  return claim;
}

void check_final(const Claim& claim, std::span<const Fp2> table_evaluations, std::span<const Term> terms) {
  if (combine(table_evaluations, terms) != claim.expected) {
    throw VerifyError("sumcheck final check: the claimed table evaluations do not match the last round (after " +
                      std::to_string(claim.point.size()) + " rounds)");
  }
}

void Proof::write(io::ByteWriter& w) const {
  const size_t d = rounds.empty() ? 0 : rounds[0].size();
  for (const auto& h : rounds) {
    if (h.size() != d) throw Error("sumcheck proof: rounds of different lengths");
  }
  w.u32(uint32_t(rounds.size()));
  w.u32(uint32_t(d));
  for (const auto& h : rounds) {
    for (Fp2 v : h) w.fp2(v);
  }
}

Proof Proof::read(io::ByteReader& r) {
  const uint32_t n = r.u32();
  const uint32_t d = r.u32();
  if (n > 64) throw Error("sumcheck proof: " + std::to_string(n) + " rounds (at most 64)");
  if (d > kMaxDegree || (n > 0 && d == 0)) throw Error("sumcheck proof: " + std::to_string(d) + " values per round");
  Proof p;
  p.rounds.assign(n, std::vector<Fp2>(d));
  for (auto& h : p.rounds) {
    for (auto& v : h) v = r.fp2();
  }
  return p;
}

std::vector<uint8_t> Proof::to_bytes() const {
  io::ByteWriter w;
  write(w);
  return w.take();
}

Proof Proof::from_bytes(std::span<const uint8_t> in) {
  io::ByteReader r(in, "sumcheck proof");
  Proof p = read(r);
  r.expect_end();
  return p;
}

}  // namespace zk::sumcheck
