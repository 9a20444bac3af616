"""BayesFlow 2.1 (Keras 3 on JAX, CPU) twin of train.Preset("quick") for bench/peers.

Reads laa's data set, standardizes it as npe.New does (common.py), builds
the hybrid summary network as a bf.networks.SummaryNetwork subclass and the
flow as bf.networks.CouplingFlow (affine), trains with BasicEstimator.fit
(Adam, cosine learning rate, global gradient-norm clip 5, batch 256) and
prints JSON: loading time, steady-state samples/s of the last epoch, 1,000
draws for one trace (BasicEstimator.sample, and the networks under jax.jit).
Run with the venv run.sh makes (Python 3.12):

    bench/.venv-peers/bin/python bench/peers/bf_hybrid.py --data train.npz --epochs 2

Where BayesFlow differs from laa (README.md): its CouplingFlow block is an
ActNorm, a random permutation and a *dual* coupling (both halves
transformed in turn), so --depth 3 (the default here) has laa's 6 affine
couplings with 3 ActNorms instead of 6; the affine scale is BayesFlow's
softplus(arcsinh(raw)) where laa's is exp(2 tanh(raw / 2)); the
conditioners' initialization is BayesFlow's (orthogonal) and their dropout
is off, as laa has none.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")

import bayesflow as bf  # noqa: E402
import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402


class Hybrid(bf.networks.SummaryNetwork):
    """laa's hybrid summary network: Conv1D 16-32-32-32 (kernel 3, stride 2,
    'same' padding, ReLU) over the pooled two-channel sequence, flattened,
    the standardized statistics appended, dense head 128-128 (ReLU) -> 32."""

    def __init__(self, steps, **kwargs):
        super().__init__(**kwargs)
        self.steps = steps
        self.convs = [keras.layers.Conv1D(ch, C.KERNEL, strides=C.STRIDE, padding="same", activation="relu")
                      for ch in C.CHANNELS]
        self.head = [keras.layers.Dense(w, activation="relu") for w in C.HEAD] + [keras.layers.Dense(C.SUMMARY_OUT)]

    def call(self, x, **kwargs):
        n = 2 * self.steps
        h = keras.ops.reshape(x[:, :n], (-1, self.steps, 2))
        for conv in self.convs:
            h = conv(h)
        h = keras.ops.concatenate([keras.ops.reshape(h, (keras.ops.shape(h)[0], -1)), x[:, n:]], axis=-1)
        for dense in self.head:
            h = dense(h)
        return h


class Stamps(keras.callbacks.Callback):
    """Times every epoch. It has no per-step hook on purpose: a callback
    that reads each step's loss makes Keras wait for every step, which
    stops JAX's asynchronous dispatch from overlapping the next batch's
    preparation with the current step (measured: 6.75 s per epoch with a
    per-step hook, 6.05 s without). The steady step time is the last
    epoch's wall time over its steps."""

    def __init__(self):
        super().__init__()
        self.epoch_s, self.loss = 0.0, float("nan")

    def on_epoch_begin(self, epoch, logs=None):
        self.t0 = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_s = time.perf_counter() - self.t0
        if logs and "loss" in logs:
            self.loss = float(logs["loss"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--depth", type=int, default=3, help="CouplingFlow blocks (each a dual coupling)")
    args = ap.parse_args()
    keras.utils.set_random_seed(1)

    arrays, load_s = C.load(args.data)
    x, th, norms = C.prepare(arrays)
    train_idx, _ = C.split(len(x))
    data = {"inference_variables": th[train_idx], "summary_variables": x[train_idx]}
    steps = len(train_idx) // C.BATCH

    flow = bf.networks.CouplingFlow(
        depth=args.depth, transform="affine", permutation="random", use_actnorm=True,
        subnet_kwargs={"widths": (C.FLOW_HIDDEN,) * C.FLOW_HIDDEN_LAYERS, "activation": "relu", "dropout": 0},
    )
    est = bf.BasicEstimator(inference_network=flow, summary_network=Hybrid(norms["steps"]), standardize=None)
    dataset = bf.OfflineDataset(data, batch_size=C.BATCH, adapter=bf.Adapter(), drop_last=True)
    lr = keras.optimizers.schedules.CosineDecay(C.LR, decay_steps=args.epochs * steps, alpha=C.FINAL_LR / C.LR)
    est.compile(optimizer=keras.optimizers.Adam(learning_rate=lr, global_clipnorm=C.CLIP_NORM))
    stamps = Stamps()
    est.fit(dataset=dataset, epochs=args.epochs, verbose=0, callbacks=[stamps])
    params = sum(int(np.prod(v.shape)) for v in est.trainable_variables)

    # 1,000 draws for one trace, two ways: BayesFlow's API (BasicEstimator.sample,
    # adapter and all, run op by op), and the same networks under jax.jit (the
    # summary network, the flow's inverse of 1,000 base draws), as a user who
    # wants speed would write it; the table shows the jitted figure.
    one = {"summary_variables": x[:1]}

    def networks(x1, key):
        ctx = keras.ops.repeat(est.summary_network(x1), C.DRAWS, axis=0)
        z = jax.random.normal(key, (C.DRAWS, th.shape[1]))
        return est.inference_network(z, conditions=ctx, inverse=True)

    jitted = jax.jit(networks)
    key = jax.random.key(3)

    def api():
        return est.sample(num_samples=C.DRAWS, conditions=one)["inference_variables"][0]

    def jit():
        nonlocal key
        key, sub = jax.random.split(key)
        return np.asarray(jitted(x[:1], sub))

    lat = {}
    for name, fn in (("api", api), ("jit", jit)):
        lat[name] = []
        for i in range(args.reps + 2):
            t0 = time.perf_counter()
            u = fn()
            draws = C.constrain(u.astype(np.float64) * norms["theta_sd"] + norms["theta_mean"], norms["priors"])
            if i >= 2:
                lat[name].append(time.perf_counter() - t0)
        assert draws.shape == (C.DRAWS, th.shape[1]), draws.shape
    version = f"{bf.__version__} (Keras {keras.__version__}, JAX {jax.__version__})"
    rep = C.report("BayesFlow", version, os.cpu_count(), len(x), params, load_s,
                   args.epochs, [0.0] * (steps + 1), stamps.epoch_s, stamps.loss, lat["jit"],
                   step=stamps.epoch_s / steps)
    rep["sample1000_api_ms"] = 1e3 * C.median(lat["api"])
    print(json.dumps(rep, indent=1))


if __name__ == "__main__":
    main()
