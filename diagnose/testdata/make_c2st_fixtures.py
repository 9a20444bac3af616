"""Make the C2ST fixtures that diagnose/c2st_test.go checks laa's C2ST against.

Each case draws two samples with numpy (fixed seeds), stores them as float32
in c2st_fixtures.npz (arrays "<case>_x" and "<case>_y", rows are draws), and
scores them with scikit-learn's classifier two-sample test exactly as
sbi's c2st (and sbibm's, plus sbi's early stopping) computes it:

  * z-score both samples with the mean and the sample sd (ddof=1, as
    torch.std) of the first sample X, in float32;
  * label X 0 and Y 1;
  * MLPClassifier(activation="relu", hidden_layer_sizes=(10*D, 10*D),
    max_iter=1000, solver="adam", random_state=seed, early_stopping=True,
    n_iter_no_change=50), sklearn's defaults otherwise;
  * KFold(n_splits=5, shuffle=True, random_state=seed) through
    cross_val_score(scoring="accuracy"); the score is the mean over folds.

The reference of a case is the mean score over the classifier seeds
CLASSIFIER_SEEDS, which shrinks the classifier's own noise; the per-seed
scores and their sd go to c2st_fixtures.json beside it.

Made with Python 3.11.7, numpy 2.4.6, scikit-learn 1.9.1:

    python3 -m venv /tmp/c2stvenv
    /tmp/c2stvenv/bin/pip install numpy scikit-learn
    cd diagnose/testdata && /tmp/c2stvenv/bin/python make_c2st_fixtures.py
"""

import json
import multiprocessing
import platform

import numpy as np
import sklearn
from sklearn.model_selection import KFold, cross_val_score
from sklearn.neural_network import MLPClassifier

CLASSIFIER_SEEDS = [1, 2, 3, 4, 5]
DATA_SEED = 20261130
WORKERS = 2  # processes; the scores do not depend on it


def c2st(x, y, seed, n_folds=5):
    """sbi's c2st with the MLP classifier: mean 5-fold accuracy."""
    x = x.astype(np.float32)
    y = y.astype(np.float32)
    mean = x.mean(axis=0)
    sd = x.std(axis=0, ddof=1)
    sd[sd < 1e-14] = 1
    x = (x - mean) / sd
    y = (y - mean) / sd
    ndim = x.shape[1]
    clf = MLPClassifier(
        activation="relu",
        hidden_layer_sizes=(10 * ndim, 10 * ndim),
        max_iter=1000,
        solver="adam",
        random_state=seed,
        early_stopping=True,
        n_iter_no_change=50,
    )
    data = np.concatenate((x, y))
    target = np.concatenate((np.zeros(len(x)), np.ones(len(y))))
    folds = KFold(n_splits=n_folds, shuffle=True, random_state=seed)
    return float(np.mean(cross_val_score(clf, data, target, cv=folds, scoring="accuracy")))


def banana(rng, n, bend):
    """A 2-D curved density: (z1, z2 + bend (z1^2 - 1)), z standard normal."""
    z = rng.standard_normal((n, 2))
    z[:, 1] += bend * (z[:, 0] ** 2 - 1)
    return z


def correlated(rng, n, d, rho):
    """Standard normal margins with correlation rho between every pair."""
    cov = np.full((d, d), rho) + (1 - rho) * np.eye(d)
    return rng.multivariate_normal(np.zeros(d), cov, size=n)


def cases(rng):
    """The sample pairs, in a fixed order so the draws are reproducible."""
    n = 2000
    shift = np.zeros(5)
    shift[0] = 1.0
    yield "identical_5d", rng.standard_normal((n, 5)), rng.standard_normal((n, 5))
    yield "shift_5d", rng.standard_normal((n, 5)), rng.standard_normal((n, 5)) + shift
    yield "scale_5d", rng.standard_normal((n, 5)), 1.25 * rng.standard_normal((n, 5))
    yield "correlated_2d", rng.standard_normal((n, 2)), correlated(rng, n, 2, 0.6)
    yield "correlated_5d", rng.standard_normal((n, 5)), correlated(rng, n, 5, 0.4)
    yield "banana_2d", rng.standard_normal((n, 2)), banana(rng, n, 0.5)
    m = 1000
    yield "shift_scale_3d", rng.standard_normal((m, 3)), rng.standard_normal((m, 3)) * [1, 1.3, 1] + [0.5, 0, 0]
    yield "identical_unequal_3d", rng.standard_normal((m, 3)), rng.standard_normal((3 * m // 2, 3))


def main():
    rng = np.random.default_rng(DATA_SEED)
    drawn = [(name, x.astype(np.float32), y.astype(np.float32)) for name, x, y in cases(rng)]
    jobs = [(x, y, s) for _, x, y in drawn for s in CLASSIFIER_SEEDS]
    with multiprocessing.Pool(WORKERS) as pool:
        flat = pool.starmap(c2st, jobs)
    arrays, out = {}, []
    for i, (name, x, y) in enumerate(drawn):
        arrays[name + "_x"], arrays[name + "_y"] = x, y
        scores = flat[i * len(CLASSIFIER_SEEDS) : (i + 1) * len(CLASSIFIER_SEEDS)]
        row = {
            "name": name,
            "n_x": len(x),
            "n_y": len(y),
            "dim": x.shape[1],
            "accuracy": float(np.mean(scores)),
            "sd": float(np.std(scores, ddof=1)),
            "seeds": CLASSIFIER_SEEDS,
            "scores": scores,
        }
        print(f"{name}: {row['accuracy']:.4f} (sd {row['sd']:.4f}) {np.round(scores, 4)}")
        out.append(row)
    np.savez("c2st_fixtures.npz", **arrays)
    meta = {
        "made_by": "make_c2st_fixtures.py",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "sklearn": sklearn.__version__,
        "data_seed": DATA_SEED,
        "cases": out,
    }
    with open("c2st_fixtures.json", "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
