#pragma once
// The one exception type zkinfer throws at its library boundary. The message is a single line that
// names the problem; the CLI prints it and exits with code 2 (or 1 for a rejected proof).
#include <stdexcept>
#include <string>

namespace zk {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A proof that fails a check. Distinct from Error so that `verify` can tell "invalid proof" (exit 1)
// from "bad usage or input" (exit 2).
class VerifyError : public Error {
 public:
  explicit VerifyError(const std::string& message) : Error(message) {}
};

}  // namespace zk
