"""The in-page checker of the book's questions (tools/questions/check.js), run in Node.js with mathjs.

The questions are built with mvcalc.quiz, as the pages build them, and the checker is fed what a
reader types: the right answer, equivalent forms, common wrong answers, and input it cannot read.
It must accept every equivalent form, never accept a wrong one, and say clearly what it could not
read. The same file runs in the reader's browser (tests/test_questions_page.py types into the pages).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import sympy as sp

from mvcalc import quiz

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT / "tools" / "questions" / "check.js"
SELFCHECK = ROOT / "tools" / "questions" / "selfcheck.js"
MATHJS = ROOT / "tools" / "mathjax" / "node_modules" / "mathjs"

DRIVER = f"""
const math = require({json.dumps(str(MATHJS))});
const checker = require({json.dumps(str(CHECK))});
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(cases.map(c => checker.check(math, c.kind, c.variant, c.answer))));
"""

x, y, z, t = sp.symbols("x y z t")


def run(cases: list[tuple[quiz.Question, object]]) -> list[dict]:
    """The checker's verdicts on (question, what the reader gave) pairs."""
    if shutil.which("node") is None or not MATHJS.is_dir():
        pytest.fail("Node.js and mathjs are needed: run `npm ci --prefix tools/mathjax` (make unit does)")
    payload = [{"kind": q.kind, "variant": q.spec["variants"][0], "answer": a} for q, a in cases]
    done = subprocess.run(["node", "-e", DRIVER], input=json.dumps(payload), capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def verdicts(q, answers):
    return [r["verdict"] for r in run([(q, a) for a in answers])]


PRODUCT = quiz.formula(
    sp.diff(x**2 * sp.sin(x), x), "x", wrong={2 * x * sp.cos(x): "not the product of the derivatives"}
)


def test_every_equivalent_form_is_accepted():
    forms = [
        "2*x*sin(x) + x^2*cos(x)",
        "2x sin(x) + x^2 cos(x)",
        "x(2 sin(x) + x cos(x))",
        "x^2 cos(x) + 2 x sin(x)",
        "x**2*cos(x) + 2*x*sin(x)",
        "f'(x) = 2x sin(x) + x\u00b2 cos(x)",
        "x*(x*cos(x)+2*sin(x))",
    ]
    assert verdicts(PRODUCT, forms) == ["correct"] * len(forms)


def test_the_forms_the_issue_names_are_read():
    cases = [
        (quiz.formula(2 * x * y + 3, "x y"), "2*x*y + 3"),
        (quiz.formula(x**2 * y, "x y"), "x^2 y"),
        (quiz.formula(sp.exp(-(x**2)), "x"), "exp(-x^2)"),
        (quiz.formula(sp.exp(-(x**2)), "x"), "e^(-x^2)"),
        (quiz.formula(sp.cos(t) * sp.exp(t), "t"), "cos(t)e^(t)"),
        (quiz.formula(sp.log(x), "x", domain=(0.5, 3)), "ln(x)"),
    ]
    assert [r["verdict"] for r in run(cases)] == ["correct"] * len(cases)


def test_a_wrong_answer_is_never_accepted_and_a_common_one_is_recognised():
    results = run(
        [
            (PRODUCT, "2*x*cos(x)"),
            (PRODUCT, "x^2 cos(x)"),
            (PRODUCT, "2x sin(x) + x^2 cos(x) + 1"),
            (PRODUCT, "2*(2x sin(x) + x^2 cos(x))"),
            (PRODUCT, "-(2x sin(x) + x^2 cos(x))"),
        ]
    )
    assert [r["verdict"] for r in results] == ["wrong"] * 5
    assert results[0]["feedback"] == 0 and results[1]["feedback"] is None
    assert "the constant 1" in results[2]["message"]
    assert "times 2" in results[3]["message"]
    assert "sign" in results[4]["message"]


@pytest.mark.parametrize(
    "typed, says",
    [
        ("2*x*", "cannot be read"),
        (")(", "cannot be read"),
        ("", "Type an answer"),
        ("   ", "Type an answer"),
        ("2*z", "z is not a variable of this question"),
        ("x" * 10_000, "10000 characters"),
        ("xsin(x)", "no function xsin"),
        ("sin x", "with brackets"),
        ("x!", "not used in an answer"),
        ("x > 1 ? 1 : 2", "Only numbers, variables"),
        ("x > 1", "not used in an answer"),
        ("x(1, 2)", "Put a * after x"),
        ("[1, 2]", "not a list"),
        ("x y", None),  # a product of two things, one of them not a variable here: still an error
    ],
)
def test_input_it_cannot_read_gets_a_clear_message_never_a_verdict(typed, says):
    [result] = run([(PRODUCT, typed)])
    assert result["verdict"] == "invalid", result
    if says:
        assert says in result["message"], result["message"]


def test_two_letters_glued_together_are_explained():
    [result] = run([(quiz.formula(x * y, "x y"), "2xy")])
    assert result["verdict"] == "invalid" and "write x*y" in result["message"]


JACOBIAN = quiz.matrix(
    sp.Matrix([[2 * x * y, x**2, 0], [0, 3 * y**2, 1]]),
    "x y",
    wrong=[(sp.Matrix([[2 * x * y, x**2, 0], [0, 3 * y**2, 0]]), "the constant's derivative")],
)


def test_a_matrix_is_checked_entry_by_entry_with_shape_and_transpose_named():
    results = run(
        [
            (JACOBIAN, "[2x y, x^2, 0; 0, 3y^2, 1]"),
            (JACOBIAN, "[[2*x*y, x^2, 0], [0, 3*y^2, 1]]"),
            (JACOBIAN, "[2x y, 0; x^2, 3y^2; 0, 1]"),
            (JACOBIAN, "[2x y, x^2, 1; 0, 3y^2, 1]"),
            (JACOBIAN, "[2x y, x^2; 0, 3y^2]"),
            (JACOBIAN, "[2x y, x^2, 0; 0, 3y^2, 0]"),
            (JACOBIAN, "[2x y, x^2, 0; 0, 3y^2]"),
            (JACOBIAN, "2 x y"),
        ]
    )
    assert [r["verdict"] for r in results] == [
        "correct",
        "correct",
        "wrong",
        "wrong",
        "wrong",
        "wrong",
        "invalid",
        "invalid",
    ]
    assert "transpose" in results[2]["message"]
    assert results[3]["entries"] == [[1, 3]] and "(1, 3)" in results[3]["message"]
    assert "2\u00d72" in results[4]["message"] and "2\u00d73" in results[4]["message"]
    assert results[5]["feedback"] == 0
    assert "different lengths" in results[6]["message"]


def test_the_transpose_of_a_square_matrix_is_named():
    jacobian = quiz.matrix(sp.Matrix([[2 * x, 1], [y, x]]), "x y")
    results = run([(jacobian, "[2x, y; 1, x]"), (jacobian, "[2x, 1; y, x]"), (jacobian, "[2x, 1; 0, x]")])
    assert [r["verdict"] for r in results] == ["wrong", "correct", "wrong"]
    assert "transpose" in results[0]["message"] and "transpose" not in results[2]["message"]


def test_a_vector_may_be_a_row_or_a_column():
    gradient = quiz.matrix([2 * x * y, x**2], "x y")
    assert verdicts(gradient, ["[2x y, x^2]", "[2x y; x^2]", "[x^2, 2x y]"]) == ["correct", "correct", "wrong"]


def test_numeric_answers_honour_the_stated_tolerance():
    third = quiz.numeric(sp.Rational(1, 3), wrong={sp.Rational(1, 2): "half"})
    results = run(
        [
            (third, "1/3"),
            (third, "0.333"),
            (third, "0.3333333"),
            (third, "0.33"),
            (third, "0.5"),
            (third, "-1/3"),
            (third, "x"),
            (third, "sqrt(-1)"),
        ]
    )
    assert [r["verdict"] for r in results] == [
        "correct",
        "correct",
        "correct",
        "wrong",
        "wrong",
        "wrong",
        "invalid",
        "invalid",
    ]
    assert results[4]["feedback"] == 0 and "sign" in results[5]["message"]
    exact = quiz.numeric(0, atol=1e-3)
    assert verdicts(exact, ["0", "0.0005", "0.01"]) == ["correct", "correct", "wrong"]


def test_choices_one_or_several():
    one = quiz.choice(
        [quiz.Option("a", correct=True), quiz.Option("b", feedback="no"), quiz.Option("c", feedback="no")]
    )
    several = quiz.choice(
        [quiz.Option("a", correct=True), quiz.Option("b", correct=True), quiz.Option("c", feedback="no")]
    )
    results = run(
        [
            (one, [0]),
            (one, [2]),
            (one, []),
            (one, [0, 1]),
            (one, [7]),
            (several, [0, 1]),
            (several, [0]),
            (several, [0, 1, 2]),
            (several, []),
        ]
    )
    assert [r["verdict"] for r in results] == [
        "correct",
        "wrong",
        "invalid",
        "invalid",
        "invalid",
        "correct",
        "wrong",
        "wrong",
        "invalid",
    ]
    assert results[1]["feedback"] == 2 and "missing" in results[6]["message"]
    assert results[7]["feedback"] == 2


def test_points_where_the_answer_is_not_real_are_not_used_and_a_non_real_reader_value_is_wrong():
    root = quiz.formula(sp.sqrt(x), "x", domain=(0.1, 4))
    assert verdicts(root, ["sqrt(x)", "x^(1/2)", "sqrt(-x)"]) == ["correct", "correct", "wrong"]


def _selfcheck(questions) -> subprocess.CompletedProcess:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(questions, f)
    return subprocess.run(["node", str(SELFCHECK), f.name], capture_output=True, text=True)


def test_the_build_check_passes_good_questions_and_fails_a_bad_one():
    good = [
        {"page": "p", "key": k, "kind": q.kind, "variants": q.spec["variants"]}
        for k, q in {"a": PRODUCT, "b": JACOBIAN, "c": quiz.numeric(2.5, wrong={3: "no"})}.items()
    ]
    assert _selfcheck(good).returncode == 0
    bad = json.loads(json.dumps(good))
    bad[0]["variants"][0]["answer"] = "2*x*cos(x)"  # an answer string that does not match its values
    bad[2]["variants"][0]["wrong"][0]["value"] = 2.5  # a "wrong" answer the checker accepts
    done = _selfcheck(bad)
    assert done.returncode == 1
    assert "p: question a" in done.stdout and "p: question c" in done.stdout
