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
``dae``    784-1024-784 (overcomplete), denoising Gaussian sigma 0.5    04, 05
=========  ==========================================================  ============

Notebook 05's convolutional models are :class:`ConvRecipe` s in ``CONV_RECIPES`` (``cae32``, ``cae2``,
``cdae``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import keras
import numpy as np

from .checks import check_number, positive_int
from .config import Mode
from .data import Mnist, load_mnist
from .models import Autoencoder, build_code_classifier, build_conv_autoencoder, build_dense_autoencoder
from .repro import set_seed
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
    output_activation: str | None = "sigmoid"

    def __post_init__(self) -> None:
        if not isinstance(self.hidden, tuple):
            raise ValueError(f"hidden must be a tuple such as (256, 128), got {self.hidden!r}")
        for field in ("epochs", "quick_epochs", "batch_size", "code_dim"):
            positive_int(field, getattr(self, field))
        for i, units in enumerate(self.hidden):
            positive_int(f"hidden[{i}]", units)
        if self.quick_batch_size is not None:
            positive_int("quick_batch_size", self.quick_batch_size)
        check_number("learning_rate", self.learning_rate, 0, 10)
        check_number("input_noise", self.input_noise, 0, 1, include_low=True)
        check_number("weight_decay", self.weight_decay, 0, 1, include_low=True)

    def sizes(self, input_dim: int = 784) -> str:
        """The layer sizes as text, e.g. ``"784-512-256-128-2"`` (the encoder; the decoder mirrors it)."""
        return "-".join(str(s) for s in (input_dim, *self.hidden, self.code_dim))

    def build(self, name: str = "ae", input_dim: int = 784) -> Autoencoder:
        """Build the (untrained) autoencoder; call :func:`utils.repro.set_seed` first to fix its weights."""
        return build_dense_autoencoder(
            input_dim, self.hidden, self.code_dim, code_activation=self.code_activation,
            output_activation=self.output_activation, allow_overcomplete=self.allow_overcomplete, name=name,
        )

    def train(self, ae: Autoencoder, inputs: np.ndarray, targets: np.ndarray, mode: Mode,
              **kwargs: Any) -> TrainResult:
        """Train ``ae`` with this recipe's settings for ``mode``; other :func:`utils.training.train` arguments
        (``seed``, ``label``, ``validation_data``, ``cache``...) pass through.

        With ``input_noise`` > 0, the model trained is ``ae.autoencoder`` behind a Gaussian-noise layer,
        which is active only while training: ``ae.autoencoder`` itself never adds noise.
        """
        return _train_recipe(self, ae, inputs, targets, mode, **kwargs)

    def __str__(self) -> str:
        noise = f", Gaussian input noise {self.input_noise}" if self.input_noise else ""
        opt = f"AdamW {self.learning_rate:g} (weight decay {self.weight_decay:g})" if self.weight_decay \
            else f"Adam {self.learning_rate:g}"
        out = "" if self.output_activation == "sigmoid" else f"{self.output_activation or 'linear'} output, "
        over = "overcomplete, " if self.allow_overcomplete else ""
        return (f"{self.sizes()} ({over}{out}{self.loss} loss{noise}), "
                f"{opt} {self.schedule}, {self.epochs} epochs of batch {self.batch_size} "
                f"(quick mode: {self.quick_epochs} of {self.quick_batch_size or self.batch_size})")


def _train_recipe(r: Recipe | ConvRecipe, ae: Autoencoder, inputs: np.ndarray, targets: np.ndarray, mode: Mode,
                  **kwargs: Any) -> TrainResult:
    model = ae.autoencoder
    if r.input_noise:
        x = keras.Input(shape=model.inputs[0].shape[1:])
        model = keras.Model(x, model(keras.layers.GaussianNoise(r.input_noise, seed=kwargs.get("seed", 0))(x)))
    return train(
        model, inputs, targets, epochs=mode.pick(r.epochs, r.quick_epochs),
        batch_size=mode.pick(r.batch_size, r.quick_batch_size or r.batch_size),
        learning_rate=r.learning_rate, schedule=r.schedule, weight_decay=r.weight_decay,
        loss=r.loss, **kwargs,
    )


@dataclass(frozen=True)
class ConvRecipe:
    """A convolutional autoencoder (see :func:`utils.models.build_conv_autoencoder`) and its training settings.

    The fields mean what they mean in :class:`Recipe`; ``filters`` and ``middle`` replace ``hidden``, and
    ``code_dim=None`` makes the model fully convolutional (its code is the last feature map). Inputs are
    images of shape (28, 28, 1).
    """

    filters: tuple[int, ...]
    code_dim: int | None
    epochs: int
    quick_epochs: int
    batch_size: int
    learning_rate: float
    middle: int = 0
    schedule: str = "constant"
    loss: str = "mse"
    output_activation: str | None = None
    allow_overcomplete: bool = False
    quick_batch_size: int | None = None
    input_noise: float = 0.0
    weight_decay: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.filters, tuple) or not self.filters:
            raise ValueError(f"filters must be a non-empty tuple such as (32, 64), got {self.filters!r}")
        for i, f in enumerate(self.filters):
            positive_int(f"filters[{i}]", f)
        for field in ("epochs", "quick_epochs", "batch_size"):
            positive_int(field, getattr(self, field))
        if self.code_dim is not None:
            positive_int("code_dim", self.code_dim)
        if self.quick_batch_size is not None:
            positive_int("quick_batch_size", self.quick_batch_size)
        check_number("learning_rate", self.learning_rate, 0, 10)
        check_number("input_noise", self.input_noise, 0, 1, include_low=True)
        check_number("weight_decay", self.weight_decay, 0, 1, include_low=True)

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

    def train(self, ae: Autoencoder, inputs: np.ndarray, targets: np.ndarray, mode: Mode,
              **kwargs: Any) -> TrainResult:
        """Train ``ae`` with this recipe's settings for ``mode`` (see :meth:`Recipe.train`)."""
        return _train_recipe(self, ae, inputs, targets, mode, **kwargs)

    def __str__(self) -> str:
        out = "sigmoid" if self.output_activation == "sigmoid" else (self.output_activation or "linear")
        over = "overcomplete, " if self.allow_overcomplete else ""
        return (f"{self.sizes()} ({over}{out} output, {self.loss} loss), "
                f"Adam {self.learning_rate:g} {self.schedule}, {self.epochs} epochs of batch {self.batch_size} "
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

# ---------------------------------------------------------------------------------------------------------
# Experiment settings: what each notebook does with its models, shared with the benchmark (python -m
# benchmarks). Every pair is (full mode, quick mode); None means "all of it". tests/test_recipes.py checks
# that the notebooks and the benchmark take these settings from here and nowhere else.
# ---------------------------------------------------------------------------------------------------------
Pair = tuple[Any, Any]


@dataclass(frozen=True)
class Subsets:
    """How many MNIST training and test images an experiment uses: ``(full, quick)``, ``None`` = all."""

    n_train: Pair = (None, 20000)
    n_test: Pair = (None, 2000)

    def load(self, mode: Mode) -> Mnist:
        """MNIST as flattened images, cut to this mode's subsets (see :func:`utils.data.load_mnist`)."""
        return load_mnist(flatten=True, n_train=mode.pick(*self.n_train), n_test=mode.pick(*self.n_test))


@dataclass(frozen=True)
class Anchor:
    """A published figure, with the source it is cited from."""

    value: float | tuple[float, ...]
    source: str


#: Published figures that the notebooks and BENCHMARKS.md print beside their own measurements.
PUBLISHED: dict[str, Anchor] = {
    "knn_2d_pca": Anchor((37.7, 42.0), "Sainburg, McInnes & Gentner (2021), Neural Computation 33(11), table 1: "
                                       "PCA, MNIST, 1-NN / 5-NN accuracy %"),
    "knn_2d_ae": Anchor((76.5, 79.3), "Sainburg, McInnes & Gentner (2021), table 1: autoencoder, 1-NN / 5-NN %"),
    "knn_2d_tsne": Anchor((94.1, 95.0), "Sainburg, McInnes & Gentner (2021), table 1: t-SNE, 1-NN / 5-NN %"),
    "sse30_ae": Anchor(3.00, "Hinton & Salakhutdinov (2006), Science 313:504: deep autoencoder, MNIST test, "
                             "summed squared error per image"),
    "sse30_logistic_pca": Anchor(8.01, "Hinton & Salakhutdinov (2006): logistic PCA, 30 components"),
    "sse30_pca": Anchor(13.87, "Hinton & Salakhutdinov (2006): PCA, 30 components"),
    "lr_raw_pixels": Anchor(92.51, "deeplearning.net Theano tutorial, logistic regression on MNIST: 7.49 % "
                                   "test error (a tutorial figure, not a paper)"),
}


@dataclass(frozen=True)
class IntroSettings:
    """Notebook 01: the first autoencoder (recipe ``ae32``) and the code-size sweep."""

    data: Subsets
    n_validation: int
    sweep_sizes: tuple[int, ...]
    sweep_epochs: Pair


@dataclass(frozen=True)
class MapSettings:
    """Notebook 02: the 2-D map (``ae2``), its k-NN scores, t-SNE's subset, the 30-D model (``ae30``)."""

    data: Subsets
    knn_k: tuple[int, ...]
    tsne_subset: Pair  # ((train, test) full, (train, test) quick): embedded jointly
    tsne_perplexity: float
    knn5_target: float  # full mode: 5-NN accuracy of the 2-D code at least this
    sse30_target: float  # full mode: summed squared error per test image of the 30-D model at most this


@dataclass(frozen=True)
class FeatureSettings:
    """Notebook 03: codes as features (``ae32`` at several code sizes) and label efficiency."""

    data: Subsets
    code_sizes: Pair
    label_counts: Pair
    label_seeds: Pair
    fine_tuning_epochs: dict[int, tuple[int, int]]  # labels -> (full, quick) epochs
    fine_tuning_learning_rate: float
    fine_tuning_batch_size: int


@dataclass(frozen=True)
class DenoisingSettings:
    """Notebook 04: noise models and levels, their seeds, the classical baselines' grids, the sigma sweep."""

    data: Subsets
    n_tuning: int  # the last training images, held out to tune the classical filters
    noise: dict[str, float]  # kind -> level the denoiser is trained and tested at
    seed_train: int  # seed of the noise drawn on the training images
    seed_test: int
    seed_tuning: int
    seed_sweep: int  # noise of the sigma sweep on the test images
    median_sizes: tuple[int, ...]
    blur_sigmas: tuple[float, ...]
    pca_components: tuple[int, ...]
    sweep_sigmas: tuple[float, ...]
    target_gain_db: float  # full mode: the denoiser's PSNR gain over the noisy input at least this


EXPERIMENTS: dict[str, Any] = {
    "01": IntroSettings(data=Subsets(n_train=(None, 20000), n_test=(None, None)), n_validation=5000,
                        sweep_sizes=(2, 4, 8, 16, 32, 64), sweep_epochs=(15, 4)),
    "02": MapSettings(data=Subsets(n_train=(None, 20000), n_test=(None, 2000)), knn_k=(1, 5),
                      tsne_subset=((5000, 2000), (1000, 500)), tsne_perplexity=30.0,
                      knn5_target=0.85, sse30_target=3.3),
    "03": FeatureSettings(data=Subsets(n_train=(None, 12000), n_test=(None, 2000)), code_sizes=((32, 64), (32,)),
                          label_counts=((100, 1000, 10000), (100, 1000)), label_seeds=((0, 1, 2), (0, 1)),
                          fine_tuning_epochs={100: (150, 20), 1000: (60, 8), 10000: (20, 5)},
                          fine_tuning_learning_rate=1e-3, fine_tuning_batch_size=32),
    "04": DenoisingSettings(data=Subsets(n_train=(None, 20000), n_test=(None, 2000)), n_tuning=2000,
                            noise={"gaussian": 0.5, "salt_and_pepper": 0.3, "masking": 0.5},
                            seed_train=1, seed_test=2, seed_tuning=3, seed_sweep=4, median_sizes=(3, 5),
                            blur_sigmas=(0.5, 1.0, 1.5), pca_components=(16, 32, 64, 128),
                            sweep_sigmas=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8), target_gain_db=10.0),
}
"""Each notebook's experiment settings, by notebook number."""


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


def recipe(name: str, **changes: Any) -> Recipe:
    """The recipe called ``name``, with ``changes`` applied (``recipe("ae2", code_dim=3)``).

    Raises:
        KeyError: no recipe has that name (the message lists them).
    """
    if name not in RECIPES:
        raise KeyError(f"no recipe {name!r}; the recipes are {sorted(RECIPES)}")
    return replace(RECIPES[name], **changes)


# ---------------------------------------------------------------------------------------------------------
# Notebook 07, anomaly detection by reconstruction error (also benchmarks/anomaly.py): the model, both
# protocols' data and digits, the baselines' settings, the decision, the published anchor.
# ---------------------------------------------------------------------------------------------------------
RECIPES["anomaly"] = Recipe(hidden=(256, 64), code_dim=16, epochs=30, quick_epochs=10, batch_size=128,
                            learning_rate=1e-3, loss="binary_crossentropy")


@dataclass(frozen=True)
class AnomalySettings:
    """Notebook 07: one-vs-rest and leave-one-digit-out anomaly detection (recipe ``anomaly``).

    ``model`` trains the one-vs-rest detectors (about 5,400 images of one digit); ``loo_model`` is the same
    network trained with half the epochs on about twice as many images (the leave-one-out detectors and the
    all-digits model of the out-of-distribution section); ``loo_conv_model`` is notebook 05's convolutional
    encoder with ``loo_model``'s code size, output, loss and training, for the optional leave-one-out
    comparison. ``score_sigma`` and ``score_ink_offset`` set the normalised reconstruction error of the
    notebook's section 5 (:func:`utils.anomaly.normalised_error`). The last ``n_validation`` training
    images of each digit are normal validation images, never trained on. Digits are (full, quick) tuples.
    """

    data: Subsets
    model: Recipe
    loo_model: Recipe
    loo_conv_model: ConvRecipe
    n_validation: int
    ovr_train_per_digit: Pair  # None: all of the digit's training images but the validation ones
    loo_train_per_digit: Pair  # per normal digit (nine of them; ten for the all-digits model)
    demo_digit: int  # the normal digit of the first, hand-written model (section 1)
    ovr_digits: Pair
    gcn_digits: Pair  # one-vs-rest again with Ruff et al.'s preprocessing
    loo_digits: Pair
    loo_conv_digits: Pair  # the optional convolutional comparison (quick mode: one digit, to keep the test short)
    decision_digit: int  # leave-one-out case whose ROC and precision-recall curves are drawn
    pca_components: int
    knn_k: int
    n_trees: int
    ocsvm_nu: float
    ocsvm_max_train: int
    false_alarm_rate: float
    ood_seed: int
    ovr_target: float  # full mode: mean one-vs-rest AUROC of the autoencoder at least this
    score_sigma: float  # the normalised error (utils.anomaly.normalised_error): blur of the residual, pixels
    score_ink_offset: float  # ... and what is added to the image's ink (mean squared pixel) before dividing


EXPERIMENTS["07"] = AnomalySettings(
    data=Subsets(n_train=(None, 20000), n_test=(None, 2000)),
    model=RECIPES["anomaly"], loo_model=replace(RECIPES["anomaly"], epochs=15, quick_epochs=5),
    loo_conv_model=ConvRecipe(filters=(32, 64), code_dim=16, epochs=15, quick_epochs=5, batch_size=128,
                              learning_rate=1e-3, loss="binary_crossentropy", output_activation="sigmoid"),
    n_validation=500, ovr_train_per_digit=(None, 1000), loo_train_per_digit=(1200, 500),
    demo_digit=0, ovr_digits=(tuple(range(10)), (0, 9)), gcn_digits=(tuple(range(10)), (0,)),
    loo_digits=(tuple(range(10)), (4, 9)), loo_conv_digits=(tuple(range(10)), (4,)), decision_digit=4,
    pca_components=16, knn_k=5, n_trees=100, ocsvm_nu=0.1, ocsvm_max_train=3000,
    false_alarm_rate=0.05, ood_seed=7, ovr_target=0.98, score_sigma=1.0, score_ink_offset=0.01,
)

PUBLISHED["deep_svdd_mnist"] = Anchor(
    (98.0, 99.7, 91.7, 91.9, 94.9, 88.5, 98.3, 94.6, 93.9, 96.5),
    "Ruff et al. (2018), Deep One-Class Classification, ICML, Table 1: one-class Deep SVDD, MNIST one-vs-rest, "
    "AUROC % for normal digit 0..9 (mean of 10 seeds; GCN + min-max preprocessing, LeNet-type CNN)")


# ---------------------------------------------------------------------------------------------------------
# Notebook 06, the variational autoencoder (also benchmarks/vae.py): the autoencoder it is compared with, the
# judge that scores generated digits, the VAEs (utils.vae.VAERecipe), the beta sweep, the likelihood
# estimate, the published anchors.
# ---------------------------------------------------------------------------------------------------------
from .vae import VAERecipe  # noqa: E402  (this block is appended; utils.vae does not import this module)


@dataclass(frozen=True)
class VAESettings:
    """Notebook 06: holes in the 2-D autoencoder's map, the 2-D VAE, the beta sweep and the 50-D likelihood model.

    ``ae`` is recipe ``ae2`` with fewer epochs (time budget). ``judge_*``: the small classifier that scores
    decoded images (its confidence, the mix of digits it reads, the Fréchet distance of its features).
    ``vae2`` has the autoencoder's layer sizes; ``sweep`` is a smaller 2-D VAE trained once per beta of
    ``betas``; ``likelihood`` is Burda et al.'s 784-200-200-50 model on dynamically binarised MNIST, its test
    NLL estimated with ``nll_k`` importance samples per image on the whole test set, and with each k of
    ``k_sweep`` on the first ``k_sweep_images`` test images.
    """

    data: Subsets
    ae: Recipe
    judge_hidden: int
    judge_epochs: Pair
    vae2: VAERecipe
    sweep: VAERecipe
    betas: Pair
    likelihood: VAERecipe
    n_samples: Pair  # random codes decoded and scored, per kind of sample
    box_percentiles: tuple[float, float]  # the box of random codes: these percentiles of the training codes
    hole_percentile: float  # a code is in a hole when farther from every training code than this % of test codes
    n_pairs: Pair  # interpolation: pairs of test digits
    nll_k: Pair
    k_sweep: Pair
    k_sweep_images: Pair
    test_binarization_seed: int
    train_binarization_seed: int  # a fixed draw of training images, for the train-test gap
    nll_target: float  # full mode: importance-sampled test NLL at most this (nats)
    nll_aim: float


EXPERIMENTS["06"] = VAESettings(
    data=Subsets(n_train=(None, 10000), n_test=(None, 2000)),
    ae=replace(RECIPES["ae2"], epochs=15, quick_epochs=4),
    judge_hidden=256, judge_epochs=(5, 2),
    vae2=VAERecipe(hidden=(512, 256, 128), latent_dim=2, epochs=15, quick_epochs=3, batch_size=128,
                   learning_rate=1e-3),
    sweep=VAERecipe(hidden=(256, 128), latent_dim=2, epochs=8, quick_epochs=2, batch_size=128, learning_rate=1e-3),
    betas=((0.0, 0.5, 1.0, 4.0), (0.5, 2.0, 8.0)),
    likelihood=VAERecipe(hidden=(200, 200), latent_dim=50, epochs=60, quick_epochs=2, batch_size=128,
                         learning_rate=2e-3, activation="elu", binarize=True, schedule="cosine"),
    n_samples=(1000, 200), box_percentiles=(1.0, 99.0), hole_percentile=99.0,
    n_pairs=(200, 50), nll_k=(100, 10), k_sweep=((1, 10, 100, 1000, 5000), (1, 10, 100)),
    k_sweep_images=(200, 50), test_binarization_seed=1, train_binarization_seed=2,
    nll_target=95.0, nll_aim=90.0,
)

PUBLISHED["knn_2d_vae"] = Anchor((72.4, 76.5), "Sainburg, McInnes & Gentner (2021), table 1: VAE, 2-D, MNIST, "
                                               "1-NN / 5-NN accuracy %")
PUBLISHED["nll_vae"] = Anchor(86.76, "Burda, Grosse & Salakhutdinov (2016), Importance Weighted Autoencoders, ICLR, "
                                     "table 1: VAE with one stochastic layer (784-200-200-50, tanh), dynamically "
                                     "binarised MNIST, test NLL in nats (k = 5000), trained 3,280 epochs")


# ---------------------------------------------------------------------------------------------------------
# Notebook 05, convolutional autoencoders (also benchmarks/conv.py): the convolutional models, the dense
# models they are compared with (trained the same way: same loss, optimiser, schedule, epochs, batch size),
# and the experiment settings. The dense denoiser is notebook 04's recipe ``dae``, unchanged.
# ---------------------------------------------------------------------------------------------------------
_CONV_TRAINING = {"epochs": 6, "quick_epochs": 4, "batch_size": 128, "quick_batch_size": 64, "learning_rate": 2e-3,
                  "schedule": "cosine", "loss": "mse", "output_activation": None}

CONV_RECIPES: dict[str, ConvRecipe | Recipe] = {
    "cae32": ConvRecipe(filters=(32, 64), code_dim=32, **_CONV_TRAINING),
    "cae2": ConvRecipe(filters=(32, 64), code_dim=2, **{**_CONV_TRAINING, "quick_epochs": 3}),
    "dense32": replace(RECIPES["ae32"], **_CONV_TRAINING),
    "dense2": replace(RECIPES["ae2"], **{**_CONV_TRAINING, "quick_epochs": 3}),
    "cdae": ConvRecipe(filters=(32, 64), code_dim=None, middle=2, allow_overcomplete=True, epochs=12,
                       quick_epochs=2, batch_size=128, quick_batch_size=64, learning_rate=2e-3, schedule="cosine"),
}
"""Notebook 05's models by name: convolutional (``cae32``, ``cae2``, the denoiser ``cdae``) and the dense
autoencoders of notebooks 01 and 02 trained like them (``dense32``, ``dense2``). All have a linear output
trained with the mean squared error (outputs are clipped to [0, 1] when used): a sigmoid output with MSE
leaves the convolutional denoiser stuck at a blank image, and learns slower than a linear one (notebook 05,
section 9)."""
CONV_RECIPES["cdae_masking"] = replace(CONV_RECIPES["cdae"], epochs=6)  # time budget: half the epochs


@dataclass(frozen=True)
class ConvSettings:
    """Notebook 05: data, the shifts of the translation test, k of the k-NN scores, the denoisers' noise (seeds
    and classical filters' grids are notebook 04's), the linear probe's training images, the MSE demo."""

    data: Subsets
    n_tuning: Pair  # the last training images, held out to tune the classical filters
    shifts: tuple[int, ...]
    knn_k: tuple[int, ...]
    noise: dict[str, float]
    n_probe: Pair  # training images the linear classifiers of the features section are fitted on
    n_loss_demo: Pair  # images and epochs of the output-layer-and-loss demonstration
    loss_demo_epochs: int
    target_psnr_db: float  # full mode: the conv denoiser's PSNR at Gaussian sigma 0.5 at least this


EXPERIMENTS["05"] = ConvSettings(
    data=Subsets(n_train=(None, 8000), n_test=(None, 700)), n_tuning=(2000, 500), shifts=(0, 1, 2, 3, 4), knn_k=(1, 5),
    noise={"gaussian": 0.5, "masking": 0.5}, n_probe=(20000, 3000), n_loss_demo=(5000, 800), loss_demo_epochs=3,
    target_psnr_db=21.0,
)
