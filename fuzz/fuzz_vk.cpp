// libFuzzer target: verifying-key bytes -> io::read_verifying_key, which also recomputes the
// architecture hash from the parsed graph (so the graph is re-serialised, not only read).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_common.hpp"

#include "io/formats.hpp"

ZK_FUZZ_ENTRY(vk)(const uint8_t* data, size_t size) {
  try {
    (void)zk::io::read_verifying_key({data, size});
  } catch (const zk::Error&) {
  }
  return 0;
}
