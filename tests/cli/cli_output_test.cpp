// The `zkinfer` command's output modes: --json parses, -q is silent on success, -v times phases,
// every subcommand's --help has an example, one-shot `prove MODEL.onnx` caches its keys, and the
// progress line appears on a terminal (a pseudo-terminal here) and nowhere else.
#include <gtest/gtest.h>

#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "modelgen.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Result {
  int code;
  std::string out, err;
};

class CliOutput : public ::testing::Test {
 protected:
  static fs::path dir;
  static void SetUpTestSuite() {
    dir = fs::temp_directory_path() / ("zkinfer_cli_output_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    write_model("mlp.onnx", 0);
    zk::modelgen::Spec spec;
    spec.kind = zk::modelgen::Kind::kMlp;
    spec.sizes = {12, 8, 4};
    std::ofstream(path("in.json")) << zk::modelgen::example_input_json(spec);
  }
  static void TearDownTestSuite() { fs::remove_all(dir); }
  static void write_model(const std::string& name, uint64_t seed) {
    zk::modelgen::Spec spec;
    spec.kind = zk::modelgen::Kind::kMlp;
    spec.sizes = {12, 8, 4};
    spec.seed = seed;
    zk::modelgen::write_file(path(name), zk::modelgen::serialize(zk::modelgen::generate(spec).proto));
  }
  static std::string path(const std::string& f) { return (dir / f).string(); }
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
  // Runs zkinfer with stdin, stdout and stderr on a pseudo-terminal (raw: no "\n" -> "\r\n"), as
  // an interactive shell would; returns everything the terminal received, in order.
  static Result run_in_terminal(const std::string& args) {
    const std::string cmd = std::string(ZKINFER_BIN) + " " + args;
    termios raw{};
    ::cfmakeraw(&raw);
    winsize size{};
    size.ws_row = 24;
    size.ws_col = 100;
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, &raw, &size);
    if (pid < 0) return {-1, "", "forkpty failed"};
    if (pid == 0) {
      ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    std::string out;
    char buf[4096];
    for (;;) {  // read() fails with EIO once the child has exited and the terminal is drained
      const ssize_t n = ::read(master, buf, sizeof buf);
      if (n > 0) out.append(buf, static_cast<size_t>(n));
      else if (n < 0 && errno == EINTR) continue;
      else break;
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(master);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out, ""};
  }
  // Compiled model, keys and one proof, made once through the classic (non-one-shot) commands.
  // Their outputs are kept for the test of what a non-terminal gets.
  static std::vector<Result> key_runs;
  static void ensure_keys() {
    if (!key_runs.empty()) return;
    key_runs.push_back(run("compile " + path("mlp.onnx") + " -o " + path("mlp.zkm")));
    ASSERT_EQ(key_runs.back().code, 0) << key_runs.back().err;
    key_runs.push_back(run("setup " + path("mlp.zkm") + " --pk " + path("mlp.pk") + " --vk " + path("mlp.vk")));
    ASSERT_EQ(key_runs.back().code, 0) << key_runs.back().err;
  }
};
fs::path CliOutput::dir;
std::vector<Result> CliOutput::key_runs;

TEST_F(CliOutput, json_output_parses_for_run_prove_verify_inspect) {
  ensure_keys();
  Result r = run("run " + path("mlp.onnx") + " --input " + path("in.json") + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["outputs"][0]["quantized"].size(), 4u) << r.out;

  r = run("prove " + path("mlp.zkm") + " --pk " + path("mlp.pk") + " --input " + path("in.json") + " --proof " +
          path("p.proof") + " --input-commitment " + path("p.commit") + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  j = json::parse(r.out);
  EXPECT_EQ(j["proof"], path("p.proof"));
  EXPECT_GT(j["proof_bytes"].get<size_t>(), 0u);
  EXPECT_EQ(j["outputs"][0]["data"].size(), 4u);
  EXPECT_EQ(j["visibility"]["input"], "private");
  EXPECT_EQ(j["zero_knowledge"], true);
  EXPECT_EQ(j["input_commitment"], path("p.commit"));

  r = run("verify --vk " + path("mlp.vk") + " --proof " + path("p.proof") + " --input " + path("in.json") +
          " --input-commitment " + path("p.commit") + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  j = json::parse(r.out);
  EXPECT_EQ(j["verified"], true);
  EXPECT_EQ(j["outputs"][0]["data"].size(), 4u);
  EXPECT_TRUE(j["inputs"].empty()) << "a private input is not reported";
  EXPECT_EQ(j["zero_knowledge"], true);
  EXPECT_NE(j["input_commitment"].get<std::string>().find("recomputed"), std::string::npos) << r.out;

  // A rejected proof: still one JSON document on stdout, exit 1, the reason also on stderr.
  std::string bytes = slurp(path("p.proof"));
  bytes[bytes.size() / 2] ^= 1;
  std::ofstream(path("bad.proof"), std::ios::binary) << bytes;
  r = run("verify --vk " + path("mlp.vk") + " --proof " + path("bad.proof") + " --json");
  EXPECT_EQ(r.code, 1);
  j = json::parse(r.out);
  EXPECT_EQ(j["verified"], false);
  EXPECT_FALSE(j["reason"].get<std::string>().empty());
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;

  for (const char* f : {"mlp.zkm", "mlp.pk", "mlp.vk", "p.proof", "p.commit"}) {
    r = run("inspect " + path(f) + " --json");
    ASSERT_EQ(r.code, 0) << r.err;
    j = json::parse(r.out);
    EXPECT_TRUE(j.contains("kind")) << r.out;
    // Every file says what is private and that its proofs are zero-knowledge.
    if (std::string(f) != "p.commit") EXPECT_EQ(j["zero_knowledge"], true) << f << ": " << r.out;
    if (std::string(f) != "p.proof" && std::string(f) != "p.commit") {
      EXPECT_EQ(j["visibility"]["weights"], "private") << f;
    }
  }

  // A usage error under --json: exit 2 and a JSON error document.
  r = run("inspect " + path("in.json") + " --json");
  EXPECT_EQ(r.code, 2);
  j = json::parse(r.out);
  EXPECT_NE(j["error"].get<std::string>().find("not a zkinfer file"), std::string::npos);
}

TEST_F(CliOutput, quiet_prints_nothing_on_success_and_the_error_on_failure) {
  ensure_keys();
  Result r = run("-q prove " + path("mlp.zkm") + " --pk " + path("mlp.pk") + " --input " + path("in.json") +
                 " --proof " + path("q.proof"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  r = run("verify --vk " + path("mlp.vk") + " --proof " + path("q.proof") + " -q");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  r = run("-q run " + path("mlp.onnx") + " --input " + path("in.json"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out + r.err, "");
  r = run("-q verify --vk " + path("mlp.vk") + " --proof " + path("in.json"));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
}

TEST_F(CliOutput, verbose_reports_phase_timings) {
  ensure_keys();
  Result r = run("-v prove " + path("mlp.zkm") + " --pk " + path("mlp.pk") + " --input " + path("in.json") +
                 " --proof " + path("v.proof"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("time: prove"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("time: read proving key"), std::string::npos) << r.err;
  r = run("-v verify --vk " + path("mlp.vk") + " --proof " + path("v.proof"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("time: verify"), std::string::npos) << r.err;
}

TEST_F(CliOutput, every_subcommand_help_has_an_example) {
  for (const char* cmd : {"run", "compile", "setup", "prove", "verify", "inspect", "bench", "ops"}) {
    Result r = run(std::string(cmd) + " --help");
    EXPECT_EQ(r.code, 0) << cmd;
    EXPECT_NE(r.out.find("Example"), std::string::npos) << cmd << ":\n" << r.out;
    EXPECT_NE(r.out.find(std::string("zkinfer ") + cmd), std::string::npos) << cmd << ":\n" << r.out;
  }
  EXPECT_NE(run("--help").out.find("Example"), std::string::npos);
}

TEST_F(CliOutput, one_shot_prove_creates_then_reuses_the_cache_and_redoes_it_when_the_model_changes) {
  write_model("oneshot.onnx", 0);
  const std::string cache = path("oneshot.onnx.zkinfer");
  Result r = run("prove " + path("oneshot.onnx") + " --input " + path("in.json"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("compiling and setting up into " + cache), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("verify with: zkinfer verify --vk"), std::string::npos) << r.out;
  for (const char* f : {"oneshot.zkm", "oneshot.pk", "oneshot.vk", "source.sha256"})
    EXPECT_TRUE(fs::exists(fs::path(cache) / f)) << f;
  ASSERT_TRUE(fs::exists(path("oneshot.proof")));
  const auto pk_time = fs::last_write_time(fs::path(cache) / "oneshot.pk");

  r = run("verify --vk " + cache + "/oneshot.vk --proof " + path("oneshot.proof"));
  EXPECT_EQ(r.code, 0) << r.err;

  r = run("prove " + path("oneshot.onnx") + " --input " + path("in.json") + " --proof " + path("second.proof") +
          " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["cache"]["reused"], true) << r.out;
  EXPECT_EQ(fs::last_write_time(fs::path(cache) / "oneshot.pk"), pk_time);
  r = run("verify --vk " + cache + "/oneshot.vk --proof " + path("second.proof"));
  EXPECT_EQ(r.code, 0) << r.err;

  // Other weights, same name: the cache must not be used.
  write_model("oneshot.onnx", 7);
  r = run("prove " + path("oneshot.onnx") + " --input " + path("in.json"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("changed since its keys were made"), std::string::npos) << r.out;
  r = run("verify --vk " + cache + "/oneshot.vk --proof " + path("oneshot.proof"));
  EXPECT_EQ(r.code, 0) << r.err;
  r = run("verify --vk " + cache + "/oneshot.vk --proof " + path("second.proof"));
  EXPECT_EQ(r.code, 1) << "a proof under the old weights must not verify under the new key";

  // Neither --pk nor an ONNX model: a usage error that says what to give.
  r = run("prove " + path("in.json") + " --input " + path("in.json"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--pk"), std::string::npos) << r.err;
}

}  // namespace

namespace {

// Found by the corpus (tests/fuzz_corpus/input_json/huge_number.json): the JSON library reports an
// out-of-range number with its own exception type, which used to surface as "error: internal".
TEST_F(CliOutput, a_number_beyond_double_range_is_an_input_error) {
  std::ofstream(path("huge.json")) << R"({"input_data": [[1e400, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]})";
  Result r = run("run " + path("mlp.onnx") + " --input " + path("huge.json"));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("too large"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("internal"), std::string::npos) << r.err;
}

}  // namespace

namespace {

// Files and pipes get exactly the result lines: no status line, no carriage returns or escapes.
TEST_F(CliOutput, without_a_terminal_there_is_no_status_line) {
  ensure_keys();
  std::vector<Result> runs = key_runs;  // compile and setup
  runs.push_back(run("prove " + path("mlp.zkm") + " --pk " + path("mlp.pk") + " --input " + path("in.json") +
                     " --proof " + path("nt.proof")));
  for (const Result& r : runs) {
    ASSERT_EQ(r.code, 0) << r.err;
    for (const std::string& text : {r.out, r.err}) {
      EXPECT_EQ(text.find('\r'), std::string::npos) << text;
      EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
    }
    EXPECT_EQ(r.err.find(": layer proofs"), std::string::npos) << r.err;
  }
  EXPECT_EQ(runs.back().out.rfind("proved: ", 0), 0u) << runs.back().out;
}

TEST_F(CliOutput, a_terminal_sees_the_current_step_and_layer_then_the_result_on_a_clean_line) {
  Result r = run_in_terminal("compile " + path("mlp.onnx") + " -o " + path("tty.zkm"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("compile: quantizing 1/"), std::string::npos) << r.out;
  r = run_in_terminal("setup " + path("tty.zkm") + " --pk " + path("tty.pk") + " --vk " + path("tty.vk"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("setup: committing to the weights"), std::string::npos) << r.out;

  r = run_in_terminal("prove " + path("tty.zkm") + " --pk " + path("tty.pk") + " --input " + path("in.json") +
                      " --proof " + path("tty.proof"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\r[0."), std::string::npos) << r.out;  // elapsed time first
  EXPECT_NE(r.out.find("prove: committing the witness"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("prove: layer proofs 1/"), std::string::npos) << r.out;
  const size_t result = r.out.find("proved: ");
  ASSERT_NE(result, std::string::npos) << r.out;
  // The status line was erased (back to column 0) before the result, and not drawn again.
  ASSERT_GT(result, 0u);
  EXPECT_EQ(r.out[result - 1], '\r') << r.out;
  EXPECT_EQ(r.out.find('\r', result), std::string::npos) << r.out;
}

// `run` reports the same compile steps as `compile`; -q and --json must keep them off the terminal.
TEST_F(CliOutput, on_a_terminal_quiet_and_json_show_no_status_line) {
  const std::string run_mlp = "run " + path("mlp.onnx") + " --input " + path("in.json");
  Result r = run_in_terminal(run_mlp);
  ASSERT_EQ(r.code, 0) << r.out;
  ASSERT_NE(r.out.find("compile: quantizing"), std::string::npos) << "nothing to mute:\n" << r.out;
  r = run_in_terminal("-q " + run_mlp);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "");
  r = run_in_terminal(run_mlp + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out.find('\r'), std::string::npos) << r.out;
  EXPECT_EQ(json::parse(r.out)["outputs"][0]["quantized"].size(), 4u) << r.out;
}

}  // namespace

namespace {

// compile and setup write files; their --json says which, and what went into them.
TEST_F(CliOutput, compile_and_setup_print_their_results_as_json) {
  Result r = run("compile " + path("mlp.onnx") + " -o " + path("j.zkm") + " --input public --json");
  ASSERT_EQ(r.code, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["model"], path("j.zkm"));
  EXPECT_GT(j["layers"].get<size_t>(), 0u);
  EXPECT_EQ(j["visibility"]["input"], "public");
  EXPECT_EQ(j["visibility"]["weights"], "private");

  r = run("-q setup " + path("j.zkm") + " --pk " + path("j.pk") + " --vk " + path("j.vk") + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  j = json::parse(r.out);  // printed under -q too: it was asked for
  EXPECT_EQ(j["vk"], path("j.vk"));
  EXPECT_EQ(j["vk_bytes"].get<size_t>(), fs::file_size(path("j.vk")));
  EXPECT_EQ(j["pk_bytes"].get<size_t>(), fs::file_size(path("j.pk")));
}

}  // namespace
