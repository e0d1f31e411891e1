#include "circuit/protocol.hpp"

namespace zk::circuit {

void bind_statement(Transcript& transcript, const Digest& architecture_hash, const Digest& weights_root,
                    const std::vector<layers::IntTensor>& inputs, const std::vector<layers::IntTensor>& outputs,
                    const std::optional<Digest>& input_root, const Digest& witness_root) {
  transcript.absorb("statement/architecture", architecture_hash);
  transcript.absorb("statement/weights", weights_root);
  for (const auto* group : {&inputs, &outputs}) {
    transcript.absorb("statement/tensors", static_cast<uint64_t>(group->size()));
    for (const auto& t : *group) {
      transcript.absorb("statement/rank", static_cast<uint64_t>(t.shape.size()));
      for (int64_t d : t.shape) transcript.absorb("statement/dim", static_cast<uint64_t>(d));
      std::vector<Fp> values(t.data.size());
      for (size_t i = 0; i < values.size(); ++i) values[i] = Fp::from_signed(t.data[i]);
      transcript.absorb("statement/values", std::span<const Fp>(values));
    }
  }
  transcript.absorb("statement/private_inputs", static_cast<uint64_t>(input_root.has_value()));
  if (input_root) transcript.absorb("statement/input_commitment", *input_root);
  transcript.absorb("statement/witness", witness_root);
}

CommitmentParams commitment_params(const pcs::PcsParams& base, const Visibility& visibility) {
  CommitmentParams p{base, base, base};
  p.witness.hiding = base.hiding || visibility.any_private();
  // Public weights leave only a placeholder commitment, nothing to hide.
  p.weights.hiding = visibility.weights_private;
  p.input.hiding = true;
  return p;
}

lookup::Table to_lookup_table(const layers::LookupTable& table) {
  lookup::Table t;
  t.inputs.reserve(table.inputs.size());
  for (int64_t v : table.inputs) t.inputs.push_back(Fp::from_signed(v));
  for (int64_t v : table.outputs) t.outputs.push_back(Fp::from_signed(v));
  return t;
}

std::vector<std::vector<size_t>> lookups_by_table(const Plan& plan) {
  std::vector<std::vector<size_t>> by_table(plan.tables.size());
  for (size_t i = 0; i < plan.lookups.size(); ++i) by_table[plan.lookups[i].table].push_back(i);
  return by_table;
}

ClaimRouting route_claims(const Plan& plan) {
  ClaimRouting r;
  r.witness_index.assign(plan.num_tensors(), -1);
  r.weight_index.assign(plan.num_tensors(), -1);
  r.input_index.assign(plan.num_tensors(), -1);
  int w = 0;
  for (int t : plan.witness_tensors()) r.witness_index[t] = w++;
  r.num_witness_tensors = static_cast<size_t>(w);
  int k = 0;
  for (int t : plan.weight_tensors()) r.weight_index[t] = k++;
  int i = 0;
  for (int t : plan.input_tensors()) r.input_index[t] = i++;
  return r;
}

void collect_lookup_claims(const Plan& plan, const ClaimRouting& routing, size_t table, const std::vector<size_t>& decls,
                           std::vector<lookup::EvalClaim>& lookup_claims, std::vector<layers::TensorClaim>& claims,
                           std::vector<pcs::Claim>& witness_claims) {
  for (auto& c : lookup_claims) {
    if (c.kind == lookup::ClaimKind::kMultiplicity) {
      witness_claims.push_back({routing.num_witness_tensors + table, std::move(c.point), c.value});
    } else {
      const auto& cols = plan.lookups[decls.at(c.column)].columns;
      claims.push_back({cols[c.kind == lookup::ClaimKind::kInput ? 0 : 1], std::move(c.point), c.value});
    }
  }
}

std::vector<layers::TensorClaim> route_to_commitments(const ClaimRouting& routing, std::vector<layers::TensorClaim>& claims,
                                                     std::vector<pcs::Claim>& witness_claims,
                                                     std::vector<pcs::Claim>& weight_claims,
                                                     std::vector<pcs::Claim>& input_claims) {
  std::vector<layers::TensorClaim> rest;
  for (auto& c : claims) {
    if (routing.witness_index[c.tensor] >= 0) {
      witness_claims.push_back({static_cast<size_t>(routing.witness_index[c.tensor]), std::move(c.point), c.value});
    } else if (routing.weight_index[c.tensor] >= 0) {
      weight_claims.push_back({static_cast<size_t>(routing.weight_index[c.tensor]), std::move(c.point), c.value});
    } else if (routing.input_index[c.tensor] >= 0) {
      input_claims.push_back({static_cast<size_t>(routing.input_index[c.tensor]), std::move(c.point), c.value});
    } else {
      rest.push_back(std::move(c));
    }
  }
  claims.clear();
  return rest;
}

namespace {
std::vector<unsigned> tensor_vars(const Plan& plan, const std::vector<int>& tensors) {
  std::vector<unsigned> vars;
  for (int t : tensors) vars.push_back(layers::mle_layout(plan.shapes[t]).num_vars);
  return vars;
}
}  // namespace

std::vector<unsigned> witness_poly_vars(const Plan& plan) {
  std::vector<unsigned> vars = tensor_vars(plan, plan.witness_tensors());
  for (const auto& table : plan.tables) vars.push_back(lookup::table_vars(to_lookup_table(table)));
  if (vars.empty()) vars.push_back(0);  // a model whose every tensor is public still commits one entry
  return vars;
}

std::vector<unsigned> weight_poly_vars(const Plan& plan) {
  std::vector<unsigned> vars = tensor_vars(plan, plan.weight_tensors());
  if (vars.empty()) vars.push_back(0);  // public weights or none: still one committed entry
  return vars;
}

std::vector<unsigned> input_poly_vars(const Plan& plan) {
  std::vector<unsigned> vars = tensor_vars(plan, plan.input_tensors());
  if (vars.empty()) throw Error("the model has no private input to commit to");
  return vars;
}

std::pair<pcs::Commitment, std::unique_ptr<pcs::ProverData>> commit_inputs(
    const Plan& plan, const std::vector<layers::IntTensor>& inputs, const pcs::PcsParams& input_params,
    const pcs::Seed& seed) {
  if (inputs.size() != plan.graph.inputs.size()) {
    throw Error("the model has " + std::to_string(plan.graph.inputs.size()) + " inputs, " +
                std::to_string(inputs.size()) + " were given");
  }
  std::vector<std::vector<Fp>> tables;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const int t = plan.graph.inputs[i];
    if (plan.roles[t] != Role::Input) continue;
    if (inputs[i].shape != plan.shapes[t] || inputs[i].size() != layers::numel(plan.shapes[t])) {
      throw Error("input '" + plan.names[t] + "' has shape " + layers::shape_str(inputs[i].shape) +
                  ", the model expects " + layers::shape_str(plan.shapes[t]));
    }
    tables.push_back(layers::mle_table(inputs[i]));
  }
  if (tables.empty()) throw Error("the model has no private input to commit to");
  return pcs::commit(tables, input_params, seed);
}

}  // namespace zk::circuit
