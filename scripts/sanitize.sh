#!/usr/bin/env bash
# The hostile-input stage of CI (issue 6); scripts/test.sh runs it after the Release tests.
#  1. One clang build at -O1 with AddressSanitizer + UBSan (undefined behaviour aborts) and libFuzzer
#     coverage (-DZK_FUZZ=ON) of only what hostile input reaches: the libraries, the CLI, the fuzz
#     targets and the test executables that feed parsers malformed input. No benchmarks, no
#     model-zoo or layer tests: they would double the stage's build time and parse nothing hostile.
#  2. Those tests, selected by executable label, so every malformed-input case runs sanitized.
#  3. Each libFuzzer target for a bounded time, all at once, starting from the fixture's seeds and
#     tests/fuzz_corpus. A crash, leak, timeout or out-of-memory fails the stage and prints the
#     reproducer's path (and its bytes, base64, when small, since CI keeps no files).
#
#   bash scripts/sanitize.sh [SECONDS_PER_FUZZER]   all three steps (CI: 45 s per fuzzer)
#   bash scripts/fuzz.sh [SECONDS_PER_FUZZER]       build and step 3 only, for longer local runs
# Build directory build-sanitize (ZK_SANITIZE_BUILD overrides). Export
# CMAKE_CXX_COMPILER_LAUNCHER=ccache to reuse objects locally; CI has no ccache.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_only=0
if [ "${1:-}" = "--fuzz-only" ]; then fuzz_only=1; shift; fi
secs=${1:-45}
dir=${ZK_SANITIZE_BUILD:-build-sanitize}
jobs=${ZK_SANITIZE_JOBS:-$(nproc)}
start=$SECONDS
fuzzers=(proof vk input_json)
# The executables whose tests feed malformed or tampered bytes to a parser or a verifier. Not
# cli_e2e_tests: ctest runs each of its tests as a process that first compiles, sets up and proves
# LeNet-5, ~30 s apiece under ASan; cli_tests, api_tests and protocol_tests cover the same
# malformed-file and tampered-proof paths on smaller models.
tests=(
  cli_tests      # zkinfer on bad JSON, bad ONNX, bad keys and proofs: exit 2 (verify: 1), one line
  io_tests       # hostile verifying keys: absurd shapes, bounds and layer geometry
  api_tests      # the library API on tampered proofs and bad input
  protocol_tests # sampled byte flips and truncations of a proof
  zk_fuzz_replay # tests/fuzz_corpus: every crasher the fuzzers have found
  onnx_tests     # truncated, random and inconsistent ONNX files
  pcs_tests      # tampered and wrong-shape PCS proofs
  sumcheck_tests # altered round values, truncated sumcheck proofs
  lookup_tests   # tampered and truncated lookup proofs
  hash_tests     # malformed Merkle multi-proofs
)
targets=(zk_fuzz_replay "${fuzzers[@]/#/fuzz_}")
((fuzz_only)) || targets+=(zkinfer "${tests[@]}")

bash scripts/install-deps.sh --fuzz
CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DZK_FUZZ=ON -DZK_BUILD_BENCH=OFF >/dev/null
echo "== sanitized build of ${#targets[@]} targets in $dir"
cmake --build "$dir" -j"$jobs" --target "${targets[@]}"
echo "   build done at $((SECONDS - start)) s"

# A distinct exit code, so that a sanitizer report in a zkinfer child process cannot pass for the
# exit code 1 or 2 that a CLI test expects.
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86:detect_leaks=1:check_initialization_order=1:strict_init_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-exitcode=86:print_stacktrace=1}

if ! ((fuzz_only)); then
  echo "== sanitized tests"
  labels=$(IFS='|' && echo "^(${tests[*]})\$")
  ctest --test-dir "$dir" -L "$labels" -j"$jobs" --output-on-failure --timeout 600
  echo "   tests done at $((SECONDS - start)) s"
fi

echo "== fuzzing: ${fuzzers[*]}, ${secs} s each, in parallel"
seeds=$dir/seeds
rm -rf "$seeds" && "$dir/fuzz/zk_fuzz_replay" --write-seeds "$seeds"
pids=()
for t in "${fuzzers[@]}"; do
  work=$dir/corpus/$t crashes=$dir/crashes/$t
  rm -rf "$crashes" && mkdir -p "$work" "$crashes"
  cp -n "$seeds/$t"/* "$work"/ 2>/dev/null || true
  # Seeds are whole files (a proof of the fixture is tens of KB): a shorter -max_len would only
  # ever see truncated proofs and keys.
  case $t in input_json) max_len=4096 ;; *) max_len=1048576 ;; esac
  # -rss_limit_mb/-malloc_limit_mb: a length field that makes a parser allocate gigabytes is a
  # finding, not an out-of-memory of the fuzzing machine. The checked-in corpus is read-only input
  # (second directory): new inputs go to the work directory only.
  "$dir/fuzz/fuzz_$t" "$work" tests/fuzz_corpus/"$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -malloc_limit_mb=1024 -max_len="$max_len" -artifact_prefix="$crashes/" -print_final_stats=1 \
    >"$dir/fuzz_$t.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!fuzzers[@]}"; do
  t=${fuzzers[$i]} rc=0
  wait "${pids[$i]}" || rc=$?
  log=$dir/fuzz_$t.log
  grep -E "^#[0-9]+ +(DONE|INITED)|stat::number_of_executed_units" "$log" | sed "s/^/   fuzz_$t: /" || true
  if ((rc)) || compgen -G "$dir/crashes/$t/*" >/dev/null; then
    status=1
    echo "fuzz_$t FAILED (exit $rc); the end of $log:"
    tail -n 60 "$log"
    for f in "$dir/crashes/$t"/*; do
      [ -f "$f" ] || continue
      echo "reproducer: $f   (replay: $dir/fuzz/fuzz_$t $f)"
      if (($(stat -c %s "$f") <= 4096)); then echo "base64: $(base64 -w0 "$f")"; fi
    done
    echo "once fixed, copy the reproducer into tests/fuzz_corpus/$t/ (ctest fuzz_corpus_replay keeps it fixed)"
  fi
done
echo "== sanitize stage $( ((status)) && echo FAILED || echo passed) in $((SECONDS - start)) s"
exit $status
