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

LookupTable range_table(unsigned bits) {
  if (bits > 24) throw Error("range table of 2^" + std::to_string(bits) + " entries is too large");
  LookupTable t;
  t.key = "range" + std::to_string(bits);
  t.inputs.resize(size_t(1) << bits);
  for (size_t i = 0; i < t.inputs.size(); ++i) t.inputs[i] = static_cast<int64_t>(i);
  return t;
}

}  // namespace zk::layers
