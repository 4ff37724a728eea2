/* The checker of the book's questions: one file, run by the reader's browser and by the build.
 *
 * check(math, kind, variant, answer) reads what the reader gave (a string, or for a choice the
 * indices ticked) against one variant of a question as mvcalc.quiz wrote it, and returns
 *   {verdict: "correct" | "wrong" | "invalid", message, feedback, entries, tex}
 * where `feedback` is the index of the common wrong answer (or wrong option) the reader's answer
 * matches, `entries` the wrong entries of a matrix, and `tex` the answer as it was understood.
 * `math` is mathjs (npm `mathjs`): it parses and evaluates the reader's expressions. The build
 * (tools/questions/selfcheck.js) runs this same file in Node.js on every question of the book.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.MvcalcCheck = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var FUNCTIONS = ["sin", "cos", "tan", "sec", "csc", "cot", "asin", "acos", "atan", "sinh", "cosh", "tanh",
    "sech", "csch", "coth", "exp", "log", "ln", "sqrt", "cbrt", "abs", "sign"];
  var CONSTANTS = ["e", "pi"];
  var OPERATORS = ["+", "-", "*", "/", "^"];
  var MAX_LENGTH = 500;

  function invalid(message) {
    return { verdict: "invalid", message: message, feedback: null, entries: null, tex: null };
  }

  function listWords(words) {
    if (words.length === 0) return "none";
    if (words.length === 1) return words[0];
    return words.slice(0, -1).join(", ") + " and " + words[words.length - 1];
  }

  function formatNumber(v) {
    if (v === null || v === undefined) return "not a real number";
    if (v === 0) return "0";
    var text = Math.abs(v) >= 1e-4 && Math.abs(v) < 1e6 ? String(Number(v.toPrecision(6))) : v.toExponential(4);
    return text.replace(/^-/, "\u2212");
  }

  /* What people type that mathjs reads differently: Python's **, Unicode signs, "ln". */
  function normalise(text) {
    return text
      .replace(/\*\*/g, "^")
      .replace(/[\u2212\u2013]/g, "-")
      .replace(/[\u00d7\u22c5\u00b7]/g, "*")
      .replace(/\u00f7/g, "/")
      .replace(/\u03c0/g, "pi")
      .replace(/\u00b2/g, "^2")
      .replace(/\u00b3/g, "^3")
      .replace(/\u221a/g, "sqrt");
  }

  function symbolTex(name) {
    if (name === "pi") return "\\pi";
    if (name === "e") return "e";
    var greek = ["alpha", "beta", "gamma", "delta", "lambda", "mu", "sigma", "theta", "phi", "rho", "tau", "omega"];
    if (greek.indexOf(name) >= 0) return "\\" + name;
    if (name.length === 1) return name;
    var m = /^([a-zA-Z])_?(\d+)$/.exec(name);
    if (m) return m[1] + "_{" + m[2] + "}";
    return "\\mathrm{" + name + "}";
  }

  function texHandler(node, options) {
    if (node.type === "SymbolNode") return " " + symbolTex(node.name);
    if (node.type === "FunctionNode" && node.fn && node.fn.name === "ln") {
      return "\\ln\\left(" + node.args[0].toTex(options) + "\\right)";
    }
    return undefined;
  }

  function toTex(node) {
    return node.toTex({ implicit: "show", parenthesis: "auto", handler: texHandler });
  }

  /* Parse the reader's text and check that it uses only what a question allows.
   * Returns {node, text} or {error}. */
  function read(math, raw, variables, allowArray) {
    if (typeof raw !== "string") return { error: "Type an answer first." };
    var text = normalise(raw).trim();
    if (text.length === 0) return { error: "Type an answer first." };
    if (text.length > MAX_LENGTH) {
      return { error: "That is " + text.length + " characters long. An answer here is a short formula of at most " +
        MAX_LENGTH + " characters." };
    }
    if (text.indexOf("=") >= 0) {
      var right = text.slice(text.lastIndexOf("=") + 1).trim();
      if (!right) return { error: "Type the expression itself, with nothing after an equals sign missing." };
      text = right;  /* "f'(x) = 2x" is read as its right-hand side */
    }
    var node;
    try {
      node = math.parse(text);
    } catch (err) {
      if (/dimensions mismatch/.test(err.message)) {
        return { error: "The rows have different lengths: every row of a matrix needs as many entries." };
      }
      var where = /\(char (\d+)\)/.exec(err.message);
      var detail = err.message.replace(/\s*\(char \d+\)/, "");
      return { error: "This cannot be read as a formula: " + detail.charAt(0).toLowerCase() + detail.slice(1) +
        (where ? " (at character " + where[1] + ")." : ".") };
    }
    /* x(x + 1) is a product when x is a variable (mathjs reads it as a call of a function x) */
    node = node.transform(function (n) {
      if (n.type === "FunctionNode" && n.fn && n.fn.type === "SymbolNode" && n.args.length === 1 &&
          (variables.indexOf(n.fn.name) >= 0 || CONSTANTS.indexOf(n.fn.name) >= 0)) {
        return new math.OperatorNode("*", "multiply",
          [new math.SymbolNode(n.fn.name), new math.ParenthesisNode(n.args[0])], true);
      }
      return n;
    });
    var problem = null;
    var depth = 0;
    node.traverse(function (n, path, parent) {
      if (problem) return;
      switch (n.type) {
        case "ConstantNode":
          if (typeof n.value !== "number") problem = "Only numbers, variables and functions can appear here.";
          break;
        case "ParenthesisNode":
          break;
        case "OperatorNode":
          if (OPERATORS.indexOf(n.op) < 0) {
            problem = "The operator " + n.op + " is not used in an answer here; use + \u2212 * / and ^.";
          }
          break;
        case "FunctionNode":
          if (!n.fn || n.fn.type !== "SymbolNode") {
            problem = "Put a * between two brackets that multiply, as in (x+1)*(x-1).";
          } else if (FUNCTIONS.indexOf(n.fn.name) < 0) {
            problem = variables.indexOf(n.fn.name) >= 0 || CONSTANTS.indexOf(n.fn.name) >= 0
              ? "Put a * after " + n.fn.name + " when it multiplies a bracket, as in " + n.fn.name + "*(x+1)."
              : "There is no function " + n.fn.name + " here. The functions are " + listWords(FUNCTIONS) + ".";
          }
          break;
        case "SymbolNode":
          if (parent && parent.type === "FunctionNode" && parent.fn === n) break;
          if (FUNCTIONS.indexOf(n.name) >= 0) {
            problem = "Write the function with brackets: " + n.name + "(x), not " + n.name + " x.";
          } else if (variables.indexOf(n.name) < 0 && CONSTANTS.indexOf(n.name) < 0) {
            var split = n.name.split("").every(function (c) { return variables.indexOf(c) >= 0; });
            problem = variables.length === 0
              ? n.name + " is not a number. The answer is a number: it has no variables."
              : n.name + " is not a variable of this question (its variables are " + listWords(variables) + ")." +
                (split ? " To multiply them, write " + n.name.split("").join("*") + "." : "");
          }
          break;
        case "ArrayNode":
          if (!allowArray) problem = "The answer is a single expression, not a list in [ ].";
          else if (parent && parent.type === "ArrayNode") depth = Math.max(depth, 2);
          else if (parent) problem = "Square brackets [ ] go only around the whole vector or matrix.";
          break;
        default:
          problem = "Only numbers, variables, + \u2212 * / ^ and functions such as sin(x) can appear here.";
      }
    });
    if (problem) return { error: problem };
    return { node: node, text: text };
  }

  function realNumber(math, value) {
    if (typeof value === "number") return isFinite(value) ? value : null;
    if (value && typeof value.re === "number" && typeof value.im === "number") {
      return Math.abs(value.im) <= 1e-12 * Math.max(1, Math.abs(value.re)) && isFinite(value.re) ? value.re : null;
    }
    return null;
  }

  function scopeAt(math, point) {
    var scope = { ln: math.log };
    for (var k in point) if (Object.prototype.hasOwnProperty.call(point, k)) scope[k] = point[k];
    return scope;
  }

  function evaluate(math, compiled, point) {
    try {
      return realNumber(math, compiled.evaluate(scopeAt(math, point)));
    } catch (err) {
      return null;
    }
  }

  function accepts(u, v, rtol, atol) {
    if (v === null || v === undefined) return true;
    return u !== null && Math.abs(u - v) <= atol + rtol * Math.abs(v);
  }

  function pointText(point) {
    var names = Object.keys(point);
    return names.map(function (k) { return k + " = " + formatNumber(point[k]); }).join(", ");
  }

  /* Equal to the answer but for a constant factor or a constant term? Say so. */
  function diagnose(us, vs, variant) {
    var pairs = [];
    for (var i = 0; i < vs.length; i++) if (vs[i] !== null && us[i] !== null) pairs.push([us[i], vs[i]]);
    if (pairs.length < 2) return null;
    var tol = function (a, b) { return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b)); };
    var ratio = pairs[0][1] !== 0 ? pairs[0][0] / pairs[0][1] : null;
    if (ratio !== null && pairs.every(function (p) { return tol(p[0], ratio * p[1]); })) {
      if (tol(ratio, -1)) return "It has the wrong sign everywhere: check a minus sign.";
      if (ratio !== 0) return "It is the answer times " + formatNumber(ratio) + ": check a constant factor.";
    }
    var shift = pairs[0][0] - pairs[0][1];
    if (variant.variables.length && pairs.every(function (p) { return tol(p[0] - p[1], shift); })) {
      return "It differs from the answer by the constant " + formatNumber(shift) + ".";
    }
    return null;
  }

  function checkFormula(math, variant, raw) {
    var r = read(math, raw, variant.variables, false);
    if (r.error) return invalid(r.error);
    var compiled = r.node.compile();
    var us = variant.points.map(function (p) { return evaluate(math, compiled, p); });
    var tex = toTex(r.node);
    for (var w = 0; w < variant.wrong.length; w++) {
      var wv = variant.wrong[w].values;
      if (us.every(function (u, i) { return accepts(u, wv[i], variant.rtol, variant.atol); }) &&
          !us.every(function (u, i) { return accepts(u, variant.values[i], variant.rtol, variant.atol); })) {
        return { verdict: "wrong", message: "Not quite.", feedback: w, entries: null, tex: tex };
      }
    }
    for (var i = 0; i < variant.points.length; i++) {
      if (!accepts(us[i], variant.values[i], variant.rtol, variant.atol)) {
        var where = variant.variables.length ? "At " + pointText(variant.points[i]) + " your expression is " : "Your expression is ";
        var hint = diagnose(us, variant.values, variant);
        return {
          verdict: "wrong",
          message: "Not right. " + where + formatNumber(us[i]) + ", and the answer is " +
            formatNumber(variant.values[i]) + "." + (hint ? " " + hint : ""),
          feedback: null, entries: null, tex: tex
        };
      }
    }
    return { verdict: "correct", message: "Correct.", feedback: null, entries: null, tex: tex };
  }

  function checkNumeric(math, variant, raw) {
    var r = read(math, raw, [], false);
    if (r.error) return invalid(r.error);
    var u = evaluate(math, r.node.compile(), {});
    if (u === null) return invalid("That is not a real number.");
    var tex = toTex(r.node);
    if (accepts(u, variant.value, variant.rtol, variant.atol)) {
      return { verdict: "correct", message: "Correct.", feedback: null, entries: null, tex: tex };
    }
    for (var w = 0; w < variant.wrong.length; w++) {
      if (accepts(u, variant.wrong[w].value, variant.rtol, variant.atol)) {
        return { verdict: "wrong", message: "Not quite.", feedback: w, entries: null, tex: tex };
      }
    }
    var message = "Not right.";
    if (accepts(-u, variant.value, variant.rtol, variant.atol)) message += " Check the sign.";
    else if (accepts(u, variant.value, Math.max(0.05, 10 * variant.rtol), 10 * variant.atol)) {
      message += " It is close: work with more digits until the end, and round only the final answer.";
    }
    return { verdict: "wrong", message: message, feedback: null, entries: null, tex: tex };
  }

  /* The reader's vector or matrix as rows of compiled entries, or {error}. */
  function readMatrix(math, raw, variables) {
    var r = read(math, raw, variables, true);
    if (r.error) return r;
    var node = r.node;
    while (node.type === "ParenthesisNode") node = node.content;
    if (node.type !== "ArrayNode") {
      return { error: "Type the answer in square brackets: a vector as [a, b, c], a matrix as [a, b; c, d] " +
        "(rows separated by ;)." };
    }
    var rows;
    var nested = node.items.map(function (it) { return it.type === "ArrayNode"; });
    if (nested.every(Boolean)) rows = node.items.map(function (it) { return it.items; });
    else if (!nested.some(Boolean)) rows = [node.items];
    else return { error: "Mix of numbers and rows: write every row in brackets, or use ; between rows." };
    var width = rows[0].length;
    if (width === 0) return { error: "The brackets are empty." };
    for (var i = 1; i < rows.length; i++) {
      if (rows[i].length !== width) return { error: "The rows have different lengths (" + rows[0].length + " and " + rows[i].length + ")." };
    }
    return {
      rows: rows.map(function (row) { return row.map(function (e) { return e.compile(); }); }),
      shape: [rows.length, width],
      tex: "\\begin{bmatrix}" + rows.map(function (row) {
        return row.map(toTex).join(" & ");
      }).join(" \\\\ ") + "\\end{bmatrix}"
    };
  }

  /* Is the reader's matrix (values us, shape want transposed) the answer's transpose?
   * Entry (i, j) of the reader's is compared with (j, i) of the answer. */
  function transposeOf(us, variant, want) {
    var rows = want[1], cols = want[0];
    return us.every(function (row, k) {
      for (var i = 0; i < rows; i++) for (var j = 0; j < cols; j++) {
        if (!accepts(row[i * cols + j], variant.values[k][j * want[1] + i], variant.rtol, variant.atol)) return false;
      }
      return true;
    });
  }

  function shapeText(shape) { return shape[0] + "\u00d7" + shape[1]; }

  function matrixValues(math, m, points) {
    return points.map(function (p) {
      var out = [];
      m.rows.forEach(function (row) { row.forEach(function (c) { out.push(evaluate(math, c, p)); }); });
      return out;
    });
  }

  function allAccepted(us, vs, variant) {
    return us.every(function (row, k) {
      return row.every(function (u, i) { return accepts(u, vs[k][i], variant.rtol, variant.atol); });
    });
  }

  function checkMatrix(math, variant, raw) {
    var m = readMatrix(math, raw, variant.variables);
    if (m.error) return invalid(m.error);
    var want = variant.shape.length === 1 ? [1, variant.shape[0]] : variant.shape;
    var got = m.shape;
    var flat = variant.shape.length === 1;
    var us = matrixValues(math, m, variant.points);
    var result = function (verdict, message, feedback, entries) {
      return { verdict: verdict, message: message, feedback: feedback, entries: entries, tex: m.tex };
    };
    /* a vector may be typed as a row or as a column */
    var sameShape = got[0] === want[0] && got[1] === want[1];
    var asColumn = flat && got[0] === want[1] && got[1] === 1;
    for (var w = 0; w < variant.wrong.length; w++) {
      var ws = variant.wrong[w].shape.length === 1 ? [1, variant.wrong[w].shape[0]] : variant.wrong[w].shape;
      var wSame = (got[0] === ws[0] && got[1] === ws[1]) || (variant.wrong[w].shape.length === 1 && got[0] === ws[1] && got[1] === 1);
      if (wSame && allAccepted(us, variant.wrong[w].values, variant) && !((sameShape || asColumn) && allAccepted(us, variant.values, variant))) {
        return result("wrong", "Not quite.", w, null);
      }
    }
    if (!sameShape && !asColumn) {
      if (!flat && got[0] === want[1] && got[1] === want[0]) {
        if (transposeOf(us, variant, want)) {
          return result("wrong", "This is the transpose of the answer: it should be " + shapeText(want) +
            ", with one row per output (or per function) and one column per input (per variable).", null, null);
        }
      }
      var what = flat ? "a vector of " + want[1] + " entries" : "a " + shapeText(want) + " matrix (" + want[0] +
        " row" + (want[0] === 1 ? "" : "s") + " and " + want[1] + " column" + (want[1] === 1 ? "" : "s") + ")";
      return result("wrong", "Your answer is " + shapeText(got) + "; the answer is " + what + ".", null, null);
    }
    var wrongEntries = [];
    for (var i = 0; i < want[0] * want[1]; i++) {
      var ok = us.every(function (row, k) { return accepts(row[i], variant.values[k][i], variant.rtol, variant.atol); });
      if (!ok) wrongEntries.push(flat ? [i + 1] : [Math.floor(i / want[1]) + 1, (i % want[1]) + 1]);
    }
    if (wrongEntries.length === 0) return result("correct", "Correct.", null, null);
    if (!flat && want[0] === want[1] && transposeOf(us, variant, want)) {
      return result("wrong", "This is the transpose of the answer: a Jacobian has one row per output (per " +
        "function) and one column per input (per variable).", null, wrongEntries);
    }
    var names = wrongEntries.map(function (e) { return e.length === 1 ? "entry " + e[0] : "(" + e[0] + ", " + e[1] + ")"; });
    var total = want[0] * want[1];
    var message = wrongEntries.length === total ? "Not right: no entry is." :
      "Not right: " + (flat ? listWords(names) : "entr" + (names.length === 1 ? "y " : "ies ") + listWords(names)) +
      (names.length === 1 ? " is" : " are") + " wrong; the other" + (total - names.length === 1 ? " is" : "s are") + " right.";
    return result("wrong", message, null, wrongEntries);
  }

  function checkChoice(variant, chosen) {
    var picked = (chosen || []).slice().sort(function (a, b) { return a - b; });
    var none = { verdict: "invalid", message: variant.multiple ? "Tick at least one option." : "Choose an option.",
      feedback: null, entries: null, tex: null };
    if (picked.length === 0) return none;
    for (var k = 0; k < picked.length; k++) {
      if (!(picked[k] >= 0 && picked[k] < variant.options.length)) return invalid("That option does not exist.");
    }
    var right = [];
    variant.options.forEach(function (o, i) { if (o.correct) right.push(i); });
    var wrongPicked = picked.filter(function (i) { return !variant.options[i].correct; });
    if (!variant.multiple) {
      if (picked.length > 1) return invalid("Choose one option.");
      return variant.options[picked[0]].correct
        ? { verdict: "correct", message: "Correct.", feedback: null, entries: null, tex: null }
        : { verdict: "wrong", message: "Not quite.", feedback: picked[0], entries: null, tex: null };
    }
    var missing = right.filter(function (i) { return picked.indexOf(i) < 0; }).length;
    if (wrongPicked.length === 0 && missing === 0) {
      return { verdict: "correct", message: "Correct: you found all " + right.length + ".", feedback: null, entries: null, tex: null };
    }
    var parts = [];
    if (wrongPicked.length) parts.push(wrongPicked.length + " of your choices " + (wrongPicked.length === 1 ? "is" : "are") + " not right");
    if (missing) parts.push(missing + " right option" + (missing === 1 ? " is" : "s are") + " missing");
    return { verdict: "wrong", message: "Not quite: " + parts.join(", and ") + ".",
      feedback: wrongPicked.length ? wrongPicked[0] : null, entries: null, tex: null };
  }

  function check(math, kind, variant, answer) {
    try {
      if (kind === "formula") return checkFormula(math, variant, answer);
      if (kind === "numeric") return checkNumeric(math, variant, answer);
      if (kind === "matrix") return checkMatrix(math, variant, answer);
      if (kind === "choice") return checkChoice(variant, answer);
      return invalid("This question's kind (" + kind + ") is not known to the checker.");
    } catch (err) {
      return invalid("This answer could not be checked: " + err.message);
    }
  }

  /* The reader's input as TeX for the preview, or {error}. */
  function preview(math, kind, variant, raw) {
    if (!raw || !raw.trim()) return { tex: null };
    if (kind === "matrix") {
      var m = readMatrix(math, raw, variant.variables);
      return m.error ? { error: m.error } : { tex: m.tex };
    }
    var r = read(math, raw, kind === "numeric" ? [] : variant.variables, false);
    return r.error ? { error: r.error } : { tex: toTex(r.node) };
  }

  return { check: check, preview: preview, read: read, FUNCTIONS: FUNCTIONS, MAX_LENGTH: MAX_LENGTH };
});
