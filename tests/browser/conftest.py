"""Browser-test harness: build dist/ once, serve it on localhost, drive chromium.

Fixtures
  dist        (session)  Path of dist/, built once by `build.py` (fast when nothing changed)
  site_url    (session)  "http://localhost:PORT/" serving dist/ at the root
  serve_dist  (session)  serve_dist("/ganlab/") -> URL of dist/ served under a sub-path
  browser     (session)  Debian's chromium via Playwright; tests marked `webgpu` get one
                         started with the WebGPU (SwiftShader) flags instead
  build_py    (session)  build.py as a module (pins, package_version, make_server)
  page        (function) a page in a fresh browser context (a first visit: empty cache).
                         The test FAILS at teardown if the page or any of its workers
                         logged a console error, threw an uncaught error, got an HTTP
                         error, or requested anything from an origin other than the test
                         servers'. `page.watch` is the PageWatch that records all this.
  watched_context (function) watched_context() -> (context, PageWatch), no teardown checks
  open_watched_page (function) open_watched_page(csp=..., init_script=...): a generator
                         like `page`'s, for fixtures that need other options

Every test in this folder is marked `browser` (they need node/npm and chromium), so
`pytest -m "not browser"` runs the core tests alone. $CHROMIUM overrides the browser path.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WEBGPU_ARGS = ["--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader", "--enable-unsafe-swiftshader"]
BOOT_TIMEOUT_MS = 120_000

# Origins of the servers this harness started: the only ones a page may talk to.
SERVER_ORIGINS: set[str] = set()


def load_build_module():
    """build.py as a module (for make_server, pins); named so as not to clash with pypa `build`."""
    spec = importlib.util.spec_from_file_location("ganlab_build", ROOT / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = load_build_module()


@pytest.fixture(scope="session")
def build_py():
    """build.py as a module: pins, package_version(), make_server()."""
    return build


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: needs the built site and chromium (tests/browser/)")
    config.addinivalue_line("markers", "webgpu: run in a chromium started with the WebGPU flags")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


# ---------------------------------------------------------------------------
# the site


@pytest.fixture(scope="session")
def dist() -> Path:
    done = subprocess.run([sys.executable, str(ROOT / "build.py")], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"build.py failed:\n{done.stdout}\n{done.stderr}", pytrace=False)
    print(done.stdout.strip().splitlines()[-1])
    return ROOT / "dist"


@pytest.fixture(scope="session")
def serve_folder():
    """serve_folder(path, prefix) serves any folder (a test's own pages) on a new
    localhost port, an origin the page checks accept, and returns its URL."""
    servers = []

    def start(root: Path, prefix: str = "/") -> str:
        server = build.make_server(Path(root), 0, prefix, quiet=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        origin = f"http://localhost:{server.server_port}"
        SERVER_ORIGINS.add(origin)
        path = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
        return origin + path

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def serve_dist(dist, serve_folder):
    """serve_dist(prefix) starts a server for dist/ under prefix and returns its URL."""
    return lambda prefix="/": serve_folder(dist, prefix)


@pytest.fixture(scope="session")
def site_url(serve_dist) -> str:
    return serve_dist("/")


# ---------------------------------------------------------------------------
# the browser


def launch(playwright, extra_args=()):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no chromium at {CHROMIUM}: run the tests with scripts/test.sh (it installs "
                    "Debian's chromium as root), or `sudo apt-get install chromium`, or set $CHROMIUM",
                    pytrace=False)
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS + list(extra_args))


@pytest.fixture(scope="session")
def playwright_session():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def plain_browser(playwright_session):
    browser = launch(playwright_session)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def webgpu_browser(playwright_session):
    browser = launch(playwright_session, WEBGPU_ARGS)
    yield browser
    browser.close()


class CspBypassingBrowser:
    """The browser, whose contexts bypass the pages' Content-Security-Policy
    unless asked for it with new_context(csp=True): Playwright evaluates string
    predicates (wait_for_function("...")) with eval, which the policy forbids.
    test_csp.py opens its contexts with the policy on."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, csp=False, **options):
        options.setdefault("bypass_csp", not csp)
        return self._browser.new_context(**options)

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture
def browser(request):
    name = "webgpu_browser" if request.node.get_closest_marker("webgpu") else "plain_browser"
    return CspBypassingBrowser(request.getfixturevalue(name))


class PageWatch:
    """Records what went wrong in a browser context: its pages and their workers."""

    def __init__(self, context):
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.http_errors: list[str] = []
        self.foreign_requests: list[str] = []
        self.expected_console_errors: list[str] = []
        context.on("console", self._on_console)  # the context sees workers' consoles too
        context.on("request", self._on_request)
        context.on("response", self._on_response)
        context.on("weberror", lambda e: self.page_errors.append(str(e.error)))

    def _on_console(self, message):
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            self.console_errors.append(f"{message.text}  [{where}]")

    def _on_request(self, request):
        self.requests.append(request.url)
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss"):
            if f"{parts.scheme}://{parts.netloc}" not in SERVER_ORIGINS:
                self.foreign_requests.append(f"{request.method} {request.url}")

    def _on_response(self, response):
        if response.status >= 400:
            self.http_errors.append(f"HTTP {response.status} {response.request.method} {response.url}")

    def expect_console_error(self, substring: str) -> None:
        """Tolerate console errors containing substring (for tests that provoke them)."""
        self.expected_console_errors.append(substring)

    def problems(self) -> list[str]:
        unexpected = [e for e in self.console_errors
                      if not any(s in e for s in self.expected_console_errors)]
        found = []
        for title, entries in [("console errors", unexpected), ("uncaught errors", self.page_errors),
                               ("HTTP errors", self.http_errors),
                               ("requests to other origins", self.foreign_requests)]:
            if entries:
                found.append(f"{title}:\n" + "\n".join(f"  {e}" for e in entries))
        return found


@pytest.fixture
def watched_context(browser):
    """watched_context() -> (context, PageWatch): a fresh context; no checks at teardown."""
    contexts = []

    def make():
        context = browser.new_context()
        contexts.append(context)
        return context, PageWatch(context)

    yield make
    for context in contexts:
        context.close()


def watched_page(browser, csp=False, init_script=None):
    """A page in a fresh context (enforcing the pages' CSP if csp); yields it and
    fails at teardown on anything PageWatch records."""
    context = browser.new_context(csp=csp)
    if init_script:
        context.add_init_script(init_script)
    watch = PageWatch(context)
    page = context.new_page()
    page.set_default_timeout(BOOT_TIMEOUT_MS)
    page.watch = watch
    yield page
    context.close()
    problems = watch.problems()
    if problems:
        pytest.fail("the page misbehaved:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(browser):
    yield from watched_page(browser)


@pytest.fixture
def open_watched_page(browser):
    """watched_page for this test's browser, for fixtures that need other
    options (a test module cannot import it: `conftest` may name tests/core's)."""
    return lambda **options: watched_page(browser, **options)
