"""Classical baselines the autoencoders are measured against: PCA and k nearest neighbours."""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def fit_pca(x_train: np.ndarray, n_components: int, seed: int = 0) -> PCA:
    """Fit PCA with ``n_components`` on flattened training images (the linear autoencoder's optimum)."""
    x_train = np.asarray(x_train).reshape(len(x_train), -1)
    if isinstance(n_components, bool) or not isinstance(n_components, int) or not 0 < n_components <= x_train.shape[1]:
        raise ValueError(f"n_components must be an int in 1..{x_train.shape[1]}, got {n_components!r}")
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
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive int, got {k!r}")
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
