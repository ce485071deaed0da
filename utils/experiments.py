"""Each notebook's experiment settings, shared with the benchmark (``python -m benchmarks``): ``EXPERIMENTS``.

What each notebook does with its models: data subsets, label counts, noise levels and seeds, the baselines'
grids, targets. The models themselves are recipes of :data:`utils.recipes.RECIPES`, referred to by name.
Every :data:`FullQuick` pair is (full mode, quick mode); ``None`` means "all of it". tests/test_recipes.py
checks that the notebooks and the benchmark take these settings from here and nowhere else.

- ``"01"`` :class:`IntroSettings`      the first autoencoder and the code-size sweep
- ``"02"`` :class:`MapSettings`        the 2-D map, k-NN, t-SNE, the 30-D model
- ``"03"`` :class:`FeatureSettings`    codes as features, label efficiency
- ``"04"`` :class:`DenoisingSettings`  denoising: noise, seeds, classical baselines, the sigma sweep
- ``"05"`` :class:`ConvSettings`       convolutional autoencoders
- ``"06"`` :class:`VAESettings`        the variational autoencoder
- ``"07"`` :class:`AnomalySettings`    anomaly detection by reconstruction error
- ``"08"`` :class:`NeighbourMapSettings`  a 2-D map that keeps neighbours, against t-SNE and UMAP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict, TypeVar

from .config import Mode
from .data import Mnist, load_mnist
from .recipes import RECIPES, ConvRecipe, MapRecipe, Recipe, VAERecipe

T = TypeVar("T")
FullQuick = tuple[T, T]
"""A setting's (full mode, quick mode) values: ``FullQuick[int]`` is ``tuple[int, int]``."""


@dataclass(frozen=True)
class Subsets:
    """How many MNIST training and test images an experiment uses: ``(full, quick)``, ``None`` = all."""

    n_train: FullQuick[int | None] = (None, 20000)
    n_test: FullQuick[int | None] = (None, 2000)

    def load(self, mode: Mode) -> Mnist:
        """MNIST as flattened images, cut to this mode's subsets (see :func:`utils.data.load_mnist`)."""
        return load_mnist(flatten=True, n_train=mode.pick(*self.n_train), n_test=mode.pick(*self.n_test))


@dataclass(frozen=True)
class IntroSettings:
    """Notebook 01: the first autoencoder (recipe ``ae32``) and the code-size sweep."""

    data: Subsets
    n_validation: int
    sweep_sizes: tuple[int, ...]
    sweep_epochs: FullQuick[int]


@dataclass(frozen=True)
class MapSettings:
    """Notebook 02: the 2-D map (``ae2``), its k-NN scores, t-SNE's subset, the 30-D model (``ae30``)."""

    data: Subsets
    knn_k: tuple[int, ...]
    tsne_subset: FullQuick[tuple[int, int]]  # (train, test) images, embedded jointly
    tsne_perplexity: float
    knn5_target: float  # full mode: 5-NN accuracy of the 2-D code at least this
    sse30_target: float  # full mode: summed squared error per test image of the 30-D model at most this


@dataclass(frozen=True)
class FeatureSettings:
    """Notebook 03: codes as features (``ae32`` at several code sizes) and label efficiency."""

    data: Subsets
    code_sizes: FullQuick[tuple[int, ...]]
    label_counts: FullQuick[tuple[int, ...]]
    label_seeds: FullQuick[tuple[int, ...]]
    fine_tuning_epochs: dict[int, FullQuick[int]]  # labels -> (full, quick) epochs
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
    thresholds: tuple[float, ...]  # blur + threshold: pixels below it set to 0 after the blur
    sweep_sigmas: FullQuick[tuple[float, ...]]
    target_gain_db: float  # full mode: the denoiser's PSNR gain over the noisy input at least this


@dataclass(frozen=True)
class ConvSettings:
    """Notebook 05: data, the shifts of the translation test, k of the k-NN scores, the denoisers' noise (seeds
    and classical filters' grids are notebook 04's), the linear probe's training images, the MSE demo.

    The models are recipes ``cae32``, ``cae2``, ``dense32``, ``dense2``, ``cdae``, ``cdae_masking`` and ``dae``.
    """

    data: Subsets
    n_tuning: FullQuick[int]  # the last training images, held out to tune the classical filters
    shifts: tuple[int, ...]
    knn_k: tuple[int, ...]
    noise: dict[str, float]
    n_probe: FullQuick[int]  # training images the linear classifiers of the features section are fitted on
    n_loss_demo: FullQuick[int]  # images and epochs of the output-layer-and-loss demonstration
    loss_demo_epochs: int
    target_psnr_db: float  # full mode: the conv denoiser's PSNR at Gaussian sigma 0.5 at least this


@dataclass(frozen=True)
class VAESettings:
    """Notebook 06: holes in the 2-D autoencoder's map, the 2-D VAE, the beta sweep and the 50-D likelihood model.

    ``ae`` is recipe ``ae2_short`` (``ae2`` with fewer epochs: time budget). ``judge_*``: the small classifier
    that scores decoded images (its confidence, the mix of digits it reads, the Fréchet distance of its
    features). ``vae2`` (recipe ``vae2``) has the autoencoder's layer sizes; ``sweep`` (``vae_sweep``) is a
    smaller 2-D VAE trained once per beta of ``betas``; ``likelihood`` (``vae50``) is Burda et al.'s
    784-200-200-50 model on dynamically binarised MNIST, its test NLL estimated with ``nll_k`` importance
    samples per image on the whole test set, and with each k of ``k_sweep`` on the first ``k_sweep_images``
    test images.
    """

    data: Subsets
    ae: Recipe
    judge_hidden: int
    judge_epochs: FullQuick[int]
    vae2: VAERecipe
    sweep: VAERecipe
    betas: FullQuick[tuple[float, ...]]
    likelihood: VAERecipe
    n_samples: FullQuick[int]  # random codes decoded and scored, per kind of sample
    box_percentiles: tuple[float, float]  # the box of random codes: these percentiles of the training codes
    hole_percentile: float  # a code is in a hole when farther from every training code than this % of test codes
    n_pairs: FullQuick[int]  # interpolation: pairs of test digits
    nll_k: FullQuick[int]
    k_sweep: FullQuick[tuple[int, ...]]
    k_sweep_images: FullQuick[int]
    test_binarization_seed: int
    train_binarization_seed: int  # a fixed draw of training images, for the train-test gap
    nll_target: float  # full mode: importance-sampled test NLL at most this (nats)
    nll_aim: float


@dataclass(frozen=True)
class AnomalySettings:
    """Notebook 07: one-vs-rest and leave-one-digit-out anomaly detection (recipe ``anomaly``).

    ``model`` (recipe ``anomaly``) trains the one-vs-rest detectors (about 5,400 images of one digit);
    ``loo_model`` (``anomaly_loo``) is the same network trained with half the epochs on about twice as many
    images (the leave-one-out detectors and the all-digits model of the out-of-distribution appendix);
    ``loo_conv_model`` (``anomaly_loo_conv``) is notebook 05's convolutional encoder with ``loo_model``'s code
    size, output, loss and training, for the optional leave-one-out comparison. ``score_sigma`` and
    ``score_ink_offset`` set the normalised reconstruction error of the notebook's section 4
    (:func:`utils.anomaly.normalised_error`), chosen there on validation images. ``n_validation`` training
    images of each digit, drawn at random (:func:`utils.anomaly.normal_split`, seed 0), are normal validation
    images, never trained on. Digits are (full, quick) tuples.
    """

    data: Subsets
    model: Recipe
    loo_model: Recipe
    loo_conv_model: ConvRecipe
    n_validation: int
    ovr_train_per_digit: FullQuick[int | None]  # None: all of the digit's training images but the validation ones
    loo_train_per_digit: FullQuick[int]  # per normal digit (nine of them)
    ood_train_per_digit: FullQuick[int]  # per digit, the all-digits model of the out-of-distribution appendix
    demo_digit: int  # the normal digit of the first, hand-written model (section 1)
    ovr_digits: FullQuick[tuple[int, ...]]
    gcn_digits: FullQuick[tuple[int, ...]]  # one-vs-rest again with Ruff et al.'s preprocessing
    loo_digits: FullQuick[tuple[int, ...]]
    loo_conv_digits: FullQuick[tuple[int, ...]]  # the optional conv comparison (quick: one digit, a short test)
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


@dataclass(frozen=True)
class NeighbourMapSettings:
    """Notebook 08: the map that keeps neighbours (recipe ``map2``) against 02's autoencoder (``ae2``), PCA,
    t-SNE (openTSNE) and UMAP (umap-learn), all fitted on the training images and placing the test images."""

    data: Subsets
    model: MapRecipe
    autoencoder: Recipe  # notebook 02's 2-D autoencoder, the baseline
    knn_k: tuple[int, ...]
    tsne_perplexity: float
    trust_k: int  # neighbours of sklearn's trustworthiness
    trust_images: FullQuick[int]  # test images it is computed on (it compares all pairs)
    sweep_weights: FullQuick[tuple[float, ...]]  # reconstruction weights of the optional sweep
    sweep_epochs: FullQuick[int]  # epochs of each sweep model (all the same cost)
    knn5_target: float  # full mode: 5-NN accuracy of the test codes at least this (issue 26)


Experiments = TypedDict("Experiments", {
    "01": IntroSettings, "02": MapSettings, "03": FeatureSettings, "04": DenoisingSettings, "05": ConvSettings,
    "06": VAESettings, "07": AnomalySettings,
    "08": NeighbourMapSettings,
})
"""The type of :data:`EXPERIMENTS`: which settings each notebook number has."""

EXPERIMENTS: Experiments = {
    "01": IntroSettings(data=Subsets(n_train=(None, 20000), n_test=(None, None)), n_validation=5000,
                        sweep_sizes=(2, 4, 8, 16, 32, 64), sweep_epochs=(15, 2)),
    "02": MapSettings(data=Subsets(n_train=(None, 20000), n_test=(None, 2000)), knn_k=(1, 5),
                      tsne_subset=((5000, 2000), (300, 150)), tsne_perplexity=30.0,
                      knn5_target=0.85, sse30_target=3.3),
    "03": FeatureSettings(data=Subsets(n_train=(None, 8000), n_test=(None, 2000)), code_sizes=((32, 64), (32,)),
                          label_counts=((100, 1000, 10000), (100, 1000)), label_seeds=((0, 1, 2), (0, 1)),
                          fine_tuning_epochs={100: (150, 20), 1000: (60, 8), 10000: (20, 5)},
                          fine_tuning_learning_rate=1e-3, fine_tuning_batch_size=32),
    "04": DenoisingSettings(data=Subsets(n_train=(None, 20000), n_test=(None, 1000)), n_tuning=2000,
                            noise={"gaussian": 0.5, "salt_and_pepper": 0.3, "masking": 0.5},
                            seed_train=1, seed_test=2, seed_tuning=3, seed_sweep=4, median_sizes=(3, 5),
                            blur_sigmas=(0.5, 1.0, 1.5), pca_components=(16, 32, 64, 128),
                            thresholds=(0.1, 0.2, 0.3, 0.4, 0.5),
                            sweep_sigmas=((0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8), (0.1, 0.3, 0.5, 0.7)),
                            target_gain_db=10.0),
    "05": ConvSettings(data=Subsets(n_train=(None, 7800), n_test=(None, 500)), n_tuning=(2000, 300),
                       shifts=(0, 1, 2, 3, 4), knn_k=(1, 5), noise={"gaussian": 0.5, "masking": 0.5},
                       n_probe=(20000, 3000), n_loss_demo=(5000, 200), loss_demo_epochs=3, target_psnr_db=21.0),
    "06": VAESettings(data=Subsets(n_train=(None, 6000), n_test=(None, 2000)),
                      ae=RECIPES["ae2_short"], judge_hidden=256, judge_epochs=(5, 2),
                      vae2=RECIPES["vae2"], sweep=RECIPES["vae_sweep"], betas=((0.0, 0.5, 1.0, 4.0), (0.5, 4.0)),
                      likelihood=RECIPES["vae50"], n_samples=(1000, 200), box_percentiles=(1.0, 99.0),
                      hole_percentile=99.0, n_pairs=(200, 50), nll_k=(100, 10),
                      k_sweep=((1, 10, 100, 1000, 5000), (1, 10, 100, 1000, 5000)), k_sweep_images=(200, 20),
                      test_binarization_seed=1, train_binarization_seed=2, nll_target=95.0, nll_aim=90.0),
    "07": AnomalySettings(data=Subsets(n_train=(None, 20000), n_test=(None, 2000)),
                          model=RECIPES["anomaly"], loo_model=RECIPES["anomaly_loo"],
                          loo_conv_model=RECIPES["anomaly_loo_conv"],
                          n_validation=500, ovr_train_per_digit=(None, 1000), loo_train_per_digit=(1200, 300),
                          ood_train_per_digit=(1200, 500),
                          demo_digit=0, ovr_digits=(tuple(range(10)), (0, 8)), gcn_digits=(tuple(range(10)), (0,)),
                          loo_digits=(tuple(range(10)), (4, 9)), loo_conv_digits=(tuple(range(10)), (4,)),
                          decision_digit=4, pca_components=16, knn_k=5, n_trees=100, ocsvm_nu=0.1,
                          ocsvm_max_train=3000, false_alarm_rate=0.05, ood_seed=7, ovr_target=0.98,
                          score_sigma=1.0, score_ink_offset=0.01),
    # 08's quick subset stays below 4,096 training images: there umap-learn finds exact neighbours and does not
    # compile pynndescent's search (UMAP's quick run in a fresh install: 53 s instead of 142 s with 5,000);
    # 3,000 rather than 4,000: t-SNE's quick fit about 6 s instead of 10
    "08": NeighbourMapSettings(data=Subsets(n_train=(None, 3000), n_test=(None, 1000)), model=RECIPES["map2"],
                               autoencoder=RECIPES["ae2"], knn_k=(1, 5), tsne_perplexity=30.0, trust_k=10,
                               trust_images=(2000, 500), sweep_weights=((0.0, 1.0, 10.0), (0.0, 1.0)),
                               sweep_epochs=(3, 2), knn5_target=0.95),
}
"""Each notebook's experiment settings, by notebook number."""
