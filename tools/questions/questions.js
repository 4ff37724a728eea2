/* The book's questions in the page (tools/questions.py writes the forms).
 *
 * Loaded (deferred) only on pages with questions. The checker (check.js) and mathjs load on the
 * reader's first interaction with a question, MathJax for the preview on the first keystroke in
 * a formula box; nothing is sent anywhere. Progress is kept in localStorage, in this browser only.
 */
(function () {
  "use strict";
  var STORAGE = "mvcalc-questions";
  var script = document.currentScript;
  var base = script ? script.src.replace(/questions\.js(\?.*)?$/, "") : "_static/questions/";
  var loaded = {};

  function load(name) {
    if (!loaded[name]) {
      loaded[name] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = base + name;
        s.onload = resolve;
        s.onerror = function () { reject(new Error("could not load " + name)); };
        document.head.appendChild(s);
      });
    }
    return loaded[name];
  }

  function checker() {
    return Promise.all([load("math.js"), load("check.js")]).then(function () {
      return { math: window.math, check: window.MvcalcCheck };
    });
  }

  var mathjax = null;
  function typesetter() {
    if (!mathjax) {
      window.MathJax = {
        loader: { load: [] },
        startup: { typeset: false },
        options: { enableMenu: false },
        tex: { packages: { "[+]": [] } },
        chtml: { fontURL: base.replace(/questions\/$/, "mathjax-fonts") }
      };
      mathjax = load("tex-chtml.js").then(function () { return window.MathJax.startup.promise; });
    }
    return mathjax;
  }

  /* --- progress ------------------------------------------------------------------------------ */
  function readProgress() {
    try {
      var value = JSON.parse(window.localStorage.getItem(STORAGE) || "{}");
      return value && typeof value === "object" ? value : {};
    } catch (err) {
      return {};
    }
  }

  function writeProgress(progress) {
    try { window.localStorage.setItem(STORAGE, JSON.stringify(progress)); } catch (err) { /* private mode */ }
  }

  function markCorrect(page, key) {
    var progress = readProgress();
    progress[page] = progress[page] || {};
    progress[page][key] = true;
    writeProgress(progress);
    document.dispatchEvent(new Event("mvq-progress"));
  }

  /* --- one question ---------------------------------------------------------------------------- */
  function Question(root) {
    this.root = root;
    this.data = JSON.parse(root.querySelector("script.mvq-data").textContent);
    this.form = root.querySelector("form.mvq-form");
    this.input = root.querySelector(".mvq-input");
    this.preview = root.querySelector(".mvq-preview");
    this.feedback = root.querySelector(".mvq-feedback");
    this.hintButton = root.querySelector(".mvq-hint-button");
    this.solutionButton = root.querySelector(".mvq-solution-button");
    this.newButton = root.querySelector(".mvq-new");
    this.variants = Array.prototype.slice.call(root.querySelectorAll(":scope > .mvq-variant"));
    this.extras = Array.prototype.slice.call(root.querySelectorAll(":scope > .mvq-extra"));
    this.current = 0;
    this.hintsShown = 0;
    this.bind();
    this.show(0);
    var done = readProgress()[this.data.page];
    if (done && done[this.data.key]) this.badge(true);
  }

  Question.prototype.variantBox = function () { return this.variants[this.current]; };
  Question.prototype.extraBox = function () { return this.extras[this.current]; };

  Question.prototype.hints = function () {
    return Array.prototype.slice.call(this.extraBox().querySelectorAll(".mvq-hint"));
  };

  Question.prototype.show = function (k) {
    var self = this;
    this.current = k;
    this.variants.forEach(function (box, i) { box.classList.toggle("mvq-hidden", i !== k); });
    this.extras.forEach(function (box, i) { box.classList.toggle("mvq-hidden", i !== k); });
    this.hints().forEach(function (h) { h.classList.add("mvq-hidden"); });
    this.root.querySelectorAll(".mvq-solution, .mvq-answer").forEach(function (s) { s.classList.add("mvq-hidden"); });
    this.hintsShown = 0;
    this.updateHintButton();
    this.solutionButton.textContent = "Show the solution";
    this.solutionButton.setAttribute("aria-expanded", "false");
    this.feedback.textContent = "";
    this.feedback.className = "mvq-feedback";
    if (this.input) { this.input.value = ""; this.input.removeAttribute("aria-invalid"); }
    if (this.preview) this.preview.textContent = "";
    this.root.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (b) { b.checked = false; });
    if (this.newButton) {
      this.newButton.querySelector(".mvq-variant-count").textContent = "(" + (k + 1) + " of " + this.variants.length + ")";
    }
    self.tolerance();
  };

  Question.prototype.tolerance = function () {
    var v = this.data.variants[this.current];
    var line = this.root.querySelector(".mvq-tolerance");
    if (!line || this.data.kind !== "numeric") return;
    var parts = [];
    if (v.rtol) parts.push(+(v.rtol * 100).toPrecision(3) + " %");
    if (v.atol) parts.push(String(v.atol));
    line.textContent = "Accepted within " + parts.join(" or ") + " of the answer." + (v.units ? " Units: " + v.units + "." : "");
  };

  Question.prototype.updateHintButton = function () {
    var hints = this.hints();
    var left = hints.length - this.hintsShown;
    this.hintButton.classList.toggle("mvq-hidden", hints.length === 0);
    this.hintButton.disabled = left === 0;
    this.hintButton.textContent = hints.length === 0 ? "Show a hint" :
      left === 0 ? "No more hints" :
      "Show a hint (" + (this.hintsShown + 1) + " of " + hints.length + ")";
  };

  Question.prototype.bind = function () {
    var self = this;
    var warm = function () { checker().catch(function () {}); };
    this.root.addEventListener("focusin", warm, { once: true });
    this.root.addEventListener("pointerdown", warm, { once: true });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.check();
    });
    this.hintButton.addEventListener("click", function () {
      var hints = self.hints();
      if (self.hintsShown < hints.length) {
        hints[self.hintsShown].classList.remove("mvq-hidden");
        self.hintsShown += 1;
        self.updateHintButton();
      }
    });
    this.solutionButton.addEventListener("click", function () {
      var box = self.extraBox();
      var parts = Array.prototype.slice.call(box.querySelectorAll(".mvq-answer, .mvq-solution"));
      var open = self.solutionButton.getAttribute("aria-expanded") === "true";
      parts.forEach(function (p) { p.classList.toggle("mvq-hidden", open); });
      self.solutionButton.setAttribute("aria-expanded", open ? "false" : "true");
      self.solutionButton.textContent = open ? "Show the solution" : "Hide the solution";
    });
    if (this.newButton) {
      this.newButton.addEventListener("click", function () {
        self.show((self.current + 1) % self.variants.length);
        var target = self.input || self.variantBox().querySelector("input");
        if (target) target.focus();
      });
    }
    /* A verdict belongs to the answer it was given for: editing the answer takes it away. */
    this.root.addEventListener("change", function (event) {
      if (event.target.matches("input[type=radio], input[type=checkbox]")) self.clearVerdict();
    });
    if (this.input) {
      var timer = null;
      this.input.addEventListener("input", function () {
        self.clearVerdict();
        clearTimeout(timer);
        timer = setTimeout(function () { self.showPreview(); }, 120);
      });
    }
  };

  Question.prototype.clearVerdict = function () {
    if (!this.feedback.textContent) return;
    this.feedback.textContent = "";
    this.feedback.className = "mvq-feedback";
  };

  Question.prototype.showPreview = function () {
    var self = this;
    var text = this.input.value;
    checker().then(function (c) {
      if (self.input.value !== text) return;
      var p = c.check.preview(c.math, self.data.kind, self.data.variants[self.current], text);
      self.preview.textContent = "";
      if (p.error) self.input.setAttribute("aria-invalid", "true");
      else if (p.tex) self.input.removeAttribute("aria-invalid");
      if (p.error) {
        self.preview.className = "mvq-preview mvq-preview-error";
        self.preview.textContent = p.error;
        self.scrollable();
        return;
      }
      self.preview.className = "mvq-preview";
      if (!p.tex) return;
      self.preview.textContent = "Read as: ";
      var math = document.createElement("span");
      math.className = "mvq-preview-math";
      math.textContent = text;  /* until MathJax has typeset it */
      self.preview.appendChild(math);
      typesetter().then(function () {
        return window.MathJax.tex2chtmlPromise(p.tex, { display: false });
      }).then(function (node) {
        if (self.input.value !== text) return;
        math.textContent = "";
        math.appendChild(node);
        window.MathJax.startup.document.clear();
        window.MathJax.startup.document.updateDocument();
        self.scrollable();
      }).catch(function () { /* the plain text stays */ });
    }).catch(function () {
      self.preview.textContent = "";
    });
  };

  /* A wide preview scrolls sideways: then the keyboard must reach it too. */
  Question.prototype.scrollable = function () {
    var p = this.preview;
    if (p.scrollWidth > p.clientWidth || p.scrollHeight > p.clientHeight) p.setAttribute("tabindex", "0");
    else this.preview.removeAttribute("tabindex");
  };

  Question.prototype.answer = function () {
    if (this.data.kind !== "choice") return this.input.value;
    var picked = [];
    this.variantBox().querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (b) {
      if (b.checked) picked.push(parseInt(b.value, 10));
    });
    return picked;
  };

  Question.prototype.say = function (verdict, message, extra) {
    this.feedback.className = "mvq-feedback mvq-" + verdict;
    this.feedback.textContent = "";
    var line = document.createElement("p");
    line.className = "mvq-verdict";
    line.textContent = message;
    this.feedback.appendChild(line);
    if (extra) this.feedback.appendChild(extra);
  };

  Question.prototype.check = function () {
    var self = this;
    var given = this.answer();
    this.say("pending", "Checking\u2026");
    checker().then(function (c) {
      var variant = self.data.variants[self.current];
      var result = c.check.check(c.math, self.data.kind, variant, given);
      var extra = null;
      if (result.feedback !== null && result.feedback !== undefined) {
        var fb = self.extraBox().querySelector(".mvq-feedbacks .mvq-fb-" + result.feedback);
        if (fb) {
          extra = fb.cloneNode(true);
          extra.classList.remove("mvq-hidden");
        }
      }
      if (self.input) {
        if (result.verdict === "invalid") self.input.setAttribute("aria-invalid", "true");
        else self.input.removeAttribute("aria-invalid");
      }
      self.say(result.verdict, result.message, extra);
      if (result.verdict === "correct") {
        markCorrect(self.data.page, self.data.key);
        self.badge(true);
      }
    }).catch(function (err) {
      self.say("invalid", "The checker could not be loaded (" + err.message + "). Reload the page to try again.");
    });
  };

  Question.prototype.badge = function (on) {
    var b = this.root.querySelector(".mvq-done-badge");
    if (b) b.classList.toggle("mvq-hidden", !on);
  };

  /* --- a module's progress (summary pages) ------------------------------------------------------ */
  function Progress(root) {
    var self = this;
    this.root = root;
    this.data = JSON.parse(root.querySelector("script.mvq-progress-data").textContent);
    this.bar = root.querySelector(".mvq-progress-bar");
    this.total = root.querySelector(".mvq-progress-total");
    this.status = root.querySelector(".mvq-reset-status");
    root.querySelector(".mvq-reset").addEventListener("click", function () { self.reset(); });
    this.update();
    window.addEventListener("storage", function () { self.update(); });
    document.addEventListener("mvq-progress", function () { self.update(); });
  }

  Progress.prototype.update = function () {
    var progress = readProgress();
    var right = 0;
    var all = 0;
    var data = this.data;
    Object.keys(data).forEach(function (page) {
      var done = progress[page] || {};
      var n = data[page].filter(function (k) { return done[k]; }).length;
      right += n;
      all += data[page].length;
    });
    this.root.querySelectorAll(".mvq-progress-count").forEach(function (span) {
      var page = span.getAttribute("data-page");
      var done = progress[page] || {};
      var n = data[page].filter(function (k) { return done[k]; }).length;
      span.textContent = n + " of " + data[page].length + " answered correctly";
    });
    this.bar.value = right;
    this.bar.textContent = right + " of " + all;
    this.total.textContent = "You have answered " + right + " of this module's " + all +
      " questions correctly. The pages remember this in this browser only.";
  };

  Progress.prototype.reset = function () {
    var progress = readProgress();
    Object.keys(this.data).forEach(function (page) { delete progress[page]; });
    writeProgress(progress);
    document.querySelectorAll(".mvq .mvq-done-badge").forEach(function (b) { b.classList.add("mvq-hidden"); });
    this.update();
    this.status.textContent = "Your answers to this module are forgotten.";
  };

  function start() {
    document.querySelectorAll(".mvq-progress").forEach(function (root) {
      try { new Progress(root); } catch (err) { console.error("progress: " + err.message); }
    });
    document.querySelectorAll("div.mvq").forEach(function (root) {
      try {
        new Question(root);
      } catch (err) {
        console.error("question " + (root.id || "") + " could not start: " + err.message);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
