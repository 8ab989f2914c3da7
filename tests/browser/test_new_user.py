"""What a new user ran into on the full page (issue 11), each checked the way
that person met it: the drawing's message, the messages' wording, reaching
Load with the keyboard, the address bar while paused, the charts' axis titles,
the epochs/s reading at slow speed and slow motion with k_D = 2."""

import statistics

from test_interface import message, open_app, refreshed


def stroke(page, x0, y0, x1, y1, steps):
    box = page.locator("#layered").bounding_box()
    page.mouse.move(box["x"] + x0 * box["width"], box["y"] + (1 - y0) * box["height"])
    page.mouse.down()
    page.mouse.move(box["x"] + x1 * box["width"], box["y"] + (1 - y1) * box["height"], steps=steps)
    page.mouse.up()


def test_the_too_few_points_message_goes_once_enough_are_drawn(page, site_url):
    open_app(page, site_url)
    page.click("#picker-button")
    page.click('.picker-option[data-distribution="drawn"]')
    page.wait_for_function("ganlabApp.drawing.active")
    stroke(page, 0.2, 0.2, 0.24, 0.2, 3)
    page.click("#draw-done")
    assert "at least 10" in message(page)
    stroke(page, 0.2, 0.3, 0.8, 0.7, 60)                      # now plenty
    assert page.evaluate("ganlabApp.drawing.points().length") >= 10
    assert "at least 10" not in message(page)
    assert "(draw at least" not in page.text_content("#drawbar")


def test_messages_use_the_pages_labels_not_internal_names(page, site_url):
    open_app(page, site_url)
    page.check("#edit-toggle")
    g_neurons = refreshed(page)["config"]["g_neurons"]
    page.fill("#setting-g_neurons", "")                      # an empty box
    page.press("#setting-g_neurons", "Enter")
    page.wait_for_function("document.querySelector('#message').dataset.kind === 'error'")
    text = message(page)
    assert "g_neurons" not in text and "None" not in text
    assert text.startswith("Generator neurons must be")
    page.fill("#setting-learning_rate_d", "99")
    page.press("#setting-learning_rate_d", "Enter")
    page.wait_for_function("document.querySelector('#message').textContent.includes('learning rate')")
    assert message(page).startswith("Discriminator learning rate must be between")
    assert refreshed(page)["config"]["g_neurons"] == g_neurons        # nothing changed


def test_load_is_reached_with_tab_and_opens_the_file_chooser(page, site_url):
    open_app(page, site_url)
    page.evaluate("""document.querySelector('#load-experiment').addEventListener('click',
                         () => (window.fileInputClicked = (window.fileInputClicked ?? 0) + 1))""")
    page.focus("#save-experiment")
    page.keyboard.press("Tab")
    assert page.evaluate("[document.activeElement.tagName, document.activeElement.textContent.trim()]") == \
        ["BUTTON", "Load"]
    page.keyboard.press("Enter")                              # the keyboard opens the file input
    page.wait_for_function("window.fileInputClicked === 1")
    with page.expect_file_chooser() as chooser:               # as the mouse does
        page.click("#load")
    assert not chooser.value.is_multiple()


def test_the_address_bar_follows_each_layer_toggle_at_once_while_paused(page, site_url):
    open_app(page, site_url)
    assert not refreshed(page)["playing"]
    page.click("#layer-fake")
    assert "layers=" in page.evaluate("location.hash") and "fake" not in page.evaluate("location.hash")
    page.click("#layer-fake")
    assert "fake" in page.evaluate("location.hash") or "layers=" not in page.evaluate("location.hash")
    # the same for a change made by a script, read in the same task
    hash_after = page.evaluate("(ganlabApp.setLayers({real: false}), location.hash)")
    assert "layers=" in hash_after and "real," not in hash_after and not hash_after.endswith("real")
    page.wait_for_timeout(500)                                # and no older write lands later
    assert page.evaluate("location.hash") == hash_after


def test_the_loss_and_divergence_charts_have_axis_titles(page, site_url):
    open_app(page, site_url)
    titles = page.evaluate("""ganlabApp.metrics.figures.map((f) => [
        f.below.map((a) => a.axis_label), f.left.map((a) => a.axis_label)])""")
    assert titles == [[["epoch"], ["loss"]], [["epoch"], ["divergence (nats)"]], [["epoch"], ["distance (canvas widths)"]]]


def test_the_epochs_per_second_reading_is_not_zero_at_slow_speed(page, site_url):
    open_app(page, site_url)
    page.select_option("#speed", "slow")
    page.wait_for_function("ganlab.state().options.speed === 'slow'")
    page.click("#play")
    page.wait_for_function("ganlab.state().epoch > 20")      # a second of playing
    # the reading on the page, sampled every 100 ms for 3 s, with the epoch counter beside it
    samples = page.evaluate("""new Promise((done) => {
        const out = [];
        const timer = setInterval(() => {
            out.push([performance.now(), ganlab.state().epoch, Number(document.querySelector('#eps').textContent)]);
            if (out.length === 30) { clearInterval(timer); done(out); }
        }, 100);
    })""")
    page.click("#play")
    readings = [r for _, _, r in samples]
    assert sum(r > 0 for r in readings) >= 0.9 * len(readings), readings
    (t0, e0, _), (t1, e1, _) = samples[0], samples[-1]
    counted = (e1 - e0) / ((t1 - t0) / 1000)                  # what the epoch counter says
    assert abs(statistics.median(readings) - counted) <= 0.25 * counted + 1, (readings, counted)


def test_slow_motion_with_k_d_2_walks_both_discriminator_updates_and_says_so(page, site_url):
    open_app(page, site_url)
    assert refreshed(page)["config"]["k_d"] == 2              # the default
    page.check("#slow-motion")
    page.wait_for_function("!document.querySelector('#slowmo').hidden")
    summary = page.text_content("#slowmo-summary")
    assert "2 discriminator updates, then 1 generator update" in summary
    assert "× 2" in page.text_content(".stage-list.d h3")
    expected = [("d", u, 2, i) for u in (1, 2) for i in range(1, 6)] + [("g", 1, 1, i) for i in range(1, 6)]
    for net, update, updates, index in expected:
        page.click("#next-stage")
        page.wait_for_function(f"""(() => {{ const s = ganlab.client.lastFrame.header.stage;
            return s && s.net === '{net}' && s.update === {update} && s.updates === {updates} && s.index === {index}; }})()""")
        who = "Discriminator update 1 of 2" if (net, update) == ("d", 1) else \
            "Discriminator update 2 of 2" if net == "d" else "Generator update"
        page.wait_for_function(f"document.querySelector('#stage-text').textContent.startsWith('{who}, stage {index} of 5')")
    state = refreshed(page)
    assert (state["epoch"], state["d_updates"], state["g_updates"]) == (1, 2, 1)
