#pragma once
// The parts of the end-to-end protocol that prover and verifier share, so that they cannot drift:
// the statement binding at the start of the transcript, how plan lookups become lookup-argument
// instances, and where each tensor's evaluation claims are discharged.
#include <functional>
#include <map>
#include <optional>
#include <string>
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

// Whether this plan's proofs are zero-knowledge (docs/zk.md): some class is private and every
// component of the proof has its zero-knowledge form. Otherwise private classes still get hiding
// commitments, but the layer proofs reveal evaluations, and keys and proofs say so.
bool proves_zero_knowledge(const Plan& plan);
bool proves_zero_knowledge(const layers::IntGraph& graph, const Visibility& visibility);
// Why a plan with private classes is not zero-knowledge (nullopt if it is): a layer without a
// zero-knowledge proof, or a private tensor with too few entries for its twin mask to hide the
// evaluations a proof makes of it (a scalar claimed twice, say; docs/zk.md §1's widened twins are
// not built). The bound is static and generous: the prover still checks the actual claims.
std::optional<std::string> zero_knowledge_obstacle(const Plan& plan);
// "yes", "no (nothing is private)" or "no (<obstacle>)", for inspect and warnings.
std::string zero_knowledge_status(const layers::IntGraph& graph, const Visibility& visibility);

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
// direct evaluation by the verifier (public tensors); and each commitment's polynomials (their
// variable counts, in commitment order), which prover and verifier derive alike. A commitment is
// never empty: with nothing to commit it holds one zero entry.
//   witness: the witness tensors, one multiplicity column per lookup table, and in zero-knowledge
//            mode the twin masks (two polynomials each) of those tensors and columns, then the
//            Libra pool (twin_masks.hpp);
//   weights: the private weights, then (zero knowledge) their twin masks;
//   input:   the private inputs, then (zero knowledge) their twin masks.
struct ClaimRouting {
  bool zero_knowledge = false;
  std::vector<int> witness_index;  // per tensor, -1 if not in the witness commitment
  std::vector<int> weight_index;   // per tensor, -1 if not in the weights commitment
  std::vector<int> input_index;    // per tensor, -1 if not in the input commitment
  size_t num_witness_tensors = 0;  // multiplicity column of table t is polynomial num_witness_tensors + t
  // Zero knowledge: per tensor, the first of its twin mask's two polynomials (in the commitment
  // that holds the tensor) and the mask's support variables; -1 / 0 for public tensors.
  std::vector<int> mask_index;
  std::vector<unsigned> mask_vars;
  std::vector<int> multiplicity_mask_index;  // per table
  std::vector<unsigned> multiplicity_mask_vars;
  size_t pool_begin = 0;  // the Libra pool's first polynomial in the witness commitment
  std::vector<unsigned> witness_vars, weight_vars, input_vars;  // input_vars empty: no input commitment
};
ClaimRouting route_claims(const Plan& plan, bool zero_knowledge = false);

// What one opening proves.
struct ClaimLists {
  std::vector<pcs::Claim> evaluations;
  std::vector<pcs::WeightedClaim> weighted;
  std::vector<pcs::CombinationClaim> combinations;
  pcs::ClaimSet set() const { return {evaluations, weighted, combinations}; }
};

// Turns the claims a lookup argument returns into tensor claims (columns) and witness-commitment
// claims (the table's multiplicity column). `decls` are plan.lookups indices of table `table`.
void collect_lookup_claims(const Plan& plan, const ClaimRouting& routing, size_t table, const std::vector<size_t>& decls,
                           std::vector<lookup::EvalClaim>& lookup_claims, std::vector<layers::TensorClaim>& claims,
                           ClaimLists& witness_claims);

// Moves each tensor claim to the commitment that holds the tensor (a twin claim becomes the
// combination claim on the tensor and its mask); returns the rest (claims on public tensors, which
// only the verifier evaluates).
std::vector<layers::TensorClaim> route_to_commitments(const ClaimRouting& routing, std::vector<layers::TensorClaim>& claims,
                                                     ClaimLists& witness_claims, ClaimLists& weight_claims,
                                                     ClaimLists& input_claims);

// Prover side of zero knowledge: the twin values the proof reveals about each private tensor are
// uniform only if its claims' functionals on the twin mask are independent (twin_masks.hpp);
// throws zk::Error naming the tensor otherwise, rather than send a proof that leaks.
// `reveals`: mask functionals a proof sent without a claim (ProverSession::mask_reveals), counted too.
void check_twin_claims_hide(const Plan& plan, const ClaimRouting& routing, const std::vector<layers::TensorClaim>& claims,
                            const std::vector<layers::TensorClaim>& reveals = {});

// The twin masks of the tensors of one commitment (in routing order), for the prover: the weights'
// and the private inputs' from their commitment's seed (so that setup, every proof and a third
// party recreate them), the witness's from the OS. Appends the masks' polynomials to `tables`.
void add_twin_masks(const Plan& plan, const std::vector<int>& tensors, const std::function<Fp()>& source,
                    std::vector<std::vector<Fp>>& tables, std::map<int, layers::MaskTensor>* masks);

// The private inputs' hiding commitment (one polynomial per private input, input_poly_vars order),
// its salts and mask expanded from `seed`: the prover makes it with a fresh OS seed, and anyone
// given the inputs and the seed recomputes the same root. `inputs` in graph.inputs order.
// Zero knowledge: the inputs' twin masks (from the same seed) follow them, and go to `masks`.
std::pair<pcs::Commitment, std::unique_ptr<pcs::ProverData>> commit_inputs(
    const Plan& plan, const std::vector<layers::IntTensor>& inputs, const pcs::PcsParams& input_params,
    const pcs::Seed& seed, bool zero_knowledge = false, std::map<int, layers::MaskTensor>* masks = nullptr);

}  // namespace zk::circuit
