#include "lookup/zk_logup.hpp"

#include <algorithm>
#include <deque>
#include <memory>
#include <string>

#include "common/error.hpp"
#include "field/batch.hpp"
#include "io/bytes.hpp"
#include "poly/multilinear.hpp"
#include "sumcheck/round_engine.hpp"
#include "sumcheck/twin.hpp"

namespace zk::lookup {

namespace {

constexpr int64_t kParallelThreshold = 1 << 14;
// Montgomery batches: one inversion per chunk, chunks inverted in parallel.
constexpr int64_t kInverseChunk = 1 << 12;

// ---- the sumcheck layout, shared by prover and verifier ----
//
// One twin sumcheck per distinct variable count among the columns and the table ("groups",
// largest first). Group g proves, over eq(zeta_g, .) and with one lambda per member,
//   column c:  lambda_c (h_c D_c - sel_c)      D_c = alpha - in_c - gamma out_c
//   table:     lambda_T (t D_T - m)            D_T = alpha - T_in - gamma T_out (public)
// and the largest group also sum H with H = sum_c h_c - t, the smaller members' inverses
// zero-extended on their high variables. D_c and H are linear combinations of committed
// polynomials, so their twins are the same combinations of the twins (mask of D_c:
// -M_in - gamma M_out; of H: sum M_h - M_t): the verifier derives their final values from the
// sent twin values instead of receiving more, and the sum has one degree-3 term per member.
// sum_x eq(zeta, x) sel_c(x) = sel_c(zeta) is public and goes to the claimed sum.

// A sent value and the claim it becomes.
struct Sent {
  ZkPoly poly;
  int column;     // -1 for the table's polynomials
  unsigned bits;  // the polynomial's own variable count (< the group's for an extended inverse)
  bool is_private;
};

enum class Kind : uint8_t { Eq, Inverse, Denominator, Multiplicity, Sum };

struct Slot {
  Kind kind;
  int member;  // column, -1 = the table (or none, for Eq and Sum)
  bool is_private;
};

struct Group {
  unsigned n = 0;
  std::vector<int> members;  // column indices, -1 = the table
  std::vector<Sent> sent;
  std::vector<Slot> slots;
  std::vector<sumcheck::Term> terms;  // filled once lambda is known
  std::unique_ptr<bool[]> is_private;
  std::span<const bool> private_flags() const { return {is_private.get(), slots.size()}; }
};

struct Shape {
  std::vector<unsigned> column_bits;
  unsigned table_bits = 0;
  bool has_outputs = false;
  std::vector<ColumnPrivacy> privacy;
};

ZkPoly inverse_of(int member) { return member < 0 ? ZkPoly::TableInverse : ZkPoly::ColumnInverse; }

std::vector<Group> make_groups(const Shape& s) {
  std::vector<unsigned> sizes(s.column_bits.begin(), s.column_bits.end());
  sizes.push_back(s.table_bits);
  std::sort(sizes.begin(), sizes.end(), std::greater<>());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());

  std::vector<Group> groups(sizes.size());
  for (size_t g = 0; g < sizes.size(); ++g) {
    Group& grp = groups[g];
    grp.n = sizes[g];
    grp.slots.push_back({Kind::Eq, -1, false});
    for (int c = 0; c < int(s.column_bits.size()); ++c) {
      if (s.column_bits[size_t(c)] == grp.n) grp.members.push_back(c);
    }
    if (s.table_bits == grp.n) grp.members.push_back(-1);
    for (int m : grp.members) {
      grp.sent.push_back({inverse_of(m), m, grp.n, true});
      grp.slots.push_back({Kind::Inverse, m, true});
      if (m >= 0) {
        const ColumnPrivacy p = s.privacy[size_t(m)];
        grp.sent.push_back({ZkPoly::Input, m, grp.n, p.input});
        if (s.has_outputs) grp.sent.push_back({ZkPoly::Output, m, grp.n, p.output});
        grp.slots.push_back({Kind::Denominator, m, p.input || (s.has_outputs && p.output)});
      } else {
        grp.sent.push_back({ZkPoly::Multiplicity, -1, grp.n, true});
        grp.slots.push_back({Kind::Denominator, -1, false});
        grp.slots.push_back({Kind::Multiplicity, -1, true});
      }
    }
  }
  groups[0].slots.push_back({Kind::Sum, -1, true});
  for (size_t g = 1; g < groups.size(); ++g) {
    for (int m : groups[g].members) groups[0].sent.push_back({inverse_of(m), m, groups[g].n, true});
  }
  for (auto& grp : groups) {
    grp.is_private.reset(new bool[grp.slots.size()]);
    for (size_t i = 0; i < grp.slots.size(); ++i) grp.is_private[i] = grp.slots[i].is_private;
  }
  return groups;
}

uint32_t slot_of(const Group& g, Kind kind, int member) {
  for (size_t i = 0; i < g.slots.size(); ++i) {
    if (g.slots[i].kind == kind && g.slots[i].member == member) return uint32_t(i);
  }
  throw Error("zk lookup: internal layout error");
}

void fill_terms(Group& g, std::span<const Fp2> lambda) {
  g.terms.clear();
  for (size_t k = 0; k < g.members.size(); ++k) {
    const int m = g.members[k];
    g.terms.push_back({lambda[k], {0, slot_of(g, Kind::Inverse, m), slot_of(g, Kind::Denominator, m)}});
    if (m < 0) g.terms.push_back({-lambda[k], {0, slot_of(g, Kind::Multiplicity, -1)}});
  }
  for (uint32_t i = 0; i < g.slots.size(); ++i) {
    if (g.slots[i].kind == Kind::Sum) g.terms.push_back({Fp2::one(), {i}});
  }
}

// sum_x eq(zeta, x) sel_c(x) over the group's columns: the public part of the zero-checks.
Fp2 claimed_sum(const Group& g, std::span<const std::vector<int64_t>> shapes, std::span<const Fp2> zeta,
                std::span<const Fp2> lambda) {
  Fp2 sum = Fp2::zero();
  for (size_t k = 0; k < g.members.size(); ++k) {
    if (g.members[k] >= 0) sum += lambda[k] * selector_eval(shapes[size_t(g.members[k])], zeta);
  }
  return sum;
}

// Both sides, at the start of a group: draw zeta and lambda, fix the terms, degree and claim.
struct GroupStart {
  std::vector<Fp2> zeta, lambda;
  unsigned degree = 0;
  Fp2 claim;
};
GroupStart start_group(Transcript& transcript, Group& g, std::span<const std::vector<int64_t>> shapes) {
  GroupStart st;
  st.zeta = transcript.challenge_ext_vector("zk_logup/zeta", g.n);
  st.lambda = transcript.challenge_ext_vector("zk_logup/lambda", g.members.size());
  fill_terms(g, st.lambda);
  st.degree = sumcheck::twin_degree(g.terms, g.private_flags());
  st.claim = claimed_sum(g, shapes, st.zeta, st.lambda);
  return st;
}

Fp2 zero_extension_factor(std::span<const Fp2> r, unsigned from) { return eq_eval_at_index(r.subspan(from), 0); }

Fp2 evaluate_ref(const sumcheck::TableRef& t, std::span<const Fp2> point) {
  return t.is_base() ? evaluate_mle(std::span<const Fp>(t.base_data(), t.size()), point)
                     : evaluate_mle(std::span<const Fp2>(t.ext_data(), t.size()), point);
}

void absorb_header(Transcript& t, const Table& table, std::span<const std::vector<int64_t>> shapes) {
  static constexpr char kDomain[] = "zkinfer/zk-logup/v1";
  t.absorb_bytes("zk_logup/domain", std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(kDomain), sizeof kDomain - 1));
  t.absorb("zk_logup/table_size", uint64_t(table.inputs.size()));
  t.absorb("zk_logup/table_has_outputs", uint64_t(table.has_outputs()));
  t.absorb("zk_logup/table_inputs", std::span<const Fp>(table.inputs));
  if (table.has_outputs()) t.absorb("zk_logup/table_outputs", std::span<const Fp>(table.outputs));
  t.absorb("zk_logup/columns", uint64_t(shapes.size()));
  for (const auto& s : shapes) {
    t.absorb("zk_logup/rank", uint64_t(s.size()));
    for (int64_t d : s) t.absorb("zk_logup/dim", uint64_t(d));
  }
}

void check_size(size_t got, size_t want, const std::string& what) {
  if (got != want) {
    throw Error("zk lookup: " + what + " has " + std::to_string(got) + " entries, expected " + std::to_string(want));
  }
}

// Sizes of columns and multiplicities; returns the shape (privacy left default).
Shape check_witness(const Table& table, std::span<const Column> columns, std::span<const Fp> multiplicities) {
  Shape s;
  s.table_bits = table_vars(table);
  s.has_outputs = table.has_outputs();
  for (size_t c = 0; c < columns.size(); ++c) {
    const unsigned n = num_vars(columns[c].shape);
    const std::string name = "column " + std::to_string(c);
    check_size(columns[c].input.size(), size_t(1) << n, name + "'s input");
    check_size(columns[c].output.size(), s.has_outputs ? size_t(1) << n : 0, name + "'s output");
    s.column_bits.push_back(n);
  }
  check_size(multiplicities.size(), size_t(1) << s.table_bits, "the multiplicity table");
  return s;
}

// 1 on the real entries of a padded layout (last dimension on the lowest bits), 0 on padding.
std::vector<uint8_t> selector_table(std::span<const int64_t> shape) {
  const unsigned n = num_vars(shape);
  std::vector<uint8_t> sel(size_t(1) << n);
  for (size_t i = 0; i < sel.size(); ++i) {
    bool real = true;
    unsigned off = 0;
    for (size_t d = shape.size(); d-- > 0 && real;) {
      const unsigned b = ceil_log2(size_t(shape[d]));
      real = int64_t((i >> off) & ((size_t(1) << b) - 1)) < shape[d];
      off += b;
    }
    sel[i] = real;
  }
  return sel;
}

// numerator[i] / (alpha - in[i] - gamma out[i]), skipping entries whose numerator is zero (padding,
// unused table entries), so that only needed denominators must be invertible.
template <class Num>
std::vector<Fp2> fractions(std::span<const Fp> in, std::span<const Fp> out, ZkChallenges ch, Num&& numerator,
                           const std::string& what) {
  const int64_t size = int64_t(in.size());
  std::vector<Fp2> q(size_t(size), Fp2::one());
  bool vanished = false;
#pragma omp parallel for if (size >= kParallelThreshold) schedule(static) reduction(|| : vanished)
  for (int64_t i = 0; i < size; ++i) {
    if (numerator(i).is_zero()) continue;
    q[size_t(i)] = ch.alpha - Fp2(in[size_t(i)]) - (out.empty() ? Fp2::zero() : ch.gamma * out[size_t(i)]);
    if (q[size_t(i)].is_zero()) vanished = true;
  }
  if (vanished) throw Error("zk lookup: a denominator of " + what + " vanishes (retry with a fresh transcript)");
  const int64_t chunks = (size + kInverseChunk - 1) / kInverseChunk;
#pragma omp parallel for if (size >= kParallelThreshold) schedule(static)
  for (int64_t k = 0; k < chunks; ++k) {
    const size_t begin = size_t(k * kInverseChunk);
    batch_inverse(std::span<Fp2>(q).subspan(begin, std::min(size_t(kInverseChunk), q.size() - begin)));
  }
#pragma omp parallel for if (size >= kParallelThreshold) schedule(static)
  for (int64_t i = 0; i < size; ++i) q[size_t(i)] *= numerator(i);
  return q;
}

}  // namespace

ZkChallenges draw_zk_challenges(Transcript& transcript, const Table& table,
                                std::span<const std::vector<int64_t>> column_shapes) {
  table_vars(table);  // validates the table
  for (const auto& s : column_shapes) num_vars(s);
  absorb_header(transcript, table, column_shapes);
  ZkChallenges ch;
  ch.alpha = transcript.challenge_ext("zk_logup/alpha");
  ch.gamma = table.has_outputs() ? transcript.challenge_ext("zk_logup/gamma") : Fp2::zero();
  return ch;
}

InverseTables inverse_tables(const Table& table, std::span<const Column> columns, std::span<const Fp> multiplicities,
                             ZkChallenges challenges) {
  check_witness(table, columns, multiplicities);
  InverseTables out;
  for (size_t c = 0; c < columns.size(); ++c) {
    const std::vector<uint8_t> sel = selector_table(columns[c].shape);
    out.columns.push_back(fractions(columns[c].input, columns[c].output, challenges,
                                    [&](int64_t i) { return sel[size_t(i)] ? Fp::one() : Fp::zero(); },
                                    "column " + std::to_string(c)));
  }
  const Table padded = padded_table(table);
  out.table = fractions(padded.inputs, padded.outputs, challenges,
                        [&](int64_t i) { return multiplicities[size_t(i)]; }, "the table");
  return out;
}

namespace {

// ---- the prover of one group's twin sumcheck ----
//
// prove_twin over the layout above interleaves every table with its mask and runs the generic
// engine on 2^(n+1) entries with eq as one more table. The sum's shape allows less: round 0 (the
// twin variable b) is one pass over the tables and their masks; then every table is bound to beta
// (A_k, B_k, m, H of 2^n entries; public tables P become (1 - beta) P as in prove_twin), and the
// remaining rounds prove
//   (1 - beta) sum_x [eq(zeta, x) P(x) + H(x)],   P = sum_k lambda_k A_k B_k - lambda_T m,
// with eq factored out (Gruen, eprint 2024/108): round i weighs the pairs by eq(zeta_>i, .) and
// multiplies in eq(zeta_<i, r_<i) eq(zeta_i, X) afterwards. The polynomial, hence every message
// and the transcript, is prove_twin's (tested: ZkLookup.FastProverMatchesTwinSumcheck).

struct MemberTables {
  Fp2 lambda;
  std::span<const Fp2> inverse, inverse_mask;             // A and its mask
  std::span<const Fp> in, out;                            // B = D = alpha - in - gamma out
  std::span<const Fp2> in_mask, out_mask;                 // empty: that part is public
  bool d_private = false;
  std::span<const Fp> m;                                  // the table only
  std::span<const Fp2> m_mask;
};

struct SumPart {
  std::span<const Fp2> inverse, mask;
  bool add;  // + h_c, - t
};

struct GroupProof {
  sumcheck::ZkProof proof;
  std::vector<Fp2> point;               // (beta, r)
  std::vector<Fp2> inverse_values;      // per member: A's twin value at (beta, r)
  Fp2 m_value;                          // the table member's m twin value
};

// sum_i body(i, acc) with per-thread accumulators of `width` entries.
template <class Body>
std::vector<Fp2> parallel_sums(size_t width, int64_t count, Body&& body) {
  std::vector<Fp2> total(width, Fp2::zero());
#pragma omp parallel if (count >= kParallelThreshold)
  {
    std::vector<Fp2> local(width, Fp2::zero());
#pragma omp for schedule(static) nowait
    for (int64_t i = 0; i < count; ++i) body(i, local.data());
#pragma omp critical
    for (size_t k = 0; k < width; ++k) total[k] += local[k];
  }
  return total;
}

std::vector<Fp2> bind_half(const std::vector<Fp2>& t, Fp2 r) {
  const int64_t half = int64_t(t.size() / 2);
  std::vector<Fp2> out(static_cast<size_t>(half));
#pragma omp parallel for if (half >= kParallelThreshold) schedule(static)
  for (int64_t j = 0; j < half; ++j) out[j] = t[2 * j] + r * (t[2 * j + 1] - t[2 * j]);
  return out;
}

GroupProof prove_group(Transcript& transcript, unsigned n, std::span<const Fp2> zeta,
                       std::span<const MemberTables> members, std::span<const SumPart> sum, ZkChallenges ch,
                       Fp2 claim, const sumcheck::MaskPolynomial& g) {
  constexpr unsigned d = 3;
  const int64_t size = int64_t(1) << n;
  const size_t K = members.size();
  const MemberTables* table_member = nullptr;
  for (const auto& mt : members) {
    if (!mt.m.empty()) table_member = &mt;
  }
  GroupProof out;
  sumcheck::detail::absorb_header(transcript, n + 1, d, claim);
  out.proof.mask_sum = g.sum();
  transcript.absorb("sumcheck/mask_sum", out.proof.mask_sum);
  const Fp2 rho = transcript.challenge_ext("sumcheck/mask_rho");
  std::vector<Fp2> g_suffix(n + 2, Fp2::zero());  // sum_{j >= i} g_j(1)
  for (unsigned i = n + 1; i-- > 0;) g_suffix[i] = g_suffix[i + 1] + g.univariate(i, Fp2::one());
  Fp2 g_prefix = g.constant();
  const Fp2 xs[d] = {Fp2::zero(), Fp2(Fp(2)), Fp2(Fp(3))};
  // Adds rho times g's round polynomial, sends the round, returns the challenge.
  auto send_round = [&](unsigned i, std::vector<Fp2> h) {
    const unsigned rest = n - i;  // variables after this one
    const Fp scale = Fp(uint64_t(1) << rest);
    const Fp2 tail = rest == 0 ? Fp2::zero() : g_suffix[i + 1] * Fp(uint64_t(1) << (rest - 1));
    for (unsigned p = 0; p < d; ++p) h[p] += rho * ((g_prefix + g.univariate(i, xs[p])) * scale + tail);
    transcript.absorb("sumcheck/round", std::span<const Fp2>(h));
    const Fp2 r = transcript.challenge_ext("sumcheck/challenge");
    out.proof.rounds.push_back(std::move(h));
    out.point.push_back(r);
    g_prefix += g.univariate(i, r);
    return r;
  };
  auto denominator = [&](const MemberTables& mt, int64_t x) {
    return ch.alpha - Fp2(mt.in[x]) - (mt.out.empty() ? Fp2::zero() : ch.gamma * mt.out[x]);
  };
  auto denominator_mask = [&](const MemberTables& mt, int64_t x) {
    Fp2 v = mt.in_mask.empty() ? Fp2::zero() : -mt.in_mask[x];
    if (!mt.out_mask.empty()) v -= ch.gamma * mt.out_mask[x];
    return v;
  };

  // Round 0, over b: per member sum_x E A*(X) B*(X) at X = 0, 2, 3 (B public: (1 - X) D), then
  // the table's sum_x E m*(X); H*'s sum is linear in X.
  {
    const std::vector<Fp2> e = eq_table(zeta);
    const std::vector<Fp2> acc = parallel_sums(3 * K + 3, size, [&](int64_t x, Fp2* a) {
      const Fp2 w = e[x];
      for (size_t k = 0; k < K; ++k) {
        const MemberTables& mt = members[k];
        const Fp2 a0 = mt.inverse[x], da = mt.inverse_mask[x] - a0, a2 = a0 + da + da, a3 = a2 + da;
        const Fp2 b0 = denominator(mt, x);
        Fp2 b2 = -b0, b3 = b2 - b0;
        if (mt.d_private) {
          const Fp2 db = denominator_mask(mt, x) - b0;
          b2 = b0 + db + db;
          b3 = b2 + db;
        }
        a[3 * k] += w * (a0 * b0);
        a[3 * k + 1] += w * (a2 * b2);
        a[3 * k + 2] += w * (a3 * b3);
      }
      if (table_member) {
        const Fp2 m0 = Fp2(table_member->m[x]), dm = table_member->m_mask[x] - m0, m2 = m0 + dm + dm;
        a[3 * K] += w * m0;
        a[3 * K + 1] += w * m2;
        a[3 * K + 2] += w * (m2 + dm);
      }
    });
    Fp2 h0 = Fp2::zero(), h1 = Fp2::zero();  // sum of H and of its mask
    for (const SumPart& part : sum) {
      for (size_t x = 0; x < part.inverse.size(); ++x) {
        h0 = part.add ? h0 + part.inverse[x] : h0 - part.inverse[x];
        h1 = part.add ? h1 + part.mask[x] : h1 - part.mask[x];
      }
    }
    std::vector<Fp2> h(d);
    for (unsigned p = 0; p < d; ++p) {
      Fp2 v = h0 + xs[p] * (h1 - h0);
      for (size_t k = 0; k < K; ++k) v += members[k].lambda * acc[3 * k + p];
      if (table_member) v -= table_member->lambda * acc[3 * K + p];
      h[p] = (Fp2::one() - xs[p]) * v;
    }
    send_round(0, std::move(h));
  }
  const Fp2 beta = out.point[0], scale = Fp2::one() - beta;

  // Bind b = beta.
  std::vector<std::vector<Fp2>> A(K), B(K);
  std::vector<Fp2> M, H(size_t(size), Fp2::zero());
  for (size_t k = 0; k < K; ++k) {
    const MemberTables& mt = members[k];
    A[k].resize(size_t(size));
    B[k].resize(size_t(size));
#pragma omp parallel for if (size >= kParallelThreshold) schedule(static)
    for (int64_t x = 0; x < size; ++x) {
      A[k][x] = mt.inverse[x] + beta * (mt.inverse_mask[x] - mt.inverse[x]);
      const Fp2 b = denominator(mt, x);
      B[k][x] = mt.d_private ? b + beta * (denominator_mask(mt, x) - b) : scale * b;
    }
  }
  if (table_member) {
    M.resize(size_t(size));
#pragma omp parallel for if (size >= kParallelThreshold) schedule(static)
    for (int64_t x = 0; x < size; ++x) {
      M[x] = Fp2(table_member->m[x]) + beta * (table_member->m_mask[x] - table_member->m[x]);
    }
  }
  for (const SumPart& part : sum) {
    const int64_t count = int64_t(part.inverse.size());
#pragma omp parallel for if (count >= kParallelThreshold) schedule(static)
    for (int64_t x = 0; x < count; ++x) {
      const Fp2 v = part.inverse[x] + beta * (part.mask[x] - part.inverse[x]);
      H[x] = part.add ? H[x] + v : H[x] - v;
    }
  }

  // Rounds 1..n over x: (1 - beta) [eq(zeta_<i, r_<i) eq(zeta_i, X) q(X) + L(X)].
  Fp2 eq_prefix = Fp2::one();
  for (unsigned i = 0; i < n; ++i) {
    const int64_t half = int64_t(1) << (n - i - 1);
    const std::vector<Fp2> e = eq_table(zeta.subspan(i + 1));
    const std::vector<Fp2> acc = parallel_sums(3 * K + 5, half, [&](int64_t j, Fp2* a) {
      const Fp2 w = e[j];
      for (size_t k = 0; k < K; ++k) {
        const Fp2 a0 = A[k][2 * j], a1 = A[k][2 * j + 1], b0 = B[k][2 * j], b1 = B[k][2 * j + 1];
        a[3 * k] += w * (a0 * b0);
        a[3 * k + 1] += w * (a1 * b1);
        a[3 * k + 2] += w * ((a1 + a1 - a0) * (b1 + b1 - b0));
      }
      if (table_member) {
        const Fp2 m0 = M[2 * j], m1 = M[2 * j + 1];
        a[3 * K] += w * m0;
        a[3 * K + 1] += w * m1;
        a[3 * K + 2] += w * (m1 + m1 - m0);
      }
      a[3 * K + 3] += H[2 * j];
      a[3 * K + 4] += H[2 * j + 1];
    });
    Fp2 q[3];
    for (unsigned p = 0; p < 3; ++p) {
      q[p] = Fp2::zero();
      for (size_t k = 0; k < K; ++k) q[p] += members[k].lambda * acc[3 * k + p];
      if (table_member) q[p] -= table_member->lambda * acc[3 * K + p];
    }
    const Fp2 q3 = q[0] - Fp2(Fp(3)) * q[1] + Fp2(Fp(3)) * q[2];
    const Fp2 z = zeta[i], l0 = acc[3 * K + 3], l1 = acc[3 * K + 4];
    const Fp2 eqz[d] = {Fp2::one() - z, Fp2(Fp(3)) * z - Fp2::one(), Fp2(Fp(5)) * z - Fp2(Fp(2))};
    const Fp2 qx[d] = {q[0], q[2], q3};
    std::vector<Fp2> h(d);
    for (unsigned p = 0; p < d; ++p) h[p] = scale * (eq_prefix * eqz[p] * qx[p] + l0 + xs[p] * (l1 - l0));
    const Fp2 r = send_round(i + 1, std::move(h));
    eq_prefix *= (Fp2::one() - z) * (Fp2::one() - r) + z * r;
    for (size_t k = 0; k < K; ++k) {
      A[k] = bind_half(A[k], r);
      B[k] = bind_half(B[k], r);
    }
    if (table_member) M = bind_half(M, r);
    H = bind_half(H, r);
  }
  out.proof.mask_evaluation = g_prefix;
  transcript.absorb("sumcheck/mask_eval", g_prefix);
  for (size_t k = 0; k < K; ++k) out.inverse_values.push_back(A[k][0]);
  if (table_member) out.m_value = M[0];
  return out;
}

ZkProverResult prove_impl(const Table& table, std::span<const Column> columns, std::span<const Fp> multiplicities,
                          const InverseTables& inverses, const ZkMasks& masks, ZkChallenges challenges,
                          const MaskSource& mask_source, Transcript& transcript, bool generic) {
  Shape shape = check_witness(table, columns, multiplicities);
  const size_t C = columns.size();
  check_size(inverses.columns.size(), C, "the list of column inverses");
  check_size(masks.inputs.size(), C, "the list of input masks");
  check_size(masks.outputs.size(), shape.has_outputs ? C : 0, "the list of output masks");
  check_size(masks.column_inverses.size(), C, "the list of inverse masks");
  for (size_t c = 0; c < C; ++c) {
    const size_t size = columns[c].input.size();
    const std::string name = "column " + std::to_string(c);
    check_size(inverses.columns[c].size(), size, name + "'s inverse table");
    check_size(masks.column_inverses[c].size(), size, name + "'s inverse mask");
    if (masks.inputs[c]) check_size(masks.inputs[c]->size(), size, name + "'s input mask");
    if (shape.has_outputs && masks.outputs[c]) check_size(masks.outputs[c]->size(), size, name + "'s output mask");
    shape.privacy.push_back({masks.inputs[c].has_value(), shape.has_outputs && masks.outputs[c].has_value()});
  }
  check_size(inverses.table.size(), multiplicities.size(), "the table's inverse table");
  check_size(masks.table_inverse.size(), multiplicities.size(), "the table's inverse mask");
  check_size(masks.multiplicities.size(), multiplicities.size(), "the multiplicity mask");

  const Table padded = padded_table(table);
  std::vector<std::vector<int64_t>> shapes;
  for (const auto& c : columns) shapes.push_back(c.shape);
  std::vector<Group> groups = make_groups(shape);

  // A sent polynomial and its mask (nullopt: public).
  auto polynomial = [&](const Sent& s) -> std::pair<sumcheck::TableRef, std::optional<sumcheck::TableRef>> {
    const size_t c = size_t(std::max(s.column, 0));
    auto mask = [](const std::optional<std::span<const Fp2>>& m) {
      return m ? std::optional<sumcheck::TableRef>(*m) : std::nullopt;
    };
    switch (s.poly) {
      case ZkPoly::Input: return {columns[c].input, mask(masks.inputs[c])};
      case ZkPoly::Output: return {columns[c].output, mask(masks.outputs[c])};
      case ZkPoly::ColumnInverse: return {inverses.columns[c], masks.column_inverses[c]};
      case ZkPoly::TableInverse: return {inverses.table, masks.table_inverse};
      case ZkPoly::Multiplicity: break;
    }
    return {multiplicities, masks.multiplicities};
  };

  // The reference prover: the group's tables handed to prove_twin.
  auto prove_group_generic = [&](const Group& g, const std::vector<Fp2>& zeta, Fp2 claim,
                                 const sumcheck::MaskPolynomial& mask) {
      const int64_t size = int64_t(1) << g.n;
      std::deque<std::vector<Fp2>> owned;
      std::vector<sumcheck::TableRef> tables;
      std::vector<std::optional<sumcheck::TableRef>> mask_refs;
      for (const Slot& slot : g.slots) {
        const size_t c = size_t(std::max(slot.member, 0));
        switch (slot.kind) {
          case Kind::Eq:
            tables.emplace_back(owned.emplace_back(eq_table(zeta)));
            mask_refs.emplace_back();
            break;
          case Kind::Inverse: {
            const auto [t, m] = polynomial({inverse_of(slot.member), slot.member, g.n, true});
            tables.push_back(t);
            mask_refs.push_back(m);
            break;
          }
          case Kind::Multiplicity:
            tables.emplace_back(multiplicities);
            mask_refs.emplace_back(masks.multiplicities);
            break;
          case Kind::Denominator: {
            const std::span<const Fp> in = slot.member < 0 ? std::span<const Fp>(padded.inputs) : columns[c].input;
            const std::span<const Fp> out = slot.member < 0 ? std::span<const Fp>(padded.outputs) : columns[c].output;
            auto& d = owned.emplace_back(size_t(size));
#pragma omp parallel for if (size >= kParallelThreshold) schedule(static)
            for (int64_t i = 0; i < size; ++i) {
              d[i] = challenges.alpha - Fp2(in[i]) - (out.empty() ? Fp2::zero() : challenges.gamma * out[i]);
            }
            tables.emplace_back(d);
            if (!slot.is_private) {
              mask_refs.emplace_back();
              break;
            }
            // The twin of alpha - in - gamma out has the mask -M_in - gamma M_out.
            auto& md = owned.emplace_back(size_t(size), Fp2::zero());
            const auto& min = masks.inputs[c];
            const auto& mout = shape.has_outputs ? masks.outputs[c] : std::nullopt;
#pragma omp parallel for if (size >= kParallelThreshold) schedule(static)
            for (int64_t i = 0; i < size; ++i) {
              if (min) md[i] -= (*min)[i];
              if (mout) md[i] -= challenges.gamma * (*mout)[i];
            }
            mask_refs.emplace_back(md);
            break;
          }
          case Kind::Sum: {
            // H = sum_c h_c - t and its mask, smaller tables zero-extended.
            auto& h = owned.emplace_back(size_t(size), Fp2::zero());
            auto& mh = owned.emplace_back(size_t(size), Fp2::zero());
            auto accumulate = [&](std::span<const Fp2> t, std::span<const Fp2> m, bool add) {
              const int64_t n = int64_t(t.size());
#pragma omp parallel for if (n >= kParallelThreshold) schedule(static)
              for (int64_t i = 0; i < n; ++i) {
                h[i] = add ? h[i] + t[i] : h[i] - t[i];
                mh[i] = add ? mh[i] + m[i] : mh[i] - m[i];
              }
            };
            for (size_t k = 0; k < C; ++k) accumulate(inverses.columns[k], masks.column_inverses[k], true);
            accumulate(inverses.table, masks.table_inverse, false);
            tables.emplace_back(h);
            mask_refs.emplace_back(mh);
            break;
          }
        }
      }
    sumcheck::TwinProverOutput twin = sumcheck::prove_twin(transcript, tables, mask_refs, g.terms, claim, mask);
    GroupProof out;
    out.proof = std::move(twin.proof);
    out.point = std::move(twin.point);
    for (int m : g.members) out.inverse_values.push_back(twin.table_evaluations[slot_of(g, Kind::Inverse, m)]);
    if (g.members.back() < 0) out.m_value = twin.table_evaluations[slot_of(g, Kind::Multiplicity, -1)];
    return out;
  };
  auto member_tables = [&](const Group& g, std::span<const Fp2> lambda) {
    std::vector<MemberTables> out;
    for (size_t k = 0; k < g.members.size(); ++k) {
      const int m = g.members[k];
      MemberTables mt;
      mt.lambda = lambda[k];
      if (m < 0) {
        mt.inverse = inverses.table;
        mt.inverse_mask = masks.table_inverse;
        mt.in = padded.inputs;
        mt.out = padded.outputs;
        mt.m = multiplicities;
        mt.m_mask = masks.multiplicities;
      } else {
        const size_t c = size_t(m);
        mt.inverse = inverses.columns[c];
        mt.inverse_mask = masks.column_inverses[c];
        mt.in = columns[c].input;
        mt.out = columns[c].output;
        if (masks.inputs[c]) mt.in_mask = *masks.inputs[c];
        if (shape.has_outputs && masks.outputs[c]) mt.out_mask = *masks.outputs[c];
        mt.d_private = !mt.in_mask.empty() || !mt.out_mask.empty();
      }
      out.push_back(mt);
    }
    return out;
  };
  auto sum_parts = [&](size_t group) {
    std::vector<SumPart> parts;
    if (group != 0) return parts;
    for (size_t c = 0; c < C; ++c) parts.push_back({inverses.columns[c], masks.column_inverses[c], true});
    parts.push_back({inverses.table, masks.table_inverse, false});
    return parts;
  };

  ZkProverResult result;
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    Group& g = groups[gi];
    const GroupStart st = start_group(transcript, g, shapes);
    const sumcheck::MaskPolynomial mask = mask_source(g.n + 1, st.degree);
    if (mask.num_vars() != g.n + 1 || mask.degree() != st.degree) {
      throw Error("zk lookup: the mask source returned a mask of the wrong size");
    }
    GroupProof out = generic ? prove_group_generic(g, st.zeta, st.claim, mask)
                             : prove_group(transcript, g.n, st.zeta, member_tables(g, st.lambda), sum_parts(gi),
                                           challenges, st.claim, mask);
    result.proof.sumchecks.push_back(std::move(out.proof));

    const Fp2 beta = out.point[0];
    const std::span<const Fp2> r = std::span<const Fp2>(out.point).subspan(1);
    std::vector<Fp2> sent;
    for (const Sent& s : g.sent) {
      ZkLookupClaim c{s.poly, size_t(std::max(s.column, 0)), std::vector<Fp2>(r.begin(), r.begin() + s.bits),
                      s.is_private ? std::optional(beta) : std::nullopt, Fp2::zero()};
      const bool is_slot = s.bits == g.n && s.poly != ZkPoly::Input && s.poly != ZkPoly::Output;
      if (is_slot) {  // the sumcheck evaluated it already
        c.value = s.poly == ZkPoly::Multiplicity
                      ? out.m_value
                      : out.inverse_values[size_t(std::find(g.members.begin(), g.members.end(), s.column) - g.members.begin())];
      } else {
        const auto [t, m] = polynomial(s);
        c.value = evaluate_ref(t, c.point);
        if (m) c.value = (Fp2::one() - beta) * c.value + beta * evaluate_ref(*m, c.point);
      }
      sent.push_back(c.value);
      result.claims.push_back(std::move(c));
    }
    transcript.absorb("zk_logup/values", std::span<const Fp2>(sent));
    result.proof.values.insert(result.proof.values.end(), sent.begin(), sent.end());
  }
  return result;
}

}  // namespace

ZkProverResult prove_zk(const Table& table, std::span<const Column> columns, std::span<const Fp> multiplicities,
                        const InverseTables& inverses, const ZkMasks& masks, ZkChallenges challenges,
                        const MaskSource& mask_source, Transcript& transcript) {
  return prove_impl(table, columns, multiplicities, inverses, masks, challenges, mask_source, transcript, false);
}

ZkProverResult detail::prove_zk_generic(const Table& table, std::span<const Column> columns,
                                        std::span<const Fp> multiplicities, const InverseTables& inverses,
                                        const ZkMasks& masks, ZkChallenges challenges, const MaskSource& mask_source,
                                        Transcript& transcript) {
  return prove_impl(table, columns, multiplicities, inverses, masks, challenges, mask_source, transcript, true);
}

ZkVerifierResult verify_zk(const Table& table, std::span<const std::vector<int64_t>> column_shapes,
                           std::span<const ColumnPrivacy> privacy, ZkChallenges challenges,
                           const ZkLookupProof& proof, Transcript& transcript) {
  Shape shape;
  shape.table_bits = table_vars(table);
  shape.has_outputs = table.has_outputs();
  for (const auto& s : column_shapes) shape.column_bits.push_back(num_vars(s));
  check_size(privacy.size(), column_shapes.size(), "the privacy list");
  shape.privacy.assign(privacy.begin(), privacy.end());
  if (!shape.has_outputs) {
    for (auto& p : shape.privacy) p.output = false;
  }
  std::vector<Group> groups = make_groups(shape);

  if (proof.sumchecks.size() != groups.size()) {
    throw VerifyError("zk lookup: proof has " + std::to_string(proof.sumchecks.size()) + " sumchecks, expected " +
                      std::to_string(groups.size()));
  }
  size_t expected_values = 0;
  for (const auto& g : groups) expected_values += g.sent.size();
  if (proof.values.size() != expected_values) {
    throw VerifyError("zk lookup: proof has " + std::to_string(proof.values.size()) + " values, expected " +
                      std::to_string(expected_values));
  }

  ZkVerifierResult result;
  size_t next_value = 0;
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    Group& g = groups[gi];
    const GroupStart st = start_group(transcript, g, column_shapes);
    const std::vector<Fp2>& zeta = st.zeta;
    sumcheck::ZkClaim zc;
    try {
      zc = sumcheck::verify_twin(transcript, g.n, st.degree, st.claim, proof.sumchecks[gi]);
    } catch (const VerifyError& e) {
      throw VerifyError("zk lookup: sumcheck over " + std::to_string(g.n) + " variables: " + e.what());
    }
    const Fp2 beta = zc.point[0], one_minus_beta = Fp2::one() - beta;
    const std::span<const Fp2> r = std::span<const Fp2>(zc.point).subspan(1);

    const std::span<const Fp2> values = std::span<const Fp2>(proof.values).subspan(next_value, g.sent.size());
    next_value += g.sent.size();
    transcript.absorb("zk_logup/values", values);
    auto value_of = [&](ZkPoly poly, int column) {
      for (size_t i = 0; i < g.sent.size(); ++i) {
        if (g.sent[i].poly == poly && g.sent[i].column == column) return values[i];
      }
      throw Error("zk lookup: internal layout error");
    };
    std::vector<Fp2> evaluations;
    for (const Slot& slot : g.slots) {
      switch (slot.kind) {
        case Kind::Eq: evaluations.push_back(eq_eval(zeta, r)); break;
        case Kind::Inverse: evaluations.push_back(value_of(inverse_of(slot.member), slot.member)); break;
        case Kind::Multiplicity: evaluations.push_back(value_of(ZkPoly::Multiplicity, -1)); break;
        case Kind::Denominator: {
          if (slot.member < 0) {
            const auto [tin, tout] = table_eval(table, r);
            evaluations.push_back(challenges.alpha - tin - challenges.gamma * tout);
            break;
          }
          const ColumnPrivacy p = shape.privacy[size_t(slot.member)];
          const Fp2 in = value_of(ZkPoly::Input, slot.member);
          const Fp2 out = shape.has_outputs ? value_of(ZkPoly::Output, slot.member) : Fp2::zero();
          if (!slot.is_private) {
            evaluations.push_back(challenges.alpha - in - challenges.gamma * out);
            break;
          }
          // The twin of alpha - in - gamma out: public parts (and alpha) weigh (1 - beta).
          const Fp2 twin_in = p.input ? in : one_minus_beta * in;
          const Fp2 twin_out = p.output ? out : one_minus_beta * out;
          evaluations.push_back(one_minus_beta * challenges.alpha - twin_in - challenges.gamma * twin_out);
          break;
        }
        case Kind::Sum: {
          Fp2 h = Fp2::zero();
          for (size_t i = 0; i < g.sent.size(); ++i) {
            const Sent& s = g.sent[i];
            if (s.poly != ZkPoly::ColumnInverse && s.poly != ZkPoly::TableInverse) continue;
            const Fp2 v = values[i] * zero_extension_factor(r, s.bits);
            h = s.poly == ZkPoly::ColumnInverse ? h + v : h - v;
          }
          evaluations.push_back(h);
          break;
        }
      }
    }
    try {
      sumcheck::check_final_twin(zc, evaluations, g.private_flags(), g.terms);
    } catch (const VerifyError& e) {
      throw VerifyError("zk lookup: sumcheck over " + std::to_string(g.n) +
                        " variables: the sent values do not match its final claim (" + e.what() + ")");
    }
    for (size_t i = 0; i < g.sent.size(); ++i) {
      const Sent& s = g.sent[i];
      result.claims.push_back({s.poly, size_t(std::max(s.column, 0)), std::vector<Fp2>(r.begin(), r.begin() + s.bits),
                               s.is_private ? std::optional(beta) : std::nullopt, values[i]});
    }
    result.libra.push_back(std::move(zc.mask));
  }
  return result;
}

// ---- serialization ----

void ZkLookupProof::write(io::ByteWriter& w) const {
  w.u32(uint32_t(sumchecks.size()));
  for (const auto& s : sumchecks) s.write(w);
  w.u32(uint32_t(values.size()));
  for (Fp2 v : values) w.fp2(v);
}

ZkLookupProof ZkLookupProof::read(io::ByteReader& r) {
  ZkLookupProof p;
  const uint32_t count = r.u32();
  if (count > 64) throw Error("zk lookup proof: " + std::to_string(count) + " sumchecks (at most 64)");
  for (uint32_t i = 0; i < count; ++i) p.sumchecks.push_back(sumcheck::ZkProof::read(r));
  p.values.resize(r.count(16));
  for (auto& v : p.values) v = r.fp2();
  return p;
}

std::vector<uint8_t> ZkLookupProof::to_bytes() const {
  io::ByteWriter w;
  write(w);
  return w.take();
}

ZkLookupProof ZkLookupProof::from_bytes(std::span<const uint8_t> in) {
  io::ByteReader r(in, "zk lookup proof");
  ZkLookupProof p = read(r);
  r.expect_end();
  return p;
}

}  // namespace zk::lookup
