#!/usr/bin/python3
"""Writes the NWB fixtures of recording's tests with Debian's python3-h5py
(apt-get install python3-h5py; run with /usr/bin/python3 from this folder).

They hold only the groups, data sets and attributes that recording.ReadNWB
uses, laid out as NWB files are (no pynwb needed); the Go tests recompute the
same values from the formulas below.

nwb2_sweeps.nwb (NWB 2, as pynwb / IPFX / DANDI write it):
  sweep 1 data_00001_AD0: CurrentClampSeries, float32 mV with conversion 1e-3,
      starting_time 12.5 s at 10 kHz, 6500 samples,
      V = -65 + 5 sin(2 pi t / 200 ms);
    data_00001_DA0: CurrentClampStimulusSeries, float32 pA with conversion
      1e-12 (gzip), I = 50 pA on [100, 400) ms, else 0.
  sweep 2 data_00002_AD0: int16 counts, conversion 1e-5, offset -0.065 V
      (V = (k mod 1000) * 0.01 - 65 mV), timestamps 100 s + k / 5 kHz, 3500
      samples, bias_current 20 pA;
    data_00002_DA0: float64 amperes at 5 kHz, I = -20 pA on [200, 500) ms.
  sweep 3: a VoltageClampSeries and its stimulus (to be ignored).
  sweep 4 data_00004_AD0: a CurrentClampSeries without a stimulus series.
allen_v1.nwb (NWB 1, as the Allen Cell Types database):
  /acquisition/timeseries/Sweep_10 (ancestry ... CurrentClampSeries), float32
  volts, 20 kHz, 4000 samples, V = -70 + 0.05 t/ms; /stimulus/presentation/
  Sweep_10 in Amps, I = 100 pA on [50, 150) ms.
"""
import h5py
import numpy as np


def series(f, path, typ, data, unit, conversion=1.0, offset=None, sweep=None,
           start=None, rate=None, timestamps=None, gzip=False):
    g = f.create_group(path)
    g.attrs["neurodata_type"] = typ
    g.attrs["namespace"] = "core"
    if sweep is not None:
        g.attrs["sweep_number"] = np.uint64(sweep)
    kw = dict(chunks=(500,), compression="gzip") if gzip else {}
    d = g.create_dataset("data", data=data, **kw)
    d.attrs["conversion"] = np.float32(conversion)
    d.attrs["resolution"] = np.float32(np.nan)
    d.attrs["unit"] = unit
    if offset is not None:
        d.attrs["offset"] = np.float32(offset)
    if rate is not None:
        st = g.create_dataset("starting_time", data=np.float64(start))
        st.attrs["rate"] = np.float32(rate)
        st.attrs["unit"] = "seconds"
    if timestamps is not None:
        ts = g.create_dataset("timestamps", data=timestamps)
        ts.attrs["unit"] = "seconds"
    return g


def nwb2():
    with h5py.File("nwb2_sweeps.nwb", "w", libver="earliest") as f:
        f.attrs["nwb_version"] = "2.5.0"
        f.attrs["neurodata_type"] = "NWBFile"
        f.create_group("stimulus/presentation")
        t1 = np.arange(6500) / 10.0  # ms
        v1 = (-65 + 5 * np.sin(2 * np.pi * t1 / 200)).astype(np.float32)
        i1 = np.where((t1 >= 100) & (t1 < 400), 50, 0).astype(np.float32)
        series(f, "acquisition/data_00001_AD0", "CurrentClampSeries", v1, "volts", 1e-3,
               sweep=1, start=12.5, rate=10000)
        series(f, "stimulus/presentation/data_00001_DA0", "CurrentClampStimulusSeries", i1,
               "amperes", 1e-12, sweep=1, start=12.5, rate=10000, gzip=True)

        k = np.arange(3500)
        t2 = k / 5.0  # ms
        g = series(f, "acquisition/data_00002_AD0", "CurrentClampSeries",
                   (k % 1000).astype(np.int16), "volts", 1e-5, offset=-0.065, sweep=2,
                   timestamps=100.0 + k / 5000.0)
        g.create_dataset("bias_current", data=np.float32(20e-12))
        i2 = np.where((t2 >= 200) & (t2 < 500), -20e-12, 0.0)
        series(f, "stimulus/presentation/data_00002_DA0", "CurrentClampStimulusSeries", i2,
               "amperes", sweep=2, start=100.0, rate=5000, gzip=True)

        z = np.zeros(100, dtype=np.float32)
        series(f, "acquisition/data_00003_AD0", "VoltageClampSeries", z, "amperes",
               sweep=3, start=0.0, rate=10000)
        series(f, "stimulus/presentation/data_00003_DA0", "VoltageClampStimulusSeries", z,
               "volts", sweep=3, start=0.0, rate=10000)
        series(f, "acquisition/data_00004_AD0", "CurrentClampSeries", z - 0.07, "volts",
               sweep=4, start=0.0, rate=10000)


def nwb1():
    with h5py.File("allen_v1.nwb", "w", libver="earliest") as f:
        f.attrs["nwb_version"] = np.bytes_(b"NWB-1.0.5")
        t = np.arange(4000) / 20.0  # ms
        for path, anc, data, unit in [
            ("acquisition/timeseries/Sweep_10", b"CurrentClampSeries",
             ((-70 + 0.05 * t) * 1e-3).astype(np.float32), b"Volts"),
            ("stimulus/presentation/Sweep_10", b"CurrentClampStimulusSeries",
             np.where((t >= 50) & (t < 150), 100e-12, 0).astype(np.float32), b"Amps"),
        ]:
            g = f.create_group(path)
            g.attrs["ancestry"] = np.array([b"TimeSeries", b"PatchClampSeries", anc])
            g.attrs["neurodata_type"] = np.bytes_(b"TimeSeries")
            d = g.create_dataset("data", data=data, chunks=(1000,), compression="gzip")
            d.attrs["conversion"] = np.float32(1.0)
            d.attrs["unit"] = np.bytes_(unit)
            st = g.create_dataset("starting_time", data=np.float64(0.0))
            st.attrs["rate"] = np.float32(20000.0)


if __name__ == "__main__":
    nwb2()
    nwb1()
