"""Notebook 07's helpers (utils/anomaly.py), its settings, and its benchmark section, on small made-up data."""

import copy

import keras
import numpy as np
import pytest

from benchmarks.anomaly import check, render_section, targets
from benchmarks.report import check_relations
from utils.anomaly import (OOD_KINDS, auroc, decision_summary, gcn_minmax, leave_one_out, normal_split,
                           validation_set,
                           normalised_baseline_scores, normalised_error, one_vs_rest, ood_images, reconstruction_error,
                           squared_error, threshold_at)
from utils.models import layer_sizes
from utils.experiments import EXPERIMENTS
from utils.published import PUBLISHED
from utils.recipes import RECIPES

RNG = np.random.default_rng(0)
Y_TRAIN = np.repeat(np.arange(10), 30)  # 30 "training images" of each digit, in order
Y_TEST = np.tile(np.arange(10), 5)


def test_normal_split_draws_the_validation_images_at_random_per_digit():
    train, val = normal_split(Y_TRAIN, [3, 7], n_validation=5, n_train_per_digit=10)
    assert len(val) == 10 and len(train) == 20
    assert set(Y_TRAIN[val]) == {3, 7} and set(Y_TRAIN[train]) == {3, 7}
    assert not set(train) & set(val)
    threes = np.flatnonzero(Y_TRAIN == 3)
    assert set(val[Y_TRAIN[val] == 3]) != set(threes[-5:])  # drawn, not the last images
    rest = np.setdiff1d(threes, val)
    assert np.array_equal(train[Y_TRAIN[train] == 3], rest[:10])  # training: the first of the others
    alone, _ = normal_split(Y_TRAIN, [3], n_validation=5)[1], None
    assert np.array_equal(alone, val[Y_TRAIN[val] == 3])  # a digit's draw does not depend on the others
    again = normal_split(Y_TRAIN, [3, 7], n_validation=5, n_train_per_digit=10)
    assert all(np.array_equal(a, b) for a, b in zip(again, (train, val)))  # seeded
    other = normal_split(Y_TRAIN, [3, 7], n_validation=5, n_train_per_digit=10, seed=1)[1]
    assert not np.array_equal(other, val)
    everything, _ = normal_split(Y_TRAIN, [3], n_validation=5)  # None: every image but the validation ones
    assert len(everything) == 25


@pytest.mark.parametrize("kwargs, message", [
    (dict(digits=[3], n_validation=25, n_train_per_digit=10), "fewer than"),
    (dict(digits=[10], n_validation=5), "digit"),
    (dict(digits=[3], n_validation=0), "n_validation"),
    (dict(digits=[3], n_validation=5, n_train_per_digit=2.5), "n_train_per_digit"),
    (dict(digits=[3], n_validation=5, seed=-1), "seed"),
])
def test_normal_split_rejects_bad_requests(kwargs, message):
    with pytest.raises(ValueError, match=message):
        normal_split(Y_TRAIN, **kwargs)


def test_protocols_mark_the_right_anomalies():
    p = one_vs_rest(Y_TRAIN, Y_TEST, 4, n_validation=5)
    assert p.normal_digits == (4,) and set(Y_TRAIN[p.train]) == {4}
    assert np.array_equal(p.anomalous, Y_TEST != 4) and p.anomalous.mean() == pytest.approx(0.9)
    q = leave_one_out(Y_TRAIN, Y_TEST, 4, n_validation=5, n_train_per_digit=8)
    assert 4 not in q.normal_digits and len(q.normal_digits) == 9 and 4 not in set(Y_TRAIN[q.train])
    assert len(q.train) == 72 and len(q.validation) == 45
    assert np.array_equal(q.anomalous, Y_TEST == 4)


def test_gcn_minmax_scales_the_fit_set_to_the_unit_interval_and_ignores_brightness():
    x = RNG.random((20, 784)).astype(np.float32)
    fit, other, brighter = gcn_minmax(x, x[:5], 3 * x[:5] + 0.5)
    assert fit.min() == pytest.approx(0) and fit.max() == pytest.approx(1) and fit.dtype == np.float32
    np.testing.assert_allclose(other, fit[:5], atol=1e-6)  # the same map for the other arrays
    np.testing.assert_allclose(brighter, fit[:5], atol=1e-5)  # contrast and brightness are normalised away
    with pytest.raises(ValueError, match="constant"):
        gcn_minmax(np.ones((3, 784)))


def test_reconstruction_error_is_the_mse_per_image():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4, kernel_initializer="zeros")])  # outputs 0
    x = np.array([[1, 1, 1, 1], [0, 0, 0, 2]], np.float32)
    np.testing.assert_allclose(reconstruction_error(model, x), [1.0, 1.0])
    images = x.reshape(2, 2, 2, 1)  # a convolutional autoencoder's input: (n, height, width, channels)
    zero = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Conv2D(1, 1, kernel_initializer="zeros")])
    np.testing.assert_allclose(reconstruction_error(zero, images), [1.0, 1.0])
    with pytest.raises(ValueError, match="non-empty batch of images"):
        reconstruction_error(model, x[0])
    np.testing.assert_allclose(squared_error(x, np.zeros_like(x)), [1.0, 1.0])
    with pytest.raises(ValueError, match="same non-empty batch"):
        squared_error(x, x[:1])


def stroke(row: int, col: int = 10, length: int = 8) -> np.ndarray:
    """A flattened 28x28 image with one horizontal stroke."""
    img = np.zeros((28, 28), np.float32)
    img[row, col:col + length] = 1.0
    return img.reshape(784)


def test_normalised_error_forgives_a_shifted_stroke_and_weighs_by_ink():
    x = np.stack([stroke(10), stroke(10)])
    shifted, missing = stroke(11), np.zeros(784, np.float32)  # the stroke a pixel off, and no stroke at all
    plain = normalised_error(x, np.stack([shifted, missing]), sigma=0, ink_offset=1e-6)
    blurred = normalised_error(x, np.stack([shifted, missing]), sigma=1.0, ink_offset=1e-6)
    assert plain[0] == pytest.approx(2 * plain[1])  # squared error: the shift costs twice the missing stroke
    assert blurred[0] < 0.5 * blurred[1]  # blurred: the shift costs much less than the missing stroke
    # the same residual counts more on an image with less ink
    thin, thick = stroke(10, length=4), stroke(10, length=4) + stroke(12)
    residual = np.zeros(784, np.float32)
    residual[5 * 28 + 5] = 0.5
    scores = normalised_error(np.stack([thin, thick]), np.stack([thin - residual, thick - residual]), 1.0, 0.01)
    assert scores[0] > scores[1]
    np.testing.assert_allclose(normalised_error(x.reshape(2, 28, 28, 1), x.reshape(2, 28, 28, 1), 1.0, 0.01), 0)
    assert normalised_error(np.zeros((1, 784)), np.zeros((1, 784)), 1.0, 0.01)[0] == 0  # blank: no division by 0
    for bad, message in (({"sigma": -1}, "sigma"), ({"ink_offset": 0}, "ink_offset")):
        with pytest.raises(ValueError, match=message):
            normalised_error(x, x, **{"sigma": 1.0, "ink_offset": 0.01, **bad})
    with pytest.raises(ValueError, match="same non-empty batch"):
        normalised_error(x, x[:1], 1.0, 0.01)


def test_normalised_scores_of_the_baselines():
    normal = np.stack([stroke(r, c) for r in range(4, 24) for c in (6, 10, 14)])  # strokes in many places
    test = np.stack([normal[0], stroke(10, 2, 24)])  # a normal one and a much longer stroke
    scores = normalised_baseline_scores(normal, test, pca_components=5, knn_k=1, sigma=1.0, ink_offset=0.01)
    assert set(scores) == {"PCA-5, normalised", "1-NN, normalised"}
    assert scores["1-NN, normalised"][0] == pytest.approx(0, abs=1e-9)  # itself is its nearest neighbour
    for name, s in scores.items():
        assert s.shape == (2,) and s[1] > s[0], name
    for k in (0, len(normal) + 1):
        with pytest.raises(ValueError, match="knn_k"):
            normalised_baseline_scores(normal, test, pca_components=5, knn_k=k, sigma=1.0, ink_offset=0.01)


def test_auroc_reads_as_a_ranking_probability():
    labels = np.array([0, 0, 1, 1], bool)
    assert auroc(labels, np.array([0.1, 0.2, 0.3, 0.4])) == 1.0
    assert auroc(labels, np.array([0.4, 0.3, 0.2, 0.1])) == 0.0
    assert auroc(labels, np.array([0.1, 0.3, 0.2, 0.4])) == 0.75  # 3 of the 4 (anomaly, normal) pairs right
    with pytest.raises(ValueError, match="both"):
        auroc(np.ones(4, bool), np.arange(4.0))
    with pytest.raises(ValueError, match="one score per image"):
        auroc(labels, np.arange(3.0))


def test_a_threshold_from_normal_scores_keeps_the_false_alarm_rate():
    normal_val, normal_test = RNG.random(20000), RNG.random(20000)
    t = threshold_at(normal_val, 0.05)
    assert t == pytest.approx(0.95, abs=0.01)
    anomalous = np.r_[np.zeros(20000, bool), np.ones(100, bool)]
    s = decision_summary(anomalous, np.r_[normal_test, np.full(100, 2.0)], t)
    assert s["false_alarm_rate"] == pytest.approx(0.05, abs=0.01) and s["recall"] == 1.0
    assert s["precision"] == pytest.approx(100 / s["flagged"])
    with pytest.raises(ValueError, match="false_alarm_rate"):
        threshold_at(normal_val, 1.5)


def test_ood_images():
    x = RNG.random((3, 784)).astype(np.float32)
    assert set(OOD_KINDS) == {"uniform noise", "inverted", "rotated 90°", "blank"}
    assert not ood_images(x, "blank").any()
    np.testing.assert_allclose(ood_images(x, "inverted"), 1 - x)
    rotated = ood_images(x, "rotated 90°").reshape(3, 28, 28)
    np.testing.assert_array_equal(rotated[1], np.rot90(x[1].reshape(28, 28)))
    noise = ood_images(x, "uniform noise", seed=1)
    assert np.array_equal(noise, ood_images(x, "uniform noise", seed=1)) and 0 <= noise.min() and noise.max() <= 1
    with pytest.raises(ValueError, match="kind"):
        ood_images(x, "upside down")


def test_settings_are_consistent_and_the_recipe_is_the_lectures_network():
    s = EXPERIMENTS["07"]
    assert RECIPES["anomaly"].sizes() == "784-256-64-16" and s.model is RECIPES["anomaly"]
    assert layer_sizes(s.loo_model.build("x").autoencoder) == [784, 256, 64, 16, 64, 256, 784]
    conv, dense = s.loo_conv_model, s.loo_model  # the optional comparison changes the layers only
    assert conv.code_dim == dense.code_dim and conv.output_activation == dense.output_activation
    assert (conv.loss, conv.epochs, conv.quick_epochs, conv.batch_size, conv.learning_rate, conv.schedule) == \
        (dense.loss, dense.epochs, dense.quick_epochs, dense.batch_size, dense.learning_rate, dense.schedule)
    for full, quick in (s.ovr_digits, s.gcn_digits, s.loo_digits, s.loo_conv_digits):
        assert set(quick) <= set(full) <= set(range(10))
    assert set(s.loo_conv_digits[0]) <= set(s.loo_digits[0]) and set(s.loo_conv_digits[1]) <= set(s.loo_digits[1])
    for digits in s.gcn_digits:  # the GCN table reuses the one-vs-rest results of its digits
        assert set(digits) <= set(s.ovr_digits[0]) and set(s.gcn_digits[1]) <= set(s.ovr_digits[1])
    assert s.decision_digit in s.loo_digits[0] and s.decision_digit in s.loo_digits[1]
    assert s.demo_digit in s.ovr_digits[1]
    assert 0 < s.score_sigma <= 3 and 0 < s.score_ink_offset < 0.1  # a blur of a few pixels; ink is about 0.1
    assert len(PUBLISHED["deep_svdd_mnist"].value) == 10 and "Table 1" in PUBLISHED["deep_svdd_mnist"].source


def made_up(mode="full"):
    ovr = {"autoencoder": {"0": 0.99, "1": 0.998}, "PCA-16 error": {"0": 0.98, "1": 0.99},
           "5-NN distance": {"0": 0.98, "1": 0.99}, "isolation forest": {"0": 0.9, "1": 0.95},
           "one-class SVM": {"0": 0.97, "1": 0.98}, "autoencoder, normalised": {"0": 0.995, "1": 0.999},
           "PCA-16, normalised": {"0": 0.99, "1": 0.995}, "5-NN, normalised": {"0": 0.99, "1": 0.999}}
    loo = {k: {"4": v["0"] - 0.2, "9": v["1"] - 0.4} for k, v in ovr.items()}
    loo["5-NN, normalised"] = {"4": 0.9, "9": 0.7}
    dec = {"false_alarm_rate": 0.051, "recall": 0.4, "precision": 0.45, "flagged": 90}
    return {"one_vs_rest": ovr, "leave_one_out": loo, "decisions": {"4": dec, "9": dict(dec)},
            "gcn": {"autoencoder, pixels in [0, 1]": {"0": 0.99}, "autoencoder, GCN + min-max": {"0": 0.97}},
            "published": {"deep_svdd": {"0": 0.98, "1": 0.997}, "source": "Ruff et al. (2018), Table 1"},
            "false_alarm_rate": 0.05, "mode": mode, "n_test": 10000, "peak_rss_mb": 900.0,
            "cost": {"model": "AE", "models": 6, "epochs": 150, "train_seconds": 60.0, "seconds_per_epoch": 0.4,
                     "wall_seconds": 100.0,
                     "per_protocol": {k: {"models": 2, "epochs": 30, "train_seconds": 20.0, "seconds_per_model": 10.0}
                                      for k in ("one_vs_rest", "gcn", "leave_one_out")}}}


def test_benchmark_section_and_relations():
    results = {"tensorflow": {"anomaly": made_up()}, "jax": {"anomaly": made_up()}}
    assert check(results) == [] and check_relations(results) == []
    text = "\n".join(render_section(results))
    for needed in ("## Anomaly detection", "Deep SVDD, published", "autoencoder, JAX", "GCN", "held-out digit",
                   "**0.994**", "Ruff et al. (2018), Table 1", "autoencoder, normalised, TensorFlow",
                   "5-NN, normalised", "*Normalised*"):
        assert needed in text, needed
    assert render_section({"tensorflow": {}}) == []


@pytest.mark.parametrize("breaks, message", [
    (lambda a: a["one_vs_rest"]["autoencoder"].update({"0": 0.5}), "one-vs-rest mean AUROC"),
    (lambda a: a["leave_one_out"]["autoencoder"].update({"4": 0.1, "9": 0.1}), "leave-one-out mean AUROC"),
    (lambda a: a["decisions"]["9"].update(false_alarm_rate=0.2), "false-alarm rate"),
    (lambda a: a["one_vs_rest"]["autoencoder, normalised"].update({"0": 0.9}), "does not raise"),
    (lambda a: a["leave_one_out"]["5-NN, normalised"].update({"4": 0.5, "9": 0.5}), "not between"),
])
def test_a_broken_anomaly_relation_is_reported(breaks, message):
    a = copy.deepcopy(made_up())
    breaks(a)
    problems = check({"tensorflow": {"anomaly": a}})
    assert problems and all(message in p or "above" in p for p in problems) and any(message in p for p in problems)


def test_full_mode_only_relations_are_skipped_in_quick_mode():
    a = made_up("quick")
    a["leave_one_out"]["PCA-16 error"] = {"4": 0.99, "9": 0.99}  # a baseline the notebook says it beats
    assert check({"tensorflow": {"anomaly": a}}) == []
    a["mode"] = "full"
    assert any("PCA-16 error" in p for p in check({"tensorflow": {"anomaly": a}}))


def test_targets_are_reported_met_or_missed_not_checked():
    a = made_up()
    text = targets(a)  # like for like: the normalised autoencoder against the normalised 5-NN
    assert "met (0.997)" in text and "missed (5-NN, normalised 0.800)" in text, text
    ahead = made_up()
    ahead["leave_one_out"]["5-NN, normalised"] = {"4": 0.7, "9": 0.5}
    assert targets(ahead).count("met") == 2, targets(ahead)
    a["leave_one_out"]["5-NN distance"] = {"4": 0.99, "9": 0.99}
    a["one_vs_rest"] = {k: ({"0": 0.97, "1": 0.97} if k == "autoencoder, normalised" else
                            {"0": 0.96, "1": 0.96} if k == "autoencoder" else {"0": 0.9, "1": 0.9})
                        for k in a["one_vs_rest"]}
    assert check({"tensorflow": {"anomaly": a}}) == []  # targets are not relations
    text = targets(a)
    assert "missed (0.970)" in text and "missed (5-NN distance 0.990, 5-NN, normalised 0.800)" in text, text
    assert "Targets of notebook 07" in "\n".join(render_section({"tensorflow": {"anomaly": a}}))


def test_validation_set_uses_unseen_training_images_of_the_other_digits():
    p = one_vs_rest(Y_TRAIN, Y_TEST, 4, n_validation=5)
    index, anomalous = validation_set(p, Y_TRAIN, n_per_anomalous_digit=3, seed=0)
    assert len(index) == 5 + 9 * 3 and anomalous.sum() == 27
    assert set(index[~anomalous]) == set(p.validation)
    assert not set(index) & set(p.train), "a validation image was trained on"
    assert (Y_TRAIN[index[anomalous]] != 4).all() and (Y_TRAIN[index[~anomalous]] == 4).all()
    again, _ = validation_set(p, Y_TRAIN, 3, seed=0)
    other, _ = validation_set(p, Y_TRAIN, 3, seed=1)
    assert np.array_equal(index, again) and not np.array_equal(index, other)
    q = leave_one_out(Y_TRAIN, Y_TEST, 4, n_validation=5)
    index, anomalous = validation_set(q, Y_TRAIN, 3)
    assert (Y_TRAIN[index[anomalous]] == 4).all() and anomalous.sum() == 3
    with pytest.raises(ValueError, match="fewer than the"):
        validation_set(p, Y_TRAIN, 10**6)
