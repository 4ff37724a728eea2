/* The Taylor-series explorer of mvcalc (Module 4, "Power Series").
 *
 * No library, no network. The page's Python computed everything at build time
 * and embedded it as JSON next to this script: for each function, its samples
 * on a grid and the samples of its Taylor polynomials of order 0, 1, ...,
 * max_order. This script only draws them (SVG) and wires the two controls:
 * a <select> for the function and an <input type=range> for the order.
 *
 * Each widget calls window.mvcalcTaylor.init(id) once, after its markup; the
 * script itself may be included several times on a page and defines init once.
 */
(function () {
  "use strict";
  if (window.mvcalcTaylor) {
    return;
  }

  var SVG = "http://www.w3.org/2000/svg";
  var W = 640, H = 380;                               // the SVG's viewBox
  var M = {left: 46, right: 14, top: 14, bottom: 30}; // room for tick labels

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }

  // Tick positions: a "nice" step (1, 2 or 5 times a power of ten), about six ticks.
  function ticks(lo, hi) {
    var raw = (hi - lo) / 6, power = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * power; })
      .filter(function (s) { return s >= raw; })[0];
    var out = [];
    for (var t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) {
      out.push(Math.abs(t) < 1e-9 * step ? 0 : t);
    }
    return out;
  }

  function fmt(t) {
    var s = String(Math.round(t * 1000) / 1000);
    return s.charAt(0) === "-" ? "\u2212" + s.slice(1) : s;   // a real minus sign
  }

  // The SVG path of samples (xs, ys): null breaks the line, and so does a jump
  // from above the window to below it (or back) between two samples: a pole.
  function pathOf(xs, ys, sx, sy, ylo, yhi) {
    var d = [], pen = false, prev = null;
    for (var i = 0; i < xs.length; i++) {
      var y = ys[i];
      if (y === null) { pen = false; prev = null; continue; }
      if (prev !== null && ((prev > yhi && y < ylo) || (prev < ylo && y > yhi))) { pen = false; }
      d.push((pen ? "L" : "M") + sx(xs[i]).toFixed(1) + " " + sy(y).toFixed(1));
      pen = true;
      prev = y;
    }
    return d.join("");
  }

  function init(id) {
    var root = document.getElementById(id);
    if (!root || root.getAttribute("data-ready") === "1") { return; }
    var data = JSON.parse(document.getElementById(id + "-data").textContent);
    var select = document.getElementById(id + "-function");
    var slider = document.getElementById(id + "-order");
    var readout = document.getElementById(id + "-readout");
    var value = document.getElementById(id + "-value");
    var svg = root.querySelector("svg.mvt-plot");
    var legend = root.querySelector(".mvt-legend");
    var uid = 0;

    function draw() {
      var fn = data.functions[Number(select.value)];
      var n = Number(slider.value);
      var win = fn.window, xlo = win[0], xhi = win[1], ylo = win[2], yhi = win[3];
      var sx = function (x) { return M.left + (x - xlo) / (xhi - xlo) * (W - M.left - M.right); };
      var sy = function (y) { return H - M.bottom - (y - ylo) / (yhi - ylo) * (H - M.top - M.bottom); };
      var clip = id + "-clip-" + (uid++);

      while (svg.firstChild) { svg.removeChild(svg.firstChild); }
      var defs = el("defs", {}, svg);
      el("rect", {x: M.left, y: M.top, width: W - M.left - M.right, height: H - M.top - M.bottom},
         el("clipPath", {id: clip}, defs));

      var grid = el("g", {"class": "mvt-grid"}, svg);
      var labels = el("g", {"class": "mvt-ticks"}, svg);
      ticks(xlo, xhi).forEach(function (t) {
        el("line", {x1: sx(t), x2: sx(t), y1: M.top, y2: H - M.bottom}, grid);
        el("text", {x: sx(t), y: H - M.bottom + 18, "text-anchor": "middle"}, labels).textContent = fmt(t);
      });
      ticks(ylo, yhi).forEach(function (t) {
        el("line", {x1: M.left, x2: W - M.right, y1: sy(t), y2: sy(t)}, grid);
        el("text", {x: M.left - 6, y: sy(t) + 4, "text-anchor": "end"}, labels).textContent = fmt(t);
      });
      var axes = el("g", {"class": "mvt-axes"}, svg);
      var x0 = Math.min(Math.max(0, xlo), xhi), y0 = Math.min(Math.max(0, ylo), yhi);
      el("line", {x1: M.left, x2: W - M.right, y1: sy(y0), y2: sy(y0)}, axes);
      el("line", {x1: sx(x0), x2: sx(x0), y1: M.top, y2: H - M.bottom}, axes);

      var plot = el("g", {"clip-path": "url(#" + clip + ")"}, svg);
      el("path", {"class": "mvt-function", d: pathOf(fn.x, fn.y, sx, sy, ylo, yhi)}, plot);
      el("path", {"class": "mvt-polynomial", "data-order": n,
                  d: pathOf(fn.x, fn.polynomials[n], sx, sy, ylo, yhi)}, plot);
      if (fn.fa !== null && fn.fa >= ylo && fn.fa <= yhi) {
        el("circle", {"class": "mvt-point", cx: sx(fn.a), cy: sy(fn.fa), r: 4.5}, plot);
      }

      var key = function (cls) {
        var k = el("svg", {"class": "mvt-key", viewBox: "0 0 28 10", width: 28, height: 10, "aria-hidden": "true"});
        el("line", {"class": cls, x1: 1, x2: 27, y1: 5, y2: 5}, k);
        return k;
      };
      var items = [[key("mvt-function"), "f(x) = " + fn.label],
                   [key("mvt-polynomial"), "its Taylor polynomial of order " + n + " about x = " + fmt(fn.a)]];
      while (legend.firstChild) { legend.removeChild(legend.firstChild); }
      items.forEach(function (item) {
        var span = document.createElement("span");
        span.appendChild(item[0]);
        span.appendChild(document.createTextNode(" " + item[1]));
        legend.appendChild(span);
      });

      value.textContent = "n = " + n;
      slider.setAttribute("aria-valuetext", "order " + n);
      readout.textContent = fn.formulas[n];
      svg.setAttribute("aria-label", "Graph of f(x) = " + fn.label + " and its Taylor polynomial of order " +
                       n + " about x = " + fmt(fn.a) + ", " + fn.formulas[n] + ".");
      root.setAttribute("data-function", select.value);
      root.setAttribute("data-order", String(n));
    }

    select.addEventListener("change", draw);
    slider.addEventListener("input", draw);
    slider.addEventListener("change", draw);
    root.setAttribute("data-ready", "1");
    draw();
  }

  window.mvcalcTaylor = {init: init};
})();
