// Runs the whole installed ONNX backend test suite; any failure of a test whose ops are all
// supported fails this test (the suite's unsupported tests are skipped, and counted).
#include <gtest/gtest.h>

#include "onnx/conformance.hpp"

using namespace zk::onnx;

TEST(OnnxConformance, every_supported_backend_test_passes) {
  ConformanceOptions opt;
  opt.roots = default_conformance_roots();
  if (opt.roots.empty()) GTEST_SKIP() << "libonnx-testdata is not installed";
  // Known exceptions: test name -> reason. Keep this short; each entry is a documented gap.
  opt.known_failures = {};
  ConformanceReport rep = run_conformance(opt);
  std::cout << rep.text_table();
  EXPECT_EQ(rep.count(ConformanceResult::Status::Fail), 0);
  EXPECT_GT(rep.count(ConformanceResult::Status::Pass), 500);
}
