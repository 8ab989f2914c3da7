"""Drive an embedded GAN Lab from Python in an article page (PyScript).

    from ganlab_embed import connect

    lab = await connect("#ring-lab")          # an <iframe> showing the lab's embed.html
    await lab.set(distribution="ring", k_d=3)
    await lab.play()
    print(await lab.state())                  # epoch, d_loss, g_loss, kl, js, playing, ...
    lab.on_state(lambda state: print(state["epoch"]))

A thin client of the lab's postMessage protocol, which the page's
`embed/host.js` speaks (it must be loaded and expose `window.ganlabConnect`).
Its methods are the commands the lab's schema lets an embedding page send
(ganlab_wasm/schema.py, sent with the lab's 'ready'): play, pause, toggle,
step(level), train(epochs) -> metrics, set(**settings), reset(new_seed=False),
recommended(), pretrained(distribution), state() -> dict; a command the lab
adds appears here by itself. It needs no numpy (it is not part of the
ganlab_wasm core), so it runs in PyScript's MicroPython on the main thread,
and equally in Pyodide. Failures (a bad setting, say) raise with the lab's
message.
"""

import json


def _js():
    import js  # only in a browser: imported here so nothing else depends on it
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


def arguments(spec, args, kwargs):
    """A call's arguments as the command's args object, the way its schema entry
    says Python takes them: "settings" collects keyword arguments (or one dict)
    into params; otherwise positional arguments in order, then keywords."""
    if spec["call"] == "settings":
        params = dict(args[0]) if args else {}
        params.update(kwargs)
        return {"params": params}
    names = [a["name"] for a in spec["args"]]
    if len(args) > len(names):
        raise TypeError(spec["name"] + "() takes at most " + str(len(names)) + " arguments")
    out = dict(zip(names, args))
    out.update(kwargs)
    return out


def returned(spec, result):
    """What a call gives back: nothing, the whole result, or one of its keys."""
    if spec["returns"] is None:
        return None
    if spec["returns"] == "reply" or not isinstance(result, dict):
        return result
    return result.get(spec["returns"])


class EmbeddedLab:
    """One embedded lab. Every command method is a coroutine; on_state is not."""

    def __init__(self, handle):
        self._handle = handle
        schema = _to_py(handle.schema)
        self._commands = {c["name"]: c for c in schema["commands"] if c["embed"] and c["where"] == "session"}

    def __getattr__(self, name):
        spec = self.__dict__.get("_commands", {}).get(name)
        if spec is None:
            raise AttributeError(name)

        async def call(*args, **kwargs):
            result = await self._handle.command(name, _to_js(arguments(spec, args, kwargs)))
            return returned(spec, _to_py(result))
        return call

    def __dir__(self):
        return sorted(list(self._commands) + ["on_state"])

    def on_state(self, callback):
        """Call callback(state dict) whenever the lab reports its state (a few times a second)."""
        self._handle.on("state", lambda state: callback(_to_py(state)))
