// The terminal status line (cli/output.hpp) with a fake clock and a string for a terminal: what
// one line says, how it is cut to the width, that it redraws at most 10 times a second within a
// step but at once for a new step, and that clearing erases exactly what was drawn.
#include <gtest/gtest.h>

#include <string>

#include "cli/output.hpp"

namespace {

using zk::cli::StatusLine;
using zk::progress::Update;

Update at(std::string_view step, size_t done = 0, size_t total = 0, std::string_view item = {}) {
  return {step, done, total, item};
}

struct FakeTerminal {
  double now = 100;  // the clock need not start at zero
  std::string written, last_write;
  StatusLine line(size_t width = 80) {
    return StatusLine(
        [this](std::string_view s) {
          written += s;
          last_write = s;
        },
        [this] { return now; }, width);
  }
};

TEST(StatusLine, format_shows_elapsed_time_step_count_and_item) {
  EXPECT_EQ(StatusLine::format(at("prove: layer proofs", 7, 40, "conv2"), 12.34, 80),
            "[12.3 s] prove: layer proofs 7/40 conv2");
  EXPECT_EQ(StatusLine::format(at("setup: committing to the weights"), 0.04, 80),
            "[0.0 s] setup: committing to the weights");
  EXPECT_EQ(StatusLine::format(at("prove: openings"), 125.5, 80), "[2m05 s] prove: openings");
}

TEST(StatusLine, format_cuts_a_long_line_to_the_width) {
  const std::string line = StatusLine::format(at("compile: quantizing", 3, 9, std::string(200, 'n')), 1, 40);
  EXPECT_EQ(line.size(), 40u);
  EXPECT_EQ(line.substr(0, 27), "[1.0 s] compile: quantizing");
  EXPECT_EQ(line.substr(37), "...");
}

TEST(StatusLine, first_update_draws_one_line_in_place) {
  FakeTerminal t;
  StatusLine s = t.line();
  t.now += 1.5;
  s.update(at("prove: layer proofs", 1, 3, "fc1"));
  EXPECT_EQ(t.written, "\r[1.5 s] prove: layer proofs 1/3 fc1");
  EXPECT_EQ(t.written.find('\n'), std::string::npos);
}

TEST(StatusLine, redraws_at_most_ten_times_a_second_within_a_step) {
  FakeTerminal t;
  StatusLine s = t.line();
  // 10,000 layers in 2 s: far more updates than anyone can read.
  for (int k = 1; k <= 10000; ++k) {
    s.update(at("prove: layer proofs", static_cast<size_t>(k), 10000, "layer"));
    t.now += 0.0002;
  }
  EXPECT_GE(s.draws(), 19u);
  EXPECT_LE(s.draws(), 21u);
}

TEST(StatusLine, a_new_step_is_drawn_at_once) {
  FakeTerminal t;
  StatusLine s = t.line();
  s.update(at("prove: witness tables"));
  t.now += 0.01;
  s.update(at("prove: committing the witness"));  // within the interval, but a new step
  EXPECT_EQ(s.draws(), 2u);
  EXPECT_NE(t.last_write.find("committing the witness"), std::string::npos);
  t.now += 0.01;
  s.update(at("prove: committing the witness"));  // same step, within the interval
  EXPECT_EQ(s.draws(), 2u);
}

TEST(StatusLine, a_shorter_line_overwrites_all_of_the_longer_one) {
  FakeTerminal t;
  StatusLine s = t.line();
  s.update(at("compile: quantizing", 1, 2, "a_rather_long_node_name"));
  const size_t long_len = t.last_write.size() - 1;  // without the "\r"
  t.now += 1;
  s.update(at("compile: quantizing", 2, 2, "x"));
  ASSERT_EQ(t.last_write[0], '\r');
  EXPECT_EQ(t.last_write.size() - 1, long_len);
  EXPECT_EQ(t.last_write.find_last_not_of(' ') + 1, std::string("\r[1.0 s] compile: quantizing 2/2 x").size());
}

TEST(StatusLine, clear_erases_what_is_shown_once_and_the_next_update_redraws) {
  FakeTerminal t;
  StatusLine s = t.line();
  s.update(at("setup: committing to the weights"));
  const size_t shown = t.written.size() - 1;
  s.clear();
  std::string erase(shown + 2, ' ');
  erase.front() = erase.back() = '\r';
  EXPECT_EQ(t.last_write, erase);
  const std::string before = t.written;
  s.clear();  // nothing on screen: nothing to write
  EXPECT_EQ(t.written, before);
  s.update(at("setup: committing to the weights"));  // same step, same instant, but the line is gone
  EXPECT_EQ(s.draws(), 2u);
}

}  // namespace
