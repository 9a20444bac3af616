"""PyTorch twin of train.Preset("quick") for bench/peers (see README.md).

Reads laa's data set, standardizes it as npe.New does (common.py), trains
the hybrid summary network and the affine coupling flow with Adam (cosine
learning rate, global gradient-norm clip 5, batch 256), and prints JSON:
loading time, steady-state samples/s of the last epoch, 1,000 draws for one
trace. Run with Debian's python and python3-torch:

    /usr/bin/python3 bench/peers/torch_hybrid.py --data train.npz --epochs 2
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402


class ActNorm(nn.Module):
    """y = x exp(log_scale) + shift, initialized from the first batch."""

    def __init__(self, dim):
        super().__init__()
        self.log_scale = nn.Parameter(torch.zeros(dim))
        self.shift = nn.Parameter(torch.zeros(dim))
        self.initialized = False

    def forward(self, x):
        if not self.initialized:
            with torch.no_grad():
                ls = -0.5 * torch.log(x.var(0, unbiased=False) + 1e-6)
                self.log_scale.copy_(ls)
                self.shift.copy_(-x.mean(0) * ls.exp())
            self.initialized = True
        return x * self.log_scale.exp() + self.shift, self.log_scale.sum()

    def inverse(self, y):
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

    def __init__(self, dim, ctx_dim):
        super().__init__()
        self.h, self.dt = dim // 2, dim - dim // 2
        self.net = mlp([self.h + ctx_dim] + [C.FLOW_HIDDEN] * C.FLOW_HIDDEN_LAYERS + [2 * self.dt])
        nn.init.zeros_(self.net[-1].weight)
        nn.init.zeros_(self.net[-1].bias)

    def params(self, xa, ctx):
        out = self.net(torch.cat([xa, ctx], 1))
        t, raw = out[:, : self.dt], out[:, self.dt :]
        return t, C.CLAMP * torch.tanh(raw / C.CLAMP)

    def forward(self, x, ctx):
        xa, xb = x[:, : self.h], x[:, self.h :]
        t, s = self.params(xa, ctx)
        return torch.cat([xa, xb * s.exp() + t], 1), s.sum(1)

    def inverse(self, y, ctx):
        ya, yb = y[:, : self.h], y[:, self.h :]
        t, s = self.params(ya, ctx)
        return torch.cat([ya, (yb - t) * torch.exp(-s)], 1)


def permutation(dim, rng):
    """Moves the untouched half into the transformed one, as flow.newPermutation."""
    h = dim // 2
    lower, upper = list(rng.permutation(h)), list(rng.permutation(dim - h) + h)
    rest = lower + upper[h:]
    rng.shuffle(rest)
    return torch.tensor(upper[:h] + rest)


class Flow(nn.Module):
    def __init__(self, dim, ctx_dim, seed=1):
        super().__init__()
        rng = np.random.default_rng(seed)
        self.norms = nn.ModuleList(ActNorm(dim) for _ in range(C.FLOW_LAYERS))
        self.couplings = nn.ModuleList(Coupling(dim, ctx_dim) for _ in range(C.FLOW_LAYERS))
        perms = [permutation(dim, rng) for _ in range(C.FLOW_LAYERS - 1)]
        for i, p in enumerate(perms):
            self.register_buffer(f"perm{i}", p)
            self.register_buffer(f"inv{i}", torch.argsort(p))
        self.dim = dim

    def log_prob(self, theta, ctx):
        x, logdet = theta, 0
        for i in range(C.FLOW_LAYERS):
            if i > 0:
                x = x[:, getattr(self, f"perm{i - 1}")]
            x, ld = self.norms[i](x)
            logdet = logdet + ld
            x, ld = self.couplings[i](x, ctx)
            logdet = logdet + ld
        return -0.5 * (x * x).sum(1) - 0.5 * self.dim * math.log(2 * math.pi) + logdet

    def sample(self, ctx, n, gen):
        z = torch.randn(n, self.dim, generator=gen)
        c = ctx.expand(n, ctx.shape[1])
        for i in reversed(range(C.FLOW_LAYERS)):
            z = self.norms[i].inverse(self.couplings[i].inverse(z, c))
            if i > 0:
                z = z[:, getattr(self, f"inv{i - 1}")]
        return z


class Hybrid(nn.Module):
    """laa's hybrid summary: Conv1D stack ('same' padding as laa and Keras:
    the odd padding step on the right), flattened in (time, channel) order,
    the standardized statistics appended, a ReLU MLP head."""

    def __init__(self, steps, stats):
        super().__init__()
        self.steps, convs, pads, c, t = steps, [], [], 2, steps
        for ch in C.CHANNELS:
            convs.append(nn.Conv1d(c, ch, C.KERNEL, C.STRIDE))
            out = (t + C.STRIDE - 1) // C.STRIDE
            total = max((out - 1) * C.STRIDE + C.KERNEL - t, 0)
            pads.append((total // 2, total - total // 2))
            c, t = ch, out
        self.convs, self.pads = nn.ModuleList(convs), pads
        self.head = mlp([c * t + stats, *C.HEAD, C.SUMMARY_OUT])

    def forward(self, x):
        b, n = x.shape[0], 2 * self.steps
        h = x[:, :n].reshape(b, self.steps, 2).transpose(1, 2)  # B x 2 x steps
        for conv, pad in zip(self.convs, self.pads):
            h = F.relu(conv(F.pad(h, pad)))
        flat = h.transpose(1, 2).reshape(b, -1)  # (time, channel) order, as laa
        return self.head(torch.cat([flat, x[:, n:]], 1))


class NPE(nn.Module):
    def __init__(self, steps, stats, dim):
        super().__init__()
        self.summary = Hybrid(steps, stats)
        self.flow = Flow(dim, C.SUMMARY_OUT)

    def loss(self, x, theta):
        return -self.flow.log_prob(theta, self.summary(x)).mean()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)

    arrays, load_s = C.load(args.data)  # numpy reads the file; torch.from_numpy shares its memory
    x, th, norms = C.prepare(arrays)
    X, TH = torch.from_numpy(x), torch.from_numpy(th)
    train_idx, _ = C.split(len(x))
    model = NPE(norms["steps"], norms["stats"], th.shape[1])
    params = sum(p.numel() for p in model.parameters())
    steps = len(train_idx) // C.BATCH
    opt = torch.optim.Adam(model.parameters(), lr=C.LR)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs * steps, eta_min=C.FINAL_LR)
    rng = np.random.default_rng(2)
    for epoch in range(args.epochs):
        stamps, t_epoch, total = [], time.perf_counter(), 0.0
        order = torch.from_numpy(rng.permutation(train_idx))
        for s in range(steps):
            idx = order[s * C.BATCH : (s + 1) * C.BATCH]
            opt.zero_grad(set_to_none=False)
            loss = model.loss(X[idx], TH[idx])
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), C.CLIP_NORM)
            opt.step()
            sched.step()
            total += loss.item()
            stamps.append(time.perf_counter())
        epoch_s = time.perf_counter() - t_epoch
    assert math.isfinite(total), f"loss {total}"

    # 1,000 draws for one trace: summary, flow inverse, back to parameter units.
    mean, sd = torch.from_numpy(norms["theta_mean"]), torch.from_numpy(norms["theta_sd"])
    gen = torch.Generator().manual_seed(3)
    lat = []
    model.eval()
    with torch.no_grad():
        for i in range(args.reps + 2):
            t0 = time.perf_counter()
            ctx = model.summary(X[:1])
            u = model.flow.sample(ctx, C.DRAWS, gen).double() * sd + mean
            draws = C.constrain(u.numpy(), norms["priors"])
            if i >= 2:
                lat.append(time.perf_counter() - t0)
    assert draws.shape == (C.DRAWS, th.shape[1])
    print(json.dumps(C.report("PyTorch", torch.__version__, torch.get_num_threads(), len(x), params, load_s,
                              args.epochs, stamps, epoch_s, total / steps, lat), indent=1))


if __name__ == "__main__":
    main()
