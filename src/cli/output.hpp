#pragma once
// What the subcommands print, under the global flags: -q (errors only), -v (phase timings on
// stderr) and a subcommand's --json (one JSON document on stdout instead of the human text).
#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

namespace zk::cli {

struct OutputFlags {
  bool quiet = false;    // -q
  bool verbose = false;  // -v
  bool json = false;     // the running subcommand's --json
};
OutputFlags& output_flags();

// Human-readable result line(s) on stdout: silent under -q or --json. printf-style.
void say(const char* format, ...) __attribute__((format(printf, 1, 2)));
// Notes and warnings on stderr: silent under -q.
void note(const std::string& text);
// The machine-readable result of a --json run, on stdout (printed even under -q: it was asked for).
void emit_json(const nlohmann::json& j);

// Times named phases for -v: each mark() ends the phase begun by the previous one.
class PhaseTimer {
 public:
  PhaseTimer();
  void mark(const std::string& phase);
  // Also reports a phase measured elsewhere (e.g. the prover's own breakdown), indented.
  void detail(const std::string& phase, double seconds) const;
  double total() const;

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point start_, last_;
};

}  // namespace zk::cli
