"""mvcalc.optimisers against hand-written updates, closed forms, PyTorch (when installed) and bad input."""

from __future__ import annotations

import numpy as np
import pytest

import mvcalc
from mvcalc import optimisers

A = np.array([[3.0, 2.0], [2.0, 6.0]])
B = np.array([5.0, 8.0])
START = np.array([-2.0, 3.5])
MINIMUM = np.linalg.solve(A, B)
VALLEY_START = np.array([-1.0, 1.5])


def bowl(p):
    return 0.5 * p @ A @ p - B @ p


def bowl_grad(p):
    return A @ p - B


def valley(p):
    return (p[0] - 1) ** 2 + 10 * (p[1] - p[0] ** 2) ** 2


def valley_grad(p):
    ridge = p[1] - p[0] ** 2
    return np.array([2 * (p[0] - 1) - 40 * p[0] * ridge, 20 * ridge])


# ------------------------------------------------------------------ hand-written updates, a few steps


def test_momentum_is_a_gradient_step_plus_a_fraction_of_the_last_step():
    gamma, mu = 0.05, 0.7
    xs = [START, START - gamma * bowl_grad(START)]  # the first step has no previous step
    for _ in range(5):
        xs.append(xs[-1] - gamma * bowl_grad(xs[-1]) + mu * (xs[-1] - xs[-2]))
    res = optimisers.momentum(bowl_grad, START, step=gamma, momentum=mu, maxiter=6)
    np.testing.assert_allclose(res.history.x, xs, rtol=1e-13, atol=1e-13)


def test_momentum_on_a_quadratic_is_the_closed_form_linear_recurrence():
    """e_{k+1} = ((1 + μ) I - γA) e_k - μ e_{k-1}: powers of a 4 x 4 companion matrix."""
    gamma, mu, n = 0.08, 0.6, 40
    I = np.eye(2)
    companion = np.block([[(1 + mu) * I - gamma * A, -mu * I], [I, np.zeros((2, 2))]])
    e0 = START - MINIMUM
    e1 = (I - gamma * A) @ e0
    state = np.linalg.matrix_power(companion, n - 1) @ np.concatenate([e1, e0])
    res = optimisers.momentum(bowl_grad, START, step=gamma, momentum=mu, maxiter=n)
    np.testing.assert_allclose(res.history.x[n] - MINIMUM, state[:2], atol=1e-12)
    np.testing.assert_allclose(res.history.x[n - 1] - MINIMUM, state[2:], atol=1e-12)


def test_momentum_zero_is_gradient_descent():
    ours = optimisers.momentum(bowl_grad, START, step=0.1, momentum=0.0, f=bowl)
    plain = mvcalc.gradient_descent(bowl_grad, START, step=0.1, f=bowl)
    assert ours.nit == plain.nit
    np.testing.assert_array_equal(ours.history.x, plain.history.x)
    np.testing.assert_array_equal(ours.history.fun, plain.history.fun)


def test_nesterov_iterates_the_look_ahead_point_of_the_classical_form():
    """Sutskever et al.'s form: u ← μu - γ∇f(y + μu), y ← y + u; the gradient is taken at y + μu."""
    gamma, mu = 0.005, 0.9
    y, u = VALLEY_START.copy(), np.zeros(2)
    looks = [y + mu * u]
    for _ in range(8):
        u = mu * u - gamma * valley_grad(y + mu * u)
        y = y + u
        looks.append(y + mu * u)
    res = optimisers.nesterov(valley_grad, VALLEY_START, step=gamma, momentum=mu, maxiter=8)
    np.testing.assert_allclose(res.history.x, looks, rtol=1e-12, atol=1e-12)


def test_rmsprop_follows_its_update_by_hand():
    gamma, beta, eps = 0.01, 0.8, 1e-8
    x, s, xs = START.copy(), np.zeros(2), [START]
    for _ in range(6):
        g = valley_grad(x)
        s = beta * s + (1 - beta) * g * g
        x = x - gamma * g / (np.sqrt(s) + eps)
        xs.append(x)
    res = optimisers.rmsprop(valley_grad, START, step=gamma, beta=beta, maxiter=6)
    np.testing.assert_allclose(res.history.x, xs, rtol=1e-13)


def test_adam_follows_algorithm_1_of_the_paper():
    """Kingma and Ba's Algorithm 1, written with the bias corrections folded into the step size (their 2.)."""
    alpha, b1, b2, eps = 0.05, 0.9, 0.999, 1e-8
    x, m, v, xs = START.copy(), np.zeros(2), np.zeros(2), [START]
    for t in range(1, 9):
        g = valley_grad(x)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        alpha_t = alpha * np.sqrt(1 - b2**t) / (1 - b1**t)
        x = x - alpha_t * m / (np.sqrt(v) + eps * np.sqrt(1 - b2**t))  # the same as eps added to sqrt(v_hat)
        xs.append(x)
    res = optimisers.adam(valley_grad, START, step=alpha, maxiter=8)
    np.testing.assert_allclose(res.history.x, xs, rtol=1e-12)


def _torch_path(make_optimiser, grad_of_tensor, steps):
    torch = pytest.importorskip("torch")
    p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = make_optimiser(torch, [p])
    path = [p.detach().numpy().copy()]
    for _ in range(steps):
        opt.zero_grad()
        grad_of_tensor(p).backward()
        opt.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


def _torch_valley(p):
    return (p[0] - 1) ** 2 + 10 * (p[1] - p[0] ** 2) ** 2


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (
            lambda: optimisers.adam(valley_grad, START, step=0.05, maxiter=10),
            lambda torch, ps: torch.optim.Adam(ps, lr=0.05),
        ),
        (
            lambda: optimisers.momentum(valley_grad, START, step=0.005, momentum=0.9, maxiter=10),
            lambda torch, ps: torch.optim.SGD(ps, lr=0.005, momentum=0.9),
        ),
        (
            lambda: optimisers.nesterov(valley_grad, START, step=0.005, momentum=0.9, maxiter=10),
            lambda torch, ps: torch.optim.SGD(ps, lr=0.005, momentum=0.9, nesterov=True),
        ),
        (
            lambda: optimisers.rmsprop(valley_grad, START, step=0.01, beta=0.9, maxiter=10),
            lambda torch, ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9),
        ),
    ],
    ids=["adam", "momentum", "nesterov", "rmsprop"],
)
def test_the_first_steps_match_pytorch(ours, theirs):
    expected = _torch_path(theirs, _torch_valley, 10)
    np.testing.assert_allclose(ours().history.x, expected, rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------ convergence


@pytest.mark.parametrize(
    "run",
    [
        lambda: optimisers.momentum(valley_grad, VALLEY_START, step=0.01, f=valley, maxiter=5000),
        lambda: optimisers.nesterov(valley_grad, VALLEY_START, step=0.005, f=valley, maxiter=5000),
        lambda: optimisers.momentum(bowl_grad, START, step=0.05, f=bowl),
        lambda: optimisers.nesterov(bowl_grad, START, step=0.1, f=bowl),
        lambda: optimisers.adam(bowl_grad, START, step=0.05, f=bowl, maxiter=20_000, gtol=1e-6),
    ],
    ids=["momentum-valley", "nesterov-valley", "momentum-bowl", "nesterov-bowl", "adam-bowl"],
)
def test_converges_on_the_course_landscapes(run):
    res = run()
    assert res.success, res.message
    target = MINIMUM if res.x[0] + res.x[1] > 2.1 else np.ones(2)
    np.testing.assert_allclose(res.x, target, atol=1e-5)


def test_rmsprop_and_adam_get_close_on_the_valley():
    """With a fixed step they hover near the minimum, closer the shorter the step."""
    for method, step in ((optimisers.rmsprop, 0.001), (optimisers.adam, 0.01)):
        res = method(valley_grad, VALLEY_START, step=step, f=valley, maxiter=8000)
        assert res.fun < 1e-4, method.__name__


def test_momentum_diverges_with_too_long_a_step():
    res = optimisers.momentum(bowl_grad, START, step=1.0, momentum=0.9)
    assert res.status == 2 and not res.success and "diverged" in res.message
    assert np.all(np.isfinite(res.x))


# ------------------------------------------------------------------ sgd


X_DATA = np.linspace(0.0, 4.0, 12)
Y_DATA = 1.5 * X_DATA - 2.0 + 0.1 * np.sin(7 * X_DATA)


def line_grad(p, batch):
    residual = Y_DATA[batch] - p[0] * X_DATA[batch] - p[1]
    return -2 * np.array([np.mean(residual * X_DATA[batch]), np.mean(residual)])


def line_cost(p):
    return np.mean((Y_DATA - p[0] * X_DATA - p[1]) ** 2)


def test_sgd_with_one_batch_of_everything_is_gradient_descent():
    res = optimisers.sgd(
        line_grad, [0.0, 0.0], n_samples=12, batch_size=12, rng=np.random.default_rng(0), step=0.05, maxiter=50
    )
    full = lambda p: line_grad(p, np.arange(12))  # noqa: E731
    plain = mvcalc.gradient_descent(full, [0.0, 0.0], step=0.05, maxiter=50)
    np.testing.assert_allclose(res.history.x, plain.history.x, rtol=1e-12)
    np.testing.assert_allclose(res.jac, full(res.x))


def test_sgd_sees_every_example_once_per_epoch_in_a_seeded_order():
    seen = []

    def recording(p, batch):
        seen.append(np.array(batch))
        return line_grad(p, batch)

    optimisers.sgd(
        recording, [0.0, 0.0], n_samples=12, batch_size=5, rng=np.random.default_rng(3), step=0.01, maxiter=6
    )
    batches = seen[:-1]  # the last call is the full gradient at the end
    assert [len(b) for b in batches] == [5, 5, 2, 5, 5, 2]
    for epoch in (batches[:3], batches[3:]):
        assert sorted(np.concatenate(epoch)) == list(range(12))
    rng = np.random.default_rng(3)
    np.testing.assert_array_equal(np.concatenate(batches[:3]), rng.permutation(12))
    np.testing.assert_array_equal(seen[-1], np.arange(12))


def test_sgd_reaches_the_least_squares_line():
    exact = np.polyfit(X_DATA, Y_DATA, 1)
    res = optimisers.sgd(
        line_grad, [0.0, 0.0], n_samples=12, batch_size=3, rng=np.random.default_rng(1), step=0.02,
        f=line_cost, maxiter=3000,
    )  # fmt: skip
    assert res.success and res.status == 0
    np.testing.assert_allclose(res.x, exact, atol=0.05)
    assert res.history.fun.shape == (3001,) and res.history.jac.shape == (3001, 2)


def test_sgd_reports_divergence_and_no_decrease():
    res = optimisers.sgd(
        line_grad, [0.0, 0.0], n_samples=12, batch_size=4, rng=np.random.default_rng(0), step=5.0, maxiter=500
    )
    assert res.status == 2 and not res.success and np.all(np.isfinite(res.x))
    worse = optimisers.sgd(
        line_grad, [1.5, -2.0], n_samples=12, batch_size=1, rng=np.random.default_rng(0), step=0.3,
        f=line_cost, maxiter=3,
    )  # fmt: skip
    assert worse.fun > worse.history.fun[0] and worse.status == 4 and "did not decrease" in worse.message


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: optimisers.adam(bowl_grad, START, step=0.0), ValueError, "step must be a finite positive"),
        (lambda: optimisers.adam(bowl_grad, START, step=0.1, beta1=1.0), ValueError, "beta1 must be in [0, 1)"),
        (lambda: optimisers.adam(bowl_grad, START, step=0.1, beta2=-0.1), ValueError, "beta2 must be in [0, 1)"),
        (lambda: optimisers.adam(bowl_grad, START, step=0.1, eps=0.0), ValueError, "eps must be a finite positive"),
        (lambda: optimisers.rmsprop(bowl_grad, START, step=0.1, beta="0.9"), TypeError, "beta must be a real"),
        (lambda: optimisers.momentum(bowl_grad, START, step=0.1, momentum=True), TypeError, "momentum must be"),
        (lambda: optimisers.nesterov(bowl_grad, START, step=0.1, maxiter=0), ValueError, "maxiter must be"),
        (lambda: optimisers.nesterov(bowl_grad, START, step=0.1, gtol=-1.0), ValueError, "gtol must be"),
        (lambda: optimisers.momentum("grad", START, step=0.1), TypeError, "grad must be a callable"),
        (lambda: optimisers.momentum(bowl_grad, [[1.0, 2.0]], step=0.1), ValueError, "x0 must be a 1-D array"),
        (lambda: optimisers.momentum(lambda p: p[:1], START, step=0.1), ValueError, "grad must return an array"),
        (lambda: optimisers.adam(lambda p: p * np.nan, START, step=0.1), ValueError, "non-finite"),
        (
            lambda: optimisers.sgd(
                line_grad, [0.0, 0.0], n_samples=12, batch_size=13, rng=np.random.default_rng(0), step=0.1
            ),
            ValueError,
            "batch_size must be at most n_samples",
        ),
        (
            lambda: optimisers.sgd(
                line_grad, [0.0, 0.0], n_samples=12, batch_size=0, rng=np.random.default_rng(0), step=0.1
            ),
            ValueError,
            "batch_size must be a positive integer",
        ),
        (
            lambda: optimisers.sgd(
                line_grad, [0.0, 0.0], n_samples=12.0, batch_size=2, rng=np.random.default_rng(0), step=0.1
            ),
            TypeError,
            "n_samples must be a positive integer",
        ),
        (
            lambda: optimisers.sgd(line_grad, [0.0, 0.0], n_samples=12, batch_size=2, rng=0, step=0.1),
            TypeError,
            "rng must be a numpy.random.Generator",
        ),
    ],
)
def test_bad_input_says_what_was_wrong(call, error, words):
    with pytest.raises(error, match=words.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        call()
