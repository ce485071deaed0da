"""The mirrored dense autoencoder: encoder -> code -> decoder, the decoder mirroring the encoder."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import keras
from keras import layers

from .checks import positive_int


class Autoencoder(NamedTuple):
    """The three models of a dense autoencoder; they share layers (and so weights).

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
