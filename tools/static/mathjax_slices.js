/* Typeset the page's math in short slices instead of in one long task.
 *
 * By default MathJax typesets every formula of a page in a single task: on a chapter
 * with a few hundred formulas that freezes the page for a quarter of a second or more
 * (no scrolling, no clicks). Here the formulas on the screen (and above it) are typeset
 * first, all at once, so that the text the reader sees reflows only once; then the
 * others, a few at a time, each slice sized to take about 30 ms, with the browser free
 * to paint and answer the reader in between. Every formula is still typeset, and
 * MathJax.startup.promise still resolves only once all of them are.
 * Loaded (deferred) before MathJax itself by tools/page_fixes.py.
 */
(function () {
  "use strict";
  if (!window.MathJax) return; // a page without math
  var BUDGET_MS = 30;
  var startup = (window.MathJax.startup = window.MathJax.startup || {});
  startup.typeset = false; // not all at once: pageReady does it below

  function pause() {
    return new Promise(function (resolve) { setTimeout(resolve, 0); });
  }

  startup.pageReady = async function () {
    var height = window.innerHeight;
    var seen = [], queue = [];
    document.querySelectorAll("span.math, div.math").forEach(function (element) {
      var shown = element.getClientRects().length > 0; // not in a closed dropdown
      (shown && element.getBoundingClientRect().top < height ? seen : queue).push(element);
    });
    if (seen.length) {
      await window.MathJax.typesetPromise(seen);
      await pause();
    }
    var size = 4;
    for (var i = 0; i < queue.length; ) {
      var slice = queue.slice(i, i + size);
      i += slice.length;
      var start = performance.now();
      await window.MathJax.typesetPromise(slice);
      var took = performance.now() - start;
      if (took < BUDGET_MS / 2) size *= 2;
      else if (took > BUDGET_MS) size = Math.max(1, Math.floor(size / 2));
      await pause();
    }
    // anything MathJax would find outside those elements (none in this book, so far)
    await window.MathJax.typesetPromise();
  };
})();
