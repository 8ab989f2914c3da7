"""Every command and setting name that the pages, the README and the embed
client spell out must be one the schema declares (ganlab_wasm/schema.py):
a renamed or removed entry fails here, not in a reader's browser."""

import re
from pathlib import Path

from ganlab_wasm import schema

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("web/**/*.js"), *ROOT.glob("web/*.html"), ROOT / "README.md",
                  ROOT / "ganlab_embed" / "__init__.py"])
COMMANDS = {c.name for c in schema.COMMANDS}
SESSION = {c.name for c in schema.COMMANDS if c.where == "session"}
EMBEDDABLE = {c.name for c in schema.COMMANDS if c.embed and c.where == "session"}
SETTINGS = {s.name for s in schema.SETTINGS + schema.OPTIONS}
# window.ganlab's own members besides one method per session command (api.js)
API_OWN = {"ready", "send", "save", "load", "state", "refresh", "stats", "on", "client", "schema", "version"}
# the host handle's own members besides the embeddable commands (embed/host.js)
HOST_OWN = {"ready", "command", "on", "schema", "version"}


def page_keys():
    text = (ROOT / "web/page/url-state.js").read_text()
    block = text[text.index("export const PAGE_KEYS"):]
    block = block[:block.index("});")]
    return set(re.findall(r"^\s+(\w+): '", block, re.M))


def text_of(path, js_only=False):
    """The file's text; with js_only, only the ```js blocks of Markdown (the
    README's Python examples drive the core's Lab, not an embedded lab)."""
    text = path.read_text()
    if js_only and path.suffix == ".md":
        return "\n".join(re.findall(r"```js\n(.*?)```", text, re.S))
    return text


def found(pattern, js_only=False):
    """(file, name) for every match of pattern's first group in the sources."""
    return [(path.relative_to(ROOT).as_posix(), m.group(1))
            for path in SOURCES for m in re.finditer(pattern, text_of(path, js_only))]


def unknown(pairs, allowed):
    return sorted({(f, n) for f, n in pairs if n not in allowed})


def test_the_scan_sees_the_sources():
    names = {p.relative_to(ROOT).as_posix() for p in SOURCES}
    assert {"web/page/api.js", "web/embed/host.js", "web/article.html", "README.md"} <= names
    assert len(found(r"ganlab\.(\w+)\(")) > 10 and len(found(r"\.set\((\{)")) > 3


def test_commands_named_anywhere_are_in_the_schema():
    named = (found(r"""\b(?:send|command)\(\s*['"](\w+)['"]""") + found(r"""\bcmd['"]?:\s*['"](\w+)['"]""")
             + found(r"""(?<!typeof )\bcmd\s*===?\s*['"](\w+)['"]"""))
    assert named
    assert unknown(named, COMMANDS) == []


def test_window_ganlab_and_host_members_exist():
    api = (ROOT / "web/page/api.js").read_text()
    for member in API_OWN - {"version"}:
        assert re.search(rf"^\s+(get )?{member}[:(,]", api, re.M), member
    assert unknown(found(r"\bganlab\.(\w+)\b"), SESSION | API_OWN) == []
    host_calls = found(r"\b(?:lab|handle)\.(\w+)\(", js_only=True)
    assert unknown(host_calls, EMBEDDABLE | HOST_OWN | {"on_state"}) == []


def test_setting_keys_named_anywhere_are_in_the_schema():
    js_keys = [(f, k) for f, body in found(r"\.set\(\{([^}]*)\}") for k in re.findall(r"(\w+)\s*:", body)]
    py_keys = [(f, k) for f, body in found(r"lab\.set\(([^)]*)\)") for k in re.findall(r"(\w+)=", body)]
    looked_up = found(r"""field\(\w+, '(\w+)'\)""") + found(r"""(?<!schema\.)\boptions\.(\w+)\b""")
    assert js_keys and py_keys
    assert unknown(js_keys + py_keys + looked_up, SETTINGS) == []


def test_link_keys_are_settings_or_page_keys():
    keys = [(f, k) for f, fragment in found(r"""(?:index|embed)\.html#([\w=&.,<>%*:/-]+)""")
            for k in re.findall(r"(?:^|&)(\w+)=", fragment)]
    assert len(keys) > 10
    assert unknown(keys, SETTINGS | page_keys() | {"embed"}) == []
