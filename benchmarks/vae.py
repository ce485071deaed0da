"""Notebook 06's variational autoencoders, for ``BENCHMARKS.md``: ``python -m benchmarks.tasks vae``.

Trains the two VAEs of the notebook from ``utils.experiments.EXPERIMENTS["06"]`` (same recipes, data, seeds and
test binarisation): the 2-D VAE, measured by k-NN accuracy of its code means (notebook section 4), and Burda
et al.'s 784-200-200-50 model on dynamically binarised MNIST, measured by its test -ELBO and importance-
sampled negative log-likelihood (section 7); with the training cost of both. Both train on dynamically
binarised images and are measured on one fixed binary draw, as in the notebook. (The notebook trains the 2-D
VAE with a hand-written class; here the same recipe trains ``utils.vae.VAE``, the same model.)
"""

from __future__ import annotations

import time
from typing import Any

import utils.backend  # noqa: F401  (first: imports Keras with TensorFlow's start-up log hidden)
import keras

from utils import vae as vae_lib
from utils.baselines import knn_accuracy
from utils.config import Mode
from utils.data import binarize
from utils.experiments import EXPERIMENTS
from utils.published import PUBLISHED
from utils.recipes import VAERecipe

from .common import display, pct, ran, run_seed, table, task_results

SEED = 0  # the notebook's seed of the initial weights, the data order and the sampling noise (run 0)


def _trained(r: VAERecipe, name: str, x, mode: Mode, label: str,
             seed: int = 0) -> tuple[vae_lib.VAE, dict[str, Any]]:
    """Build and train recipe ``r`` as notebook 06 does (in run ``seed``); return the VAE and its training cost."""
    keras.utils.set_random_seed(run_seed(SEED, seed))
    vae = r.build(name, seed=run_seed(SEED, seed))
    run = r.train(vae, x, mode, seed=run_seed(SEED, seed), label=label, cache=False)
    epochs = len(run.history["loss"])
    return vae, {"model": f"{label} ({r.sizes()} VAE)", "epochs": epochs, "train_seconds": run.seconds,
                 "seconds_per_epoch": run.seconds / epochs}


def task_vae(mode: Mode, seed: int = 0) -> dict[str, Any]:
    """k-NN accuracy of the 2-D VAE's code means; -ELBO and importance-sampled NLL of the 50-D model; cost (in
    run ``seed`` of :func:`benchmarks.common.run_seed`: weights, data order, sampling, binarisation)."""
    s = EXPERIMENTS["06"]
    x_train, y_train, x_test, y_test = s.data.load(mode)
    x_train_bin = binarize(x_train, seed=run_seed(s.train_binarization_seed, seed))  # as the notebook measures
    x_test_bin = binarize(x_test, seed=run_seed(s.test_binarization_seed, seed))
    vae2, cost2 = _trained(s.vae2, "vae2", x_train, mode, "VAE-2", seed)  # trained on dynamically binarised images
    c_tr, c_te = vae2.encode(x_train_bin), vae2.encode(x_test_bin)
    terms2 = vae_lib.elbo_terms(vae2, x_test_bin, seed=run_seed(SEED, seed))
    vae50, cost50 = _trained(s.likelihood, "vae50", x_train, mode, "VAE-50", seed)
    terms = vae_lib.elbo_terms(vae50, x_test_bin, seed=run_seed(SEED, seed))
    k = mode.pick(*s.nll_k)
    start = time.perf_counter()
    nll = float(vae_lib.importance_sampled_nll(vae50, x_test_bin, k=k, seed=run_seed(SEED, seed)).mean())
    return {
        "vae2": {"knn1": knn_accuracy(c_tr, y_train, c_te, y_test, 1),
                 "knn5": knn_accuracy(c_tr, y_train, c_te, y_test, 5),
                 "neg_elbo": float((terms2["reconstruction"] + terms2["kl"]).mean()), "cost": cost2},
        "vae50": {"neg_elbo": float((terms["reconstruction"] + terms["kl"]).mean()), "kl": float(terms["kl"].mean()),
                  "nll": nll, "k": k, "nll_seconds": time.perf_counter() - start, "n_test": len(x_test)},
        "mode": mode.name,
        "cost": cost50,
    }


# ------------------------------------------------------------------------------------------------------
# BENCHMARKS.md section and relation checks (called from benchmarks/report.py)
# ------------------------------------------------------------------------------------------------------
RELATIONS = ("Variational autoencoder (notebook 06): the importance-sampled test NLL of the 50-D model is at most "
             "its -ELBO (a bound that must hold). The lecture's NLL target is reported in the section, met or "
             "missed, not checked here.")


def check(results: dict[str, dict[str, Any]]) -> list[str]:
    """Notebook 06's bound on the benchmark's results (``{backend: {task: result}}``); returns what fails."""
    problems = []
    for b, r in task_results(results, "vae"):
        v = r["vae50"]
        if not v["nll"] <= v["neg_elbo"]:
            problems.append(f"{b}: VAE importance-sampled NLL {v['nll']:.2f} is above its -ELBO {v['neg_elbo']:.2f} "
                            "nats")
    return problems


def render_section(results: dict[str, dict[str, Any]]) -> list[str]:
    """The VAE section of BENCHMARKS.md (empty when no backend ran the task): the 2-D model, the likelihood model
    and their training cost."""
    if not ran(results, "vae"):
        return []
    return (["## Variational autoencoder (notebook 06)", ""] + _knn_table(results) + [""]
            + _likelihood_table(results) + [""] + _cost_table(results) + [""])


def _knn_table(results: dict[str, dict[str, Any]]) -> list[str]:
    """The 2-D model: k-NN accuracy of its code means and its test -ELBO; the published accuracy."""
    s, pub = EXPERIMENTS["06"], PUBLISHED["knn_2d_vae"]
    rows = [[f"VAE {s.vae2.sizes()}, {b}", pct(r["vae2"]["knn1"]), pct(r["vae2"]["knn5"]),
             f"{r['vae2']['neg_elbo']:.2f}", f"{pub.value[0]:.1f} / {pub.value[1]:.1f} %"]
            for b, r in task_results(results, "vae")]
    return ([f"The 2-D model, {s.vae2}: k-NN classifiers fitted on the training images' code means, scored on "
             "the test images' (as for the 2-D codes above).", ""]
            + table(["model", "1-NN", "5-NN", "test -ELBO, nats", "published 1-NN / 5-NN"], rows)
            + ["", f"Published: {pub.source}."])


def _likelihood_table(results: dict[str, dict[str, Any]]) -> list[str]:
    """The likelihood model: test -ELBO and importance-sampled NLL; the published NLL; in full mode, whether the
    lecture's target and aim are met."""
    s, pub = EXPERIMENTS["06"], PUBLISHED["nll_vae"]
    rows = []
    for b, r in task_results(results, "vae"):
        v = r["vae50"]
        rows.append([f"VAE {s.likelihood.sizes()}, {b}", f"{v['neg_elbo']:.2f}", f"{v['nll']:.2f} (k = {v['k']})",
                     f"{v['nll_seconds']:.0f} s for {v['n_test']:,} images", f"{pub.value:.2f}"])
    out = ([f"The likelihood model, {s.likelihood}. Test images binarised once (seed {s.test_binarization_seed}); "
            "negative log-likelihood estimated by importance sampling with k codes per image.", ""]
           + table(["model", "test -ELBO", "test NLL (k)", "estimate's time", "published NLL"], rows))
    first = ran(results, "vae")[0]
    if results[first]["vae"]["mode"] == "full":
        nll = results[first]["vae"]["vae50"]["nll"]
        out += ["", f"Target of the lecture (full mode): NLL at most {s.nll_target:g} nats: "
                f"{'met' if nll <= s.nll_target else 'missed'} ({nll:.2f}, {display(first)}); "
                f"aim {s.nll_aim:g}: {'met' if nll <= s.nll_aim else 'missed'}."]
    return out + ["", f"Published: {pub.source}."]


def _cost_table(results: dict[str, dict[str, Any]]) -> list[str]:
    """The training cost of both models, and the task's peak memory."""
    rows = [[c["model"], b, str(c["epochs"]), f"{c['seconds_per_epoch']:.2f} s", f"{c['train_seconds']:.0f} s",
             f"{r.get('peak_rss_mb', float('nan')):,.0f} MB"]
            for b, r in task_results(results, "vae") for c in (r["vae2"]["cost"], r["cost"])]
    return ["Training cost:", ""] + table(["model", "backend", "epochs", "seconds per epoch", "training time",
                                           "peak memory of the task"], rows)
