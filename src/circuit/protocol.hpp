#pragma once
// The parts of the end-to-end protocol that prover and verifier share, so that they cannot drift:
// the statement binding at the start of the transcript, how plan lookups become lookup-argument
// instances, and where each tensor's evaluation claims are discharged.
#include <optional>
#include <vector>

#include "circuit/plan.hpp"
#include "hash/transcript.hpp"
#include "lookup/logup.hpp"
#include "pcs/pcs.hpp"

namespace zk::circuit {

inline constexpr const char* kProtocolLabel = "zkinfer/proof/v2";

// Absorbs everything the proof is about: the model (architecture hash, which covers the visibility
// and any public weights; weights commitment), the public inputs and outputs (empty lists when
// private), the private inputs' commitment in place of their values, and the witness commitment.
void bind_statement(Transcript& transcript, const Digest& architecture_hash, const Digest& weights_root,
                    const std::vector<layers::IntTensor>& inputs, const std::vector<layers::IntTensor>& outputs,
                    const std::optional<Digest>& input_root, const Digest& witness_root);

// Each commitment's parameters, from the keys' base parameters: hiding wherever the committed
// values are private (the witness holds values derived from every private class).
struct CommitmentParams {
  pcs::PcsParams witness, weights, input;
};
CommitmentParams commitment_params(const pcs::PcsParams& base, const Visibility& visibility);

lookup::Table to_lookup_table(const layers::LookupTable& table);

// Per table, the indices into plan.lookups of its declarations (lookup columns in that order).
std::vector<std::vector<size_t>> lookups_by_table(const Plan& plan);

// Where a tensor's claims go: the witness, weights or input commitment (polynomial index), or
// direct evaluation by the verifier (public tensors).
struct ClaimRouting {
  std::vector<int> witness_index;  // per tensor, -1 if not in the witness commitment
  std::vector<int> weight_index;   // per tensor, -1 if not in the weights commitment
  std::vector<int> input_index;    // per tensor, -1 if not in the input commitment
  size_t num_witness_tensors = 0;  // multiplicity column of table t is polynomial num_witness_tensors + t
};
ClaimRouting route_claims(const Plan& plan);

// Turns the claims a lookup argument returns into tensor claims (columns) and witness-commitment
// claims (the table's multiplicity column). `decls` are plan.lookups indices of table `table`.
void collect_lookup_claims(const Plan& plan, const ClaimRouting& routing, size_t table, const std::vector<size_t>& decls,
                           std::vector<lookup::EvalClaim>& lookup_claims, std::vector<layers::TensorClaim>& claims,
                           std::vector<pcs::Claim>& witness_claims);

// Moves each tensor claim to the commitment that holds the tensor; returns the rest (claims on
// public tensors, which only the verifier evaluates).
std::vector<layers::TensorClaim> route_to_commitments(const ClaimRouting& routing, std::vector<layers::TensorClaim>& claims,
                                                     std::vector<pcs::Claim>& witness_claims,
                                                     std::vector<pcs::Claim>& weight_claims,
                                                     std::vector<pcs::Claim>& input_claims);

// The PCS layouts both sides derive from the plan (sizes in variables, in commitment order). A
// commitment is never empty: with nothing to commit it holds one zero entry.
std::vector<unsigned> witness_poly_vars(const Plan& plan);
std::vector<unsigned> weight_poly_vars(const Plan& plan);
// Only for plans with private inputs (there is no input commitment otherwise).
std::vector<unsigned> input_poly_vars(const Plan& plan);

// The private inputs' hiding commitment (one polynomial per private input, input_poly_vars order),
// its salts and mask expanded from `seed`: the prover makes it with a fresh OS seed, and anyone
// given the inputs and the seed recomputes the same root. `inputs` in graph.inputs order.
std::pair<pcs::Commitment, std::unique_ptr<pcs::ProverData>> commit_inputs(
    const Plan& plan, const std::vector<layers::IntTensor>& inputs, const pcs::PcsParams& input_params,
    const pcs::Seed& seed);

}  // namespace zk::circuit
