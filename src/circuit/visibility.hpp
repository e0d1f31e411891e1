#pragma once
// Which tensor classes the verifier sees (issue 5), a header of its own so that the file formats
// can store it without depending on the circuit library.
#include <string>

namespace zk::circuit {

// Private values are only committed, with hiding commitments; what the layer proofs still reveal
// is in docs/security.md "Visibility". The defaults serve the seed use cases: the model owner keeps
// the weights, the data owner the input, and the output is the statement being attested.
struct Visibility {
  bool input_private = true;
  bool weights_private = true;
  bool output_private = false;

  bool any_private() const { return input_private || weights_private || output_private; }
  // "input private, weights private, output public".
  std::string describe() const {
    auto word = [](bool is_private) { return is_private ? "private" : "public"; };
    return std::string("input ") + word(input_private) + ", weights " + word(weights_private) + ", output " +
           word(output_private);
  }
  friend bool operator==(const Visibility&, const Visibility&) = default;
};

}  // namespace zk::circuit
