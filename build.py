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
PYODIDE_PACKAGES = ["numpy", "micropip"]
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
BUILD_ID_MARK = "__GANLAB_BUILD_ID__"


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


def trimmed_lock(lock: dict, names: list[str]) -> bytes:
    small = {"info": lock["info"], "packages": {n: lock["packages"][n] for n in names}}
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
# the ganlab_wasm wheel (pure Python, hand-rolled: a zip with a .dist-info)

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same sources give the same bytes


def package_version() -> str:
    text = (ROOT / PACKAGE / "version.py").read_text(encoding="utf-8")
    m = re.search(r"^__version__\s*=\s*['\"]([^'\"]+)['\"]", text, re.MULTILINE)
    if not m:
        raise BuildError(f"{PACKAGE}/version.py has no __version__ = '...' line")
    return m.group(1)


def schema_module_text() -> str:
    """dist/schema.js: the lab's vocabulary (ganlab_wasm/schema.py's export()) as
    an ES module, so pages build their API, embed protocol and URL state from it
    before Python is up. schema.py is loaded by path: it needs no numpy."""
    spec = importlib.util.spec_from_file_location("ganlab_schema", ROOT / PACKAGE / "schema.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module          # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    data = json.dumps(module.export(), indent=1, allow_nan=False)
    return ("// Made by build.py from ganlab_wasm/schema.py: do not edit.\n"
            f"export default Object.freeze({data});\n")


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


def build(out: Path, wheelhouse: str | None) -> dict:
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
    missing = [b for b in BOKEH_BUNDLES if not (bokeh_js / b).is_file()]
    if missing:
        raise BuildError(f"{bokeh_js} lacks {', '.join(missing)}")
    wheel_name, wheel_bytes = build_wheel()

    dist = Dist(out)
    for name in PYODIDE_RUNTIME:
        dist.copy(NODE_PYODIDE / name, f"pyodide/{name}")
    dist.write("pyodide/pyodide-lock.json", trimmed_lock(lock, shipped))
    for path in wheels.values():
        dist.copy(path, f"pyodide/{path.name}")
    for name in BOKEH_BUNDLES:
        dist.copy(bokeh_js / name, f"bokeh/{name}")
    dist.write(wheel_name, wheel_bytes)
    dist.write(SCHEMA_MODULE, schema_module_text().encode())
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
    parser.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000)")
    parser.add_argument("--prefix", default="/", help="URL path to serve the site under, e.g. /ganlab/")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    try:
        build(out, args.wheelhouse)
    except BuildError as e:
        print(f"build failed: {e}", file=sys.stderr)
        return 1
    if args.serve:
        serve(out, args.port, args.prefix)
    return 0


if __name__ == "__main__":
    sys.exit(main())
