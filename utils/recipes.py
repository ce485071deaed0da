"""The collection's models and how each is trained: one source of truth, the table ``RECIPES``.

A notebook and the benchmark (``python -m benchmarks``) both build and train these models from the
recipes below, so the two cannot drift apart. To try another architecture in a lecture, change one line:

>>> from dataclasses import replace
>>> wider = replace(RECIPES["ae2"], hidden=(1024, 512, 256))

====================  ===================================================================  =========
recipe                model                                                                notebooks
====================  ===================================================================  =========
``ae32``              784-256-128-32, the intro model and the feature extractor            01, 03
``ae2``               784-512-256-128-2, the 2-D map                                       02
``ae30``              784-1000-500-250-30, Hinton & Salakhutdinov (2006)                   02
``dae``               784-1024-784 (overcomplete), denoising Gaussian sigma 0.5            04, 05
``cae32``             convolutional 28x28x1-14x14x32-7x7x64-32                             05
``cae2``              convolutional, 2-D code                                              05
``dense32``           ``ae32``'s layers trained like ``cae32`` (linear output)             05
``dense32_time``      ``dense32`` for 4x the epochs (3x quick): about ``cae32``'s time   05
``dense2``            ``ae2``'s layers trained like ``cae2`` (linear output)               05
``cdae``              fully convolutional denoiser, code 7x7x64 (overcomplete)             05
``cdae_masking``      ``cdae`` with half the epochs, for masking noise                     05
``dae_time``          ``dae`` for 42 epochs: about ``cdae``'s training time                05
``ae2_short``         ``ae2`` with fewer epochs, the map with holes                        06
``vae2``              VAE 784-512-256-128-2, dynamically binarised                         06
``vae_sweep``         VAE 784-256-128-2, dynamically binarised, once per beta of the sweep 06
``vae50``             VAE 784-200-200-50 (Burda et al. 2016), dynamically binarised        06
``anomaly``           784-256-64-16, cross-entropy, the one-digit-normal detector          07
``anomaly_loo``       ``anomaly`` with half the epochs, the leave-one-digit-out detector   07
``anomaly_loo_conv``  ``cae32``'s encoder with ``anomaly_loo``'s code, loss and training   07
``map2``              ``ae2``'s layers trained on a neighbour graph's edges                 08
====================  ===================================================================  =========

Every recipe is a :class:`TrainingRecipe` (epochs, batch size, learning rate and schedule, one validation):
a dense :class:`Recipe`, a convolutional :class:`ConvRecipe` or a variational :class:`VAERecipe`. Each
notebook's experiment settings (:mod:`utils.experiments`) refer to these recipes by name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, TypedDict

from . import backend  # noqa: F401  (before keras: hides TensorFlow's start-up lines)
import keras
import numpy as np

from .checks import check_number, positive_int
from .config import Mode
from .models import Autoencoder, Corruption, build_code_classifier, build_conv_autoencoder, build_dense_autoencoder
from .repro import set_seed
from .training import SCHEDULES, TrainResult, train
from .neighbours import NeighbourGraph, build_map_trainer, neighbour_loss, train_map
from .vae import VAE, build_vae, check_vae_images


@dataclass(frozen=True, kw_only=True)
class TrainingRecipe:
    """How a model is trained: the fields every recipe shares, validated once.

    ``epochs`` and ``batch_size`` are the full-mode values; quick mode (tests) uses ``quick_epochs`` and
    ``quick_batch_size`` (``None``: the same batch size). Adam at ``learning_rate``, constant or with a
    ``schedule`` that :func:`utils.training.train` accepts (:data:`utils.training.SCHEDULES`).
    """

    epochs: int
    quick_epochs: int
    batch_size: int
    learning_rate: float
    schedule: str = "constant"
    quick_batch_size: int | None = None

    def __post_init__(self) -> None:
        for field in ("epochs", "quick_epochs", "batch_size"):
            positive_int(field, getattr(self, field))
        if self.quick_batch_size is not None:
            positive_int("quick_batch_size", self.quick_batch_size)
        check_number("learning_rate", self.learning_rate, 0, 10)
        if self.schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {SCHEDULES}, got {self.schedule!r}")

    def _fit_settings(self, mode: Mode) -> dict[str, Any]:
        """The :func:`utils.training.train` arguments of this recipe for ``mode``."""
        return {"epochs": mode.pick(self.epochs, self.quick_epochs),
                "batch_size": mode.pick(self.batch_size, self.quick_batch_size or self.batch_size),
                "learning_rate": self.learning_rate, "schedule": self.schedule}

    def _optimiser_text(self) -> str:
        return f"Adam {self.learning_rate:g}"

    def _training_text(self) -> str:
        """The training part of ``str(recipe)``: optimiser, schedule, epochs and batch sizes of both modes."""
        return (f"{self._optimiser_text()} {self.schedule}, {self.epochs} epochs of batch {self.batch_size} "
                f"(quick mode: {self.quick_epochs} of {self.quick_batch_size or self.batch_size})")


@dataclass(frozen=True, kw_only=True)
class ReconstructionRecipe(TrainingRecipe):
    """An autoencoder trained to reproduce its target with ``loss``: the training of :class:`Recipe` and
    :class:`ConvRecipe`.

    ``input_noise`` is the standard deviation of Gaussian noise added to the input during training only (0:
    none); the target stays clean. ``weight_decay`` > 0 trains with AdamW instead of Adam. Both regularise:
    they narrow the gap between training and test error.
    """

    loss: str = "mse"
    allow_overcomplete: bool = False
    input_noise: float = 0.0
    weight_decay: float = 0.0

    def __post_init__(self) -> None:
        super().__post_init__()
        check_number("input_noise", self.input_noise, 0, 1, include_low=True)
        check_number("weight_decay", self.weight_decay, 0, 1, include_low=True)

    def train(self, ae: Autoencoder, inputs: np.ndarray, targets: np.ndarray, mode: Mode,
              corruption: tuple[str, float] | None = None, **kwargs: Any) -> TrainResult:
        """Train ``ae`` with this recipe's settings for ``mode``; other :func:`utils.training.train` arguments
        (``seed``, ``label``, ``validation_data``, ``cache``...) pass through.

        With ``input_noise`` > 0, the model trained is ``ae.autoencoder`` behind a Gaussian-noise layer,
        which is active only while training: ``ae.autoencoder`` itself never adds noise. With
        ``corruption=(kind, level)``, it is ``ae.autoencoder`` behind :class:`utils.models.Corruption` (seeded
        with ``seed``): a denoiser trained on clean ``inputs`` with fresh noise for every batch (notebook 04).
        """
        model = ae.autoencoder
        if corruption is not None:
            clean = keras.Input(shape=model.inputs[0].shape[1:])
            model = keras.Model(clean, model(Corruption(*corruption, seed=kwargs.get("seed", 0))(clean)))
        if self.input_noise:
            x = keras.Input(shape=model.inputs[0].shape[1:])
            noise = keras.layers.GaussianNoise(self.input_noise, seed=kwargs.get("seed", 0))
            model = keras.Model(x, model(noise(x)))
        return train(model, inputs, targets, **self._fit_settings(mode), weight_decay=self.weight_decay,
                     loss=self.loss, **kwargs)

    def _optimiser_text(self) -> str:
        if self.weight_decay:
            return f"AdamW {self.learning_rate:g} (weight decay {self.weight_decay:g})"
        return super()._optimiser_text()


@dataclass(frozen=True, kw_only=True)
class Recipe(ReconstructionRecipe):
    """A dense autoencoder (see :func:`utils.models.build_dense_autoencoder`) and its training settings
    (:class:`ReconstructionRecipe`)."""

    hidden: tuple[int, ...]
    code_dim: int
    code_activation: str | None = None
    output_activation: str | None = "sigmoid"

    def __post_init__(self) -> None:
        if not isinstance(self.hidden, tuple):
            raise ValueError(f"hidden must be a tuple such as (256, 128), got {self.hidden!r}")
        super().__post_init__()
        positive_int("code_dim", self.code_dim)
        for i, units in enumerate(self.hidden):
            positive_int(f"hidden[{i}]", units)

    def sizes(self, input_dim: int = 784) -> str:
        """The layer sizes as text, e.g. ``"784-512-256-128-2"`` (the encoder; the decoder mirrors it)."""
        return "-".join(str(s) for s in (input_dim, *self.hidden, self.code_dim))

    def build(self, name: str = "ae", input_dim: int = 784) -> Autoencoder:
        """Build the (untrained) autoencoder; call :func:`utils.repro.set_seed` first to fix its weights."""
        return build_dense_autoencoder(
            input_dim, self.hidden, self.code_dim, code_activation=self.code_activation,
            output_activation=self.output_activation, allow_overcomplete=self.allow_overcomplete, name=name,
        )

    def __str__(self) -> str:
        noise = f", Gaussian input noise {self.input_noise}" if self.input_noise else ""
        out = "" if self.output_activation == "sigmoid" else f"{self.output_activation or 'linear'} output, "
        over = "overcomplete, " if self.allow_overcomplete else ""
        return f"{self.sizes()} ({over}{out}{self.loss} loss{noise}), {self._training_text()}"


@dataclass(frozen=True, kw_only=True)
class ConvRecipe(ReconstructionRecipe):
    """A convolutional autoencoder (see :func:`utils.models.build_conv_autoencoder`) and its training settings.

    The fields mean what they mean in :class:`Recipe`; ``filters`` and ``middle`` replace ``hidden``, and
    ``code_dim=None`` makes the model fully convolutional (its code is the last feature map). Inputs are
    images of shape (28, 28, 1).
    """

    filters: tuple[int, ...]
    code_dim: int | None
    middle: int = 0
    output_activation: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.filters, tuple) or not self.filters:
            raise ValueError(f"filters must be a non-empty tuple such as (32, 64), got {self.filters!r}")
        for i, f in enumerate(self.filters):
            positive_int(f"filters[{i}]", f)
        super().__post_init__()
        if self.code_dim is not None:
            positive_int("code_dim", self.code_dim)

    def sizes(self) -> str:
        """The encoder's path as text, e.g. ``"28x28x1-14x14x32-7x7x64-32"``."""
        shapes, side = ["28x28x1"], 28
        for f in self.filters:
            side //= 2
            shapes.append(f"{side}x{side}x{f}")
        shapes += [shapes[-1]] * self.middle
        return "-".join(shapes + ([str(self.code_dim)] if self.code_dim is not None else []))

    def build(self, name: str = "cae") -> Autoencoder:
        """Build the (untrained) autoencoder for 28x28x1 images; seed first to fix its weights."""
        return build_conv_autoencoder((28, 28, 1), self.filters, self.code_dim, middle=self.middle,
                                      output_activation=self.output_activation,
                                      allow_overcomplete=self.allow_overcomplete, name=name)

    def __str__(self) -> str:
        out = "sigmoid" if self.output_activation == "sigmoid" else (self.output_activation or "linear")
        over = "overcomplete, " if self.allow_overcomplete else ""
        return f"{self.sizes()} ({over}{out} output, {self.loss} loss), {self._training_text()}"


@dataclass(frozen=True, kw_only=True)
class VAERecipe(TrainingRecipe):
    """A dense VAE (see :func:`utils.vae.build_vae`) and how it is trained: Adam on the negative ELBO
    (``beta`` = 1), with the training settings of :class:`TrainingRecipe`."""

    hidden: tuple[int, ...]
    latent_dim: int
    beta: float = 1.0
    activation: str = "relu"
    binarize: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.hidden, tuple):
            raise ValueError(f"hidden must be a tuple such as (512, 256), got {self.hidden!r}")
        positive_int("latent_dim", self.latent_dim)
        super().__post_init__()
        check_number("beta (the weight of the KL term)", self.beta, 0, 1000, include_low=True)

    def sizes(self, input_dim: int = 784) -> str:
        """The encoder's layer sizes, e.g. ``"784-200-200-50"`` (the decoder mirrors them)."""
        return "-".join(str(s) for s in (input_dim, *self.hidden, self.latent_dim))

    def build(self, name: str = "vae", seed: int = 0, input_dim: int = 784) -> VAE:
        """The untrained VAE; call :func:`utils.repro.set_seed` first to fix its initial weights."""
        return build_vae(input_dim, self.hidden, self.latent_dim, activation=self.activation, beta=self.beta,
                         binarize=self.binarize, seed=seed, name=name)

    def train(self, vae: VAE, x: np.ndarray, mode: Mode, **kwargs: Any) -> TrainResult:
        """Train ``vae`` on images ``x`` with this recipe's settings for ``mode`` (:func:`utils.training.train`;
        ``seed``, ``label``, ``validation_data``, ``cache`` ... pass through)."""
        if not isinstance(vae, VAE):
            raise ValueError(f"vae must be a utils.vae.VAE (build it with recipe.build()), got {type(vae).__name__}")
        x = check_vae_images(x, vae.input_dim)
        if "validation_data" in kwargs and kwargs["validation_data"] is not None:
            v = check_vae_images(kwargs["validation_data"], vae.input_dim)
            kwargs["validation_data"] = (v, v)
        return train(vae, x, x, **self._fit_settings(mode), loss=None, **kwargs)

    def __str__(self) -> str:
        data = ", dynamically binarised input" if self.binarize else ""
        return (f"{self.sizes()} VAE ({self.activation}, Bernoulli decoder, beta {self.beta:g}{data}), "
                f"{self._training_text()}")


@dataclass(frozen=True, kw_only=True)
class MapRecipe(TrainingRecipe):
    """A dense autoencoder with a 2-D code whose map keeps neighbours (notebook 08): the encoder is trained on the
    edges of the training images' neighbour graph (:mod:`utils.neighbours`) with the map loss, plus
    ``reconstruction_weight`` x the reconstruction's binary cross-entropy (0: no decoder is trained).

    One epoch is ``steps`` batches of ``batch_size`` edges (``quick_steps`` in quick mode); the learning rate falls
    from ``learning_rate`` to 0 along a cosine over the run. The graph joins each training image to its
    ``n_neighbors`` nearest ones.
    """

    hidden: tuple[int, ...]
    code_dim: int
    steps: int
    quick_steps: int
    n_neighbors: int
    reconstruction_weight: float
    schedule: str = "cosine"

    def __post_init__(self) -> None:
        if not isinstance(self.hidden, tuple):
            raise ValueError(f"hidden must be a tuple such as (512, 256, 128), got {self.hidden!r}")
        super().__post_init__()
        for field in ("code_dim", "steps", "quick_steps", "n_neighbors"):
            positive_int(field, getattr(self, field))
        check_number("reconstruction_weight", self.reconstruction_weight, 0, 1e6, include_low=True)
        if self.schedule != "cosine":
            raise ValueError(f"a MapRecipe trains with the cosine schedule, got {self.schedule!r}")

    def sizes(self, input_dim: int = 784) -> str:
        """The encoder's layer sizes, e.g. ``"784-512-256-128-2"`` (the decoder mirrors them)."""
        return "-".join(str(s) for s in (input_dim, *self.hidden, self.code_dim))

    def build(self, name: str = "map_ae", input_dim: int = 784) -> Autoencoder:
        """The untrained autoencoder (linear code, sigmoid output); seed first to fix its weights."""
        return build_dense_autoencoder(input_dim, self.hidden, self.code_dim, code_activation=None, name=name)

    def train(self, ae: Autoencoder, x: np.ndarray, graph: NeighbourGraph, mode: Mode, *, epochs: int | None = None,
              **kwargs: Any) -> TrainResult:
        """Train ``ae`` on ``graph``'s edges between the images ``x`` with this recipe for ``mode``
        (:func:`utils.neighbours.train_map`; ``seed``, ``label``, ``cache``, ``map_loss`` (default
        :func:`utils.neighbours.neighbour_loss`) and ``reconstruction_weight`` (default the recipe's) pass
        through). ``epochs`` overrides the mode's epochs (notebook 08's shorter sweep)."""
        kwargs.setdefault("map_loss", neighbour_loss)
        kwargs.setdefault("reconstruction_weight", self.reconstruction_weight)
        return train_map(build_map_trainer(ae.encoder, ae.decoder), x, graph,
                         steps=mode.pick(self.steps, self.quick_steps),
                         epochs=epochs or mode.pick(self.epochs, self.quick_epochs),
                         batch_size=mode.pick(self.batch_size, self.quick_batch_size or self.batch_size),
                         learning_rate=self.learning_rate, **kwargs)

    def __str__(self) -> str:
        return (f"{self.sizes()} on a {self.n_neighbors}-neighbour graph, map loss + {self.reconstruction_weight:g} x "
                f"cross-entropy, Adam {self.learning_rate:g} cosine, {self.epochs} epochs of {self.steps} batches of "
                f"{self.batch_size} edges (quick mode: {self.quick_epochs} of {self.quick_steps} of "
                f"{self.quick_batch_size or self.batch_size})")


AnyRecipe = Recipe | ConvRecipe | VAERecipe | MapRecipe

# Notebook 05 trains its convolutional models and the dense ones it compares them with the same way (same
# loss, optimiser, schedule, epochs, batch size). All have a linear output trained with the mean squared
# error (outputs are clipped to [0, 1] when used): a sigmoid output with MSE leaves the convolutional
# denoiser stuck at a blank image, and learns slower than a linear one (notebook 05, section 9).
_CONV_TRAINING = {"epochs": 6, "quick_epochs": 3, "batch_size": 128, "quick_batch_size": 64, "learning_rate": 2e-3,
                  "schedule": "cosine", "loss": "mse", "output_activation": None}


class Recipes(TypedDict):
    """The type of :data:`RECIPES`: which kind of recipe each name is."""

    ae32: Recipe
    ae2: Recipe
    ae30: Recipe
    dae: Recipe
    cae32: ConvRecipe
    cae2: ConvRecipe
    dense32: Recipe
    dense32_time: Recipe
    dae_time: Recipe
    dense2: Recipe
    cdae: ConvRecipe
    cdae_masking: ConvRecipe
    ae2_short: Recipe
    vae2: VAERecipe
    vae_sweep: VAERecipe
    vae50: VAERecipe
    anomaly: Recipe
    anomaly_loo: Recipe
    anomaly_loo_conv: ConvRecipe
    map2: MapRecipe


RECIPES: Recipes = {
    # notebooks 01-04: the headline dense autoencoders
    "ae32": Recipe(hidden=(256, 128), code_dim=32, epochs=30, quick_epochs=6, batch_size=128, learning_rate=2e-3),
    "ae2": Recipe(hidden=(512, 256, 128), code_dim=2, epochs=60, quick_epochs=3, batch_size=128,
                  learning_rate=2e-3, schedule="cosine"),
    "ae30": Recipe(hidden=(1000, 500, 250), code_dim=30, epochs=80, quick_epochs=5, batch_size=256,
                   quick_batch_size=128, learning_rate=1e-3, schedule="cosine", loss="binary_crossentropy",
                   input_noise=0.1, weight_decay=0.05),
    "dae": Recipe(hidden=(), code_dim=1024, epochs=30, quick_epochs=4, batch_size=128, learning_rate=1e-3,
                  schedule="cosine", code_activation="relu", allow_overcomplete=True),
    # notebook 05: the dense denoiser trained about as long as the convolutional one (cdae, 12 epochs): a dae
    # epoch costs a bit over a quarter of a cdae epoch on a 2-core CPU (TensorFlow); quick mode: a third
    "dae_time": Recipe(hidden=(), code_dim=1024, epochs=42, quick_epochs=8, batch_size=128, learning_rate=1e-3,
                       schedule="cosine", code_activation="relu", allow_overcomplete=True),
    # notebook 05: convolutional autoencoders and the dense ones (ae32's and ae2's layers) trained like them;
    # the dense denoiser is notebook 04's dae; 05 still trains it on one fixed noisy copy of the training
    # images (04 draws fresh noise every batch: ReconstructionRecipe.train's corruption) until 05's next run
    "cae32": ConvRecipe(filters=(32, 64), code_dim=32, **_CONV_TRAINING),
    "cae2": ConvRecipe(filters=(32, 64), code_dim=2, **{**_CONV_TRAINING, "quick_epochs": 3}),
    "dense32": Recipe(hidden=(256, 128), code_dim=32, **_CONV_TRAINING),
    # a dense epoch costs about a quarter of a convolutional one in full mode on a 2-core CPU (TensorFlow),
    # about a third in quick mode: 4x and 3x the epochs compare the two at about equal training time
    # (notebook 05 prints both times and checks they are within a factor of 2)
    "dense32_time": Recipe(hidden=(256, 128), code_dim=32, **{**_CONV_TRAINING, "epochs": 24, "quick_epochs": 9}),
    "dense2": Recipe(hidden=(512, 256, 128), code_dim=2, **{**_CONV_TRAINING, "quick_epochs": 3}),
    "cdae": ConvRecipe(filters=(32, 64), code_dim=None, middle=2, allow_overcomplete=True, epochs=12,
                       quick_epochs=2, batch_size=128, quick_batch_size=64, learning_rate=2e-3, schedule="cosine"),
    "cdae_masking": ConvRecipe(filters=(32, 64), code_dim=None, middle=2, allow_overcomplete=True,
                               epochs=6,  # time budget: half cdae's epochs
                               quick_epochs=2, batch_size=128, quick_batch_size=64, learning_rate=2e-3,
                               schedule="cosine"),
    # notebook 06: the 2-D autoencoder with holes in its map (ae2, fewer epochs: time budget), the VAEs
    "ae2_short": Recipe(hidden=(512, 256, 128), code_dim=2, epochs=15, quick_epochs=4, batch_size=128,
                        learning_rate=2e-3, schedule="cosine"),
    "vae2": VAERecipe(hidden=(512, 256, 128), latent_dim=2, epochs=15, quick_epochs=3, batch_size=128,
                      learning_rate=1e-3, binarize=True),
    "vae_sweep": VAERecipe(hidden=(256, 128), latent_dim=2, epochs=8, quick_epochs=2, batch_size=128,
                           learning_rate=1e-3, binarize=True),
    "vae50": VAERecipe(hidden=(200, 200), latent_dim=50, epochs=60, quick_epochs=2, batch_size=128,
                       learning_rate=2e-3, activation="elu", binarize=True, schedule="cosine"),
    # notebook 07: anomaly detection by reconstruction error (one-vs-rest; leave-one-digit-out, dense and conv)
    "anomaly": Recipe(hidden=(256, 64), code_dim=16, epochs=30, quick_epochs=10, batch_size=128,
                      learning_rate=1e-3, loss="binary_crossentropy"),
    "anomaly_loo": Recipe(hidden=(256, 64), code_dim=16, epochs=15, quick_epochs=5, batch_size=128,
                          learning_rate=1e-3, loss="binary_crossentropy"),
    "anomaly_loo_conv": ConvRecipe(filters=(32, 64), code_dim=16, epochs=15, quick_epochs=5, batch_size=128,
                                   learning_rate=1e-3, loss="binary_crossentropy", output_activation="sigmoid"),
    # notebook 08: the autoencoder whose 2-D map keeps neighbours (ae2's layers, trained on graph edges); its
    # length, 15 epochs rather than 10, chosen on held-out training images (benchmarks/map_length.md)
    "map2": MapRecipe(hidden=(512, 256, 128), code_dim=2, n_neighbors=15, reconstruction_weight=1.0, epochs=15,
                      steps=300, quick_epochs=4, quick_steps=60, batch_size=512, quick_batch_size=256,
                      learning_rate=3e-3),
}
"""Every recipe by name; see the module's docstring."""


def recipe(name: str, **changes: Any) -> AnyRecipe:
    """The recipe called ``name``, with ``changes`` applied (``recipe("ae2", code_dim=3)``).

    Raises:
        KeyError: no recipe has that name (the message lists them).
    """
    if name not in RECIPES:
        raise KeyError(f"no recipe {name!r}; the recipes are {sorted(RECIPES)}")
    return replace(RECIPES[name], **changes)  # type: ignore[literal-required]


def fine_tuning_classifier(r: Recipe, seed: int, pretrained: keras.Model | None = None) -> keras.Model:
    """The classifier of notebook 03's label-efficiency experiment: ``r``'s encoder, layer normalisation, softmax.

    Seeds with ``seed`` and builds the encoder of recipe ``r``; with ``pretrained`` (a trained encoder of the
    same architecture) it starts from those weights, else from random ones. Used by notebook 03 (after it has
    built the same network by hand) and by the benchmark.

    Raises:
        ValueError: ``pretrained`` does not have the architecture of ``r``'s encoder.
    """
    set_seed(seed)
    encoder = r.build("clf").encoder
    if pretrained is not None:
        theirs, ours = [w.shape for w in pretrained.get_weights()], [w.shape for w in encoder.get_weights()]
        if theirs != ours:
            raise ValueError(f"pretrained encoder has weight shapes {theirs}, recipe {r.sizes()} needs {ours}")
        encoder.set_weights(pretrained.get_weights())
    return build_code_classifier(encoder)
