#include "sumcheck/zk_sumcheck.hpp"

#include <string>

#include "common/error.hpp"
#include "field/random.hpp"
#include "io/bytes.hpp"
#include "sumcheck/round_engine.hpp"

namespace zk::sumcheck {

namespace {

// 2^e in the field; e < 64 always (a table has at most 2^63 entries).
Fp pow2(unsigned e) { return Fp(2).pow(e); }

// Round i of g's sumcheck, for x_0..x_{i-1} already bound (prefix = a_0 + sum_{j<i} g_j(r_j)) and
// suffix = sum_{j>i} (g_j(0) + g_j(1)). With m = n-1-i free variables after x_i:
//   h(X) = 2^m (prefix + g_i(X)) + 2^(m-1) suffix        (the suffix is empty when m = 0)
// since each g_j with j > i sees every value of x_j on half of the 2^m points.
void mask_round(const MaskPolynomial& g, unsigned i, Fp2 prefix, Fp2 suffix, std::span<Fp2> out) {
  const unsigned m = g.num_vars() - 1 - i;
  const Fp scale = pow2(m);
  const Fp2 tail = m == 0 ? Fp2::zero() : suffix * pow2(m - 1);
  for (size_t p = 0; p < out.size(); ++p) {
    const Fp2 x = Fp2(Fp(p == 0 ? 0 : p + 1));
    out[p] = (prefix + g.univariate(i, x)) * scale + tail;
  }
}

// Sum over {0,1} of g_i, i.e. g_i(1) = sum_k c_{i,k}, since g_i(0) = 0.
std::vector<Fp2> suffix_sums(const MaskPolynomial& g) {
  const unsigned n = g.num_vars();
  std::vector<Fp2> suffix(n + 1);
  for (unsigned i = n; i-- > 0;) suffix[i] = suffix[i + 1] + g.univariate(i, Fp2::one());
  return suffix;  // suffix[i] = sum_{j >= i}
}

}  // namespace

MaskPolynomial MaskPolynomial::sample(unsigned num_vars, unsigned degree) {
  std::vector<Fp2> c(1 + size_t(num_vars) * degree);
  for (auto& v : c) v = random_fp2();
  return from_coefficients(num_vars, degree, std::move(c));
}

MaskPolynomial MaskPolynomial::from_coefficients(unsigned num_vars, unsigned degree, std::vector<Fp2> coefficients) {
  if (degree == 0 || degree > kMaxDegree) throw Error("mask polynomial: degree " + std::to_string(degree));
  if (num_vars > 63) throw Error("mask polynomial: too many variables");
  if (coefficients.size() != 1 + size_t(num_vars) * degree) {
    throw Error("mask polynomial: " + std::to_string(coefficients.size()) + " coefficients, expected " +
                std::to_string(1 + size_t(num_vars) * degree));
  }
  MaskPolynomial g;
  g.n_ = num_vars;
  g.d_ = degree;
  g.coeffs_ = std::move(coefficients);
  return g;
}

Fp2 MaskPolynomial::univariate(unsigned var, Fp2 x) const {
  Fp2 acc;
  for (unsigned k = d_; k >= 1; --k) acc = (acc + coefficient(var, k)) * x;
  return acc;
}

Fp2 MaskPolynomial::sum() const {
  Fp2 s;
  for (unsigned i = 0; i < n_; ++i) s += univariate(i, Fp2::one());
  Fp2 total = constant() * pow2(n_);
  if (n_ > 0) total += s * pow2(n_ - 1);
  return total;
}

Fp2 MaskPolynomial::evaluate(std::span<const Fp2> point) const {
  if (point.size() != n_) throw Error("mask polynomial: point has the wrong length");
  Fp2 acc = constant();
  for (unsigned i = 0; i < n_; ++i) acc += univariate(i, point[i]);
  return acc;
}

std::vector<Fp2> mask_evaluation_vector(std::span<const Fp2> point, unsigned degree) {
  std::vector<Fp2> w;
  w.reserve(1 + point.size() * degree);
  w.push_back(Fp2::one());
  for (Fp2 r : point) {
    Fp2 power = r;
    for (unsigned k = 1; k <= degree; ++k) {
      w.push_back(power);
      power *= r;
    }
  }
  return w;
}

ZkProverOutput prove_zk(Transcript& transcript, std::span<const TableRef> tables, std::span<const Term> terms,
                        Fp2 claimed_sum, const MaskPolynomial& mask) {
  detail::RoundEngine engine(tables, terms);
  const unsigned n = engine.num_vars(), d = engine.degree();
  if (mask.num_vars() != n || mask.degree() != d) {
    throw Error("zk sumcheck: mask has " + std::to_string(mask.num_vars()) + " variables of degree " +
                std::to_string(mask.degree()) + ", the sum needs " + std::to_string(n) + " of degree " +
                std::to_string(d));
  }
  detail::absorb_header(transcript, n, d, claimed_sum);
  ZkProverOutput out;
  out.proof.mask_sum = mask.sum();
  transcript.absorb("sumcheck/mask_sum", out.proof.mask_sum);
  out.rho = transcript.challenge_ext("sumcheck/mask_rho");

  const std::vector<Fp2> suffix = suffix_sums(mask);
  Fp2 prefix = mask.constant();
  std::vector<Fp2> masked(d);
  out.proof.rounds.assign(n, std::vector<Fp2>(d));
  for (unsigned i = 0; i < n; ++i) {
    auto& h = out.proof.rounds[i];
    engine.round_evaluations(h);
    mask_round(mask, i, prefix, suffix[i + 1], masked);
    for (unsigned p = 0; p < d; ++p) h[p] += out.rho * masked[p];
    transcript.absorb("sumcheck/round", std::span<const Fp2>(h));
    const Fp2 r = transcript.challenge_ext("sumcheck/challenge");
    engine.bind(r);
    out.point.push_back(r);
    prefix += mask.univariate(i, r);
  }
  out.table_evaluations = engine.final_evaluations();
  out.mask_evaluation = prefix;  // a_0 + sum_i g_i(r_i) = g(r)
  out.proof.mask_evaluation = prefix;
  transcript.absorb("sumcheck/mask_eval", prefix);
  return out;
}

ZkClaim verify_zk(Transcript& transcript, unsigned num_vars, unsigned degree, Fp2 claimed_sum, const ZkProof& proof) {
  detail::check_shape(proof.rounds, num_vars, degree);
  if (num_vars > 63) throw VerifyError("zk sumcheck: too many variables");
  detail::absorb_header(transcript, num_vars, degree, claimed_sum);
  transcript.absorb("sumcheck/mask_sum", proof.mask_sum);
  ZkClaim claim;
  claim.rho = transcript.challenge_ext("sumcheck/mask_rho");
  claim.expected = claimed_sum + claim.rho * proof.mask_sum;
  for (unsigned i = 0; i < num_vars; ++i) {
    const auto& h = proof.rounds[i];
    transcript.absorb("sumcheck/round", std::span<const Fp2>(h));
    const Fp2 r = transcript.challenge_ext("sumcheck/challenge");
    claim.expected = detail::next_claim(claim.expected, h, r);
    claim.point.push_back(r);
  }
  transcript.absorb("sumcheck/mask_eval", proof.mask_evaluation);
  claim.mask = MaskClaim{num_vars, degree, claim.point, proof.mask_evaluation};
  return claim;
}

void check_final_zk(const ZkClaim& claim, std::span<const Fp2> table_evaluations, std::span<const Term> terms) {
  if (combine(table_evaluations, terms) + claim.rho * claim.mask.value != claim.expected) {
    throw VerifyError("zk sumcheck final check: table evaluations and mask evaluation do not match the last round (after " +
                      std::to_string(claim.point.size()) + " rounds)");
  }
}

void ZkProof::write(io::ByteWriter& w) const {
  w.fp2(mask_sum);
  Proof{rounds}.write(w);
  w.fp2(mask_evaluation);
}

ZkProof ZkProof::read(io::ByteReader& r) {
  ZkProof p;
  p.mask_sum = r.fp2();
  p.rounds = Proof::read(r).rounds;
  p.mask_evaluation = r.fp2();
  return p;
}

std::vector<uint8_t> ZkProof::to_bytes() const {
  io::ByteWriter w;
  write(w);
  return w.take();
}

ZkProof ZkProof::from_bytes(std::span<const uint8_t> in) {
  io::ByteReader r(in, "zk sumcheck proof");
  ZkProof p = read(r);
  r.expect_end();
  return p;
}

}  // namespace zk::sumcheck
