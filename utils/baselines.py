"""Classical baselines the autoencoders are measured against: PCA, k nearest neighbours, linear
classifiers and classical denoising filters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy import ndimage
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from .checks import check_int, positive_int


def fit_pca(x_train: np.ndarray, n_components: int, seed: int = 0) -> PCA:
    """Fit PCA with ``n_components`` on flattened training images (the linear autoencoder's optimum)."""
    x_train = np.asarray(x_train).reshape(len(x_train), -1)
    n_components = check_int("n_components", n_components, 1, x_train.shape[1])
    return PCA(n_components=n_components, random_state=seed).fit(x_train)


def pca_reconstruct(pca: PCA, x: np.ndarray) -> np.ndarray:
    """Encode flattened images with a fitted PCA and decode them again (same shape as ``x``)."""
    x = np.asarray(x)
    flat = x.reshape(len(x), -1)
    return pca.inverse_transform(pca.transform(flat)).reshape(x.shape).astype(np.float32)


def knn_accuracy(
    train_codes: np.ndarray, y_train: np.ndarray, test_codes: np.ndarray, y_test: np.ndarray, k: int = 5
) -> float:
    """Test accuracy of a k-NN classifier fitted on training codes (Euclidean distance)."""
    k = positive_int("k", k)
    if len(train_codes) != len(y_train) or len(test_codes) != len(y_test):
        raise ValueError("codes and labels must have the same length")
    clf = KNeighborsClassifier(n_neighbors=k).fit(train_codes, y_train)
    return float(clf.score(test_codes, y_test))


def linear_probe(
    train_features: np.ndarray, y_train: np.ndarray, test_features: np.ndarray, y_test: np.ndarray,
    max_iter: int = 1000,
) -> float:
    """Test accuracy of logistic regression (a linear classifier) on standardised features.

    The standard way to ask "how linearly readable is this representation?": fit on training features
    and labels, score on test features.
    """
    if len(train_features) != len(y_train) or len(test_features) != len(y_test):
        raise ValueError("features and labels must have the same length")
    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=max_iter))
    return float(clf.fit(train_features, y_train).score(test_features, y_test))


Denoiser = Callable[[np.ndarray], np.ndarray]


def classical_denoisers(
    x_clean: np.ndarray,
    *,
    median_sizes: Sequence[int],
    blur_sigmas: Sequence[float],
    pca_components: Sequence[int],
    seed: int = 0,
) -> dict[str, dict[Any, Denoiser]]:
    """The classical denoisers of notebook 04, each at the settings it is tuned over.

    Returns ``{name: {setting: function}}``; each function maps flattened 28x28 images to flattened
    images. Median filter of each size in ``median_sizes`` (pixels); Gaussian blur of each standard
    deviation in ``blur_sigmas`` (pixels); projection on the top ``k`` principal components of ``x_clean``
    (clean training images) for each ``k`` in ``pca_components``, clipped to [0, 1]. Notebook 04 and the
    benchmark pass the grids of ``utils.recipes.EXPERIMENTS["04"]``.

    Raises:
        ValueError: ``x_clean`` is not flattened 28x28 images, a grid is empty, or there are fewer clean
            images than the largest number of components.
    """
    x_clean = np.asarray(x_clean)
    if x_clean.ndim != 2 or x_clean.shape[1] != 784:
        raise ValueError(f"x_clean must be flattened 28x28 images, shape (n, 784), got {x_clean.shape}")
    if not (median_sizes and blur_sigmas and pca_components):
        raise ValueError("each grid (median_sizes, blur_sigmas, pca_components) needs at least one setting")
    if len(x_clean) < max(pca_components):
        raise ValueError(f"PCA with up to {max(pca_components)} components needs at least that many clean images, "
                         f"got {len(x_clean)}")

    def images(x: np.ndarray) -> np.ndarray:
        return np.asarray(x).reshape(-1, 28, 28)

    pcas = {k: fit_pca(x_clean, k, seed=seed) for k in pca_components}
    return {
        "median filter": {s: (lambda x, s=s: ndimage.median_filter(images(x), size=(1, s, s)).reshape(len(x), -1))
                          for s in median_sizes},
        "Gaussian blur": {s: (lambda x, s=s: ndimage.gaussian_filter(images(x), sigma=(0, s, s)).reshape(len(x), -1))
                          for s in blur_sigmas},
        "PCA projection": {k: (lambda x, p=p: np.clip(pca_reconstruct(p, x), 0, 1)) for k, p in pcas.items()},
    }


def best_setting(settings: dict[Any, Denoiser], clean: np.ndarray, noisy: np.ndarray) -> tuple[Any, Denoiser]:
    """The setting whose output has the highest PSNR against ``clean`` (held-out images, not the test set)."""
    from .metrics import psnr

    if not settings:
        raise ValueError("no settings to choose from")
    best = max(settings, key=lambda s: psnr(clean, settings[s](noisy)))
    return best, settings[best]
