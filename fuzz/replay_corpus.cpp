// Replays tests/fuzz_corpus/<target>/* through the same parsers as the fuzz targets, in the normal
// build (no libFuzzer): every input found to crash once stays a regression test. Also writes the
// fuzzers' seed inputs when given --write-seeds DIR (used by scripts/fuzz.sh).
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz_common.hpp"

extern "C" int zk_fuzz_proof(const uint8_t* data, size_t size);
extern "C" int zk_fuzz_vk(const uint8_t* data, size_t size);
extern "C" int zk_fuzz_input_json(const uint8_t* data, size_t size);

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--write-seeds") == 0) {
    const fs::path dir = argv[2];
    for (const char* t : {"proof", "vk", "input_json"}) fs::create_directories(dir / t);
    auto put = [](const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; };
    const auto& proof = zk::fuzz::fixture_proof_bytes();
    const auto& vk = zk::fuzz::fixture_vk_bytes();
    put(dir / "proof" / "honest", std::string(proof.begin(), proof.end()));
    put(dir / "vk" / "fixture", std::string(vk.begin(), vk.end()));
    put(dir / "input_json" / "input_data", R"({"input_data": [[1,2,3,4,5,6],[0.5,0.25,0,-1]]})");
    put(dir / "input_json" / "inputs", R"({"inputs": {"input": [[[1,2,3],[4,5,6]]], "mask": [1,0,1,0]}})");
    return 0;
  }
  if (argc != 2) {
    std::fprintf(stderr, "usage: zk_fuzz_replay CORPUS_DIR | --write-seeds DIR\n");
    return 2;
  }
  struct Target {
    const char* dir;
    int (*run)(const uint8_t*, size_t);
  };
  int count = 0;
  for (const Target& t : {Target{"proof", zk_fuzz_proof}, Target{"vk", zk_fuzz_vk}, Target{"input_json", zk_fuzz_input_json}}) {
    const fs::path d = fs::path(argv[1]) / t.dir;
    if (!fs::is_directory(d)) continue;
    for (const auto& e : fs::directory_iterator(d)) {
      if (!e.is_regular_file()) continue;
      std::ifstream f(e.path(), std::ios::binary);
      const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), {});
      std::printf("%s\n", e.path().string().c_str());
      std::fflush(stdout);
      t.run(bytes.data(), bytes.size());
      ++count;
    }
  }
  std::printf("replayed %d inputs without a crash\n", count);
  return 0;
}
