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


# ------------------------------------------------------------------ against PyTorch (skipped without torch)
#
# Each test runs a method of mvcalc.optimisers and the matching torch.optim optimiser on the same problem, in
# float64, with the same gradients (torch's autograd gives both), and asserts that the iterates agree to 1e-12
# after N_TORCH_STEPS steps. The conventions line up exactly, so no transformation is needed; each docstring
# says how the hyperparameters map. They differ only in the order of floating-point operations (torch's Adam
# updates m by lerp, m + (1 - β₁)(g - m), and divides sqrt(v) by sqrt(1 - β₂ᵗ) instead of v by 1 - β₂ᵗ), which
# changes the last bits of each step, far below the tolerance.

N_TORCH_STEPS = 60
SPD = (lambda M: M @ M.T + 0.5 * np.eye(3))(np.random.default_rng(7).standard_normal((3, 3)))
SHIFT = np.random.default_rng(8).standard_normal(3)
TORCH_START = np.random.default_rng(9).standard_normal(3)


def _quadratic(p, torch):
    """½ (p - c)ᵀ S (p - c) for a float64 tensor p, with a seeded symmetric positive definite S: convex."""
    d = p - torch.as_tensor(SHIFT, dtype=torch.float64)
    return 0.5 * d @ torch.as_tensor(SPD, dtype=torch.float64) @ d


def _double_well(p, torch):
    """Σ (pᵢ² - 1)² / 4 + 0.5 p₀p₁ - 0.3 p₁p₂ + 0.2 sin(3 p₀) for a float64 tensor p: non-convex."""
    return torch.sum((p**2 - 1) ** 2) / 4 + 0.5 * p[0] * p[1] - 0.3 * p[1] * p[2] + 0.2 * torch.sin(3 * p[0])


PROBLEMS = {"quadratic": _quadratic, "double-well": _double_well}


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def _autograd(torch, fn):
    """The gradient of fn as a numpy function, by torch's autograd in float64: the one both sides use."""

    def grad(x):
        p = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        fn(p, torch).backward()
        return p.grad.numpy().copy()

    return grad


def _torch_iterates(torch, fn, make_optimiser, steps=N_TORCH_STEPS, start=TORCH_START):
    """The iterates of a torch.optim optimiser on fn from start: shape (steps + 1, n)."""
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimiser = make_optimiser([p])
    path = [p.detach().numpy().copy()]
    for _ in range(steps):
        optimiser.zero_grad()
        fn(p, torch).backward()
        optimiser.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


def _ours(torch, fn, method, **kwargs):
    """mvcalc's iterates on the same problem; gtol tiny so that no run stops before N_TORCH_STEPS."""
    res = method(_autograd(torch, fn), TORCH_START, maxiter=N_TORCH_STEPS, gtol=1e-300, **kwargs)
    assert res.nit == N_TORCH_STEPS, res.message
    return res.history.x


def _assert_agree(ours, theirs):
    assert ours.shape == theirs.shape
    assert np.max(np.abs(ours[-1] - ours[0])) > 0.1  # the runs went somewhere, so agreeing means something
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize(("step", "mu"), [(0.05, 0.0), (0.05, 0.5), (0.02, 0.9)])
def test_momentum_matches_torch_sgd_with_momentum(torch, problem, step, mu):
    """momentum(step=γ, momentum=μ) is torch.optim.SGD(lr=γ, momentum=μ, dampening=0).

    Both keep v ← μv + g and step x ← x - γv (torch's first step sets v = g, which is the same with v₀ = 0).
    The other common convention, v ← μv - γg and x ← x + v (Sutskever et al.), gives the same points for a
    constant γ with its v equal to -γ times this one; see the test after this one.
    """
    fn = PROBLEMS[problem]
    ours = _ours(torch, fn, optimisers.momentum, step=step, momentum=mu)
    theirs = _torch_iterates(torch, fn, lambda ps: torch.optim.SGD(ps, lr=step, momentum=mu, dampening=0.0))
    _assert_agree(ours, theirs)


def test_momentum_with_the_learning_rate_inside_the_velocity_gives_the_same_points(torch):
    """The transformation between the two conventions: u = -γv turns v ← μv + g, x ← x - γv into u ← μu - γg, x ← x + u."""
    fn, step, mu = _double_well, 0.02, 0.9
    grad = _autograd(torch, fn)
    x, u, path = TORCH_START.copy(), np.zeros(3), [TORCH_START]
    for _ in range(N_TORCH_STEPS):
        u = mu * u - step * grad(x)
        x = x + u
        path.append(x)
    _assert_agree(_ours(torch, fn, optimisers.momentum, step=step, momentum=mu), np.array(path))


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize(("step", "mu"), [(0.05, 0.5), (0.02, 0.9)])
def test_nesterov_matches_torch_sgd_with_nesterov(torch, problem, step, mu):
    """nesterov(step=γ, momentum=μ) is torch.optim.SGD(lr=γ, momentum=μ, nesterov=True, dampening=0).

    Both iterate the look-ahead point: v ← μv + g, x ← x - γ(g + μv).
    """
    fn = PROBLEMS[problem]
    ours = _ours(torch, fn, optimisers.nesterov, step=step, momentum=mu)
    theirs = _torch_iterates(
        torch, fn, lambda ps: torch.optim.SGD(ps, lr=step, momentum=mu, nesterov=True, dampening=0.0)
    )
    _assert_agree(ours, theirs)


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize(("step", "beta", "eps"), [(0.01, 0.9, 1e-8), (0.02, 0.99, 1e-8), (0.01, 0.9, 0.5)])
def test_rmsprop_matches_torch_rmsprop(torch, problem, step, beta, eps):
    """rmsprop(step=γ, beta=β, eps=ε) is torch.optim.RMSprop(lr=γ, alpha=β, eps=ε), uncentred and without momentum.

    torch's ``alpha`` is the decay β of the mean square; both add ε to the root, x ← x - γ g / (√s + ε), not
    inside it. The case ε = 0.5 makes that placement matter: ε inside the root would move the points by far
    more than the tolerance. (PyTorch's default alpha is 0.99, mvcalc's beta 0.9: here both are given.)
    """
    fn = PROBLEMS[problem]
    ours = _ours(torch, fn, optimisers.rmsprop, step=step, beta=beta, eps=eps)
    theirs = _torch_iterates(
        torch, fn, lambda ps: torch.optim.RMSprop(ps, lr=step, alpha=beta, eps=eps, momentum=0.0, centered=False)
    )
    _assert_agree(ours, theirs)


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize(
    ("step", "betas", "eps"), [(0.05, (0.9, 0.999), 1e-8), (0.02, (0.5, 0.9), 1e-8), (0.05, (0.9, 0.999), 0.1)]
)
def test_adam_matches_torch_adam(torch, problem, step, betas, eps):
    """adam(step=γ, beta1=β₁, beta2=β₂, eps=ε) is torch.optim.Adam(lr=γ, betas=(β₁, β₂), eps=ε).

    Both correct both means for their start at zero and add ε to the corrected root:
    x ← x - γ m̂ / (√v̂ + ε). torch computes it as x - (γ / (1 - β₁ᵗ)) m / (√v / √(1 - β₂ᵗ) + ε), the same
    number up to rounding. The paper's "efficient" form adds ε to √v instead, which is a different ε̂ = ε √(1 - β₂ᵗ)
    (tested above with the paper's Algorithm 1); the case ε = 0.1 would tell the two apart.
    """
    fn = PROBLEMS[problem]
    ours = _ours(torch, fn, optimisers.adam, step=step, beta1=betas[0], beta2=betas[1], eps=eps)
    theirs = _torch_iterates(torch, fn, lambda ps: torch.optim.Adam(ps, lr=step, betas=betas, eps=eps))
    _assert_agree(ours, theirs)


def test_the_eps_cases_do_tell_the_placements_apart(torch):
    """The large-ε cases above test where ε goes: put elsewhere, it moves the points by more than 1e-3.

    RMSProp with ε inside the root, x ← x - γ g / √(s + ε), and Adam with ε added to the uncorrected root,
    x ← x - γ m̂ / (√v + ε), each against torch.
    """
    fn, grad = _quadratic, _autograd(torch, _quadratic)
    x, s, path = TORCH_START.copy(), np.zeros(3), [TORCH_START]
    for _ in range(N_TORCH_STEPS):
        g = grad(x)
        s = 0.9 * s + 0.1 * g * g
        x = x - 0.01 * g / np.sqrt(s + 0.5)
        path.append(x)
    theirs = _torch_iterates(torch, fn, lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, eps=0.5))
    assert np.max(np.abs(np.array(path) - theirs)) > 1e-3
    step, (b1, b2), eps = 0.05, (0.9, 0.999), 0.1
    x, m, v, path = TORCH_START.copy(), np.zeros(3), np.zeros(3), [TORCH_START]
    for t in range(1, N_TORCH_STEPS + 1):
        g = grad(x)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        x = x - step * (m / (1 - b1**t)) / (np.sqrt(v) + eps)
        path.append(x)
    theirs = _torch_iterates(torch, fn, lambda ps: torch.optim.Adam(ps, lr=step, betas=(b1, b2), eps=eps))
    assert np.max(np.abs(np.array(path) - theirs)) > 1e-3


SGD_X = np.round(np.random.default_rng(10).uniform(0.0, 4.0, 10), 3)
SGD_Y = np.round(1.5 * SGD_X - 2.0 + np.random.default_rng(11).normal(0.0, 0.3, 10), 3)


def _line_loss(p, batch, torch):
    """The mean squared error of the line y = p₀x + p₁ over the examples in batch."""
    xs = torch.as_tensor(SGD_X[batch], dtype=torch.float64)
    ys = torch.as_tensor(SGD_Y[batch], dtype=torch.float64)
    return torch.mean((ys - p[0] * xs - p[1]) ** 2)


@pytest.mark.parametrize("batch_size", [1, 3, 10])
def test_sgd_matches_torch_sgd_on_the_same_mini_batches(torch, batch_size):
    """sgd(step=γ) is torch.optim.SGD(lr=γ), with each step's mini-batch the same on both sides.

    torch.optim.SGD only steps; the batches are the caller's. They are made here as sgd documents it: each
    epoch shuffles the examples with rng.permutation and cuts the order into consecutive pieces.
    """
    steps, seed, step = 25, 3, 0.05

    def grad(x, batch):
        p = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        _line_loss(p, batch, torch).backward()
        return p.grad.numpy().copy()

    ours = optimisers.sgd(
        grad, [0.0, 0.0], n_samples=10, batch_size=batch_size, rng=np.random.default_rng(seed), step=step,
        maxiter=steps,
    ).history.x  # fmt: skip
    rng, batches = np.random.default_rng(seed), []
    while len(batches) < steps:
        order = rng.permutation(10)
        batches += [order[k : k + batch_size] for k in range(0, 10, batch_size)]
    p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.SGD([p], lr=step)
    theirs = [p.detach().numpy().copy()]
    for batch in batches[:steps]:
        optimiser.zero_grad()
        _line_loss(p, batch, torch).backward()
        optimiser.step()
        theirs.append(p.detach().numpy().copy())
    _assert_agree(ours, np.array(theirs))


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


def test_sgd_landing_on_a_distant_minimum_is_not_divergence():
    """Issue 16: data near 1e9 from a start at 0. The first step of 1 lands near the mean, far past the
    bound, but the full gradient is far shorter there than at the start, so the descent goes on and settles on the mean."""
    data = 1e9 + np.arange(6.0)

    def grad(x, batch):
        return x - data[batch].mean()

    res = optimisers.sgd(grad, [0.0], n_samples=6, batch_size=2, rng=np.random.default_rng(0), step=1.0, maxiter=30)
    assert res.status == 0 and res.success, res.message
    assert abs(res.x[0] - data.mean()) <= 3.0
    assert np.all(np.abs(res.history.x[1:, 0] - data.mean()) <= 3.0)
    # a batch gradient a step, the full one at x0 and at each step past the bound, and the last full one
    assert res.njev == 30 + 1 + 30 + 1


def test_sgd_past_the_bound_with_a_growing_full_gradient_diverges():
    res = optimisers.sgd(
        lambda x, batch: 2 * x, [1.0], n_samples=4, batch_size=2, rng=np.random.default_rng(0), step=1.5, maxiter=200
    )  # each step multiplies x by -2
    assert res.status == 2 and not res.success
    assert "exceeds the bound" in res.message and "full gradient is no shorter than at x0" in res.message
    assert np.max(np.abs(res.history.x)) <= mvcalc.optimise.DIVERGENCE_BOUND


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
