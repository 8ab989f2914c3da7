"""The image lab (images.html) in headless Chromium, view by view and control
by control. Views are read back through `ganlabApp.<view>.inspect()` (what
each Bokeh source holds) and the worker's state through `ganlab.state()` /
`ganlab.refresh()`. The `page` fixture fails a test on any console error or
request to another origin."""

import re
from pathlib import Path

import pytest

PAGE = "images.html"
ROOT = Path(__file__).resolve().parents[2]


def open_lab(page, url, width=1400, height=1000, fragment=""):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url + PAGE + fragment)
    page.evaluate("ganlabApp.ready.then(() => true)")
    page.wait_for_function("ganlab.client.framesReceived > 0 && ganlabApp.fakes.grid.inspect().count === 100")
    return page


def state(page):
    return page.evaluate("ganlab.refresh()")


def frame_header(page):
    return page.evaluate("ganlabApp.lastFrame().header")


def train(page, epochs):
    page.evaluate(f"ganlab.train({epochs})")
    page.wait_for_function(f"ganlabApp.lastFrame().header.metrics.epoch >= {epochs}")


def test_every_view_is_drawn_from_the_first_frame(page, site_url):
    open_lab(page, site_url)
    assert page.is_hidden("#loading")
    fakes = page.evaluate("ganlabApp.fakes.grid.inspect()")
    assert fakes["count"] == 100 and fakes["columns"] == 10 and fakes["drawn"]
    assert len(fakes["captions"]) == 100 and all(re.fullmatch(r"\d\.\d\d", c) for c in fakes["captions"])
    examples = page.evaluate("ganlabApp.dataset.examples.inspect(3)")
    assert examples["count"] == 10 and examples["captions"] == [str(i) for i in range(10)]
    assert max(examples["tile"]) > 0.5                     # a real digit has ink
    sample = page.evaluate("ganlabApp.dataset.sample.inspect()")
    assert sample["count"] == 25 and sample["columns"] == 5
    latent = page.evaluate("ganlabApp.latent.grid.inspect()")
    assert latent["count"] == 64 and latent["columns"] == 8
    assert page.evaluate("ganlabApp.sliders.count") == 16
    inked = page.evaluate("""(() => { const c = document.querySelector('#slider-image');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 250) n++; return n; })()""")
    assert inked > 0
    for node in ["noise", "generator", "fake", "real", "discriminator", "predictions", "d_loss", "g_loss"]:
        assert page.locator(f'.graph .node[data-node="{node}"]').count() == 1
    assert page.evaluate("ganlabApp.metrics.inspect().rangeTool")
    s = page.evaluate("ganlab.state()")
    assert set(s["digits"]) >= {"confident", "classes_covered", "top_share"}
    assert s["digits"]["label_agreement"] is None          # vanilla: no digit is asked for
    assert s["epoch"] == 0 and "d_loss" in s and "g_loss" in s


def test_training_moves_the_grid_the_log_and_the_history(page, site_url):
    open_lab(page, site_url)
    before = page.evaluate("ganlabApp.fakes.grid.inspect(0).tile")
    page.evaluate("ganlab.set({sample_every: 20, speed: 'fast'})")
    page.click("#play")
    page.wait_for_function("ganlab.state().epoch > 150")
    page.click("#play")
    page.wait_for_function("!ganlab.state().playing")
    after = page.evaluate("ganlabApp.fakes.grid.inspect(0).tile")
    assert after != before
    page.evaluate("ganlabApp.metrics.redraw()")
    charts = page.evaluate("ganlabApp.metrics.inspect()")
    assert charts["points"] > 3 and len(charts["qualityEpochs"]) >= 3
    assert abs(sum(charts["share"]) - 1) < 0.05            # shares of the fakes over the ten digits
    header = frame_header(page)
    kept = header["history"]["epochs"]
    assert len(kept) >= 3
    # scrub back to the first kept grid, then back to live
    page.fill("#history", "0")
    page.dispatch_event("#history", "input")
    page.wait_for_function("ganlabApp.lastFrame().header.history.shown === 0")
    assert f"epoch {kept[0]}" in page.text_content("#fakes-caption")
    assert page.evaluate("ganlabApp.fakes.grid.inspect(0).tile") != after
    page.click("#history-live")
    page.wait_for_function("ganlabApp.lastFrame().header.history.shown === undefined")
    assert "from the history" not in page.text_content("#fakes-caption")


def test_loss_chart_smooths_clips_and_zooms(page, site_url):
    open_lab(page, site_url)
    page.evaluate("ganlab.set({speed: 'fast'})")
    page.click("#play")
    page.wait_for_function("ganlabApp.metrics.history.length > 20")
    page.click("#play")
    page.wait_for_function("!ganlab.state().playing")
    page.fill("#loss-window", "1")
    page.dispatch_event("#loss-window", "input")
    raw = page.evaluate("ganlabApp.metrics.inspect()")
    assert raw["d_loss"] == pytest.approx(raw["d_raw"], abs=1e-9)   # a window of one point is the raw curve
    page.fill("#loss-window", "20")
    page.dispatch_event("#loss-window", "input")
    smooth = page.evaluate("ganlabApp.metrics.inspect()")
    assert smooth["d_loss"] != smooth["d_raw"]
    spread = lambda v: max(v[5:]) - min(v[5:])             # noqa: E731
    assert spread(smooth["d_loss"]) < spread(smooth["d_raw"])
    bound = sorted(smooth["d_raw"])[len(smooth["d_raw"]) // 2]   # the median: half the points clip
    page.fill("#loss-bound", str(bound))
    page.dispatch_event("#loss-bound", "input")
    clipped = page.evaluate("ganlabApp.metrics.inspect()")
    assert max(clipped["d_raw"]) <= bound + 1e-9 and clipped["y"][1] <= bound * 1.1 + 1e-3
    # the range tool's window zooms the big chart; "show all" follows the whole run again
    end = clipped["x"][1]
    page.evaluate(f"ganlabApp.metrics.zoom(0, {end / 2})")
    zoomed = page.evaluate("ganlabApp.metrics.inspect()")
    assert zoomed["zoomed"] and zoomed["x"][1] == end / 2
    page.click("#loss-all")
    assert page.evaluate("ganlabApp.metrics.inspect()")["x"][1] == end


def test_sliders_steer_the_image_and_the_latent_map_follows_its_dims(page, site_url):
    open_lab(page, site_url)
    train(page, 100)
    page.evaluate("window.sliderBefore = Array.from(ganlabApp.lastFrame().arrays.slider.data).join()")
    page.fill("#noise-0", "2.5")
    page.dispatch_event("#noise-0", "input")
    page.wait_for_function("ganlab.client.lastFrame.header.noise.z[0] === 2.5")
    page.wait_for_function("Array.from(ganlabApp.lastFrame().arrays.slider.data).join() !== window.sliderBefore")
    assert page.evaluate("ganlabApp.sliders.values()[0]") == 2.5
    page.click("#noise-random")
    page.wait_for_function("ganlab.client.lastFrame.header.noise.z.some((v, i) => i > 0 && v !== 0)")
    page.click("#noise-reset")
    page.wait_for_function("ganlab.client.lastFrame.header.noise.z.every((v) => v === 0)")
    assert page.evaluate("ganlabApp.sliders.values()").count(0) == 16
    # the latent map: pick the dims that vary
    page.select_option("#latent-x", "3")
    page.wait_for_function("ganlab.client.lastFrame.header.options.latent_x === 3")
    assert "z4 across" in page.text_content("#latent-note")
    page.select_option("#latent-y", "3")                   # the same dim twice is refused
    assert "two different" in page.text_content("#message")
    assert state(page)["options"]["latent_y"] == 1


def test_conditional_model_rows_per_digit_and_the_class_picker(page, site_url):
    open_lab(page, site_url)
    assert page.is_hidden("#class-picker")
    page.select_option("#model", "conditional")
    page.wait_for_function("ganlab.client.lastFrame.header.config.model === 'conditional'")
    assert page.is_visible("#class-picker")
    asked = page.evaluate("Array.from(ganlabApp.lastFrame().arrays.grid_class.data)")
    assert asked == [r for r in range(10) for _ in range(10)]
    page.select_option("#class", "3")
    page.wait_for_function("ganlab.client.lastFrame.header.noise.label === 3")
    assert "+ digit" in page.text_content('.graph .node[data-node="generator"]')


def test_hovering_a_fake_shows_its_nearest_real_image_and_score(page, site_url):
    open_lab(page, site_url)
    train(page, 50)
    box = page.locator("#fakes .image-grid-plot").bounding_box()
    # tile 12: row 1, column 2 (each tile is 8 of the grid's 89 units wide, 12 of its 120 high)
    page.mouse.move(box["x"] + box["width"] * (2 * 9 + 4) / 89, box["y"] + box["height"] * (1 * 12 + 4) / 120)
    page.wait_for_function("!document.querySelector('#tooltip').hidden")
    assert page.get_attribute("#tooltip", "data-index") == "12"
    text = page.text_content("#tooltip")
    arrays = page.evaluate("""(() => { const a = ganlabApp.lastFrame().arrays;
        return {score: a.grid_score.data[12], index: a.grid_nearest_index.data[12]}; })()""")
    assert f"D's score: {arrays['score']:.2f}" in text
    assert f"#{int(arrays['index']):,}" in text and "nearest real" in text
    assert page.evaluate("ganlabApp.fakes.grid.hovered") == 12
    page.mouse.move(5, 5)
    page.wait_for_function("document.querySelector('#tooltip').hidden")


def test_pretrained_model_and_compare(page, site_url):
    if not (ROOT / "ganlab_wasm" / "assets" / "pretrained_digits_vanilla.npz").exists():
        pytest.skip("the pretrained image models are not built yet (scripts/make_pretrained_images.py)")
    open_lab(page, site_url)
    page.check("#compare")
    page.wait_for_function("ganlab.client.lastFrame.header.compare !== null")
    assert page.is_visible("#compare-col")
    compare = page.evaluate("ganlabApp.fakes.compare.inspect()")
    assert compare["count"] == 100 and len(compare["captions"]) == 100
    assert "pretrained vanilla" in page.text_content("#compare-caption")
    page.uncheck("#compare")
    page.wait_for_function("document.querySelector('#compare-col').hidden")
    page.click("#pretrained")
    page.wait_for_function("ganlab.state().epoch > 0")
    assert "Loaded the pretrained vanilla GAN" in page.text_content("#message")
    digits = page.evaluate("ganlab.state().digits")
    assert digits["confident"] >= 0.5 and digits["classes_covered"] >= 7


def test_bad_input_is_refused_with_the_pages_words_and_changes_nothing(page, site_url):
    open_lab(page, site_url)
    lr = page.evaluate("ganlab.state().config.learning_rate_g")
    page.fill("#setting-learning_rate_g", "")
    page.dispatch_event("#setting-learning_rate_g", "change")
    assert "learning rate (G) must be a number" in page.text_content("#message")
    page.fill("#setting-learning_rate_g", "50")
    page.dispatch_event("#setting-learning_rate_g", "change")
    page.wait_for_function("document.querySelector('#message').dataset.kind === 'error'")
    page.wait_for_function("document.querySelector('#setting-learning_rate_g').value !== '50'")
    assert "learning rate (G)" in page.text_content("#message")
    assert state(page)["config"]["learning_rate_g"] == lr
    page.fill("#setting-epochs_to_train", "2.5")
    page.dispatch_event("#setting-epochs_to_train", "change")
    assert "epochs to train must be a whole number" in page.text_content("#message")
    assert state(page)["options"]["epochs_to_train"] == 0


def test_epochs_to_train_stops_with_a_full_progress_bar(page, site_url):
    open_lab(page, site_url)
    page.fill("#setting-epochs_to_train", "60")
    page.dispatch_event("#setting-epochs_to_train", "change")
    page.wait_for_function("ganlab.state().options.epochs_to_train === 60")
    page.wait_for_function("document.querySelector('#train-progress-text').textContent.includes('trains 60 epochs')")
    page.click("#play")
    page.wait_for_function("ganlab.client.lastFrame.header.target && !ganlab.client.lastFrame.header.playing")
    s = state(page)
    assert s["epoch"] == 60 and not s["playing"]
    assert page.evaluate("document.querySelector('#train-progress').value") == 1
    assert page.text_content("#train-progress-text") == "60 of 60 epochs"


def test_steps_slow_motion_and_keyboard(page, site_url):
    open_lab(page, site_url)
    page.click("#step-d")
    page.wait_for_function("ganlab.client.lastFrame.header.metrics.d_updates === 1")
    page.click("#step-g")
    page.wait_for_function("ganlab.client.lastFrame.header.metrics.g_updates === 1")
    page.locator("h1").click()
    page.keyboard.press("e")
    page.wait_for_function("ganlab.client.lastFrame.header.metrics.epoch === 1")
    page.keyboard.press("Space")
    page.wait_for_function("ganlab.state().playing")
    page.keyboard.press("Space")
    page.wait_for_function("!ganlab.state().playing")
    # pause acts within one slice: the epoch stops moving
    first = state(page)["epoch"]
    page.wait_for_timeout(300)
    assert state(page)["epoch"] == first
    page.check("#slow-motion")
    page.wait_for_function("!document.querySelector('#slowmo').hidden")
    page.click("#next-stage")
    page.wait_for_function("document.querySelector('#slowmo').dataset.current === 'd1'")
    lit = page.eval_on_selector_all(".graph .node.lit", "ns => ns.map(n => n.dataset.node)")
    assert {"noise", "generator", "fake"} <= set(lit)
    for _ in range(9):
        page.click("#next-stage")
    page.wait_for_function("document.querySelector('#slowmo').dataset.current === 'g5'")
    page.wait_for_function(f"ganlab.client.lastFrame.header.metrics.epoch === {first + 1}")
    page.uncheck("#slow-motion")
    page.wait_for_function("document.querySelector('#slowmo').hidden")


def test_url_state_reproduces_the_run_and_hides_controls(page, site_url):
    open_lab(page, site_url, fragment="#learning_rate_g=0.001&seed=7&model=conditional&hide=latent,dataset")
    page.wait_for_function("ganlab.state().config.seed === 7")
    s = state(page)
    assert s["config"]["learning_rate_g"] == 0.001 and s["config"]["model"] == "conditional"
    assert page.is_hidden(".latent-panel") and page.is_hidden(".dataset-panel")
    first = page.evaluate("ganlabApp.fakes.grid.inspect(5).tile")
    page.evaluate("ganlab.set({g_neurons: 64})")
    page.wait_for_function("location.hash.includes('g_neurons=64')")
    assert "seed=7" in page.evaluate("location.hash")
    # the same link in a new page starts from the same weights
    other = page.context.new_page()
    open_lab(other, site_url, fragment="#learning_rate_g=0.001&seed=7&model=conditional")
    other.wait_for_function("ganlab.state().config.seed === 7")
    assert other.evaluate("ganlabApp.fakes.grid.inspect(5).tile") == first
    other.close()
    other = page.context.new_page()
    other.goto(site_url + PAGE + "#learning_rate_g=abc&bogus=1")
    other.evaluate("ganlabApp.ready.then(() => true)")
    other.wait_for_function("document.querySelector('#message').textContent.includes('From the link')")
    assert "learning_rate_g" in other.text_content("#message")
    other.close()


def test_save_and_load_restore_the_run(page, site_url):
    open_lab(page, site_url)
    train(page, 40)
    saved = page.evaluate("ganlab.save().then((b) => Array.from(b))")
    page.evaluate("ganlab.reset({new_seed: true})")
    page.wait_for_function("ganlab.client.lastFrame.header.metrics.epoch === 0")
    page.evaluate(f"ganlab.load(new Uint8Array({saved}))")
    page.wait_for_function("ganlab.client.lastFrame.header.metrics.epoch === 40")
    error = page.evaluate("ganlab.load(new Uint8Array([1, 2, 3])).then(() => null, (e) => e.message)")
    assert error
    assert state(page)["epoch"] == 40


def test_links_between_the_two_pages(page, site_url):
    page.goto(site_url + "index.html")
    page.evaluate("ganlabApp.ready.then(() => true)")
    assert page.get_attribute("#to-images-top", "href") == "images.html"
    page.click("#picker-button")
    assert page.get_attribute("#to-images", "href") == "images.html"
    page.click("#to-images")
    page.wait_for_url(re.compile(r"images\.html"))
    page.evaluate("ganlabApp.ready.then(() => true)")
    page.click("#to-points")
    page.wait_for_url(re.compile(r"index\.html"))


def test_narrow_screen_has_no_sideways_scroll(page, site_url):
    open_lab(page, site_url, width=390, height=844)
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 390
    for panel in [".fakes-panel", ".inference-panel", ".metrics-panel", ".latent-panel", ".dataset-panel"]:
        box = page.locator(panel).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, panel


def test_staged_loading_progress_is_shown(page, site_url):
    page.goto(site_url + PAGE)
    stages = page.evaluate("""new Promise((resolve) => { const seen = [];
        ganlab.on('progress', (p) => { seen.push(p.stage); if (p.stage === 'ready') resolve(seen); }); })""")
    assert stages[-1] == "ready" and len(stages) >= 2
    page.wait_for_function("document.querySelector('#lab').dataset.state === 'running'")
