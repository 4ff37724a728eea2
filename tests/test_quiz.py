"""mvcalc.quiz: the questions' answers, reference values and common wrong answers, and bad input.

The reference values are checked against sympy's own evaluation, the notation the reader types
(to_mathjs) by reading it back with sympy, and every validation path raises a clear error.
(The in-page checker itself is tested in test_question_checker.py.)
"""

from __future__ import annotations

import json

import matplotlib
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from mvcalc import quiz

matplotlib.use("Agg")
x, y, z = sp.symbols("x y z")


def read_back(text: str):
    """A mathjs string read with sympy (the printer writes ^ for powers, e and pi)."""
    return sp.sympify(text.replace("^", "**"), locals={"e": sp.E, "pi": sp.pi, "ln": sp.log, "abs": sp.Abs})


EXPRESSIONS = [
    x**2 * y + sp.exp(-(x**2)) / 2,
    sp.sin(2 * x**5 + 3 * x) * sp.exp(-7 * x),
    1 / sp.cosh(x) ** 2,
    sp.sqrt(1 + x**2),
    x ** sp.Rational(-1, 2),
    (-2) ** x,
    sp.log(x),
    sp.Abs(x) * sp.pi,
    3 * x**-2,
    sp.E ** (x * y),
    x ** (y + 1),
    -(x**2),
    (-x) ** 3,
    sp.Rational(3, 7) * x,
    sp.tanh(x - y),
]


@pytest.mark.parametrize("expr", EXPRESSIONS, ids=str)
def test_to_mathjs_reads_back_as_the_same_expression(expr):
    assert sp.simplify(read_back(quiz.to_mathjs(expr)) - expr) == 0


def test_to_mathjs_writes_matrices_by_rows():
    assert quiz.to_mathjs(sp.Matrix([[x, 1], [2, y**2]])) == "[x, 1; 2, y^2]"


def test_to_mathjs_refuses_what_the_reader_cannot_type():
    with pytest.raises(ValueError, match="imaginary unit"):
        quiz.to_mathjs(x + sp.I)
    with pytest.raises(ValueError, match="does not know the function"):
        quiz.to_mathjs(sp.gamma(x))


def test_formula_values_are_sympys_at_the_points():
    expr = sp.sin(x) * sp.exp(y)
    variant = quiz.formula(expr, "x y", domain={"x": (0, 1), "y": (-1, 0)}, npoints=6, seed=3).spec["variants"][0]
    assert len(variant["points"]) == 6
    for point, value in zip(variant["points"], variant["values"], strict=True):
        assert 0 <= point["x"] <= 1 and -1 <= point["y"] <= 0
        exact = float(expr.subs({x: point["x"], y: point["y"]}))
        assert value == pytest.approx(exact, rel=1e-11)
    assert variant["variables"] == ["x", "y"]
    assert variant["answer"] == "exp(y)*sin(x)"


def test_formula_is_deterministic_and_json():
    a = quiz.formula(x**3, "x", wrong={x**2: "no"}).spec
    b = quiz.formula(x**3, "x", wrong={x**2: "no"}).spec
    assert a == b and json.loads(json.dumps(a)) == a


def test_points_avoid_where_the_answer_is_not_real():
    variant = quiz.formula(sp.log(x), "x", domain=(-1, 1)).spec["variants"][0]
    assert all(p["x"] > 0 for p in variant["points"])
    with pytest.raises(ValueError, match="not a finite real number at enough points"):
        quiz.formula(sp.log(x), "x", domain=(-2, -1))


def test_a_wrong_answer_that_equals_the_answer_is_refused():
    with pytest.raises(ValueError, match="equals the answer"):
        quiz.formula(sp.sin(x) ** 2, "x", wrong={1 - sp.cos(x) ** 2: "an identity, not a mistake"})
    with pytest.raises(ValueError, match="within the tolerance"):
        quiz.numeric(1.0, wrong={1.001: "too close to be a mistake"})
    with pytest.raises(ValueError, match="equals the answer"):
        quiz.matrix(sp.Matrix([[x, 0]]), "x", wrong=[(sp.Matrix([[x, 0]]), "same")])


def test_the_wrong_answers_keep_their_feedback_and_values():
    variant = quiz.formula(x**3, "x", wrong={3 * x**2: "that is the derivative"}).spec["variants"][0]
    [wrong] = variant["wrong"]
    assert wrong["feedback"] == "that is the derivative" and wrong["answer"] == "3*x^2"
    assert wrong["values"] == [pytest.approx(3 * p["x"] ** 2, rel=1e-11) for p in variant["points"]]


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: quiz.formula(x * y, "x"), ValueError, "not among the variables"),
        (lambda: quiz.formula(x, "x x"), ValueError, "named twice"),
        (lambda: quiz.formula(x, "e"), ValueError, "cannot be a variable"),
        (lambda: quiz.formula(x, "x", domain=(1, 0)), ValueError, "low < high"),
        (lambda: quiz.formula(x, "x", domain={"y": (0, 1)}), ValueError, "not variables of the question"),
        (lambda: quiz.formula(x, "x", rtol=-1), ValueError, r"rtol must be non-negative \(0 for no .*\), got -1.0"),
        (lambda: quiz.numeric(1, atol=float("inf")), ValueError, "atol must be finite, got inf"),
        (lambda: quiz.numeric(1, atol="0.1"), TypeError, "atol must be a real number, got str '0.1'"),
        (lambda: quiz.matrix([x], "x", rtol=True), TypeError, "rtol must be a real number, got bool True"),
        (lambda: quiz.formula(x, "x", npoints=0), ValueError, "npoints must be a positive integer, got 0"),
        (lambda: quiz.formula(x, "x", npoints=2.5), TypeError, "npoints must be a positive integer, got float 2.5"),
        (lambda: quiz.formula(None, "x"), TypeError, "sympy expression"),
        (lambda: quiz.formula(x, "x", seed=-1), ValueError, "seed must be a non-negative integer, got -1"),
        (lambda: quiz.matrix([x], "x", seed=1.5), TypeError, "seed must be a non-negative integer, got float 1.5"),
        (lambda: quiz.variants(lambda rng: quiz.formula(x, "x", stem="a"), 1, seed="0"), TypeError, "seed"),
        (lambda: quiz.formula(sp.Matrix([x]), "x"), TypeError, "use quiz.matrix"),
        (lambda: quiz.formula(x, "x", wrong=[x**2]), TypeError, "map each common wrong answer"),
        (lambda: quiz.formula(x, "x", wrong={x**2: ""}), TypeError, "non-empty string"),
        (lambda: quiz.formula(x, "x", stem=""), TypeError, "stem"),
        (lambda: quiz.numeric(sp.sqrt(-1)), ValueError, "finite real number"),
        (lambda: quiz.numeric(0), ValueError, "give atol"),
        (lambda: quiz.numeric(1, rtol=0), ValueError, "needs a tolerance"),
        (lambda: quiz.numeric(1, units=""), TypeError, "units"),
        (lambda: quiz.matrix([]), ValueError, "must not be empty"),
        (lambda: quiz.matrix(np.array([np.nan])), ValueError, "finite"),
        (lambda: quiz.matrix([[x, 1]], "x", wrong=[[x, 2]]), TypeError, r"\(answer, feedback\) pair"),
        (lambda: quiz.choice([quiz.Option("a", correct=True)]), ValueError, "at least two options"),
        (
            lambda: quiz.choice([quiz.Option("a", feedback="f"), quiz.Option("b", feedback="f")]),
            ValueError,
            "no option is marked correct",
        ),
        (
            lambda: quiz.choice([quiz.Option("a", correct=True), quiz.Option("b", correct=True)], multiple=False),
            ValueError,
            "multiple=False",
        ),
        (lambda: quiz.choice(["a", "b"]), TypeError, "quiz.Option"),
        (lambda: quiz.Option("wrong one"), ValueError, "needs feedback"),
        (lambda: quiz.Option(image=quiz.plot(np.sin), feedback="f"), ValueError, "alt text"),
        (lambda: quiz.Option(image="not a figure", alt="a", feedback="f"), TypeError, "matplotlib figure"),
        (lambda: quiz.Option("a", correct="yes"), TypeError, "True or False"),
        (lambda: quiz.variants(lambda rng: quiz.formula(x, "x", stem="same"), 2), ValueError, "fewer than 2"),
        (lambda: quiz.variants(lambda rng: quiz.formula(x, "x"), 2), ValueError, "own stem"),
        (lambda: quiz.variants(lambda rng: 3, 2), TypeError, "must return a quiz question"),
        (lambda: quiz.variants("make", 2), TypeError, "function of a numpy Generator"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_numeric_states_its_tolerance_and_units():
    variant = quiz.numeric(sp.pi, units="m/s").spec["variants"][0]
    assert variant["value"] == pytest.approx(np.pi) and variant["rtol"] == quiz.NUMERIC_RTOL
    assert variant["units"] == "m/s" and variant["atol"] == 0


def test_matrix_keeps_its_shape_and_a_flat_list_is_a_vector():
    m = quiz.matrix(sp.Matrix([[x, 1, 2], [3, 4, y]]), "x y").spec["variants"][0]
    v = quiz.matrix([x, y], "x y").spec["variants"][0]
    n = quiz.matrix(np.array([[1.5, 2.0], [0.0, -1.0]])).spec["variants"][0]
    assert m["shape"] == [2, 3] and v["shape"] == [2] and n["shape"] == [2, 2]
    assert n["points"] == [{}] and n["values"] == [[1.5, 2.0, 0.0, -1.0]]
    assert len(m["values"][0]) == 6


def test_choice_images_travel_in_the_metadata_not_the_data():
    fig = quiz.plot(np.sin)
    q = quiz.choice(
        [quiz.Option(image=fig, alt="a sine curve", correct=True), quiz.Option("b", feedback="no")],
        figure=quiz.plot(np.cos),
        figure_alt="a cosine curve",
    )
    data, metadata = q._repr_mimebundle_()
    assert "option-0" in metadata[quiz.MIME_TYPE]["mvcalc-quiz-images"]
    assert "figure" in metadata[quiz.MIME_TYPE]["mvcalc-quiz-images"]
    assert "base64" not in json.dumps(data) and len(json.dumps(data)) < 1000
    assert not matplotlib.pyplot.fignum_exists(fig.number)  # drawn, then closed


def test_variants_are_seeded_distinct_and_of_one_kind():
    def make(rng):
        a = int(rng.integers(2, 9))
        return quiz.formula(a * x, "x", stem=f"$a = {a}$")

    first, again = quiz.variants(make, 4, seed=7), quiz.variants(make, 4, seed=7)
    assert first.spec == again.spec
    stems = [v["stem"] for v in first.spec["variants"]]
    assert len(set(stems)) == 4
    mixed = iter([quiz.formula(x, "x", stem="a"), quiz.numeric(1, stem="b")])
    with pytest.raises(ValueError, match="one kind"):
        quiz.variants(lambda rng: next(mixed), 2)


@given(st.integers(-5, 5), st.integers(-5, 5), st.integers(1, 4))
def test_formula_values_for_any_polynomial(a, b, n):
    expr = a * x**n + b
    variant = quiz.formula(expr, "x", npoints=3).spec["variants"][0]
    for point, value in zip(variant["points"], variant["values"], strict=True):
        assert value == pytest.approx(a * point["x"] ** n + b, rel=1e-11, abs=1e-11)
