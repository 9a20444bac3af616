"""What the Python twins share: reading laa's data set and standardizing it
as npe.New does, the sizes of train.Preset("quick"), and the timing report.

Standardization (npe/model.go, npe/transform.go): parameters are mapped to
unconstrained space by their priors (log for LogNormal, logit of the
rescaled value for Uniform, identity for Normal) and standardized per
column; the 23 statistics per column; the voltage with one mean and sd
over all samples of all traces; the stimulus with one mean and sd over its
600 values. The trace and stimulus are then averaged over windows of POOL
samples (the pooled stimulus is the same for every row). Sds are sample sds
(n - 1), as fitStandardizer's.
"""

import json
import time

import numpy as np

# train.Preset("quick"): hybrid summary and affine flow.
POOL = 4
CHANNELS = (16, 32, 32, 32)
KERNEL, STRIDE = 3, 2
HEAD = (128, 128)
SUMMARY_OUT = 32
FLOW_LAYERS, FLOW_HIDDEN, FLOW_HIDDEN_LAYERS, CLAMP = 6, 128, 2, 2.0
BATCH, LR, FINAL_LR, CLIP_NORM, VAL_FRACTION = 256, 1e-3, 1e-5, 5.0, 0.05
DRAWS = 1000


def load(path):
    """Reads the arrays training needs from laa's .npz: theta (N x P),
    traces (N x T float32), stats (N x S float32), stimulus (T), and the
    priors from the metadata. Returns (arrays, seconds)."""
    t0 = time.perf_counter()
    with np.load(path) as z:
        meta = json.loads(str(z["meta"]))
        arrays = {
            "theta": z["theta"],
            "traces": z["traces"],
            "stats": z["stats"],
            "stimulus": z["stimulus"],
        }
    arrays["names"] = meta["param_names"]
    arrays["priors"] = [meta["config"]["priors"][n] for n in meta["param_names"]]
    return arrays, time.perf_counter() - t0


def _logit_bounds(p):
    """(low, high, log) of a bounded prior: Uniform, or LogUniform on log x."""
    lo, hi = p.get("low", 0.0), p["high"]
    if p["dist"] == "loguniform":
        return np.log(lo), np.log(hi), True
    return lo, hi, False


def unconstrain(theta, priors):
    """Maps parameters to unconstrained space as prior.Distribution.Unconstrain."""
    u = np.empty_like(theta)
    for j, p in enumerate(priors):
        v = theta[:, j]
        if p["dist"] == "lognormal":
            u[:, j] = np.log(v)
        elif p["dist"] == "normal":
            u[:, j] = v
        elif p["dist"] in ("uniform", "loguniform"):
            lo, hi, log = _logit_bounds(p)
            r = ((np.log(v) if log else v) - lo) / (hi - lo)
            u[:, j] = np.log(r / (1 - r))
        else:
            raise ValueError(f"prior family {p['dist']!r}")
    return u


def constrain(u, priors):
    """The inverse of unconstrain (prior.Distribution.Constrain)."""
    x = np.empty_like(u)
    for j, p in enumerate(priors):
        if p["dist"] == "lognormal":
            x[:, j] = np.exp(u[:, j])
        elif p["dist"] == "normal":
            x[:, j] = u[:, j]
        else:
            lo, hi, log = _logit_bounds(p)
            v = lo + (hi - lo) / (1 + np.exp(-u[:, j]))
            x[:, j] = np.exp(v) if log else v
    return x


def standardize(a):
    """Returns (x, mean, sd) with columns standardized as fitStandardizer does."""
    mean = a.mean(0)
    sd = a.std(0, ddof=1)
    sd = np.where(sd > 1e-12, sd, 1.0)
    return ((a - mean) / sd).astype(np.float32), mean, sd


def prepare(arrays):
    """Returns (x, theta_std, norms): x is N x (2*T/POOL + S) float32, each
    row the pooled two-channel sequence in (time, channel) order followed by
    the standardized statistics, as laa's hybrid input; theta_std is N x P."""
    traces, stats = arrays["traces"], arrays["stats"].astype(np.float64)
    n, t = traces.shape
    vmean = traces.astype(np.float64).mean()
    vsd = traces.astype(np.float64).std(ddof=1)
    stim = arrays["stimulus"].astype(np.float64)
    smean, ssd = stim.mean(), stim.std(ddof=1)
    steps = t // POOL
    v = ((traces.reshape(n, steps, POOL).mean(2, dtype=np.float64) - vmean) / vsd).astype(np.float32)
    s = ((stim.reshape(steps, POOL).mean(1) - smean) / ssd).astype(np.float32)
    seq = np.empty((n, steps, 2), np.float32)
    seq[:, :, 0], seq[:, :, 1] = v, s
    st, _, _ = standardize(stats)
    x = np.concatenate([seq.reshape(n, 2 * steps), st], 1)
    u = unconstrain(arrays["theta"].astype(np.float64), arrays["priors"])
    th, tmean, tsd = standardize(u)
    return x, th, {"theta_mean": tmean, "theta_sd": tsd, "priors": arrays["priors"], "steps": steps, "stats": st.shape[1]}


def split(n, seed=1):
    """Shuffled training and validation indices (VAL_FRACTION held out)."""
    idx = np.random.default_rng(seed).permutation(n)
    nval = int(round(VAL_FRACTION * n))
    return idx[nval:], idx[:nval]


def steady(stamps):
    """Mean seconds per step from the time stamps of one epoch's steps, after its first."""
    return (stamps[-1] - stamps[0]) / (len(stamps) - 1)


def median(x):
    s = sorted(x)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def report(impl, version, threads, n, params, load_s, epochs, stamps, epoch_s, loss, lat, step=None):
    """The JSON line of one implementation. step (seconds per training
    step) defaults to the steady state of the per-step stamps."""
    if step is None:
        step = steady(stamps)
    med = median(lat)
    return {
        "impl": impl, "version": version, "threads": threads, "n": n, "params": params, "load_s": load_s,
        "epochs": epochs, "steps": len(stamps) - 1, "step_ms": 1e3 * step, "samples_per_s": BATCH / step,
        "epoch_s": epoch_s, "loss": loss, "reps": len(lat), "sample1000_ms": 1e3 * med,
    }
