#pragma once
// Progress of the long steps (compile, setup, prove), for a status line on a terminal.
// The library only reports what it is doing; whether and how that is shown is the caller's
// business (the CLI draws one updating line on stderr, and only when stderr is a terminal).
// With no sink installed report() is one atomic load, so per-node and per-layer calls cost
// nothing measurable. Call it from the thread that drives the step, never from inside a
// parallel region: sinks are not required to be thread-safe.
#include <atomic>
#include <cstddef>
#include <string_view>

namespace zk::progress {

struct Update {
  std::string_view step;  // what is running, e.g. "prove: layer proofs"
  size_t done = 0;        // 1-based position in the step, 0 when the step has no count
  size_t total = 0;
  std::string_view item;  // the current layer or node, if any
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void update(const Update& u) = 0;
};

inline std::atomic<Sink*> installed_sink{nullptr};

// Process-wide, because the library's entry points (quant::compile, prover::setup/prove) have
// no place for a callback parameter that every caller would then have to pass. Returns the
// previous sink; nullptr removes it.
inline Sink* set_sink(Sink* sink) { return installed_sink.exchange(sink, std::memory_order_acq_rel); }

inline void report(std::string_view step, size_t done = 0, size_t total = 0, std::string_view item = {}) {
  if (Sink* s = installed_sink.load(std::memory_order_acquire)) s->update({step, done, total, item});
}

}  // namespace zk::progress
