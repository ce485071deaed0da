"""The mirrored dense autoencoder builder."""

import numpy as np
import pytest

from utils.models import build_dense_autoencoder, layer_sizes


def test_decoder_mirrors_encoder():
    parts = build_dense_autoencoder(784, (512, 256, 128), 2)
    assert layer_sizes(parts.autoencoder) == [784, 512, 256, 128, 2, 128, 256, 512, 784]
    assert layer_sizes(parts.encoder) == [784, 512, 256, 128, 2]
    assert layer_sizes(parts.decoder) == [2, 128, 256, 512, 784]


def test_parts_share_weights_and_compose():
    parts = build_dense_autoencoder(20, (8,), 3, name="tiny")
    x = np.random.default_rng(0).random((5, 20), dtype=np.float32)
    direct = parts.autoencoder.predict(x, verbose=0)
    composed = parts.decoder.predict(parts.encoder.predict(x, verbose=0), verbose=0)
    np.testing.assert_allclose(direct, composed, rtol=1e-5, atol=1e-6)
    assert parts.autoencoder.count_params() == parts.encoder.count_params() + parts.decoder.count_params()
    assert direct.min() >= 0 and direct.max() <= 1  # sigmoid output for pixels in [0, 1]


def test_activation_arguments():
    parts = build_dense_autoencoder(10, (), 4, activation="tanh", code_activation="sigmoid", output_activation=None)
    code_layer = parts.encoder.layers[-1]
    assert code_layer.get_config()["activation"] == "sigmoid"
    assert parts.decoder.layers[-1].get_config()["activation"] == "linear"


@pytest.mark.parametrize("kwargs, match", [
    ({"input_dim": 0}, "input_dim"),
    ({"code_dim": -2}, "code_dim"),
    ({"code_dim": 2.5}, "code_dim"),
    ({"hidden": (64, 0)}, r"hidden\[1\]"),
    ({"hidden": 64}, "sequence"),
    ({"hidden": "64"}, "sequence"),
])
def test_invalid_sizes(kwargs, match):
    with pytest.raises(ValueError, match=match):
        build_dense_autoencoder(**{"input_dim": 784, "hidden": (), "code_dim": 8, **kwargs})


def test_overcomplete_is_refused_unless_asked():
    with pytest.raises(ValueError, match="not smaller than input_dim"):
        build_dense_autoencoder(784, (), 1024)
    parts = build_dense_autoencoder(784, (), 1024, allow_overcomplete=True)
    assert layer_sizes(parts.autoencoder) == [784, 1024, 784]
