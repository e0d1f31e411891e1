// libFuzzer target: proof bytes -> io::read_proof -> verifier::verify, under a fixed small vk.
// The verifier must turn any proof into either acceptance or a zk::Error; anything else (a crash,
// a sanitizer report, another exception type, a huge allocation) is a bug.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_common.hpp"
#include "verifier/verifier.hpp"

#ifdef ZK_LIBFUZZER
// The fixture (compile, setup and prove a model: seconds under the sanitizers) is built before
// libFuzzer starts timing inputs; built lazily, it made the first input, whatever it was, time out.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)zk::fuzz::fixture_vk();
  return 0;
}
#endif

ZK_FUZZ_ENTRY(proof)(const uint8_t* data, size_t size) {
  const auto& vk = zk::fuzz::fixture_vk();
  try {
    zk::io::Proof proof = zk::io::read_proof({data, size});
    zk::verifier::verify(vk, proof);
  } catch (const zk::Error&) {
  }
  return 0;
}
