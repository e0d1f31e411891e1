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
// largest first). Group g holds the zero-checks of its members over eq(zeta_g, .); the largest
// group also holds the sum sum_c sum h_c - sum t, for which the inverse tables of the smaller
// members enter it zero-extended on their high variables ("extended" tables).

enum class Kind : uint8_t { Eq, ColumnInverse, Input, Output, TableInverse, TableIn, TableOut, Multiplicity };

struct Slot {
  Kind kind;
  int column;      // -1 for the table's slots and eq
  unsigned bits;   // variables of the polynomial itself (< the group's for extended slots)
  bool is_private;
  bool sent() const { return kind != Kind::Eq && kind != Kind::TableIn && kind != Kind::TableOut; }
};

struct Group {
  unsigned n = 0;
  std::vector<int> members;  // column indices, -1 = the table
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

std::vector<Group> make_groups(const Shape& s) {
  std::vector<unsigned> sizes(s.column_bits.begin(), s.column_bits.end());
  sizes.push_back(s.table_bits);
  std::sort(sizes.begin(), sizes.end(), std::greater<>());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());

  auto bits_of = [&](int m) { return m < 0 ? s.table_bits : s.column_bits[size_t(m)]; };
  auto inverse_slot = [&](int m) {
    return m < 0 ? Slot{Kind::TableInverse, -1, s.table_bits, true} : Slot{Kind::ColumnInverse, m, bits_of(m), true};
  };
  std::vector<Group> groups(sizes.size());
  for (size_t g = 0; g < sizes.size(); ++g) {
    Group& grp = groups[g];
    grp.n = sizes[g];
    grp.slots.push_back({Kind::Eq, -1, grp.n, false});
    for (int c = 0; c < int(s.column_bits.size()); ++c) {
      if (s.column_bits[size_t(c)] == grp.n) grp.members.push_back(c);
    }
    if (s.table_bits == grp.n) grp.members.push_back(-1);
    for (int m : grp.members) {
      grp.slots.push_back(inverse_slot(m));
      if (m >= 0) {
        grp.slots.push_back({Kind::Input, m, grp.n, s.privacy[size_t(m)].input});
        if (s.has_outputs) grp.slots.push_back({Kind::Output, m, grp.n, s.privacy[size_t(m)].output});
      } else {
        grp.slots.push_back({Kind::TableIn, -1, grp.n, false});
        if (s.has_outputs) grp.slots.push_back({Kind::TableOut, -1, grp.n, false});
        grp.slots.push_back({Kind::Multiplicity, -1, grp.n, true});
      }
    }
  }
  // Smaller members' inverses join the largest group for the sum.
  for (size_t g = 1; g < groups.size(); ++g) {
    for (int m : groups[g].members) groups[0].slots.push_back(inverse_slot(m));
  }
  for (auto& grp : groups) {
    grp.is_private.reset(new bool[grp.slots.size()]);
    for (size_t i = 0; i < grp.slots.size(); ++i) grp.is_private[i] = grp.slots[i].is_private;
  }
  return groups;
}

// Index of the first slot of `kind` for `column` (the one at the group's own size comes first).
uint32_t slot_of(const Group& g, Kind kind, int column) {
  for (size_t i = 0; i < g.slots.size(); ++i) {
    if (g.slots[i].kind == kind && g.slots[i].column == column) return uint32_t(i);
  }
  throw Error("zk lookup: internal layout error");
}

// Per member with coefficient lambda_k: the zero-check terms (E = slot 0)
//   column: lambda (alpha E h - E h in - gamma E h out)         [- lambda E sel goes to the claim]
//   table:  lambda (alpha E t - E t T_in - gamma E t T_out - E m)
// and, in the largest group, + h_c for every column and - t for the table.
void fill_terms(Group& g, bool largest, std::span<const Fp2> lambda, ZkChallenges ch, bool has_outputs) {
  g.terms.clear();
  for (size_t k = 0; k < g.members.size(); ++k) {
    const int m = g.members[k];
    const Fp2 l = lambda[k];
    const uint32_t inv = slot_of(g, m < 0 ? Kind::TableInverse : Kind::ColumnInverse, m);
    const uint32_t in = slot_of(g, m < 0 ? Kind::TableIn : Kind::Input, m);
    g.terms.push_back({l * ch.alpha, {0, inv}});
    g.terms.push_back({-l, {0, inv, in}});
    if (has_outputs) g.terms.push_back({-l * ch.gamma, {0, inv, slot_of(g, m < 0 ? Kind::TableOut : Kind::Output, m)}});
    if (m < 0) g.terms.push_back({-l, {0, slot_of(g, Kind::Multiplicity, -1)}});
  }
  if (!largest) return;
  for (uint32_t i = 0; i < g.slots.size(); ++i) {
    if (g.slots[i].kind == Kind::ColumnInverse) g.terms.push_back({Fp2::one(), {i}});
    if (g.slots[i].kind == Kind::TableInverse) g.terms.push_back({-Fp2::one(), {i}});
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

ZkPoly poly_of(Kind k) {
  switch (k) {
    case Kind::ColumnInverse: return ZkPoly::ColumnInverse;
    case Kind::Input: return ZkPoly::Input;
    case Kind::Output: return ZkPoly::Output;
    case Kind::TableInverse: return ZkPoly::TableInverse;
    case Kind::Multiplicity: return ZkPoly::Multiplicity;
    default: throw Error("zk lookup: internal layout error");
  }
}

Fp2 zero_extension_factor(std::span<const Fp2> r, unsigned from) {
  Fp2 f = Fp2::one();
  for (size_t i = from; i < r.size(); ++i) f *= Fp2::one() - r[i];
  return f;
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

  ZkProverResult result;
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    Group& g = groups[gi];
    const std::vector<Fp2> zeta = transcript.challenge_ext_vector("zk_logup/zeta", g.n);
    const std::vector<Fp2> lambda = transcript.challenge_ext_vector("zk_logup/lambda", g.members.size());
    fill_terms(g, gi == 0, lambda, challenges, shape.has_outputs);

    const size_t size = size_t(1) << g.n;
    std::deque<std::vector<Fp2>> owned;  // eq and the zero-extended copies
    auto extend = [&](std::span<const Fp2> t) -> std::span<const Fp2> {
      if (t.size() == size) return t;
      auto& v = owned.emplace_back(size, Fp2::zero());
      std::copy(t.begin(), t.end(), v.begin());
      return v;
    };
    std::vector<sumcheck::TableRef> tables;
    std::vector<std::optional<sumcheck::TableRef>> mask_refs;
    for (const Slot& s : g.slots) {
      const size_t c = size_t(std::max(s.column, 0));
      switch (s.kind) {
        case Kind::Eq: tables.emplace_back(owned.emplace_back(eq_table(zeta))); mask_refs.emplace_back(); break;
        case Kind::ColumnInverse:
          tables.emplace_back(extend(inverses.columns[c]));
          mask_refs.emplace_back(extend(masks.column_inverses[c]));
          break;
        case Kind::TableInverse:
          tables.emplace_back(extend(inverses.table));
          mask_refs.emplace_back(extend(masks.table_inverse));
          break;
        case Kind::Input:
          tables.emplace_back(columns[c].input);
          mask_refs.emplace_back(masks.inputs[c] ? std::optional<sumcheck::TableRef>(*masks.inputs[c]) : std::nullopt);
          break;
        case Kind::Output:
          tables.emplace_back(columns[c].output);
          mask_refs.emplace_back(masks.outputs[c] ? std::optional<sumcheck::TableRef>(*masks.outputs[c]) : std::nullopt);
          break;
        case Kind::TableIn: tables.emplace_back(padded.inputs); mask_refs.emplace_back(); break;
        case Kind::TableOut: tables.emplace_back(padded.outputs); mask_refs.emplace_back(); break;
        case Kind::Multiplicity: tables.emplace_back(multiplicities); mask_refs.emplace_back(masks.multiplicities); break;
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
    for (size_t i = 0; i < g.slots.size(); ++i) {
      const Slot& s = g.slots[i];
      if (!s.sent()) continue;
      ZkLookupClaim claim_i{poly_of(s.kind), size_t(std::max(s.column, 0)), std::vector<Fp2>(r.begin(), r.begin() + s.bits),
                            s.is_private ? std::optional(beta) : std::nullopt, out.table_evaluations[i]};
      if (s.bits < g.n) {  // an extended slot: the twin of the polynomial itself, at its own point
        const bool is_table = s.kind == Kind::TableInverse;
        const std::span<const Fp2> t = is_table ? std::span<const Fp2>(inverses.table) : inverses.columns[size_t(s.column)];
        const std::span<const Fp2> m = is_table ? masks.table_inverse : masks.column_inverses[size_t(s.column)];
        claim_i.value = (Fp2::one() - beta) * evaluate_mle(t, claim_i.point) + beta * evaluate_mle(m, claim_i.point);
      }
      sent.push_back(claim_i.value);
      result.claims.push_back(std::move(claim_i));
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
  for (const auto& g : groups) {
    for (const Slot& s : g.slots) expected_values += s.sent();
  }
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
    fill_terms(g, gi == 0, lambda, challenges, shape.has_outputs);
    const unsigned degree = sumcheck::twin_degree(g.terms, g.private_flags());
    const Fp2 claim = claimed_sum(g, column_shapes, zeta, lambda);
    sumcheck::ZkClaim zc;
    try {
      zc = sumcheck::verify_twin(transcript, g.n, degree, claim, proof.sumchecks[gi]);
    } catch (const VerifyError& e) {
      throw VerifyError("zk lookup: sumcheck over " + std::to_string(g.n) + " variables: " + e.what());
    }
    const Fp2 beta = zc.point[0];
    const std::span<const Fp2> r = std::span<const Fp2>(zc.point).subspan(1);

    const size_t first_value = next_value;
    std::vector<Fp2> evaluations(g.slots.size());
    std::pair<Fp2, Fp2> table_values;
    if (std::find(g.members.begin(), g.members.end(), -1) != g.members.end()) {
      table_values = table_eval(table, r);
    }
    for (size_t i = 0; i < g.slots.size(); ++i) {
      const Slot& s = g.slots[i];
      if (s.kind == Kind::Eq) {
        evaluations[i] = eq_eval(zeta, r);
      } else if (s.kind == Kind::TableIn) {
        evaluations[i] = table_values.first;
      } else if (s.kind == Kind::TableOut) {
        evaluations[i] = table_values.second;
      } else {
        const Fp2 v = proof.values[next_value++];
        evaluations[i] = s.bits < g.n ? v * zero_extension_factor(r, s.bits) : v;
        result.claims.push_back({poly_of(s.kind), size_t(std::max(s.column, 0)),
                                 std::vector<Fp2>(r.begin(), r.begin() + s.bits),
                                 s.is_private ? std::optional(beta) : std::nullopt, v});
      }
    }
    transcript.absorb("zk_logup/values",
                      std::span<const Fp2>(proof.values).subspan(first_value, next_value - first_value));
    try {
      sumcheck::check_final_twin(zc, evaluations, g.private_flags(), g.terms);
    } catch (const VerifyError& e) {
      throw VerifyError("zk lookup: sumcheck over " + std::to_string(g.n) +
                        " variables: the sent values do not match its final claim (" + e.what() + ")");
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
