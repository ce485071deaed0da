"""Notebook 06's variational autoencoders, for ``BENCHMARKS.md``: ``python -m benchmarks.tasks vae``.

Trains the two VAEs of the notebook from ``utils.recipes.EXPERIMENTS["06"]`` (same recipes, data, seeds and
test binarisation): the 2-D VAE, measured by k-NN accuracy of its code means (notebook section 4), and Burda
et al.'s 784-200-200-50 model on dynamically binarised MNIST, measured by its test -ELBO and importance-
sampled negative log-likelihood (section 7); with the training cost of both. (The notebook trains the 2-D
VAE with a hand-written class and a plain ``fit``; here the same recipe trains ``utils.vae.VAE``, the same
model, through ``utils.training.train``.)
"""

from __future__ import annotations

import time
from typing import Any

import utils  # noqa: F401  (first: quietens TensorFlow's start-up log)
import keras

from utils import vae as vae_lib
from utils.baselines import knn_accuracy
from utils.config import Mode
from utils.recipes import EXPERIMENTS, PUBLISHED

SEED = 0


def _trained(r: vae_lib.VAERecipe, name: str, x, mode: Mode, label: str) -> tuple[vae_lib.VAE, dict[str, Any]]:
    keras.utils.set_random_seed(SEED)
    vae = r.build(name)
    run = r.train(vae, x, mode, seed=SEED, label=label, cache=False)
    epochs = len(run.history["loss"])
    return vae, {"model": f"{label} ({r.sizes()} VAE)", "epochs": epochs, "train_seconds": run.seconds,
                 "seconds_per_epoch": run.seconds / epochs}


def task_vae(mode: Mode) -> dict[str, Any]:
    """k-NN accuracy of the 2-D VAE's code means; -ELBO and importance-sampled NLL of the 50-D model; cost."""
    s = EXPERIMENTS["06"]
    x_train, y_train, x_test, y_test = s.data.load(mode)
    vae2, cost2 = _trained(s.vae2, "vae2", x_train, mode, "VAE-2")
    c_tr, c_te = vae2.encode(x_train), vae2.encode(x_test)
    terms2 = vae_lib.elbo_terms(vae2, x_test)
    vae50, cost50 = _trained(s.likelihood, "vae50", x_train, mode, "VAE-50")
    x_test_bin = vae_lib.binarize(x_test, seed=s.test_binarization_seed)
    terms = vae_lib.elbo_terms(vae50, x_test_bin)
    k = mode.pick(*s.nll_k)
    start = time.perf_counter()
    nll = float(vae_lib.importance_sampled_nll(vae50, x_test_bin, k=k, seed=SEED).mean())
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
NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}
RELATIONS = ("Variational autoencoder (notebook 06): the importance-sampled test NLL of the 50-D model is at most "
             "its -ELBO (a bound that must hold). The lecture's NLL target is reported in the section, met or "
             "missed, not checked here.")


def check(results: dict[str, dict[str, Any]]) -> list[str]:
    """Notebook 06's bound on the benchmark's results (``{backend: {task: result}}``); returns what fails."""
    problems = []
    for backend, res in results.items():
        if "vae" not in res:
            continue
        v = res["vae"]["vae50"]
        if not v["nll"] <= v["neg_elbo"]:
            problems.append(f"{NAMES.get(backend, backend)}: VAE importance-sampled NLL {v['nll']:.2f} is above "
                            f"its -ELBO {v['neg_elbo']:.2f} nats")
    return problems


def render_section(results: dict[str, dict[str, Any]]) -> list[str]:
    """The VAE section of BENCHMARKS.md (empty when no backend ran the task)."""
    backends = [b for b in results if "vae" in results[b]]
    if not backends:
        return []
    s = EXPERIMENTS["06"]
    knn_pub, nll_pub = PUBLISHED["knn_2d_vae"], PUBLISHED["nll_vae"]
    out = ["## Variational autoencoder (notebook 06)", "",
           f"The 2-D model, {s.vae2}: k-NN classifiers fitted on the training images' code means, scored on "
           "the test images' (as for the 2-D codes above).", "",
           "| model | 1-NN | 5-NN | test -ELBO, nats | published 1-NN / 5-NN |", "|---|---|---|---|---|"]
    for b in backends:
        v = results[b]["vae"]["vae2"]
        out.append(f"| VAE {s.vae2.sizes()}, {NAMES.get(b, b)} | {100 * v['knn1']:.2f} % | {100 * v['knn5']:.2f} % | "
                   f"{v['neg_elbo']:.2f} | {knn_pub.value[0]:.1f} / {knn_pub.value[1]:.1f} % |")
    out += ["", f"Published: {knn_pub.source}.", "",
            f"The likelihood model, {s.likelihood}. Test images binarised once (seed {s.test_binarization_seed}); "
            "negative log-likelihood estimated by importance sampling with k codes per image.", "",
            "| model | test -ELBO | test NLL (k) | estimate's time | published NLL |", "|---|---|---|---|---|"]
    for b in backends:
        v = results[b]["vae"]["vae50"]
        out.append(f"| VAE {s.likelihood.sizes()}, {NAMES.get(b, b)} | {v['neg_elbo']:.2f} | {v['nll']:.2f} "
                   f"(k = {v['k']}) | {v['nll_seconds']:.0f} s for {v['n_test']:,} images | {nll_pub.value:.2f} |")
    first = results[backends[0]]["vae"]
    if first["mode"] == "full":
        nll = first["vae50"]["nll"]
        out += ["", f"Target of the lecture (full mode): NLL at most {s.nll_target:g} nats: "
                f"{'met' if nll <= s.nll_target else 'missed'} ({nll:.2f}, {NAMES.get(backends[0], backends[0])}); "
                f"aim {s.nll_aim:g}: {'met' if nll <= s.nll_aim else 'missed'}."]
    out += ["", f"Published: {nll_pub.source}.", "", "Training cost:", "",
            "| model | backend | epochs | seconds per epoch | training time | peak memory of the task |",
            "|---|---|---|---|---|---|"]
    for b in backends:
        res = results[b]["vae"]
        for c in (res["vae2"]["cost"], res["cost"]):
            out.append(f"| {c['model']} | {NAMES.get(b, b)} | {c['epochs']} | {c['seconds_per_epoch']:.2f} s | "
                       f"{c['train_seconds']:.0f} s | {res.get('peak_rss_mb', float('nan')):,.0f} MB |")
    return out + [""]
