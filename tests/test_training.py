"""utils/training.py: train() fits with compact progress, validates its arguments, and runs several steps
per call under TensorFlow without changing a single weight. (The cache through train(): test_cache.py.)"""

import re

import keras
import numpy as np
import pytest

from utils import training
from utils.models import build_dense_autoencoder
from utils.repro import set_seed
from utils.training import EpochPrinter, default_steps_per_execution, train

X = np.random.default_rng(1).random((256, 16), dtype=np.float32)


@pytest.fixture(autouse=True)
def no_cache(monkeypatch):
    monkeypatch.setenv("AE_CACHE", "off")


def fresh(seed=0):
    set_seed(seed)
    return build_dense_autoencoder(16, (8,), 2, name="t").autoencoder


def test_train_returns_history_and_prints_compact_progress(capsys):
    result = train(fresh(), X, X, epochs=10, learning_rate=1e-2, batch_size=64, validation_data=(X, X), label="m")
    out = capsys.readouterr().out.strip().splitlines()
    assert len(result.history["loss"]) == 10 and len(result.history["val_loss"]) == 10
    assert result.history["loss"][-1] < result.history["loss"][0]
    assert 2 <= len(out) <= 6 and out[0].startswith("[m] epoch  1/10")
    assert not result.from_cache and result.seconds > 0
    assert result.seconds_per_epoch == pytest.approx(result.seconds / 10)


def test_print_every(capsys):
    train(fresh(), X, X, epochs=4, learning_rate=1e-2, print_every=1)
    assert len(capsys.readouterr().out.strip().splitlines()) == 4
    with pytest.raises(ValueError, match="print_every"):
        train(fresh(), X, X, epochs=4, learning_rate=1e-2, print_every=0)


@pytest.mark.parametrize("kwargs, match", [
    ({"epochs": 0, "learning_rate": 1e-3}, "epochs"),
    ({"epochs": True, "learning_rate": 1e-3}, "epochs"),
    ({"epochs": 1, "learning_rate": 0}, "learning_rate"),
    ({"epochs": 1, "learning_rate": True}, "learning_rate"),
    ({"epochs": 1, "learning_rate": "1e-3"}, "learning_rate"),
    ({"epochs": 1, "learning_rate": float("nan")}, "learning_rate"),
    ({"epochs": 1, "learning_rate": 1e-3, "batch_size": 0}, "batch_size"),
    ({"epochs": 1, "learning_rate": 1e-3, "batch_size": 2.0}, "batch_size"),
    ({"epochs": 1, "learning_rate": 1e-3, "schedule": "step"}, "schedule"),
    ({"epochs": 1, "learning_rate": 1e-3, "weight_decay": -1}, "weight_decay"),
    ({"epochs": 1, "learning_rate": 1e-3, "weight_decay": True}, "weight_decay"),
    ({"epochs": 1, "learning_rate": 1e-3, "seed": -1}, "seed"),
    ({"epochs": 1, "learning_rate": 1e-3, "seed": False}, "seed"),
    ({"epochs": 1, "learning_rate": 1e-3, "steps_per_execution": 0}, "steps_per_execution"),
    ({"epochs": 1, "learning_rate": 1e-3, "cache": 1}, "cache must be True, False or a folder"),
])
def test_invalid_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        train(fresh(), X, X, **kwargs)


def test_numpy_numbers_are_accepted():
    r = train(fresh(), X, X, epochs=np.int64(2), batch_size=np.int32(64), learning_rate=np.float32(1e-2),
              seed=np.int64(3))
    assert len(r.history["loss"]) == 2


def test_learning_rate_has_no_default():
    with pytest.raises(TypeError, match="learning_rate"):
        train(fresh(), X, X, epochs=1)


def test_mismatched_lengths():
    with pytest.raises(ValueError, match="same length"):
        train(fresh(), X, X[:10], epochs=1, learning_rate=1e-3)
    with pytest.raises(ValueError, match="validation_data"):
        train(fresh(), X, X, epochs=1, learning_rate=1e-3, validation_data=(X, X[:10]))


def test_cosine_schedule_trains():
    r = train(fresh(), X, X, epochs=3, learning_rate=1e-2, schedule="cosine")
    assert len(r.history["loss"]) == 3


def test_weight_decay_uses_adamw_and_changes_the_result():
    plain = train(fresh(), X, X, epochs=3, learning_rate=1e-2, batch_size=64)
    decayed = fresh()
    run = train(decayed, X, X, epochs=3, learning_rate=1e-2, batch_size=64, weight_decay=0.5)
    assert isinstance(decayed.optimizer, keras.optimizers.AdamW)
    assert run.history["loss"] != plain.history["loss"]


def test_steps_per_execution_default_per_backend():
    """The measured choice (issue 14): 8 under TensorFlow, where it saves time; 1 elsewhere."""
    assert default_steps_per_execution("tensorflow") == 8
    assert default_steps_per_execution("jax") == 1 and default_steps_per_execution("torch") == 1
    assert default_steps_per_execution() == default_steps_per_execution(keras.backend.backend())
    assert training.STEPS_PER_EXECUTION == {"tensorflow": 8}


def test_several_steps_per_execution_change_no_weight(capsys):
    """Same seed: the weights, the history (validation included) and later predictions are bit for bit the
    same with 8 steps per call as with 1; the progress lines still come once per epoch. 256 images in
    batches of 16 are 16 steps per epoch, two calls of 8; 24 images in batches of 10 are 3 steps, fewer
    than one call."""
    runs = []
    for steps in (1, 8):
        model = fresh(seed=2)
        result = train(model, X, X, epochs=3, learning_rate=1e-2, batch_size=16, validation_data=(X[:64], X[:64]),
                       seed=2, print_every=1, steps_per_execution=steps)
        assert model.steps_per_execution == 1  # predict() and evaluate() afterwards: one batch per call
        runs.append((result.history, model.get_weights(), model.predict(X, verbose=0)))
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 6 and lines[3].startswith("epoch 1/3")
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(runs[0][2], runs[1][2])
    short = [train(fresh(seed=2), X[:24], X[:24], epochs=2, learning_rate=1e-2, batch_size=10, seed=2,
                   steps_per_execution=s).history for s in (1, 8)]
    assert short[0] == short[1]


def test_epoch_printer_prints_every_few_epochs(capsys):
    model = fresh()
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    model.fit(X, X, epochs=4, batch_size=64, verbose=0, validation_data=(X, X), callbacks=[EpochPrinter(4, every=2)])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("epoch 4/4: loss ") and ", val_loss " in lines[1], lines
    assert re.fullmatch(r"epoch 2/4: loss \d\.\d{4}, val_loss \d\.\d{4}", lines[0]), lines
    printer = EpochPrinter(30, every=5)
    assert printer.line(5, {"loss": 0.01234, "val_loss": 0.013}) == "epoch  5/30: loss 0.0123, val_loss 0.0130"
    assert printer.line(30, {"loss": 0.01234}) == "epoch 30/30: loss 0.0123"  # val_loss only when there is one
    assert [n for n in range(1, 31) if printer.due(n)] == [5, 10, 15, 20, 25, 30]
    for bad in ({"epochs": 0}, {"epochs": 3, "every": 0}, {"epochs": 3, "every": True}):
        with pytest.raises(ValueError, match="epochs|every"):
            EpochPrinter(**bad)
