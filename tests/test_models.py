"""The mirrored dense autoencoder builder."""

import keras
import numpy as np
import pytest

from utils.models import (
    build_code_classifier,
    build_conv_autoencoder,
    build_dense_autoencoder,
    feature_map_shapes,
    layer_kinds,
    layer_sizes,
    predict,
)
from utils.repro import set_seed

X = np.random.default_rng(2).random((128, 16), dtype=np.float32)


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
    ({"code_dim": True}, "code_dim"),
    ({"hidden": (64, 0)}, r"hidden\[1\]"),
    ({"hidden": 64}, "sequence"),
    ({"hidden": "64"}, "sequence"),
])
def test_invalid_sizes(kwargs, match):
    with pytest.raises(ValueError, match=match):
        build_dense_autoencoder(**{"input_dim": 784, "hidden": (), "code_dim": 8, **kwargs})


def test_numpy_integer_sizes_are_accepted():
    parts = build_dense_autoencoder(np.int64(10), (np.int32(6),), np.int64(3))
    assert layer_sizes(parts.autoencoder) == [10, 6, 3, 6, 10]


def test_overcomplete_is_refused_unless_asked():
    with pytest.raises(ValueError, match="not smaller than input_dim"):
        build_dense_autoencoder(784, (), 1024)
    parts = build_dense_autoencoder(784, (), 1024, allow_overcomplete=True)
    assert layer_sizes(parts.autoencoder) == [784, 1024, 784]


def test_code_classifier_wraps_the_encoder():
    set_seed(0)
    enc = build_dense_autoencoder(16, (8,), 4, name="c").encoder
    clf = build_code_classifier(enc, n_classes=3)
    p = keras.ops.convert_to_numpy(clf(X[:5]))
    assert p.shape == (5, 3) and np.allclose(p.sum(axis=1), 1, atol=1e-5)
    assert any(isinstance(layer, keras.layers.LayerNormalization) for layer in clf.layers)
    assert enc in clf.layers  # fine-tuning the classifier trains the encoder's weights
    with pytest.raises(ValueError, match="n_classes"):
        build_code_classifier(enc, n_classes=0)


# --- the convolutional autoencoder (notebook 05) ---------------------------------------------------------

def test_conv_decoder_mirrors_encoder():
    parts = build_conv_autoencoder((28, 28, 1), (32, 64), 32)
    assert feature_map_shapes(parts.encoder) == [(28, 28, 1), (14, 14, 32), (7, 7, 64), (3136,), (32,)]
    assert feature_map_shapes(parts.decoder) == [(32,), (3136,), (7, 7, 64), (14, 14, 32), (28, 28, 1)]
    enc = [layer for layer in parts.encoder.layers if isinstance(layer, keras.layers.Conv2D)]
    dec = [layer for layer in parts.decoder.layers if isinstance(layer, keras.layers.Conv2DTranspose)]
    assert [layer.filters for layer in enc] == [32, 64] and [layer.filters for layer in dec] == [32, 1]
    assert all(layer.strides == (2, 2) for layer in enc + dec)


def test_conv_parts_share_weights_and_compose():
    parts = build_conv_autoencoder((8, 8, 1), (4, 6), 3, name="tinyconv")
    x = np.random.default_rng(0).random((5, 8, 8, 1), dtype=np.float32)
    direct = parts.autoencoder.predict(x, verbose=0)
    composed = parts.decoder.predict(parts.encoder.predict(x, verbose=0), verbose=0)
    np.testing.assert_allclose(direct, composed, rtol=1e-5, atol=1e-6)
    assert direct.shape == x.shape and direct.min() >= 0 and direct.max() <= 1
    assert parts.autoencoder.count_params() == parts.encoder.count_params() + parts.decoder.count_params()


def test_fully_convolutional_denoiser_with_middle_layers():
    parts = build_conv_autoencoder((28, 28, 1), (32, 64), None, middle=1, allow_overcomplete=True)
    shapes = feature_map_shapes(parts.autoencoder)
    assert shapes[0] == (28, 28, 1) and shapes[-1] == (28, 28, 1)
    assert feature_map_shapes(parts.encoder)[-1] == (7, 7, 64)  # the code: 3,136 numbers
    assert not any(isinstance(layer, keras.layers.Dense) for layer in parts.encoder.layers)
    mids = [layer.name for m in (parts.encoder, parts.decoder) for layer in m.layers if "_mid_" in layer.name]
    assert len(mids) == 2  # one in the encoder, its mirror in the decoder
    with pytest.raises(ValueError, match="allow_overcomplete"):
        build_conv_autoencoder((28, 28, 1), (32, 64), None)


@pytest.mark.parametrize("kwargs, match", [
    ({"input_shape": (28, 28)}, "height, width, channels"),
    ({"input_shape": (30, 28, 1)}, "divisible by 4"),
    ({"filters": ()}, "non-empty"),
    ({"filters": (32, 0)}, r"filters\[1\]"),
    ({"code_dim": 0}, "code_dim"),
    ({"code_dim": 784}, "copy its input"),
    ({"middle": -1}, "middle"),
    ({"kernel_size": True}, "kernel_size"),
])
def test_conv_invalid_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        build_conv_autoencoder(**{"input_shape": (28, 28, 1), "filters": (8, 16), "code_dim": 8, **kwargs})


def test_predict_is_the_models_output_as_a_numpy_array():
    parts = build_dense_autoencoder(16, (8,), 2, name="p")
    out = predict(parts.autoencoder, X, batch_size=32)
    assert isinstance(out, np.ndarray) and out.shape == X.shape
    np.testing.assert_array_equal(out, parts.autoencoder.predict(X, batch_size=32, verbose=0))
    np.testing.assert_allclose(predict(parts.encoder, X), parts.encoder.predict(X, verbose=0), rtol=1e-6)
    with pytest.raises(ValueError, match="batch_size"):
        predict(parts.autoencoder, X, batch_size=0)


def test_layer_kinds_lists_type_and_activation_inside_encoder_and_decoder():
    parts = build_dense_autoencoder(16, (8,), 2, name="k")
    assert layer_kinds(parts.autoencoder) == [
        ("InputLayer", None), ("Dense", "relu"), ("Dense", "linear"),  # encoder
        ("InputLayer", None), ("Dense", "relu"), ("Dense", "sigmoid"),  # decoder
    ]
    inputs = keras.Input((16,))  # the same network written out by hand, as notebook 01 does
    encoder = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Dense(8, activation="relu")(inputs)))
    code = keras.Input((2,))
    decoder = keras.Model(code, keras.layers.Dense(16, activation="sigmoid")(keras.layers.Dense(8, "relu")(code)))
    assert layer_kinds(keras.Model(inputs, decoder(encoder(inputs)))) == layer_kinds(parts.autoencoder)
    conv = build_conv_autoencoder((8, 8, 1), (4,), 3, output_activation=None).autoencoder
    assert ("Flatten", None) in layer_kinds(conv) and layer_kinds(conv)[-1] == ("Conv2DTranspose", "linear")
    with pytest.raises(ValueError, match="no sub-models"):
        layer_kinds(parts.encoder)
    with pytest.raises(ValueError, match="keras.Model"):
        layer_kinds(parts)


@pytest.mark.parametrize("kind", ["gaussian", "salt_and_pepper", "masking"])
def test_corruption_adds_fresh_noise_in_training_only(kind):
    from utils.models import Corruption

    x = np.random.default_rng(0).random((64, 784)).astype("float32")
    layer = Corruption(kind, 0.3, seed=1)
    first, second = (np.asarray(layer(x, training=True)) for _ in range(2))
    assert np.array_equal(np.asarray(layer(x)), x)  # predict: the image itself
    assert not np.array_equal(first, x) and not np.array_equal(first, second)  # a new draw every call
    assert first.min() >= 0 and first.max() <= 1
    changed = np.mean(first != x)
    if kind == "gaussian":
        assert abs(np.std(first - x) - 0.3) < 0.1  # clipping shrinks it a little
    else:
        assert 0.25 < changed < 0.35  # a fraction 0.3 hit (salt and pepper: half land on their old value of 0 or 1)
    if kind == "masking":
        assert np.all(first[first != x] == 0)
    clone = Corruption.from_config(layer.get_config())
    assert (clone.kind, clone.level, clone.seed) == (kind, 0.3, 1)


def test_corruption_refuses_unknown_noise():
    from utils.models import Corruption

    with pytest.raises(ValueError, match="unknown noise model"):
        Corruption("speckle", 0.3)
    with pytest.raises(ValueError, match="level"):
        Corruption("gaussian", 1.5)


def test_recipe_trains_a_denoiser_behind_fresh_noise():
    from utils.config import Mode
    from utils.recipes import Recipe

    r = Recipe(hidden=(), code_dim=16, epochs=1, quick_epochs=1, batch_size=32, learning_rate=1e-3)
    ae = r.build("tiny")
    x = np.random.default_rng(0).random((64, 784)).astype("float32")
    run = r.train(ae, x, x, Mode("quick"), corruption=("masking", 0.5), seed=0, cache=False, label="t")
    assert len(run.history["loss"]) == 1
