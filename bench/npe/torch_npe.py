"""PyTorch 1.13 twin of laa's NPE model, for bench/npe (see README.md).

Builds the architectures of train.Preset("quick") (MLP) and
train.Preset("seed") (LSTM) in float32 on 2 threads, and prints JSON with
the training throughput (forward + backward + Adam step, batch 256) and the
latency of 1,000 posterior draws for one trace. Run with Debian's python:

    /usr/bin/python3 bench/npe/torch_npe.py [--lstm-steps N] ...
"""

import argparse
import json
import math
import statistics
import time

import numpy as np
import torch
from torch import nn

D = 5  # inferred parameters of neuron.Default()
N_STATS = 23  # hand-made summary statistics
T = 600  # samples per trace
BATCH = 256


class ActNorm(nn.Module):
    """y = x exp(log_scale) + shift, initialized from the first batch."""

    def __init__(self, dim):
        super().__init__()
        self.log_scale = nn.Parameter(torch.zeros(dim))
        self.shift = nn.Parameter(torch.zeros(dim))
        self.initialized = False

    def forward(self, x, ctx):
        if not self.initialized:
            with torch.no_grad():
                ls = -0.5 * torch.log(x.var(0, unbiased=False) + 1e-6)
                self.log_scale.copy_(ls)
                self.shift.copy_(-x.mean(0) * ls.exp())
            self.initialized = True
        return x * self.log_scale.exp() + self.shift, self.log_scale.sum().expand(x.shape[0])

    def inverse(self, y, ctx):
        return (y - self.shift) * torch.exp(-self.log_scale)


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class Coupling(nn.Module):
    """Affine coupling: x_b -> x_b exp(s) + t, (t, raw) = MLP(x_a, ctx), s = c tanh(raw/c)."""

    def __init__(self, dim, ctx_dim, hidden, hidden_layers, clamp=2.0):
        super().__init__()
        self.h, self.dt, self.clamp = dim // 2, dim - dim // 2, clamp
        self.net = mlp([self.h + ctx_dim] + [hidden] * hidden_layers + [2 * self.dt])
        nn.init.zeros_(self.net[-1].weight)
        nn.init.zeros_(self.net[-1].bias)

    def params(self, xa, ctx):
        out = self.net(torch.cat([xa, ctx], 1))
        t, raw = out[:, : self.dt], out[:, self.dt :]
        return t, self.clamp * torch.tanh(raw / self.clamp)

    def forward(self, x, ctx):
        xa, xb = x[:, : self.h], x[:, self.h :]
        t, s = self.params(xa, ctx)
        return torch.cat([xa, xb * s.exp() + t], 1), s.sum(1)

    def inverse(self, y, ctx):
        ya, yb = y[:, : self.h], y[:, self.h :]
        t, s = self.params(ya, ctx)
        return torch.cat([ya, (yb - t) * torch.exp(-s)], 1)


class Permute(nn.Module):
    """Fixed permutation moving the untouched half into the transformed one (as flow.newPermutation)."""

    def __init__(self, dim, rng):
        super().__init__()
        h = dim // 2
        lower, upper = list(rng.permutation(h)), list(rng.permutation(dim - h) + h)
        rest = lower + upper[h:]
        rng.shuffle(rest)
        perm = upper[:h] + rest
        self.register_buffer("perm", torch.tensor(perm))
        self.register_buffer("inv", torch.argsort(torch.tensor(perm)))

    def forward(self, x, ctx):
        return x[:, self.perm], None

    def inverse(self, y, ctx):
        return y[:, self.inv]


class Flow(nn.Module):
    def __init__(self, dim, ctx_dim, layers, hidden, hidden_layers=2, seed=1):
        super().__init__()
        rng = np.random.default_rng(seed)
        steps = []
        for layer in range(layers):
            if layer > 0:
                steps.append(Permute(dim, rng))
            steps += [ActNorm(dim), Coupling(dim, ctx_dim, hidden, hidden_layers)]
        self.steps = nn.ModuleList(steps)
        self.dim = dim

    def log_prob(self, theta, ctx):
        x, logdet = theta, 0
        for s in self.steps:
            x, ld = s(x, ctx)
            if ld is not None:
                logdet = logdet + ld
        return -0.5 * (x * x).sum(1) - 0.5 * self.dim * math.log(2 * math.pi) + logdet

    def sample(self, ctx, n):
        z = torch.randn(n, self.dim)
        c = ctx.expand(n, ctx.shape[1])
        for s in reversed(self.steps):
            z = s.inverse(z, c)
        return z


class LSTMSummary(nn.Module):
    """Average pooling over time (stride 4) -> 2-layer LSTM -> Linear(hidden, out) on the last state."""

    def __init__(self, hidden, layers, out, pool):
        super().__init__()
        self.pool = nn.AvgPool1d(pool, pool, ceil_mode=True)
        self.lstm = nn.LSTM(2, hidden, layers)
        self.head = nn.Linear(hidden, out)

    def forward(self, x):  # x: B x 2 x T
        seq = self.pool(x).permute(2, 0, 1)  # T/pool x B x 2, time-major as in laa
        h, _ = self.lstm(seq)
        return self.head(h[-1])


class NPE(nn.Module):
    def __init__(self, summary, ctx_dim, flow_layers, flow_hidden):
        super().__init__()
        self.summary = summary
        self.flow = Flow(D, ctx_dim, flow_layers, flow_hidden)

    def loss(self, x, theta):
        return -self.flow.log_prob(theta, self.summary(x)).mean()


# The presets of train/options.go.
CONFIGS = {
    "MLP": dict(lr=1e-3, make=lambda: NPE(mlp([N_STATS, 128, 128, 32]), 32, 6, 128), shape=(N_STATS,)),
    "LSTM": dict(lr=1e-4, make=lambda: NPE(LSTMSummary(64, 2, 32, 4), 32, 6, 128), shape=(2, T)),
}


def bench(name, warmup, steps, reps, n_data=2048):
    cfg = CONFIGS[name]
    torch.manual_seed(1)
    model = cfg["make"]()
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    # Standardized inputs and parameters, as laa feeds its networks.
    X = torch.randn(n_data, *cfg["shape"])
    TH = torch.randn(n_data, D)
    gen = torch.Generator().manual_seed(2)
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        idx = torch.randint(n_data, (BATCH,), generator=gen)
        opt.zero_grad(set_to_none=False)
        loss = model.loss(X[idx], TH[idx])
        loss.backward()
        opt.step()
        if i >= warmup:
            times.append(time.perf_counter() - t0)
    assert math.isfinite(loss.item()), f"{name}: loss {loss.item()}"

    # 1,000 draws for one trace: summary, flow inverse, back to parameter units.
    mean, sd = torch.randn(D), torch.rand(D) + 0.5
    lognormal = torch.tensor([True, True, False, True, False])  # Cm, gL, EL, k, Vthr
    lat = []
    with torch.no_grad():
        for i in range(reps + 2):
            t0 = time.perf_counter()
            ctx = model.summary(X[:1])
            u = model.flow.sample(ctx, 1000) * sd + mean
            draws = torch.where(lognormal, u.exp(), u).double().numpy()
            if i >= 2:
                lat.append(time.perf_counter() - t0)
    assert draws.shape == (1000, D)
    step = statistics.median(times)
    return {
        "config": name,
        "params": sum(p.numel() for p in model.parameters()),
        "train_steps": steps,
        "step_ms": 1e3 * step,
        "train_samples_per_s": BATCH / step,
        "sample_reps": reps,
        "sample1000_ms": 1e3 * statistics.median(lat),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--mlp-steps", type=int, default=20)
    ap.add_argument("--lstm-steps", type=int, default=8)
    ap.add_argument("--reps", type=int, default=20)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)  # laa's LSTM flushes tiny values too (nn/subnormal.go)
    results = [
        bench("MLP", 5, args.mlp_steps, args.reps),
        bench("LSTM", 2, args.lstm_steps, args.reps),
    ]
    print(json.dumps({"impl": "pytorch", "version": torch.__version__, "backend": "torch",
                      "threads": torch.get_num_threads(), "results": results}, indent=1))


if __name__ == "__main__":
    main()
