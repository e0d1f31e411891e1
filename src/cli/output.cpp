#include "cli/output.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <memory>

namespace zk::cli {

OutputFlags& output_flags() {
  static OutputFlags flags;
  return flags;
}

void say(const char* format, ...) {
  if (output_flags().quiet || output_flags().json) return;
  clear_status_line();
  va_list args;
  va_start(args, format);
  std::vprintf(format, args);
  va_end(args);
}

void note(const std::string& text) { inform("note: %s\n", text.c_str()); }

void inform(const char* format, ...) {
  if (output_flags().quiet) return;
  clear_status_line();
  va_list args;
  va_start(args, format);
  std::vfprintf(stderr, format, args);
  va_end(args);
}

void emit_json(const nlohmann::json& j) { std::printf("%s\n", j.dump().c_str()); }

PhaseTimer::PhaseTimer() : start_(Clock::now()), last_(start_) {}

void PhaseTimer::mark(const std::string& phase) {
  const auto now = Clock::now();
  if (output_flags().verbose) {
    clear_status_line();
    std::fprintf(stderr, "time: %-24s %9.3f s\n", phase.c_str(), std::chrono::duration<double>(now - last_).count());
  }
  last_ = now;
}

void PhaseTimer::detail(const std::string& phase, double seconds) const {
  if (!output_flags().verbose) return;
  clear_status_line();
  std::fprintf(stderr, "time:   %-22s %9.3f s\n", phase.c_str(), seconds);
}

double PhaseTimer::total() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

StatusLine::StatusLine(Writer write, Clock now, size_t width, double min_interval)
    : write_(std::move(write)), now_(std::move(now)), width_(width), min_interval_(min_interval), start_(now_()) {}

std::string StatusLine::format(const progress::Update& u, double elapsed_s, size_t width) {
  char head[48];
  if (elapsed_s < 100) {
    std::snprintf(head, sizeof head, "[%.1f s] ", elapsed_s);
  } else {
    const auto s = static_cast<long long>(elapsed_s);
    std::snprintf(head, sizeof head, "[%lldm%02lld s] ", s / 60, s % 60);
  }
  std::string line = head;
  line += u.step;
  if (u.total > 0) line += " " + std::to_string(u.done) + "/" + std::to_string(u.total);
  if (!u.item.empty()) {
    line += " ";
    line += u.item;
  }
  // A line longer than the terminal wraps, and "\r" then only rewrites its last row.
  if (line.size() > width) {
    const size_t dots = std::min<size_t>(width, 3);
    line.resize(width - dots);
    line += std::string(dots, '.');
  }
  return line;
}

void StatusLine::update(const progress::Update& u) {
  const double now = now_();
  const bool new_step = u.step != step_;
  if (!new_step && draws_ > 0 && now - last_draw_ < min_interval_) return;
  if (new_step) step_ = u.step;
  const std::string line = format(u, now - start_, width_);
  std::string out = "\r" + line;
  if (shown_ > line.size()) out += std::string(shown_ - line.size(), ' ');
  write_(out);
  shown_ = line.size();
  last_draw_ = now;
  ++draws_;
}

void StatusLine::clear() {
  if (shown_ == 0) return;
  write_("\r" + std::string(shown_, ' ') + "\r");
  shown_ = 0;
  // The next update redraws even if it is within the interval: the line is gone.
  step_.clear();
}

namespace {

std::unique_ptr<StatusLine>& terminal_status() {
  static std::unique_ptr<StatusLine> line;
  return line;
}

// The CLI's sink: the terminal line, muted by -q and --json.
class TerminalProgress final : public progress::Sink {
 public:
  void update(const progress::Update& u) override {
    if (output_flags().quiet || output_flags().json) return;
    terminal_status()->update(u);
  }
};

}  // namespace

void start_status_line() {
  if (terminal_status() || !::isatty(STDERR_FILENO)) return;
  size_t width = 80;
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1) width = ws.ws_col;
  terminal_status() = std::make_unique<StatusLine>(
      [](std::string_view s) {
        std::fwrite(s.data(), 1, s.size(), stderr);
        std::fflush(stderr);
      },
      [] { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); },
      width - 1);  // the last column would move some terminals' cursor to the next row
  static TerminalProgress sink;
  progress::set_sink(&sink);
}

void clear_status_line() {
  if (terminal_status()) terminal_status()->clear();
}

}  // namespace zk::cli
