"""Training helper, train-or-load cache, and seeding."""

import json

import keras
import numpy as np
import pytest

from utils.models import build_dense_autoencoder
from utils.repro import set_seed
from utils.training import train

X = np.random.default_rng(1).random((256, 16), dtype=np.float32)


def fresh(seed=0):
    set_seed(seed)
    return build_dense_autoencoder(16, (8,), 2, name="t").autoencoder


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("AE_CACHE", "on")
    monkeypatch.setenv("AE_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_train_returns_history_and_prints_compact_progress(capsys, monkeypatch):
    monkeypatch.setenv("AE_CACHE", "off")
    result = train(fresh(), X, X, epochs=10, learning_rate=1e-2, batch_size=64, validation_data=(X, X), label="m")
    out = capsys.readouterr().out.strip().splitlines()
    assert len(result.history["loss"]) == 10 and len(result.history["val_loss"]) == 10
    assert result.history["loss"][-1] < result.history["loss"][0]
    assert 2 <= len(out) <= 6 and out[0].startswith("[m] epoch  1/10")
    assert not result.from_cache and result.seconds > 0


def test_same_seed_same_numbers(monkeypatch):
    monkeypatch.setenv("AE_CACHE", "off")
    runs = []
    for _ in range(2):
        model = fresh(seed=3)
        train(model, X, X, epochs=3, learning_rate=1e-2, batch_size=32, seed=3)
        runs.append(model.predict(X, verbose=0))
    np.testing.assert_array_equal(runs[0], runs[1])
    other = fresh(seed=4)
    assert not np.array_equal(other.get_weights()[0], fresh(seed=3).get_weights()[0])


def test_cache_hit_loads_identical_weights(cache, capsys):
    first = fresh()
    r1 = train(first, X, X, epochs=3, learning_rate=1e-2, batch_size=32, label="c")
    second = fresh()
    r2 = train(second, X, X, epochs=3, learning_rate=1e-2, batch_size=32, label="c")
    assert not r1.from_cache and r2.from_cache
    assert "loaded from cache" in capsys.readouterr().out
    assert r2.history == r1.history
    for a, b in zip(first.get_weights(), second.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("change", [
    {"epochs": 4}, {"learning_rate": 2e-2}, {"batch_size": 16}, {"loss": "mae"}, {"seed": 1},
])
def test_any_setting_change_misses_the_cache(cache, change):
    train(fresh(), X, X, **{"epochs": 3, "learning_rate": 1e-2, "batch_size": 32, "label": "c"})
    again = train(fresh(), X, X, **{"epochs": 3, "learning_rate": 1e-2, "batch_size": 32, "label": "c", **change})
    assert not again.from_cache


def test_data_and_architecture_changes_miss_the_cache(cache):
    train(fresh(), X, X, epochs=2, learning_rate=1e-2, label="c")
    assert not train(fresh(), X[:128], X[:128], epochs=2, learning_rate=1e-2, label="c").from_cache
    set_seed(0)
    wider = build_dense_autoencoder(16, (9,), 2, name="t").autoencoder
    assert not train(wider, X, X, epochs=2, learning_rate=1e-2, label="c").from_cache
    assert not train(fresh(seed=5), X, X, epochs=2, learning_rate=1e-2, label="c").from_cache  # other init


@pytest.mark.parametrize("damage", ["weights", "meta", "key"])
def test_corrupt_entry_is_retrained_not_used(cache, damage):
    train(fresh(), X, X, epochs=2, learning_rate=1e-2, label="c")
    weights = next(cache.glob("*.npz"))
    meta = next(cache.glob("*.json"))
    if damage == "weights":
        blob = bytearray(weights.read_bytes())
        blob[len(blob) // 2] ^= 0xFF
        weights.write_bytes(bytes(blob))
    elif damage == "meta":
        meta.write_text("{not json")
    else:
        m = json.loads(meta.read_text())
        m["key"] = "0" * 64
        meta.write_text(json.dumps(m))
    with pytest.warns(UserWarning, match="unusable.*retraining"):
        result = train(fresh(), X, X, epochs=2, learning_rate=1e-2, label="c")
    assert not result.from_cache
    assert train(fresh(), X, X, epochs=2, learning_rate=1e-2, label="c").from_cache  # rebuilt entry is good


def test_cache_off_writes_nothing(cache, monkeypatch):
    monkeypatch.setenv("AE_CACHE", "off")
    train(fresh(), X, X, epochs=1, learning_rate=1e-2)
    assert list(cache.iterdir()) == []


@pytest.mark.parametrize("kwargs, match", [
    ({"epochs": 0, "learning_rate": 1e-3}, "epochs"),
    ({"epochs": 1, "learning_rate": 0}, "learning_rate"),
    ({"epochs": 1, "learning_rate": 1e-3, "batch_size": 0}, "batch_size"),
    ({"epochs": 1, "learning_rate": 1e-3, "schedule": "step"}, "schedule"),
])
def test_invalid_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        train(fresh(), X, X, **kwargs)


def test_learning_rate_has_no_default():
    with pytest.raises(TypeError, match="learning_rate"):
        train(fresh(), X, X, epochs=1)


def test_mismatched_lengths():
    with pytest.raises(ValueError, match="same length"):
        train(fresh(), X, X[:10], epochs=1, learning_rate=1e-3)


def test_cosine_schedule_trains(monkeypatch):
    monkeypatch.setenv("AE_CACHE", "off")
    r = train(fresh(), X, X, epochs=3, learning_rate=1e-2, schedule="cosine")
    assert len(r.history["loss"]) == 3


@pytest.mark.parametrize("bad", [-1, 1.5, "0", True])
def test_set_seed_validates(bad):
    with pytest.raises(ValueError, match="seed"):
        set_seed(bad)


def test_weight_decay_uses_adamw_changes_the_result_and_the_cache_key(cache):
    plain = train(fresh(), X, X, epochs=3, learning_rate=1e-2, batch_size=64, label="wd")
    decayed = fresh()
    run = train(decayed, X, X, epochs=3, learning_rate=1e-2, batch_size=64, weight_decay=0.5, label="wd")
    assert not run.from_cache and isinstance(decayed.optimizer, keras.optimizers.AdamW)
    assert run.history["loss"] != plain.history["loss"]
    assert len(list(cache.glob("wd-*.npz"))) == 2
    with pytest.raises(ValueError, match="weight_decay"):
        train(fresh(), X, X, epochs=1, learning_rate=1e-2, weight_decay=-1)
