"""The train-or-load cache: trained weights and history, keyed by everything that changes the result.

:func:`utils.training.train` uses it; the folder is passed in (:func:`utils.config.cache_dir` reads it
from the environment). An entry is two files, ``<label>-<key>.npz`` (the weights) and ``<label>-<key>.json``
(the full key, the weights' checksum, the history, the training time, and the Keras backend and version it was
trained with, written by :func:`record_runtime` for ``python -m classroom export-cache``).

- The key (:func:`run_key`) covers the architecture (layer types and settings, without the generated
  names), the initial weights (so the seed that drew them), the contents of the inputs, the targets and
  the validation data (``x`` and ``x.copy()`` give the same key; same-shape arrays of other content do
  not), the loss, the metrics, the optimiser with all its settings (learning rate, schedule, weight
  decay...), epochs, batch size, the training seed, the Keras backend and the Keras version.
- Reading is safe: an entry whose key, checksum or weight shapes do not match is never used; it is
  deleted (when the folder allows it) and the model is retrained.
- Writing is best effort (:meth:`ModelCache.save`): when the folder cannot be created or an entry cannot
  be written (read-only folder, full disk, a path below a regular file), it warns once per folder with
  a :class:`CacheWarning` that says what failed and how to fix it, and training goes on: nothing is
  lost but the shortcut for the next run.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import backend as _backend  # noqa: F401  (before keras: hides TensorFlow's start-up lines)
import keras
import numpy as np

#: Version of the key and file layout; bump it when either changes, so that old entries stop matching.
CACHE_FORMAT = 2

_WARNED: set[str] = set()  # folders whose write failure was already reported in this process


class CacheWarning(UserWarning):
    """The train-or-load cache could not be used as asked; training goes on without it."""


def array_digest(array: np.ndarray | None) -> str:
    """A digest of an array's shape, dtype and contents (not its identity: a copy gives the same)."""
    h = hashlib.blake2b(digest_size=16)
    if array is None:
        h.update(b"none")
        return h.hexdigest()
    a = np.ascontiguousarray(array)
    h.update(f"{a.shape}{a.dtype.str}".encode())
    h.update(memoryview(a).cast("B"))
    return h.hexdigest()


def model_structure(model: keras.Model) -> list[Any]:
    """Layer types and configs, nested models included, without the names Keras generates."""
    out: list[Any] = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            out.append(model_structure(layer))
        else:
            out.append([type(layer).__name__, {k: v for k, v in layer.get_config().items() if k != "name"}])
    return out


def _loss_settings(loss: Any) -> Any:
    """The loss by name, the same for ``"mse"``, ``"mean_squared_error"`` and the function itself; a loss
    object (``keras.losses.Loss``) by class and settings."""
    if isinstance(loss, str):
        try:
            loss = keras.losses.get(loss)
        except ValueError:
            return loss
    if isinstance(loss, keras.losses.Loss):
        return [type(loss).__name__, {k: v for k, v in loss.get_config().items() if k != "name"}]
    return getattr(loss, "__qualname__", None) or type(loss).__name__


def _optimizer_settings(optimizer: keras.optimizers.Optimizer) -> dict[str, Any]:
    """The optimiser's class and every setting, the learning-rate schedule's included, without its name."""
    cfg = {k: v for k, v in optimizer.get_config().items() if k != "name"}
    return {"class": type(optimizer).__name__, **cfg}


def backend_and_version() -> dict[str, str]:
    """The Keras backend and version: weights trained under one are not reused under another."""
    return {"backend": keras.backend.backend(), "keras": keras.__version__}


def run_key(
    model: keras.Model,
    inputs: np.ndarray,
    targets: np.ndarray,
    *,
    loss: Any,
    metrics: Sequence[str] | None,
    epochs: int,
    batch_size: int,
    seed: int,
    validation_data: tuple[np.ndarray, np.ndarray] | None = None,
) -> str:
    """The cache key (64 hex digits) of training ``model``, compiled and not yet trained, on this data.

    ``model.optimizer`` supplies the optimiser settings, so compile the model first.
    """
    if getattr(model, "optimizer", None) is None:
        raise ValueError("run_key needs a compiled model (its optimizer is part of the key); call compile() first")
    input_digest = array_digest(inputs)
    target_digest = input_digest if targets is inputs else array_digest(targets)
    settings = {
        "format": CACHE_FORMAT,
        "structure": model_structure(model),
        "initial_weights": [array_digest(w) for w in model.get_weights()],
        "inputs": input_digest,
        "targets": target_digest,
        "validation": [array_digest(a) for a in validation_data] if validation_data is not None else None,
        "loss": _loss_settings(loss),
        "metrics": [str(m) for m in (metrics or [])],
        "optimizer": _optimizer_settings(model.optimizer),
        "epochs": int(epochs),
        "batch_size": int(batch_size),
        "seed": int(seed),
        **backend_and_version(),
    }
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _atomic_write(path: Path, write: Callable[[str], None]) -> None:
    """Write through a temporary file in the same folder, then rename: readers never see half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        try:
            os.remove(tmp)
        except OSError:
            pass  # renamed already, or the folder does not let us: nothing more to do


def _save_weights(path: Path, weights: list[np.ndarray]) -> None:
    def write(tmp: str) -> None:
        with open(tmp, "wb") as f:
            np.savez(f, **{f"w{i}": w for i, w in enumerate(weights)})

    _atomic_write(path, write)


def _save_text(path: Path, text: str) -> None:
    _atomic_write(path, lambda tmp: Path(tmp).write_text(text))


def _discard(entry: Entry) -> None:
    """Delete both files of ``entry`` where the folder allows it (a damaged or half-written entry)."""
    for f in (entry.meta_file, entry.weights_file):
        try:
            f.unlink(missing_ok=True)
        except OSError:
            pass


@dataclass(frozen=True)
class Entry:
    """One cache entry: its key and its two files."""

    key: str
    weights_file: Path
    meta_file: Path


class ModelCache:
    """The cache in ``folder`` (created on the first save). See the module's docstring."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder).expanduser()

    def entry(self, name: str, key: str) -> Entry:
        """The entry for a run named ``name`` (a label or a model name) with ``key``."""
        stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "model"
        return Entry(key, self.folder / f"{stem}-{key[:16]}.npz", self.folder / f"{stem}-{key[:16]}.json")

    def load(self, model: keras.Model, entry: Entry) -> dict[str, Any] | None:
        """Load ``entry`` into ``model`` and return its metadata, or ``None`` when there is none.

        A damaged or mismatching entry is never used: it warns (:class:`CacheWarning`), deletes the entry
        where it can, and returns ``None`` so the caller trains.
        """
        try:
            if not entry.meta_file.is_file():
                return None
        except OSError:
            return None
        try:
            meta = json.loads(entry.meta_file.read_text())
            if meta.get("key") != entry.key:
                raise ValueError("its key does not match this training run")
            if _sha256(entry.weights_file) != meta["weights_sha256"]:
                raise ValueError("its weights file does not match the checksum recorded at training time")
            with np.load(entry.weights_file, allow_pickle=False) as npz:
                weights = [npz[f"w{i}"] for i in range(len(npz.files))]
            if [w.shape for w in weights] != [tuple(w.shape) for w in model.get_weights()]:
                raise ValueError("its weight shapes do not match the model")
            model.set_weights(weights)
            return meta
        except Exception as exc:  # any damage: never trust the entry, retrain instead
            warnings.warn(f"cache entry {entry.meta_file.name} is unusable ({exc}); retraining and replacing it.",
                          CacheWarning, stacklevel=3)
            _discard(entry)  # a read-only cache: the entry stays, and is refused again next time
            return None

    def save(self, model: keras.Model, entry: Entry, history: dict[str, list[float]], seconds: float) -> bool:
        """Store ``model``'s weights and ``history`` under ``entry``; return whether it worked.

        Best effort: any failure (the folder cannot be created, is read-only or below a regular file, the
        disk is full...) removes what was half written, warns once per folder and process with a
        :class:`CacheWarning` naming the failure and the fixes (``AE_CACHE_DIR``, ``AE_CACHE=off``), and
        returns ``False``. It never raises, so a trained model is never lost to its cache.
        """
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _save_weights(entry.weights_file, model.get_weights())
            meta = {"key": entry.key, "weights_sha256": _sha256(entry.weights_file), "history": history,
                    "seconds": seconds}
            _save_text(entry.meta_file, json.dumps(meta))
            return True
        except Exception as exc:  # noqa: BLE001 - best effort by design; the warning names the failure
            _discard(entry)
            if str(self.folder) not in _WARNED:
                _WARNED.add(str(self.folder))
                warnings.warn(
                    f"the train-or-load cache could not save this model in {self.folder} "
                    f"({type(exc).__name__}: {exc}). The trained model and its history are returned as usual; "
                    "only the shortcut for the next run is lost. Fix: set AE_CACHE_DIR to a folder you can write "
                    "to and that has free space (e.g. AE_CACHE_DIR=~/ae_cache), or switch the cache off with "
                    "AE_CACHE=off. (Further failures in this folder are not reported again.)",
                    CacheWarning, stacklevel=3,
                )
            return False


# --- For the classroom kit (classroom/cache_archive.py) and for models whose classes a notebook defines ---------


def record_runtime(entry: Entry) -> bool:
    """Write the Keras backend and version into ``entry``'s metadata where they are missing; return whether the
    metadata holds them now.

    The key contains both only inside its hash, while ``python -m classroom export-cache`` needs them in the
    clear, so that a student's ``import-cache`` can tell whether the entries can be used there.
    :func:`utils.training.train` calls it after saving an entry and after loading one (an entry that loads under
    this backend and Keras version was trained with them: both are part of its key). Best effort, like saving:
    where the folder cannot be written, the entry stays as it was.
    """
    try:
        meta = json.loads(entry.meta_file.read_text())
        if isinstance(meta.get("backend"), str) and isinstance(meta.get("keras"), str):
            return True
        meta.update(backend=keras.backend.backend(), keras=keras.__version__)
        _save_text(entry.meta_file, json.dumps(meta))
        return True
    except Exception:  # noqa: BLE001 - best effort: an entry without them is only left out of an export
        return False


def _code_text(obj: Any) -> str:
    """The source of a function (or of what a property, staticmethod or classmethod wraps); a value's repr."""
    import inspect  # here, not at the top: this part of the module is an addition

    for attr in ("__func__", "fget"):
        obj = getattr(obj, attr, obj)
    if callable(obj) and hasattr(obj, "__code__"):
        try:
            return inspect.getsource(obj)  # notebooks keep each cell's source, so this works in Jupyter too
        except (OSError, TypeError):
            code = obj.__code__
            return repr((code.co_code, code.co_consts, code.co_names))
    return repr(obj) if isinstance(obj, (int, float, str, bytes, bool, tuple, type(None))) else type(obj).__name__


def with_local_code(key: str, model: keras.Model) -> str:
    """``key``, changed by the code of the classes that the running notebook or script (``__main__``) defines
    and that ``model`` or a layer inside it is an instance of; ``key`` itself when there are none.

    :func:`run_key` sees a model's architecture through its layers' configs, which do not contain a class's
    code: without this, a model class written in a notebook (notebook 06's VAE) and then edited, its loss in
    ``call()`` say, would load the weights trained with the old code. Classes from a module (``utils``,
    Keras) are covered by the key as before; their keys do not change.
    """
    flatten = getattr(model, "_flatten_layers", None)
    objects = list(flatten(include_self=True, recursive=True)) if flatten else [model, *model.layers]
    classes = list(dict.fromkeys(c for obj in objects for c in type(obj).__mro__ if c.__module__ == "__main__"))
    if not classes:
        return key
    h = hashlib.sha256(key.encode())
    for cls in classes:
        h.update(cls.__qualname__.encode())
        for name, value in sorted(vars(cls).items()):
            if not name.startswith("__") or name in ("__init__", "__call__"):
                h.update(f"{name}={_code_text(value)}".encode())
    return h.hexdigest()


# --- Arrays computed once (notebook 08's neighbour graph, t-SNE's and UMAP's maps) ---------------------------------


def cached_arrays(folder: str | os.PathLike | None, name: str, settings: dict[str, Any],
                  compute: Callable[[], dict[str, np.ndarray]]) -> tuple[dict[str, np.ndarray], float, bool]:
    """The arrays ``compute()`` returns, computed once and kept in ``folder`` (``None``: no cache) under ``name``
    and a key made of ``settings`` (give every input's :func:`array_digest` and every setting that changes the
    result). Returns the arrays, the seconds ``compute`` took (in the run that computed them) and whether they
    were loaded.

    The entry has a model entry's layout (``<name>-<key>.npz`` and ``.json`` with ``key``, ``weights_sha256``, the
    Keras backend and version), so that ``python -m classroom export-cache`` carries it too.
    Like the model cache: an entry whose key or checksum does not match is never used (it warns with a
    :class:`CacheWarning`, is deleted and computed again); writing is best effort (a failure warns once per folder
    and the computed arrays are returned).
    """
    import time

    key = hashlib.sha256(json.dumps({"format": CACHE_FORMAT, **settings}, sort_keys=True,
                                    default=str).encode()).hexdigest()
    entry = ModelCache(folder).entry(name, key) if folder is not None else None
    if entry is not None and entry.meta_file.is_file():
        try:
            meta = json.loads(entry.meta_file.read_text())
            if meta.get("key") != key:
                raise ValueError("its key does not match these inputs and settings")
            if _sha256(entry.weights_file) != meta["weights_sha256"]:
                raise ValueError("its file does not match the checksum recorded when it was written")
            with np.load(entry.weights_file, allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
            if sorted(arrays) != sorted(meta["arrays"]):
                raise ValueError("its arrays are not the ones recorded")
            return arrays, float(meta["seconds"]), True
        except Exception as exc:  # any damage: compute again, never trust
            warnings.warn(f"cache entry {entry.meta_file.name} is unusable ({exc}); computing it again.",
                          CacheWarning, stacklevel=2)
            _discard(entry)
    start = time.perf_counter()
    arrays = compute()
    seconds = time.perf_counter() - start
    if entry is not None:
        try:
            entry.weights_file.parent.mkdir(parents=True, exist_ok=True)
            def write(tmp: str) -> None:
                with open(tmp, "wb") as f:
                    np.savez(f, **arrays)

            _atomic_write(entry.weights_file, write)
            meta = {"key": key, "weights_sha256": _sha256(entry.weights_file), "seconds": seconds,
                    "arrays": sorted(arrays), **backend_and_version()}  # the layout of a model's entry: the
            # classroom cache archive carries these entries too (the arrays do not depend on the backend)
            _save_text(entry.meta_file, json.dumps(meta))
        except Exception as exc:  # noqa: BLE001 - best effort by design; the warning names the failure
            _discard(entry)
            if str(folder) not in _WARNED:
                _WARNED.add(str(folder))
                warnings.warn(f"the cache could not save {name} in {folder} ({type(exc).__name__}: {exc}); the "
                              "computed result is used. Fix: AE_CACHE_DIR=<a writable folder> or AE_CACHE=off.",
                              CacheWarning, stacklevel=2)
    return arrays, seconds, False
