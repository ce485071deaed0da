"""MNIST loading: float32 images in [0, 1] and integer labels, validated; and two changes of a set of images,
:func:`binarize` (a fixed Bernoulli draw) and :func:`shift_right` (digits moved sideways).

Where the data comes from, in order:

1. the ``path`` argument, or else the file named by ``AE_MNIST_PATH`` (a local ``mnist.npz``
   in the Keras layout: ``x_train`` (60000, 28, 28) uint8, ``y_train`` (60000,), ``x_test``
   (10000, 28, 28), ``y_test`` (10000,));
2. otherwise ``keras.datasets.mnist.load_data()``, which downloads the file once, checks its
   hash and caches it in ``~/.keras/datasets``.

Every problem is a :class:`MnistError` whose message names the file, says what it is instead (not an
``.npz`` archive but text, gzip, a pickle... ; a truncated or corrupt archive; arrays that need pickle; the
wrong layout) and what to do. Files are always read with ``allow_pickle=False``.

A local file with the right layout is also checked for its content: :func:`content_fingerprint` of its
arrays must equal :data:`MNIST_FINGERPRINT`, canonical MNIST's. A re-saved or recompressed copy passes
(the fingerprint is of the arrays, not of the file's bytes); a modified one (inverted images, shuffled
labels, Fashion-MNIST...) loads with one :class:`NotCanonicalMnistWarning`, since every number in the
lectures would then differ from their text. (The Keras download is checked by Keras, by its file hash.)
"""

from __future__ import annotations

import hashlib
import os
import warnings
import zipfile
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from .checks import check_int, non_negative_int, positive_int

ENV_VAR = "AE_MNIST_PATH"
#: :func:`content_fingerprint` of canonical MNIST (the arrays of keras.datasets.mnist, Y. LeCun et al.).
MNIST_FINGERPRINT = "ba5fa40a5c4923a77c1fdf273629b0411ef50000699cf8498e719877a24b187f"
EXPECTED = {
    "x_train": ((60000, 28, 28), np.uint8),
    "y_train": ((60000,), np.uint8),
    "x_test": ((10000, 28, 28), np.uint8),
    "y_test": ((10000,), np.uint8),
}


class MnistError(RuntimeError):
    """MNIST could not be loaded; the message says why and how to fix it."""


class NotCanonicalMnistWarning(UserWarning):
    """A file in MNIST's layout whose arrays are not canonical MNIST's: the lectures' numbers will differ."""


class Mnist(NamedTuple):
    """MNIST as float32 images in [0, 1] and uint8 labels 0..9."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def _check_arrays(arrays: dict[str, np.ndarray], source: str) -> None:
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


def content_fingerprint(arrays: Mapping[str, np.ndarray]) -> str:
    """SHA-256 of the four MNIST arrays' names, shapes, dtypes and contents, in the order of :data:`EXPECTED`.

    It depends on the arrays only, not on how the file stores them (compressed or not, key order), so a
    re-saved copy of MNIST has :data:`MNIST_FINGERPRINT`. Hashing the 55 MB takes about 0.1 s.
    """
    h = hashlib.sha256()
    for key in EXPECTED:
        a = np.ascontiguousarray(arrays[key])
        h.update(f"{key}{a.shape}{a.dtype.str}".encode())
        h.update(memoryview(a).cast("B"))
    return h.hexdigest()


#: First bytes of file types that an AE_MNIST_PATH typo or a failed download may produce.
_SIGNATURES = (
    (b"\x1f\x8b", "a gzip-compressed file (such as the original train-images-idx3-ubyte.gz, or a gzipped .npz)"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"\x89HDF", "an HDF5 file (such as a saved Keras model or mnist.h5)"),
    (b"\x00\x00\x08\x01", "a file in MNIST's original IDX format (labels), not the Keras .npz"),
    (b"\x00\x00\x08\x03", "a file in MNIST's original IDX format (images), not the Keras .npz"),
)


def _what_is(head: bytes) -> str | None:
    """Say what a file starting with ``head`` is, or None if it looks like an .npz (zip) archive."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return None
    if not head:
        return "an empty file (0 bytes)"
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            return what
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return ("a Python pickle, which can run arbitrary code when loaded, so it is never read "
                "(use a plain MNIST .npz of uint8 arrays)")
    try:
        text = head[:-4].decode("utf-8") if len(head) > 4 else head.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    printable = text is not None and sum(c.isprintable() or c.isspace() for c in text) >= 0.95 * len(text)
    if printable and "\x00" not in text:
        first = text.strip().splitlines()[0][:60] if text.strip() else ""
        if first.startswith("version https://git-lfs"):
            return "a Git LFS pointer (a small text file standing in for the real file; run `git lfs pull`)"
        if first.lower().startswith(("<!doctype html", "<html")):
            return "a web page (HTML), perhaps an error page saved instead of the download"
        return f"a text file (it starts with {first!r})"
    return "binary data of no known format (random bytes, or another file type)"


def _check_is_file(path: Path) -> None:
    """Refuse a path that does not exist or is not a file."""
    if not path.exists():
        raise MnistError(
            f"{ENV_VAR} points at {path}, which does not exist. Fix the path, or unset {ENV_VAR} "
            "to download MNIST through Keras."
        )
    if not path.is_file():
        raise MnistError(f"{path} is not a file; {ENV_VAR} must name an mnist.npz file.")


def _read_ends(path: Path) -> tuple[bytes, bytes, int]:
    """The file's first 4 KiB, its last 64 KiB (where a zip archive keeps its table of contents) and its size."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 65536 - 22))
            return head, f.read(), size
    except OSError as exc:
        raise MnistError(f"{path} cannot be read ({type(exc).__name__}: {exc}); check its permissions.") from exc


def _check_is_npz(path: Path, head: bytes, tail: bytes, size: int) -> None:
    """Refuse a file that is not a complete .npz (zip) archive, from its first and last bytes."""
    if head.startswith(b"\x93NUMPY"):
        raise MnistError(
            f"{path} holds a single array (.npy), not an .npz archive of x_train, y_train, x_test, y_test; "
            "use the mnist.npz of keras.datasets.mnist."
        )
    what = _what_is(head)
    if what is not None:
        raise MnistError(
            f"{path} is not an .npz archive: it is {what}. {ENV_VAR} must name the mnist.npz of "
            "keras.datasets.mnist (a zip archive of x_train, y_train, x_test, y_test); re-copy it, or unset "
            f"{ENV_VAR} to download MNIST through Keras."
        )
    if b"PK\x05\x06" not in tail:
        raise MnistError(
            f"{path} is a truncated .npz archive ({size:,} bytes; the end of the archive, its table of contents, "
            "is missing: an interrupted copy or download). Copy the file again."
        )


def _load_array(npz: Any, key: str, path: Path) -> np.ndarray:
    """One array of an open .npz, refused with a MnistError when it can only be read with pickle."""
    try:
        return npz[key]
    except ValueError as exc:
        if "pickle" not in str(exc):
            raise
        raise MnistError(
            f"{path}: array {key.removesuffix('.npy')!r} stores Python objects, which can only be read with "
            "pickle, and pickle can run arbitrary code, so the file is refused. Use a plain MNIST .npz of uint8 "
            "arrays."
        ) from exc


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    """Read every array of an ``.npz`` without pickle, turning each kind of failure into its own MnistError:
    no such file, not a file, unreadable, not an .npz (:func:`_what_is` says what it is), truncated, an array
    that needs pickle, a corrupt archive."""
    _check_is_file(path)
    _check_is_npz(path, *_read_ends(path))
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {key: _load_array(npz, key, path) for key in npz.files}
    except MnistError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError) as exc:
        raise MnistError(
            f"{path} is a corrupt .npz archive ({type(exc).__name__}: {exc}): a part of it is damaged (a checksum "
            "does not match, or it cannot be decompressed). Copy the file again."
        ) from exc


def _check_content(arrays: Mapping[str, np.ndarray], source: str) -> None:
    """Warn once if the arrays, in MNIST's layout, are not canonical MNIST."""
    digest = content_fingerprint(arrays)
    if digest != MNIST_FINGERPRINT:
        warnings.warn(
            f"{source} has MNIST's layout but not canonical MNIST's content (its fingerprint {digest[:12]}... "
            f"is not {MNIST_FINGERPRINT[:12]}...): a modified copy or another data set (inverted images, "
            "shuffled labels, Fashion-MNIST...). It is loaded as it is, but the lectures' numbers will differ "
            f"from their text. For the lectures' results, use an unmodified mnist.npz or unset {ENV_VAR}.",
            NotCanonicalMnistWarning, stacklevel=3,
        )


def _keras_mnist_loader() -> Callable[[], Any]:
    """``keras.datasets.mnist.load_data``: Keras, and so a backend, is imported here only, when it is needed."""
    from .backend import import_keras

    return import_keras().datasets.mnist.load_data


def _download() -> dict[str, np.ndarray]:
    """Get MNIST through Keras (download once, hash-checked, cached)."""
    load_data = _keras_mnist_loader()
    try:
        (x_train, y_train), (x_test, y_test) = load_data()
    except Exception as exc:  # keras raises plain Exception for URL failures
        raise MnistError(
            f"MNIST could not be downloaded through Keras ({type(exc).__name__}: {exc}). Without a network, "
            f"copy an mnist.npz (Keras layout) to this machine and set {ENV_VAR}=/path/to/mnist.npz."
        ) from exc
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def mnist_source(path: str | os.PathLike | None = None, env: Mapping[str, str] | None = None) -> str:
    """Say where :func:`load_mnist` will read from (``env`` defaults to ``os.environ``), without a local path."""
    env = os.environ if env is None else env
    if path is not None or env.get(ENV_VAR, "").strip():
        return f"local file ({ENV_VAR})" if path is None else "local file (path argument)"
    return "keras.datasets.mnist (downloaded once, then cached)"


def _validated_arrays(path: str | os.PathLike | None) -> dict[str, np.ndarray]:
    """MNIST's four uint8 arrays from ``path``, else ``$AE_MNIST_PATH``, else the Keras download; checked."""
    if path is None and os.environ.get(ENV_VAR, "").strip():
        path = os.environ[ENV_VAR].strip()
    if path is None:
        arrays = _download()
        _check_arrays(arrays, "keras.datasets.mnist")
        return arrays
    path = Path(path).expanduser()
    arrays = _read_npz(path)
    _check_arrays(arrays, str(path))
    _check_content(arrays, str(path))
    return arrays


def load_data(
    path: str | os.PathLike | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """MNIST as ``keras.datasets.mnist.load_data()`` returns it: ``(x_train, y_train), (x_test, y_test)``.

    The images are uint8 arrays of 28x28 pixels in 0..255, the labels uint8 digits; nothing is scaled or
    flattened (notebook 01 does that in view). The source is the same as :func:`load_mnist`'s: ``path``,
    else the local file named by ``$AE_MNIST_PATH``, else the Keras download, and the same checks apply.

    Raises:
        MnistError: as :func:`load_mnist`.
    """
    arrays = _validated_arrays(path)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


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
        MnistError: the file is missing, not an .npz archive (text, gzip, a pickle...), truncated,
            corrupt, needs pickle, has the wrong layout or bad labels, or the download failed.

    Warns:
        NotCanonicalMnistWarning: a local file has MNIST's layout but other content.
        ValueError: ``n_train`` or ``n_test`` is not a positive count within the split.
    """
    n_train = None if n_train is None else check_int("n_train", n_train, 1, 60000)
    n_test = None if n_test is None else check_int("n_test", n_test, 1, 10000)
    arrays = _validated_arrays(path)

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
    n_classes = positive_int("n_classes", n_classes)
    try:
        count = positive_int("n", n)
    except ValueError:
        count = 0
    if count < n_classes or count % n_classes:
        raise ValueError(f"n must be a positive multiple of {n_classes}, got {n!r}")
    n = count
    rng = np.random.default_rng(non_negative_int("seed", seed))
    picks = []
    for c in range(n_classes):
        pool = np.flatnonzero(labels == c)
        if len(pool) < n // n_classes:
            raise ValueError(f"class {c} has {len(pool)} examples, fewer than the {n // n_classes} asked for")
        picks.append(rng.choice(pool, n // n_classes, replace=False))
    return np.concatenate(picks)


def binarize(x: np.ndarray, seed: int) -> np.ndarray:
    """One fixed Bernoulli draw of every pixel (values 0.0 or 1.0): how a test set is binarised, once.

    Each pixel ``p`` in [0, 1] becomes 1 with probability ``p`` (NumPy's generator, seeded with ``seed``).

    Raises:
        ValueError: ``x`` is empty or has a pixel outside [0, 1], or ``seed`` is not a non-negative int.
    """
    x = np.asarray(x, dtype=np.float32)
    if x.size == 0 or not np.isfinite(x).all() or x.min() < 0 or x.max() > 1:
        raise ValueError("binarize needs a non-empty array of pixel values in [0, 1]; divide uint8 images by 255")
    rng = np.random.default_rng(non_negative_int("seed", seed))
    return (rng.random(x.shape, dtype=np.float32) < x).astype(np.float32)


def shift_right(images: np.ndarray, pixels: int) -> np.ndarray:
    """Move 28x28 images ``pixels`` columns to the right; the columns that come in are background (0).

    ``images`` has shape (n, 28, 28) or (n, 28, 28, 1); the result has the same shape and dtype (a new array,
    also for ``pixels=0``). The columns pushed out on the right are lost.

    Raises:
        ValueError: ``images`` is not such a batch, or ``pixels`` is not an int in 0..27.
    """
    images = np.asarray(images)
    if images.ndim not in (3, 4) or images.shape[1:3] != (28, 28) or images.shape[3:] not in ((), (1,)):
        raise ValueError(f"images must have shape (n, 28, 28) or (n, 28, 28, 1), got {images.shape}")
    pixels = check_int("pixels", pixels, 0, 27)
    out = np.zeros_like(images)
    out[:, :, pixels:] = images[:, :, :28 - pixels]
    return out
