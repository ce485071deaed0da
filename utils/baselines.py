"""Classical baselines the autoencoders are measured against: PCA, k nearest neighbours, linear
classifiers, classical denoising filters (notebooks 04, 05) and classical anomaly detectors (notebook 07).

- codes and features: :func:`fit_pca`, :func:`pca_reconstruct`, :func:`knn_accuracy`, :func:`linear_probe`
  (its setting chosen on the labelled training images: :func:`choose_probe`, :class:`ProbeSetting`)
- denoising: :func:`classical_denoisers`, :func:`best_setting`, :func:`best_filter`
- anomaly scores (larger: more anomalous), each fitted on normal training images: :func:`pca_error`,
  :func:`knn_distance`, :func:`isolation_forest_score`, :func:`ocsvm_score`, all four: :func:`baseline_scores`
- 2-D maps fitted on training images that place new ones (notebook 08), computed once and cached:
  :func:`tsne_map` (openTSNE), :func:`umap_map` (umap-learn)
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from scipy import ndimage
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import OneClassSVM
from threadpoolctl import ThreadpoolController, threadpool_limits

from .checks import check_int, check_number, flat_images, optional_positive_int, positive_int
from .noise import corrupt


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


#: The probe's regularisation grid (scikit-learn's C: larger is weaker) that :func:`choose_probe` searches.
PROBE_CS: tuple[float, ...] = (0.01, 0.1, 1.0, 10.0)


@dataclass(frozen=True)
class ProbeSetting:
    """A linear probe's setting: the inverse regularisation ``c`` of logistic regression, whether the
    features are standardised first, and (when chosen by :func:`choose_probe`) the mean accuracy it reached
    over the folds of the selection."""

    c: float
    standardise: bool
    cv_accuracy: float = float("nan")

    def __str__(self) -> str:
        return f"C = {self.c:g}, {'standardised' if self.standardise else 'unscaled'}"


#: The probe of the collection before its setting was chosen per feature set: standardised, C = 1.
#: Notebook 05 and its benchmark section still use it (until 05's next full-mode run).
FIXED_PROBE = ProbeSetting(c=1.0, standardise=True)


@cache
def _blas_threads() -> ThreadpoolController:
    """The BLAS libraries loaded in this process, found once: looking them up for every fit cost about 8 ms,
    some 2 s of a notebook's hundreds of probe fits."""
    return ThreadpoolController()


def _fit_probe(setting: ProbeSetting, max_iter: int, features: np.ndarray, labels: np.ndarray) -> Any:
    """Logistic regression with ``setting``, fitted. At most ``max_iter`` L-BFGS iterations: weak regularisation
    on unscaled pixels may stop there before full convergence; the fit is then used as it is (the selection
    scores exactly that), without the warning scikit-learn prints for each such fit. One BLAS thread: these
    small fits gain nothing from more, and with other work on the CPU more threads made them up to 40 times
    slower (measured on 2 cores); it also keeps the result independent of the thread count."""
    clf = LogisticRegression(C=setting.c, max_iter=max_iter)
    model = make_pipeline(StandardScaler(), clf) if setting.standardise else clf
    with warnings.catch_warnings(), _blas_threads().limit(limits=1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(features, labels)


def _fold_score(setting: ProbeSetting, max_iter: int, f_fit: np.ndarray, y_fit: np.ndarray, f_held: np.ndarray,
                y_held: np.ndarray) -> float:
    """Held-out accuracy of the probe with ``setting`` fitted on one fold's training part."""
    return float(_fit_probe(setting, max_iter, f_fit, y_fit).score(f_held, y_held))


def choose_probe(train_features: np.ndarray, y_train: np.ndarray, *, cs: Sequence[float] = PROBE_CS,
                 folds: int = 3, max_images: int = 1000, seed: int = 0, max_iter: int = 1000,
                 n_jobs: int | None = None) -> ProbeSetting:
    """Choose the linear probe's setting (C from ``cs``; standardised or not) on the labelled training images
    only, by stratified ``folds``-fold cross-validation: the setting with the highest mean held-out accuracy
    (ties: the smaller C, then unscaled). Never looks at test images.

    With more than ``max_images`` labelled images, the selection uses a stratified subsample of that many
    (``seed``), which bounds its cost; the probe is then fitted on all of them, where the same C regularises
    relatively less (scikit-learn's C multiplies the sum of the losses), as more data allows.

    The ``2 * len(cs) * folds`` fits are independent: they run in ``n_jobs`` worker processes (default: the
    CPU's cores, at most 4), each fit on one BLAS thread as in a single process, so the choice and its scores
    are the same for any ``n_jobs`` (``1``: no worker processes). Each fit is small and mostly Python-bound,
    so threads would not help; processes did: 1.3 to 2 times the speed on 2 cores once the workers run (they
    start once per Python process, in about 2 s, and then stay).

    Raises:
        ValueError: features and labels differ in length, ``cs`` is empty or not positive, a class has
            fewer labelled images than ``folds``, or ``n_jobs`` is not a positive int.
    """
    train_features, y_train = np.asarray(train_features), np.asarray(y_train)
    if len(train_features) != len(y_train):
        raise ValueError(f"features and labels must have the same length, got {len(train_features)} and {len(y_train)}")
    if not cs or any(not c > 0 for c in cs):
        raise ValueError(f"cs must be positive regularisation values such as {PROBE_CS}, got {tuple(cs)}")
    folds, max_images = check_int("folds", folds, 2, None), positive_int("max_images", max_images)
    n_jobs = min(4, os.cpu_count() or 1) if n_jobs is None else positive_int("n_jobs", n_jobs)
    fewest = int(np.unique(y_train, return_counts=True)[1].min()) if len(y_train) else 0
    if fewest < folds:
        raise ValueError(f"choosing the probe by {folds}-fold cross-validation needs at least {folds} labelled "
                         f"images of every class, got {fewest}; label more images or pass folds=2")
    f, y = train_features, y_train
    if len(y) > max_images:
        f, _, y, _ = train_test_split(f, y, train_size=max_images, stratify=y, random_state=seed)
    split = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(f, y))
    settings = [ProbeSetting(c, standardise) for standardise in (False, True) for c in sorted(cs)]
    jobs = [(setting, max_iter, f[a], y[a], f[b], y[b]) for setting in settings for a, b in split]
    held_out = Parallel(n_jobs=min(n_jobs, len(jobs)))(delayed(_fold_score)(*job) for job in jobs)  # 1: in-process
    scores = {s: float(np.mean(held_out[i * len(split):(i + 1) * len(split)])) for i, s in enumerate(settings)}
    best = max(scores, key=scores.get)  # the first of the best: smaller C, unscaled
    return ProbeSetting(best.c, best.standardise, scores[best])


def linear_probe(
    train_features: np.ndarray, y_train: np.ndarray, test_features: np.ndarray, y_test: np.ndarray,
    *, setting: ProbeSetting | None = None, seed: int = 0, max_iter: int = 1000,
) -> float:
    """Test accuracy of logistic regression (a linear classifier) fitted on the training features and labels.

    The standard way to ask "how linearly readable is this representation?". Its setting (regularisation C,
    standardised or not) is ``setting``, or, by default, chosen on the labelled training images by
    :func:`choose_probe` (``seed``): the same way for every feature set compared, never on the test set.
    """
    if len(train_features) != len(y_train) or len(test_features) != len(y_test):
        raise ValueError("features and labels must have the same length")
    if setting is None:
        setting = choose_probe(train_features, y_train, seed=seed, max_iter=max_iter)
    return float(_fit_probe(setting, max_iter, train_features, y_train).score(test_features, y_test))


Denoiser = Callable[[np.ndarray], np.ndarray]


def classical_denoisers(
    x_clean: np.ndarray,
    *,
    median_sizes: Sequence[int],
    blur_sigmas: Sequence[float],
    pca_components: Sequence[int],
    thresholds: Sequence[float] = (),
    seed: int = 0,
) -> dict[str, dict[Any, Denoiser]]:
    """The classical denoisers of notebook 04, each at the settings it is tuned over.

    Returns ``{name: {setting: function}}``; each function maps flattened 28x28 images to flattened
    images. Median filter of each size in ``median_sizes`` (pixels); Gaussian blur of each standard
    deviation in ``blur_sigmas`` (pixels); projection on the top ``k`` principal components of ``x_clean``
    (clean training images) for each ``k`` in ``pca_components``, clipped to [0, 1]. With ``thresholds``, also
    **blur + threshold**: the Gaussian blur of each sigma, then every pixel below the threshold set to 0 (the
    background), for each pair ``(sigma, threshold)``. Notebooks 04, 05 and the benchmark pass the grids of
    ``utils.experiments.EXPERIMENTS["04"]`` (05 without thresholds).

    Raises:
        ValueError: ``x_clean`` is not flattened 28x28 images, a grid is empty, or there are fewer clean
            images than the largest number of components.
    """
    x_clean = np.asarray(x_clean)
    if x_clean.ndim != 2 or x_clean.shape[1] != 784:
        raise ValueError(f"x_clean must be flattened 28x28 images, shape (n, 784), got {x_clean.shape}")
    if not (median_sizes and blur_sigmas and pca_components):
        raise ValueError("each grid (median_sizes, blur_sigmas, pca_components) needs at least one setting")
    if any(not 0 < t < 1 for t in thresholds):
        raise ValueError(f"thresholds are pixel values between 0 and 1, got {tuple(thresholds)}")
    if len(x_clean) < max(pca_components):
        raise ValueError(f"PCA with up to {max(pca_components)} components needs at least that many clean images, "
                         f"got {len(x_clean)}")

    def images(x: np.ndarray) -> np.ndarray:
        return np.asarray(x).reshape(-1, 28, 28)

    def blur(x: np.ndarray, sigma: float) -> np.ndarray:
        return ndimage.gaussian_filter(images(x), sigma=(0, sigma, sigma)).reshape(len(x), -1)

    def blur_threshold(x: np.ndarray, sigma: float, threshold: float) -> np.ndarray:
        out = blur(x, sigma)
        return np.where(out < threshold, 0.0, out).astype(np.float32)

    pcas = {k: fit_pca(x_clean, k, seed=seed) for k in pca_components}
    filters: dict[str, dict[Any, Denoiser]] = {
        "median filter": {s: (lambda x, s=s: ndimage.median_filter(images(x), size=(1, s, s)).reshape(len(x), -1))
                          for s in median_sizes},
        "Gaussian blur": {s: (lambda x, s=s: blur(x, s)) for s in blur_sigmas},
        "PCA projection": {k: (lambda x, p=p: np.clip(pca_reconstruct(p, x), 0, 1)) for k, p in pcas.items()},
    }
    if thresholds:
        filters["blur + threshold"] = {(s, t): (lambda x, s=s, t=t: blur_threshold(x, s, t))
                                       for s in blur_sigmas for t in thresholds}
    return filters


def best_setting(settings: dict[Any, Denoiser], clean: np.ndarray, noisy: np.ndarray) -> tuple[Any, Denoiser]:
    """The setting whose output has the highest PSNR against ``clean`` (held-out images, not the test set)."""
    from .metrics import psnr

    if not settings:
        raise ValueError("no settings to choose from")
    best = max(settings, key=lambda s: psnr(clean, settings[s](noisy)))
    return best, settings[best]


def best_filter(filters: Mapping[str, dict[Any, Denoiser]], name: str, x_tuning: np.ndarray, kind: str,
                level: float, *, seed: int) -> tuple[Any, Denoiser]:
    """The setting of the classical filter ``filters[name]`` with the highest PSNR on held-out images.

    ``filters`` is what :func:`classical_denoisers` returns; the filter is tuned on ``x_tuning`` (clean
    held-out images, never the test set) corrupted by noise ``kind`` at ``level`` with ``seed``
    (:func:`utils.noise.corrupt`). Returns ``(setting, function)`` as :func:`best_setting` does.

    Raises:
        ValueError: ``name`` is not a filter of ``filters``, or ``kind`` / ``level`` is not a valid noise.
    """
    if name not in filters:
        raise ValueError(f"no filter named {name!r}; choose one of {sorted(filters)}")
    return best_setting(filters[name], x_tuning, corrupt(x_tuning, kind, level, seed=seed))


def pca_error(x_train: np.ndarray, x: np.ndarray, n_components: int, seed: int = 0) -> np.ndarray:
    """PCA reconstruction error per image: PCA with ``n_components`` fitted on the normal ``x_train``."""
    pca = fit_pca(flat_images("x_train", x_train), n_components, seed=seed)
    x = flat_images("x", x)
    return np.mean((x.astype(np.float64) - pca_reconstruct(pca, x)) ** 2, axis=1)


def knn_distance(x_train: np.ndarray, x: np.ndarray, k: int) -> np.ndarray:
    """Euclidean distance from each image of ``x`` to its ``k``-th nearest normal training image."""
    x_train, x = flat_images("x_train", x_train), flat_images("x", x)
    k = positive_int("k", k)
    if k > len(x_train):
        raise ValueError(f"k={k} is larger than the {len(x_train)} training images")
    distances, _ = NearestNeighbors(n_neighbors=k).fit(x_train).kneighbors(x)
    return distances[:, -1]


def isolation_forest_score(x_train: np.ndarray, x: np.ndarray, n_trees: int = 100, seed: int = 0) -> np.ndarray:
    """Isolation forest (Liu et al., 2008) fitted on ``x_train``: how easily each image is isolated."""
    forest = IsolationForest(n_estimators=positive_int("n_trees", n_trees), random_state=seed)
    return -forest.fit(flat_images("x_train", x_train)).score_samples(flat_images("x", x))


def ocsvm_score(x_train: np.ndarray, x: np.ndarray, nu: float = 0.1, max_train: int | None = None,
                seed: int = 0) -> np.ndarray:
    """One-class SVM (Schölkopf et al., 2001), RBF kernel (``gamma="scale"``), fitted on ``x_train``.

    Its cost grows with the square of the number of training images, so at most ``max_train`` of them
    (drawn with ``seed``; ``None``: all) are used.
    """
    x_train, x = flat_images("x_train", x_train), flat_images("x", x)
    if not 0 < nu <= 1:
        raise ValueError(f"nu must be in (0, 1], got {nu!r}")
    max_train = optional_positive_int("max_train", max_train)
    if max_train is not None and len(x_train) > max_train:
        x_train = x_train[np.sort(np.random.default_rng(seed).choice(len(x_train), max_train, replace=False))]
    return -OneClassSVM(kernel="rbf", gamma="scale", nu=nu).fit(x_train).score_samples(x)


def baseline_scores(x_train: np.ndarray, x: np.ndarray, *, pca_components: int, knn_k: int, n_trees: int,
                    ocsvm_nu: float, ocsvm_max_train: int | None, seed: int = 0) -> dict[str, np.ndarray]:
    """The four classical anomaly scores of notebook 07, each fitted on the normal ``x_train`` and applied to ``x``."""
    return {
        f"PCA-{pca_components} error": pca_error(x_train, x, pca_components, seed=seed),
        f"{knn_k}-NN distance": knn_distance(x_train, x, knn_k),
        "isolation forest": isolation_forest_score(x_train, x, n_trees, seed=seed),
        "one-class SVM": ocsvm_score(x_train, x, ocsvm_nu, ocsvm_max_train, seed=seed),
    }


def tsne_map(x_train: np.ndarray, x_test: np.ndarray, *, perplexity: float = 30.0, seed: int = 0,
             cache: Path | None = None) -> tuple[np.ndarray, np.ndarray, float]:
    """t-SNE (openTSNE, its defaults: PCA initialisation, FFT gradients) fitted on ``x_train``, with ``x_test``
    placed into the fitted map by openTSNE's ``transform`` (the training map stays fixed but for the shift that
    centres it, which the returned training codes include). Returns the training
    codes, the test codes and the seconds both steps took; computed once and kept in the ``cache`` folder
    (``None``: not kept), keyed by the images' contents and the settings."""
    from importlib.metadata import version

    from .cache import array_digest, cached_arrays  # here: utils.cache imports Keras, this module does not

    check_number("perplexity", perplexity, 1, 1000)

    def compute() -> dict[str, np.ndarray]:
        from openTSNE import TSNE  # here: an optional, slow import that only this function needs

        with threadpool_limits(limits=2):
            embedding = TSNE(perplexity=perplexity, n_jobs=2, random_state=seed, verbose=False).fit(x_train)
            # transform first: openTSNE centres the training map in place (a shift) before it places the new
            # points, so the training codes are read afterwards, in the frame the test codes are placed in
            test = embedding.transform(x_test)
            return {"train": np.asarray(embedding, np.float32), "test": np.asarray(test, np.float32)}

    settings = {"what": "tsne", "train": array_digest(x_train), "test": array_digest(x_test),
                "perplexity": perplexity, "seed": seed, "opentsne": version("openTSNE"),
                "training map": "read after transform"}  # entries made before that are not trusted
    arrays, seconds, _ = cached_arrays(cache, "tsne", settings, compute)
    return arrays["train"], arrays["test"], seconds


#: Below this many training images umap-learn finds the exact neighbours from all pairwise distances
#: (its ``small data`` path) instead of approximate ones (pynndescent); :func:`umap_map` keeps that rule.
UMAP_EXACT_BELOW = 4096


def knn_distance_matrix(distances: np.ndarray, n_neighbors: int) -> Any:
    """The ``n_neighbors`` nearest of each row of a square distance matrix as a symmetric sparse matrix.

    Row i keeps its ``n_neighbors`` smallest distances (its own 0 on the diagonal among them, stored explicitly),
    and every kept entry (i, j) is mirrored to (j, i): the structure umap-learn asks of a sparse precomputed
    metric. A mirrored entry is never nearer than the row's own ``n_neighbors``-th, so each row's nearest
    ``n_neighbors`` are those of the dense matrix (ties aside).

    Raises:
        ValueError: ``distances`` is not square, has fewer rows than ``n_neighbors``, or ``n_neighbors`` is not a
            positive int.
    """
    from scipy import sparse

    n_neighbors = positive_int("n_neighbors", n_neighbors)
    distances = np.asarray(distances)
    if distances.ndim != 2 or distances.shape[0] != distances.shape[1] or len(distances) < n_neighbors:
        raise ValueError(f"distances must be a square matrix with at least {n_neighbors} rows, got shape "
                         f"{distances.shape}")
    nearest = np.argsort(distances, axis=1, kind="stable")[:, :n_neighbors]
    rows = np.repeat(np.arange(len(distances)), n_neighbors)
    cols = nearest.ravel()
    pairs = np.unique(np.concatenate([np.stack([rows, cols], 1), np.stack([cols, rows], 1)]), axis=0)
    data = distances[pairs[:, 0], pairs[:, 1]].astype(np.float32)
    data[pairs[:, 0] == pairs[:, 1]] = 0.0  # explicit zeros: a row's own distance stays one of its entries
    return sparse.csr_matrix((data, (pairs[:, 0], pairs[:, 1])), shape=distances.shape)


def umap_map(x_train: np.ndarray, x_test: np.ndarray, *, n_neighbors: int = 15, seed: int = 0,
             cache: Path | None = None) -> tuple[np.ndarray, np.ndarray, float]:
    """UMAP (umap-learn, its defaults) fitted on ``x_train``, with ``x_test`` placed by its ``transform``.
    Returns the training codes, the test codes and the seconds; cached like :func:`tsne_map`.

    Below :data:`UMAP_EXACT_BELOW` training images umap-learn computes all Euclidean distances itself, but
    through one Python call per pair of images (most of its time on a few thousand images); there they are
    computed here by scikit-learn and given to umap-learn as a precomputed metric instead: the same exact
    neighbours (up to float rounding) and the same algorithm, in a fraction of a second. They are given as the
    sparse matrix of :func:`knn_distance_matrix` (each image's ``n_neighbors`` nearest, itself included, and the
    same entries mirrored): umap-learn then reads each row's nearest with NumPy instead of compiling a Numba
    function for it first (about 5 s of every quick-mode run).
    """
    from importlib.metadata import version

    from .cache import array_digest, cached_arrays  # here: utils.cache imports Keras, this module does not

    n_neighbors = positive_int("n_neighbors", n_neighbors)
    exact = len(x_train) < UMAP_EXACT_BELOW

    def compute() -> dict[str, np.ndarray]:
        import umap  # here: an optional, slow import that only this function needs
        from sklearn.metrics import euclidean_distances

        # n_jobs=1: a random_state makes umap-learn run on one thread anyway (and warn when n_jobs is not 1)
        options = {"n_neighbors": n_neighbors, "random_state": seed, "n_jobs": 1}
        if not exact:
            reducer = umap.UMAP(**options).fit(x_train)
            return {"train": np.asarray(reducer.embedding_, np.float32),
                    "test": np.asarray(reducer.transform(x_test), np.float32)}
        with warnings.catch_warnings():  # "precomputed metric: no inverse_transform" and the like
            warnings.filterwarnings("ignore", message=".*precomputed metric.*", category=UserWarning)
            reducer = umap.UMAP(metric="precomputed", **options).fit(
                knn_distance_matrix(euclidean_distances(x_train), n_neighbors))
            test = reducer.transform(euclidean_distances(x_test, x_train))
        return {"train": np.asarray(reducer.embedding_, np.float32), "test": np.asarray(test, np.float32)}

    settings = {"what": "umap", "train": array_digest(x_train), "test": array_digest(x_test),
                "n_neighbors": n_neighbors, "seed": seed, "umap": version("umap-learn"),
                **({"distances": "scikit-learn, nearest only"} if exact else {})}
    arrays, seconds, _ = cached_arrays(cache, "umap", settings, compute)
    return arrays["train"], arrays["test"], seconds
