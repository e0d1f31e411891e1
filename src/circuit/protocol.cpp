#include "circuit/protocol.hpp"

#include <algorithm>

#include "circuit/twin_masks.hpp"
#include "layers/layer.hpp"

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

std::optional<std::string> zero_knowledge_obstacle(const Plan& plan) {
  for (const auto& node : plan.graph.nodes) {
    const layers::LayerDef* def = layers::find_layer(node.op);
    if (!def || !def->proof || !def->proof->zk) return node.where() + " has no zero-knowledge proof yet";
  }
  // Twin claims per tensor, generously: two from the node that makes it (its output claim and the
  // mask term of the node's sumcheck; none for inputs and weights), two per use by a node (a final
  // evaluation, a mask term or a value revealed inside another: conv's M_X(pi)), one per lookup
  // column, two for an input's range check. Each claim needs one more real entry of the mask's
  // support.
  std::vector<size_t> needed(plan.num_tensors(), 2);
  for (int t : plan.graph.inputs) needed[t] = 0;
  for (const auto& [t, value] : plan.graph.constants) needed[t] = 0;
  for (const auto& node : plan.graph.nodes) {
    for (int t : node.inputs) {
      if (t >= 0) needed[t] += 2;
    }
  }
  for (const auto& decl : plan.lookups) {
    for (int t : decl.columns) ++needed[t];
    // The committed-inverse LogUp claims a column's inverse up to twice (src/lookup/README.md,
    // "Hiding"), and the inverse's mask spans the column's whole cube: a scalar column's one entry
    // cannot hide two claims (and the inverse 1/(alpha - v) gives v away).
    if (layers::mle_layout(plan.shapes[decl.columns[0]]).num_vars == 0) {
      return "the lookup column '" + plan.names[decl.columns[0]] + "' is a scalar, too small to hide its inverse's claims";
    }
  }
  for (const auto& range : plan.input_ranges) needed[range.tensor] += 2;
  for (size_t t = 0; t < plan.num_tensors(); ++t) {
    if (plan.roles[t] == Role::Public) continue;
    const size_t capacity = twin_mask_support(plan.shapes[t], twin_mask_vars(plan.shapes[t], plan.roles[t])).size();
    if (capacity < needed[t]) {
      return "'" + plan.names[t] + "' has " + std::to_string(capacity) + " entries, too few for its twin mask to hide the " +
             std::to_string(needed[t]) + " evaluations a proof may make of it";
    }
  }
  return std::nullopt;
}

bool proves_zero_knowledge(const Plan& plan) { return plan.visibility.any_private() && !zero_knowledge_obstacle(plan); }

std::string zero_knowledge_status(const layers::IntGraph& graph, const Visibility& visibility) {
  if (!visibility.any_private()) return "no (nothing is private)";
  const auto obstacle = zero_knowledge_obstacle(make_plan(graph, visibility));
  return obstacle ? "no (" + *obstacle + ")" : "yes";
}

bool proves_zero_knowledge(const layers::IntGraph& graph, const Visibility& visibility) {
  return proves_zero_knowledge(make_plan(graph, visibility));
}

namespace {
unsigned tensor_vars(const Plan& plan, int t) { return layers::mle_layout(plan.shapes[t]).num_vars; }

// Appends the twin masks' polynomials of `tensors` to `vars` and records their indices.
void add_mask_polys(const Plan& plan, const std::vector<int>& tensors, std::vector<unsigned>& vars, ClaimRouting& r) {
  for (int t : tensors) {
    r.mask_index[t] = static_cast<int>(vars.size());
    r.mask_vars[t] = twin_mask_vars(plan.shapes[t], plan.roles[t]);
    vars.insert(vars.end(), 2, r.mask_vars[t]);
  }
}
}  // namespace

ClaimRouting route_claims(const Plan& plan, bool zero_knowledge) {
  ClaimRouting r;
  r.zero_knowledge = zero_knowledge;
  r.witness_index.assign(plan.num_tensors(), -1);
  r.weight_index.assign(plan.num_tensors(), -1);
  r.input_index.assign(plan.num_tensors(), -1);
  r.mask_index.assign(plan.num_tensors(), -1);
  r.mask_vars.assign(plan.num_tensors(), 0);
  const std::vector<int> witness = plan.witness_tensors(), weights = plan.weight_tensors(), inputs = plan.input_tensors();
  for (int t : witness) {
    r.witness_index[t] = static_cast<int>(r.witness_vars.size());
    r.witness_vars.push_back(tensor_vars(plan, t));
  }
  r.num_witness_tensors = witness.size();
  std::vector<unsigned> table_vars;
  for (const auto& table : plan.tables) table_vars.push_back(lookup::table_vars(to_lookup_table(table)));
  r.witness_vars.insert(r.witness_vars.end(), table_vars.begin(), table_vars.end());
  for (int t : weights) {
    r.weight_index[t] = static_cast<int>(r.weight_vars.size());
    r.weight_vars.push_back(tensor_vars(plan, t));
  }
  for (int t : inputs) {
    r.input_index[t] = static_cast<int>(r.input_vars.size());
    r.input_vars.push_back(tensor_vars(plan, t));
  }
  if (zero_knowledge) {
    add_mask_polys(plan, witness, r.witness_vars, r);
    for (unsigned v : table_vars) {
      r.multiplicity_mask_index.push_back(static_cast<int>(r.witness_vars.size()));
      r.multiplicity_mask_vars.push_back(std::min(v, kProofMaskVars));
      r.witness_vars.insert(r.witness_vars.end(), 2, r.multiplicity_mask_vars.back());
    }
    r.pool_begin = r.witness_vars.size();
    r.witness_vars.insert(r.witness_vars.end(), LibraPool(plan).num_polys(), LibraPool::kPolyVars);
    add_mask_polys(plan, weights, r.weight_vars, r);
    add_mask_polys(plan, inputs, r.input_vars, r);
  }
  if (r.witness_vars.empty()) r.witness_vars.push_back(0);  // a model whose every tensor is public still commits one entry
  if (r.weight_vars.empty()) r.weight_vars.push_back(0);    // public weights or none: still one committed entry
  return r;
}

void collect_lookup_claims(const Plan& plan, const ClaimRouting& routing, size_t table, const std::vector<size_t>& decls,
                           std::vector<lookup::EvalClaim>& lookup_claims, std::vector<layers::TensorClaim>& claims,
                           ClaimLists& witness_claims) {
  for (auto& c : lookup_claims) {
    if (c.kind == lookup::ClaimKind::kMultiplicity) {
      witness_claims.evaluations.push_back({routing.num_witness_tensors + table, std::move(c.point), c.value});
    } else {
      const auto& cols = plan.lookups[decls.at(c.column)].columns;
      claims.push_back({cols[c.kind == lookup::ClaimKind::kInput ? 0 : 1], std::move(c.point), c.value});
    }
  }
}

std::vector<layers::TensorClaim> route_to_commitments(const ClaimRouting& routing, std::vector<layers::TensorClaim>& claims,
                                                     ClaimLists& witness_claims, ClaimLists& weight_claims,
                                                     ClaimLists& input_claims) {
  std::vector<layers::TensorClaim> rest;
  for (auto& c : claims) {
    ClaimLists* lists = nullptr;
    int index = -1;
    if (routing.witness_index[c.tensor] >= 0) {
      lists = &witness_claims, index = routing.witness_index[c.tensor];
    } else if (routing.weight_index[c.tensor] >= 0) {
      lists = &weight_claims, index = routing.weight_index[c.tensor];
    } else if (routing.input_index[c.tensor] >= 0) {
      lists = &input_claims, index = routing.input_index[c.tensor];
    }
    if (!lists) {
      if (c.beta) throw Error("a twin claim on a public tensor");
      rest.push_back(std::move(c));
      continue;
    }
    if (!c.beta) {
      // In zero-knowledge mode every claim on a committed tensor is a twin claim: a plain one
      // would reveal an evaluation of private data.
      if (routing.zero_knowledge) throw VerifyError("a plain evaluation claim on a private tensor");
      lists->evaluations.push_back({static_cast<size_t>(index), std::move(c.point), c.value});
    } else {
      if (routing.mask_index[c.tensor] < 0) throw Error("a twin claim on a tensor without a twin mask");
      lists->combinations.push_back(twin_combination(static_cast<size_t>(index),
                                                     static_cast<size_t>(routing.mask_index[c.tensor]),
                                                     routing.mask_vars[c.tensor], c.point, *c.beta, c.value));
    }
  }
  claims.clear();
  return rest;
}

void check_twin_claims_hide(const Plan& plan, const ClaimRouting& routing, const std::vector<layers::TensorClaim>& claims,
                            const std::vector<layers::TensorClaim>& reveals) {
  // A claim repeated exactly (same point, same beta: e.g. add(x, x)) reveals nothing new; the same
  // point under another beta would, and counts.
  std::map<int, std::vector<std::vector<Fp2>>> points;
  std::map<int, std::vector<std::pair<std::vector<Fp2>, Fp2>>> seen;
  for (const auto& c : claims) {
    if (!c.beta) continue;
    auto& s = seen[c.tensor];
    if (std::find(s.begin(), s.end(), std::pair(c.point, *c.beta)) != s.end()) continue;
    s.emplace_back(c.point, *c.beta);
    points[c.tensor].push_back(c.point);
  }
  for (const auto& r : reveals) points[r.tensor].push_back(r.point);
  for (const auto& [tensor, p] : points) {
    const unsigned vars = routing.mask_vars.at(tensor);
    if (!twin_claims_hide(p, vars, twin_mask_support(plan.shapes[tensor], vars))) {
      throw Error("zero knowledge: the proof's " + std::to_string(p.size()) + " evaluation claims on '" + plan.names[tensor] +
                  "' are more than its twin mask hides");
    }
  }
}

void add_twin_masks(const Plan& plan, const std::vector<int>& tensors, const std::function<Fp()>& source,
                    std::vector<std::vector<Fp>>& tables, std::map<int, layers::MaskTensor>* masks) {
  for (int t : tensors) {
    TwinMask m = make_twin_mask(plan.shapes[t], twin_mask_vars(plan.shapes[t], plan.roles[t]), source);
    tables.push_back(std::move(m.coordinate[0]));
    tables.push_back(std::move(m.coordinate[1]));
    if (masks) masks->emplace(t, std::move(m.tensor));
  }
}

std::pair<pcs::Commitment, std::unique_ptr<pcs::ProverData>> commit_inputs(
    const Plan& plan, const std::vector<layers::IntTensor>& inputs, const pcs::PcsParams& input_params,
    const pcs::Seed& seed, bool zero_knowledge, std::map<int, layers::MaskTensor>* masks) {
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
  if (zero_knowledge) add_twin_masks(plan, plan.input_tensors(), seeded_field_source(seed, 0), tables, masks);
  return pcs::commit(tables, input_params, seed);
}

}  // namespace zk::circuit
