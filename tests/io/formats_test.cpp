// Format version 3's graph encoding: the attribute pool, packed vectors, what a hostile file can
// and cannot make the reader do, and that the architecture hash does not depend on the encoding.
// Also prover::check_provable, which compile runs instead of a full setup.
#include <gtest/gtest.h>

#include <string>

#include "io/bytes.hpp"
#include "io/formats.hpp"
#include "prover/prover.hpp"
#include "verifier/verifier.hpp"

namespace zk {
namespace {

using layers::IntGraph;
using layers::IntNode;
using layers::IntTensor;

// A smooth table over [-lo_abs, lo_abs] (v -> v / 2): what quantized activations look like.
std::vector<int64_t> halving_table(int64_t lo_abs) {
  std::vector<int64_t> t;
  for (int64_t v = -lo_abs; v <= lo_abs; ++v) t.push_back(v / 2);
  return t;
}

// x -> lookup -> lookup (the same table twice) -> * w -> output. `lookups` = 1 drops the second.
IntGraph lookup_graph(int lookups = 2, int64_t lo_abs = 2048) {
  IntGraph g;
  int x = g.add_input("x", {4, 8}, 0, 1.0, lo_abs);
  for (int k = 0; k < lookups; ++k) {
    IntNode n;
    n.op = "lookup";
    n.name = "half" + std::to_string(k);
    n.inputs = {x};
    n.attrs = {{"lo", {-lo_abs}}, {"table", halving_table(lo_abs)}};
    x = g.add_node(n, {"y" + std::to_string(k)}, 0, 1.0);
  }
  IntTensor w({8});
  for (int64_t i = 0; i < 8; ++i) w.data[i] = i % 3 - 1;
  const int wid = g.add_constant("w", w, 0, 1.0);
  IntNode mul;
  mul.op = "mul";
  mul.name = "mul";
  mul.inputs = {x, wid};
  g.outputs = {g.add_node(mul, {"z"}, 0, 1.0)};
  return g;
}

pcs::PcsParams test_params() {
  pcs::PcsParams p;
  p.num_queries = 20;
  p.pow_bits = 4;
  return p;
}

constexpr circuit::Visibility kPublicIO{.input_private = false, .weights_private = true, .output_private = false};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Formats, ModelRoundTripKeepsEveryAttributeAndWeight) {
  const IntGraph g = lookup_graph();
  const auto back = io::read_model(io::write_model(g, kPublicIO));
  ASSERT_EQ(back.graph.nodes.size(), g.nodes.size());
  for (size_t n = 0; n < g.nodes.size(); ++n) EXPECT_EQ(back.graph.nodes[n].attrs, g.nodes[n].attrs);
  ASSERT_EQ(back.graph.constants.size(), g.constants.size());
  for (const auto& [id, value] : g.constants) EXPECT_EQ(back.graph.constants.at(id).data, value.data);
  EXPECT_EQ(back.visibility.input_private, kPublicIO.input_private);
}

TEST(Formats, ExtremeValuesSurviveThePackedEncoding) {
  IntGraph g = lookup_graph(1, 4);
  // Deltas between these wrap around int64; the attribute is never read by a layer.
  g.nodes[0].attrs["extra"] = {INT64_MIN, INT64_MAX, 0, -1, INT64_MIN, 1};
  const auto back = io::read_model(io::write_model(g));
  EXPECT_EQ(back.graph.nodes[0].attrs, g.nodes[0].attrs);
}

TEST(Formats, SharedTableIsStoredOnce) {
  const size_t one = io::write_model(lookup_graph(1)).size();
  const size_t two = io::write_model(lookup_graph(2)).size();
  // The second node adds its tensor, its names and two pool references, not another 4097 entries.
  EXPECT_LT(two - one, 128u) << one << " -> " << two;
  // And the table itself is packed: 4097 entries that step by 0 or 1 take about a byte each.
  EXPECT_LT(one, 4097u * 2);
}

TEST(Formats, RunsOfEqualStepsCostAFewBytes) {
  // A ReLU table over [-2^15, 2^15): 2^15 zeros, then 0, 1, 2, ...: two runs of deltas.
  IntGraph g = lookup_graph(1, 4);
  std::vector<int64_t> relu;
  for (int64_t v = -(1 << 15); v < (1 << 15); ++v) relu.push_back(std::max<int64_t>(v, 0));
  const size_t before = io::write_model(g).size();
  g.nodes[0].attrs["extra"] = relu;
  const auto bytes = io::write_model(g);
  EXPECT_LT(bytes.size() - before, 32u);
  EXPECT_EQ(io::read_model(bytes).graph.nodes[0].attrs.at("extra"), relu);
}

TEST(Formats, KeysReadBackProveVerifyAndKeepTheArchitectureHash) {
  const auto keys = prover::setup(lookup_graph(), test_params(), kPublicIO);
  const auto vk = io::read_verifying_key(io::write_verifying_key(keys.vk));
  const auto pk = io::read_proving_key(io::write_proving_key(keys.pk));
  // The reader recomputes the hash from the graph it decoded.
  EXPECT_EQ(vk.architecture_hash, keys.vk.architecture_hash);
  EXPECT_EQ(vk.architecture_hash,
            io::architecture_hash(keys.vk.graph, kPublicIO, keys.vk.zero_knowledge, keys.vk.pcs_params));
  IntTensor x({4, 8});
  for (int64_t i = 0; i < 32; ++i) x.data[i] = i * 97 % 4097 - 2048;
  const auto result = prover::prove(pk, {x});
  EXPECT_NO_THROW(verifier::verify(vk, io::read_proof(io::write_proof(result.proof))));
}

TEST(Formats, TamperedPoolEntryChangesTheKeyAndTheProofIsRejected) {
  const auto keys = prover::setup(lookup_graph(), test_params(), kPublicIO);
  IntTensor x({4, 8});
  for (int64_t i = 0; i < 32; ++i) x.data[i] = i * 53 % 4097 - 2048;
  const auto proof = prover::prove(keys.pk, {x}).proof;
  auto bytes = io::write_verifying_key(keys.vk);
  // The halving table's deltas are 0 and 1, zigzag 0x00 and 0x02: find a run of them and turn one
  // step of 0 into a step of 1, which shifts every later table entry by one.
  const std::vector<uint8_t> run = {0x02, 0x00, 0x02, 0x00, 0x02, 0x00, 0x02, 0x00};
  const auto at = std::search(bytes.begin(), bytes.end(), run.begin(), run.end());
  ASSERT_NE(at, bytes.end());
  at[1] = 0x02;
  io::VerifyingKey tampered;
  try {
    tampered = io::read_verifying_key(bytes);
  } catch (const Error&) {
    return;  // refused outright: also fine
  }
  EXPECT_NE(tampered.architecture_hash, keys.vk.architecture_hash);
  EXPECT_THROW(verifier::verify(tampered, proof), Error);
}

// A graph section by hand: no tensors, no constants, then `pool_and_nodes`, no inputs or outputs.
std::string read_error(const std::function<void(io::ByteWriter&)>& pool_and_nodes) {
  io::ByteWriter w;
  w.count(0);  // tensors
  w.count(0);  // constants
  pool_and_nodes(w);
  w.count(0);  // inputs
  w.count(0);  // outputs
  const auto bytes = w.take();
  return error_of([&] {
    io::ByteReader r(bytes, "verifying key");
    io::read_graph(r, false);
  });
}

void put_varint(io::ByteWriter& w, uint64_t v) {
  for (; v >= 0x80; v >>= 7) w.u8(static_cast<uint8_t>(v | 0x80));
  w.u8(static_cast<uint8_t>(v));
}

// A node with one attribute, referring to pool entry `index`.
void put_node(io::ByteWriter& w, uint64_t index) {
  w.string("lookup");
  w.string("n");
  w.count(0);
  w.count(0);
  w.count(1);
  w.string("table");
  put_varint(w, index);
}

TEST(Formats, HostilePoolIndexIsRefused) {
  const auto e = read_error([](io::ByteWriter& w) {
    put_varint(w, 1);  // one pool entry: [5]
    put_varint(w, 1);
    w.u8(0);
    put_varint(w, 10);
    w.count(1);
    put_node(w, 7);
  });
  EXPECT_EQ(e, "the verifying key refers to attribute pool entry 7, which does not exist");
}

TEST(Formats, HostileLengthsAreRefusedBeforeAllocating) {
  EXPECT_NE(read_error([](io::ByteWriter& w) { put_varint(w, uint64_t(1) << 40); }).find("impossible attribute pool size"),
            std::string::npos);
  const auto long_vector = read_error([](io::ByteWriter& w) {
    put_varint(w, 1);
    put_varint(w, uint64_t(1) << 20);  // 2^20 values in a few bytes
    w.u8(1);
  });
  EXPECT_EQ(long_vector, "the verifying key has an impossible length field (1048576)");
  const auto huge_vector = read_error([](io::ByteWriter& w) {
    put_varint(w, 1);
    put_varint(w, uint64_t(1) << 50);
    w.u8(1);
  });
  EXPECT_EQ(huge_vector, "the verifying key has an attribute pool of more than 16777216 values");
  const auto overlong = read_error([](io::ByteWriter& w) {
    for (int i = 0; i < 11; ++i) w.u8(0xFF);
  });
  EXPECT_EQ(overlong, "the verifying key holds an overlong varint");
  const auto code = read_error([](io::ByteWriter& w) {
    put_varint(w, 1);
    put_varint(w, 1);
    w.u8(9);
    put_varint(w, 0);
  });
  EXPECT_EQ(code, "the verifying key holds a vector of unknown encoding 9");
}

TEST(Formats, HostileReferencesCannotExpandWithoutBound) {
  // One 2^16-value entry (a single run: 6 bytes), referenced 513 times: 2^25 + 2^16 values,
  // refused before a single copy is made.
  const auto e = read_error([](io::ByteWriter& w) {
    put_varint(w, 1);
    put_varint(w, 1 << 16);
    w.u8(2);
    put_varint(w, 2);  // delta +1
    put_varint(w, 1 << 16);
    w.count(513);
    for (int n = 0; n < 513; ++n) put_node(w, 0);
  });
  EXPECT_EQ(e, "the verifying key has attributes of more than 33554432 values in all");
  // A run is a few bytes for any length: the pool itself is bounded too.
  const auto pool = read_error([](io::ByteWriter& w) {
    put_varint(w, 2);
    for (int k = 0; k < 2; ++k) {
      put_varint(w, 1 << 23 | 1);
      w.u8(2);
      put_varint(w, 0);
      put_varint(w, 1 << 23 | 1);
    }
  });
  EXPECT_EQ(pool, "the verifying key has an attribute pool of more than 16777216 values");
}

TEST(Formats, RunsMustAddUpToTheLength) {
  for (uint64_t length : {uint64_t(0), uint64_t(11), uint64_t(1) << 40}) {
    const auto e = read_error([&](io::ByteWriter& w) {
      put_varint(w, 1);
      put_varint(w, 10);
      w.u8(2);
      put_varint(w, 2);
      put_varint(w, length);
    });
    EXPECT_EQ(e, "the verifying key holds a vector whose runs do not add up to its length") << length;
  }
  // Weights are never coded in runs.
  IntGraph g = lookup_graph(1, 4);
  auto model = io::write_model(g);
  // w = [-1, 0, 1, -1, 0, 1, -1, 0]: count 8, code 0 (varints), zigzag values.
  const std::vector<uint8_t> weights = {8, 0, 1, 0, 2, 1, 0, 2, 1, 0};
  const auto at = std::search(model.begin(), model.end(), weights.begin(), weights.end());
  ASSERT_NE(at, model.end());
  at[1] = 2;
  EXPECT_EQ(error_of([&] { io::read_model(model); }), "the compiled model holds a vector of unknown encoding 2");
}

TEST(Formats, EveryTruncationIsAOneLineError) {
  const auto model = io::write_model(lookup_graph(2, 40));
  for (size_t n = 0; n < model.size(); ++n) {
    const std::string e = error_of([&] { io::read_model(std::span(model).first(n)); });
    ASSERT_EQ(e.rfind("the compiled model ", 0), 0u) << n << ": " << e;
    ASSERT_EQ(e.find('\n'), std::string::npos) << e;
  }
  EXPECT_NO_THROW(io::read_model(model));
}

TEST(Formats, OldVersionIsRefusedWithAClearError) {
  auto vk = io::write_verifying_key(prover::setup(lookup_graph(1, 40), test_params(), kPublicIO).vk);
  vk[8] = 2;
  EXPECT_NE(error_of([&] { io::read_verifying_key(vk); }).find("older zkinfer (format version 2;"), std::string::npos);
}

TEST(CheckProvable, AcceptsWhatSetupAcceptsWithoutCommitting) {
  EXPECT_NO_THROW(prover::check_provable(lookup_graph(), test_params(), kPublicIO));
}

TEST(CheckProvable, RefusesAWeightWithoutValueAsSetupDoes) {
  IntGraph g = lookup_graph();
  for (auto& [id, value] : g.constants) value.data.clear();  // a verifying key's graph
  const auto from_setup = error_of([&] { prover::setup(g, test_params(), kPublicIO); });
  EXPECT_EQ(from_setup, "weight 'w' has no value (a verifying key cannot prove)");
  EXPECT_EQ(error_of([&] { prover::check_provable(g, test_params(), kPublicIO); }), from_setup);
}

TEST(CheckProvable, RefusesALayerWithoutProofAsSetupDoes) {
  IntGraph g = lookup_graph();
  g.nodes[0].op = "no-such-layer";
  const auto from_setup = error_of([&] { prover::setup(g, test_params(), kPublicIO); });
  EXPECT_NE(from_setup, "(no error)");
  EXPECT_EQ(error_of([&] { prover::check_provable(g, test_params(), kPublicIO); }), from_setup);
}

TEST(CheckProvable, RefusesInvalidParametersAsSetupDoes) {
  pcs::PcsParams bad = test_params();
  bad.num_queries = 0;
  const auto from_setup = error_of([&] { prover::setup(lookup_graph(), bad, kPublicIO); });
  EXPECT_NE(from_setup, "(no error)");
  EXPECT_EQ(error_of([&] { prover::check_provable(lookup_graph(), bad, kPublicIO); }), from_setup);
}

}  // namespace
}  // namespace zk
