// libFuzzer target: verifying-key bytes -> io::read_verifying_key (and, when that parses, the
// architecture hash the verifier recomputes from it).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_common.hpp"

#include "io/formats.hpp"

ZK_FUZZ_ENTRY(vk)(const uint8_t* data, size_t size) {
  try {
    auto vk = zk::io::read_verifying_key({data, size});
    (void)zk::io::architecture_hash(vk.graph, vk.pcs_params);
  } catch (const zk::Error&) {
  }
  return 0;
}
