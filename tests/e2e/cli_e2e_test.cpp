// The README's command sequence on a generated LeNet-5, run through the built binaries exactly as a
// user types it, and what `verify` answers (exit code and message) for each kind of bad proof.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

struct Result {
  int code;
  std::string out, err;
};

class CliEndToEnd : public ::testing::Test {
 protected:
  static fs::path dir;
  static bool pipeline_ok;

  static std::string path(const std::string& f) { return (dir / f).string(); }
  static std::string slurp(const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
  }
  static void spit(const std::string& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }
  static Result sh(const std::string& cmd) {
    const std::string out = path("stdout.txt"), err = path("stderr.txt");
    const int status = std::system(("cd " + dir.string() + " && " + cmd + " >" + out + " 2>" + err).c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
  }
  static Result zkinfer(const std::string& args) { return sh(std::string(ZKINFER_BIN) + " " + args); }

  // The sequence from the README, once for every test in the suite.
  static void SetUpTestSuite() {
    dir = fs::temp_directory_path() / ("zkinfer_cli_e2e_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string steps[] = {
        std::string(MODELGEN_BIN) + " lenet5 --seed 5 -o lenet5.onnx --example-input in.json",
        std::string(ZKINFER_BIN) + " compile lenet5.onnx -o lenet5.zkm",
        std::string(ZKINFER_BIN) + " setup lenet5.zkm --pk lenet5.pk --vk lenet5.vk",
        std::string(ZKINFER_BIN) +
            " prove lenet5.zkm --pk lenet5.pk --input in.json --proof lenet5.proof --output out.json"
            " --input-commitment in.commit",
    };
    pipeline_ok = true;
    for (const auto& s : steps) {
      Result r = sh(s);
      if (r.code != 0) {
        ADD_FAILURE() << s << " exited " << r.code << "\n" << r.out << r.err;
        pipeline_ok = false;
        return;
      }
    }
  }
  static void TearDownTestSuite() { fs::remove_all(dir); }
  void SetUp() override {
    if (!pipeline_ok) GTEST_SKIP() << "the compile/setup/prove pipeline failed";
  }

  static void expect_rejected(const Result& r, const std::string& what) {
    EXPECT_EQ(r.code, 1) << what << "\n" << r.out << r.err;
    EXPECT_EQ(r.out.find("verified"), std::string::npos) << what;
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << what << ": " << r.err;
    EXPECT_GT(r.err.size(), std::string("error: \n").size()) << what << ": no reason given";
  }
};
fs::path CliEndToEnd::dir;
bool CliEndToEnd::pipeline_ok = false;

TEST_F(CliEndToEnd, VerifyPrintsVerifiedAndExitsZero) {
  Result r = zkinfer("verify --vk lenet5.vk --proof lenet5.proof --input in.json --input-commitment in.commit"
                     " --output out.json");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("verified", 0), 0u) << r.out;
  // Without the optional public-value files the proof stands on its own.
  r = zkinfer("verify --vk lenet5.vk --proof lenet5.proof");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("verified", 0), 0u) << r.out;
}

TEST_F(CliEndToEnd, ProveWritesTheOutputItProved) {
  const std::string out = slurp(path("out.json"));
  EXPECT_NE(out.find("\"outputs\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"shape\":[1,10]"), std::string::npos) << out;
}

TEST_F(CliEndToEnd, AProofWithOneFlippedByteIsRejectedWithAReason) {
  const std::string proof = slurp(path("lenet5.proof"));
  ASSERT_GT(proof.size(), 100u);
  // Header, statement (public values), middle (layer proofs), near the end (openings).
  for (size_t pos : {size_t{9}, size_t{60}, proof.size() / 3, proof.size() / 2, proof.size() - 40}) {
    std::string bad = proof;
    bad[pos] = static_cast<char>(bad[pos] ^ 0x04);
    spit(path("flipped.proof"), bad);
    expect_rejected(zkinfer("verify --vk lenet5.vk --proof flipped.proof"), "flip at " + std::to_string(pos));
  }
}

TEST_F(CliEndToEnd, VerifyWithADifferentOutputIsRejected) {
  std::string out = slurp(path("out.json"));
  const size_t data = out.find("\"data\":[");
  ASSERT_NE(data, std::string::npos) << out;
  // Replace the first output value by one far from anything the model produced.
  const size_t start = data + 8, end = out.find_first_of(",]", start);
  out.replace(start, end - start, "1234.5");
  spit(path("other_out.json"), out);
  Result r = zkinfer("verify --vk lenet5.vk --proof lenet5.proof --output other_out.json");
  expect_rejected(r, "different --output");
  EXPECT_NE(r.err.find("differs"), std::string::npos) << r.err;
}

TEST_F(CliEndToEnd, VerifyWithADifferentInputIsRejected) {
  // The input is private (the default): the third party holding it recomputes the commitment.
  ASSERT_EQ(sh(std::string(MODELGEN_BIN) + " lenet5 --seed 6 --example-input other_in.json").code, 0);
  Result r = zkinfer("verify --vk lenet5.vk --proof lenet5.proof --input other_in.json --input-commitment in.commit");
  expect_rejected(r, "different --input");
  EXPECT_NE(r.err.find("different input"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  // The same with the input file changed in one value.
  std::string in = slurp(path("in.json"));
  const size_t digit = in.find_first_of("123456789");
  ASSERT_NE(digit, std::string::npos);
  in[digit] = in[digit] == '9' ? '1' : static_cast<char>(in[digit] + 1);
  spit(path("changed_in.json"), in);
  r = zkinfer("verify --vk lenet5.vk --proof lenet5.proof --input changed_in.json --input-commitment in.commit");
  expect_rejected(r, "changed --input");
  // Without the commitment file a private input cannot be compared: a usage error saying why.
  r = zkinfer("verify --vk lenet5.vk --proof lenet5.proof --input in.json");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("input is private"), std::string::npos) << r.err;
}

TEST_F(CliEndToEnd, AnotherInputsCommitmentIsRejectedNamingTheMismatch) {
  ASSERT_EQ(sh(std::string(MODELGEN_BIN) + " lenet5 --seed 8 --example-input third_in.json").code, 0);
  ASSERT_EQ(zkinfer("prove lenet5.zkm --pk lenet5.pk --input third_in.json --proof third.proof"
                    " --input-commitment third.commit")
                .code,
            0);
  Result r = zkinfer("verify --vk lenet5.vk --proof lenet5.proof --input-commitment in.commit");
  EXPECT_EQ(r.code, 0) << r.err;
  r = zkinfer("verify --vk lenet5.vk --proof lenet5.proof --input-commitment third.commit");
  expect_rejected(r, "another input's commitment");
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("input commitment differs"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("third.commit"), std::string::npos) << r.err;
}

// LeNet-5 at the default visibility: every layer has a zero-knowledge proof, so the proof is
// zero-knowledge, says so in the files and prove has nothing to warn about.
TEST_F(CliEndToEnd, DefaultProofsAreZeroKnowledgeAndSaySo) {
  Result r = zkinfer("prove lenet5.zkm --pk lenet5.pk --input in.json --proof again.proof");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "") << "a zero-knowledge proof has nothing to warn about";
  for (const char* file : {"lenet5.zkm", "lenet5.pk", "lenet5.vk", "again.proof"}) {
    r = zkinfer(std::string("inspect ") + file);
    EXPECT_EQ(r.code, 0) << file << ": " << r.err;
    if (std::string(file) != "again.proof") {
      EXPECT_NE(r.out.find("visibility: input private, weights private, output public"), std::string::npos) << r.out;
    }
    EXPECT_NE(r.out.find("zero-knowledge: yes"), std::string::npos) << file << ": " << r.out;
  }
}

TEST_F(CliEndToEnd, PublicEverythingProvesWithoutWarningAndChecksTheInputDirectly) {
  ASSERT_EQ(zkinfer("compile lenet5.onnx -o open.zkm --input public --weights public --output public").code, 0);
  ASSERT_EQ(zkinfer("setup open.zkm --pk open.pk --vk open.vk").code, 0);
  Result r = zkinfer("prove open.zkm --pk open.pk --input in.json --proof open.proof");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "") << "nothing private, nothing to warn about";
  EXPECT_EQ(zkinfer("verify --vk open.vk --proof open.proof --input in.json").code, 0);
  // ctest runs each test in its own process (and directory): make the other input here.
  ASSERT_EQ(sh(std::string(MODELGEN_BIN) + " lenet5 --seed 6 --example-input other_in.json").code, 0);
  expect_rejected(zkinfer("verify --vk open.vk --proof open.proof --input other_in.json"), "public: other input");
  // Public weights: in the vk, so it is larger than the private-weights one.
  EXPECT_GT(fs::file_size(path("open.vk")), fs::file_size(path("lenet5.vk")));
  EXPECT_NE(zkinfer("inspect open.vk").out.find("weights: public"), std::string::npos);
  // No input commitment exists for a public input.
  r = zkinfer("prove open.zkm --pk open.pk --input in.json --proof x.proof --input-commitment x.commit");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("input is public"), std::string::npos) << r.err;
  // A bad visibility word is a usage error.
  EXPECT_EQ(zkinfer("compile lenet5.onnx -o bad.zkm --input secret").code, 2);
}

TEST_F(CliEndToEnd, APrivateOutputIsNotInTheProofAndCannotBeCompared) {
  ASSERT_EQ(zkinfer("compile lenet5.onnx -o hidden.zkm --output private").code, 0);
  ASSERT_EQ(zkinfer("setup hidden.zkm --pk hidden.pk --vk hidden.vk").code, 0);
  ASSERT_EQ(zkinfer("prove hidden.zkm --pk hidden.pk --input in.json --proof hidden.proof --output hidden_out.json").code,
            0);
  EXPECT_EQ(zkinfer("verify --vk hidden.vk --proof hidden.proof").code, 0);
  Result r = zkinfer("verify --vk hidden.vk --proof hidden.proof --output hidden_out.json");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("output is private"), std::string::npos) << r.err;
  EXPECT_NE(zkinfer("inspect hidden.proof").out.find("outputs: private"), std::string::npos);
}

TEST_F(CliEndToEnd, FilesFromAnOlderZkinferGiveAClearError) {
  std::string vk = slurp(path("lenet5.vk"));
  vk[8] = 1;  // format version 1, the version before visibility
  spit(path("old.vk"), vk);
  Result r = zkinfer("verify --vk old.vk --proof lenet5.proof");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("older zkinfer"), std::string::npos) << r.err;
}

TEST_F(CliEndToEnd, AProofUnderAnotherModelsKeyIsRejected) {
  // Same architecture, other weights: only the weight commitment tells them apart.
  ASSERT_EQ(sh(std::string(MODELGEN_BIN) + " lenet5 --seed 7 -o other.onnx").code, 0);
  ASSERT_EQ(zkinfer("compile other.onnx -o other.zkm").code, 0);
  ASSERT_EQ(zkinfer("setup other.zkm --pk other.pk --vk other.vk").code, 0);
  expect_rejected(zkinfer("verify --vk other.vk --proof lenet5.proof"), "other model's vk");
}

TEST_F(CliEndToEnd, MissingOrMalformedFilesAreUsageErrors) {
  for (const std::string args : {"verify --vk missing.vk --proof lenet5.proof", "verify --vk lenet5.vk --proof missing.proof",
                                 "verify --vk lenet5.vk --proof lenet5.proof --output missing.json"}) {
    Result r = zkinfer(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("missing"), std::string::npos) << r.err;
  }
  std::string vk = slurp(path("lenet5.vk"));
  spit(path("truncated.vk"), vk.substr(0, vk.size() / 2));
  spit(path("garbage.vk"), "this is not a verifying key");
  for (const std::string f : {"truncated.vk", "garbage.vk", "lenet5.proof"}) {
    Result r = zkinfer("verify --vk " + f + " --proof lenet5.proof");
    EXPECT_EQ(r.code, 2) << f << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  Result r = zkinfer("verify --proof lenet5.proof");
  EXPECT_EQ(r.code, 2) << "no --vk: " << r.err;
}

}  // namespace
