"""mvcalc.autodiff and mvcalc.nn.backprop against an independent autodiff: PyTorch's autograd, float64 on the CPU.

PyTorch is not one of the book's requirements: without it these tests are skipped
(``benchmarks/requirements.txt`` pins the CPU wheel they were run with).
"""

from __future__ import annotations

import numpy as np
import pytest

from mvcalc import autodiff as ad
from mvcalc import nn
from mvcalc.datasets import heart_curve

torch = pytest.importorskip("torch")

RTOL, ATOL = 1e-12, 1e-13
SHAPES = [(1,), (5,), (1, 1), (3, 4), (6, 1), (2, 3, 4)]
UNARY = ["exp", "log", "sin", "cos", "tanh", "sigmoid", "relu"]
BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
}
# (shape of the left operand, shape of the right operand): equal, a column or a row stretched,
# a vector or a number put in front, both operands stretched, a missing leading axis.
BROADCAST = [
    ((3, 4), (3, 4)),
    ((3, 4), (3, 1)),
    ((3, 4), (1, 4)),
    ((3, 4), (4,)),
    ((3, 4), ()),
    ((3, 1), (1, 4)),
    ((2, 3, 4), (3, 1)),
    ((4,), (2, 3, 4)),
]


def tensors(*arrays):
    """Leaf torch tensors (float64, requires_grad) holding copies of the numpy arrays."""
    return [torch.tensor(np.array(a, dtype=np.float64), requires_grad=True) for a in arrays]


def torch_grads(out, leaves):
    return [g.numpy() for g in torch.autograd.grad(out, leaves)]


def sample(rng, shape, positive=False):
    return rng.uniform(0.3, 2.0, size=shape) if positive else rng.normal(size=shape)


# ---------------------------------------------------------------------------
# Tensor operations, one at a time
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", UNARY)
def test_elementwise_functions_and_their_vjps(name, shape):
    """d/dX sum(f(X) * G) = f'(X) * G, entry by entry, for each function of the module."""
    rng = np.random.default_rng([UNARY.index(name), len(shape), sum(shape)])
    X, G = sample(rng, shape, positive=name == "log"), rng.normal(size=shape)
    mine = ad.Tensor(X)
    out = (getattr(ad, name)(mine) * G).sum()
    out.backward()
    (Xt,) = tensors(X)
    theirs = (getattr(torch, name)(Xt) * torch.tensor(G)).sum()
    assert out.value == pytest.approx(theirs.item(), rel=RTOL, abs=ATOL)
    np.testing.assert_allclose(getattr(ad, name)(ad.Tensor(X)).value, getattr(torch, name)(Xt).detach(), rtol=RTOL)
    (expected,) = torch_grads(theirs, [Xt])
    assert mine.grad.shape == shape
    np.testing.assert_allclose(mine.grad, expected, rtol=RTOL, atol=ATOL)


def test_relu_at_its_kink_and_on_both_sides():
    """relu's derivative is taken to be 0 at x = 0, as torch.relu's backward pass takes it."""
    X = np.array([[-2.0, -0.0, 0.0, 1e-300], [3.5, -1e-300, 0.25, -0.25]])
    mine = ad.Tensor(X)
    ad.relu(mine).sum().backward()
    (Xt,) = tensors(X)
    np.testing.assert_array_equal(mine.grad, torch_grads(torch.relu(Xt).sum(), [Xt])[0])
    np.testing.assert_array_equal(mine.grad, [[0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 1.0, 0.0]])


@pytest.mark.parametrize("shapes", BROADCAST, ids=lambda s: f"{s[0]}-{s[1]}")
@pytest.mark.parametrize("op", sorted(BINARY))
def test_binary_operations_undo_broadcasting(op, shapes):
    """Each operand's gradient has the operand's shape: what broadcasting stretched is summed back."""
    rng = np.random.default_rng([sorted(BINARY).index(op), *shapes[0], 9, *shapes[1]])
    A, B = sample(rng, shapes[0]), sample(rng, shapes[1], positive=op == "/")
    G = rng.normal(size=np.broadcast_shapes(A.shape, B.shape))
    TA, TB = ad.Tensor(A), ad.Tensor(B)
    out = (BINARY[op](TA, TB) * G).sum()
    out.backward()
    At, Bt = tensors(A, B)
    theirs = (BINARY[op](At, Bt) * torch.tensor(G)).sum()
    assert out.value == pytest.approx(theirs.item(), rel=RTOL, abs=ATOL)
    for mine, expected in zip((TA.grad, TB.grad), torch_grads(theirs, [At, Bt]), strict=True):
        assert mine.shape == expected.shape
        np.testing.assert_allclose(mine, expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("op", sorted(BINARY))
def test_constants_on_either_side(op):
    """A number or a numpy array on the left or the right of a Tensor is a constant: no gradient flows into it."""
    rng = np.random.default_rng(sorted(BINARY).index(op))
    X, C = rng.uniform(0.5, 2.0, size=(3, 4)), rng.uniform(0.5, 2.0, size=(3, 1))
    for constant in (2.5, C):
        mine = ad.Tensor(X)
        out = (BINARY[op](constant, mine) + BINARY[op](mine, constant)).sum()
        out.backward()
        (Xt,) = tensors(X)
        c = torch.tensor(constant) if isinstance(constant, np.ndarray) else constant
        theirs = (BINARY[op](c, Xt) + BINARY[op](Xt, c)).sum()
        assert out.value == pytest.approx(theirs.item(), rel=RTOL)
        np.testing.assert_allclose(mine.grad, torch_grads(theirs, [Xt])[0], rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("power", [2, 3, -1, 0.5, 1.5])
def test_power_with_a_constant_exponent(power):
    rng = np.random.default_rng(int(10 * power) % 7)
    X, G = rng.uniform(0.3, 2.0, size=(4, 3)), rng.normal(size=(4, 3))
    mine = ad.Tensor(X)
    ((mine**power) * G).sum().backward()
    (Xt,) = tensors(X)
    np.testing.assert_allclose(mine.grad, torch_grads(((Xt**power) * torch.tensor(G)).sum(), [Xt])[0], rtol=RTOL)


@pytest.mark.parametrize("shapes", [((1, 1), (1, 5)), ((3, 4), (4, 5)), ((6, 1), (1, 100)), ((2, 7), (7, 100))])
def test_matrix_product_and_transpose(shapes):
    """C = AB: A-bar = C-bar B^T and B-bar = A^T C-bar; the transpose's backward pass transposes back."""
    rng = np.random.default_rng(sum(shapes[0]) + sum(shapes[1]))
    A, B = rng.normal(size=shapes[0]), rng.normal(size=shapes[1])
    G = rng.normal(size=(shapes[1][1], shapes[0][0]))
    TA, TB = ad.Tensor(A), ad.Tensor(B)
    out = ((TA @ TB).T * G).sum() + (TB.T @ TA.T).sum()
    out.backward()
    At, Bt = tensors(A, B)
    theirs = ((At @ Bt).T * torch.tensor(G)).sum() + (Bt.T @ At.T).sum()
    assert out.value == pytest.approx(theirs.item(), rel=RTOL, abs=ATOL)
    for mine, expected in zip((TA.grad, TB.grad), torch_grads(theirs, [At, Bt]), strict=True):
        np.testing.assert_allclose(mine, expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize(
    "shape, axis", [(shape, axis) for shape in [(5,), (3, 4), (2, 3, 4)] for axis in [None, *range(len(shape)), -1]]
)
@pytest.mark.parametrize("keepdims", [False, True])
def test_sum_along_an_axis(shape, axis, keepdims):
    rng = np.random.default_rng([len(shape), 0 if axis is None else axis + 2, int(keepdims)])
    X = rng.normal(size=shape)
    G = rng.normal(size=np.sum(X, axis=axis, keepdims=keepdims).shape)
    mine = ad.Tensor(X)
    s = mine.sum(axis=axis, keepdims=keepdims)
    assert s.shape == G.shape
    (ad.sin(s) * G).sum().backward()
    (Xt,) = tensors(X)
    st = Xt.sum(dim=tuple(range(len(shape))) if axis is None else axis, keepdim=keepdims)
    theirs = (torch.sin(st) * torch.tensor(G)).sum()
    np.testing.assert_allclose(s.value, st.detach().numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(mine.grad, torch_grads(theirs, [Xt])[0], rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("seed", range(5))
def test_a_composite_expression_with_shared_nodes(seed):
    """Nodes used several times (M below) collect the gradient of every path through them."""
    rng = np.random.default_rng(seed)
    A, B, c, r = rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=(3, 1)), rng.normal(size=5)

    def f(lib, A, B, c, r):
        M = lib.tanh(A @ B + c) * r
        P = lib.sigmoid(M) / (c * c + 1) - lib.cos(M.T).T * lib.exp(-M)
        return (P**2).sum() + lib.log(1 + (M * M).sum())

    mine = [ad.Tensor(v) for v in (A, B, c, r)]
    out = f(ad, *mine)
    out.backward()
    leaves = tensors(A, B, c, r)
    theirs = f(torch, *leaves)
    assert out.value == pytest.approx(theirs.item(), rel=RTOL)
    for t, expected in zip(mine, torch_grads(theirs, leaves), strict=True):
        assert t.grad.shape == expected.shape
        np.testing.assert_allclose(t.grad, expected, rtol=RTOL, atol=ATOL)


# ---------------------------------------------------------------------------
# grad (reverse mode on Var) and jacobian (forward mode on Dual) of the reader's functions
# ---------------------------------------------------------------------------

# Each function is written once, for a namespace ``lib`` that is mvcalc.autodiff or torch, and a vector v.
SCALAR_FUNCTIONS = {
    "beast": (1, lambda lib, v: lib.sin(2 * v[0] ** 5 + 3 * v[0]) / lib.exp(7 * v[0])),
    "xy + sin x": (2, lambda lib, v: v[0] * v[1] + lib.sin(v[0])),
    "three variables": (
        3,
        lambda lib, v: lib.tanh(v[0] * v[1] - v[2]) + lib.log(1 + v[2] ** 2) * lib.cos(v[1]) / (2 + lib.sin(v[0])),
    ),
    "logistic layer": (
        5,
        lambda lib, v: (lib.sigmoid(v[0] * v[4] + v[1]) - 0.3) ** 2 + (lib.sigmoid(v[2] * v[4] + v[3]) - 0.7) ** 2,
    ),
    "relu layer": (4, lambda lib, v: (lib.relu(v[0] * v[3] + v[1]) + lib.relu(v[2] - v[3]) - 0.5) ** 2),
}
VECTOR_FUNCTIONS = {
    "polar to Cartesian": (2, lambda lib, v: [v[0] * lib.cos(v[1]), v[0] * lib.sin(v[1])]),
    "three to four": (
        3,
        lambda lib, v: [v[0] * v[1] * v[2], lib.exp(v[0] - v[2]), v[1] ** 3 / (1 + v[2] ** 2), lib.tanh(v[0]) + 2.0],
    ),
    "one to three": (1, lambda lib, v: [lib.sigmoid(v[0]), v[0] ** 2, lib.log(2 + lib.cos(v[0]))]),
}


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("name", sorted(SCALAR_FUNCTIONS))
def test_grad_against_torch(name, seed):
    n, f = SCALAR_FUNCTIONS[name]
    x = np.random.default_rng(seed).uniform(-1.2, 1.2, size=n)
    (xt,) = tensors(x)
    expected = torch_grads(f(torch, xt), [xt])[0]
    np.testing.assert_allclose(ad.grad(lambda v: f(ad, v))(x), expected, rtol=RTOL, atol=ATOL)
    if n == 1:  # a number in, a number out: f sees a Var, not an array of them
        g = ad.grad(lambda s: f(ad, [s]))(float(x[0]))
        assert isinstance(g, float) and g == pytest.approx(float(expected[0]), rel=RTOL, abs=ATOL)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("name", sorted(VECTOR_FUNCTIONS))
def test_jacobian_against_torch(name, seed):
    n, f = VECTOR_FUNCTIONS[name]
    x = np.random.default_rng(seed).uniform(-1.2, 1.2, size=n)
    expected = torch.autograd.functional.jacobian(lambda v: torch.stack(f(torch, v)), torch.tensor(x)).numpy()
    mine = ad.jacobian(lambda v: f(ad, v))(x)
    assert mine.shape == expected.shape
    np.testing.assert_allclose(mine, expected, rtol=RTOL, atol=ATOL)
    if n == 1:
        np.testing.assert_allclose(ad.jacobian(lambda s: f(ad, [s]))(float(x[0])), expected, rtol=RTOL, atol=ATOL)


# ---------------------------------------------------------------------------
# The network's gradient: network_gradients (autodiff) and backprop (by hand)
# ---------------------------------------------------------------------------


def torch_network_gradients(network, x, y):
    params = tensors(*(p for layer in network for p in layer))
    a = torch.tensor(x)
    for W, b in zip(params[0::2], params[1::2]):
        a = torch.sigmoid(W @ a + b)
    cost = ((a - torch.tensor(y)) ** 2).sum() / x.shape[1]
    grads = torch_grads(cost, params)
    return cost.item(), list(zip(grads[0::2], grads[1::2]))


def assert_same_gradients(mine, theirs):
    assert len(mine) == len(theirs)
    for (dW, db), (eW, eb) in zip(mine, theirs, strict=True):
        assert dW.shape == eW.shape and db.shape == eb.shape
        np.testing.assert_allclose(dW, eW, rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(db, eb, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("seed", [0, 4, 11])
def test_backprop_and_network_gradients_on_the_assignment_network(seed):
    """The 1-6-7-2 logistic network on the heart curve, N = 100: both agree with torch.autograd."""
    x, y = heart_curve(100)
    network = nn.init_network([1, 6, 7, 2], np.random.default_rng(seed))
    cost, theirs = torch_network_gradients(network, x, y)
    assert nn.cost(network, x, y) == pytest.approx(cost, rel=RTOL)
    assert_same_gradients(nn.backprop(network, x, y), theirs)
    assert_same_gradients(ad.network_gradients(network, x, y), theirs)


@pytest.mark.parametrize("sizes", [[2, 3, 1], [1, 64, 64, 2], [3, 5, 4, 6, 2]], ids=str)
def test_backprop_and_network_gradients_on_other_shapes(sizes):
    rng = np.random.default_rng(len(sizes))
    n_examples = 1000 if sizes[1] == 64 else 17
    network = nn.init_network(sizes, rng, scale=1.0)
    x, y = rng.normal(size=(sizes[0], n_examples)), rng.uniform(size=(sizes[-1], n_examples))
    _, theirs = torch_network_gradients(network, x, y)
    assert_same_gradients(nn.backprop(network, x, y), theirs)
    assert_same_gradients(ad.network_gradients(network, x, y), theirs)
