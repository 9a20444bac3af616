"""Make psis_arviz.json, the PSIS fixtures of diagnose/psis_test.go.

Each case is a vector of importance log ratios drawn with a fixed numpy
seed, and ArviZ's Pareto-smoothed importance sampling of it
(arviz.psislw, reff = 1): k-hat and the smoothed, normalized log weights.

Made with Python 3.11, numpy 2 and arviz 0.23.4:

    python3 -m venv venv && venv/bin/pip install arviz numpy
    venv/bin/python psis_arviz.py > psis_arviz.json
"""

import json

import arviz as az
import numpy as np
from scipy import stats


def cases():
    rng = np.random.default_rng(20240572)
    # Proposal N(0, 2^2) for a N(0, 1) target: bounded weights, k-hat low.
    x = rng.normal(0, 2, 1000)
    yield "wide proposal", stats.norm.logpdf(x) - stats.norm.logpdf(x, 0, 2)
    # Proposal N(0, 1/2) for a N(0, 1) target: tail shape 1 - 1/2 = 0.5.
    x = rng.normal(0, np.sqrt(0.5), 2000)
    yield "narrow proposal", stats.norm.logpdf(x) - stats.norm.logpdf(x, 0, np.sqrt(0.5))
    # Weights from a generalized Pareto distribution of shape 0.5 and 0.9.
    for xi in (0.5, 0.9):
        w = stats.genpareto.rvs(xi, size=1000, random_state=rng)
        yield f"gpd {xi}", np.log(w)
    # A short vector: the tail is the smallest that is smoothed (M = 7).
    yield "short", rng.standard_t(3, 30)


out = []
for name, lw in cases():
    smoothed, khat = az.psislw(np.asarray(lw, dtype=float).copy())
    out.append({"name": name, "log_ratios": [float(v) for v in lw],
                "k_hat": float(khat), "log_weights": [float(v) for v in smoothed]})
print(json.dumps({"made_by": "psis_arviz.py", "arviz": az.__version__, "cases": out}))
