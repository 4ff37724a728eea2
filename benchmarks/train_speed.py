"""How fast ``mvcalc.nn.train`` trains, against the same training written with PyTorch.

Two problems, both trained by the assignment's stochastic steepest descent
(step 7, noise 1: every Jacobian block scaled by its own 1 + ε, ε ~ N(0, 1),
drawn afresh every iteration), with the cost recorded at every iteration:

- the Backpropagation assignment: the 1-6-7-2 logistic network on the heart
  curve, N = 100 examples;
- a larger network with two hidden layers of 64: 1-64-64-2 on the heart curve
  with N = 1000.

PyTorch does the same arithmetic: float64 tensors on the CPU, the forward pass
with ``torch.sigmoid``, the gradient by autograd (``torch.autograd.grad``), and
the same noisy update under ``torch.no_grad()``. The comparison uses both
libraries' default threading on the machine at hand: numpy's OpenBLAS and
PyTorch's intra-op thread pool (OpenMP, MKL) as they come. The reference
measurements were made on a 2-core machine, where ``torch.get_num_threads()``
is 2. Because PyTorch's thread pool suffers badly on small matrices when the
cores are busy, the table also shows PyTorch with ``torch.set_num_threads(1)``
(an extra column, not the headline ratio), and the script prints the load
average so that the numbers can be judged. Each is warmed up first, then timed
several times; the table shows the median steps per second. Before timing,
the script checks that both implementations follow the same training path
(the costs after 50 noise-free steps agree).

    .venv/bin/python benchmarks/train_speed.py

Measured with numpy 2.4.6 and torch 2.13.0+cpu on the 2-core machine, with
other jobs running (load average about 2), steps per second:

    problem                     mvcalc  PyTorch (2 threads)  PyTorch (1 thread)
    assignment 1-6-7-2, N=100   15,700-19,100    730-3,150       4,200-4,300
    larger 1-64-64-2, N=1000       935-950       980-984           730-750

PyTorch is not one of the book's requirements. Without it the script says so
and measures mvcalc alone; to compare, install the CPU wheel of torch that
``benchmarks/requirements.txt`` pins (``.venv/bin/pip install -r benchmarks/requirements.txt``).
"""

from __future__ import annotations

import os
import statistics
import time

import numpy as np

from mvcalc import nn
from mvcalc.datasets import heart_curve

try:
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

STEP = 7.0
NOISE = 1.0
REPEATS = 7

# (label, layer sizes, N, iterations per timed run)
PROBLEMS = [
    ("assignment 1-6-7-2, N=100", [1, 6, 7, 2], 100, 3000),
    ("larger 1-64-64-2, N=1000", [1, 64, 64, 2], 1000, 200),
]


def time_mvcalc(network, x, y, iterations: int) -> float:
    """Steps per second of one run of mvcalc.nn.train."""
    rng = np.random.default_rng(1)
    start = time.perf_counter()
    nn.train(network, x, y, maxiter=iterations, step=STEP, noise=NOISE, rng=rng)
    return iterations / (time.perf_counter() - start)


def train_torch(network, x, y, iterations: int, seed: int = 1):
    """The same stochastic steepest descent, with torch tensors and autograd."""
    generator = torch.Generator().manual_seed(seed)
    params = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for layer in network for p in layer]
    x = torch.tensor(x, dtype=torch.float64)
    y = torch.tensor(y, dtype=torch.float64)
    n_examples = x.shape[1]
    costs = torch.empty(iterations + 1, dtype=torch.float64)
    for i in range(iterations + 1):
        a = x
        for W, b in zip(params[0::2], params[1::2]):
            a = torch.sigmoid(W @ a + b)
        cost = ((a - y) ** 2).sum() / n_examples
        costs[i] = cost.detach()
        if i == iterations:
            break
        gradients = torch.autograd.grad(cost, params)
        with torch.no_grad():
            factors = STEP * (1 + NOISE * torch.randn(len(params), dtype=torch.float64, generator=generator))
            for p, g, factor in zip(params, gradients, factors):
                p -= factor * g
    return params, costs


def time_torch(network, x, y, iterations: int) -> float:
    """Steps per second of one run of train_torch."""
    start = time.perf_counter()
    train_torch(network, x, y, iterations)
    return iterations / (time.perf_counter() - start)


def median_rate(timer, network, x, y, iterations: int) -> float:
    timer(network, x, y, max(iterations // 5, 10))  # warm up: caches, thread pools, lazy imports
    return statistics.median(timer(network, x, y, iterations) for _ in range(REPEATS))


def check_same_training(network, x, y) -> None:
    """Without noise both must follow the same path: compare the costs after 50 steps."""
    ours = nn.train(network, x, y, maxiter=50, step=STEP).history.fun
    params = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for layer in network for p in layer]
    xt, yt = torch.tensor(x), torch.tensor(y)
    for _ in range(50):
        a = xt
        for W, b in zip(params[0::2], params[1::2]):
            a = torch.sigmoid(W @ a + b)
        cost = ((a - yt) ** 2).sum() / x.shape[1]
        gradients = torch.autograd.grad(cost, params)
        with torch.no_grad():
            for p, g in zip(params, gradients):
                p -= STEP * g
    a = xt
    for W, b in zip(params[0::2], params[1::2]):
        a = torch.sigmoid(W @ a + b)
    theirs = float(((a - yt) ** 2).sum().detach() / x.shape[1])
    if not np.isclose(ours[-1], theirs, rtol=1e-9):
        raise SystemExit(f"mvcalc and PyTorch disagree after 50 steps: cost {ours[-1]!r} vs {theirs!r}")


def main() -> None:
    versions = f"numpy {np.__version__}"
    if torch is not None:
        versions += f", torch {torch.__version__} (default: {torch.get_num_threads()} threads)"
    print(f"{versions}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start")
    if torch is None:
        print("NOTE: PyTorch is not installed, so only mvcalc is measured. To compare, run")
        print("      .venv/bin/pip install -r benchmarks/requirements.txt (not one of the book's requirements).")
    print()
    header = f"{'problem':<28} {'mvcalc':>9} {'PyTorch':>9} {'ratio':>7} {'PyTorch, 1 thread':>18} {'ratio':>7}"
    print(header)
    print(f"{'':<28} {'steps/s':>9} {'steps/s':>9} {'':>7} {'steps/s':>18}")
    print("-" * len(header))
    for label, sizes, n_examples, iterations in PROBLEMS:
        x, y = heart_curve(n_examples)
        network = nn.init_network(sizes, np.random.default_rng(0))
        ours = median_rate(time_mvcalc, network, x, y, iterations)
        if torch is None:
            print(f"{label:<28} {ours:>9,.0f} {'-':>9} {'-':>7} {'-':>18} {'-':>7}")
            continue
        check_same_training(network, x, y)
        default_threads = torch.get_num_threads()
        theirs = median_rate(time_torch, network, x, y, iterations)
        torch.set_num_threads(1)
        try:
            theirs_1 = median_rate(time_torch, network, x, y, iterations)
        finally:
            torch.set_num_threads(default_threads)
        print(
            f"{label:<28} {ours:>9,.0f} {theirs:>9,.0f} {ours / theirs:>6.2f}x "
            f"{theirs_1:>18,.0f} {ours / theirs_1:>6.2f}x"
        )
    print(f"\nMedian of {REPEATS} timed runs after a warm-up; ratio = mvcalc / PyTorch (above 1: mvcalc is faster).")
    print(f"Load average at the end: {os.getloadavg()[0]:.2f}.")


if __name__ == "__main__":
    main()
