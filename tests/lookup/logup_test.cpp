#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "common/error.hpp"
#include "lookup/layer_prover.hpp"
#include "lookup/logup.hpp"
#include "lookup_fixtures.hpp"
#include "poly/multilinear.hpp"

namespace zk::lookup {
namespace {

using namespace fixtures;

std::mt19937_64 rng(11);
Fp2 rand2() { return Fp2(Fp(rng()), Fp(rng())); }
std::vector<Fp2> rand_point(size_t n) {
  std::vector<Fp2> p(n);
  for (auto& v : p) v = rand2();
  return p;
}

std::vector<Column> views(const std::vector<OwnedColumn>& cols) {
  std::vector<Column> v;
  for (const auto& c : cols) v.push_back(c.view());
  return v;
}
std::vector<std::vector<int64_t>> shapes(const std::vector<OwnedColumn>& cols) {
  std::vector<std::vector<int64_t>> s;
  for (const auto& c : cols) s.push_back(c.shape);
  return s;
}

Transcript fresh() {
  Transcript t("lookup-test");
  t.absorb("commitment", uint64_t(42));  // stands in for the caller's commitments
  return t;
}

// The caller's job: every claim against the honest tables.
void expect_claims_true(const std::vector<EvalClaim>& claims, const std::vector<OwnedColumn>& cols,
                        std::span<const Fp> m) {
  for (const auto& c : claims) {
    Fp2 truth;
    if (c.kind == ClaimKind::kMultiplicity) truth = evaluate_mle(m, c.point);
    else if (c.kind == ClaimKind::kInput) truth = evaluate_mle(std::span<const Fp>(cols[c.column].in), c.point);
    else truth = evaluate_mle(std::span<const Fp>(cols[c.column].out), c.point);
    EXPECT_EQ(truth, c.value) << "claim kind " << int(c.kind) << " column " << c.column;
  }
}

void prove_and_verify(const Table& table, const std::vector<OwnedColumn>& cols) {
  const auto vs = views(cols);
  const auto m = compute_multiplicities(table, vs);
  Transcript tp = fresh();
  ProveResult res = prove(table, vs, m, tp);
  const auto bytes = res.proof.to_bytes();
  const LookupProof parsed = LookupProof::from_bytes(bytes);
  Transcript tv = fresh();
  const auto sh = shapes(cols);
  const auto claims = verify(table, sh, parsed, tv);
  EXPECT_EQ(tp.state(), tv.state());
  ASSERT_EQ(claims.size(), res.claims.size());
  for (size_t i = 0; i < claims.size(); ++i) {
    EXPECT_EQ(claims[i].kind, res.claims[i].kind);
    EXPECT_EQ(claims[i].column, res.claims[i].column);
    EXPECT_EQ(claims[i].point, res.claims[i].point);
    EXPECT_EQ(claims[i].value, res.claims[i].value);
  }
  expect_claims_true(claims, cols, m);
}

// ---- public helpers ----

TEST(Lookup, SelectorMatchesIndicatorMle) {
  for (std::vector<int64_t> shape : std::vector<std::vector<int64_t>>{{}, {1}, {5}, {8}, {3, 6}, {2, 3, 5}, {7, 1, 4}}) {
    OwnedColumn col(shape, [](size_t) { return 1; });
    const auto z = rand_point(num_vars(shape));
    EXPECT_EQ(selector_eval(shape, z), evaluate_mle(std::span<const Fp>(col.in), z));
  }
}

TEST(Lookup, TableEvalMatchesPaddedMle) {
  Table odd;
  for (int i = 0; i < 1000; ++i) odd.inputs.push_back(Fp(uint64_t(i + 3)));
  for (const Table& t : {Table::range(8), odd, function_table()}) {
    const Table p = padded_table(t);
    ASSERT_EQ(p.inputs.size(), size_t(1) << table_vars(t));
    EXPECT_EQ(p.inputs.back(), t.inputs.back());
    const auto z = rand_point(table_vars(t));
    const auto [vin, vout] = table_eval(t, z);
    EXPECT_EQ(vin, evaluate_mle(std::span<const Fp>(p.inputs), z));
    EXPECT_EQ(vout, t.has_outputs() ? evaluate_mle(std::span<const Fp>(p.outputs), z) : Fp2::zero());
  }
}

TEST(Lookup, MultiplicitiesCountRealEntriesOnly) {
  OwnedColumn col({3, 5}, [](size_t i) { return int64_t(i % 4); });
  const auto m = compute_multiplicities(Table::range(2), std::vector<Column>{col.view()});
  ASSERT_EQ(m.size(), 4u);
  // 15 real entries 0,1,2,3,0,...: the zero padding (a valid table value) is not counted.
  EXPECT_EQ(m[0], Fp(4));
  EXPECT_EQ(m[1], Fp(4));
  EXPECT_EQ(m[2], Fp(4));
  EXPECT_EQ(m[3], Fp(3));
}

TEST(Lookup, MultiplicitiesNameTheMissingValue) {
  OwnedColumn col({10}, [](size_t i) { return i == 6 ? 300 : int64_t(i); });
  try {
    compute_multiplicities(Table::range(8), std::vector<Column>{col.view()});
    FAIL() << "accepted 300 in [0, 256)";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("300"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("entry 6"), std::string::npos) << e.what();
  }
  OwnedColumn neg({4}, [](size_t i) { return -int64_t(i); });
  EXPECT_THROW(compute_multiplicities(Table::range(8), std::vector<Column>{neg.view()}), Error);
  // Function table: input present, output wrong.
  const Table ft = function_table();
  std::function<int64_t(int64_t)> wrong = [](int64_t x) { return x == 7 ? 0 : square_mod(x); };
  OwnedColumn bad({20}, [](size_t i) { return int64_t(i); }, &wrong);
  EXPECT_THROW(compute_multiplicities(ft, std::vector<Column>{bad.view()}), Error);
  // Non-consecutive table (hash path).
  Table sparse;
  for (int i = 0; i < 50; ++i) sparse.inputs.push_back(Fp(uint64_t(i * i)));
  OwnedColumn sq({30}, [](size_t i) { return int64_t((i % 50) * (i % 50)); });
  const auto ms = compute_multiplicities(sparse, std::vector<Column>{sq.view()});
  EXPECT_EQ(ms[0], Fp(1));
  OwnedColumn nsq({3}, [](size_t i) { return int64_t(2 + i); });
  EXPECT_THROW(compute_multiplicities(sparse, std::vector<Column>{nsq.view()}), Error);
}

TEST(Lookup, MalformedInputIsAnError) {
  Table empty;
  OwnedColumn col({4}, [](size_t i) { return int64_t(i); });
  EXPECT_THROW(compute_multiplicities(empty, std::vector<Column>{col.view()}), Error);
  Column short_col{std::span<const Fp>(col.in).first(2), {}, {4}};
  EXPECT_THROW(compute_multiplicities(Table::range(4), std::vector<Column>{short_col}), Error);
  Column bad_shape{col.in, {}, {0, 4}};
  EXPECT_THROW(compute_multiplicities(Table::range(4), std::vector<Column>{bad_shape}), Error);
  // A function table needs an output column.
  EXPECT_THROW(compute_multiplicities(function_table(), std::vector<Column>{col.view()}), Error);
  Transcript t = fresh();
  std::vector<Fp> m(3);
  EXPECT_THROW(prove(Table::range(4), std::vector<Column>{col.view()}, m, t), Error);
}

// The dedicated layer prover must produce exactly the generic sumcheck's proof (so that
// sumcheck::verify is the verifier), for base and extension numerators, every small size and every
// length of the real prefix (the rest being fillers 0 / 1).
TEST(Lookup, LayerProverMatchesGenericSumcheck) {
  for (unsigned k = 0; k <= 6; ++k) {
    const size_t size = size_t(2) << k;
    for (size_t real : {size_t(0), size_t(1), size_t(2), size_t(3), size / 2 + 1, size - 1, size}) {
      if (real > size) continue;
      std::vector<Fp> pb(size, Fp::zero());
      std::vector<Fp2> pe(size, Fp2::zero()), q(size, Fp2::one());
      for (size_t j = 0; j < real; ++j) {
        pb[j] = Fp(rng());
        pe[j] = rand2();
        q[j] = rand2();
      }
      const auto r = rand_point(k);
      const Fp2 lambda = rand2();
      const auto eq = eq_table(r);
      for (bool base : {true, false}) {
        std::vector<Fp> plb, prb;
        std::vector<Fp2> pl, pr, ql, qr;
        for (size_t y = 0; y < size / 2; ++y) {
          plb.push_back(pb[2 * y]);
          prb.push_back(pb[2 * y + 1]);
          pl.push_back(pe[2 * y]);
          pr.push_back(pe[2 * y + 1]);
          ql.push_back(q[2 * y]);
          qr.push_back(q[2 * y + 1]);
        }
        std::vector<sumcheck::TableRef> tables{sumcheck::TableRef(eq)};
        if (base) {
          tables.emplace_back(plb);
          tables.emplace_back(prb);
        } else {
          tables.emplace_back(pl);
          tables.emplace_back(pr);
        }
        tables.emplace_back(ql);
        tables.emplace_back(qr);
        const std::vector<sumcheck::Term> terms{
            {Fp2::one(), {0, 1, 4}}, {Fp2::one(), {0, 2, 3}}, {lambda, {0, 3, 4}}};
        const Fp2 sum = sumcheck::compute_sum(tables, terms);
        Transcript ta("layer"), tb("layer");
        const auto generic = sumcheck::prove(ta, tables, terms, sum);
        const auto fast = base ? detail::prove_layer<Fp>(tb, r, pb.data(), q.data(), real, lambda, sum)
                               : detail::prove_layer<Fp2>(tb, r, pe.data(), q.data(), real, lambda, sum);
        EXPECT_EQ(ta.state(), tb.state()) << k << " " << real;
        EXPECT_EQ(generic.proof.rounds, fast.proof.rounds) << k << " " << real;
        EXPECT_EQ(generic.point, fast.point) << k << " " << real;
        EXPECT_EQ(generic.table_evaluations, fast.table_evaluations) << k << " " << real;
      }
    }
  }
}

// ---- honest proofs ----

TEST(Lookup, Range8SeveralShapes) {
  std::vector<OwnedColumn> cols;
  cols.emplace_back(std::vector<int64_t>{5, 7}, [](size_t i) { return int64_t((i * 37) % 256); });
  cols.emplace_back(std::vector<int64_t>{100}, [](size_t i) { return int64_t(255 - i); });
  cols.emplace_back(std::vector<int64_t>{3, 1, 9}, [](size_t i) { return int64_t(i * i % 256); });
  cols.emplace_back(std::vector<int64_t>{}, [](size_t) { return int64_t(17); });
  prove_and_verify(Table::range(8), cols);
}

TEST(Lookup, Range16SeveralShapes) {
  std::vector<OwnedColumn> cols;
  cols.emplace_back(std::vector<int64_t>{300, 7}, [](size_t i) { return int64_t((i * 7919) % 65536); });
  cols.emplace_back(std::vector<int64_t>{4099}, [](size_t i) { return int64_t(65535 - i % 3); });
  cols.emplace_back(std::vector<int64_t>{2, 3, 33}, [](size_t i) { return int64_t(i * 1000 % 65536); });
  prove_and_verify(Table::range(16), cols);
}

TEST(Lookup, FunctionTable) {
  std::vector<OwnedColumn> cols;
  cols.emplace_back(std::vector<int64_t>{30, 17}, [](size_t i) { return int64_t(i % 1000) - 500; }, &kSquare);
  cols.emplace_back(std::vector<int64_t>{999}, [](size_t i) { return int64_t((i * 13) % 1000) - 500; }, &kSquare);
  prove_and_verify(function_table(), cols);
}

TEST(Lookup, EdgeSizes) {
  Table one;
  one.inputs.push_back(Fp(9));
  // Table of one entry, no columns: a single leaf, no GKR layer.
  prove_and_verify(one, {});
  // Table of one entry, one scalar column.
  std::vector<OwnedColumn> cols;
  cols.emplace_back(std::vector<int64_t>{}, [](size_t) { return int64_t(9); });
  prove_and_verify(one, cols);
  // Column larger than the table; table not a power of two.
  Table odd;
  for (int i = 0; i < 5; ++i) odd.inputs.push_back(Fp(uint64_t(10 * i)));
  std::vector<OwnedColumn> big;
  big.emplace_back(std::vector<int64_t>{1, 70}, [](size_t i) { return int64_t(10 * (i % 5)); });
  prove_and_verify(odd, big);
}

// ---- cheating provers ----

// Runs the unchecked prover on (possibly bad) columns and multiplicities; returns whether verify
// accepted, and the error text otherwise.
std::string cheat(const Table& table, const std::vector<OwnedColumn>& cols, std::span<const Fp> m) {
  const auto vs = views(cols);
  Transcript tp = fresh();
  ProveResult res = detail::prove_unchecked(table, vs, m, tp);
  Transcript tv = fresh();
  try {
    verify(table, shapes(cols), res.proof, tv);
  } catch (const VerifyError& e) {
    return e.what();
  }
  return "";
}

TEST(Lookup, RejectsValueNotInTable) {
  const Table t = Table::range(8);
  std::vector<OwnedColumn> cols;
  cols.emplace_back(std::vector<int64_t>{9, 11}, [](size_t i) { return int64_t(i % 200); });
  const auto m = compute_multiplicities(t, views(cols));
  // One entry becomes 256: the multiplicities still count it as the value it replaced.
  std::vector<OwnedColumn> bad;
  bad.emplace_back(std::vector<int64_t>{9, 11}, [](size_t i) { return i == 40 ? 256 : int64_t(i % 200); });
  EXPECT_NE(cheat(t, bad, m), "");
  // The checked prover refuses it outright.
  Transcript tp = fresh();
  EXPECT_THROW(prove(t, views(bad), m, tp), Error);
  // Or the cheater claims 256 sits on the padded table's last slot (255): still rejected.
  auto m2 = m;
  m2[40 % 200] -= Fp::one();
  m2[255] += Fp::one();
  EXPECT_NE(cheat(t, bad, m2), "");
  // A value that wraps (p - 1, i.e. -1) is not in [0, 256) either.
  std::vector<OwnedColumn> neg;
  neg.emplace_back(std::vector<int64_t>{9, 11}, [](size_t i) { return i == 3 ? -1 : int64_t(i % 200); });
  EXPECT_NE(cheat(t, neg, m), "");
}

TEST(Lookup, RejectsWrongFunctionOutput) {
  const Table t = function_table();
  std::vector<OwnedColumn> good;
  good.emplace_back(std::vector<int64_t>{25, 9}, [](size_t i) { return int64_t(i % 1000) - 500; }, &kSquare);
  const auto m = compute_multiplicities(t, views(good));
  std::function<int64_t(int64_t)> wrong = [](int64_t x) { return x == -400 ? square_mod(x) + 1 : square_mod(x); };
  std::vector<OwnedColumn> bad;
  bad.emplace_back(std::vector<int64_t>{25, 9}, [](size_t i) { return int64_t(i % 1000) - 500; }, &wrong);
  EXPECT_NE(cheat(t, bad, m), "");
  EXPECT_EQ(cheat(t, good, m), "");
}

TEST(Lookup, RejectsWrongMultiplicity) {
  const Table t = Table::range(8);
  std::vector<OwnedColumn> cols;
  cols.emplace_back(std::vector<int64_t>{50}, [](size_t i) { return int64_t(i * 3); });
  cols.emplace_back(std::vector<int64_t>{6, 6}, [](size_t i) { return int64_t(i); });
  const auto m = compute_multiplicities(t, views(cols));
  EXPECT_EQ(cheat(t, cols, m), "");
  auto plus = m;
  plus[7] += Fp::one();
  EXPECT_NE(cheat(t, cols, plus), "");
  auto moved = m;
  moved[3] -= Fp::one();
  moved[4] += Fp::one();
  EXPECT_NE(cheat(t, cols, moved), "");
}

TEST(Lookup, RejectsEveryAlteredProofValue) {
  const Table t = Table::range(8);
  std::vector<OwnedColumn> cols;
  cols.emplace_back(std::vector<int64_t>{3, 10}, [](size_t i) { return int64_t(i * 11 % 256); });
  cols.emplace_back(std::vector<int64_t>{20}, [](size_t i) { return int64_t(i); });
  const auto vs = views(cols);
  const auto m = compute_multiplicities(t, vs);
  Transcript tp = fresh();
  const LookupProof honest = prove(t, vs, m, tp).proof;
  const auto sh = shapes(cols);

  LookupProof p = honest;
  std::vector<Fp2*> values{&p.root_denominator};
  for (auto& l : p.layers) {
    for (auto& round : l.sumcheck.rounds) {
      for (auto& v : round) values.push_back(&v);
    }
    for (auto& v : l.children) values.push_back(&v);
  }
  for (auto& v : p.leaf_values) values.push_back(&v);
  ASSERT_GT(values.size(), 50u);
  for (size_t i = 0; i < values.size(); ++i) {
    const Fp2 saved = *values[i];
    for (Fp2 delta : {Fp2::one(), Fp2(Fp::zero(), Fp::one())}) {
      *values[i] = saved + delta;
      Transcript tv = fresh();
      EXPECT_THROW(verify(t, sh, p, tv), VerifyError) << "value " << i;
    }
    *values[i] = saved;
  }
  Transcript tv = fresh();
  EXPECT_NO_THROW(verify(t, sh, p, tv));

  // Structural changes.
  LookupProof fewer = honest;
  fewer.layers.pop_back();
  Transcript t1 = fresh();
  EXPECT_THROW(verify(t, sh, fewer, t1), VerifyError);
  LookupProof more_leaves = honest;
  more_leaves.leaf_values.push_back(Fp2::one());
  Transcript t2 = fresh();
  EXPECT_THROW(verify(t, sh, more_leaves, t2), VerifyError);
  LookupProof short_round = honest;
  short_round.layers.back().sumcheck.rounds.back().pop_back();
  Transcript t3 = fresh();
  EXPECT_THROW(verify(t, sh, short_round, t3), VerifyError);
  LookupProof zero_root = honest;
  zero_root.root_denominator = Fp2::zero();
  Transcript t4 = fresh();
  EXPECT_THROW(verify(t, sh, zero_root, t4), VerifyError);
  // Verifier told other shapes or another table: different transcript, rejected.
  auto other = sh;
  other[1] = {19};
  Transcript t5 = fresh();
  EXPECT_THROW(verify(t, other, honest, t5), VerifyError);
  Transcript t6 = fresh();
  EXPECT_THROW(verify(Table::range(7), sh, honest, t6), VerifyError);
}

TEST(Lookup, CallerMustDischargeClaims) {
  // The prover proves membership for a column other than the committed one: the lookup proof is
  // internally consistent, so only the caller's check of the returned claim against the honest
  // (committed) tensor catches it.
  const Table t = Table::range(8);
  std::vector<OwnedColumn> committed, substituted;
  committed.emplace_back(std::vector<int64_t>{12, 5}, [](size_t i) { return i == 17 ? 300 : int64_t(i); });
  substituted.emplace_back(std::vector<int64_t>{12, 5}, [](size_t i) { return i == 17 ? 0 : int64_t(i); });
  const auto vs = views(substituted);
  const auto m = compute_multiplicities(t, vs);
  Transcript tp = fresh();
  const LookupProof proof = prove(t, vs, m, tp).proof;
  Transcript tv = fresh();
  const auto claims = verify(t, shapes(substituted), proof, tv);
  ASSERT_EQ(claims.size(), 2u);
  ASSERT_EQ(claims[0].kind, ClaimKind::kInput);
  EXPECT_NE(evaluate_mle(std::span<const Fp>(committed[0].in), claims[0].point), claims[0].value);
  EXPECT_EQ(evaluate_mle(std::span<const Fp>(substituted[0].in), claims[0].point), claims[0].value);
  // A leaf value stated differently from the honest evaluation fails inside verify already.
  LookupProof tampered = proof;
  tampered.leaf_values[0] = evaluate_mle(std::span<const Fp>(committed[0].in), claims[0].point);
  Transcript tv2 = fresh();
  EXPECT_THROW(verify(t, shapes(substituted), tampered, tv2), VerifyError);
}

// ---- serialization ----

TEST(Lookup, SerializationRejectsTruncatedAndHostileBytes) {
  const Table t = function_table();
  std::vector<OwnedColumn> cols;
  cols.emplace_back(std::vector<int64_t>{40}, [](size_t i) { return int64_t(i) - 20; }, &kSquare);
  const auto vs = views(cols);
  const auto m = compute_multiplicities(t, vs);
  Transcript tp = fresh();
  const auto bytes = prove(t, vs, m, tp).proof.to_bytes();
  for (size_t len = 0; len < bytes.size(); ++len) {
    EXPECT_THROW(LookupProof::from_bytes(std::span<const uint8_t>(bytes).first(len)), Error) << len;
  }
  auto trailing = bytes;
  trailing.push_back(0);
  EXPECT_THROW(LookupProof::from_bytes(trailing), Error);
  // Non-canonical field element.
  auto noncanon = bytes;
  for (int i = 0; i < 8; ++i) noncanon[i] = 0xFF;
  EXPECT_THROW(LookupProof::from_bytes(noncanon), Error);
  // Huge counts: refused before any allocation of that size.
  std::vector<uint8_t> huge(16, 0);
  for (uint8_t b : {0xFF, 0xFF, 0xFF, 0xFF}) huge.push_back(b);
  EXPECT_THROW(LookupProof::from_bytes(huge), Error);
  std::vector<uint8_t> huge_leaves(16, 0);
  for (uint8_t b : {0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F}) huge_leaves.push_back(b);
  EXPECT_THROW(LookupProof::from_bytes(huge_leaves), Error);
  // Random garbage never crashes.
  std::mt19937 g(5);
  for (int trial = 0; trial < 200; ++trial) {
    auto noisy = bytes;
    noisy[g() % noisy.size()] ^= uint8_t(1 + g() % 255);
    try {
      const LookupProof p = LookupProof::from_bytes(noisy);
      Transcript tv = fresh();
      EXPECT_THROW(verify(t, shapes(cols), p, tv), VerifyError);
    } catch (const VerifyError&) {
      ADD_FAILURE() << "VerifyError from the parser";
    } catch (const Error&) {
    }
  }
}

}  // namespace
}  // namespace zk::lookup
