#pragma once
// Verification: replays the prover's transcript from the verifying key and the proof alone.
// Throws zk::VerifyError naming the failing check for an invalid proof; zk::Error for a proof made
// for another model or malformed in shape (which `verify` also reports as a rejection).
#include "io/formats.hpp"

namespace zk::verifier {

void verify(const io::VerifyingKey& vk, const io::Proof& proof);

}  // namespace zk::verifier
