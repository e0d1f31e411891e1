#include "layers/proof.hpp"

#include "poly/multilinear.hpp"

namespace zk::layers {

MleLayout mle_layout(const Shape& shape) {
  MleLayout layout;
  for (int64_t d : shape) {
    if (d <= 0) throw Error("tensor dimension " + std::to_string(d) + " cannot be committed");
    const unsigned b = ceil_log2(static_cast<size_t>(d));
    layout.padded.push_back(int64_t(1) << b);
    layout.bits.push_back(b);
    layout.num_vars += b;
  }
  return layout;
}

std::vector<Fp> mle_table(const IntTensor& tensor) {
  const MleLayout layout = mle_layout(tensor.shape);
  std::vector<Fp> table(size_t(1) << layout.num_vars);
  const size_t rank = tensor.shape.size();
  if (rank == 0) {
    table[0] = Fp::from_signed(tensor.data.at(0));
    return table;
  }
  // Copy row by row (a row = the last dimension), mapping the row-major index of the real shape to
  // the padded one.
  const int64_t row = tensor.shape.back();
  const int64_t rows = row ? tensor.size() / row : 0;
  std::vector<int64_t> idx(rank, 0);
  for (int64_t r = 0; r < rows; ++r) {
    int64_t padded_offset = 0;
    for (size_t d = 0; d + 1 < rank; ++d) padded_offset = padded_offset * layout.padded[d] + idx[d];
    padded_offset *= layout.padded.back();
    for (int64_t c = 0; c < row; ++c) table[padded_offset + c] = Fp::from_signed(tensor.data[r * row + c]);
    for (size_t d = rank - 1; d-- > 0;) {
      if (++idx[d] < tensor.shape[d]) break;
      idx[d] = 0;
    }
  }
  return table;
}

std::vector<std::vector<Fp2>> split_point(const MleLayout& layout, std::span<const Fp2> point) {
  if (point.size() != layout.num_vars) {
    throw Error("point has " + std::to_string(point.size()) + " coordinates, the tensor " +
                std::to_string(layout.num_vars) + " variables");
  }
  std::vector<std::vector<Fp2>> dims(layout.bits.size());
  size_t offset = 0;
  for (size_t d = layout.bits.size(); d-- > 0;) {
    dims[d].assign(point.begin() + offset, point.begin() + offset + layout.bits[d]);
    offset += layout.bits[d];
  }
  return dims;
}

std::vector<Fp2> join_point(const MleLayout& layout, const std::vector<std::vector<Fp2>>& dims) {
  if (dims.size() != layout.bits.size()) throw Error("join_point: wrong number of dimensions");
  std::vector<Fp2> point;
  point.reserve(layout.num_vars);
  for (size_t d = dims.size(); d-- > 0;) {
    if (dims[d].size() != layout.bits[d]) throw Error("join_point: wrong coordinate count");
    point.insert(point.end(), dims[d].begin(), dims[d].end());
  }
  return point;
}

Fp2 evaluate_tensor(const IntTensor& tensor, std::span<const Fp2> point) {
  auto table = mle_table(tensor);
  return evaluate_mle(std::span<const Fp>(table), point);
}

Fp2 prefix_selector(std::span<const Fp2> r, int64_t n) {
  // Walk the bits of n from the top: sum over i < n splits into the full subcubes below each set
  // bit of n (each sums to 1 over its free low coordinates) with the higher coordinates fixed.
  if (n >= (int64_t(1) << r.size())) return Fp2::one();
  Fp2 total, prefix = Fp2::one();
  for (size_t j = r.size(); j-- > 0;) {
    const bool bit = (n >> j) & 1;
    if (bit) total += prefix * (Fp2::one() - r[j]);  // coordinate j = 0, lower ones free
    prefix *= bit ? r[j] : Fp2::one() - r[j];
  }
  return total;
}

BroadcastPoint broadcast_point(const Shape& in, const Shape& out, std::span<const Fp2> out_point) {
  if (in.size() > out.size()) throw Error("broadcast_point: input of higher rank than the output");
  const MleLayout out_layout = mle_layout(out);
  auto dims = split_point(out_layout, out_point);
  BroadcastPoint result;
  const size_t lead = out.size() - in.size();
  std::vector<std::vector<Fp2>> in_dims;
  for (size_t d = 0; d < out.size(); ++d) {
    const int64_t in_dim = d < lead ? 1 : in[d - lead];
    if (in_dim == out[d]) {
      if (d >= lead) in_dims.push_back(dims[d]);
    } else if (in_dim == 1) {
      result.factor *= prefix_selector(dims[d], out[d]);
      if (d >= lead) in_dims.emplace_back();
    } else {
      throw Error("broadcast_point: shapes " + shape_str(in) + " and " + shape_str(out) + " do not broadcast");
    }
  }
  result.point = join_point(mle_layout(in), in_dims);
  return result;
}

LookupTable range_table(unsigned bits) {
  if (bits > 24) throw Error("range table of 2^" + std::to_string(bits) + " entries is too large");
  LookupTable t;
  t.key = "range" + std::to_string(bits);
  t.inputs.resize(size_t(1) << bits);
  for (size_t i = 0; i < t.inputs.size(); ++i) t.inputs[i] = static_cast<int64_t>(i);
  return t;
}

}  // namespace zk::layers
