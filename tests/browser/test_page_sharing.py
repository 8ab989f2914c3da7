"""Sharing on the full page (index.html): the URL follows every change and a
link reproduces the run; the share button and the classroom panel; saving and
loading an experiment through the page's controls; PNG and CSV export; and
index.html?embed going to the compact lab."""

from pathlib import Path
from urllib.parse import urlsplit

PAGE = "index.html"


def open_app(page, url):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(url)
    page.evaluate("ganlabApp.ready.then(() => true)")
    page.wait_for_function("ganlab.client.framesReceived > 0")
    return page


def train(page, epochs):
    return page.evaluate(f"ganlab.train({epochs}).then(() => ganlab.refresh())")


def hash_has(page, *parts):
    condition = " && ".join(f"location.hash.includes({part!r})" for part in parts)
    page.wait_for_function(condition)
    return page.evaluate("location.hash")


def test_the_url_follows_each_change_and_a_link_reproduces_the_run(browser, site_url):
    context = browser.new_context()
    page = open_app(context.new_page(), site_url + PAGE)
    history_length = page.evaluate("history.length")
    page.evaluate("ganlab.set({distribution: 'ring', seed: 11, learning_rate_g: 0.05, k_d: 3})")
    page.select_option("#speed", "fast")
    page.click("#layer-heatmap")                 # the heatmap layer off
    fragment = hash_has(page, "distribution=ring", "seed=11", "learning_rate_g=0.05", "k_d=3",
                        "speed=fast", "layers=")
    assert "heatmap" not in fragment.split("layers=")[1].split("&")[0]
    assert page.evaluate("history.length") == history_length      # replaceState, not a new entry per change
    first = train(page, 200)
    context.close()

    context = browser.new_context()                # a fresh profile opens the link
    page = open_app(context.new_page(), site_url + PAGE + fragment)
    page.wait_for_function("ganlab.state().config.seed === 11")
    assert not page.is_checked("#layer-heatmap")
    assert page.evaluate("ganlabApp.layers().heatmap") is False
    assert page.input_value("#speed") == "fast"
    second = train(page, 200)
    context.close()
    for key in ("epoch", "d_loss", "g_loss", "kl"):
        assert first[key] == second[key], key
    assert second["config"]["k_d"] == 3 and second["config"]["learning_rate_g"] == 0.05


def test_a_hostile_link_to_the_full_page_leaves_it_working_with_a_note(page, site_url):
    hostile = ("k_d=1e308&<img src=x onerror=window.pwned=1>=1&layers=real,fake,bogus"
               "&hide=speed,<b>nope</b>&distribution=<script>window.pwned=2</script>")
    open_app(page, site_url + PAGE + "#" + hostile)
    page.wait_for_function("document.querySelector('#message').textContent.includes('From the link')")
    text = page.text_content("#message")
    for words in ["k_d=\"1e308\" is outside 0..10; using 10", "ignored unknown setting", "ignored distribution=",
                  "ignored unknown layers: bogus"]:
        assert words in text, (words, text)
    assert page.evaluate("window.pwned") is None
    assert page.locator("#message img, #message script, #message b").count() == 0
    assert page.evaluate("ganlabApp.layers()") == {
        "heatmap": False, "real_density": False, "manifold": False, "real": True, "gradients": False, "fake": True}
    assert not page.is_visible('[data-control="speed"]')
    assert page.evaluate("ganlab.refresh()")["config"]["k_d"] == 10
    page.click("#step-epoch")
    page.wait_for_function("ganlab.state().epoch === 1")


def test_share_button_and_a_classroom_link_that_hides_controls(browser, site_url):
    context = browser.new_context()
    parts = urlsplit(site_url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=f"{parts.scheme}://{parts.netloc}")
    page = open_app(context.new_page(), site_url + PAGE)
    page.evaluate("ganlab.set({distribution: 'spiral'})")
    hash_has(page, "distribution=spiral")
    page.click("#share")
    page.wait_for_function("document.querySelector('#message').textContent.includes('copied')")
    box = "#classroom input[data-share-link]"
    assert page.input_value(box) == page.evaluate("location.href")

    page.click("#classroom summary")
    for name in ("speed", "pretrained", "step"):
        page.check(f'#classroom input[data-hide="{name}"]')
    page.check("#autoplay")
    hash_has(page, "hide=", "autoplay=1")
    assert not page.is_visible('[data-control="speed"]') and not page.is_visible('[data-control="step"]')
    page.click("#classroom [data-share-copy]")
    link = page.input_value(box)
    assert "hide=" in link and "distribution=spiral" in link and "autoplay=1" in link
    page.uncheck('#classroom input[data-hide="step"]')           # a control shown again
    page.wait_for_function("!location.hash.includes('step')")
    assert page.is_visible('[data-control="step"]')
    context.close()

    context = browser.new_context()
    student = open_app(context.new_page(), link)
    student.wait_for_function("ganlab.state().playing")          # autoplay
    assert student.evaluate("ganlab.state().config.distribution") == "spiral"
    for name in ("speed", "pretrained", "step"):
        assert not student.is_visible(f'[data-control="{name}"]'), name
    assert student.is_visible('[data-control="play"]')
    context.close()


def test_save_then_load_resumes_the_same_run_and_a_bad_file_changes_nothing(page, site_url, tmp_path):
    open_app(page, site_url + PAGE)
    page.evaluate("ganlab.set({distribution: 'ring', optimizer_d: 'adam', learning_rate_d: 0.01})")
    train(page, 100)
    with page.expect_download() as download:
        page.click("#save-experiment")
    saved = tmp_path / "run.ganlab"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "ganlab-ring-epoch100.ganlab"
    ahead = train(page, 50)

    page.click("#reset")                                         # new weights, then load the file back
    page.wait_for_function("ganlab.state().epoch === 0")
    page.set_input_files("#load-experiment", str(saved))
    page.wait_for_function("document.querySelector('#message').textContent.includes('Loaded run.ganlab')")
    assert page.evaluate("ganlab.refresh()")["epoch"] == 100
    resumed = train(page, 50)
    for key in ("epoch", "d_loss", "g_loss", "kl"):
        assert resumed[key] == ahead[key], key

    garbage = tmp_path / "notes.ganlab"
    garbage.write_bytes(b"this is not an experiment")
    page.set_input_files("#load-experiment", str(garbage))
    page.wait_for_function("document.querySelector('#message').textContent.includes('Could not load notes.ganlab')")
    # the same by drag and drop onto the page
    page.evaluate("""() => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array([1, 2, 3])], 'dropped.ganlab'));
        document.querySelector('#lab').dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
    }""")
    page.wait_for_function("document.querySelector('#message').textContent.includes('Could not load dropped.ganlab')")
    after = page.evaluate("ganlab.refresh()")
    assert after["epoch"] == 150 and after["kl"] == resumed["kl"] and after["config"]["optimizer_d"] == "adam"
    page.click("#step-epoch")
    page.wait_for_function("ganlab.state().epoch === 151")


def test_png_and_csv_exports(page, site_url, tmp_path):
    open_app(page, site_url + PAGE)
    train(page, 120)
    page.wait_for_function("ganlabApp.metrics.history.length >= 2 && ganlabApp.metrics.history.lastEpoch === 120")
    with page.expect_download() as download:
        page.click("#export-csv")
    csv = Path(download.value.path()).read_text().splitlines()
    assert csv[0] == "epoch,d_loss,g_loss,kl,js"
    last = csv[-1].split(",")
    assert len(csv) >= 3 and last[0] == "120" and float(last[1]) > 0
    with page.expect_download() as download:
        page.click("#export-png")
    png = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename == "ganlab-layered-view.png"
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000


def test_index_with_embed_goes_to_the_compact_lab_keeping_settings(page, site_url):
    page.goto(site_url + PAGE + "?embed#distribution=ring&k_d=3")
    page.wait_for_url("**/embed.html#distribution=ring&k_d=3")
    page.wait_for_function("ganlab.client.framesReceived > 0")
    assert page.evaluate("ganlab.refresh()")["config"]["distribution"] == "ring"
    page.goto(site_url + PAGE + "#k_d=4&embed=1")
    page.wait_for_url("**/embed.html#k_d=4")


def test_an_embedded_lab_shows_the_views_and_layers_its_link_asks_for(page, site_url):
    page.goto(site_url + "embed.html#views=layered,metrics,bogus&layers=real,fake&autoplay=1")
    page.wait_for_function("window.embedViews && ganlab.state().epoch > 20")
    assert not page.is_visible("#controls") and not page.is_visible("#legend")
    assert page.is_visible("#plot") and page.is_visible("#metrics")
    assert "ignored unknown views: bogus" in page.text_content("#notes")
    assert page.evaluate("embedViews.layered.layers()") == {
        "heatmap": False, "real_density": False, "manifold": False, "real": True, "gradients": False, "fake": True}
    shown = page.evaluate("embedViews.layered.inspect()")
    assert len(shown["fake"]["x"]) > 0 and shown["visible"]["fake"] and not shown["visible"]["heatmap"]
    page.wait_for_function("embedViews.metrics.history.length >= 2")


def test_a_drawn_distribution_travels_in_the_link(browser, site_url):
    context = browser.new_context()
    page = open_app(context.new_page(), site_url + PAGE)
    fragment = page.evaluate("""async () => {
        const { writeState } = await import('./page/url-state.js');
        const points = Array.from({length: 30}, (_, i) =>
            [0.5 + 0.3 * Math.cos(i / 30 * 2 * Math.PI), 0.5 + 0.3 * Math.sin(i / 30 * 2 * Math.PI)]);
        return writeState(ganlab.schema, {distribution: 'drawn', points}, {});
    }""")
    context.close()
    context = browser.new_context()
    page = open_app(context.new_page(), site_url + PAGE + fragment)
    page.wait_for_function("ganlab.state().config.distribution === 'drawn' && ganlab.state().config.points === 30")
    assert hash_has(page, "points=") == fragment              # written back unchanged
    page.wait_for_function("ganlabApp.layered.inspect().real.x.length > 0")
    real = page.evaluate("ganlabApp.layered.inspect().real")
    radii = [((x - 0.5) ** 2 + (y - 0.5) ** 2) ** 0.5 for x, y in zip(real["x"], real["y"])]
    assert 0.25 < sorted(radii)[len(radii) // 2] < 0.35       # the real data is the drawn ring
    context.close()


def test_a_dead_worker_is_reported_and_restarts_with_the_same_settings(page, site_url):
    open_app(page, site_url + PAGE)
    page.evaluate("ganlab.set({distribution: 'ring', learning_rate_d: 0.05})")
    hash_has(page, "learning_rate_d=0.05")
    train(page, 30)
    page.evaluate("""() => {          // the worker dies (as when the tab runs out of memory)
        const worker = ganlab.client.worker;
        worker.terminate();
        worker.onerror(new ErrorEvent('error', {message: 'out of memory'}));
    }""")
    page.wait_for_selector("#restart", state="visible")
    assert "The lab stopped: the worker stopped: out of memory" in page.text_content("#message")
    page.click("#restart")
    page.wait_for_function("document.querySelector('#message').textContent.includes('was restarted')")
    state = page.evaluate("ganlab.refresh()")
    assert state["epoch"] == 0 and state["config"]["distribution"] == "ring"
    assert state["config"]["learning_rate_d"] == 0.05
    page.click("#play")
    page.wait_for_function("ganlab.state().epoch > 5")
