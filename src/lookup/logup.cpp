#include "lookup/logup.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "common/error.hpp"
#include "io/bytes.hpp"
#include "lookup/layer_prover.hpp"
#include "poly/multilinear.hpp"

namespace zk::lookup {

namespace {

constexpr int64_t kParallelThreshold = 1 << 14;
// 2^40 leaves is far beyond memory; the bound keeps shifts defined on hostile shapes.
constexpr unsigned kMaxVars = 40;

// ---- leaf layout ----
//
// All fractions live in one tree. Its leaves are the concatenation of power-of-two blocks (the
// padded table, then every column's MLE table), sorted by size, largest first, so each block
// starts at a multiple of its own size: block b then is the subcube "top variables = offset >> bits".
// Unused leaves up to the next power of two are fillers 0/1, which add nothing to the sum.
struct Block {
  int column;  // -1: the table
  unsigned bits;
  uint64_t offset;
};
struct Layout {
  std::vector<Block> blocks;
  unsigned num_vars = 0;
};

Layout make_layout(unsigned table_bits, std::span<const unsigned> column_bits) {
  Layout layout;
  layout.blocks.push_back({-1, table_bits, 0});
  for (size_t c = 0; c < column_bits.size(); ++c) layout.blocks.push_back({int(c), column_bits[c], 0});
  std::stable_sort(layout.blocks.begin(), layout.blocks.end(),
                   [](const Block& a, const Block& b) { return a.bits > b.bits; });
  uint64_t total = 0;
  for (auto& b : layout.blocks) {
    if (b.bits > kMaxVars) throw Error("lookup: a block of 2^" + std::to_string(b.bits) + " entries is too large");
    b.offset = total;
    total += uint64_t(1) << b.bits;
    if (total > (uint64_t(1) << kMaxVars)) throw Error("lookup: more than 2^40 leaves");
  }
  layout.num_vars = ceil_log2(total);
  return layout;
}

// Calls fn(padded_offset, length) for each row (last dimension) of the real entries of a
// zero-padded layout.
template <typename Fn>
void for_each_row(std::span<const int64_t> shape, Fn&& fn) {
  const size_t rank = shape.size();
  if (rank == 0) {
    fn(uint64_t(0), uint64_t(1));
    return;
  }
  std::vector<uint64_t> padded(rank);
  for (size_t d = 0; d < rank; ++d) padded[d] = uint64_t(1) << ceil_log2(size_t(shape[d]));
  std::vector<int64_t> idx(rank, 0);
  const uint64_t row = uint64_t(shape.back());
  while (true) {
    uint64_t off = 0;
    for (size_t d = 0; d + 1 < rank; ++d) off = off * padded[d] + uint64_t(idx[d]);
    fn(off * padded.back(), row);
    size_t d = rank - 1;
    while (d-- > 0) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
    if (d == size_t(-1)) return;
  }
}

// sum_{i < bound} eq(z, i) for 1 <= bound <= 2^z.size(): walk the bits of `bound` from the top;
// each 1-bit contributes the subcube "higher bits as in bound, this bit 0, lower bits free".
Fp2 less_than_eval(std::span<const Fp2> z, uint64_t bound) {
  const size_t b = z.size();
  if (bound == (uint64_t(1) << b)) return Fp2::one();
  Fp2 sum = Fp2::zero(), prefix = Fp2::one();
  for (size_t k = b; k-- > 0;) {
    if ((bound >> k) & 1) {
      sum += prefix * (Fp2::one() - z[k]);
      prefix *= z[k];
    } else {
      prefix *= Fp2::one() - z[k];
    }
  }
  return sum;
}

bool consecutive_inputs(const Table& t) {
  for (size_t i = 1; i < t.inputs.size(); ++i) {
    if (t.inputs[i] != t.inputs[0] + Fp(uint64_t(i))) return false;
  }
  return true;
}

void check_table(const Table& table) {
  if (table.inputs.empty()) throw Error("lookup: empty table");
  if (table.has_outputs() && table.outputs.size() != table.inputs.size()) {
    throw Error("lookup: table has " + std::to_string(table.inputs.size()) + " inputs and " +
                std::to_string(table.outputs.size()) + " outputs");
  }
  if (table.inputs.size() > (size_t(1) << 32)) throw Error("lookup: table larger than 2^32 entries");
}

std::vector<unsigned> check_columns(const Table& table, std::span<const Column> columns) {
  std::vector<unsigned> bits;
  for (size_t c = 0; c < columns.size(); ++c) {
    const Column& col = columns[c];
    const unsigned n = num_vars(col.shape);
    const std::string name = "lookup: column " + std::to_string(c);
    if (n > kMaxVars) throw Error(name + " has too many variables");
    if (col.input.size() != (size_t(1) << n)) {
      throw Error(name + ": input table has " + std::to_string(col.input.size()) + " entries, its shape needs 2^" +
                  std::to_string(n));
    }
    if (table.has_outputs() && col.output.size() != col.input.size()) {
      throw Error(name + ": the table is a function table but the output has " + std::to_string(col.output.size()) +
                  " entries, not " + std::to_string(col.input.size()));
    }
    if (!table.has_outputs() && !col.output.empty()) throw Error(name + " has an output but the table has none");
    bits.push_back(n);
  }
  return bits;
}

void absorb_header(Transcript& t, const Table& table, std::span<const std::vector<int64_t>> shapes) {
  static constexpr char kDomain[] = "zkinfer/logup-gkr/v1";
  t.absorb_bytes("lookup/domain", std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(kDomain), sizeof kDomain - 1));
  t.absorb("lookup/table_size", uint64_t(table.inputs.size()));
  t.absorb("lookup/table_has_outputs", uint64_t(table.has_outputs()));
  t.absorb("lookup/table_inputs", std::span<const Fp>(table.inputs));
  if (table.has_outputs()) t.absorb("lookup/table_outputs", std::span<const Fp>(table.outputs));
  t.absorb("lookup/columns", uint64_t(shapes.size()));
  for (const auto& s : shapes) {
    t.absorb("lookup/rank", uint64_t(s.size()));
    for (int64_t d : s) t.absorb("lookup/dim", uint64_t(d));
  }
}

// The tree's layers above the leaves: node j of layer k combines nodes 2j, 2j+1 of layer k+1 (the
// new variable is x_0). Only the first `real` children are computed; the rest are fillers (0, 1),
// whose parents are fillers again, so every layer is a real prefix and a filler suffix.
template <typename P>
void combine_layer(const std::vector<P>& p, const std::vector<Fp2>& q, size_t real, std::vector<Fp2>& p_out,
                   std::vector<Fp2>& q_out) {
  const size_t h = q.size() / 2;
  const int64_t real_out = int64_t((real + 1) / 2);
  p_out.assign(h, Fp2::zero());
  q_out.assign(h, Fp2::one());
#pragma omp parallel for if (real_out >= kParallelThreshold) schedule(static)
  for (int64_t j = 0; j < real_out; ++j) {
    const Fp2 ql = q[2 * j], qr = q[2 * j + 1];
    p_out[j] = qr * p[2 * j] + ql * p[2 * j + 1];
    q_out[j] = ql * qr;
  }
}

Fp2 line(Fp2 a, Fp2 b, Fp2 g) { return a + g * (b - a); }

ProveResult prove_impl(const Table& table, std::span<const Column> columns, std::span<const Fp> multiplicities,
                       Transcript& transcript, bool check_balance) {
  check_table(table);
  const std::vector<unsigned> bits = check_columns(table, columns);
  const unsigned tv = table_vars(table);
  if (multiplicities.size() != (size_t(1) << tv)) {
    throw Error("lookup: " + std::to_string(multiplicities.size()) + " multiplicities for a padded table of 2^" +
                std::to_string(tv));
  }
  const Table padded = padded_table(table);
  const Layout layout = make_layout(tv, bits);
  const unsigned n = layout.num_vars;

  std::vector<std::vector<int64_t>> shapes;
  for (const auto& c : columns) shapes.push_back(c.shape);
  absorb_header(transcript, table, shapes);
  const Fp2 alpha = transcript.challenge_ext("lookup/alpha");
  const Fp2 beta = transcript.challenge_ext("lookup/beta");

  // Leaves: numerators in F_p (selectors and -m), denominators alpha - in - beta out in K.
  const size_t N = size_t(1) << n;
  std::vector<Fp> leaf_p(N, Fp::zero());
  std::vector<Fp2> leaf_q(N, Fp2::one());
  for (const Block& b : layout.blocks) {
    const int64_t size = int64_t(1) << b.bits;
    Fp* p = leaf_p.data() + b.offset;
    Fp2* q = leaf_q.data() + b.offset;
    const Fp* in = b.column < 0 ? padded.inputs.data() : columns[b.column].input.data();
    const Fp* out = nullptr;
    if (table.has_outputs()) out = b.column < 0 ? padded.outputs.data() : columns[b.column].output.data();
    if (b.column < 0) {
#pragma omp parallel for if (size >= kParallelThreshold) schedule(static)
      for (int64_t i = 0; i < size; ++i) p[i] = -multiplicities[i];
    } else {
      for_each_row(columns[b.column].shape, [&](uint64_t off, uint64_t len) { std::fill_n(p + off, len, Fp::one()); });
    }
    if (out) {
#pragma omp parallel for if (size >= kParallelThreshold) schedule(static)
      for (int64_t i = 0; i < size; ++i) q[i] = alpha - beta * out[i] - Fp2(in[i]);
    } else {
#pragma omp parallel for if (size >= kParallelThreshold) schedule(static)
      for (int64_t i = 0; i < size; ++i) q[i] = Fp2(alpha.c0() - in[i], alpha.c1());
    }
  }

  // layers_p[k], layers_q[k] for k < n; the leaves are layer n. real[k]: entries before the fillers.
  std::vector<size_t> real(n + 1);
  real[n] = 0;
  for (const Block& b : layout.blocks) real[n] += size_t(1) << b.bits;
  for (unsigned k = n; k-- > 0;) real[k] = (real[k + 1] + 1) / 2;
  std::vector<std::vector<Fp2>> layers_p(n), layers_q(n);
  if (n > 0) {
    combine_layer<Fp>(leaf_p, leaf_q, real[n], layers_p[n - 1], layers_q[n - 1]);
    for (unsigned k = n - 1; k-- > 0;) {
      combine_layer<Fp2>(layers_p[k + 1], layers_q[k + 1], real[k + 1], layers_p[k], layers_q[k]);
    }
  }
  const Fp2 root_p = n > 0 ? layers_p[0][0] : Fp2(leaf_p[0]);
  const Fp2 root_q = n > 0 ? layers_q[0][0] : leaf_q[0];
  if (check_balance && !root_p.is_zero()) {
    throw Error("lookup: the multiplicities do not balance the looked-up columns");
  }

  ProveResult result;
  LookupProof& proof = result.proof;
  proof.root_denominator = root_q;
  transcript.absorb("lookup/root_q", root_q);

  std::vector<Fp2> r;
  Fp2 claim_p = Fp2::zero(), claim_q = root_q;
  for (unsigned k = 0; k < n; ++k) {
    layers_p[k] = {};
    layers_q[k] = {};
    const Fp2 lambda = transcript.challenge_ext("lookup/lambda");
    const Fp2 claim = claim_p + lambda * claim_q;
    sumcheck::ProverOutput out =
        k + 1 == n ? detail::prove_layer<Fp>(transcript, r, leaf_p.data(), leaf_q.data(), real[n], lambda, claim)
                   : detail::prove_layer<Fp2>(transcript, r, layers_p[k + 1].data(), layers_q[k + 1].data(),
                                              real[k + 1], lambda, claim);
    LayerProof layer;
    layer.sumcheck = std::move(out.proof);
    for (int i = 0; i < 4; ++i) layer.children[i] = out.table_evaluations[1 + i];
    transcript.absorb("lookup/children", std::span<const Fp2>(layer.children, 4));
    const Fp2 gamma = transcript.challenge_ext("lookup/gamma");
    r = {gamma};
    r.insert(r.end(), out.point.begin(), out.point.end());
    claim_p = line(layer.children[0], layer.children[1], gamma);
    claim_q = line(layer.children[2], layer.children[3], gamma);
    proof.layers.push_back(std::move(layer));
  }

  for (size_t c = 0; c < columns.size(); ++c) {
    std::vector<Fp2> z(r.begin(), r.begin() + bits[c]);
    const Fp2 vin = evaluate_mle(columns[c].input, z);
    proof.leaf_values.push_back(vin);
    if (table.has_outputs()) {
      const Fp2 vout = evaluate_mle(columns[c].output, z);
      proof.leaf_values.push_back(vout);
      result.claims.push_back({ClaimKind::kInput, c, z, vin});
      result.claims.push_back({ClaimKind::kOutput, c, std::move(z), vout});
    } else {
      result.claims.push_back({ClaimKind::kInput, c, std::move(z), vin});
    }
  }
  {
    std::vector<Fp2> w(r.begin(), r.begin() + tv);
    const Fp2 vm = evaluate_mle(multiplicities, w);
    proof.leaf_values.push_back(vm);
    result.claims.push_back({ClaimKind::kMultiplicity, 0, std::move(w), vm});
  }
  transcript.absorb("lookup/leaves", std::span<const Fp2>(proof.leaf_values));
  return result;
}

}  // namespace

Table Table::range(unsigned bits) {
  if (bits > 32) throw Error("lookup: range table of 2^" + std::to_string(bits) + " entries is too large");
  Table t;
  t.inputs.resize(size_t(1) << bits);
  for (size_t i = 0; i < t.inputs.size(); ++i) t.inputs[i] = Fp(uint64_t(i));
  return t;
}

unsigned num_vars(std::span<const int64_t> shape) {
  unsigned n = 0;
  for (int64_t d : shape) {
    if (d < 1) throw Error("lookup: tensor dimension " + std::to_string(d) + " (must be >= 1)");
    if (d > (int64_t(1) << kMaxVars)) throw Error("lookup: tensor dimension " + std::to_string(d) + " is too large");
    n += ceil_log2(size_t(d));
    if (n > kMaxVars) throw Error("lookup: tensor of more than 2^40 padded entries");
  }
  return n;
}

unsigned table_vars(const Table& table) {
  check_table(table);
  return ceil_log2(table.inputs.size());
}

Table padded_table(const Table& table) {
  check_table(table);
  const size_t size = size_t(1) << table_vars(table);
  Table t = table;
  t.inputs.resize(size, table.inputs.back());
  if (table.has_outputs()) t.outputs.resize(size, table.outputs.back());
  return t;
}

Fp2 selector_eval(std::span<const int64_t> shape, std::span<const Fp2> point) {
  if (point.size() != num_vars(shape)) throw Error("lookup: selector point does not match the shape");
  Fp2 acc = Fp2::one();
  size_t off = 0;
  for (size_t d = shape.size(); d-- > 0;) {
    const unsigned b = ceil_log2(size_t(shape[d]));
    acc *= less_than_eval(point.subspan(off, b), uint64_t(shape[d]));
    off += b;
  }
  return acc;
}

std::pair<Fp2, Fp2> table_eval(const Table& table, std::span<const Fp2> point) {
  const unsigned tv = table_vars(table);
  if (point.size() != tv) throw Error("lookup: table point does not match the table size");
  Fp2 vin, vout = Fp2::zero();
  const Table padded = padded_table(table);
  // A consecutive run of power-of-two length is start + (the index), whose MLE is linear.
  if (table.inputs.size() == padded.inputs.size() && consecutive_inputs(table)) {
    vin = Fp2(table.inputs[0]);
    Fp pow = Fp::one();
    for (unsigned j = 0; j < tv; ++j, pow = pow + pow) vin += point[j] * pow;
  } else {
    vin = evaluate_mle(std::span<const Fp>(padded.inputs), point);
  }
  if (table.has_outputs()) vout = evaluate_mle(std::span<const Fp>(padded.outputs), point);
  return {vin, vout};
}

std::vector<Fp> compute_multiplicities(const Table& table, std::span<const Column> columns) {
  check_table(table);
  check_columns(table, columns);
  const size_t padded_size = size_t(1) << table_vars(table);
  std::vector<uint64_t> counts(padded_size, 0);
  const bool has_out = table.has_outputs();

  // Consecutive inputs (ranges, activation tables over an interval) index directly; anything else
  // goes through a hash map keyed by the (input, output) pair, first occurrence wins.
  const bool direct = consecutive_inputs(table);
  struct PairHash {
    size_t operator()(const std::pair<uint64_t, uint64_t>& k) const {
      return std::hash<uint64_t>()(k.first * 0x9E3779B97F4A7C15ULL ^ k.second);
    }
  };
  std::unordered_map<std::pair<uint64_t, uint64_t>, uint32_t, PairHash> index;
  if (!direct) {
    index.reserve(table.inputs.size());
    for (size_t j = 0; j < table.inputs.size(); ++j) {
      index.emplace(std::make_pair(table.inputs[j].value(), has_out ? table.outputs[j].value() : 0), uint32_t(j));
    }
  }
  const Fp start = table.inputs[0];
  for (size_t c = 0; c < columns.size(); ++c) {
    const Column& col = columns[c];
    uint64_t flat = 0;
    for_each_row(col.shape, [&](uint64_t off, uint64_t len) {
      for (uint64_t i = 0; i < len; ++i, ++flat) {
        const Fp in = col.input[off + i];
        const Fp out = has_out ? col.output[off + i] : Fp::zero();
        size_t j = SIZE_MAX;
        if (direct) {
          const uint64_t k = (in - start).value();
          if (k < table.inputs.size() && (!has_out || table.outputs[k] == out)) j = k;
        } else {
          auto it = index.find({in.value(), out.value()});
          if (it != index.end()) j = it->second;
        }
        if (j == SIZE_MAX) {
          std::string what = has_out ? "(input " + std::to_string(in.to_signed()) + ", output " +
                                           std::to_string(out.to_signed()) + ")"
                                     : "value " + std::to_string(in.to_signed());
          throw Error("lookup: column " + std::to_string(c) + " entry " + std::to_string(flat) + " " + what +
                      " is not in the table");
        }
        ++counts[j];
      }
    });
  }
  std::vector<Fp> m(padded_size);
  for (size_t j = 0; j < padded_size; ++j) m[j] = Fp(counts[j]);
  return m;
}

ProveResult prove(const Table& table, std::span<const Column> columns, std::span<const Fp> multiplicities,
                  Transcript& transcript) {
  return prove_impl(table, columns, multiplicities, transcript, true);
}

ProveResult detail::prove_unchecked(const Table& table, std::span<const Column> columns,
                                    std::span<const Fp> multiplicities, Transcript& transcript) {
  return prove_impl(table, columns, multiplicities, transcript, false);
}

std::vector<EvalClaim> verify(const Table& table, std::span<const std::vector<int64_t>> column_shapes,
                              const LookupProof& proof, Transcript& transcript) {
  check_table(table);
  std::vector<unsigned> bits;
  for (const auto& s : column_shapes) bits.push_back(num_vars(s));
  const unsigned tv = table_vars(table);
  const Layout layout = make_layout(tv, bits);
  const unsigned n = layout.num_vars;

  absorb_header(transcript, table, column_shapes);
  const Fp2 alpha = transcript.challenge_ext("lookup/alpha");
  const Fp2 beta = transcript.challenge_ext("lookup/beta");

  if (proof.layers.size() != n) {
    throw VerifyError("lookup: proof has " + std::to_string(proof.layers.size()) + " GKR layers, expected " +
                      std::to_string(n));
  }
  // q_root = product of every leaf denominator, so q_root != 0 means no alpha - in - beta out vanished;
  // with the root numerator 0 the sum of all fractions is 0.
  if (proof.root_denominator.is_zero()) throw VerifyError("lookup: root denominator is zero");
  transcript.absorb("lookup/root_q", proof.root_denominator);

  std::vector<Fp2> r;
  Fp2 claim_p = Fp2::zero(), claim_q = proof.root_denominator;
  for (unsigned k = 0; k < n; ++k) {
    const LayerProof& layer = proof.layers[k];
    const Fp2 lambda = transcript.challenge_ext("lookup/lambda");
    sumcheck::Claim claim;
    try {
      claim = sumcheck::verify(transcript, k, 3, claim_p + lambda * claim_q, layer.sumcheck);
    } catch (const VerifyError& e) {
      throw VerifyError("lookup: GKR layer " + std::to_string(k) + ": " + e.what());
    }
    transcript.absorb("lookup/children", std::span<const Fp2>(layer.children, 4));
    const Fp2 pl = layer.children[0], pr = layer.children[1], ql = layer.children[2], qr = layer.children[3];
    const Fp2 eq = eq_eval(r, claim.point);
    if (eq * (pl * qr + pr * ql + lambda * ql * qr) != claim.expected) {
      throw VerifyError("lookup: GKR layer " + std::to_string(k) + ": children do not match the sumcheck claim");
    }
    const Fp2 gamma = transcript.challenge_ext("lookup/gamma");
    r = {gamma};
    r.insert(r.end(), claim.point.begin(), claim.point.end());
    claim_p = line(pl, pr, gamma);
    claim_q = line(ql, qr, gamma);
  }

  const bool has_out = table.has_outputs();
  const size_t per_column = has_out ? 2 : 1;
  const size_t expected = column_shapes.size() * per_column + 1;
  if (proof.leaf_values.size() != expected) {
    throw VerifyError("lookup: proof has " + std::to_string(proof.leaf_values.size()) + " leaf values, expected " +
                      std::to_string(expected));
  }
  transcript.absorb("lookup/leaves", std::span<const Fp2>(proof.leaf_values));

  // Leaf MLE at r from the blocks: weight of a block = eq(top variables, its index among blocks of
  // its size); fillers (q = 1) take the remaining weight.
  Fp2 leaf_p = Fp2::zero(), leaf_q = Fp2::zero(), weight_sum = Fp2::zero();
  const std::span<const Fp2> rs(r);
  for (const Block& b : layout.blocks) {
    const Fp2 w = eq_eval_at_index(rs.subspan(b.bits), b.offset >> b.bits);
    const std::span<const Fp2> z = rs.first(b.bits);
    weight_sum += w;
    if (b.column < 0) {
      const auto [tin, tout] = table_eval(table, z);
      leaf_p -= w * proof.leaf_values.back();
      leaf_q += w * (alpha - tin - beta * tout);
    } else {
      const Fp2 vin = proof.leaf_values[b.column * per_column];
      const Fp2 vout = has_out ? proof.leaf_values[b.column * per_column + 1] : Fp2::zero();
      leaf_p += w * selector_eval(column_shapes[b.column], z);
      leaf_q += w * (alpha - vin - beta * vout);
    }
  }
  leaf_q += Fp2::one() - weight_sum;
  if (leaf_p != claim_p) throw VerifyError("lookup: leaf numerators (selectors, multiplicities) do not match the GKR claim");
  if (leaf_q != claim_q) throw VerifyError("lookup: leaf denominators (column and table values) do not match the GKR claim");

  std::vector<EvalClaim> claims;
  for (size_t c = 0; c < column_shapes.size(); ++c) {
    std::vector<Fp2> z(r.begin(), r.begin() + bits[c]);
    claims.push_back({ClaimKind::kInput, c, z, proof.leaf_values[c * per_column]});
    if (has_out) claims.push_back({ClaimKind::kOutput, c, std::move(z), proof.leaf_values[c * per_column + 1]});
  }
  claims.push_back({ClaimKind::kMultiplicity, 0, std::vector<Fp2>(r.begin(), r.begin() + tv), proof.leaf_values.back()});
  return claims;
}

// ---- serialization ----

void LookupProof::write(io::ByteWriter& w) const {
  w.fp2(root_denominator);
  w.u32(uint32_t(layers.size()));
  for (const auto& l : layers) {
    l.sumcheck.write(w);
    for (Fp2 v : l.children) w.fp2(v);
  }
  w.u32(uint32_t(leaf_values.size()));
  for (Fp2 v : leaf_values) w.fp2(v);
}

LookupProof LookupProof::read(io::ByteReader& r) {
  LookupProof p;
  p.root_denominator = r.fp2();
  const uint32_t layers = r.u32();
  if (layers > 64) throw Error("lookup proof: " + std::to_string(layers) + " layers (at most 64)");
  p.layers.reserve(layers);
  for (uint32_t k = 0; k < layers; ++k) {
    LayerProof l;
    l.sumcheck = sumcheck::Proof::read(r);
    for (auto& v : l.children) v = r.fp2();
    p.layers.push_back(std::move(l));
  }
  p.leaf_values.resize(r.count(16));
  for (auto& v : p.leaf_values) v = r.fp2();
  return p;
}

std::vector<uint8_t> LookupProof::to_bytes() const {
  io::ByteWriter w;
  write(w);
  return w.take();
}

LookupProof LookupProof::from_bytes(std::span<const uint8_t> in) {
  io::ByteReader r(in, "lookup proof");
  LookupProof p = read(r);
  r.expect_end();
  return p;
}

}  // namespace zk::lookup
