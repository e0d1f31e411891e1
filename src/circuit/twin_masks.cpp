#include "circuit/twin_masks.hpp"

#include <algorithm>
#include <cstring>
#include <memory>

#include "field/random.hpp"
#include "hash/sha256.hpp"
#include "poly/multilinear.hpp"

namespace zk::circuit {

unsigned twin_mask_vars(const layers::Shape& shape, Role role) {
  const unsigned n = layers::mle_layout(shape).num_vars;
  return std::min(n, role == Role::Weight ? kWeightsMaskVars : kProofMaskVars);
}

std::vector<size_t> twin_mask_support(const layers::Shape& shape, unsigned support_vars) {
  const layers::MleLayout layout = layers::mle_layout(shape);
  std::vector<size_t> real;
  for (size_t y = 0; y < (size_t(1) << support_vars); ++y) {
    // Dimension d's bits start above those of every later dimension (the last is lowest).
    unsigned shift = 0;
    bool is_real = true;
    for (size_t d = shape.size(); d-- > 0;) {
      const uint64_t index = (y >> shift) & ((uint64_t(1) << layout.bits[d]) - 1);
      is_real = is_real && static_cast<int64_t>(index) < shape[d];
      shift += layout.bits[d];
    }
    if (is_real) real.push_back(y);
  }
  return real;
}

namespace {
void set_limbs(layers::MaskTensor& m, size_t index, Fp2 v) {
  for (int c = 0; c < 2; ++c) {
    const uint64_t x = (c == 0 ? v.c0() : v.c1()).value();
    m.limbs[2 * c].data[index] = static_cast<int64_t>(x & 0xffffffffu);
    m.limbs[2 * c + 1].data[index] = static_cast<int64_t>(x >> 32);
  }
}
}  // namespace

TwinMask make_twin_mask(const layers::Shape& shape, unsigned support_vars, const std::function<Fp()>& next) {
  const layers::MleLayout layout = layers::mle_layout(shape);
  TwinMask m;
  for (auto& limb : m.tensor.limbs) limb = layers::IntTensor(shape);
  for (auto& c : m.coordinate) c.assign(size_t(1) << support_vars, Fp::zero());
  for (size_t y : twin_mask_support(shape, support_vars)) {
    // The real (row-major) index of padded position y.
    size_t real_index = 0, stride = 1;
    unsigned shift = 0;
    for (size_t d = shape.size(); d-- > 0;) {
      real_index += ((y >> shift) & ((uint64_t(1) << layout.bits[d]) - 1)) * stride;
      stride *= static_cast<size_t>(shape[d]);
      shift += layout.bits[d];
    }
    const Fp2 v(next(), next());
    m.coordinate[0][y] = v.c0();
    m.coordinate[1][y] = v.c1();
    set_limbs(m.tensor, real_index, v);
  }
  return m;
}

TwinMask make_table_mask(unsigned num_vars, unsigned support_vars, const std::function<Fp()>& next) {
  TwinMask m;
  support_vars = std::min(support_vars, num_vars);
  for (auto& c : m.coordinate) {
    c.resize(size_t(1) << support_vars);
  }
  for (size_t y = 0; y < m.coordinate[0].size(); ++y) {
    m.coordinate[0][y] = next();
    m.coordinate[1][y] = next();
  }
  return m;
}

std::function<Fp()> seeded_field_source(const pcs::Seed& seed, uint64_t domain) {
  struct State {
    std::array<uint8_t, 16 + 32 + 8 + 8> message{};
    uint64_t counter = 0;
    Digest block{};
    size_t word = 4;
  };
  auto state = std::make_shared<State>();
  const char label[16] = "zkinfer/twinmsk";
  std::copy(label, label + 16, state->message.begin());
  std::copy(seed.begin(), seed.end(), state->message.begin() + 16);
  std::memcpy(state->message.data() + 48, &domain, sizeof domain);
  return [state]() {
    for (;;) {
      if (state->word == 4) {
        std::memcpy(state->message.data() + 56, &state->counter, sizeof state->counter);
        ++state->counter;
        state->block = sha256(state->message);
        state->word = 0;
      }
      uint64_t v;
      std::memcpy(&v, state->block.data() + 8 * state->word++, sizeof v);
      if (v < Fp::kModulus) return Fp::from_raw_unchecked(v);
    }
  };
}

std::function<Fp()> os_field_source() {
  return [] { return random_fp(); };
}

namespace {
// eq(0, x_high): the factor of a mask supported on the low `from` variables.
Fp2 zero_extension(std::span<const Fp2> point, size_t from) { return eq_eval_at_index(point.subspan(from), 0); }
}  // namespace

pcs::CombinationClaim twin_combination(size_t poly, size_t mask_poly, unsigned support_vars,
                                       std::span<const Fp2> point, Fp2 beta, Fp2 value, bool extension) {
  const Fp2 u(Fp::zero(), Fp::one());
  const Fp2 scale = beta * zero_extension(point, support_vars);
  const std::vector<Fp2> low(point.begin(), point.begin() + support_vars);
  const std::vector<Fp2> full(point.begin(), point.end());
  pcs::CombinationClaim c;
  c.terms.push_back({poly, full, {}, Fp2::one() - beta});
  if (extension) c.terms.push_back({poly + 1, full, {}, (Fp2::one() - beta) * u});
  c.terms.push_back({mask_poly, low, {}, scale});
  c.terms.push_back({mask_poly + 1, low, {}, scale * u});
  c.value = value;
  return c;
}

bool twin_claims_hide(std::span<const std::vector<Fp2>> points, unsigned support_vars, std::span<const size_t> real) {
  if (points.size() > real.size()) return false;
  // Gaussian elimination over K on the rows eq(0, p_high) eq(p_low, y), y in the real support.
  std::vector<std::vector<Fp2>> rows;
  for (const auto& p : points) {
    const Fp2 high = zero_extension(p, support_vars);
    std::vector<Fp2> row;
    for (size_t y : real) row.push_back(high * eq_eval_at_index(std::span<const Fp2>(p.data(), support_vars), y));
    rows.push_back(std::move(row));
  }
  size_t rank = 0;
  for (size_t col = 0; col < real.size() && rank < rows.size(); ++col) {
    size_t pivot = rank;
    while (pivot < rows.size() && rows[pivot][col].is_zero()) ++pivot;
    if (pivot == rows.size()) continue;
    std::swap(rows[rank], rows[pivot]);
    const Fp2 inv = rows[rank][col].inverse();
    for (size_t r = rank + 1; r < rows.size(); ++r) {
      const Fp2 f = rows[r][col] * inv;
      if (f.is_zero()) continue;
      for (size_t c = col; c < real.size(); ++c) rows[r][c] -= f * rows[rank][c];
    }
    ++rank;
  }
  return rank == rows.size();
}

// ---- the Libra pool ----

namespace {
// Masked sumchecks per node (no family runs more), per input range check, per lookup table beyond
// its columns; and variables beyond the largest tensor or table (the twin variable, zero extension).
constexpr size_t kSlotsPerNode = 8, kSlotsPerInputRange = 4, kSlotsPerTable = 4;
constexpr unsigned kExtraVars = 8;
}  // namespace

LibraPool::LibraPool(const Plan& plan) {
  unsigned max_vars = 0;
  for (const auto& s : plan.shapes) max_vars = std::max(max_vars, layers::mle_layout(s).num_vars);
  for (const auto& t : plan.tables) max_vars = std::max(max_vars, ceil_log2(std::max<size_t>(t.inputs.size(), 1)));
  num_slots_ = kSlotsPerNode * plan.graph.nodes.size() + kSlotsPerInputRange * plan.input_ranges.size() +
               kSlotsPerTable * plan.tables.size() + plan.lookups.size() + 1;
  slot_entries_ = 2 * (1 + size_t(max_vars + kExtraVars) * sumcheck::kMaxDegree);
  const size_t poly_entries = size_t(1) << kPolyVars;
  if (slot_entries_ > poly_entries) throw Error("the model's tensors are too large for the Libra mask pool");
  slots_per_poly_ = poly_entries / slot_entries_;
  num_polys_ = (num_slots_ + slots_per_poly_ - 1) / slots_per_poly_;
}

void LibraPool::sample() {
  tables_.assign(num_polys_, std::vector<Fp>(size_t(1) << kPolyVars));
  for (auto& t : tables_) fill_random(std::span<Fp>(t));
  next_ = 0;
}

sumcheck::MaskPolynomial LibraPool::take(unsigned num_vars, unsigned degree) {
  if (tables_.empty()) throw Error("the Libra mask pool was not sampled");
  if (next_ >= num_slots_) throw Error("the proof needs more Libra masks than its pool holds");
  const size_t coefficients = 1 + size_t(num_vars) * degree;
  if (2 * coefficients > slot_entries_) throw Error("a sumcheck too large for the Libra mask pool's slots");
  const auto& table = tables_[next_ / slots_per_poly_];
  const size_t offset = (next_ % slots_per_poly_) * slot_entries_;
  std::vector<Fp2> c(coefficients);
  for (size_t j = 0; j < coefficients; ++j) c[j] = Fp2(table[offset + 2 * j], table[offset + 2 * j + 1]);
  ++next_;
  return sumcheck::MaskPolynomial::from_coefficients(num_vars, degree, std::move(c));
}

pcs::WeightedClaim LibraPool::claim(size_t slot, const sumcheck::MaskClaim& mask, size_t first_poly) const {
  if (slot >= num_slots_) throw VerifyError("the proof needs more Libra masks than its pool holds");
  const std::vector<Fp2> w = sumcheck::mask_evaluation_vector(mask.point, mask.degree);
  if (2 * w.size() > slot_entries_) throw VerifyError("a sumcheck too large for the Libra mask pool's slots");
  pcs::WeightedClaim c;
  c.poly = first_poly + slot / slots_per_poly_;
  c.weights.assign(size_t(1) << kPolyVars, Fp2::zero());
  const size_t offset = (slot % slots_per_poly_) * slot_entries_;
  const Fp2 u(Fp::zero(), Fp::one());
  for (size_t j = 0; j < w.size(); ++j) {
    c.weights[offset + 2 * j] = w[j];
    c.weights[offset + 2 * j + 1] = u * w[j];
  }
  c.value = mask.value;
  return c;
}

}  // namespace zk::circuit
