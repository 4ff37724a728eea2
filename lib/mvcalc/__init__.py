"""mvcalc: the small numpy library of *Multivariate Calculus for Machine Learning*.

Each module is one idea of the book, in the order the book teaches it:

- :mod:`mvcalc.derivatives`: derivatives of one variable (Module 1);
- :mod:`mvcalc.multivariate`: gradient, Jacobian and Hessian (Module 2);
- :mod:`mvcalc.sandpit`: the Sandpit game and its landscapes (Module 2);
- :mod:`mvcalc.nn`: a small neural network and backpropagation (Module 3);
- :mod:`mvcalc.datasets`: the data sets the chapters train on, such as the heart curve (Module 3);
- :mod:`mvcalc.checks`: checks of the reader's own Jacobians in the Backpropagation assignment (Module 3);
- :mod:`mvcalc.taylor`: Taylor coefficients and polynomials, linear and quadratic models (Module 4);
- :mod:`mvcalc.optimise`: Newton–Raphson, gradient descent and Lagrange multipliers (Module 5);
- :mod:`mvcalc.plotting`: the book's shared figure style;
- :mod:`mvcalc.display`: numbers typeset for the book's prose.
"""

from . import checks, datasets, display, nn, plotting, sandpit
from .derivatives import default_step, derivative, secant_slope
from .multivariate import gradient, hessian, jacobian
from .optimise import gradient_descent, lagrange_multipliers, newton_raphson
from .taylor import linearise, quadratic_model, taylor_coefficients, taylor_polynomial

__version__ = "0.1.0"

__all__ = [
    "checks",
    "datasets",
    "default_step",
    "derivative",
    "display",
    "gradient",
    "gradient_descent",
    "hessian",
    "jacobian",
    "lagrange_multipliers",
    "linearise",
    "newton_raphson",
    "nn",
    "plotting",
    "quadratic_model",
    "sandpit",
    "secant_slope",
    "taylor_coefficients",
    "taylor_polynomial",
]
