"""Lighthouse scores of every page of the built book, served the way GitHub Pages serves it.

Serves the built site (``_build/html`` by default) on 127.0.0.1 with gzip compression and
GitHub Pages' cache headers, runs Lighthouse (desktop preset: performance, accessibility,
best practices, SEO) on every page of ``_toc.yml`` one after the other, and prints a
Markdown table. Targets: performance >= 98, the other three 100; a page below a target
lists the audits that cost it points.

Lighthouse is an npm package, pinned in benchmarks/package.json; install it once with

    npm ci --prefix benchmarks

then

    .venv/bin/python benchmarks/lighthouse.py [--html DIR] [--pages PATTERN] [--retries N] [--assert]

``--pages`` keeps the pages whose name (``book/m2/sandpit``) contains PATTERN. ``--retries N``
runs a page whose performance is below target up to N more times and keeps its best run:
performance is timed on this machine, so it dips when other work shares the CPU, while the
other three categories do not depend on timing and are never re-run. ``--assert`` exits
with status 1 if a page misses a target; ``--perf-exempt PAGE`` leaves that page's
performance (only) out of it, still measured and printed. The browser is ``CHROME_PATH`` if set, else the
Chromium that tools/find_browser.py finds.

Writes the summary as JSON to benchmarks/results/lighthouse.json (scores, the five metrics
of the performance score, the audits below target) and each page's full Lighthouse report
to benchmarks/results/lighthouse/.

One difference from GitHub Pages remains: this server speaks HTTP/1.1 (GitHub Pages uses
HTTP/2 over TLS), so the browser fetches at most six files at a time where GitHub Pages
would send them all at once. Lighthouse's simulated load times are therefore, if anything,
a little slower here than on the published site.
"""

from __future__ import annotations

import argparse
import email.utils
import gzip
import http.server
import json
import os
import posixpath
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import local_server  # noqa: E402  (tools/: the loopback server the tests use too)

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 98, "accessibility": 100, "best-practices": 100, "seo": 100}
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)  # the five that make the performance score
SHORT = {"performance": "perf", "accessibility": "a11y", "best-practices": "BP", "seo": "SEO"}

# Headless Chromium on a machine with no internet: without the background-networking
# flags Chromium's own connections (updates, sync) fail and show up in the report.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)

# GitHub Pages compresses text: HTML, CSS, JavaScript, SVG, JSON, XML and plain text.
COMPRESSIBLE = {
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/x-javascript",
    "image/svg+xml",
    "application/json",
    "text/plain",
    "application/xml",
    "text/xml",
}
TEXT_CHARSET = COMPRESSIBLE - {"image/svg+xml"}  # served with "; charset=utf-8"
MAX_AGE = 600  # GitHub Pages: Cache-Control: max-age=600


# -- the server ------------------------------------------------------------------------------


def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding header allows gzip (``gzip`` or ``*`` with a q above 0)."""
    allowed = {}
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        name = name.strip().lower()
        if not name:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        allowed[name] = q
    if "gzip" in allowed:
        return allowed["gzip"] > 0
    return allowed.get("*", 0) > 0


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with gzip and cache headers like GitHub Pages'.

    A compressible file (see COMPRESSIBLE) is sent gzipped when the request accepts gzip,
    and as it is otherwise; either way with ``Vary: Accept-Encoding``. Every file gets
    Content-Type (text with ``charset=utf-8``), Content-Length, Last-Modified, ETag,
    ``Cache-Control: max-age=600`` and Expires; If-None-Match is answered with 304.
    A directory without its trailing slash is redirected (301) to it, and a missing file is
    a 404 with the site's 404.html if it has one.
    """

    protocol_version = "HTTP/1.1"  # keep-alive, as a real host
    server_version = "GitHubPagesLike"
    sys_version = ""
    _gzip_cache: dict[tuple[str, int, int], bytes] = {}
    _gzip_lock = threading.Lock()

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by the base class
        pass

    def do_GET(self):
        self._respond(body=True)

    def do_HEAD(self):
        self._respond(body=False)

    def _respond(self, body: bool) -> None:
        url_path = urllib.parse.urlsplit(self.path).path
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not url_path.endswith("/"):
                parts = urllib.parse.urlsplit(self.path)
                location = urllib.parse.urlunsplit(("", "", parts.path + "/", parts.query, ""))
                self._send_empty(301, {"Location": location})
                return
            path = path / "index.html"
        if not path.is_file() or posixpath.basename(url_path).startswith("."):
            missing = Path(self.directory) / "404.html"
            if missing.is_file():
                self._send_file(missing, body, status=404)
            else:
                self._send_empty(404, {"Content-Type": "text/plain; charset=utf-8"})
            return
        self._send_file(path, body)

    def _send_empty(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send_file(self, path: Path, body: bool, status: int = 200) -> None:
        stat = path.stat()
        ctype = self.guess_type(str(path)).split(";")[0].strip()
        data = path.read_bytes()
        etag = f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'
        compressible = ctype in COMPRESSIBLE
        encode = compressible and accepts_gzip(self.headers.get("Accept-Encoding"))
        if encode:
            etag = "W/" + etag  # a different representation of the same file
        headers = {
            "Content-Type": ctype + ("; charset=utf-8" if ctype in TEXT_CHARSET else ""),
            "Last-Modified": email.utils.formatdate(stat.st_mtime, usegmt=True),
            "ETag": etag,
            "Cache-Control": f"max-age={MAX_AGE}",
            "Expires": email.utils.formatdate(time.time() + MAX_AGE, usegmt=True),
            "Access-Control-Allow-Origin": "*",
        }
        if compressible:
            headers["Vary"] = "Accept-Encoding"
        if status == 200 and self.headers.get("If-None-Match") == etag:
            self._send_empty(304, headers)
            return
        if encode:
            data = self._gzipped(path, stat, data)
            headers["Content-Encoding"] = "gzip"
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    @classmethod
    def _gzipped(cls, path: Path, stat: os.stat_result, data: bytes) -> bytes:
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        with cls._gzip_lock:
            cached = cls._gzip_cache.get(key)
        if cached is None:
            cached = gzip.compress(data, compresslevel=6, mtime=0)
            with cls._gzip_lock:
                cls._gzip_cache[key] = cached
        return cached


def serve(directory: Path):
    """Serve ``directory`` like GitHub Pages on a free loopback port; yields the base URL."""
    return local_server.serve(directory, handler=PagesHandler)


# -- Lighthouse ------------------------------------------------------------------------------


def book_pages() -> list[str]:
    """Every page of _toc.yml, as its path without suffix (``book/m2/sandpit``)."""
    import yaml

    from execute import toc_files

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [name.removesuffix(".md") for name in toc_files(toc)]


def chrome_path() -> str | None:
    if os.environ.get("CHROME_PATH"):
        return os.environ["CHROME_PATH"]
    from find_browser import find_chromium

    return find_chromium()


def run_lighthouse(url: str, report: Path, chrome: str | None) -> dict:
    """One Lighthouse run of ``url``; its JSON report is written to ``report`` and returned."""
    if not LIGHTHOUSE.exists():
        sys.exit(f"Lighthouse is not installed: run `npm ci --prefix {HERE.relative_to(ROOT)}`")
    env = dict(os.environ)
    if chrome:
        env["CHROME_PATH"] = chrome
    command = [
        str(LIGHTHOUSE),
        url,
        "--preset=desktop",
        "--only-categories=" + ",".join(CATEGORIES),
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    if run.returncode != 0 or not report.exists():
        sys.exit(f"lighthouse failed on {url}:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    return json.loads(report.read_text())


def summarise(lhr: dict) -> dict:
    """Scores (0-100) of the four categories and, for each below target, the audits that cost points."""
    if lhr.get("runtimeError"):
        sys.exit(f"lighthouse: {lhr['runtimeError']}")
    scores, failing = {}, {}
    for name in CATEGORIES:
        category = lhr["categories"][name]
        score = category["score"]
        scores[name] = None if score is None else round(score * 100)
        if scores[name] is None or scores[name] < TARGETS[name]:
            losses = []
            for ref in category["auditRefs"]:
                audit = lhr["audits"][ref["id"]]
                if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                    losses.append((ref["weight"] * (1 - audit["score"]), ref["id"]))
            failing[name] = [audit_id for _, audit_id in sorted(losses, reverse=True)]
    metrics = {
        name: round(lhr["audits"][name]["numericValue"], 3 if name == "cumulative-layout-shift" else 0)
        for name in METRICS
        if "numericValue" in lhr["audits"].get(name, {})
    }
    return {"scores": scores, "failing": failing, "metrics": metrics}


def meets_targets(scores: dict, categories=CATEGORIES) -> bool:
    return all(scores[c] is not None and scores[c] >= TARGETS[c] for c in categories)


def failing(rows: list[dict], perf_exempt=()) -> list[str]:
    """The pages that miss a target; for the pages in ``perf_exempt`` performance is not counted."""
    return [
        row["page"]
        for row in rows
        if not meets_targets(
            row["scores"], [c for c in CATEGORIES if not (c == "performance" and row["page"] in perf_exempt)]
        )
    ]


def table(rows: list[dict]) -> str:
    lines = [
        "| page | " + " | ".join(SHORT[c] for c in CATEGORIES) + " | runs | below target |",
        "|---|" + "---:|" * len(CATEGORIES) + "---:|---|",
    ]
    for row in rows:
        cells = []
        for c in CATEGORIES:
            score = row["scores"][c]
            text = "-" if score is None else str(score)
            cells.append(text if score is not None and score >= TARGETS[c] else f"**{text}**")
        notes = "; ".join(f"{SHORT[c]}: {', '.join(ids[:6]) or '?'}" for c, ids in row["failing"].items())
        lines.append(f"| {row['page']} | " + " | ".join(cells) + f" | {row['runs']} | {notes} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--html", type=Path, default=ROOT / "_build" / "html", help="the built site (default: _build/html)"
    )
    parser.add_argument("--pages", default="", help="only the pages whose name contains this")
    parser.add_argument(
        "--retries", type=int, default=0, help="re-run a page below the performance target up to this many times"
    )
    parser.add_argument(
        "--assert", dest="check", action="store_true", help="exit with status 1 if a page misses a target"
    )
    parser.add_argument(
        "--perf-exempt",
        action="append",
        default=[],
        metavar="PAGE",
        help="measure and report this page's performance but leave it out of --assert "
        "(the other three categories still count); repeatable",
    )
    args = parser.parse_args(argv)

    html = args.html.resolve()
    pages = [p for p in book_pages() if args.pages in p]
    if not pages:
        sys.exit(f"no page of _toc.yml matches {args.pages!r}")
    missing = [p for p in pages if not (html / f"{p}.html").is_file()]
    if missing:
        sys.exit(f"not built in {html}: {', '.join(missing)}")
    chrome = chrome_path()
    reports = RESULTS / "lighthouse"
    reports.mkdir(parents=True, exist_ok=True)

    rows = []
    with serve(html) as base:
        for page in pages:
            url = f"{base}/{page}.html"
            report = reports / (page.replace("/", "_") + ".json")
            best, runs = None, 0
            while True:
                runs += 1
                attempt = report.with_suffix(".run.json")
                result = summarise(run_lighthouse(url, attempt, chrome))
                if best is None or (result["scores"]["performance"] or 0) > (best["scores"]["performance"] or 0):
                    best = result
                    shutil.move(attempt, report)  # keep the report of the best run
                else:
                    attempt.unlink()
                perf = best["scores"]["performance"]
                if (perf is not None and perf >= TARGETS["performance"]) or runs > args.retries:
                    break
            row = {"page": page, "url_path": f"/{page}.html", "runs": runs, **best}
            rows.append(row)
            print(
                f"{page}: "
                + ", ".join(f"{SHORT[c]} {best['scores'][c]}" for c in CATEGORIES)
                + (f" (best of {runs} runs)" if runs > 1 else ""),
                file=sys.stderr,
                flush=True,
            )

    version = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()
    passed = all(meets_targets(row["scores"]) for row in rows)
    summary = {
        "lighthouse": version,
        "preset": "desktop",
        "chrome": chrome,
        "html": str(html),
        "targets": TARGETS,
        "all_meet_targets": passed,
        "pages": rows,
    }
    (RESULTS / "lighthouse.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(table(rows))
    print()
    below = [row["page"] for row in rows if not meets_targets(row["scores"])]
    print(
        f"{len(rows) - len(below)} of {len(rows)} pages meet the targets "
        f"(performance >= {TARGETS['performance']}, the others 100)"
        + (f"; below: {', '.join(below)}" if below else ".")
    )
    exempt = [p for p in args.perf_exempt if p in pages]
    if exempt:
        print(f"Performance measured but not asserted for: {', '.join(exempt)}.")
    return 1 if args.check and failing(rows, exempt) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
