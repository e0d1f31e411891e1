#include "circuit/plan.hpp"

#include <map>

#include "layers/layer.hpp"
#include "layers/range_check.hpp"

namespace zk::circuit {

namespace {

// Declares a lookup of `columns` into `table`, sharing the plan's table of the same key.
void declare_lookup(Plan& plan, const layers::LookupTable& table, std::vector<int> columns, const std::string& where) {
  size_t index = 0;
  for (; index < plan.tables.size(); ++index) {
    if (plan.tables[index].key == table.key) {
      if (plan.tables[index].inputs != table.inputs || plan.tables[index].outputs != table.outputs) {
        throw Error(where + ": two different lookup tables share the key '" + table.key + "'");
      }
      break;
    }
  }
  if (index == plan.tables.size()) plan.tables.push_back(table);
  plan.lookups.push_back({index, std::move(columns)});
}

class Builder : public layers::PlanBuilder {
 public:
  Builder(Plan& plan, size_t node) : plan_(plan), node_(node) {}

  int add_aux(const std::string& name, layers::Shape shape) override {
    const int id = static_cast<int>(plan_.shapes.size());
    plan_.shapes.push_back(std::move(shape));
    plan_.names.push_back(plan_.graph.nodes[node_].name + "/" + name);
    plan_.roles.push_back(Role::Witness);
    plan_.node_aux[node_].push_back(id);
    return id;
  }

  void add_lookup(const layers::LookupTable& table, std::vector<int> columns) override {
    const size_t want = table.outputs.empty() ? 1 : 2;
    if (columns.size() != want) {
      throw Error(plan_.graph.nodes[node_].where() + ": lookup into " + table.key + " needs " +
                  std::to_string(want) + " column(s)");
    }
    for (int c : columns) {
      if (c < 0 || c >= static_cast<int>(plan_.shapes.size()) || plan_.shapes[c] != plan_.shapes[columns[0]]) {
        throw Error(plan_.graph.nodes[node_].where() + ": lookup columns of different shapes");
      }
    }
    declare_lookup(plan_, table, std::move(columns), plan_.graph.nodes[node_].where());
  }

  const layers::IntGraph& graph() const override { return plan_.graph; }

 private:
  Plan& plan_;
  size_t node_;
};

std::vector<int> tensors_with_role(const std::vector<Role>& roles, Role role) {
  std::vector<int> out;
  for (size_t t = 0; t < roles.size(); ++t)
    if (roles[t] == role) out.push_back(static_cast<int>(t));
  return out;
}

// Declares a private input's range limbs: aux tensors of no node, named after the input.
class InputRangeBuilder : public layers::PlanBuilder {
 public:
  InputRangeBuilder(Plan& plan, InputRange& range) : plan_(plan), range_(range) {}

  int add_aux(const std::string& name, layers::Shape shape) override {
    const int id = static_cast<int>(plan_.shapes.size());
    plan_.shapes.push_back(std::move(shape));
    plan_.names.push_back(plan_.names[range_.tensor] + "/" + name);
    plan_.roles.push_back(Role::Witness);
    range_.aux.push_back(id);
    return id;
  }
  void add_lookup(const layers::LookupTable& table, std::vector<int> columns) override {
    declare_lookup(plan_, table, std::move(columns), "input '" + plan_.names[range_.tensor] + "'");
  }
  const layers::IntGraph& graph() const override { return plan_.graph; }

 private:
  Plan& plan_;
  InputRange& range_;
};

}  // namespace

std::vector<int> Plan::witness_tensors() const { return tensors_with_role(roles, Role::Witness); }
std::vector<int> Plan::weight_tensors() const { return tensors_with_role(roles, Role::Weight); }

std::vector<int> Plan::input_tensors() const {
  std::vector<int> out;
  for (int t : graph.inputs)
    if (roles[t] == Role::Input) out.push_back(t);
  return out;
}

Plan make_plan(layers::IntGraph graph, const Visibility& visibility) {
  Plan plan;
  plan.graph = std::move(graph);
  plan.visibility = visibility;
  const auto& g = plan.graph;
  for (const auto& info : g.tensors) {
    plan.shapes.push_back(info.shape);
    plan.names.push_back(info.name);
    const bool weight = info.kind == layers::TensorKind::Constant;
    plan.roles.push_back(!weight ? Role::Witness : visibility.weights_private ? Role::Weight : Role::Public);
  }
  for (int t : g.inputs) plan.roles[t] = visibility.input_private ? Role::Input : Role::Public;
  // A private output stays in the witness commitment. A tensor that is both an input and an output
  // is public if either class is: publishing it as one publishes it as the other.
  if (!visibility.output_private)
    for (int t : g.outputs) plan.roles[t] = Role::Public;
  plan.node_aux.resize(g.nodes.size());
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    const auto& node = g.nodes[n];
    const layers::LayerDef* def = layers::find_layer(node.op);
    if (!def) throw Error(node.where() + ": unknown layer");
    if (!def->proof) {
      throw Error(node.where() + ": zkinfer cannot prove this layer yet (no proof for '" + node.op + "')");
    }
    if (def->proof->plan) {
      Builder builder(plan, n);
      def->proof->plan(node, builder);
    }
  }
  // The layers take their inputs' bounds for granted (no value may wrap around p). A public input
  // is checked by the verifier, who sees it; a private one is only committed, so its bound is
  // proven. Token ids need nothing here: the embedding layer, their only use, proves each id is a
  // row of its table.
  for (int t : plan.input_tensors()) {
    if (layers::is_index_input(g.tensors[t])) continue;
    InputRange range;
    range.tensor = t;
    range.bounded = layers::bounded_layout(-g.tensors[t].bound, g.tensors[t].bound, /*two_sided=*/true);
    InputRangeBuilder builder(plan, range);
    const layers::Shape shape = plan.shapes[t];  // a copy: declaring limbs grows plan.shapes
    layers::plan_bounded(builder, "range", t, shape, range.bounded);
    plan.input_ranges.push_back(std::move(range));
  }
  return plan;
}

Witness make_witness(const Plan& plan, const std::vector<layers::IntTensor>& inputs) {
  Witness w;
  w.values = layers::execute(plan.graph, inputs);
  w.values.resize(plan.num_tensors());
  for (size_t n = 0; n < plan.graph.nodes.size(); ++n) {
    const auto& aux_ids = plan.node_aux[n];
    if (aux_ids.empty()) continue;
    const auto& node = plan.graph.nodes[n];
    std::vector<const layers::IntTensor*> in, out;
    for (int t : node.inputs) in.push_back(t >= 0 ? &w.values[t] : nullptr);
    for (int t : node.outputs) out.push_back(&w.values[t]);
    std::vector<layers::IntTensor> aux;
    for (int t : aux_ids) aux.emplace_back(plan.shapes[t]);
    layers::find_layer(node.op)->proof->witness(node, in, out, aux);
    for (size_t i = 0; i < aux_ids.size(); ++i) {
      if (aux[i].shape != plan.shapes[aux_ids[i]] ||
          aux[i].size() != layers::numel(plan.shapes[aux_ids[i]])) {
        throw Error(node.where() + ": witness produced an aux tensor of the wrong shape");
      }
      w.values[aux_ids[i]] = std::move(aux[i]);
    }
  }
  for (const auto& range : plan.input_ranges) {
    std::vector<layers::IntTensor> aux;
    for (int t : range.aux) aux.emplace_back(plan.shapes[t]);
    size_t cursor = 0;
    layers::fill_bounded(range.bounded, w.values[range.tensor], aux, cursor);
    for (size_t i = 0; i < range.aux.size(); ++i) w.values[range.aux[i]] = std::move(aux[i]);
  }
  return w;
}

}  // namespace zk::circuit
