#!/usr/bin/env bash
# Installs everything zkinfer needs to build, test and benchmark, from Debian's packages only.
set -euo pipefail
packages=(
  build-essential cmake ninja-build
  libssl-dev                      # SHA-256 (OpenSSL picks SHA-NI at run time)
  libonnx-dev libprotobuf-dev protobuf-compiler  # reading ONNX models
  libonnx-testdata                # the ONNX backend test suite (conformance runner)
  libgtest-dev libgmock-dev       # unit tests
  libbenchmark-dev                # kernel benchmarks
  libcli11-dev nlohmann-json3-dev # command line, JSON
)
# scripts/sanitize.sh (CI's hostile-input stage) passes "--fuzz" for the clang toolchain. The
# sanitizer and libFuzzer runtimes (libclang-rt-dev) and llvm-symbolizer (llvm: readable stack
# traces in sanitizer reports) are only "recommended" by clang, which --no-install-recommends skips.
if [ "${1:-}" = "--fuzz" ]; then packages+=(clang libclang-rt-dev llvm libomp-dev); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
