"""Issue 11, items 6 and 7: the embed protocol takes only schema-listed
commands with their declared arguments, handles every kind of `origin=`, and
the URL reader reports hostile keys and junk without writing them anywhere."""

import pytest

from test_share import LAB_READY, frame_with

HOST = """<!doctype html><html><head><link rel="icon" href="favicon.svg"></head><body>
<iframe id="lab" src="{lab}" {attrs} style="width: 560px; height: 150px; border: 0"></iframe>
<script type="module">
  import {{ connectLab }} from './embed/host.js';
  window.heard = {{ready: 0, state: 0, height: 0}};
  window.addEventListener('message', (e) => {{ if (e.data && e.data.ganlab in window.heard) window.heard[e.data.ganlab]++; }});
  window.lab = connectLab(document.getElementById('lab'));
</script></body></html>"""


@pytest.fixture
def host(page, serve_folder, dist, tmp_path):
    """host(lab_url, attrs='') opens a page on another origin embedding lab_url
    (or lab_url(host_origin)); returns the host's origin."""
    def open_host(lab_url, attrs=""):
        for name in ("embed/host.js", "embed/calls.js", "favicon.svg"):
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_bytes((dist / name).read_bytes())
        url = serve_folder(tmp_path)
        origin = url.rstrip("/")
        lab = lab_url(origin) if callable(lab_url) else lab_url
        (tmp_path / "host.html").write_text(HOST.format(lab=lab, attrs=attrs))
        page.goto(url + "host.html")
        return origin
    return open_host


def test_a_listed_command_cannot_carry_another_commands_arguments(page, site_url, host):
    host(site_url + "embed.html#distribution=ring")
    result = page.evaluate("""async () => {
        const lab = await window.lab;
        const refused = (p) => p.then(() => 'accepted', (e) => e.message);
        const shapes = [[1024, 1024, 1024, 'NN']];
        return {
            bypass: await refused(lab.command('reset', {cmd: 'benchmark_products', shapes})),
            extra: await refused(lab.command('step', {level: 'epoch', shapes})),
            unlisted: await refused(lab.command('benchmark_products', {shapes})),
            proto: await refused(lab.command('__proto__', {})),
            badArg: await refused(lab.command('train', {epochs: 1e9})),
            state: await lab.state(),
            methods: Object.keys(lab).filter((k) => typeof lab[k] === 'function').sort(),
        };
    }""")
    assert "reset takes no argument" in result["bypass"] and "cmd" in result["bypass"]
    assert "step takes no argument" in result["extra"]
    assert result["unlisted"] == 'unknown command "benchmark_products"'
    assert result["proto"] == 'unknown command "__proto__"'
    assert "between 1 and 5000" in result["badArg"]
    assert result["state"]["epoch"] == 0 and result["state"]["config"]["distribution"] == "ring"
    assert "benchmark_products" not in result["methods"] and "schema" not in result["methods"]
    assert {"play", "pause", "toggle", "step", "train", "set", "reset", "recommended", "pretrained",
            "state"} <= set(result["methods"])


def test_a_malformed_origin_gets_a_note_and_no_error(page, site_url, host):
    host(site_url + "embed.html#origin=javascript:alert(1)%20null%20https://a.test/path")
    lab = frame_with(page, "embed.html")
    lab.wait_for_function(LAB_READY)
    lab.wait_for_function("document.getElementById('notes').textContent.includes('origin')")
    notes = lab.text_content("#notes")
    assert 'ignored origin "javascript:alert(1)", "null", "https://a.test/path"' in notes, notes
    assert "takes no commands" in notes
    lab.evaluate("ganlab.play()")                      # frames (and state posts) go on without throwing
    lab.wait_for_function("ganlab.state().epoch > 5")
    answered = page.evaluate("Promise.race([window.lab.then(() => 'answered'), "
                             "new Promise(r => setTimeout(() => r('ignored'), 1500))])")
    assert answered == "ignored"


def test_origin_star_takes_commands_and_tells_state_to_any_parent(page, site_url, host):
    host(site_url + "embed.html#origin=*")
    state = page.evaluate("""async () => {
        const lab = await window.lab;
        await lab.set({speed: 'fast'});
        const heard = await new Promise((resolve) => { lab.on('state', (s) => s.playing && resolve(s)); lab.play(); });
        await lab.pause();
        return heard;
    }""")
    assert state["playing"] is True and state["options"]["speed"] == "fast"
    page.wait_for_function("window.heard.height > 0")


def test_every_listed_origin_hears_ready_state_and_height(page, site_url, host):
    # the host's origin is second in the list: it used to hear nothing unasked
    host(lambda origin: site_url + "embed.html#origin=https://first.invalid%20" + origin)
    page.evaluate("window.lab")
    page.wait_for_function("window.heard.ready > 0 && window.heard.height > 0")
    page.evaluate("window.lab.then((lab) => lab.play())")
    page.wait_for_function("window.heard.state > 0")


def test_a_parent_without_a_referer_hears_the_lab_after_its_first_command(page, site_url, host):
    host(site_url + "embed.html", attrs='referrerpolicy="no-referrer"')
    lab_frame = frame_with(page, "embed.html")
    assert lab_frame.evaluate("document.referrer") == ""
    heard = page.evaluate("""async () => {
        const lab = await window.lab;
        return new Promise((resolve) => { lab.on('state', (s) => s.playing && resolve(s)); lab.play(); });
    }""")
    assert heard["playing"] is True
    page.wait_for_function("window.heard.height > 0 && parseInt(document.getElementById('lab').style.height) > 400")


def test_hostile_keys_and_junk_in_a_link_are_reported_and_never_written(page, site_url):
    unknown = "&".join(f"z{i}=1" for i in range(30))
    page.goto(site_url + "embed.html#__proto__=1&constructor=2&hasOwnProperty=3&valueOf=4"
              "&k_d=0&k_g=0&seed=5&learning_rate_g=0.05&layers=real,<b>,fake&views=layered,!!,metrics&" + unknown)
    page.wait_for_function("ganlab.client.framesReceived > 0")
    page.wait_for_function("document.getElementById('notes').textContent.length > 0")
    notes = page.text_content("#notes")
    assert 'ignored unknown settings "__proto__", "constructor", "hasOwnProperty", "valueOf"' in notes, notes
    assert "and 24 more" in notes                          # 34 unknown keys, 10 named
    assert "ignored k_d=0, k_g=0: k_d and k_g cannot both be 0" in notes
    assert 'ignored layers entries that are not names: "<b>"' in notes
    assert 'ignored views entries that are not names: "!!"' in notes
    state = page.evaluate("ganlab.refresh()")
    assert state["config"]["seed"] == 5 and state["config"]["learning_rate_g"] == 0.05   # the rest applies
    assert (state["config"]["k_d"], state["config"]["k_g"]) == (2, 1)
    assert page.evaluate("Object.prototype.polluted === undefined && typeof ({}).hasOwnProperty === 'function'")
    assert page.locator("#notes b").count() == 0


def test_the_full_page_reports_prototype_keys_too(page, site_url):
    page.goto(site_url + "index.html#__proto__=x&constructor=y&seed=3")
    page.wait_for_function("window.ganlab && ganlab.client.framesReceived > 0")
    page.wait_for_function("document.body.innerText.includes('__proto__')")
    assert page.evaluate("ganlab.refresh().then(s => s.config.seed)") == 3
    assert page.evaluate("typeof ({}).constructor === 'function'")
