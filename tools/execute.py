"""Execute every chapter of the book into the execution cache, on all cores.

``jupyter-book build`` executes the pages one at a time. This script runs first
(``make book``) and executes the pages that the cache does not already hold in
parallel, with jupyter-cache's ``local-parallel`` executor, so the build that
follows only reads outputs from the cache. Pages are read exactly as myst-nb
reads them (its ``myst_nb_md`` reader), so the cache keys match.

If ``lib/`` changed since the cache was filled, the cache is emptied first
(``tools/lib_freshness.py``): outputs are never older than the library.

Exit status 1, with the traceback, if any page fails to execute.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml
from jupyter_cache import get_cache
from jupyter_cache.executors import load_executor
from myst_nb.core.read import is_myst_markdown_notebook
from sphinx_external_toc.parsing import parse_toc_data

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lib_freshness import refresh_cache  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
READER = {"name": "myst_nb_md", "type": "plugin"}


def toc_files(toc: dict) -> list[str]:
    """Every document of a jb-book table of contents, in order (parsed by sphinx-external-toc, as the build does)."""
    return list(parse_toc_data(toc))


def notebook_pages(root: Path = ROOT) -> list[Path]:
    """The pages of the book that myst-nb reads as notebooks (its own test of the front matter)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    paths = [root / (name if name.endswith(".md") else name + ".md") for name in toc_files(toc)]
    return [path for path in paths if is_myst_markdown_notebook(path.read_text(encoding="utf8"))]


def main() -> int:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    cache_dir = ROOT / config["execute"]["cache"]
    timeout = int(config["execute"].get("timeout", 300))
    if refresh_cache(cache_dir, ROOT / "lib"):
        print("execute: lib/ changed since the cache was filled; emptied it")

    cache = get_cache(cache_dir)
    pages = notebook_pages()
    wanted = {str(p.resolve()) for p in pages}
    for record in cache.list_project_records():
        if record.uri not in wanted:
            cache.remove_nb_from_project(record.pk)
    for page in pages:
        cache.add_nb_to_project(str(page.resolve()), read_data=READER)

    start = time.perf_counter()
    executor = load_executor("local-parallel", cache=cache)
    result = executor.run_and_cache(timeout=timeout, allow_errors=False)
    succeeded, excepted = list(result.succeeded), list(result.excepted)
    if result.errored:
        # "errored" is jupyter-cache's failure around the execution, not in it: retrieving the page or
        # storing its outputs. Two workers storing at once can race in its cache truncation ("Notebook
        # file does not exist for cache record"), so those pages run once more, one at a time.
        print(f"execute: retrying {len(result.errored)} page(s) that could not be cached, one at a time")
        retry = load_executor("local-serial", cache=cache).run_and_cache(
            filter_uris=list(result.errored), timeout=timeout, allow_errors=False
        )
        succeeded += retry.succeeded
        excepted += retry.excepted + retry.errored
    elapsed = time.perf_counter() - start
    failed = len(excepted)
    print(
        f"execute: {len(pages)} notebook pages; executed {len(succeeded)}, "
        f"failed {failed}, cached already {len(pages) - len(succeeded) - failed} ({elapsed:.1f} s)"
    )
    if excepted:
        for uri in excepted:
            record = cache.get_project_record(uri)
            print(f"\nexecute: FAILED {Path(uri).relative_to(ROOT)}\n{record.traceback}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
