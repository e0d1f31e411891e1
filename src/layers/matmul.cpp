// matmul: Y = op(A) · op(B) + C, exact int64 accumulation (Gemm, MatMul, QLinearMatMul,
// MatMulInteger all land here). op(.) transposes the last two dims when trans_a / trans_b is 1.
// A and B have rank >= 2; leading (batch) dims broadcast numpy-style. The optional bias C is at
// the accumulator scale (scale(A) + scale(B)) and broadcasts to Y. No rounding happens here: the
// quantizer follows with a `rescale`. The proof (issue 4) is one sumcheck over the inner dim.
#include <algorithm>
#include <optional>
#include <tuple>

#include "layers/int_contract.hpp"
#include "layers/layers.hpp"
#include "layers/proof.hpp"
#include "poly/multilinear.hpp"

namespace zk::layers {

namespace {

struct Dims {
  Shape batch;  // broadcast batch dims of Y
  Shape a_batch, b_batch;
  int64_t m, k, n;
};

Dims dims(const IntNode& node, const Shape& a, const Shape& b) {
  if (a.size() < 2 || b.size() < 2) throw Error(node.where() + ": operands must have rank >= 2");
  const bool ta = node.get("trans_a", 0) != 0, tb = node.get("trans_b", 0) != 0;
  Dims d;
  const size_t ra = a.size(), rb = b.size();
  d.m = ta ? a[ra - 1] : a[ra - 2];
  d.k = ta ? a[ra - 2] : a[ra - 1];
  int64_t kb = tb ? b[rb - 1] : b[rb - 2];
  d.n = tb ? b[rb - 2] : b[rb - 1];
  if (d.k != kb)
    throw Error(node.where() + ": inner dimensions differ (" + shape_str(a) + " x " + shape_str(b) + ")");
  d.a_batch.assign(a.begin(), a.end() - 2);
  d.b_batch.assign(b.begin(), b.end() - 2);
  d.batch = broadcast_shapes(node, d.a_batch, d.b_batch);
  return d;
}

Shape out_shape(const Dims& d) {
  Shape s = d.batch;
  s.push_back(d.m);
  s.push_back(d.n);
  return s;
}

std::vector<OutInfo> infer(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 2);
  Dims d = dims(node, in[0]->shape, in[1]->shape);
  Shape y = out_shape(d);
  Wide acc = Wide(d.k) * in[0]->bound * in[1]->bound;
  checked(node, acc, "the accumulator");
  if (in.size() > 2 && in[2]) {
    if (broadcast_shapes(node, y, in[2]->shape) != y)
      throw Error(node.where() + ": bias shape " + shape_str(in[2]->shape) + " does not broadcast to " + shape_str(y));
    acc += in[2]->bound;
  }
  return {{y, checked(node, acc, "the output")}};
}

// [rows, cols] matrix number `idx` of a batched tensor, transposed into row-major [r, c] if needed.
void load(const IntTensor& t, int64_t offset, int64_t rows, int64_t cols, bool trans, std::vector<int64_t>& buf) {
  buf.resize(static_cast<size_t>(rows * cols));
  const int64_t* p = t.data.data() + offset;
  if (!trans) {
    std::copy(p, p + rows * cols, buf.begin());
    return;
  }
  // Stored as [cols, rows].
  for (int64_t c = 0; c < cols; ++c)
    for (int64_t r = 0; r < rows; ++r) buf[r * cols + c] = p[c * rows + r];
}

void forward(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor& a = *in[0];
  const IntTensor& b = *in[1];
  Dims d = dims(node, a.shape, b.shape);
  const bool ta = node.get("trans_a", 0) != 0, tb = node.get("trans_b", 0) != 0;
  IntTensor& y = out[0];
  // Batch offsets via broadcasting over the batch dims.
  auto sa = broadcast_strides(d.a_batch, d.batch), sb = broadcast_strides(d.b_batch, d.batch);
  std::vector<int64_t> abuf, bbuf;
  const int64_t mk = d.m * d.k, kn = d.k * d.n, mn = d.m * d.n;
  Shape batch = d.batch.empty() ? Shape{1} : d.batch;
  if (d.batch.empty()) sa = sb = {0};
  for_each_broadcast(batch, sa, sb, [&](int64_t o, int64_t ia, int64_t ib) {
    load(a, ia * mk, d.m, d.k, ta, abuf);
    load(b, ib * kn, d.k, d.n, tb, bbuf);
    int64_t* yp = y.data.data() + o * mn;
    std::fill(yp, yp + mn, 0);
    for (int64_t i = 0; i < d.m; ++i) {
      int64_t* row = yp + i * d.n;
      for (int64_t kk = 0; kk < d.k; ++kk) {
        const int64_t av = abuf[i * d.k + kk];
        if (av == 0) continue;
        const int64_t* brow = bbuf.data() + kk * d.n;
        for (int64_t j = 0; j < d.n; ++j) row[j] += av * brow[j];
      }
    }
  });
  if (in.size() > 2 && in[2]) {
    const IntTensor& c = *in[2];
    auto sc = broadcast_strides(c.shape, y.shape);
    for_each_broadcast(y.shape, sc, sc, [&](int64_t o, int64_t ic, int64_t) { y.data[o] += c.data[ic]; });
  }
}

// ---- proof ----
// With Y's point split as (r_batch, r_m, r_n) (Y's MLE is zero on padded positions, and so are
// the folded operands below, so the sums may run over whole padded cubes):
//   Y~(r) = sum_{b, k} eq(r_batch, b) * A_r(b, k) * B_r(b, k) + [bias term]
//   A_r(b, k) = sum_i eq(r_m, i) op(A)_b(i, k),   B_r(b, k) = sum_j eq(r_n, j) op(B)_b(k, j)
// Folding with eq first makes the prover linear in |A| + |B| instead of m·n·k. Without batch dims
// this is a degree-2 sumcheck over k; with them, batch variables join the sumcheck (k on the low
// variables) and eq(r_batch, ·) is a third factor. A_r~(s_b, s_k) is op(A) broadcast to Y's batch,
// evaluated at (s_b, r_m, s_k): broadcast_point turns that into a point on A and a prefix factor.
// The bias (broadcast to Y) is linear: its MLE at the broadcast-projected point times the factor.
// When k is not a power of two, a selector factor [k < K] (the verifier's prefix_selector) keeps
// the padded k entries out of the sum: otherwise nonzero padding in the committed operands (a
// prover's commitment is not checked to be zero there) would add padded-k products to real
// outputs. Padding along rows, columns or batch only ever reaches Y's own padded entries.

bool has_bias(const IntNode& node) { return node.inputs.size() > 2 && node.inputs[2] >= 0; }

struct MatmulPoint {
  std::vector<Fp2> r_n, r_m, r_batch;  // Y's point, cut
};

MatmulPoint cut_output_point(const Dims& d, std::span<const Fp2> r) {
  const unsigned bn = ceil_log2(static_cast<size_t>(d.n)), bm = ceil_log2(static_cast<size_t>(d.m));
  MatmulPoint p;
  p.r_n.assign(r.begin(), r.begin() + bn);
  p.r_m.assign(r.begin() + bn, r.begin() + bn + bm);
  p.r_batch.assign(r.begin() + bn + bm, r.end());
  return p;
}

// The point on a stored operand for the evaluation of op(operand) broadcast to Y's batch at
// (batch point s_b, row point, column point). `stored` is the operand's own shape.
BroadcastPoint operand_point(const Shape& stored, const Shape& y_batch, bool trans, const std::vector<Fp2>& row_pt,
                             const std::vector<Fp2>& col_pt, std::span<const Fp2> s_b) {
  const size_t r = stored.size();
  const int64_t rows = trans ? stored[r - 1] : stored[r - 2], cols = trans ? stored[r - 2] : stored[r - 1];
  Shape in(stored.begin(), stored.end() - 2), out = y_batch;
  in.push_back(rows), in.push_back(cols);
  out.push_back(rows), out.push_back(cols);
  std::vector<Fp2> out_point = col_pt;
  out_point.insert(out_point.end(), row_pt.begin(), row_pt.end());
  out_point.insert(out_point.end(), s_b.begin(), s_b.end());
  BroadcastPoint bp = broadcast_point(in, out, out_point);
  if (trans) {
    auto dims = split_point(mle_layout(in), bp.point);
    std::swap(dims[r - 2], dims[r - 1]);
    bp.point = join_point(mle_layout(stored), dims);
  }
  return bp;
}

// The table (b, k) -> op(X)_b contracted with e along its non-k dim, indexed by Y's padded batch
// layout (zero on padded batch entries) times the padded k range, k on the low variables.
std::vector<Fp2> folded_operand(const IntTensor& x, const Shape& y_batch, bool k_is_rows, const std::vector<Fp2>& e,
                                unsigned k_bits) {
  const size_t r = x.shape.size();
  const int64_t rows = x.shape[r - 2], cols = x.shape[r - 1];
  const Shape x_batch(x.shape.begin(), x.shape.end() - 2);
  const int64_t kp = int64_t(1) << k_bits;
  // One fold per stored matrix, then copies into every Y batch entry that broadcasts from it.
  const int64_t count = numel(x_batch);
  std::vector<Fp2> folds(static_cast<size_t>(count * kp));
  for (int64_t q = 0; q < count; ++q) {
    // k on the rows of the stored matrix: fold along the columns (and vice versa).
    const int64_t* m = x.data.data() + q * rows * cols;
    if (k_is_rows) {
      contract_cols(m, rows, cols, e.data(), folds.data() + q * kp);
    } else {
      contract_rows(m, rows, cols, e.data(), folds.data() + q * kp);
    }
  }
  if (y_batch.empty()) return folds;
  const MleLayout bl = mle_layout(y_batch);
  std::vector<Fp2> table(static_cast<size_t>(kp) << bl.num_vars);
  const auto strides = broadcast_strides(x_batch, y_batch);
  const int64_t n = numel(y_batch);
  std::vector<int64_t> idx(y_batch.size());
  for (int64_t o = 0; o < n; ++o) {
    int64_t rem = o, padded = 0, src = 0;
    for (size_t dd = y_batch.size(); dd-- > 0;) {
      idx[dd] = rem % y_batch[dd];
      rem /= y_batch[dd];
    }
    for (size_t dd = 0; dd < y_batch.size(); ++dd) {
      padded = padded * bl.padded[dd] + idx[dd];
      src += idx[dd] * strides[dd];
    }
    std::copy_n(folds.begin() + src * kp, kp, table.begin() + padded * kp);
  }
  return table;
}

// One term, the product of all `count` tables (2..4: [eq(r_batch)], A_r, B_r, [k selector]).
std::span<const sumcheck::Term> matmul_terms(size_t count) {
  static const std::vector<sumcheck::Term> terms = {
      {Fp2::one(), {0, 1}}, {Fp2::one(), {0, 1, 2}}, {Fp2::one(), {0, 1, 2, 3}}};
  return {&terms.at(count - 2), 1};
}

// Zero-knowledge mode (docs/zk.md §2) runs this same code: the context sends twin values, adds the
// output's and the bias's mask terms to the sumcheck, and the folded operands of private tensors
// get their mask twins (the same fold applied to the mask).
void prove_matmul(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  const int a = node.inputs[0], b = node.inputs[1];
  const IntTensor &av = ctx.value(a), &bv = ctx.value(b);
  const Dims d = dims(node, av.shape, bv.shape);
  const bool ta = node.get("trans_a", 0) != 0, tb = node.get("trans_b", 0) != 0;
  const Shape& y = ctx.shape(node.outputs[0]);
  const MatmulPoint p = cut_output_point(d, out[0].point);
  ClaimedSum sum(out[0]);
  if (has_bias(node)) {
    const int c = node.inputs[2];
    auto bp = broadcast_point(ctx.shape(c), y, out[0].point);
    Fp2 vc = ctx.evaluate(c, bp.point);
    ctx.send(vc);
    ctx.claim(c, bp.point, vc);
    sum.add(-bp.factor, c, bp.point, vc);
  }
  const unsigned k_bits = ceil_log2(static_cast<size_t>(d.k));
  const bool batched = !d.batch.empty();
  // op(A) is [m, k]: stored [m, k] has k on the columns, stored [k, m] (trans) on the rows.
  const auto em = eq_table(p.r_m), en = eq_table(p.r_n);
  auto fa = folded_operand(av, d.batch, ta, em, k_bits);
  auto fb = folded_operand(bv, d.batch, !tb, en, k_bits);
  const auto ma = ctx.twin(a, [&](const IntTensor& t) { return folded_operand(t, d.batch, ta, em, k_bits); });
  const auto mb = ctx.twin(b, [&](const IntTensor& t) { return folded_operand(t, d.batch, !tb, en, k_bits); });
  const size_t kp = size_t(1) << k_bits, bp = size_t(1) << p.r_batch.size();
  std::vector<Fp2> eb;
  std::vector<Fp> sel;
  std::vector<sumcheck::TableRef> tables;
  std::vector<std::optional<sumcheck::TableRef>> masks;
  if (batched) {
    const auto e = eq_table(p.r_batch);
    eb.resize(bp * kp);
    for (size_t i = 0; i < bp; ++i) std::fill_n(eb.begin() + i * kp, kp, e[i]);
    tables.emplace_back(eb);
    masks.emplace_back();
  }
  tables.emplace_back(fa);
  masks.emplace_back(ma ? std::optional<sumcheck::TableRef>(*ma) : std::nullopt);
  tables.emplace_back(fb);
  masks.emplace_back(mb ? std::optional<sumcheck::TableRef>(*mb) : std::nullopt);
  if (static_cast<size_t>(d.k) != kp) {
    sel.resize(bp * kp);
    for (size_t i = 0; i < bp; ++i) std::fill_n(sel.begin() + i * kp, d.k, Fp::one());
    tables.emplace_back(sel);
    masks.emplace_back();
  }
  auto result = ctx.masked_sumcheck(tables, masks, matmul_terms(tables.size()), sum);
  const std::vector<Fp2> sk(result.point.begin(), result.point.begin() + k_bits);
  const std::span<const Fp2> s_b(result.point.data() + k_bits, result.point.size() - k_bits);
  auto pa = operand_point(av.shape, d.batch, ta, p.r_m, sk, s_b);
  auto pb = operand_point(bv.shape, d.batch, tb, sk, p.r_n, s_b);
  const size_t first = batched ? 1 : 0;
  // Without a broadcast prefix factor the sumcheck's final table value is the operand's MLE (its
  // twin value in ZK mode).
  for (auto [tensor, bp, idx] : {std::tuple{a, &pa, first}, std::tuple{b, &pb, first + 1}}) {
    Fp2 v = bp->factor == Fp2::one() ? result.table_evaluations[idx] : ctx.evaluate(tensor, bp->point);
    ctx.send(v);
    ctx.claim(tensor, bp->point, v);
  }
}

void verify_matmul(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  const int a = node.inputs[0], b = node.inputs[1];
  const Shape &as = ctx.shape(a), &bs = ctx.shape(b);
  const Dims d = dims(node, as, bs);
  const bool ta = node.get("trans_a", 0) != 0, tb = node.get("trans_b", 0) != 0;
  const Shape& y = ctx.shape(node.outputs[0]);
  const MatmulPoint p = cut_output_point(d, out[0].point);
  ClaimedSum sum(out[0]);
  if (has_bias(node)) {
    const int c = node.inputs[2];
    auto bp = broadcast_point(ctx.shape(c), y, out[0].point);
    Fp2 vc = ctx.receive();
    ctx.claim(c, bp.point, vc);
    sum.add(-bp.factor, c, bp.point, vc);
  }
  const unsigned k_bits = ceil_log2(static_cast<size_t>(d.k));
  const bool batched = !d.batch.empty();
  const bool select_k = d.k != (int64_t(1) << k_bits);
  bool is_private[4] = {false, false, false, false};  // per table, as prove_matmul lists them
  is_private[batched ? 1 : 0] = ctx.is_private(a);
  is_private[batched ? 2 : 1] = ctx.is_private(b);
  const size_t tables = 2 + (batched ? 1 : 0) + (select_k ? 1 : 0);
  auto claim = ctx.masked_sumcheck(k_bits + static_cast<unsigned>(p.r_batch.size()), matmul_terms(tables),
                                   std::span<const bool>(is_private, tables), sum);
  const std::vector<Fp2> sk(claim.point.begin(), claim.point.begin() + k_bits);
  const std::span<const Fp2> s_b(claim.point.data() + k_bits, claim.point.size() - k_bits);
  auto pa = operand_point(as, d.batch, ta, p.r_m, sk, s_b);
  auto pb = operand_point(bs, d.batch, tb, sk, p.r_n, s_b);
  Fp2 va = ctx.receive();
  ctx.claim(a, pa.point, va);
  Fp2 vb = ctx.receive();
  ctx.claim(b, pb.point, vb);
  std::vector<Fp2> evals;
  if (batched) evals.push_back(eq_eval(p.r_batch, s_b));
  evals.push_back(va * pa.factor);
  evals.push_back(vb * pb.factor);
  if (select_k) evals.push_back(prefix_selector(sk, d.k));
  ctx.check_final(claim, evals, matmul_terms(evals.size()));
}

const LayerProofDef kMatMulProof{nullptr, nullptr, prove_matmul, verify_matmul, true};

}  // namespace

const LayerDef kMatMulLayer{"matmul", 2, 3, 1, infer, forward, &kMatMulProof};

}  // namespace zk::layers
