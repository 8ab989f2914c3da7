#!/usr/bin/env python3
"""Screenshots of the real page for the README, made in headless Chromium.

    python3 scripts/screenshots.py [--out docs/images] [--width 1280 --height 800]

Builds dist/ (fast when nothing changed), serves it on localhost, opens
index.html and saves:
  default.png        the page as it opens, after the first frame
  ring-trained.png   after picking the ring in the data picker, applying its
                     recommended settings and training ~2,500 epochs at full speed
and, on a phone-sized viewport (--phone-width x --phone-height, 390 x 844):
  phone.png          the page as it opens
  phone-editing.png  the model overview with "edit hyperparameters" on
  phone-picker.png   the data picker open
"""

import argparse
import importlib.util
import os
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
RING_EPOCHS = 2500


def load_build():
    spec = importlib.util.spec_from_file_location("ganlab_build", ROOT / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def serve(build):
    server = build.make_server(ROOT / "dist", 0, "/", quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://localhost:{server.server_port}/index.html"


def open_page(browser, url, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(120_000)
    page.goto(url)
    page.evaluate("ganlabApp.ready.then(() => true)")
    page.wait_for_function("ganlab.client.framesReceived > 0 && ganlabApp.layered.lastFrame() !== null")
    return page, errors


def settle(page):
    """Let Bokeh and the mini views draw the last frame."""
    page.wait_for_timeout(600)
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--phone-width", type=int, default=390)
    parser.add_argument("--phone-height", type=int, default=844)
    args = parser.parse_args()
    build = load_build()
    if build.main([]) != 0:
        return 1
    url = serve(build)
    args.out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        page, errors = open_page(browser, url, args.width, args.height)
        settle(page)
        page.screenshot(path=args.out / "default.png")
        page.close()

        page, more = open_page(browser, url, args.width, args.height)
        errors += more
        page.click("#picker-button")
        page.click('.picker-option[data-distribution="ring"]')
        page.wait_for_function("ganlab.state().config && ganlab.state().config.distribution === 'ring'")
        page.check("#edit-toggle")
        page.click("#recommended")
        page.wait_for_function("ganlab.state().config.g_neurons === 10")
        page.uncheck("#edit-toggle")
        page.select_option("#speed", "fast")
        page.wait_for_function("ganlab.state().options.speed === 'fast'")
        page.click("#play")
        page.wait_for_function(f"ganlab.state().epoch >= {RING_EPOCHS}")
        page.click("#play")
        page.wait_for_function("!ganlab.state().playing")
        page.mouse.move(0, 0)
        page.evaluate("document.activeElement && document.activeElement.blur()")
        settle(page)
        page.screenshot(path=args.out / "ring-trained.png")
        state = page.evaluate("ganlab.state()")
        page.close()

        page, more = open_page(browser, url, args.phone_width, args.phone_height)
        errors += more
        settle(page)
        page.screenshot(path=args.out / "phone.png")
        page.check("#edit-toggle")
        settle(page)
        page.locator(".graph-panel").screenshot(path=args.out / "phone-editing.png")
        page.uncheck("#edit-toggle")
        page.evaluate("window.scrollTo(0, 0)")
        page.click("#picker-button")
        settle(page)
        page.screenshot(path=args.out / "phone-picker.png")
        browser.close()

    for name in ("default.png", "ring-trained.png", "phone.png", "phone-editing.png", "phone-picker.png"):
        print(f"wrote {(args.out / name).relative_to(ROOT)}")
    print(f"ring: epoch {state['epoch']}, KL {state['kl']:.3f}, JS {state['js']:.3f}")
    if errors:
        print("the page logged errors:\n  " + "\n  ".join(errors), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
