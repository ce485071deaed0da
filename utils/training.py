"""Training with compact progress and a train-or-load cache.

:func:`train` compiles a model with Adam (AdamW when you ask for weight decay) at the learning rate
you give (there is no default, so nothing silently falls back), fits it while printing one short line every few epochs, and returns
the history. With the cache on (the default, see :mod:`utils.config`), a second run with exactly
the same model, initial weights, data and settings loads the trained weights in seconds instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keras
import numpy as np

from . import config

CACHE_FORMAT = 1


@dataclass
class TrainResult:
    """What :func:`train` returns.

    ``history`` maps ``loss``/``val_loss`` (and metrics) to one value per epoch; ``seconds`` is the
    training time of the run that produced the weights; ``from_cache`` says whether they were loaded.
    """

    history: dict[str, list[float]]
    seconds: float
    from_cache: bool = False
    cache_file: str | None = field(default=None, repr=False)

    @property
    def seconds_per_epoch(self) -> float:
        """Mean training seconds per epoch."""
        return self.seconds / max(1, len(self.history.get("loss", [])))


class _CompactProgress(keras.callbacks.Callback):
    """Print one line on the first epoch, every ``every`` epochs, and on the last."""

    def __init__(self, epochs: int, every: int, label: str) -> None:
        super().__init__()
        self.epochs, self.every, self.label = epochs, every, label
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        n = epoch + 1
        if n == 1 or n == self.epochs or n % self.every == 0:
            values = "  ".join(f"{k} {v:.4g}" for k, v in (logs or {}).items() if k != "learning_rate")
            width = len(str(self.epochs))
            print(f"{self.label}epoch {n:>{width}}/{self.epochs}  {values}  ({time.perf_counter() - self.start:.1f} s)")


def _hash_arrays(*arrays: np.ndarray | None) -> str:
    h = hashlib.blake2b(digest_size=16)
    for a in arrays:
        if a is None:
            h.update(b"none")
            continue
        a = np.ascontiguousarray(a)
        h.update(f"{a.shape}{a.dtype}".encode())
        h.update(memoryview(a).cast("B"))
    return h.hexdigest()


def _structure(model: keras.Model) -> list[Any]:
    """Layer types and configs, recursively, without the auto-generated names."""
    out: list[Any] = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            out.append(_structure(layer))
        else:
            cfg = {k: v for k, v in layer.get_config().items() if k != "name"}
            out.append([type(layer).__name__, cfg])
    return out


def _loss_name(loss: Any) -> str:
    return loss if isinstance(loss, str) else getattr(loss, "__name__", type(loss).__name__)


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _atomic_write(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _try_load(model: keras.Model, weights_file: Path, meta_file: Path, key: str) -> dict | None:
    """Load a cache entry into ``model``; return its metadata, or None (after a warning) if unusable."""
    if not meta_file.exists():
        return None
    try:
        meta = json.loads(meta_file.read_text())
        if meta.get("key") != key:
            raise ValueError("its key does not match this training run")
        if _file_sha256(weights_file) != meta["weights_sha256"]:
            raise ValueError("its weights file does not match the checksum recorded at training time")
        with np.load(weights_file, allow_pickle=False) as npz:
            weights = [npz[f"w{i}"] for i in range(len(npz.files))]
        expected = [tuple(w.shape) for w in model.get_weights()]
        if [tuple(w.shape) for w in weights] != expected:
            raise ValueError("its weight shapes do not match the model")
        model.set_weights(weights)
        return meta
    except Exception as exc:  # any damage: never trust the entry, retrain instead
        warnings.warn(f"cache entry {meta_file.name} is unusable ({exc}); retraining and replacing it.", stacklevel=3)
        for f in (weights_file, meta_file):
            f.unlink(missing_ok=True)
        return None


def train(
    model: keras.Model,
    inputs: np.ndarray,
    targets: np.ndarray,
    *,
    epochs: int,
    learning_rate: float,
    batch_size: int = 256,
    loss: Any = "mse",
    metrics: list[str] | None = None,
    schedule: str = "constant",
    weight_decay: float = 0.0,
    validation_data: tuple[np.ndarray, np.ndarray] | None = None,
    seed: int = 0,
    label: str = "",
    cache: bool = True,
    print_every: int | None = None,
) -> TrainResult:
    """Compile ``model`` with Adam and fit ``inputs`` -> ``targets``, or load the same run from the cache.

    For an autoencoder the targets are the inputs (``train(ae, x, x, ...)``); for a denoising one,
    noisy inputs and clean targets.

    Args:
        model: the Keras model to train, freshly built (its initial weights are part of the cache key).
        inputs, targets: training arrays, same length.
        epochs: passes over the training data.
        learning_rate: Adam's learning rate (required: no silent default).
        batch_size: images per gradient step.
        loss: a Keras loss name or function, e.g. ``"mse"`` or ``"binary_crossentropy"``.
        metrics: Keras metric names to track (e.g. ``["accuracy"]``).
        schedule: ``"constant"`` learning rate, or ``"cosine"`` decay to zero over the run.
        weight_decay: decoupled weight decay (AdamW) when above 0: each step shrinks every weight by
            ``learning_rate * weight_decay`` of itself. 0 (default): plain Adam.
        validation_data: ``(inputs, targets)`` evaluated after each epoch (``val_loss``).
        seed: seeds shuffling and any randomness during training.
        label: text put before each progress line (e.g. the model's name).
        cache: use the train-or-load cache, unless ``AE_CACHE=off``.
        print_every: print a line every this many epochs (default: about five lines per run).

    Raises:
        ValueError: bad epochs, batch size, learning rate, schedule, or mismatched array lengths.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    if not isinstance(learning_rate, (int, float)) or not 0 < learning_rate < 10:
        raise ValueError(f"learning_rate must be a number in (0, 10), got {learning_rate!r}")
    if not isinstance(weight_decay, (int, float)) or isinstance(weight_decay, bool) or not 0 <= weight_decay < 1:
        raise ValueError(f"weight_decay must be a number in [0, 1), got {weight_decay!r}")
    if schedule not in ("constant", "cosine"):
        raise ValueError(f"schedule must be 'constant' or 'cosine', got {schedule!r}")
    if len(inputs) != len(targets):
        raise ValueError(f"inputs ({len(inputs)}) and targets ({len(targets)}) must have the same length")
    if validation_data is not None and len(validation_data) != 2:
        raise ValueError("validation_data must be a pair (inputs, targets)")

    steps = int(np.ceil(len(inputs) / batch_size)) * epochs
    lr = keras.optimizers.schedules.CosineDecay(learning_rate, steps) if schedule == "cosine" else learning_rate
    optimizer = (keras.optimizers.AdamW(learning_rate=lr, weight_decay=weight_decay) if weight_decay
                 else keras.optimizers.Adam(learning_rate=lr))
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    prefix = f"[{label}] " if label else ""

    folder = config.cache_dir() if cache else None
    key = weights_file = meta_file = None
    if folder is not None:
        settings = {
            "format": CACHE_FORMAT,
            "structure": _structure(model),
            "initial_weights": _hash_arrays(*model.get_weights()),
            "data": _hash_arrays(inputs) if inputs is targets else _hash_arrays(inputs, targets),
            "validation": _hash_arrays(*(validation_data or (None,))),
            "epochs": epochs, "batch_size": batch_size, "learning_rate": float(learning_rate),
            "schedule": schedule, **({"weight_decay": float(weight_decay)} if weight_decay else {}),
            "loss": _loss_name(loss), "metrics": metrics, "seed": seed,
            "backend": keras.backend.backend(), "keras": keras.__version__,
        }
        key = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()
        stem = (label or model.name).replace(" ", "_").replace("/", "_")
        weights_file = folder / f"{stem}-{key[:16]}.npz"
        meta_file = folder / f"{stem}-{key[:16]}.json"
        meta = _try_load(model, weights_file, meta_file, key)
        if meta is not None:
            history = meta["history"]
            last = "  ".join(f"{k} {v[-1]:.4g}" for k, v in history.items())
            print(f"{prefix}loaded from cache: {epochs} epochs, trained in {meta['seconds']:.1f} s  {last}")
            return TrainResult(history, float(meta["seconds"]), True, str(weights_file.name))

    keras.utils.set_random_seed(seed)
    every = print_every or max(1, epochs // 5)
    start = time.perf_counter()
    fit = model.fit(
        inputs, targets, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0,
        validation_data=validation_data, callbacks=[_CompactProgress(epochs, every, prefix)],
    )
    seconds = time.perf_counter() - start
    history = {k: [float(v) for v in vals] for k, vals in fit.history.items() if k != "learning_rate"}

    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {f"w{i}": w for i, w in enumerate(model.get_weights())}

        def write_weights(tmp: str) -> None:
            with open(tmp, "wb") as f:
                np.savez(f, **arrays)

        _atomic_write(weights_file, write_weights)
        meta = {"key": key, "weights_sha256": _file_sha256(weights_file), "history": history, "seconds": seconds}
        _atomic_write(meta_file, lambda tmp: Path(tmp).write_text(json.dumps(meta)))
    return TrainResult(history, seconds, False, str(weights_file.name) if weights_file else None)
