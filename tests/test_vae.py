"""The variational autoencoder's pieces (utils/vae.py), on any Keras backend."""

from dataclasses import replace

import keras
import numpy as np
import pytest
from keras import ops

from utils.config import Mode
from utils.repro import set_seed
from utils.cache import model_structure as _structure
from utils.recipes import VAERecipe
from utils.data import binarize
from utils.vae import VAE, DynamicBinarization, KLDivergence, Sampling, build_vae, elbo_terms, importance_sampled_nll

RNG = np.random.default_rng(3)
X = RNG.random((256, 12), dtype=np.float32)  # 256 "images" of 12 grey pixels
TINY = VAERecipe(hidden=(16,), latent_dim=2, epochs=4, quick_epochs=2, batch_size=32, learning_rate=1e-2)


def test_sampling_draws_from_the_encoders_gaussian():
    n = 20000
    mean, log_var = np.full((n, 1), 3.0, "float32"), np.full((n, 1), np.log(4.0), "float32")
    z = ops.convert_to_numpy(Sampling(seed=1)([mean, log_var]))
    assert z.shape == (n, 1)
    assert abs(z.mean() - 3.0) < 0.05 and abs(z.std() - 2.0) < 0.05  # mean + exp(log_var / 2) * N(0, 1)
    layer = Sampling(seed=1)
    assert not np.allclose(ops.convert_to_numpy(layer([mean[:5], log_var[:5]])),
                           ops.convert_to_numpy(layer([mean[:5], log_var[:5]])))  # a fresh draw per call
    assert Sampling(seed=7).get_config()["seed"] == 7


def test_dynamic_binarization_acts_in_training_only():
    p = np.tile(np.array([[0.0, 0.2, 0.9, 1.0]], "float32"), (20000, 1))
    layer = DynamicBinarization(seed=0)
    b = ops.convert_to_numpy(layer(p, training=True))
    assert set(np.unique(b)) <= {0.0, 1.0}
    assert np.allclose(b.mean(axis=0), [0.0, 0.2, 0.9, 1.0], atol=0.01)
    assert not np.array_equal(b, ops.convert_to_numpy(layer(p, training=True)))  # fresh draw each step
    assert np.array_equal(ops.convert_to_numpy(layer(p, training=False)), p)


def test_kl_divergence_is_the_closed_form_and_zero_at_the_prior():
    layer = KLDivergence(beta=2.0)
    assert np.allclose(ops.convert_to_numpy(layer([np.zeros((3, 4), "float32"), np.zeros((3, 4), "float32")])), 0.0)
    mean, log_var = np.array([[1.0, -2.0]], "float32"), np.array([[0.5, -1.0]], "float32")
    expected = 0.5 * np.sum(mean**2 + np.exp(log_var) - 1.0 - log_var)
    assert np.allclose(ops.convert_to_numpy(layer([mean, log_var])), [expected], rtol=1e-5)
    assert layer.get_config()["beta"] == 2.0
    with pytest.raises(ValueError, match="beta"):
        KLDivergence(beta=-1.0)


def test_build_vae_shapes_and_bad_arguments():
    vae = build_vae(12, (16, 8), 3, name="t")
    assert vae.encoder.outputs[0].shape[-1] == 3 and len(vae.encoder.outputs) == 2
    assert vae.decoder.outputs[0].shape[-1] == 12 and vae.latent_dim == 3
    assert ops.convert_to_numpy(vae(X[:5])).shape == (5, 12)
    with pytest.raises(ValueError, match="latent_dim"):
        build_vae(12, (8,), 12)
    with pytest.raises(ValueError, match="hidden"):
        build_vae(12, 8, 2)
    other = build_vae(12, (8,), 2, name="o")
    with pytest.raises(ValueError, match="latent_dim"):
        VAE(vae.encoder, other.decoder)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        vae.encode(X * 255)
    with pytest.raises(ValueError, match="flattened"):
        vae.encode(X[:, :5])


def test_the_loss_is_reconstruction_plus_beta_times_kl():
    set_seed(0)
    vae = build_vae(12, (16,), 2, beta=3.0, name="t")
    vae.compile(optimizer="adam")
    loss = vae.evaluate(X, verbose=0)
    terms = elbo_terms(vae, X, seed=0)
    expected = terms["reconstruction"].mean() + 3.0 * terms["kl"].mean()
    assert abs(loss - expected) < 0.02 * expected  # different posterior samples: close, not equal
    assert (terms["kl"] >= 0).all() and (terms["reconstruction"] > 0).all()


def test_recipe_trains_and_beta_is_part_of_the_cache_key(monkeypatch):
    monkeypatch.setenv("AE_CACHE", "off")
    set_seed(0)
    vae = TINY.build("t", input_dim=12)
    run = TINY.train(vae, X, Mode("full"), seed=0)
    assert len(run.history["loss"]) == 4 and run.history["loss"][-1] < run.history["loss"][0]
    assert len(TINY.train(TINY.build("t", input_dim=12), X, Mode("quick"), seed=0).history["loss"]) == 2
    s1 = _structure(TINY.build("a", input_dim=12))
    s2 = _structure(replace(TINY, beta=4.0).build("a", input_dim=12))
    assert s1 != s2  # the train-or-load cache never confuses two betas
    assert "784-16-2 VAE" in str(TINY) and "beta 1" in str(TINY)
    with pytest.raises(ValueError, match="learning_rate"):
        replace(TINY, learning_rate=0)
    with pytest.raises(ValueError, match="schedule"):
        replace(TINY, schedule="step")
    with pytest.raises(ValueError, match="utils.vae.VAE"):
        TINY.train(keras.Sequential([keras.layers.Dense(2)]), X, Mode("quick"))


def _exact_log_likelihood(vae: VAE, x: np.ndarray) -> np.ndarray:
    """log p(x) of a VAE with a 1-D code, by quadrature over z on a fine grid."""
    z = np.linspace(-8, 8, 4001, dtype=np.float32)[:, None]
    logits = ops.convert_to_numpy(vae.decoder(z)).astype(np.float64)  # (grid, pixels)
    log_px_z = x @ -np.logaddexp(0, -logits).T + (1 - x) @ -np.logaddexp(0, logits).T  # (n, grid)
    log_prior = -0.5 * (z[:, 0].astype(np.float64) ** 2 + np.log(2 * np.pi))
    log_joint = log_px_z + log_prior
    m = log_joint.max(axis=1, keepdims=True)
    return (m[:, 0] + np.log(np.exp(log_joint - m).sum(axis=1) * (z[1, 0] - z[0, 0]))).astype(np.float64)


def test_importance_sampling_approaches_the_exact_likelihood_and_stays_below_the_elbo():
    # two kinds of binary "images" (first half of the pixels on, or second half), so the code matters
    proto = np.repeat(np.eye(2, dtype="float32"), 6, axis=1) * 0.8 + 0.1
    data = binarize(proto[RNG.integers(0, 2, 512)], seed=1)
    set_seed(0)
    vae = build_vae(12, (16,), 1, name="t")
    vae.compile(optimizer=keras.optimizers.Adam(1e-2))
    vae.fit(data, epochs=20, batch_size=32, verbose=0)
    xb = data[:40]
    exact_nll = -_exact_log_likelihood(vae, xb)
    nll_many = importance_sampled_nll(vae, xb, k=2000, seed=0)
    assert abs(nll_many.mean() - exact_nll.mean()) < 0.05, (nll_many.mean(), exact_nll.mean())
    assert np.allclose(nll_many, exact_nll, atol=0.15), np.abs(nll_many - exact_nll).max()
    repeated = np.tile(xb, (50, 1))  # many draws per image: the estimators' expectations
    terms = elbo_terms(vae, repeated, seed=0)
    neg_elbo = (terms["reconstruction"] + terms["kl"]).mean()
    nll_1 = importance_sampled_nll(vae, repeated, k=1, seed=1).mean()
    assert abs(nll_1 - neg_elbo) < 0.01 * neg_elbo  # k = 1 is the ELBO
    nll_10 = importance_sampled_nll(vae, repeated, k=10, seed=0).mean()
    assert exact_nll.mean() < nll_10 < neg_elbo, (exact_nll.mean(), nll_10, neg_elbo)
    with pytest.raises(ValueError, match="k must"):
        importance_sampled_nll(vae, xb, k=0)


def test_benchmark_section_and_its_relation():
    from benchmarks.vae import check, render_section

    cost = {"model": "VAE-50 (784-200-200-50 VAE)", "epochs": 2, "train_seconds": 4.0, "seconds_per_epoch": 2.0}
    result = {"vae2": {"knn1": 0.74, "knn5": 0.79, "neg_elbo": 140.0, "cost": {**cost, "model": "VAE-2"}},
              "vae50": {"neg_elbo": 95.0, "kl": 26.0, "nll": 91.0, "k": 100, "nll_seconds": 30.0, "n_test": 10000},
              "mode": "full", "cost": cost, "peak_rss_mb": 900.0}
    results = {"tensorflow": {"vae": result}, "jax": {"vae": {**result, "vae50": {**result["vae50"], "nll": 96.0}}}}
    problems = check(results)
    assert len(problems) == 1 and problems[0].startswith("JAX") and "above its -ELBO" in problems[0]
    text = "\n".join(render_section(results))
    assert "## Variational autoencoder (notebook 06)" in text and "86.76" in text and "72.4 / 76.5 %" in text
    assert "NLL at most 95 nats: met (91.00" in text
    assert render_section({"tensorflow": {}}) == []


# ------------------------------------------------------------------------------------------------------
# notebook 06's tools for judging generated images and code spaces
# ------------------------------------------------------------------------------------------------------
def _tiny_judge(x, y):
    from utils.vae import DigitJudge

    set_seed(0)
    classifier = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(8, activation="relu"),
                                   keras.layers.Dense(10, activation="softmax")])
    return DigitJudge(classifier, x, y)


def test_digit_judge_scores_a_set_against_its_reference():
    y = np.arange(len(X)) % 10
    judge = _tiny_judge(X, y)
    assert np.allclose(judge.shares, 0.1, atol=0.01)
    read = judge.read(X[:7])
    assert read["confidence"].shape == (7,) and read["digit"].shape == (7,)
    assert np.all((read["confidence"] >= 0.1 - 1e-6) & (read["confidence"] <= 1))  # top of ten probabilities
    s = judge.scores(X)
    assert abs(s["frechet"]) < 1e-3  # the reference itself
    assert np.isclose(s["shares"].sum(), 1) and np.isclose(s["mix"], 0.5 * np.abs(s["shares"] - judge.shares).sum())
    assert judge.scores(np.zeros_like(X))["frechet"] > 0.01
    with pytest.raises(ValueError, match="same length"):
        _tiny_judge(X, y[:-1])


def test_random_box_points_and_holes():
    from utils.vae import in_hole, random_box_points

    codes = np.random.default_rng(0).standard_normal((2000, 2))
    z = random_box_points(codes, 500, np.random.default_rng(1), (1.0, 99.0))
    lo, hi = np.percentile(codes, (1.0, 99.0), axis=0)
    assert z.shape == (500, 2) and z.dtype == np.float32 and np.all((z >= lo - 1e-6) & (z <= hi + 1e-6))
    holes = in_hole(np.array([[0.0, 0.0], [30.0, 30.0]]), codes[:1000], codes[1000:], 99.0)
    assert holes.tolist() == [False, True]
    with pytest.raises(ValueError, match="codes"):
        random_box_points(np.zeros(5), 3, np.random.default_rng(0))


def test_prior_share_within_is_the_chi_distribution():
    from utils.vae import prior_share_within

    assert np.isclose(prior_share_within(2.0, 2), 1 - np.exp(-2.0))
    z = np.random.default_rng(0).standard_normal((200000, 5))
    assert abs(prior_share_within(2.0, 5) - np.mean(np.linalg.norm(z, axis=1) < 2.0)) < 0.005
    with pytest.raises(ValueError):
        prior_share_within(1.0, 0)


def test_plot_beta_sweep_draws_one_panel_per_beta_and_the_trade_off():
    import matplotlib.pyplot as plt

    from utils.vae import plot_beta_sweep

    rng = np.random.default_rng(0)
    y = np.arange(300) % 10
    sweep = {b: {"codes": rng.standard_normal((300, 2)) / (1 + b), "kl": 5.0 / (1 + b), "reconstruction": 100 + b}
             for b in (0.5, 4.0)}
    fig = plot_beta_sweep(sweep, y)
    assert len(fig.axes) == 3 and fig.axes[-1].get_xscale() == "linear"  # KL 1 to 3.3: no log scale
    plt.close(fig)
    sweep[0.0] = {"codes": rng.standard_normal((300, 2)) * 20, "kl": 190.0, "reconstruction": 99.0}
    fig = plot_beta_sweep(sweep, y)
    assert len(fig.axes) == 4 and fig.axes[-1].get_xscale() == "log"  # KL 1 to 190
    plt.close(fig)
