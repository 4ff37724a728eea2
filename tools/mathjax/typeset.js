#!/usr/bin/env node
/*
 * Typeset TeX formulas into MathJax's CommonHTML, once, at build time.
 *
 * Used by tools/prerender_math.py. It reads one JSON object on standard input:
 *
 *   {"tex": {"macros": {...}},          the book's MathJax TeX configuration (_config.yml)
 *    "packages": ["base", "ams", ...],  the TeX packages (no "noundefined": an unknown macro is an error)
 *    "assistive": true,                 add the hidden MathML that screen readers read
 *    "fontURL": "...",                  where the page's stylesheet says the fonts are
 *    "pages": [[{"tex": "x^2", "display": false}, ...], ...]}
 *
 * and writes one JSON object on standard output:
 *
 *   {"pages": [{"html": ["<mjx-container ...>", ...],  one per formula, in order
 *               "css": "...",                        the stylesheet for exactly those formulas
 *               "errors": [{"index": 3, "message": "Undefined control sequence \\foo"}]}]}
 *
 * Every page gets a fresh MathJax document, so its stylesheet holds only the characters the page uses.
 */
'use strict';

const {mathjax} = require('mathjax-full/js/mathjax.js');
const {TeX} = require('mathjax-full/js/input/tex.js');
const {CHTML} = require('mathjax-full/js/output/chtml.js');
const {liteAdaptor} = require('mathjax-full/js/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = require('mathjax-full/js/handlers/html.js');
const {AssistiveMmlHandler} = require('mathjax-full/js/a11y/assistive-mml.js');
require('mathjax-full/js/input/tex/AllPackages.js');  // registers every TeX package by name

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (chunk) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

function typesetPage(adaptor, request, formulas) {
  const errors = [];
  let current = -1;
  const tex = new TeX({
    ...(request.tex || {}),
    packages: request.packages,
    // called for a TeX error: keep it, and let MathJax draw its usual red message
    formatError(jax, error) {
      errors.push({index: current, message: error.message});
      return jax.formatError(error);
    },
  });
  const chtml = new CHTML({fontURL: request.fontURL, adaptiveCSS: true});
  const doc = mathjax.document('', {InputJax: tex, OutputJax: chtml});
  const html = formulas.map((formula, index) => {
    current = index;
    if (typeof formula.tex !== 'string') {
      throw new TypeError(`formula ${index} has no "tex" string`);
    }
    const node = doc.convert(formula.tex, {display: Boolean(formula.display)});
    return adaptor.outerHTML(node);
  });
  const css = adaptor.textContent(chtml.styleSheet(doc));
  return {html, css, errors};
}

async function main() {
  const request = JSON.parse(await readStdin());
  if (!Array.isArray(request.pages)) {
    throw new TypeError('the request needs "pages": a list of lists of formulas');
  }
  const adaptor = liteAdaptor();
  const handler = RegisterHTMLHandler(adaptor);
  if (request.assistive) {
    AssistiveMmlHandler(handler);
  }
  const pages = request.pages.map((formulas) => typesetPage(adaptor, request, formulas));
  process.stdout.write(JSON.stringify({pages}));
}

main().catch((error) => {
  process.stderr.write(`typeset.js: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
