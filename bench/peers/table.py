"""Markdown table from the JSON reports of main.go, bf_hybrid.py and torch_hybrid.py.

    python3 bench/peers/table.py laa*.json bayesflow*.json torch*.json

Reports of the same implementation (several rounds) are merged by taking
the lowest load time, step time, epoch time and latency: on a shared
machine the fastest round is the least disturbed one. Ratios are laa's time
over the peer's (above 1: laa is slower).
"""

import json
import sys


def merge(paths):
    """Returns {label: report with the best times} in first-seen order."""
    out = {}
    for p in paths:
        with open(p) as f:
            rep = json.load(f)
        label = f"{rep['impl']} {rep['version']}"
        best = out.setdefault(label, dict(rep, rounds=0))
        for k in ("load_s", "step_ms", "epoch_s", "sample1000_ms", "sample1000_api_ms"):
            if k not in rep:
                continue
            best[k] = min(best[k], rep[k])
        best["samples_per_s"] = 1e3 * 256 / best["step_ms"]
        best["rounds"] += 1
    return out


def main(paths):
    impls = merge(paths)
    laa = next(v for k, v in impls.items() if k.startswith("laa"))
    print("| implementation | trainable values | load (s) | train samples/s | epoch (s) | 1,000 draws (ms) "
          "| load laa/peer | step time laa/peer | draws laa/peer |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in impls.items():
        print(f"| {name} | {r['params']:,} | {r['load_s']:.2f} | {r['samples_per_s']:,.0f} | {r['epoch_s']:.2f} "
              f"| {r['sample1000_ms']:.2f} | {laa['load_s'] / r['load_s']:.2f} | {laa['step_ms'] / r['step_ms']:.2f} "
              f"| {laa['sample1000_ms'] / r['sample1000_ms']:.2f} |")
    r = laa
    print()
    print(f"{r['n']:,} simulations, {r['epochs']} epochs (samples/s: the last epoch's {r['steps']} steps after its first; "
          f"epoch: its wall time), batch 256; draws: median of {r['reps']}; best of {r['rounds']} round(s).")
    for name, r in impls.items():
        if name.startswith("PyTorch") and r["params"] != laa["params"]:
            print(f"WARNING: {name} has {r['params']:,} trainable values, laa {laa['params']:,}: the twins differ.")
        if "sample1000_api_ms" in r:
            print(f"{name}: samples/s from the last epoch's wall time over its steps (no per-step hook, "
                  f"which would stop JAX's asynchronous dispatch); draws under jax.jit; through "
                  f"BasicEstimator.sample {r['sample1000_api_ms']:.1f} ms.")


if __name__ == "__main__":
    main(sys.argv[1:])
