"""Own data, side-by-side runs and rewind in the real page (headless Chromium)."""

from test_interface import message, open_app, refreshed


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
