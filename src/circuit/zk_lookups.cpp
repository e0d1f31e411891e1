#include "circuit/zk_lookups.hpp"

#include <algorithm>

#include "layers/layer.hpp"

namespace zk::circuit {

namespace {

std::vector<std::vector<int64_t>> column_shapes(const Plan& plan, const std::vector<size_t>& decls) {
  std::vector<std::vector<int64_t>> shapes;
  for (size_t d : decls) shapes.push_back(plan.shapes[plan.lookups[d].columns[0]]);
  return shapes;
}

std::vector<lookup::ColumnPrivacy> column_privacy(const Plan& plan, const std::vector<size_t>& decls) {
  std::vector<lookup::ColumnPrivacy> p;
  for (size_t d : decls) {
    const auto& cols = plan.lookups[d].columns;
    p.push_back({plan.roles[cols[0]] != Role::Public, cols.size() > 1 && plan.roles[cols[1]] != Role::Public});
  }
  return p;
}

// The claims of table k's argument, where they are opened (the same on both sides).
void route_lookup_claims(const Plan& plan, const ClaimRouting& routing, const LookupCommitmentLayout::Table& layout,
                         size_t k, const std::vector<size_t>& decls, const std::vector<lookup::ZkLookupClaim>& lookup,
                         std::vector<layers::TensorClaim>& claims, ClaimLists& witness_claims, ClaimLists& lookup_claims) {
  for (const auto& c : lookup) {
    switch (c.poly) {
      case lookup::ZkPoly::Input:
      case lookup::ZkPoly::Output: {
        const auto& cols = plan.lookups[decls.at(c.column)].columns;
        claims.push_back({cols.at(c.poly == lookup::ZkPoly::Input ? 0 : 1), c.point, c.value, c.beta});
        break;
      }
      case lookup::ZkPoly::Multiplicity:
        if (!c.beta) throw VerifyError("a plain claim on a multiplicity column");
        witness_claims.combinations.push_back(twin_combination(routing.num_witness_tensors + k,
                                                               routing.multiplicity_mask_index.at(k),
                                                               routing.multiplicity_mask_vars.at(k), c.point, *c.beta,
                                                               c.value));
        break;
      case lookup::ZkPoly::ColumnInverse:
      case lookup::ZkPoly::TableInverse: {
        if (!c.beta) throw VerifyError("a plain claim on a lookup inverse");
        const bool table = c.poly == lookup::ZkPoly::TableInverse;
        lookup_claims.combinations.push_back(
            twin_combination(table ? layout.table_inverse : layout.column_inverse.at(c.column),
                             table ? layout.table_mask : layout.column_mask.at(c.column),
                             table ? layout.table_mask_vars : layout.column_mask_vars.at(c.column), c.point, *c.beta,
                             c.value, /*extension=*/true));
        break;
      }
    }
  }
}

// A twin mask's full-size K table: its 2^t coordinates, zero above.
std::vector<Fp2> full_mask(const std::vector<Fp>& c0, const std::vector<Fp>& c1, unsigned num_vars) {
  std::vector<Fp2> m(size_t(1) << num_vars);
  for (size_t i = 0; i < c0.size(); ++i) m[i] = Fp2(c0[i], c1[i]);
  return m;
}

void add_libra_claims(const std::vector<sumcheck::MaskClaim>& libra, const LibraPool& pool, size_t& slot,
                      const ClaimRouting& routing, ClaimLists& witness_claims) {
  for (const auto& m : libra) witness_claims.weighted.push_back(pool.claim(slot++, m, routing.pool_begin));
}

}  // namespace

LookupCommitmentLayout lookup_commitment_layout(const Plan& plan) {
  LookupCommitmentLayout out;
  const auto by_table = lookups_by_table(plan);
  std::vector<unsigned> inverse_vars;
  for (size_t k = 0; k < plan.tables.size(); ++k) {
    LookupCommitmentLayout::Table t;
    for (size_t d : by_table[k]) {
      const unsigned v = layers::mle_layout(plan.shapes[plan.lookups[d].columns[0]]).num_vars;
      t.column_inverse.push_back(out.vars.size());
      out.vars.insert(out.vars.end(), 2, v);
      inverse_vars.push_back(v);
    }
    const unsigned tv = lookup::table_vars(to_lookup_table(plan.tables[k]));
    t.table_inverse = out.vars.size();
    out.vars.insert(out.vars.end(), 2, tv);
    inverse_vars.push_back(tv);
    out.tables.push_back(std::move(t));
  }
  size_t next = 0;
  for (auto& t : out.tables) {
    for (size_t c = 0; c < t.column_inverse.size(); ++c) {
      t.column_mask.push_back(out.vars.size());
      t.column_mask_vars.push_back(std::min(inverse_vars[next++], kProofMaskVars));
      out.vars.insert(out.vars.end(), 2, t.column_mask_vars.back());
    }
    t.table_mask = out.vars.size();
    t.table_mask_vars = std::min(inverse_vars[next++], kProofMaskVars);
    out.vars.insert(out.vars.end(), 2, t.table_mask_vars);
  }
  return out;
}

ZkLookupsProver prove_lookups_zk(const Plan& plan, const ClaimRouting& routing,
                                 const std::vector<lookup::Table>& tables,
                                 const std::vector<std::vector<lookup::Column>>& columns,
                                 std::span<const std::vector<Fp>> witness_tables,
                                 const std::map<int, layers::MaskTensor>& masks, const pcs::PcsParams& params,
                                 LibraPool& pool, Transcript& transcript, std::vector<layers::TensorClaim>& claims,
                                 ClaimLists& witness_claims, ClaimLists& lookup_claims) {
  const auto by_table = lookups_by_table(plan);
  const LookupCommitmentLayout layout = lookup_commitment_layout(plan);
  const size_t K = plan.tables.size();
  auto multiplicities = [&](size_t k) -> const std::vector<Fp>& { return witness_tables[routing.num_witness_tensors + k]; };

  std::vector<lookup::ZkChallenges> challenges;
  std::vector<lookup::InverseTables> inverses;
  for (size_t k = 0; k < K; ++k) {
    challenges.push_back(lookup::draw_zk_challenges(transcript, tables[k], column_shapes(plan, by_table[k])));
    inverses.push_back(lookup::inverse_tables(tables[k], columns[k], multiplicities(k), challenges[k]));
  }
  // The lookup commitment: the inverses as coordinate pairs, then their twin masks.
  std::vector<std::vector<Fp>> polys;
  polys.reserve(layout.vars.size());
  auto add_ext = [&](const std::vector<Fp2>& t) {
    std::vector<Fp> c0(t.size()), c1(t.size());
    for (size_t i = 0; i < t.size(); ++i) c0[i] = t[i].c0(), c1[i] = t[i].c1();
    polys.push_back(std::move(c0));
    polys.push_back(std::move(c1));
  };
  for (const auto& inv : inverses) {
    for (const auto& h : inv.columns) add_ext(h);
    add_ext(inv.table);
  }
  const auto source = os_field_source();
  while (polys.size() < layout.vars.size()) {
    TwinMask m = make_table_mask(layout.vars[polys.size()], layout.vars[polys.size()], source);
    polys.push_back(std::move(m.coordinate[0]));
    polys.push_back(std::move(m.coordinate[1]));
  }
  ZkLookupsProver out;
  auto [commitment, data] = pcs::commit(polys, params);
  out.data = std::move(data);
  transcript.absorb("lookup/inverses", commitment.root);

  size_t slot = 0;
  for (size_t k = 0; k < K; ++k) {
    const auto& t = layout.tables[k];
    const unsigned tv = lookup::table_vars(tables[k]);
    std::vector<std::vector<Fp2>> held;  // the full-size mask tables the spans below point into
    held.reserve(3 * columns[k].size() + 2);
    lookup::ZkMasks zm;
    for (size_t c = 0; c < columns[k].size(); ++c) {
      const auto& cols = plan.lookups[by_table[k][c]].columns;
      for (size_t side = 0; side < cols.size(); ++side) {
        const auto it = masks.find(cols[side]);
        auto& list = side == 0 ? zm.inputs : zm.outputs;
        if (it == masks.end()) {
          list.push_back(std::nullopt);
        } else {
          list.push_back(std::span<const Fp2>(held.emplace_back(layers::mask_table(it->second))));
        }
      }
      const unsigned cv = layout.vars[t.column_inverse[c]];
      zm.column_inverses.push_back(held.emplace_back(full_mask(polys[t.column_mask[c]], polys[t.column_mask[c] + 1], cv)));
    }
    const size_t mm = routing.multiplicity_mask_index.at(k);
    zm.multiplicities = held.emplace_back(full_mask(witness_tables[mm], witness_tables[mm + 1], tv));
    zm.table_inverse = held.emplace_back(full_mask(polys[t.table_mask], polys[t.table_mask + 1], tv));
    // The prover replays the verifier on its own proof: that yields the Libra claims to open, and a
    // proof the verifier would reject fails here instead of going out.
    Transcript replay = transcript;
    auto result = lookup::prove_zk(tables[k], columns[k], multiplicities(k), inverses[k], zm, challenges[k],
                                   [&pool](unsigned n, unsigned d) { return pool.take(n, d); }, transcript);
    const auto checked = lookup::verify_zk(tables[k], column_shapes(plan, by_table[k]), column_privacy(plan, by_table[k]),
                                           challenges[k], result.proof, replay);
    add_libra_claims(checked.libra, pool, slot, routing, witness_claims);
    route_lookup_claims(plan, routing, t, k, by_table[k], result.claims, claims, witness_claims, lookup_claims);
    out.proofs.push_back(std::move(result.proof));
  }
  out.libra_used = slot;
  return out;
}

size_t verify_lookups_zk(const Plan& plan, const ClaimRouting& routing, const Digest& lookup_root,
                         const std::vector<lookup::ZkLookupProof>& proofs, const LibraPool& pool,
                         Transcript& transcript, std::vector<layers::TensorClaim>& claims, ClaimLists& witness_claims,
                         ClaimLists& lookup_claims) {
  const auto by_table = lookups_by_table(plan);
  const LookupCommitmentLayout layout = lookup_commitment_layout(plan);
  if (proofs.size() != plan.tables.size()) throw VerifyError("wrong number of lookup arguments");
  std::vector<lookup::ZkChallenges> challenges;
  for (size_t k = 0; k < plan.tables.size(); ++k) {
    challenges.push_back(
        lookup::draw_zk_challenges(transcript, to_lookup_table(plan.tables[k]), column_shapes(plan, by_table[k])));
  }
  transcript.absorb("lookup/inverses", lookup_root);
  size_t slot = 0;
  for (size_t k = 0; k < plan.tables.size(); ++k) {
    lookup::ZkVerifierResult r;
    try {
      r = lookup::verify_zk(to_lookup_table(plan.tables[k]), column_shapes(plan, by_table[k]),
                            column_privacy(plan, by_table[k]), challenges[k], proofs[k], transcript);
    } catch (const VerifyError& e) {
      throw VerifyError("lookup argument for table " + plan.tables[k].key + ": " + e.what());
    }
    add_libra_claims(r.libra, pool, slot, routing, witness_claims);
    route_lookup_claims(plan, routing, layout.tables[k], k, by_table[k], r.claims, claims, witness_claims, lookup_claims);
  }
  return slot;
}

}  // namespace zk::circuit
