// Float kernels for every supported ONNX op, and the one table that names them (at the bottom).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "onnx/float_executor.hpp"

namespace zk::onnx {
namespace {

using In = KernelInputs;
using Out = std::vector<Tensor>;

[[noreturn]] void fail(const Node& n, const std::string& msg) {
  throw Error(n.op_type + " node '" + n.name + "': " + msg);
}
[[noreturn]] void unsupported(const Node& n, const std::string& msg) {
  throw Unsupported(n.op_type + " node '" + n.name + "': " + msg);
}

const Tensor& need(const Node& n, const In& in, size_t k) {
  if (k >= in.size() || in[k] == nullptr) fail(n, "missing required input " + std::to_string(k));
  return *in[k];
}
const Tensor* opt(const In& in, size_t k) { return k < in.size() ? in[k] : nullptr; }

// Float-only kernels read integer inputs through this (a cast copy), so they never touch t.f of
// an integer tensor.
Tensor cast_to(const Tensor& x, DType to);
const Tensor& float_input(const Node& n, const In& in, size_t k, Tensor& tmp) {
  const Tensor& t = need(n, in, k);
  if (t.is_float()) return t;
  tmp = cast_to(t, DType::Float32);
  return tmp;
}

int64_t norm_axis(const Node& n, int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1)) fail(n, "axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

std::vector<int64_t> strides_of(const Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (int64_t k = static_cast<int64_t>(s.size()) - 2; k >= 0; --k) st[k] = st[k + 1] * s[k + 1];
  return st;
}

// Storage-preserving copy with a new shape (Reshape/Flatten/Squeeze/Unsqueeze/Identity).
Tensor reshaped(const Tensor& t, Shape s) {
  Tensor r = t;
  r.shape = std::move(s);
  return r;
}

Tensor make(DType dt, Shape s) {
  Tensor t;
  t.dtype = dt;
  t.shape = std::move(s);
  if (is_float(dt)) t.f.assign(numel(t.shape), 0.0f);
  else t.i.assign(numel(t.shape), 0);
  return t;
}

// Gathers element src_idx of `src` into element dst_idx of `dst` (same storage class).
inline void copy_elem(const Tensor& src, int64_t si, Tensor& dst, int64_t di) {
  if (src.is_float()) dst.f[di] = src.f[si];
  else dst.i[di] = src.i[si];
}

// ---- broadcasting -------------------------------------------------------------------------------

Shape broadcast_shapes(const Node& n, const std::vector<const Shape*>& shapes) {
  size_t rank = 0;
  for (auto* s : shapes) rank = std::max(rank, s->size());
  Shape out(rank, 1);
  for (auto* s : shapes) {
    size_t off = rank - s->size();
    for (size_t k = 0; k < s->size(); ++k) {
      int64_t d = (*s)[k];
      if (d == out[off + k] || d == 1) continue;
      if (out[off + k] == 1) out[off + k] = d;
      else fail(n, "shapes cannot be broadcast together: " + shape_str(*shapes[0]) + " and " + shape_str(*s));
    }
  }
  return out;
}

std::vector<int64_t> bcast_strides(const Shape& in, const Shape& out) {
  std::vector<int64_t> st(out.size(), 0);
  auto own = strides_of(in);
  size_t off = out.size() - in.size();
  for (size_t k = 0; k < in.size(); ++k) st[off + k] = in[k] == 1 ? 0 : own[k];
  return st;
}

// Calls f(out_index, offsets) for every output element, offsets[j] being the element of input j.
template <size_t NIn, class F>
void for_each_bcast(const Shape& out, const std::array<const Shape*, NIn>& ins, F f) {
  const int64_t total = numel(out);
  if (total == 0) return;
  const size_t r = out.size();
  std::array<std::vector<int64_t>, NIn> st;
  for (size_t j = 0; j < NIn; ++j) st[j] = bcast_strides(*ins[j], out);
  std::vector<int64_t> idx(r, 0);
  std::array<int64_t, NIn> off{};
  for (int64_t o = 0; o < total; ++o) {
    f(o, off);
    for (int64_t d = static_cast<int64_t>(r) - 1; d >= 0; --d) {
      if (++idx[d] < out[d]) {
        for (size_t j = 0; j < NIn; ++j) off[j] += st[j][d];
        break;
      }
      for (size_t j = 0; j < NIn; ++j) off[j] -= st[j][d] * (out[d] - 1);
      idx[d] = 0;
    }
  }
}

// Elementwise binary op with broadcasting; f works on doubles, the result is stored as out_t.
template <class F>
Tensor map2(const Node& n, const Tensor& a, const Tensor& b, DType out_t, F f) {
  Shape os = broadcast_shapes(n, {&a.shape, &b.shape});
  Tensor r = make(out_t, os);
  const bool fo = r.is_float();
  if (a.is_float() && b.is_float() && fo && a.shape == os && b.shape == os) {
    const int64_t N = numel(os);
#pragma omp parallel for if (N > 65536)
    for (int64_t k = 0; k < N; ++k) r.f[k] = static_cast<float>(f(a.f[k], b.f[k]));
    return r;
  }
  for_each_bcast<2>(os, {&a.shape, &b.shape}, [&](int64_t o, const std::array<int64_t, 2>& off) {
    double v = f(a.at(off[0]), b.at(off[1]));
    if (fo) r.f[o] = static_cast<float>(v);
    else r.i[o] = static_cast<int64_t>(v);
  });
  return r;
}

template <class F>
Tensor map1(const Tensor& x, F f) {
  Tensor r = x;
  if (x.is_float()) {
    const int64_t N = x.size();
#pragma omp parallel for if (N > 65536)
    for (int64_t k = 0; k < N; ++k) r.f[k] = static_cast<float>(f(static_cast<double>(x.f[k])));
  } else {
    for (auto& v : r.i) v = static_cast<int64_t>(f(static_cast<double>(v)));
  }
  return r;
}

// Before opset 7, Add/Sub/Mul/Div broadcast only with broadcast=1 and align B at `axis`.
const Tensor& legacy_broadcast(const Node& n, const Tensor& a, const Tensor& b, Tensor& tmp) {
  if (n.opset >= 7 || n.get_int("broadcast", 0) == 0 || !n.has("axis")) return b;
  int64_t axis = norm_axis(n, n.get_int("axis", 0), a.rank());
  Shape s(a.rank(), 1);
  for (int64_t k = 0; k < b.rank(); ++k) s[axis + k] = b.shape[k];
  tmp = reshaped(b, s);
  return tmp;
}

DType arith_type(const Tensor& a, const Tensor& b) { return a.is_float() || b.is_float() ? DType::Float32 : a.dtype; }

template <class F>
void binary(const Node& n, const In& in, Out& out, F f) {
  const Tensor& a = need(n, in, 0);
  Tensor tmp;
  const Tensor& b = legacy_broadcast(n, a, need(n, in, 1), tmp);
  out[0] = map2(n, a, b, arith_type(a, b), f);
}

void k_add(const Node& n, const In& in, Out& out) { binary(n, in, out, [](double a, double b) { return a + b; }); }
void k_sub(const Node& n, const In& in, Out& out) { binary(n, in, out, [](double a, double b) { return a - b; }); }
void k_mul(const Node& n, const In& in, Out& out) { binary(n, in, out, [](double a, double b) { return a * b; }); }
void k_div(const Node& n, const In& in, Out& out) {
  const Tensor& a = need(n, in, 0);
  if (a.is_float()) return binary(n, in, out, [](double x, double y) { return x / y; });
  binary(n, in, out, [&](double x, double y) {
    if (y == 0) fail(n, "integer division by zero");
    return std::trunc(x / y);
  });
}
void k_pow(const Node& n, const In& in, Out& out) {
  const Tensor& a = need(n, in, 0);
  out[0] = map2(n, a, need(n, in, 1), a.dtype == DType::Float64 ? DType::Float32 : a.dtype,
                [](double x, double y) { return std::pow(x, y); });
}
void k_prelu(const Node& n, const In& in, Out& out) {
  const Tensor& x = need(n, in, 0);
  const Tensor& s = need(n, in, 1);
  Tensor tmp;
  const Tensor* slope = &s;
  // Before opset 7 PRelu's slope is per channel without broadcasting rules: align it at axis 1.
  if (s.rank() == 1 && x.rank() > 2 && s.shape[0] == x.shape[1] && s.shape[0] != x.shape.back()) {
    Shape sh(x.rank() - 1, 1);
    sh[0] = s.shape[0];
    tmp = reshaped(s, sh);
    slope = &tmp;
  }
  out[0] = map2(n, x, *slope, x.dtype, [](double v, double a) { return v < 0 ? v * a : v; });
}

template <class F>
void cmp(const Node& n, const In& in, Out& out, F f) {
  const Tensor& a = need(n, in, 0);
  Tensor tmp;
  const Tensor& b = legacy_broadcast(n, a, need(n, in, 1), tmp);
  out[0] = map2(n, a, b, DType::Bool, [&](double x, double y) { return f(x, y) ? 1.0 : 0.0; });
}
void k_equal(const Node& n, const In& in, Out& out) { cmp(n, in, out, [](double a, double b) { return a == b; }); }
void k_less(const Node& n, const In& in, Out& out) { cmp(n, in, out, [](double a, double b) { return a < b; }); }
void k_greater(const Node& n, const In& in, Out& out) { cmp(n, in, out, [](double a, double b) { return a > b; }); }
void k_less_eq(const Node& n, const In& in, Out& out) { cmp(n, in, out, [](double a, double b) { return a <= b; }); }
void k_greater_eq(const Node& n, const In& in, Out& out) { cmp(n, in, out, [](double a, double b) { return a >= b; }); }
void k_and(const Node& n, const In& in, Out& out) { cmp(n, in, out, [](double a, double b) { return a != 0 && b != 0; }); }
void k_or(const Node& n, const In& in, Out& out) { cmp(n, in, out, [](double a, double b) { return a != 0 || b != 0; }); }
void k_xor(const Node& n, const In& in, Out& out) { cmp(n, in, out, [](double a, double b) { return (a != 0) != (b != 0); }); }
void k_not(const Node& n, const In& in, Out& out) { out[0] = map1(need(n, in, 0), [](double v) { return v == 0 ? 1.0 : 0.0; }); }

// Variadic Max/Min/Sum/Mean fold pairwise; every step broadcasts.
template <class F>
void variadic(const Node& n, const In& in, Out& out, F f, bool mean = false) {
  if (n.num_inputs() == 0) fail(n, "needs at least one input");
  Tensor acc = need(n, in, 0);
  for (size_t k = 1; k < n.num_inputs(); ++k) acc = map2(n, acc, need(n, in, k), arith_type(acc, *in[k]), f);
  if (mean) {
    double c = static_cast<double>(n.num_inputs());
    acc = map1(acc, [c](double v) { return v / c; });
  }
  out[0] = std::move(acc);
}
void k_max(const Node& n, const In& in, Out& out) { variadic(n, in, out, [](double a, double b) { return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b); }); }
void k_min(const Node& n, const In& in, Out& out) { variadic(n, in, out, [](double a, double b) { return std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b); }); }
void k_sum(const Node& n, const In& in, Out& out) { variadic(n, in, out, [](double a, double b) { return a + b; }); }
void k_mean(const Node& n, const In& in, Out& out) { variadic(n, in, out, [](double a, double b) { return a + b; }, true); }

void k_where(const Node& n, const In& in, Out& out) {
  const Tensor& c = need(n, in, 0);
  const Tensor& x = need(n, in, 1);
  const Tensor& y = need(n, in, 2);
  Shape os = broadcast_shapes(n, {&c.shape, &x.shape, &y.shape});
  Tensor r = make(x.dtype, os);
  for_each_bcast<3>(os, {&c.shape, &x.shape, &y.shape}, [&](int64_t o, const std::array<int64_t, 3>& off) {
    if (c.at(off[0]) != 0) copy_elem(x, off[1], r, o);
    else copy_elem(y, off[2], r, o);
  });
  out[0] = std::move(r);
}

// ---- unary ---------------------------------------------------------------------------------------

#define ZK_UNARY(fn, expr)                                                      \
  void fn(const Node& n, const In& in, Out& out) {                              \
    [[maybe_unused]] const Node& node = n;                                      \
    out[0] = map1(need(n, in, 0), [&](double x) -> double { return (expr); }); \
  }

ZK_UNARY(k_relu, x > 0 ? x : 0.0)
ZK_UNARY(k_leaky_relu, x >= 0 ? x : x * node.get_float("alpha", 0.01f))
ZK_UNARY(k_sigmoid, x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x)))
ZK_UNARY(k_tanh, std::tanh(x))
ZK_UNARY(k_hard_sigmoid, std::clamp(node.get_float("alpha", 0.2f) * x + node.get_float("beta", 0.5f), 0.0, 1.0))
ZK_UNARY(k_hard_swish, x * std::clamp(x / 6.0 + 0.5, 0.0, 1.0))
ZK_UNARY(k_erf, std::erf(x))
ZK_UNARY(k_exp, std::exp(x))
ZK_UNARY(k_log, std::log(x))
ZK_UNARY(k_sqrt, std::sqrt(x))
ZK_UNARY(k_reciprocal, 1.0 / x)
ZK_UNARY(k_neg, -x)
ZK_UNARY(k_abs, std::abs(x))
ZK_UNARY(k_floor, std::floor(x))
ZK_UNARY(k_ceil, std::ceil(x))
ZK_UNARY(k_sign, x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0))
ZK_UNARY(k_elu, x >= 0 ? x : node.get_float("alpha", 1.0f) * (std::exp(x) - 1.0))
ZK_UNARY(k_selu, node.get_float("gamma", 1.05070102214813232421875f) *
                     (x > 0 ? x : node.get_float("alpha", 1.67326319217681884765625f) * (std::exp(x) - 1.0)))
ZK_UNARY(k_softplus, x > 30 ? x : std::log1p(std::exp(x)))
ZK_UNARY(k_softsign, x / (1.0 + std::abs(x)))
ZK_UNARY(k_sin, std::sin(x))
ZK_UNARY(k_cos, std::cos(x))
#undef ZK_UNARY

void k_gelu(const Node& n, const In& in, Out& out) {
  std::string approx = n.get_string("approximate", "none");
  if (approx == "tanh") {
    out[0] = map1(need(n, in, 0), [](double x) {
      return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
    });
  } else {
    out[0] = map1(need(n, in, 0), [](double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); });
  }
}

void k_clip(const Node& n, const In& in, Out& out) {
  const Tensor& x = need(n, in, 0);
  double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
  if (n.opset < 11) {
    lo = n.get_float("min", -std::numeric_limits<float>::max());
    hi = n.get_float("max", std::numeric_limits<float>::max());
  } else {
    if (auto* t = opt(in, 1)) lo = t->at(0);
    if (auto* t = opt(in, 2)) hi = t->at(0);
  }
  out[0] = map1(x, [&](double v) { return std::min(std::max(v, lo), hi); });
}

// ---- casts and constants ------------------------------------------------------------------------

DType dtype_from_onnx(const Node& n, int64_t t) {
  switch (t) {
    case 1: return DType::Float32;
    case 11: return DType::Float64;
    case 2: return DType::UInt8;
    case 3: return DType::Int8;
    case 4: return DType::UInt16;
    case 5: return DType::Int16;
    case 6: return DType::Int32;
    case 12: return DType::UInt32;
    case 7: return DType::Int64;
    case 9: return DType::Bool;
    default: unsupported(n, "element type " + std::to_string(t) + " is not supported");
  }
}

// Wraps an integer into the range of `t` the way a C cast does.
int64_t wrap_int(int64_t v, DType t) {
  switch (t) {
    case DType::Int8: return static_cast<int8_t>(v);
    case DType::UInt8: return static_cast<uint8_t>(v);
    case DType::Int16: return static_cast<int16_t>(v);
    case DType::UInt16: return static_cast<uint16_t>(v);
    case DType::Int32: return static_cast<int32_t>(v);
    case DType::UInt32: return static_cast<uint32_t>(v);
    case DType::Bool: return v != 0;
    default: return v;
  }
}

Tensor cast_to(const Tensor& x, DType to) {
  Tensor r;
  r.dtype = to;
  r.shape = x.shape;
  if (is_float(to)) {
    r.f = x.as_floats();
  } else {
    r.i.resize(x.size());
    for (int64_t k = 0; k < x.size(); ++k) {
      if (x.is_float()) {
        double v = x.f[k];
        r.i[k] = to == DType::Bool ? (v != 0) : wrap_int(std::isfinite(v) ? static_cast<int64_t>(v) : 0, to);
      } else {
        r.i[k] = wrap_int(x.i[k], to);
      }
    }
  }
  return r;
}

void k_cast(const Node& n, const In& in, Out& out) { out[0] = cast_to(need(n, in, 0), dtype_from_onnx(n, n.get_int("to", 1))); }

void k_constant(const Node& n, const In&, Out& out) {
  if (n.has("value")) {
    out[0] = n.attrs.at("value").t.at(0);
  } else if (n.has("value_float")) {
    out[0] = Tensor::floats({}, {n.get_float("value_float", 0)});
  } else if (n.has("value_floats")) {
    auto v = n.get_floats("value_floats");
    out[0] = Tensor::floats({static_cast<int64_t>(v.size())}, v);
  } else if (n.has("value_int")) {
    out[0] = Tensor::ints({}, {n.get_int("value_int", 0)});
  } else if (n.has("value_ints")) {
    auto v = n.get_ints("value_ints");
    out[0] = Tensor::ints({static_cast<int64_t>(v.size())}, v);
  } else {
    unsupported(n, "only value/value_float(s)/value_int(s) constants are supported");
  }
}

void k_constant_of_shape(const Node& n, const In& in, Out& out) {
  Shape s = need(n, in, 0).as_ints();
  Tensor v = n.has("value") ? n.attrs.at("value").t.at(0) : Tensor::floats({1}, {0.0f});
  Tensor r = make(v.dtype, s);
  if (r.is_float()) std::fill(r.f.begin(), r.f.end(), v.f.at(0));
  else std::fill(r.i.begin(), r.i.end(), v.i.at(0));
  out[0] = std::move(r);
}

void k_shape(const Node& n, const In& in, Out& out) {
  const Shape& s = need(n, in, 0).shape;
  int64_t r = static_cast<int64_t>(s.size());
  int64_t b = n.get_int("start", 0), e = n.get_int("end", r);
  if (b < 0) b += r;
  if (e < 0) e += r;
  b = std::clamp<int64_t>(b, 0, r);
  e = std::clamp<int64_t>(e, 0, r);
  std::vector<int64_t> v(s.begin() + b, s.begin() + std::max(b, e));
  out[0] = Tensor::ints({static_cast<int64_t>(v.size())}, v);
}

void k_size(const Node& n, const In& in, Out& out) { out[0] = Tensor::ints({}, {need(n, in, 0).size()}); }

void k_identity(const Node& n, const In& in, Out& out) {
  if (n.op_type == "Dropout" && (n.get_int("is_test", 1) == 0 || (opt(in, 2) && opt(in, 2)->at(0) != 0)))
    unsupported(n, "training-mode dropout is random and not supported (inference only)");
  out[0] = need(n, in, 0);
  if (out.size() > 1 && !n.outputs[1].empty()) {  // Dropout's mask: inference keeps everything
    out[1] = make(DType::Bool, out[0].shape);
    std::fill(out[1].i.begin(), out[1].i.end(), 1);
  }
}

void k_range(const Node& n, const In& in, Out& out) {
  const Tensor& s = need(n, in, 0);
  double start = s.at(0), limit = need(n, in, 1).at(0), delta = need(n, in, 2).at(0);
  int64_t cnt = std::max<int64_t>(0, static_cast<int64_t>(std::ceil((limit - start) / delta)));
  Tensor r = make(s.dtype, {cnt});
  for (int64_t k = 0; k < cnt; ++k) {
    if (r.is_float()) r.f[k] = static_cast<float>(start + k * delta);
    else r.i[k] = static_cast<int64_t>(start + k * delta);
  }
  out[0] = std::move(r);
}

// ---- shape manipulation -------------------------------------------------------------------------

void k_reshape(const Node& n, const In& in, Out& out) {
  const Tensor& x = need(n, in, 0);
  std::vector<int64_t> s = n.opset < 5 ? n.get_ints("shape") : need(n, in, 1).as_ints();
  bool allowzero = n.get_int("allowzero", 0) != 0;
  int64_t known = 1, infer = -1;
  for (size_t k = 0; k < s.size(); ++k) {
    if (s[k] == 0 && !allowzero) {
      if (k >= x.shape.size()) fail(n, "shape entry 0 copies a dim the input lacks");
      s[k] = x.shape[k];
    }
    if (s[k] == -1) {
      if (infer >= 0) fail(n, "more than one -1 in target shape");
      infer = static_cast<int64_t>(k);
    } else {
      known *= s[k];
    }
  }
  if (infer >= 0) {
    if (known == 0 || x.size() % known != 0) fail(n, "cannot infer -1 reshaping " + shape_str(x.shape));
    s[infer] = x.size() / known;
  }
  if (numel(s) != x.size()) fail(n, "cannot reshape " + shape_str(x.shape) + " to " + shape_str(s));
  out[0] = reshaped(x, s);
}

void k_flatten(const Node& n, const In& in, Out& out) {
  const Tensor& x = need(n, in, 0);
  int64_t axis = n.get_int("axis", 1);
  if (axis < 0) axis += x.rank();
  if (axis < 0 || axis > x.rank()) fail(n, "axis out of range");
  int64_t a = numel(Shape(x.shape.begin(), x.shape.begin() + axis));
  out[0] = reshaped(x, {a, a == 0 ? 0 : x.size() / a});
}

std::vector<int64_t> axes_arg(const Node& n, const In& in, size_t input_index, int input_since) {
  if (n.opset >= input_since) {
    auto* t = opt(in, input_index);
    return t ? t->as_ints() : std::vector<int64_t>{};
  }
  return n.get_ints("axes");
}

void k_squeeze(const Node& n, const In& in, Out& out) {
  const Tensor& x = need(n, in, 0);
  auto axes = axes_arg(n, in, 1, 13);
  std::vector<bool> drop(x.rank(), false);
  if (axes.empty()) {
    for (int64_t k = 0; k < x.rank(); ++k) drop[k] = x.shape[k] == 1;
  }
  for (auto a : axes) {
    a = norm_axis(n, a, x.rank());
    if (x.shape[a] != 1) fail(n, "cannot squeeze axis " + std::to_string(a) + " of size " + std::to_string(x.shape[a]));
    drop[a] = true;
  }
  Shape s;
  for (int64_t k = 0; k < x.rank(); ++k)
    if (!drop[k]) s.push_back(x.shape[k]);
  out[0] = reshaped(x, s);
}

void k_unsqueeze(const Node& n, const In& in, Out& out) {
  const Tensor& x = need(n, in, 0);
  auto axes = axes_arg(n, in, 1, 13);
  int64_t r = x.rank() + static_cast<int64_t>(axes.size());
  std::vector<bool> ins(r, false);
  for (auto a : axes) ins[norm_axis(n, a, r)] = true;
  Shape s;
  size_t src = 0;
  for (int64_t k = 0; k < r; ++k) s.push_back(ins[k] ? 1 : x.shape.at(src++));
  out[0] = reshaped(x, s);
}

Tensor transpose(const Tensor& x, const std::vector<int64_t>& perm) {
  Shape os(perm.size());
  for (size_t k = 0; k < perm.size(); ++k) os[k] = x.shape[perm[k]];
  Tensor r = make(x.dtype, os);
  auto ist = strides_of(x.shape);
  std::vector<int64_t> pst(perm.size());
  for (size_t k = 0; k < perm.size(); ++k) pst[k] = ist[perm[k]];
  const int64_t total = numel(os);
  std::vector<int64_t> idx(os.size(), 0);
  int64_t off = 0;
  for (int64_t o = 0; o < total; ++o) {
    copy_elem(x, off, r, o);
    for (int64_t d = static_cast<int64_t>(os.size()) - 1; d >= 0; --d) {
      if (++idx[d] < os[d]) {
        off += pst[d];
        break;
      }
      off -= pst[d] * (os[d] - 1);
      idx[d] = 0;
    }
  }
  return r;
}

void k_transpose(const Node& n, const In& in, Out& out) {
  const Tensor& x = need(n, in, 0);
  std::vector<int64_t> perm = n.get_ints("perm");
  if (perm.empty()) {
    for (int64_t k = x.rank() - 1; k >= 0; --k) perm.push_back(k);
  }
  if (static_cast<int64_t>(perm.size()) != x.rank()) fail(n, "perm length does not match rank");
  std::vector<bool> seen(perm.size(), false);
  for (auto& p : perm) {
    p = norm_axis(n, p, x.rank());
    if (seen[p]) fail(n, "perm is not a permutation");
    seen[p] = true;
  }
  out[0] = transpose(x, perm);
}

void k_concat(const Node& n, const In& in, Out& out) {
  const Tensor& first = need(n, in, 0);
  int64_t axis = norm_axis(n, n.get_int("axis", n.opset < 4 ? 1 : 0), first.rank());
  Shape os = first.shape;
  os[axis] = 0;
  for (size_t k = 0; k < n.num_inputs(); ++k) {
    const Tensor& t = need(n, in, k);
    if (t.rank() != first.rank()) fail(n, "inputs have different ranks");
    for (int64_t d = 0; d < t.rank(); ++d)
      if (d != axis && t.shape[d] != first.shape[d]) fail(n, "input shapes " + shape_str(first.shape) + " and " + shape_str(t.shape) + " differ off the concat axis");
    os[axis] += t.shape[axis];
  }
  Tensor r = make(first.dtype, os);
  int64_t outer = numel(Shape(os.begin(), os.begin() + axis));
  int64_t inner = numel(Shape(os.begin() + axis + 1, os.end()));
  int64_t o = 0;
  for (int64_t b = 0; b < outer; ++b)
    for (size_t k = 0; k < n.num_inputs(); ++k) {
      const Tensor& t = *in[k];
      int64_t chunk = t.shape[axis] * inner;
      for (int64_t e = 0; e < chunk; ++e) copy_elem(t, b * chunk + e, r, o++);
    }
  out[0] = std::move(r);
}

void k_split(const Node& n, const In& in, Out& out) {
  const Tensor& x = need(n, in, 0);
  int64_t axis = norm_axis(n, n.get_int("axis", 0), x.rank());
  std::vector<int64_t> split;
  if (n.opset >= 13) {
    if (auto* t = opt(in, 1)) split = t->as_ints();
  } else {
    split = n.get_ints("split");
  }
  const int64_t parts = static_cast<int64_t>(out.size());
  if (split.empty()) {
    int64_t each = (x.shape[axis] + parts - 1) / parts;  // opset 18 allows an uneven last chunk
    for (int64_t k = 0; k < parts; ++k) split.push_back(std::min(each, x.shape[axis] - k * each));
  }
  if (static_cast<int64_t>(split.size()) != parts || std::accumulate(split.begin(), split.end(), int64_t{0}) != x.shape[axis])
    fail(n, "split sizes do not add up to dim " + std::to_string(x.shape[axis]));
  int64_t outer = numel(Shape(x.shape.begin(), x.shape.begin() + axis));
  int64_t inner = numel(Shape(x.shape.begin() + axis + 1, x.shape.end()));
  int64_t start = 0;
  for (int64_t p = 0; p < parts; ++p) {
    Shape s = x.shape;
    s[axis] = split[p];
    Tensor r = make(x.dtype, s);
    int64_t o = 0;
    for (int64_t b = 0; b < outer; ++b)
      for (int64_t e = 0; e < split[p] * inner; ++e) copy_elem(x, (b * x.shape[axis] + start) * inner + e, r, o++);
    start += split[p];
    out[p] = std::move(r);
  }
}

void k_slice(const Node& n, const In& in, Out& out) {
  const Tensor& x = need(n, in, 0);
  std::vector<int64_t> starts, ends, axes, steps;
  if (n.opset < 10) {
    starts = n.get_ints("starts");
    ends = n.get_ints("ends");
    axes = n.get_ints("axes");
  } else {
    starts = need(n, in, 1).as_ints();
    ends = need(n, in, 2).as_ints();
    if (auto* t = opt(in, 3)) axes = t->as_ints();
    if (auto* t = opt(in, 4)) steps = t->as_ints();
  }
  if (axes.empty())
    for (size_t k = 0; k < starts.size(); ++k) axes.push_back(static_cast<int64_t>(k));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    fail(n, "starts/ends/axes/steps lengths differ");
  const int64_t r = x.rank();
  std::vector<int64_t> b(r, 0), st(r, 1);
  Shape os = x.shape;
  for (size_t k = 0; k < starts.size(); ++k) {
    int64_t a = norm_axis(n, axes[k], r), d = x.shape[a], s = steps[k];
    if (s == 0) fail(n, "slice step 0");
    int64_t lo = starts[k] < 0 ? starts[k] + d : starts[k];
    int64_t hi = ends[k] < 0 ? ends[k] + d : ends[k];
    if (s > 0) {
      lo = std::clamp<int64_t>(lo, 0, d);
      hi = std::clamp<int64_t>(hi, 0, d);
      os[a] = hi > lo ? (hi - lo + s - 1) / s : 0;
    } else {
      lo = std::clamp<int64_t>(lo, 0, d - 1);
      hi = std::clamp<int64_t>(hi, -1, d - 1);
      os[a] = lo > hi ? (lo - hi - s - 1) / (-s) : 0;
    }
    b[a] = lo;
    st[a] = s;
  }
  Tensor res = make(x.dtype, os);
  auto xs = strides_of(x.shape);
  const int64_t total = numel(os);
  std::vector<int64_t> idx(r, 0);
  for (int64_t o = 0; o < total; ++o) {
    int64_t off = 0;
    for (int64_t d = 0; d < r; ++d) off += (b[d] + idx[d] * st[d]) * xs[d];
    copy_elem(x, off, res, o);
    for (int64_t d = r - 1; d >= 0; --d) {
      if (++idx[d] < os[d]) break;
      idx[d] = 0;
    }
  }
  out[0] = std::move(res);
}

void k_gather(const Node& n, const In& in, Out& out) {
  const Tensor& x = need(n, in, 0);
  const Tensor& ind = need(n, in, 1);
  int64_t axis = norm_axis(n, n.get_int("axis", 0), x.rank());
  auto idx = ind.as_ints();
  Shape os(x.shape.begin(), x.shape.begin() + axis);
  os.insert(os.end(), ind.shape.begin(), ind.shape.end());
  os.insert(os.end(), x.shape.begin() + axis + 1, x.shape.end());
  Tensor r = make(x.dtype, os);
  int64_t outer = numel(Shape(x.shape.begin(), x.shape.begin() + axis));
  int64_t inner = numel(Shape(x.shape.begin() + axis + 1, x.shape.end()));
  int64_t dim = x.shape[axis], o = 0;
  for (int64_t b = 0; b < outer; ++b)
    for (int64_t j : idx) {
      if (j < -dim || j >= dim) fail(n, "index " + std::to_string(j) + " out of range for dim " + std::to_string(dim));
      if (j < 0) j += dim;
      for (int64_t e = 0; e < inner; ++e) copy_elem(x, (b * dim + j) * inner + e, r, o++);
    }
  out[0] = std::move(r);
}

void k_expand(const Node& n, const In& in, Out& out) {
  const Tensor& x = need(n, in, 0);
  Shape s = need(n, in, 1).as_ints();
  Shape os = broadcast_shapes(n, {&x.shape, &s});
  Tensor r = make(x.dtype, os);
  for_each_bcast<1>(os, {&x.shape}, [&](int64_t o, const std::array<int64_t, 1>& off) { copy_elem(x, off[0], r, o); });
  out[0] = std::move(r);
}

// Trilu: keeps the lower (upper = 0) or upper triangle of the last two dims, relative to diagonal
// k; GPT exports build their causal mask with it from a constant, so it folds at import.
void k_trilu(const Node& n, const In& in, Out& out) {
  const Tensor& x = need(n, in, 0);
  if (x.rank() < 2) fail(n, "input must have rank >= 2");
  const Tensor* kt = opt(in, 1);
  const int64_t k = kt && kt->size() > 0 ? kt->as_ints()[0] : 0;
  const bool upper = n.get_int("upper", 1) != 0;
  const int64_t rows = x.shape[x.rank() - 2], cols = x.shape[x.rank() - 1];
  Tensor r = make(x.dtype, x.shape);
  for (int64_t e = 0; e < x.size(); ++e) {
    const int64_t i = (e / cols) % rows, j = e % cols;
    if (upper ? j - i >= k : j - i <= k) copy_elem(x, e, r, e);
  }
  out[0] = std::move(r);
}

void k_tile(const Node& n, const In& in, Out& out) {
  const Tensor& x = need(n, in, 0);
  auto rep = need(n, in, 1).as_ints();
  if (static_cast<int64_t>(rep.size()) != x.rank()) fail(n, "repeats length does not match rank");
  Shape os = x.shape;
  for (size_t k = 0; k < os.size(); ++k) os[k] *= rep[k];
  Tensor r = make(x.dtype, os);
  auto xs = strides_of(x.shape);
  std::vector<int64_t> idx(os.size(), 0);
  for (int64_t o = 0; o < r.size(); ++o) {
    int64_t off = 0;
    for (size_t d = 0; d < os.size(); ++d) off += (idx[d] % x.shape[d]) * xs[d];
    copy_elem(x, off, r, o);
    for (int64_t d = static_cast<int64_t>(os.size()) - 1; d >= 0; --d) {
      if (++idx[d] < os[d]) break;
      idx[d] = 0;
    }
  }
  out[0] = std::move(r);
}

void k_pad(const Node& n, const In& in, Out& out) {
  const Tensor& x = need(n, in, 0);
  const int64_t r = x.rank();
  std::vector<int64_t> pads;
  double cval = 0;
  if (n.opset < 11) {
    pads = n.get_ints(n.has("pads") ? "pads" : "paddings");
    cval = n.get_float("value", 0);
  } else {
    pads = need(n, in, 1).as_ints();
    if (auto* t = opt(in, 2); t && t->size() > 0) cval = t->at(0);
    if (opt(in, 3)) unsupported(n, "the axes input is not supported");
  }
  if (static_cast<int64_t>(pads.size()) != 2 * r) fail(n, "pads has " + std::to_string(pads.size()) + " entries, rank is " + std::to_string(r));
  std::string mode = n.get_string("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge") unsupported(n, "mode '" + mode + "' is not supported");
  Shape os(r);
  for (int64_t d = 0; d < r; ++d) {
    os[d] = x.shape[d] + pads[d] + pads[d + r];
    if (os[d] < 0) fail(n, "negative output dim");
  }
  Tensor res = make(x.dtype, os);
  auto xs = strides_of(x.shape);
  std::vector<int64_t> idx(r, 0);
  for (int64_t o = 0; o < res.size(); ++o) {
    int64_t off = 0;
    bool inside = true;
    for (int64_t d = 0; d < r && inside; ++d) {
      int64_t i = idx[d] - pads[d], dim = x.shape[d];
      if (i < 0 || i >= dim) {
        if (mode == "constant" || dim == 0) inside = false;
        else if (mode == "edge") i = std::clamp<int64_t>(i, 0, dim - 1);
        else {
          if (dim == 1) i = 0;
          else {
            int64_t period = 2 * (dim - 1);
            i = ((i % period) + period) % period;
            if (i >= dim) i = period - i;
          }
        }
      }
      off += i * xs[d];
    }
    if (inside) copy_elem(x, off, res, o);
    else if (res.is_float()) res.f[o] = static_cast<float>(cval);
    else res.i[o] = static_cast<int64_t>(cval);
    for (int64_t d = r - 1; d >= 0; --d) {
      if (++idx[d] < os[d]) break;
      idx[d] = 0;
    }
  }
  out[0] = std::move(res);
}

// ---- reductions ---------------------------------------------------------------------------------

enum class Red { Sum, Mean, Max, Min, Prod, SumSquare, L1, L2, LogSumExp };

void reduce(const Node& n, const In& in, Out& out, Red kind) {
  const Tensor& x = need(n, in, 0);
  const int64_t r = x.rank();
  // ReduceSum takes axes as an input from opset 13; the others from opset 18.
  int since = n.op_type == "ReduceSum" ? 13 : 18;
  auto axes = axes_arg(n, in, 1, since);
  bool keep = n.get_int("keepdims", 1) != 0;
  std::vector<bool> red(r, false);
  if (axes.empty()) {
    if (n.get_int("noop_with_empty_axes", 0) != 0) {
      out[0] = x;
      return;
    }
    std::fill(red.begin(), red.end(), true);
  }
  for (auto a : axes) red[norm_axis(n, a, r)] = true;
  Shape ks = x.shape, os;
  for (int64_t d = 0; d < r; ++d) {
    if (red[d]) ks[d] = 1;
    if (!red[d]) os.push_back(x.shape[d]);
    else if (keep) os.push_back(1);
  }
  const int64_t on = numel(ks);
  std::vector<double> acc(on, kind == Red::Max ? -INFINITY : kind == Red::Min ? INFINITY : kind == Red::Prod ? 1.0 : 0.0);
  std::vector<double> mx;
  if (kind == Red::LogSumExp) {  // subtract the max for stability
    mx.assign(on, -INFINITY);
    for_each_bcast<1>(x.shape, {&ks}, [&](int64_t o, const std::array<int64_t, 1>& off) { mx[off[0]] = std::max(mx[off[0]], x.at(o)); });
  }
  // Walk the input, mapping each element to its output slot by broadcasting the kept shape.
  for_each_bcast<1>(x.shape, {&ks}, [&](int64_t o, const std::array<int64_t, 1>& off) {
    double v = x.at(o);
    double& a = acc[off[0]];
    switch (kind) {
      case Red::Sum:
      case Red::Mean: a += v; break;
      case Red::Max: a = std::max(a, v); break;
      case Red::Min: a = std::min(a, v); break;
      case Red::Prod: a *= v; break;
      case Red::SumSquare:
      case Red::L2: a += v * v; break;
      case Red::L1: a += std::abs(v); break;
      case Red::LogSumExp: a += std::exp(v - mx[off[0]]); break;
    }
  });
  const double cnt = on == 0 ? 0.0 : static_cast<double>(x.size()) / static_cast<double>(on);
  Tensor res = make(x.is_float() ? DType::Float32 : x.dtype, os);
  for (int64_t k = 0; k < on; ++k) {
    double v = acc[k];
    if (kind == Red::Mean) v /= cnt;
    if (kind == Red::L2) v = std::sqrt(v);
    if (kind == Red::LogSumExp) v = std::log(v) + mx[k];
    if (res.is_float()) res.f[k] = static_cast<float>(v);
    else res.i[k] = static_cast<int64_t>(v);
  }
  out[0] = std::move(res);
}
void k_reduce_sum(const Node& n, const In& in, Out& out) { reduce(n, in, out, Red::Sum); }
void k_reduce_mean(const Node& n, const In& in, Out& out) { reduce(n, in, out, Red::Mean); }
void k_reduce_max(const Node& n, const In& in, Out& out) { reduce(n, in, out, Red::Max); }
void k_reduce_min(const Node& n, const In& in, Out& out) { reduce(n, in, out, Red::Min); }
void k_reduce_prod(const Node& n, const In& in, Out& out) { reduce(n, in, out, Red::Prod); }
void k_reduce_sum_square(const Node& n, const In& in, Out& out) { reduce(n, in, out, Red::SumSquare); }
void k_reduce_l1(const Node& n, const In& in, Out& out) { reduce(n, in, out, Red::L1); }
void k_reduce_l2(const Node& n, const In& in, Out& out) { reduce(n, in, out, Red::L2); }
void k_reduce_log_sum_exp(const Node& n, const In& in, Out& out) { reduce(n, in, out, Red::LogSumExp); }

void arg_extreme(const Node& n, const In& in, Out& out, bool is_max) {
  const Tensor& x = need(n, in, 0);
  int64_t axis = norm_axis(n, n.get_int("axis", 0), x.rank());
  bool keep = n.get_int("keepdims", 1) != 0, last = n.get_int("select_last_index", 0) != 0;
  int64_t outer = numel(Shape(x.shape.begin(), x.shape.begin() + axis));
  int64_t inner = numel(Shape(x.shape.begin() + axis + 1, x.shape.end()));
  int64_t dim = x.shape[axis];
  Shape os = x.shape;
  if (keep) os[axis] = 1;
  else os.erase(os.begin() + axis);
  Tensor r = make(DType::Int64, os);
  for (int64_t b = 0; b < outer; ++b)
    for (int64_t e = 0; e < inner; ++e) {
      int64_t best = 0;
      double bv = x.at(b * dim * inner + e);
      for (int64_t j = 1; j < dim; ++j) {
        double v = x.at((b * dim + j) * inner + e);
        bool better = is_max ? (last ? v >= bv : v > bv) : (last ? v <= bv : v < bv);
        if (better) bv = v, best = j;
      }
      r.i[b * inner + e] = best;
    }
  out[0] = std::move(r);
}
void k_argmax(const Node& n, const In& in, Out& out) { arg_extreme(n, in, out, true); }
void k_argmin(const Node& n, const In& in, Out& out) { arg_extreme(n, in, out, false); }

// Softmax and LogSoftmax: before opset 13 the input is coerced to 2-D at `axis` (default 1) and the
// whole trailing block is normalised; from 13 only the one axis (default -1).
void softmax(const Node& n, const In& in, Out& out, bool log) {
  Tensor xtmp;
  const Tensor& x = float_input(n, in, 0, xtmp);
  Tensor r = x;
  const bool legacy = n.opset < 13;
  int64_t axis = norm_axis(n, n.get_int("axis", legacy ? 1 : -1), x.rank());
  int64_t outer = numel(Shape(x.shape.begin(), x.shape.begin() + axis));
  int64_t dim = legacy ? numel(Shape(x.shape.begin() + axis, x.shape.end())) : x.shape[axis];
  int64_t inner = legacy ? 1 : numel(Shape(x.shape.begin() + axis + 1, x.shape.end()));
  for (int64_t b = 0; b < outer; ++b)
    for (int64_t e = 0; e < inner; ++e) {
      const float* p = x.f.data() + b * dim * inner + e;
      float* q = r.f.data() + b * dim * inner + e;
      double m = -INFINITY, s = 0;
      for (int64_t j = 0; j < dim; ++j) m = std::max(m, static_cast<double>(p[j * inner]));
      for (int64_t j = 0; j < dim; ++j) s += std::exp(p[j * inner] - m);
      for (int64_t j = 0; j < dim; ++j)
        q[j * inner] = static_cast<float>(log ? p[j * inner] - m - std::log(s) : std::exp(p[j * inner] - m) / s);
    }
  out[0] = std::move(r);
}
void k_softmax(const Node& n, const In& in, Out& out) { softmax(n, in, out, false); }
void k_log_softmax(const Node& n, const In& in, Out& out) { softmax(n, in, out, true); }

// ---- normalisation ------------------------------------------------------------------------------

void k_batchnorm(const Node& n, const In& in, Out& out) {
  Tensor xtmp;
  const Tensor& x = float_input(n, in, 0, xtmp);
  if (n.get_int("training_mode", 0) != 0) unsupported(n, "training_mode=1 is not supported (inference only)");
  if (n.outputs.size() > 1 && std::any_of(n.outputs.begin() + 1, n.outputs.end(), [](const std::string& s) { return !s.empty(); }))
    unsupported(n, "running statistics outputs are training-only and not supported");
  auto sc = need(n, in, 1).as_floats(), bi = need(n, in, 2).as_floats();
  auto mean = need(n, in, 3).as_floats(), var = need(n, in, 4).as_floats();
  double eps = n.get_float("epsilon", 1e-5f);
  int64_t C = x.rank() > 1 ? x.shape[1] : 1;
  if (static_cast<int64_t>(sc.size()) != C || static_cast<int64_t>(bi.size()) != C || static_cast<int64_t>(mean.size()) != C ||
      static_cast<int64_t>(var.size()) != C)
    fail(n, "parameter sizes do not match " + std::to_string(C) + " channels");
  int64_t N = x.shape[0], inner = x.size() / std::max<int64_t>(1, N * C);
  Tensor r = x;
  for (int64_t b = 0; b < N; ++b)
    for (int64_t c = 0; c < C; ++c) {
      double s = sc[c] / std::sqrt(static_cast<double>(var[c]) + eps), t = bi[c] - mean[c] * s;
      float* p = r.f.data() + (b * C + c) * inner;
      for (int64_t e = 0; e < inner; ++e) p[e] = static_cast<float>(p[e] * s + t);
    }
  out[0] = std::move(r);
}

void k_layernorm(const Node& n, const In& in, Out& out) {
  Tensor xtmp;
  const Tensor& x = float_input(n, in, 0, xtmp);
  int64_t axis = norm_axis(n, n.get_int("axis", -1), x.rank());
  double eps = n.get_float("epsilon", 1e-5f);
  int64_t outer = numel(Shape(x.shape.begin(), x.shape.begin() + axis));
  int64_t inner = numel(Shape(x.shape.begin() + axis, x.shape.end()));
  Shape ns(x.shape.begin() + axis, x.shape.end());
  auto expand_param = [&](const Tensor* t, float dflt) {
    std::vector<float> v(inner, dflt);
    if (!t) return v;
    Shape ts = t->shape;
    Shape bs = broadcast_shapes(n, {&ts, &ns});
    if (bs != ns) fail(n, "scale/bias shape " + shape_str(ts) + " does not broadcast to " + shape_str(ns));
    for_each_bcast<1>(ns, {&ts}, [&](int64_t o, const std::array<int64_t, 1>& off) { v[o] = static_cast<float>(t->at(off[0])); });
    return v;
  };
  auto scale = expand_param(&need(n, in, 1), 1.0f);
  auto bias = expand_param(opt(in, 2), 0.0f);
  Tensor r = x;
  Shape ms = x.shape;
  for (int64_t d = axis; d < x.rank(); ++d) ms[d] = 1;
  Tensor mean_t = make(DType::Float32, ms), inv_t = make(DType::Float32, ms);
  for (int64_t b = 0; b < outer; ++b) {
    const float* p = x.f.data() + b * inner;
    double m = 0, v = 0;
    for (int64_t e = 0; e < inner; ++e) m += p[e];
    m /= static_cast<double>(inner);
    for (int64_t e = 0; e < inner; ++e) v += (p[e] - m) * (p[e] - m);
    v /= static_cast<double>(inner);
    double inv = 1.0 / std::sqrt(v + eps);
    for (int64_t e = 0; e < inner; ++e) r.f[b * inner + e] = static_cast<float>((p[e] - m) * inv * scale[e] + bias[e]);
    mean_t.f[b] = static_cast<float>(m);
    inv_t.f[b] = static_cast<float>(inv);
  }
  out[0] = std::move(r);
  if (out.size() > 1) out[1] = std::move(mean_t);
  if (out.size() > 2) out[2] = std::move(inv_t);
}

// ---- matrix products ----------------------------------------------------------------------------

// y[r][t] += sum_k a[r*lda+k] * b[k*ldb+t] for r < R, t < T, accumulating in double. Rows are
// processed four at a time so that each loaded row of b feeds four accumulators.
constexpr int64_t kTile = 128;
void gemm_block(const float* a, int64_t lda, int64_t R, const float* b, int64_t ldb, int64_t K, int64_t T, double* acc) {
  for (int64_t r0 = 0; r0 < R; r0 += 4) {
    const int64_t rn = std::min<int64_t>(4, R - r0);
    double* y0 = acc + (r0 + 0) * kTile;
    double* y1 = acc + (r0 + std::min<int64_t>(1, rn - 1)) * kTile;
    double* y2 = acc + (r0 + std::min<int64_t>(2, rn - 1)) * kTile;
    double* y3 = acc + (r0 + std::min<int64_t>(3, rn - 1)) * kTile;
    if (rn == 4) {
      for (int64_t k = 0; k < K; ++k) {
        const float* bk = b + k * ldb;
        const double w0 = a[(r0 + 0) * lda + k], w1 = a[(r0 + 1) * lda + k], w2 = a[(r0 + 2) * lda + k], w3 = a[(r0 + 3) * lda + k];
#pragma omp simd
        for (int64_t t = 0; t < T; ++t) {
          const double v = bk[t];
          y0[t] += w0 * v;
          y1[t] += w1 * v;
          y2[t] += w2 * v;
          y3[t] += w3 * v;
        }
      }
    } else {
      for (int64_t r = 0; r < rn; ++r) {
        double* y = acc + (r0 + r) * kTile;
        for (int64_t k = 0; k < K; ++k) {
          const float* bk = b + k * ldb;
          const double w = a[(r0 + r) * lda + k];
#pragma omp simd
          for (int64_t t = 0; t < T; ++t) y[t] += w * bk[t];
        }
      }
    }
  }
}

// c[M x N] = a[M x K] * b[K x N] (row-major, contiguous), in double.
void matmul_2d(const float* a, const float* b, double* c, int64_t M, int64_t K, int64_t N) {
  const int64_t mb = (M + 15) / 16, nb = (N + kTile - 1) / kTile;
#pragma omp parallel
  {
    std::vector<double> acc(16 * kTile);
#pragma omp for schedule(dynamic) collapse(2)
    for (int64_t i = 0; i < mb; ++i)
      for (int64_t j = 0; j < nb; ++j) {
        const int64_t m0 = i * 16, R = std::min<int64_t>(16, M - m0), n0 = j * kTile, T = std::min<int64_t>(kTile, N - n0);
        std::fill(acc.begin(), acc.end(), 0.0);
        gemm_block(a + m0 * K, K, R, b + n0, N, K, T, acc.data());
        for (int64_t r = 0; r < R; ++r)
          for (int64_t t = 0; t < T; ++t) c[(m0 + r) * N + n0 + t] = acc[r * kTile + t];
      }
  }
}

// Batched MatMul with numpy semantics (1-D promotion, broadcast batch dims), result in double.
std::vector<double> matmul_run(const Node& n, const Tensor& a0, const Tensor& b0, Shape& os) {
  Tensor at, bt;  // only used for integer operands; float operands are read in place
  const Tensor& a = a0.is_float() ? a0 : (at = cast_to(a0, DType::Float32));
  const Tensor& b = b0.is_float() ? b0 : (bt = cast_to(b0, DType::Float32));
  if (a.rank() == 0 || b.rank() == 0) fail(n, "inputs must not be scalars");
  Shape as = a.shape, bs = b.shape;
  const bool a1 = as.size() == 1, b1 = bs.size() == 1;
  if (a1) as.insert(as.begin(), 1);
  if (b1) bs.push_back(1);
  const int64_t M = as[as.size() - 2], K = as.back(), N = bs.back();
  if (bs[bs.size() - 2] != K) fail(n, "inner dimensions differ: " + shape_str(a.shape) + " x " + shape_str(b.shape));
  Shape ab(as.begin(), as.end() - 2), bb(bs.begin(), bs.end() - 2);
  Shape batch = broadcast_shapes(n, {&ab, &bb});
  os = batch;
  if (!a1) os.push_back(M);
  if (!b1) os.push_back(N);
  std::vector<double> c(numel(batch) * M * N);
  for_each_bcast<2>(batch, {&ab, &bb}, [&](int64_t o, const std::array<int64_t, 2>& off) {
    matmul_2d(a.f.data() + off[0] * M * K, b.f.data() + off[1] * K * N, c.data() + o * M * N, M, K, N);
  });
  return c;
}

void k_matmul(const Node& n, const In& in, Out& out) {
  Shape os;
  auto c = matmul_run(n, need(n, in, 0), need(n, in, 1), os);
  Tensor r = make(DType::Float32, os);
  for (size_t e = 0; e < c.size(); ++e) r.f[e] = static_cast<float>(c[e]);
  out[0] = std::move(r);
}

void k_gemm(const Node& n, const In& in, Out& out) {
  // References, not copies: B is often a classifier's 100M-weight matrix.
  Tensor atmp, btmp;
  const Tensor* ap = &float_input(n, in, 0, atmp);
  const Tensor& b = float_input(n, in, 1, btmp);
  if (ap->rank() > 2) {  // Gemm before opset 11 also accepted higher ranks flattened to 2-D
    if (ap != &atmp) atmp = *ap;
    atmp.shape = {atmp.shape[0], atmp.size() / std::max<int64_t>(1, atmp.shape[0])};
    ap = &atmp;
  }
  if (ap->rank() != 2 || b.rank() != 2) fail(n, "A and B must be 2-D, got " + shape_str(ap->shape) + " and " + shape_str(b.shape));
  if (n.get_int("transA", 0)) {
    atmp = transpose(*ap, {1, 0});
    ap = &atmp;
  }
  const Tensor& a = *ap;
  const bool tb = n.get_int("transB", 0) != 0;
  const int64_t M = a.shape[0], K = a.shape[1], N = tb ? b.shape[0] : b.shape[1];
  if ((tb ? b.shape[1] : b.shape[0]) != K) fail(n, "inner dimensions differ: " + shape_str(a.shape) + " x " + shape_str(b.shape) + (tb ? " (transB)" : ""));
  const double alpha = n.get_float("alpha", 1.0f), beta = n.get_float("beta", 1.0f);
  std::vector<double> c(M * N);
  if (tb) {
    // Rows of B are contiguous: dot products avoid transposing a classifier's 100M-weight matrix.
#pragma omp parallel for schedule(static)
    for (int64_t j = 0; j < N; ++j)
      for (int64_t i = 0; i < M; ++i) {
        const float* ar = a.f.data() + i * K;
        const float* br = b.f.data() + j * K;
        double acc = 0;
#pragma omp simd reduction(+ : acc)
        for (int64_t k = 0; k < K; ++k) acc += static_cast<double>(ar[k]) * br[k];
        c[i * N + j] = acc;
      }
  } else {
    matmul_2d(a.f.data(), b.f.data(), c.data(), M, K, N);
  }
  Tensor r = make(DType::Float32, {M, N});
  const Tensor* cb = opt(in, 2);
  if (cb && cb->size() > 0) {
    Shape os{M, N};
    Shape bs = broadcast_shapes(n, {&os, &cb->shape});
    if (bs != os) fail(n, "C of shape " + shape_str(cb->shape) + " does not broadcast to " + shape_str(os));
    for_each_bcast<1>(os, {&cb->shape}, [&](int64_t o, const std::array<int64_t, 1>& off) {
      r.f[o] = static_cast<float>(alpha * c[o] + beta * cb->at(off[0]));
    });
  } else {
    for (int64_t o = 0; o < M * N; ++o) r.f[o] = static_cast<float>(alpha * c[o]);
  }
  out[0] = std::move(r);
}

// ---- convolution and pooling --------------------------------------------------------------------

// Geometry of a 2-D window op; 1-D ops are run as 2-D with H = 1.
struct Window {
  int64_t N, C, H, W;     // input
  int64_t KH, KW;         // kernel
  int64_t SH, SW, DH, DW; // strides, dilations
  int64_t PT, PL, PB, PR; // pads
  int64_t OH, OW;         // output
};

// Fills a Window from the node attributes and the input/kernel spatial dims (ONNX auto_pad rules).
Window window_geometry(const Node& n, const Shape& x, std::vector<int64_t> kernel, bool ceil_mode = false) {
  const int64_t sp = static_cast<int64_t>(x.size()) - 2;
  if (sp == 3 || sp > 3 || sp < 1) unsupported(n, std::to_string(sp) + "-D spatial input is not supported (only 1-D and 2-D)");
  auto st = n.get_ints("strides", std::vector<int64_t>(sp, 1));
  auto dl = n.get_ints("dilations", std::vector<int64_t>(sp, 1));
  auto pads = n.get_ints("pads", std::vector<int64_t>(2 * sp, 0));
  if (static_cast<int64_t>(kernel.size()) != sp || static_cast<int64_t>(st.size()) != sp || static_cast<int64_t>(dl.size()) != sp ||
      static_cast<int64_t>(pads.size()) != 2 * sp)
    fail(n, "kernel/strides/dilations/pads lengths do not match " + std::to_string(sp) + " spatial dims");
  std::string ap = n.get_string("auto_pad", "NOTSET");
  std::vector<int64_t> in_sp(x.begin() + 2, x.end()), out_sp(sp);
  for (int64_t d = 0; d < sp; ++d) {
    int64_t ek = (kernel[d] - 1) * dl[d] + 1;
    if (ap == "SAME_UPPER" || ap == "SAME_LOWER") {
      out_sp[d] = (in_sp[d] + st[d] - 1) / st[d];
      int64_t total = std::max<int64_t>(0, (out_sp[d] - 1) * st[d] + ek - in_sp[d]);
      pads[d] = ap == "SAME_UPPER" ? total / 2 : total - total / 2;
      pads[d + sp] = total - pads[d];
    } else if (ap == "VALID") {
      pads[d] = pads[d + sp] = 0;
      out_sp[d] = (in_sp[d] - ek) / st[d] + 1;
    } else if (ap == "NOTSET" || ap.empty()) {
      int64_t span = in_sp[d] + pads[d] + pads[d + sp] - ek;
      out_sp[d] = ceil_mode ? (span + st[d] - 1) / st[d] + 1 : span / st[d] + 1;
      // A ceil-mode window must start inside the input or left padding.
      if (ceil_mode && (out_sp[d] - 1) * st[d] >= in_sp[d] + pads[d]) --out_sp[d];
    } else {
      fail(n, "unknown auto_pad '" + ap + "'");
    }
    if (out_sp[d] <= 0) fail(n, "output spatial size would be " + std::to_string(out_sp[d]));
  }
  Window w{};
  w.N = x[0];
  w.C = x[1];
  if (sp == 1) {
    w.H = 1, w.W = in_sp[0], w.KH = 1, w.KW = kernel[0], w.SH = 1, w.SW = st[0], w.DH = 1, w.DW = dl[0];
    w.PT = 0, w.PB = 0, w.PL = pads[0], w.PR = pads[1], w.OH = 1, w.OW = out_sp[0];
  } else {
    w.H = in_sp[0], w.W = in_sp[1], w.KH = kernel[0], w.KW = kernel[1], w.SH = st[0], w.SW = st[1], w.DH = dl[0], w.DW = dl[1];
    w.PT = pads[0], w.PL = pads[1], w.PB = pads[2], w.PR = pads[3], w.OH = out_sp[0], w.OW = out_sp[1];
  }
  return w;
}

Shape out_shape(const Shape& x, int64_t channels, const Window& w) {
  if (x.size() == 3) return {w.N, channels, w.OW};
  return {w.N, channels, w.OH, w.OW};
}

// y[n][m][p] = bias[m] + sum over the group's (c, kh, kw) of w[m][c][kh][kw] * x[...], in double.
// Output positions are tiled; each tile's im2col slice is built on the fly, so no full im2col
// matrix is ever stored (VGG's first layers would need 100+ MB each).
void conv_core(const Window& g, int64_t M, int64_t groups, const float* x, const float* w, const double* bias, double* y) {
  const int64_t Cg = g.C / groups, Mg = M / groups, K = Cg * g.KH * g.KW, P = g.OH * g.OW;
  const int64_t tiles = (P + kTile - 1) / kTile;
#pragma omp parallel
  {
    std::vector<float> col(K * kTile);
    std::vector<double> acc(16 * kTile);
#pragma omp for schedule(dynamic) collapse(3)
    for (int64_t b = 0; b < g.N; ++b)
      for (int64_t gr = 0; gr < groups; ++gr)
        for (int64_t tile = 0; tile < tiles; ++tile) {
          const int64_t p0 = tile * kTile, T = std::min(kTile, P - p0);
          const float* xb = x + (b * g.C + gr * Cg) * g.H * g.W;
          for (int64_t c = 0; c < Cg; ++c)
            for (int64_t kh = 0; kh < g.KH; ++kh)
              for (int64_t kw = 0; kw < g.KW; ++kw) {
                float* row = col.data() + ((c * g.KH + kh) * g.KW + kw) * kTile;
                for (int64_t t = 0; t < T; ++t) {
                  const int64_t oh = (p0 + t) / g.OW, ow = (p0 + t) % g.OW;
                  const int64_t ih = oh * g.SH - g.PT + kh * g.DH, iw = ow * g.SW - g.PL + kw * g.DW;
                  row[t] = (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) ? xb[(c * g.H + ih) * g.W + iw] : 0.0f;
                }
              }
          for (int64_t m0 = 0; m0 < Mg; m0 += 16) {
            const int64_t R = std::min<int64_t>(16, Mg - m0);
            for (int64_t r = 0; r < R; ++r)
              std::fill_n(acc.data() + r * kTile, T, bias ? bias[gr * Mg + m0 + r] : 0.0);
            gemm_block(w + (gr * Mg + m0) * K, K, R, col.data(), kTile, K, T, acc.data());
            for (int64_t r = 0; r < R; ++r)
              std::copy_n(acc.data() + r * kTile, T, y + ((b * M) + gr * Mg + m0 + r) * P + p0);
          }
        }
  }
}

// Shared by Conv, ConvInteger and QLinearConv: returns the double-precision result.
std::vector<double> conv_run(const Node& n, const Tensor& xin, const Tensor& win, const std::vector<double>* bias, Shape& os) {
  const Tensor& x = xin;
  if (x.rank() < 3) fail(n, "input must have rank >= 3, got " + shape_str(x.shape));
  if (win.rank() != x.rank()) fail(n, "weight rank " + std::to_string(win.rank()) + " does not match input rank " + std::to_string(x.rank()));
  std::vector<int64_t> ks(win.shape.begin() + 2, win.shape.end());
  if (n.has("kernel_shape") && n.get_ints("kernel_shape") != ks) fail(n, "kernel_shape attribute disagrees with the weight shape");
  Window g = window_geometry(n, x.shape, ks);
  const int64_t groups = n.get_int("group", 1), M = win.shape[0];
  if (groups <= 0 || g.C % groups != 0 || M % groups != 0 || win.shape[1] * groups != g.C)
    fail(n, "group=" + std::to_string(groups) + " is inconsistent with input " + shape_str(x.shape) + " and weight " + shape_str(win.shape));
  if (bias && static_cast<int64_t>(bias->size()) != M) fail(n, "bias has " + std::to_string(bias->size()) + " entries, expected " + std::to_string(M));
  os = out_shape(x.shape, M, g);
  std::vector<double> y(numel(os));
  conv_core(g, M, groups, x.f.data(), win.f.data(), bias ? bias->data() : nullptr, y.data());
  return y;
}

void k_conv(const Node& n, const In& in, Out& out) {
  Tensor xtmp;
  const Tensor& x = float_input(n, in, 0, xtmp);
  Tensor wtmp;
  const Tensor& w = float_input(n, in, 1, wtmp);
  std::vector<double> bias;
  if (auto* b = opt(in, 2)) {
    for (int64_t k = 0; k < b->size(); ++k) bias.push_back(b->at(k));
  }
  Shape os;
  auto y = conv_run(n, x, w, opt(in, 2) ? &bias : nullptr, os);
  Tensor r = make(DType::Float32, os);
  for (size_t k = 0; k < y.size(); ++k) r.f[k] = static_cast<float>(y[k]);
  out[0] = std::move(r);
}

// ConvTranspose as a scatter: every input pixel adds its weighted kernel into the output.
void k_conv_transpose(const Node& n, const In& in, Out& out) {
  Tensor xtmp;
  const Tensor& x = float_input(n, in, 0, xtmp);
  Tensor wtmp;
  const Tensor& w = float_input(n, in, 1, wtmp);
  const int64_t sp = x.rank() - 2;
  if (sp != 1 && sp != 2) unsupported(n, std::to_string(sp) + "-D ConvTranspose is not supported (only 1-D and 2-D)");
  const int64_t groups = n.get_int("group", 1), C = x.shape[1], Mg = w.shape[1], M = Mg * groups;
  if (w.shape[0] != C || C % groups != 0) fail(n, "weight " + shape_str(w.shape) + " does not match input " + shape_str(x.shape));
  std::vector<int64_t> in_sp(x.shape.begin() + 2, x.shape.end()), ks(w.shape.begin() + 2, w.shape.end());
  auto st = n.get_ints("strides", std::vector<int64_t>(sp, 1));
  auto dl = n.get_ints("dilations", std::vector<int64_t>(sp, 1));
  auto op = n.get_ints("output_padding", std::vector<int64_t>(sp, 0));
  auto pads = n.get_ints("pads", std::vector<int64_t>(2 * sp, 0));
  auto oshape = n.get_ints("output_shape");
  std::string ap = n.get_string("auto_pad", "NOTSET");
  std::vector<int64_t> o_sp(sp);
  for (int64_t d = 0; d < sp; ++d) {
    int64_t full = st[d] * (in_sp[d] - 1) + op[d] + (ks[d] - 1) * dl[d] + 1;
    if (!oshape.empty() || ap == "SAME_UPPER" || ap == "SAME_LOWER") {
      o_sp[d] = !oshape.empty() ? oshape[oshape.size() - sp + d] : in_sp[d] * st[d];
      int64_t total = std::max<int64_t>(0, full - o_sp[d]);
      // ONNX: SAME_UPPER puts the extra pad at the end; output_shape without auto_pad does the same.
      pads[d] = ap == "SAME_LOWER" ? total - total / 2 : total / 2;
      pads[d + sp] = total - pads[d];
    } else {
      if (ap == "VALID") pads[d] = pads[d + sp] = 0;
      o_sp[d] = full - pads[d] - pads[d + sp];
    }
  }
  const int64_t H = sp == 2 ? in_sp[0] : 1, W = in_sp.back(), KH = sp == 2 ? ks[0] : 1, KW = ks.back();
  const int64_t OH = sp == 2 ? o_sp[0] : 1, OW = o_sp.back(), SH = sp == 2 ? st[0] : 1, SW = st.back();
  const int64_t DH = sp == 2 ? dl[0] : 1, DW = dl.back(), PT = sp == 2 ? pads[0] : 0, PL = pads[sp - 1];
  const int64_t N = x.shape[0], Cg = C / groups;
  std::vector<double> y(N * M * OH * OW, 0.0);
#pragma omp parallel for collapse(2)
  for (int64_t b = 0; b < N; ++b)
    for (int64_t m = 0; m < M; ++m) {
      const int64_t gr = m / Mg, mm = m % Mg;
      double* yo = y.data() + (b * M + m) * OH * OW;
      for (int64_t c = gr * Cg; c < (gr + 1) * Cg; ++c)
        for (int64_t ih = 0; ih < H; ++ih)
          for (int64_t iw = 0; iw < W; ++iw) {
            const double v = x.f[((b * C + c) * H + ih) * W + iw];
            for (int64_t kh = 0; kh < KH; ++kh) {
              int64_t oh = ih * SH - PT + kh * DH;
              if (oh < 0 || oh >= OH) continue;
              for (int64_t kw = 0; kw < KW; ++kw) {
                int64_t ow = iw * SW - PL + kw * DW;
                if (ow < 0 || ow >= OW) continue;
                yo[oh * OW + ow] += v * w.f[((c * Mg + mm) * KH + kh) * KW + kw];
              }
            }
          }
      if (auto* bias = opt(in, 2))
        for (int64_t e = 0; e < OH * OW; ++e) yo[e] += bias->at(m);
    }
  Shape os = sp == 2 ? Shape{N, M, OH, OW} : Shape{N, M, OW};
  Tensor r = make(DType::Float32, os);
  for (size_t k = 0; k < y.size(); ++k) r.f[k] = static_cast<float>(y[k]);
  out[0] = std::move(r);
}

void pool(const Node& n, const In& in, Out& out, bool is_max) {
  Tensor xtmp;
  const Tensor& x = float_input(n, in, 0, xtmp);
  if (out.size() > 1 && !n.outputs[1].empty()) unsupported(n, "the Indices output is not supported");
  if (!n.has("kernel_shape")) fail(n, "kernel_shape attribute is required");
  const bool ceil_mode = n.get_int("ceil_mode", 0) != 0;
  Window g = window_geometry(n, x.shape, n.get_ints("kernel_shape"), ceil_mode);
  if (!is_max && n.has("dilations") && n.get_ints("dilations") != std::vector<int64_t>(x.rank() - 2, 1))
    unsupported(n, "dilated AveragePool is not supported");
  const bool include_pad = n.get_int("count_include_pad", 0) != 0;
  Tensor r = make(DType::Float32, out_shape(x.shape, g.C, g));
  const int64_t planes = g.N * g.C;
#pragma omp parallel for
  for (int64_t pl = 0; pl < planes; ++pl) {
    const float* xp = x.f.data() + pl * g.H * g.W;
    float* yp = r.f.data() + pl * g.OH * g.OW;
    for (int64_t oh = 0; oh < g.OH; ++oh)
      for (int64_t ow = 0; ow < g.OW; ++ow) {
        double acc = is_max ? -INFINITY : 0.0;
        int64_t cnt = 0, padded = 0;
        for (int64_t kh = 0; kh < g.KH; ++kh)
          for (int64_t kw = 0; kw < g.KW; ++kw) {
            const int64_t ih = oh * g.SH - g.PT + kh * g.DH, iw = ow * g.SW - g.PL + kw * g.DW;
            if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) {
              const double v = xp[ih * g.W + iw];
              acc = is_max ? std::max(acc, v) : acc + v;
              ++cnt;
            } else if (ih < g.H + g.PB && iw < g.W + g.PR) {
              ++padded;  // inside the explicit padding; ceil-mode overhang beyond it never counts
            }
          }
        yp[oh * g.OW + ow] = static_cast<float>(is_max ? acc : acc / static_cast<double>(include_pad ? cnt + padded : cnt));
      }
  }
  if (is_max && !need(n, in, 0).is_float()) r = cast_to(r, need(n, in, 0).dtype);
  out[0] = std::move(r);
}
void k_max_pool(const Node& n, const In& in, Out& out) { pool(n, in, out, true); }
void k_avg_pool(const Node& n, const In& in, Out& out) { pool(n, in, out, false); }

void global_pool(const Node& n, const In& in, Out& out, bool is_max) {
  Tensor xtmp;
  const Tensor& x = float_input(n, in, 0, xtmp);
  if (x.rank() < 3) fail(n, "input must have rank >= 3");
  Shape os = x.shape;
  for (int64_t d = 2; d < x.rank(); ++d) os[d] = 1;
  const int64_t planes = x.shape[0] * x.shape[1], inner = x.size() / std::max<int64_t>(1, planes);
  Tensor r = make(DType::Float32, os);
  for (int64_t p = 0; p < planes; ++p) {
    double acc = is_max ? -INFINITY : 0.0;
    for (int64_t e = 0; e < inner; ++e) acc = is_max ? std::max(acc, static_cast<double>(x.f[p * inner + e])) : acc + x.f[p * inner + e];
    r.f[p] = static_cast<float>(is_max ? acc : acc / static_cast<double>(inner));
  }
  out[0] = std::move(r);
}
void k_global_avg_pool(const Node& n, const In& in, Out& out) { global_pool(n, in, out, false); }
void k_global_max_pool(const Node& n, const In& in, Out& out) { global_pool(n, in, out, true); }

// ---- quantized ops (exact ONNX integer semantics) -----------------------------------------------

std::pair<int64_t, int64_t> int_range(DType t) {
  switch (t) {
    case DType::Int8: return {-128, 127};
    case DType::UInt8: return {0, 255};
    case DType::Int16: return {-32768, 32767};
    case DType::UInt16: return {0, 65535};
    case DType::Int32: return {INT32_MIN, INT32_MAX};
    default: return {INT64_MIN, INT64_MAX};
  }
}

// Per-tensor or per-axis parameter lookup: index of the parameter for element `o` of a tensor.
struct AxisParam {
  int64_t inner = 1, dim = 1;
  bool per_axis = false;
  int64_t index(int64_t o) const { return per_axis ? (o / inner) % dim : 0; }
};
AxisParam axis_param(const Node& n, const Tensor& x, const Tensor& param) {
  AxisParam p;
  if (param.size() <= 1) return p;
  if (param.rank() != 1) unsupported(n, "blocked quantization parameters are not supported");
  int64_t axis = norm_axis(n, n.get_int("axis", 1), x.rank());
  if (x.shape[axis] != param.size()) fail(n, "per-axis parameter has " + std::to_string(param.size()) + " entries for dim " + std::to_string(x.shape[axis]));
  p.per_axis = true;
  p.dim = x.shape[axis];
  p.inner = numel(Shape(x.shape.begin() + axis + 1, x.shape.end()));
  return p;
}

int64_t saturate_round(double v, DType t) {
  auto [lo, hi] = int_range(t);
  double r = std::nearbyint(v);  // default FP mode rounds half to even, as ONNX requires
  return static_cast<int64_t>(std::clamp(r, static_cast<double>(lo), static_cast<double>(hi)));
}

void k_quantize(const Node& n, const In& in, Out& out) {
  const Tensor& x = need(n, in, 0);
  const Tensor& sc = need(n, in, 1);
  const Tensor* zp = opt(in, 2);
  DType t = zp ? zp->dtype : DType::UInt8;
  AxisParam ap = axis_param(n, x, sc);
  Tensor r = make(t, x.shape);
  for (int64_t o = 0; o < x.size(); ++o) {
    int64_t k = ap.index(o);
    double z = zp ? zp->at(k) : 0.0;
    r.i[o] = saturate_round(x.at(o) / sc.at(k) + z, t);
  }
  out[0] = std::move(r);
}

void k_dequantize(const Node& n, const In& in, Out& out) {
  const Tensor& x = need(n, in, 0);
  const Tensor& sc = need(n, in, 1);
  const Tensor* zp = opt(in, 2);
  AxisParam ap = axis_param(n, x, sc);
  Tensor r = make(DType::Float32, x.shape);
  for (int64_t o = 0; o < x.size(); ++o) {
    int64_t k = ap.index(o);
    r.f[o] = static_cast<float>((x.at(o) - (zp ? zp->at(k) : 0.0)) * sc.at(k));
  }
  out[0] = std::move(r);
}

// x - zero_point as float (exact for 8/16-bit ints); zp per-tensor or per-axis along `axis`.
Tensor centered(const Node& n, const Tensor& x, const Tensor* zp, int64_t axis) {
  Tensor r = make(DType::Float32, x.shape);
  AxisParam ap;
  if (zp && zp->size() > 1) {
    ap.per_axis = true;
    ap.dim = x.shape[axis];
    ap.inner = numel(Shape(x.shape.begin() + axis + 1, x.shape.end()));
    if (zp->size() != ap.dim) fail(n, "zero point size does not match dim " + std::to_string(ap.dim));
  }
  for (int64_t o = 0; o < x.size(); ++o) r.f[o] = static_cast<float>(x.at(o) - (zp ? zp->at(ap.index(o)) : 0.0));
  return r;
}

void k_qlinear_conv(const Node& n, const In& in, Out& out) {
  const Tensor& x = need(n, in, 0);
  const double xs = need(n, in, 1).at(0);
  const Tensor& w = need(n, in, 3);
  const Tensor& ws = need(n, in, 4);
  const double ys = need(n, in, 6).at(0);
  const Tensor& yz = need(n, in, 7);
  Tensor xc = centered(n, x, &need(n, in, 2), 1), wc = centered(n, w, &need(n, in, 5), 0);
  std::vector<double> bias;
  const Tensor* b = opt(in, 8);
  if (b)
    for (int64_t k = 0; k < b->size(); ++k) bias.push_back(b->at(k));
  Shape os;
  auto acc = conv_run(n, xc, wc, b ? &bias : nullptr, os);
  Tensor r = make(yz.dtype, os);
  const int64_t M = os[1], inner = numel(os) / std::max<int64_t>(1, os[0] * M);
  for (int64_t o = 0; o < r.size(); ++o) {
    int64_t m = (o / inner) % M;
    double scale = xs * (ws.size() > 1 ? ws.at(m) : ws.at(0)) / ys;
    r.i[o] = saturate_round(acc[o] * scale + yz.at(0), yz.dtype);
  }
  out[0] = std::move(r);
}

void k_conv_integer(const Node& n, const In& in, Out& out) {
  Tensor xc = centered(n, need(n, in, 0), opt(in, 2), 1), wc = centered(n, need(n, in, 1), opt(in, 3), 0);
  Shape os;
  auto acc = conv_run(n, xc, wc, nullptr, os);
  Tensor r = make(DType::Int32, os);
  for (size_t o = 0; o < acc.size(); ++o) r.i[o] = static_cast<int64_t>(acc[o]);
  out[0] = std::move(r);
}

// Integer matmul of zero-point-centered operands, exact in double for 8-bit inputs. A's zero point
// is per tensor or per row (axis -2), B's per tensor or per column (last axis).
std::vector<double> int_matmul(const Node& n, const Tensor& a, const Tensor* azp, const Tensor& b, const Tensor* bzp, Shape& os) {
  Tensor ac = centered(n, a, azp, std::max<int64_t>(0, a.rank() - 2));
  Tensor bc = centered(n, b, bzp, b.rank() - 1);
  return matmul_run(n, ac, bc, os);
}

void k_matmul_integer(const Node& n, const In& in, Out& out) {
  Shape os;
  auto acc = int_matmul(n, need(n, in, 0), opt(in, 2), need(n, in, 1), opt(in, 3), os);
  Tensor r = make(DType::Int32, os);
  for (size_t o = 0; o < acc.size(); ++o) r.i[o] = std::llround(acc[o]);
  out[0] = std::move(r);
}

void k_qlinear_matmul(const Node& n, const In& in, Out& out) {
  const Tensor& as = need(n, in, 1);
  const Tensor& bs = need(n, in, 4);
  const double ys = need(n, in, 6).at(0);
  const Tensor& yz = need(n, in, 7);
  Shape os;
  auto acc = int_matmul(n, need(n, in, 0), &need(n, in, 2), need(n, in, 3), &need(n, in, 5), os);
  Tensor r = make(yz.dtype, os);
  const int64_t N = os.empty() ? 1 : os.back();
  for (int64_t o = 0; o < r.size(); ++o) {
    double scale = as.at(0) * (bs.size() > 1 ? bs.at(o % N) : bs.at(0)) / ys;
    r.i[o] = saturate_round(std::round(acc[o]) * scale + yz.at(0), yz.dtype);
  }
  out[0] = std::move(r);
}

// ---- the table ----------------------------------------------------------------------------------

const OpInfo kOps[] = {
    {"Abs", k_abs},
    {"Add", k_add},
    {"And", k_and},
    {"ArgMax", k_argmax},
    {"ArgMin", k_argmin},
    {"AveragePool", k_avg_pool},
    {"BatchNormalization", k_batchnorm},
    {"Cast", k_cast},
    {"Ceil", k_ceil},
    {"Clip", k_clip},
    {"Concat", k_concat},
    {"Constant", k_constant},
    {"ConstantOfShape", k_constant_of_shape},
    {"Conv", k_conv},
    {"ConvInteger", k_conv_integer},
    {"ConvTranspose", k_conv_transpose},
    {"Cos", k_cos},
    {"DequantizeLinear", k_dequantize},
    {"Div", k_div},
    {"Dropout", k_identity},
    {"Elu", k_elu},
    {"Equal", k_equal},
    {"Erf", k_erf},
    {"Exp", k_exp},
    {"Expand", k_expand},
    {"Flatten", k_flatten},
    {"Floor", k_floor},
    {"Gather", k_gather},
    {"Gelu", k_gelu},
    {"Gemm", k_gemm},
    {"GlobalAveragePool", k_global_avg_pool},
    {"GlobalMaxPool", k_global_max_pool},
    {"Greater", k_greater},
    {"GreaterOrEqual", k_greater_eq},
    {"HardSigmoid", k_hard_sigmoid},
    {"HardSwish", k_hard_swish},
    {"Identity", k_identity},
    {"LayerNormalization", k_layernorm},
    {"LeakyRelu", k_leaky_relu},
    {"Less", k_less},
    {"LessOrEqual", k_less_eq},
    {"Log", k_log},
    {"LogSoftmax", k_log_softmax},
    {"MatMul", k_matmul},
    {"MatMulInteger", k_matmul_integer},
    {"Max", k_max},
    {"MaxPool", k_max_pool},
    {"Mean", k_mean},
    {"Min", k_min},
    {"Mul", k_mul},
    {"Neg", k_neg},
    {"Not", k_not},
    {"Or", k_or},
    {"PRelu", k_prelu},
    {"Pad", k_pad},
    {"Pow", k_pow},
    {"QLinearConv", k_qlinear_conv},
    {"QLinearMatMul", k_qlinear_matmul},
    {"QuantizeLinear", k_quantize},
    {"Range", k_range},
    {"Reciprocal", k_reciprocal},
    {"ReduceL1", k_reduce_l1},
    {"ReduceL2", k_reduce_l2},
    {"ReduceLogSumExp", k_reduce_log_sum_exp},
    {"ReduceMax", k_reduce_max},
    {"ReduceMean", k_reduce_mean},
    {"ReduceMin", k_reduce_min},
    {"ReduceProd", k_reduce_prod},
    {"ReduceSum", k_reduce_sum},
    {"ReduceSumSquare", k_reduce_sum_square},
    {"Relu", k_relu},
    {"Reshape", k_reshape},
    {"Selu", k_selu},
    {"Shape", k_shape},
    {"Sigmoid", k_sigmoid},
    {"Sign", k_sign},
    {"Sin", k_sin},
    {"Size", k_size},
    {"Slice", k_slice},
    {"Softmax", k_softmax},
    {"Softplus", k_softplus},
    {"Softsign", k_softsign},
    {"Split", k_split},
    {"Sqrt", k_sqrt},
    {"Squeeze", k_squeeze},
    {"Sub", k_sub},
    {"Sum", k_sum},
    {"Tanh", k_tanh},
    {"Tile", k_tile},
    {"Transpose", k_transpose},
    {"Trilu", k_trilu},
    {"Unsqueeze", k_unsqueeze},
    {"Where", k_where},
    {"Xor", k_xor},
};

}  // namespace

const OpInfo* find_op(std::string_view op_type) {
  for (const auto& op : kOps)
    if (op_type == op.name) return &op;
  return nullptr;
}

std::vector<std::string> supported_ops() {
  std::vector<std::string> r;
  for (const auto& op : kOps) r.emplace_back(op.name);
  std::sort(r.begin(), r.end());
  return r;
}

std::string supported_ops_list() {
  std::string s;
  for (const auto& op : supported_ops()) s += (s.empty() ? "" : ", ") + op;
  return s;
}

}  // namespace zk::onnx
