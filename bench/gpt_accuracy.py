#!/usr/bin/env python3
"""Quantized vs float on a generated GPT (issue 7): top-1 next-token agreement and logit error.

Generates the model once (zkinfer-modelgen, seed 0), then for each sample seed writes a random
input with the same model flags (`--seed k --example-input`: token ids uniform in [0, vocab), or
hidden states in [-1, 1) for gpt-block; the weights stay those of seed 0) and runs `zkinfer run
--json`, which executes the float graph and the quantized integer graph on it. Prints one line per
sample and a summary; --markdown prints the summary as the table rows docs/benchmarks.md uses.

  python3 bench/gpt_accuracy.py --build build --samples 20 -- gpt --layers 4 --heads 4 --width 128 \
      --context 64 --vocab 256
  python3 bench/gpt_accuracy.py --build build --samples 5 -- gpt-block

Top-1 is compared at every position (each position predicts the token after it) and at the last
one alone. A disagreement is reported with the float logits' top-1/top-2 margin, since a tie broken
differently by a rounding error is not the same failure as a wrong prediction.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
    return r.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", help="CMake build directory holding zkinfer and zkinfer-modelgen")
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--preset", default="accuracy", choices=["accuracy", "cost"])
    ap.add_argument("--markdown", action="store_true", help="also print the summary as markdown table rows")
    ap.add_argument("model", nargs=argparse.REMAINDER, help="-- then the zkinfer-modelgen kind and flags")
    a = ap.parse_args()
    spec = [x for x in a.model if x != "--"]
    if not spec:
        ap.error("give the model after --, e.g. -- gpt --layers 4")
    zkinfer = os.path.join(a.build, "src/cli/zkinfer")
    modelgen = os.path.join(a.build, "tools/modelgen/zkinfer-modelgen")
    tokens = spec[0] == "gpt"

    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "model.onnx")
        print(run([modelgen, *spec, "-o", model]).strip())
        rows = []
        for k in range(1, a.samples + 1):
            inp = os.path.join(tmp, f"input{k}.json")
            run([modelgen, *spec, "--seed", str(k), "--example-input", inp])
            out = json.loads(run([zkinfer, "run", model, "--input", inp, "--json", "--preset", a.preset]))["outputs"][0]
            f, q, shape = out["float"], out["quantized"], out["shape"]
            errs = [abs(x - y) for x, y in zip(f, q)]
            fmax = max(abs(x) for x in f)
            row = {"max_abs": max(errs), "mean_abs": statistics.fmean(errs), "rel": max(errs) / fmax,
                   "mean_rel": statistics.fmean(errs) / statistics.fmean(abs(x) for x in f)}
            if tokens:
                vocab, positions = shape[-1], len(f) // shape[-1]
                agree, margins = 0, []
                for p in range(positions):
                    fr, qr = f[p * vocab:(p + 1) * vocab], q[p * vocab:(p + 1) * vocab]
                    ft = max(range(vocab), key=fr.__getitem__)
                    qt = max(range(vocab), key=qr.__getitem__)
                    if ft == qt:
                        agree += 1
                    else:
                        top2 = sorted(fr, reverse=True)[:2]
                        margins.append(top2[0] - top2[1])
                    if p == positions - 1:
                        row["last_agrees"] = ft == qt
                row.update(agree=agree, positions=positions, margins=margins)
            rows.append(row)
            extra = ""
            if tokens:
                extra = f"  top-1 {row['agree']}/{row['positions']}, last {'yes' if row['last_agrees'] else 'NO'}"
                if row["margins"]:
                    extra += "  (float margins where they differ: " + ", ".join(f"{m:.4f}" for m in row["margins"]) + ")"
            print(f"sample {k:2d}: max abs {row['max_abs']:.4f}  mean abs {row['mean_abs']:.5f}  "
                  f"rel {100 * row['rel']:.2f} %{extra}")

    n = len(rows)
    print(f"\n{n} samples, preset {a.preset}")
    print(f"logit max abs error: median {statistics.median(r['max_abs'] for r in rows):.4f}, "
          f"worst {max(r['max_abs'] for r in rows):.4f}")
    print(f"logit mean abs error: median {statistics.median(r['mean_abs'] for r in rows):.5f}")
    print(f"relative (max abs / max |float|): median {100 * statistics.median(r['rel'] for r in rows):.2f} %, "
          f"worst {100 * max(r['rel'] for r in rows):.2f} %")
    print(f"mean abs / mean |float|: median {100 * statistics.median(r['mean_rel'] for r in rows):.2f} %")
    if tokens:
        agree = sum(r["agree"] for r in rows)
        total = sum(r["positions"] for r in rows)
        last = sum(r["last_agrees"] for r in rows)
        margins = [m for r in rows for m in r["margins"]]
        print(f"top-1 agreement: {agree}/{total} positions ({100 * agree / total:.2f} %), "
              f"last position {last}/{n}")
        if margins:
            print(f"float top-1/top-2 margin where they differ: max {max(margins):.4f}, "
                  f"median {statistics.median(margins):.4f}")
    if a.markdown:
        cells = [" ".join(spec), a.preset, str(n),
                 f"{statistics.median(r['max_abs'] for r in rows):.4f} / {max(r['max_abs'] for r in rows):.4f}",
                 f"{statistics.median(r['mean_abs'] for r in rows):.5f}",
                 f"{100 * statistics.median(r['rel'] for r in rows):.2f} % / {100 * max(r['rel'] for r in rows):.2f} %"]
        if tokens:
            cells += [f"{agree}/{total} ({100 * agree / total:.1f} %)", f"{last}/{n}"]
        else:
            cells += ["—", "—"]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
