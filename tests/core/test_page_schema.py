"""What the full page reads from the session's schema besides the settings:
the slow-motion stages, the noise square and the pretrained presets."""

import json

from ganlab_wasm.data import NOISE_HIGH, NOISE_LOW, PRESETS
from ganlab_wasm.gan import STAGES
from ganlab_wasm.lab import Lab
from ganlab_wasm.session import Session, schema


def test_schema_lists_the_ten_stages_in_the_order_slow_motion_walks_them():
    listed = schema()["stages"]
    assert [s["name"] for s in listed["d"]] == ["run_g", "run_d", "loss", "gradients", "update"]
    assert [s["index"] for s in listed["g"]] == [1, 2, 3, 4, 5]
    session = Session()
    session.command(json.dumps({"cmd": "set", "params": {"slow_motion": True, "k_d": 1}}))
    walked = []
    for _ in range(10):
        session.command('{"cmd": "step"}')
        stage = json.loads(session.frame()[0])["stage"]
        walked.append((stage["net"], stage["name"], stage["description"]))
    expected = [(net, s["name"], s["description"]) for net in ("d", "g") for s in listed[net]]
    assert walked == expected
    assert len(STAGES["d"]) == len(STAGES["g"]) == 5


def test_schema_gives_the_noise_square_and_the_pretrained_presets():
    out = schema()
    assert out["noise_range"] == [NOISE_LOW, NOISE_HIGH]
    assert out["pretrained"] == sorted(PRESETS)
    assert "drawn" not in out["pretrained"]
    Lab.pretrained(out["pretrained"][0])          # each listed name loads
    json.dumps(out)                               # and the whole schema is JSON
