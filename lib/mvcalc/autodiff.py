"""Automatic differentiation from scratch: reverse mode on a computational graph, forward mode with dual numbers.

A :class:`Var` is a number that remembers how it was computed. Every operation on
``Var`` objects makes a new node of a **computational graph** that records its
parents and the local derivative of the node with respect to each parent. The
backward pass walks the graph in reverse topological order and applies the chain
rule once per edge,

.. math::

    \\bar v_p \\mathrel{+}= \\bar v \\, \\frac{\\partial v}{\\partial v_p},
    \\qquad \\bar v = \\frac{\\partial f}{\\partial v},

so one pass gives the derivative of the output with respect to every input:
**reverse mode**. :class:`Tensor` does the same with a numpy array in each node
(matrix products, entrywise functions and sums, with numpy's broadcasting undone
in the backward pass), enough to differentiate the network of :mod:`mvcalc.nn`.
:class:`Dual` carries a value and one directional derivative forwards instead:
**forward mode**, one pass per input.

Introduced in: Module 3, *Automatic Differentiation from Scratch* (``book/m3/autodiff.md``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Real
from typing import Any

import numpy as np

from ._validation import as_real_array, check_callable, check_real_scalar

__all__ = [
    "Var",
    "Dual",
    "Tensor",
    "exp",
    "log",
    "sin",
    "cos",
    "tanh",
    "sigmoid",
    "relu",
    "topological_order",
    "grad",
    "jacobian",
    "network_gradients",
    "count_operations",
]

# How many elementary operations each mode has carried out: count_operations reads these.
_COUNTS = {"dual": 0, "backward": 0}


def _is_number(value: Any) -> bool:
    return isinstance(value, (Real, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _logistic(z: float) -> float:
    e = math.exp(-abs(z))  # never overflows
    return (1.0 if z >= 0 else e) / (1.0 + e)


def _check_log(value: Any) -> None:
    if np.any(np.asarray(value) <= 0):
        raise ValueError(f"log needs a positive argument, got {value!r}")


# ---------------------------------------------------------------------------
# Reverse mode on scalars
# ---------------------------------------------------------------------------


class Var:
    """A real number that records the computational graph it was computed by.

    Arithmetic (``+ - * / **``, unary minus) with other ``Var`` objects or real
    numbers, and the functions :func:`exp`, :func:`log`, :func:`sin`,
    :func:`cos`, :func:`tanh`, :func:`sigmoid` and :func:`relu`, make new nodes. Each node keeps
    its ``value``, its parents and the local derivatives
    :math:`\\partial v / \\partial v_p`; :meth:`backward` fills in ``grad``,
    :math:`\\partial f / \\partial v`, in every node of the graph.

    Parameters
    ----------
    value : float
        A finite real number.

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If ``value`` is not finite.

    Examples
    --------
    >>> x, y = Var(2.0), Var(3.0)
    >>> f = x * y + sin(x)
    >>> f.backward()
    >>> print(f"{f.value:.6f} {x.grad:.6f} {y.grad:.6f}")
    6.909297 2.583853 2.000000

    Introduced in: Module 3, *Automatic Differentiation from Scratch* (``book/m3/autodiff.md``).
    """

    __slots__ = ("value", "grad", "parents", "local", "op")
    __array_priority__ = 1000  # a numpy scalar on the left defers to Var

    def __init__(self, value: float, *, _parents: tuple = (), _local: tuple = (), _op: str = "input"):
        self.value = check_real_scalar(value, "value") if not _parents else value
        self.grad = 0.0
        self.parents = _parents
        self.local = _local
        self.op = _op

    def __repr__(self) -> str:
        return f"Var({self.value!r}, op={self.op!r})"

    @staticmethod
    def _lift(other: Any) -> Var | None:
        if isinstance(other, Var):
            return other
        if _is_number(other):
            return Var(float(other), _op="const")
        return None

    def _node(self, value: float, parents: tuple, local: tuple, op: str) -> Var:
        return Var(float(value), _parents=parents, _local=local, _op=op)

    def __add__(self, other: Any) -> Var:
        other = self._lift(other)
        if other is None:
            return NotImplemented
        return self._node(self.value + other.value, (self, other), (1.0, 1.0), "+")

    __radd__ = __add__

    def __mul__(self, other: Any) -> Var:
        other = self._lift(other)
        if other is None:
            return NotImplemented
        return self._node(self.value * other.value, (self, other), (other.value, self.value), "*")

    __rmul__ = __mul__

    def __neg__(self) -> Var:
        return self._node(-self.value, (self,), (-1.0,), "neg")

    def __sub__(self, other: Any) -> Var:
        other = self._lift(other)
        if other is None:
            return NotImplemented
        return self._node(self.value - other.value, (self, other), (1.0, -1.0), "-")

    def __rsub__(self, other: Any) -> Var:
        other = self._lift(other)
        if other is None:
            return NotImplemented
        return other - self

    def __truediv__(self, other: Any) -> Var:
        other = self._lift(other)
        if other is None:
            return NotImplemented
        if other.value == 0:
            raise ValueError(f"division by a Var whose value is 0 (dividing {self.value!r})")
        q = self.value / other.value
        return self._node(q, (self, other), (1.0 / other.value, -q / other.value), "/")

    def __rtruediv__(self, other: Any) -> Var:
        other = self._lift(other)
        if other is None:
            return NotImplemented
        return other / self

    def __pow__(self, power: Any) -> Var:
        if not _is_number(power):
            raise TypeError(f"the exponent must be a real number (a constant), got {type(power).__name__} {power!r}")
        power = float(power)
        if self.value == 0 and power < 1 or self.value < 0 and not power.is_integer():
            raise ValueError(f"{self.value!r} ** {power!r} has no real derivative")
        return self._node(self.value**power, (self,), (power * self.value ** (power - 1),), "**")

    def backward(self) -> None:
        """Fill in ``grad`` of every node of this graph: the derivative of this node with respect to it.

        The nodes are visited in reverse :func:`topological_order`, so a node's
        ``grad`` is complete before it is passed on to its parents. Grads from an
        earlier call are reset first.

        Introduced in: Module 3, *Automatic Differentiation from Scratch* (``book/m3/autodiff.md``).
        """
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node.parents, node.local):
                parent.grad += node.grad * local  # the chain rule, once per edge
            _COUNTS["backward"] += bool(node.parents)


def topological_order(output: Var | Tensor) -> list:
    """The nodes of a graph, each after all the nodes it was computed from.

    A depth-first search from ``output``: a node is appended once all its parents
    are. The inputs come first and ``output`` last; every node appears once, however
    many paths lead to it.

    Parameters
    ----------
    output : Var or Tensor
        The node whose graph is ordered.

    Returns
    -------
    list
        The nodes, ``output`` last.

    Raises
    ------
    TypeError
        If ``output`` is not a ``Var`` or a ``Tensor``.

    Examples
    --------
    >>> x = Var(1.5)
    >>> f = x * x + x
    >>> [node.op for node in topological_order(f)]
    ['input', '*', '+']

    Introduced in: Module 3, *Automatic Differentiation from Scratch* (``book/m3/autodiff.md``).
    """
    if not isinstance(output, (Var, Tensor)):
        raise TypeError(f"output must be a Var or a Tensor, got {type(output).__name__} {output!r:.60}")
    order, seen = [], set()
    stack = [(output, False)]
    while stack:  # iterative, so a long graph cannot exceed Python's recursion limit
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for parent in reversed(node.parents):
            if id(parent) not in seen:
                stack.append((parent, False))
    return order


# ---------------------------------------------------------------------------
# Forward mode: dual numbers
# ---------------------------------------------------------------------------


class Dual:
    """A dual number :math:`a + b\\varepsilon` with :math:`\\varepsilon^2 = 0`: a value and its derivative.

    .. math::

        f(a + b\\varepsilon) = f(a) + f'(a)\\,b\\,\\varepsilon,

    so evaluating ``f`` on ``Dual(x, 1.0)`` gives :math:`f(x)` in ``value`` and
    :math:`f'(x)` in ``deriv``. Each operation updates both at once.

    Parameters
    ----------
    value : float
        The real part :math:`a`, finite.
    deriv : float, optional
        The :math:`\\varepsilon` part :math:`b`, finite; default 0 (a constant).

    Raises
    ------
    TypeError, ValueError
        If either part is not a finite real number.

    Examples
    --------
    >>> x = Dual(2.0, 1.0)
    >>> f = x * x * x
    >>> f.value, f.deriv
    (8.0, 12.0)

    Introduced in: Module 3, *Automatic Differentiation from Scratch* (``book/m3/autodiff.md``).
    """

    __slots__ = ("value", "deriv")
    __array_priority__ = 1000

    def __init__(self, value: float, deriv: float = 0.0):
        self.value = check_real_scalar(value, "value")
        self.deriv = check_real_scalar(deriv, "deriv")

    def __repr__(self) -> str:
        return f"Dual({self.value!r}, {self.deriv!r})"

    @staticmethod
    def _lift(other: Any) -> Dual | None:
        if isinstance(other, Dual):
            return other
        if _is_number(other):
            return Dual(float(other))
        return None

    @staticmethod
    def _make(value: float, deriv: float) -> Dual:
        _COUNTS["dual"] += 1
        d = Dual.__new__(Dual)
        d.value, d.deriv = float(value), float(deriv)
        return d

    def __add__(self, other: Any) -> Dual:
        other = self._lift(other)
        if other is None:
            return NotImplemented
        return self._make(self.value + other.value, self.deriv + other.deriv)

    __radd__ = __add__

    def __mul__(self, other: Any) -> Dual:
        other = self._lift(other)
        if other is None:
            return NotImplemented
        return self._make(self.value * other.value, self.deriv * other.value + self.value * other.deriv)

    __rmul__ = __mul__

    def __neg__(self) -> Dual:
        return self._make(-self.value, -self.deriv)

    def __sub__(self, other: Any) -> Dual:
        other = self._lift(other)
        if other is None:
            return NotImplemented
        return self._make(self.value - other.value, self.deriv - other.deriv)

    def __rsub__(self, other: Any) -> Dual:
        other = self._lift(other)
        if other is None:
            return NotImplemented
        return other - self

    def __truediv__(self, other: Any) -> Dual:
        other = self._lift(other)
        if other is None:
            return NotImplemented
        if other.value == 0:
            raise ValueError(f"division by a Dual whose value is 0 (dividing {self.value!r})")
        q = self.value / other.value
        return self._make(q, (self.deriv - q * other.deriv) / other.value)

    def __rtruediv__(self, other: Any) -> Dual:
        other = self._lift(other)
        if other is None:
            return NotImplemented
        return other / self

    def __pow__(self, power: Any) -> Dual:
        if not _is_number(power):
            raise TypeError(f"the exponent must be a real number (a constant), got {type(power).__name__} {power!r}")
        power = float(power)
        if self.value == 0 and power < 1 or self.value < 0 and not power.is_integer():
            raise ValueError(f"{self.value!r} ** {power!r} has no real derivative")
        return self._make(self.value**power, power * self.value ** (power - 1) * self.deriv)


# ---------------------------------------------------------------------------
# Reverse mode on arrays
# ---------------------------------------------------------------------------


def _unbroadcast(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``g`` down to ``shape``: the backward pass of numpy's broadcasting."""
    while g.ndim > len(shape):  # axes that broadcasting put in front
        g = g.sum(axis=0)
    for axis, size in enumerate(shape):  # axes of length 1 that were stretched
        if size == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


class Tensor:
    """A numpy array that records its computational graph: reverse mode for whole arrays.

    Supports ``+ - * /`` (entry by entry, with numpy's broadcasting), ``**`` with
    a constant exponent, unary minus, ``@`` (matrix product), :meth:`sum`,
    ``.T`` and the functions :func:`exp`, :func:`log`, :func:`sin`, :func:`cos`,
    :func:`tanh`, :func:`sigmoid` and :func:`relu`. Each node stores, for each parent, the map
    from :math:`\\bar v = \\partial f/\\partial v` to the parent's share of its
    gradient (a vector-Jacobian product); where numpy broadcast a parent, that
    share is summed back to the parent's shape.

    Parameters
    ----------
    value : array_like
        Finite real numbers, any shape.

    Raises
    ------
    TypeError, ValueError
        If ``value`` is not an array of finite real numbers.

    Examples
    --------
    >>> W = Tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> b = Tensor([[0.5], [-0.5]])
    >>> x = Tensor([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0]])
    >>> C = ((W @ x + b) ** 2).sum()
    >>> C.backward()
    >>> print(b.grad.ravel())
    [17. 31.]

    Introduced in: Module 3, *Automatic Differentiation from Scratch* (``book/m3/autodiff.md``).
    """

    __array_priority__ = 1000

    def __init__(self, value: Any, *, _parents: tuple = (), _vjps: tuple = (), _op: str = "input"):
        self.value = as_real_array(value, "value") if not _parents else value
        self.grad = np.zeros_like(self.value)
        self.parents = _parents
        self.vjps = _vjps
        self.op = _op

    def __repr__(self) -> str:
        return f"Tensor(shape={self.value.shape}, op={self.op!r})"

    @property
    def shape(self) -> tuple:
        return self.value.shape

    @staticmethod
    def _lift(other: Any) -> Tensor | None:
        if isinstance(other, Tensor):
            return other
        try:
            return Tensor(other, _op="const")
        except (TypeError, ValueError):
            return None

    def _node(self, value: np.ndarray, parents: tuple, vjps: tuple, op: str) -> Tensor:
        return Tensor(np.asarray(value, dtype=np.float64), _parents=parents, _vjps=vjps, _op=op)

    def _binary(self, other: Any, value: Callable, d_self: Callable, d_other: Callable, op: str) -> Tensor:
        other = self._lift(other)
        if other is None:
            return NotImplemented
        a, b = self.value, other.value
        out = value(a, b)
        return self._node(
            out,
            (self, other),
            (lambda g: _unbroadcast(d_self(g, a, b), a.shape), lambda g: _unbroadcast(d_other(g, a, b), b.shape)),
            op,
        )

    def __add__(self, other: Any) -> Tensor:
        return self._binary(other, np.add, lambda g, a, b: g, lambda g, a, b: g, "+")

    __radd__ = __add__

    def __sub__(self, other: Any) -> Tensor:
        return self._binary(other, np.subtract, lambda g, a, b: g, lambda g, a, b: -g, "-")

    def __rsub__(self, other: Any) -> Tensor:
        other = self._lift(other)
        return NotImplemented if other is None else other - self

    def __mul__(self, other: Any) -> Tensor:
        return self._binary(other, np.multiply, lambda g, a, b: g * b, lambda g, a, b: g * a, "*")

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Tensor:
        lifted = self._lift(other)
        if lifted is not None and np.any(lifted.value == 0):
            raise ValueError("division by a Tensor with a zero entry")
        return self._binary(other, np.divide, lambda g, a, b: g / b, lambda g, a, b: -g * a / b**2, "/")

    def __rtruediv__(self, other: Any) -> Tensor:
        other = self._lift(other)
        return NotImplemented if other is None else other / self

    def __neg__(self) -> Tensor:
        return self._node(-self.value, (self,), (lambda g: -g,), "neg")

    def __pow__(self, power: Any) -> Tensor:
        if not _is_number(power):
            raise TypeError(f"the exponent must be a real number (a constant), got {type(power).__name__} {power!r}")
        power = float(power)
        a = self.value
        if np.any((a == 0) & (power < 1)) or (np.any(a < 0) and not power.is_integer()):
            raise ValueError(f"an entry of the base has no real derivative of x ** {power!r}")
        return self._node(a**power, (self,), (lambda g: g * power * a ** (power - 1),), "**")

    def __matmul__(self, other: Any) -> Tensor:
        other = self._lift(other)
        if other is None:
            return NotImplemented
        A, B = self.value, other.value
        if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
            raise ValueError(f"@ needs matrices of shapes (m, k) and (k, n), got {A.shape} and {B.shape}")
        # C = A B: the gradient of A is  C̄ Bᵀ, that of B is Aᵀ C̄.
        return self._node(A @ B, (self, other), (lambda g: g @ B.T, lambda g: A.T @ g), "@")

    def __rmatmul__(self, other: Any) -> Tensor:
        other = self._lift(other)
        return NotImplemented if other is None else other @ self

    @property
    def T(self) -> Tensor:
        """The transpose, a node whose backward pass transposes back."""
        return self._node(self.value.T, (self,), (lambda g: g.T,), "T")

    def sum(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """The sum of the entries (along ``axis``, as ``numpy.sum``); its backward pass spreads the gradient back."""
        shape = self.value.shape

        def vjp(g: np.ndarray) -> np.ndarray:
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)
            return np.broadcast_to(g, shape).copy()

        return self._node(self.value.sum(axis=axis, keepdims=keepdims), (self,), (vjp,), "sum")

    def backward(self) -> None:
        """Fill in ``grad`` of every node: the derivative of this node, which must hold one number, with respect to it.

        Raises
        ------
        ValueError
            If this node is not a single number (take ``.sum()`` first).

        Introduced in: Module 3, *Automatic Differentiation from Scratch* (``book/m3/autodiff.md``).
        """
        if self.value.size != 1:
            raise ValueError(f"backward() needs a node holding one number, got shape {self.value.shape}: sum it first")
        order = topological_order(self)
        for node in order:
            node.grad = np.zeros_like(node.value)
        self.grad = np.ones_like(self.value)
        for node in reversed(order):
            for parent, vjp in zip(node.parents, node.vjps):
                parent.grad = parent.grad + vjp(node.grad)
            _COUNTS["backward"] += bool(node.parents)


# ---------------------------------------------------------------------------
# The elementary functions, for numbers, Var, Dual and Tensor alike
# ---------------------------------------------------------------------------


def _elementary(name: str, f: Callable, df: Callable, domain: Callable | None = None) -> Callable:
    def apply(x: Any):
        if domain is not None:
            domain(x.value if isinstance(x, (Var, Dual, Tensor)) else x)
        if isinstance(x, Var):
            return Var(float(f(x.value)), _parents=(x,), _local=(float(df(x.value)),), _op=name)
        if isinstance(x, Dual):
            return Dual._make(f(x.value), df(x.value) * x.deriv)
        if isinstance(x, Tensor):
            a = x.value
            return x._node(f(a), (x,), (lambda g: g * df(a),), name)
        if _is_number(x):
            return float(f(float(x)))
        if isinstance(x, np.ndarray) and x.dtype != object:
            return f(as_real_array(x, "x"))
        raise TypeError(f"{name} needs a real number, a Var, a Dual or a Tensor, got {type(x).__name__} {x!r:.60}")

    return apply


def _sigmoid_any(z: Any) -> Any:
    if np.ndim(z) == 0:
        return _logistic(float(z))
    e = np.exp(-np.abs(z))  # as mvcalc.nn.sigmoid: e^{-|z|} cannot overflow
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


exp = _elementary("exp", np.exp, np.exp)
exp.__doc__ = """:math:`e^x`, with derivative :math:`e^x`, of a number, ``Var``, ``Dual`` or ``Tensor``.

>>> exp(Dual(0.0, 1.0))
Dual(1.0, 1.0)

Introduced in: Module 3, *Automatic Differentiation from Scratch* (``book/m3/autodiff.md``).
"""
log = _elementary("log", np.log, lambda x: 1.0 / x, _check_log)
log.__doc__ = """:math:`\\ln x`, with derivative :math:`1/x`; ``ValueError`` unless :math:`x > 0`.

>>> log(Dual(2.0, 1.0)).deriv
0.5

Introduced in: Module 3, *Automatic Differentiation from Scratch* (``book/m3/autodiff.md``).
"""
sin = _elementary("sin", np.sin, np.cos)
sin.__doc__ = """:math:`\\sin x`, with derivative :math:`\\cos x`.

>>> sin(Dual(0.0, 1.0))
Dual(0.0, 1.0)

Introduced in: Module 3, *Automatic Differentiation from Scratch* (``book/m3/autodiff.md``).
"""
cos = _elementary("cos", np.cos, lambda x: -np.sin(x))
cos.__doc__ = """:math:`\\cos x`, with derivative :math:`-\\sin x`.

>>> cos(Dual(0.0, 1.0))
Dual(1.0, -0.0)

Introduced in: Module 3, *Automatic Differentiation from Scratch* (``book/m3/autodiff.md``).
"""
tanh = _elementary("tanh", np.tanh, lambda x: 1.0 - np.tanh(x) ** 2)
tanh.__doc__ = """:math:`\\tanh x`, with derivative :math:`1 - \\tanh^2 x`.

>>> tanh(Dual(0.0, 1.0))
Dual(0.0, 1.0)

Introduced in: Module 3, *Automatic Differentiation from Scratch* (``book/m3/autodiff.md``).
"""
sigmoid = _elementary("sigmoid", _sigmoid_any, lambda x: _sigmoid_any(x) * (1.0 - _sigmoid_any(x)))
sigmoid.__doc__ = """The logistic function :math:`\\sigma(x) = 1/(1 + e^{-x})`, with derivative :math:`\\sigma(1 - \\sigma)`.

>>> sigmoid(Dual(0.0, 1.0))
Dual(0.5, 0.25)

Introduced in: Module 3, *Automatic Differentiation from Scratch* (``book/m3/autodiff.md``).
"""
relu = _elementary("relu", lambda x: np.maximum(x, 0.0), lambda x: np.where(x > 0, 1.0, 0.0))
relu.__doc__ = """The rectified linear unit :math:`\\max(0, x)`, with derivative 1 for :math:`x > 0` and 0 for :math:`x \\le 0`.

At the kink :math:`x = 0` the derivative is taken to be 0, as :func:`mvcalc.nn.d_relu` does.

>>> relu(Dual(-1.5, 1.0)), relu(Dual(2.0, 1.0))
(Dual(0.0, 0.0), Dual(2.0, 1.0))

Introduced in: Module 3, *ReLU, Softmax and Cross-Entropy* (``book/m3/activations.md``).
"""
_ELEMENTARY = (
    (exp, "exp"),
    (log, "log"),
    (sin, "sin"),
    (cos, "cos"),
    (tanh, "tanh"),
    (sigmoid, "sigmoid"),
    (relu, "relu"),
)
for _f, _name in _ELEMENTARY:
    _f.__name__ = _f.__qualname__ = _name


# ---------------------------------------------------------------------------
# Gradients and Jacobians of the reader's functions
# ---------------------------------------------------------------------------


def _point(x: Any) -> np.ndarray:
    x = as_real_array(x, "x")
    if x.ndim > 1 or x.size == 0:
        raise ValueError(f"x must be a number or a 1-D array of shape (n,) with n >= 1, got shape {x.shape}")
    return x


def _outputs(value: Any, kind: type, name: str = "f") -> list:
    """The outputs of ``f`` as a flat list of ``kind`` nodes or numbers."""
    items = list(np.ravel(np.asarray(value, dtype=object))) if not isinstance(value, kind) else [value]
    for item in items:
        if not isinstance(item, kind) and not _is_number(item):
            raise TypeError(
                f"{name} must return a {kind.__name__} (or a list of them) computed from its input with the "
                f"functions of mvcalc.autodiff, got {type(item).__name__} {item!r:.60}: use ad.sin, not np.sin"
            )
    return items


def _call(f: Callable, arg: Any, kind: type) -> list:
    """``f(arg)``'s outputs, with a hint when ``f`` used numpy's functions where this module's belong."""
    try:
        with np.errstate(all="ignore"):
            value = f(arg)
    except TypeError as exc:
        if "ufunc" not in str(exc):
            raise
        raise TypeError(
            f"f called a numpy function on a {kind.__name__} ({exc}): use ad.sin, not np.sin, "
            "and the other functions of mvcalc.autodiff"
        ) from exc
    return _outputs(value, kind)


def grad(f: Callable) -> Callable[[Any], np.ndarray | float]:
    """The gradient of a function :math:`f: \\mathbb{R}^n \\to \\mathbb{R}` by reverse mode: one backward pass.

    Parameters
    ----------
    f : callable
        ``f(x)`` computes one number with ``+ - * / **`` and the functions of this
        module (not numpy's) from ``x``: a :class:`Var` when ``x`` is a number,
        and a 1-D object array of ``Var`` when ``x`` is a vector (so ``x[0]``,
        ``x[1]`` and ``sum(x)`` work).

    Returns
    -------
    callable
        ``g(x)`` returns :math:`\\nabla f(x)`: a float for a number ``x``, an
        ndarray of shape ``(n,)`` for a vector ``x`` of shape ``(n,)``.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` is not real, or ``f`` does not return a
        single ``Var`` (or a constant).
    ValueError
        If ``x`` is not finite, not a number or a 1-D array, or ``f`` returns
        more than one value.

    Examples
    --------
    >>> g = grad(lambda v: v[0] ** 2 * v[1] + exp(v[1]))
    >>> print(np.round(g([3.0, 0.0]), 6))
    [ 0. 10.]
    >>> grad(lambda x: sin(2 * x**5 + 3 * x) * exp(-7 * x))(0.0)
    3.0

    Introduced in: Module 3, *Automatic Differentiation from Scratch* (``book/m3/autodiff.md``).
    """
    check_callable(f, "f")

    def gradient(x: Any) -> np.ndarray | float:
        x = _point(x)
        inputs = [Var(float(v)) for v in np.atleast_1d(x)]
        arg = inputs[0] if x.ndim == 0 else np.array(inputs, dtype=object)
        out = _call(f, arg, Var)
        if len(out) != 1:
            raise ValueError(f"f must return a single number for grad, got {len(out)}: use jacobian for vectors")
        if isinstance(out[0], Var):
            out[0].backward()
        g = np.array([v.grad for v in inputs])
        return float(g[0]) if x.ndim == 0 else g

    return gradient


def jacobian(f: Callable) -> Callable[[Any], np.ndarray]:
    """The Jacobian of a function :math:`f: \\mathbb{R}^n \\to \\mathbb{R}^m` by forward mode: one pass per input.

    Pass :math:`j` evaluates ``f`` on dual numbers whose :math:`\\varepsilon`
    parts are the unit vector :math:`e_j`, so every output carries
    :math:`\\partial f_i / \\partial x_j`: column :math:`j` of the Jacobian.

    Parameters
    ----------
    f : callable
        ``f(x)`` computes a number or a list of numbers from ``x`` (a :class:`Dual`
        for a number ``x``, a 1-D object array of ``Dual`` for a vector) with
        the operations and functions of this module.

    Returns
    -------
    callable
        ``J(x)`` returns the Jacobian, an ndarray of shape ``(m, n)`` (``n = 1``
        for a number ``x``).

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` is not real, or ``f`` returns something
        other than dual numbers or constants.
    ValueError
        If ``x`` is not finite, or not a number or a 1-D array.

    Examples
    --------
    >>> J = jacobian(lambda v: [v[0] * v[1], sin(v[0])])
    >>> print(J([0.0, 2.0]))
    [[2. 0.]
     [1. 0.]]

    Introduced in: Module 3, *Automatic Differentiation from Scratch* (``book/m3/autodiff.md``).
    """
    check_callable(f, "f")

    def jac(x: Any) -> np.ndarray:
        x = _point(x)
        values = np.atleast_1d(x)
        columns = []
        for j in range(values.size):
            duals = [Dual(float(v), 1.0 if k == j else 0.0) for k, v in enumerate(values)]
            arg = duals[0] if x.ndim == 0 else np.array(duals, dtype=object)
            out = _call(f, arg, Dual)
            columns.append([d.deriv if isinstance(d, Dual) else 0.0 for d in out])
        return np.array(columns, dtype=np.float64).T

    return jac


def network_gradients(network: list, x: Any, y: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """The gradient of the network's cost by the array autodiff: what :func:`mvcalc.nn.backprop` computes by hand.

    The forward pass of :func:`mvcalc.nn.feed_forward` is written with
    :class:`Tensor` nodes, :math:`z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}` (the bias
    column broadcast over the examples), :math:`a^{(l)} = \\sigma(z^{(l)})`, then
    the cost :math:`C = \\frac{1}{N}\\sum (a^{(L)} - y)^2`, and one backward pass
    gives every :math:`\\partial C / \\partial W^{(l)}` and
    :math:`\\partial C / \\partial b^{(l)}`.

    Parameters
    ----------
    network : list of (W, b) pairs
        As for :func:`mvcalc.nn.feed_forward`.
    x : array_like, shape (n_in, N)
        The inputs, one column per example.
    y : array_like, shape (n_out, N)
        The targets.

    Returns
    -------
    list of (dC/dW, dC/db) pairs
        One per layer, shaped like ``(W, b)``, as :func:`mvcalc.nn.backprop` returns them.

    Raises
    ------
    TypeError, ValueError
        As for :func:`mvcalc.nn.cost`.

    Examples
    --------
    >>> from mvcalc import nn
    >>> from mvcalc.datasets import heart_curve
    >>> x, y = heart_curve()
    >>> network = nn.init_network([1, 6, 7, 2], np.random.default_rng(0))
    >>> print(np.round(network_gradients(network, x, y)[-1][1].ravel(), 6))
    [ 0.083395 -0.030392]

    Introduced in: Module 3, *Automatic Differentiation from Scratch* (``book/m3/autodiff.md``).
    """
    from . import nn

    network = nn._check_network(network)
    x = nn._check_x(network, x)
    y = nn._check_y(network, x, y)
    params = [(Tensor(W), Tensor(b)) for W, b in network]
    a = Tensor(x)
    for W, b in params:
        a = sigmoid(W @ a + b)
    C = ((a - y) ** 2).sum() / x.shape[1]
    C.backward()
    return [(W.grad, b.grad) for W, b in params]


def count_operations(f: Callable, x: Any) -> dict[str, int]:
    """Count the elementary operations forward and reverse mode carry out for the whole Jacobian of ``f`` at ``x``.

    Forward mode evaluates ``f`` on dual numbers once per input, :math:`n` passes;
    each operation there computes a value and a derivative. Reverse mode
    evaluates ``f`` once on :class:`Var` nodes and then runs one backward pass
    per output, :math:`m` passes, each visiting every node of the graph once.
    The counts are of the operations actually carried out:

    - ``nodes``: the operations of one evaluation of ``f`` (the nodes of its graph
      that are not inputs or constants);
    - ``forward``: the dual-number operations of the :math:`n` forward passes,
      :math:`n \\times` ``nodes``;
    - ``reverse``: the ``nodes`` recorded plus the node visits of the :math:`m`
      backward passes (each output's pass visits the part of the graph it depends on).

    Parameters
    ----------
    f : callable
        As for :func:`grad` and :func:`jacobian`: written with this module's
        functions, returning one number or a list of them.
    x : float or array_like, shape (n,)
        The point.

    Returns
    -------
    dict
        ``n``, ``m``, ``nodes``, ``forward`` and ``reverse``, all ints.

    Raises
    ------
    TypeError, ValueError
        As for :func:`grad` and :func:`jacobian`.

    Examples
    --------
    For :math:`f(x) = x_1 x_2 \\cdots x_5`, from :math:`\\mathbb{R}^5` to
    :math:`\\mathbb{R}`, forward mode needs five passes, reverse mode one:

    >>> def product(v):
    ...     out = v[0]
    ...     for vi in v[1:]:
    ...         out = out * vi
    ...     return out
    >>> count_operations(product, np.ones(5))
    {'n': 5, 'm': 1, 'nodes': 4, 'forward': 20, 'reverse': 8}

    Introduced in: Module 3, *Automatic Differentiation from Scratch* (``book/m3/autodiff.md``).
    """
    check_callable(f, "f")
    point = _point(x)
    n = int(np.atleast_1d(point).size)
    start = _COUNTS["dual"]
    jacobian(f)(point)
    forward = _COUNTS["dual"] - start

    inputs = [Var(float(v)) for v in np.atleast_1d(point)]
    arg = inputs[0] if point.ndim == 0 else np.array(inputs, dtype=object)
    everything = _call(f, arg, Var)
    outputs = [out for out in everything if isinstance(out, Var)]
    m = len(everything)
    graph = {}
    for out in outputs:
        for node in topological_order(out):
            graph[id(node)] = node
    nodes = sum(1 for node in graph.values() if node.parents)
    start = _COUNTS["backward"]
    for out in outputs:
        out.backward()
    visits = _COUNTS["backward"] - start
    return {"n": n, "m": m, "nodes": nodes, "forward": forward, "reverse": nodes + visits}
