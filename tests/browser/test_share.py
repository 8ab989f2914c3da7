"""Sharing and embedding: URL state, hostile URLs, the postMessage protocol
across origins, the article's lazy labs and its PyScript section, and the
offline service worker. (The `page` fixture fails a test on any console error
or request to an origin other than the test servers'.)"""

import re

import pytest

LAB_READY = "window.ganlab && window.ganlab.client.info !== null"


def frame_with(page, part, tries=200):
    """The page's frame whose URL contains part, once it exists."""
    for _ in range(tries):
        found = [f for f in page.frames if part in f.url]
        if found:
            return found[0]
        page.wait_for_timeout(50)
    raise AssertionError(f"no frame with {part!r} in its URL")


def booted(frame):
    try:
        return frame.evaluate("!!(window.ganlab && window.ganlab.client && window.ganlab.client.info)")
    except Exception:
        return False


def test_a_shared_url_reproduces_the_same_run(browser, site_url):
    url = site_url + "embed.html#distribution=ring&seed=7&learning_rate_g=0.05&k_d=3&g_neurons=12"
    results = []
    for _ in range(2):                                    # two fresh profiles
        context = browser.new_context()
        page = context.new_page()
        page.goto(url)
        page.wait_for_function("ganlab.state().config && ganlab.state().config.seed === 7")
        results.append(page.evaluate("ganlab.train(300).then(() => ganlab.refresh())"))
        context.close()
    a, b = results
    assert a["config"]["distribution"] == "ring" and a["config"]["g_neurons"] == 12
    assert a["epoch"] == 300 and a["kl"] == b["kl"] and a["d_loss"] == b["d_loss"]


def test_a_hostile_url_leaves_a_working_page_with_a_note(page, site_url):
    hostile = ("k_d=1e308&learning_rate_g=-5&batch_size=NaN&distribution=<script>window.pwned=1</script>"
               "&<img src=x onerror=window.pwned=2>=1&g_layers=" + "9" * 400 + "&seed=0x10"
               "&points=!!!&noise_dim=1.6&autoplay=maybe")
    page.goto(site_url + "embed.html#" + hostile)
    page.wait_for_function("ganlab.client.framesReceived > 0")
    notes = page.text_content("#notes")
    for words in ["k_d=\"1e308\" is outside 0..10; using 10", "learning_rate_g=\"-5\" is outside",
                  "ignored batch_size=\"NaN\"", "ignored distribution=", "ignored unknown setting",
                  "g_layers=", "noise_dim=\"1.6\" rounded to 2", "ignored autoplay=\"maybe\""]:
        assert words in notes, (words, notes)
    assert page.evaluate("window.pwned") is None
    assert page.locator("#notes img, #notes script").count() == 0
    state = page.evaluate("ganlab.refresh()")
    assert state["config"]["k_d"] == 10 and state["config"]["learning_rate_g"] == 1e-5
    assert state["config"]["g_layers"] == 2 and state["config"]["distribution"] == "gaussians"
    page.click("#step")
    page.wait_for_function("ganlab.state().epoch === 1")


HOST_PAGE = """<!doctype html><html><head><link rel="icon" href="favicon.svg"></head><body>
<iframe id="lab" src="{lab}" style="width: 560px; height: 150px; border: 0"></iframe>
<script type="module">
  import {{ connectLab }} from './embed/host.js';
  window.lab = connectLab(document.getElementById('lab'));
</script></body></html>"""


def host_page(page, lab_url, folder, serve_folder, dist):
    """Open a page on another origin (a second localhost server) that embeds lab_url."""
    (folder / "host.html").write_text(HOST_PAGE.format(lab=lab_url))
    for name in ("embed/host.js", "embed/calls.js", "favicon.svg"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes((dist / name).read_bytes())
    host = serve_folder(folder)
    assert not lab_url.startswith(host)
    page.goto(host + "host.html")
    return page


def test_an_embedded_lab_on_another_origin_is_driven_by_postmessage_and_resizes(
        page, site_url, serve_folder, dist, tmp_path):
    host_page(page, site_url + "embed.html#distribution=ring", tmp_path, serve_folder, dist)
    result = page.evaluate("""async () => {
        const lab = await window.lab;
        await lab.set({speed: 'fast', k_d: 3, step_updates: 2});
        await lab.step('epoch');
        await lab.step('d');
        const bad = await lab.set({k_d: 42}).then(() => 'accepted', e => e.message);
        const state = await lab.state();
        const heard = await new Promise(resolve => { lab.on('state', resolve); lab.play(); });
        await lab.pause();
        return {state, bad, heard, height: document.getElementById('lab').style.height};
    }""")
    assert result["state"]["epoch"] == 1 and result["state"]["d_updates"] == 5
    assert result["state"]["config"]["distribution"] == "ring" and result["state"]["config"]["k_d"] == 3
    assert "k_d must be between 0 and 10" in result["bad"]
    assert result["heard"]["playing"] is True
    assert int(result["height"].rstrip("px")) > 400          # grew from 150px to the lab's height


def test_an_embedded_lab_ignores_origins_it_was_not_told_to_trust(page, site_url, serve_folder, dist, tmp_path):
    host_page(page, site_url + "embed.html#origin=https://example.invalid", tmp_path, serve_folder, dist)
    lab_frame = frame_with(page, "embed.html")
    lab_frame.wait_for_function(LAB_READY)
    answered = page.evaluate("""() => Promise.race([
        window.lab.then(() => 'answered'),
        new Promise(r => setTimeout(() => r('ignored'), 2000))])""")
    assert answered == "ignored"
    assert lab_frame.evaluate("ganlab.state().epoch") == 0


def test_the_article_boots_only_the_labs_in_view(page, site_url):
    page.set_viewport_size({"width": 1000, "height": 800})
    page.goto(site_url + "article.html")
    frames = lambda: [f for f in page.frames if "embed.html" in f.url]  # noqa: E731
    page.wait_for_function("document.getElementById('lab-intro').contentWindow?.ganlab?.client?.info")
    page.wait_for_timeout(1500)
    running = [f.url for f in frames() if booted(f)]
    assert len(running) == 1 and "autoplay=1" in running[0] and "k_d" not in running[0], running
    page.evaluate("document.getElementById('lab-collapse').scrollIntoView()")
    page.wait_for_function("document.getElementById('lab-collapse').contentWindow?.ganlab?.client?.info")
    intro = next(f for f in frames() if f.url.endswith("embed.html#autoplay=1"))
    intro.wait_for_function("!ganlab.state().playing")      # scrolled away: paused
    assert len([f for f in frames() if booted(f)]) < 5


def test_the_pyscript_section_drives_a_lab(page, serve_dist):
    base = serve_dist("/ganlab/")                           # and from a sub-path
    page.goto(base + "article.html")
    page.wait_for_function("!document.getElementById('run-python').disabled")
    page.evaluate("document.getElementById('lab-python').scrollIntoView()")
    page.click("#run-python")
    page.wait_for_function("document.getElementById('python-log').innerText.includes('k_d = 3')")
    log = page.inner_text("#python-log")
    assert re.search(r"k_d = 1: KL after 1500 epochs = \d+\.\d\d", log), log
    lab = frame_with(page, "embed.html#distribution=ring&speed=fast")      # the lab-python iframe
    assert lab.evaluate("ganlab.refresh().then(s => [s.epoch, s.config.k_d])") == [1500, 3]
    assert all("/ganlab/" in url for url in page.watch.requests if "localhost" in url)


def test_the_site_works_offline_after_the_first_visit(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + "minimal.html")
    page.evaluate("ganlab.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null || "
                           "navigator.serviceWorker.ready.then(r => !!r.active)")
    page.evaluate("navigator.serviceWorker.ready")
    cached = page.evaluate("""async () => {
        const names = await caches.keys();
        const cache = await caches.open(names.find(n => n.startsWith('ganlab-')));
        return {names, count: (await cache.keys()).length};
    }""")
    site = [n for n in cached["names"] if n.startswith("ganlab-")]
    # one cache of the site's files (this build's), beside the worker's memory snapshot
    assert len(site) == 1 and set(cached["names"]) - set(site) <= {"snapshot:ganlab-wasm"}, cached["names"]
    assert cached["count"] > 40
    context.set_offline(True)
    page.reload()
    page.evaluate("ganlab.ready")
    page.evaluate("ganlab.step('epoch')")
    assert page.evaluate("ganlab.refresh().then(s => s.epoch)") == 1
    context.close()
