#include "layers/index_map.hpp"

#include <algorithm>
#include <memory>
#include <optional>

#include "poly/multilinear.hpp"

namespace zk::layers {

namespace {

bool is_pow2(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

// A dimension followed by a power of two, (x, 2^k), pads to pad(x)·2^k = pad(x·2^k), so merging
// the two never moves an entry; size-1 dims own no variable. After both rewrites every dim but the
// first is a non-power of two, and the first index where the padded position jumps ahead of the
// row-major one is the last dim: the form is determined by the layout, hence an exact test.
Shape canonical_layout(const Shape& s) {
  Shape rev;
  int64_t cur = 0;
  for (size_t d = s.size(); d-- > 0;) {
    if (s[d] == 1) continue;
    if (cur == 0) {
      cur = s[d];
    } else if (is_pow2(cur)) {
      cur *= s[d];
    } else {
      rev.push_back(cur);
      cur = s[d];
    }
  }
  if (cur != 0) rev.push_back(cur);
  return Shape(rev.rbegin(), rev.rend());
}

Shape sub_shape(const Shape& s, const std::vector<int>& dims) {
  Shape r;
  for (int d : dims) r.push_back(s[d]);
  return r;
}

// Padded (MLE table) index of every real entry, in row-major order.
std::vector<uint64_t> padded_indices(const Shape& s) {
  const MleLayout layout = mle_layout(s);
  const size_t rank = s.size();
  std::vector<uint64_t> stride(rank);
  uint64_t acc = 1;
  for (size_t d = rank; d-- > 0;) {
    stride[d] = acc;
    acc *= static_cast<uint64_t>(layout.padded[d]);
  }
  std::vector<uint64_t> out(static_cast<size_t>(numel(s)));
  std::vector<int64_t> idx(rank, 0);
  uint64_t p = 0;
  for (size_t k = 0; k < out.size(); ++k) {
    out[k] = p;
    for (size_t d = rank; d-- > 0;) {
      if (++idx[d] < s[d]) {
        p += stride[d];
        break;
      }
      p -= stride[d] * static_cast<uint64_t>(s[d] - 1);
      idx[d] = 0;
    }
  }
  return out;
}

struct FactorInfo {
  const IndexFactor* f = nullptr;
  Shape out_shape, in_shape;
  unsigned out_bits = 0, in_bits = 0;
  unsigned in_lo = 0;     // lowest input variable of the group
  unsigned rest_off = 0;  // lowest sumcheck variable of the group (non-pass factors)
  bool pass = false;
};

struct SourceInfo {
  MleLayout in_layout;
  std::vector<FactorInfo> factors;
  std::vector<int> free_dims;
  std::vector<char> var_pass;  // per input variable
  unsigned n_rest = 0;
};

int64_t src_of(const IndexFactor& f, int64_t i) { return f.identity ? i : f.src[static_cast<size_t>(i)]; }

// Exact: M_F(j) = eq(r_F, j) on every real input entry j iff each real input entry has exactly
// one preimage and that preimage sits at the same padded index (with as many variables). And every
// real output entry must have a source: an output cell the map fills (a trailing pad or concat
// block that stays inside the input's padded size) would otherwise read the input's padding at
// its index -- which the prover controls.
bool is_pass(const FactorInfo& fi) {
  if (fi.out_bits != fi.in_bits) return false;
  if (fi.f->identity) return same_padded_layout(fi.out_shape, fi.in_shape);
  auto po = padded_indices(fi.out_shape), pi = padded_indices(fi.in_shape);
  int64_t hits = 0;
  for (size_t i = 0; i < po.size(); ++i) {
    const int64_t j = fi.f->src[i];
    if (j < 0) continue;
    if (po[i] != pi[static_cast<size_t>(j)]) return false;
    ++hits;
  }
  return hits == numel(fi.in_shape) && hits == numel(fi.out_shape);
}

void check_group(const std::vector<int>& dims, size_t rank, std::vector<int>& owner, int id, bool may_be_empty) {
  if (dims.empty() && !may_be_empty) throw Error("index map: factor without input dims");
  for (size_t i = 0; i < dims.size(); ++i) {
    const int d = dims[i];
    if (d < 0 || static_cast<size_t>(d) >= rank || (i > 0 && d != dims[i - 1] + 1)) {
      throw Error("index map: factor dims must be contiguous, increasing and in range");
    }
    if (owner[d] >= 0) throw Error("index map: a dim belongs to two factors");
    owner[d] = id;
  }
}

SourceInfo analyse(const IndexMap& map, const MleLayout& out_layout, size_t k) {
  const IndexSource& src = map.sources[k];
  SourceInfo info;
  info.in_layout = mle_layout(src.shape);
  const size_t rin = src.shape.size(), rout = map.out.size();
  std::vector<unsigned> lo(rin, 0);
  for (size_t e = rin; e-- > 1;) lo[e - 1] = lo[e] + info.in_layout.bits[e];
  std::vector<int> in_owner(rin, -1), out_owner(rout, -1);
  for (size_t f = 0; f < src.factors.size(); ++f) {
    const IndexFactor& factor = src.factors[f];
    check_group(factor.in_dims, rin, in_owner, static_cast<int>(f), false);
    check_group(factor.out_dims, rout, out_owner, static_cast<int>(f), true);
    FactorInfo fi;
    fi.f = &factor;
    fi.out_shape = sub_shape(map.out, factor.out_dims);
    fi.in_shape = sub_shape(src.shape, factor.in_dims);
    for (int d : factor.out_dims) fi.out_bits += out_layout.bits[d];
    for (int e : factor.in_dims) fi.in_bits += info.in_layout.bits[e];
    const int64_t n_in = numel(fi.in_shape);
    if (factor.identity) {
      if (numel(fi.out_shape) != n_in) throw Error("index map: identity factor between groups of different sizes");
    } else {
      if (static_cast<int64_t>(factor.src.size()) != numel(fi.out_shape)) {
        throw Error("index map: factor needs one source index per output entry");
      }
      for (int64_t j : factor.src)
        if (j < -1 || j >= n_in) throw Error("index map: source index out of range");
    }
    fi.in_lo = lo[factor.in_dims.back()];
    fi.pass = is_pass(fi);
    info.factors.push_back(std::move(fi));
  }
  for (size_t e = 0; e < rin; ++e)
    if (in_owner[e] < 0 && src.shape[e] != 1) throw Error("index map: input dim of size > 1 in no factor");
  for (size_t d = 0; d < rout; ++d)
    if (out_owner[d] < 0) info.free_dims.push_back(static_cast<int>(d));
  info.var_pass.assign(info.in_layout.num_vars, 0);
  for (const auto& fi : info.factors)
    if (fi.pass) std::fill_n(info.var_pass.begin() + fi.in_lo, fi.in_bits, 1);
  for (auto& fi : info.factors) {
    if (fi.pass) continue;
    fi.rest_off = static_cast<unsigned>(std::count(info.var_pass.begin(), info.var_pass.begin() + fi.in_lo, 0));
    info.n_rest += fi.in_bits;
  }
  return info;
}

std::vector<SourceInfo> analyse_all(const IndexMap& map, const MleLayout& out_layout) {
  if (map.sources.empty()) throw Error("index map without sources");
  std::vector<SourceInfo> infos;
  for (size_t k = 0; k < map.sources.size(); ++k) infos.push_back(analyse(map, out_layout, k));
  return infos;
}

unsigned max_rest(const std::vector<SourceInfo>& infos) {
  unsigned n = 0;
  for (const auto& i : infos) n = std::max(n, i.n_rest);
  return n;
}

// The sub-point of a group of contiguous dims, in the group's own layout (last dim lowest).
std::vector<Fp2> group_point(const std::vector<std::vector<Fp2>>& dims, const std::vector<int>& group) {
  std::vector<Fp2> p;
  for (size_t i = group.size(); i-- > 0;) p.insert(p.end(), dims[group[i]].begin(), dims[group[i]].end());
  return p;
}

// M_F over the input group's padded indices: Σ over preimages of eq(r_F, ·).
std::vector<Fp2> factor_table(const FactorInfo& fi, std::span<const Fp2> r) {
  auto er = eq_table(r);
  auto po = padded_indices(fi.out_shape), pi = padded_indices(fi.in_shape);
  std::vector<Fp2> m(size_t(1) << fi.in_bits);
  for (size_t i = 0; i < po.size(); ++i) {
    const int64_t j = src_of(*fi.f, static_cast<int64_t>(i));
    if (j >= 0) m[pi[static_cast<size_t>(j)]] += er[po[i]];
  }
  return m;
}

// M_F~(s): Σ_{i defined} eq(r_F, i)·eq(s_F, π(i)).
Fp2 factor_eval(const FactorInfo& fi, std::span<const Fp2> r, std::span<const Fp2> s) {
  auto er = eq_table(r), es = eq_table(s);
  auto po = padded_indices(fi.out_shape), pi = padded_indices(fi.in_shape);
  Fp2 total;
  for (size_t i = 0; i < po.size(); ++i) {
    const int64_t j = src_of(*fi.f, static_cast<int64_t>(i));
    if (j >= 0) total += er[po[i]] * es[pi[static_cast<size_t>(j)]];
  }
  return total;
}

// Σ over the output group's entries that the factor defines of eq(r_F, ·).
Fp2 factor_domain(const FactorInfo& fi, std::span<const Fp2> r) {
  auto er = eq_table(r);
  auto po = padded_indices(fi.out_shape);
  Fp2 total;
  for (size_t i = 0; i < po.size(); ++i)
    if (src_of(*fi.f, static_cast<int64_t>(i)) >= 0) total += er[po[i]];
  return total;
}

Fp2 broadcast_scale(const IndexMap& map, const SourceInfo& info, const std::vector<std::vector<Fp2>>& out_pts) {
  Fp2 scale = Fp2::one();
  for (int d : info.free_dims) scale *= prefix_selector(out_pts[d], map.out[d]);
  return scale;
}

// The filled entries' share of out~(r): fill · (all real entries − those a source defines).
Fp2 fill_term(const IndexMap& map, const std::vector<SourceInfo>& infos, const std::vector<std::vector<Fp2>>& out_pts) {
  if (map.fill == 0) return Fp2::zero();
  Fp2 defined;
  for (const auto& info : infos) {
    Fp2 dom = broadcast_scale(map, info, out_pts);
    for (const auto& fi : info.factors) dom *= factor_domain(fi, group_point(out_pts, fi.f->out_dims));
    defined += dom;
  }
  Fp2 all = Fp2::one();
  for (size_t d = 0; d < map.out.size(); ++d) all *= prefix_selector(out_pts[d], map.out[d]);
  return Fp2::from_signed(map.fill) * (all - defined);
}

// The input point with the pass-through coordinates filled in (the rest are set later from s).
std::vector<Fp2> pass_point(const SourceInfo& info, const std::vector<std::vector<Fp2>>& out_pts) {
  std::vector<Fp2> p(info.in_layout.num_vars);
  for (const auto& fi : info.factors) {
    if (!fi.pass) continue;
    auto r = group_point(out_pts, fi.f->out_dims);
    std::copy(r.begin(), r.end(), p.begin() + fi.in_lo);
  }
  return p;
}

void fill_rest(const SourceInfo& info, std::vector<Fp2>& point, std::span<const Fp2> s) {
  size_t next = 0;
  for (size_t v = 0; v < point.size(); ++v)
    if (!info.var_pass[v]) point[v] = s[next++];
}

// in~(pass coordinates, ·) as a table over the remaining variables (in their order).
std::vector<Fp2> partial_eval(std::span<const Fp> in, const SourceInfo& info, const std::vector<Fp2>& point) {
  std::vector<Fp2> pass_coords;
  for (size_t v = 0; v < point.size(); ++v)
    if (info.var_pass[v]) pass_coords.push_back(point[v]);
  const auto eq_pass = eq_table(pass_coords);
  struct Run {
    unsigned lo, len, dest;
    bool pass;
  };
  std::vector<Run> runs;
  unsigned counts[2] = {0, 0};
  for (unsigned v = 0; v < point.size();) {
    const bool pass = info.var_pass[v];
    unsigned len = 0;
    while (v + len < point.size() && static_cast<bool>(info.var_pass[v + len]) == pass) ++len;
    runs.push_back({v, len, counts[pass], pass});
    counts[pass] += len;
    v += len;
  }
  std::vector<Fp2> t(size_t(1) << info.n_rest);
  for (size_t x = 0; x < in.size(); ++x) {
    if (in[x] == Fp::zero()) continue;
    size_t p = 0, q = 0;
    for (const Run& run : runs) {
      const size_t bits = (x >> run.lo) & ((size_t(1) << run.len) - 1);
      (run.pass ? p : q) |= bits << run.dest;
    }
    t[q] += eq_pass[p] * in[x];
  }
  return t;
}

std::vector<Fp2> rest_matrix(const SourceInfo& info, const std::vector<std::vector<Fp2>>& out_pts) {
  std::vector<Fp2> m(size_t(1) << info.n_rest, Fp2::one());
  for (const auto& fi : info.factors) {
    if (fi.pass) continue;
    auto mf = factor_table(fi, group_point(out_pts, fi.f->out_dims));
    const size_t mask = (size_t(1) << fi.in_bits) - 1;
    for (size_t y = 0; y < m.size(); ++y) m[y] *= mf[(y >> fi.rest_off) & mask];
  }
  return m;
}

// The claimed sum out~(r) - fill term, as the output's value plus a public constant (tensor -1: in
// ZK mode a public part, scaled by (1 - beta) like the output's plain share of the twin value).
ClaimedSum index_map_sum(const IndexMap& map, const std::vector<SourceInfo>& infos,
                         const std::vector<std::vector<Fp2>>& out_pts, const TensorClaim& out) {
  ClaimedSum sum(out);
  if (map.fill != 0) sum.add(-Fp2::one(), -1, {}, fill_term(map, infos, out_pts));
  return sum;
}

// One term per source: broadcast scale * in_k(pass, .) * M_k, over the tables (2k, 2k + 1).
std::vector<sumcheck::Term> index_map_terms(const IndexMap& map, const std::vector<SourceInfo>& infos,
                                            const std::vector<std::vector<Fp2>>& out_pts) {
  std::vector<sumcheck::Term> terms;
  for (size_t k = 0; k < infos.size(); ++k) {
    terms.push_back({broadcast_scale(map, infos[k], out_pts), {uint32_t(2 * k), uint32_t(2 * k + 1)}});
  }
  return terms;
}

}  // namespace

bool same_padded_layout(const Shape& a, const Shape& b) {
  return numel(a) == numel(b) && canonical_layout(a) == canonical_layout(b);
}

unsigned index_map_sumcheck_vars(const IndexMap& map) {
  return max_rest(analyse_all(map, mle_layout(map.out)));
}

// Zero-knowledge mode (docs/zk.md §2) runs this same code with one difference: a map with no
// sumcheck variables (all pass-through) would end in the linear check "out = sum of sent input
// values", which twin values do not satisfy, so ZK mode always runs the (masked) sumcheck, here
// over zero layer variables: the context's output mask term gives it the output's variables.
void prove_index_map(const IndexMap& map, ProverContext& ctx, const TensorClaim& out) {
  const MleLayout out_layout = mle_layout(map.out);
  const auto out_pts = split_point(out_layout, out.point);
  const auto infos = analyse_all(map, out_layout);
  const unsigned n = max_rest(infos);
  const bool run = n > 0 || ctx.zk();

  std::vector<std::vector<Fp2>> rest(infos.size()), tables;
  std::vector<std::optional<std::vector<Fp2>>> masks;
  std::vector<std::vector<Fp2>> points(infos.size());
  for (size_t k = 0; k < infos.size(); ++k) {
    points[k] = pass_point(infos[k], out_pts);
    rest[k] = partial_eval(ctx.mle(map.sources[k].tensor), infos[k], points[k]);
    if (!run) continue;
    // Zero-extended to n variables, so one sumcheck covers sources of every size.
    auto extend = [n](std::vector<Fp2> t) {
      t.resize(size_t(1) << n);
      return t;
    };
    tables.push_back(extend(rest[k]));
    tables.push_back(extend(rest_matrix(infos[k], out_pts)));
    masks.push_back(ctx.twin(map.sources[k].tensor, [&](const IntTensor& m) {
      return extend(partial_eval(mle_table(m), infos[k], points[k]));
    }));
    masks.emplace_back();
  }
  sumcheck::ProverOutput result;
  if (run) {
    std::vector<sumcheck::TableRef> refs(tables.begin(), tables.end());
    std::vector<std::optional<sumcheck::TableRef>> mask_refs;
    for (const auto& m : masks) mask_refs.push_back(m ? std::optional<sumcheck::TableRef>(*m) : std::nullopt);
    result = ctx.masked_sumcheck(refs, mask_refs, index_map_terms(map, infos, out_pts),
                                 index_map_sum(map, infos, out_pts, out));
  }
  for (size_t k = 0; k < infos.size(); ++k) {
    std::span<const Fp2> sk(result.point.data(), infos[k].n_rest);
    fill_rest(infos[k], points[k], sk);
    // ZK: the sumcheck's final value of a source's table is its twin value at the source's point
    // unless the table was zero-extended; then the context evaluates the twin.
    const Fp2 v = !ctx.zk()                  ? evaluate_mle(std::span<const Fp2>(rest[k]), sk)
                  : infos[k].n_rest == n ? result.table_evaluations[2 * k]
                                         : ctx.evaluate(map.sources[k].tensor, points[k]);
    ctx.send(v);
    ctx.claim(map.sources[k].tensor, std::move(points[k]), v);
  }
}

void verify_index_map(const IndexMap& map, VerifierContext& ctx, const TensorClaim& out) {
  const MleLayout out_layout = mle_layout(map.out);
  const auto out_pts = split_point(out_layout, out.point);
  const auto infos = analyse_all(map, out_layout);
  const unsigned n = max_rest(infos);
  const bool run = n > 0 || ctx.zk();
  const ClaimedSum sum = index_map_sum(map, infos, out_pts, out);
  const auto terms = index_map_terms(map, infos, out_pts);

  sumcheck::Claim claim{{}, sum.plain()};
  if (run) {
    std::unique_ptr<bool[]> is_private(new bool[2 * infos.size()]());
    for (size_t k = 0; k < infos.size(); ++k) is_private[2 * k] = ctx.is_private(map.sources[k].tensor);
    claim = ctx.masked_sumcheck(n, terms, std::span<const bool>(is_private.get(), 2 * infos.size()), sum);
  }
  const auto& s = claim.point;
  std::vector<Fp2> evaluations;
  for (size_t k = 0; k < infos.size(); ++k) {
    const SourceInfo& info = infos[k];
    const Fp2 v = ctx.receive();
    std::span<const Fp2> sk(s.data(), info.n_rest);
    auto point = pass_point(info, out_pts);
    fill_rest(info, point, sk);
    ctx.claim(map.sources[k].tensor, std::move(point), v);

    Fp2 m = Fp2::one();
    for (const auto& fi : info.factors) {
      if (fi.pass) continue;
      m *= factor_eval(fi, group_point(out_pts, fi.f->out_dims), sk.subspan(fi.rest_off, fi.in_bits));
    }
    // Both zero-extended tables carry prod (1 - s_i) over the variables this source lacks.
    Fp2 high = Fp2::one();
    for (size_t i = info.n_rest; i < n; ++i) high *= Fp2::one() - s[i];
    evaluations.push_back(v * high);
    evaluations.push_back(m * high);
  }
  if (run) {
    ctx.check_final(claim, evaluations, terms);
  } else if (sumcheck::combine(evaluations, terms) != claim.expected) {
    throw VerifyError("index map: the output is not the mapped input");
  }
}

}  // namespace zk::layers
