"""The image lab embedded in an article (images.html#embed=1, or
embed.html#lab=images which goes there): the views its link asks for, a
lazy boot, pause out of view, and the postMessage protocol with the image
lab's commands."""

from test_share import booted, frame_with

HOST_PAGE = """<!doctype html><html><head><link rel="icon" href="favicon.svg"></head><body>
<p style="height: 2000px">An article, and further down an image lab.</p>
<iframe id="lab" src="{lab}" style="width: 560px; height: 700px; border: 0"></iframe>
<p style="height: 3000px">More of the article.</p>
<script type="module">
  import {{ connectLab }} from './embed/host.js';
  window.lab = connectLab(document.getElementById('lab'), {{ autoResize: false }});
</script></body></html>"""


def test_an_embedded_image_lab_shows_the_views_its_link_asks_for(page, site_url):
    page.set_viewport_size({"width": 600, "height": 900})
    page.goto(site_url + "embed.html#lab=images&views=fakes,latent,bogus&seed=5&learning_rate_g=abc&autoplay=1")
    page.wait_for_url("**/images.html#embed=1&views=fakes,latent,bogus&seed=5&learning_rate_g=abc&autoplay=1")
    page.wait_for_function("window.ganlab && ganlab.state().epoch > 20")
    for shown in (".fakes-panel", ".latent-panel", "#play", "#step-epoch", "#epoch", "#full-lab"):
        assert page.is_visible(shown), shown
    for hidden in (".settings-panel", ".metrics-panel", ".graph-panel", ".inference-panel", ".dataset-panel",
                   "#save-experiment", "#share", "#model", "#speed", ".explain", "#to-points"):
        assert page.is_hidden(hidden), hidden
    note = page.text_content("#message")
    assert "ignored unknown views: bogus" in note and "learning_rate_g" in note
    assert page.evaluate("ganlab.state().config.seed") == 5
    page.wait_for_function("ganlabApp.fakes.grid.inspect().count === 100")
    page.wait_for_function("location.hash.includes('embed=1') && location.hash.includes('views=fakes,latent')")
    full = page.get_attribute("#full-lab", "href")            # the same run on the full page
    assert full.startswith("images.html#") and "seed=5" in full and "embed" not in full and "views" not in full
    page.click("#play")
    page.wait_for_function("!ganlab.state().playing")
    epoch = page.evaluate("ganlab.refresh().then((s) => s.epoch)")     # the worker's, not the last frame's
    page.click("#step-epoch")
    page.wait_for_function(f"ganlab.state().epoch === {epoch + 1}")


def test_an_embedded_image_lab_boots_in_view_pauses_out_of_it_and_takes_its_pages_commands(
        page, site_url, serve_folder, dist, tmp_path):
    lab_url = site_url + "images.html#embed=1&views=fakes,inference"
    (tmp_path / "host.html").write_text(HOST_PAGE.format(lab=lab_url))
    for name in ("embed/host.js", "embed/calls.js", "favicon.svg"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes((dist / name).read_bytes())
    page.set_viewport_size({"width": 800, "height": 700})
    page.goto(serve_folder(tmp_path) + "host.html")
    lab = frame_with(page, "images.html")
    page.wait_for_timeout(2500)
    assert not booted(lab)                                    # far below the fold: no Python yet
    page.evaluate("document.getElementById('lab').scrollIntoView()")
    result = page.evaluate("""async () => {
        const lab = await window.lab;
        await lab.step('epoch');
        await lab.noise({randomise: true});
        const bad = await lab.pretrained('bogus').then(() => 'accepted', (e) => e.message);
        const state = await lab.state();
        await lab.play();
        return {state, bad, commands: Object.keys(lab).filter((k) => typeof lab[k] === 'function')};
    }""")
    assert result["state"]["epoch"] == 1 and result["state"]["config"]["model"] == "vanilla"
    assert "vanilla" in result["bad"] and "conditional" in result["bad"]
    assert {"noise", "scrub", "nearest", "pretrained"} <= set(result["commands"])
    lab.wait_for_function("ganlab.state().playing")
    page.evaluate("window.scrollTo(0, 0)")                   # the reader scrolls away: it pauses
    # (polled on a timer: an off-screen frame gets no animation frames to poll on)
    lab.wait_for_function("!ganlab.state().playing", polling=100)
    page.evaluate("document.getElementById('lab').scrollIntoView()")
    lab.wait_for_function("ganlab.state().playing")           # and goes on when they come back
