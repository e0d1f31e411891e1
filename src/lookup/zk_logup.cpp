#include "lookup/zk_logup.hpp"

#include <algorithm>
#include <deque>
#include <memory>
#include <string>

#include "common/error.hpp"
#include "field/batch.hpp"
#include "io/bytes.hpp"
#include "poly/multilinear.hpp"
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

Fp2 zero_extension_factor(std::span<const Fp2> r, unsigned from) {
  Fp2 f = Fp2::one();
  for (size_t i = from; i < r.size(); ++i) f *= Fp2::one() - r[i];
  return f;
}

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

ZkProverResult prove_zk(const Table& table, std::span<const Column> columns, std::span<const Fp> multiplicities,
                        const InverseTables& inverses, const ZkMasks& masks, ZkChallenges challenges,
                        const MaskSource& mask_source, Transcript& transcript) {
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

  ZkProverResult result;
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    Group& g = groups[gi];
    const std::vector<Fp2> zeta = transcript.challenge_ext_vector("zk_logup/zeta", g.n);
    const std::vector<Fp2> lambda = transcript.challenge_ext_vector("zk_logup/lambda", g.members.size());
    fill_terms(g, lambda);

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
    const unsigned degree = sumcheck::twin_degree(g.terms, g.private_flags());
    const sumcheck::MaskPolynomial mask = mask_source(g.n + 1, degree);
    if (mask.num_vars() != g.n + 1 || mask.degree() != degree) {
      throw Error("zk lookup: the mask source returned a mask of the wrong size");
    }
    const Fp2 claim = claimed_sum(g, shapes, zeta, lambda);
    sumcheck::TwinProverOutput out = sumcheck::prove_twin(transcript, tables, mask_refs, g.terms, claim, mask);
    result.proof.sumchecks.push_back(std::move(out.proof));

    const Fp2 beta = out.point[0];
    const std::span<const Fp2> r = std::span<const Fp2>(out.point).subspan(1);
    std::vector<Fp2> sent;
    for (const Sent& s : g.sent) {
      ZkLookupClaim c{s.poly, size_t(std::max(s.column, 0)), std::vector<Fp2>(r.begin(), r.begin() + s.bits),
                      s.is_private ? std::optional(beta) : std::nullopt, Fp2::zero()};
      const bool is_slot = s.bits == g.n && s.poly != ZkPoly::Input && s.poly != ZkPoly::Output;
      if (is_slot) {  // the sumcheck evaluated it already
        const Kind kind = s.poly == ZkPoly::Multiplicity ? Kind::Multiplicity : Kind::Inverse;
        c.value = out.table_evaluations[slot_of(g, kind, s.column)];
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
    const std::vector<Fp2> zeta = transcript.challenge_ext_vector("zk_logup/zeta", g.n);
    const std::vector<Fp2> lambda = transcript.challenge_ext_vector("zk_logup/lambda", g.members.size());
    fill_terms(g, lambda);
    const unsigned degree = sumcheck::twin_degree(g.terms, g.private_flags());
    const Fp2 claim = claimed_sum(g, column_shapes, zeta, lambda);
    sumcheck::ZkClaim zc;
    try {
      zc = sumcheck::verify_twin(transcript, g.n, degree, claim, proof.sumchecks[gi]);
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
