#include "cli/output.hpp"

#include <cstdarg>
#include <cstdio>

namespace zk::cli {

OutputFlags& output_flags() {
  static OutputFlags flags;
  return flags;
}

void say(const char* format, ...) {
  if (output_flags().quiet || output_flags().json) return;
  va_list args;
  va_start(args, format);
  std::vprintf(format, args);
  va_end(args);
}

void note(const std::string& text) {
  if (!output_flags().quiet) std::fprintf(stderr, "note: %s\n", text.c_str());
}

void emit_json(const nlohmann::json& j) { std::printf("%s\n", j.dump().c_str()); }

PhaseTimer::PhaseTimer() : start_(Clock::now()), last_(start_) {}

void PhaseTimer::mark(const std::string& phase) {
  const auto now = Clock::now();
  if (output_flags().verbose)
    std::fprintf(stderr, "time: %-24s %9.3f s\n", phase.c_str(), std::chrono::duration<double>(now - last_).count());
  last_ = now;
}

void PhaseTimer::detail(const std::string& phase, double seconds) const {
  if (output_flags().verbose) std::fprintf(stderr, "time:   %-22s %9.3f s\n", phase.c_str(), seconds);
}

double PhaseTimer::total() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

}  // namespace zk::cli
