#!/usr/bin/python3
"""Writes the small NWB files of recording's hostile-input tests with
Debian's python3-h5py (apt-get install python3-h5py; run with
/usr/bin/python3 from this folder). Each holds one 200-sample sweep
(sweep_1, V = -65 mV, 10 kHz) and its stimulus (stim_1, 0.1 nA), plus:

cycle.nwb         hard links back to /acquisition and to / (legal HDF5: a
                  cycle); old-style groups (symbol tables).
cycle_latest.nwb  the same with new-style groups (link messages).
deep.nwb          groups nested 300 deep under /general (new-style groups).
ts2d.nwb          sweep_1 timed by 2-D timestamps, shape (200, 2).
stim2d.nwb        stim_1's data 2-D, shape (100, 2).
tiny.nwb          only the sweep and its stimulus, 20 samples each, in
                  new-style groups: a small seed for FuzzReadNWB.
"""
import h5py
import numpy as np

def sweep(f, ts2d=False, stim2d=False, N=200):
    f.attrs["nwb_version"] = "2.5.0"
    for path, typ, data, unit in [
        ("acquisition/sweep_1", "CurrentClampSeries", np.full(N, -0.065), "volts"),
        ("stimulus/presentation/stim_1", "CurrentClampStimulusSeries",
         np.full((N // 2, 2) if stim2d else N, 1e-10), "amperes"),
    ]:
        g = f.create_group(path)
        g.attrs["neurodata_type"] = typ
        g.attrs["sweep_number"] = np.uint64(1)
        d = g.create_dataset("data", data=data)
        d.attrs["unit"] = unit
        if ts2d and typ == "CurrentClampSeries":
            t = np.arange(N) / 10000.0
            g.create_dataset("timestamps", data=np.stack([t, t], axis=1))
        else:
            st = g.create_dataset("starting_time", data=0.0)
            st.attrs["rate"] = 10000.0


def main():
    for name, libver in [("cycle.nwb", "earliest"), ("cycle_latest.nwb", "latest")]:
        with h5py.File(name, "w", libver=libver) as f:
            sweep(f)
            f["acquisition/sweep_1/back"] = f["acquisition"]
            f["stimulus/presentation/stim_1/root"] = f["/"]
    with h5py.File("deep.nwb", "w", libver="latest") as f:
        sweep(f)
        f.create_group("general/" + "/".join(["d"] * 300))
    with h5py.File("ts2d.nwb", "w", libver="earliest") as f:
        sweep(f, ts2d=True)
    with h5py.File("stim2d.nwb", "w", libver="earliest") as f:
        sweep(f, stim2d=True)
    with h5py.File("tiny.nwb", "w", libver="latest") as f:
        sweep(f, N=20)


if __name__ == "__main__":
    main()
