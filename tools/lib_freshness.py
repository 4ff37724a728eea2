"""Keep executed outputs in step with the library the chapters import.

jupyter-cache keys a notebook only on its own code cells, and Sphinx re-reads a
page only when its source changes. So after an edit under ``lib/`` both would
happily serve outputs computed with the *old* ``mvcalc``. This module closes
the gap by fingerprinting the library's source:

* :func:`refresh_cache` empties the execution cache when the fingerprint
  differs from the one stored beside the cache (used by this Sphinx extension
  and by ``tools/execute.py`` before a parallel pre-execution);
* the Sphinx extension also marks every page out of date when the fingerprint
  stored in the Sphinx environment differs, so the pages are re-read and take
  the fresh outputs.

It also mends one gap in myst-nb 1.x: a page served from the cache has its
copy in ``_build/jupyter_execute`` written *without* outputs (myst-nb writes the
notebook it read, not the one merged with the cache). :func:`_doctree_read`
merges the cached outputs into that copy, so the executed notebooks there
always hold what the page shows; nbval re-executes exactly those.

Both fingerprints are written only once the work they guard is done, so an
interrupted build cannot leave a stale page behind a fresh fingerprint.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from sphinx.util import logging

STAMP = "mvcalc-lib.sha256"


def fingerprint(lib_dir: Path) -> str:
    """SHA-256 of every source file under ``lib_dir``, by relative path and content."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(lib_dir).rglob("*") if p.is_file()):
        if "__pycache__" in path.parts or path.suffix in {".pyc", ".pyo"} or ".egg-info" in str(path):
            continue
        digest.update(path.relative_to(lib_dir).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def refresh_cache(cache_dir: Path, lib_dir: Path) -> bool:
    """Empty ``cache_dir`` if it was filled with a different library. Returns True if emptied."""
    cache_dir, current = Path(cache_dir), fingerprint(lib_dir)
    stamp = cache_dir / STAMP
    if stamp.is_file() and stamp.read_text().strip() == current:
        return False
    emptied = cache_dir.exists()
    if emptied:
        shutil.rmtree(cache_dir)
    cache_dir.mkdir(parents=True)
    stamp.write_text(current + "\n")
    return emptied


def _config_inited(app, config) -> None:
    """Anchor the execution cache to the book, not to the directory the build started in.

    myst-nb resolves a relative ``nb_execution_cache_path`` against the current
    directory, so ``jupyter-book build path/to/book`` from elsewhere would use
    (and fill) some other cache.
    """
    path = config.nb_execution_cache_path or str(Path(app.outdir).parent / ".jupyter_cache")
    config.nb_execution_cache_path = str((Path(app.srcdir) / path).resolve())


def _builder_inited(app) -> None:
    lib_dir = Path(app.srcdir) / app.config.mvcalc_lib_dir
    app.env.mvcalc_lib_current = fingerprint(lib_dir)
    if app.config.nb_execution_mode == "cache":
        if refresh_cache(Path(app.config.nb_execution_cache_path), lib_dir):
            logging.getLogger(__name__).info("[lib_freshness] lib/ changed: execution cache emptied")


def _env_get_outdated(app, env, added, changed, removed):
    current = getattr(env, "mvcalc_lib_current", None)
    if getattr(env, "mvcalc_lib_built", None) == current:
        return []
    env.mvcalc_lib_built = current  # pickled with the environment once reading is done
    return sorted(env.found_docs - set(added) - set(changed))


def _doctree_read(app, doctree) -> None:
    """Give the page's executed-notebook copy the outputs the page was rendered with."""
    if app.config.nb_execution_mode != "cache":
        return
    import nbformat
    from jupyter_cache import get_cache

    parts = app.env.docname.split("/")
    copy = Path(app.outdir).parent.joinpath("jupyter_execute", *parts[:-1], parts[-1] + ".ipynb")
    if not copy.is_file():
        return  # not a notebook page
    notebook = nbformat.read(copy, as_version=4)
    try:
        _, merged = get_cache(app.config.nb_execution_cache_path).merge_match_into_notebook(notebook)
    except KeyError:
        return  # not in the cache: myst-nb executed it in place, outputs and all
    nbformat.write(merged, copy)


def setup(app):
    app.add_config_value("mvcalc_lib_dir", "lib", "env")
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    app.connect("env-get-outdated", _env_get_outdated)
    app.connect("doctree-read", _doctree_read)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
