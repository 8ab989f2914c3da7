"""Where the page's main thread spends its time while the lab trains flat out.

    python3 benchmarks/profile_page.py [--seconds 4] [--page index.html] [--top 25]

Opens the built page in headless Chromium, plays at speed 'fast', then
  - frames drawn per second with every layer on, and with each layer of the
    layered view switched off in turn (what each layer costs to draw)
  - a CPU profile of the main thread (Chrome DevTools Protocol): self time by
    script, and the functions with the most self time
The worker is not in the profile (it is another thread): bench_site.py times it.
The machine may be shared: compare figures of one run.
"""

import argparse
import collections
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_site import CHROMIUM_ARGS, rates, serve  # noqa: E402

LAYERS = ["heatmap", "real_density", "manifold", "real", "gradients", "fake"]


def fps(page, seconds):
    return rates(page, seconds)[1]


def self_times(profile):
    """{node id: ms of self time} from a CDP Profiler.Profile."""
    out = collections.Counter()
    for node, delta in zip(profile["samples"], profile["timeDeltas"]):
        out[node] += delta / 1000
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--page", default="index.html")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not args.no_build:
        subprocess.run([sys.executable, str(ROOT / "build.py")], check=True, stdout=subprocess.DEVNULL)
    site = serve()

    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(site + args.page)
        page.evaluate("ganlab.ready")
        page.evaluate("ganlab.set({speed: 'fast'}).then(() => ganlab.play())")
        page.wait_for_timeout(2000)
        shown = page.evaluate("ganlabApp.layers()")
        print(f"frames per second, {args.seconds:.0f} s each (layers shown at start: "
              f"{', '.join(k for k, v in shown.items() if v)}):")
        print(f"  {'as opened':28s} {fps(page, args.seconds):6.1f}")
        for layer in LAYERS:
            if not shown.get(layer):
                continue
            page.evaluate("(name) => ganlabApp.setLayers({[name]: false})", layer)
            print(f"  {'without ' + layer:28s} {fps(page, args.seconds):6.1f}")
            page.evaluate("(name) => ganlabApp.setLayers({[name]: true})", layer)
        page.evaluate("ganlabApp.setLayers(Object.fromEntries(Object.keys(ganlabApp.layers()).map(k => [k, false])))")
        print(f"  {'every layer off':28s} {fps(page, args.seconds):6.1f}")
        page.evaluate("(shown) => ganlabApp.setLayers(shown)", shown)

        cdp = page.context.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 200})
        frames_before = page.evaluate("ganlab.client.framesReceived")
        cdp.send("Profiler.start")
        page.wait_for_timeout(args.seconds * 1000)
        profile = cdp.send("Profiler.stop")["profile"]
        frames = page.evaluate("ganlab.client.framesReceived") - frames_before
        browser.close()

    nodes = {n["id"]: n for n in profile["nodes"]}
    times = self_times(profile)
    total = sum(times.values())
    by_script = collections.Counter()
    by_function = collections.Counter()
    for node_id, ms in times.items():
        frame = nodes[node_id]["callFrame"]
        script = frame["url"].rsplit("/", 1)[-1] or frame["functionName"] or "(native)"
        by_script[script] += ms
        name = frame["functionName"] or "(anonymous)"
        by_function[f"{name} {script}:{frame['lineNumber'] + 1}"] += ms
    print(f"\nmain-thread CPU profile: {total:.0f} ms over {args.seconds:.0f} s, {frames} frames "
          f"({total / max(frames, 1):.1f} ms a frame, idle included)")
    print("self time by script:")
    for script, ms in by_script.most_common(12):
        print(f"  {ms:8.0f} ms {100 * ms / total:5.1f}%  {script}")
    print(f"top {args.top} functions by self time:")
    for name, ms in by_function.most_common(args.top):
        print(f"  {ms:8.0f} ms {100 * ms / total:5.1f}%  {name}")


if __name__ == "__main__":
    main()
