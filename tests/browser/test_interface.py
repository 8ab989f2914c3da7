"""The full page (index.html) in headless Chromium, control by control.

Each test drives the page the way a person would (clicks, keys, the mouse)
and checks what the views hold afterwards through `ganlabApp.layered.inspect()`
(the data and visibility of each Bokeh renderer) and `ganlab.state()` /
`ganlab.refresh()` (the worker's state). The `page` fixture fails a test on any
console error or request to another origin.
"""

import math

import pytest

PAGE = "index.html"
LAYERS = ["heatmap", "real_density", "manifold", "real", "gradients", "fake"]


def open_app(page, url, width=1280, height=800):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url + PAGE)
    page.evaluate("ganlabApp.ready.then(() => true)")
    page.wait_for_function("ganlab.client.framesReceived > 0 && ganlabApp.layered.inspect().fake.x.length > 0")
    return page


def refreshed(page):
    return page.evaluate("ganlab.refresh()")


def inspect(page):
    return page.evaluate("ganlabApp.layered.inspect()")


def wait_epoch_above(page, epoch):
    page.wait_for_function(f"ganlab.state().epoch > {epoch}")


def wait_for_frame_after(page, condition):
    """Wait until the worker state satisfies `condition` and a frame showing it was drawn."""
    page.wait_for_function(f"""(() => {{
        const f = ganlabApp.layered.lastFrame();
        const s = f && {{...f.header.metrics, config: f.header.config, build: f.header.build}};
        return s && ({condition});
    }})()""")


def message(page):
    return page.text_content("#message")


# ---------------------------------------------------------------------------


def test_controls_come_from_the_schema_and_space_plays(page, site_url):
    open_app(page, site_url)
    schema = page.evaluate("ganlab.schema")
    config = {f["name"]: f for f in schema["config"]}
    options = {f["name"]: f for f in schema["options"]}
    # every top-bar control is there, marked for hiding by name
    for name in ["play", "reset", "epoch", "distribution", "pretrained", "step", "slow_motion", "speed", "edit",
                 "layers"]:
        assert page.locator(f'[data-control="{name}"]').count() == 1, name
    speeds = page.eval_on_selector_all("#speed option", "os => os.map(o => o.value)")
    assert speeds == options["speed"]["choices"]
    # the editor's controls carry the schema's ranges and choices
    lr = page.locator("#setting-learning_rate_g")
    assert float(lr.get_attribute("min")) == config["learning_rate_g"]["low"]
    assert float(lr.get_attribute("max")) == config["learning_rate_g"]["high"]
    losses = page.eval_on_selector_all("#setting-loss option", "os => os.map(o => o.value)")
    assert losses == config["loss"]["choices"]
    layer_options = page.eval_on_selector_all("#setting-g_layers option", "os => os.map(o => Number(o.value))")
    assert layer_options == list(range(config["g_layers"]["low"], config["g_layers"]["high"] + 1))
    stage_ms = page.locator("#stage-ms")
    assert (int(stage_ms.get_attribute("min")), int(stage_ms.get_attribute("max"))) == (
        options["stage_ms"]["low"], options["stage_ms"]["high"])
    # space plays and pauses (from the page, not from a focused control)
    page.evaluate("ganlab.set({speed: 'fast'})")
    page.locator("h1").click()
    page.keyboard.press("Space")
    page.wait_for_function("ganlab.state().playing")
    wait_epoch_above(page, 20)
    page.keyboard.press("Space")
    page.wait_for_function("!ganlab.state().playing")
    assert not refreshed(page)["playing"]
    assert page.get_attribute("#play", "aria-label") == "Play"
    # controls can be hidden by name (for a teacher's link)
    page.evaluate("ganlabApp.hideControls(['pretrained', 'speed'])")
    assert not page.is_visible('[data-control="pretrained"]') and not page.is_visible('[data-control="speed"]')


def test_each_layer_toggle_shows_and_hides_its_renderers(page, site_url):
    open_app(page, site_url)
    start = page.evaluate("ganlabApp.layers()")
    assert set(start) == set(LAYERS)
    assert inspect(page)["visible"] == start
    for layer in LAYERS:
        before = inspect(page)["visible"]
        legend_before = page.text_content("#legend")
        page.click(f"#layer-{layer}")
        after = inspect(page)["visible"]
        assert after[layer] == (not before[layer]), layer
        assert {k: v for k, v in after.items() if k != layer} == {k: v for k, v in before.items() if k != layer}
        assert page.text_content("#legend") != legend_before
        assert page.evaluate("ganlabApp.layers()")[layer] == after[layer]
    # the hook for the URL state: set several at once, checkboxes follow
    page.evaluate("ganlabApp.setLayers({heatmap: false, fake: true, real_density: true})")
    visible = inspect(page)["visible"]
    assert not visible["heatmap"] and visible["fake"] and visible["real_density"]
    assert page.is_checked("#layer-real_density") and not page.is_checked("#layer-heatmap")
    assert inspect(page)["contours"] > 0                     # the real density has lines to show
    error = page.evaluate("(() => { try { ganlabApp.setLayers({sky: true}); } catch (e) { return e.message; } })()")
    assert "unknown layer" in error


def test_picking_a_distribution_changes_the_real_samples(page, site_url):
    open_app(page, site_url)
    before = inspect(page)["real"]
    page.click("#picker-button")
    assert page.is_visible("#picker-menu")
    # every preset's thumbnail is drawn from its samples (not blank)
    inked = page.evaluate("""[...document.querySelectorAll('.picker-option canvas')].map(c => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 1] > d[i] + 40) n++;   // green pixels
        return n; })""")
    assert len(inked) == 8 and all(n > 20 for n in inked), inked
    page.click('.picker-option[data-distribution="ring"]')
    wait_for_frame_after(page, "s.config.distribution === 'ring'")
    assert page.is_hidden("#picker-menu")
    after = inspect(page)["real"]
    assert after != before
    # ring samples lie on an ellipse around (0.5, 0.45) with radii 0.3 and 0.25
    radii = [math.hypot((x - 0.5) / 0.3, (y - 0.45) / 0.25) for x, y in zip(after["x"], after["y"])]
    assert sum(0.75 < r < 1.25 for r in radii) > 0.95 * len(radii)
    assert "Ring" in page.text_content("#picker-button")


def test_d_step_moves_the_heatmap_and_g_step_moves_the_fake_samples(page, site_url):
    open_app(page, site_url)
    n = page.evaluate("ganlab.state().options.step_updates")   # updates per D or G step
    start = inspect(page)
    page.click("#step-d")
    wait_for_frame_after(page, f"s.d_updates === {n}")
    after_d = inspect(page)
    assert after_d["fake"] == start["fake"]                  # G unchanged: fake samples stay put
    assert after_d["heatmap"] != start["heatmap"]            # D changed: its heatmap moved
    page.click("#step-g")
    wait_for_frame_after(page, f"s.g_updates === {n}")
    after_g = inspect(page)
    assert after_g["heatmap"] == after_d["heatmap"]          # D unchanged
    assert after_g["fake"] != after_d["fake"]                # G changed
    page.click("#step-epoch")
    wait_for_frame_after(page, "s.epoch === 1")
    state = refreshed(page)
    assert (state["d_updates"], state["g_updates"]) == (n + 2, n + 1)   # k_d = 2, k_g = 1
    assert page.text_content("#epoch") == "1"


def test_the_d_and_g_buttons_do_the_updates_per_step_shown_beside_them(page, site_url):
    open_app(page, site_url)
    spec = page.evaluate("ganlab.schema.options.find(o => o.name === 'step_updates')")
    box = page.locator("#step-updates")
    assert box.input_value() == str(spec["default"])
    assert (int(box.get_attribute("min")), int(box.get_attribute("max"))) == (spec["low"], spec["high"])
    assert f"{spec['default']} updates" in page.get_attribute("#step-d", "title")
    page.click("#step-d")
    page.wait_for_function(f"ganlab.state().d_updates === {spec['default']}")
    page.click("#step-g")
    page.wait_for_function(f"ganlab.state().g_updates === {spec['default']}")
    assert page.evaluate("ganlab.state().epoch") == 0
    # GAN Lab's single update
    box.fill("1")
    box.press("Enter")
    page.wait_for_function("ganlab.state().options.step_updates === 1")
    page.wait_for_function("document.querySelector('#step-g').title.endsWith('one update')")
    page.click("#step-d")
    page.wait_for_function(f"ganlab.state().d_updates === {spec['default'] + 1}")
    # a number out of range is refused with the page's words, and the box shows the last good one
    box.fill(str(spec["high"] + 1))
    box.press("Enter")
    page.wait_for_function("document.querySelector('#message').dataset.kind === 'error'")
    assert "updates per step must be between" in page.text_content("#message").lower()
    page.wait_for_function("document.querySelector('#step-updates').value === '1'")
    assert page.evaluate("ganlab.state().options.step_updates") == 1


def test_slow_motion_walks_the_ten_stages_in_order(page, site_url):
    open_app(page, site_url)
    page.evaluate("ganlab.set({k_d: 1})")                    # one update each: ten stages (k_D = 2: test_new_user)
    stages = page.evaluate("ganlab.schema.stages")
    assert page.is_hidden("#slowmo")
    page.check("#slow-motion")
    page.wait_for_function("!document.querySelector('#slowmo').hidden")
    assert page.is_disabled("#step-d")                       # steps walk stages now: one button for that
    seen = []
    for net in ("d", "g"):
        for stage in stages[net]:
            key = f"{net}{stage['index']}"
            page.click("#next-stage")
            page.wait_for_function(f"document.querySelector('#slowmo').dataset.current === '{key}'")
            assert stage["description"] in page.text_content("#stage-text")
            assert page.get_attribute(f'[data-stage="{key}"]', "class") == "current"
            lit = page.eval_on_selector_all(".graph .node.lit", "ns => ns.map(n => n.dataset.node)")
            loops = page.eval_on_selector_all(".graph .edge.loop.lit", "ps => ps.map(p => p.dataset.edge)")
            seen.append((key, stage["name"], sorted(lit), sorted(loops)))
    assert [s[0] for s in seen] == [f"{n}{i}" for n in "dg" for i in range(1, 6)]
    by_key = {s[0]: s for s in seen}
    assert {"noise", "generator", "fake"} <= set(by_key["d1"][2])
    assert "d_loss" in by_key["d3"][2]
    assert by_key["d4"][3] and all(name.startswith("d_loop") for name in by_key["d4"][3])
    assert by_key["g4"][3] and all(name.startswith("g_loop") for name in by_key["g4"][3])
    assert "gradients" in by_key["g4"][2]
    assert refreshed(page)["epoch"] == 1                     # ten stages are one epoch
    # playing walks on by itself, a stage every stage_ms
    page.evaluate("ganlab.set({stage_ms: 200}).then(() => ganlab.play())")
    page.wait_for_function("document.querySelector('#slowmo').dataset.current === 'd2'")
    page.evaluate("ganlab.pause()")
    page.uncheck("#slow-motion")
    page.wait_for_function("document.querySelector('#slowmo').hidden")
    assert page.locator(".graph .node.lit").count() == 0


def test_hyperparameters_apply_at_once_and_layers_rebuild(page, site_url):
    open_app(page, site_url)
    assert page.is_hidden("#setting-learning_rate_g")
    page.check("#edit-toggle")
    assert page.is_visible("#setting-learning_rate_g")
    page.evaluate("ganlab.set({speed: 'fast'})")
    page.click("#play")
    wait_epoch_above(page, 100)
    # a learning rate: applied live, training goes on with the same weights
    page.fill("#setting-learning_rate_g", "0.05")
    page.press("#setting-learning_rate_g", "Enter")
    page.wait_for_function("ganlab.state().config.learning_rate_g === 0.05")
    assert "training goes on" in message(page)
    changed_at = refreshed(page)["epoch"]
    assert changed_at > 100
    wait_epoch_above(page, changed_at + 200)
    assert refreshed(page)["playing"]
    # a bad value: a clear message, nothing changes
    before = refreshed(page)["config"]["learning_rate_d"]
    page.fill("#setting-learning_rate_d", "99")
    page.press("#setting-learning_rate_d", "Enter")
    page.wait_for_function("document.querySelector('#message').dataset.kind === 'error'")
    assert "Discriminator learning rate must be between" in message(page)   # the page's label, not learning_rate_d
    assert refreshed(page)["config"]["learning_rate_d"] == before      # refused: nothing changed
    page.wait_for_function(f"Number(document.querySelector('#setting-learning_rate_d').value) === {before}")
    # layers: new networks, from epoch 0, and the page says so
    before = refreshed(page)["epoch"]
    page.select_option("#setting-g_layers", "3")
    page.wait_for_function("ganlab.state().config.g_layers === 3")
    assert "new networks" in message(page)
    wait_for_frame_after(page, "s.config.g_layers === 3")
    rebuilt = page.evaluate("ganlabApp.layered.lastFrame().header")
    assert rebuilt["metrics"]["epoch"] < before
    assert page.text_content(".node.generator .arch").startswith("3 ")
    wait_epoch_above(page, 50)                               # and it trains on
    page.click("#play")


def test_the_shown_average_of_g_is_set_on_the_generator_card_and_the_fakes_follow_it(page, site_url):
    open_app(page, site_url)

    def fake_move_of_a_g_step(updates_before):
        before = inspect(page)["fake"]
        page.click("#step-g")
        wait_for_frame_after(page, f"s.g_updates === {updates_before} + ganlab.state().options.step_updates")
        after = inspect(page)["fake"]
        return sum(math.hypot(x1 - x0, y1 - y0) for x0, y0, x1, y1 in
                   zip(before["x"], before["y"], after["x"], after["y"])) / len(before["x"])

    plain = fake_move_of_a_g_step(0)              # the generator as trained: its fakes move
    page.check("#edit-toggle")
    box = page.locator("#setting-g_average")
    assert box.input_value() == "0"
    box.fill("5000")
    box.press("Enter")
    page.wait_for_function("ganlab.state().config.g_average === 5000")
    assert "training goes on" in message(page)       # live: same weights
    n = page.evaluate("ganlab.state().g_updates")
    averaged = fake_move_of_a_g_step(n)           # the average moves 1/5000 of G's way per update
    assert plain > 0.005 and averaged < plain / 20
    # refused with the page's words; the box goes back
    box.fill("-3")
    box.press("Enter")
    page.wait_for_function("document.querySelector('#message').dataset.kind === 'error'")
    assert "shown average" in message(page) and "must be between" in message(page)
    page.wait_for_function("document.querySelector('#setting-g_average').value === '5000'")
    assert refreshed(page)["config"]["g_average"] == 5000


def test_drawing_points_then_training_on_them(page, site_url):
    open_app(page, site_url)
    box = page.locator("#layered").bounding_box()

    def stroke(x0, y0, x1, y1, steps):
        page.mouse.move(box["x"] + x0 * box["width"], box["y"] + (1 - y0) * box["height"])
        page.mouse.down()
        page.mouse.move(box["x"] + x1 * box["width"], box["y"] + (1 - y1) * box["height"], steps=steps)
        page.mouse.up()

    page.click("#picker-button")
    page.click('.picker-option[data-distribution="drawn"]')
    page.wait_for_function("ganlabApp.drawing.active")
    assert page.is_visible("#drawbar")
    stroke(0.2, 0.2, 0.24, 0.2, 3)                           # a few points are not enough
    drawn = page.evaluate("ganlabApp.drawing.points().length")
    assert 0 < drawn < 10
    page.click("#draw-done")
    assert "at least 10" in message(page)
    assert refreshed(page)["config"]["distribution"] == "gaussians"   # nothing changed
    page.click("#draw-clear")
    stroke(0.2, 0.3, 0.8, 0.7, 60)                           # a diagonal stroke
    points = page.evaluate("ganlabApp.drawing.points()")
    assert len(points) >= 30
    assert inspect(page)["drawn"] == len(points)
    page.click("#draw-done")
    page.wait_for_function("ganlab.state().config.distribution === 'drawn'")
    assert refreshed(page)["config"]["points"] == len(points)
    assert not page.evaluate("ganlabApp.drawing.active")
    page.evaluate("ganlab.set({speed: 'fast'})")
    page.click("#play")
    wait_epoch_above(page, 100)
    page.click("#play")
    # the real samples now come from the drawn points (each within a little jitter of one)
    real = inspect(page)["real"]
    far = [(x, y) for x, y in zip(real["x"], real["y"])
           if min(math.hypot(x - px, y - py) for px, py in points) > 0.1]
    assert len(far) < 0.02 * len(real["x"]), far[:5]
    assert "Drawn" in page.text_content("#picker-button")


def test_pretrained_model_shows_a_converged_state_at_once(page, site_url):
    open_app(page, site_url)
    fresh = refreshed(page)
    assert fresh["epoch"] == 0 and fresh["kl"] > 2
    page.check("#pretrained")
    wait_for_frame_after(page, "s.epoch >= 1000")
    state = refreshed(page)
    assert state["kl"] < 1 and not state["playing"]
    assert int(page.text_content("#epoch").replace(",", "")) == state["epoch"]
    assert "trained for" in message(page)
    # the fake samples sit on the real data: most have a real sample close by
    view = inspect(page)
    real = list(zip(view["real"]["x"], view["real"]["y"]))
    close = sum(min(math.hypot(x - rx, y - ry) for rx, ry in real) < 0.05
                for x, y in zip(view["fake"]["x"], view["fake"]["y"]))
    assert close > 0.8 * len(view["fake"]["x"])
    # picking other data while it is on loads that data's model
    page.click("#picker-button")
    page.click('.picker-option[data-distribution="ring"]')
    wait_for_frame_after(page, "s.config.distribution === 'ring' && s.epoch >= 1000")
    assert page.is_checked("#pretrained")
    page.uncheck("#pretrained")                              # off: fresh weights
    wait_for_frame_after(page, "s.epoch === 0 && s.config.distribution === 'ring'")


def test_hovers_explain_a_fake_sample_and_morph_the_generator(page, site_url):
    open_app(page, site_url)
    page.evaluate("ganlab.train(200)")
    wait_for_frame_after(page, "s.epoch === 200")
    box = page.locator("#layered").bounding_box()
    view = inspect(page)
    x, y = view["fake"]["x"][7], view["fake"]["y"][7]
    page.mouse.move(box["x"] + x * box["width"], box["y"] + (1 - y) * box["height"])
    page.wait_for_selector("#tooltip:not([hidden])")
    text = page.text_content("#tooltip")
    assert "Fake sample" in text and "to lower G's loss" in text
    assert any(word in text for word in ("up", "down", "left", "right", "stays put"))
    page.mouse.move(box["x"] + 2, box["y"] + box["height"] + 40)
    page.wait_for_selector("#tooltip", state="hidden")
    # the generator node: the noise grid bends into G's manifold and back
    settled = inspect(page)["manifoldPixels"]
    page.hover(".node.generator")
    page.wait_for_function(f"ganlabApp.layered.inspect().manifoldPixels !== {settled}")
    page.mouse.move(box["x"] + 2, box["y"] + box["height"] + 40)
    page.wait_for_function(f"ganlabApp.layered.inspect().manifoldPixels === {settled}")


def test_divergence_is_shown_and_the_page_keeps_working(page, site_url):
    open_app(page, site_url)
    page.evaluate("ganlab.set({loss: 'lsgan', optimizer_g: 'sgd', optimizer_d: 'sgd', learning_rate_d: 10, learning_rate_g: 10, speed: 'fast'})")
    page.click("#play")
    page.wait_for_function("document.querySelector('#message').textContent.includes('diverged')")
    page.wait_for_function("document.querySelector('#play').getAttribute('aria-label') === 'Play'")
    stopped = refreshed(page)["epoch"]
    page.evaluate("ganlab.set({learning_rate_d: 0.05, learning_rate_g: 0.05})")
    page.click("#play")
    wait_epoch_above(page, stopped + 100)
    page.click("#play")


def test_metrics_charts_keep_a_bounded_history(page, site_url):
    open_app(page, site_url)
    page.evaluate("ganlab.set({speed: 'fast'}).then(() => ganlab.play())")
    wait_epoch_above(page, 300)
    page.evaluate("ganlab.pause()")
    page.wait_for_function("ganlabApp.metrics.history.length > 3")
    values = [page.text_content(f"#value-{name}") for name in ("d_loss", "g_loss", "kl", "js", "sw")]
    assert all(v != "–" for v in values)
    # two Gaussians are two modes: the readout counts how many get their share
    assert page.is_visible("#value-modes")
    assert page.text_content("#value-modes").endswith("/2")
    assert "perfect generator" in page.text_content("[data-control=metrics-divergence]")
    result = page.evaluate("""async () => {
        const { BoundedHistory } = await import('./ui/history.js');
        const h = new BoundedHistory(['a'], 100);
        for (let e = 0; e < 100000; e++) h.add(e, {a: Math.sin(e)});
        const d = h.data();
        const restarted = new BoundedHistory(['a'], 100);
        for (let e = 0; e < 50; e++) restarted.add(e, {a: 1});
        restarted.add(0, {a: 2});                        // a new run clears the old one
        return {length: h.length, first: d.epoch[0], last: d.epoch[d.epoch.length - 1],
                increasing: d.epoch.every((v, i) => i === 0 || v > d.epoch[i - 1]), stride: h.stride,
                restarted: restarted.length};
    }""")
    assert result["length"] <= 100 and result["increasing"]
    assert result["first"] == 0 and result["last"] > 99000   # the whole run, at a coarser step
    assert result["stride"] >= 1024 and result["restarted"] == 1


@pytest.mark.parametrize("width", [400])
def test_narrow_screen_stacks_the_views(page, site_url, width):
    open_app(page, site_url, width=width, height=800)
    boxes = [page.locator(sel).bounding_box() for sel in (".graph-panel", ".layered-panel", ".metrics-panel")]
    assert all(b["x"] >= 0 and b["x"] + b["width"] <= width + 1 for b in boxes)
    assert boxes[0]["y"] + boxes[0]["height"] <= boxes[1]["y"] + 1
    assert boxes[1]["y"] + boxes[1]["height"] <= boxes[2]["y"] + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.click("#play")                                      # the controls still work
    page.wait_for_function("ganlab.state().playing")
    page.click("#play")
