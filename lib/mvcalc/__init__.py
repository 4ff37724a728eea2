"""mvcalc: the small numpy library of *Multivariate Calculus for Machine Learning*.

Each module is one idea of the book, in the order the book teaches it:

- :mod:`mvcalc.derivatives`: derivatives of one variable (Module 1);
- :mod:`mvcalc.multivariate`: gradient, Jacobian and Hessian (Module 2);
- :mod:`mvcalc.sandpit`: the Sandpit game and its landscapes (Module 2);
- :mod:`mvcalc.nn`: a small neural network and backpropagation (Module 3);
- :mod:`mvcalc.autodiff`: automatic differentiation from scratch, reverse and forward mode (Module 3);
- :mod:`mvcalc.datasets`: the data sets the chapters train and fit on: the heart curve (Module 3)
  and the heights data (Module 6);
- :mod:`mvcalc.checks`: checks of the reader's own Jacobians in the Backpropagation assignment (Module 3);
- :mod:`mvcalc.taylor`: Taylor coefficients and polynomials, linear and quadratic models (Module 4);
- :mod:`mvcalc.optimise`: Newton–Raphson, gradient descent and Lagrange multipliers (Module 5);
- :mod:`mvcalc.optimisers`: momentum, Nesterov, RMSProp, Adam and stochastic gradient descent (Module 5);
- :mod:`mvcalc.fitcheck`: the checker for readers doing the heights assignment (Module 6);
- :mod:`mvcalc.fitting`: least-squares fits, from a straight line to Levenberg–Marquardt (Module 6);
- :mod:`mvcalc.quiz`: the questions the pages ask, with answers their code computes;
- :mod:`mvcalc.plotting`: the book's shared figure style;
- :mod:`mvcalc.display`: numbers typeset for the book's prose.
"""

# Every module imported here needs only numpy, so that a page run in the browser (Pyodide) downloads
# nothing else for `import mvcalc`: scipy, matplotlib and sympy are imported inside the functions that
# use them (tests/test_lazy_imports.py checks it).
from . import autodiff, checks, datasets, display, fitcheck, fitting, nn, optimisers, plotting, sandpit

# mvcalc.quiz needs sympy, which the rest does not: `from mvcalc import quiz` imports it when a page asks
from .derivatives import default_step, derivative, secant_slope
from .fitting import (
    chi_squared,
    gauss_newton,
    gaussian,
    gaussian_jacobian,
    levenberg_marquardt,
    linear_fit,
    steepest_descent_fit,
)
from .multivariate import gradient, hessian, jacobian
from .optimise import gradient_descent, lagrange_multipliers, newton_raphson
from .taylor import linearise, quadratic_model, taylor_coefficients, taylor_polynomial

__version__ = "0.1.0"

__all__ = [
    "autodiff",
    "checks",
    "chi_squared",
    "datasets",
    "default_step",
    "derivative",
    "display",
    "fitcheck",
    "fitting",
    "gauss_newton",
    "gaussian",
    "gaussian_jacobian",
    "gradient",
    "gradient_descent",
    "hessian",
    "jacobian",
    "lagrange_multipliers",
    "levenberg_marquardt",
    "linear_fit",
    "linearise",
    "newton_raphson",
    "nn",
    "optimisers",
    "plotting",
    "quadratic_model",
    "sandpit",
    "secant_slope",
    "steepest_descent_fit",
    "taylor_coefficients",
    "taylor_polynomial",
]
