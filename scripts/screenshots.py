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
  images-trained.png the image lab (images.html) after IMAGE_EPOCHS epochs of
                     play at its defaults, a fake hovered to show its nearest real digit
"""

import argparse
import importlib.util
import os
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from ganlab_wasm.config import RECOMMENDED  # noqa: E402
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
RING_EPOCHS = 2500
IMAGE_EPOCHS = 3000


def load_build():
    spec = importlib.util.spec_from_file_location("ganlab_build", ROOT / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def serve(build):
    server = build.make_server(ROOT / "dist", 0, "/", quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://localhost:{server.server_port}/index.html"


# Contexts bypass the pages' CSP: Playwright evaluates string predicates with
# eval, which the policy (rightly) forbids; the tests do the same (conftest).
def image_lab_shot(browser, url, path, width, height):
    """images.html trained IMAGE_EPOCHS epochs (played, as a person would), a fake hovered."""
    page = browser.new_page(viewport={"width": width, "height": height}, bypass_csp=True)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(600_000)
    page.goto(url.replace("index.html", "images.html"))
    page.evaluate("ganlabApp.ready.then(() => true)")
    page.wait_for_function("ganlab.client.framesReceived > 0")
    page.fill("#setting-epochs_to_train", str(IMAGE_EPOCHS))
    page.dispatch_event("#setting-epochs_to_train", "change")
    page.wait_for_function(f"ganlab.state().options.epochs_to_train === {IMAGE_EPOCHS}")
    page.click("#play")
    page.wait_for_function(f"ganlab.client.lastFrame.header.metrics.epoch >= {IMAGE_EPOCHS} "
                           "&& !ganlab.client.lastFrame.header.playing")
    page.evaluate("ganlabApp.metrics.redraw()")
    box = page.locator("#fakes .image-grid-plot").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 31 / 89, box["y"] + box["height"] * 40 / 120)
    settle(page)
    page.screenshot(path=path)
    state = page.evaluate("ganlab.state()")
    page.close()
    return state, errors


def open_page(browser, url, width, height):
    page = browser.new_page(viewport={"width": width, "height": height}, bypass_csp=True)
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
    parser.add_argument("--only", choices=["images"], help="make only this screenshot")
    args = parser.parse_args()
    build = load_build()
    if build.main([]) != 0:
        return 1
    url = serve(build)
    args.out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        if args.only == "images":
            images, errors = image_lab_shot(browser, url, args.out / "images-trained.png", args.width, 1000)
            browser.close()
            print(f"wrote {os.path.relpath(args.out / 'images-trained.png', ROOT)}; epoch {images['epoch']}, "
                  f"digits {images['digits']}")
            return 1 if errors else 0

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
        page.wait_for_function(f"ganlab.state().config.g_neurons === {RECOMMENDED['ring']['g_neurons']}")
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
        page.close()
        images, more = image_lab_shot(browser, url, args.out / "images-trained.png", args.width, 1000)
        errors += more
        browser.close()

    for name in ("default.png", "ring-trained.png", "phone.png", "phone-editing.png", "phone-picker.png",
                 "images-trained.png"):
        print(f"wrote {os.path.relpath(args.out / name, ROOT)}")
    print(f"ring: epoch {state['epoch']}, KL {state['kl']:.3f}, JS {state['js']:.3f}")
    print(f"images: epoch {images['epoch']}, digits {images['digits']}")
    if errors:
        print("the page logged errors:\n  " + "\n  ".join(errors), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
