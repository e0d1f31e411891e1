#!/usr/bin/env bash
# Prove/verify cost of issue 7's two transformer models, through the zkinfer CLI as a user runs it:
#   nanogpt     zkinfer-modelgen gpt --layers 4 --heads 4 --width 128 --context 64 --vocab 256
#               (867,072 parameters, 64 token ids over the full context)
#   gpt2-layer  zkinfer-modelgen gpt-block (one GPT-2 small block: width 768, 12 heads, MLP 3072,
#               64 tokens of float hidden states, tanh GELU, additive causal mask; 7,087,872 parameters)
# each under two visibilities: the defaults (input and weights private: hiding commitments) and
# all public (plain commitments; what non-hiding provers such as Jolt Atlas are compared with).
#
# Per model and visibility: compile, setup, then RUNS proofs and RUNS verifications; prints the
# median wall and CPU (user+sys) seconds, the proof size, the prover's peak RSS (from
# /usr/bin/time), and the prover's phase times of the median run (`zkinfer -v`).
#
#   BUILD=build RUNS=3 bash bench/gpt_bench.sh [nanogpt|gpt2-layer ...] [-- extra compile flags]
# Environment: BUILD (default build), RUNS (default 3), OUT (work directory, default a temp dir),
# VIS ("private public" by default), TIME_BIN (GNU time, default /usr/bin/time).
set -euo pipefail

BUILD=${BUILD:-build}
RUNS=${RUNS:-3}
VIS=${VIS:-"private public"}
TIME_BIN=${TIME_BIN:-/usr/bin/time}
OUT=${OUT:-$(mktemp -d)}
Z="$BUILD/src/cli/zkinfer"
M="$BUILD/tools/modelgen/zkinfer-modelgen"
for tool in "$Z" "$M"; do
  [[ -x "$tool" ]] || { echo "gpt_bench: $tool not built (ninja -C $BUILD zkinfer zkinfer-modelgen)" >&2; exit 2; }
done
[[ -x $TIME_BIN ]] || { echo "gpt_bench: GNU time ($TIME_BIN) is needed for peak RSS (apt-get install time)" >&2; exit 2; }

models=()
extra=()
while (($#)); do
  if [[ $1 == -- ]]; then shift; extra=("$@"); break; fi
  models+=("$1"); shift
done
((${#models[@]})) || models=(nanogpt gpt2-layer)

spec_of() {
  case $1 in
    nanogpt) echo "gpt --layers 4 --heads 4 --width 128 --context 64 --vocab 256" ;;
    gpt2-layer) echo "gpt-block" ;;
    *) echo "gpt_bench: unknown model '$1' (nanogpt, gpt2-layer)" >&2; exit 2 ;;
  esac
}

median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

echo "date $(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), commit ${COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo '?')}, work dir $OUT"
for model in "${models[@]}"; do
  spec=$(spec_of "$model")
  # shellcheck disable=SC2086
  "$M" $spec -o "$OUT/$model.onnx" --example-input "$OUT/$model.json" > /dev/null
  for vis in $VIS; do
    flags=()
    [[ $vis == public ]] && flags=(--input public --weights public)
    base="$OUT/$model-$vis"
    "$TIME_BIN" -f "%e" -o "$base.compile.t" "$Z" -q compile "$OUT/$model.onnx" -o "$base.zkm" "${flags[@]}" "${extra[@]}"
    "$TIME_BIN" -f "%e" -o "$base.setup.t" "$Z" -q setup "$base.zkm" --pk "$base.pk" --vk "$base.vk"
    : > "$base.prove.rows"
    : > "$base.verify.rows"
    for ((r = 1; r <= RUNS; r++)); do
      commit=()
      [[ $vis == private ]] && commit=(--input-commitment "$base.commit")
      # %e wall, %U+%S CPU, %M peak RSS in KiB
      "$TIME_BIN" -f "%e %U %S %M" -o "$base.prove.t" "$Z" -v prove "$base.zkm" --pk "$base.pk" \
        --input "$OUT/$model.json" --proof "$base.proof" "${commit[@]}" > /dev/null 2> "$base.prove.$r.log"
      read -r wall user sys rss < "$base.prove.t"
      awk -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss" -v r="$r" 'BEGIN {print w, u + s, m, r}' >> "$base.prove.rows"
      "$TIME_BIN" -f "%e %U %S" -o "$base.verify.t" "$Z" -q verify --vk "$base.vk" --proof "$base.proof"
      read -r wall user sys < "$base.verify.t"
      awk -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN {print w, u + s}' >> "$base.verify.rows"
    done
    prove_wall=$(cut -d' ' -f1 "$base.prove.rows" | median)
    prove_cpu=$(cut -d' ' -f2 "$base.prove.rows" | median)
    rss_max=$(cut -d' ' -f3 "$base.prove.rows" | sort -g | tail -1)
    verify_wall=$(cut -d' ' -f1 "$base.verify.rows" | median)
    verify_cpu=$(cut -d' ' -f2 "$base.verify.rows" | median)
    median_run=$(sort -g "$base.prove.rows" | awk -v n="$RUNS" 'NR == int((n + 1) / 2) {print $4}')
    printf '%s %s: compile %ss, setup %ss | prove median %ss wall, %ss CPU (%d runs) | verify %ss wall, %ss CPU | proof %s bytes | peak RSS %.2f GiB\n' \
      "$model" "$vis" "$(cat "$base.compile.t")" "$(cat "$base.setup.t")" "$prove_wall" "$prove_cpu" "$RUNS" \
      "$verify_wall" "$verify_cpu" "$(stat -c %s "$base.proof")" "$(awk -v k="$rss_max" 'BEGIN {print k / 1048576}')"
    grep '^time:  ' "$base.prove.$median_run.log" | sed 's/^time:  */    /'
  done
done
