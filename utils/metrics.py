"""Reconstruction quality: error per pixel, error per image, PSNR, SSIM (inputs in [0, 1]); and how far apart
two sets of samples lie in a feature space (:func:`frechet_distance`)."""

from __future__ import annotations

import numpy as np

from .checks import check_number, positive_int


def _flat_pair(x: np.ndarray, x_hat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Check that ``x`` and ``x_hat`` are the same non-empty batch of images; return both flattened, as float64."""
    x = np.asarray(x, dtype=np.float64)
    x_hat = np.asarray(x_hat, dtype=np.float64)
    if x.shape != x_hat.shape:
        raise ValueError(f"x has shape {x.shape} but x_hat has shape {x_hat.shape}; they must match")
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"expected a non-empty batch of images, got shape {x.shape}")
    return x.reshape(len(x), -1), x_hat.reshape(len(x_hat), -1)


def mse_per_pixel(x: np.ndarray, x_hat: np.ndarray) -> float:
    """Mean squared error over all pixels of all images (what Keras' ``"mse"`` loss reports)."""
    x, x_hat = _flat_pair(x, x_hat)
    return float(np.mean((x - x_hat) ** 2))


def sse_per_image(x: np.ndarray, x_hat: np.ndarray) -> float:
    """Summed squared error per image, averaged over images.

    The unit of Hinton & Salakhutdinov (2006), pixels in [0, 1]: on the MNIST test set PCA with 30
    components gives 13.87 and their deep autoencoder 3.00. Equals 784 x :func:`mse_per_pixel`.
    """
    x, x_hat = _flat_pair(x, x_hat)
    return float(np.mean(np.sum((x - x_hat) ** 2, axis=1)))


def psnr(x: np.ndarray, x_hat: np.ndarray, data_range: float = 1.0) -> float:
    """Peak signal-to-noise ratio in dB, computed per image and averaged over images.

    ``10 log10(data_range**2 / MSE)``; higher is better, +6 dB is half the RMS error. A perfect
    image (MSE 0) counts as 100 dB so that the mean stays finite.
    """
    check_number("data_range", data_range, 0, float("inf"))
    x, x_hat = _flat_pair(x, x_hat)
    mse = np.mean((x - x_hat) ** 2, axis=1)
    values = np.where(mse > 0, 10 * np.log10(data_range**2 / np.maximum(mse, 1e-300)), 100.0)
    return float(np.mean(values))


def ssim(x: np.ndarray, x_hat: np.ndarray, side: int = 28) -> float:
    """Mean structural similarity (SSIM, 1 = identical) over images of ``side`` x ``side`` pixels in [0, 1]."""
    from skimage.metrics import structural_similarity

    side = positive_int("side", side)
    x, x_hat = _flat_pair(x, x_hat)
    if x.shape[1] != side * side:
        raise ValueError(f"images have {x.shape[1]} pixels, not {side}x{side}; pass side=")
    return float(np.mean([structural_similarity(a.reshape(side, side), b.reshape(side, side), data_range=1.0)
                          for a, b in zip(x, x_hat)]))


def frechet_distance(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to two sets of feature vectors (rows): 0 for equal means and
    covariances, larger the more the two distributions differ.

    ``|mean_a - mean_b|^2 + trace(C_a + C_b - 2 (C_a C_b)^(1/2))``: the FID of Heusel et al. (2017) when the
    features come from an Inception network; here any feature extractor (notebook 06: a digit classifier's
    hidden layer). Compare distances computed with the same number of samples: the estimate is biased
    upward for few samples.

    Raises:
        ValueError: the arrays are not 2-D with the same number of features, or have fewer than 2 rows.
    """
    a, b = np.asarray(features_a, dtype=np.float64), np.asarray(features_b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1] or len(a) < 2 or len(b) < 2:
        raise ValueError(f"expected two sets of feature vectors, shapes (n, d) and (m, d) with n, m >= 2; "
                         f"got {a.shape} and {b.shape}")
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    # trace((C_a C_b)^(1/2)) = trace((R C_b R)^(1/2)) with R = C_a^(1/2): symmetric matrices only (eigh)
    w, v = np.linalg.eigh(cov_a)
    root_a = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    root_trace = np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ cov_b @ root_a), 0, None)).sum()
    return float(np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * root_trace)
