"""Config validation: every field checked, errors name the field and the range."""

import pytest

from ganlab_wasm import Config, ConfigError, Lab
from ganlab_wasm.config import FIELDS, RECOMMENDED, recommended

BAD_VALUES = {
    "choice": ["nope", 3, None],
    "int": [-5, 10**12, 2.5, "3", True, None],
    "float": [-1.0, 1e9, "0.1", None, float("nan")],
}


@pytest.mark.parametrize("field", [f for f in FIELDS if f.kind != "points"], ids=lambda f: f.name)
def test_every_field_rejects_bad_values_by_name(field):
    for value in BAD_VALUES[field.kind]:
        with pytest.raises(ConfigError) as err:
            Config(**{field.name: value})
        assert field.name in str(err.value)


def test_ranges_are_in_the_message():
    with pytest.raises(ConfigError, match=r"g_layers must be between 1 and 6"):
        Config(g_layers=7)
    with pytest.raises(ConfigError, match=r"loss must be one of log, minimax, lsgan, hinge, wasserstein"):
        Config(loss="l2")


def test_defaults_are_the_tuned_model_and_gan_labs_stays_selectable():
    """The page opens on the model scripts/tune_presets.py found to train two
    Gaussians from scratch (see README, "What differs from GAN Lab"); GAN
    Lab's own model is still a valid configuration."""
    c = Config()
    assert (c.distribution, c.noise_dim, c.noise_type, c.loss, c.real_label) == ("gaussians", 2, "gaussian", "log", 0.95)
    assert (c.g_layers, c.g_neurons, c.d_layers, c.d_neurons, c.activation) == (2, 16, 3, 32, "leaky_relu")
    assert (c.optimizer_g, c.optimizer_d, c.learning_rate_g, c.learning_rate_d) == ("adam", "adam", 0.0003, 0.002)
    assert (c.k_d, c.k_g, c.batch_size) == (2, 1, 150)
    gan_lab = Config(noise_type="uniform", g_neurons=8, d_layers=2, d_neurons=8, activation="relu",
                     optimizer_g="sgd", optimizer_d="sgd", learning_rate_g=0.1, learning_rate_d=0.1)
    assert gan_lab.replace(loss="minimax").loss == "minimax"


def test_unknown_setting_is_refused():
    with pytest.raises(ConfigError, match="unknown setting"):
        Config().replace(learning_rate=0.1)
    with pytest.raises(ConfigError, match="unknown setting"):
        Config.from_dict({"nonsense": 1})


def test_drawn_needs_enough_points_in_the_square():
    with pytest.raises(ConfigError, match="at least 10 points"):
        Config(distribution="drawn", points=[(0.5, 0.5)] * 3)
    with pytest.raises(ConfigError, match="unit square"):
        Config(distribution="drawn", points=[(1.5, 0.5)] * 20)
    with pytest.raises(ConfigError, match="pairs"):
        Config(distribution="drawn", points=[1, 2, 3])
    assert len(Config(distribution="drawn", points=[(0.2, 0.3)] * 10).points) == 10


def test_an_epoch_must_do_something():
    with pytest.raises(ConfigError):
        Config(k_d=0, k_g=0)
    Config(k_d=0, k_g=1)


def test_round_trip_through_dict():
    c = Config(distribution="drawn", points=[(0.1, 0.2)] * 12, loss="hinge", seed=7)
    assert Config.from_dict(c.to_dict()) == c


def test_schema_describes_every_field():
    schema = {entry["name"]: entry for entry in Config.schema()}
    assert set(schema) == {f.name for f in FIELDS}
    assert schema["loss"]["choices"] == ["log", "minimax", "lsgan", "hinge", "wasserstein"]
    assert (schema["k_d"]["low"], schema["k_d"]["high"]) == (0, 10)
    assert schema["g_layers"]["structural"] and not schema["learning_rate_g"]["structural"]


def test_recommended_settings_are_valid_and_explicit():
    for name, settings in RECOMMENDED.items():
        kwargs = {"points": [(0.5, 0.5)] * 10} if name == "drawn" else {}
        c = recommended(Config(distribution=name, learning_rate_g=0.5, optimizer_d="sgd", **kwargs))
        for key, value in settings.items():
            assert getattr(c, key) == value
        assert {"optimizer_g", "optimizer_d", "learning_rate_g", "learning_rate_d", "k_d"} <= set(settings)
    # each loss brings its own settings on top of the data's
    c = recommended(Config(loss="wasserstein"))
    assert (c.optimizer_d, c.k_d, c.g_neurons) == ("rmsprop", 5, RECOMMENDED["gaussians"]["g_neurons"])
    # constructing a Lab, or choosing a loss, never applies them silently
    assert Lab(Config(distribution="ring")).config.g_neurons == Config().g_neurons
    lab = Lab()
    lab.update(loss="wasserstein")
    assert lab.config.optimizer_d == Config().optimizer_d
    assert lab.use_recommended()["changed"]
    assert lab.config.optimizer_d == "rmsprop"


def test_bad_update_changes_nothing():
    lab = Lab()
    lab.train(5)
    before = lab.save()
    with pytest.raises(ConfigError):
        lab.update(learning_rate_d=-1)
    with pytest.raises(ConfigError):
        lab.update(g_layers=3, d_layers=99)          # one bad value spoils the whole change
    assert lab.config == Config() and lab.save() == before
