"""Test simulator that misbehaves as its first argument says:

    raise  raises an exception (a traceback on standard error, exit status 1)
    shape  writes one value too many per row
    nan    writes NaN in row 2, column 1
    none   writes nothing and exits 0

laa runs it as: python3 misbehave.py MODE THETA.npy SEEDS.npy OUT.npy
"""
import sys

import numpy as np

mode, theta_path, seeds_path, out_path = sys.argv[1:5]
seeds = np.load(seeds_path)
x = np.zeros((len(seeds), 10))
if mode == "raise":
    raise RuntimeError("the solver diverged at t = 3.2 ms")
if mode == "shape":
    x = np.zeros((len(seeds), 11))
if mode == "nan":
    x[2, 1] = np.nan
if mode != "none":
    np.save(out_path, x)
