#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz and runs each for a bounded time.
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60, at most 60)
# Crashers land in build-fuzz/crashes/<target>/; copy each into tests/fuzz_corpus/<target>/ once
# fixed, where the fuzz_corpus_replay ctest of the normal build keeps it from coming back.
# Not part of .ci/run: the instrumented build alone takes several minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
((secs > 60)) && secs=60
jobs=${ZK_FUZZ_JOBS:-2}
bash scripts/install-deps.sh --fuzz

CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Release -DZK_FUZZ=ON \
  -DZK_BUILD_TESTS=OFF -DZK_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz_proof fuzz_vk fuzz_input_json zk_fuzz_replay

seeds=build-fuzz/seeds
rm -rf "$seeds" && build-fuzz/fuzz/zk_fuzz_replay --write-seeds "$seeds"
status=0
for t in proof vk input_json; do
  work=build-fuzz/corpus/$t crashes=build-fuzz/crashes/$t
  mkdir -p "$work" "$crashes"
  cp -n "$seeds/$t"/* "$work"/ 2>/dev/null || true
  [ -d "tests/fuzz_corpus/$t" ] && cp -n tests/fuzz_corpus/"$t"/* "$work"/ 2>/dev/null || true
  # Seeds are whole files (a vk of the fixture is ~0.5 MB); shorter limits would only ever see
  # truncated keys and proofs.
  case $t in input_json) max_len=4096 ;; *) max_len=1048576 ;; esac
  echo "== fuzz_$t for ${secs}s"
  # -rss_limit_mb/-malloc_limit_mb: a length field that makes the parser allocate gigabytes is a
  # finding, not an out-of-memory of the fuzzing machine.
  if ! build-fuzz/fuzz/fuzz_$t "$work" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -malloc_limit_mb=1024 -max_len="$max_len" -artifact_prefix="$crashes/" -print_final_stats=1 2>&1 |
      grep -E "^(#[0-9]+ +(DONE|INITED)|==[0-9]+==|SUMMARY|stat::number_of_executed_units|artifact_prefix|Test unit written)"; then
    :
  fi
  if compgen -G "$crashes/*" >/dev/null; then
    echo "fuzz_$t: crashers in $crashes/"; status=1
  fi
done
exit $status
