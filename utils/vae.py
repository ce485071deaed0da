"""The variational autoencoder (notebook 06): reparameterised sampling, the VAE model, its likelihood.

Everything is written with ``keras``, ``keras.ops`` and ``keras.random`` only, so it trains and evaluates
the same way on the TensorFlow and the JAX backends. The loss is added inside the model with
``add_loss`` (Keras' ``fit`` adds every such term to the compiled loss on every backend), so training is
the ordinary ``compile`` + ``fit``: no backend-specific ``train_step``.

- :class:`Sampling`              z = mean + exp(log_var / 2) * epsilon, the reparameterisation trick
- :class:`DynamicBinarization`   a fresh Bernoulli draw of every pixel at every training step
- :class:`KLDivergence`          KL(q(z|x) || N(0, I)) per image, added to the loss times ``beta``
- :class:`VAE`                   encoder -> (mean, log-variance) -> sample -> decoder; loss = -ELBO
- :func:`build_vae`              a dense VAE whose decoder mirrors its encoder
- :func:`elbo_terms`             reconstruction and KL terms per image (one posterior sample)
- :func:`importance_sampled_nll` -log p(x) per image by importance sampling (Burda et al. 2016)
- :func:`check_vae_images`       the images a VAE takes: flattened, pixels in [0, 1]

Notebook 06's tools for judging generated images and code spaces:

- :class:`DigitJudge`            a digit classifier's reading of generated images: confidence, digit mix, Fréchet
- :func:`random_box_points`      codes drawn uniformly over the box of the central training codes
- :func:`in_hole`                which codes lie farther from every training code than most test codes do
- :func:`prior_share_within`     the share of N(0, I) samples within a radius (the chi distribution)
- :func:`plot_beta_sweep`        the beta sweep's maps and its reconstruction-KL trade-off, one figure

A fixed binarisation of a test set is :func:`utils.data.binarize`; the Fréchet distance between two sets of
samples is :func:`utils.metrics.frechet_distance`.

Units: nats per image (natural logarithms, summed over the 784 pixels).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from . import backend as _backend  # noqa: F401  (before keras: hides TensorFlow's start-up lines)
import keras
import numpy as np
from keras import layers, ops

from .checks import check_number, non_negative_int, positive_int
from .metrics import frechet_distance

LOG_2PI = math.log(2.0 * math.pi)


def _seed(value: object) -> int:
    return non_negative_int("seed", value)


def _beta(value: object) -> float:
    return check_number("beta (the weight of the KL term)", value, 0, 1000, include_low=True)


def check_vae_images(x: object, input_dim: int) -> np.ndarray:
    """Return ``x`` as float32 if it is a non-empty batch of flattened images (shape (n, ``input_dim``)) with
    pixels in [0, 1], the probabilities a Bernoulli decoder models.

    Raises:
        ValueError: another shape, an empty batch, or a pixel outside [0, 1] (or not finite).
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2 or x.shape[1] != input_dim or len(x) == 0:
        raise ValueError(f"expected a non-empty batch of flattened images, shape (n, {input_dim}), got {x.shape}; "
                         "load MNIST with load_mnist(flatten=True)")
    if not np.isfinite(x).all() or x.min() < 0 or x.max() > 1:
        raise ValueError(f"pixels must lie in [0, 1] (a Bernoulli decoder models probabilities), got values in "
                         f"[{np.nanmin(x):.3g}, {np.nanmax(x):.3g}]; divide uint8 images by 255")
    return x


class Sampling(layers.Layer):
    """The reparameterisation trick: ``z = mean + exp(log_var / 2) * epsilon`` with ``epsilon ~ N(0, I)``.

    The randomness sits in ``epsilon``, which does not depend on the encoder's weights, so gradients flow
    through ``mean`` and ``log_var``. Draws a new ``epsilon`` at every call, in training and inference.
    """

    def __init__(self, seed: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seed = _seed(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def call(self, inputs: Sequence[Any]) -> Any:
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "seed": self.seed}


class DynamicBinarization(layers.Layer):
    """While training, replace each grey pixel p by a fresh Bernoulli(p) draw (0 or 1) at every step.

    This is "dynamically binarised MNIST" (Burda et al. 2016): each epoch sees new binary images, which
    acts against overfitting. Outside training the input passes unchanged (binarise a test set once with
    :func:`utils.data.binarize`).
    """

    def __init__(self, seed: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seed = _seed(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def call(self, x: Any, training: bool | None = None) -> Any:
        if not training:
            return x
        u = keras.random.uniform(ops.shape(x), seed=self.seed_generator)
        return ops.cast(ops.less(u, x), x.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "seed": self.seed}


class KLDivergence(layers.Layer):
    """KL(N(mean, exp(log_var)) || N(0, I)) per image, in nats; adds ``beta`` times its batch mean to the loss.

    ``KL = -1/2 * sum_j (1 + log_var_j - mean_j**2 - exp(log_var_j))``, never negative, zero only when
    the code's distribution is the prior itself.
    """

    def __init__(self, beta: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.beta = _beta(beta)

    def call(self, inputs: Sequence[Any]) -> Any:
        z_mean, z_log_var = inputs
        kl = -0.5 * ops.sum(1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
        if self.beta:
            self.add_loss(self.beta * ops.mean(kl))
        return kl

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta": self.beta}


class VAE(keras.Model):
    """A variational autoencoder with a Bernoulli decoder; ``fit`` minimises the negative ELBO per image.

    ``encoder``: images -> ``[z_mean, z_log_var]``; ``decoder``: codes -> pixel *logits* (the sigmoid of a
    logit is the pixel's probability of being on). Calling the model samples a code for each image
    (reparameterised), decodes it and adds the loss

        reconstruction + beta * KL,   reconstruction = -log p(x | z) = sum of per-pixel cross-entropies,

    which for ``beta = 1`` is the negative evidence lower bound (ELBO) of Kingma & Welling (2014). It
    returns the pixel probabilities. Compile without a loss and fit on the images alone::

        vae = build_vae(hidden=(512, 256, 128), latent_dim=2)
        vae.compile(optimizer=keras.optimizers.Adam(1e-3))
        vae.fit(x_train, epochs=10, batch_size=128)

    With ``binarize=True`` every training step sees a fresh binary draw of the images
    (:class:`DynamicBinarization`). Works on every Keras backend: only ``keras.ops`` and ``add_loss``.
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, beta: float = 1.0, binarize: bool = False,
                 seed: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(encoder, keras.Model) or len(encoder.outputs) != 2:
            raise ValueError("encoder must be a keras.Model with two outputs, [z_mean, z_log_var]")
        if not isinstance(decoder, keras.Model) or len(decoder.outputs) != 1:
            raise ValueError("decoder must be a keras.Model with one output, the pixel logits")
        latent = int(encoder.outputs[0].shape[-1])
        if int(decoder.inputs[0].shape[-1]) != latent:
            raise ValueError(f"the encoder's codes have {latent} numbers but the decoder takes "
                             f"{decoder.inputs[0].shape[-1]}; build both with the same latent_dim")
        if int(decoder.outputs[0].shape[-1]) != int(encoder.inputs[0].shape[-1]):
            raise ValueError("the decoder must output as many pixels as the encoder takes")
        if not isinstance(binarize, bool):
            raise ValueError(f"binarize must be True or False, got {binarize!r}")
        seed = _seed(seed)
        self.encoder, self.decoder = encoder, decoder
        self.input_dim, self.latent_dim = int(encoder.inputs[0].shape[-1]), latent
        self.beta, self.binarize = _beta(beta), binarize
        self.binarization = DynamicBinarization(seed + 1, name="binarization") if binarize else None
        self.sampling = Sampling(seed, name="sampling")
        self.kl_divergence = KLDivergence(self.beta, name="kl_divergence")

    def call(self, x: Any, training: bool | None = None) -> Any:
        if self.binarization is not None:
            x = self.binarization(x, training=training)
        z_mean, z_log_var = self.encoder(x)
        self.kl_divergence([z_mean, z_log_var])  # adds beta * KL to the loss
        logits = self.decoder(self.sampling([z_mean, z_log_var]))
        reconstruction = ops.sum(ops.binary_crossentropy(x, logits, from_logits=True), axis=-1)
        self.add_loss(ops.mean(reconstruction))
        return ops.sigmoid(logits)

    def encode(self, x: np.ndarray, batch_size: int = 2048) -> np.ndarray:
        """The codes' means (the centre of q(z|x)) of images ``x``, as a NumPy array."""
        return self.encoder.predict(check_vae_images(x, self.input_dim), batch_size=batch_size, verbose=0)[0]

    def decode(self, z: np.ndarray, batch_size: int = 2048) -> np.ndarray:
        """Pixel probabilities (images in [0, 1]) that the decoder draws from codes ``z``."""
        z = np.asarray(z, dtype=np.float32)
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"codes must have shape (n, {self.latent_dim}), got {z.shape}")
        logits = self.decoder.predict(z, batch_size=batch_size, verbose=0).astype(np.float64)
        return np.exp(-np.logaddexp(0.0, -logits)).astype(np.float32)  # sigmoid, without overflow


def build_vae(input_dim: int = 784, hidden: Sequence[int] = (512, 256, 128), latent_dim: int = 2, *,
              activation: str = "relu", beta: float = 1.0, binarize: bool = False, seed: int = 0,
              name: str = "vae") -> VAE:
    """A dense VAE: ``input_dim`` -> ``hidden`` -> (mean, log-variance) of ``latent_dim``; the decoder mirrors it.

    ``build_vae(784, (200, 200), 50, activation="tanh", binarize=True)`` is the one-stochastic-layer model
    of Burda, Grosse & Salakhutdinov (2016). Call :func:`utils.repro.set_seed` first to fix the weights;
    ``seed`` fixes the sampling noise.

    Raises:
        ValueError: a size is not a positive int, ``latent_dim`` is not smaller than ``input_dim``, or
            ``beta`` / ``seed`` is out of range.
    """
    input_dim, latent_dim = positive_int("input_dim", input_dim), positive_int("latent_dim", latent_dim)
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence):
        raise ValueError(f"hidden must be a sequence of positive ints such as (512, 256), got {hidden!r}")
    hidden = [positive_int(f"hidden[{i}]", h) for i, h in enumerate(hidden)]
    if latent_dim >= input_dim:
        raise ValueError(f"latent_dim={latent_dim} must be smaller than input_dim={input_dim}")
    x_in = keras.Input(shape=(input_dim,), name=f"{name}_input")
    h = x_in
    for i, units in enumerate(hidden):
        h = layers.Dense(units, activation=activation, name=f"{name}_enc_{i + 1}")(h)
    z_mean = layers.Dense(latent_dim, name=f"{name}_z_mean")(h)
    z_log_var = layers.Dense(latent_dim, name=f"{name}_z_log_var")(h)
    encoder = keras.Model(x_in, [z_mean, z_log_var], name=f"{name}_encoder")
    z_in = keras.Input(shape=(latent_dim,), name=f"{name}_z")
    h = z_in
    for i, units in enumerate(reversed(hidden)):
        h = layers.Dense(units, activation=activation, name=f"{name}_dec_{len(hidden) - i}")(h)
    logits = layers.Dense(input_dim, name=f"{name}_logits")(h)
    decoder = keras.Model(z_in, logits, name=f"{name}_decoder")
    return VAE(encoder, decoder, beta=beta, binarize=binarize, seed=seed, name=name)


def _bernoulli_log_likelihood(x: Any, logits: Any) -> Any:
    """log p(x | logits) of binary (or grey, as a cross-entropy) pixels, summed over the last axis:
    ``sum(x * logits - softplus(logits))``, the negative of the summed binary cross-entropy."""
    return ops.sum(x * logits - ops.softplus(logits), axis=-1)


def _gaussian_log_density(z: Any, mean: Any, log_var: Any) -> Any:
    """log N(z; mean, diag(exp(log_var))), summed over the last axis."""
    return -0.5 * ops.sum(LOG_2PI + log_var + ops.square(z - mean) * ops.exp(-log_var), axis=-1)


def elbo_terms(vae: VAE, x: np.ndarray, seed: int = 0, batch_size: int = 1000) -> dict[str, np.ndarray]:
    """The two terms of the ELBO per image, in nats, from one posterior sample per image.

    Returns ``{"reconstruction": -log p(x|z), "kl": KL(q(z|x) || p(z))}``; ``-ELBO = reconstruction + kl``.
    The sample is drawn with NumPy from ``seed``, so the numbers do not depend on the backend's generator.
    """
    x = check_vae_images(x, vae.input_dim)
    batch_size = positive_int("batch_size", batch_size)
    rng = np.random.default_rng(_seed(seed))
    rec, kl = [], []
    for i in range(0, len(x), batch_size):
        xb = x[i:i + batch_size]
        mean, log_var = (ops.convert_to_numpy(t) for t in vae.encoder(xb, training=False))
        z = mean + np.exp(0.5 * log_var) * rng.standard_normal(mean.shape, dtype=np.float32)
        logits = vae.decoder(z, training=False)
        rec.append(-ops.convert_to_numpy(_bernoulli_log_likelihood(xb, logits)))
        kl.append(-0.5 * np.sum(1.0 + log_var - mean**2 - np.exp(log_var), axis=-1))
    return {"reconstruction": np.concatenate(rec).astype(np.float64), "kl": np.concatenate(kl).astype(np.float64)}


def importance_sampled_nll(vae: VAE, x: np.ndarray, k: int, seed: int = 0, max_rows: int = 50000) -> np.ndarray:
    """-log p(x) per image in nats, estimated with ``k`` importance samples (Burda et al. 2016, eq. 8).

    ``log p(x) ~= log (1/k) sum_i p(x|z_i) p(z_i) / q(z_i|x)`` with ``z_i ~ q(z|x)``. For ``k = 1`` its
    expectation is the ELBO; it rises towards log p(x) as ``k`` grows (so the estimated NLL falls and stays,
    in expectation, above the true NLL). Cost: ``k`` decoder passes per image, taken ``max_rows`` at a time.
    Noise from ``seed`` (NumPy), identical on every backend.
    """
    x = check_vae_images(x, vae.input_dim)
    k = positive_int("k", k)
    max_rows = positive_int("max_rows", max_rows)
    rng = np.random.default_rng(_seed(seed))
    per_batch = max(1, max_rows // k)  # images per decoder call: per_batch * k rows
    out = []
    for i in range(0, len(x), per_batch):
        xb = x[i:i + per_batch]
        n = len(xb)
        mean, log_var = (ops.convert_to_numpy(t) for t in vae.encoder(xb, training=False))
        eps = rng.standard_normal((k, n, vae.latent_dim), dtype=np.float32)
        z = mean[None] + np.exp(0.5 * log_var)[None] * eps                      # (k, n, latent)
        logits = ops.reshape(vae.decoder(z.reshape(k * n, vae.latent_dim), training=False), (k, n, -1))
        log_px_z = _bernoulli_log_likelihood(xb[None], logits)                   # (k, n)
        log_pz = -0.5 * ops.sum(LOG_2PI + ops.square(z), axis=-1)
        log_qz = _gaussian_log_density(z, mean[None], log_var[None])
        log_w = log_px_z + log_pz - log_qz
        out.append(ops.convert_to_numpy(math.log(k) - ops.logsumexp(log_w, axis=0)))
    return np.concatenate(out).astype(np.float64)



class DigitJudge:
    """Scores sets of images with a trained digit classifier (a yardstick, never a training target).

    ``classifier`` maps flattened images to ten softmax probabilities; its layer ``feature_layer`` gives the
    features of the Fréchet distance. ``reference_images`` / ``reference_labels`` are real digits: the
    features and the shares of the digits that generated images are compared with.
    """

    def __init__(self, classifier: keras.Model, reference_images: np.ndarray, reference_labels: np.ndarray,
                 feature_layer: int = 0, batch_size: int = 2048) -> None:
        labels = np.asarray(reference_labels)
        if len(labels) != len(reference_images) or len(labels) == 0:
            raise ValueError("reference_images and reference_labels must be non-empty and of the same length")
        self.classifier, self.batch_size = classifier, positive_int("batch_size", batch_size)
        self.features = keras.Model(classifier.inputs, classifier.layers[feature_layer].output)
        self.reference = self.features.predict(reference_images, batch_size=self.batch_size, verbose=0)
        self.shares = np.bincount(labels, minlength=10) / len(labels)

    def read(self, images: np.ndarray) -> dict[str, np.ndarray]:
        """Per image: the classifier's top probability (``"confidence"``) and that digit (``"digit"``)."""
        p = self.classifier.predict(np.asarray(images, dtype=np.float32), batch_size=self.batch_size, verbose=0)
        return {"confidence": p.max(axis=1), "digit": p.argmax(axis=1)}

    def scores(self, images: np.ndarray) -> dict[str, Any]:
        """A set's scores: mean ``confidence``; the ``shares`` of the digits read; ``mix``, the total variation
        distance of those shares from the reference's (0 = the same mix, 1 = no overlap); ``frechet``, the
        Fréchet distance of the set's features to the reference's (0 = indistinguishable)."""
        read = self.read(images)
        shares = np.bincount(read["digit"], minlength=10) / len(read["digit"])
        feats = self.features.predict(np.asarray(images, dtype=np.float32), batch_size=self.batch_size, verbose=0)
        return {"confidence": float(read["confidence"].mean()), "shares": shares,
                "mix": float(0.5 * np.abs(shares - self.shares).sum()),
                "frechet": frechet_distance(feats, self.reference)}


def random_box_points(codes: np.ndarray, n: int, rng: np.random.Generator,
                      percentiles: tuple[float, float] = (1.0, 99.0)) -> np.ndarray:
    """``n`` codes drawn uniformly over the box from the lower to the upper ``percentiles`` of ``codes`` on
    each axis (float32, shape (n, code size))."""
    codes = np.asarray(codes, dtype=np.float64)
    if codes.ndim != 2 or len(codes) == 0:
        raise ValueError(f"codes must be a non-empty (n, d) array, got shape {codes.shape}")
    lo, hi = np.percentile(codes, percentiles, axis=0)
    return rng.uniform(lo, hi, size=(positive_int("n", n), codes.shape[1])).astype("float32")


def in_hole(points: np.ndarray, codes_train: np.ndarray, codes_test: np.ndarray,
            percentile: float = 99.0) -> np.ndarray:
    """True where a point is farther from every training code than ``percentile`` % of the test codes are
    from theirs: a place where no image of the data set has its code."""
    from sklearn.neighbors import NearestNeighbors

    nearest = NearestNeighbors(n_neighbors=1).fit(codes_train)
    radius = np.percentile(nearest.kneighbors(codes_test)[0], percentile)
    return nearest.kneighbors(points)[0][:, 0] > radius


def prior_share_within(radius: float, dim: int) -> float:
    """The share of samples of N(0, I) in ``dim`` dimensions that lie within ``radius`` of the origin
    (``1 - exp(-radius**2 / 2)`` in two dimensions)."""
    from scipy.stats import chi2

    return float(chi2.cdf(check_number("radius", radius, 0, 1e6, include_low=True) ** 2,
                          positive_int("dim", dim)))


def plot_beta_sweep(sweep: dict[float, dict[str, Any]], labels: np.ndarray, radius: float = 2.0) -> Any:
    """One figure: the test code means of each beta of ``sweep`` (``{beta: {"codes", "kl",
    "reconstruction"}}``, coloured by ``labels``, a dashed circle of ``radius``), and reconstruction against KL."""
    import matplotlib.pyplot as plt

    from .plots import plot_codes_2d

    n = len(sweep) + 1
    fig, axes = plt.subplots(1, n, figsize=(3.4 * n, 3.9), layout="constrained")
    for ax, (beta, s) in zip(axes, sweep.items()):
        plot_codes_2d(s["codes"], labels, f"β = {beta:g}", ax=ax, size=0.5, legend=False)
        ax.add_patch(plt.Circle((0, 0), radius, fill=False, color="k", linestyle="--", linewidth=1))
    ax = axes[-1]
    kls, recs = [s["kl"] for s in sweep.values()], [s["reconstruction"] for s in sweep.values()]
    ax.plot(kls, recs, "o-")
    for beta, kl, rec in zip(sweep, kls, recs):
        ax.annotate(f"β={beta:g}", (kl, rec), textcoords="offset points", xytext=(4, 4))
    wide = max(kls) > 20 * min(kls)  # a log scale only when the KL terms span more than a decade or so
    ax.set(xscale="log" if wide else "linear", xlabel=f"KL (nats/image{', log scale' if wide else ''})",
           ylabel="reconstruction (nats/image)", title="The trade-off")
    ax.margins(0.2)  # room for the labels of the end points
    fig.suptitle(f"Test code means for each β (dashed: radius {radius:g}); reconstruction against KL")
    return fig
