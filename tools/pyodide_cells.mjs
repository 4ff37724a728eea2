// Run every code cell of the book's pages under Pyodide in Node.js, as the reader's page runs them.
//
//   node tools/pyodide_cells.mjs --pyodide DIR --cells CELLS.json --out RESULTS.json [--jobs 2] [--timeout 300]
//
// CELLS.json is {"pages": {"m2/jacobian": {"cells": ["code of cell 0", ...], "packages": [...]}, ...}}
// (written by tools/pyodide_cells.py from the executed notebooks; "packages" is the list the last run
// recorded in book/_pyodide.json, a hint of what to load). DIR is the self-hosted Pyodide the build ships
// (_build/html/_static/pyodide/); nothing is fetched from the network.
//
// Each page runs in a fresh Node.js process with a fresh Python, as a reader's page has one: the
// runtime is loaded, then the lock packages the page's cells import (pyodide.code.find_imports) and
// those its last run recorded; if a cell then fails to import a lock package that was not loaded
// (one the library imports inside a function, say), the page is run again, fresh, with every lock
// package loaded, so that the recorded list is complete. Then tools/run_in_page/runner.py, the very file the
// browser's runner loads, as the module `run_in_page`; then install_shims() and run_cell(code) for
// every cell in order. A page's packages are the lock packages whose import names are in sys.modules
// at the end (so the browser can loadPackage() exactly those).
//
// Two caches, built once by a first child before the pages run, in a temporary folder, make the
// fresh Pythons quicker without changing what they print:
// - matplotlib's font cache: Pyodide's matplotlib keeps it in its own package folder
//   (matplotlib/fontlist.json), not in MPLCONFIGDIR, so it is written into each page's fresh file
//   system before anything imports matplotlib. Without it the first figure of every page would print
//   "Matplotlib is building the font cache" to stderr (and take a few seconds);
// - the packages' bytecode (see usePycache).
//
// RESULTS.json: {"pyodide": version, "seconds": total, "pages": {page: {"cells": [[output, ...], ...],
// "seconds": [per cell], "packages": [...], "shims": [...], "glued": {name: {mime: text}},
// "load_seconds": x, "rss_mb": peak, "stray": "text printed outside the cells", "error": null | text}}}
// where each output is a dict of runner.py's run_cell.

import { fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RUNNER = path.join(HERE, "run_in_page", "runner.py");
const FONTLIST = "matplotlib/fontlist.json"; // relative to site-packages

function parseArgs(argv) {
  const args = { jobs: 2, timeout: 300 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, "");
    if (["worker", "caches"].includes(key)) args[key] = true;
    else args[key] = argv[++i];
  }
  return args;
}

async function startPyodide(dir, stray) {
  const { loadPyodide } = await import(path.join(dir, "pyodide.mjs"));
  const py = await loadPyodide({
    indexURL: dir + path.sep,
    stdout: (line) => stray.push(line),
    stderr: (line) => stray.push(line),
  });
  const lock = JSON.parse(fs.readFileSync(path.join(dir, "pyodide-lock.json"), "utf8"));
  return { py, lock };
}

const sitePackages = (py) => py.runPython("import site; site.getsitepackages()[0]");

// Bytecode: the package files hold Python sources only, so every fresh Python compiles each module it
// imports (sympy alone is 1500 files). The first child compiles every package once, into a folder
// mounted as sys.pycache_prefix, as "unchecked-hash" .pyc files (valid whatever the sources' times,
// which differ in every fresh file system); each page then reads them. It changes nothing but the time.
const PYCACHE = "/pyodide_cells_pycache";
function usePycache(py, hostDir) {
  py.FS.mkdirTree(PYCACHE);
  py.FS.mount(py.FS.filesystems.NODEFS, { root: hostDir }, PYCACHE);
  py.runPython(`import sys; sys.pycache_prefix = "${PYCACHE}"`);
}

// The first child process: build matplotlib's font cache (copied to `out`/fontlist.json) and the
// bytecode of every package (in `out`/pycache).
async function buildCaches(dir, out) {
  const stray = [];
  const { py, lock } = await startPyodide(dir, stray);
  await py.loadPackage(Object.keys(lock.packages).sort(), { messageCallback: () => {} });
  py.runPython("import matplotlib.font_manager");
  fs.writeFileSync(path.join(out, "fontlist.json"), py.FS.readFile(path.join(sitePackages(py), FONTLIST)));
  fs.mkdirSync(path.join(out, "pycache"));
  usePycache(py, path.join(out, "pycache"));
  py.runPython(`
import compileall, py_compile, site
compileall.compile_dir(site.getsitepackages()[0], quiet=2, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
`);
}

// A child process: run one page's cells; the page arrives by IPC, the result goes back the same way.
async function runPage(dir, caches, { page, cells, hint = [], all = false }) {
  const t0 = performance.now();
  const stray = [];
  const result = { page, cells: [], seconds: [], packages: [], shims: [], glued: {}, stray: "", error: null };
  let peak = 0;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  const timer = setInterval(sample, 200);
  try {
    const { py, lock } = await startPyodide(dir, stray);
    const imports = {}; // top-level import name -> lock package
    for (const [name, entry] of Object.entries(lock.packages)) for (const i of entry.imports ?? []) imports[i] = name;
    // What to load: everything (a retry), or the page's own imports and the packages the last run found.
    let load = Object.keys(lock.packages);
    if (!all) {
      py.globals.set("CELLS", py.toPy(cells));
      const found = JSON.parse(
        py.runPython(`
import json
from pyodide.code import find_imports
names = set()
for code in CELLS:
    try:
        names.update(find_imports(code))
    except SyntaxError:
        pass
json.dumps(sorted(names))`),
      );
      load = [...new Set([...hint, ...found.map((i) => imports[i.split(".")[0]]).filter(Boolean)])];
    }
    result.loaded = load.sort();
    await py.loadPackage(result.loaded, { messageCallback: () => {} });
    const site = sitePackages(py);
    if (caches) {
      usePycache(py, path.join(caches, "pycache"));
      py.runPython("sys.dont_write_bytecode = True"); // the cache stays as the first child wrote it
      if (py.FS.analyzePath(path.join(site, path.dirname(FONTLIST))).exists)
        py.FS.writeFile(path.join(site, FONTLIST), fs.readFileSync(path.join(caches, "fontlist.json")));
    }
    py.FS.writeFile(path.join(site, "run_in_page.py"), fs.readFileSync(RUNNER));
    result.shims = py.runPython("import json, run_in_page; json.dumps(run_in_page.install_shims())");
    result.shims = JSON.parse(result.shims);
    result.load_seconds = (performance.now() - t0) / 1000;
    const runCell = py.runPython("lambda code: __import__('json').dumps(run_in_page.run_cell(code))");
    for (const code of cells) {
      const t = performance.now();
      result.cells.push(JSON.parse(runCell(code)));
      result.seconds.push((performance.now() - t) / 1000);
      sample();
    }
    runCell.destroy();
    // A cell that could not import a lock package that was not loaded: the parent runs the page again
    // with every package loaded (the browser loads the page's recorded `packages`, so they must be complete).
    for (const outputs of result.cells)
      for (const o of outputs)
        if (o.type === "error" && o.ename === "ModuleNotFoundError") {
          const name = (o.evalue.match(/No module named '([^'.]+)/) ?? [])[1];
          if (name && imports[name] && !result.loaded.includes(imports[name])) result.missing = imports[name];
        }
    // The lock packages the page imported: top-level import names in sys.modules.
    py.globals.set("IMPORT_NAMES", py.toPy(Object.keys(imports)));
    const imported = JSON.parse(
      py.runPython("import sys; json.dumps(sorted(n for n in IMPORT_NAMES if n in sys.modules))"),
    );
    result.packages = [...new Set(imported.map((i) => imports[i]))].sort();
    // The glued values, as the MIME bundle IPython would make of them (for a report; see pyodide_cells.py).
    result.glued = JSON.parse(
      py.runPython(`
def _bundle(value):
    if hasattr(value, "_repr_mimebundle_"):
        data = value._repr_mimebundle_()
        data = data[0] if isinstance(data, tuple) else data
        return {k: (v if isinstance(v, str) else json.dumps(v, sort_keys=True)) for k, v in data.items()}
    if hasattr(value, "_repr_markdown_"):
        return {"text/markdown": value._repr_markdown_()}
    return {"text/plain": repr(value)}
json.dumps({k: _bundle(v) for k, v in run_in_page.GLUED.items()})`),
    );
  } catch (e) {
    result.error = String(e?.stack ?? e);
  }
  clearInterval(timer);
  sample();
  result.stray = stray.join("\n");
  result.total_seconds = (performance.now() - t0) / 1000;
  result.rss_mb = Math.round(peak / 1e6);
  const cpu = process.cpuUsage();
  result.cpu_seconds = (cpu.user + cpu.system) / 1e6;
  return result;
}

function child(args, extra, onMessage, timeoutSeconds) {
  return new Promise((resolve) => {
    const proc = fork(fileURLToPath(import.meta.url), extra, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let answer = null;
    const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutSeconds * 1000);
    proc.on("message", (m) => (answer = m));
    proc.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ answer, code, signal });
    });
    if (onMessage) proc.send(onMessage);
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const dir = path.resolve(args.pyodide ?? process.env.PYODIDE_DIR ?? "_build/html/_static/pyodide");
  if (args.caches) return buildCaches(dir, args.out);
  if (args.worker) {
    process.once("message", async (job) => {
      const result = await runPage(dir, args.cache_dir, job);
      process.send(result, () => process.exit(0));
    });
    return;
  }
  if (!fs.existsSync(path.join(dir, "pyodide.mjs"))) {
    console.error(`pyodide_cells: no Pyodide in ${dir} (build the book, or pass --pyodide / set PYODIDE_DIR)`);
    process.exit(2);
  }
  const t0 = performance.now();
  const lock = JSON.parse(fs.readFileSync(path.join(dir, "pyodide-lock.json"), "utf8"));
  const pages = JSON.parse(fs.readFileSync(args.cells, "utf8")).pages;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pyodide-cells-"));
  const built = await child(args, ["--caches", "--pyodide", dir, "--out", tmp], null, args.timeout);
  if (built.code !== 0 || !fs.existsSync(path.join(tmp, "fontlist.json"))) {
    console.error("pyodide_cells: could not build matplotlib's font cache and the packages' bytecode");
    process.exit(2);
  }
  const cacheSeconds = (performance.now() - t0) / 1000;
  console.error(`pyodide_cells: font cache and bytecode built in ${cacheSeconds.toFixed(1)} s`);
  // Longest pages first (by the number of cells), so the two workers finish together.
  const queue = Object.keys(pages).sort((a, b) => pages[b].cells.length - pages[a].cells.length || (a < b ? -1 : 1));
  const results = {};
  const worker = async () => {
    while (queue.length) {
      const page = queue.shift();
      const extra = ["--worker", "--pyodide", dir, "--cache_dir", tmp];
      const job = { page, cells: pages[page].cells, hint: pages[page].packages ?? [] };
      let { answer, code, signal } = await child(args, extra, job, args.timeout);
      if (answer?.missing) {
        const missing = answer.missing;
        ({ answer, code, signal } = await child(args, extra, { ...job, all: true }, args.timeout));
        if (answer) answer.retried_for = missing;
      }
      results[page] = answer ?? {
        page,
        cells: [],
        packages: [],
        error: `the page's Node.js process ended (exit code ${code}, signal ${signal}; timeout ${args.timeout} s)`,
      };
      const r = results[page];
      const status = r.error ? "ERROR" : "ok";
      console.error(
        `${status.padEnd(5)} ${page}: ${r.cells.length} cells, load ${(r.load_seconds ?? 0).toFixed(1)} s, ` +
          (r.retried_for ? `(run again with every package: ${r.retried_for} was missing) ` : "") +
          `total ${(r.total_seconds ?? 0).toFixed(1)} s, ${r.rss_mb ?? "?"} MB`,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Number(args.jobs)) }, worker));
  fs.rmSync(tmp, { recursive: true, force: true });
  const sorted = Object.fromEntries(Object.keys(results).sort().map((k) => [k, results[k]]));
  const out = { pyodide: lock.info.version, seconds: (performance.now() - t0) / 1000, cache_seconds: cacheSeconds, pages: sorted };
  fs.writeFileSync(args.out, JSON.stringify(out));
  console.error(`pyodide_cells: ${Object.keys(sorted).length} pages in ${out.seconds.toFixed(1)} s`);
}

await main();
