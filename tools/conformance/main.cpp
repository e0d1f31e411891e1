// zkinfer-conformance: runs the ONNX backend test suite through zkinfer's importer and float
// executor and prints pass/fail/skip counts per op family.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "common/error.hpp"
#include "onnx/conformance.hpp"

namespace {
void usage() {
  std::fprintf(stderr,
               "usage: zkinfer-conformance [--markdown FILE] [--filter SUBSTR] [--rtol X] [--atol X] [--verbose] [ROOT...]\n"
               "ROOT defaults to the installed suites under /usr/share/libonnx-testdata/data.\n");
}
}  // namespace

int main(int argc, char** argv) {
  zk::onnx::ConformanceOptions opt;
  std::string markdown;
  bool verbose = false;
  try {
    for (int k = 1; k < argc; ++k) {
      std::string a = argv[k];
      auto value = [&]() -> std::string {
        if (k + 1 >= argc) throw zk::Error("option " + a + " needs a value");
        return argv[++k];
      };
      if (a == "--markdown") markdown = value();
      else if (a == "--filter") opt.filter = value();
      else if (a == "--rtol") opt.rtol = std::stod(value());
      else if (a == "--atol") opt.atol = std::stod(value());
      else if (a == "--verbose") verbose = true;
      else if (a == "-h" || a == "--help") return usage(), 0;
      else if (!a.empty() && a[0] == '-') throw zk::Error("unknown option " + a);
      else opt.roots.push_back(a);
    }
    if (opt.roots.empty()) opt.roots = zk::onnx::default_conformance_roots();
    auto rep = zk::onnx::run_conformance(opt);
    std::cout << rep.text_table();
    if (verbose)
      for (const auto& r : rep.results)
        if (r.status == zk::onnx::ConformanceResult::Status::Skipped) std::cout << "SKIP " << r.suite << "/" << r.name << ": " << r.detail << "\n";
    if (!markdown.empty()) {
      std::ofstream f(markdown);
      if (!f) throw zk::Error("cannot write '" + markdown + "'");
      f << rep.markdown();
    }
    return rep.count(zk::onnx::ConformanceResult::Status::Fail) == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
