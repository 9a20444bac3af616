"""Writes the numpy-made fixtures of dataset's reader tests.

    python3 make_npy_fixtures.py [DIR]    (default: this script's folder)

layouts.npz holds arrays in the layouts laa must read as numpy does
(Fortran order, big-endian, both), each next to NAME_c: the same values
as numpy's C-ordered little-endian copy, the answer the test checks
against. v2.npy and v3.npy are one array in .npy format versions 2.0 and
3.0; strings are 0-d and 1-d unicode arrays of both byte orders.
"""
import os
import sys

import numpy as np
from numpy.lib import format as npformat

out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(11)

arrays = {
    "f4_fortran": np.asfortranarray(rng.normal(size=(3, 4)).astype("<f4")),
    "f8_big": rng.normal(size=(2, 3)).astype(">f8"),
    "f8_big_fortran3": np.asfortranarray(rng.normal(size=(2, 3, 4)).astype(">f8")),
    "f4_big_fortran": np.asfortranarray(rng.normal(size=(5, 2)).astype(">f4")),
    "f8_fortran4": np.asfortranarray(rng.normal(size=(2, 1, 3, 2))),
}
for name, a in list(arrays.items()):
    assert a.ndim < 2 or not a.flags.c_contiguous or name == "f8_big", name
    arrays[name + "_c"] = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<"))
text = "h\u00e9llo \u2713 \U0001d11e"
arrays["u_big"] = np.array(text, dtype=">U12")
arrays["u_little"] = np.array(text, dtype="<U12")
arrays["u_1d"] = np.array([text], dtype="<U20")
np.savez(os.path.join(out, "layouts.npz"), **arrays)

v = rng.normal(size=(3, 2))
for version in [(2, 0), (3, 0)]:
    with open(os.path.join(out, "v%d.npy" % version[0]), "wb") as f:
        npformat.write_array(f, v, version=version)
print(repr(float(v[2, 1])))
