"""Markdown table of bench/accuracy/run.sh's variants (standard library only).

usage: python3 bench/accuracy/table.py OUT/*/model.history.json
"""
import json
import os
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


rows = []
for hist_path in sys.argv[1:]:
    d = os.path.dirname(hist_path)
    name = os.path.basename(d)
    summary, flow, epochs = name.split("-")
    h = load(hist_path)
    if h is None:
        continue
    m = load(os.path.join(d, "report", "metrics.json"))
    c = load(os.path.join(d, "compare", "compare.json"))
    # throughput.json (optional): samples/s of this variant measured on a quiet
    # machine (a short run), which turns the samples seen into a training time
    # free of whatever else ran beside the long run.
    q = load(os.path.join(d, "throughput.json"))
    quiet = h["samples_seen"] / q["samples_per_s"] if q else None
    calib = tarp = c2st = floor = corrected = is_share = None
    verdict = "-"
    if m:
        calib = max(p["coverage"]["calibration_error"] for p in m["params"])
        tarp = (m.get("tarp") or {}).get("area_error")
        verdict = "yes" if m.get("calibrated") else "no: " + ", ".join(p["name"] for p in m["params"] if not p["calibrated"])
    if c:
        c2st, floor = c.get("mean_c2st"), c.get("mean_noise_floor_c2st")
        ex = c.get("exact") or {}
        corrected, is_share = ex.get("mean_c2st"), ex.get("importance_share")
    rows.append((summary, flow, int(epochs), h["seconds"], quiet, min(h["val_loss"]), c2st, floor, corrected, is_share, calib, tarp, verdict))

rows.sort(key=lambda r: (r[0], r[1], r[2]))
print("| summary | flow | epochs | training (s), as run | training (s), quiet | best val. loss | mean C2ST, amortized | noise floor | mean C2ST, corrected | importance route | worst calibration error | TARP area | every parameter calibrated |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for r in rows:
    print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]:.0f} | {fmt(r[4], '.0f')} | {r[5]:.3f} | {fmt(r[6], '.3f')} | {fmt(r[7], '.3f')} | "
          f"{fmt(r[8], '.3f')} | {fmt(r[9], '.0%')} | {fmt(r[10], '.3f')} | {fmt(r[11], '.3f')} | {r[12]} |")
