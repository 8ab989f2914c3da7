"""The worker's two boot paths: fresh (and a memory snapshot stored after it) and
restored from that snapshot on the next visit; a snapshot that is corrupt, cut
short or of another build is dropped and the lab boots fresh; the trimmed numpy
wheel imports and trains on both paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = "snapshot:ganlab-wasm"


def open_lab(context, url: str):
    """Open the minimal page in this context; return (page, boot info) once the lab is ready."""
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(url + "minimal.html")
    page.evaluate("ganlab.ready")
    return page, page.evaluate("ganlab.client.boot")


def wait_saved(page) -> str:
    page.wait_for_function("ganlab.client.snapshotState !== undefined")
    return page.evaluate("ganlab.client.snapshotState")


def trains(page) -> None:
    """The restored (or fresh) interpreter trains: epochs advance and the numbers are finite."""
    reply = page.evaluate("ganlab.train(30)")
    assert reply["ok"], reply
    state = page.evaluate("ganlab.refresh()")
    assert state["epoch"] >= 30


def stored_keys(page) -> list[str]:
    return page.evaluate(f"""async () => {{
        const cache = await caches.open({json.dumps(CACHE)});
        return (await cache.keys()).map((r) => r.url);
    }}""")


def open_blank(page, site_url: str) -> None:
    """A page of the site's origin with no lab of its own (and no favicon request to fail)."""
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.goto(site_url + "favicon.svg")


def build_id() -> str:
    return json.loads((ROOT / "dist" / "build-info.json").read_text())["build_id"]


def test_second_visit_restores_the_snapshot(watched_context, site_url):
    context, watch = watched_context()
    page, boot = open_lab(context, site_url)
    assert boot["path"] == "fresh"
    assert wait_saved(page) == "saved"
    trains(page)
    keys = stored_keys(page)
    assert sorted(k.rsplit("/", 1)[1] for k in keys) == ["files", "heap", "meta.json"]
    assert all(f"/snapshot/{build_id()}/" in k for k in keys)
    page.close()

    page, boot = open_lab(context, site_url)
    assert boot == {"path": "snapshot", "snapshot": "used"}
    trains(page)
    # lazily imported parts of numpy still load (their files and code come back with the snapshot)
    assert page.evaluate("ganlab.set({distribution: 'ring'}).then(r => r.ok)")
    assert not watch.problems(), watch.problems()


@pytest.mark.parametrize("damage", ["bad magic", "cut short", "garbage heap"])
def test_a_damaged_snapshot_is_dropped_and_the_lab_boots_fresh(watched_context, site_url, damage):
    context, watch = watched_context()
    page, _ = open_lab(context, site_url)
    assert wait_saved(page) == "saved"
    page.evaluate(f"""async (damage) => {{
        const cache = await caches.open({json.dumps(CACHE)});
        const key = (await cache.keys()).find((r) => r.url.endsWith('/heap'));
        const bytes = new Uint8Array(await (await cache.match(key)).arrayBuffer());
        let damaged;
        if (damage === 'bad magic') {{ damaged = bytes; damaged[0] ^= 0xff; }}
        else if (damage === 'cut short') damaged = bytes.subarray(0, bytes.length >> 1);
        else {{
            // header intact (so Pyodide accepts it), the interpreter's memory scrambled
            damaged = bytes;
            for (let i = 1 << 20; i < damaged.length; i += 97) damaged[i] ^= 0x5a;
        }}
        await cache.put(key, new Response(damaged));
    }}""", damage)
    page.close()
    # a scrambled heap may make Pyodide report a fatal error on the console before the fallback
    watch.expect_console_error("")
    page, boot = open_lab(context, site_url)
    assert boot["path"] == "fresh", boot
    assert boot.get("failure"), boot
    assert wait_saved(page) == "saved"   # a good snapshot replaces the damaged one
    trains(page)
    page.close()
    page, boot = open_lab(context, site_url)
    assert boot["path"] == "snapshot"
    trains(page)


def test_a_snapshot_of_another_build_is_ignored_and_removed(watched_context, site_url):
    context, watch = watched_context()
    page = context.new_page()
    open_blank(page, site_url)
    page.evaluate(f"""async () => {{
        const cache = await caches.open({json.dumps(CACHE)});
        const base = new URL('snapshot/0123456789abcdef/', location.href).href;
        await cache.put(base + 'meta.json', new Response(JSON.stringify({{buildId: '0123456789abcdef', heapBytes: 4, filesBytes: 0, files: [], libs: []}})));
        await cache.put(base + 'heap', new Response(new Uint8Array(4)));
        await cache.put(base + 'files', new Response(new Uint8Array(0)));
    }}""")
    page, boot = open_lab(context, site_url)
    assert boot == {"path": "fresh", "snapshot": "saving"}
    assert wait_saved(page) == "saved"
    keys = stored_keys(page)
    assert keys and not any("0123456789abcdef" in k for k in keys), keys
    assert not watch.problems(), watch.problems()


def test_snapshot_off_boots_fresh_and_stores_nothing(page, site_url):
    open_blank(page, site_url)
    log = page.evaluate("""() => new Promise((done) => {
        const log = [];
        const worker = new Worker(new URL('worker/worker.js?snapshot=0', location.href), {type: 'module'});
        worker.onmessage = ({data}) => {
            log.push(data);
            if (data.type === 'ready' || data.type === 'fatal') setTimeout(() => done(log), 300);
        };
    })""")
    ready = next(m for m in log if m.get("stage") == "ready")
    assert ready["boot"] == {"path": "fresh", "snapshot": "unavailable"}
    assert next(m for m in log if m["type"] == "snapshot")["state"] == "unavailable"
    assert stored_keys(page) == []
