// Importer behaviour on small models built in the test with onnx::ModelProto.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <random>

#include "onnx/float_executor.hpp"
#include "onnx/import.hpp"

using zk::Error;
using zk::onnx::FloatExecutor;
using zk::onnx::Graph;
using zk::onnx::ImportOptions;
using zk::onnx::Tensor;
using zk::onnx::Unsupported;
using zk::onnx::import_bytes;

namespace {

struct ModelBuilder {
  onnx::ModelProto m;
  onnx::GraphProto* g;
  explicit ModelBuilder(int opset = 13) {
    m.set_ir_version(8);
    auto* op = m.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    g = m.mutable_graph();
    g->set_name("test");
  }
  // dims: -1 means a symbolic dim named "N".
  void input(const std::string& name, std::vector<int64_t> dims, int type = onnx::TensorProto::FLOAT) {
    value(g->add_input(), name, dims, type);
  }
  // The checker wants a shape on outputs; unnamed dims leave it to shape inference.
  void output(const std::string& name, int rank) {
    auto* v = g->add_output();
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    auto* s = tt->mutable_shape();
    for (int k = 0; k < rank; ++k) s->add_dim();
  }
  static void value(onnx::ValueInfoProto* v, const std::string& name, std::vector<int64_t> dims, int type) {
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(type);
    auto* s = tt->mutable_shape();
    for (auto d : dims) {
      if (d < 0) s->add_dim()->set_dim_param("N");
      else s->add_dim()->set_dim_value(d);
    }
  }
  void init_floats(const std::string& name, std::vector<int64_t> dims, std::vector<float> v) {
    auto* t = g->add_initializer();
    fill(t, name, dims, v);
  }
  static void fill(onnx::TensorProto* t, const std::string& name, std::vector<int64_t> dims, std::vector<float> v) {
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (auto d : dims) t->add_dims(d);
    for (auto x : v) t->add_float_data(x);
  }
  void init_ints(const std::string& name, std::vector<int64_t> dims, std::vector<int64_t> v) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    for (auto d : dims) t->add_dims(d);
    for (auto x : v) t->add_int64_data(x);
  }
  onnx::NodeProto* node(const std::string& op, std::vector<std::string> in, std::vector<std::string> out, const std::string& name = "") {
    auto* n = g->add_node();
    n->set_op_type(op);
    n->set_name(name.empty() ? op + std::to_string(g->node_size()) : name);
    for (auto& s : in) n->add_input(s);
    for (auto& s : out) n->add_output(s);
    return n;
  }
  static void attr_int(onnx::NodeProto* n, const std::string& name, int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void attr_ints(onnx::NodeProto* n, const std::string& name, std::vector<int64_t> v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (auto x : v) a->add_ints(x);
  }
  std::string bytes() const { return m.SerializeAsString(); }
};

// x[1,2,2,2] -> Conv(1x1, 2->2) -> BatchNormalization -> Relu -> y
ModelBuilder conv_bn_model() {
  ModelBuilder b;
  b.input("x", {-1, 2, 2, 2});
  b.init_floats("w", {2, 2, 1, 1}, {1, 2, -1, 0.5f});
  b.init_floats("cb", {2}, {0.1f, -0.2f});
  b.init_floats("s", {2}, {2, 0.5f});
  b.init_floats("bb", {2}, {1, -1});
  b.init_floats("mean", {2}, {0.3f, -0.4f});
  b.init_floats("var", {2}, {4, 0.25f});
  b.node("Conv", {"x", "w", "cb"}, {"c"}, "conv1");
  b.node("BatchNormalization", {"c", "s", "bb", "mean", "var"}, {"n"}, "bn1");
  b.node("Relu", {"n"}, {"y"}, "relu1");
  b.output("y", 4);
  return b;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no exception>";
}

}  // namespace

TEST(OnnxImport, imports_conv_model_and_fixes_batch_to_one) {
  Graph g = import_bytes(conv_bn_model().bytes());
  ASSERT_EQ(g.inputs.size(), 1u);
  EXPECT_EQ(g.inputs[0].shape, (zk::onnx::Shape{1, 2, 2, 2}));
  ASSERT_EQ(g.notes.size(), 1u);
  EXPECT_NE(g.notes[0].find("fixed to 1"), std::string::npos);
  EXPECT_EQ(g.outputs[0].shape, (zk::onnx::Shape{1, 2, 2, 2}));
}

TEST(OnnxImport, caller_shape_fixes_dynamic_batch) {
  ImportOptions o;
  o.input_shapes["x"] = {3, 2, 2, 2};
  Graph g = import_bytes(conv_bn_model().bytes(), o);
  EXPECT_EQ(g.inputs[0].shape[0], 3);
  EXPECT_TRUE(g.notes.empty());
  EXPECT_EQ(g.outputs[0].shape, (zk::onnx::Shape{3, 2, 2, 2}));
}

TEST(OnnxImport, folds_batchnorm_into_conv_without_changing_results) {
  ImportOptions raw;
  raw.fold_batchnorm = false;
  Graph folded = import_bytes(conv_bn_model().bytes());
  Graph unfolded = import_bytes(conv_bn_model().bytes(), raw);
  ASSERT_EQ(folded.nodes.size(), 2u);
  EXPECT_EQ(folded.nodes[0].op_type, "Conv");
  EXPECT_EQ(folded.nodes[1].op_type, "Relu");
  EXPECT_EQ(unfolded.nodes.size(), 3u);
  Tensor x = Tensor::floats({1, 2, 2, 2}, {0.5f, -1, 2, 3, -0.25f, 1, 0, 4});
  auto a = FloatExecutor(folded).run({x});
  auto b = FloatExecutor(unfolded).run({x});
  for (size_t k = 0; k < a[0].f.size(); ++k) EXPECT_NEAR(a[0].f[k], b[0].f[k], 1e-5) << k;
}

TEST(OnnxImport, folds_shape_chain_and_drops_identity) {
  // y = Reshape(Identity(x), Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])): a PyTorch flatten.
  ModelBuilder b;
  b.input("x", {2, 3, 4});
  b.init_ints("zero", {}, {0});
  b.init_ints("ax0", {1}, {0});
  b.init_ints("minus1", {1}, {-1});
  b.node("Identity", {"x"}, {"xi"});
  b.node("Shape", {"xi"}, {"shp"});
  b.node("Gather", {"shp", "zero"}, {"n"});
  b.node("Unsqueeze", {"n", "ax0"}, {"n1"});
  b.node("Concat", {"n1", "minus1"}, {"target"})->add_attribute()->CopyFrom([] {
    onnx::AttributeProto a;
    a.set_name("axis");
    a.set_type(onnx::AttributeProto::INT);
    a.set_i(0);
    return a;
  }());
  b.node("Reshape", {"xi", "target"}, {"y"});
  b.output("y", 2);
  Graph g = import_bytes(b.bytes());
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].op_type, "Reshape");
  EXPECT_EQ(g.nodes[0].inputs[0], "x");
  ASSERT_TRUE(g.is_constant(g.nodes[0].inputs[1]));
  EXPECT_EQ(g.constant(g.nodes[0].inputs[1])->i, (std::vector<int64_t>{2, -1}));
  EXPECT_EQ(g.outputs[0].shape, (zk::onnx::Shape{2, 12}));
}

TEST(OnnxImport, constant_node_weights_and_constant_if) {
  ModelBuilder b;
  b.input("x", {2});
  auto* c = b.node("Constant", {}, {"w"});
  auto* a = c->add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  ModelBuilder::fill(a->mutable_t(), "", {2}, {10, 20});
  auto* cond = b.g->add_initializer();
  cond->set_name("cond");
  cond->set_data_type(onnx::TensorProto::BOOL);
  cond->add_int32_data(0);
  auto* iff = b.node("If", {"cond"}, {"z"}, "choose");
  for (const char* br : {"then_branch", "else_branch"}) {
    auto* at = iff->add_attribute();
    at->set_name(br);
    at->set_type(onnx::AttributeProto::GRAPH);
    auto* sg = at->mutable_g();
    sg->set_name(br);
    auto* n = sg->add_node();
    n->set_op_type(std::string(br) == "then_branch" ? "Sub" : "Add");
    n->add_input("x");
    n->add_input("w");
    n->add_output(std::string(br) + "_out");
    auto* o = sg->add_output();
    o->set_name(std::string(br) + "_out");
    o->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    o->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim();
  }
  b.output("z", 1);
  Graph g = import_bytes(b.bytes());
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].op_type, "Add");
  auto y = FloatExecutor(g).run({Tensor::floats({2}, {1, 2})});
  EXPECT_EQ(y[0].f, (std::vector<float>{11, 22}));
}

TEST(OnnxImport, rejects_truncated_file) {
  std::string bytes = conv_bn_model().bytes();
  std::string msg = message_of([&] { import_bytes(bytes.substr(0, bytes.size() / 2)); });
  EXPECT_NE(msg.find("not an ONNX model"), std::string::npos) << msg;
}

TEST(OnnxImport, rejects_random_bytes) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    std::string bytes(64 + trial * 13, '\0');
    for (auto& ch : bytes) ch = static_cast<char>(rng());
    EXPECT_THROW(import_bytes(bytes), Error);
  }
  EXPECT_THROW(import_bytes(""), Error);
}

TEST(OnnxImport, rejects_missing_file) {
  std::string msg = message_of([] { zk::onnx::import_file("/nonexistent/model.onnx"); });
  EXPECT_NE(msg.find("cannot open"), std::string::npos) << msg;
}

TEST(OnnxImport, rejects_missing_initializer) {
  ModelBuilder b = conv_bn_model();
  b.g->mutable_initializer()->RemoveLast();  // drops "var"
  std::string msg = message_of([&] { import_bytes(b.bytes()); });
  EXPECT_NE(msg.find("var"), std::string::npos) << msg;
}

TEST(OnnxImport, rejects_wrong_input_shape) {
  ImportOptions o;
  o.input_shapes["x"] = {1, 3, 2, 2};  // model declares 2 channels
  std::string msg = message_of([&] { import_bytes(conv_bn_model().bytes(), o); });
  EXPECT_NE(msg.find("input 'x' expects shape"), std::string::npos) << msg;
  o.input_shapes["x"] = {1, 2, 2};
  msg = message_of([&] { import_bytes(conv_bn_model().bytes(), o); });
  EXPECT_NE(msg.find("rank"), std::string::npos) << msg;
  ImportOptions unknown;
  unknown.input_shapes["nope"] = {1};
  msg = message_of([&] { import_bytes(conv_bn_model().bytes(), unknown); });
  EXPECT_NE(msg.find("no input named 'nope'"), std::string::npos) << msg;
}

TEST(OnnxImport, rejects_inconsistent_weight_shape) {
  ModelBuilder b;
  b.input("x", {1, 4});
  b.init_floats("w", {3, 2}, {1, 2, 3, 4, 5, 6});
  b.node("MatMul", {"x", "w"}, {"y"}, "mm");
  b.output("y", 2);
  EXPECT_THROW(import_bytes(b.bytes()), Error);
}

TEST(OnnxImport, rejects_initializer_with_wrong_element_count) {
  ModelBuilder b;
  b.input("x", {1, 2});
  b.init_floats("w", {2, 2}, {1, 2, 3});
  b.node("MatMul", {"x", "w"}, {"y"}, "mm");
  b.output("y", 2);
  std::string msg = message_of([&] { import_bytes(b.bytes()); });
  EXPECT_NE(msg.find("'w'"), std::string::npos) << msg;
}

TEST(OnnxImport, unsupported_op_names_op_node_and_supported_list) {
  ModelBuilder b;
  b.input("x", {1, 4});
  b.node("Relu", {"x"}, {"r"});
  b.node("TopK", {"r", "k"}, {"v", "i"}, "my_topk");
  b.init_ints("k", {1}, {2});
  b.output("v", 2);
  try {
    import_bytes(b.bytes());
    FAIL() << "expected Unsupported";
  } catch (const Unsupported& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("TopK"), std::string::npos) << msg;
    EXPECT_NE(msg.find("my_topk"), std::string::npos) << msg;
    EXPECT_NE(msg.find("supported ops: Abs, Add"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos);
  }
}

TEST(OnnxImport, imported_graph_is_topologically_sorted_and_closed) {
  Graph g = import_bytes(conv_bn_model().bytes());
  std::set<std::string> ready;
  for (const auto& in : g.inputs) ready.insert(in.name);
  for (const auto& n : g.nodes) {
    for (const auto& s : n.inputs) EXPECT_TRUE(s.empty() || ready.count(s) || g.is_constant(s)) << s;
    for (const auto& s : n.outputs) ready.insert(s);
    for (const auto& s : n.outputs) EXPECT_TRUE(g.values.count(s)) << s;
  }
}
