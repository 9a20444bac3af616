"""Simulator of the linear-Gaussian test model: x = A theta + 0.1 * noise.

laa runs it as: python3 linear_gaussian.py THETA.npy SEEDS.npy OUT.npy
Row i draws its noise from numpy's generator seeded with seeds[i] alone.
"""
import sys

import numpy as np

A = np.array([
    [1.0, 0.5, -0.3],
    [0.2, -1.0, 0.8],
    [-0.7, 0.1, 0.4],
    [0.9, 0.9, 0.0],
    [0.0, -0.6, 1.2],
    [0.3, 0.3, 0.3],
    [-1.1, 0.4, -0.2],
    [0.6, 0.0, -0.9],
    [0.1, 1.3, 0.5],
    [-0.4, -0.8, 0.7],
])
NOISE_SD = 0.1


def main(theta_path, seeds_path, out_path):
    theta = np.load(theta_path)
    seeds = np.load(seeds_path)
    assert theta.shape == (len(seeds), A.shape[1]), theta.shape
    x = np.empty((len(seeds), A.shape[0]))
    for i, seed in enumerate(seeds):
        rng = np.random.default_rng(int(seed))
        x[i] = A @ theta[i] + NOISE_SD * rng.standard_normal(A.shape[0])
    np.save(out_path, x)


if __name__ == "__main__":
    main(*sys.argv[1:4])
