"""Metrics, baselines, the mode switch and the figure helpers."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from utils import config
from utils.baselines import fit_pca, knn_accuracy, pca_reconstruct
from utils.metrics import mse_per_pixel, psnr, sse_per_image
from utils.plots import plot_codes_2d, plot_history, show_image_rows, use_style


def test_metrics_known_values():
    x = np.zeros((2, 784))
    x_hat = np.full((2, 784), 0.1)
    assert mse_per_pixel(x, x_hat) == pytest.approx(0.01)
    assert sse_per_image(x, x_hat) == pytest.approx(7.84)
    assert psnr(x, x_hat) == pytest.approx(20.0)
    assert psnr(x, x) == 100.0


def test_sse_is_784_times_mse_and_accepts_images():
    rng = np.random.default_rng(0)
    x, y = rng.random((5, 28, 28)), rng.random((5, 28, 28))
    assert sse_per_image(x, y) == pytest.approx(784 * mse_per_pixel(x, y))


def test_metrics_reject_mismatched_shapes():
    with pytest.raises(ValueError, match="must match"):
        mse_per_pixel(np.zeros((2, 784)), np.zeros((2, 28, 28)))
    with pytest.raises(ValueError, match="data_range"):
        psnr(np.zeros((1, 4)), np.zeros((1, 4)), data_range=0)


def test_pca_with_all_components_is_lossless_and_few_components_lose():
    x = np.random.default_rng(0).random((100, 10)).astype(np.float32)
    assert mse_per_pixel(x, pca_reconstruct(fit_pca(x, 10), x)) < 1e-10
    assert mse_per_pixel(x, pca_reconstruct(fit_pca(x, 2), x)) > 0.01
    with pytest.raises(ValueError, match="n_components"):
        fit_pca(x, 11)


def test_knn_accuracy_on_separable_and_on_random_labels():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    codes = np.c_[y * 10.0 + rng.normal(size=200), rng.normal(size=200)]
    assert knn_accuracy(codes[:100], y[:100], codes[100:], y[100:], k=5) == 1.0
    noise = rng.normal(size=(200, 2))
    assert knn_accuracy(noise[:100], y[:100], noise[100:], y[100:], k=1) < 0.75
    with pytest.raises(ValueError, match="k must"):
        knn_accuracy(codes, y, codes, y, k=0)


def test_mode_switch():
    assert config.get_mode({}).name == "full"
    quick = config.get_mode({"AE_MODE": "Quick "})
    assert quick.quick and quick.pick(full=30, quick=3) == 3
    assert config.Mode("full").pick(full=30, quick=3) == 30
    with pytest.raises(ValueError, match="AE_MODE='fast'"):
        config.get_mode({"AE_MODE": "fast"})


def test_cache_dir_switch(tmp_path):
    assert config.cache_dir({"AE_CACHE": "off"}) is None
    assert config.cache_dir({"AE_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert config.cache_dir({}) == config.PROJECT_ROOT / ".model_cache"
    with pytest.raises(ValueError, match="AE_CACHE"):
        config.cache_dir({"AE_CACHE": "maybe"})


def test_image_rows_figure():
    use_style()
    x = np.random.default_rng(0).random((4, 784))
    fig = show_image_rows({"original": x, "reconstruction": x}, title="t", captions=list("abcd"))
    assert len(fig.axes) == 8
    assert fig.axes[0].get_ylabel() == "original" and fig.axes[0].get_title() == "a"
    with pytest.raises(ValueError, match="same, non-zero number"):
        show_image_rows({"a": x, "b": x[:3]})
    with pytest.raises(ValueError, match="captions"):
        show_image_rows({"a": x}, captions=["1"])


def test_history_and_code_plots():
    fig = plot_history({"run": {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6]}})
    ax = fig.axes[0]
    assert len(ax.lines) == 2 and ax.get_xlabel() == "epoch" and ax.get_legend() is not None
    with pytest.raises(ValueError, match="no 'loss'"):
        plot_history({"run": {"acc": [1.0]}})
    codes = np.random.default_rng(0).normal(size=(50, 2))
    ax = plot_codes_2d(codes, np.arange(50) % 10, "map")
    assert ax.get_title() == "map" and len(ax.get_legend().get_texts()) == 10
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plot_codes_2d(np.zeros((5, 3)), np.zeros(5), "bad")


def test_linear_probe_reads_linearly_separable_features():
    from utils.baselines import linear_probe

    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 300)
    f = np.eye(3)[y] * 5 + rng.normal(size=(300, 3))
    assert linear_probe(f[:200], y[:200], f[200:], y[200:]) > 0.95
    assert linear_probe(rng.normal(size=(200, 3)), y[:200], rng.normal(size=(100, 3)), y[200:]) < 0.6
    with pytest.raises(ValueError, match="same length"):
        linear_probe(f, y[:10], f, y)
