#pragma once
// Runs the ONNX backend test suite (model.onnx + test_data_set_N/{input,output}_K.pb directories)
// through import + FloatExecutor and compares with the reference outputs.
#include <map>
#include <string>
#include <vector>

namespace zk::onnx {

struct ConformanceOptions {
  // Suite roots, e.g. /usr/share/libonnx-testdata/data/node; every subdirectory is one test.
  std::vector<std::string> roots;
  double rtol = 1e-3;  // ONNX backend test defaults
  double atol = 1e-4;  // ONNX uses 1e-7; we compute float64 tests in float32
  std::string filter;  // only tests whose name contains this substring
  // Test names expected to fail, with the reason; reported as "known" instead of "fail".
  std::map<std::string, std::string> known_failures;
};

struct ConformanceResult {
  enum class Status { Pass, Fail, KnownFail, Skipped };
  std::string suite;   // last path component of the root
  std::string name;    // test directory name
  std::string family;  // op under test (node suite) or the suite name
  Status status = Status::Skipped;
  std::string detail;  // why it failed or was skipped
};

struct ConformanceReport {
  std::vector<ConformanceResult> results;
  int count(ConformanceResult::Status s) const;
  // Per-family table: family | pass | fail | known | skipped, plus totals.
  std::string text_table() const;
  std::string markdown() const;
};

ConformanceReport run_conformance(const ConformanceOptions& options);

// The defaults zkinfer's own test uses: the installed suite and its documented known failures.
std::vector<std::string> default_conformance_roots();

}  // namespace zk::onnx
