#pragma once
// The circuit plan: everything prover and verifier must agree on before any proof exists,
// derived deterministically from the integer graph (so the verifying key only needs the graph).
//   - the tensor id space: the graph's tensors, then every layer's auxiliary tensors;
//   - each tensor's role, from the tensor class and its visibility: committed at prove time
//     (witness, private outputs), committed at setup (private weights), committed per proof in the
//     input commitment (private inputs), or known to the verifier (public inputs and outputs in
//     the proof, public weights in the verifying key);
//   - the lookup tables and, per table, the columns looked up in it.
#include <string>
#include <vector>

#include "circuit/visibility.hpp"
#include "layers/int_graph.hpp"
#include "layers/proof.hpp"
#include "layers/range_check.hpp"

namespace zk::circuit {

enum class Role : uint8_t { Witness, Weight, Public, Input };

struct LookupDecl {
  size_t table = 0;          // index into Plan::tables
  std::vector<int> columns;  // 1 (range) or 2 (input, output) tensor ids of equal shape
};

// A private input's static bound, proven because the verifier never sees the values: a lookup for
// a narrow bound, range limbs (aux tensors, tied to the input at a random point) for a wide one.
struct InputRange {
  int tensor = -1;
  layers::Bounded bounded;
  std::vector<int> aux;  // the limb tensors, in fill/take order
};

struct Plan {
  layers::IntGraph graph;
  Visibility visibility;
  // Tensor ids >= graph.tensors.size() are aux tensors; shapes/names of every id:
  std::vector<layers::Shape> shapes;
  std::vector<std::string> names;
  std::vector<Role> roles;
  std::vector<std::vector<int>> node_aux;  // per node, its aux tensor ids in declaration order
  std::vector<layers::LookupTable> tables;
  std::vector<LookupDecl> lookups;
  std::vector<InputRange> input_ranges;  // one per private input, except token ids (embedding checks those)

  size_t num_tensors() const { return shapes.size(); }
  bool is_aux(int tensor) const { return tensor >= static_cast<int>(graph.tensors.size()); }
  // Witness-committed tensors in commitment order (the PCS polynomial index is the position here;
  // the lookup multiplicity columns follow, one per table).
  std::vector<int> witness_tensors() const;
  // Private weights in weights-commitment order (none when the weights are public).
  std::vector<int> weight_tensors() const;
  // Private inputs in input-commitment order (graph.inputs order; none when inputs are public).
  std::vector<int> input_tensors() const;
};

// Plans a graph: refuses (zk::Error naming the node) any layer without a proof.
Plan make_plan(layers::IntGraph graph, const Visibility& visibility = {});

// All tensor values by id (graph tensors from execution, then aux from the layers' witness
// functions), and the integer graph's inputs, outputs.
struct Witness {
  std::vector<layers::IntTensor> values;
};
Witness make_witness(const Plan& plan, const std::vector<layers::IntTensor>& inputs);

}  // namespace zk::circuit
