"""Recipes (one source of truth for notebooks and benchmark) and the helpers they brought into utils/."""

from dataclasses import replace

import keras
import numpy as np
import pytest

from utils.baselines import best_setting, classical_denoisers
from utils.config import Mode
from utils.data import balanced_subset
from utils.metrics import psnr, ssim
from utils.models import build_code_classifier, build_dense_autoencoder, layer_sizes
from utils.noise import corrupt
from utils.recipes import DENOISING_NOISE, FINE_TUNING, RECIPES, Recipe, recipe
from utils.repro import set_seed

X = np.random.default_rng(2).random((128, 16), dtype=np.float32)
TINY = Recipe(hidden=(8,), code_dim=2, epochs=3, quick_epochs=2, batch_size=32, learning_rate=1e-2)


def test_headline_recipes_have_the_lectures_architectures():
    assert RECIPES["ae2"].sizes() == "784-512-256-128-2"
    assert RECIPES["ae30"].sizes() == "784-1000-500-250-30"
    assert RECIPES["ae32"].sizes() == "784-256-128-32"
    dae = RECIPES["dae"]
    assert dae.code_dim > 784 and dae.allow_overcomplete  # the lecture: the denoiser's hidden layer is larger
    assert layer_sizes(RECIPES["ae2"].build("x").autoencoder) == [784, 512, 256, 128, 2, 128, 256, 512, 784]
    assert DENOISING_NOISE["gaussian"] == 0.5 and set(FINE_TUNING["epochs"]) == {100, 1000, 10000}


def test_recipe_changes_in_one_line_and_rejects_bad_values():
    assert recipe("ae2", code_dim=3).code_dim == 3 and RECIPES["ae2"].code_dim == 2
    with pytest.raises(KeyError, match="ae2"):
        recipe("nope")
    with pytest.raises(ValueError, match="learning_rate"):
        replace(TINY, learning_rate=0)
    with pytest.raises(ValueError, match="epochs"):
        replace(TINY, epochs=0)
    with pytest.raises(ValueError, match="hidden"):
        replace(TINY, hidden=[8])
    with pytest.raises(ValueError, match="input_noise"):
        replace(TINY, input_noise=-0.1)
    with pytest.raises(ValueError, match="not smaller than input_dim"):
        replace(TINY, code_dim=16).build("x", input_dim=16)


def test_recipe_train_uses_the_mode_and_its_settings(monkeypatch):
    monkeypatch.setenv("AE_CACHE", "off")
    set_seed(0)
    ae = TINY.build("t", input_dim=16)
    assert len(TINY.train(ae, X, X, Mode("quick"), seed=0).history["loss"]) == 2
    set_seed(0)
    ae = TINY.build("t", input_dim=16)
    run = TINY.train(ae, X, X, Mode("full"), seed=0)
    assert len(run.history["loss"]) == 3 and run.history["loss"][-1] < run.history["loss"][0]


def test_input_noise_acts_in_training_only(monkeypatch):
    monkeypatch.setenv("AE_CACHE", "off")
    noisy = replace(TINY, input_noise=0.3)
    results = []
    for r in (TINY, noisy):
        set_seed(0)
        ae = r.build("t", input_dim=16)
        r.train(ae, X, X, Mode("full"), seed=0)
        results.append(ae.autoencoder.predict(X, verbose=0))
    assert not np.allclose(results[0], results[1])  # the noise changed what was learned...
    set_seed(0)
    ae = noisy.build("t", input_dim=16)
    noisy.train(ae, X, X, Mode("full"), seed=0)
    a, b = ae.autoencoder.predict(X, verbose=0), ae.autoencoder.predict(X, verbose=0)
    assert np.array_equal(a, b)  # ...but the trained autoencoder itself adds none
    assert "input noise 0.3" in str(noisy)


def test_balanced_subset():
    y = np.repeat(np.arange(10), 20)
    idx = balanced_subset(y, 50, seed=1)
    assert len(idx) == 50 and len(set(idx)) == 50 and np.all(np.bincount(y[idx]) == 5)
    assert np.array_equal(idx, balanced_subset(y, 50, seed=1))
    assert not np.array_equal(idx, balanced_subset(y, 50, seed=2))
    with pytest.raises(ValueError, match="multiple of 10"):
        balanced_subset(y, 55, seed=0)
    with pytest.raises(ValueError, match="fewer than"):
        balanced_subset(y, 300, seed=0)


def test_code_classifier_wraps_the_encoder():
    set_seed(0)
    enc = build_dense_autoencoder(16, (8,), 4, name="c").encoder
    clf = build_code_classifier(enc, n_classes=3)
    p = keras.ops.convert_to_numpy(clf(X[:5]))
    assert p.shape == (5, 3) and np.allclose(p.sum(axis=1), 1, atol=1e-5)
    assert any(isinstance(layer, keras.layers.LayerNormalization) for layer in clf.layers)
    assert enc in clf.layers  # fine-tuning the classifier trains the encoder's weights
    with pytest.raises(ValueError, match="n_classes"):
        build_code_classifier(enc, n_classes=0)


def test_ssim():
    img = np.random.default_rng(0).random((3, 784))
    assert ssim(img, img) == pytest.approx(1.0)
    assert ssim(img, np.clip(img + 0.3, 0, 1)) < 0.99
    with pytest.raises(ValueError, match="28x28"):
        ssim(np.zeros((2, 100)), np.zeros((2, 100)))


def test_classical_denoisers_and_tuning_on_held_out_images():
    rng = np.random.default_rng(0)
    clean = np.zeros((200, 28, 28), dtype=np.float32)
    for i in range(200):  # bars: a structure that filters and PCA can recover
        clean[i, :, rng.integers(4, 24)] = 1.0
    clean = clean.reshape(200, -1)
    filters = classical_denoisers(clean[:160], seed=0)
    assert set(filters) == {"median filter", "Gaussian blur", "PCA projection"}
    assert list(filters["PCA projection"]) == [16, 32, 64, 128]
    noisy = corrupt(clean[160:], "salt_and_pepper", 0.1, seed=0)
    setting, f = best_setting(filters["median filter"], clean[160:], noisy)
    assert setting in (3, 5) and f(noisy).shape == noisy.shape
    assert psnr(clean[160:], f(noisy)) > psnr(clean[160:], noisy)
    with pytest.raises(ValueError, match="784"):
        classical_denoisers(clean.reshape(200, 28, 28))
    with pytest.raises(ValueError, match="at least 128"):
        classical_denoisers(clean[:100])
    with pytest.raises(ValueError, match="no settings"):
        best_setting({}, clean, noisy)
