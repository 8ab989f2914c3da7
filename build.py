#!/usr/bin/env python3
"""Build dist/, the whole static site, and optionally serve it.

    python3 build.py                      # make dist/
    python3 build.py --serve [--port N]   # make dist/, then serve it on http://localhost:N/

dist/ holds: the Pyodide runtime (npm package `pyodide`, pinned in package.json)
with a lock file trimmed to the packages we ship, the numpy/micropip/packaging
wheels (each checked against the lock's sha256), BokehJS (from the pinned `bokeh`
Python package), the `ganlab_wasm` wheel, the files of web/ and build-info.json.
Every URL in the site is relative and nothing is fetched from another origin.

Only the standard library is used. Unchanged files are not rewritten. Downloads
(wheels from the CDN, the bokeh wheel when bokeh is not installed) are cached in
build/cache/ ($GANLAB_BUILD_CACHE overrides).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.server
import importlib.metadata
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PACKAGE = "ganlab_wasm"
CACHE = Path(os.environ.get("GANLAB_BUILD_CACHE") or ROOT / "build" / "cache")  # downloads
NODE_PYODIDE = ROOT / "node_modules" / "pyodide"

# What the site loads from the Pyodide npm package (no source maps, no node files).
PYODIDE_RUNTIME = ["pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"]
# Pyodide packages the worker loads; their `depends` in the lock are added.
# The worker unpacks wheels itself, so micropip (and its dependency packaging) is not shipped.
PYODIDE_PACKAGES = ["numpy"]
# Parts of the official numpy wheel the site never imports, removed at build time
# (the official wheel's sha256 is still checked first). Paths are inside the wheel.
NUMPY_TRIM_DIRS = [
    "numpy/f2py/", "numpy/typing/", "numpy/testing/", "numpy/ma/", "numpy/polynomial/",
    "numpy/fft/", "numpy/_pyinstaller/", "numpy/doc/", "numpy/_core/include/", "numpy/_core/lib/",
    "numpy/random/lib/", "numpy/random/_examples/",
]
# Parts of Pyodide's python_stdlib.zip that neither Pyodide's start-up, numpy nor
# ganlab_wasm imports (found by listing sys.modules after every command ran),
# and the text encodings beyond UTF, Latin-1, ASCII and zipfile's cp437. (tarfile and
# email stay: pyodide.loadPackage imports them, through importlib.metadata for email.)
STDLIB_TRIM_DIRS = [
    "unittest/", "http/", "xml/", "xmlrpc/", "html/", "multiprocessing/", "wsgiref/",
    "pydoc_data/", "tomllib/", "zoneinfo/", "__phello__/", "dbm/", "curses/", "lib2to3/", "ensurepip/",
    "venv/", "idlelib/", "tkinter/", "turtledemo/", "sqlite3/",
]
STDLIB_TRIM_FILES = [
    "doctest.py", "pydoc.py", "pdb.py", "mailbox.py", "pickletools.py", "imaplib.py",
    "smtplib.py", "nntplib.py", "ftplib.py", "poplib.py", "telnetlib.py", "cgi.py", "cgitb.py",
    "mailcap.py", "aifc.py", "sunau.py", "wave.py", "chunk.py", "sndhdr.py", "imghdr.py", "xdrlib.py",
    "antigravity.py", "this.py", "__hello__.py", "webbrowser.py", "turtle.py", "_pydecimal.py",
    "difflib.py", "pstats.py", "cProfile.py", "profile.py", "trace.py", "tabnanny.py", "pyclbr.py",
    "modulefinder.py", "zipapp.py", "nturl2path.py", "smtpd.py", "mimetypes.py", "plistlib.py",
]
STDLIB_KEEP_ENCODINGS = [
    "__init__", "aliases", "ascii", "charmap", "cp437", "latin_1", "raw_unicode_escape", "unicode_escape",
    "utf_8", "utf_8_sig", "utf_16", "utf_16_be", "utf_16_le", "utf_32", "utf_32_be", "utf_32_le", "idna",
    "punycode", "base64_codec", "hex_codec", "zlib_codec", "bz2_codec", "mbcs", "oem",
]
NUMPY_TRIM_SUFFIXES = [".pyi", ".pxd", ".h", ".c", ".a", ".ini", ".txt"]
NUMPY_TRIM_FILES = [  # numpy's own test extension modules
    # (_multiarray_tests stays: _add_newdocs documents it at import)
    "numpy/_core/_operand_flag_tests", "numpy/_core/_rational_tests",
    "numpy/_core/_struct_ufunc_tests", "numpy/_core/_umath_tests", "numpy/matlib.py",
]
# BokehJS bundles from bokeh/server/static/js/. Add "bokeh-gl.min.js" for WebGL
# glyphs or "bokeh-widgets.min.js" for Bokeh widgets when the page needs them.
BOKEH_BUNDLES = ["bokeh.min.js", "bokeh-api.min.js"]
PYODIDE_CDN = "https://cdn.jsdelivr.net/pyodide/v{version}/full/"
# PyScript for article authors (web/article.html): the core's own files (no source
# maps) and the MicroPython build that core was released with, both pinned in
# package.json, plus the sources of the small Python facade MicroPython imports.
NODE_PYSCRIPT = ROOT / "node_modules" / "@pyscript" / "core" / "dist"
NODE_MICROPYTHON = ROOT / "node_modules" / "@micropython" / "micropython-webassembly-pyscript"
MICROPYTHON_FILES = ["micropython.mjs", "micropython.wasm"]
EMBED_SOURCES = ["ganlab_embed/__init__.py"]   # the PyScript client (no numpy, not in the wheel)
# The service worker is stamped with the build's content hash: a new deploy
# changes its bytes, so browsers install it and it replaces the old cache.
SERVICE_WORKER = "sw.js"
SCHEMA_MODULE = "schema.js"   # made from ganlab_wasm/schema.py
IMAGE_SCHEMA_MODULE = "image-schema.js"   # the image lab's (export_images())
BUILD_ID_MARK = "__GANLAB_BUILD_ID__"
# The image lab's data: the 1,797 8x8 handwritten digits scikit-learn ships in
# its wheel (UCI optdigits, CC BY 4.0). Pinned by release and by the sha256 of
# the csv.gz itself (the same in every platform's wheel), packed into the core
# package as ganlab_wasm/assets/digits.bin (format: ganlab_wasm/digits.py).
SCIKIT_LEARN = "1.9.1"
DIGITS_MEMBER = "sklearn/datasets/data/digits.csv.gz"
DIGITS_CSV_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
DIGITS_FILE = ROOT / PACKAGE / "assets" / "digits.bin"


class BuildError(Exception):
    """A problem the user can fix: printed as a message, without a traceback."""


# ----------------------------------------------------------------------------
# small helpers


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_json(path: Path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


class Dist:
    """The output folder. Remembers what this build wrote, so stale files can go."""

    def __init__(self, root: Path):
        self.root = root
        self.outputs: set[str] = set()
        self.written = 0

    def _target(self, name: str) -> Path:
        self.outputs.add(name)
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def copy(self, src: Path, name: str) -> None:
        """Copy src to dist/name unless a copy of the same size and mtime is there."""
        target = self._target(name)
        s = src.stat()
        if target.exists():
            t = target.stat()
            if t.st_size == s.st_size and t.st_mtime_ns == s.st_mtime_ns:
                return
        target.unlink(missing_ok=True)  # the source may be read-only, and so its last copy
        shutil.copyfile(src, target)
        target.chmod(0o644)
        os.utime(target, ns=(s.st_atime_ns, s.st_mtime_ns))
        self.written += 1

    def write(self, name: str, data: bytes) -> None:
        """Write bytes to dist/name unless the file already holds exactly them."""
        target = self._target(name)
        if target.exists() and target.stat().st_size == len(data) and target.read_bytes() == data:
            return
        target.write_bytes(data)
        self.written += 1

    def prune(self) -> list[str]:
        """Delete files (and then empty folders) this build did not produce."""
        removed = []
        for path in sorted(self.root.rglob("*"), reverse=True):
            name = path.relative_to(self.root).as_posix()
            if path.is_dir():
                if not any(path.iterdir()):
                    path.rmdir()
            elif name not in self.outputs:
                path.unlink()
                removed.append(name)
        return removed

    def content_hash(self) -> str:
        """One hash over every output's name and bytes: a cache version for the site."""
        h = hashlib.sha256()
        for name in sorted(self.outputs):
            h.update(f"{name}\0{sha256_file(self.root / name)}\n".encode())
        return h.hexdigest()


# ----------------------------------------------------------------------------
# pins


def pinned_pyodide() -> str:
    spec = read_json(ROOT / "package.json").get("devDependencies", {}).get("pyodide", "")
    if not re.fullmatch(r"\d+\.\d+\.\d+", spec):
        raise BuildError(f"package.json must pin pyodide to an exact version, found {spec!r}")
    return spec


def pinned_bokeh() -> str:
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    m = re.search(r"^\s*bokeh\s*==\s*([\w.]+)", text, re.MULTILINE)
    if not m:
        raise BuildError("requirements.txt must pin bokeh with 'bokeh==X.Y.Z'")
    return m.group(1)


# ----------------------------------------------------------------------------
# npm: the Pyodide runtime


def node_modules_fresh() -> bool:
    """True when node_modules holds what package-lock.json lists.

    npm records what it installed in node_modules/.package-lock.json; compare the two.
    """
    installed = ROOT / "node_modules" / ".package-lock.json"
    if not installed.exists() or not (NODE_PYODIDE / "package.json").exists():
        return False

    def versions(lock_path: Path) -> dict:
        packages = read_json(lock_path)["packages"]  # its "" entry is the project itself
        return {k: (v.get("version"), v.get("integrity")) for k, v in packages.items() if k}

    return versions(installed) == versions(ROOT / "package-lock.json")


def ensure_node_modules(version: str) -> None:
    """Run `npm ci` when node_modules is missing or differs from package-lock.json."""
    if not node_modules_fresh():
        npm = shutil.which("npm")
        if npm is None:
            raise BuildError(
                "npm was not found. build.py needs Node.js (18 or newer) and npm to install the "
                "pinned Pyodide runtime with `npm ci`.\n"
                "Install them (https://nodejs.org, or `apt-get install nodejs npm`) and run again."
            )
        print("node_modules is missing or stale: running npm ci", flush=True)
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT)
        if done.returncode != 0:
            raise BuildError(f"`npm ci` failed (exit {done.returncode}); see its output above")
    found = read_json(NODE_PYODIDE / "package.json")["version"]
    if found != version:
        raise BuildError(f"node_modules has pyodide {found}, package.json pins {version}: run `npm ci`")


def read_lock(version: str) -> dict:
    lock = read_json(NODE_PYODIDE / "pyodide-lock.json")
    if lock["info"]["version"] != version:
        raise BuildError(f"pyodide-lock.json is for Pyodide {lock['info']['version']}, expected {version}")
    return lock


def package_closure(lock: dict, names: list[str]) -> list[str]:
    """The named lock packages plus everything they depend on, recursively."""
    todo, seen = list(names), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in lock["packages"]:
            raise BuildError(f"package {name!r} is not in Pyodide's pyodide-lock.json")
        seen.add(name)
        todo.extend(lock["packages"][name]["depends"])
    return sorted(seen)


def trimmed_lock(lock: dict, names: list[str], replaced: dict[str, dict] | None = None) -> bytes:
    """The lock with only `names`; `replaced` overrides entries (e.g. a trimmed wheel's sha256)."""
    packages = {n: {**lock["packages"][n], **(replaced or {}).get(n, {})} for n in names}
    small = {"info": lock["info"], "packages": packages}
    return (json.dumps(small, indent=1, sort_keys=True) + "\n").encode()


# ----------------------------------------------------------------------------
# the official Pyodide wheels (numpy, micropip, packaging)


def wheel_source(option: str | None, version: str) -> str:
    """--wheelhouse, else $PYODIDE_WHEELHOUSE, else ../shared/pyodide-wheels/<version>, else the CDN."""
    if option:
        return option
    if os.environ.get("PYODIDE_WHEELHOUSE"):
        return os.environ["PYODIDE_WHEELHOUSE"]
    shared = ROOT.parent / "shared" / "pyodide-wheels" / version
    if shared.is_dir():
        return str(shared)
    return PYODIDE_CDN.format(version=version)


def check_sha256(path: Path, expected: str, origin: str) -> None:
    found = sha256_file(path)
    if found != expected:
        raise BuildError(
            f"sha256 mismatch for {path.name} from {origin}:\n"
            f"  expected {expected} (pyodide-lock.json)\n"
            f"  found    {found}\n"
            "The file is corrupt or not the official Pyodide release file. Nothing was built."
        )


def download(url: str, target: Path) -> None:
    print(f"downloading {url}", flush=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as r, open(partial, "wb") as f:
            shutil.copyfileobj(r, f)
    except OSError as e:
        partial.unlink(missing_ok=True)
        raise BuildError(
            f"could not download {url}: {e}\n"
            "Offline? Point --wheelhouse (or $PYODIDE_WHEELHOUSE) at a folder holding the "
            "official Pyodide wheels."
        ) from None
    partial.replace(target)


def pyodide_wheel(entry: dict, source: str, version: str) -> Path:
    """Find one wheel from the lock in the wheelhouse or the download cache, verified."""
    name, expected = entry["file_name"], entry["sha256"]
    if not source.startswith(("http://", "https://")):
        path = Path(source) / name
        if not path.is_file():
            raise BuildError(f"{name} is not in the wheelhouse {source}")
        check_sha256(path, expected, source)
        return path
    cached = CACHE / f"pyodide-{version}" / name
    if cached.is_file() and sha256_file(cached) == expected:
        return cached
    download(source.rstrip("/") + "/" + name, cached)
    try:
        check_sha256(cached, expected, source)
    except BuildError:
        cached.unlink()
        raise
    return cached


def trimmed_away(name: str) -> bool:
    """True for a numpy wheel member the site does not need."""
    if any(name.startswith(d) for d in NUMPY_TRIM_DIRS) or name.endswith(tuple(NUMPY_TRIM_SUFFIXES)):
        return not name.endswith(".dist-info/LICENSE.txt") and "dist-info/" not in name
    return any(name.startswith(f) for f in NUMPY_TRIM_FILES)


def stdlib_trimmed_away(name: str) -> bool:
    """True for a python_stdlib.zip member the site does not need."""
    if name.startswith("encodings/") and name.endswith(".py"):
        return name[len("encodings/"):-3] not in STDLIB_KEEP_ENCODINGS
    return any(name.startswith(d) for d in STDLIB_TRIM_DIRS) or name in STDLIB_TRIM_FILES


def trim_zip(path: Path, drop) -> tuple[bytes, dict]:
    """The zip at path without the members drop(name) accepts, repacked deterministically
    (sorted, fixed times, deflate 9), cached in build/cache by the source's sha256 and
    this function's rules. Returns (bytes, {"kept", "removed", "removed_bytes"});
    a wheel's RECORD lists only the kept files."""
    rules = sha256_bytes(repr((NUMPY_TRIM_DIRS, NUMPY_TRIM_SUFFIXES, NUMPY_TRIM_FILES, STDLIB_TRIM_DIRS,
                               STDLIB_TRIM_FILES, STDLIB_KEEP_ENCODINGS)).encode())[:12]
    cached = CACHE / "trimmed" / f"{sha256_file(path)[:24]}-{rules}-{path.name}"
    if cached.is_file() and cached.with_suffix(".json").is_file():
        return cached.read_bytes(), read_json(cached.with_suffix(".json"))
    data, summary = _trim_zip(path, drop)
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(data)
    cached.with_suffix(".json").write_text(json.dumps(summary))
    return data, summary


def _trim_zip(path: Path, drop) -> tuple[bytes, dict]:
    kept, removed, removed_bytes = [], 0, 0
    with zipfile.ZipFile(path) as z:
        members = sorted(z.infolist(), key=lambda i: i.filename)
        entries = []
        for info in members:
            if info.is_dir():
                continue
            if drop(info.filename):
                removed += 1
                removed_bytes += info.file_size
                continue
            entries.append((info.filename, z.read(info)))
    names = {n for n, _ in entries}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for name, data in entries:
            if name.endswith(".dist-info/RECORD"):
                lines = [line for line in data.decode().splitlines() if line.split(",", 1)[0] in names]
                data = ("\n".join(lines) + "\n").encode()
            zi = zipfile.ZipInfo(name, ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            out.writestr(zi, data, compresslevel=9)
            kept.append(name)
    return buf.getvalue(), {"kept": len(kept), "removed": removed, "removed_bytes": removed_bytes}


# ----------------------------------------------------------------------------
# BokehJS


def bokeh_static_dir(version: str) -> Path:
    """bokeh/server/static/js of the pinned bokeh: installed, else from its downloaded wheel."""
    try:
        installed = importlib.metadata.version("bokeh")
    except importlib.metadata.PackageNotFoundError:
        installed = None
    if installed == version:
        spec = importlib.util.find_spec("bokeh")
        return Path(spec.submodule_search_locations[0]) / "server" / "static" / "js"
    unpacked = CACHE / f"bokeh-{version}"
    js = unpacked / "bokeh" / "server" / "static" / "js"
    if js.is_dir():
        return js
    why = "not installed" if installed is None else f"installed is {installed}"
    print(f"bokeh {version} is {why}: taking BokehJS from its wheel (pip download)", flush=True)
    wheels = CACHE / "bokeh-wheel"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", f"bokeh=={version}", "--no-deps",
         "--only-binary=:all:", "--dest", str(wheels), "--quiet"],
    )
    found = sorted(wheels.glob(f"bokeh-{version}-*.whl"))
    if done.returncode != 0 or not found:
        raise BuildError(
            f"requirements.txt pins bokeh=={version} but {why}, and `pip download` failed: "
            "run `python3 -m pip install -r requirements.txt`"
        )
    with zipfile.ZipFile(found[0]) as z:
        for member in z.namelist():
            if member.startswith("bokeh/server/static/js/") and member.count("/") == 4:
                z.extract(member, unpacked)
    return js


# ----------------------------------------------------------------------------
# the digits (image lab data)


def digits_csv_gz(version: str = SCIKIT_LEARN) -> bytes:
    """digits.csv.gz from the pinned scikit-learn: installed, else from its
    wheel (pip download, cached); its sha256 checked against the pin."""
    try:
        installed = importlib.metadata.version("scikit-learn")
    except importlib.metadata.PackageNotFoundError:
        installed = None
    if installed == version:
        spec = importlib.util.find_spec("sklearn")
        data = (Path(spec.submodule_search_locations[0]).parent / DIGITS_MEMBER).read_bytes()
        origin = f"the installed scikit-learn {version}"
    else:
        wheels = CACHE / "scikit-learn-wheel"
        found = sorted(wheels.glob(f"scikit_learn-{version}-*.whl"))
        if not found:
            why = "not installed" if installed is None else f"installed is {installed}"
            print(f"scikit-learn {version} is {why}: taking the digits from its wheel (pip download)", flush=True)
            done = subprocess.run(
                [sys.executable, "-m", "pip", "download", f"scikit-learn=={version}", "--no-deps",
                 "--only-binary=:all:", "--dest", str(wheels), "--quiet"],
            )
            found = sorted(wheels.glob(f"scikit_learn-{version}-*.whl"))
            if done.returncode != 0 or not found:
                raise BuildError(
                    f"the image lab's digits come from the scikit-learn {version} wheel, and "
                    f"`pip download scikit-learn=={version}` failed. Connect to PyPI, or "
                    f"install scikit-learn=={version}, and build again.")
        try:
            with zipfile.ZipFile(found[0]) as z:
                data = z.read(DIGITS_MEMBER)
        except (zipfile.BadZipFile, KeyError) as e:
            raise BuildError(f"{found[0].name} has no readable {DIGITS_MEMBER} ({e}); "
                             f"delete it from {rel(wheels)} and build again") from None
        origin = found[0].name
    found_sha = sha256_bytes(data)
    if found_sha != DIGITS_CSV_SHA256:
        raise BuildError(
            f"sha256 mismatch for {DIGITS_MEMBER} from {origin}:\n"
            f"  expected {DIGITS_CSV_SHA256} (build.py's pin)\n"
            f"  found    {found_sha}\n"
            "Nothing was built.")
    return data


def pack_digits(csv_gz: bytes) -> bytes:
    """The packed digits file (see ganlab_wasm/digits.py) from digits.csv.gz:
    64 pixel values 0..16 and a label 0..9 per line."""
    import gzip
    rows = [line.split(",") for line in gzip.decompress(csv_gz).decode("ascii").split()]
    if not rows or any(len(r) != 65 for r in rows):
        raise BuildError(f"{DIGITS_MEMBER} is not 65 comma-separated numbers per line")
    values = [[int(float(v)) for v in r] for r in rows]
    if any(not 0 <= v <= 16 for r in values for v in r[:64]) or any(not 0 <= r[64] <= 9 for r in values):
        raise BuildError(f"{DIGITS_MEMBER} has pixels outside 0..16 or labels outside 0..9")
    labels = bytes(r[64] for r in values)
    pixels = bytes(v for r in values for v in r[:64])
    import struct
    import zlib
    header = b"GLDIGITS" + struct.pack("<HHBBBB", 1, len(values), 8, 16, 10, 0) + bytes.fromhex(DIGITS_CSV_SHA256)
    return header + zlib.compress(labels + pixels, 9)


def digits_fresh(path: Path = DIGITS_FILE) -> bool:
    """True when the packed file exists and says it was made from the pinned csv.gz."""
    try:
        head = path.read_bytes()[:48]
    except OSError:
        return False
    return head[:8] == b"GLDIGITS" and head[16:48] == bytes.fromhex(DIGITS_CSV_SHA256)


def ensure_digits(refresh: bool = False) -> Path:
    """Write ganlab_wasm/assets/digits.bin from the pinned wheel when it is
    missing, made from another pin, or `refresh` is asked (then it must come
    out byte for byte as the file already there, if any, or replace it)."""
    if refresh or not digits_fresh():
        data = pack_digits(digits_csv_gz())
        if not DIGITS_FILE.exists() or DIGITS_FILE.read_bytes() != data:
            DIGITS_FILE.parent.mkdir(parents=True, exist_ok=True)
            DIGITS_FILE.write_bytes(data)
            print(f"wrote {rel(DIGITS_FILE)} ({len(data):,} bytes) from scikit-learn {SCIKIT_LEARN}", flush=True)
    return DIGITS_FILE


# ----------------------------------------------------------------------------
# the ganlab_wasm wheel (pure Python, hand-rolled: a zip with a .dist-info)

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same sources give the same bytes


def package_version() -> str:
    text = (ROOT / PACKAGE / "version.py").read_text(encoding="utf-8")
    m = re.search(r"^__version__\s*=\s*['\"]([^'\"]+)['\"]", text, re.MULTILINE)
    if not m:
        raise BuildError(f"{PACKAGE}/version.py has no __version__ = '...' line")
    return m.group(1)


def _schema_module(export_name: str) -> str:
    """An ES module of one of ganlab_wasm/schema.py's exports; schema.py is
    loaded by path: it needs no numpy."""
    spec = importlib.util.spec_from_file_location("ganlab_schema", ROOT / PACKAGE / "schema.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module          # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    data = json.dumps(getattr(module, export_name)(), indent=1, allow_nan=False)
    return ("// Made by build.py from ganlab_wasm/schema.py: do not edit.\n"
            f"export default Object.freeze({data});\n")


def schema_module_text() -> str:
    """dist/schema.js: the lab's vocabulary (ganlab_wasm/schema.py's export()) as
    an ES module, so pages build their API, embed protocol and URL state from it
    before Python is up."""
    return _schema_module("export")


def image_schema_module_text() -> str:
    """dist/image-schema.js: the image lab's options, commands and frame layout."""
    return _schema_module("export_images")


def package_files(package_data: list[str]) -> list[Path]:
    """Every .py file of the package (subpackages too) plus pyproject's package-data globs."""
    base = ROOT / PACKAGE
    files = set(base.rglob("*.py"))
    for pattern in package_data:
        files.update(base.glob(pattern))
    return sorted(f for f in files if f.is_file() and "__pycache__" not in f.parts)


def metadata_text(project: dict, version: str) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {PACKAGE}", f"Version: {version}"]
    if project.get("description"):
        lines.append(f"Summary: {project['description']}")
    if isinstance(project.get("license"), dict) and project["license"].get("text"):
        lines.append(f"License: {project['license']['text']}")
    if project.get("requires-python"):
        lines.append(f"Requires-Python: {project['requires-python']}")
    lines += [f"Requires-Dist: {dep}" for dep in project.get("dependencies", [])]
    return "\n".join(lines) + "\n"


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel() -> tuple[str, bytes]:
    """Return (file name, bytes) of the py3-none-any wheel of ganlab_wasm."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject.get("project", {})
    version = package_version()
    if project.get("version") not in (None, version):
        print(f"warning: pyproject.toml says version {project['version']}, "
              f"{PACKAGE}/version.py says {version}; the wheel uses {version}")
    package_data = pyproject.get("tool", {}).get("setuptools", {}).get("package-data", {}).get(PACKAGE, [])

    info = f"{PACKAGE}-{version}.dist-info"
    entries = [(f.relative_to(ROOT).as_posix(), f.read_bytes()) for f in package_files(package_data)]
    entries.append((f"{info}/METADATA", metadata_text(project, version).encode()))
    entries.append((f"{info}/WHEEL", (
        "Wheel-Version: 1.0\nGenerator: ganlab-wasm build.py\n"
        "Root-Is-Purelib: true\nTag: py3-none-any\n").encode()))
    record = "\n".join([record_line(n, d) for n, d in entries] + [f"{info}/RECORD,,"]) + "\n"
    entries.append((f"{info}/RECORD", record.encode()))

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries:
            zi = zipfile.ZipInfo(name, ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    return f"{PACKAGE}-{version}-py3-none-any.whl", buf.getvalue()


# ----------------------------------------------------------------------------
# the build


def check_out_dir(out: Path) -> None:
    """Refuse to prune a non-empty folder that is not a previous build."""
    if out == ROOT / "dist" or not out.exists():
        return
    if any(out.iterdir()) and not (out / "build-info.json").exists():
        raise BuildError(f"{out} is not empty and holds no build-info.json; refusing to write there")


def build(out: Path, wheelhouse: str | None, refresh_digits: bool = False) -> dict:
    started = time.perf_counter()
    check_out_dir(out)
    pyodide_version, bokeh_version = pinned_pyodide(), pinned_bokeh()
    ensure_node_modules(pyodide_version)
    lock = read_lock(pyodide_version)
    shipped = package_closure(lock, PYODIDE_PACKAGES)

    # Everything is checked before anything is written.
    source = wheel_source(wheelhouse, pyodide_version)
    wheels = {n: pyodide_wheel(lock["packages"][n], source, pyodide_version) for n in shipped}
    bokeh_js = bokeh_static_dir(bokeh_version)
    ensure_digits(refresh_digits)
    missing = [b for b in BOKEH_BUNDLES if not (bokeh_js / b).is_file()]
    if missing:
        raise BuildError(f"{bokeh_js} lacks {', '.join(missing)}")
    wheel_name, wheel_bytes = build_wheel()

    numpy_bytes, numpy_trim = trim_zip(wheels["numpy"], trimmed_away)
    numpy_entry = {"sha256": sha256_bytes(numpy_bytes)}
    stdlib_bytes, stdlib_trim = trim_zip(NODE_PYODIDE / "python_stdlib.zip", stdlib_trimmed_away)

    dist = Dist(out)
    for name in PYODIDE_RUNTIME:
        if name == "python_stdlib.zip":
            dist.write(f"pyodide/{name}", stdlib_bytes)
        else:
            dist.copy(NODE_PYODIDE / name, f"pyodide/{name}")
    dist.write("pyodide/pyodide-lock.json", trimmed_lock(lock, shipped, {"numpy": numpy_entry}))
    for package, path in wheels.items():
        if package == "numpy":
            dist.write(f"pyodide/{path.name}", numpy_bytes)
        else:
            dist.copy(path, f"pyodide/{path.name}")
    for name in BOKEH_BUNDLES:
        dist.copy(bokeh_js / name, f"bokeh/{name}")
    dist.write(wheel_name, wheel_bytes)
    dist.write(SCHEMA_MODULE, schema_module_text().encode())
    dist.write(IMAGE_SCHEMA_MODULE, image_schema_module_text().encode())
    for path in sorted((ROOT / "web").rglob("*")):
        name = path.relative_to(ROOT / "web").as_posix()
        if path.is_file() and name != SERVICE_WORKER and not any(p.startswith(".") for p in Path(name).parts):
            dist.copy(path, name)
    for path in sorted(NODE_PYSCRIPT.iterdir()):
        if path.suffix in (".js", ".css"):
            dist.copy(path, f"pyscript/{path.name}")
    for name in MICROPYTHON_FILES:
        dist.copy(NODE_MICROPYTHON / name, f"pyscript/micropython/{name}")
    for name in EMBED_SOURCES:
        dist.copy(ROOT / name, f"pysrc/{name}")

    content_hash = dist.content_hash()
    worker_js = (ROOT / "web" / SERVICE_WORKER).read_text()
    dist.write(SERVICE_WORKER, worker_js.replace(BUILD_ID_MARK, content_hash[:16]).encode())

    info = {
        "wheel": wheel_name,
        "wheel_sha256": sha256_bytes(wheel_bytes),
        "package_version": package_version(),
        "pyodide_version": pyodide_version,
        "pyodide_packages": shipped,
        # numpy as shipped: the official wheel (its sha256 checked against Pyodide's lock)
        # with what the site never imports removed, see trimmed_away()
        "numpy_wheel": f"pyodide/{wheels['numpy'].name}",
        "numpy_wheel_sha256": numpy_entry["sha256"],
        "numpy_official_sha256": lock["packages"]["numpy"]["sha256"],
        "numpy_trim": numpy_trim,
        "stdlib_sha256": sha256_bytes(stdlib_bytes),
        "stdlib_trim": stdlib_trim,
        "bokeh_version": bokeh_version,
        "bokeh_files": [f"bokeh/{b}" for b in BOKEH_BUNDLES],
        "content_hash": content_hash,
        "build_id": content_hash[:16],
        # what the service worker caches for offline use
        "files": sorted(dist.outputs - {SERVICE_WORKER}) + ["build-info.json"],
    }
    dist.write("build-info.json", (json.dumps(info, indent=2) + "\n").encode())
    removed = dist.prune()

    total = sum((out / n).stat().st_size for n in dist.outputs)
    took = time.perf_counter() - started
    print(f"built {rel(out)}/: {len(dist.outputs)} files, {total:,} bytes; "
          f"{dist.written} written, {len(removed)} stale removed; "
          f"wheels from {source}; {took:.2f} s")
    return info


# ----------------------------------------------------------------------------
# serving


MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".wasm": "application/wasm",
    ".whl": "application/octet-stream",
    ".zip": "application/octet-stream",
    ".npz": "application/octet-stream",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


def make_server(root: Path, port: int = 0, prefix: str = "/", host: str = "127.0.0.1",
                quiet: bool = False) -> http.server.ThreadingHTTPServer:
    """An HTTP server for root, mounted at URL path `prefix` (like GitHub Pages' /<repo>/).

    Correct MIME types, `Cache-Control: no-cache`, no directory listings.
    Call serve_forever() on it (in a thread, for tests); server_port is the port.
    """
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"

    class Handler(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def send_head(self):
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if path + "/" == prefix:
                self.send_response(301)
                self.send_header("Location", prefix)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if not path.startswith(prefix):
                self.send_error(404)
                return None
            return super().send_head()

        def translate_path(self, path):
            return super().translate_path("/" + path[len(prefix):])

        def list_directory(self, path):
            self.send_error(404)  # static hosts do not list folders
            return None

        def end_headers(self):
            self.send_header("Cache-Control", "no-cache")
            super().end_headers()

        def log_message(self, format, *args):
            if not quiet:
                super().log_message(format, *args)

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
                super().handle_error(request, client_address)

    return Server((host, port), Handler)


def serve(root: Path, port: int, prefix: str) -> None:
    server = make_server(root, port, prefix)
    path = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    print(f"serving {rel(root)}/ at http://localhost:{server.server_port}{path}  (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="output folder (default dist/)")
    parser.add_argument("--wheelhouse", help="folder or URL holding the official Pyodide wheels "
                        "(default $PYODIDE_WHEELHOUSE, else ../shared/pyodide-wheels/<version>, else the CDN)")
    parser.add_argument("--serve", action="store_true", help="serve the site after building")
    parser.add_argument("--refresh-digits", action="store_true", help="take the image lab's digits out of "
                        "the pinned scikit-learn wheel again, even when ganlab_wasm/assets/digits.bin is current")
    parser.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000)")
    parser.add_argument("--prefix", default="/", help="URL path to serve the site under, e.g. /ganlab/")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    try:
        build(out, args.wheelhouse, args.refresh_digits)
    except BuildError as e:
        print(f"build failed: {e}", file=sys.stderr)
        return 1
    if args.serve:
        serve(out, args.port, args.prefix)
    return 0


if __name__ == "__main__":
    sys.exit(main())
