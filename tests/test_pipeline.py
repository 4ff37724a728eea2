"""Checks of the build-and-verify pipeline itself.

The pipeline makes three promises that are easy to break without noticing:

1. the executed notebooks that nbval checks hold the outputs the book shows
   (myst-nb writes them empty for pages served from the cache);
2. nbval really fails when an output changes (a strict run over notebooks with
   no outputs would pass vacuously);
3. a change under ``lib/`` re-executes the chapters (jupyter-cache keys only on
   a notebook's own cells, so by default it would serve stale outputs).
"""

from __future__ import annotations

import copy
import html
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
import yaml

from _book import EXECUTED, HTML, ROOT, notebook_pages

sys.path.insert(0, str(ROOT / "tools"))
import lib_freshness  # noqa: E402
from run_nbval import nbval_command  # noqa: E402

JB = str(Path(sys.executable).with_name("jupyter-book"))


def executed_copy(page: Path) -> Path:
    return EXECUTED / page.relative_to(ROOT).with_suffix(".ipynb")


def stream_texts(notebook) -> list[str]:
    return [
        output["text"]
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output["output_type"] == "stream"
    ]


# --- 1. the executed notebooks hold what the pages show ---------------------------------


@pytest.mark.book
@pytest.mark.parametrize("page", notebook_pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_executed_notebook_holds_the_published_outputs(page):
    nb_path = executed_copy(page)
    assert nb_path.is_file(), f"no executed notebook for {page.name}: run `make book`"
    notebook = nbformat.read(nb_path, as_version=4)
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert outputs, f"{nb_path.relative_to(ROOT)} has no outputs: nbval would compare nothing"
    page_text = html.unescape(re.sub(r"<[^>]+>", "", (HTML / page.relative_to(ROOT).with_suffix(".html")).read_text()))
    for text in stream_texts(notebook):
        for line in filter(None, (ln.strip() for ln in text.splitlines())):
            assert line in page_text, f"printed line {line!r} of the executed notebook is not on the page"


# --- 2. nbval fails when an output changes ----------------------------------------------


def _first_printed(notebook):
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output["output_type"] == "stream" and output["text"].strip():
                return output
    return None


@pytest.mark.book
def test_nbval_fails_when_an_output_changes(tmp_path):
    source = next(
        (executed_copy(p) for p in notebook_pages() if _first_printed(nbformat.read(executed_copy(p), as_version=4))),
        None,
    )
    assert source is not None, "no executed notebook prints anything"
    good = tmp_path / "good.ipynb"
    shutil.copy(source, good)
    notebook = nbformat.read(good, as_version=4)
    changed = copy.deepcopy(notebook)
    output = _first_printed(changed)
    output["text"] = output["text"].replace(output["text"].strip()[0], "#", 1) + "an output that changed\n"
    bad = tmp_path / "bad.ipynb"
    nbformat.write(changed, bad)

    ran_good = subprocess.run(nbval_command([str(good)], workers=1), capture_output=True, text=True, cwd=tmp_path)
    ran_bad = subprocess.run(nbval_command([str(bad)], workers=1), capture_output=True, text=True, cwd=tmp_path)
    assert ran_good.returncode == 0, f"nbval failed on the published notebook:\n{ran_good.stdout[-3000:]}"
    assert ran_bad.returncode != 0, "nbval passed a notebook whose output was changed"
    assert "an output that changed" in ran_bad.stdout


def test_sanitizer_only_touches_long_floats():
    from configparser import ConfigParser

    parser = ConfigParser()
    parser.read(ROOT / "tests" / "nbval_sanitize.cfg")
    rules = [(re.compile(parser[s]["regex"]), parser[s]["replace"].replace("\\1", r"\1")) for s in parser.sections()]

    def clean(text):
        for regex, replace in rules:
            text = regex.sub(replace, text)
        return text

    assert clean("0.8775825618903728") == clean("0.8775825618903731")  # last digits: machine-dependent
    assert clean("0.877583") != clean("0.877584")  # printed at a stated precision: compared exactly
    assert clean("slope = 12.50000000") != clean("slope = 12.50000001")  # eight decimals still compared


# --- 3. the cache follows lib/ -----------------------------------------------------------


def test_refresh_cache_empties_only_on_change(tmp_path):
    lib, cache = tmp_path / "lib", tmp_path / "cache"
    lib.mkdir()
    (lib / "a.py").write_text("VALUE = 1\n")
    assert lib_freshness.refresh_cache(cache, lib) is False  # new cache: nothing to empty
    (cache / "record").write_text("outputs")
    assert lib_freshness.refresh_cache(cache, lib) is False  # unchanged library: cache kept
    assert (cache / "record").exists()
    (lib / "a.py").write_text("VALUE = 2\n")
    assert lib_freshness.refresh_cache(cache, lib) is True  # changed: emptied
    assert not (cache / "record").exists()
    (lib / "__pycache__").mkdir()
    (lib / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    assert lib_freshness.refresh_cache(cache, lib) is False  # bytecode is not source


def _mini_book(root: Path, with_guard: bool) -> None:
    """A one-page book whose only output comes from a module under lib/."""
    (root / "lib").mkdir(parents=True)
    (root / "lib" / "fakelib.py").write_text("VALUE = 1\n")
    extensions = {"extra_extensions": ["lib_freshness"], "local_extensions": {"lib_freshness": str(ROOT / "tools")}}
    config = {
        "title": "mini",
        "only_build_toc_files": True,
        "exclude_patterns": ["lib", "_build", "elsewhere"],
        "execute": {"execute_notebooks": "cache", "cache": "_build/.jupyter_cache"},
        "sphinx": extensions if with_guard else {},
    }
    (root / "_config.yml").write_text(yaml.safe_dump(config))
    (root / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    (root / "page.md").write_text(
        textwrap.dedent("""\
        ---
        jupytext:
          text_representation:
            format_name: myst
        kernelspec:
          display_name: Python 3
          language: python
          name: python3
        ---
        # Page

        ```{code-cell} ipython3
        import sys
        sys.path.insert(0, "lib")
        import fakelib
        print(f"the library says {fakelib.VALUE}")
        ```
        """)
    )


def _build_and_read(root: Path) -> tuple[str, str]:
    # Build from another directory: the book's cache must not depend on where the build starts.
    elsewhere = root / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    run = subprocess.run(
        [JB, "build", str(root), "--warningiserror", "--keep-going"], capture_output=True, text=True, cwd=elsewhere
    )
    assert run.returncode == 0, run.stdout[-8000:] + "\n--- stderr ---\n" + run.stderr[-4000:]
    page = (root / "_build" / "html" / "page.html").read_text()
    executed = json.dumps(nbformat.read(root / "_build" / "jupyter_execute" / "page.ipynb", as_version=4))
    return page, executed


@pytest.mark.slow
@pytest.mark.parametrize("with_guard", [True, False], ids=["with-lib_freshness", "without (control)"])
def test_a_change_under_lib_re_executes_the_chapters(tmp_path, with_guard):
    _mini_book(tmp_path, with_guard)
    page, executed = _build_and_read(tmp_path)
    assert "the library says 1" in page and "the library says 1" in executed

    (tmp_path / "lib" / "fakelib.py").write_text("VALUE = 2\n")
    page, executed = _build_and_read(tmp_path)
    if with_guard:
        assert "the library says 2" in page, "the page kept an output computed with the old library"
        assert "the library says 2" in executed, "the executed notebook kept an old output"
    else:
        # The control shows the problem is real: without the guard the page goes stale.
        assert "the library says 1" in page


# --- the repository and the workflows ----------------------------------------------------


def test_workflows_pass_actionlint():
    actionlint = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    assert actionlint, "actionlint is not installed in the environment (requirements.txt)"
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows, "no GitHub Actions workflows"
    run = subprocess.run([actionlint, *map(str, workflows)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


def _repository():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url, branch = config["repository"]["url"].rstrip("/"), config["repository"]["branch"]
    owner, name = url.removeprefix("https://github.com/").split("/")
    return url, branch, f"https://{owner.lower()}.github.io/{name}/"


def test_repository_is_named_in_one_place():
    """README and pyproject link to the repository and the site that _config.yml names."""
    url, branch, site = _repository()
    readme = (ROOT / "README.md").read_text()
    pyproject = (ROOT / "pyproject.toml").read_text()
    third_party = {"https://github.com/computationalmodelling/nbval"}  # tools we link to, not us
    linked = set(re.findall(r"https://github\.com/[\w.-]+/[\w.-]+", readme + pyproject)) - third_party
    assert linked == {url}, f"links to other repositories than {url}: {linked - {url}}"
    sites = set(re.findall(r"https://[\w.-]+\.github\.io/[\w.-]+/", readme + pyproject))
    assert sites == {site}, f"the published site should be {site}, found {sites}"
    assert f"mybinder.org/v2/gh/{url.removeprefix('https://github.com/')}/{branch}" in readme


def test_pages_link_only_to_the_configured_repository():
    """A chapter that links to the book's repository uses the address _config.yml names."""
    url, _, site = _repository()
    owner = url.removeprefix("https://github.com/").split("/")[0]
    for page in sorted((ROOT / "book").rglob("*.md")):
        text = page.read_text()
        ours = set(re.findall(rf"https://github\.com/{re.escape(owner)}/[\w.-]+", text, flags=re.I))
        assert ours <= {url}, f"{page.relative_to(ROOT)} links to {ours - {url}}, not to {url}"
        sites = set(re.findall(r"https://[\w.-]+\.github\.io/[\w.-]+/", text))
        assert sites <= {site}, f"{page.relative_to(ROOT)} names the site {sites - {site}}, not {site}"


def test_requirements_pin_exact_versions_and_pyproject_declares_ranges():
    lines = [ln.strip() for ln in (ROOT / "requirements.txt").read_text().splitlines()]
    packages = [ln for ln in lines if ln and not ln.startswith("#")]
    assert "-e ." in packages, "requirements.txt must install the local package"
    pin = r"[A-Za-z0-9_.\-\[\]]+==[\w.+!-]+( ; python_version [<>]=? \"3\.\d+\")?"
    loose = [ln for ln in packages if ln != "-e ." and not re.fullmatch(pin, ln)]
    assert not loose, f"unpinned requirements: {loose}"
    for needed in ("jupyter-book", "jupytext", "numpy", "scipy", "matplotlib", "nbval", "playwright"):
        assert any(ln.lower().startswith(needed + "==") for ln in packages), f"{needed} is not pinned"
    jb = next(ln for ln in packages if ln.lower().startswith("jupyter-book=="))
    assert jb.split("==")[1].startswith("1."), "the book is built with Jupyter Book 1.x"
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for dep in deps:
        assert ">=" in dep and "<" in dep.replace("<=", ""), f"{dep} should be a version range"
