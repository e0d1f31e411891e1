// The built `zkinfer` binary, run as a user would: good runs, and every malformed input giving exit
// code 2 with a single-line message that names the problem.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>

#include "modelgen.hpp"

namespace {

namespace fs = std::filesystem;

struct Result {
  int code;
  std::string out, err;
};

class Cli : public ::testing::Test {
 protected:
  static fs::path dir;
  static void SetUpTestSuite() {
    dir = fs::temp_directory_path() / ("zkinfer_cli_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    zk::modelgen::Spec spec;
    spec.kind = zk::modelgen::Kind::kMlp;
    spec.sizes = {12, 8, 4};
    auto m = zk::modelgen::generate(spec);
    zk::modelgen::write_file((dir / "mlp.onnx").string(), zk::modelgen::serialize(m.proto));
    write("good.json", zk::modelgen::example_input_json(spec));
  }
  static void TearDownTestSuite() { fs::remove_all(dir); }
  static std::string path(const std::string& f) { return (dir / f).string(); }
  static void write(const std::string& f, const std::string& text) { std::ofstream(path(f)) << text; }
  static std::string slurp(const std::string& p) {
    std::ifstream f(p);
    return std::string(std::istreambuf_iterator<char>(f), {});
  }
  static Result run(const std::string& args) {
    const std::string out = path("stdout.txt"), err = path("stderr.txt");
    const std::string cmd = std::string(ZKINFER_BIN) + " " + args + " >" + out + " 2>" + err;
    int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
  }
  // Exit code 2 and exactly one line on stderr, starting with "error:" and containing `needle`.
  static void expect_error(const std::string& args, const std::string& needle) {
    Result r = run(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << "expected '" << needle << "' in: " << r.err;
  }
};
fs::path Cli::dir;

TEST_F(Cli, run_prints_float_and_quantized_results_and_writes_json) {
  Result r = run("run " + path("mlp.onnx") + " --input " + path("good.json") + " --output " + path("out.json"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("float:"), std::string::npos);
  EXPECT_NE(r.out.find("quantized:"), std::string::npos);
  EXPECT_NE(r.out.find("max abs error"), std::string::npos);
  std::string js = slurp(path("out.json"));
  EXPECT_NE(js.find("\"outputs\""), std::string::npos);
  EXPECT_NE(js.find("\"shape\":[1,4]"), std::string::npos) << js;
}

TEST_F(Cli, accepts_named_nested_inputs_and_the_cost_preset) {
  write("named.json", R"({"inputs": {"input": [[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1.0,0.0,-0.5]]}})");
  Result r = run("run " + path("mlp.onnx") + " --input " + path("named.json") + " --preset cost");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("12-bit activations"), std::string::npos) << r.out;
}

TEST_F(Cli, calibration_file_is_used) {
  Result r = run("run " + path("mlp.onnx") + " --input " + path("good.json") + " --calibration " + path("good.json"));
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST_F(Cli, rejects_non_numeric_value) {
  write("str.json", R"({"input_data": [[0.1, "x", 0.3]]})");
  expect_error("run " + path("mlp.onnx") + " --input " + path("str.json"), "element 1 is not a number");
}

TEST_F(Cli, rejects_nan) {
  write("nan.json", R"({"input_data": [[0.1, NaN, 0.3]]})");
  expect_error("run " + path("mlp.onnx") + " --input " + path("nan.json"), "NaN");
}

TEST_F(Cli, rejects_wrong_count) {
  write("count.json", R"({"input_data": [[0.1, 0.2, 0.3]]})");
  expect_error("run " + path("mlp.onnx") + " --input " + path("count.json"), "expected 12 values");
}

TEST_F(Cli, rejects_wrong_nested_shape) {
  write("shape.json", R"({"inputs": {"input": [[0.1,0.2,0.3,0.4,0.5,0.6],[0.7,0.8,0.9,1.0,0.0,0.5]]}})");
  expect_error("run " + path("mlp.onnx") + " --input " + path("shape.json"), "nested array shape [2,6]");
}

TEST_F(Cli, rejects_unknown_input_name_and_wrong_input_count) {
  write("name.json", R"({"inputs": {"pixels": [1,2,3]}})");
  expect_error("run " + path("mlp.onnx") + " --input " + path("name.json"), "no input named 'pixels'");
  write("two.json", R"({"input_data": [[1], [2]]})");
  expect_error("run " + path("mlp.onnx") + " --input " + path("two.json"), "has 2 arrays");
}

TEST_F(Cli, rejects_invalid_json) {
  write("broken.json", R"({"input_data": [[0.1, )");
  expect_error("run " + path("mlp.onnx") + " --input " + path("broken.json"), "not valid JSON");
}

TEST_F(Cli, rejects_missing_files) {
  expect_error("run " + path("nope.onnx") + " --input " + path("good.json"), "nope.onnx");
  expect_error("run " + path("mlp.onnx") + " --input " + path("nope.json"), "nope.json");
}

TEST_F(Cli, rejects_a_file_that_is_not_onnx) {
  expect_error("run " + path("good.json") + " --input " + path("good.json"), "not an ONNX model");
}

TEST_F(Cli, usage_errors_exit_2) {
  EXPECT_EQ(run("run " + path("mlp.onnx")).code, 2);
  EXPECT_EQ(run("run " + path("mlp.onnx") + " --input " + path("good.json") + " --preset fast").code, 2);
  EXPECT_EQ(run("frobnicate").code, 2);
}

}  // namespace
