"""The collection's headline models and how each is trained: one source of truth.

A notebook and the benchmark (``python -m benchmarks``) both build and train these models from the
recipes below, so the two cannot drift apart. To try another architecture in a lecture, change one line:

>>> from dataclasses import replace
>>> wider = replace(RECIPES["ae2"], hidden=(1024, 512, 256))

=========  ==========================================================  ============
recipe     model                                                       notebooks
=========  ==========================================================  ============
``ae32``   784-256-128-32, the intro model and the feature extractor   01, 03
``ae2``    784-512-256-128-2, the 2-D map                              02
``ae30``   784-1000-500-250-30, Hinton & Salakhutdinov (2006)           02
``dae``    784-1024-784 (overcomplete), denoising Gaussian sigma 0.5    04
=========  ==========================================================  ============
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import keras
import numpy as np

from .config import Mode
from .models import Autoencoder, build_dense_autoencoder
from .training import TrainResult, train


@dataclass(frozen=True)
class Recipe:
    """A dense autoencoder (see :func:`utils.models.build_dense_autoencoder`) and its training settings.

    ``epochs`` and ``batch_size`` are the full-mode values; quick mode (tests) uses ``quick_epochs`` and
    ``quick_batch_size`` (``None``: the same batch size). ``input_noise`` is the standard deviation of
    Gaussian noise added to the input during training only (0: none); the target stays clean.
    ``weight_decay`` > 0 trains with AdamW instead of Adam. Both regularise: they narrow the gap between
    training and test error.
    """

    hidden: tuple[int, ...]
    code_dim: int
    epochs: int
    quick_epochs: int
    batch_size: int
    learning_rate: float
    schedule: str = "constant"
    loss: str = "mse"
    code_activation: str | None = None
    allow_overcomplete: bool = False
    input_noise: float = 0.0
    weight_decay: float = 0.0
    quick_batch_size: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.hidden, tuple):
            raise ValueError(f"hidden must be a tuple such as (256, 128), got {self.hidden!r}")
        for field in ("epochs", "quick_epochs", "batch_size"):
            value = getattr(self, field)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{field} must be a positive int, got {value!r}")
        if not isinstance(self.learning_rate, (int, float)) or not 0 < self.learning_rate < 10:
            raise ValueError(f"learning_rate must be a number in (0, 10), got {self.learning_rate!r}")
        if not isinstance(self.input_noise, (int, float)) or not 0 <= self.input_noise < 1:
            raise ValueError(f"input_noise must be a standard deviation in [0, 1), got {self.input_noise!r}")

    def sizes(self, input_dim: int = 784) -> str:
        """The layer sizes as text, e.g. ``"784-512-256-128-2"`` (the encoder; the decoder mirrors it)."""
        return "-".join(str(s) for s in (input_dim, *self.hidden, self.code_dim))

    def build(self, name: str = "ae", input_dim: int = 784) -> Autoencoder:
        """Build the (untrained) autoencoder; call :func:`utils.repro.set_seed` first to fix its weights."""
        return build_dense_autoencoder(
            input_dim, self.hidden, self.code_dim, code_activation=self.code_activation,
            allow_overcomplete=self.allow_overcomplete, name=name,
        )

    def train(self, ae: Autoencoder, inputs: np.ndarray, targets: np.ndarray, mode: Mode,
              **kwargs: Any) -> TrainResult:
        """Train ``ae`` with this recipe's settings for ``mode``; other :func:`utils.training.train` arguments
        (``seed``, ``label``, ``validation_data``, ``cache``...) pass through.

        With ``input_noise`` > 0, the model trained is ``ae.autoencoder`` behind a Gaussian-noise layer,
        which is active only while training: ``ae.autoencoder`` itself never adds noise.
        """
        model = ae.autoencoder
        if self.input_noise:
            x = keras.Input(shape=model.inputs[0].shape[1:])
            model = keras.Model(x, model(keras.layers.GaussianNoise(self.input_noise, seed=kwargs.get("seed", 0))(x)))
        return train(
            model, inputs, targets, epochs=mode.pick(self.epochs, self.quick_epochs),
            batch_size=mode.pick(self.batch_size, self.quick_batch_size or self.batch_size),
            learning_rate=self.learning_rate, schedule=self.schedule, weight_decay=self.weight_decay,
            loss=self.loss, **kwargs,
        )

    def __str__(self) -> str:
        noise = f", Gaussian input noise {self.input_noise}" if self.input_noise else ""
        opt = f"AdamW {self.learning_rate:g} (weight decay {self.weight_decay:g})" if self.weight_decay \
            else f"Adam {self.learning_rate:g}"
        return (f"{self.sizes()} ({'overcomplete, ' if self.allow_overcomplete else ''}{self.loss} loss{noise}), "
                f"{opt} {self.schedule}, {self.epochs} epochs of batch {self.batch_size} "
                f"(quick mode: {self.quick_epochs} of {self.quick_batch_size or self.batch_size})")


RECIPES: dict[str, Recipe] = {
    "ae32": Recipe(hidden=(256, 128), code_dim=32, epochs=30, quick_epochs=6, batch_size=128, learning_rate=2e-3),
    "ae2": Recipe(hidden=(512, 256, 128), code_dim=2, epochs=60, quick_epochs=6, batch_size=128,
                  learning_rate=2e-3, schedule="cosine"),
    "ae30": Recipe(hidden=(1000, 500, 250), code_dim=30, epochs=80, quick_epochs=6, batch_size=256,
                   quick_batch_size=128, learning_rate=1e-3, schedule="cosine", loss="binary_crossentropy",
                   input_noise=0.1, weight_decay=0.05),
    "dae": Recipe(hidden=(), code_dim=1024, epochs=30, quick_epochs=4, batch_size=128, learning_rate=1e-3,
                  schedule="cosine", code_activation="relu", allow_overcomplete=True),
}
"""The headline recipes by name; see the module's docstring."""

#: Noise the denoiser is trained and tested at (notebook 04): kind -> level.
DENOISING_NOISE: dict[str, float] = {"gaussian": 0.5, "salt_and_pepper": 0.3, "masking": 0.5}

#: Fine-tuning an encoder plus softmax on few labels (notebook 03): epochs per number of labels
#: (full, quick), learning rate and batch size.
FINE_TUNING: dict[str, Any] = {
    "epochs": {100: (150, 20), 1000: (60, 8), 10000: (20, 5)},
    "learning_rate": 1e-3,
    "batch_size": 32,
}


def recipe(name: str, **changes: Any) -> Recipe:
    """The recipe called ``name``, with ``changes`` applied (``recipe("ae2", code_dim=3)``).

    Raises:
        KeyError: no recipe has that name (the message lists them).
    """
    if name not in RECIPES:
        raise KeyError(f"no recipe {name!r}; the recipes are {sorted(RECIPES)}")
    return replace(RECIPES[name], **changes)
