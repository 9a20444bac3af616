"""Simulator of the four-sines test model: a trace of 900 samples at 0.1 ms,

    x(t) = sum_k amp_k sin(2 pi freq_k t) + 0.05 * noise,  t = j * 0.1 ms,

with row i's noise drawn from numpy's generator seeded with seeds[i] alone.
laa runs it as: python3 sines.py THETA.npy SEEDS.npy OUT.npy
"""
import sys

import numpy as np

SAMPLES, STEP_S, NOISE_SD = 900, 1e-4, 0.05


def main(theta_path, seeds_path, out_path):
    theta = np.load(theta_path)
    seeds = np.load(seeds_path)
    t = np.arange(SAMPLES) * STEP_S
    x = np.empty((len(seeds), SAMPLES), dtype=np.float32)
    for i, seed in enumerate(seeds):
        amp, freq = theta[i, :4], theta[i, 4:]
        clean = (amp[:, None] * np.sin(2 * np.pi * freq[:, None] * t)).sum(axis=0)
        rng = np.random.default_rng(int(seed))
        x[i] = clean + NOISE_SD * rng.standard_normal(SAMPLES)
    np.save(out_path, x)


if __name__ == "__main__":
    main(*sys.argv[1:4])
