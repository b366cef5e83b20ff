"""PyTorch's number for the README's LeNet-5 row (a cross-check run by hand, not by the tests).

python3 bench/torch/lenet5.py mnist.bin --seed 0 --steps 500 --lr 0.05 --momentum 0.9
The net of design.md section 9 (conv 6 5x5 pad 2, maxpool 2, conv 16 5x5, maxpool 2, dense 120,
84, 10; ReLU; Kaiming normal weights std sqrt(2 / fan_in) with fan_in = Cin kh kw for convs, zero
biases), cross-entropy, batch 64 drawn from a shuffled order without replacement (reshuffled each
epoch, the last partial batch dropped), SGD; float32 on the CPU. Prints the test accuracy.
"""
import argparse
import math

import numpy as np
import torch
from torch import nn

p = argparse.ArgumentParser()
p.add_argument('data')
p.add_argument('--seed', type=int, default=0)
p.add_argument('--steps', type=int, default=500)
p.add_argument('--batch', type=int, default=64)
p.add_argument('--lr', type=float, default=0.05)
p.add_argument('--momentum', type=float, default=0.9)
a = p.parse_args()

raw = open(a.data, 'rb').read()
n_train, n_test, features, classes = np.frombuffer(raw[:16], dtype=np.int32)
at = 16
def take(dtype, count):
    global at
    arr = np.frombuffer(raw[at:at + 4 * count], dtype=dtype)
    at += 4 * count
    return arr
x_train = torch.tensor(take(np.float32, n_train * features).reshape(n_train, 1, 28, 28))
y_train = torch.tensor(take(np.int32, n_train).astype(np.int64))
x_test = torch.tensor(take(np.float32, n_test * features).reshape(n_test, 1, 28, 28))
y_test = torch.tensor(take(np.int32, n_test).astype(np.int64))

torch.manual_seed(a.seed)
layers = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
    nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
for m in layers:
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        fan_in = m.weight[0].numel()
        with torch.no_grad():
            m.weight.normal_(0, math.sqrt(2 / fan_in))
            m.bias.zero_()
opt = torch.optim.SGD(layers.parameters(), lr=a.lr, momentum=a.momentum)
g = torch.Generator().manual_seed(a.seed)
order, pos = torch.randperm(n_train, generator=g), 0
for step in range(a.steps):
    if pos + a.batch > n_train:
        order, pos = torch.randperm(n_train, generator=g), 0
    rows = order[pos:pos + a.batch]
    pos += a.batch
    loss = nn.functional.cross_entropy(layers(x_train[rows]), y_train[rows])
    opt.zero_grad()
    loss.backward()
    opt.step()
with torch.no_grad():
    acc = (layers(x_test).argmax(1) == y_test).float().mean().item()
print(f'seed {a.seed}: test accuracy {acc:.4f} after {a.steps} steps (last loss {loss.item():.4f})')
