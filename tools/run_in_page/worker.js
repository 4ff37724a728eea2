// The Web Worker that holds the page's one Python (Pyodide), started by runcell.js on the first Run.
//
// Messages in:  {type: "init", base, packages, version}   base: the site's _static/ URL
//               {type: "run", id, code}                   run one cell, in page order
// Messages out: {type: "progress", label, loaded, total}  bytes, while the runtime and packages load
//               {type: "ready", seconds}                  |  {type: "fatal", message}
//               {type: "result", id, outputs, seconds}    outputs: runner.py's list of dicts
//
// Cells run with pyodide.runPython, synchronously: nothing here needs WebAssembly stack switching
// (no runPythonAsync with run_until_complete), which Safari lacks.
"use strict";

let pyodide = null;
let runCell = null;
let base = "";
let version = "";
let packages = null; // the page's packages from book/_pyodide.json, or null: found from each cell's imports
let loaded = new Set();
let lock = null;
let sizes = {};
let fontsSaved = false;

const FONT_CACHE = "run-in-page-fonts";

const post = (message) => self.postMessage(message);
const mb = (bytes) => (bytes / 1e6).toFixed(1) + " MB";

function closure(names) {
  // every package the names need, dependencies first (the lock's "depends")
  const order = [];
  const seen = new Set();
  const visit = (name) => {
    const key = name.toLowerCase().replace(/[-_.]+/g, "-");
    const entry = lock.packages[key] || lock.packages[name];
    if (!entry || seen.has(entry.name)) return;
    seen.add(entry.name);
    (entry.depends || []).forEach(visit);
    order.push(entry);
  };
  names.forEach(visit);
  return order;
}

async function fetchCounting(url, label, state) {
  // fetch a file and count its bytes as they arrive; the service worker keeps it for loadPyodide,
  // which then gets it from the cache (runcell.js starts this worker once the service worker controls the page)
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`${url}: HTTP ${response.status}`);
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    state.loaded += value.length;
    post({ type: "progress", label, loaded: state.loaded, total: state.total });
  }
}

async function prefetch(entries, withRuntime, controlled) {
  const files = [];
  if (withRuntime) {
    for (const name of ["pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"]) {
      files.push({ file: name, label: "Python" });
    }
  }
  for (const entry of entries) {
    if (!loaded.has(entry.name)) files.push({ file: entry.file_name, label: entry.name });
  }
  const state = { loaded: 0, total: files.reduce((sum, f) => sum + (sizes[f.file] || 0), 0) };
  if (!controlled) {
    // no service worker: let Pyodide fetch each file once, and report whole files
    return state;
  }
  // a few at a time, as Pyodide would, naming the file being loaded
  const queue = files.slice();
  const workers = Array.from({ length: 4 }, async () => {
    while (queue.length) {
      const f = queue.shift();
      const what = `Loading ${f.label} (${mb(sizes[f.file] || 0)})…`;
      await fetchCounting(base + "pyodide/" + f.file, what, state);
    }
  });
  await Promise.all(workers);
  return state;
}

function fontListPath() {
  // Pyodide's matplotlib keeps its font list beside font_manager.py (not in a cache directory);
  // find_spec tells where without importing matplotlib
  return pyodide.runPython(
    "import importlib.util as _u\n_s = _u.find_spec('matplotlib')\n" +
      "(_s.submodule_search_locations[0] + '/fontlist.json') if _s else None",
  );
}

const fontKey = () => new Request(`${base}run_in_page/fontlist-${version || "pyodide"}.json`);
let fontsRestored = false;

async function restoreFontCache() {
  // matplotlib's font list, built on this reader's first figure and kept with the Cache API: without
  // it, every page's first matplotlib import spends seconds building it again
  if (fontsRestored) return;
  const path = fontListPath();
  if (!path) return; // matplotlib not installed yet
  fontsRestored = true;
  try {
    const hit = await (await caches.open(FONT_CACHE)).match(fontKey());
    if (!hit) return;
    pyodide.FS.writeFile(path, new Uint8Array(await hit.arrayBuffer()));
    fontsSaved = true;
    post({ type: "fonts", restored: true });
  } catch (error) {
    // no Cache API (an insecure origin): matplotlib builds the list, as it would without this
  }
}

async function saveFontCache() {
  if (fontsSaved) return;
  const path = fontListPath();
  if (!path || !pyodide.FS.analyzePath(path).exists) return;
  fontsSaved = true;
  try {
    const cache = await caches.open(FONT_CACHE);
    const data = pyodide.FS.readFile(path);
    await cache.put(fontKey(), new Response(data, { headers: { "content-type": "application/json" } }));
  } catch (error) {
    // the list is built again on the next page
  }
}

async function ensurePackages(code) {
  let names = packages;
  if (!names) {
    // no entry in book/_pyodide.json: the imports of this cell, and mvcalc's own dependencies
    names = [];
    const imports = pyodide.pyimport("pyodide.code").find_imports(code).toJs();
    for (const name of imports) {
      const entry = lock.packages[name.toLowerCase()];
      const owner = Object.values(lock.packages).find((e) => (e.imports || []).includes(name));
      if (entry) names.push(entry.name);
      else if (owner) names.push(owner.name);
    }
    if (names.includes("mvcalc")) names.push("numpy", "scipy", "matplotlib");
  }
  const entries = closure(names).filter((e) => !loaded.has(e.name));
  if (!entries.length) return;
  const state = await prefetch(entries, false, self.controlled);
  await loadOneByOne(entries, state);
}

async function loadOneByOne(entries, state) {
  // dependencies first, in one loadPackage call when the files are already cached; otherwise one
  // at a time, so that the progress bar moves per package
  if (self.controlled) {
    post({ type: "progress", label: "Installing " + entries.map((e) => e.name).join(", ") + "…", loaded: state.total, total: state.total });
    await pyodide.loadPackage(entries.map((e) => e.name), { messageCallback: () => {}, checkIntegrity: true });
  } else {
    for (const entry of entries) {
      post({ type: "progress", label: `Loading ${entry.name} (${mb(sizes[entry.file_name] || 0)})…`, loaded: state.loaded, total: state.total });
      await pyodide.loadPackage(entry.name, { messageCallback: () => {} });
      state.loaded += sizes[entry.file_name] || 0;
    }
  }
  entries.forEach((e) => loaded.add(e.name));
}

async function init(message) {
  const t0 = performance.now();
  base = message.base;
  version = message.version;
  packages = message.packages && message.packages.length ? message.packages : null;
  self.controlled = !!message.controlled;
  const [lockText, manifest, runner] = await Promise.all([
    fetch(base + "pyodide/pyodide-lock.json").then((r) => r.json()),
    fetch(base + "pyodide/MANIFEST.json").then((r) => (r.ok ? r.json() : [])).catch(() => []),
    fetch(base + "run_in_page/runner.py").then((r) => r.text()),
  ]);
  lock = lockText;
  for (const f of Array.isArray(manifest) ? manifest : manifest.files || []) sizes[f.file] = f.bytes;
  const entries = packages ? closure(packages) : [];
  const state = await prefetch(entries, true, self.controlled);
  post({ type: "progress", label: "Starting Python…", loaded: state.loaded, total: state.total });
  importScripts(base + "pyodide/pyodide.js");
  pyodide = await self.loadPyodide({ indexURL: base + "pyodide/", stdout: () => {}, stderr: () => {} });
  if (entries.length) await loadOneByOne(entries, state);
  await restoreFontCache();
  pyodide.FS.writeFile("/tmp/run_in_page_runner.py", runner);
  pyodide.runPython(
    "import sys, importlib.util\n" +
      "spec = importlib.util.spec_from_file_location('runner', '/tmp/run_in_page_runner.py')\n" +
      "runner = importlib.util.module_from_spec(spec); sys.modules['runner'] = runner\n" +
      "spec.loader.exec_module(runner); runner.install_shims()\n",
  );
  runCell = pyodide.globals.get("runner").run_cell;
  post({ type: "ready", seconds: (performance.now() - t0) / 1000 });
}

async function run(message) {
  const t0 = performance.now();
  await ensurePackages(message.code);
  await restoreFontCache();
  const result = runCell(message.code);
  const outputs = result.toJs({ dict_converter: Object.fromEntries });
  result.destroy();
  post({ type: "result", id: message.id, outputs, seconds: (performance.now() - t0) / 1000 });
  await saveFontCache();
}

let chain = Promise.resolve();
self.onmessage = (event) => {
  const message = event.data;
  chain = chain.then(async () => {
    try {
      if (message.type === "init") await init(message);
      else if (message.type === "run") await run(message);
    } catch (error) {
      const text = String(error && error.message ? error.message : error);
      if (message.type === "run") {
        post({ type: "result", id: message.id, outputs: [{ type: "error", ename: "Error", evalue: text, traceback: text }] });
      } else {
        post({ type: "fatal", message: text });
      }
    }
  });
};
