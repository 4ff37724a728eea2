/* The build's check of every question, with the same checker the page runs (check.js).
 *
 *   node selfcheck.js questions.json
 *
 * questions.json is a list of {page, key, kind, variants} as tools/questions.py collects them.
 * For every variant: the question's own answer must be accepted, and every common wrong answer
 * listed must be rejected *and* recognised (so that the reader sees its feedback). For a choice
 * question every wrong option, and for several right options each incomplete set, must be
 * rejected. Prints one line per failure and exits 1 if there is any.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const math = require(path.join(__dirname, "..", "mathjax", "node_modules", "mathjs"));
const checker = require(path.join(__dirname, "check.js"));

function answers(kind, variant) {
  /* [what to type, the verdict it must get, the feedback index it must be recognised as] */
  const out = [];
  if (kind === "formula" || kind === "matrix") {
    out.push([variant.answer, "correct", null]);
    variant.wrong.forEach((w, i) => out.push([w.answer, "wrong", i]));
  } else if (kind === "numeric") {
    out.push([String(variant.value), "correct", null]);
    variant.wrong.forEach((w, i) => out.push([String(w.value), "wrong", i]));
  } else if (kind === "choice") {
    const right = variant.options.map((o, i) => (o.correct ? i : -1)).filter((i) => i >= 0);
    out.push([right, "correct", null]);
    variant.options.forEach((o, i) => {
      if (!o.correct) out.push([variant.multiple ? right.concat([i]) : [i], "wrong", i]);
    });
    if (variant.multiple && right.length > 1) right.forEach((r) => out.push([right.filter((i) => i !== r), "wrong", null]));
  }
  return out;
}

function main() {
  const questions = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const failures = [];
  let checked = 0;
  for (const q of questions) {
    q.variants.forEach((variant, k) => {
      for (const [given, verdict, feedback] of answers(q.kind, variant)) {
        const result = checker.check(math, q.kind, variant, given);
        checked += 1;
        const where = `${q.page}: question ${q.key}${q.variants.length > 1 ? ` (variant ${k + 1})` : ""}`;
        if (result.verdict !== verdict) {
          failures.push(`${where}: ${JSON.stringify(given)} is ${result.verdict} (${result.message}), expected ${verdict}`);
        } else if (verdict === "wrong" && feedback !== null && result.feedback !== feedback) {
          failures.push(`${where}: the wrong answer ${JSON.stringify(given)} is rejected but not recognised, ` +
            `so its feedback would not show (got ${result.message})`);
        }
      }
    });
  }
  if (failures.length) {
    console.log(failures.join("\n"));
    process.exit(1);
  }
  console.log(`${questions.length} questions, ${checked} answers checked`);
}

main();
