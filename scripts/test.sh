#!/usr/bin/env bash
# The project's test command (README): installs dependencies, builds in Release, runs every test,
# then the hostile-input stage (scripts/sanitize.sh: the parser and malformed-input tests under
# AddressSanitizer + UBSan, and each libFuzzer target for 45 s).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
ctest --test-dir build -j"$(nproc)" --output-on-failure --timeout 600
bash scripts/sanitize.sh 45
