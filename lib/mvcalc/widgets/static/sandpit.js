/* The Sandpit, playable in the page: find the phone at the lowest point of a hidden landscape.
 *
 * Plain JavaScript, no library, no network. The data (depths on a grid, where the phone lies,
 * the contour lines, the rules) are computed by Python when the page is built:
 * see mvcalc/widgets/sandpit.py. The rules and messages follow mvcalc.sandpit.Sandpit; the constants of
 * the rules (the winning radius, the flat slope, the stuck rule's STUCK_RULE) come from Python in the data.
 *
 * The drawing is an SVG whose units are centimetres: the point (x, y) of the pit, in metres,
 * is drawn at (100 x, 100 (6 - y)), so that y points up as on a map.
 */
(function () {
  "use strict";
  if (window.mvcalcSandpit) return; // a page with two games loads this twice

  var SVG = "http://www.w3.org/2000/svg";
  var CM = 100; // drawing units per metre
  var MINUS = "\u2212";
  var ARROW = 0.4; // length of a downhill arrow, in metres (as mvcalc.sandpit.plot_pit)
  var STEP = 0.1; // a press of an arrow key moves the dip-stick this far, in metres
  var BIG_STEP = 0.5; // ... and with Shift held
  var games = 0; // games started on this page, for unique element ids

  // ---------------------------------------------------------------------------
  // The floor: depths on the grid, interpolated between grid points
  // ---------------------------------------------------------------------------

  /* Depths from base64 little-endian 16-bit integers q: d = lo + q (hi - lo) / 65535. */
  function decodeDepths(data) {
    var bytes = window.atob(data.depths);
    var quantum = (data.hi - data.lo) / 65535;
    var z = new Float64Array(data.n * data.n);
    for (var k = 0; k < z.length; k++) {
      z[k] = data.lo + (bytes.charCodeAt(2 * k) | (bytes.charCodeAt(2 * k + 1) << 8)) * quantum;
    }
    return z;
  }

  /* Catmull-Rom weights of the four grid values around a point a fraction t into its cell. */
  function weights(t) {
    var t2 = t * t, t3 = t2 * t;
    return [0.5 * (-t + 2 * t2 - t3), 0.5 * (2 - 5 * t2 + 3 * t3), 0.5 * (t + 4 * t2 - 3 * t3), 0.5 * (t3 - t2)];
  }

  /* Their derivatives with respect to t. */
  function slopeWeights(t) {
    var t2 = t * t;
    return [0.5 * (-1 + 4 * t - 3 * t2), 0.5 * (-10 * t + 9 * t2), 0.5 * (1 + 8 * t - 9 * t2), 0.5 * (3 * t2 - 2 * t)];
  }

  function Floor(data) {
    var n = data.n, h = data.pit / (data.n - 1), z = decodeDepths(data);
    this.n = n;
    this.h = h;
    this.z = z;

    /* Depth at grid point (row i, column j); one point past a wall, the floor continues in a straight line. */
    function node(i, j) {
      if (i < 0) return 2 * node(0, j) - node(1, j);
      if (i > n - 1) return 2 * node(n - 1, j) - node(n - 2, j);
      if (j < 0) return 2 * node(i, 0) - node(i, 1);
      if (j > n - 1) return 2 * node(i, n - 1) - node(i, n - 2);
      return z[i * n + j];
    }

    /* The cell [k h, (k + 1) h] that holds u, and how far into it u lies. */
    function cell(u) {
      var k = Math.min(Math.floor(u / h), n - 2);
      return { k: k, t: u / h - k };
    }

    /* Depth and gradient at (x, y): bicubic (Catmull-Rom) interpolation and its derivative. */
    this.at = function (x, y) {
      var cx = cell(x), cy = cell(y);
      var wx = weights(cx.t), wy = weights(cy.t), sx = slopeWeights(cx.t), sy = slopeWeights(cy.t);
      var d = 0, gx = 0, gy = 0;
      for (var a = 0; a < 4; a++) {
        for (var b = 0; b < 4; b++) {
          var v = node(cy.k - 1 + a, cx.k - 1 + b);
          d += wy[a] * wx[b] * v;
          gx += wy[a] * sx[b] * v;
          gy += sy[a] * wx[b] * v;
        }
      }
      return { depth: d, gx: gx / h, gy: gy / h };
    };
  }

  // ---------------------------------------------------------------------------
  // The stuck rule: the twin of mvcalc.sandpit._stuck, step for step and float for float
  // ---------------------------------------------------------------------------

  /* The distance from p to q, written out as in Python so that both round it the same way. */
  function distance(p, q) {
    var dx = p[0] - q[0], dy = p[1] - q[1];
    return Math.sqrt(dx * dx + dy * dy);
  }

  function clip(v, pit) {
    return Math.min(Math.max(v, 0), pit);
  }

  /* a * u + b * v, clipped to the pit. */
  function combine(a, u, b, v, pit) {
    return [clip(a * u[0] + b * v[0], pit), clip(a * u[1] + b * v[1], pit)];
  }

  /* A Nelder-Mead descent of depth(p) from start, kept inside the pit (mvcalc.sandpit._nelder_mead):
     the best vertex once the simplex has converged, or null as soon as it is farther than reach from centre. */
  function nelderMead(depth, start, centre, reach, rule, pit) {
    var side = rule.simplex;
    var simplex = [[start[0], start[1]], [start[0] + side, start[1]], [start[0], start[1] + side]];
    simplex.forEach(function (v) {
      for (var c = 0; c < 2; c++) if (v[c] > pit) v[c] -= 2 * side; // at the far walls, point it inwards
    });
    var values = simplex.map(depth);
    var evaluations = 3, iterations = 1;

    function order() { // best vertex first; Array.prototype.sort is stable, like numpy's stable argsort
      var ranks = [0, 1, 2].sort(function (a, b) { return values[a] - values[b]; });
      simplex = ranks.map(function (k) { return simplex[k]; });
      values = ranks.map(function (k) { return values[k]; });
    }

    order();
    while (evaluations < rule.maxfev && iterations < rule.maxiter) {
      var spread = 0, gap = 0;
      for (var j = 1; j < 3; j++) {
        spread = Math.max(spread, Math.abs(simplex[j][0] - simplex[0][0]), Math.abs(simplex[j][1] - simplex[0][1]));
        gap = Math.max(gap, Math.abs(values[0] - values[j]));
      }
      if (spread <= rule.xatol && gap <= rule.fatol) break;
      var mid = [(simplex[0][0] + simplex[1][0]) / 2, (simplex[0][1] + simplex[1][1]) / 2], worst = simplex[2];
      var reflected = combine(2, mid, -1, worst, pit), dReflected = depth(reflected);
      evaluations += 1;
      var fresh = null; // the vertex that replaces the worst one; null: shrink towards the best one
      if (dReflected < values[0]) {
        var expanded = combine(3, mid, -2, worst, pit), dExpanded = depth(expanded);
        evaluations += 1;
        fresh = dExpanded < dReflected ? [expanded, dExpanded] : [reflected, dReflected];
      } else if (dReflected < values[1]) {
        fresh = [reflected, dReflected];
      } else if (dReflected < values[2]) {
        var outside = combine(1.5, mid, -0.5, worst, pit), dOutside = depth(outside);
        evaluations += 1;
        if (dOutside <= dReflected) fresh = [outside, dOutside];
      } else {
        var inside = combine(0.5, mid, 0.5, worst, pit), dInside = depth(inside);
        evaluations += 1;
        if (dInside < values[2]) fresh = [inside, dInside];
      }
      if (fresh === null) {
        for (var k = 1; k < 3; k++) {
          var best = simplex[0], v = simplex[k];
          simplex[k] = [clip(best[0] + 0.5 * (v[0] - best[0]), pit), clip(best[1] + 0.5 * (v[1] - best[1]), pit)];
          values[k] = depth(simplex[k]);
        }
        evaluations += 2;
      } else {
        simplex[2] = fresh[0];
        values[2] = fresh[1];
      }
      iterations += 1;
      order();
      if (distance(simplex[0], centre) > reach) return null; // the descent has left the probe behind
    }
    return distance(simplex[0], centre) > reach ? null : simplex[0];
  }

  /* Whether no point of the pit on a small ring around p is lower than p (mvcalc.sandpit._is_local_minimum). */
  function isLocalMinimum(depth, p, rule, pit) {
    var here = depth(p) - rule.ring_tolerance;
    for (var k = 0; k < rule.ring_points; k++) {
      var angle = k * ((2 * Math.PI) / rule.ring_points);
      var q = [clip(p[0] + rule.ring_radius * Math.cos(angle), pit),
        clip(p[1] + rule.ring_radius * Math.sin(angle), pit)];
      if (depth(q) < here) return false;
    }
    return true;
  }

  /* Whether a probe is stuck in a local minimum that is not the phone's (mvcalc.sandpit._stuck): a descent from
     it, restarted where it stalls, ends at a true local minimum without leaving the disc of radius winRadius
     around the probe, and that minimum is farther than winRadius from the phone. depth(p) takes p = [x, y]. */
  function isStuck(depth, probe, phone, winRadius, rule, pit) {
    var end = probe;
    for (var k = 0; k < rule.restarts; k++) {
      end = nelderMead(depth, end, probe, winRadius, rule, pit);
      if (end === null) return false;
      if (isLocalMinimum(depth, end, rule, pit)) return distance(end, phone) > winRadius;
    }
    return false;
  }

  // ---------------------------------------------------------------------------
  // Words
  // ---------------------------------------------------------------------------

  function num(v) {
    var s = v.toFixed(2);
    return s.charAt(0) === "-" ? MINUS + s.slice(1) : s;
  }

  function signed(v) {
    return (v < 0 || Object.is(v, -0) ? MINUS : "+") + Math.abs(v).toFixed(2);
  }

  function probes(k) {
    return k + " probe" + (k === 1 ? "" : "s");
  }

  function at(p) {
    return "(" + num(p[0]) + ", " + num(p[1]) + ")";
  }

  // ---------------------------------------------------------------------------
  // Drawing
  // ---------------------------------------------------------------------------

  function el(name, attrs, parent, text) {
    var e = document.createElementNS(SVG, name);
    for (var key in attrs) e.setAttribute(key, attrs[key]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function html(name, attrs, parent, text) {
    var e = document.createElement(name);
    for (var key in attrs) e.setAttribute(key, attrs[key]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  /* Drawing coordinates of the point (x, y) in metres. */
  function sx(x) {
    return +(CM * x).toFixed(2);
  }

  function sy(y, pit) {
    return +(CM * (pit - y)).toFixed(2);
  }

  function star(cx, cy, r) {
    var points = [];
    for (var k = 0; k < 10; k++) {
      var angle = Math.PI / 2 + (k * Math.PI) / 5, radius = k % 2 ? 0.45 * r : r;
      points.push((cx + radius * Math.cos(angle)).toFixed(1) + "," + (cy - radius * Math.sin(angle)).toFixed(1));
    }
    return points.join(" ");
  }

  // ---------------------------------------------------------------------------
  // The game
  // ---------------------------------------------------------------------------

  function Game(root, data) {
    var floor = new Floor(data);
    var depthAt = function (q) { return floor.at(q[0], q[1]).depth; };
    var pit = data.pit, side = CM * pit;
    var uid = (root.id || "mvcalc-sandpit") + "-" + ++games;
    var phone = data.minimum;
    var history = [];
    var cursor = [pit / 2, pit / 2];
    var over = false;

    // the page: a bar with the probes left and New game, the pit, the messages, the log
    var noscript = root.querySelector("noscript");
    if (noscript) root.removeChild(noscript);
    var board = html("div", { class: "sp-game" }, root);
    var bar = html("div", { class: "sp-bar" }, board);
    var title = html("p", { class: "sp-title" }, bar);
    html("strong", {}, title, "The Sandpit");
    title.appendChild(document.createTextNode(
      ": " + data.name + ", " + (data.mode === "gradient" ? "depth and downhill arrow" : "depth only")));
    var left = html("p", { class: "sp-left" }, bar);
    var again = html("button", { type: "button", class: "sp-new" }, bar, "New game");
    html("p", { class: "sp-help", id: uid + "-help" }, board,
      "Click in the pit to push the dip-stick in. Or focus the pit with Tab, move the dip-stick with the " +
      "arrow keys (" + STEP + " m a press, " + BIG_STEP + " m with Shift) and press Enter to probe.");

    var svg = el("svg", {
      class: "sp-pit", viewBox: "-64 -14 682 682", tabindex: "0", role: "application",
      "aria-label": "Sand pit, " + pit + " by " + pit + " metres", "aria-describedby": uid + "-help " + uid + "-where",
    }, board);
    el("rect", { class: "sp-sand", x: 0, y: 0, width: side, height: side }, svg);
    var contours = el("g", { class: "sp-contours", "aria-hidden": "true" }, svg);
    data.contours.forEach(function (c) {
      var whole = Math.abs(c[0] - Math.round(c[0])) < 1e-9;
      el("path", { class: whole ? "sp-contour sp-major" : "sp-contour", d: c[1], "data-level": c[0] }, contours);
      if (whole) el("text", { class: "sp-level", x: c[2], y: c[3] + 5 }, contours, num(c[0]).replace(".00", ""));
    });
    var axes = el("g", { class: "sp-axes", "aria-hidden": "true" }, svg);
    for (var m = 0; m <= pit; m++) {
      el("line", { x1: CM * m, y1: side, x2: CM * m, y2: side + 8 }, axes);
      el("text", { x: CM * m, y: side + 30, "text-anchor": "middle" }, axes, String(m));
      el("line", { x1: -8, y1: side - CM * m, x2: 0, y2: side - CM * m }, axes);
      el("text", { x: -14, y: side - CM * m + 7, "text-anchor": "end" }, axes, String(m));
    }
    el("text", { x: side / 2, y: side + 60, "text-anchor": "middle" }, axes, "x (m)");
    el("text", { x: -48, y: side / 2, "text-anchor": "middle", transform: "rotate(-90 -48 " + side / 2 + ")" }, axes, "y (m)");
    el("rect", { class: "sp-edge", x: 0, y: 0, width: side, height: side }, svg);
    var phoneMark = el("polygon", { class: "sp-phone", points: star(sx(phone[0]), sy(phone[1], pit), 18) }, svg);
    el("title", {}, phoneMark, "The phone, at " + at(phone));
    var marks = el("g", { class: "sp-probes" }, svg); // above the phone, as in plot_pit
    var pointer = el("g", { class: "sp-cursor", "aria-hidden": "true" }, svg);
    var ring = el("circle", { r: 14 }, pointer);
    var hair1 = el("line", {}, pointer);
    var hair2 = el("line", {}, pointer);

    var where = html("p", { class: "sp-where", id: uid + "-where", "aria-live": "polite" }, board);
    var message = html("div", { class: "sp-message", "aria-live": "polite", role: "status" }, board);
    var log = html("ol", { class: "sp-log", "aria-label": "Probes so far" }, board);

    /* Show (and announce) what the game says; the reading of a probe, if any, comes first. */
    function say(lines, reading) {
      message.textContent = "";
      if (reading) html("span", { class: "sp-reading" }, message, reading);
      lines.forEach(function (line) { html("span", {}, message, line); });
    }

    /* Draw the dip-stick's cursor; say where it is, aloud too if `announce` (keyboard moves). */
    function showCursor(announce) {
      var x = sx(cursor[0]), y = sy(cursor[1], pit);
      ring.setAttribute("cx", x);
      ring.setAttribute("cy", y);
      hair1.setAttribute("x1", x - 22); hair1.setAttribute("x2", x + 22);
      hair1.setAttribute("y1", y); hair1.setAttribute("y2", y);
      hair2.setAttribute("x1", x); hair2.setAttribute("x2", x);
      hair2.setAttribute("y1", y - 22); hair2.setAttribute("y2", y + 22);
      where.setAttribute("aria-live", announce ? "polite" : "off");
      where.textContent = "Dip-stick at " + at(cursor) + ".";
    }

    function setState() {
      var won = history.length > 0 && history[history.length - 1].won;
      root.setAttribute("data-state", won ? "won" : over ? "lost" : "playing");
      root.setAttribute("data-probes", String(history.length));
      var k = data.max_guesses - history.length;
      left.textContent = over ? (won ? "Found in " + probes(history.length) : "No probes left") : probes(k) + " left";
      root.classList.toggle("sp-hurry", !over && history.length >= data.hurry_at);
      root.classList.toggle("sp-revealed", over);
    }

    function reset() {
      history = [];
      over = false;
      marks.textContent = "";
      log.textContent = "";
      setState();
      say(["Find the phone in at most " + probes(data.max_guesses) + ". " +
        (data.mode === "gradient"
          ? "Each probe reads the depth of the floor and shows which way is downhill."
          : "Each probe reads the depth of the floor, nothing more.")]);
    }

    /* Push the dip-stick in at (x, y), in metres: the rules of mvcalc.sandpit.Sandpit.probe. */
    function probe(x, y) {
      if (over) {
        var won = history[history.length - 1].won;
        say(["The game is over: " + (won ? "you found the phone" : "the probes are used up") +
          ". Press New game to play again."]);
        return;
      }
      var p = [x, y], reading = floor.at(x, y);
      var number = history.length + 1, k = data.max_guesses - number;
      var downhill = null, slope = Math.hypot(reading.gx, reading.gy);
      if (data.mode === "gradient" && slope > data.flat_slope) downhill = [-reading.gx / slope, -reading.gy / slope];
      var hit = Math.hypot(x - phone[0], y - phone[1]) <= data.win_radius;
      var stuck = !hit && isStuck(depthAt, p, phone, data.win_radius, data.stuck, pit);

      var first = "Probe " + number + " at " + at(p) + ": depth " + num(reading.depth) + " m";
      if (downhill) first += ", downhill (" + signed(downhill[0]) + ", " + signed(downhill[1]) + ").";
      else if (data.mode === "gradient") first += ", level ground: no way is downhill.";
      else first += ".";
      var lines = [];
      if (hit) {
        lines.push("You found the phone in " + probes(number) + "!");
        lines.push("The sand is cleared to show the contours; the phone lay at " + at(phone) + ".");
      } else {
        if (stuck) lines.push("No phone here: stuck in a local minimum. Try somewhere else.");
        if (k === 0) {
          lines.push("Game over: no probes left. The sand is cleared to show the contours.");
          lines.push("The phone was at " + at(phone) + ". Try again!");
        } else if (number >= data.hurry_at) {
          lines.push("Hurry up: only " + probes(k) + " left!");
        } else {
          lines.push(probes(k) + " left.");
        }
      }
      history.push({ point: p, depth: reading.depth, downhill: downhill, won: hit, stuck: stuck });
      over = hit || k === 0;
      draw(number, p, downhill, hit, stuck, first);
      setState();
      say(lines, first);
    }

    function draw(number, p, downhill, hit, stuck, text) {
      var x = sx(p[0]), y = sy(p[1], pit);
      var g = el("g", {
        class: "sp-probe" + (hit ? " sp-won" : "") + (stuck ? " sp-stuck" : ""),
        "data-number": number, "data-x": p[0], "data-y": p[1],
      }, marks);
      el("title", {}, g, text);
      if (downhill) {
        var tx = sx(p[0] + ARROW * downhill[0]), ty = sy(p[1] + ARROW * downhill[1], pit);
        el("line", { class: "sp-arrow", x1: x, y1: y, x2: tx, y2: ty }, g);
        var ux = downhill[0], uy = -downhill[1], head = 12; // the head, in drawing directions
        el("polygon", {
          class: "sp-arrowhead", points: [
            [tx, ty],
            [tx - head * ux - 0.5 * head * uy, ty - head * uy + 0.5 * head * ux],
            [tx - head * ux + 0.5 * head * uy, ty - head * uy - 0.5 * head * ux],
          ].map(function (q) { return q[0].toFixed(1) + "," + q[1].toFixed(1); }).join(" "),
        }, g);
      }
      if (stuck) {
        el("path", { class: "sp-marker", d: "M" + (x - 8) + " " + (y - 8) + "l16 16m0 -16l-16 16" }, g);
      } else {
        el("circle", { class: "sp-marker", cx: x, cy: y, r: 7 }, g);
      }
      el("text", { class: "sp-number", x: x + 9, y: y - 9 }, g, String(number));
      html("li", {}, log, text);
      log.scrollTop = log.scrollHeight;
    }

    /* Where a pointer event falls, in metres; null outside the pit. */
    function metres(event) {
      var matrix = svg.getScreenCTM();
      if (!matrix) return null;
      var point = svg.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      point = point.matrixTransform(matrix.inverse());
      var x = point.x / CM, y = pit - point.y / CM;
      if (x < -0.1 || x > pit + 0.1 || y < -0.1 || y > pit + 0.1) return null;
      return [snap(x), snap(y)];
    }

    /* Round to the centimetre and keep inside the pit. */
    function snap(v) {
      return Math.min(pit, Math.max(0, Math.round(v * 100) / 100));
    }

    svg.addEventListener("click", function (event) {
      var p = metres(event);
      if (!p) return;
      cursor = p;
      showCursor(false);
      probe(p[0], p[1]);
    });
    svg.addEventListener("pointermove", function (event) {
      var p = metres(event);
      root.classList.toggle("sp-pointing", !!p);
      if (!p) return;
      cursor = p;
      showCursor(false);
    });
    svg.addEventListener("pointerleave", function () { root.classList.remove("sp-pointing"); });
    svg.addEventListener("focus", function () { root.classList.add("sp-focused"); showCursor(true); });
    svg.addEventListener("blur", function () { root.classList.remove("sp-focused"); });
    svg.addEventListener("keydown", function (event) {
      var step = event.shiftKey ? BIG_STEP : STEP, dx = 0, dy = 0;
      switch (event.key) {
        case "ArrowLeft": dx = -step; break;
        case "ArrowRight": dx = step; break;
        case "ArrowUp": dy = step; break;
        case "ArrowDown": dy = -step; break;
        case "Enter":
        case " ":
          event.preventDefault();
          probe(cursor[0], cursor[1]);
          return;
        default:
          return;
      }
      event.preventDefault();
      cursor = [snap(cursor[0] + dx), snap(cursor[1] + dy)];
      showCursor(true);
    });
    again.addEventListener("click", reset);

    showCursor(false);
    reset();
  }

  /* Start the game whose <script> is `script` (or, failing that, the element with id `id`). */
  function start(script, id) {
    var root = (script && script.closest && script.closest(".mvcalc-sandpit")) || document.getElementById(id);
    if (!root || root.getAttribute("data-state") !== "loading") return;
    var data = JSON.parse(root.querySelector(".mvcalc-sandpit-data").textContent);
    Game(root, data);
  }

  // the rule and the floor are exported for tests/test_sandpit_rule.py, which runs them under node
  window.mvcalcSandpit = { start: start, isStuck: isStuck, nelderMead: nelderMead, Floor: Floor };
})();
