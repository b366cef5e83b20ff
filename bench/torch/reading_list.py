"""PyTorch's numbers for the README's reading-list rows (cross-checks run by hand, not by the tests).

python3 bench/torch/reading_list.py glorot|he|saxe|lsuv|random-walk|data-init|fixup|lottery [mnist.bin] [--seed 0]
Each mirrors `npm run reproduce -- NAME` at its default sizes (src/reproduce/*.ts): the same nets,
initialisations, optimisers, batch sizes and step counts; MNIST from bench/torch/export-mnist.mjs
(the engine's rows, standardised). Random numbers are torch's, so single numbers differ from the
engine's by seed noise; the direction is what is compared. float32 on the CPU.
"""
import argparse
import math

import numpy as np
import torch
from torch import nn

p = argparse.ArgumentParser()
p.add_argument('name', choices=['glorot', 'he', 'saxe', 'lsuv', 'random-walk', 'data-init', 'fixup', 'lottery'])
p.add_argument('data', nargs='?', default='mnist.bin')
p.add_argument('--seed', type=int, default=0)
a = p.parse_args()


def load(path):
    raw = open(path, 'rb').read()
    n_train, n_test, features, _ = np.frombuffer(raw[:16], dtype=np.int32)
    at = [16]

    def take(dtype, count):
        arr = np.frombuffer(raw[at[0]:at[0] + 4 * count], dtype=dtype)
        at[0] += 4 * count
        return arr
    x = torch.tensor(take(np.float32, n_train * features).reshape(n_train, features))
    y = torch.tensor(take(np.int32, n_train).astype(np.int64))
    xt = torch.tensor(take(np.float32, n_test * features).reshape(n_test, features))
    yt = torch.tensor(take(np.int32, n_test).astype(np.int64))
    return x, y, xt, yt


def batches(n, batch, seed):
    """Shuffled order without replacement, reshuffled per epoch, last partial batch dropped."""
    g = torch.Generator().manual_seed(seed)
    order, pos = torch.randperm(n, generator=g), 0
    while True:
        if pos + batch > n:
            order, pos = torch.randperm(n, generator=g), 0
        yield order[pos:pos + batch]
        pos += batch


def single_pass(layers, width, batch, act, inits, lsuv=False):
    """std of A, Var(Z) and the saturated fraction (|f'(z)| < 1% of the largest slope) per layer of one forward pass."""
    torch.manual_seed(a.seed)
    x = torch.randn(batch, width)
    out = {}
    for name, draw in inits.items():
        Ws = [draw(torch.empty(width, width)) for _ in range(layers)]
        if lsuv:
            h = x
            for W in Ws:
                for _ in range(10):
                    v = (h @ W).var(unbiased=False).item()
                    if abs(v - 1) < 0.1:
                        break
                    W /= math.sqrt(v)
                h = torch.relu(h @ W)
        h, rows = x, []
        for W in Ws:
            z = h @ W
            h = torch.tanh(z) if act == 'tanh' else torch.relu(z)
            sat = ((1 - torch.tanh(z) ** 2) < 0.01).float().mean().item() if act == 'tanh' else 0.0
            rows.append((h.std(unbiased=False).item(), z.var(unbiased=False).item(), sat))
        out[name] = rows
    for l in range(layers):
        print(f'layer {l + 1:2d}  ' + '  '.join(f'{n}: std {r[l][0]:.3g} var(Z) {r[l][1]:.3g} sat {r[l][2]:.3g}' for n, r in out.items()))


def glorot():
    n = 4096
    single_pass(6, n, 16, 'tanh', {'small': lambda w: w.normal_(0, 0.01), 'normal 0.05': lambda w: w.normal_(0, 0.05),
                                   'xavier': lambda w: w.normal_(0, 1 / math.sqrt(n))})


def he():
    n = 512
    single_pass(10, n, 64, 'relu', {'xavier': lambda w: w.normal_(0, 1 / math.sqrt(n)), 'kaiming': lambda w: w.normal_(0, math.sqrt(2 / n))})


def lsuv():
    single_pass(10, 128, 64, 'relu', {'orthogonal': nn.init.orthogonal_})
    single_pass(10, 128, 64, 'relu', {'lsuv': nn.init.orthogonal_}, lsuv=True)


def saxe():
    x, y, _, _ = load(a.data)
    width, max_steps, target, chunk = 64, 600, 0.6, 20
    for depth in [2, 4, 8, 16, 32]:
        line = f'depth {depth:2d}'
        for init in ['orthogonal', 'gaussian']:
            best = (math.inf, None)
            for lr in [0.01, 0.03, 0.1]:
                torch.manual_seed(a.seed)
                dims = [784] + [width] * (depth - 1) + [10]
                Ws = []
                for din, dout in zip(dims, dims[1:]):
                    W = torch.empty(din, dout)
                    nn.init.orthogonal_(W) if init == 'orthogonal' else W.normal_(0, 1 / math.sqrt(din))
                    Ws.append(W.requires_grad_())
                opt = torch.optim.SGD(Ws, lr=lr)
                order, steps, losses = batches(len(x), 64, a.seed), math.inf, []
                for step in range(max_steps):
                    rows = next(order)
                    h = x[rows]
                    for W in Ws:
                        h = h @ W
                    loss = nn.functional.cross_entropy(h, y[rows])
                    if not torch.isfinite(loss):
                        break
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                    losses.append(loss.item())
                    if len(losses) == chunk:
                        if sum(losses) / chunk <= target:
                            steps = step + 1
                            break
                        losses = []
                if steps < best[0]:
                    best = (steps, lr)
            line += f'  {init}: {best[0]} steps (lr {best[1]})'
        print(line)


def random_walk():
    depth, width, seeds = 100, 100, 24
    gains = {'xavier': lambda relu: 1.0,
             'random_walk': lambda relu: math.sqrt(2) * math.exp(1.2 / (max(width, 6) - 2.4)) if relu else math.exp(1 / (2 * width)),
             'kaiming': lambda relu: math.sqrt(2)}
    for act in ['linear', 'relu']:
        for name, gain in gains.items():
            growth = []
            for s in range(seeds):
                torch.manual_seed(a.seed + s)
                Ws = [torch.randn(width, width) * gain(act == 'relu') / math.sqrt(width) for _ in range(depth)]
                x = torch.randn(1, width, requires_grad=True)
                h, hs = x, []
                for W in Ws:
                    h = h @ W
                    if act == 'relu':
                        h = torch.relu(h)
                    h.retain_grad()
                    hs.append(h)
                (h * torch.randn_like(h)).sum().backward()
                growth.append(math.log(x.grad.norm().item() / hs[-2].grad.norm().item()))
            print(f'{act:6s} {name:12s} mean {np.mean(growth):8.3f}  std {np.std(growth):.3f}')


def data_init():
    """Krähenbühl et al. 2015 as src/net/dataInit.ts does it: per unit mean 0 / variance 1 on the
    first batch, layer by layer; then 3 rounds of W_l *= z_l = (C_l / geometric mean C)^(1/4), each
    bias by the product of the z's up to its layer (so a ReLU net's units switch as before and the
    output keeps its scale); C_l = E[dW^2] / E[W^2] from L = sum(A_L * G), G ~ N(0, 1). Then 100
    SGD steps (lr 0.02, momentum 0.9, batch 64); the loss is the mean of the last 10."""
    x, y, _, _ = load(a.data)
    layers, width, steps = 10, 128, 100
    dims = [784] + [width] * (layers - 1) + [10]
    xb = x[:64]
    for act_name, act in [('tanh', torch.tanh), ('relu', torch.relu)]:
        for label, gain, data in [('xavier', 1, False), ('kaiming', 2, False), ('data-init (from kaiming)', 2, True)]:
            torch.manual_seed(a.seed)
            Ws = [torch.randn(dims[l], dims[l + 1]) * math.sqrt(gain / dims[l]) for l in range(layers)]
            bs = [torch.zeros(dims[l + 1]) for l in range(layers)]
            G = torch.randn(64, 10)

            def forward(h, W, b):
                zs = []
                for l in range(layers):
                    zs.append(h @ W[l] + b[l])
                    h = act(zs[-1]) if l < layers - 1 else zs[-1]
                return h, zs

            def rates():
                W = [w.clone().requires_grad_() for w in Ws]
                out, _ = forward(xb, W, bs)
                grads = torch.autograd.grad((out * G).sum(), W)
                return [(g.pow(2).mean() / w.pow(2).mean()).item() for g, w in zip(grads, W)]
            if data:
                for l in range(layers):
                    with torch.no_grad():
                        z = forward(xb, Ws, bs)[1][l]
                    m, s = z.mean(0), z.std(0, unbiased=False)
                    Ws[l] = Ws[l] / s
                    bs[l] = (bs[l] - m) / s
                for _ in range(3):
                    r = rates()
                    log_mean = sum(math.log(v) for v in r) / layers
                    upstream = 1.0
                    for l in range(layers):
                        z = math.exp((math.log(r[l]) - log_mean) / 4)
                        upstream *= z
                        Ws[l] = Ws[l] * z
                        bs[l] = bs[l] * upstream
            r = rates()
            params = [t.clone().requires_grad_() for t in Ws + bs]
            opt = torch.optim.SGD(params, lr=0.02, momentum=0.9)
            order = batches(len(x), 64, a.seed)
            losses = []
            for _ in range(steps):
                rows = next(order)
                out, _ = forward(x[rows], params[:layers], params[layers:])
                loss = nn.functional.cross_entropy(out, y[rows])
                losses.append(loss.item())
                opt.zero_grad()
                loss.backward()
                opt.step()
            print(f'{act_name:5s} {label:26s} rate spread x{max(r) / min(r):.3g}  loss step 0 {losses[0]:.3f}  '
                  f'loss at {steps} {sum(losses[-10:]) / 10:.3f}')


def fixup():
    x, y, xt, yt = load(a.data)
    blocks, width, steps = 32, 64, 300

    class Block(nn.Module):
        def __init__(self, multiplier, norm):
            super().__init__()
            self.a, self.b = nn.Linear(width, width), nn.Linear(width, width)
            self.na = nn.BatchNorm1d(width) if norm else nn.Identity()
            self.nb = nn.BatchNorm1d(width) if norm else nn.Identity()
            self.m = nn.Parameter(torch.ones(1)) if multiplier else None

        def forward(self, h):
            f = self.nb(self.b(torch.relu(self.na(self.a(h)))))
            return torch.relu(h + (self.m * f if self.m is not None else f))

    for label, init, norm in [('Fixup', 'fixup', False), ('kaiming, no norm', 'kaiming', False), ('kaiming + BatchNorm', 'kaiming', True)]:
        torch.manual_seed(a.seed)
        first = nn.Linear(784, width)
        stem_norm = nn.BatchNorm1d(width) if norm else nn.Identity()
        body = [Block(init == 'fixup', norm) for _ in range(blocks)]
        out = nn.Linear(width, 10)
        for lin in [first, out] + [l for b in body for l in (b.a, b.b)]:
            nn.init.normal_(lin.weight, 0, math.sqrt(2 / lin.in_features))
            nn.init.zeros_(lin.bias)
        if init == 'fixup':
            for b in body:
                b.a.weight.data *= blocks ** (-1 / (2 * 2 - 2))
                b.b.weight.data.zero_()
            out.weight.data.zero_()
        model = nn.ModuleList([first, stem_norm, *body, out])

        def run(h, stds=None):
            h = torch.relu(stem_norm(first(h)))
            for b in body:
                h = b(h)
                if stds is not None:
                    stds.append(h.std(unbiased=False).item())
            return out(h)
        stds = []
        with torch.no_grad():
            run(x[:64], stds)
        opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        order = batches(len(x), 64, a.seed)
        diverged = False
        for step in range(steps):
            rows = next(order)
            loss = nn.functional.cross_entropy(run(x[rows]), y[rows])
            if not torch.isfinite(loss):
                diverged = True
                break
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            acc = float('nan') if diverged else (run(xt).argmax(1) == yt).float().mean().item()
        growth = (stds[-1] / stds[0]) ** (1 / (len(stds) - 1))
        print(f'{label:20s} std block 1 {stds[0]:.3g}  block {blocks} {stds[-1]:.3g}  growth {growth:.3f}  '
              f'{"diverged at step " + str(step) if diverged else f"last loss {loss.item():.3f}"}  test {acc:.4f}')


def lottery():
    x, y, xt, yt = load(a.data)
    rounds, steps = 7, 300
    prune = [0.2, 0.2, 0.1]

    def make(seed):
        torch.manual_seed(seed)
        net = nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(), nn.Linear(100, 10))
        for m in net:
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, math.sqrt(2 / (m.in_features + m.out_features)))
                nn.init.zeros_(m.bias)
        return net, [m for m in net if isinstance(m, nn.Linear)]

    def train(net, linears, masks):
        for lin, mask in zip(linears, masks):
            lin.weight.data *= mask
        opt = torch.optim.Adam(net.parameters(), lr=1.2e-3)
        order = batches(len(x), 60, a.seed)
        for _ in range(steps):
            rows = next(order)
            loss = nn.functional.cross_entropy(net(x[rows]), y[rows])
            opt.zero_grad()
            loss.backward()
            opt.step()
            for lin, mask in zip(linears, masks):
                lin.weight.data *= mask
        with torch.no_grad():
            return (net(xt).argmax(1) == yt).float().mean().item()

    net, linears = make(a.seed)
    start = [l.weight.data.clone() for l in linears], [l.bias.data.clone() for l in linears]
    masks = [torch.ones_like(l.weight) for l in linears]
    for r in range(rounds + 1):
        for l, w, b in zip(linears, *start):
            l.weight.data.copy_(w)
            l.bias.data.copy_(b)
        ticket = train(net, linears, masks)
        left = sum(m.sum().item() for m in masks) / sum(m.numel() for m in masks)
        random = float('nan')
        if r > 0:
            other, other_linears = make(a.seed + 1000 + r)
            random = train(other, other_linears, masks)
        print(f'round {r}: {100 * left:.3g}% of the weights, ticket {ticket:.4f}, random re-init {random:.4f}')
        for l, mask, f in zip(linears, masks, prune):
            kept = l.weight.data.abs()[mask.bool()]
            k = round(f * kept.numel())
            if k:
                threshold = kept.sort().values[k - 1]
                mask *= (l.weight.data.abs() > threshold).float()


{'glorot': glorot, 'he': he, 'saxe': saxe, 'lsuv': lsuv, 'random-walk': random_walk, 'data-init': data_init, 'fixup': fixup, 'lottery': lottery}[a.name]()
