"""Training with compact progress and a train-or-load cache.

:func:`train` compiles a model with Adam (AdamW when you ask for weight decay) at the learning rate
you give (there is no default, so nothing silently falls back), fits it while printing one short line
every few epochs, and returns the history. With the cache on (the default, see :mod:`utils.config` and
:mod:`utils.cache`), a second run with exactly the same model, initial weights, data and settings loads
the trained weights in seconds instead; a cache that cannot be written costs a warning, never the model.

:class:`EpochPrinter` is the callback that prints those lines, for a notebook's own ``fit`` too.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from . import backend as _backend  # noqa: F401  (before keras: hides TensorFlow's start-up lines)
import keras
import numpy as np

from . import config
from .cache import Entry, ModelCache, record_runtime, run_key, with_local_code
from .checks import check_number, non_negative_int, positive_int

#: Training steps per call into the compiled backend, by Keras backend (others: 1). Measured on a 2-core
#: CPU (issue 14, BENCHMARKS.md): the same weights and history bit for bit, less time per epoch under
#: TensorFlow. ``train(..., steps_per_execution=1)`` overrides it.
STEPS_PER_EXECUTION: dict[str, int] = {"tensorflow": 8}

#: The learning-rate schedules :func:`train` accepts (recipes validate theirs against this).
SCHEDULES: tuple[str, ...] = ("constant", "cosine")


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


class EpochPrinter(keras.callbacks.Callback):
    """A callback that prints one line every ``every`` epochs, e.g. ``epoch  5/30: loss 0.0123, val_loss 0.0130``.

    ``val_loss`` is printed when the fit has validation data. Use it with ``verbose=0``::

        model.fit(x, x, epochs=30, verbose=0, validation_data=(x_val, x_val), callbacks=[EpochPrinter(30, every=5)])

    Raises:
        ValueError: ``epochs`` or ``every`` is not a positive int.
    """

    def __init__(self, epochs: int, every: int = 1) -> None:
        super().__init__()
        self.epochs = positive_int("epochs", epochs)
        self.every = positive_int("every", every)

    def due(self, n: int) -> bool:
        """Whether epoch ``n`` (counted from 1) gets a line."""
        return n % self.every == 0

    def line(self, n: int, logs: dict[str, float]) -> str:
        """The line printed after epoch ``n`` (counted from 1), with the epoch's ``logs``."""
        values = ", ".join(f"{k} {logs[k]:.4f}" for k in ("loss", "val_loss") if k in logs)
        return f"epoch {n:>{len(str(self.epochs))}}/{self.epochs}: {values}"

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.due(epoch + 1):
            print(self.line(epoch + 1, logs or {}))


class _CompactProgress(EpochPrinter):
    """:func:`train`'s progress lines: the first epoch, every ``every`` epochs and the last; every logged value
    (4 significant digits) and the seconds since the start, after ``label``."""

    def __init__(self, epochs: int, every: int, label: str) -> None:
        super().__init__(epochs, every)
        self.label = label
        self.start = time.perf_counter()

    def due(self, n: int) -> bool:
        return n == 1 or n == self.epochs or super().due(n)

    def line(self, n: int, logs: dict[str, float]) -> str:
        values = "  ".join(f"{k} {v:.4g}" for k, v in logs.items() if k != "learning_rate")
        width = len(str(self.epochs))
        return f"{self.label}epoch {n:>{width}}/{self.epochs}  {values}  ({time.perf_counter() - self.start:.1f} s)"


class _Settings(NamedTuple):
    """:func:`train`'s checked settings."""

    epochs: int
    batch_size: int
    seed: int
    learning_rate: float
    weight_decay: float
    schedule: str
    print_every: int | None
    steps_per_execution: int


def _checked_settings(epochs: object, batch_size: object, seed: object, learning_rate: object,
                      weight_decay: object, schedule: object, print_every: object,
                      steps_per_execution: object) -> _Settings:
    """:func:`train`'s numbers, checked (ValueError naming the argument), with the default steps per execution."""
    epochs = positive_int("epochs", epochs)
    batch_size = positive_int("batch_size", batch_size)
    seed = non_negative_int("seed", seed)
    learning_rate = check_number("learning_rate", learning_rate, 0, 10)
    weight_decay = check_number("weight_decay", weight_decay, 0, 1, include_low=True)
    spe = default_steps_per_execution() if steps_per_execution is None else \
        positive_int("steps_per_execution", steps_per_execution)
    if print_every is not None:
        print_every = positive_int("print_every", print_every)
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}")
    return _Settings(epochs, batch_size, seed, learning_rate, weight_decay, schedule, print_every, spe)


def _check_data(inputs: np.ndarray, targets: np.ndarray | None,
                validation_data: tuple[np.ndarray, np.ndarray] | None) -> None:
    if targets is not None and len(inputs) != len(targets):
        raise ValueError(f"inputs ({len(inputs)}) and targets ({len(targets)}) must have the same length")
    if validation_data is not None and (len(validation_data) != 2
                                        or len(validation_data[0]) != len(validation_data[1])):
        raise ValueError("validation_data must be a pair (inputs, targets) of the same length")


def _optimizer(s: _Settings, n_images: int) -> keras.optimizers.Optimizer:
    """Adam, or AdamW with weight decay; the learning rate constant or decaying to 0 over the run (cosine)."""
    steps = int(np.ceil(n_images / s.batch_size)) * s.epochs
    lr = keras.optimizers.schedules.CosineDecay(s.learning_rate, steps) if s.schedule == "cosine" else s.learning_rate
    return (keras.optimizers.AdamW(learning_rate=lr, weight_decay=s.weight_decay) if s.weight_decay
            else keras.optimizers.Adam(learning_rate=lr))


def _cache_folder(cache: object) -> Path | None:
    """The cache folder ``cache`` asks for: the configured one (True), none (False), or a folder."""
    if cache is None or isinstance(cache, (bool, np.bool_)):
        return config.cache_dir() if cache else None
    if isinstance(cache, (str, os.PathLike)):
        return Path(cache)
    raise ValueError(f"cache must be True, False or a folder, got {cache!r}")


def _load_cached(store: ModelCache, entry: Entry, model: keras.Model, epochs: int, prefix: str) -> TrainResult | None:
    """The cached run of ``entry`` loaded into ``model``, with one line saying so; None when there is none."""
    meta = store.load(model, entry)
    if meta is None:
        return None
    record_runtime(entry)  # an entry from before the runtime was recorded gets it (classroom export-cache)
    history = meta["history"]
    last = "  ".join(f"{k} {v[-1]:.4g}" for k, v in history.items())
    print(f"{prefix}loaded from cache: {epochs} epochs, trained in {meta['seconds']:.1f} s  {last}")
    return TrainResult(history, float(meta["seconds"]), True)


def _fit(model: keras.Model, inputs: np.ndarray, targets: np.ndarray, s: _Settings, compiled: dict[str, Any],
         validation_data: tuple[np.ndarray, np.ndarray] | None, prefix: str) -> tuple[dict[str, list[float]], float]:
    """Fit ``model`` (compiled with ``compiled``), printing progress; return its history and the seconds it took.

    With several steps per execution the model is compiled again for the fit, and back to one step after it:
    predict() and evaluate() then run exactly as without it.
    """
    if s.steps_per_execution != 1:
        model.compile(**compiled, steps_per_execution=s.steps_per_execution)
    keras.utils.set_random_seed(s.seed)
    every = s.print_every or max(1, s.epochs // 5)
    start = time.perf_counter()
    fit = model.fit(
        inputs, targets, epochs=s.epochs, batch_size=s.batch_size, shuffle=True, verbose=0,
        validation_data=validation_data, callbacks=[_CompactProgress(s.epochs, every, prefix)],
    )
    seconds = time.perf_counter() - start
    if s.steps_per_execution != 1:
        model.compile(**compiled)
    return {k: [float(v) for v in vals] for k, vals in fit.history.items() if k != "learning_rate"}, seconds


def train(
    model: keras.Model,
    inputs: np.ndarray,
    targets: np.ndarray | None,
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
    noisy inputs and clean targets; for a model that adds its loss itself (``add_loss``, a VAE), ``None``
    with ``loss=None``: ``fit`` then gets the inputs only.

    Args:
        model: the Keras model to train, freshly built (its initial weights are part of the cache key).
        inputs, targets: training arrays, same length (``targets`` may be ``None``, see above).
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
    s = _checked_settings(epochs, batch_size, seed, learning_rate, weight_decay, schedule, print_every,
                          steps_per_execution)
    _check_data(inputs, targets, validation_data)
    compiled = {"optimizer": _optimizer(s, len(inputs)), "loss": loss, "metrics": metrics}
    model.compile(**compiled)
    prefix = f"[{label}] " if label else ""

    folder = _cache_folder(cache)
    store = entry = None
    if folder is not None:
        store = ModelCache(folder)
        key = run_key(model, inputs, targets, loss=loss, metrics=metrics, epochs=s.epochs, batch_size=s.batch_size,
                      seed=s.seed, validation_data=validation_data)
        entry = store.entry(label or model.name, with_local_code(key, model))  # a notebook's own classes' code too
        cached = _load_cached(store, entry, model, s.epochs, prefix)
        if cached is not None:
            return cached

    history, seconds = _fit(model, inputs, targets, s, compiled, validation_data, prefix)
    if store is not None:
        if store.save(model, entry, history, seconds):
            record_runtime(entry)
    return TrainResult(history, seconds, False)
