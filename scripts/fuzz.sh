#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for a bounded time, as the last
# step of scripts/sanitize.sh does in CI, without the sanitized tests: for longer local runs.
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 45)
# Crashers land in build-sanitize/crashes/<target>/; once fixed, copy each into
# tests/fuzz_corpus/<target>/, where ctest fuzz_corpus_replay keeps it from coming back.
exec bash "$(dirname "$0")/sanitize.sh" --fuzz-only "$@"
