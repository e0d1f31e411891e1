#include "prover/prover.hpp"

#include <chrono>
#include <map>

#include "circuit/protocol.hpp"
#include "circuit/session.hpp"
#include "circuit/twin_masks.hpp"
#include "circuit/zk_lookups.hpp"
#include "common/progress.hpp"
#include "common/random.hpp"

namespace zk::prover {

pcs::PcsParams default_pcs_params() { return pcs::PcsParams{}; }

namespace {

const layers::IntTensor& weight_value(const layers::IntGraph& graph, int t) {
  const layers::IntTensor* value = graph.constant(t);
  if (!value || value->size() != layers::numel(graph.tensors[t].shape)) {
    throw Error("weight '" + graph.tensors[t].name + "' has no value (a verifying key cannot prove)");
  }
  return *value;
}

pcs::PcsParams key_params(const pcs::PcsParams& base, const circuit::Visibility& visibility, bool zero_knowledge) {
  pcs::PcsParams params = base;
  params.hiding = params.hiding || visibility.any_private();
  // Zero-knowledge openings exactly when the layer proofs are zero-knowledge: otherwise they send
  // evaluations of private tensors anyway, and an opening's fresh mask table costs 2-10x a plain
  // opening (docs/zk.md, docs/benchmarks.md); hiding commitments (salted leaves, top-subcube mask)
  // either way.
  params.zk_opening = zero_knowledge;
  params.validate();
  return params;
}

}  // namespace

std::vector<std::vector<Fp>> weight_tables(const layers::IntGraph& graph, const std::vector<int>& weight_tensors) {
  std::vector<std::vector<Fp>> tables;
  for (int t : weight_tensors) tables.push_back(layers::mle_table(weight_value(graph, t)));
  if (tables.empty()) tables.push_back({Fp::zero()});
  return tables;
}

void check_provable(const layers::IntGraph& graph, const pcs::PcsParams& base_params,
                    const circuit::Visibility& visibility) {
  const circuit::Plan plan = circuit::make_plan(graph, visibility);
  const bool zero_knowledge = circuit::proves_zero_knowledge(plan);
  const pcs::PcsParams params = key_params(base_params, visibility, zero_knowledge);
  for (int t : plan.weight_tensors()) weight_value(plan.graph, t);
  // The weights commitment's layout, from the tables' sizes alone: it refuses weights too large to
  // commit, with the message commit itself would give.
  pcs::Layout::compute(circuit::route_claims(plan, zero_knowledge).weight_vars,
                       circuit::commitment_params(params, visibility).weights);
}

namespace {

// Private weights get a hiding commitment whose randomness (salts, top mask and, in zero-knowledge
// mode, the twin masks) comes from the key's seed, so that setup and every proof build the same
// commitment; public weights only a placeholder.
std::pair<pcs::Commitment, std::unique_ptr<pcs::ProverData>> commit_weights(
    const circuit::Plan& plan, const pcs::PcsParams& params, const pcs::Seed& seed, bool zero_knowledge,
    std::map<int, layers::MaskTensor>* masks = nullptr) {
  auto tables = weight_tables(plan.graph, plan.weight_tensors());
  if (zero_knowledge && !plan.weight_tensors().empty()) {
    circuit::add_twin_masks(plan, plan.weight_tensors(), circuit::seeded_field_source(seed, 0), tables, masks);
  }
  return params.hiding ? pcs::commit(tables, params, seed) : pcs::commit(tables, params);
}

}  // namespace

Keys setup(layers::IntGraph graph, const pcs::PcsParams& base_params, const circuit::Visibility& visibility) {
  progress::report("setup: committing to the weights");
  circuit::Plan plan = circuit::make_plan(graph, visibility);
  const bool zero_knowledge = circuit::proves_zero_knowledge(plan);
  const pcs::PcsParams params = key_params(base_params, visibility, zero_knowledge);
  const circuit::CommitmentParams cp = circuit::commitment_params(params, visibility);
  Keys keys;
  if (cp.weights.hiding) os_random_bytes(keys.pk.weights_seed);
  auto [commitment, data] = commit_weights(plan, cp.weights, keys.pk.weights_seed, zero_knowledge);
  keys.pk.graph = std::move(graph);
  keys.pk.visibility = visibility;
  keys.pk.pcs_params = params;
  keys.pk.weights_root = commitment.root;
  keys.vk.graph = keys.pk.graph;
  if (visibility.weights_private) {
    for (auto& [id, value] : keys.vk.graph.constants) value.data.clear();
  }
  keys.vk.visibility = visibility;
  keys.vk.zero_knowledge = zero_knowledge;
  keys.vk.pcs_params = params;
  keys.vk.weights_root = commitment.root;
  keys.vk.architecture_hash =
      io::architecture_hash(keys.vk.graph, visibility, keys.vk.zero_knowledge, params);
  keys.pk.architecture_hash = keys.vk.architecture_hash;
  return keys;
}

ProveResult prove(const io::ProvingKey& pk, const std::vector<layers::IntTensor>& inputs) {
  ProveResult result;
  auto phase_start = std::chrono::steady_clock::now();
  auto end_phase = [&](const char* name) {
    const auto now = std::chrono::steady_clock::now();
    result.phase_seconds.emplace_back(name, std::chrono::duration<double>(now - phase_start).count());
    phase_start = now;
  };
  const circuit::Plan plan = circuit::make_plan(pk.graph, pk.visibility);
  const bool zero_knowledge = circuit::proves_zero_knowledge(plan);
  const circuit::ClaimRouting routing = circuit::route_claims(plan, zero_knowledge);
  const circuit::CommitmentParams cp = circuit::commitment_params(pk.pcs_params, pk.visibility);
  const auto by_table = circuit::lookups_by_table(plan);
  end_phase("plan");
  progress::report("prove: witness (integer inference)");
  const circuit::Witness witness = circuit::make_witness(plan, inputs);
  end_phase("witness (integer inference)");

  // Zero knowledge: every private tensor's twin mask (docs/zk.md §1), by tensor id.
  std::map<int, layers::MaskTensor> masks;
  progress::report("prove: recommitting the weights");
  // Weights: recommitted from the proving key (its seed fixes the hiding randomness), and checked
  // against the key's root so a corrupted key fails here rather than in verification.
  auto [weights_commitment, weights_data] = commit_weights(plan, cp.weights, pk.weights_seed, zero_knowledge, &masks);
  if (weights_commitment.root != pk.weights_root) {
    throw Error("the proving key's weights do not match its weights commitment");
  }
  end_phase("weights recommit");

  // Private inputs: a hiding commitment of their own, from a fresh seed that the caller may hand
  // to whoever holds the input (io::InputCommitment).
  std::unique_ptr<pcs::ProverData> input_data;
  if (!plan.input_tensors().empty()) {
    io::InputCommitment ic;
    ic.architecture_hash = pk.architecture_hash;
    os_random_bytes(ic.seed);
    auto [input_commitment, data] = circuit::commit_inputs(plan, inputs, cp.input, ic.seed, zero_knowledge, &masks);
    ic.root = input_commitment.root;
    input_data = std::move(data);
    result.input_commitment = ic;
    end_phase("input commit");
  }

  // Witness tables, multiplicities, commitment.
  progress::report("prove: witness tables");
  const std::vector<int> witness_tensors = plan.witness_tensors();
  std::vector<std::vector<Fp>> witness_tables;
  // Room for every polynomial of the commitment up front: columns below hold spans into these
  // tables, so the outer vector must not reallocate.
  witness_tables.reserve(routing.witness_vars.size() + 1);
  for (int t : witness_tensors) witness_tables.push_back(layers::mle_table(witness.values[t]));
  std::vector<std::vector<Fp>> column_tables(plan.num_tensors());
  auto column_table = [&](int t) -> const std::vector<Fp>& {
    if (routing.witness_index[t] >= 0) return witness_tables[routing.witness_index[t]];
    if (column_tables[t].empty()) column_tables[t] = layers::mle_table(witness.values[t]);
    return column_tables[t];
  };
  std::vector<lookup::Table> tables;
  std::vector<std::vector<lookup::Column>> columns(plan.tables.size());
  for (size_t k = 0; k < plan.tables.size(); ++k) {
    tables.push_back(circuit::to_lookup_table(plan.tables[k]));
    for (size_t decl : by_table[k]) {
      const auto& cols = plan.lookups[decl].columns;
      lookup::Column c;
      c.input = column_table(cols[0]);
      if (cols.size() > 1) c.output = column_table(cols[1]);
      c.shape = plan.shapes[cols[0]];
      columns[k].push_back(c);
    }
  }
  // The multiplicity columns follow the tensors in the witness commitment (circuit::route_claims).
  for (size_t k = 0; k < plan.tables.size(); ++k) {
    witness_tables.push_back(lookup::compute_multiplicities(tables[k], columns[k]));
  }
  end_phase("witness tables, multiplicities");
  circuit::LibraPool pool(plan);
  if (zero_knowledge) {
    // Then the twin masks (of the tensors, of the multiplicity columns) and the Libra pool: all of
    // the proof's masking randomness is committed before the first challenge.
    const auto source = circuit::os_field_source();
    circuit::add_twin_masks(plan, witness_tensors, source, witness_tables, &masks);
    for (unsigned v : routing.multiplicity_mask_vars) {
      auto m = circuit::make_table_mask(v, v, source);
      witness_tables.push_back(std::move(m.coordinate[0]));
      witness_tables.push_back(std::move(m.coordinate[1]));
    }
    pool.sample();
    for (const auto& t : pool.tables()) witness_tables.push_back(t);
  }
  if (witness_tables.empty()) witness_tables.push_back({Fp::zero()});  // as circuit::route_claims
  progress::report("prove: committing the witness");
  auto [witness_commitment, witness_data] = pcs::commit(witness_tables, cp.witness);
  end_phase("witness commit");

  io::Proof& proof = result.proof;
  proof.architecture_hash = pk.architecture_hash;
  proof.zero_knowledge = zero_knowledge;
  for (int t : plan.graph.outputs) result.outputs.push_back(witness.values[t]);
  if (!pk.visibility.input_private) proof.inputs = inputs;
  if (!pk.visibility.output_private) proof.outputs = result.outputs;
  if (result.input_commitment) proof.input_root = result.input_commitment->root;
  proof.witness_root = witness_commitment.root;

  Transcript transcript(circuit::kProtocolLabel);
  circuit::bind_statement(transcript, proof.architecture_hash, pk.weights_root, proof.inputs, proof.outputs,
                          proof.input_root, proof.witness_root);

  std::vector<layers::TensorClaim> claims;
  circuit::ClaimLists witness_claims, weight_claims, input_claims;
  // Lookups: one LogUp-GKR argument per table, or with zero knowledge the committed-inverse LogUp.
  circuit::ClaimLists lookup_claims;
  std::unique_ptr<pcs::ProverData> lookup_data;
  if (zero_knowledge && !plan.tables.empty()) {
    progress::report("prove: lookup arguments");
    auto zl = circuit::prove_lookups_zk(plan, routing, tables, columns, witness_tables, masks, cp.witness, pool,
                                        transcript, claims, witness_claims, lookup_claims);
    lookup_data = std::move(zl.data);
    proof.lookup_root = lookup_data->commitment.root;
    proof.zk_lookups = std::move(zl.proofs);
  }
  for (size_t k = 0; k < plan.tables.size() && !zero_knowledge; ++k) {
    progress::report("prove: lookup arguments", k + 1, plan.tables.size());
    auto lookup_result =
        lookup::prove(tables[k], columns[k], witness_tables[routing.num_witness_tensors + k], transcript);
    circuit::collect_lookup_claims(plan, routing, k, by_table[k], lookup_result.claims, claims, witness_claims);
    proof.lookups.push_back(std::move(lookup_result.proof));
  }
  end_phase("lookups");

  // Layers, from the output back to the input.
  circuit::ProverSession session(plan, witness, transcript);
  for (int t : witness_tensors) session.borrow(t, witness_tables[routing.witness_index[t]]);
  if (zero_knowledge) {
    session.enable_zk(masks);
    session.set_mask_source([&pool](unsigned n, unsigned d) { return pool.take(n, d); });
  }
  proof.nodes.resize(plan.graph.nodes.size());
  const size_t num_nodes = plan.graph.nodes.size();
  for (size_t n = num_nodes; n-- > 0;) {
    progress::report("prove: layer proofs", num_nodes - n, num_nodes, plan.graph.nodes[n].name);
    proof.nodes[n] = session.prove_node(n, claims);
  }
  for (const auto& range : plan.input_ranges) proof.input_ranges.push_back(session.prove_input_range(range, claims));
  end_phase("layers");

  // Route every claim; public tensors need nothing from the prover.
  progress::report("prove: openings");
  if (zero_knowledge) {
    circuit::check_twin_claims_hide(plan, routing, claims, session.mask_reveals());
    // The layers' Libra masks follow the lookups' in the pool.
    const size_t first_slot = pool.used() - session.libra_masks().size();
    const auto& libra = session.libra_masks();
    for (size_t i = 0; i < libra.size(); ++i) {
      const sumcheck::MaskClaim mask{libra[i].g.num_vars(), libra[i].g.degree(), libra[i].point, libra[i].value};
      witness_claims.weighted.push_back(pool.claim(first_slot + i, mask, routing.pool_begin));
    }
  }
  circuit::route_to_commitments(routing, claims, witness_claims, weight_claims, input_claims);
  end_phase("claims");
  proof.witness_opening = pcs::open(*witness_data, witness_claims.set(), transcript);
  end_phase("witness opening");
  proof.weights_opening = pcs::open(*weights_data, weight_claims.set(), transcript);
  end_phase("weights opening");
  if (input_data) {
    proof.input_opening = pcs::open(*input_data, input_claims.set(), transcript);
    end_phase("input opening");
  }
  if (lookup_data) {
    proof.lookup_opening = pcs::open(*lookup_data, lookup_claims.set(), transcript);
    end_phase("lookup opening");
  }
  return result;
}

}  // namespace zk::prover
