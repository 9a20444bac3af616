"""Markdown table from JSON reports of torch_npe.py and main.go.

    python3 bench/npe/table.py torch*.json gonum*.json openblas*.json

Reports of the same implementation (several rounds) are merged by taking,
per configuration, the lowest median step time and the lowest median
latency: on a shared machine the fastest round is the least disturbed one.
Ratios are against the PyTorch rows.
"""

import json
import sys


def label(rep):
    if rep["impl"] == "pytorch":
        return f"PyTorch {rep['version']}"
    return f"laa {rep['backend']}"


def merge(paths):
    """Returns {label: {config: {"step_ms", "sample1000_ms", "rounds"}}} in first-seen order."""
    out = {}
    for p in paths:
        with open(p) as f:
            rep = json.load(f)
        by_cfg = out.setdefault(label(rep), {})
        for r in rep["results"]:
            m = by_cfg.setdefault(r["config"], {"step_ms": float("inf"), "sample1000_ms": float("inf"), "rounds": 0})
            m["step_ms"] = min(m["step_ms"], r["step_ms"])
            m["sample1000_ms"] = min(m["sample1000_ms"], r["sample1000_ms"])
            m["rounds"] += 1
    return out


def main(paths, batch=256):
    impls = merge(paths)
    ref = next(v for k, v in impls.items() if k.startswith("PyTorch"))
    print("| configuration | implementation | train samples/s | time ratio | 1,000 draws (ms) | latency ratio |")
    print("|---|---|---:|---:|---:|---:|")
    for cfg in ref:
        for name, by_cfg in impls.items():
            r = by_cfg.get(cfg)
            if r is None:
                continue
            print(f"| {cfg} | {name} | {1e3 * batch / r['step_ms']:,.0f} | {r['step_ms'] / ref[cfg]['step_ms']:.2f} "
                  f"| {r['sample1000_ms']:.2f} | {r['sample1000_ms'] / ref[cfg]['sample1000_ms']:.2f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
