"""Own data, side-by-side runs and rewind in the real page (headless Chromium)."""

from test_interface import message, open_app, refreshed

from ganlab_wasm.schema import SETTINGS

DEFAULTS = {s.name: s.default for s in SETTINGS}


def enter_drawing(page):
    page.click("#picker-button")
    page.click('.picker-option[data-distribution="drawn"]')
    page.wait_for_function("ganlabApp.drawing.active")


def test_pasted_points_become_the_data_and_bad_text_changes_nothing(page, site_url):
    open_app(page, site_url)
    enter_drawing(page)
    page.fill("#points-text", "x,y\n1,2\n3,4\nbanana\n")
    page.click("#points-load")
    page.wait_for_function("document.querySelector('#message').textContent.includes('Nothing was changed')")
    assert "only 2 good point" in message(page) and "line 4" in message(page)
    assert refreshed(page)["config"]["distribution"] == "gaussians"
    assert page.evaluate("ganlabApp.drawing.active")            # still drawing: nothing lost
    rows = "".join(f"{i}\t{(i * 7) % 11}\n" for i in range(40)) + "oops, 1\n"
    page.fill("#points-text", rows)
    page.click("#points-load")
    page.wait_for_function("ganlab.state().config.distribution === 'drawn'")
    assert refreshed(page)["config"]["points"] == 40
    assert "40 points" in message(page) and "line 41" in message(page)


def test_uploaded_csv_file_and_shift_click_delete(page, site_url, tmp_path):
    open_app(page, site_url)
    enter_drawing(page)
    box = page.locator("#layered").bounding_box()
    for i in range(12):
        page.mouse.click(box["x"] + (0.2 + 0.05 * i) * box["width"], box["y"] + 0.7 * box["height"])
    assert page.evaluate("ganlabApp.drawing.points().length") == 12
    page.keyboard.down("Shift")
    page.mouse.click(box["x"] + 0.2 * box["width"], box["y"] + 0.7 * box["height"])
    page.keyboard.up("Shift")
    assert page.evaluate("ganlabApp.drawing.points().length") == 11
    csv = tmp_path / "mine.csv"
    csv.write_text("x,y\n" + "".join(f"{i},{i % 5}\n" for i in range(25)))
    page.set_input_files("#points-file", str(csv))
    page.wait_for_function("ganlab.state().config.distribution === 'drawn'")
    assert refreshed(page)["config"]["points"] == 25 and "mine.csv" in message(page)


def test_touch_tap_adds_long_press_deletes_the_nearest_and_drag_brushes(page, site_url):
    # real touches through the DevTools protocol, so the page sees pointerType 'touch';
    # all below y = 0.6, as the drawing bar covers the top of the square
    open_app(page, site_url)
    enter_drawing(page)
    box = page.locator("#layered").bounding_box()
    cdp = page.context.new_cdp_session(page)

    def spot(x, y):
        return {"x": box["x"] + x * box["width"], "y": box["y"] + (1 - y) * box["height"]}

    def touch(kind, x, y):
        cdp.send("Input.dispatchTouchEvent",
                 {"type": kind, "touchPoints": [] if kind == "touchEnd" else [spot(x, y)]})

    def count():
        return page.evaluate("ganlabApp.drawing.points().length")

    taps = [(0.2, 0.3), (0.4, 0.3), (0.6, 0.3), (0.8, 0.3), (0.5, 0.5)]
    for x, y in taps:
        touch("touchStart", x, y)
        touch("touchEnd", x, y)
    assert count() == len(taps)                               # each quick tap adds one point
    assert page.text_content(".draw-count").startswith(f"{len(taps)} points")
    touch("touchStart", 0.41, 0.31)                           # a long-press near (0.4, 0.3),
    touch("touchMove", 0.415, 0.312)                          # a finger's wobble within the slop
    page.wait_for_timeout(700)
    touch("touchEnd", 0.41, 0.31)
    points = page.evaluate("ganlabApp.drawing.points()")
    assert len(points) == len(taps) - 1                       # one fewer, and the press added none
    assert not any(abs(x - 0.4) < 0.05 and abs(y - 0.3) < 0.05 for x, y in points)
    touch("touchStart", 0.3, 0.5)                             # a quick tap still adds one
    touch("touchEnd", 0.3, 0.5)
    assert count() == len(taps)
    points = page.evaluate("ganlabApp.drawing.points()")
    assert any(abs(x - 0.3) < 0.01 and abs(y - 0.5) < 0.01 for x, y in points)
    touch("touchStart", 0.2, 0.15)                            # and a drag still brushes
    for i in range(1, 31):
        touch("touchMove", 0.2 + 0.02 * i, 0.15)
    touch("touchEnd", 0.8, 0.15)
    page.wait_for_timeout(700)                                # no long-press fires after the drag
    assert count() >= len(taps) + 20


def test_a_comparison_trains_in_the_worker_and_its_frames_carry_every_run(page, site_url):
    open_app(page, site_url)
    reply = page.evaluate("ganlab.compare('k_d', [1, 3])")
    assert reply["compare"]["runs"][2]["differences"] == {"k_d": 3}
    page.evaluate("ganlab.train(50)")
    page.wait_for_function("""(() => { const f = ganlab.client.lastFrame;
        return f && f.header.compare && f.header.compare.metrics[0].epoch === 50; })()""")
    header = page.evaluate("ganlab.client.lastFrame.header")
    assert [m["updates"] for m in header["compare"]["metrics"]] == [150, 100, 200]
    assert page.evaluate("ganlab.client.lastFrame.arrays.runs_heatmap.shape") == [2, 20, 20]
    bad = page.evaluate("ganlab.compare('k_d', [42]).then(() => 'ok', (e) => e.message)")
    assert "D updates per epoch" in bad or "k_d" in bad
    rewound = page.evaluate("ganlab.rewind(30)")
    assert rewound["viewing"] == 25
    page.evaluate("ganlab.resume()")
    assert page.evaluate("ganlab.history()")["epochs"][-1] == 25


def test_compare_with_from_the_page_draws_every_run_and_refuses_bad_values(page, site_url):
    open_app(page, site_url)
    page.select_option("#compare-vary", "k_d")
    page.fill("#compare-values", "banana")
    page.click("#compare-start")
    assert "not a number" in message(page) and "Nothing was changed" in message(page)
    assert page.evaluate("ganlab.send('state')")["compare"] is None
    page.fill("#compare-values", "1, 3")
    page.click("#compare-start")
    page.wait_for_function("document.querySelectorAll('.compare-tile').length === 2")
    titles = page.locator(".compare-title").all_text_contents()
    assert titles == [f"run 1: D updates per epoch = {DEFAULTS['k_d']}",   # the large views, named in the panel
                      "run 2: D updates per epoch = 1", "run 3: D updates per epoch = 3"]
    assert page.text_content("#compare-run-one .compare-status") == "the large views above"
    page.evaluate("ganlab.set({speed: 'fast'})")
    page.click("#play")
    page.wait_for_function("ganlabApp.compare.history().every((h) => h.length > 3 && h[h.length - 1].epoch > 50)")
    page.click("#play")
    runs = page.evaluate("ganlabApp.compare.history()")
    last = [h[-1] for h in runs]
    assert last[2]["updates"] > last[0]["updates"] > last[1]["updates"]      # k_d 3 does the most work per epoch
    assert all(isinstance(p[key], float) for h in runs for p in h for key in ("d_loss", "g_loss", "sw"))
    chart = "document.getElementById('compare-chart').toDataURL()"
    page.wait_for_function("!ganlab.state().playing")
    page.wait_for_timeout(500)                                   # the last frames are in
    kl_chart = page.evaluate(chart)
    page.select_option("#compare-metric", "d_loss")              # the same runs' D loss, overlaid
    assert page.evaluate(chart) != kl_chart
    page.select_option("#compare-metric", "kl")
    assert page.evaluate(chart) == kl_chart
    page.click("#compare-stop")
    page.wait_for_function("document.querySelectorAll('.compare-tile').length === 0")
    assert page.evaluate("ganlab.send('state')")["compare"] is None


def test_smoothing_slider_and_rewind_scrubber(page, site_url):
    open_app(page, site_url)
    page.evaluate("ganlab.train(300)")
    page.wait_for_function("ganlab.client.lastFrame.header.metrics.epoch === 300 && ganlabApp.metrics.history.length > 1")
    page.locator("#smoothing").fill("0.9")
    assert page.evaluate("ganlabApp.metrics.smoothing()") == 0.9
    smooth = page.evaluate("""(() => { const d = ganlabApp.metrics.history.data();
        return Array.from(ganlabApp.metrics.history.data().kl).length; })()""")
    assert smooth > 1
    assert page.evaluate("""(async () => { const { smoothed } = await import('./ui/metrics.js');
        const s = smoothed(new Float64Array([1, NaN, 3, 3]), 0.5);
        return [s[0], Number.isNaN(s[1]), Math.abs(s[2] - (0.5 * 0.5 + 0.5 * 3) / 0.75) < 1e-12]; })()""") == [1, True, True]
    page.locator("#rewind").fill("110")
    page.wait_for_function("ganlab.client.lastFrame.header.history.viewing === 100")
    assert page.is_visible("#rewind-resume") and "epoch 100" in page.text_content("#rewind-label")
    page.click("#rewind-back")
    page.wait_for_function("ganlab.client.lastFrame.header.history.viewing === null && ganlab.state().epoch === 300")
    page.locator("#rewind").fill("50")
    page.wait_for_function("ganlab.client.lastFrame.header.history.viewing === 50")
    page.click("#rewind-resume")
    page.wait_for_function("ganlab.client.lastFrame.header.history.viewing === null")
    assert max(page.evaluate("ganlab.history()")["epochs"]) == 50
    assert max(page.evaluate("Array.from(ganlabApp.metrics.history.data().epoch)")) <= 50
    page.evaluate("ganlab.train(20)")
    page.wait_for_function("ganlab.state().epoch === 70")
    assert "snapshots" in page.text_content("#rewind-info")


def test_a_comparison_travels_in_the_link(page, site_url):
    page.goto(site_url + "index.html#seed=3&compare=learning_rate_d:0.03,0.3")
    page.evaluate("ganlabApp.ready.then(() => true)")
    page.wait_for_function("ganlab.client.framesReceived > 2")
    page.wait_for_function("document.querySelectorAll('.compare-tile').length === 2")
    state = page.evaluate("ganlab.send('state')")
    assert state["compare"]["values"] == [DEFAULTS["learning_rate_d"], 0.03, 0.3] and state["config"]["seed"] == 3
    page.evaluate("ganlab.train(40)")
    page.wait_for_function("decodeURIComponent(location.hash).includes('compare=learning_rate_d:0.03,0.3')")
    kl = page.evaluate("ganlab.send('state')")["compare"]["runs"]
    assert len(kl) == 3


def embedded_comparison(page, url, epochs):
    """Open url (a comparison of k_d), train `epochs` and return each run's metrics."""
    page.goto(url)
    page.wait_for_function("ganlab.client.framesReceived > 0 && ganlab.client.lastFrame.header.compare")
    page.evaluate(f"ganlab.train({epochs})")
    page.wait_for_function(f"""(() => {{ const f = ganlab.client.lastFrame;
        return f.header.compare && f.header.compare.metrics.every((m) => m.epoch === {epochs}); }})()""")
    return page.evaluate("ganlab.client.lastFrame.header.compare.metrics")


def test_an_embedded_lab_shows_a_comparison_from_its_link_and_opens_it_in_the_full_page(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    runs = embedded_comparison(page, site_url + "embed.html#seed=3&compare=k_d:3", 40)
    assert page.is_visible("#compare") and page.is_visible("#plot")        # compare joins the default views
    assert page.locator(".compare-tile").count() == 1
    assert page.text_content(".compare-tile .compare-title") == "run 2: D updates per epoch = 3"
    assert page.text_content("#run-one") == f"run 1: D updates per epoch = {DEFAULTS['k_d']}"
    assert [m["updates"] for m in runs] == [40 * (DEFAULTS["k_d"] + DEFAULTS["k_g"]), 40 * (3 + DEFAULTS["k_g"])]
    page.wait_for_function("embedViews.compare.history().every((h) => h.length >= 1)")
    full = page.get_attribute("#full", "href")
    assert "seed=3" in full and "compare=k_d:3" in full
    context.close()
    context = browser.new_context()                                         # a fresh browser, the same numbers
    page = context.new_page()
    assert embedded_comparison(page, site_url + full, 40) == runs
    assert page.locator(".compare-tile").count() == 1
    context.close()


def test_an_embedded_comparison_with_bad_values_says_why_and_runs_alone(page, site_url):
    page.goto(site_url + "embed.html#compare=k_d:three&lab=other")
    page.wait_for_function("ganlab.client.framesReceived > 0")
    page.wait_for_function("document.querySelector('#notes').textContent.includes('not a number')")
    assert "ignored lab=other" in page.text_content("#notes")
    page.goto("about:blank")                     # a new fragment alone would reload the page under the test
    page.goto(site_url + "embed.html#compare=k_d:42")
    page.wait_for_function("document.querySelector('#message').textContent.includes('comparison not started')")
    assert page.evaluate("ganlab.send('state')")["compare"] is None
    assert page.locator(".compare-tile").count() == 0
    page.select_option("#compare-vary", "k_d")   # the panel's own form works in the embed too
    page.fill("#compare-values", "1")
    page.click("#compare-start")
    page.wait_for_function("document.querySelectorAll('.compare-tile').length === 1")
    assert page.evaluate("ganlab.send('state')")["compare"]["values"] == [DEFAULTS["k_d"], 1]
    assert page.is_visible("#run-one")


def test_an_embedded_comparison_without_the_large_view_has_no_run_one_label(page, site_url):
    page.goto(site_url + "embed.html#compare=k_d:3&views=compare,metrics")
    page.wait_for_function("document.querySelectorAll('.compare-tile').length === 1 && ganlab.client.framesReceived > 0")
    assert not page.is_visible("#plot")
    assert not page.is_visible("#run-one")     # it names the large view, which the link hid
