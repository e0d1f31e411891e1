#include "io/formats.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <functional>
#include <map>

#include "io/bytes.hpp"

namespace zk::io {

namespace {

constexpr std::array<uint8_t, 8> kModelMagic = {'Z', 'K', 'I', 'N', 'F', 'Z', 'K', 'M'};
constexpr std::array<uint8_t, 8> kPkMagic = {'Z', 'K', 'I', 'N', 'F', 'P', 'K', '\0'};
constexpr std::array<uint8_t, 8> kVkMagic = {'Z', 'K', 'I', 'N', 'F', 'V', 'K', '\0'};
constexpr std::array<uint8_t, 8> kProofMagic = {'Z', 'K', 'I', 'N', 'F', 'P', 'R', 'F'};
constexpr std::array<uint8_t, 8> kInputCommitmentMagic = {'Z', 'K', 'I', 'N', 'F', 'I', 'C', 'M'};

// Sizes above these are refused outright: they bound what a hostile file can make us build.
constexpr size_t kMaxTensorElements = size_t(1) << 30;
constexpr size_t kMaxRank = 8;
constexpr int64_t kMaxDeclaredBound = int64_t(1) << 48;

void write_header(ByteWriter& w, const std::array<uint8_t, 8>& magic) {
  w.bytes(magic);
  w.u32(kFormatVersion);
}

// Like ByteReader::expect_magic, with a message that tells the user what to do about an old file.
void expect_header(ByteReader& r, const std::array<uint8_t, 8>& magic) {
  if (r.remaining() < magic.size() + 4) r.fail("is truncated (no header)");
  const auto b = r.bytes(magic.size());
  if (!std::equal(b.begin(), b.end(), magic.begin())) r.fail("has the wrong magic bytes (not the right kind of file)");
  const uint32_t v = r.u32();
  if (v < kFormatVersion) {
    r.fail("was made by an older zkinfer (format version " + std::to_string(v) + "; this one reads version " +
           std::to_string(kFormatVersion) + "): compile, set up and prove again with this version");
  }
  if (v != kFormatVersion) {
    r.fail("has format version " + std::to_string(v) + ", newer than this zkinfer reads (" +
           std::to_string(kFormatVersion) + ")");
  }
}

void write_visibility(ByteWriter& w, const circuit::Visibility& v) {
  w.u8(static_cast<uint8_t>(v.input_private) | static_cast<uint8_t>(v.weights_private) << 1 |
       static_cast<uint8_t>(v.output_private) << 2);
}
circuit::Visibility read_visibility(ByteReader& r) {
  const uint8_t bits = r.u8();
  if (bits > 7) r.fail("has an invalid visibility field");
  return {(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0};
}

void write_flag(ByteWriter& w, bool flag) { w.u8(flag ? 1 : 0); }
bool read_flag(ByteReader& r, const char* what) {
  const uint8_t v = r.u8();
  if (v > 1) r.fail(std::string("has an invalid ") + what + " flag");
  return v == 1;
}

void write_tensor(ByteWriter& w, const layers::IntTensor& t) {
  w.i64s(t.shape);
  w.i64s(t.data);
}

// Every shape a file holds: the layers' shape arithmetic (int64) must never see a negative, zero
// or gigantic dimension from a hostile key.
size_t checked_elements(ByteReader& r, const layers::Shape& shape) {
  if (shape.size() > kMaxRank) r.fail("holds a tensor of rank " + std::to_string(shape.size()));
  size_t elements = 1;
  for (int64_t d : shape) {
    if (d < 1 || static_cast<size_t>(d) > kMaxTensorElements / elements) r.fail("holds a tensor with an absurd shape");
    elements *= static_cast<size_t>(d);
  }
  return elements;
}

layers::IntTensor read_tensor(ByteReader& r) {
  layers::IntTensor t;
  t.shape = r.i64s();
  const size_t n = checked_elements(r, t.shape);
  t.data = r.i64s();
  if (t.data.size() != n) r.fail("holds a tensor whose data does not match its shape");
  return t;
}

void write_digest(ByteWriter& w, const Digest& d) { w.bytes(d); }
Digest read_digest(ByteReader& r) { return r.array<std::tuple_size_v<Digest>>(); }
pcs::Seed read_seed(ByteReader& r) { return r.array<std::tuple_size_v<pcs::Seed>>(); }

void write_tensors(ByteWriter& w, const std::vector<layers::IntTensor>& ts) {
  w.count(ts.size());
  for (const auto& t : ts) write_tensor(w, t);
}
std::vector<layers::IntTensor> read_tensors(ByteReader& r) {
  std::vector<layers::IntTensor> ts(r.count(16));
  for (auto& t : ts) t = read_tensor(r);
  return ts;
}

void write_blob(ByteWriter& w, const std::vector<uint8_t>& blob) {
  w.u64(blob.size());
  w.bytes(blob);
}
std::span<const uint8_t> read_blob(ByteReader& r) {
  const uint64_t n = r.u64();
  if (n > r.remaining()) r.fail("is truncated (section of " + std::to_string(n) + " bytes)");
  return r.bytes(static_cast<size_t>(n));
}

}  // namespace

void write_params(ByteWriter& w, const pcs::PcsParams& p) {
  w.u32(p.log_inv_rate);
  w.u32(p.fold_arity_log);
  w.u32(p.num_queries);
  w.u32(p.pow_bits);
  w.u32(p.final_log_size);
  w.u8(pcs::hiding_flag(p));
}

pcs::PcsParams read_params(ByteReader& r) {
  pcs::PcsParams p;
  p.log_inv_rate = r.u32();
  p.fold_arity_log = r.u32();
  p.num_queries = r.u32();
  p.pow_bits = r.u32();
  p.final_log_size = r.u32();
  if (!pcs::set_hiding_flag(p, r.u8())) r.fail("has an invalid hiding flag");
  try {
    p.validate();
  } catch (const Error& e) {
    r.fail(std::string("has invalid commitment parameters: ") + e.what());
  }
  return p;
}

namespace {

// The two graph encodings differ only in how they write a constant's values, what comes before
// the nodes and how they write one attribute's values.
struct GraphEncoding {
  std::function<void(const layers::IntTensor&)> constant;  // only with weights
  std::function<void()> before_nodes;
  std::function<void(const std::vector<int64_t>&)> attribute;
};

void write_graph_as(ByteWriter& w, const layers::IntGraph& g, bool with_weights, const GraphEncoding& e) {
  w.count(g.tensors.size());
  for (const auto& t : g.tensors) {
    w.string(t.name);
    w.u8(static_cast<uint8_t>(t.kind));
    w.i64s(t.shape);
    w.i64(t.scale);
    w.f64(t.step);
    w.i64(t.bound);
  }
  w.count(g.constants.size());
  for (const auto& [id, value] : g.constants) {
    w.u32(static_cast<uint32_t>(id));
    if (with_weights) e.constant(value);
  }
  e.before_nodes();
  w.count(g.nodes.size());
  for (const auto& n : g.nodes) {
    w.string(n.op);
    w.string(n.name);
    w.count(n.inputs.size());
    for (int i : n.inputs) w.i64(i);
    w.count(n.outputs.size());
    for (int o : n.outputs) w.i64(o);
    w.count(n.attrs.size());
    for (const auto& [key, values] : n.attrs) {
      w.string(key);
      e.attribute(values);
    }
  }
  w.count(g.inputs.size());
  for (int i : g.inputs) w.i64(i);
  w.count(g.outputs.size());
  for (int o : g.outputs) w.i64(o);
}

// The architecture hash's input: every tensor, constant and attribute written out in full, in the
// layout of format version 2. It is the graph's content in one fixed form, whatever encoding a
// file used, so a key re-read reproduces the hash its writer computed, and hashes survived the
// move to version 3's attribute pool.
void write_canonical_graph(ByteWriter& w, const layers::IntGraph& g, bool with_weights) {
  write_graph_as(w, g, with_weights,
                 {[&](const layers::IntTensor& t) { write_tensor(w, t); }, [] {},
                  [&](const std::vector<int64_t>& values) { w.i64s(values); }});
}

// Every attribute vector and every weight tensor is written in whichever of these codes is
// shortest. Lookup tables (the bulk of a key: 2^16 entries per table) sample a function on
// consecutive integers, so neighbouring entries differ by little (deltas: about a byte an entry
// where plain varints take two or three), and often by the same amount for long stretches: a ReLU
// table is two runs (0, then +1), a GELU table's flat stretches are runs of 0. Weights are small
// integers: plain varints. (Whole-vector arithmetic progressions were measured too: under 50 bytes
// saved on LeNet-5 and a small GPT; runs of equal deltas cover them.)
enum class VectorCode : uint8_t {
  Varints = 0,    // each value zigzag-varint coded
  Deltas = 1,     // v[0], then v[i] - v[i-1], zigzag-varint coded (wrapping differences)
  DeltaRuns = 2,  // (delta, repeat) varint pairs, the first delta from 0; attribute vectors only
};

uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t unzigzag(uint64_t u) { return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1); }

size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
void write_varint(ByteWriter& w, uint64_t v) {
  while (v >= 0x80) {
    w.u8(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  w.u8(static_cast<uint8_t>(v));
}
uint64_t read_varint(ByteReader& r) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    const uint8_t b = r.u8();
    if (shift == 63 && b > 1) break;
    v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return v;
  }
  r.fail("holds an overlong varint");
}

// v[i] - v[i-1] (v[-1] = 0), wrapping.
uint64_t delta_at(std::span<const int64_t> v, size_t i) {
  return zigzag(static_cast<int64_t>(static_cast<uint64_t>(v[i]) - (i ? static_cast<uint64_t>(v[i - 1]) : 0)));
}

// Runs of equal deltas, as (first index, length).
std::vector<std::pair<size_t, size_t>> delta_runs(std::span<const int64_t> v) {
  std::vector<std::pair<size_t, size_t>> runs;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i && delta_at(v, i) == delta_at(v, runs.back().first)) {
      ++runs.back().second;
    } else {
      runs.emplace_back(i, 1);
    }
  }
  return runs;
}

void write_vector(ByteWriter& w, std::span<const int64_t> v, bool runs_allowed) {
  write_varint(w, v.size());
  size_t varints = 0, deltas = 0, runs_size = SIZE_MAX;
  for (size_t i = 0; i < v.size(); ++i) {
    varints += varint_size(zigzag(v[i]));
    deltas += varint_size(delta_at(v, i));
  }
  const auto runs = runs_allowed ? delta_runs(v) : std::vector<std::pair<size_t, size_t>>{};
  if (runs_allowed) {
    runs_size = 0;
    for (auto [first, length] : runs) runs_size += varint_size(delta_at(v, first)) + varint_size(length);
  }
  if (runs_size < std::min(varints, deltas)) {
    w.u8(static_cast<uint8_t>(VectorCode::DeltaRuns));
    for (auto [first, length] : runs) {
      write_varint(w, delta_at(v, first));
      write_varint(w, length);
    }
    return;
  }
  const bool delta = deltas < varints;
  w.u8(static_cast<uint8_t>(delta ? VectorCode::Deltas : VectorCode::Varints));
  for (size_t i = 0; i < v.size(); ++i) write_varint(w, delta ? delta_at(v, i) : zigzag(v[i]));
}

// A run of deltas is a few bytes whatever its length, and a pooled attribute is copied into every
// node that refers to it, so what the attributes hold is not bounded by the file's size. The pool
// (distinct vectors) may hold 2^24 values (128 MiB as int64), the nodes' copies 2^25 (256 MiB).
// A GPT-2-small-sized model has a few dozen lookup nodes of 2^16 entries, about 3M values even
// with every table distinct: five and ten times below; a hostile key of a few bytes cannot ask
// for more than this.
constexpr uint64_t kMaxPoolValues = uint64_t(1) << 24;
constexpr uint64_t kMaxAttributeValues = uint64_t(1) << 25;

// `pool_budget`: how many more values the attribute pool may hold; null for weights, whose count
// the tensor's shape bounds and which are never coded in runs.
std::vector<int64_t> read_vector(ByteReader& r, uint64_t* pool_budget) {
  const uint64_t n = read_varint(r);
  const uint8_t code = r.u8();
  if (pool_budget) {
    if (n > *pool_budget) r.fail("has an attribute pool of more than " + std::to_string(kMaxPoolValues) + " values");
    *pool_budget -= n;
  }
  if (code == static_cast<uint8_t>(VectorCode::DeltaRuns) && pool_budget) {
    std::vector<int64_t> v(static_cast<size_t>(n));
    uint64_t value = 0;
    for (size_t i = 0; i < v.size();) {
      const uint64_t delta = static_cast<uint64_t>(unzigzag(read_varint(r)));
      const uint64_t length = read_varint(r);
      if (length == 0 || length > v.size() - i) r.fail("holds a vector whose runs do not add up to its length");
      for (const size_t end = i + length; i < end; ++i) v[i] = static_cast<int64_t>(value += delta);
    }
    return v;
  }
  if (code != static_cast<uint8_t>(VectorCode::Varints) && code != static_cast<uint8_t>(VectorCode::Deltas)) {
    r.fail("holds a vector of unknown encoding " + std::to_string(code));
  }
  // At least one byte per value: a count beyond what remains is a lie, refused before allocating.
  if (n > r.remaining()) r.fail("has an impossible length field (" + std::to_string(n) + ")");
  const bool delta = code == static_cast<uint8_t>(VectorCode::Deltas);
  std::vector<int64_t> v(static_cast<size_t>(n));
  uint64_t previous = 0;
  for (auto& x : v) {
    x = static_cast<int64_t>(static_cast<uint64_t>(unzigzag(read_varint(r))) + (delta ? previous : 0));
    previous = static_cast<uint64_t>(x);
  }
  return v;
}

}  // namespace

// Version 3 layout: tensors; constants (id, and with_weights their packed values); the attribute
// pool (each distinct attribute vector once, packed); nodes, whose attributes are pool indices;
// inputs; outputs.
void write_graph(ByteWriter& w, const layers::IntGraph& g, bool with_weights) {
  // One lookup table serves every node that applies the same function (each GELU, each exp of a
  // softmax), so the pool stores it once; the order is first use, so equal graphs give equal bytes.
  std::map<std::vector<int64_t>, size_t> index;
  std::vector<const std::vector<int64_t>*> pool;
  uint64_t pool_values = 0, attribute_values = 0;
  for (const auto& n : g.nodes) {
    for (const auto& [key, values] : n.attrs) {
      if (index.emplace(values, pool.size()).second) {
        pool.push_back(&values);
        pool_values += values.size();
      }
      attribute_values += values.size();
    }
  }
  // What read_graph would refuse is refused here, at compile or setup, not when the file is read.
  if (pool_values > kMaxPoolValues || attribute_values > kMaxAttributeValues) {
    throw Error("cannot serialise a graph with attributes of " + std::to_string(attribute_values) + " values (" +
                std::to_string(pool_values) + " distinct): the limits are " + std::to_string(kMaxAttributeValues) +
                " and " + std::to_string(kMaxPoolValues));
  }
  write_graph_as(w, g, with_weights,
                 {[&](const layers::IntTensor& t) { write_vector(w, t.data, false); },
                  [&] {
                    write_varint(w, pool.size());
                    for (const auto* values : pool) write_vector(w, *values, true);
                  },
                  [&](const std::vector<int64_t>& values) { write_varint(w, index.at(values)); }});
}

layers::IntGraph read_graph(ByteReader& r, bool with_weights) {
  layers::IntGraph g;
  auto tensor_id = [&](int64_t id, bool allow_none) {
    if ((allow_none && id == -1) || (id >= 0 && id < static_cast<int64_t>(g.tensors.size()))) return static_cast<int>(id);
    r.fail("refers to tensor " + std::to_string(id) + ", which does not exist");
  };
  g.tensors.resize(r.count(32));
  for (auto& t : g.tensors) {
    t.name = r.string();
    const uint8_t kind = r.u8();
    if (kind > static_cast<uint8_t>(layers::TensorKind::Value)) r.fail("has an invalid tensor kind");
    t.kind = static_cast<layers::TensorKind>(kind);
    // Graph metadata as well as tensors: a key's shapes reach the layers' shape arithmetic.
    t.shape = r.i64s();
    checked_elements(r, t.shape);
    t.scale = static_cast<int>(r.i64());
    t.step = r.f64();
    t.bound = r.i64();
    // The bound analysis multiplies declared bounds together and by sizes up to 2^30 in 128-bit
    // arithmetic, so a key's own (input and constant) bounds are held to 2^48, far above any real
    // model's (16-bit activations, 8-bit weights, biases at the accumulator scale); the bounds of
    // computed tensors are recomputed from the graph below.
    const int64_t limit = t.kind == layers::TensorKind::Value ? layers::kSafeLimit : kMaxDeclaredBound;
    if (t.bound < 0 || t.bound > limit) r.fail("holds a tensor with an absurd bound (" + std::to_string(t.bound) + ")");
  }
  const size_t constants = r.count(4);
  for (size_t c = 0; c < constants; ++c) {
    const int id = tensor_id(r.u32(), false);
    if (g.tensors[id].kind != layers::TensorKind::Constant) r.fail("lists a non-constant tensor as a constant");
    layers::IntTensor& value = g.constants[id];
    value.shape = g.tensors[id].shape;
    if (with_weights) {
      value.data = read_vector(r, nullptr);
      if (value.data.size() != checked_elements(r, value.shape)) {
        r.fail("holds a tensor whose data does not match its shape");
      }
    }
  }
  // Two bytes at least per entry (count and code).
  const uint64_t pool_size = read_varint(r);
  if (pool_size > r.remaining() / 2) {
    r.fail("has an impossible attribute pool size (" + std::to_string(pool_size) + ")");
  }
  std::vector<std::vector<int64_t>> pool(static_cast<size_t>(pool_size));
  uint64_t pool_budget = kMaxPoolValues;
  for (auto& values : pool) values = read_vector(r, &pool_budget);
  // Copied into the nodes only once every reference has been counted, so that a hostile count is
  // refused before anything is copied.
  std::vector<std::pair<std::vector<int64_t>*, size_t>> references;
  uint64_t attribute_values = 0;
  g.nodes.resize(r.count(16));
  for (auto& n : g.nodes) {
    n.op = r.string();
    n.name = r.string();
    n.inputs.resize(r.count(8));
    for (auto& i : n.inputs) i = tensor_id(r.i64(), true);
    n.outputs.resize(r.count(8));
    for (auto& o : n.outputs) o = tensor_id(r.i64(), false);
    const size_t attrs = r.count(5);
    for (size_t a = 0; a < attrs; ++a) {
      std::string key = r.string();
      const uint64_t k = read_varint(r);
      if (k >= pool.size()) r.fail("refers to attribute pool entry " + std::to_string(k) + ", which does not exist");
      if (pool[k].size() > kMaxAttributeValues - attribute_values) {
        r.fail("has attributes of more than " + std::to_string(kMaxAttributeValues) + " values in all");
      }
      attribute_values += pool[k].size();
      references.emplace_back(&n.attrs[key], static_cast<size_t>(k));
    }
  }
  for (auto [values, k] : references) *values = pool[k];
  g.inputs.resize(r.count(8));
  for (auto& i : g.inputs) i = tensor_id(r.i64(), false);
  g.outputs.resize(r.count(8));
  for (auto& o : g.outputs) o = tensor_id(r.i64(), false);
  {
    try {
      g.check_bounds();
    } catch (const Error& e) {
      r.fail(std::string("holds an inconsistent graph: ") + e.what());
    }
  }
  return g;
}

std::vector<uint8_t> write_model(const layers::IntGraph& graph, const circuit::Visibility& visibility) {
  ByteWriter w;
  write_header(w, kModelMagic);
  write_visibility(w, visibility);
  write_graph(w, graph, true);
  return w.take();
}

Model read_model(std::span<const uint8_t> bytes) {
  ByteReader r(bytes, "compiled model");
  expect_header(r, kModelMagic);
  Model m;
  m.visibility = read_visibility(r);
  m.graph = read_graph(r, true);
  r.expect_end();
  return m;
}

Digest architecture_hash(const layers::IntGraph& graph, const circuit::Visibility& visibility, bool zero_knowledge,
                         const pcs::PcsParams& params) {
  ByteWriter w;
  w.string("zkinfer/architecture/v2");
  write_visibility(w, visibility);
  write_flag(w, zero_knowledge);
  // Public weights are part of the statement itself: no commitment stands in for them.
  write_canonical_graph(w, graph, !visibility.weights_private);
  write_params(w, params);
  return sha256(w.buffer());
}

std::vector<uint8_t> write_verifying_key(const VerifyingKey& vk) {
  ByteWriter w;
  write_header(w, kVkMagic);
  write_visibility(w, vk.visibility);
  write_flag(w, vk.zero_knowledge);
  write_graph(w, vk.graph, !vk.visibility.weights_private);
  write_params(w, vk.pcs_params);
  write_digest(w, vk.weights_root);
  return w.take();
}

VerifyingKey read_verifying_key(std::span<const uint8_t> bytes) {
  ByteReader r(bytes, "verifying key");
  expect_header(r, kVkMagic);
  VerifyingKey vk;
  vk.visibility = read_visibility(r);
  vk.zero_knowledge = read_flag(r, "zero-knowledge");
  vk.graph = read_graph(r, !vk.visibility.weights_private);
  vk.pcs_params = read_params(r);
  vk.weights_root = read_digest(r);
  r.expect_end();
  vk.architecture_hash = architecture_hash(vk.graph, vk.visibility, vk.zero_knowledge, vk.pcs_params);
  return vk;
}

std::vector<uint8_t> write_proving_key(const ProvingKey& pk) {
  ByteWriter w;
  write_header(w, kPkMagic);
  write_visibility(w, pk.visibility);
  write_graph(w, pk.graph, true);
  write_params(w, pk.pcs_params);
  write_digest(w, pk.weights_root);
  w.bytes(pk.weights_seed);
  write_digest(w, pk.architecture_hash);
  return w.take();
}

ProvingKey read_proving_key(std::span<const uint8_t> bytes) {
  ByteReader r(bytes, "proving key");
  expect_header(r, kPkMagic);
  ProvingKey pk;
  pk.visibility = read_visibility(r);
  pk.graph = read_graph(r, true);
  pk.pcs_params = read_params(r);
  pk.weights_root = read_digest(r);
  pk.weights_seed = read_seed(r);
  pk.architecture_hash = read_digest(r);
  r.expect_end();
  return pk;
}

std::vector<uint8_t> write_input_commitment(const InputCommitment& c) {
  ByteWriter w;
  write_header(w, kInputCommitmentMagic);
  write_digest(w, c.architecture_hash);
  write_digest(w, c.root);
  w.bytes(c.seed);
  return w.take();
}

InputCommitment read_input_commitment(std::span<const uint8_t> bytes) {
  ByteReader r(bytes, "input commitment");
  expect_header(r, kInputCommitmentMagic);
  InputCommitment c;
  c.architecture_hash = read_digest(r);
  c.root = read_digest(r);
  c.seed = read_seed(r);
  r.expect_end();
  return c;
}

std::vector<uint8_t> write_proof(const Proof& p) {
  ByteWriter w;
  write_header(w, kProofMagic);
  write_digest(w, p.architecture_hash);
  write_flag(w, p.zero_knowledge);
  write_tensors(w, p.inputs);
  write_tensors(w, p.outputs);
  write_flag(w, p.input_root.has_value());
  if (p.input_root) write_digest(w, *p.input_root);
  write_digest(w, p.witness_root);
  w.count(p.lookups.size());
  for (const auto& l : p.lookups) write_blob(w, l.to_bytes());
  write_flag(w, p.lookup_root.has_value());
  if (p.lookup_root) write_digest(w, *p.lookup_root);
  w.count(p.zk_lookups.size());
  for (const auto& l : p.zk_lookups) write_blob(w, l.to_bytes());
  for (const auto* group : {&p.nodes, &p.input_ranges}) {
    w.count(group->size());
    for (const auto& n : *group) {
      w.count(n.values.size());
      for (Fp2 v : n.values) w.fp2(v);
      w.count(n.sumchecks.size());
      for (const auto& s : n.sumchecks) write_blob(w, s.to_bytes());
      w.count(n.zk_sumchecks.size());
      for (const auto& s : n.zk_sumchecks) write_blob(w, s.to_bytes());
    }
  }
  write_blob(w, pcs::serialize(p.witness_opening));
  write_blob(w, pcs::serialize(p.weights_opening));
  if (p.input_root.has_value() != p.input_opening.has_value()) throw Error("proof: input commitment without opening");
  if (p.input_opening) write_blob(w, pcs::serialize(*p.input_opening));
  if (p.lookup_root.has_value() != p.lookup_opening.has_value()) throw Error("proof: lookup commitment without opening");
  if (p.lookup_opening) write_blob(w, pcs::serialize(*p.lookup_opening));
  return w.take();
}

Proof read_proof(std::span<const uint8_t> bytes) {
  ByteReader r(bytes, "proof");
  expect_header(r, kProofMagic);
  Proof p;
  p.architecture_hash = read_digest(r);
  p.zero_knowledge = read_flag(r, "zero-knowledge");
  p.inputs = read_tensors(r);
  p.outputs = read_tensors(r);
  if (read_flag(r, "input commitment")) p.input_root = read_digest(r);
  p.witness_root = read_digest(r);
  p.lookups.resize(r.count(8));
  for (auto& l : p.lookups) l = lookup::LookupProof::from_bytes(read_blob(r));
  if (read_flag(r, "lookup commitment")) p.lookup_root = read_digest(r);
  p.zk_lookups.resize(r.count(8));
  for (auto& l : p.zk_lookups) l = lookup::ZkLookupProof::from_bytes(read_blob(r));
  for (auto* group : {&p.nodes, &p.input_ranges}) {
    group->resize(r.count(8));
    for (auto& n : *group) {
      n.values.resize(r.count(16));
      for (auto& v : n.values) v = r.fp2();
      n.sumchecks.resize(r.count(8));
      for (auto& s : n.sumchecks) s = sumcheck::Proof::from_bytes(read_blob(r));
      n.zk_sumchecks.resize(r.count(8));
      for (auto& s : n.zk_sumchecks) s = sumcheck::ZkProof::from_bytes(read_blob(r));
    }
  }
  p.witness_opening = pcs::deserialize_opening_proof(read_blob(r));
  p.weights_opening = pcs::deserialize_opening_proof(read_blob(r));
  if (p.input_root) p.input_opening = pcs::deserialize_opening_proof(read_blob(r));
  if (p.lookup_root) p.lookup_opening = pcs::deserialize_opening_proof(read_blob(r));
  r.expect_end();
  return p;
}

std::vector<uint8_t> read_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw Error("cannot open " + what + " '" + path + "'");
  const std::streamoff size = in.tellg();
  if (size < 0) throw Error("cannot read " + what + " '" + path + "'");
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), size)) throw Error("cannot read " + what + " '" + path + "'");
  return bytes;
}

void write_file(const std::string& path, std::span<const uint8_t> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error("cannot write '" + path + "'");
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw Error("failed writing '" + path + "'");
}

}  // namespace zk::io
