"""Test simulator that echoes its input: row i of OUT.npy is theta[i]
followed by the low and high 32 bits of seeds[i] (exact in float64), in
Fortran order, to check what laa writes and that it reads any layout.
It also checks the environment variables LAA_THETA, LAA_SEEDS, LAA_OUT.
"""
import os
import sys

import numpy as np

theta_path, seeds_path, out_path = sys.argv[1:4]
assert os.environ["LAA_THETA"] == theta_path
assert os.environ["LAA_SEEDS"] == seeds_path
assert os.environ["LAA_OUT"] == out_path
theta = np.load(theta_path)
seeds = np.load(seeds_path)
assert theta.dtype == np.float64 and seeds.dtype == np.uint64, (theta.dtype, seeds.dtype)
lo = (seeds & np.uint64(0xFFFFFFFF)).astype(np.float64)
hi = (seeds >> np.uint64(32)).astype(np.float64)
np.save(out_path, np.asfortranarray(np.column_stack([theta, lo, hi])))
