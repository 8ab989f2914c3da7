"""ImageLab: quality figures, frames, views, history, save/load, bad input."""

import numpy as np
import pytest

from ganlab_wasm.digits import load_digits
from ganlab_wasm.image_lab import (GRID, HISTORY_MAX, DivergedError, ImageLab, ImageSettings,
                                   ImageSettingsError, LoadError, _Series, digit_figures, recognisable)

SMALL = dict(g_neurons=16, d_neurons=16, batch_size=16, sample_every=10)


@pytest.fixture(scope="module")
def trained():
    lab = ImageLab(**SMALL)
    lab.train(120)
    return lab


# --- the quality figures ----------------------------------------------------
def test_figures_count_confident_reads_classes_and_the_top_share():
    classes = np.array([0, 0, 0, 1, 2, 3, 3, 9, 9, 9])
    probs = np.array([.9, .9, .5, .95, .8, .99, .1, .85, .85, .85])
    f = digit_figures(classes, probs)
    assert f == {"confident": 0.8, "classes_covered": 5, "top_share": 3 / 8}
    asked = np.array([0, 1, 0, 1, 2, 3, 3, 9, 8, 9])
    assert digit_figures(classes, probs, asked)["label_agreement"] == 0.6


def test_the_bar_passes_real_digits_and_fails_collapse_and_blends():
    d = load_digits()
    reader = ImageLab(**SMALL).reader
    classes, probs = reader.read(d.images[:500])
    assert recognisable(digit_figures(classes, probs))
    assert recognisable(digit_figures(classes, probs, d.labels[:500]))
    assert not recognisable(digit_figures(classes, probs, (d.labels[:500] + 1) % 10))   # wrong classes asked
    sevens = d.images[d.labels == 7][:100]                                               # mode collapse
    assert not recognisable(digit_figures(*reader.read(np.tile(sevens, (5, 1)))))
    blends = 0.5 * d.images[:500] + 0.5 * d.images[500:1000]
    assert not recognisable(digit_figures(*reader.read(blends)))


def test_an_untrained_generator_is_not_recognisable():
    for model in ("vanilla", "conditional"):
        assert not recognisable(ImageLab(model=model).metrics()["digits"])


def test_metrics_carry_the_digit_figures(trained):
    m = trained.metrics()
    assert m["epoch"] == 120 and np.isfinite(m["d_loss"]) and np.isfinite(m["g_loss"])
    assert set(m["digits"]) == {"confident", "classes_covered", "top_share"}
    cond = ImageLab(model="conditional", **SMALL).metrics()["digits"]
    assert set(cond) == {"confident", "classes_covered", "top_share", "label_agreement"}


# --- frames and views -------------------------------------------------------
def test_frame_arrays_have_the_documented_shapes(trained):
    f = trained.frame(nearest=True)
    nd = trained.settings.noise_dim
    shapes = {"grid": (100, 64), "grid_score": (100,), "grid_read": (100,), "grid_confidence": (100,),
              "grid_class": (100,), "class_share": (10,), "confident_share": (10,),
              "latent": (8, 8, 64), "latent_axis": (8,), "latent_score": (8, 8), "slider": (64,),
              "slider_score": (1,), "slider_read": (2,), "noise": (100, nd), "grid_nearest": (100, 64),
              "grid_nearest_distance": (100,), "grid_nearest_index": (100,)}
    assert {k: v.shape for k, v in f.items()} == shapes
    assert all(v.dtype == np.float32 and v.flags.c_contiguous for v in f.values())
    assert 0 <= f["grid"].min() and f["grid"].max() <= 1
    assert np.all(f["grid_class"] == -1)
    assert abs(f["class_share"].sum() - 1) < 1e-6
    assert "grid_nearest" not in trained.frame()


def test_conditional_grid_has_one_row_per_class_with_shared_noise():
    lab = ImageLab(model="conditional", **SMALL)
    f = lab.frame()
    assert np.array_equal(f["grid_class"], np.repeat(np.arange(10), 10))
    noise = f["noise"].reshape(10, 10, -1)
    assert np.all(noise == noise[:1])           # column c: the same z in every row


def test_latent_map_varies_the_two_chosen_dims_and_holds_the_rest(trained):
    lab = trained
    z = np.zeros(lab.settings.noise_dim, np.float32)
    lab.set_view(latent_dims=[3, 5], latent_cells=4, slider_z=z)
    f = lab.frame()
    axis = f["latent_axis"]
    assert f["latent"].shape == (4, 4, 64) and axis[0] == -1 and axis[-1] == 1
    for r, c in [(0, 0), (1, 3), (3, 2)]:
        want = z.copy()
        want[3], want[5] = axis[c], axis[r]
        assert np.allclose(f["latent"][r, c], lab.generate(want)["image"], atol=1e-6)
    assert np.allclose(f["slider"], lab.generate(z)["image"])


def test_one_dimensional_noise_gives_a_one_row_latent_map():
    lab = ImageLab(noise_dim=1, **SMALL)
    f = lab.frame()
    assert f["latent"].shape == (1, 8, 64)
    with pytest.raises(ImageSettingsError, match="latent map dimensions"):
        lab.set_view(latent_dims=[0, 1])


def test_generate_follows_z_and_the_class():
    lab = ImageLab(model="conditional", **SMALL)
    lab.train(30)
    z = np.full(lab.settings.noise_dim, 0.3)
    a, b = lab.generate(z, 2), lab.generate(z, 8)
    assert a["image"].shape == (64,) and 0 <= a["score"] <= 1 and 0 <= a["read"] <= 9
    assert not np.allclose(a["image"], b["image"])
    assert np.allclose(lab.generate(z, 2)["image"], a["image"])
    lab.set_view(label=8)
    assert np.allclose(lab.generate(z)["image"], b["image"])


def test_nearest_real_image_of_a_real_image_is_itself(trained):
    d = trained.digits
    hit = trained.nearest(d.images[42])
    assert hit["distance"] < 1e-3 and np.array_equal(hit["image"], d.images[42])
    assert hit["label"] == d.labels[hit["index"]]
    f = trained.frame(nearest=True)
    i = int(f["grid_nearest_index"][7])
    brute = np.sqrt(np.mean((d.images - f["grid"][7]) ** 2, axis=1))
    assert i == int(np.argmin(brute)) and abs(f["grid_nearest_distance"][7] - brute.min()) < 1e-4


def test_dataset_overview_has_one_example_per_class():
    lab = ImageLab(**SMALL)
    ds = lab.dataset()
    classes, _ = lab.reader.read(ds["examples"])
    assert ds["examples"].shape == (10, 64) and ds["sample"].shape == (25, 64)
    labels = lab.digits.labels
    idx = [int(np.flatnonzero((lab.digits.images == e).all(axis=1))[0]) for e in ds["examples"]]
    assert [int(labels[i]) for i in idx] == list(range(10))
    assert ds["real_digits"]["confident"] > 0.9


# --- history and log --------------------------------------------------------
def test_history_keeps_the_grid_every_interval(trained):
    h = trained.history()
    assert h["epoch"].tolist() == list(range(0, 121, 10))
    assert h["grid"].shape == (13, GRID, 64) and h["grid"].dtype == np.uint8
    assert np.array_equal(h["grid"][-1], np.round(trained.frame()["grid"] * 255).astype(np.uint8))
    log = trained.log()
    assert log["epoch"].tolist() == list(range(0, 121, 10)) and np.isnan(log["label_agreement"]).all()


def test_history_is_bounded_and_spans_the_run():
    s = _Series(10, HISTORY_MAX)
    epoch = 0
    while len(s.items) < HISTORY_MAX or s.every < 40:
        if s.due(epoch):
            s.add(epoch, None)
        epoch += 10
    assert len(s.items) <= HISTORY_MAX and s.items[0][0] == 0 and s.every == 40
    epochs = [e for e, _ in s.items]
    assert epochs == sorted(epochs) and epochs[-1] >= epoch - 50
    assert all(e % 20 == 0 for e in epochs[:-1])


def test_history_bytes_stay_under_the_stated_bound():
    lab = ImageLab(**{**SMALL, "sample_every": 10})
    lab.train(10 * (HISTORY_MAX + 40), report=False)
    h = lab.history()
    assert len(h["epoch"]) <= HISTORY_MAX and h["every"] == 20
    assert h["grid"].nbytes + h["score"].nbytes <= 832_000


# --- training, divergence, slow motion ---------------------------------------
def test_steps_count_updates():
    lab = ImageLab(**SMALL)
    assert lab.step("d")["d_updates"] == 1 and lab.epoch == 0
    assert lab.step("g")["g_updates"] == 1
    m = lab.step()
    assert (m["epoch"], m["d_updates"], m["g_updates"]) == (1, 2, 2)
    with pytest.raises(ValueError, match="step level"):
        lab.step("x")


def test_divergence_stops_at_the_last_finite_state():
    lab = ImageLab(**{**SMALL, "optimizer_d": "sgd"})
    lab.train(20)
    lab.gan.opt_d.lr = 1e30              # what a wildly wrong learning rate does, quickly
    with pytest.raises(DivergedError, match="lower a learning rate"):
        lab.train(500)
    assert lab.gan.finite() and 20 <= lab.epoch < 520
    assert np.isfinite(lab.frame()["grid"]).all() and np.isfinite(lab.metrics()["d_loss"])
    stopped = lab.epoch
    lab.update(learning_rate_d=0.01)     # configure() resets the optimizer's lr
    lab.train(10)
    assert lab.epoch == stopped + 10


def test_slow_motion_walks_ten_stages_and_is_one_epoch():
    lab = ImageLab(model="conditional", **SMALL)
    stages = list(lab.slow_motion())
    assert [(s.net, s.index) for s in stages] == [("d", i) for i in range(1, 6)] + [("g", i) for i in range(1, 6)]
    assert stages[0].data["fake"].shape == (16, 64) and stages[0].data["real"].shape == (16, 64)
    assert stages[8].data["fake_grad"].shape == (16, 64)
    assert lab.epoch == 1


# --- settings and bad input -------------------------------------------------
def test_live_settings_keep_the_weights_structural_ones_rebuild():
    lab = ImageLab(**SMALL)
    lab.train(20)
    params = lab.gan.G.params.copy()
    assert lab.update(learning_rate_g=0.001) == {"rebuilt": False, "changed": ["learning_rate_g"]}
    assert np.array_equal(lab.gan.G.params, params) and lab.epoch == 20
    assert lab.update(model="conditional")["rebuilt"] and lab.epoch == 0 and lab.conditional


@pytest.mark.parametrize("change, message", [
    (dict(noise_dim=65), "noise dimensions must be between 1 and 64"),
    (dict(learning_rate_d=-1), r"learning rate \(D\) must be between"),
    (dict(model="gan"), "model must be one of vanilla, conditional"),
    (dict(batch_size=1.5), "batch size must be a whole number"),
    (dict(learning_rate_g=float("nan")), "finite"),
    (dict(k_d=0, k_g=0), "cannot both be 0"),
    (dict(colour=1), "unknown setting"),
])
def test_bad_settings_are_refused_and_change_nothing(change, message):
    lab = ImageLab(**SMALL)
    lab.train(5)
    before = (lab.settings, lab.gan.G.params.copy(), lab.epoch)
    with pytest.raises(ImageSettingsError, match=message):
        lab.update(**change)
    assert lab.settings == before[0] and np.array_equal(lab.gan.G.params, before[1]) and lab.epoch == 5


@pytest.mark.parametrize("call, message", [
    (lambda lab: lab.generate([0.1, 0.2]), "noise vector must have 16 values"),
    (lambda lab: lab.generate([np.nan] * 16), "finite"),
    (lambda lab: lab.generate(["a"] * 16), "noise vector"),
    (lambda lab: lab.generate([0] * 16, label=3), "only be chosen for the conditional"),
    (lambda lab: lab.set_view(latent_dims=[2, 2]), "2 different noise dimensions"),
    (lambda lab: lab.set_view(latent_dims=[0, 16]), "between 0 and 15"),
    (lambda lab: lab.set_view(latent_cells=40), "2..16"),
    (lambda lab: lab.set_view(latent_cells=4, slider_z=[1]), "noise vector"),
    (lambda lab: lab.nearest(np.zeros(10)), "64"),
])
def test_bad_view_input_is_refused_and_changes_nothing(call, message):
    lab = ImageLab(**SMALL)
    view = lab.view()
    with pytest.raises(ImageSettingsError, match=message):
        call(lab)
    assert lab.view() == view


def test_a_bad_class_is_refused():
    lab = ImageLab(model="conditional", **SMALL)
    for bad in (10, -1, 2.5, True, "3"):
        with pytest.raises(ImageSettingsError, match="class must be a digit"):
            lab.generate([0] * 16, bad)


# --- save and load ------------------------------------------------------------
def test_save_load_round_trip_continues_exactly():
    lab = ImageLab(model="conditional", **SMALL)
    lab.train(40)
    lab.set_view(latent_dims=[1, 2], label=4)
    blob = lab.save()
    again = ImageLab.load(blob)
    assert again.settings == lab.settings and again.view() == lab.view()
    assert np.array_equal(again.history()["grid"], lab.history()["grid"])
    assert np.array_equal(again.log()["g_loss"], lab.log()["g_loss"], equal_nan=True)
    lab.train(25)
    again.train(25)
    assert np.array_equal(again.gan.G.params, lab.gan.G.params)
    assert np.array_equal(again.frame()["grid"], lab.frame()["grid"])
    assert again.history()["epoch"].tolist() == lab.history()["epoch"].tolist()


def test_compact_save_is_small_and_keeps_the_generator():
    lab = ImageLab()
    lab.train(10)
    blob = lab.save(compact=True)
    again = ImageLab.load(blob)
    assert len(blob) < len(lab.save()) / 2
    assert np.allclose(again.frame()["grid"], lab.frame()["grid"], atol=0.02)


@pytest.mark.parametrize("blob", [b"", b"hello", ImageLab(**SMALL).save()[:200]])
def test_load_refuses_what_is_not_an_image_experiment(blob):
    with pytest.raises(LoadError):
        ImageLab.load(blob)


def test_load_refuses_a_2d_experiment_and_mismatched_weights():
    from ganlab_wasm import Lab
    with pytest.raises(LoadError, match="not a ganlab_wasm image experiment"):
        ImageLab.load(Lab().save())
    import io
    import json
    lab = ImageLab(**SMALL)
    with np.load(io.BytesIO(lab.save())) as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads(arrays["meta"].tobytes())
    meta["settings"]["g_neurons"] = 17
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    with pytest.raises(LoadError, match="do not fit"):
        ImageLab.load(buffer.getvalue())
    meta["settings"]["g_neurons"] = 99999
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    with pytest.raises(LoadError, match="settings are invalid"):
        ImageLab.load(buffer.getvalue())


def test_settings_schema_lists_every_field_with_its_label():
    schema = {f["name"]: f for f in ImageSettings.schema()}
    assert set(schema) == set(ImageSettings().to_dict())
    assert schema["noise_dim"] == {"name": "noise_dim", "kind": "int", "default": 16, "label": "noise dimensions",
                                   "structural": True, "low": 1, "high": 64}


@pytest.mark.parametrize("model", ["vanilla", "conditional"])
def test_the_shipped_pretrained_models_pass_the_bar(model):
    lab = ImageLab.pretrained(model)
    assert lab.settings.model == model and lab.epoch == 30_000
    assert recognisable(lab.metrics()["digits"])
    lab.train(5)                                # it trains on from there (fresh optimizer moments)
    assert lab.epoch == 30_005


def test_an_unknown_pretrained_model_is_refused():
    with pytest.raises(LoadError, match="no pretrained image model"):
        ImageLab.pretrained("fashion")
