"""Mirrored autoencoders: encoder -> code -> decoder, the decoder mirroring the encoder; dense (01-04) and
convolutional (05). And what the notebooks ask of a built model: :func:`predict` (its output as a NumPy array),
:func:`layer_sizes`, :func:`feature_map_shapes`, :func:`layer_kinds`. :class:`Corruption`: the noise models of
:mod:`utils.noise` as a Keras layer, drawn afresh for every batch while training (notebook 04)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from . import backend as _backend  # noqa: F401  (before keras: hides TensorFlow's start-up lines)
import keras
from keras import layers

from .checks import check_number, non_negative_int, positive_int
from .noise import NOISE_MODELS


class Autoencoder(NamedTuple):
    """The three models of an autoencoder; they share layers (and so weights).

    ``encoder``: input -> code, ``decoder``: code -> reconstruction, ``autoencoder``: input ->
    reconstruction. Train ``autoencoder``; use ``encoder`` for codes and ``decoder`` to draw from codes.
    """

    encoder: keras.Model
    decoder: keras.Model
    autoencoder: keras.Model


def build_dense_autoencoder(
    input_dim: int = 784,
    hidden: Sequence[int] = (256, 128),
    code_dim: int = 32,
    *,
    activation: str = "relu",
    code_activation: str | None = None,
    output_activation: str | None = "sigmoid",
    allow_overcomplete: bool = False,
    name: str = "ae",
) -> Autoencoder:
    """Build a dense autoencoder whose decoder mirrors its encoder.

    ``build_dense_autoencoder(784, (512, 256), 2)`` gives 784-512-256-2-256-512-784.

    Args:
        input_dim: length of the (flattened) input, 784 for MNIST.
        hidden: sizes of the encoder's hidden layers, outermost first; the decoder uses them reversed.
            ``()`` gives a single-layer encoder and decoder.
        code_dim: size of the code (the bottleneck).
        activation: activation of the hidden layers.
        code_activation: activation of the code layer; ``None`` (linear) keeps the code unbounded.
        output_activation: activation of the reconstruction; ``"sigmoid"`` matches pixels in [0, 1],
            ``None`` is linear.
        allow_overcomplete: a code at least as large as the input can learn to copy the input; it is
            refused unless you ask for it (the denoising autoencoder does, on purpose).
        name: prefix of the models' and layers' names.

    Raises:
        ValueError: a size is not a positive int, or the code is not smaller than the input and
            ``allow_overcomplete`` is False.
    """
    input_dim = positive_int("input_dim", input_dim)
    code_dim = positive_int("code_dim", code_dim)
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence):
        raise ValueError(f"hidden must be a sequence of positive ints such as (256, 128), got {hidden!r}")
    hidden = [positive_int(f"hidden[{i}]", h) for i, h in enumerate(hidden)]
    if code_dim >= input_dim and not allow_overcomplete:
        raise ValueError(
            f"code_dim={code_dim} is not smaller than input_dim={input_dim}: such a 'bottleneck' can copy its "
            "input. Choose a smaller code, or pass allow_overcomplete=True (with noise: a denoising autoencoder)."
        )

    inputs = keras.Input(shape=(input_dim,), name=f"{name}_input")
    x = inputs
    for i, units in enumerate(hidden):
        x = layers.Dense(units, activation=activation, name=f"{name}_enc_{i + 1}")(x)
    code = layers.Dense(code_dim, activation=code_activation, name=f"{name}_code")(x)
    encoder = keras.Model(inputs, code, name=f"{name}_encoder")

    code_in = keras.Input(shape=(code_dim,), name=f"{name}_code_input")
    y = code_in
    for i, units in enumerate(reversed(hidden)):
        y = layers.Dense(units, activation=activation, name=f"{name}_dec_{len(hidden) - i}")(y)
    outputs = layers.Dense(input_dim, activation=output_activation, name=f"{name}_output")(y)
    decoder = keras.Model(code_in, outputs, name=f"{name}_decoder")

    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name=name)
    return Autoencoder(encoder, decoder, autoencoder)


def layer_sizes(model: keras.Model) -> list[int]:
    """Sizes of a dense model's input and of every Dense layer's output, nested models included.

    ``layer_sizes(build_dense_autoencoder(784, (64,), 8).autoencoder)`` -> ``[784, 64, 8, 64, 784]``.
    """
    sizes = [int(model.inputs[0].shape[-1])]

    def walk(m: keras.Model) -> None:
        for layer in m.layers:
            if isinstance(layer, keras.Model):
                walk(layer)
            elif isinstance(layer, layers.Dense):
                sizes.append(int(layer.units))

    walk(model)
    return sizes


def build_code_classifier(encoder: keras.Model, n_classes: int = 10, name: str = "clf") -> keras.Model:
    """A classifier on top of an encoder: encoder -> layer normalisation -> softmax over ``n_classes``.

    Train it whole to fine-tune the encoder. The layer normalisation matters when the encoder comes from
    an autoencoder: its linear code has a large, arbitrary scale, which would make the first softmax
    outputs over-confident and let the first gradient steps wreck the pretrained weights.
    """
    n_classes = positive_int("n_classes", n_classes)
    inputs = keras.Input(shape=encoder.inputs[0].shape[1:], name=f"{name}_input")
    code = layers.LayerNormalization(name=f"{name}_norm")(encoder(inputs))
    return keras.Model(inputs, layers.Dense(n_classes, activation="softmax", name=f"{name}_softmax")(code), name=name)


def build_conv_autoencoder(
    input_shape: Sequence[int] = (28, 28, 1),
    filters: Sequence[int] = (32, 64),
    code_dim: int | None = 32,
    *,
    middle: int = 0,
    kernel_size: int = 3,
    activation: str = "relu",
    code_activation: str | None = None,
    output_activation: str | None = "sigmoid",
    allow_overcomplete: bool = False,
    name: str = "cae",
) -> Autoencoder:
    """Build a convolutional autoencoder whose decoder mirrors its encoder.

    Encoder: one ``Conv2D`` with stride 2 per entry of ``filters`` (each halves height and width), then
    ``middle`` convolutions with stride 1 at the smallest size, then (if ``code_dim`` is set) ``Flatten`` and
    a ``Dense`` code. Decoder, in mirror order: ``Dense`` back to the smallest feature map and ``Reshape``,
    ``middle`` convolutions, one ``Conv2DTranspose`` with stride 2 per entry of ``filters`` reversed (the last
    one with the input's channels and ``output_activation``).

    ``build_conv_autoencoder((28, 28, 1), (32, 64), 32)`` gives 28x28x1 -> 14x14x32 -> 7x7x64 -> 32 ->
    7x7x64 -> 14x14x32 -> 28x28x1. With ``code_dim=None`` there is no dense layer: the code is the last
    feature map (7x7x64 = 3,136 numbers for MNIST, more than the 784 pixels), which only makes sense for a
    denoiser and needs ``allow_overcomplete=True``.

    Args:
        input_shape: (height, width, channels); height and width divisible by ``2 ** len(filters)``.
        filters: filters of the strided convolutions, outermost first.
        code_dim: size of the dense code, or ``None`` for a fully convolutional autoencoder.
        middle: convolutions with stride 1 at the smallest size, in the encoder and again in the decoder.
        kernel_size: height and width of every kernel.
        activation: activation of the hidden layers.
        code_activation: activation of the dense code; ``None`` (linear) keeps it unbounded.
        output_activation: activation of the reconstruction; ``"sigmoid"`` for pixels in [0, 1].
        allow_overcomplete: permit a code at least as large as the input (a denoiser's).
        name: prefix of the models' and layers' names.

    Raises:
        ValueError: a size is not a positive int, the image does not halve evenly ``len(filters)`` times,
            or the code is not smaller than the input and ``allow_overcomplete`` is False.
    """
    if isinstance(input_shape, (str, bytes)) or not isinstance(input_shape, Sequence) or len(input_shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels) such as (28, 28, 1), got {input_shape!r}")
    height, width, channels = (positive_int(f"input_shape[{i}]", v) for i, v in enumerate(input_shape))
    if isinstance(filters, (str, bytes)) or not isinstance(filters, Sequence) or not filters:
        raise ValueError(f"filters must be a non-empty sequence of positive ints such as (32, 64), got {filters!r}")
    filters = [positive_int(f"filters[{i}]", f) for i, f in enumerate(filters)]
    middle = non_negative_int("middle", middle)
    kernel_size = positive_int("kernel_size", kernel_size)
    factor = 2 ** len(filters)
    if height % factor or width % factor:
        raise ValueError(
            f"{len(filters)} strided layers halve the image {len(filters)} times, so height and width must be "
            f"divisible by {factor}; got {height}x{width}. Use fewer filters or pad the images."
        )
    small = (height // factor, width // factor, filters[-1])
    code_size = small[0] * small[1] * small[2] if code_dim is None else positive_int("code_dim", code_dim)
    if code_size >= height * width * channels and not allow_overcomplete:
        raise ValueError(
            f"the code has {code_size} numbers, not fewer than the input's {height * width * channels}: it can "
            "copy its input. Choose a smaller code_dim, or pass allow_overcomplete=True (a denoiser's)."
        )

    def conv(f: int, tag: str, stride: int = 1, act: str | None = activation) -> layers.Layer:
        return layers.Conv2D(f, kernel_size, strides=stride, padding="same", activation=act, name=f"{name}_{tag}")

    inputs = keras.Input(shape=(height, width, channels), name=f"{name}_input")
    x = inputs
    for i, f in enumerate(filters):
        x = conv(f, f"enc_{i + 1}", stride=2)(x)
    for i in range(middle):
        x = conv(filters[-1], f"enc_mid_{i + 1}")(x)
    if code_dim is not None:
        x = layers.Flatten(name=f"{name}_flatten")(x)
        x = layers.Dense(code_size, activation=code_activation, name=f"{name}_code")(x)
    encoder = keras.Model(inputs, x, name=f"{name}_encoder")

    code_in = keras.Input(shape=(code_size,) if code_dim is not None else small, name=f"{name}_code_input")
    y = code_in
    if code_dim is not None:
        y = layers.Dense(small[0] * small[1] * small[2], activation=activation, name=f"{name}_dec_dense")(y)
        y = layers.Reshape(small, name=f"{name}_reshape")(y)
    for i in range(middle):
        y = conv(filters[-1], f"dec_mid_{middle - i}")(y)
    outs = [*reversed(filters[:-1]), channels]
    for i, f in enumerate(outs):
        last = i == len(outs) - 1
        y = layers.Conv2DTranspose(f, kernel_size, strides=2, padding="same",
                                   activation=output_activation if last else activation,
                                   name=f"{name}_output" if last else f"{name}_dec_{len(filters) - i}")(y)
    decoder = keras.Model(code_in, y, name=f"{name}_decoder")

    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name=name)
    return Autoencoder(encoder, decoder, autoencoder)


def feature_map_shapes(model: keras.Model) -> list[tuple[int, ...]]:
    """Output shapes (without the batch) of a model's input and of every layer, nested models included.

    For a convolutional autoencoder this is the path of the image through it, e.g. ``(28, 28, 1)``,
    ``(14, 14, 32)``, ``(7, 7, 64)``, ..., back to ``(28, 28, 1)``.
    """
    shapes = [tuple(int(d) for d in model.inputs[0].shape[1:])]

    def walk(m: keras.Model) -> None:
        for layer in m.layers:
            if isinstance(layer, keras.Model):
                walk(layer)
            elif not isinstance(layer, layers.InputLayer):
                shapes.append(tuple(int(d) for d in layer.output.shape[1:]))

    walk(model)
    return shapes


def layer_kinds(model: keras.Model) -> list[tuple[str, str | None]]:
    """(layer type, activation) of every layer inside the sub-models (encoder, decoder) of an autoencoder.

    The activation is the name in the layer's configuration (``"relu"``, ``"linear"`` for none, ...), or
    ``None`` for a layer without one (input, flatten, reshape). Two autoencoders built alike give equal lists:
    ``layer_kinds(by_hand) == layer_kinds(build_dense_autoencoder(...).autoencoder)``.

    Raises:
        ValueError: ``model`` is not a Keras model made of sub-models (pass ``parts.autoencoder``).
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model (an autoencoder's .autoencoder), got {type(model).__name__}")
    parts = [part for part in model.layers if isinstance(part, keras.Model)]
    if not parts:
        raise ValueError(f"model {model.name!r} has no sub-models (encoder, decoder) to list the layers of")
    return [(type(layer).__name__, layer.get_config().get("activation")) for part in parts for layer in part.layers]


def predict(model: keras.Model, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """``model.predict(x, batch_size=batch_size, verbose=0)`` as a NumPy array: a model's output, silently.

    The batch size changes only speed and memory, not the result (up to float rounding); callers keep their
    own (notebook 04: 2048, notebook 05: 1000) so that their printed numbers stay the same.

    Raises:
        ValueError: ``batch_size`` is not a positive int.
    """
    batch_size = positive_int("batch_size", batch_size)
    return np.asarray(model.predict(x, batch_size=batch_size, verbose=0))


@keras.saving.register_keras_serializable(package="utils")
class Corruption(layers.Layer):
    """Noise on the input **while training only**, drawn afresh for every batch; the identity in ``predict``.

    The noise models of :func:`utils.noise.corrupt` (``kind``: ``"gaussian"``, ``"salt_and_pepper"``,
    ``"masking"``; ``level``: sigma or the fraction of pixels hit), with Keras's random numbers
    (``keras.random``, seeded by ``seed``) instead of NumPy's; the output is clipped to [0, 1]. Put it in front
    of an autoencoder and train with clean images as both input and target: the network sees a new noisy copy
    of every image in every epoch, as the denoising criterion of Vincent et al. (2008) asks, instead of one
    fixed noisy copy reused for all epochs.

    Raises:
        ValueError: ``kind`` is not a noise model, or ``level`` is not in [0, 1].
    """

    def __init__(self, kind: str, level: float, seed: int = 0, **kwargs: object) -> None:
        super().__init__(**kwargs)
        if kind not in NOISE_MODELS:
            raise ValueError(f"unknown noise model {kind!r}; choose one of {sorted(NOISE_MODELS)}")
        self.kind, self.level, self.seed = kind, check_number("level", level, 0.0, 1.0, include_low=True,
                                                               include_high=True), seed
        self.generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=None):  # noqa: D102
        if not training:
            return x
        shape = keras.ops.shape(x)
        if self.kind == "gaussian":
            noisy = x + self.level * keras.random.normal(shape, seed=self.generator)
        else:
            hit = keras.random.uniform(shape, seed=self.generator) < self.level
            if self.kind == "masking":
                replacement = keras.ops.zeros_like(x)
            else:  # salt and pepper: 0 or 1 with equal probability
                replacement = keras.ops.cast(keras.random.uniform(shape, seed=self.generator) < 0.5, x.dtype)
            noisy = keras.ops.where(hit, replacement, x)
        return keras.ops.clip(noisy, 0.0, 1.0)

    def compute_output_shape(self, input_shape):  # noqa: D102
        return input_shape

    def get_config(self) -> dict:  # noqa: D102
        return {**super().get_config(), "kind": self.kind, "level": self.level, "seed": self.seed}
