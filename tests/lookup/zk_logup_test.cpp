// Zero-knowledge LogUp (committed inverses): honest runs over range and function tables, cheating
// provers (values outside the table, wrong multiplicities, wrong committed inverses), every
// tampered proof component, fresh randomness per proof, and no plain evaluation among the sent
// values. The driver is stood in for as in tests/layers/proof_harness.hpp: random full-size masks,
// MaskPolynomial::sample as the pool, and every returned claim checked against tables and masks.
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "common/error.hpp"
#include "lookup/zk_logup.hpp"
#include "lookup_fixtures.hpp"
#include "poly/multilinear.hpp"

namespace zk::lookup {
namespace {

using namespace fixtures;

std::mt19937_64 rng(5);
Fp2 rand2() { return Fp2(Fp(rng()), Fp(rng())); }
std::vector<Fp2> rand_table(size_t n) {
  std::vector<Fp2> t(n);
  for (auto& v : t) v = rand2();
  return t;
}

struct Instance {
  Table table;
  std::vector<OwnedColumn> columns;
  std::vector<ColumnPrivacy> privacy;  // default: all private
  std::vector<Fp> multiplicities;      // default: compute_multiplicities

  std::vector<Column> views() const {
    std::vector<Column> v;
    for (const auto& c : columns) v.push_back(c.view());
    return v;
  }
  std::vector<std::vector<int64_t>> shapes() const {
    std::vector<std::vector<int64_t>> s;
    for (const auto& c : columns) s.push_back(c.shape);
    return s;
  }
};

struct Outcome {
  bool accepted = false;
  std::string reason;
  ZkProverResult prover;
  ZkVerifierResult verifier;
  InverseTables inverses;
};

struct Tampering {
  std::function<void(InverseTables&)> inverses;  // after honest computation, before "committing"
  std::function<void(ZkLookupProof&)> proof;
  // Masks and Libra polynomials from this seed instead of fresh ones, and the reference prover:
  // what comparing the two provers needs.
  std::optional<uint64_t> seed;
  bool generic_prover = false;

  static Tampering of_inverses(std::function<void(InverseTables&)> f) {
    Tampering t;
    t.inverses = std::move(f);
    return t;
  }
  static Tampering of_proof(std::function<void(ZkLookupProof&)> f) {
    Tampering t;
    t.proof = std::move(f);
    return t;
  }
};

Transcript fresh() {
  Transcript t("zk-lookup-test");
  t.absorb("commitment", uint64_t(7));  // stands in for the columns' and multiplicities' commitments
  return t;
}

// Stand-ins for the driver's mask tables, one per private polynomial.
struct Masks {
  std::vector<std::vector<Fp2>> inputs, outputs, inverses;
  std::vector<Fp2> multiplicities, table_inverse;
};

// The honest value of a claim's polynomial at its point.
Fp2 plain_value(const Instance& s, std::span<const Fp> m, const InverseTables& inv, const ZkLookupClaim& c) {
  switch (c.poly) {
    case ZkPoly::Input: return evaluate_mle(std::span<const Fp>(s.columns[c.column].in), c.point);
    case ZkPoly::Output: return evaluate_mle(std::span<const Fp>(s.columns[c.column].out), c.point);
    case ZkPoly::Multiplicity: return evaluate_mle(m, c.point);
    case ZkPoly::ColumnInverse: return evaluate_mle(std::span<const Fp2>(inv.columns[c.column]), c.point);
    case ZkPoly::TableInverse: return evaluate_mle(std::span<const Fp2>(inv.table), c.point);
  }
  return {};
}

// ... twin-combined with its mask for a twin claim.
Fp2 expected_value(const Instance& s, std::span<const Fp> m, const InverseTables& inv, const Masks& masks,
                   const ZkLookupClaim& c) {
  const Fp2 plain = plain_value(s, m, inv, c);
  if (!c.beta) return plain;
  const std::vector<Fp2>& mask = c.poly == ZkPoly::Input           ? masks.inputs[c.column]
                                 : c.poly == ZkPoly::Output        ? masks.outputs[c.column]
                                 : c.poly == ZkPoly::Multiplicity  ? masks.multiplicities
                                 : c.poly == ZkPoly::ColumnInverse ? masks.inverses[c.column]
                                                                   : masks.table_inverse;
  return (Fp2::one() - *c.beta) * plain + *c.beta * evaluate_mle(std::span<const Fp2>(mask), c.point);
}

Outcome run(const Instance& s, const Tampering& tamper = {}) {
  Outcome out;
  if (tamper.seed) rng.seed(*tamper.seed);
  const auto cols = s.views();
  const auto shapes = s.shapes();
  const std::vector<Fp> m = s.multiplicities.empty() ? compute_multiplicities(s.table, cols) : s.multiplicities;
  std::vector<ColumnPrivacy> privacy = s.privacy;
  privacy.resize(cols.size());
  const bool outs = s.table.has_outputs();

  // Masks: random K tables of each private polynomial's size.
  Masks mk;
  ZkMasks masks;
  for (size_t c = 0; c < cols.size(); ++c) {
    mk.inputs.push_back(rand_table(cols[c].input.size()));
    mk.outputs.push_back(outs ? rand_table(cols[c].input.size()) : std::vector<Fp2>{});
    mk.inverses.push_back(rand_table(cols[c].input.size()));
  }
  mk.multiplicities = rand_table(m.size());
  mk.table_inverse = rand_table(m.size());
  for (size_t c = 0; c < cols.size(); ++c) {
    masks.inputs.push_back(privacy[c].input ? std::optional<std::span<const Fp2>>(mk.inputs[c]) : std::nullopt);
    if (outs) masks.outputs.push_back(privacy[c].output ? std::optional<std::span<const Fp2>>(mk.outputs[c]) : std::nullopt);
    masks.column_inverses.push_back(mk.inverses[c]);
  }
  masks.multiplicities = mk.multiplicities;
  masks.table_inverse = mk.table_inverse;

  std::vector<sumcheck::MaskPolynomial> sampled;
  const MaskSource pool = [&](unsigned n, unsigned d) {
    sampled.push_back(tamper.seed ? sumcheck::MaskPolynomial::from_coefficients(n, d, rand_table(1 + size_t(n) * d))
                                  : sumcheck::MaskPolynomial::sample(n, d));
    return sampled.back();
  };

  Transcript tp = fresh();
  const ZkChallenges ch = draw_zk_challenges(tp, s.table, shapes);
  out.inverses = inverse_tables(s.table, cols, m, ch);
  if (tamper.inverses) tamper.inverses(out.inverses);
  tp.absorb("inverse-commitment", uint64_t(8));
  out.prover = tamper.generic_prover ? detail::prove_zk_generic(s.table, cols, m, out.inverses, masks, ch, pool, tp)
                                     : prove_zk(s.table, cols, m, out.inverses, masks, ch, pool, tp);
  ZkLookupProof proof = ZkLookupProof::from_bytes(out.prover.proof.to_bytes());
  if (tamper.proof) tamper.proof(proof);

  Transcript tv = fresh();
  const ZkChallenges vch = draw_zk_challenges(tv, s.table, shapes);
  if (vch.alpha != ch.alpha || vch.gamma != ch.gamma) {
    out.reason = "challenges differ";
    return out;
  }
  tv.absorb("inverse-commitment", uint64_t(8));
  try {
    out.verifier = verify_zk(s.table, shapes, privacy, vch, proof, tv);
  } catch (const VerifyError& e) {
    out.reason = e.what();
    return out;
  }
  // The driver's part: every claim against the committed tables and masks.
  for (const auto& c : out.verifier.claims) {
    const bool is_private = c.poly == ZkPoly::Input    ? privacy[c.column].input
                            : c.poly == ZkPoly::Output ? privacy[c.column].output
                                                       : true;
    if (is_private != c.beta.has_value()) {
      out.reason = "a claim's twin form does not match its polynomial's visibility";
      return out;
    }
    if (expected_value(s, m, out.inverses, mk, c) != c.value) {
      out.reason = "claim on polynomial " + std::to_string(int(c.poly)) + " of column " + std::to_string(c.column) +
                   " does not match the committed table";
      return out;
    }
  }
  if (sampled.size() != out.verifier.libra.size()) {
    out.reason = "mask count differs";
    return out;
  }
  for (size_t i = 0; i < sampled.size(); ++i) {
    const auto& l = out.verifier.libra[i];
    if (l.num_vars != sampled[i].num_vars() || l.degree != sampled[i].degree() || sampled[i].evaluate(l.point) != l.value) {
      out.reason = "Libra mask claim " + std::to_string(i) + " does not match the sampled mask";
      return out;
    }
  }
  if (tp.state() != tv.state()) {
    out.reason = "transcripts diverged";
    return out;
  }
  out.accepted = true;
  return out;
}

Instance range_setup() {
  Instance s;
  s.table = Table::range(8);
  s.columns.emplace_back(std::vector<int64_t>{1000}, [](size_t i) { return int64_t((i * 37) % 256); });
  return s;
}

// Columns smaller than, equal to and larger than the table, a scalar, non-power-of-two shapes.
Instance function_setup() {
  Instance s;
  s.table = function_table();
  auto x = [](size_t i) { return int64_t((i * 101) % 1000) - 500; };
  s.columns.emplace_back(std::vector<int64_t>{3, 7}, x, &kSquare);
  s.columns.emplace_back(std::vector<int64_t>{2000}, x, &kSquare);
  s.columns.emplace_back(std::vector<int64_t>{}, [](size_t) { return int64_t(-17); }, &kSquare);
  s.columns.emplace_back(std::vector<int64_t>{5, 200}, x, &kSquare);  // 8 x 256 = 2^11, same as column 1
  return s;
}

TEST(ZkLookup, HonestRangeCheckIsAccepted) {
  const Outcome r = run(range_setup());
  EXPECT_TRUE(r.accepted) << r.reason;
  EXPECT_EQ(r.prover.proof.sumchecks.size(), 2u);  // the column's 2^10 and the table's 2^8
  ASSERT_EQ(r.prover.claims.size(), r.verifier.claims.size());
  for (size_t i = 0; i < r.prover.claims.size(); ++i) {
    EXPECT_EQ(r.prover.claims[i].poly, r.verifier.claims[i].poly);
    EXPECT_EQ(r.prover.claims[i].point, r.verifier.claims[i].point);
    EXPECT_EQ(r.prover.claims[i].beta, r.verifier.claims[i].beta);
    EXPECT_EQ(r.prover.claims[i].value, r.verifier.claims[i].value);
  }
}

TEST(ZkLookup, HonestFunctionTableWithColumnsOfSeveralSizesIsAccepted) {
  const Outcome r = run(function_setup());
  EXPECT_TRUE(r.accepted) << r.reason;
  // 2^11 (columns 1 and 3), 2^10 (table), 2^5 (column 0), 2^0 (the scalar).
  EXPECT_EQ(r.prover.proof.sumchecks.size(), 4u);
}

TEST(ZkLookup, TableLargerThanEveryColumnIsAccepted) {
  Instance s;
  s.table = Table::range(12);
  s.columns.emplace_back(std::vector<int64_t>{3, 5}, [](size_t i) { return int64_t(i * 200); });
  s.columns.emplace_back(std::vector<int64_t>{33}, [](size_t i) { return int64_t(4095 - i); });
  const Outcome r = run(s);
  EXPECT_TRUE(r.accepted) << r.reason;
}

TEST(ZkLookup, DegenerateSizesAreHandled) {
  // A one-entry table (no variables) with scalar and one-entry columns.
  Instance one;
  one.table.inputs = {Fp(5)};
  one.columns.emplace_back(std::vector<int64_t>{}, [](size_t) { return int64_t(5); });
  one.columns.emplace_back(std::vector<int64_t>{1, 1}, [](size_t) { return int64_t(5); });
  const Outcome r = run(one);
  EXPECT_TRUE(r.accepted) << r.reason;
  EXPECT_EQ(r.prover.proof.sumchecks.size(), 1u);
  one.columns[1].in[0] = Fp(6);
  one.multiplicities = {Fp(2)};
  EXPECT_FALSE(run(one).accepted);

  // No columns at all: only zero multiplicities balance.
  Instance none;
  none.table = Table::range(3);
  none.multiplicities.assign(8, Fp::zero());
  const Outcome e = run(none);
  EXPECT_TRUE(e.accepted) << e.reason;
  none.multiplicities[2] = Fp::one();
  EXPECT_FALSE(run(none).accepted);
}

// The fast prover computes the same polynomial as prove_twin over the group's tables: same
// messages, same claims, for honest and for cheating witnesses, every privacy mix.
TEST(ZkLookup, FastProverMatchesTwinSumcheck) {
  Instance mixed = function_setup();
  mixed.privacy = {{true, true}, {false, false}, {true, false}, {false, true}};
  Instance bad_m = range_setup();
  bad_m.multiplicities = compute_multiplicities(bad_m.table, bad_m.views());
  bad_m.multiplicities[9] += Fp::one();
  Instance larger_table;
  larger_table.table = Table::range(12);
  larger_table.columns.emplace_back(std::vector<int64_t>{3, 5}, [](size_t i) { return int64_t(i * 200); });
  Instance parallel;  // above the prover's OpenMP threshold (2^14)
  parallel.table = Table::range(15);
  parallel.columns.emplace_back(std::vector<int64_t>{3, 5000}, [](size_t i) { return int64_t((i * 7919) % 32768); });
  const std::vector<std::pair<Instance, std::function<void(InverseTables&)>>> cases = {
      {range_setup(), {}},
      {function_setup(), {}},
      {mixed, {}},
      {larger_table, {}},
      {parallel, {}},
      {bad_m, {}},
      {range_setup(), [](InverseTables& inv) { inv.columns[0][7] += Fp2::one(); }},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    Tampering fast = Tampering::of_inverses(cases[i].second);
    fast.seed = 1000 + i;
    Tampering generic = fast;
    generic.generic_prover = true;
    const Outcome a = run(cases[i].first, fast), b = run(cases[i].first, generic);
    EXPECT_EQ(a.accepted, b.accepted) << "case " << i << ": " << a.reason << " / " << b.reason;
    EXPECT_EQ(a.accepted, i < 5) << "case " << i << ": " << a.reason;
    EXPECT_EQ(a.prover.proof.to_bytes(), b.prover.proof.to_bytes()) << "case " << i;
    ASSERT_EQ(a.prover.claims.size(), b.prover.claims.size()) << "case " << i;
    for (size_t k = 0; k < a.prover.claims.size(); ++k) {
      EXPECT_EQ(a.prover.claims[k].point, b.prover.claims[k].point) << "case " << i << " claim " << k;
      EXPECT_EQ(a.prover.claims[k].value, b.prover.claims[k].value) << "case " << i << " claim " << k;
    }
  }
}

TEST(ZkLookup, PublicColumnsGetPlainClaims) {
  Instance s = function_setup();
  s.privacy = {{true, true}, {false, false}, {true, false}, {false, true}};
  const Outcome r = run(s);
  ASSERT_TRUE(r.accepted) << r.reason;
  size_t plain = 0;
  for (const auto& c : r.verifier.claims) plain += !c.beta.has_value();
  EXPECT_EQ(plain, 4u);  // column 1's input and output, column 2's output, column 3's input

  Instance range = range_setup();
  range.privacy = {{false, false}};
  const Outcome rr = run(range);
  EXPECT_TRUE(rr.accepted) << rr.reason;
}

TEST(ZkLookup, ValueOutsideTheTableIsRejected) {
  for (bool balance_with_inverse : {false, true}) {
    Instance s = range_setup();
    Instance clipped = s;
    s.columns[0].in[6] = Fp(300);  // real entry 6
    clipped.columns[0].in[6] = Fp(255);
    // The multiplicities of the clipped column: right everywhere except that 300 is missing.
    s.multiplicities = compute_multiplicities(clipped.table, clipped.views());
    s.multiplicities[255] -= Fp::one();
    Tampering t;
    // Optionally the prover drops the bad entry's fraction so that the sum balances.
    if (balance_with_inverse) t.inverses = [](InverseTables& inv) { inv.columns[0][6] = Fp2::zero(); };
    const Outcome r = run(s, t);
    EXPECT_FALSE(r.accepted) << "300 in [0, 256) accepted (balance_with_inverse " << balance_with_inverse << ")";
  }
}

TEST(ZkLookup, WrongMultiplicityIsRejected) {
  Instance s = range_setup();
  s.multiplicities = compute_multiplicities(s.table, s.views());
  s.multiplicities[3] += Fp::one();
  EXPECT_FALSE(run(s).accepted);

  Instance f = function_setup();
  f.multiplicities = compute_multiplicities(f.table, f.views());
  f.multiplicities[100] -= Fp::one();
  f.multiplicities[101] += Fp::one();  // same total count, wrong distribution
  EXPECT_FALSE(run(f).accepted);
}

TEST(ZkLookup, WrongCommittedInverseIsRejected) {
  const std::vector<std::function<void(InverseTables&)>> edits = {
      [](InverseTables& inv) { inv.columns[0][5] += Fp2::one(); },        // a real entry
      [](InverseTables& inv) { inv.columns[0][1020] = Fp2::one(); },      // padding (must be 0)
      [](InverseTables& inv) { inv.table[17] += Fp2::one(); },            // a used table entry
      [](InverseTables& inv) { inv.table[0] *= Fp2(Fp(2)); },
      // Moves weight between two entries so that the sum is unchanged: only the zero-check catches it.
      [](InverseTables& inv) {
        inv.columns[0][1] += Fp2::one();
        inv.columns[0][2] -= Fp2::one();
      },
  };
  for (size_t e = 0; e < edits.size(); ++e) {
    const Outcome r = run(range_setup(), Tampering::of_inverses(edits[e]));
    EXPECT_FALSE(r.accepted) << "edit " << e;
  }
  const Outcome f = run(function_setup(), Tampering::of_inverses([](InverseTables& inv) { inv.columns[2][0] += Fp2::one(); }));
  EXPECT_FALSE(f.accepted) << "the scalar column's inverse";
}

TEST(ZkLookup, EveryTamperedProofComponentIsRejected) {
  for (const Instance& s : {range_setup(), function_setup()}) {
    const Outcome honest = run(s);
    ASSERT_TRUE(honest.accepted) << honest.reason;
    const ZkLookupProof& p = honest.prover.proof;
    std::vector<std::function<void(ZkLookupProof&)>> edits;
    for (size_t i = 0; i < p.values.size(); ++i) edits.push_back([i](ZkLookupProof& q) { q.values[i] += Fp2::one(); });
    for (size_t k = 0; k < p.sumchecks.size(); ++k) {
      for (size_t r = 0; r < p.sumchecks[k].rounds.size(); ++r)
        for (size_t j = 0; j < p.sumchecks[k].rounds[r].size(); ++j)
          edits.push_back([=](ZkLookupProof& q) { q.sumchecks[k].rounds[r][j] += Fp2::one(); });
      edits.push_back([k](ZkLookupProof& q) { q.sumchecks[k].mask_sum += Fp2::one(); });
      edits.push_back([k](ZkLookupProof& q) { q.sumchecks[k].mask_evaluation += Fp2::one(); });
    }
    edits.push_back([](ZkLookupProof& q) { q.values.pop_back(); });
    edits.push_back([](ZkLookupProof& q) { q.sumchecks.pop_back(); });
    edits.push_back([](ZkLookupProof& q) { q.sumchecks[0].rounds.pop_back(); });
    for (size_t e = 0; e < edits.size(); ++e) {
      const Outcome r = run(s, Tampering::of_proof(edits[e]));
      EXPECT_FALSE(r.accepted) << "edit " << e << " of " << edits.size() << " accepted";
    }
  }
}

TEST(ZkLookup, TwoRunsOfOneWitnessDiffer) {
  const Instance s = function_setup();
  const Outcome a = run(s), b = run(s);
  ASSERT_TRUE(a.accepted && b.accepted);
  ASSERT_EQ(a.prover.proof.values.size(), b.prover.proof.values.size());
  for (size_t i = 0; i < a.prover.proof.values.size(); ++i) {
    // Fresh masks and Libra polynomials: every value and every later challenge differ.
    EXPECT_NE(a.prover.proof.values[i], b.prover.proof.values[i]) << "value " << i;
  }
  EXPECT_NE(a.prover.proof.to_bytes(), b.prover.proof.to_bytes());
}

TEST(ZkLookup, NoSentValueIsAPlainEvaluationOfAPrivatePolynomial) {
  const Instance s = function_setup();
  const Outcome r = run(s);
  ASSERT_TRUE(r.accepted) << r.reason;
  ASSERT_EQ(r.prover.proof.values.size(), r.prover.claims.size());
  const auto m = compute_multiplicities(s.table, s.views());
  for (size_t i = 0; i < r.prover.claims.size(); ++i) {
    const auto& c = r.prover.claims[i];
    ASSERT_TRUE(c.beta.has_value()) << "claim " << i << " is plain with everything private";
    EXPECT_EQ(r.prover.proof.values[i], c.value);
    const Fp2 v = plain_value(s, m, r.inverses, c);
    for (const Fp2& sent : r.prover.proof.values) EXPECT_NE(sent, v) << "plain evaluation of claim " << i << " sent";
  }
}

TEST(ZkLookup, ProofBytesRoundTripAndTruncationIsAnError) {
  const Outcome r = run(range_setup());
  ASSERT_TRUE(r.accepted);
  const auto bytes = r.prover.proof.to_bytes();
  EXPECT_EQ(ZkLookupProof::from_bytes(bytes).to_bytes(), bytes);
  for (size_t cut : {size_t(0), size_t(3), bytes.size() / 2, bytes.size() - 1}) {
    EXPECT_THROW(ZkLookupProof::from_bytes(std::span<const uint8_t>(bytes).first(cut)), Error) << cut;
  }
  auto longer = bytes;
  longer.push_back(0);
  EXPECT_THROW(ZkLookupProof::from_bytes(longer), Error);
}

// Any single corrupted byte of an honest proof: a parse error or a rejection, never a crash or an
// acceptance (every byte is a count, a round value, a mask value or a sent value).
TEST(ZkLookup, CorruptedProofBytesAreRejected) {
  const Instance s = function_setup();
  const Outcome honest = run(s);
  ASSERT_TRUE(honest.accepted) << honest.reason;
  const auto bytes = honest.prover.proof.to_bytes();
  std::mt19937_64 pick(17);
  for (int trial = 0; trial < 60; ++trial) {
    const size_t at = pick() % bytes.size();
    const uint8_t flip = uint8_t(1 + pick() % 255);
    Tampering t = Tampering::of_proof([&](ZkLookupProof& p) {
      auto b = p.to_bytes();
      b[at] ^= flip;
      try {
        p = ZkLookupProof::from_bytes(b);
      } catch (const Error&) {
        p.values.clear();  // unparseable: stands in for a rejected proof
      }
    });
    EXPECT_FALSE(run(s, t).accepted) << "byte " << at << " ^ " << int(flip);
  }
}

TEST(ZkLookup, MalformedArgumentsAreErrors) {
  const Instance s = range_setup();
  const auto cols = s.views();
  const auto m = compute_multiplicities(s.table, cols);
  Transcript t = fresh();
  const auto shapes = s.shapes();
  const ZkChallenges ch = draw_zk_challenges(t, s.table, shapes);
  const InverseTables inv = inverse_tables(s.table, cols, m, ch);
  const auto mask = rand_table(1024), small = rand_table(256);
  ZkMasks masks{{std::span<const Fp2>(mask)}, {}, small, {mask}, small};
  const MaskSource pool = [](unsigned n, unsigned d) { return sumcheck::MaskPolynomial::sample(n, d); };

  EXPECT_THROW(inverse_tables(s.table, cols, std::span<const Fp>(m).first(100), ch), Error);
  ZkMasks short_mask = masks;
  short_mask.column_inverses[0] = std::span<const Fp2>(mask).first(512);
  EXPECT_THROW(prove_zk(s.table, cols, m, inv, short_mask, ch, pool, t), Error);
  ZkMasks no_inputs = masks;
  no_inputs.inputs.clear();
  EXPECT_THROW(prove_zk(s.table, cols, m, inv, no_inputs, ch, pool, t), Error);
  const MaskSource wrong_pool = [](unsigned n, unsigned d) { return sumcheck::MaskPolynomial::sample(n + 1, d); };
  EXPECT_THROW(prove_zk(s.table, cols, m, inv, masks, ch, wrong_pool, t), Error);
  InverseTables missing = inv;
  missing.columns.clear();
  EXPECT_THROW(prove_zk(s.table, cols, m, missing, masks, ch, pool, t), Error);

  // Verifier: a privacy list of the wrong length, a bad shape.
  const ZkLookupProof proof = prove_zk(s.table, cols, m, inv, masks, ch, pool, t).proof;
  Transcript tv = fresh();
  const ZkChallenges vch = draw_zk_challenges(tv, s.table, shapes);
  EXPECT_THROW(verify_zk(s.table, shapes, std::vector<ColumnPrivacy>{}, vch, proof, tv), Error);
  const std::vector<std::vector<int64_t>> bad_shapes = {{0, 4}};
  EXPECT_THROW(verify_zk(s.table, bad_shapes, std::vector<ColumnPrivacy>(1), vch, proof, tv), Error);
}

}  // namespace
}  // namespace zk::lookup
