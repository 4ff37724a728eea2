"""How fast the book's autodiff computes a network's gradient, against backprop by hand and PyTorch.

One *step* is one gradient evaluation: a forward pass through the network and a
backward pass that gives the gradient of the cost
:math:`C = \\frac{1}{N}\\sum (a^{(L)} - y)^2` with respect to every weight and
bias. No parameter is updated: this measures the gradient alone, where
``benchmarks/train_speed.py`` measures whole training runs. The gradient is
computed four ways:

- ``mvcalc.autodiff.network_gradients``: the book's reverse mode on arrays
  (``Tensor`` nodes, one node per matrix product, bias sum and sigmoid);
- ``mvcalc.nn.backprop``: backpropagation written by hand, the δ recursion;
- PyTorch: float64 tensors on the CPU, the forward pass with ``torch.sigmoid``,
  the gradient by ``torch.autograd.grad``, with the parameters held as tensors
  (no conversion from numpy inside the timed loop);
- the scalar graph of ``mvcalc.autodiff.Var`` (``mvcalc.autodiff.grad`` on the
  77 parameters as one vector), one node per multiplication, addition and
  sigmoid of every example: on the small network only, where one step takes a
  fraction of a second; on the larger one it would build millions of nodes.

Two problems, on the heart curve of ``mvcalc.datasets``, with the starting
network of the Backpropagation page (``init_network(sizes, default_rng(4))``):

- the Backpropagation assignment: the 1-6-7-2 logistic network, N = 100 examples;
- a larger network with two hidden layers of 64: 1-64-64-2, N = 1000.

Before timing, the script checks that every way gives the same gradients (to
1e-10, entry by entry) and stops if one does not. As in train_speed.py,
PyTorch runs with its default intra-op threads (2 on the 2-core reference
machine) and again with ``torch.set_num_threads(1)``, and the script prints
the load average. Each is warmed up first, then timed several times, each
timed run lasting about a quarter of a second; the table shows the median
steps per second.

    .venv/bin/python benchmarks/autodiff_speed.py

Numbers from this script depend strongly on what else the machine is doing:
numpy's OpenBLAS and PyTorch each start a thread per core, and on a busy 2-core
machine two threads fighting for one free core are slower than one. So the
script was run with numpy's default threads and again with
``OPENBLAS_NUM_THREADS=1`` in the environment (as the first line of its output
shows), which pins numpy to one thread as ``torch.set_num_threads(1)`` pins
PyTorch:

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/autodiff_speed.py

Measured with numpy 2.4.6 and torch 2.13.0+cpu on the 2-core reference
machine, with other jobs (a book build, tests) running, load average about 2.
Steps per second, medians of 7 timed runs; each range is over three runs of
the script:

    numpy        problem                       autodiff     backprop  PyTorch (2 threads)  PyTorch (1 thread)  Var graph
    2 (default)  assignment 1-6-7-2, N=100  1,690-1,830  8,290-8,560             20-2,980         3,080-3,330       8-12
    2 (default)  larger 1-64-64-2, N=1000         12-85       14-330                6-410             300-560          -
    1 thread     assignment 1-6-7-2, N=100  1,170-1,650  4,550-7,660             12-3,010         2,370-3,490       8-11
    1 thread     larger 1-64-64-2, N=1000        69-113      250-410                6-300             340-530          -

The absolute numbers are lower than those of ``benchmarks/train_speed.py``'s
table: run in the same hour, train_speed.py itself measured 279 training steps
per second on the larger network, against the 935-950 of its table. What the
six runs of the table show (a dozen more, at load averages from 2 to 4, showed
the same with wider ranges):

- the hand-written ``backprop`` is 4-5 times as fast as ``network_gradients``
  on the small network, and 3-4 times on the larger one with numpy on one
  thread (1.2-9 times with two, where numpy's threads make the larger network
  erratic): the Tensor graph builds and sorts its nodes on every call,
  evaluates σ twice more in the backward pass of every sigmoid node, where
  backprop reuses a(1 − a) from the forward pass, and starts every node's
  gradient from an array of zeros;
- the scalar ``Var`` graph of the small network has about 15,400 nodes and
  takes 0.08-0.13 s per step, 140-210 times as long as the Tensor graph: the
  reason ``network_gradients`` works on arrays;
- PyTorch with its default 2 threads is erratic on a busy machine (12 to
  3,000 steps per second on the small network). With one thread it is about
  twice as fast as ``network_gradients`` on the small network and 3-7 times
  on the larger one (with numpy on one thread; up to 47 times when numpy's two
  threads stall); it is slower than ``backprop`` on the small network and
  0.8-1.8 times as fast on the larger one.

PyTorch is not one of the book's requirements. Without it the script says so
and measures mvcalc alone; to compare, install the CPU wheel pinned in
``benchmarks/requirements.txt`` into the virtual environment.
"""

from __future__ import annotations

import os
import statistics
import time

import numpy as np

from mvcalc import autodiff as ad
from mvcalc import nn
from mvcalc.datasets import heart_curve

try:
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

REPEATS = 7
RUN_SECONDS = 0.25  # length of one timed run
AGREE = 1e-10  # largest allowed difference between two ways' gradient entries
SCALAR_GRAPH_LIMIT = 1.0  # seconds: the Var graph is timed only if one step takes less

# (label, layer sizes, N, whether the scalar Var graph is measured)
PROBLEMS = [
    ("assignment 1-6-7-2, N=100", [1, 6, 7, 2], 100, True),
    ("larger 1-64-64-2, N=1000", [1, 64, 64, 2], 1000, False),
]


def flatten(gradients) -> np.ndarray:
    """All the entries of a list of (dC/dW, dC/db) pairs, in one vector."""
    return np.concatenate([np.ravel(g) for pair in gradients for g in pair])


# --- the four ways to the gradient: each maker returns a function of no arguments that takes one step


def make_autodiff(network, x, y):
    return lambda: ad.network_gradients(network, x, y)


def make_backprop(network, x, y):
    return lambda: nn.backprop(network, x, y)


def make_torch(network, x, y):
    params = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for layer in network for p in layer]
    xt = torch.tensor(x, dtype=torch.float64)
    yt = torch.tensor(y, dtype=torch.float64)
    n_examples = x.shape[1]

    def step():
        a = xt
        for W, b in zip(params[0::2], params[1::2]):
            a = torch.sigmoid(W @ a + b)
        cost = ((a - yt) ** 2).sum() / n_examples
        return torch.autograd.grad(cost, params)

    return step


def make_scalar_graph(network, x, y):
    """mvcalc.autodiff.grad on the cost as a function of all the parameters in one vector: a Var per number."""
    shapes = [p.shape for layer in network for p in layer]
    offsets = np.cumsum([int(np.prod(s)) for s in shapes])[:-1]
    flat = np.concatenate([p.ravel() for layer in network for p in layer])
    n_examples = x.shape[1]
    sigmoid = np.frompyfunc(ad.sigmoid, 1, 1)  # entry by entry on an object array of Var

    def unflatten(v):
        arrays = [piece.reshape(shape) for piece, shape in zip(np.split(v, offsets), shapes)]
        return list(zip(arrays[0::2], arrays[1::2]))

    def cost(v):
        a = x
        for W, b in unflatten(v):
            a = sigmoid(W @ a + b)  # numpy's matmul on object arrays: Var * and +
        error = a - y
        return (error * error).sum() / n_examples

    gradient = ad.grad(cost)
    return lambda: unflatten(gradient(flat))


def as_numpy(gradients):
    """Gradients as a list of numpy pairs, whichever way computed them."""
    if torch is not None and isinstance(gradients, tuple) and isinstance(gradients[0], torch.Tensor):
        arrays = [g.detach().numpy() for g in gradients]
        return list(zip(arrays[0::2], arrays[1::2]))
    return gradients


# --- timing


def rate(step) -> float:
    """Median steps per second: warm up, size a run to RUN_SECONDS, time REPEATS runs."""
    start = time.perf_counter()
    done = 0
    while done < 3 or time.perf_counter() - start < 0.1:  # warm up: caches, thread pools, lazy imports
        step()
        done += 1
    iterations = max(1, round(RUN_SECONDS * done / (time.perf_counter() - start)))
    rates = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(iterations):
            step()
        rates.append(iterations / (time.perf_counter() - start))
    return statistics.median(rates)


def torch_rate(step, threads: int | None) -> float:
    default_threads = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        return rate(step)
    finally:
        torch.set_num_threads(default_threads)


def check_same_gradients(label: str, steps: dict) -> None:
    """Every way must give the same gradient: stop loudly if one differs from backprop by more than AGREE."""
    reference = flatten(as_numpy(steps["backprop"]()))
    for name, step in steps.items():
        if name == "backprop":
            continue
        mine = flatten(as_numpy(step()))
        if mine.shape != reference.shape:
            raise SystemExit(f"{label}: {name} gives {mine.size} gradient entries, backprop {reference.size}")
        worst = float(np.max(np.abs(mine - reference)))
        if not worst <= AGREE:
            raise SystemExit(f"{label}: {name} and backprop disagree by {worst:.3g} (allowed {AGREE:g})")
        print(f"  {label}: {name:<12} agrees with backprop to {worst:.1e}")


def main() -> None:
    versions = f"numpy {np.__version__}"
    if torch is not None:
        versions += f", torch {torch.__version__} (default: {torch.get_num_threads()} threads)"
    blas_threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"{versions}; OpenBLAS threads: {blas_threads}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    if torch is None:
        print("NOTE: PyTorch is not installed, so only mvcalc is measured. To compare, install the CPU wheel")
        print("      pinned in benchmarks/requirements.txt into .venv and run this script again.")
    print("\nThe gradients agree (largest entry difference from backprop):")
    rows = []
    for label, sizes, n_examples, with_scalar_graph in PROBLEMS:
        x, y = heart_curve(n_examples)
        network = nn.init_network(sizes, np.random.default_rng(4))
        steps = {"autodiff": make_autodiff(network, x, y), "backprop": make_backprop(network, x, y)}
        if torch is not None:
            steps["PyTorch"] = make_torch(network, x, y)
        if with_scalar_graph:
            step = make_scalar_graph(network, x, y)
            start = time.perf_counter()
            step()
            seconds = time.perf_counter() - start
            if seconds < SCALAR_GRAPH_LIMIT:
                steps["Var graph"] = step
            else:
                with_scalar_graph = False
                print(f"  {label}: one step of the Var graph took {seconds:.1f} s, so it is not timed")
        check_same_gradients(label, steps)
        row = {"problem": label, "autodiff": rate(steps["autodiff"]), "backprop": rate(steps["backprop"])}
        if torch is not None:
            row["PyTorch"] = torch_rate(steps["PyTorch"], None)
            row["PyTorch, 1 thread"] = torch_rate(steps["PyTorch"], 1)
        if with_scalar_graph:
            row["Var graph"] = rate(steps["Var graph"])
        rows.append(row)

    columns = ["autodiff", "backprop", "PyTorch", "PyTorch, 1 thread", "Var graph"]
    widths = [max(len(c), 9) for c in columns]
    print(f"\nSteps (gradient evaluations) per second, median of {REPEATS} timed runs after a warm-up:\n")
    print(f"| {'problem':<26} | " + " | ".join(f"{c:>{w}}" for c, w in zip(columns, widths)) + " |")
    print(f"|{'-' * 28}|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|")
    for row in rows:
        cells = [f"{row[c]:>{w},.0f}" if c in row else f"{'-':>{w}}" for c, w in zip(columns, widths)]
        print(f"| {row['problem']:<26} | " + " | ".join(cells) + " |")
    print("\nautodiff = mvcalc.autodiff.network_gradients (Tensor graph); backprop = mvcalc.nn.backprop;")
    print("PyTorch = torch.autograd.grad, float64 CPU; Var graph = mvcalc.autodiff.grad on the scalar graph.")
    for row in rows:
        ratios = f"backprop / autodiff {row['backprop'] / row['autodiff']:.2f}x"
        if "PyTorch" in row:
            ratios += f", autodiff / PyTorch {row['autodiff'] / row['PyTorch']:.2f}x"
            ratios += f" (1 thread: {row['autodiff'] / row['PyTorch, 1 thread']:.2f}x)"
        if "Var graph" in row:
            ratios += f", autodiff / Var graph {row['autodiff'] / row['Var graph']:,.0f}x"
        print(f"  {row['problem']}: {ratios}")
    print(f"Load average at the end: {os.getloadavg()[0]:.2f}.")


if __name__ == "__main__":
    main()
