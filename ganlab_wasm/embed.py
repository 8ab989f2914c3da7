"""Drive an embedded GAN Lab from Python in an article page (PyScript).

    from ganlab_wasm.embed import connect

    lab = await connect("#ring-lab")          # an <iframe> showing the lab's embed.html
    await lab.set(distribution="ring", k_d=3)
    await lab.play()
    print(await lab.state())                  # epoch, d_loss, g_loss, kl, js, playing, ...
    lab.on_state(lambda state: print(state["epoch"]))

This is a thin facade over the lab's postMessage protocol, which the page's
`embed/host.js` speaks (it must be loaded and expose `window.ganlabConnect`).
It needs no numpy, so it runs in PyScript's MicroPython on the main thread,
and equally in Pyodide. Failures (a bad setting, say) raise with the lab's
message.
"""

import json


def _js():
    import js  # only in a browser: imported here so the core never depends on it
    return js


def _to_js(value):
    return _js().JSON.parse(json.dumps(value))


def _to_py(value):
    return json.loads(_js().JSON.stringify(value))


async def connect(selector):
    """Connect to the lab in the <iframe> that `selector` names; waits until it is ready."""
    js = _js()
    frame = js.document.querySelector(selector)
    if frame is None:
        raise ValueError("no element matches " + repr(selector))
    connect_js = getattr(js.window, "ganlabConnect", None)
    if connect_js is None:
        raise RuntimeError("load embed/host.js on this page first (it defines window.ganlabConnect)")
    return EmbeddedLab(await connect_js(frame))


class EmbeddedLab:
    """One embedded lab. Every method is a coroutine except on_state."""

    def __init__(self, handle):
        self._handle = handle

    async def play(self):
        await self._handle.play()

    async def pause(self):
        await self._handle.pause()

    async def step(self, level="epoch"):
        """One epoch ("epoch"), one discriminator update ("d") or one generator update ("g")."""
        await self._handle.step(level)

    async def train(self, epochs):
        """Train this many epochs at once (up to 5000); returns the metrics after them."""
        return _to_py(await self._handle.train(epochs))["metrics"]

    async def set(self, **settings):
        """Change settings, e.g. set(learning_rate_g=0.03, speed="fast"); all or nothing."""
        await self._handle.set(_to_js(settings))

    async def reset(self, new_seed=False):
        await self._handle.reset(_to_js({"new_seed": new_seed}))

    async def state(self):
        """The lab's state now, as a dict."""
        return _to_py(await self._handle.state())

    def on_state(self, callback):
        """Call callback(state dict) whenever the lab reports its state (a few times a second)."""
        self._handle.on("state", lambda state: callback(_to_py(state)))
