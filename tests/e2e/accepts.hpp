#pragma once
// The end-to-end tests' verdict on proof bytes: parse and verify under `vk`; on rejection the
// reason goes to *why.
#include <span>
#include <string>

#include "common/error.hpp"
#include "io/formats.hpp"
#include "verifier/verifier.hpp"

namespace zk::e2e {

inline bool accepts(const io::VerifyingKey& vk, std::span<const uint8_t> bytes, std::string* why = nullptr) {
  try {
    verifier::verify(vk, io::read_proof(bytes));
    return true;
  } catch (const Error& e) {
    if (why) *why = e.what();
    return false;
  }
}

}  // namespace zk::e2e
