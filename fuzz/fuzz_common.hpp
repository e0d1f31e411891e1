#pragma once
// The fixture the fuzz targets and the corpus replay test share: a tiny generated MLP, compiled,
// set up and proven once through the public API, so the proof target explores the verifier
// around a real proof rather than failing at the first architecture-hash check.
#include <cstdint>
#include <vector>

#include "io/formats.hpp"

namespace zk::fuzz {

const io::VerifyingKey& fixture_vk();
// One honest proof under fixture_vk() and the vk's bytes: seeds for the fuzzers.
const std::vector<uint8_t>& fixture_proof_bytes();
const std::vector<uint8_t>& fixture_vk_bytes();

}  // namespace zk::fuzz

// Each target is LLVMFuzzerTestOneInput in its libFuzzer binary, and zk_fuzz_<name> when linked
// with the others into the corpus replay test of the normal build.
#ifdef ZK_LIBFUZZER
#define ZK_FUZZ_ENTRY(name) extern "C" int LLVMFuzzerTestOneInput
#else
#define ZK_FUZZ_ENTRY(name) extern "C" int zk_fuzz_##name
#endif
