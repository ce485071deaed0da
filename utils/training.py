"""Training with compact progress and a train-or-load cache.

:func:`train` compiles a model with Adam (AdamW when you ask for weight decay) at the learning rate
you give (there is no default, so nothing silently falls back), fits it while printing one short line
every few epochs, and returns the history. With the cache on (the default, see :mod:`utils.config` and
:mod:`utils.cache`), a second run with exactly the same model, initial weights, data and settings loads
the trained weights in seconds instead; a cache that cannot be written costs a warning, never the model.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np

from . import config
from .cache import ModelCache, run_key
from .checks import check_number, non_negative_int, positive_int

#: Training steps per call into the compiled backend, by Keras backend (others: 1). Measured on a 2-core
#: CPU (issue 14, BENCHMARKS.md): the same weights and history bit for bit, less time per epoch under
#: TensorFlow. ``train(..., steps_per_execution=1)`` overrides it.
STEPS_PER_EXECUTION: dict[str, int] = {"tensorflow": 8}


def default_steps_per_execution(backend: str | None = None) -> int:
    """The steps per execution :func:`train` uses under ``backend`` (default: the current Keras backend)."""
    return STEPS_PER_EXECUTION.get(backend or keras.backend.backend(), 1)


@dataclass
class TrainResult:
    """What :func:`train` returns.

    ``history`` maps ``loss``/``val_loss`` (and metrics) to one value per epoch; ``seconds`` is the
    training time of the run that produced the weights; ``from_cache`` says whether they were loaded.
    """

    history: dict[str, list[float]]
    seconds: float
    from_cache: bool = False

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
    cache: bool | str | os.PathLike = True,
    print_every: int | None = None,
    steps_per_execution: int | None = None,
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
        label: text put before each progress line (e.g. the model's name); also names the cache entry.
        cache: ``True`` (default): the train-or-load cache where :func:`utils.config.cache_dir` says
            (``AE_CACHE_DIR``; none with ``AE_CACHE=off``); ``False``: no cache; a folder: the cache there.
            Writing it is best effort: if it fails, a warning says why and the trained model is returned.
        print_every: print a line every this many epochs (default: about five lines per run).
        steps_per_execution: training steps per call into the compiled backend (Keras' ``compile``
            argument), used while fitting only; predictions and evaluation afterwards run one batch per
            call as usual. Default :func:`default_steps_per_execution`: 8 under TensorFlow, whose
            per-call overhead it saves (same weights and history bit for bit), 1 elsewhere. Not part of
            the cache key, since it does not change the result.

    Raises:
        ValueError: bad epochs, batch size, learning rate, weight decay, schedule, seed, cache, or
            mismatched array lengths.
    """
    epochs = positive_int("epochs", epochs)
    batch_size = positive_int("batch_size", batch_size)
    seed = non_negative_int("seed", seed)
    learning_rate = check_number("learning_rate", learning_rate, 0, 10)
    weight_decay = check_number("weight_decay", weight_decay, 0, 1, include_low=True)
    spe = default_steps_per_execution() if steps_per_execution is None else \
        positive_int("steps_per_execution", steps_per_execution)
    if print_every is not None:
        print_every = positive_int("print_every", print_every)
    if schedule not in ("constant", "cosine"):
        raise ValueError(f"schedule must be 'constant' or 'cosine', got {schedule!r}")
    if len(inputs) != len(targets):
        raise ValueError(f"inputs ({len(inputs)}) and targets ({len(targets)}) must have the same length")
    if validation_data is not None and (len(validation_data) != 2
                                        or len(validation_data[0]) != len(validation_data[1])):
        raise ValueError("validation_data must be a pair (inputs, targets) of the same length")

    steps = int(np.ceil(len(inputs) / batch_size)) * epochs
    lr = keras.optimizers.schedules.CosineDecay(learning_rate, steps) if schedule == "cosine" else learning_rate
    optimizer = (keras.optimizers.AdamW(learning_rate=lr, weight_decay=weight_decay) if weight_decay
                 else keras.optimizers.Adam(learning_rate=lr))
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    prefix = f"[{label}] " if label else ""

    if cache is None or isinstance(cache, (bool, np.bool_)):
        folder = config.cache_dir() if cache else None
    elif isinstance(cache, (str, os.PathLike)):
        folder = Path(cache)
    else:
        raise ValueError(f"cache must be True, False or a folder, got {cache!r}")
    store = entry = None
    if folder is not None:
        store = ModelCache(folder)
        key = run_key(model, inputs, targets, loss=loss, metrics=metrics, epochs=epochs, batch_size=batch_size,
                      seed=seed, validation_data=validation_data)
        entry = store.entry(label or model.name, key)
        meta = store.load(model, entry)
        if meta is not None:
            history = meta["history"]
            last = "  ".join(f"{k} {v[-1]:.4g}" for k, v in history.items())
            print(f"{prefix}loaded from cache: {epochs} epochs, trained in {meta['seconds']:.1f} s  {last}")
            return TrainResult(history, float(meta["seconds"]), True)

    if spe != 1:
        model.compile(optimizer=optimizer, loss=loss, metrics=metrics, steps_per_execution=spe)
    keras.utils.set_random_seed(seed)
    every = print_every or max(1, epochs // 5)
    start = time.perf_counter()
    fit = model.fit(
        inputs, targets, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0,
        validation_data=validation_data, callbacks=[_CompactProgress(epochs, every, prefix)],
    )
    seconds = time.perf_counter() - start
    if spe != 1:  # back to one batch per call: predict() and evaluate() exactly as without it
        model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    history = {k: [float(v) for v in vals] for k, vals in fit.history.items() if k != "learning_rate"}
    if store is not None:
        store.save(model, entry, history, seconds)
    return TrainResult(history, seconds, False)
