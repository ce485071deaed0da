"""MNIST loading: float32 images in [0, 1] and integer labels, validated.

Where the data comes from, in order:

1. the ``path`` argument, or else the file named by ``AE_MNIST_PATH`` (a local ``mnist.npz``
   in the Keras layout: ``x_train`` (60000, 28, 28) uint8, ``y_train`` (60000,), ``x_test``
   (10000, 28, 28), ``y_test`` (10000,));
2. otherwise ``keras.datasets.mnist.load_data()``, which downloads the file once, checks its
   hash and caches it in ``~/.keras/datasets``.

Every problem is a :class:`MnistError` whose message names the file and says what to do.
Files are always read with ``allow_pickle=False``.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

ENV_VAR = "AE_MNIST_PATH"
IMAGE_SHAPE = (28, 28)
EXPECTED = {
    "x_train": ((60000, 28, 28), np.uint8),
    "y_train": ((60000,), np.uint8),
    "x_test": ((10000, 28, 28), np.uint8),
    "y_test": ((10000,), np.uint8),
}


class MnistError(RuntimeError):
    """MNIST could not be loaded; the message says why and how to fix it."""


class Mnist(NamedTuple):
    """MNIST as float32 images in [0, 1] and uint8 labels 0..9."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def _describe(arrays: dict[str, np.ndarray], source: str) -> None:
    """Check keys, shapes, dtypes and label range; raise MnistError on the first problem."""
    missing = [k for k in EXPECTED if k not in arrays]
    if missing:
        raise MnistError(
            f"{source} has no array(s) {missing} (found {sorted(arrays)}). An MNIST file in Keras layout "
            "holds x_train, y_train, x_test, y_test; re-create it or point AE_MNIST_PATH at a correct copy."
        )
    for key, (shape, dtype) in EXPECTED.items():
        arr = arrays[key]
        if arr.shape != shape or arr.dtype != dtype:
            raise MnistError(
                f"{source}: {key} has shape {arr.shape} and dtype {arr.dtype}, expected {shape} {np.dtype(dtype)} "
                "(the layout of keras.datasets.mnist). Use an unmodified MNIST file."
            )
    for key in ("y_train", "y_test"):
        labels = arrays[key]
        if labels.max() > 9:
            bad = np.unique(labels[labels > 9])[:5].tolist()
            raise MnistError(f"{source}: {key} holds labels {bad} outside 0..9; the file is not MNIST or is damaged.")


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    """Read every array of an ``.npz`` without pickle, turning low-level failures into MnistError."""
    if not path.exists():
        raise MnistError(
            f"{ENV_VAR} points at {path}, which does not exist. Fix the path, or unset {ENV_VAR} "
            "to download MNIST through Keras."
        )
    if not path.is_file():
        raise MnistError(f"{path} is not a file; {ENV_VAR} must name an mnist.npz file.")
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise MnistError(
                f"{path} holds a single array, not an .npz archive of x_train, y_train, x_test, y_test; "
                "use the mnist.npz of keras.datasets.mnist."
            )
        with loaded as npz:
            return {key: npz[key] for key in npz.files}
    except MnistError:
        raise
    except ValueError as exc:
        if "pickle" in str(exc):
            raise MnistError(
                f"{path} stores Python objects that can only be read with pickle, which can run arbitrary code, "
                "so it is refused. Use a plain MNIST .npz of uint8 arrays."
            ) from exc
        raise MnistError(f"{path} could not be read as an .npz archive ({exc}); re-download or re-copy it.") from exc
    except (zipfile.BadZipFile, EOFError, OSError, KeyError) as exc:
        raise MnistError(
            f"{path} is truncated or corrupt ({type(exc).__name__}: {exc}); re-download or re-copy the file."
        ) from exc


def _download() -> dict[str, np.ndarray]:
    """Get MNIST through Keras (download once, hash-checked, cached)."""
    import keras

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as exc:  # keras raises plain Exception for URL failures
        raise MnistError(
            f"MNIST could not be downloaded through Keras ({type(exc).__name__}: {exc}). Without a network, "
            f"copy an mnist.npz (Keras layout) to this machine and set {ENV_VAR}=/path/to/mnist.npz."
        ) from exc
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def mnist_source(path: str | os.PathLike | None = None) -> str:
    """Say where :func:`load_mnist` will read from, without printing a local path."""
    if path is not None or os.environ.get(ENV_VAR, "").strip():
        return f"local file ({ENV_VAR})" if path is None else "local file (path argument)"
    return "keras.datasets.mnist (downloaded once, then cached)"


def load_mnist(
    path: str | os.PathLike | None = None,
    *,
    flatten: bool = False,
    n_train: int | None = None,
    n_test: int | None = None,
) -> Mnist:
    """Load MNIST as float32 images in [0, 1] and uint8 labels.

    Args:
        path: a local ``mnist.npz`` in Keras layout. Default: ``$AE_MNIST_PATH`` if set, else the
            Keras download.
        flatten: return images as vectors of 784 instead of 28x28.
        n_train: keep only the first ``n_train`` training images (quick mode); ``None`` keeps all.
        n_test: keep only the first ``n_test`` test images; ``None`` keeps all.

    Raises:
        MnistError: the file is missing, corrupt, needs pickle, has the wrong layout or bad labels,
            or the download failed.
        ValueError: ``n_train`` or ``n_test`` is not a positive count within the split.
    """
    for name, value, limit in (("n_train", n_train, 60000), ("n_test", n_test, 10000)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= limit):
            raise ValueError(f"{name} must be an int in 1..{limit} or None, got {value!r}")
    if path is None and os.environ.get(ENV_VAR, "").strip():
        path = os.environ[ENV_VAR].strip()
    if path is not None:
        path = Path(path).expanduser()
        arrays = _read_npz(path)
        source = str(path)
    else:
        arrays = _download()
        source = "keras.datasets.mnist"
    _describe(arrays, source)

    def images(x: np.ndarray) -> np.ndarray:
        x = x.astype(np.float32) / 255.0
        return x.reshape(len(x), -1) if flatten else x

    return Mnist(
        images(arrays["x_train"][:n_train]),
        arrays["y_train"][:n_train].copy(),
        images(arrays["x_test"][:n_test]),
        arrays["y_test"][:n_test].copy(),
    )


def one_per_digit(labels: np.ndarray, digits: range | list[int] = range(10)) -> np.ndarray:
    """Index of the first image of each requested digit: a fixed, readable set of examples.

    Raises:
        ValueError: a requested digit does not occur in ``labels``.
    """
    labels = np.asarray(labels)
    out = []
    for d in digits:
        hits = np.flatnonzero(labels == d)
        if len(hits) == 0:
            raise ValueError(f"digit {d} does not occur in the labels given")
        out.append(int(hits[0]))
    return np.array(out)


def balanced_subset(labels: np.ndarray, n: int, seed: int, n_classes: int = 10) -> np.ndarray:
    """Indices of ``n`` examples, ``n / n_classes`` of each class, drawn without replacement with ``seed``.

    ``balanced_subset(y_train, 100, seed=0)``: 10 images of each digit, the "100 labels" of a
    label-efficiency experiment.

    Raises:
        ValueError: ``n`` is not a positive multiple of ``n_classes``, or a class has too few examples.
    """
    labels = np.asarray(labels)
    if isinstance(n, bool) or not isinstance(n, int) or n < n_classes or n % n_classes:
        raise ValueError(f"n must be a positive multiple of {n_classes}, got {n!r}")
    rng = np.random.default_rng(seed)
    picks = []
    for c in range(n_classes):
        pool = np.flatnonzero(labels == c)
        if len(pool) < n // n_classes:
            raise ValueError(f"class {c} has {len(pool)} examples, fewer than the {n // n_classes} asked for")
        picks.append(rng.choice(pool, n // n_classes, replace=False))
    return np.concatenate(picks)
