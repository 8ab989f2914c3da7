"""One schema (ganlab_wasm/schema.py) describes every setting, option, command
and frame array; Config, the Session and dist/schema.js all derive from it."""

import dataclasses
import importlib.util
import json
from pathlib import Path

import pytest

from ganlab_wasm import Config, ConfigError, __version__
from ganlab_wasm import schema as vocabulary
from ganlab_wasm.session import Session

ROOT = Path(__file__).resolve().parents[2]


def run(session, **command):
    return json.loads(session.command(json.dumps(command)))


def test_config_is_built_from_the_schema_settings():
    fields = dataclasses.fields(Config)
    assert [f.name for f in fields] == [s.name for s in vocabulary.SETTINGS]
    assert Config() == Config(**{s.name: s.default for s in vocabulary.SETTINGS})
    for s in vocabulary.SETTINGS:
        assert s.label and s.doc and s.scope == "config"
    assert {s.name for s in vocabulary.OPTIONS}.isdisjoint(f.name for f in fields)


def test_every_session_command_is_in_the_schema_and_back():
    methods = {name[4:] for name in dir(Session) if name.startswith("cmd_")}
    declared = {c.name for c in vocabulary.COMMANDS if c.where == "session"}
    assert methods == declared
    for command in vocabulary.COMMANDS:
        if command.where != "session":
            continue
        method = getattr(Session, "cmd_" + command.name)
        params = list(method.__code__.co_varnames[1:method.__code__.co_argcount])
        assert params == [a.name for a in command.args], command.name


def test_embed_commands_are_answered_only_by_the_embed_page():
    s = Session()
    for command in vocabulary.COMMANDS:
        if command.where == "embed":
            assert run(s, cmd=command.name)["error"] == f"unknown command {command.name!r}"
    embeddable = {c.name for c in vocabulary.COMMANDS if c.embed}
    assert "benchmark_products" not in embeddable and "schema" not in embeddable
    assert {"play", "set", "state", "hello", "ready"} <= embeddable


def test_arguments_are_checked_against_the_command_entry():
    s = Session()
    # the embed bypass of issue 11: a listed command carrying another command's arguments
    bypass = run(s, cmd="reset", shapes=[[1024, 1024, 1024, "NN"]])
    assert not bypass["ok"] and "bad arguments" in bypass["error"] and "shapes" in bypass["error"]
    assert not run(s, cmd="step", level="year")["ok"]
    assert not run(s, cmd="reset", new_seed="yes")["ok"]
    assert not run(s, cmd="pretrained", distribution="../../secrets")["ok"]
    assert "between 1 and 5000" in run(s, cmd="train")["error"]
    assert run(s, cmd="step")["ok"] and s.lab.epoch == 1        # a default fills in
    assert s.lab.config == Config()


def test_set_validates_the_config_once(monkeypatch):
    made = []
    original = Config.__post_init__
    monkeypatch.setattr(Config, "__post_init__", lambda self: (made.append(1), original(self)))
    s = Session()
    made.clear()
    assert run(s, cmd="set", params={"learning_rate_g": 0.03, "g_layers": 3, "speed": "fast"})["ok"]
    assert len(made) == 1
    made.clear()
    assert not run(s, cmd="set", params={"k_d": 0, "k_g": 0, "speed": "slow"})["ok"]
    assert len(made) == 1 and s.options["speed"] == "fast"


def test_options_are_checked_by_their_schema_entry():
    s = Session()
    for params in ({"speed": "warp"}, {"slow_motion": 1}, {"stage_ms": 50}, {"heatmap_size": 2.5},
                   {"backend": None}):
        reply = run(s, cmd="set", params=params)
        assert not reply["ok"] and next(iter(params)) in reply["error"], reply
    assert s.options == {o.name: o.default for o in vocabulary.OPTIONS}


def test_rules_are_exported_and_enforced():
    rules = vocabulary.export()["rules"]
    assert {"kind": "not_all_zero", "keys": ["k_d", "k_g"]}.items() <= rules[0].items()
    with pytest.raises(ConfigError, match=rules[0]["message"].split(":")[0]):
        Config(k_d=0, k_g=0)


def test_frames_hold_only_declared_arrays_of_declared_shapes():
    declared = {a.name: a for a in vocabulary.FRAME}
    s = Session()
    s.command(json.dumps({"cmd": "set", "params": {"slow_motion": True}}))
    seen = set()
    for _ in range(11):
        header = json.loads(s.frame()[0])
        for name, _, shape in header["arrays"]:
            spec = declared[name]
            seen.add(name)
            fixed = [d for d in spec.shape if d != "..."]
            assert len(shape) >= len(fixed) if "..." in spec.shape else len(shape) == len(fixed), name
            for want, got in zip(reversed(fixed), reversed(shape)):
                assert not isinstance(want, int) or want == got, name
        s.command('{"cmd": "step"}')
    assert {a.name for a in vocabulary.FRAME if a.when != "stage"} <= seen
    assert any(name.startswith("stage_") for name in seen)


def test_the_session_schema_extends_the_exported_one():
    exported = vocabulary.export()
    reply = run(Session(), cmd="schema")
    for key, value in exported.items():
        assert reply[key] == json.loads(json.dumps(value))


def test_build_writes_the_schema_module_without_numpy():
    spec = importlib.util.spec_from_file_location("ganlab_build_for_schema", ROOT / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    text = build.schema_module_text()
    body = text[text.index("Object.freeze(") + len("Object.freeze("):text.rindex(");")]
    assert json.loads(body) == json.loads(json.dumps(vocabulary.export()))
    assert build.package_version() == __version__
    source = (ROOT / "ganlab_wasm" / "schema.py").read_text()
    assert "import numpy" not in source and "from ." not in source


def test_the_version_has_its_own_module():
    lab_source = (ROOT / "ganlab_wasm" / "lab.py").read_text()
    assert "from . import __version__" not in lab_source
    assert "from .version import __version__" in lab_source
