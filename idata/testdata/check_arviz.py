"""Open an InferenceData store that laa wrote with ArviZ and compare it with
what laa says it wrote.

Usage: python check_arviz.py STORE EXPECTED.json

EXPECTED lists the root attributes and, per group, its attributes,
coordinates and variables (dimensions, shape, values flattened in C order,
attributes). Values must match exactly: the store holds the float64 bits.
Exit status 0: all match; 1: a mismatch (printed); 3: arviz, xarray or zarr
cannot be imported.
"""

import json
import sys
import warnings

try:
    import arviz as az
    import numpy as np
    import xarray as xr
    import zarr
except ImportError as err:
    print(f"cannot import arviz, xarray and zarr: {err}", file=sys.stderr)
    sys.exit(3)


def open_store(path):
    """Open the store the way docs/arviz.md tells users to."""
    if int(zarr.__version__.split(".")[0]) < 3:
        return az.InferenceData.from_zarr(path), "InferenceData.from_zarr"
    return az.from_datatree(xr.open_datatree(path, engine="zarr")), "from_datatree(open_datatree)"


def main(path, expected):
    with open(expected, encoding="utf-8") as f:
        want = json.load(f)
    problems = []

    def check(ok, what):
        if not ok:
            problems.append(what)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        idata, how = open_store(path)
        idata.posterior.load()
        summary = az.summary(idata, kind="diagnostics")
    for w in caught:
        if issubclass(w.category, (UserWarning, RuntimeWarning)) and "arviz" in w.filename + str(w.message):
            problems.append(f"warning while opening: {w.category.__name__}: {w.message}")

    check(sorted(idata.groups()) == sorted(want["groups"]), f"groups {idata.groups()}, want {sorted(want['groups'])}")
    for key, value in want["attrs"].items():
        check(idata.attrs.get(key) == value, f"root attribute {key} = {idata.attrs.get(key)!r}, want {value!r}")
    for name, g in want["groups"].items():
        if name not in idata.groups():
            continue
        ds = idata[name]
        for key, value in g["attrs"].items():
            check(ds.attrs.get(key) == value, f"{name}: attribute {key} = {ds.attrs.get(key)!r}, want {value!r}")
        for coord, values in g["coords"].items():
            got = ds.coords[coord].values if coord in ds.coords else None
            check(got is not None and np.array_equal(got, np.array(values)), f"{name}: coordinate {coord} = {got}, want {values}")
        check(sorted(ds.data_vars) == sorted(g["vars"]), f"{name}: variables {sorted(ds.data_vars)}, want {sorted(g['vars'])}")
        for var, v in g["vars"].items():
            if var not in ds.data_vars:
                continue
            da = ds[var]
            check(list(da.dims) == v["dims"], f"{name}/{var}: dims {list(da.dims)}, want {v['dims']}")
            check(list(da.shape) == v["shape"], f"{name}/{var}: shape {list(da.shape)}, want {v['shape']}")
            got = np.asarray(da.values, dtype=np.float64).ravel()
            check(np.array_equal(got, np.array(v["values"], dtype=np.float64)), f"{name}/{var}: values {got}, want {v['values']}")
            for key, value in v["attrs"].items():
                check(da.attrs.get(key) == value, f"{name}/{var}: attribute {key} = {da.attrs.get(key)!r}, want {value!r}")
            for coord in v.get("coords", []):
                check(coord in da.coords, f"{name}/{var}: no coordinate {coord} (has {list(da.coords)})")
    check(sorted(summary.index) == sorted(want["groups"]["posterior"]["vars"]), f"az.summary rows {list(summary.index)}")

    if problems:
        print("\n".join(problems))
        return 1
    print(f"ok: arviz {az.__version__}, zarr {zarr.__version__}, opened with {how}; groups {idata.groups()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
