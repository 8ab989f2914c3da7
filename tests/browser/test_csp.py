"""Every page works under its own Content-Security-Policy (these contexts do
not bypass it), and the policy blocks what an injection would need: inline
script, inline event handlers, eval and other origins."""

import re

import pytest

from test_share import frame_with

PAGES = ["index.html", "embed.html", "article.html", "minimal.html", "boot.html"]

# Records policy violations before any page script runs.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


@pytest.fixture
def csp_page(open_watched_page):
    """A page whose context enforces the CSP (the others bypass it); fails at
    teardown on any unexpected console error (a violation logs one)."""
    yield from open_watched_page(csp=True, init_script=RECORD_VIOLATIONS)


def wait(page, predicate):
    """wait_for_function with a function (a string predicate would need eval)."""
    page.wait_for_function(f"() => {predicate}")


# PyScript (article.html only) compiles its JS glue with Function(): that page
# alone adds 'unsafe-eval'; inline script stays blocked there too.
EXTRA = {"article.html": "'unsafe-eval'"}


def test_every_page_declares_the_same_policy(dist):
    policies = {}
    for name in PAGES:
        html = (dist / name).read_text()
        head = html[:html.index("<script")]
        found = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', head)
        assert len(found) == 1, name                 # before the first script
        policies[name] = found[0].replace(" " + EXTRA.get(name, "-"), "")
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"mpy\")[^>]*>", html), name   # no inline JS
    assert len(set(policies.values())) == 1, policies
    policy = policies["index.html"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert "unsafe-eval" not in policy.replace("wasm-unsafe-eval", "")
    assert "'unsafe-inline'" not in directives["script-src"]


def test_the_full_page_trains_and_draws_under_the_policy(csp_page, site_url):
    page = csp_page
    page.goto(site_url + "index.html#distribution=ring")
    wait(page, "window.ganlab && ganlab.client.framesReceived > 0")
    page.evaluate("() => ganlab.train(20)")
    assert page.evaluate("() => ganlab.refresh().then((s) => s.epoch)") == 20
    assert page.evaluate("() => document.querySelectorAll('.bk-Canvas, canvas').length") > 0
    assert page.evaluate("() => window.cspViolations") == []


def test_the_embed_minimal_and_boot_pages_work_under_the_policy(csp_page, site_url):
    page = csp_page
    page.goto(site_url + "embed.html#distribution=moons")
    wait(page, "window.ganlab && ganlab.client.framesReceived > 0")
    page.click("#step")
    wait(page, "ganlab.state().epoch === 1")
    page.goto(site_url + "minimal.html")
    wait(page, "window.ganlab && ganlab.client.framesReceived > 0")
    page.goto(site_url + "boot.html")
    wait(page, "document.getElementById('status').dataset.state === 'ready'")
    assert page.evaluate("() => window.cspViolations") == []


def test_the_article_and_its_python_work_under_the_policy(csp_page, site_url):
    page = csp_page
    page.goto(site_url + "article.html")
    wait(page, "!document.getElementById('run-python').disabled")
    page.evaluate("() => document.getElementById('lab-python').scrollIntoView()")
    lab = frame_with(page, "embed.html#distribution=ring&speed=fast")
    lab.wait_for_function("() => window.ganlab && ganlab.client.info")
    page.click("#run-python")
    page.wait_for_function("() => document.getElementById('python-log').innerText.includes('k_d = 3')",
                           timeout=240_000)
    assert page.evaluate("() => window.cspViolations") == []


@pytest.mark.parametrize("name", ["embed.html", "index.html", "article.html"])
def test_injected_script_handlers_and_eval_are_blocked(csp_page, site_url, name):
    page = csp_page
    page.watch.expect_console_error("Content Security Policy directive")
    page.goto(site_url + name)
    wait(page, "document.readyState === 'complete'")
    result = page.evaluate("""() => new Promise((resolve) => {
        const script = document.createElement('script');
        script.textContent = 'window.injected = "script"';
        document.head.append(script);
        const image = document.createElement('img');
        image.setAttribute('onerror', 'window.injected = "handler"');
        image.src = 'data:,not-an-image';
        document.body.append(image);
        setTimeout('window.evaluated = 1', 0);      // a string timer: eval by the page itself
        setTimeout(() => resolve({injected: window.injected ?? null, evaluated: window.evaluated ?? null,
                                  violations: window.cspViolations}), 500);
    })""")
    assert result["injected"] is None
    blocked = sum(v.startswith("script-src") for v in result["violations"])
    if name in EXTRA:                                # PyScript's page allows eval, never inline script
        assert result["evaluated"] == 1 and blocked >= 2, result
    else:
        assert result["evaluated"] is None and blocked >= 3, result
