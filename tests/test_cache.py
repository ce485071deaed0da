"""The train-or-load cache (utils/cache.py) through train(): the key field by field, damaged entries, and
writes that fail (the trained model is returned all the same)."""

import errno
import json
import warnings

import keras
import numpy as np
import pytest

from utils import cache as cache_module
from utils.cache import CacheWarning, ModelCache, array_digest, run_key
from utils.models import build_dense_autoencoder
from utils.repro import set_seed
from utils.training import train

RNG = np.random.default_rng(1)
X = RNG.random((64, 8), dtype=np.float32)
X2 = RNG.random((64, 8), dtype=np.float32)  # same shape and dtype, other content
V = RNG.random((32, 8), dtype=np.float32)
V2 = RNG.random((32, 8), dtype=np.float32)
BASE = {"epochs": 1, "learning_rate": 1e-2, "batch_size": 32, "label": "k"}


def fresh(seed=0, hidden=(4,), name="t"):
    set_seed(seed)
    return build_dense_autoencoder(8, hidden, 2, name=name).autoencoder


def noisy_front(seed=0):
    """The 30-D recipe's way of adding input noise: a GaussianNoise layer in front of the autoencoder."""
    ae = fresh(seed)
    x = keras.Input(shape=(8,))
    return keras.Model(x, ae(keras.layers.GaussianNoise(0.1, seed=seed)(x)))


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("AE_CACHE", "on")
    monkeypatch.setenv("AE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def run(spec):
    """Train as ``spec`` says: ``model`` (a builder), ``x``, ``y`` and train() arguments over BASE."""
    spec = dict(spec)
    model = spec.pop("model", fresh)()
    x = spec.pop("x", X)
    y = spec.pop("y", x)
    return train(model, x, y, **{**BASE, **spec})


def other_backend_and_version(**change):
    real = cache_module.backend_and_version()
    return lambda: {**real, **change}


# (field, base run, a run that changes only that field: must miss, a run that must hit the base entry)
KEY_FIELDS = [
    ("architecture", {}, {"model": lambda: fresh(hidden=(5,))}, {"model": lambda: fresh(name="renamed")}),
    ("initial weights", {}, {"model": lambda: fresh(seed=5)}, {"model": lambda: fresh(seed=0)}),
    ("inputs", {"x": X, "y": X}, {"x": np.clip(X + 0.01, 0, 1), "y": X}, {"x": X.copy(), "y": X}),
    ("targets, same inputs", {"x": X, "y": X}, {"x": X, "y": X2}, {"x": X, "y": X.copy()}),
    ("same-shape data, other content", {}, {"x": X2}, {"x": X.copy()}),
    ("fewer images", {}, {"x": X[:32]}, {"x": X.copy()}),
    ("validation data", {"validation_data": (V, V)}, {"validation_data": (V, V2)},
     {"validation_data": (V.copy(), V.copy())}),
    ("loss", {"loss": "mse"}, {"loss": "mae"}, {"loss": "mean_squared_error"}),
    ("metrics", {}, {"metrics": ["mae"]}, {"metrics": []}),
    ("optimiser", {}, {"weight_decay": 0.1}, {"weight_decay": 0.0}),  # AdamW instead of Adam
    ("learning rate", {}, {"learning_rate": 2e-2}, {"learning_rate": np.float32(1e-2)}),
    ("schedule", {}, {"schedule": "cosine"}, {"schedule": "constant"}),
    ("weight decay", {"weight_decay": 0.1}, {"weight_decay": 0.2}, {"weight_decay": 0.1}),
    ("epochs", {}, {"epochs": 2}, {"epochs": np.int64(1)}),
    ("batch size", {}, {"batch_size": 16}, {"batch_size": np.int64(32)}),
    ("seed", {}, {"seed": 1}, {"seed": np.int64(0)}),
    ("backend", {}, {"backend_and_version": {"backend": "other-backend"}}, {}),
    ("Keras version", {}, {"backend_and_version": {"keras": "0.0.0"}}, {}),
]


@pytest.mark.parametrize("field, base, changed, control", KEY_FIELDS, ids=[f[0] for f in KEY_FIELDS])
def test_each_key_field_misses_when_changed_and_hits_when_not(folder, monkeypatch, field, base, changed, control):
    assert not run(base).from_cache
    changed = {**base, **changed}
    with monkeypatch.context() as m:
        if "backend_and_version" in changed:
            m.setattr(cache_module, "backend_and_version",
                      other_backend_and_version(**changed.pop("backend_and_version")))
        assert not run(changed).from_cache, f"a change of {field} must not load the cached model"
    assert run({**base, **control}).from_cache, f"the control run for {field} must load the cached model"


def test_a_hit_loads_identical_weights_and_history(folder, capsys):
    first, second = fresh(), fresh()
    r1 = train(first, X, X, **BASE)
    r2 = train(second, X, X, **BASE)
    assert not r1.from_cache and r2.from_cache
    assert "[k] loaded from cache: 1 epochs" in capsys.readouterr().out
    assert r2.history == r1.history and r2.seconds == r1.seconds
    for a, b in zip(first.get_weights(), second.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_model_with_input_noise_hits(folder):
    """The 30-D recipe trains the autoencoder behind a GaussianNoise layer; its re-run must load too."""
    first, second = noisy_front(), noisy_front()
    assert not train(first, X, X, **BASE).from_cache
    assert train(second, X, X, **BASE).from_cache
    for a, b in zip(first.get_weights(), second.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_the_key_is_about_contents_not_objects():
    """x and x.copy() give the same key; passing the targets as the same object or as a copy too."""
    model = fresh()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    key = lambda x, y: run_key(model, x, y, loss="mse", metrics=None, epochs=1, batch_size=32, seed=0)  # noqa: E731
    assert key(X, X) == key(X.copy(), X.copy()) == key(X, X.copy())
    assert key(X, X2) != key(X, X)
    assert array_digest(X) == array_digest(X.copy()) != array_digest(X.astype(np.float64))
    assert array_digest(X) != array_digest(X.reshape(128, 4))


def test_the_key_covers_every_optimiser_setting():
    """train() chooses Adam or AdamW; the key holds the optimiser's class and all its settings."""
    def key(optimizer):
        model = fresh()
        model.compile(optimizer=optimizer, loss="mse")
        return run_key(model, X, X, loss="mse", metrics=None, epochs=1, batch_size=32, seed=0)

    adam = key(keras.optimizers.Adam(1e-3))
    assert key(keras.optimizers.Adam(1e-3)) == adam  # control: same optimiser, same key
    assert key(keras.optimizers.RMSprop(1e-3)) != adam
    assert key(keras.optimizers.Adam(1e-3, beta_1=0.5)) != adam
    with pytest.raises(ValueError, match="compiled model"):
        run_key(fresh(), X, X, loss="mse", metrics=None, epochs=1, batch_size=32, seed=0)


@pytest.mark.parametrize("damage", ["weights", "meta", "key", "shapes"])
def test_a_damaged_entry_is_retrained_not_used(folder, damage):
    train(fresh(), X, X, **BASE)
    weights, meta = next(folder.glob("*.npz")), next(folder.glob("*.json"))
    if damage == "weights":
        blob = bytearray(weights.read_bytes())
        blob[len(blob) // 2] ^= 0xFF
        weights.write_bytes(bytes(blob))
    elif damage == "meta":
        meta.write_text("{not json")
    elif damage == "key":
        m = json.loads(meta.read_text())
        meta.write_text(json.dumps({**m, "key": "0" * 64}))
    else:
        np.savez(weights, w0=np.zeros(3))
        m = json.loads(meta.read_text())
        meta.write_text(json.dumps({**m, "weights_sha256": cache_module._sha256(weights)}))
    with pytest.warns(CacheWarning, match="unusable.*retraining"):
        assert not train(fresh(), X, X, **BASE).from_cache
    assert train(fresh(), X, X, **BASE).from_cache  # the rebuilt entry is good


def test_a_damaged_entry_that_cannot_be_deleted_is_still_not_used(folder, monkeypatch):
    train(fresh(), X, X, **BASE)
    next(folder.glob("*.json")).write_text("{not json")

    def refuse(self, missing_ok=False):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(type(folder), "unlink", refuse)
    with pytest.warns(CacheWarning, match="unusable"):
        assert not train(fresh(), X, X, **BASE).from_cache


def test_cache_off_and_cache_false_write_nothing(folder, monkeypatch):
    train(fresh(), X, X, **BASE, cache=False)
    assert not folder.exists()
    monkeypatch.setenv("AE_CACHE", "off")
    train(fresh(), X, X, **BASE)
    assert not folder.exists()


def test_a_folder_passed_in_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv("AE_CACHE", "off")  # an explicit folder wins over the environment
    assert not train(fresh(), X, X, **BASE, cache=tmp_path / "here").from_cache
    assert train(fresh(), X, X, **BASE, cache=str(tmp_path / "here")).from_cache
    assert len(list((tmp_path / "here").glob("k-*.npz"))) == 1


# --- writes that fail: the trained model and its history come back, with one warning -----------------

def trained_despite(expect):
    """Train once; check the result is a trained model and that exactly one CacheWarning matched ``expect``."""
    model = fresh()
    before = [w.copy() for w in model.get_weights()]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = train(model, X, X, **{**BASE, "epochs": 2})
    cache_warnings = [w for w in caught if issubclass(w.category, CacheWarning)]
    assert len(cache_warnings) == 1, [str(w.message) for w in caught]
    message = str(cache_warnings[0].message)
    for needle in (*expect, "returned as usual", "AE_CACHE_DIR", "AE_CACHE=off"):
        assert needle in message, (needle, message)
    assert not result.from_cache and len(result.history["loss"]) == 2
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights())), "model not trained"
    assert model.predict(X[:2], verbose=0).shape == (2, 8)
    return message


def test_cache_folder_below_a_regular_file(tmp_path, monkeypatch):
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    monkeypatch.setenv("AE_CACHE", "on")
    monkeypatch.setenv("AE_CACHE_DIR", str(tmp_path / "notes.txt" / "cache"))
    trained_despite(["NotADirectoryError", "notes.txt"])


def test_cache_folder_is_a_regular_file(tmp_path, monkeypatch):
    (tmp_path / "cache").write_text("a file, not a folder")
    monkeypatch.setenv("AE_CACHE", "on")
    monkeypatch.setenv("AE_CACHE_DIR", str(tmp_path / "cache"))
    trained_despite(["FileExistsError"])


def test_read_only_cache_folder(folder, monkeypatch):
    """Tests run as root, which chmod does not stop: the folder refuses the file as a read-only one would."""
    folder.mkdir()

    def read_only(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(folder))

    monkeypatch.setattr(cache_module.tempfile, "mkstemp", read_only)
    trained_despite(["PermissionError", "Permission denied"])
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("when", ["weights", "metadata"])
def test_full_disk(folder, monkeypatch, when):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np if when == "weights" else cache_module.Path, "savez" if when == "weights" else "write_text",
                        full)
    trained_despite(["No space left on device"])
    assert list(folder.iterdir()) == [], "a half-written entry must be removed"


def test_a_failing_folder_warns_once_per_process(folder, monkeypatch):
    monkeypatch.setattr(cache_module, "_WARNED", set())

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache_module, "_save_weights", full)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            assert not train(fresh(), X, X, **BASE).from_cache
    assert sum(issubclass(w.category, CacheWarning) for w in caught) == 1


def test_model_cache_entry_names_and_save_result(tmp_path):
    assert ModelCache("~/x").folder.is_absolute()
    entry = ModelCache(tmp_path).entry("a b/c", "f" * 64)
    assert entry.weights_file.name == "a_b_c-ffffffffffffffff.npz" and entry.meta_file.suffix == ".json"
    assert ModelCache(tmp_path).save(fresh(), entry, {"loss": [1.0]}, 1.0) is True
    (tmp_path / "file").write_text("")
    with pytest.warns(CacheWarning):
        assert ModelCache(tmp_path / "file").save(fresh(), entry, {"loss": [1.0]}, 1.0) is False
