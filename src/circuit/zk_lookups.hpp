#pragma once
// The lookup arguments of a zero-knowledge proof (docs/zk.md §4): the committed-inverse LogUp of
// lookup/zk_logup.hpp for every plan table, with the inverse tables of all tables in one more
// hiding commitment (the "lookup commitment", made after the challenges alpha and gamma), and every
// claim routed like the layer proofs' ones: twin claims on the looked-up tensors join the tensor
// claims, twin claims on multiplicities go to the witness commitment, on inverses to the lookup
// commitment, Libra claims to the pool.
//
// Lookup commitment layout, per table in plan order: per column its inverse h_c (two base-field
// polynomials, h = h_0 + u h_1), then the table's inverse t (two); then, in the same order, each
// inverse's twin mask (two polynomials of min(n, kProofMaskVars) variables).
#include <memory>
#include <vector>

#include "circuit/protocol.hpp"
#include "circuit/twin_masks.hpp"
#include "lookup/zk_logup.hpp"

namespace zk::circuit {

struct LookupCommitmentLayout {
  std::vector<unsigned> vars;  // the commitment's polynomials
  struct Table {
    std::vector<size_t> column_inverse, column_mask;  // first polynomial of each pair
    std::vector<unsigned> column_mask_vars;
    size_t table_inverse = 0, table_mask = 0;
    unsigned table_mask_vars = 0;
  };
  std::vector<Table> tables;
};
LookupCommitmentLayout lookup_commitment_layout(const Plan& plan);

struct ZkLookupsProver {
  std::unique_ptr<pcs::ProverData> data;  // the lookup commitment
  std::vector<lookup::ZkLookupProof> proofs;
  size_t libra_used = 0;                  // pool slots the lookups took (the first ones)
};
// After the witness commitment is absorbed. `multiplicity_tables` and `multiplicity_masks` are the
// witness commitment's multiplicity columns and their masks' two coordinates; `masks` every private
// tensor's twin mask. Appends claims: tensor claims to `claims`, the rest to the claim lists.
ZkLookupsProver prove_lookups_zk(const Plan& plan, const ClaimRouting& routing,
                                 const std::vector<lookup::Table>& tables,
                                 const std::vector<std::vector<lookup::Column>>& columns,
                                 std::span<const std::vector<Fp>> witness_tables,
                                 const std::map<int, layers::MaskTensor>& masks, const pcs::PcsParams& params,
                                 LibraPool& pool, Transcript& transcript, std::vector<layers::TensorClaim>& claims,
                                 ClaimLists& witness_claims, ClaimLists& lookup_claims);

// The verifier's side; returns the number of pool slots the lookups took.
size_t verify_lookups_zk(const Plan& plan, const ClaimRouting& routing, const Digest& lookup_root,
                         const std::vector<lookup::ZkLookupProof>& proofs, const LibraPool& pool,
                         Transcript& transcript, std::vector<layers::TensorClaim>& claims, ClaimLists& witness_claims,
                         ClaimLists& lookup_claims);

}  // namespace zk::circuit
