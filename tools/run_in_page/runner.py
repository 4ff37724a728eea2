"""The Python half of the book's in-page runner: runs one code cell and returns what it showed.

The page's JavaScript (``runcell.js`` and its Web Worker) loads this file into Pyodide once per
page, and the Node.js test of every page (``tests/test_pyodide_cells.py``) loads the same file, so
what the reader sees and what the test compares come from one piece of code.

``run_cell(code)`` executes ``code`` in the page's one namespace, as a notebook kernel does, and
returns its outputs in order, as JSON-ready dicts:

- ``{"type": "stream", "name": "stdout" | "stderr", "text": ...}`` for printed text (consecutive
  prints are merged, as myst-nb merges them with ``nb_merge_streams``);
- ``{"type": "text", "text": ...}`` for the value of a last expression, or a glued value shown with
  ``display=True``: its ``repr``, as Jupyter's ``text/plain``;
- ``{"type": "markdown", "text": ...}`` for ``IPython.display.Markdown``;
- ``{"type": "html", "html": ...}`` for an object with ``_repr_html_`` (the book's widgets);
- ``{"type": "image", "png": <base64>}`` for each matplotlib figure, at ``plt.show()`` or at the
  end of the cell;
- ``{"type": "error", "ename": ..., "evalue": ..., "traceback": ...}`` when the cell raises; the
  traceback shows the reader's cell as ``Cell In [n]`` and hides this file's frames.

Where the build's packages are missing (``myst_nb`` never exists in Pyodide; ``IPython`` may not),
``install_shims()`` puts small stand-ins in ``sys.modules``: ``glue`` shows the value when asked
to display it and otherwise remembers it in ``GLUED``, which the tests compare with the build's.
"""

from __future__ import annotations

import ast
import base64
import io
import linecache
import os
import sys
import traceback
import types
from typing import Any

#: matplotlib draws with Agg, and ``plt.show()`` turns the open figures into outputs (see ``_backend``).
BACKEND = "module://run_in_page_backend"
os.environ["MPLBACKEND"] = BACKEND

#: The values glued so far on this page, by name: the stand-in for myst-nb's glue store.
GLUED: dict[str, Any] = {}

_NAMESPACE: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
_COUNT = [0]
_OUTPUTS: list[dict] = []


class Markdown:
    """Stand-in for ``IPython.display.Markdown``: text that the page shows as Markdown."""

    def __init__(self, data: str = "") -> None:
        self.data = data

    def _repr_markdown_(self) -> str:
        return self.data

    def __repr__(self) -> str:
        return "<IPython.core.display.Markdown object>"


class HTML:
    """Stand-in for ``IPython.display.HTML``."""

    def __init__(self, data: str = "") -> None:
        self.data = data

    def _repr_html_(self) -> str:
        return self.data

    def __repr__(self) -> str:
        return "<IPython.core.display.HTML object>"


def display(*objects: Any, **_: Any) -> None:
    """Stand-in for ``IPython.display.display``: show each object as the page would."""
    for obj in objects:
        _show(obj)


def glue(name: str, variable: Any, display: bool = True) -> None:  # noqa: A002 (myst-nb's name)
    """Stand-in for ``myst_nb.glue``: remember the value, and show it if ``display`` is true."""
    GLUED[name] = variable
    if display:
        _show(variable)


def install_shims(force: bool = False) -> list[str]:
    """Put stand-ins for ``myst_nb`` and ``IPython.display`` where the real ones are missing.

    Returns the names of the modules it stood in for. ``force=True`` replaces ``myst_nb`` even
    where it is installed (the CPython tests of this file use it).
    """
    installed = []
    try:
        if force:
            raise ImportError
        import myst_nb  # noqa: F401
    except ImportError:
        module = types.ModuleType("myst_nb")
        module.glue = glue
        sys.modules["myst_nb"] = module
        installed.append("myst_nb")
    try:
        import IPython.display  # noqa: F401
    except ImportError:
        ipython = types.ModuleType("IPython")
        ipython.get_ipython = lambda: None  # matplotlib asks whether it runs under IPython
        shown = types.ModuleType("IPython.display")
        shown.Markdown, shown.HTML, shown.display = Markdown, HTML, display
        ipython.display = shown
        sys.modules["IPython"], sys.modules["IPython.display"] = ipython, shown
        installed.append("IPython.display")
    return installed


def _stream(name: str, text: str) -> None:
    if not text:
        return
    if _OUTPUTS and _OUTPUTS[-1]["type"] == "stream" and _OUTPUTS[-1]["name"] == name:
        _OUTPUTS[-1]["text"] += text
    else:
        _OUTPUTS.append({"type": "stream", "name": name, "text": text})


class _Writer(io.TextIOBase):
    def __init__(self, name: str) -> None:
        self.name = name

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        _stream(self.name, text)
        return len(text)


def _show(obj: Any) -> None:
    if obj is None:
        return
    if hasattr(obj, "_repr_html_"):
        html = obj._repr_html_()
        if html is not None:
            _OUTPUTS.append({"type": "html", "html": html})
            return
    if hasattr(obj, "_repr_markdown_"):
        _OUTPUTS.append({"type": "markdown", "text": obj._repr_markdown_()})
        return
    _OUTPUTS.append({"type": "text", "text": repr(obj)})


def _flush_figures(*_: Any, **__: Any) -> None:
    """Turn every open matplotlib figure into a PNG output, and close it (``plt.show`` under agg)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return
    for number in pyplot.get_fignums():
        figure = pyplot.figure(number)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight")
        _OUTPUTS.append({"type": "image", "png": base64.b64encode(buffer.getvalue()).decode("ascii")})
    pyplot.close("all")


def _error_output(exc: BaseException, filename: str) -> dict:
    frames = traceback.extract_tb(exc.__traceback__)
    keep = [i for i, frame in enumerate(frames) if frame.filename == filename]
    start = keep[0] if keep else 0
    lines = traceback.format_list(frames[start:])
    lines += traceback.format_exception_only(type(exc), exc)
    return {
        "type": "error",
        "ename": type(exc).__name__,
        "evalue": str(exc),
        "traceback": "Traceback (most recent call last):\n" + "".join(lines),
    }


def run_cell(code: str) -> list[dict]:
    """Execute ``code`` in the page's namespace and return its outputs, in order."""
    _COUNT[0] += 1
    filename = f"Cell In [{_COUNT[0]}]"
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    _OUTPUTS.clear()
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Writer("stdout"), _Writer("stderr")
    try:
        tree = ast.parse(code, filename=filename)
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        exec(compile(tree, filename, "exec"), _NAMESPACE)
        if last is not None:
            value = eval(compile(last, filename, "eval"), _NAMESPACE)
            _show(value)
        _flush_figures()
    except BaseException as exc:  # the reader's error, shown under the cell; the page goes on
        _flush_figures()
        _OUTPUTS.append(_error_output(exc, filename))
    finally:
        sys.stdout.flush()
        sys.stdout, sys.stderr = out, err
    return list(_OUTPUTS)


def reset() -> None:
    """Forget the page's variables and glued values, as a restarted kernel does."""
    _NAMESPACE.clear()
    _NAMESPACE.update({"__name__": "__main__", "__builtins__": __builtins__})
    GLUED.clear()
    _COUNT[0] = 0


class _BackendFinder:
    """Makes ``run_in_page_backend`` importable: Agg's canvas, with ``show`` = ``_flush_figures``.

    matplotlib imports the module named by ``MPLBACKEND`` when pyplot first draws; its ``show``
    is then ``plt.show``, so figures come out where the cell shows them, between its prints.
    """

    @staticmethod
    def find_spec(name: str, path: Any = None, target: Any = None) -> Any:
        if name != "run_in_page_backend":
            return None
        import importlib.machinery

        return importlib.machinery.ModuleSpec(name, _BackendFinder)

    @staticmethod
    def create_module(spec: Any) -> types.ModuleType:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        module = types.ModuleType(spec.name)
        module.FigureCanvas = FigureCanvasAgg
        module.show = _flush_figures
        return module

    @staticmethod
    def exec_module(module: types.ModuleType) -> None:
        return None


if not any(isinstance(f, type) and f is _BackendFinder for f in sys.meta_path):
    sys.meta_path.append(_BackendFinder)
