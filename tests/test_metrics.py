"""utils/metrics.py: known values, shapes, and PSNR against scikit-image's."""

import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from utils.metrics import frechet_distance, mse_per_pixel, psnr, sse_per_image, ssim


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
    with pytest.raises(ValueError, match="data_range"):
        psnr(np.zeros((1, 4)), np.zeros((1, 4)), data_range=True)
    with pytest.raises(ValueError, match="non-empty batch"):
        psnr(np.zeros(4), np.zeros(4))


@pytest.mark.parametrize("data_range, noise", [(1.0, 0.05), (1.0, 0.3), (255.0, 20.0)])
def test_psnr_is_scikit_image_per_image_averaged(data_range, noise):
    """Per image with skimage.metrics.peak_signal_noise_ratio, then the mean over images (not the PSNR of the
    pooled MSE, which is lower: the log is concave)."""
    rng = np.random.default_rng(3)
    x = rng.random((20, 28, 28)) * data_range
    scales = np.linspace(0.2, 2.0, 20)[:, None, None]  # images of very different error
    x_hat = np.clip(x + rng.normal(0, noise, x.shape) * scales, 0, data_range)
    reference = np.mean([peak_signal_noise_ratio(a, b, data_range=data_range) for a, b in zip(x, x_hat)])
    assert psnr(x, x_hat, data_range=data_range) == pytest.approx(reference, rel=1e-10)
    pooled = 10 * np.log10(data_range**2 / np.mean((x - x_hat) ** 2))
    assert psnr(x, x_hat, data_range=data_range) > pooled + 0.1


def test_ssim_is_scikit_image_per_image_averaged():
    rng = np.random.default_rng(4)
    x = rng.random((6, 784))
    x_hat = np.clip(x + rng.normal(0, 0.1, x.shape), 0, 1)
    reference = np.mean([structural_similarity(a.reshape(28, 28), b.reshape(28, 28), data_range=1.0)
                         for a, b in zip(x, x_hat)])
    assert ssim(x, x_hat) == pytest.approx(reference) and ssim(x, x) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="not 10x10"):
        ssim(x, x_hat, side=10)


def test_ssim():
    img = np.random.default_rng(0).random((3, 784))
    assert ssim(img, img) == pytest.approx(1.0)
    assert ssim(img, np.clip(img + 0.3, 0, 1)) < 0.99
    with pytest.raises(ValueError, match="28x28"):
        ssim(np.zeros((2, 100)), np.zeros((2, 100)))


def test_frechet_distance():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4000, 3))
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    shifted = a + np.array([3.0, 0.0, 4.0])
    assert frechet_distance(a, shifted) == pytest.approx(25.0, rel=1e-6)  # |mean difference|^2, same covariance
    # N(0, I) against N(0, 4 I) in 3-D: trace(I + 4I - 2 * 2I) = 3
    assert frechet_distance(a, 2 * rng.standard_normal((4000, 3))) == pytest.approx(3.0, rel=0.1)
    with pytest.raises(ValueError, match="feature vectors"):
        frechet_distance(a, a[:, :2])
