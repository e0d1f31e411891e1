// Byte formats of commitments and opening proofs. Every count is checked against the bytes that
// remain before anything is allocated, so hostile lengths fail fast instead of allocating.
#include <string>

#include "io/bytes.hpp"
#include "pcs/pcs.hpp"

namespace zk::pcs {

namespace {

// Version 2: zero-knowledge openings (mask root, mask rows and their multi-proof). Version 3: the
// mask rows as F_p words (a base-field mask gives one per symbol).
constexpr std::array<uint8_t, 8> kProofMagic = {'Z', 'K', 'P', 'C', 'S', 'P', 'F', 3};
constexpr std::array<uint8_t, 8> kCommitmentMagic = {'Z', 'K', 'P', 'C', 'S', 'C', 'M', 1};

// The magic's last byte is the format version: a mismatch in either is one error.
void expect_magic(io::ByteReader& r, const std::array<uint8_t, 8>& expected) {
  if (r.array<8>() != expected) r.fail("has bad magic bytes or version");
}

}  // namespace

std::vector<uint8_t> serialize(const OpeningProof& proof) {
  io::ByteWriter w;
  w.bytes(kProofMagic);
  // One flag for the three hiding-mode parts: a proof has all of them or none.
  const bool hiding = proof.mask_value.has_value();
  if (hiding != proof.mask_root.has_value()) throw Error("pcs proof: mask root and mask value must come together");
  w.u8(hiding);
  if (hiding) {
    w.bytes(*proof.mask_root);
    w.fp2(*proof.mask_value);
  }
  w.count(proof.sumcheck.size());
  for (const auto& g : proof.sumcheck) {
    for (Fp2 v : g) w.fp2(v);
  }
  w.count(proof.layer_roots.size());
  for (const Digest& d : proof.layer_roots) w.bytes(d);
  w.count(proof.final_coefficients.size());
  for (Fp2 v : proof.final_coefficients) w.fp2(v);
  w.u64(proof.pow_nonce);
  w.count(proof.layer0_rows.size());
  for (Fp v : proof.layer0_rows) w.fp(v);
  if (hiding) {
    w.count(proof.mask_rows.size());
    for (Fp v : proof.mask_rows) w.fp(v);
  } else if (!proof.mask_rows.empty()) {
    throw Error("pcs proof: mask rows without a mask");
  }
  w.count(proof.folded_rows.size());
  for (const auto& rows : proof.folded_rows) {
    w.count(rows.size());
    for (Fp2 v : rows) w.fp2(v);
  }
  auto write_multiproof = [&](const MerkleMultiProof& mp) {
    w.count(mp.siblings.size());
    for (const Digest& d : mp.siblings) w.bytes(d);
    w.count(mp.salts.size());
    for (const Salt& s : mp.salts) w.bytes(s);
  };
  w.count(proof.merkle.size());
  for (const MerkleMultiProof& mp : proof.merkle) write_multiproof(mp);
  if (hiding) write_multiproof(proof.mask_merkle);
  return w.take();
}

OpeningProof deserialize_opening_proof(std::span<const uint8_t> bytes) {
  io::ByteReader r(bytes, "pcs opening proof");
  expect_magic(r, kProofMagic);
  OpeningProof proof;
  const uint8_t has_mask = r.u8();
  if (has_mask > 1) r.fail("has an invalid mask flag");
  if (has_mask) {
    proof.mask_root = r.array<32>();
    proof.mask_value = r.fp2();
  }
  proof.sumcheck.resize(r.count(48));
  for (auto& g : proof.sumcheck) {
    for (Fp2& v : g) v = r.fp2();
  }
  proof.layer_roots.resize(r.count(32));
  for (Digest& d : proof.layer_roots) d = r.array<32>();
  proof.final_coefficients.resize(r.count(16));
  for (Fp2& v : proof.final_coefficients) v = r.fp2();
  proof.pow_nonce = r.u64();
  proof.layer0_rows.resize(r.count(8));
  for (Fp& v : proof.layer0_rows) v = r.fp();
  if (has_mask) {
    proof.mask_rows.resize(r.count(8));
    for (Fp& v : proof.mask_rows) v = r.fp();
  }
  // Each list costs at least its 4-byte length, which bounds the outer counts too.
  proof.folded_rows.resize(r.count(4));
  for (auto& rows : proof.folded_rows) {
    rows.resize(r.count(16));
    for (Fp2& v : rows) v = r.fp2();
  }
  auto read_multiproof = [&](MerkleMultiProof& mp) {
    mp.siblings.resize(r.count(32));
    for (Digest& d : mp.siblings) d = r.array<32>();
    mp.salts.resize(r.count(32));
    for (Salt& s : mp.salts) s = r.array<32>();
  };
  proof.merkle.resize(r.count(8));
  for (MerkleMultiProof& mp : proof.merkle) read_multiproof(mp);
  if (has_mask) read_multiproof(proof.mask_merkle);
  r.expect_end();
  return proof;
}

std::vector<uint8_t> serialize(const Commitment& c) {
  io::ByteWriter w;
  w.bytes(kCommitmentMagic);
  w.bytes(c.root);
  const PcsParams& p = c.params;
  w.u32(p.log_inv_rate);
  w.u32(p.fold_arity_log);
  w.u32(p.num_queries);
  w.u32(p.pow_bits);
  w.u32(p.final_log_size);
  w.u8(hiding_flag(p));
  w.count(c.layout.polys.size());
  for (const Placement& pl : c.layout.polys) w.u8(static_cast<uint8_t>(pl.num_vars));
  return w.take();
}

Commitment deserialize_commitment(std::span<const uint8_t> bytes) {
  io::ByteReader r(bytes, "pcs commitment");
  expect_magic(r, kCommitmentMagic);
  Commitment c;
  c.root = r.array<32>();
  PcsParams& p = c.params;
  p.log_inv_rate = r.u32();
  p.fold_arity_log = r.u32();
  p.num_queries = r.u32();
  p.pow_bits = r.u32();
  p.final_log_size = r.u32();
  if (!set_hiding_flag(p, r.u8())) r.fail("has an invalid hiding flag");
  p.validate();
  std::vector<unsigned> num_vars(r.count(1));
  for (unsigned& v : num_vars) v = r.u8();
  r.expect_end();
  // The layout is not stored: recomputing it is the check that it is well formed.
  c.layout = Layout::compute(num_vars, p);
  return c;
}

}  // namespace zk::pcs
