"""The self-hosted Pyodide build step (tools/pyodide_dist.py): verified file by file, or nothing is shipped.

The unit tests build a tiny fake world in tmp_path (an npm tarball with a lock, a vendor wheel holding
the lock's package files, a PyPI wheel for one documented exception) and replace the network with a
dictionary, so they need no network; one of them builds a real wheel of a one-module project (setuptools,
offline). The last test, marked ``book``, checks the distribution inside the built site against its own
MANIFEST.json and lock.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest

import pyodide_dist as pd

PREFIX = "vendor_pkg/assets/pyodide/"
SIMPLE = "https://pypi.org/simple/{}/"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def tar_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class World:
    """A fake npm registry and PyPI for one Pyodide version, with the pins set to match them."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, vendor_overrides=None, vendor_missing=()):
        self.tmp = tmp_path
        self.out = tmp_path / "site" / "_static" / "pyodide"
        self.cache = tmp_path / "cache"
        self.lib = tmp_path / "repo" / "lib"
        (self.lib / "mvcalc").mkdir(parents=True)
        (self.lib / "mvcalc" / "__init__.py").write_text('"""mvcalc."""\n')
        (self.lib.parent / "pyproject.toml").write_text('[project]\nname = "mvcalc"\nversion = "0.1.0"\n')

        # The official bytes of each package file, and the lock that names them.
        self.official = {
            "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl": b"numpy wasm wheel",
            "alpha-1.0-py3-none-any.whl": b"alpha, re-zipped by Pyodide",
            "beta_pkg-2.0-py3-none-any.whl": b"beta, re-zipped by Pyodide",
            "gamma-3.0-py3-none-any.whl": b"gamma, not wanted",
            "symp-1.0-py3-none-any.whl": b"symp as Pyodide re-zipped it",
        }
        entry = lambda name, version, file, depends: {
            "name": name,
            "version": version,
            "file_name": file,
            "sha256": sha(self.official[file]),
            "depends": depends,
            "imports": [name],
            "install_dir": "site",
            "package_type": "package",
            "unvendored_tests": name == "symp",
            "shared_library": False,
        }
        self.lock = {
            "info": {"version": "0.27.7", "python": "3.12.7"},
            "packages": {
                "numpy": entry("numpy", "2.0.2", "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl", []),
                "alpha": entry("alpha", "1.0", "alpha-1.0-py3-none-any.whl", ["Beta_Pkg", "numpy"]),
                "beta-pkg": entry("beta_pkg", "2.0", "beta_pkg-2.0-py3-none-any.whl", []),
                "gamma": entry("gamma", "3.0", "gamma-3.0-py3-none-any.whl", ["alpha"]),
                "symp": entry("symp", "1.0", "symp-1.0-py3-none-any.whl", ["beta-pkg"]),
            },
        }
        runtime = {name: f"runtime {name}".encode() for name in pd.RUNTIME_FILES}
        self.tarball = tar_bytes({**runtime, "pyodide-lock.json": json.dumps(self.lock).encode()})

        members = {PREFIX + name: data for name, data in self.official.items() if name != "symp-1.0-py3-none-any.whl"}
        for name, data in (vendor_overrides or {}).items():
            members[PREFIX + name] = data
        for name in vendor_missing:
            del members[PREFIX + name]
        self.vendor = zip_bytes(members)
        self.pypi_symp = b"symp as PyPI has it"

        self.urls = {
            "npm": "https://registry.example/pyodide-0.27.7.tgz",
            "vendor": "https://files.example/vendor_pkg-1.0-py3-none-any.whl",
            "symp": "https://files.example/symp-1.0-py3-none-any.whl",
        }
        self.served = {
            self.urls["npm"]: self.tarball,
            self.urls["vendor"]: self.vendor,
            self.urls["symp"]: self.pypi_symp,
            SIMPLE.format("vendor-pkg"): self.index(
                "vendor_pkg-1.0-py3-none-any.whl", self.urls["vendor"], self.vendor
            ),
            SIMPLE.format("symp"): self.index("symp-1.0-py3-none-any.whl", self.urls["symp"], self.pypi_symp),
        }
        self.fetched: list[str] = []

        monkeypatch.setattr(pd, "fetch", self.fetch)
        monkeypatch.setattr(pd, "build_mvcalc_wheel", self.build_wheel)
        monkeypatch.setattr(pd, "NPM", {"url": self.urls["npm"], "integrity": pd.npm_integrity(self.tarball)})
        monkeypatch.setattr(
            pd,
            "VENDOR",
            {
                "project": "vendor-pkg",
                "file": "vendor_pkg-1.0-py3-none-any.whl",
                "sha256": sha(self.vendor),
                "prefix": PREFIX,
            },
        )
        monkeypatch.setattr(
            pd, "EXCEPTIONS", {"symp": {"file": "symp-1.0-py3-none-any.whl", "sha256": sha(self.pypi_symp)}}
        )
        self.want = ("alpha", "symp")

    @staticmethod
    def index(filename: str, url: str, data: bytes) -> bytes:
        return json.dumps({"files": [{"filename": filename, "url": url, "hashes": {"sha256": sha(data)}}]}).encode()

    def fetch(self, url, headers=None):
        self.fetched.append(url)
        if url not in self.served:
            raise pd.DistError(f"could not download {url}: 404")
        return self.served[url]

    def build_wheel(self, lib_dir, work):
        """A stand-in for the setuptools build: a wheel holding the library's one source file."""
        (work / "dist").mkdir(parents=True)
        wheel = work / "dist" / "mvcalc-0.1.0-py3-none-any.whl"
        wheel.write_bytes(zip_bytes({"mvcalc/__init__.py": (lib_dir / "mvcalc" / "__init__.py").read_bytes()}))
        return wheel

    def assemble(self, out=None):
        return pd.assemble(out or self.out, cache_dir=self.cache, lib_dir=self.lib, want=self.want)


@pytest.fixture
def world(tmp_path, monkeypatch):
    return World(tmp_path, monkeypatch)


def test_assembles_the_closure_verified_against_the_lock(world, capsys):
    manifest = world.assemble()
    lock = json.loads((world.out / "pyodide-lock.json").read_text())
    # exactly the closure of the wanted packages over `depends` (names normalised), plus mvcalc
    assert set(lock["packages"]) == {"alpha", "beta-pkg", "numpy", "symp", "mvcalc"}
    assert lock["info"]["version"] == "0.27.7"
    for name in ("alpha", "beta-pkg", "numpy"):
        entry = lock["packages"][name]
        assert sha((world.out / entry["file_name"]).read_bytes()) == world.lock["packages"][name]["sha256"]
    assert not (world.out / "gamma-3.0-py3-none-any.whl").exists()
    for name in pd.RUNTIME_FILES:
        assert (world.out / name).read_bytes() == f"runtime {name}".encode()

    mvcalc = lock["packages"]["mvcalc"]
    wheel = (world.out / "mvcalc-0.1.0-py3-none-any.whl").read_bytes()
    assert mvcalc["sha256"] == sha(wheel) == manifest["mvcalc"]["sha256"]
    assert mvcalc["imports"] == ["mvcalc"] and mvcalc["depends"] == ["numpy"]

    listed = {f["file"]: f for f in manifest["files"]}
    assert set(listed) == {p.name for p in world.out.iterdir()} - {"MANIFEST.json"}
    for name, f in listed.items():
        data = (world.out / name).read_bytes()
        assert (f["bytes"], f["sha256"]) == (len(data), sha(data))
    assert listed["alpha-1.0-py3-none-any.whl"]["source"].endswith(PREFIX + "alpha-1.0-py3-none-any.whl")
    assert manifest["totals"]["bytes"] == sum(f["bytes"] for f in manifest["files"])
    assert manifest["totals"]["runtime_bytes"] == sum(listed[n]["bytes"] for n in pd.RUNTIME_FILES)
    assert manifest["pyodide_version"] == "0.27.7"
    assert capsys.readouterr().out.count("note:") == 1


def test_an_exception_is_pypis_wheel_recorded_in_the_manifest(world, capsys):
    manifest = world.assemble()
    official = world.lock["packages"]["symp"]["sha256"]
    assert manifest["exceptions"] == [
        {
            "package": "symp",
            "version": "1.0",
            "file": "symp-1.0-py3-none-any.whl",
            "official_lock_sha256": official,
            "shipped_sha256": sha(world.pypi_symp),
            "reason": manifest["exceptions"][0]["reason"],
        }
    ]
    assert (world.out / "symp-1.0-py3-none-any.whl").read_bytes() == world.pypi_symp
    entry = json.loads((world.out / "pyodide-lock.json").read_text())["packages"]["symp"]
    assert entry["sha256"] == sha(world.pypi_symp) != official
    note = [line for line in capsys.readouterr().out.splitlines() if line.startswith("note:")]
    assert len(note) == 1 and "symp-1.0-py3-none-any.whl" in note[0] and official in note[0]


def test_a_file_whose_hash_differs_from_the_lock_is_refused(tmp_path, monkeypatch):
    world = World(tmp_path, monkeypatch, vendor_overrides={"beta_pkg-2.0-py3-none-any.whl": b"tampered"})
    with pytest.raises(pd.DistError) as err:
        world.assemble()
    message = str(err.value)
    assert "beta_pkg-2.0-py3-none-any.whl" in message
    assert world.lock["packages"]["beta-pkg"]["sha256"] in message and sha(b"tampered") in message
    assert not world.out.exists()
    assert list(world.out.parent.iterdir()) == []  # no staging directory left behind


def test_a_refused_run_leaves_the_previous_output_as_it_was(world, tmp_path, monkeypatch):
    world.assemble()
    before = {p.name: p.read_bytes() for p in world.out.iterdir()}
    (world.lib / "mvcalc" / "__init__.py").write_text('"""mvcalc, edited."""\n')
    world.served[world.urls["symp"]] = b"another symp"
    (world.cache / "symp-1.0-py3-none-any.whl").write_bytes(b"another symp")
    with pytest.raises(pd.DistError, match="symp-1.0-py3-none-any.whl"):
        world.assemble()
    assert {p.name: p.read_bytes() for p in world.out.iterdir()} == before


def test_a_missing_file_is_an_error(tmp_path, monkeypatch):
    world = World(tmp_path, monkeypatch, vendor_missing=["alpha-1.0-py3-none-any.whl"])
    with pytest.raises(pd.DistError, match=r"MISSING alpha-1\.0-py3-none-any\.whl"):
        world.assemble()
    assert not world.out.exists()


def test_a_package_not_in_the_lock_is_an_error(world):
    world.want = ("alpha", "delta")
    with pytest.raises(pd.DistError, match="'delta' is not in the official pyodide-lock.json"):
        world.assemble()


def test_the_npm_tarball_must_match_the_pinned_integrity(world, monkeypatch):
    monkeypatch.setattr(pd, "NPM", {**pd.NPM, "integrity": pd.npm_integrity(b"another tarball")})
    with pytest.raises(pd.DistError, match=r"REFUSED pyodide-0\.27\.7\.tgz") as err:
        world.assemble()
    assert pd.npm_integrity(world.tarball) in str(err.value)
    assert not world.out.exists() and not (world.cache / "pyodide-0.27.7.tgz").exists()


def test_pypi_must_list_the_pinned_sha256(world, monkeypatch):
    monkeypatch.setattr(pd, "EXCEPTIONS", {"symp": {"file": "symp-1.0-py3-none-any.whl", "sha256": "0" * 64}})
    with pytest.raises(pd.DistError, match="REFUSED symp-1.0-py3-none-any.whl") as err:
        world.assemble()
    assert "0" * 64 in str(err.value) and sha(world.pypi_symp) in str(err.value)


def test_the_second_run_is_up_to_date_until_lib_changes(world, capsys):
    first = world.assemble()
    stamps = {p.name: p.stat().st_mtime_ns for p in world.out.iterdir()}
    fetched = len(world.fetched)
    capsys.readouterr()
    assert world.assemble() == first
    assert "up to date" in capsys.readouterr().out
    assert {p.name: p.stat().st_mtime_ns for p in world.out.iterdir()} == stamps
    assert len(world.fetched) == fetched
    # a warm cache needs no network at all, even when lib/ changed
    (world.lib / "mvcalc" / "__init__.py").write_text('"""mvcalc, edited."""\n')
    third = world.assemble()
    assert len(world.fetched) == fetched
    assert third["mvcalc"]["source_sha256"] != first["mvcalc"]["source_sha256"]
    assert third["mvcalc"]["sha256"] != first["mvcalc"]["sha256"]


def test_other_pins_are_not_up_to_date(world):
    world.assemble()
    world.want = ("alpha",)
    messages = []
    manifest = pd.assemble(world.out, cache_dir=world.cache, lib_dir=world.lib, want=world.want, log=messages.append)
    assert not any("up to date" in m for m in messages)
    assert set(manifest["packages"]) == {"alpha", "beta-pkg", "numpy", "mvcalc"}
    assert manifest["exceptions"] == [] and not (world.out / "symp-1.0-py3-none-any.whl").exists()


def test_an_interrupted_run_leaves_nothing_behind(world):
    stale = world.out.parent / ".pyodide-staging-abc123"
    (stale / "out").mkdir(parents=True)
    world.assemble()
    assert [p.name for p in world.out.parent.iterdir()] == ["pyodide"]


def test_a_corrupted_cache_entry_is_fetched_again(world, capsys):
    world.assemble()
    cached = world.cache / "vendor_pkg-1.0-py3-none-any.whl"
    cached.write_bytes(b"bit rot")
    fetched = len(world.fetched)
    world.assemble(world.tmp / "other")
    assert world.fetched[fetched:] == [SIMPLE.format("vendor-pkg"), world.urls["vendor"]]
    assert cached.read_bytes() == world.vendor
    assert "cached vendor_pkg-1.0-py3-none-any.whl does not match its pin" in capsys.readouterr().out


def test_a_corrupted_download_is_refused_and_not_cached(world):
    world.served[world.urls["vendor"]] = b"bit rot on the wire"
    with pytest.raises(pd.DistError, match="REFUSED vendor_pkg-1.0-py3-none-any.whl"):
        world.assemble()
    assert not (world.cache / "vendor_pkg-1.0-py3-none-any.whl").exists()


def test_the_command_line_exits_1_and_names_the_file(tmp_path, monkeypatch, capsys):
    world = World(tmp_path, monkeypatch, vendor_overrides={"alpha-1.0-py3-none-any.whl": b"tampered"})
    real = pd.assemble
    monkeypatch.setattr(
        pd, "assemble", lambda out, cache_dir: real(out, cache_dir=cache_dir, lib_dir=world.lib, want=world.want)
    )
    assert pd.main([str(world.out), "--cache", str(world.cache)]) == 1
    assert "REFUSED alpha-1.0-py3-none-any.whl" in capsys.readouterr().err
    assert not world.out.exists()


def test_the_mvcalc_wheel_is_built_outside_the_tree_and_reproducible(tmp_path):
    """The real build (setuptools, offline) of a one-module project: same sources, same bytes."""
    repo = tmp_path / "repo"
    (repo / "lib" / "mvcalc").mkdir(parents=True)
    (repo / "lib" / "mvcalc" / "__init__.py").write_text('"""A stand-in mvcalc."""\n\nVALUE = 1\n')
    (repo / "README.md").write_text("mvcalc\n")
    (repo / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=77"]\nbuild-backend = "setuptools.build_meta"\n\n'
        '[project]\nname = "mvcalc"\nversion = "0.1.0"\nreadme = "README.md"\n\n'
        '[tool.setuptools]\npackage-dir = { "" = "lib" }\n\n[tool.setuptools.packages.find]\nwhere = ["lib"]\n'
    )
    before = sorted(p.relative_to(repo) for p in repo.rglob("*"))
    first = pd.build_mvcalc_wheel(repo / "lib", tmp_path / "one")
    second = pd.build_mvcalc_wheel(repo / "lib", tmp_path / "two")
    assert first.name == "mvcalc-0.1.0-py3-none-any.whl"
    assert first.read_bytes() == second.read_bytes()
    assert "mvcalc/__init__.py" in zipfile.ZipFile(first).namelist()
    assert sorted(p.relative_to(repo) for p in repo.rglob("*")) == before  # no build/ or egg-info


@pytest.mark.book
def test_the_built_site_ships_what_its_manifest_says():
    from _book import HTML

    dist = HTML / "_static" / "pyodide"
    if not dist.is_dir():
        pytest.skip(f"{dist} does not exist: the build does not assemble Pyodide yet (tools/pyodide_dist.py)")
    manifest = json.loads((dist / "MANIFEST.json").read_text())
    assert manifest["pyodide_version"] == pd.PYODIDE_VERSION == "0.27.7"
    for f in manifest["files"]:
        data = (dist / f["file"]).read_bytes()
        assert (f["file"], len(data), sha(data)) == (f["file"], f["bytes"], f["sha256"])
    lock = json.loads((dist / "pyodide-lock.json").read_text())
    assert lock["info"]["version"] == "0.27.7"
    for name, entry in lock["packages"].items():
        path = dist / entry["file_name"]
        assert path.is_file(), f"{name}: {entry['file_name']} is in the lock but not in the site"
        assert sha(path.read_bytes()) == entry["sha256"], f"{entry['file_name']} differs from the lock's sha256"
    assert set(pd.RUNTIME_FILES) <= {f["file"] for f in manifest["files"]}
    assert {e["package"] for e in manifest["exceptions"]} <= set(pd.EXCEPTIONS)
    assert lock["packages"]["mvcalc"]["depends"] == ["numpy"]
