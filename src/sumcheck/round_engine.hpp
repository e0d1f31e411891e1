#pragma once
// Internal: the prover's per-round work, shared by the plain and the zero-knowledge sumcheck.
// Not part of the public API.
#include <memory>
#include <span>
#include <vector>

#include "sumcheck/sumcheck.hpp"

namespace zk::sumcheck::detail {

// Shared by the plain and the zero-knowledge protocol (sumcheck.cpp).
void absorb_header(Transcript& transcript, unsigned num_vars, unsigned degree, Fp2 claimed_sum);
// Throws VerifyError naming the round on a wrong round count or round length.
void check_shape(const std::vector<std::vector<Fp2>>& rounds, unsigned num_vars, unsigned degree);
// h_i(r) from the sent values h(0), h(2..d) and the running claim (which fixes h(1)).
Fp2 next_claim(Fp2 claim, std::span<const Fp2> sent, Fp2 r);

// Owns the bound tables. Usage: for each round, round_evaluations() then bind(r); after n binds,
// final_evaluations(). Binding is lazy: bind(r) only records r, and the next round's pass binds
// and evaluates in one sweep over memory (the tables are far larger than cache, so one pass
// instead of two is what the prover's time is made of).
class RoundEngine {
 public:
  RoundEngine(std::span<const TableRef> tables, std::span<const Term> terms);
  ~RoundEngine();
  RoundEngine(const RoundEngine&) = delete;
  RoundEngine& operator=(const RoundEngine&) = delete;

  unsigned num_vars() const { return n_; }
  unsigned degree() const { return d_; }
  // h(0), h(2), ..., h(d) of the current round (coefficients applied); out.size() == degree().
  void round_evaluations(std::span<Fp2> out);
  void bind(Fp2 r);
  // Every table at the bound point; valid once all n variables are bound.
  std::vector<Fp2> final_evaluations() const;

 private:
  struct Buffer {
    Fp2* data = nullptr;
    size_t size = 0;
  };
  void alloc(Buffer& b, size_t n);
  template <int D, bool kSingle>
  void run_round(std::span<Fp2> out);
  template <int D>
  void round_two_from_base(std::span<Fp2> out);

  std::vector<TableRef> inputs_;
  std::vector<Term> terms_;
  unsigned n_ = 0, d_ = 0;
  unsigned level_ = 0;  // number of variables whose binding has been materialised
  // Challenges received but not yet applied to a stored level (at most 2, see skip_level1_).
  unsigned num_pending_ = 0;
  Fp2 pending_[2];
  // Single term over base tables (n >= 3): level 1 is never stored. Round 1 binds on the fly, and
  // round 2 builds level 2 straight from the base tables with the four weights eq((r_0, r_1), .).
  // That saves writing and re-reading 2^(n-1) elements of K per table (and faulting in their
  // pages), and level 2 costs one reduction per coordinate instead of three.
  bool skip_level1_ = false;
  bool single_ = false;  // one term, each table exactly one of its factors: the specialised kernel
  // Level l >= 1 of table k lives in bufs_[(l - 1) & 1][k] (ping-pong: an in-place parallel bind
  // would race, since output j reads inputs 2j, 2j+1 that another thread may be overwriting).
  std::vector<Buffer> bufs_[2];
};

}  // namespace zk::sumcheck::detail
