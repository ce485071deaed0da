"""Anomaly detection on MNIST: the protocols, the preprocessing of the published benchmark, the scores and
the step from a score to a decision (notebook 07 and ``benchmarks/anomaly.py``). The classical detectors
(PCA error, k-NN distance, isolation forest, one-class SVM) are in :mod:`utils.baselines`; the per-digit
table of AUROCs in :mod:`utils.tables`.

A *score* is a number per image, larger meaning "more anomalous"; every function here follows that
convention, so any score can go straight into :func:`auroc`. The two protocols:

- **one-vs-rest** (Ruff et al., ICML 2018): one digit is normal; train on that digit's training images
  only; score the whole test set; the other nine digits are the anomalies (90 % of the test set).
- **leave-one-digit-out**: nine digits are normal; the tenth, never seen in training, is the anomaly
  (10 % of the test set). Harder: the anomaly has to be told apart from nine kinds of normal.

Both hold out ``n_validation`` training images of every normal digit, drawn at random (seeded), as normal
validation images: they are never trained on, and a threshold is chosen on them (:func:`threshold_at`). With training
images of the digits that are not normal, they also choose a score's settings (:func:`validation_set`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from scipy.ndimage import gaussian_filter
from sklearn.metrics import precision_score, recall_score, roc_auc_score
from sklearn.neighbors import NearestNeighbors

from .baselines import fit_pca, pca_reconstruct
from .checks import flat_images, optional_positive_int, positive_int

if TYPE_CHECKING:  # only for the type hint: importing this module starts no Keras backend
    import keras

OOD_KINDS = ("uniform noise", "inverted", "rotated 90°", "blank")
"""The out-of-distribution inputs of :func:`ood_images`."""


class Protocol(NamedTuple):
    """One anomaly-detection task on MNIST.

    ``train`` and ``validation``: indices into the training set (normal images only); ``anomalous``: one bool
    per test image, True for the anomalies; ``normal_digits``: the digits that count as normal.
    """

    train: np.ndarray
    validation: np.ndarray
    anomalous: np.ndarray
    normal_digits: tuple[int, ...]


def _check_digit(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value <= 9:
        raise ValueError(f"{name} must be a digit 0..9, got {value!r}")
    return int(value)


def normal_split(
    y_train: np.ndarray, digits: Sequence[int], n_validation: int, n_train_per_digit: int | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Training and validation indices of the images of ``digits``, taken digit by digit.

    For every digit, ``n_validation`` of its training images, drawn at random, are validation images; training
    uses the first ``n_train_per_digit`` of the others in the data's order (``None``: all of them). The draw
    for a digit depends only on ``seed`` and the digit, so a digit has the same validation images in every
    protocol. Both index arrays are sorted.

    Raises:
        ValueError: a digit is not in 0..9, a count is not positive, or a digit has too few images.
    """
    y_train = np.asarray(y_train)
    n_validation = positive_int("n_validation", n_validation)
    n_train_per_digit = optional_positive_int("n_train_per_digit", n_train_per_digit)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    train, validation = [], []
    for d in digits:
        d = _check_digit("digit", d)
        pool = np.flatnonzero(y_train == d)
        need = n_validation + (n_train_per_digit or 1)
        if len(pool) < need:
            raise ValueError(f"digit {d} has {len(pool)} training images, fewer than the {need} needed "
                             f"({n_validation} for validation, {n_train_per_digit or 1} or more for training); "
                             "load more training images or ask for fewer")
        held = np.sort(np.random.default_rng([int(seed), d]).choice(pool, n_validation, replace=False))
        rest = np.setdiff1d(pool, held)  # sorted: the data's order
        validation.append(held)
        train.append(rest if n_train_per_digit is None else rest[:n_train_per_digit])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(validation))


def one_vs_rest(y_train: np.ndarray, y_test: np.ndarray, digit: int, n_validation: int,
                n_train_per_digit: int | None = None, seed: int = 0) -> Protocol:
    """The published protocol: ``digit`` is normal, every other test digit is an anomaly (validation images
    drawn as :func:`normal_split` says, with ``seed``)."""
    digit = _check_digit("digit", digit)
    train, validation = normal_split(y_train, [digit], n_validation, n_train_per_digit, seed)
    return Protocol(train, validation, np.asarray(y_test) != digit, (digit,))


def leave_one_out(y_train: np.ndarray, y_test: np.ndarray, held_out: int, n_validation: int,
                  n_train_per_digit: int | None = None, seed: int = 0) -> Protocol:
    """The harder protocol: every digit but ``held_out`` is normal; ``held_out`` is the anomaly (validation
    images drawn as :func:`normal_split` says, with ``seed``)."""
    held_out = _check_digit("held_out", held_out)
    normal = tuple(d for d in range(10) if d != held_out)
    train, validation = normal_split(y_train, normal, n_validation, n_train_per_digit, seed)
    return Protocol(train, validation, np.asarray(y_test) == held_out, normal)


def validation_set(protocol: Protocol, y_train: np.ndarray, n_per_anomalous_digit: int, seed: int = 0
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Images to choose a score's settings on without the test set: indices into the training set, and
    one bool per index, True for the anomalies.

    The normal images are ``protocol.validation`` (never trained on). The anomalies are training images of
    the digits that are *not* normal in ``protocol``, ``n_per_anomalous_digit`` of each drawn at random
    (``seed``): the detectors of both protocols train on normal digits only, so these images are as unseen
    as the test set's anomalies, and no test image is used.

    Raises:
        ValueError: the count is not positive, or a digit has fewer training images than asked for.
    """
    y_train = np.asarray(y_train)
    n = positive_int("n_per_anomalous_digit", n_per_anomalous_digit)
    rng = np.random.default_rng(seed)
    anomalies = []
    for d in (d for d in range(10) if d not in protocol.normal_digits):
        pool = np.flatnonzero(y_train == d)
        if len(pool) < n:
            raise ValueError(f"digit {d} has {len(pool)} training images, fewer than the {n} asked for; "
                             "ask for fewer or load more training images")
        anomalies.append(np.sort(rng.choice(pool, n, replace=False)))
    index = np.concatenate([protocol.validation, *anomalies])
    return index, np.r_[np.zeros(len(protocol.validation), bool), np.ones(len(index) - len(protocol.validation), bool)]


def gcn_minmax(x_fit: np.ndarray, *others: np.ndarray) -> list[np.ndarray]:
    """Ruff et al.'s MNIST preprocessing: global contrast normalisation, then min-max scaling.

    Global contrast normalisation (L1): from each image subtract its own mean pixel value and divide by its
    mean absolute deviation, so every image has the same "contrast" however thick or faint its strokes.
    Min-max scaling: one affine map, from the smallest and largest value over all of ``x_fit`` (the normal
    training images) to [0, 1]; the same map is applied to ``others``, whose values may fall slightly
    outside [0, 1]. Returns ``[x_fit, *others]`` transformed, as float32.

    Raises:
        ValueError: an array is not a batch of flattened images, or an image is constant (no contrast).
    """
    def gcn(x: np.ndarray) -> np.ndarray:
        x = flat_images("images", x).astype(np.float64)
        centred = x - x.mean(axis=1, keepdims=True)
        scale = np.abs(centred).mean(axis=1, keepdims=True)
        if np.any(scale == 0):
            raise ValueError("global contrast normalisation needs images with some contrast; "
                             f"{int(np.sum(scale == 0))} image(s) are constant")
        return centred / scale

    fit = gcn(x_fit)
    lo, hi = fit.min(), fit.max()
    return [((a - lo) / (hi - lo)).astype(np.float32) for a in (fit, *(gcn(o) for o in others))]


def reconstruction_error(model: keras.Model, x: np.ndarray, batch_size: int = 2048) -> np.ndarray:
    """The anomaly score of an autoencoder: mean squared error of each image's reconstruction (one per image).

    ``x`` is a batch of images as the model takes them: flattened, shape (n, pixels), for a dense autoencoder,
    or (n, height, width, channels) for a convolutional one.
    """
    x = np.asarray(x)
    if x.ndim not in (2, 4) or len(x) == 0:
        raise ValueError(f"x must be a non-empty batch of images, shape (n, pixels) or (n, height, width, channels), "
                         f"got {x.shape}")
    from .models import predict  # here, not at the top: the rest of this module needs no Keras backend

    return squared_error(x, predict(model, x, batch_size=batch_size).reshape(x.shape))


def squared_error(x: np.ndarray, x_hat: np.ndarray) -> np.ndarray:
    """The plain score: mean squared error of each image's reconstruction ``x_hat`` (any image shape)."""
    x, x_hat = np.asarray(x, dtype=np.float64), np.asarray(x_hat, dtype=np.float64)
    if x.shape != x_hat.shape or len(x) == 0:
        raise ValueError(f"x and x_hat must be the same non-empty batch, got shapes {x.shape} and {x_hat.shape}")
    return np.mean(((x - x_hat) ** 2).reshape(len(x), -1), axis=1)


def _blurred(x: np.ndarray, sigma: float, side: int) -> np.ndarray:
    """Each flattened ``side`` x ``side`` image of ``x`` blurred by a Gaussian of ``sigma`` pixels (0: unchanged)."""
    if sigma == 0:
        return x
    return gaussian_filter(x.reshape(-1, side, side), sigma=(0, sigma, sigma)).reshape(len(x), -1)


def _check_score_settings(sigma: float, ink_offset: float) -> None:
    if not (isinstance(sigma, (int, float)) and 0 <= sigma <= 10):
        raise ValueError(f"sigma is the blur's width in pixels, a number in [0, 10], got {sigma!r}")
    if not (isinstance(ink_offset, (int, float)) and ink_offset > 0):
        raise ValueError(f"ink_offset must be a positive number (it keeps blank images from dividing by 0), "
                         f"got {ink_offset!r}")


def normalised_error(x: np.ndarray, x_hat: np.ndarray, sigma: float, ink_offset: float,
                     side: int = 28) -> np.ndarray:
    """Notebook 07's normalised reconstruction error: at the scale of strokes, relative to the image's ink.

    The residual ``x - x_hat`` of each image is blurred by a Gaussian of ``sigma`` pixels (a stroke drawn a
    pixel off leaves a + and a - side by side, which the blur cancels; a missing or extra stroke survives it),
    its mean square is taken, and divided by the image's ink, its mean squared pixel value, plus
    ``ink_offset`` (so that a blank image does not divide by 0). One score per image. ``x`` and ``x_hat`` are
    batches of flattened ``side`` x ``side`` images (shape (n, side * side)), or (n, side, side, 1).

    Raises:
        ValueError: shapes differ or are not batches of such images, or a setting is out of range.
    """
    x, x_hat = np.asarray(x, dtype=np.float64), np.asarray(x_hat, dtype=np.float64)
    if x.shape != x_hat.shape or len(x) == 0 or x[0].size != side * side:
        raise ValueError(f"x and x_hat must be the same non-empty batch of {side}x{side} images, "
                         f"got shapes {x.shape} and {x_hat.shape}")
    _check_score_settings(sigma, ink_offset)
    x, x_hat = x.reshape(len(x), -1), x_hat.reshape(len(x), -1)
    residual = _blurred(x - x_hat, sigma, side)
    return np.mean(residual ** 2, axis=1) / (np.mean(x ** 2, axis=1) + ink_offset)


def normalised_baseline_scores(x_train: np.ndarray, x: np.ndarray, *, pca_components: int, knn_k: int,
                               sigma: float, ink_offset: float, seed: int = 0, side: int = 28
                               ) -> dict[str, np.ndarray]:
    """The two baselines that compare an image with a reconstruction of it, given the same normalisation.

    ``PCA-k, normalised``: :func:`normalised_error` of the PCA reconstruction. ``k-NN, normalised``: the
    k-th nearest normal training image plays the reconstruction: squared distance between the blurred images
    (per pixel), divided by the image's ink plus ``ink_offset``, as :func:`normalised_error` does.
    """
    x_train, x = flat_images("x_train", x_train), flat_images("x", x)
    _check_score_settings(sigma, ink_offset)
    k = positive_int("knn_k", knn_k)
    if k > len(x_train):
        raise ValueError(f"knn_k={k} is larger than the {len(x_train)} training images")
    pca = fit_pca(x_train, pca_components, seed=seed)
    pca_scores = normalised_error(x, pca_reconstruct(pca, x), sigma, ink_offset, side)
    b_train, b_x = _blurred(x_train.astype(np.float64), sigma, side), _blurred(x.astype(np.float64), sigma, side)
    distances, _ = NearestNeighbors(n_neighbors=k).fit(b_train).kneighbors(b_x)
    ink = np.mean(x.astype(np.float64) ** 2, axis=1)
    knn_scores = distances[:, -1] ** 2 / x.shape[1] / (ink + ink_offset)
    return {f"PCA-{pca_components}, normalised": pca_scores, f"{k}-NN, normalised": knn_scores}


def auroc(anomalous: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve: the probability that a random anomaly scores above a random normal image.

    1 is perfect, 0.5 is chance, below 0.5 means the score ranks anomalies as *more* normal.

    Raises:
        ValueError: lengths differ, or ``anomalous`` does not hold both classes.
    """
    anomalous, scores = np.asarray(anomalous, dtype=bool), np.asarray(scores, dtype=np.float64)
    if anomalous.shape != scores.shape or anomalous.ndim != 1:
        raise ValueError(f"need one score per image: anomalous {anomalous.shape}, scores {scores.shape}")
    if anomalous.all() or not anomalous.any():
        raise ValueError("AUROC needs both normal and anomalous images among the labels")
    return float(roc_auc_score(anomalous, scores))


def threshold_at(normal_scores: np.ndarray, false_alarm_rate: float) -> float:
    """The score above which only ``false_alarm_rate`` of the normal images lie (a quantile of their scores).

    Choose it on normal *validation* images, never on the test set; on new normal images the fraction
    flagged is then close to ``false_alarm_rate``.
    """
    normal_scores = np.asarray(normal_scores, dtype=np.float64)
    if normal_scores.ndim != 1 or len(normal_scores) == 0:
        raise ValueError("normal_scores must be a non-empty 1-D array")
    if not 0 < false_alarm_rate < 1:
        raise ValueError(f"false_alarm_rate must be in (0, 1), got {false_alarm_rate!r}")
    return float(np.quantile(normal_scores, 1 - false_alarm_rate))


def decision_summary(anomalous: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float]:
    """Flag every image scoring above ``threshold``; return what that decision does on labelled images.

    ``false_alarm_rate``: fraction of normal images flagged; ``recall``: fraction of anomalies flagged;
    ``precision``: fraction of flagged images that are anomalies; ``flagged``: how many were flagged.
    """
    anomalous, scores = np.asarray(anomalous, dtype=bool), np.asarray(scores, dtype=np.float64)
    if anomalous.shape != scores.shape:
        raise ValueError(f"need one score per image: anomalous {anomalous.shape}, scores {scores.shape}")
    flagged = scores > threshold
    return {
        "false_alarm_rate": float(flagged[~anomalous].mean()) if (~anomalous).any() else float("nan"),
        "recall": float(recall_score(anomalous, flagged, zero_division=0)),
        "precision": float(precision_score(anomalous, flagged, zero_division=0)),
        "flagged": int(flagged.sum()),
    }


def ood_images(x: np.ndarray, kind: str, seed: int = 0) -> np.ndarray:
    """Inputs that are not digits, made from flattened 28x28 test digits ``x`` (same shape, values in [0, 1]).

    ``"uniform noise"``: every pixel uniform in [0, 1] (seeded); ``"inverted"``: ``1 - x``, white digits
    become black strokes on a white page; ``"rotated 90°"``: each digit turned a quarter turn
    counter-clockwise; ``"blank"``: all pixels 0, an empty page.
    """
    x = flat_images("x", x)
    if x.shape[1] != 784:
        raise ValueError(f"x must be flattened 28x28 images, shape (n, 784), got {x.shape}")
    if kind == "uniform noise":
        return np.random.default_rng(seed).random(x.shape, dtype=np.float32)
    if kind == "inverted":
        return (1.0 - x).astype(np.float32)
    if kind == "rotated 90°":
        return np.rot90(x.reshape(-1, 28, 28), k=1, axes=(1, 2)).reshape(len(x), 784).astype(np.float32)
    if kind == "blank":
        return np.zeros_like(x, dtype=np.float32)
    raise ValueError(f"kind must be one of {OOD_KINDS}, got {kind!r}")

