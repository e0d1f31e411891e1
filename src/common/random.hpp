#pragma once
// Prover randomness (salts, masks, blinding) comes from the operating system's CSPRNG only,
// never from the transcript: a transcript-derived mask would be known to the verifier.
//
// getrandom() costs a system call per request and runs at ~100 MB/s here, so a 2^24-entry mask
// drawn from it directly takes seconds. Bulk randomness therefore comes from a DRBG: ChaCha20
// (OpenSSL's EVP implementation, RFC 8439 block function) keyed with 32 bytes from getrandom per
// instance, its keystream used as the random bytes. One instance per thread (no locking in the
// parallel salt and mask loops); an instance notices a fork and rekeys, so a child process never
// replays its parent's stream. docs/security.md ("Prover randomness") gives the argument that
// this is as good as reading the OS CSPRNG for every byte.
#include <openssl/evp.h>
#include <pthread.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <span>

#include "common/error.hpp"

namespace zk {

inline void os_random_bytes(std::span<uint8_t> out) {
  size_t filled = 0;
  while (filled < out.size()) {
    ssize_t got = getrandom(out.data() + filled, out.size() - filled, 0);
    if (got < 0) throw Error("the operating system's random number generator failed");
    filled += static_cast<size_t>(got);
  }
}

inline uint64_t os_random_u64() {
  uint64_t v;
  os_random_bytes(std::span<uint8_t>(reinterpret_cast<uint8_t*>(&v), sizeof v));
  return v;
}

namespace detail {
// Bumped in every child process right after fork(): an instance keyed before the fork sees the
// change on its next read, whether or not its buffer still holds keystream.
inline std::atomic<uint64_t> fork_generation{0};
// Installed once, before the first key is drawn (a function-local static: thread-safe, and not
// subject to the unspecified initialisation order of namespace-scope variables).
inline void install_fork_handler() {
  static const int installed = pthread_atfork(nullptr, nullptr, [] {
    fork_generation.fetch_add(1, std::memory_order_relaxed);
  });
  if (installed != 0) throw Error("could not install the random generator's fork handler");
}
}  // namespace detail

class ChaCha20Rng {
 public:
  using Key = std::array<uint8_t, 32>;

  // A fresh key from the OS.
  ChaCha20Rng() { rekey(nullptr); }
  // A fixed key, nonce zero, block counter zero: for known-answer tests only.
  explicit ChaCha20Rng(const Key& key) { rekey(&key); }
  ~ChaCha20Rng() {
    EVP_CIPHER_CTX_free(ctx_);
    OPENSSL_cleanse(key_.data(), key_.size());
    OPENSSL_cleanse(buffer_.data(), buffer_.size());
  }
  ChaCha20Rng(const ChaCha20Rng&) = delete;
  ChaCha20Rng& operator=(const ChaCha20Rng&) = delete;

  void fill(std::span<uint8_t> out) {
    if (!fixed_key_ && detail::fork_generation.load(std::memory_order_relaxed) != generation_) rekey(nullptr);
    size_t done = 0;
    while (done < out.size()) {
      if (pos_ == buffer_.size()) refill();
      const size_t n = std::min(out.size() - done, buffer_.size() - pos_);
      std::memcpy(out.data() + done, buffer_.data() + pos_, n);
      // Bytes handed out are erased from the buffer: a later memory disclosure cannot replay them.
      std::memset(buffer_.data() + pos_, 0, n);
      pos_ += n;
      done += n;
    }
  }

  uint64_t next_u64() {
    uint64_t v;
    fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(&v), sizeof v));
    return v;
  }

 private:
  // Far below ChaCha20's 2^32-block counter limit (256 GiB per key and nonce).
  static constexpr uint64_t kRekeyBytes = uint64_t(1) << 36;

  void rekey(const Key* fixed) {
    detail::install_fork_handler();
    if (fixed) {
      key_ = *fixed;
    } else {
      os_random_bytes(key_);
    }
    if (!ctx_) ctx_ = EVP_CIPHER_CTX_new();
    // IV = 32-bit little-endian block counter, then the 96-bit nonce (RFC 8439 layout); all zero
    // because every key is used once.
    const std::array<uint8_t, 16> iv{};
    if (!ctx_ || EVP_EncryptInit_ex(ctx_, EVP_chacha20(), nullptr, key_.data(), iv.data()) != 1) {
      throw Error("could not initialise the ChaCha20 random generator (OpenSSL)");
    }
    pid_ = getpid();
    generation_ = detail::fork_generation.load(std::memory_order_relaxed);
    produced_ = 0;
    pos_ = buffer_.size();
    fixed_key_ = fixed != nullptr;
  }

  void refill() {
    // A fork without the atfork handler (a raw clone) still shows in the pid; a fixed test key
    // never rekeys.
    if (!fixed_key_ && (getpid() != pid_ || produced_ >= kRekeyBytes)) rekey(nullptr);
    std::memset(buffer_.data(), 0, buffer_.size());
    int len = 0;
    // Encrypting zeros yields the keystream itself.
    if (EVP_EncryptUpdate(ctx_, buffer_.data(), &len, buffer_.data(), static_cast<int>(buffer_.size())) != 1 ||
        len != static_cast<int>(buffer_.size())) {
      throw Error("the ChaCha20 random generator failed (OpenSSL)");
    }
    produced_ += buffer_.size();
    pos_ = 0;
  }

  EVP_CIPHER_CTX* ctx_ = nullptr;
  Key key_{};
  std::array<uint8_t, 4096> buffer_{};
  size_t pos_ = 0;
  uint64_t produced_ = 0;
  pid_t pid_ = 0;
  uint64_t generation_ = 0;
  bool fixed_key_ = false;
};

// This thread's generator, keyed from the OS on first use.
inline ChaCha20Rng& thread_rng() {
  thread_local ChaCha20Rng rng;
  return rng;
}

// What every prover-side secret should use: fast, and unpredictable to anyone without the key
// drawn from the OS.
inline void secure_random_bytes(std::span<uint8_t> out) { thread_rng().fill(out); }
inline uint64_t secure_random_u64() { return thread_rng().next_u64(); }

}  // namespace zk
