// Run the page's code cells in the reader's browser: one Python (Pyodide) per page, in a Web Worker
// (worker.js), so that cells share their variables in page order, as in a notebook.
//
// Until the first press of Run this script only adds buttons: it loads no Python, registers no
// service worker and fetches nothing. tools/run_in_page.py adds it (deferred) to pages with code
// cells, with <meta name="run-in-page" content="{json}">: the page's packages, and the cells whose
// printed numbers differ in the browser (book/_pyodide.json).
(() => {
  "use strict";
  if (window.runInPage) return; // the script is on the page twice
  window.runInPage = true;
  const script = document.currentScript;
  const STATIC = new URL("../", script.src).href; // .../_static/
  const ROOT = new URL("../", STATIC).href; // the site's root, where the service worker is
  const meta = document.querySelector('meta[name="run-in-page"]');
  const info = meta ? JSON.parse(meta.content) : {};
  const NOTE =
    "Run here, this cell may print other numbers than the page: the browser's Python runs on " +
    "WebAssembly, whose maths library and linear algebra round differently. Most such differences " +
    "are in the last digits; in a long training run they add up to larger ones.";

  const inputs = Array.from(document.querySelectorAll("div.cell > div.cell_input, div.cell > details > div.cell_input"));
  const cells = inputs.map((input, i) => ({
    n: i + 1,
    index: info.cells && info.cells.length === inputs.length ? info.cells[i] : i,
    input,
    cell: input.closest("div.cell"),
    pre: input.querySelector("pre"),
    ran: false,
  }));
  if (!cells.length) return;
  const differs = new Set(info.differs || []);
  // Cells the page does not show (remove-cell): their imports and definitions are used by later
  // cells, so each runs, silently, before the first shown cell after it.
  const hidden = (info.hidden || []).map(([index, code]) => ({ index, code, ran: false }));

  let worker = null;
  let ready = null; // a promise: the worker has loaded Python
  let nextId = 1;
  const pending = new Map(); // id -> {resolve}
  let queue = Promise.resolve();
  let running = null; // the cell running now
  let generation = 0; // incremented at each restart: queued runs of an old Python are dropped

  const el = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === "class") node.className = v;
      else if (k.startsWith("aria-") || k.startsWith("data-") || k === "role" || k === "for") node.setAttribute(k, v);
      else node[k] = v;
    }
    node.append(...children);
    return node;
  };

  function codeOf(c) {
    return c.editor ? c.editor.value : c.pre.textContent.replace(/\n$/, "");
  }

  function edit(c) {
    if (!c.editor) {
      const id = `rip-code-${c.n}`;
      c.editor = el("textarea", { class: "rip-editor", id, spellcheck: false, value: codeOf(c) });
      c.editor.setAttribute("aria-label", `Code of cell ${c.n}`);
      c.editor.rows = Math.min(40, c.editor.value.split("\n").length + 1);
      c.editor.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && e.shiftKey) {
          e.preventDefault();
          runCells([c]);
        }
      });
      c.pre.closest("div.highlight").hidden = true;
      c.input.prepend(c.editor);
      c.editButton.textContent = "Editing";
      c.editButton.disabled = true;
    }
    c.editor.focus();
  }

  function setStatus(c, text) {
    c.status.textContent = text;
  }

  function showMessage(c, text, kind = "rip-message") {
    c.output.hidden = false;
    c.output.append(el("p", { class: kind }, text));
  }

  function showOutputs(c, outputs, seconds) {
    c.output.replaceChildren();
    c.output.hidden = false;
    const staticOutput = c.cell.querySelector(":scope > div.cell_output, :scope > details > div.cell_output");
    if (staticOutput) staticOutput.hidden = true; // the reader's run replaces the page's output, as in a notebook
    c.output.append(el("p", { class: "rip-label" }, `Output of cell ${c.n}, run in your browser` + (seconds != null ? ` (${seconds.toFixed(1)} s):` : ":")));
    if (!outputs.length) c.output.append(el("p", { class: "rip-message" }, "(no output)"));
    for (const out of outputs) {
      if (out.type === "stream") {
        c.output.append(el("pre", { class: out.name === "stderr" ? "rip-stream rip-stderr" : "rip-stream" }, out.text));
      } else if (out.type === "text") {
        c.output.append(el("pre", { class: "rip-text" }, out.text));
      } else if (out.type === "markdown") {
        c.output.append(el("div", { class: "rip-markdown" }, out.text));
      } else if (out.type === "image") {
        c.output.append(el("img", { class: "rip-figure", src: "data:image/png;base64," + out.png, alt: `Figure produced by cell ${c.n}` }));
      } else if (out.type === "html") {
        c.output.append(frame(out.html, c));
      } else if (out.type === "error") {
        c.output.append(
          el("p", { class: "rip-error-title" }, `Cell ${c.n} raised ${out.ename}: ${out.evalue}`),
          el("pre", { class: "rip-error", role: "group", "aria-label": `Traceback of cell ${c.n}` }, out.traceback),
        );
      }
    }
  }

  // The page's colour scheme, for the sandboxed outputs: the book's widgets style themselves by
  // html[data-theme="dark"], as on the page, and the frame takes the page's own colours.
  // The theme's colours that the widgets' CSS reads (lib/mvcalc/widgets/static/*.css), copied into the frame.
  const THEME_COLOURS = ["accent", "background", "border", "danger", "primary", "primary-highlight", "primary-text",
    "success", "surface", "text-base", "text-muted"].map((name) => `--pst-color-${name}`);
  function theme() {
    const body = getComputedStyle(document.body);
    const root = getComputedStyle(document.documentElement);
    const colours = THEME_COLOURS.map((name) => `${name}:${root.getPropertyValue(name).trim()}`)
      .filter((decl) => !decl.endsWith(":")).join(";");
    return { ripTheme: document.documentElement.dataset.theme === "dark" ? "dark" : "light", bg: body.backgroundColor, fg: body.color, font: body.fontFamily.replace(/"/g, "'"), colours };
  }
  function frame(html, c) {
    // the book's widgets run in a sandbox without this page's origin; a small script reports their
    // height, and another takes the page's theme when the reader switches it
    const t = theme();
    const scripts =
      "<script>new ResizeObserver(() => parent.postMessage({ripHeight: document.documentElement.scrollHeight}, '*'))" +
      ".observe(document.documentElement);" +
      "addEventListener('message', (e) => { if (!e.data || !e.data.ripTheme) return;" +
      " document.documentElement.dataset.theme = e.data.ripTheme; document.documentElement.style.cssText = e.data.colours;" +
      " document.body.style.background = e.data.bg; document.body.style.color = e.data.fg; });<\/script>";
    const iframe = el("iframe", { class: "rip-html", title: `Output of cell ${c.n}` });
    iframe.setAttribute("sandbox", "allow-scripts");
    iframe.srcdoc =
      `<!doctype html><html data-theme="${t.ripTheme}" style="${t.colours}"><meta charset="utf-8">` +
      `<body style="margin:0;background:${t.bg};color:${t.fg};font-family:${t.font}">${html}${scripts}</body></html>`;
    return iframe;
  }
  window.addEventListener("message", (e) => {
    if (!e.data || typeof e.data.ripHeight !== "number") return;
    for (const iframe of document.querySelectorAll("iframe.rip-html")) {
      if (iframe.contentWindow === e.source) iframe.style.height = Math.min(2000, e.data.ripHeight + 8) + "px";
    }
  });
  new MutationObserver(() => {
    const t = theme();
    for (const iframe of document.querySelectorAll("iframe.rip-html")) iframe.contentWindow?.postMessage(t, "*");
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });

  function unsupported() {
    if (typeof WebAssembly === "undefined") return "This browser cannot run the code here: it has no WebAssembly, which the in-page Python needs. The outputs on the page are those of the book's build.";
    if (typeof Worker === "undefined") return "This browser cannot run the code here: it has no Web Workers, which the in-page Python needs. The outputs on the page are those of the book's build.";
    return null;
  }

  async function registerServiceWorker() {
    // on the first Run only; it keeps the runtime for the next pages and visits
    if (!("serviceWorker" in navigator) || !window.isSecureContext) return false;
    try {
      await navigator.serviceWorker.register(ROOT + "run-in-page-sw.js", { scope: ROOT });
      if (navigator.serviceWorker.controller) return true;
      // wait (briefly) until it claims this page, so that the first load is already cached
      await Promise.race([
        new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true })),
        new Promise((resolve) => setTimeout(resolve, 5000)),
      ]);
      return !!navigator.serviceWorker.controller;
    } catch (error) {
      return false;
    }
  }

  let progress = null; // {box, bar, text}: the loading bar, in the output of the cell that waits for it

  function showProgress(c, m) {
    if (!progress || !progress.box.isConnected) {
      const bar = el("progress", { class: "rip-progress", max: 1, value: 0 });
      bar.setAttribute("aria-label", "Loading Python");
      const text = el("span", { class: "rip-progress-text" }, "Loading Python…");
      progress = { box: el("div", { class: "rip-loading", role: "status" }, bar, " ", text), bar, text };
      c.output.hidden = false;
      c.output.append(progress.box);
    }
    if (!m) return;
    progress.bar.max = Math.max(1, m.total);
    progress.bar.value = m.loaded;
    const left = Math.max(0, m.total - m.loaded) / 1e6;
    progress.text.textContent =
      m.label + (m.total ? ` ${(m.loaded / 1e6).toFixed(1)} of ${(m.total / 1e6).toFixed(1)} MB (${left.toFixed(1)} MB left)` : "");
  }

  function hideProgress() {
    if (progress) progress.box.remove();
    progress = null;
  }

  function startPython(c) {
    if (ready) return ready;
    showProgress(c, null);
    ready = (async () => {
      const controlled = await registerServiceWorker();
      worker = new Worker(STATIC + "run_in_page/worker.js");
      const mine = worker;
      return new Promise((resolve, reject) => {
        mine.onmessage = (e) => {
          const m = e.data;
          if (m.type === "progress") {
            if (running) showProgress(running, m);
          } else if (m.type === "ready") {
            hideProgress();
            resolve(mine);
          } else if (m.type === "fatal") {
            hideProgress();
            reject(new Error(m.message));
          } else if (m.type === "result") {
            hideProgress();
            const p = pending.get(m.id);
            pending.delete(m.id);
            if (p) p.resolve(m);
          }
        };
        mine.onerror = (e) => reject(new Error(e.message || "the Python worker failed to start"));
        mine.postMessage({ type: "init", base: STATIC, packages: info.packages || null, version: info.version || "", controlled });
      });
    })();
    ready.catch(() => {
      ready = null;
    });
    return ready;
  }

  function restart(reason) {
    // Interrupting needs SharedArrayBuffer, which needs cross-origin isolation (COOP/COEP headers)
    // that GitHub Pages cannot send: so an interrupt ends the worker, and with it the Python.
    generation += 1;
    queue = Promise.resolve(); // runs waiting for the old Python never finish: start a new queue
    if (worker) worker.terminate();
    worker = null;
    ready = null;
    for (const p of pending.values()) p.resolve(null);
    pending.clear();
    for (const c of cells) {
      c.ran = false;
      c.cell.classList.remove("rip-ran");
      setStatus(c, "");
    }
    for (const h of hidden) h.ran = false;
    if (running) {
      showMessage(running, `${reason} The Python was restarted: its variables are gone, so run the earlier cells again (Run all above).`, "rip-message rip-restarted");
    }
    running = null;
    setBusy(false);
    announce(`${reason} The Python was restarted.`);
  }

  function setBusy(busy) {
    for (const c of cells) {
      c.interruptButton.hidden = !busy;
    }
  }

  function announce(text) {
    live.textContent = text;
  }

  function runCells(list) {
    const problem = unsupported();
    if (problem) {
      showMessage(list[list.length - 1], problem, "rip-message rip-unsupported");
      return;
    }
    const gen = generation;
    for (const c of list) {
      setStatus(c, "waiting to run…");
      queue = queue.then(() => (gen === generation ? runHiddenBefore(c, gen) : null));
      queue = queue.then(() => (gen === generation ? runOne(c, gen) : null));
    }
  }

  async function runHiddenBefore(c, gen) {
    const due = hidden.filter((h) => !h.ran && h.index < c.index);
    if (!due.length) return;
    running = c;
    try {
      const w = await startPython(c);
      for (const h of due) {
        if (gen !== generation) return;
        h.ran = true; // once per Python, whatever it printed or raised: the page shows no output of it
        setStatus(c, "running the page's hidden set-up code…");
        const id = nextId++;
        await new Promise((resolve) => {
          pending.set(id, { resolve });
          w.postMessage({ type: "run", id, code: h.code });
        });
      }
    } catch (error) {
      // the Python did not start: runOne tries again and shows why
    } finally {
      if (running === c) running = null;
    }
  }

  async function runOne(c, gen) {
    running = c;
    setBusy(true);
    setStatus(c, "running…");
    c.cell.classList.add("rip-running");
    c.output.replaceChildren();
    try {
      const w = await startPython(c);
      if (gen !== generation) return;
      const id = nextId++;
      const answer = await new Promise((resolve) => {
        pending.set(id, { resolve });
        w.postMessage({ type: "run", id, code: codeOf(c) });
      });
      if (!answer || gen !== generation) return;
      showOutputs(c, answer.outputs, answer.seconds);
      c.ran = true;
      c.cell.classList.add("rip-ran");
      const failed = answer.outputs.some((o) => o.type === "error");
      setStatus(c, failed ? "raised an error" : "ran");
      announce(`Cell ${c.n} ${failed ? "raised an error" : "ran"}.`);
    } catch (error) {
      showMessage(c, "The in-page Python could not start: " + error.message, "rip-message rip-unsupported");
      setStatus(c, "");
    } finally {
      c.cell.classList.remove("rip-running");
      if (running === c) {
        running = null;
        setBusy(false);
      }
    }
  }

  const live = el("div", { class: "rip-sr-only", role: "status", "aria-live": "polite" });
  document.body.append(live);

  for (const c of cells) {
    const button = (label, title, onclick, cls = "") =>
      el("button", { type: "button", class: "rip-button " + cls, textContent: label, title, onclick });
    c.runButton = button("Run", `Run cell ${c.n} (Shift+Enter in the code)`, () => runCells([c]), "rip-run");
    c.aboveButton = button("Run all above", `Run the cells above that have not run, then cell ${c.n}`, () =>
      runCells(cells.filter((d) => (d.n < c.n && !d.ran) || d === c)), "rip-above");
    c.editButton = button("Edit", `Edit the code of cell ${c.n}`, () => edit(c), "rip-edit");
    c.interruptButton = button("Interrupt", "Stop the running cell (this restarts the Python)", () => restart("Interrupted."), "rip-interrupt");
    c.interruptButton.hidden = true;
    c.restartButton = button("Restart", "Restart the Python: forget every variable", () => restart("Restarted."), "rip-restart");
    c.status = el("span", { class: "rip-status" });
    const bar = el("div", { class: "rip-toolbar", role: "toolbar", "aria-label": `Cell ${c.n}` },
      c.runButton, c.aboveButton, c.editButton, c.interruptButton, c.restartButton, c.status);
    if (differs.has(c.index)) bar.append(el("p", { class: "rip-differs" }, NOTE));
    c.output = el("div", { class: "rip-output", "aria-live": "polite", "aria-label": `Output of cell ${c.n}` });
    c.output.hidden = true;
    c.input.after(bar, c.output);
    c.pre.addEventListener("dblclick", () => edit(c));
  }
})();
