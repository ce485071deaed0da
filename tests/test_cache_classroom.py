"""What the classroom kit needs from the train-or-load cache (utils/cache.py, utils/training.py): each entry
records the Keras backend and version it was trained with (for `python -m classroom export-cache`); a model
that adds its loss itself (notebook 06's VAE) trains through the cache without targets; the code of a model
class that a notebook defines is part of the key."""

import json
import linecache

import keras
import numpy as np
import pytest
from keras import layers, ops

from utils.cache import with_local_code
from utils.models import build_dense_autoencoder
from utils.repro import set_seed
from utils.training import train

X = np.random.default_rng(2).random((128, 16), dtype=np.float32)

# A model in the style of notebook 06: its loss is added in call(), so compile gets no loss and fit no targets.
SELF_LOSS_MODEL = '''
class SelfLoss(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.net = keras.Sequential([keras.Input((16,)), layers.Dense(4, activation="relu"), layers.Dense(16)])

    def call(self, x):
        y = self.net(x)
        self.add_loss(ops.mean(ops.square(y - x)) * SCALE)
        return y
'''


def define(scale: float, filename: str) -> type:
    """The class above, defined as a notebook defines it (module ``__main__``, source kept like IPython does)."""
    source = SELF_LOSS_MODEL.replace("SCALE", repr(scale))
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"__name__": "__main__", "keras": keras, "layers": layers, "ops": ops}
    exec(compile(source, filename, "exec"), namespace)
    return namespace["SelfLoss"]


def fresh_autoencoder():
    set_seed(0)
    return build_dense_autoencoder(16, (8,), 2, name="t").autoencoder


def meta_files(folder):
    return sorted(folder.glob("*.json"))


def test_an_entry_records_its_backend_and_keras_version(tmp_path):
    train(fresh_autoencoder(), X, X, epochs=1, learning_rate=1e-2, cache=tmp_path, label="ae")
    (meta_file,) = meta_files(tmp_path)
    meta = json.loads(meta_file.read_text())
    assert meta["backend"] == keras.backend.backend() and meta["keras"] == keras.__version__


def test_an_older_entry_gets_them_when_it_loads(tmp_path, capsys):
    train(fresh_autoencoder(), X, X, epochs=1, learning_rate=1e-2, cache=tmp_path, label="ae")
    (meta_file,) = meta_files(tmp_path)
    meta = json.loads(meta_file.read_text())
    del meta["backend"], meta["keras"]  # as written before the runtime was recorded
    meta_file.write_text(json.dumps(meta))
    result = train(fresh_autoencoder(), X, X, epochs=1, learning_rate=1e-2, cache=tmp_path, label="ae")
    assert result.from_cache and "loaded from cache" in capsys.readouterr().out
    again = json.loads(meta_file.read_text())
    assert again["backend"] == keras.backend.backend() and again["keras"] == keras.__version__
    assert {k: v for k, v in again.items() if k not in ("backend", "keras")} == meta


def test_a_model_that_adds_its_own_loss_trains_through_the_cache_without_targets(tmp_path, capsys):
    cls = define(1.0, "<cell-self-loss>")
    runs = []
    for _ in range(2):
        keras.utils.set_random_seed(0)
        model = cls()
        runs.append((train(model, X, None, loss=None, epochs=2, learning_rate=1e-2, batch_size=32, seed=0,
                           label="self-loss", cache=tmp_path), model.get_weights()))
    (first, w1), (second, w2) = runs
    assert not first.from_cache and second.from_cache and "loaded from cache" in capsys.readouterr().out
    assert first.history == second.history and len(first.history["loss"]) == 2
    assert all(np.array_equal(a, b) for a, b in zip(w1, w2))
    with pytest.raises(ValueError, match="same length"):  # targets, when given, are still checked
        train(cls(), X, X[:10], loss=None, epochs=1, learning_rate=1e-2, cache=False)


def test_the_code_of_a_class_the_notebook_defines_is_part_of_the_key(tmp_path):
    keys = []
    for scale, filename in ((1.0, "<cell-a>"), (1.0, "<cell-b>"), (2.0, "<cell-c>")):
        keras.utils.set_random_seed(0)
        keys.append(with_local_code("k" * 64, define(scale, filename)()))
    assert keys[0] == keys[1], "the same code (run again in another cell) must give the same key"
    assert keys[2] != keys[0], "an edited call() must give another key, not the weights trained with the old code"
    assert with_local_code("k" * 64, fresh_autoencoder()) == "k" * 64, "classes from modules keep their keys"
    # through train(): the edited class trains again instead of loading the old weights
    for scale, expect_cached in ((1.0, False), (1.0, True), (2.0, False)):
        keras.utils.set_random_seed(0)
        model = define(scale, f"<cell-{scale}>")()
        result = train(model, X, None, loss=None, epochs=1, learning_rate=1e-2, label="m", cache=tmp_path)
        assert result.from_cache is expect_cached, scale
