"""utils/baselines.py: PCA, k-NN, the linear probe and the classical denoisers."""

import numpy as np
import pytest

from utils.baselines import best_setting, classical_denoisers, fit_pca, knn_accuracy, linear_probe, pca_reconstruct
from utils.metrics import mse_per_pixel, psnr


def test_pca_with_all_components_is_lossless_and_few_components_lose():
    x = np.random.default_rng(0).random((100, 10)).astype(np.float32)
    assert mse_per_pixel(x, pca_reconstruct(fit_pca(x, 10), x)) < 1e-10
    assert mse_per_pixel(x, pca_reconstruct(fit_pca(x, 2), x)) > 0.01
    assert fit_pca(x, np.int64(3)).n_components == 3
    for bad in (11, 0, True, 2.0):
        with pytest.raises(ValueError, match="n_components"):
            fit_pca(x, bad)


def test_knn_accuracy_on_separable_and_on_random_labels():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    codes = np.c_[y * 10.0 + rng.normal(size=200), rng.normal(size=200)]
    assert knn_accuracy(codes[:100], y[:100], codes[100:], y[100:], k=5) == 1.0
    noise = rng.normal(size=(200, 2))
    assert knn_accuracy(noise[:100], y[:100], noise[100:], y[100:], k=1) < 0.75
    for bad in (0, True):
        with pytest.raises(ValueError, match="k must"):
            knn_accuracy(codes, y, codes, y, k=bad)


def test_linear_probe_reads_linearly_separable_features():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 300)
    f = np.eye(3)[y] * 5 + rng.normal(size=(300, 3))
    assert linear_probe(f[:200], y[:200], f[200:], y[200:]) > 0.95
    assert linear_probe(rng.normal(size=(200, 3)), y[:200], rng.normal(size=(100, 3)), y[200:]) < 0.6
    with pytest.raises(ValueError, match="same length"):
        linear_probe(f, y[:10], f, y)


def test_classical_denoisers_and_best_setting():
    rng = np.random.default_rng(0)
    clean = np.zeros((200, 28, 28), np.float32)
    for i, col in enumerate(rng.integers(4, 20, 200)):
        clean[i, 8:20, col:col + 4] = 1.0  # bars: smooth, so filters help against pixel noise
    clean = clean.reshape(200, 784)
    noisy = np.clip(clean + rng.normal(0, 0.3, clean.shape), 0, 1).astype(np.float32)
    grids = {"median_sizes": (3, 5), "blur_sigmas": (1.0,), "pca_components": (16, 128)}
    denoisers = classical_denoisers(clean[:150], **grids)
    assert set(denoisers) == {"median filter", "Gaussian blur", "PCA projection"}
    assert list(denoisers["PCA projection"]) == [16, 128]
    setting, f = best_setting(denoisers["median filter"], clean[150:], noisy[150:])
    assert setting in (3, 5) and psnr(clean[150:], f(noisy[150:])) > psnr(clean[150:], noisy[150:])
    with pytest.raises(ValueError, match="at least that many"):
        classical_denoisers(clean[:10], **grids)
    with pytest.raises(ValueError, match="at least one setting"):
        classical_denoisers(clean[:150], **{**grids, "blur_sigmas": ()})
    with pytest.raises(ValueError, match="no settings"):
        best_setting({}, clean, noisy)
