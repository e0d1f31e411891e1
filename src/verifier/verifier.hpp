#pragma once
// Verification: replays the prover's transcript from the verifying key and the proof alone.
// Throws zk::VerifyError naming the failing check for an invalid proof; zk::Error for a proof made
// for another model or malformed in shape (which `verify` also reports as a rejection).
#include "io/formats.hpp"

namespace zk::verifier {

// `tensor_claims` (tests, audits): receives every evaluation claim the lookup and layer proofs left
// on tensors, before they are routed to the openings -- in zero-knowledge mode, twin claims on
// every private tensor.
void verify(const io::VerifyingKey& vk, const io::Proof& proof,
            std::vector<layers::TensorClaim>* tensor_claims = nullptr);

// A third party's check that a private-input proof was made on `inputs` (graph.inputs order):
// recomputes the input commitment from the inputs and the seed of `commitment` (what `prove
// --input-commitment` wrote) and compares it with the proof's. Throws VerifyError naming the
// mismatch; zk::Error when the model has no private input or the inputs are mis-shaped.
void check_input_commitment(const io::VerifyingKey& vk, const io::Proof& proof, const io::InputCommitment& commitment,
                            const std::vector<layers::IntTensor>* inputs);

}  // namespace zk::verifier
