#pragma once
// What the subcommands print, under the global flags: -q (errors only), -v (phase timings on
// stderr) and a subcommand's --json (one JSON document on stdout instead of the human text);
// and, on a terminal only, one updating status line for the long steps (common/progress.hpp).
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/progress.hpp"

namespace zk::cli {

struct OutputFlags {
  bool quiet = false;    // -q
  bool verbose = false;  // -v
  bool json = false;     // the running subcommand's --json
};
OutputFlags& output_flags();

// Human-readable result line(s) on stdout: silent under -q or --json. printf-style.
void say(const char* format, ...) __attribute__((format(printf, 1, 2)));
// Notes and warnings on stderr: silent under -q. inform() is printf-style, without the "note: ".
void note(const std::string& text);
void inform(const char* format, ...) __attribute__((format(printf, 1, 2)));
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

// A single line that rewrites itself in place ("\r", then padding over what was there), showing
// the running step, its count, the current item and the elapsed time. Within one step it redraws
// at most once per `min_interval` seconds: the prover reports every layer, and a terminal write
// per layer would show in a small model's prove time. A new step is drawn at once, since it may
// then run for seconds with nothing else to report. The clock and the writer are parameters so
// that the throttle can be tested without a terminal or real time.
class StatusLine final : public progress::Sink {
 public:
  using Writer = std::function<void(std::string_view)>;
  using Clock = std::function<double()>;  // seconds, monotonic
  StatusLine(Writer write, Clock now, size_t width, double min_interval = 0.1);
  void update(const progress::Update& u) override;
  // Erases the line (the cursor ends at column 0), so that other output does not land after it.
  void clear();
  size_t draws() const { return draws_; }

  // "[12.3 s] prove: layer proofs 7/40 conv2", cut to `width` characters.
  static std::string format(const progress::Update& u, double elapsed_s, size_t width);

 private:
  Writer write_;
  Clock now_;
  size_t width_;
  double min_interval_, start_, last_draw_ = 0;
  std::string step_;  // the step last drawn
  size_t shown_ = 0;  // characters of the line now on screen
  size_t draws_ = 0;
};

// Installs the status line as the progress sink when stderr is a terminal; nothing otherwise.
// It stays silent under -q and --json (checked at each update, since --json is only known once
// the subcommand runs).
void start_status_line();
// Erases the status line if one is showing. say(), note() and the -v timings call it themselves;
// anything else that writes to the terminal must call it first.
void clear_status_line();

}  // namespace zk::cli
