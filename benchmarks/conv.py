"""Notebook 05's convolutional autoencoders, for ``BENCHMARKS.md``: ``python -m benchmarks.tasks conv``.

Trains the notebook's models from ``utils.recipes.RECIPES`` with its settings
(``utils.experiments.EXPERIMENTS["05"]``: data, shifts, noise, probe size; notebook 04's noise seeds and filter
grids): convolutional and dense autoencoders at code 32 and 2 (test error, weights, cost; error of moved
digits; k-NN accuracy of the 2-D codes), the convolutional and dense denoisers against the classical filters
(PSNR, SSIM), and a linear classifier on the codes. (The notebook writes its first convolutional model by
hand and fits it with a plain ``fit``; here the same recipe builds it with ``build_conv_autoencoder`` and
trains it through ``utils.training.train``.)
"""

from __future__ import annotations

from typing import Any, NamedTuple

import utils.backend  # noqa: F401  (first: imports Keras with TensorFlow's start-up log hidden)
import numpy as np

from utils.baselines import (FIXED_PROBE, best_setting, classical_denoisers, fit_pca, knn_accuracy, linear_probe,
                             pca_reconstruct)
from utils.config import Mode
from utils.data import shift_right
from utils.metrics import psnr, sse_per_image, ssim
from utils.models import predict
from utils.noise import corrupt
from utils.experiments import EXPERIMENTS
from utils.published import PUBLISHED
from utils.recipes import RECIPES
from utils.repro import set_seed

from .common import display, pct, ran, run_seed, table, task_results

SEED = 0  # the notebook's seed of the initial weights, the data order and the baselines (run 0)
BATCH = 1000  # prediction batch size (notebook 05's)
CLASSICAL = ("noisy input", "median filter", "Gaussian blur", "PCA projection")  # rows of the first backend only


class _Images(NamedTuple):
    """Notebook 05's images: training, the classical filters' tuning images and test, flat (784 pixels), and the
    training and test images again as 28x28x1 images, the convolutional models' input."""

    x_tr: np.ndarray
    y_tr: np.ndarray
    x_tune: np.ndarray
    x_te: np.ndarray
    y_te: np.ndarray
    img_tr: np.ndarray
    img_te: np.ndarray

    def train(self, conv: bool) -> np.ndarray:
        """The training images as a convolutional (28x28x1) or a dense (flat) model takes them."""
        return self.img_tr if conv else self.x_tr

    def test(self, conv: bool) -> np.ndarray:
        """The test images as a convolutional (28x28x1) or a dense (flat) model takes them."""
        return self.img_te if conv else self.x_te


def _images(mode: Mode) -> _Images:
    """Notebook 05's data: the training images less the last ``n_tuning`` (the filters' tuning images), the test
    images."""
    s = EXPERIMENTS["05"]
    data = s.data.load(mode)
    n_tuning = mode.pick(*s.n_tuning)
    x_tr, x_te = data.x_train[:-n_tuning], data.x_test
    return _Images(x_tr, data.y_train[:-n_tuning], data.x_train[-n_tuning:], x_te, data.y_test,
                   x_tr.reshape(-1, 28, 28, 1), x_te.reshape(-1, 28, 28, 1))


def _trained(name: str, recipe, x_in: np.ndarray, x_out: np.ndarray, mode: Mode,
             seed: int = 0) -> tuple[Any, dict[str, Any]]:
    """Build and train ``recipe`` as notebook 05 does (in run ``seed``); return the model and its cost (weights,
    epochs, seconds)."""
    set_seed(run_seed(SEED, seed))
    model = recipe.build(name=name)
    run = recipe.train(model, x_in, x_out, mode, seed=run_seed(SEED, seed), label=name, cache=False)
    epochs = len(run.history["loss"])
    return model, {"model": f"{name} ({recipe.sizes()})", "weights": int(model.autoencoder.count_params()),
                   "epochs": epochs, "train_seconds": run.seconds, "seconds_per_epoch": run.seconds / epochs}


def _reconstruct(model: Any, x: np.ndarray) -> np.ndarray:
    """The autoencoder's output for ``x``, clipped to [0, 1] (the models have a linear output), flat (784)."""
    return np.clip(predict(model.autoencoder, x, batch_size=BATCH), 0, 1).reshape(-1, 784)


def _codes(model: Any, d: _Images, conv: bool) -> tuple[np.ndarray, np.ndarray]:
    """The codes of the training and of the test images."""
    return (predict(model.encoder, d.train(conv), batch_size=BATCH),
            predict(model.encoder, d.test(conv), batch_size=BATCH))


def task_conv(mode: Mode, seed: int = 0) -> dict[str, Any]:
    """Notebook 05's tables: autoencoders at code 32 and 2, moved digits, 2-D k-NN, denoisers, linear probe (in
    run ``seed`` of :func:`benchmarks.common.run_seed`)."""
    s = EXPERIMENTS["05"]
    d = _images(mode)
    models, sse, costs = _autoencoders(d, mode, seed)
    shifted = _moved_digits(models, d, s.shifts)
    knn = _knn_2d(models, d, s.knn_k, seed)
    denoising, denoiser_costs = _denoisers(d, s.noise, mode, seed)
    n_fit = mode.pick(*s.n_probe) or len(d.x_tr)
    probe = _probe(models, d, n_fit)
    return {"sse": sse, "shifted": shifted, "shifts": list(s.shifts), "knn": knn, "knn_k": list(s.knn_k),
            "denoising": denoising, "noise": s.noise, "probe": probe, "n_probe": n_fit,
            "costs": costs + denoiser_costs, "mode": mode.name, "target_psnr_db": s.target_psnr_db}


def _autoencoders(d: _Images, mode: Mode,
                  seed: int = 0) -> tuple[dict[str, Any], dict[str, float], list[dict[str, Any]]]:
    """The convolutional and dense autoencoders at code 32 and 2: the models, their summed squared test error
    per image (and PCA-32's and PCA-2's) and their training costs."""
    models, sse, costs = {}, {}, []
    for name in ("cae32", "dense32", "cae2", "dense2"):
        conv = name.startswith("c")
        models[name], cost = _trained(name, RECIPES[name], d.train(conv), d.train(conv), mode, seed)
        costs.append(cost)
        sse[name] = sse_per_image(d.x_te, _reconstruct(models[name], d.test(conv)))
    for k in (32, 2):
        pca = fit_pca(d.x_tr, k, seed=run_seed(SEED, seed))
        sse[f"pca{k}"] = sse_per_image(d.x_te, pca_reconstruct(pca, d.x_te))
    return models, sse, costs


def _moved_digits(models: dict[str, Any], d: _Images, shifts: tuple[int, ...]) -> dict[str, list[float]]:
    """The code-32 autoencoders' summed squared error per image of test digits shifted right by each of ``shifts``
    pixels."""
    shifted = {"cae32": [], "dense32": []}
    for px in shifts:
        moved = shift_right(d.img_te, px) if px else d.img_te
        flat = moved.reshape(-1, 784)
        shifted["cae32"].append(sse_per_image(flat, _reconstruct(models["cae32"], moved)))
        shifted["dense32"].append(sse_per_image(flat, _reconstruct(models["dense32"], flat)))
    return shifted


def _knn_2d(models: dict[str, Any], d: _Images, ks: tuple[int, ...], seed: int = 0) -> dict[str, list[float]]:
    """Test accuracy of k-NN classifiers (each k of ``ks``) on the code-2 autoencoders' codes and on PCA-2's."""
    knn = {}
    for name in ("cae2", "dense2"):
        conv = name.startswith("c")
        tr, te = _codes(models[name], d, conv)
        knn[name] = [knn_accuracy(tr, d.y_tr, te, d.y_te, k) for k in ks]
    pca2 = fit_pca(d.x_tr, 2, seed=run_seed(SEED, seed))
    knn["pca2"] = [knn_accuracy(pca2.transform(d.x_tr), d.y_tr, pca2.transform(d.x_te), d.y_te, k) for k in ks]
    return knn


def _denoisers(d: _Images, noise: dict[str, float], mode: Mode,
               seed: int = 0) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """For each noise model of ``noise``: test PSNR and SSIM of the noisy input, the classical filters (notebook
    04's grids, tuned on the tuning images), the dense and the convolutional denoiser; the denoisers' costs."""
    n4 = EXPERIMENTS["04"]  # notebook 04's noise seeds and filter grids
    filters = classical_denoisers(d.x_tr, median_sizes=n4.median_sizes, blur_sigmas=n4.blur_sigmas,
                                  pca_components=n4.pca_components, seed=run_seed(SEED, seed))
    denoising, costs = {}, []
    for kind, level in noise.items():
        noisy_tr = corrupt(d.img_tr, kind, level, seed=run_seed(n4.seed_train, seed))
        noisy_te = corrupt(d.img_te, kind, level, seed=run_seed(n4.seed_test, seed))
        conv_name = "cdae" if kind == "gaussian" else "cdae_masking"
        cdae, cost = _trained(conv_name, RECIPES[conv_name], noisy_tr, d.img_tr, mode, seed)
        costs.append(cost)
        dae, cost = _trained(f"dae_{kind}", RECIPES["dae"], noisy_tr.reshape(-1, 784), d.x_tr, mode, seed)
        costs.append(cost)
        flat = noisy_te.reshape(-1, 784)
        outs = {"noisy input": flat}
        tune_noisy = corrupt(d.x_tune, kind, level, seed=run_seed(n4.seed_tuning, seed))
        for fname, settings in filters.items():
            outs[fname] = best_setting(settings, d.x_tune, tune_noisy)[1](flat)
        outs["dense denoiser"] = predict(dae.autoencoder, flat, batch_size=BATCH)
        outs["conv denoiser"] = _reconstruct(cdae, noisy_te)
        denoising[kind] = {k: {"psnr": psnr(d.x_te, o), "ssim": ssim(d.x_te, o)} for k, o in outs.items()}
    return denoising, costs


def _probe(models: dict[str, Any], d: _Images, n_fit: int) -> dict[str, float]:
    """Test accuracy of a logistic regression fitted on ``n_fit`` training images' pixels and code-32 codes."""
    feats = {"raw": (d.x_tr, d.x_te), "dense32": _codes(models["dense32"], d, False),
             "cae32": _codes(models["cae32"], d, True)}
    return {k: linear_probe(tr[:n_fit], d.y_tr[:n_fit], te, d.y_te, setting=FIXED_PROBE)  # 05's probe, as it ran
            for k, (tr, te) in feats.items()}


# ------------------------------------------------------------------------------------------------------
# BENCHMARKS.md section and relation checks (called from benchmarks/report.py)
# ------------------------------------------------------------------------------------------------------
RELATIONS = ("Convolutional autoencoders (notebook 05): at code 32 the convolutional autoencoder's test error is "
             "below PCA-32's; on digits moved 0 to 4 pixels its error stays below the dense autoencoder's and grows "
             "by less (in squared error; relative to its own error it grows more, as notebook 05 shows); the "
             "convolutional denoiser beats every classical filter at both noise models. The 21 dB target is "
             "reported in the section, met or missed, not checked here.")


def check(results: dict[str, dict[str, Any]]) -> list[str]:
    """Notebook 05's claims on the benchmark's results (``{backend: {task: result}}``); returns what fails."""
    problems = []
    for b, r in task_results(results, "conv"):
        if not r["sse"]["cae32"] < r["sse"]["pca32"]:
            problems.append(f"{b}: conv autoencoder (code 32) error {r['sse']['cae32']:.2f} is not below PCA-32's "
                            f"{r['sse']['pca32']:.2f}")
        conv, dense = np.array(r["shifted"]["cae32"]), np.array(r["shifted"]["dense32"])
        if not (conv < dense).all():
            problems.append(f"{b}: the conv autoencoder's error of moved digits is not below the dense one's at "
                            f"every shift ({np.round(conv, 2).tolist()} against {np.round(dense, 2).tolist()})")
        if not conv[-1] - conv[0] < dense[-1] - dense[0]:
            problems.append(f"{b}: moving digits {r['shifts'][-1]} px adds {conv[-1] - conv[0]:.2f} to the conv "
                            f"autoencoder's error, not less than the {dense[-1] - dense[0]:.2f} it adds to the "
                            "dense one's")
        for kind, rows in r["denoising"].items():
            ours = rows["conv denoiser"]["psnr"]
            for name in CLASSICAL[1:]:
                if not ours > rows[name]["psnr"]:
                    problems.append(f"{b}: {kind} noise: conv denoiser {ours:.2f} dB is not above the "
                                    f"{name}'s {rows[name]['psnr']:.2f} dB")
    return problems


def render_section(results: dict[str, dict[str, Any]]) -> list[str]:
    """The convolutional section of BENCHMARKS.md (empty when no backend ran the task): five tables."""
    backends = ran(results, "conv")
    if not backends:
        return []
    out = ["## Convolutional autoencoders (notebook 05)", ""]
    for part in (_codes_table, _moved_table, _denoising_table, _probe_table, _cost_table):
        out += part(results, backends) + [""]
    return out


def _codes_table(results: dict[str, dict[str, Any]], backends: list[str]) -> list[str]:
    """Summed squared test error at code 32 and 2, and k-NN accuracy of the 2-D codes; PCA's and published."""
    r0 = results[backends[0]]["conv"]
    rows = []
    for b in backends:
        r = results[b]["conv"]
        for a, z, label in (("cae32", "cae2", "convolutional"), ("dense32", "dense2", "dense")):
            rows.append([f"{label}, {display(b)}", f"{r['sse'][a]:.2f}", f"{r['sse'][z]:.2f}", pct(r["knn"][z][0]),
                         pct(r["knn"][z][1])])
    rows.append(["PCA", f"{r0['sse']['pca32']:.2f}", f"{r0['sse']['pca2']:.2f}", pct(r0["knn"]["pca2"][0]),
                 pct(r0["knn"]["pca2"][1])])
    pub = PUBLISHED["knn_2d_ae"]
    return (["All autoencoders here are trained the same way (linear output, MSE, Adam with a cosine schedule, "
             f"the same epochs and images): {RECIPES['cae32']}; the dense ones are notebook 01's and 02's "
             "architectures. Summed squared error per test image:", ""]
            + table(["model", "code 32", "code 2", "1-NN (code 2)", "5-NN (code 2)"], rows)
            + [f"| published autoencoder | | | {pub.value[0]:.1f} % | {pub.value[1]:.1f} % |",
               "", f"Published: {pub.source}."])


def _moved_table(results: dict[str, dict[str, Any]], backends: list[str]) -> list[str]:
    """Summed squared error of the code-32 autoencoders on moved test digits, and how much it grows."""
    shifts = results[backends[0]]["conv"]["shifts"]
    rows = []
    for b in backends:
        for name, label in (("cae32", "convolutional"), ("dense32", "dense")):
            v = results[b]["conv"]["shifted"][name]
            rows.append([f"{label}, {display(b)}", *(f"{x:.2f}" for x in v), f"{v[-1] / v[0]:.2f}x"])
    return ([f"Moved test digits (shifted right by {', '.join(map(str, shifts))} pixels), code 32, summed "
             "squared error per image:", ""]
            + table(["model", *(f"{p} px" for p in shifts), "growth"], rows))


def _denoising_table(results: dict[str, dict[str, Any]], backends: list[str]) -> list[str]:
    """Test PSNR / SSIM of the classical filters (first backend's run) and the denoisers, each noise model;
    in full mode, whether the lecture's PSNR target is met."""
    r0 = results[backends[0]]["conv"]
    kinds = list(r0["denoising"])
    rows = []
    for b in backends:
        r = results[b]["conv"]
        for name in r["denoising"][kinds[0]]:
            if name in CLASSICAL and b != backends[0]:
                continue
            label = name if name in CLASSICAL else f"{name}, {display(b)}"
            rows.append([label, *(f"{r['denoising'][k][name]['psnr']:.2f} / {r['denoising'][k][name]['ssim']:.3f}"
                                  for k in kinds)])
    out = (["Denoising (test PSNR in dB / SSIM; the classical filters tuned on held-out training images; the "
            f"convolutional denoiser {RECIPES['cdae']}, for masking noise with "
            f"{RECIPES['cdae_masking'].epochs} epochs; the dense one is notebook 04's {RECIPES['dae'].sizes()}):",
            ""]
           + table(["method", *(f"{k} {r0['noise'][k]}" for k in kinds)], rows))
    if r0["mode"] == "full":
        p = r0["denoising"]["gaussian"]["conv denoiser"]["psnr"]
        verdict = "met" if p >= r0["target_psnr_db"] else "missed"
        out += ["", f"Target of the lecture (full mode): at least {r0['target_psnr_db']:g} dB at Gaussian σ = 0.5: "
                f"{verdict} ({p:.2f} dB, {display(backends[0])})."]
    return out


def _probe_table(results: dict[str, dict[str, Any]], backends: list[str]) -> list[str]:
    """Test accuracy of a logistic regression on raw pixels and on the code-32 codes."""
    rows = [[label, *(pct(results[b]["conv"]["probe"][name]) for b in backends)]
            for name, label in (("raw", "raw pixels (784)"), ("dense32", "dense code (32)"),
                                ("cae32", "convolutional code (32)"))]
    return ([f"Codes as features: logistic regression fitted on {results[backends[0]]['conv']['n_probe']:,} "
             "training images, test accuracy:", ""]
            + table(["features", *(display(b) for b in backends)], rows))


def _cost_table(results: dict[str, dict[str, Any]], backends: list[str]) -> list[str]:
    """Weights and training time of every model the task trained."""
    rows = [[c["model"], display(b), f"{c['weights']:,}", str(c["epochs"]), f"{c['seconds_per_epoch']:.2f} s",
             f"{c['train_seconds']:.0f} s"] for b in backends for c in results[b]["conv"]["costs"]]
    return ["Training cost:", ""] + table(["model", "backend", "weights", "epochs", "seconds per epoch",
                                           "training time"], rows)
