// Hostile verifying keys: well-formed bytes whose graph asks the layers' shape and bound
// arithmetic for absurd values. Each was found (under UBSan) to overflow int64/int128 before the
// key reader and the layers bounded them; each must now be one clear zk::Error. Built as graphs
// and written by the current writer, so the cases follow format changes instead of going stale as
// byte files would. scripts/sanitize.sh runs them under ASan + UBSan, where a regression is a
// sanitizer report and not only a wrong message.
#include <gtest/gtest.h>

#include <string>

#include "io/formats.hpp"

namespace {

using zk::layers::IntGraph;
using zk::layers::IntNode;
using zk::layers::TensorKind;
constexpr int64_t kHuge = int64_t(1) << 62;

// x [1, 1, 4, 4] (input) and, for conv, w [1, 1, 3, 3] (constant) into one node whose output is
// the graph's output.
IntGraph one_node(const std::string& op, zk::layers::IntAttrs attrs, int64_t x_bound = 127) {
  IntGraph g;
  g.tensors.push_back({"x", TensorKind::Input, {1, 1, 4, 4}, 0, 1.0, x_bound});
  std::vector<int> inputs = {0};
  if (op == "conv") {
    g.tensors.push_back({"w", TensorKind::Constant, {1, 1, 3, 3}, 0, 1.0, 127});
    g.constants[1].shape = {1, 1, 3, 3};
    inputs.push_back(1);
  }
  g.tensors.push_back({"y", TensorKind::Value, {1}, 0, 1.0, 0});
  IntNode n;
  n.op = op;
  n.name = op + "0";
  n.inputs = inputs;
  n.outputs = {static_cast<int>(g.tensors.size()) - 1};
  n.attrs = std::move(attrs);
  g.nodes.push_back(n);
  g.inputs = {0};
  g.outputs = n.outputs;
  return g;
}

// Writes g as a verifying key (weights private: no weight values needed) and reads it back.
std::string read_error(const IntGraph& g) {
  zk::io::VerifyingKey vk;
  vk.graph = g;
  vk.visibility.weights_private = true;
  const auto bytes = zk::io::write_verifying_key(vk);
  try {
    zk::io::read_verifying_key(bytes);
  } catch (const zk::Error& e) {
    return e.what();
  }
  return "(accepted)";
}

void expect_refused(const IntGraph& g, const std::string& needle) {
  const std::string err = read_error(g);
  EXPECT_EQ(err.rfind("the verifying key ", 0), 0u) << err;
  EXPECT_NE(err.find(needle), std::string::npos) << "expected '" << needle << "' in: " << err;
  EXPECT_EQ(err.find('\n'), std::string::npos) << err;
}

TEST(HostileKey, TheSameGraphWithSaneAttributesIsAccepted) {
  // The cases below differ from these only in the absurd value: the reader is not refusing convs.
  EXPECT_EQ(read_error(one_node("conv", {{"pads", {1, 1, 1, 1}}})), "(accepted)");
  EXPECT_EQ(read_error(one_node("reshape", {{"shape", {16}}})), "(accepted)");
}

TEST(HostileKey, ConvGeometryNearTwoToTheSixtyTwo) {
  expect_refused(one_node("conv", {{"pads", {kHuge, kHuge, kHuge, kHuge}}}), "absurd group, stride, dilation or pad");
  expect_refused(one_node("conv", {{"strides", {kHuge, kHuge}}, {"dilations", {kHuge, kHuge}}}), "absurd");
  expect_refused(one_node("conv", {{"group", {-kHuge}}}), "absurd");
}

TEST(HostileKey, PoolingSliceAndPadGeometry) {
  expect_refused(one_node("maxpool", {{"kernel", {2, 2}}, {"pads", {kHuge, kHuge, kHuge, kHuge}}}),
                 "absurd kernel, stride, pad or dilation");
  expect_refused(one_node("sumpool", {{"kernel", {kHuge, kHuge}}}), "absurd kernel");
  expect_refused(one_node("slice", {{"starts", {0, 0, 0, 0}}, {"steps", {kHuge, 1, 1, 1}}, {"counts", {kHuge, 1, 1, 1}}}),
                 "absurd slice start, step or count");
  expect_refused(one_node("pad", {{"pads", std::vector<int64_t>(8, kHuge)}}), "absurd pad");
}

TEST(HostileKey, ElementCountsThatOverflow) {
  expect_refused(one_node("reshape", {{"shape", {int64_t(1) << 32, int64_t(1) << 32, 16}}}), "too many elements");
  expect_refused(one_node("gather", {{"axis", {0}}, {"indices", {0}}, {"indices_shape", {int64_t(1) << 40, int64_t(1) << 40}}}),
                 "too many elements");
  // Within int64 but beyond what a file may hold: refused by the graph check, not carried on.
  expect_refused(one_node("conv", {{"pads", {int64_t(1) << 31, int64_t(1) << 31, 0, 0}}}), "absurd output shape");
}

TEST(HostileKey, DeclaredShapesAndBounds) {
  IntGraph g = one_node("reshape", {{"shape", {16}}});
  g.tensors[0].shape = {1, 1, -4, -4};
  expect_refused(g, "absurd shape");
  g.tensors[0].shape = {kHuge, kHuge, 1, 1};
  expect_refused(g, "absurd shape");
  // The conv accumulator bound multiplies two declared bounds in 128 bits.
  expect_refused(one_node("conv", {}, INT64_MAX), "absurd bound");
  expect_refused(one_node("conv", {}, -5), "absurd bound");
}

}  // namespace
