#!/usr/bin/python3
"""Writes one simulated current-clamp trace three ways, for the test that
CSV and NWB copies of a trace prepare to the same model input
(TestCSVAndNWBAgree). Run with Debian's /usr/bin/python3 and python3-h5py
(apt-get install python3-h5py) from this folder.

The trace: 150 ms at 10 kHz (1500 samples) of a passive membrane (tau 10
ms, R 100 MOhm, resting at -70 mV) given 100 pA from 20 to 120 ms, plus
Gaussian noise of 0.05 mV (seed 14); voltage in mV and current in pA as
float32, as an amplifier's software stores them.

pair.csv     time_s,voltage_mV,current_pA: the float32 values written in
             full (every digit of their float64 value), the time as k/10 kHz.
pair.nwb     NWB 2: the same float32 numbers, data in mV with conversion
             1e-3 (volts), the current in pA with conversion 1e-12
             (amperes), both float32 attributes as pynwb writes them;
             starting_time 1234.5 s at rate 10 kHz.
pair_ts.nwb  the same timed by float64 timestamps 1234.5 s + k / 10 kHz
             (rounded to float64 near 1234.5 s, about 2e-13 s).
"""
import h5py
import numpy as np

N, RATE = 1500, 10000.0


def trace():
    rng = np.random.default_rng(14)
    t = np.arange(N) / RATE * 1000  # ms
    i = np.where((t >= 20) & (t < 120), 100.0, 0.0)  # pA
    v = np.full(N, -70.0)
    dt, tau, r = 0.1, 10.0, 0.1  # ms, ms, mV per pA
    for k in range(1, N):
        v[k] = v[k - 1] + dt / tau * (-(v[k - 1] + 70) + r * i[k - 1])
    v += rng.normal(0, 0.05, N)
    return v.astype(np.float32), i.astype(np.float32)


def series(f, path, typ, data, unit, conversion, timestamps):
    g = f.create_group(path)
    g.attrs["neurodata_type"] = typ
    g.attrs["namespace"] = "core"
    g.attrs["sweep_number"] = np.uint64(7)
    d = g.create_dataset("data", data=data)
    d.attrs["conversion"] = np.float32(conversion)
    d.attrs["resolution"] = np.float32(np.nan)
    d.attrs["unit"] = unit
    if timestamps:
        ts = g.create_dataset("timestamps", data=1234.5 + np.arange(N) / RATE)
        ts.attrs["unit"] = "seconds"
    else:
        st = g.create_dataset("starting_time", data=np.float64(1234.5))
        st.attrs["rate"] = np.float32(RATE)
        st.attrs["unit"] = "seconds"


def main():
    v, i = trace()
    with open("pair.csv", "w") as out:
        out.write("time_s,voltage_mV,current_pA\n")
        for k in range(N):
            out.write("%r,%r,%r\n" % (k / RATE, float(v[k]), float(i[k])))
    for name, ts in [("pair.nwb", False), ("pair_ts.nwb", True)]:
        with h5py.File(name, "w", libver="earliest") as f:
            f.attrs["nwb_version"] = "2.5.0"
            f.attrs["neurodata_type"] = "NWBFile"
            series(f, "acquisition/data_00007_AD0", "CurrentClampSeries", v, "volts", 1e-3, ts)
            series(f, "stimulus/presentation/data_00007_DA0", "CurrentClampStimulusSeries", i,
                   "amperes", 1e-12, ts)


if __name__ == "__main__":
    main()
